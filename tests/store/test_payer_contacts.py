"""The payer's contacts (835 PER in the payer loop) for a denial, read from its stored 835."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from recoup import pipeline
from recoup.store import DenialQuery, DenialRow, Store
from recoup.store.contacts import phone
from store_helpers import BRIGHTPATH

TODAY = date(2026, 11, 23)
MEDICARE = BRIGHTPATH / "remittances" / "2026-09-18_medicare-part-b.835"
SUMMIT = BRIGHTPATH / "remittances" / "2026-07-24_summit-health-plan.835"


def _denial(store: Store, payer: str) -> DenialRow:
    rows = store.denials(DenialQuery(status=None, per_page=200), today=TODAY).rows
    return next(r for r in rows if r.payer_name.startswith(payer))


def test_the_denial_has_its_payers_contacts_in_the_files_order(store: Store) -> None:
    assert pipeline.import_paths(store, [BRIGHTPATH, MEDICARE, SUMMIT], today=TODAY).ok
    medicare = store.payer_contacts(_denial(store, "MEDICARE"))
    assert [(c.function, c.name, c.phones, c.emails) for c in medicare] == [
        ("CX", "PROVIDER SERVICES", ("(855) 555-0101",), ()),
        ("BL", "EDI SUPPORT", ("(855) 555-0102",), ("edi-support@mac-jh.example",)),
    ]
    assert medicare[0].label == "Claims and billing questions"
    assert medicare[0].source == f"{MEDICARE.name}, payer loop 1000A (PER)"
    summit = store.payer_contacts(_denial(store, "SUMMIT"))
    web = [c for c in summit if c.function == "IC"]
    assert len(web) == 1 and web[0].name == ""
    assert web[0].links == (
        (
            "www.providers.summithealthplan.example",
            "https://www.providers.summithealthplan.example",
        ),
    )
    assert web[0].to_dict()["urls"] == ["www.providers.summithealthplan.example"]


def test_an_835_without_per_gives_no_contact(store: Store, tmp_path: Path) -> None:
    bare = tmp_path / MEDICARE.name
    text = MEDICARE.read_text()
    lines = text.split("~")
    kept = [s for s in lines if not s.strip().startswith("PER*")]
    # the SE count must still match: the reader would report it, not hide it
    bare.write_text(_recount("~".join(kept)))
    assert pipeline.import_paths(store, [BRIGHTPATH, bare], today=TODAY).ok
    assert store.payer_contacts(_denial(store, "MEDICARE")) == []


def _recount(text: str) -> str:
    out, count = [], 0
    for segment in text.split("~"):
        tag = segment.strip().split("*", 1)[0]
        if tag == "ST":
            count = 0
        if tag:
            count += 1
        if tag == "SE":
            parts = segment.strip().split("*")
            segment = segment.replace(segment.strip(), f"SE*{count}*{parts[2]}")
        out.append(segment)
    return "~".join(out)


def test_phone_numbers_read_as_phone_numbers() -> None:
    assert phone("8005550199") == "(800) 555-0199"
    assert phone("18005550199") == "(800) 555-0199"
    assert phone("800-555-0199") == "(800) 555-0199"
    assert phone("+44 20 7946 0958") == "+44 20 7946 0958"  # not a US number: as written
