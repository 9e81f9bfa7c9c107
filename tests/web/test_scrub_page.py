"""The "Check claims before sending" page: an uploaded 837P scrubbed per claim line, with the
rule and its source, against the practice the store holds; nothing is stored."""

from __future__ import annotations

import re
from typing import Any

from web.helpers import EXAMPLE, Web

BATCH = EXAMPLE / "claims" / "2026-10-02_summit-health-plan.837"


def _upload(web: Web, url: str, name: str, data: bytes) -> Any:
    return web.post(url, files=[("files", (name, data, "text/plain"))])


def test_the_page_reports_each_line_with_its_rule_and_source(web: Web) -> None:
    assert "Check claims before sending" in web.client.get("/scrub").text
    before = web.store.row_counts()
    answer = _upload(web, "/scrub", BATCH.name, BATCH.read_bytes())
    assert answer.status_code == 200, answer.text
    page = answer.text
    report = page[page.index('id="scrub-report"') :]
    rows = re.findall(r"<tr class=\"([^\"]*)\">(.*?)</tr>", report, re.S)
    cells = [
        (
            cls,
            [
                re.sub(r"<[^>]+>", " ", c).split()
                for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            ],
        )
        for cls, row in rows
    ]
    bp26065 = [(cls, c) for cls, c in cells if c[0] == ["BP26065"]]
    assert [c[3] for _, c in bp26065] == [["97110:GP"], ["97140:GP"], ["97530:GP"]]
    blocked = [c for cls, c in bp26065 if cls == "overdue"]
    (line3,) = blocked
    assert line3[1] == ["3"] and "XU" in " ".join(line3[7])
    assert line3[8][:2] == ["ncci", "ptp"] and "ptp_bundled.csv" in " ".join(line3[8])
    assert all(c[6] == ["nothing", "found"] for cls, c in bp26065 if cls == "")
    summary = re.search(r'id="scrub-summary"><strong>(\d+)</strong> would be denied', page)
    assert summary is not None and int(summary[1]) == sum(cls == "overdue" for cls, _ in cells)
    assert web.store.row_counts() == {**before, "audit_log": before["audit_log"] + 1}


def test_the_api_gives_the_same_report(web: Web) -> None:
    answer = _upload(web, "/api/scrub", BATCH.name, BATCH.read_bytes())
    data = answer.json()
    assert data["practice"] == "Brightpath Physical Therapy"
    issues = [i for row in data["lines"] for i in row["issues"]]
    ptp = [i for i in issues if i["rule"] == "ncci_ptp"]
    assert [(i["claim_id"], i["line"], i["code"]) for i in ptp] == [("BP26065", 3, "97530")]
    assert data["would_be_denied"] == sum(i["severity"] == "block" for i in issues)


def test_a_file_that_is_not_an_837p_is_not_checked(web: Web) -> None:
    institutional = BATCH.read_bytes().replace(b"005010X222A1", b"005010X223A2")
    answer = _upload(web, "/scrub", "inst.837", institutional)
    assert answer.status_code == 400
    assert "Not checked" in answer.text and "837I" in answer.text
    assert "/tmp" not in answer.text
    api = _upload(web, "/api/scrub", "inst.837", institutional)
    assert api.status_code == 400


def test_claims_of_a_practice_the_store_does_not_hold(web: Web) -> None:
    other = EXAMPLE.parent / "little-steps-aba" / "claims" / "2026-09-01_prairie-mutual.837"
    answer = _upload(web, "/api/scrub", other.name, other.read_bytes())
    assert answer.status_code == 400
    assert "import its practice folder" in answer.text
