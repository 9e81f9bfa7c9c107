"""The 837P reader and writer: round trips, the example batches, bad input as findings.

Every file recoup writes is checked with pyx12's 005010X222A1 validation (an independent
implementation of the guide) and must have 0 errors.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recoup.records import Adjustment, Procedure
from recoup.x12 import read_837, write_837
from recoup.x12.claims837 import (
    Claim837,
    ClaimBatch,
    Diagnosis,
    LineAdjudication,
    Member,
    OtherPayer,
    Payer,
    Provider,
    ServiceLine837,
    Submitter,
    Subscriber,
)
from x12_validate import guide_errors

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*/claims/*.837"))
BILLING = Provider(
    "85",
    "LITTLE STEPS AUTISM CENTER",
    "1730496282",
    True,
    taxonomy="103K00000X",
    address=("88 BLUEBONNET WAY", "SUITE 4"),
    city="ROUND ROCK",
    state="TX",
    postal_code="786641021",
    tax_id_qualifier="EI",
    tax_id="472281934",
)


def strip_places(value: Any) -> Any:
    """The record with every ``segment`` (and ``file``) zeroed: what a round trip keeps."""
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(
            *[
                0 if f in ("segment", "segment_count") else "" if f == "file" else strip_places(v)
                for f, v in zip(value._fields, value, strict=True)
            ]
        )
    if isinstance(value, tuple):
        return tuple(strip_places(v) for v in value)
    return value


def sample_claim(**changes: Any) -> Claim837:
    sub = Subscriber(
        "P",
        Member("MARCHETTI", "LUCIA", id_qualifier="MI", id="PMX70219934-01"),
        Payer("PRAIRIE MUTUAL", "58230"),
        group_number="7700418",
        filing_indicator="CI",
    )
    patient = Member(
        "MARCHETTI",
        "THEO",
        address=("1 ELM ST",),
        city="ROUND ROCK",
        state="TX",
        postal_code="78664",
        birth_date=date(2021, 4, 18),
        gender="M",
    )
    lines = (
        ServiceLine837(
            1,
            Procedure("HC", "97153"),
            Decimal("176.00"),
            Decimal("8"),
            date(2026, 8, 11),
            (1,),
            control_number="LS4114-1",
        ),
        ServiceLine837(
            2,
            Procedure("HC", "97155", ("XE",)),
            Decimal("128.00"),
            Decimal("4"),
            date(2026, 8, 11),
            (1,),
            control_number="LS4114-2",
            prior_authorization="PMA-26-00413",
        ),
    )
    claim = Claim837(
        "LS4114",
        Decimal("304.00"),
        "11",
        "7",
        BILLING,
        sub,
        (Diagnosis("ABK", "F840"),),
        lines,
        patient=patient,
        patient_relationship="19",
        payer_claim_control_number="PM20260825001A",
        note="CORRECTED CLAIM",
        rendering_provider=Provider(
            "82", "ORTIZ", "1558392019", first_name="DANIEL", taxonomy="103K00000X"
        ),
    )
    return claim._replace(**changes)


def batch_of(*claims: Claim837) -> ClaimBatch:
    return ClaimBatch(
        "",
        "0001",
        "000000101",
        "101",
        "LITTLESTEPS",
        "LSCX01",
        "LS0001",
        date(2026, 11, 23),
        Submitter("LITTLE STEPS AUTISM CENTER", "LITTLESTEPS", "MAYA CHEN", "5125550187"),
        "LONE STAR CLAIMS EXCHANGE",
        "LSCX01",
        claims,
    )


def test_round_trip_and_guide_validation() -> None:
    batch = batch_of(sample_claim())
    text = write_837([batch])
    assert guide_errors(text) == []
    read = read_837(text.encode())
    assert read.ok, read.findings
    assert strip_places(read.batches) == strip_places((batch,))


def test_the_validator_catches_errors() -> None:
    text = write_837([batch_of(sample_claim())]).replace("HI*ABK:F840~\n", "")
    assert any("HI" in e for e in guide_errors(text))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_example_batches_read_and_validate(path: Path) -> None:
    read = read_837(path)
    assert read.ok and list(read.claims), read.findings
    assert guide_errors(path.read_text()) == []
    again = read_837(write_837(read.batches).encode())
    assert strip_places(again.batches) == strip_places(read.batches)


def test_records_carry_their_source() -> None:
    path = next(p for p in EXAMPLES if p.name == "2026-09-01_prairie-mutual.837")
    claim = next(c for c in read_837(path).claims if c.patient_control_number == "LS4114")
    assert claim.file == str(path)
    segments = path.read_text().split("~\n")
    assert segments[claim.segment - 1].startswith("CLM*LS4114*")
    assert segments[claim.lines[1].segment - 1] == "LX*2"
    assert claim.lines[1].prior_authorization == "PMA-26-00413"
    assert claim.lines[1].control_number == "LS4114-2"


def test_an_837i_is_refused() -> None:
    text = write_837([batch_of(sample_claim())]).replace("005010X222A1", "005010X223A2")
    read = read_837(text.encode())
    assert not read.ok and not list(read.claims)
    assert any(f.code == "x837.not_837p" and "837I" in f.message for f in read.findings)


def test_a_270_is_refused() -> None:
    text = write_837([batch_of(sample_claim())]).replace("ST*837*", "ST*270*")
    read = read_837(text.encode())
    assert not read.ok and not list(read.claims)
    assert any(f.code == "x837.not_837" and f.segment == 3 for f in read.findings)


def test_a_truncated_file_returns_nothing() -> None:
    text = write_837([batch_of(sample_claim(), sample_claim(patient_control_number="LS4115"))])
    cut = text[: text.index("LX*2")]
    read = read_837(cut.encode())
    assert not read.ok and not list(read.claims)
    assert any(f.code == "x837.truncated" for f in read.findings)


def test_a_bad_charge_drops_the_claim_with_its_place() -> None:
    text = write_837([batch_of(sample_claim())]).replace("*128.00*UN", "*12,80*UN")
    read = read_837(text.encode())
    assert not list(read.claims)
    bad = next(f for f in read.findings if f.code == "x837.value")
    assert bad.segment_id == "SV1" and "12,80" in bad.message and bad.offset is not None


def test_garbage_is_a_finding() -> None:
    read = read_837(b"this is not X12 at all")
    assert not read.ok and read.findings[0].code == "x12.not_x12"


# -- property: records -> writer -> reader gives the same records --------------------------------

_text = (
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -", min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)
_money = st.decimals(min_value=0, max_value=99999, places=2, allow_nan=False)
_units = st.integers(min_value=1, max_value=96).map(Decimal)
_dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
_mods = st.lists(
    st.sampled_from(["XE", "XU", "59", "KX", "GP", "GO", "GN"]), max_size=4, unique=True
).map(tuple)
_adj = st.builds(
    lambda group, reason, amount, quantity: Adjustment(group, reason, amount, quantity),
    st.sampled_from(["CO", "PR", "OA"]),
    st.sampled_from(["45", "97", "119", "2"]),
    _money,
    st.one_of(st.none(), _units),
)


CHEN = Provider("82", "CHEN", "1386204956", first_name="MAYA", taxonomy="103K00000X")
MARSH = Provider("DN", "MARSH", "1902847361", first_name="HELEN")


def grouped(adjustments: list[Adjustment]) -> tuple[Adjustment, ...]:
    """Adjustments as an 837 carries them: gathered by group code, groups in first-seen order."""
    order = list(dict.fromkeys(a.group for a in adjustments))
    return tuple(sorted(adjustments, key=lambda a: order.index(a.group)))


@st.composite
def _lines(draw: st.DrawFn) -> tuple[ServiceLine837, ...]:
    count = draw(st.integers(1, 4))
    out = []
    for n in range(1, count + 1):
        proc = Procedure(
            "HC", draw(st.sampled_from(["97153", "97155", "97110", "97530"])), draw(_mods)
        )
        adjudications = ()
        if draw(st.booleans()):
            adjudications = (
                LineAdjudication(
                    "73120",
                    draw(_money),
                    proc,
                    draw(_units),
                    grouped(draw(st.lists(_adj, max_size=3))),
                    draw(_dates),
                ),
            )
        start = draw(_dates)
        rendering = draw(st.sampled_from([None, CHEN]))
        out.append(
            ServiceLine837(
                n,
                proc,
                draw(_money),
                draw(_units),
                start,
                (1,),
                service_date_end=draw(st.sampled_from([None, start + timedelta(days=3)])),
                rendering_provider=rendering,
                note=draw(st.sampled_from(["", "SESSION NOTE"])),
                place_of_service=draw(st.sampled_from(["", "12"])),
                control_number=f"C-{n}",
                prior_authorization=draw(st.sampled_from(["", "PA1"])),
                adjudications=adjudications,
            )
        )
    return tuple(out)


@st.composite
def _claims(draw: st.DrawFn) -> Claim837:
    base = sample_claim()
    others: tuple[OtherPayer, ...] = ()
    if draw(st.booleans()):
        others = (
            OtherPayer(
                "P",
                "18",
                Member(draw(_text), "ANN", id_qualifier="MI", id="M1"),
                Payer(draw(_text), "73120"),
                filing_indicator="CI",
                adjustments=grouped(draw(st.lists(_adj, max_size=8))),
                paid=draw(_money),
                adjudication_date=draw(_dates),
                claim_control_number=draw(_text),
            ),
        )
    return base._replace(
        patient_control_number=draw(_text).replace(" ", ""),
        charge=draw(_money),
        frequency=draw(st.sampled_from(["1", "7", "8"])),
        patient=draw(st.sampled_from([None, base.patient])),
        diagnoses=tuple(
            Diagnosis("ABK" if i == 0 else "ABF", c)
            for i, c in enumerate(
                draw(
                    st.lists(
                        st.sampled_from(["F840", "M5450", "R2681"]),
                        min_size=1,
                        max_size=3,
                        unique=True,
                    )
                )
            )
        ),
        lines=draw(_lines()),
        other_payers=others,
        payer_claim_control_number=draw(st.sampled_from(["", "PM1"])),
        prior_authorization=draw(st.sampled_from(["", "AUTH-7"])),
        references=draw(st.sampled_from([(), (("EA", "LS-30112"),), (("D9", "X1"), ("EA", "R"))])),
        referring_provider=draw(st.sampled_from([None, MARSH])),
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(_claims(), min_size=1, max_size=3))
def test_property_round_trip(claims: list[Claim837]) -> None:
    claims = [
        c._replace(
            patient_relationship="19" if c.patient else "",
            subscriber=c.subscriber._replace(relationship="" if c.patient else "18"),
        )
        for c in claims
    ]
    batch = batch_of(*claims)
    read = read_837(write_837([batch]).encode())
    assert read.ok, read.findings
    got, want = strip_places(read.batches[0]), strip_places(batch)
    for mine, theirs in zip(got.claims, want.claims, strict=True):
        assert mine._asdict() == theirs._asdict()
    assert got == want


@settings(max_examples=15, deadline=None)
@given(st.lists(_claims(), min_size=1, max_size=2))
def test_property_written_claims_pass_the_guide(claims: list[Claim837]) -> None:
    claims = [
        c._replace(
            patient_relationship="19" if c.patient else "",
            subscriber=c.subscriber._replace(relationship="" if c.patient else "18"),
        )
        for c in claims
    ]
    errors = guide_errors(write_837([batch_of(*claims)]))
    assert errors == [], "\n".join(errors)
