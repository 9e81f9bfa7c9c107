"""The web app shows each check as the deposit shows it: the provider-level adjustments (PLB)
with the claim each names, the reconciliation sum(CLP04) - sum(PLB) = BPR02 as sent, and on a
denial's page what the payer paid on the claim, took back, and the net."""

from __future__ import annotations

import re
from pathlib import Path

from recoup import pipeline
from remit_samples import header
from web.conftest import WebFactory
from web.helpers import TODAY, Web
from x12_samples import interchange, transaction

# BP-1040 on 2026-03-04: 97110 paid 71.20 (CO-45 28.80, PR-3 20.00), 97140 denied CO-97.
PARTLY_PAID = [
    "LX*1",
    "CLP*BP-1040*1*185.00*71.20*20.00*12*SHP2026030400040*11*1",
    "NM1*QC*1*RIVERA*ANA****MI*SHP7781204",
    "SVC*HC:97110:GP*120.00*71.20**2",
    "DTM*472*20260217",
    "CAS*CO*45*28.80",
    "CAS*PR*3*20.00",
    "AMT*B6*91.20",
    "SVC*HC:97140:GP*65.00*0.00**1",
    "DTM*472*20260217",
    "CAS*CO*97*65.00",
]
# 2026-08-14: BP-1050 paid 98.40; WO takes back BP-1040's 71.20 by its CLP07: 98.40 - 71.20.
LATER = [
    "LX*1",
    "CLP*BP-1050*1*185.00*98.40*25.00*12*SHP2026081400050*11*1",
    "NM1*QC*1*RIVERA*ANA****MI*SHP7781204",
    "SVC*HC:97110:GP*185.00*98.40**3",
    "DTM*472*20260801",
    "CAS*CO*45*61.60",
    "CAS*PR*3*25.00",
    "PLB*1487654321*20261231*WO:SHP2026030400040*71.20",
]


def _web(make_web: WebFactory, tmp_path: Path, later_paid: str = "27.20") -> Web:
    web = make_web(example=False)
    first = tmp_path / "march.835"
    first.write_bytes(
        interchange(
            transaction(header(paid="71.20", when="20260304", trace="EFT0304040") + PARTLY_PAID)
        )
    )
    second = tmp_path / "august.835"
    second.write_bytes(
        interchange(
            transaction(header(paid=later_paid, when="20260814", trace="EFT0814050") + LATER),
            control="000000802",
        )
    )
    assert pipeline.import_paths(web.store, [first, second], today=TODAY).ok
    return web


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _denial(web: Web, patient: str) -> dict:  # type: ignore[type-arg]
    rows = web.client.get("/api/denials", params={"patient": patient}).json()["rows"]
    assert len(rows) == 1, rows
    row: dict = rows[0]  # type: ignore[type-arg]
    return row


def test_a_recouped_claim_shows_paid_recouped_and_net(make_web: WebFactory, tmp_path: Path) -> None:
    web = _web(make_web, tmp_path)
    row = _denial(web, "BP-1040")
    page = web.client.get(f"/denials/{row['id']}")
    assert page.status_code == 200
    text = _text(page.text)
    assert "Paid, recouped, net" in text
    assert "paid $71.20 on 2026-03-04, recouped $71.20 on 2026-08-14 (WO), net $0.00" in text
    assert re.search(r'id="money-net">\$0\.00<', page.text)
    assert re.search(r'id="money-recouped">\$71\.20<', page.text)
    # the denial's own check: no PLB on it, and it balances
    assert 'id="plb-none"' in page.text
    assert (
        "Claim payments $71.20 − provider adjustments $0.00 = $71.20; the check (BPR02) pays "
        "$71.20: it matches." in text
    )
    data = web.client.get(f"/api/denials/{row['id']}").json()
    assert data["claim_money"]["paid"] == "71.20" and data["claim_money"]["net"] == "0.00"
    assert [(r["reason"], r["amount"]) for r in data["claim_money"]["recoupments"]] == [
        ("WO", "71.20")
    ]
    assert data["remittance"]["reconciliation"]["status"] == "match"


def test_the_later_check_lists_its_plb_and_balances(make_web: WebFactory, tmp_path: Path) -> None:
    web = _web(make_web, tmp_path)
    august = web.store.remittance_of(trace_number="EFT0814050", payer_name="SUMMIT HEALTH PLAN")
    assert august is not None
    data = web.client.get(f"/api/remittances/{august}").json()
    assert data["claims"] == 1 and data["trace_number"] == "EFT0814050"
    (plb,) = data["provider_adjustments"]
    assert (plb["reason"], plb["reference"], plb["amount"], plb["claim"]) == (
        "WO",
        "SHP2026030400040",
        "71.20",
        "BP-1040",
    )
    rec = data["reconciliation"]
    assert (rec["claims_paid"], rec["provider_adjustments"], rec["payment"]) == (
        "98.40",
        "71.20",
        "27.20",
    )
    assert rec["status"] == "match" and rec["difference"] == "0.00"
    assert web.client.get("/api/remittances/999999").status_code == 404


def test_a_check_that_does_not_add_up_is_named_and_not_posted(
    make_web: WebFactory, tmp_path: Path
) -> None:
    web = make_web(example=False)
    bad = tmp_path / "august.835"  # 98.40 - 71.20 is 27.20, BPR02 says 30.00
    bad.write_bytes(
        interchange(transaction(header(paid="30.00", when="20260814", trace="EFT0814050") + LATER))
    )
    (result,) = pipeline.import_paths(web.store, [bad], today=TODAY).results
    assert result.claims == 0, result
    assert (
        web.store.remittance_of(trace_number="EFT0814050", payer_name="SUMMIT HEALTH PLAN") is None
    )


def test_the_example_takeback_review_shows_its_check(web: Web) -> None:
    rows = web.client.get("/api/denials", params={"lane": "review_takeback"}).json()["rows"]
    (row,) = rows
    page = web.client.get(f"/denials/{row['id']}")
    assert page.status_code == 200
    text = _text(page.text)
    # the Aug 21 Summit check: FB carried forward, WO recovering BP26010, WO naming no claim
    table = page.text.split('id="plb-table"')[1].split("</table>")[0]
    cells = [
        [_text(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        for tr in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    ]
    assert [(c[1], c[3], c[4], c[5]) for c in cells] == [
        ("FB", "SHP26071000121", "BP26036", "$28.70"),  # CLP07 of its Jul 24 payment
        ("WO", "SHP26022000128", "BP26010", "$63.20"),
        ("WO", "OVP26-0917-4410", "no claim found", "$45.00"),
    ]
    assert cells[1][2] == "overpayment recovery"
    assert (
        "Claim payments $434.70 − provider adjustments $136.90 = $297.80; the check (BPR02) pays "
        "$297.80: it matches." in text
    )
    assert 'id="claim-money"' not in page.text  # the reference names no claim: no history
    assert "A takeback whose reference names no claim" in text
    worklist = web.client.get("/", params={"lane": "review_takeback"}).text
    assert f'<a href="/denials/{row["id"]}">No patient (takeback)</a>' in worklist
    data = web.client.get(f"/api/denials/{row['id']}").json()
    assert data["claim_money"] is None
    assert [a["amount"] for a in data["remittance"]["provider_adjustments"]] == [
        "28.70",
        "63.20",
        "45.00",
    ]
