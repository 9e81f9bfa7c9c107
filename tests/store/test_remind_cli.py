"""``recoup remind`` and the team commands end to end: the list per user, an iCalendar file that
a calendar library reads back with exactly the items due, and e-mail that a local SMTP server
(aiosmtpd, started here) receives, one message per user with exactly that user's items."""

from __future__ import annotations

import csv
import email
import io
import json
import socket
from collections.abc import Iterator
from datetime import date, timedelta
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from recoup import pipeline
from recoup.cli import app
from recoup.store import DenialQuery, Store
from store_helpers import BRIGHTPATH

TODAY = date(2026, 11, 23)
REMITTANCES = sorted((BRIGHTPATH / "remittances").glob("*.835"))
PASSWORD = "correct horse battery"
runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = str(tmp_path / "recoup.db")
    with Store.open(url) as store:
        assert pipeline.import_paths(store, [BRIGHTPATH, *REMITTANCES], today=TODAY).ok
        for name in ("dana", "eli", "fay"):
            store.create_user(name, PASSWORD, "biller")
            store.grant_practice(name, "*")  # the practice's own staff: they see it
    return url


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _rows(db: str) -> list[Any]:
    with Store.open(db) as store:
        return store.all_denials(DenialQuery(today=TODAY), today=TODAY)


def _setup(db: str) -> tuple[date, list[Any], list[Any]]:
    """dana: one deadline and one call-back due; eli: one call-back due; fay: nothing due."""
    rows = _rows(db)
    deadlines = sorted(r.deadline for r in rows if r.deadline is not None)
    day = deadlines[2] - timedelta(days=5)  # three deadlines (at least) are near
    horizon = day + timedelta(days=14)
    due = [r for r in rows if r.deadline is not None and r.deadline <= horizon]
    later = [r for r in rows if r.deadline is None or r.deadline > horizon]
    assert len(due) >= 3 and len(later) >= 3
    _ok("assign", "--db", db, "--to", "dana", str(due[0].id), str(later[0].id), "--user", "eli")
    _ok("assign", "--db", db, "--to", "eli", str(later[1].id))
    _ok("assign", "--db", db, "--to", "fay", str(later[2].id))
    _ok("follow-up", "--db", db, "--on", (day + timedelta(days=2)).isoformat(), str(later[0].id))
    _ok("follow-up", "--db", db, "--on", day.isoformat(), str(later[1].id))
    _ok("follow-up", "--db", db, "--on", (day + timedelta(days=40)).isoformat(), str(later[2].id))
    _ok("user", "email", "--db", db, "dana", "dana@clinic.test")
    _ok("user", "email", "--db", db, "eli", "eli@clinic.test")
    return day, due, later


def test_remind_lists_per_user_and_unassigned(db: str) -> None:
    day, due, later = _setup(db)
    data = json.loads(_ok("remind", "--db", db, "--today", day.isoformat(), "--json"))
    users = data["users"]
    assert list(users) == ["dana", "eli", "unassigned"]  # fay has nothing due in 14 days
    assert [(i["kind"], i["denial"]) for i in users["dana"]] == sorted(
        [("deadline", due[0].id), ("follow_up", later[0].id)],
        key=lambda k: due[0].deadline if k[0] == "deadline" else day + timedelta(days=2),
    )
    assert [(i["kind"], i["denial"]) for i in users["eli"]] == [("follow_up", later[1].id)]
    assert {i["denial"] for i in users["unassigned"]} == {r.id for r in due[1:]}
    text = _ok("remind", "--db", db, "--today", day.isoformat())
    assert "dana: 2 item(s)" in text and "eli: 1 item(s)" in text
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "_" not in "".join(line for line in text.splitlines() if "Call back" in line)
    fay = json.loads(
        _ok("remind", "--db", db, "--today", day.isoformat(), "--json", "--user", "fay")
    )
    assert fay["users"] == {}
    wider = json.loads(
        _ok(
            "remind",
            "--db",
            db,
            "--today",
            day.isoformat(),
            "--json",
            "--user",
            "fay",
            "--days",
            "45",
        )
    )
    fay_row = later[2]
    expected = {("follow_up", fay_row.id)}
    if fay_row.deadline is not None and fay_row.deadline <= day + timedelta(days=45):
        expected.add(("deadline", fay_row.id))
    assert {(i["kind"], i["denial"]) for i in wider["users"]["fay"]} == expected


