"""Importing 837P files (the claims the practice sent) into the store, on SQLite and on
PostgreSQL, and linking each 835 claim payment to the claim it pays, whichever came first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recoup.cli import app
from recoup.store import Store
from recoup.store.queries import ClaimView
from remit_samples import header, original_file
from sent_samples import SUMMIT, claim, claims_file, line, visit_20, visit_21
from store_helpers import BRIGHTPATH, LITTLE_STEPS, snapshot
from x12_samples import interchange, transaction

runner = CliRunner()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def paid(store: Store, number: str) -> ClaimView:
    (history,) = store.claim_history(number)
    (current,) = history.current
    return current


def test_an_837_stores_each_claim_with_its_lines(store: Store, tmp_path: Path) -> None:
    result = store.import_path(write(tmp_path, "sent.837", claims_file(visit_20(), visit_21())))
    assert (result.kind, result.status) == ("837", "imported")
    assert (result.claims, result.new_claims, result.known_claims) == (2, 2, 0)
    counts = store.row_counts()
    assert counts["sent_claims"] == 2 and counts["sent_claim_lines"] == 4
    assert counts["claims"] == 0  # a sent claim is not a payment
    (sent,) = store.sent_claims("BP-1021")
    assert (sent.frequency, sent.place_of_service, sent.charge) == ("1", "11", Decimal("185.00"))
    assert (sent.payer_id, sent.payer_name, sent.billing_npi) == (
        "SHP01",
        "SUMMIT HEALTH PLAN",
        "1487654321",
    )
    assert sent.diagnoses == ("ABK:M5450", "ABF:M6281")
    assert (sent.service_date, sent.sent_date) == (date(2026, 2, 24), date(2026, 2, 25))
    assert sent.source.endswith("sent.837 segment 36")  # the CLM segment
    first, second = sent.lines
    assert (first.code, first.modifiers, first.units, first.charge) == (
        "97110",
        ("GP",),
        Decimal("2"),
        Decimal("120.00"),
    )
    assert (first.control_number, second.control_number) == ("BP1021-1", "BP1021-2")
    assert first.diagnosis_pointers == (1, 2)


def test_the_example_batches_import(store: Store) -> None:
    batches = sorted(BRIGHTPATH.glob("claims/*.837")) + sorted(LITTLE_STEPS.glob("claims/*.837"))
    assert len(batches) == 12
    results = [store.import_path(p) for p in batches]
    assert all(r.kind == "837" and r.status == "imported" for r in results), [
        (r.path, r.findings) for r in results if r.status != "imported"
    ]
    # a claim sent again in a later batch (a replacement carries new content) is not doubled
    assert store.row_counts()["sent_claims"] == sum(r.new_claims for r in results)
    (ls4114,) = store.sent_claims("LS4114")
    assert [(ln.code, ln.modifiers) for ln in ls4114.lines] == [("97153", ()), ("97155", ())]


def test_the_same_file_twice_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "sent.837", claims_file(visit_20(), visit_21()))
    assert store.import_path(path).status == "imported"
    before = snapshot(store)
    again = store.import_path(path)
    assert (again.kind, again.status) == ("837", "already imported")
    assert snapshot(store) == before


def test_the_same_claims_in_another_envelope_are_stored_once(store: Store, tmp_path: Path) -> None:
    store.import_path(write(tmp_path, "a.837", claims_file(visit_20(), visit_21())))
    before = store.row_counts()
    resent = store.import_path(write(tmp_path, "b.837", claims_file(visit_21(), control="0042")))
    assert resent.status == "imported"
    assert (resent.claims, resent.new_claims, resent.known_claims) == (1, 0, 1)
    after = store.row_counts()
    assert after["sent_claims"] == before["sent_claims"] == 2
    assert after["source_files"] == before["source_files"] + 1  # the file is known from now on


def _cut(data: bytes) -> bytes:
    return data[: data.index(b"CLM*BP-1021")]


BAD_FILES = {
    "truncated": (_cut, "cut off"),
    "837I": (lambda d: d.replace(b"005010X222A1", b"005010X223A2"), "837I (institutional)"),
    "270": (lambda d: d.replace(b"ST*837*", b"ST*270*"), "270 (an eligibility inquiry)"),
    "bad charge": (
        lambda d: d.replace(b"SV1*HC:97140:GP*65.00", b"SV1*HC:97140:GP*65,00"),
        "65,00",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_writes_nothing_and_says_why(store: Store, tmp_path: Path, case: str) -> None:
    store.import_path(write(tmp_path, "before.835", original_file()))
    before = snapshot(store)
    spoil, expected = BAD_FILES[case]
    path = write(tmp_path, "claims.837", spoil(claims_file(visit_20(), visit_21())))
    result = store.import_path(path)
    assert result.status == "failed"
    assert any(expected in f.message and f.file == str(path) for f in result.findings), [
        f.message for f in result.findings
    ]
    assert snapshot(store) == before


def test_the_cli_says_why_a_270_is_not_imported(db_url: str, tmp_path: Path) -> None:
    path = write(tmp_path, "x.edi", claims_file(visit_20()).replace(b"ST*837*", b"ST*270*"))
    result = runner.invoke(app, ["import", "--db", db_url, str(path), "--today", "2026-11-23"])
    assert result.exit_code == 1
    assert "eligibility inquiry" in result.output and "nothing" in result.output
    assert "Traceback" not in result.output


# -- the link from a payment to the claim it pays ------------------------------------------


def _ref_swapped_835() -> bytes:
    """BP-1030 paid on 2026-03-11: two 97110 lines with the same date and charge, answered
    in the other order; only REF*6R tells which is which."""
    body = header(paid="30.00", when="20260311", trace="EFT0311777") + [
        "LX*1",
        "CLP*BP-1030*2*120.00*30.00*0.00*12*SHP2026031100050*11*1",
        "NM1*QC*1*RIVERA*ANA****MI*SHP7781204",
        "SVC*HC:97110:GP:59*60.00*30.00**1",
        "DTM*472*20260303",
        "CAS*CO*45*30.00",
        "REF*6R*BP1030-2",
        "SVC*HC:97110:GP*60.00*0.00**1",
        "DTM*472*20260303",
        "CAS*CO*97*60.00",
        "REF*6R*BP1030-1",
    ]
    return interchange(transaction(body, paid="30.00"), control="000000501")


def _visit_30() -> bytes:
    day = date(2026, 3, 3)
    lines = (
        line(1, "97110", "60.00", "1", day, ref="BP1030-1"),
        line(2, "97110", "60.00", "1", day, modifiers=("GP", "59"), ref="BP1030-2"),
    )
    return claims_file(claim("BP-1030", lines), control="0003", created=date(2026, 3, 5))


def _linked(store: Store, number: str) -> tuple[str, list[tuple[str, int | None]]]:
    view = paid(store, number)
    assert view.sent is not None, f"{number} is not linked to its sent claim"
    return view.sent.patient_control_number, [(ln.procedure, ln.sent_line) for ln in view.lines]


@pytest.mark.parametrize("order", ["837 first", "835 first"])
def test_payment_links_to_the_sent_claim_in_either_order(
    store: Store, tmp_path: Path, order: str
) -> None:
    files = [
        write(tmp_path, "sent.837", claims_file(visit_20(), visit_21())),
        write(tmp_path, "paid.835", original_file()),
        write(tmp_path, "sent30.837", _visit_30()),
        write(tmp_path, "paid30.835", _ref_swapped_835()),
    ]
    if order == "835 first":
        files = [files[1], files[3], files[0], files[2]]
    assert [store.import_path(p).status for p in files] == ["imported"] * 4
    # BP-1020's 835 lines carry no REF*6R: matched by code, date and charge
    assert _linked(store, "BP-1020") == ("BP-1020", [("97110:GP", 0), ("97140:GP", 1)])
    # BP-1021's carry REF*6R
    assert _linked(store, "BP-1021") == ("BP-1021", [("97110:GP", 0), ("97140:GP", 1)])
    # BP-1030: same code, date and charge on both lines; REF*6R decides
    assert _linked(store, "BP-1030") == ("BP-1030", [("97110:GP:59", 1), ("97110:GP", 0)])
    sent = paid(store, "BP-1030").sent
    assert sent is not None and sent.lines[1].modifiers == ("GP", "59")


def test_both_orders_end_in_the_same_links(new_db_url: Callable[[], str], tmp_path: Path) -> None:
    sent = write(tmp_path, "sent.837", claims_file(visit_20(), visit_21()))
    remit = write(tmp_path, "paid.835", original_file())
    seen = []
    for files in ([sent, remit], [remit, sent]):
        with Store.open(new_db_url()) as store:
            for path in files:
                store.import_path(path)
            views = [paid(store, n) for n in ("BP-1020", "BP-1021")]
            seen.append(
                [(v.sent and v.sent.lines, [ln.sent_line for ln in v.lines]) for v in views]
            )
    assert seen[0] == seen[1]
    assert all(sent_lines for sent_lines, _ in seen[0])


def test_a_claim_sent_to_another_payer_is_not_linked(store: Store, tmp_path: Path) -> None:
    elsewhere = visit_20(
        subscriber=visit_20().subscriber._replace(
            payer=SUMMIT._replace(name="PRAIRIE MUTUAL", id="58230")
        )
    )
    store.import_path(write(tmp_path, "other.837", claims_file(elsewhere)))
    store.import_path(write(tmp_path, "paid.835", original_file()))
    assert paid(store, "BP-1020").sent is None
    assert [c.payer_name for c in store.sent_claims("BP-1020")] == ["PRAIRIE MUTUAL"]


def test_a_payment_links_to_the_claim_it_answers_not_a_later_replacement(
    store: Store, tmp_path: Path
) -> None:
    store.import_path(write(tmp_path, "sent.837", claims_file(visit_20())))
    replacement = visit_20(frequency="7", payer_claim_control_number="SHP2026030400020")
    replacement = replacement._replace(
        lines=(replacement.lines[0]._replace(units=Decimal("3")), replacement.lines[1])
    )
    later = claims_file(replacement, control="0009", created=date(2026, 3, 20))
    store.import_path(write(tmp_path, "replacement.837", later))
    store.import_path(write(tmp_path, "paid.835", original_file()))  # paid 2026-03-04
    view = paid(store, "BP-1020")
    assert view.sent is not None and view.sent.frequency == "1"
    assert [s.frequency for s in store.sent_claims("BP-1020")] == ["1", "7"]
