"""The dashboard that tells the truth (issue 17) and the underpaid dollars (issue 16), in the
web app: overdue apart from expiring, aging, corrected claims apart, what patients paid, the
practice filter, and a definition one click from every figure."""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from recoup.kpi_definitions import DEFINITIONS
from recoup.store import DenialQuery, Store
from recoup.web import create_app
from web.conftest import copy_data
from web.helpers import EXAMPLE, ROOT, Web, zip_folder

LITTLE_STEPS = ROOT / "examples" / "little-steps-aba"
BRIGHTPATH_KEY, LITTLE_STEPS_KEY = "1548213069", "1730496282"  # their NPIs (practice.toml)
# Brightpath's BP26065 (97530, $136.00, corrected claim lane) is due 2026-12-14: on 2026-12-24
# it is 10 days overdue, as is the $45.00 takeback review (its refund-dispute window ended
# 2026-09-20); nothing else is due before 2027-01-07.
LATE = date(2026, 12, 24)


@pytest.fixture
def late_web(tmp_path: Path, example_dir: Path) -> Iterator[Web]:
    folder = copy_data(example_dir, tmp_path / "data")
    store = Store.open(str(folder / "recoup.db"))
    app = create_app(store, multi_user=False, today=lambda: LATE, data_dir=folder)
    yield Web(app, store)
    store.close()


def _stat(text: str, ident: str) -> str:
    found = re.search(rf'id="{ident}"[^>]*>([^<]*)<', text)
    assert found, ident
    return found[1].strip()


def _import(web: Web, folder: Path) -> None:
    answer = web.post(
        "/api/imports",
        files=[("files", (f"{folder.name}.zip", zip_folder(folder), "application/zip"))],
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["failed"] == 0, answer.text


def test_ten_days_overdue_shows_as_overdue(late_web: Web) -> None:
    text = late_web.client.get("/dashboard").text
    assert _stat(text, "kpi-overdue") == "2"
    assert _stat(text, "kpi-expiring") == "0"
    assert "$181.00 past the deadline" in text
    body = late_web.client.get("/api/kpis").json()
    assert (body["overdue_count"], body["overdue_amount"]) == (2, "181.00")
    assert (body["expiring_count"], body["expiring_amount"]) == (0, "0.00")


def test_every_figure_links_to_its_definition(late_web: Web) -> None:
    text = late_web.client.get("/dashboard").text
    links = set(re.findall(r'href="#def-([a-z-]+)"', text))
    anchors = set(re.findall(r'<dt id="def-([a-z-]+)"', text))
    assert links <= anchors
    stats = re.findall(r'<div class="stat"><div class="label">(.*?)</div>', text)
    assert len(stats) == 13 and all('href="#def-' in label for label in stats)
    assert {d.key for d in DEFINITIONS} == anchors
    served = late_web.client.get("/api/kpis/definitions").json()
    assert [d["key"] for d in served] == [d.key for d in DEFINITIONS]
    overdue = next(d for d in served if d["key"] == "overdue")
    assert "before today" in overdue["text"]


def test_aging_and_underpaid_tables(late_web: Web) -> None:
    body = late_web.client.get("/api/kpis").json()
    rows = late_web.store.all_denials(DenialQuery(today=LATE), today=LATE)
    denials = [r for r in rows if r.lane not in ("underpayment", "review_takeback")]
    by_bucket = {"0-30": 0, "31-60": 0, "61-90": 0, "90+": 0}
    for r in denials:
        assert r.notice_date is not None
        age = (LATE - r.notice_date).days
        key = "0-30" if age <= 30 else "31-60" if age <= 60 else "61-90" if age <= 90 else "90+"
        by_bucket[key] += 1
    assert {row["bucket"]: row["denials"] for row in body["aging"]} == by_bucket
    assert body["open_count"] == len(denials)
    text = late_web.client.get("/dashboard").text
    table = text.split('id="underpaid-payer"')[1].split("</table>")[0]
    assert "SUMMIT HEALTH PLAN" in table and "$2.20" in table
    assert "97140" in text.split('id="underpaid-code"')[1].split("</table>")[0]
    assert body["underpaid_by_code"] == [
        {"key": "97140", "lines": 1, "amount": "2.20", "open_amount": "2.20"}
    ]


def test_practice_filter(late_web: Web) -> None:
    _import(late_web, LITTLE_STEPS)
    every = late_web.client.get("/api/kpis").json()
    bright = late_web.client.get("/api/kpis", params={"practice": BRIGHTPATH_KEY}).json()
    steps = late_web.client.get("/api/kpis", params={"practice": LITTLE_STEPS_KEY}).json()
    assert steps["practice"] == LITTLE_STEPS_KEY and every["practice"] is None
    for name in ("denied_lines", "adjudicated_lines", "open_count", "underpaid_lines"):
        assert bright[name] + steps[name] == every[name], name
    assert [r["key"] for r in steps["underpaid_by_payer"]] == ["PRAIRIE MUTUAL"]
    page = late_web.client.get("/dashboard", params={"practice": LITTLE_STEPS_KEY}).text
    assert f'<option value="{LITTLE_STEPS_KEY}" selected>' in page
    underpaid = page.split('id="underpaid-payer"')[1].split("</table>")[0]
    assert "PRAIRIE MUTUAL" in underpaid and "SUMMIT" not in underpaid
    assert f"kpis.csv?months=12&amp;practice={LITTLE_STEPS_KEY}" in page
    exported = late_web.client.get(
        "/dashboard/kpis.csv", params={"practice": LITTLE_STEPS_KEY}
    ).text
    payers = {row[1] for row in csv.reader(io.StringIO(exported)) if len(row) > 1}
    assert "SUMMIT HEALTH PLAN" not in payers
    assert "SUMMIT HEALTH PLAN" in late_web.client.get("/dashboard/kpis.csv").text
    assert late_web.client.get("/dashboard", params={"practice": "nobody"}).status_code == 404
    assert late_web.client.get("/api/kpis", params={"practice": "nobody"}).status_code == 404


def test_patient_collection_from_an_uploaded_payments_csv(late_web: Web, tmp_path: Path) -> None:
    # BP26061 (P1006) is in the bill-the-patient lane for $185.00; the example's payments.csv
    # has $65.00 and $50.00 on it, and a $25.00 copay on BP26001 (received, not collected)
    before = late_web.client.get("/api/kpis").json()
    assert (before["patient_owed"], before["patient_collected"]) == ("185.00", "115.00")
    assert before["patient_collection_rate"] == "0.6216"
    assert (before["patient_received"], before["patient_payments"]) == ("140.00", 3)
    # the practice exports its ledger again with one more payment: $20.00
    folder = tmp_path / "brightpath-pt"
    shutil.copytree(EXAMPLE, folder)
    with (folder / "payments.csv").open("a", encoding="utf-8") as ledger:
        ledger.write("2026-11-30,P1006,BP26061,20.00,cash,,paid at the front desk\n")
    _import(late_web, folder)
    body = late_web.client.get("/api/kpis").json()
    assert (body["patient_owed"], body["patient_collected"]) == ("185.00", "135.00")
    assert body["patient_collection_rate"] == "0.7297"
    text = late_web.client.get("/dashboard").text
    assert _stat(text, "kpi-patient") == "73%"
    assert "$135 paid of $185 owed" in text