def test_remind_ics_holds_exactly_the_items_due(db: str, tmp_path: Path) -> None:
    from icalendar import Calendar

    day, due, later = _setup(db)
    target = tmp_path / "dana.ics"
    out = _ok(
        "remind", "--db", db, "--today", day.isoformat(), "--user", "dana", "--ics", str(target)
    )
    assert "2 event(s)" in out
    raw = target.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")  # CRLF line ends
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    cal = Calendar.from_ical(raw)
    events = [e for e in cal.walk("VEVENT")]
    found = {(str(e["UID"]), e.decoded("DTSTART")) for e in events}
    assert found == {
        (f"recoup-deadline-{due[0].id}@recoup", due[0].deadline),
        (f"recoup-follow-up-{later[0].id}@recoup", day + timedelta(days=2)),
    }
    for event in events:
        assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(days=1)
        assert due[0].patient_name not in str(event["SUMMARY"]) + str(event["DESCRIPTION"])
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert summaries[0].startswith("Call back: ") and summaries[1].startswith("Deadline: ")


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[int, _Inbox]]:
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def test_remind_email_reaches_each_user_with_their_items(
    db: str, smtp: tuple[int, _Inbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, inbox = smtp
    day, due, later = _setup(db)
    monkeypatch.setenv("RECOUP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("RECOUP_SMTP_PORT", str(port))
    monkeypatch.setenv("RECOUP_SMTP_SECURITY", "none")
    monkeypatch.setenv("RECOUP_SMTP_FROM", "recoup@clinic.test")
    result = runner.invoke(
        app,
        [
            "remind",
            "--db",
            db,
            "--today",
            day.isoformat(),
            "--email",
            "--base-url",
            "https://billing.clinic.test",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2 e-mail(s) sent: dana, eli" in result.output
    assert "of unassigned (nobody's: assign them)" in result.output
    by_rcpt = {tuple(r): m for _, r, m in inbox.messages}
    assert set(by_rcpt) == {("dana@clinic.test",), ("eli@clinic.test",)}
    assert all(sender == "recoup@clinic.test" for sender, _, _ in inbox.messages)
    dana = by_rcpt[("dana@clinic.test",)].get_payload(decode=True).decode()
    eli = by_rcpt[("eli@clinic.test",)].get_payload(decode=True).decode()
    item_lines = [line for line in dana.splitlines() if line[:4].isdigit()]
    assert len(item_lines) == 2
    assert any(f"denial {due[0].id} " in line and "Deadline" in line for line in item_lines)
    assert any(f"denial {later[0].id} " in line and "Call back" in line for line in item_lines)
    eli_lines = [line for line in eli.splitlines() if line[:4].isdigit()]
    assert len(eli_lines) == 1 and f"denial {later[1].id} " in eli_lines[0]
    assert f"denial {due[0].id} " not in eli
    assert "https://billing.clinic.test/my-work" in dana
    assert due[0].patient_name not in dana


def test_remind_email_without_a_server_is_a_message(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RECOUP_SMTP_HOST", raising=False)
    result = runner.invoke(app, ["remind", "--db", db, "--email", "--from", "a@b.test"])
    assert result.exit_code == 1 and "no SMTP server" in result.output
    assert "Traceback" not in result.output


def test_note_notes_status_and_export_commands(db: str, tmp_path: Path) -> None:
    rows = _rows(db)
    first = rows[0]
    _ok(
        "note",
        "--db",
        db,
        str(first.id),
        "--call",
        "--contact",
        "Ann",
        "--reference",
        "REF-77",
        "--text",
        "reprocessing",
        "--user",
        "dana",
    )
    _ok("note", "--db", db, first.denial_id, "--text", "records faxed", "--user", "eli")
    listed = json.loads(_ok("notes", "--db", db, str(first.id), "--json"))
    assert [(n["kind"], n["author"]) for n in listed["notes"]] == [
        ("note", "eli"),
        ("call", "dana"),
    ]
    assert listed["notes"][1]["reference"] == "REF-77"
    shown = _ok("notes", "--db", db, str(first.id))
    assert "ref REF-77" in shown and "spoke to Ann" in shown
    _ok("work-status", "--db", db, "--set", "working", str(first.id))
    bad = runner.invoke(app, ["work-status", "--db", db, "--set", "closed", str(first.id)])
    assert bad.exit_code == 1 and "outcome" in bad.output
    _ok("assign", "--db", db, "--to", "dana", *[str(r.id) for r in rows[:4]])
    target = tmp_path / "dana.csv"
    out = _ok(
        "export",
        "worklist",
        "--db",
        db,
        "--today",
        TODAY.isoformat(),
        "--assigned",
        "dana",
        "--csv",
        str(target),
    )
    assert "4 denial(s)" in out
    table = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [int(r["Denial"]) for r in table] == [r.id for r in rows[:4]]
    assert table[0]["Status"] == "Working" and table[0]["Status code"] == "working"
    book = tmp_path / "kpis.xlsx"
    _ok("export", "kpis", "--db", db, "--today", TODAY.isoformat(), "--xlsx", str(book))
    assert book.read_bytes()[:2] == b"PK"
    missing = runner.invoke(app, ["assign", "--db", db, "--to", "zed", str(first.id)])
    assert missing.exit_code == 1 and "there is no user zed" in missing.output


@pytest.mark.parametrize(
    "command",
    [
        ["assign"],
        ["follow-up"],
        ["work-status"],
        ["note"],
        ["notes"],
        ["remind"],
        ["export", "worklist"],
        ["export", "kpis"],
        ["user", "email"],
    ],
)
def test_every_team_command_documents_itself(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "--db" in result.output
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert f"recoup {' '.join(command)}" in readme
