"""The denial page's "As sent": the 837P claim the denied payment answers, as the practice sent
it, from the claim files in the uploaded practice folder (claims/*.837)."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

from sent_samples import brightpath_claim, claims_file
from web.conftest import WebFactory
from web.helpers import EXAMPLE, Web, zip_folder


def _row_id(web: Web, claim: str, code: str) -> int:
    rows = web.client.get("/api/denials", params={"patient": claim}).json()["rows"]
    (found,) = [r["id"] for r in rows if r["code"] == code]
    return int(found)


def _section(page: str) -> str:
    start = page.index('id="as-sent"')
    return page[start : page.index("</section>", start)]


def _cells(row_html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)
    ]


def test_the_denial_page_shows_the_claim_as_sent(web: Web) -> None:
    row_id = _row_id(web, "BP26065", "97530")
    section = _section(web.client.get(f"/denials/{row_id}").text)
    assert "As sent" in section
    assert "original claim" in section  # CLM05-3 = 1
    assert "2026-10-02_summit-health-plan.837 segment 171" in section  # the CLM segment
    assert "M5416" in section and "principal" in section
    rows = re.findall(r"<tr[^>]*>.*?</tr>", section.split("<tbody>")[1], re.S)
    lines = [_cells(r) for r in rows]
    # what the 837 says, line by line (examples/brightpath-pt/claims/2026-10-02_...837)
    assert [c[:8] for c in lines] == [
        ["1", "2026-09-15", "97110", "GP", "1", "$60.00", "BP26065-1", ""],
        ["2", "2026-09-15", "97140", "GP", "1", "$65.00", "BP26065-2", ""],
        ["3", "2026-09-15", "97530", "GP", "2", "$136.00", "BP26065-3", ""],
    ]
    denied = [i for i, r in enumerate(rows) if "denied-here" in r]
    assert denied == [2]  # the 97530 line this denial is about
    assert "no answer" not in section  # the 835 answered every line


def test_the_api_carries_the_claim_as_sent(web: Web) -> None:
    row_id = _row_id(web, "BP26063", "97112")
    sent = web.client.get(f"/api/denials/{row_id}").json()["as_sent"]
    assert sent["frequency"] == "1" and sent["place_of_service"] == "11"
    assert sent["charge"] == "250.00"
    assert [d["code"] for d in sent["diagnoses"]] == ["R2681", "M6281", "Z9181"]
    assert [(ln["code"], ln["control_number"], ln["denied_here"]) for ln in sent["lines"]] == [
        ("97110", "BP26063-1", False),
        ("97112", "BP26063-2", True),
        ("97530", "BP26063-3", False),
    ]
    assert sent["lines"][0]["modifiers"] == ["GP"]


def test_without_the_837_the_page_says_what_to_import(make_web: WebFactory, tmp_path: Path) -> None:
    folder = tmp_path / EXAMPLE.name
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("claims"))
    web = make_web(example=False)
    answer = web.post(
        "/api/imports",
        files=[("files", ("brightpath-pt.zip", zip_folder(folder), "application/zip"))],
    )
    assert answer.status_code == 200 and answer.json()["failed"] == 0, answer.text
    row_id = _row_id(web, "BP26065", "97530")
    section = _section(web.client.get(f"/denials/{row_id}").text)
    assert "not in the store" in section and "claims/*.837" in section
    assert "<table" not in section
    assert web.client.get(f"/api/denials/{row_id}").json()["as_sent"] is None


def test_a_missing_remittance_shows_the_claim_waiting(make_web: WebFactory) -> None:
    web = make_web()
    waiting = brightpath_claim("BP27001", date(2026, 10, 12))
    sent = claims_file(waiting, control="0101", created=date(2026, 10, 14))  # 40 days ago
    answer = web.post("/api/imports", files=[("files", ("oct.837", sent, "text/plain"))])
    assert answer.status_code == 200 and answer.json()["failed"] == 0, answer.text
    rows = web.client.get("/api/denials", params={"lane": "missing_remittance"}).json()["rows"]
    assert [r["patient_account"] for r in rows] == ["BP27001"]
    page = web.client.get(f"/denials/{rows[0]['id']}").text
    assert "Missing remittance · no answer from the payer" in page
    assert "Billed, unpaid" in page and "Appeal packet" not in page
    assert "The code, explained" not in page
    section = _section(page)
    assert "oct.837 segment" in section and section.count("no answer") == 2  # both lines
    worklist = web.client.get("/", params={"lane": "missing_remittance"}).text
    assert "Missing remittance" in worklist and "no 835" in worklist
