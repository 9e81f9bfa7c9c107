"""The web app's small parts: signed sessions, the secret key file, charts, filters."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest

from recoup.web.charts import bar_chart, column_chart
from recoup.web.filters import days_class, days_label, money
from recoup.web.security import SECRET_ENV, Session, Signer, load_secret


def test_signed_payloads_round_trip_and_refuse_tampering() -> None:
    signer = Signer(b"k" * 32)
    value = signer.sign({"c": "tok", "u": "dana", "r": "biller", "t": int(time.time())})
    assert signer.unsign(value, 60)["u"] == "dana"
    body, mac = value.split(".")
    assert signer.unsign(body + "." + mac[:-2] + "AA", 60) == {}
    assert signer.unsign(value + ".x", 60) == {}
    assert Signer(b"other" * 8).unsign(value, 60) == {}
    assert signer.unsign(value, 60, now=time.time() + 61) == {}
    assert signer.unsign("", 60) == {} and signer.unsign(None, 60) == {}


def test_session_payload_is_checked() -> None:
    assert Session.from_payload({"c": "x", "u": "dana", "r": "root", "t": 1}) is None
    assert Session.from_payload({"u": "dana", "r": "admin", "t": 1}) is None
    fresh = Session.fresh()
    signed = fresh.signed_in("dana", "admin", "sid")
    assert signed.csrf != fresh.csrf and signed.username == "dana"
    # a signed-in payload without its server-side session id is not a session
    assert Session.from_payload({"c": "x", "u": "dana", "r": "admin", "t": 1}) is None
    assert Session.from_payload(signed.payload()).sid == "sid"  # type: ignore[union-attr]


def test_secret_key_file_is_private_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)
    first = load_secret(tmp_path)
    path = tmp_path / "recoup-secret.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_secret(tmp_path) == first and len(first) == 32
    monkeypatch.setenv(SECRET_ENV, "from the environment")
    assert load_secret(tmp_path) == b"from the environment"


def test_charts_escape_labels_and_scale() -> None:
    svg = bar_chart(
        [("<script>x</script>", Decimal("0.5")), ("B", Decimal("0.25"))],
        title="T & U",
        fmt=str,
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "T &amp; U" in svg
    assert 'role="img"' in svg
    cols = column_chart(["Jan", "Feb"], [("Denied", [Decimal(1), Decimal(3)])], title="x", fmt=str)
    assert cols.count("<rect") == 3  # legend + two columns
    assert "Nothing to show" in bar_chart([], title="x", fmt=str)


def test_money_and_days() -> None:
    assert money(Decimal("1234.5")) == "$1,234.50"
    assert money(Decimal("-3")) == "−$3.00"
    assert money(None) == "—"
    assert [days_class(d) for d in (None, -1, 0, 14, 15)] == [
        "none",
        "overdue",
        "soon",
        "soon",
        "ok",
    ]
    assert days_label(-3) == "3 d overdue" and days_label(0) == "due today"
