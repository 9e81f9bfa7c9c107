"""The denial page and its JSON show the payer's phone, portal and contacts from the 835's PER."""

from __future__ import annotations

from pathlib import PurePath

from web.conftest import WebFactory


def test_the_denial_page_shows_whom_to_call(make_web: WebFactory) -> None:
    web = make_web()
    rows = web.client.get("/api/denials?status=all&per_page=200").json()["rows"]
    medicare = next(r for r in rows if r["payer_name"].startswith("MEDICARE"))
    summit = next(r for r in rows if r["payer_name"].startswith("SUMMIT"))
    data = web.client.get(f"/api/denials/{medicare['id']}").json()
    assert [(c["function"], c["name"], c["phones"]) for c in data["payer_contacts"]] == [
        ("CX", "PROVIDER SERVICES", ["(855) 555-0101"]),
        ("BL", "EDI SUPPORT", ["(855) 555-0102"]),
    ]
    assert data["payer_contacts"][1]["emails"] == ["edi-support@mac-jh.example"]
    assert data["payer_contacts"][0]["source"] == (
        "2026-09-18_medicare-part-b.835, payer loop 1000A (PER)"
    )
    page = web.client.get(f"/denials/{summit['id']}").text
    contact = page.split('id="payer-contact"', 1)[1].split("</section>", 1)[0]
    assert "Claims and billing questions" in contact
    assert '<a href="tel:(800)555-0199">(800) 555-0199</a>' in contact
    assert 'href="https://www.providers.summithealthplan.example"' in contact
    assert 'href="mailto:edi@summithealthplan.example"' in contact
    assert "No payer contact" not in contact


def test_a_denial_without_a_stored_835_says_so(make_web: WebFactory) -> None:
    from datetime import date

    from recoup.store import DenialQuery
    from recoup.store.tables import claims

    web = make_web()
    rows = web.store.denials(DenialQuery(status=None), today=date(2026, 11, 23)).rows
    # not the first row: the example worklist now starts with a takeback review, which has no
    # claim (its contacts come from the check whose PLB it is), so take a denied claim's row
    row = next(r for r in rows if r.patient_account)
    with web.store.engine.begin() as conn:  # no stored claim of this payer any more
        conn.execute(
            claims.update()
            .where(claims.c.patient_control_number == row.patient_account)
            .values(payer_name="SOMEONE ELSE")
        )
    page = web.client.get(f"/denials/{row.id}").text
    assert "[No payer contact: the 835 of this claim has no PER segment" in page
    assert web.client.get(f"/api/denials/{row.id}").json()["payer_contacts"] == []


def test_a_takeback_review_shows_the_contacts_of_its_check(make_web: WebFactory) -> None:
    """A takeback review has no claim: whom to ask about the PLB is in the 835 of its check."""
    web = make_web()
    rows = web.client.get("/api/denials?status=all&per_page=200").json()["rows"]
    takeback = next(r for r in rows if r["lane"] == "review_takeback")
    data = web.client.get(f"/api/denials/{takeback['id']}").json()
    assert data["remittance"] is not None
    contacts = data["payer_contacts"]
    assert [c["function"] for c in contacts][:1] == ["CX"]
    assert {c["source"] for c in contacts} == {
        f"{PurePath(data['remittance']['file']).name}, payer loop 1000A (PER)"
    }
