"""Property tests for the X12 layer and the 835 reader.

- Any byte string, and any mutation of a valid remittance, gives findings, never an exception.
- Records written to segments and read back are the same records.
- How the bytes arrive (chunk size, line breaks) does not change what is read.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recoup.findings import Finding
from recoup.records import (
    Adjustment,
    ClaimPayment,
    Contact,
    Party,
    Person,
    Procedure,
    ProviderAdjustment,
    Remittance,
    ServiceLine,
)
from recoup.x12 import Reader835, read_835
from recoup.x12.tokens import Delimiters
from recoup.x12.writer835 import write_835
from x12_samples import seed_file

CORPUS = sorted((Path(__file__).parent.parent / "data" / "era").glob("*.835"))
SEED = seed_file()


def _strip_positions(value: Any) -> Any:
    """The same record with segment numbers and the file name blanked (they depend on layout)."""
    fields = getattr(value, "_fields", None)
    if fields is not None:
        return type(value)(
            *(
                0 if name in ("segment", "segment_count") else "" if name == "file" else
                _strip_positions(item)
                for name, item in zip(fields, value, strict=True)
            )
        )  # fmt: skip
    if isinstance(value, tuple):
        return tuple(_strip_positions(v) for v in value)
    return value


def _assert_only_findings(data: bytes) -> None:
    result = read_835(data, file="fuzz.835")
    assert all(isinstance(f, Finding) for f in result.findings)
    for finding in result.findings:
        str(finding)  # every finding can be shown
        finding.to_dict()


# -- never raises --------------------------------------------------------------------------


@given(st.binary(max_size=2000))
@settings(max_examples=300)
def test_random_bytes_never_raise(data: bytes) -> None:
    _assert_only_findings(data)


@given(st.binary(max_size=400))
def test_random_bytes_after_a_valid_header_never_raise(tail: bytes) -> None:
    _assert_only_findings(SEED[:400] + tail)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(SEED)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        kind = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "dup"]))
        pos = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[pos] = draw(st.sampled_from(b"*~:^0123456789.-ABCZ \n\x00\xff"))
        elif kind == "delete":
            del data[pos : pos + draw(st.integers(1, 40))]
        elif kind == "insert":
            data[pos:pos] = draw(st.sampled_from([b"~", b"*", b"CAS*CO*", b"SE*1*1~", b"ISA*"]))
        elif kind == "truncate":
            del data[pos:]
        else:
            end = min(len(data), pos + draw(st.integers(1, 120)))
            data[pos:pos] = data[pos:end]
    return bytes(data)


@given(mutated())
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_remittances_never_raise(data: bytes) -> None:
    _assert_only_findings(data)


# -- round trips -----------------------------------------------------------------------------

codes = st.text("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1, max_size=3)
idents = st.text("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-", min_size=1, max_size=12)
names = (
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ ÁÉÑÖ.", min_size=1, max_size=20).map(str.strip).filter(bool)
)
dates = st.dates(date(1990, 1, 1), date(2099, 12, 31))


@st.composite
def amounts(draw: st.DrawFn, signed: bool = True) -> Decimal:
    whole = draw(st.integers(0, 999_999))
    cents = draw(st.integers(0, 99))
    sign = "-" if signed and draw(st.booleans()) else ""
    return Decimal(f"{sign}{whole}.{cents:02d}")


adjustments = st.builds(
    Adjustment,
    group=st.sampled_from(["CO", "PR", "OA", "PI"]),
    reason=codes,
    amount=amounts(),
    quantity=st.none() | st.integers(1, 99).map(Decimal),
    segment=st.just(0),
)
procedures = st.builds(
    Procedure,
    qualifier=st.sampled_from(["HC", "AD", "NU"]),
    code=st.text("0123456789ABJTV", min_size=4, max_size=5),
    modifiers=st.lists(st.sampled_from(["GP", "59", "XE", "KX", "HN", "25"]), max_size=4).map(
        tuple
    ),
    description=st.just("") | names,
)
lines = st.builds(
    ServiceLine,
    procedure=procedures,
    charge=amounts(),
    paid=amounts(),
    revenue_code=st.sampled_from(["", "0420", "0430"]),
    units=st.none() | st.integers(1, 40).map(Decimal),
    original_procedure=st.none() | procedures,
    original_units=st.none() | st.integers(1, 40).map(Decimal),
    service_date=st.none() | dates,
    period_start=st.none() | dates,
    period_end=st.none() | dates,
    adjustments=st.lists(adjustments, max_size=8).map(tuple),
    remarks=st.lists(st.sampled_from(["N362", "N435", "M80", "N20", "MA130"]), max_size=3).map(
        tuple
    ),
    references=st.lists(st.tuples(st.sampled_from(["6R", "LU", "0K"]), idents), max_size=2).map(
        tuple
    ),
    amounts=st.lists(st.tuples(st.sampled_from(["B6", "KH"]), amounts()), max_size=2).map(tuple),
    quantities=st.lists(st.tuples(st.just("ZK"), st.integers(1, 9).map(Decimal)), max_size=1).map(
        tuple
    ),
    segment=st.just(0),
)


def people(entity: str) -> st.SearchStrategy[Person]:
    return st.builds(
        Person,
        entity=st.just(entity),
        last_name=names,
        first_name=st.just("") | names,
        middle_name=st.just("") | st.sampled_from(["Q", "J"]),
        suffix=st.just("") | st.just("JR"),
        id_qualifier=st.sampled_from(["MI", "XX", "HN"]),
        id=idents,
        is_organization=st.booleans(),
    )


@st.composite
def claims(draw: st.DrawFn, header_number: str) -> ClaimPayment:
    return ClaimPayment(
        patient_control_number=draw(idents),
        status=draw(st.sampled_from(["1", "2", "3", "4", "19", "22", "23"])),
        charge=draw(amounts()),
        paid=draw(amounts()),
        patient_responsibility=draw(st.none() | amounts()),
        filing_indicator=draw(st.sampled_from(["12", "CI", "MB", "MC", "HM"])),
        payer_claim_id=draw(idents),
        facility_type=draw(st.sampled_from(["", "11", "12"])),
        frequency=draw(st.sampled_from(["", "1", "7"])),
        patient=draw(st.none() | people("QC")),
        insured=draw(st.none() | people("IL")),
        rendering_provider=draw(st.none() | people("82")),
        other_names=tuple(draw(st.lists(people("GB"), max_size=1))),
        outpatient_remarks=tuple(draw(st.lists(st.sampled_from(["MA01", "MA130"]), max_size=2))),
        references=tuple(draw(st.lists(st.tuples(st.sampled_from(["EA", "1L", "F8"]), idents)))),
        dates=tuple(
            draw(st.lists(st.tuples(st.sampled_from(["232", "233", "050"]), dates), max_size=3))
        ),
        amounts=tuple(draw(st.lists(st.tuples(st.just("AU"), amounts()), max_size=1))),
        adjustments=tuple(draw(st.lists(adjustments, max_size=3))),
        lines=tuple(draw(st.lists(lines, max_size=4))),
        header_number=header_number,
    )


def parties(entity: str) -> st.SearchStrategy[Party]:
    return st.builds(
        Party,
        entity=st.just(entity),
        name=names,
        id_qualifier=st.sampled_from(["XX", "FI", "XV"]),
        id=idents,
        address=st.lists(names, max_size=2).map(tuple),
        city=names,
        state=st.sampled_from(["CO", "TX"]),
        postal_code=st.sampled_from(["80302", "733010000"]),
        references=st.lists(st.tuples(st.sampled_from(["2U", "TJ"]), idents), max_size=2).map(
            tuple
        ),
        contacts=st.lists(
            st.builds(
                Contact,
                function=st.sampled_from(["CX", "BL", "IC"]),
                name=names,
                numbers=st.lists(
                    st.tuples(st.sampled_from(["TE", "EM", "UR"]), idents), max_size=3
                ).map(tuple),
            ),
            max_size=2,
        ).map(tuple),
    )


@st.composite
def remittances(draw: st.DrawFn, control: str) -> Remittance:
    header_numbers = draw(st.lists(st.sampled_from(["1", "2", "3"]), min_size=1, max_size=3))
    items: list[ClaimPayment] = []
    for number in dict.fromkeys(header_numbers):
        items += draw(st.lists(claims(number), max_size=3))
    return Remittance(
        file="",
        control_number=control,
        interchange_control="000000777",
        group_control="777",
        sender_id="PAYER",
        receiver_id="PRACTICE",
        handling_code=draw(st.sampled_from(["I", "H"])),
        payment_amount=draw(amounts(signed=False)),
        credit_debit=draw(st.sampled_from(["C", "D"])),
        payment_method=draw(st.sampled_from(["ACH", "CHK", "NON"])),
        payment_date=draw(st.none() | dates),
        trace_number=draw(idents),
        trace_originator=draw(st.sampled_from(["1234567890", "9876543210"])),
        production_date=draw(st.none() | dates),
        payer=draw(parties("PR")),
        payee=draw(parties("PE")),
        claims=tuple(items),
        provider_adjustments=tuple(
            draw(
                st.lists(
                    st.builds(
                        ProviderAdjustment,
                        provider_id=st.just("1487654321"),
                        fiscal_period_end=dates,
                        reason=st.sampled_from(["WO", "L6", "FB", "72"]),
                        reference=st.just("") | idents,
                        amount=amounts(),
                        segment=st.just(0),
                    ),
                    max_size=3,
                )
            )
        ),
        version="005010X221A1",
    )


delimiter_sets = st.sampled_from(
    [
        Delimiters("*", ":", "^", "~"),
        Delimiters("|", ">", "^", "~"),
        Delimiters("*", ":", "^", "'"),
        Delimiters("^", "\\", "{", "~"),
    ]
)


@given(
    st.lists(
        st.sampled_from(["0001", "0002", "1234"]), min_size=1, max_size=3, unique=True
    ).flatmap(lambda controls: st.tuples(*(remittances(c) for c in controls))),
    delimiter_sets,
    st.booleans(),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_write_then_read_gives_the_same_records(
    items: tuple[Remittance, ...], delimiters: Delimiters, line_breaks: bool
) -> None:
    text = write_835(items, delimiters=delimiters, line_breaks=line_breaks)
    result = read_835(text.encode("utf-8"))
    structural = [f for f in result.findings if not f.code.startswith("x835.balance")]
    assert structural == []
    assert _strip_positions(result.remittances) == _strip_positions(
        tuple(r._replace(segment_count=0) for r in items)
    )


def test_corpus_files_round_trip() -> None:
    for path in CORPUS:
        first = read_835(path)
        if not first.remittances[0].interchange_control:
            continue  # no envelope to write back as it was
        again = read_835(write_835(first.remittances).encode("latin-1"))
        assert _strip_positions(again.remittances) == _strip_positions(first.remittances), path


@given(st.integers(1, 600), st.sampled_from(CORPUS))
@settings(max_examples=60)
def test_chunk_size_does_not_matter(chunk_size: int, path: Path) -> None:
    data = path.read_bytes()
    whole = read_835(data)
    pieces = Reader835(io.BytesIO(data), "<bytes>", chunk_size=chunk_size).read()
    assert pieces.remittances == whole.remittances
    assert [f.code for f in pieces.findings] == [f.code for f in whole.findings]
