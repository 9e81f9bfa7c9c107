"""The 835 reader on small documents written the way payers send them."""

from __future__ import annotations

import gc
import io
from datetime import date
from decimal import Decimal

import pytest

from recoup.findings import Severity
from recoup.lineage import pair_reversals
from recoup.x12 import Reader835, iter_claims, read_835
from x12_samples import HEADER, PAID_VISIT, VISIT_21, interchange, seed_file, transaction


def codes(result: object) -> list[str]:
    return [f.code for f in result.findings]  # type: ignore[attr-defined]


def test_seed_remittance_reads_every_field() -> None:
    result = read_835(seed_file(), file="seed.835")
    assert result.ok and not result.findings
    (remit,) = result.remittances
    assert remit.payment_amount == Decimal("98.40")
    assert (remit.handling_code, remit.credit_debit, remit.payment_method) == ("I", "C", "ACH")
    assert remit.payment_date == date(2026, 3, 4)
    assert remit.production_date == date(2026, 3, 2)
    assert (remit.trace_number, remit.trace_originator) == ("EFT0304001", "1234567890")
    assert remit.payer.name == "SUMMIT HEALTH PLAN"
    assert remit.payer.references == (("2U", "SHP01"),)
    assert [c.function for c in remit.payer.contacts] == ["CX", "BL"]
    assert remit.payer.contacts[1].numbers == (("EM", "edi@summit.example"),)
    assert (remit.payee.id_qualifier, remit.payee.id) == ("XX", "1487654321")
    assert remit.payee.city == "BOULDER"
    assert remit.interchange_control == "000000101"
    assert remit.version == "005010X221A1"

    paid, denied = remit.claims
    assert paid.patient_responsibility == Decimal("25.00")
    assert denied.patient_control_number == "BP-1021"
    assert denied.payer_claim_id == "SHP2026030400021"
    assert (denied.charge, denied.paid) == (Decimal("185.00"), Decimal("0.00"))
    assert denied.patient is not None and denied.patient.display_name == "ANA RIVERA"
    assert denied.patient.id == "SHP7781204"
    assert denied.rendering_provider is not None
    assert denied.rendering_provider.id == "1912345678"
    assert denied.received_date == date(2026, 2, 26)
    assert denied.service_date == date(2026, 2, 24)
    first, second = denied.lines
    assert (first.procedure.code, first.procedure.modifiers) == ("97110", ("GP",))
    assert first.units == Decimal("2")
    assert first.adjustments[0].key == "CO-119"
    assert first.adjustments[0].amount == Decimal("120.00")
    assert first.remarks == ("N362",)
    assert first.control_number == "BP1021-1"
    assert first.allowed == Decimal("0.00")
    assert second.procedure.code == "97140"
    assert sum(a.amount for a in denied.all_adjustments) == Decimal("185.00")


def test_money_is_decimal_with_the_digits_sent() -> None:
    (remit,) = read_835(seed_file()).remittances
    line = remit.claims[0].lines[0]
    assert isinstance(line.charge, Decimal) and str(line.charge) == "120.00"
    assert str(remit.claims[0].lines[1].adjustments[0].amount) == "32.80"


def test_cas_with_several_triplets_and_quantities() -> None:
    body = HEADER + [
        "LX*1",
        "CLP*C1*1*600.00*0.00**12*P1",
        "SVC*HC:97153*600.00*0.00**24",
        "CAS*CO*119*100.00*4*97*100.00*4*45*100.00**B7*100.00*1*16*100.00**18*100.00*2",
    ]
    result = read_835(interchange(transaction(body, paid="0.00")))
    adjustments = result.remittances[0].claims[0].lines[0].adjustments
    assert [a.reason for a in adjustments] == ["119", "97", "45", "B7", "16", "18"]
    assert [a.quantity for a in adjustments] == [
        Decimal(4),
        Decimal(4),
        None,
        Decimal(1),
        None,
        Decimal(2),
    ]
    assert all(a.group == "CO" for a in adjustments)
    assert "x835.balance.line" not in codes(result)


@pytest.mark.parametrize(
    "variant",
    [
        {"newline": False},
        {"newline": True},
        {"term": "~\r", "newline": True},
        {"sep": "|", "term": "'"},
    ],
)
def test_layouts_read_the_same(variant: dict[str, object]) -> None:
    base = read_835(seed_file())
    other = read_835(seed_file(**variant))
    assert other.findings == ()
    assert [r._replace(file="") for r in other.remittances] == [
        r._replace(file="") for r in base.remittances
    ]


@pytest.mark.parametrize("chunk_size", [1, 7, 64, 1000])
def test_chunk_boundaries_do_not_change_the_result(chunk_size: int) -> None:
    data = interchange(
        transaction(HEADER + ["LX*1"] + PAID_VISIT, "0001"),
        transaction(HEADER + VISIT_21, "0002", paid="0.00"),
    )
    whole = Reader835(io.BytesIO(data), "f").read()
    pieces = Reader835(io.BytesIO(data), "f", chunk_size=chunk_size).read()
    assert pieces.remittances == whole.remittances
    assert pieces.findings == whole.findings == ()
    assert [r.control_number for r in whole.remittances] == ["0001", "0002"]


def test_two_interchanges_with_their_own_delimiters() -> None:
    first = seed_file()
    second = seed_file(sep="|", term="'", control="000000102", newline=False)
    result = read_835(first + second)
    assert result.ok, result.findings
    assert [r.interchange_control for r in result.remittances] == ["000000101", "000000102"]
    assert result.remittances[0].claims == result.remittances[1].claims or all(
        a.patient_control_number == b.patient_control_number
        for a, b in zip(result.remittances[0].claims, result.remittances[1].claims, strict=True)
    )


def test_file_without_envelope_is_read_with_a_warning() -> None:
    data = "~\n".join(transaction(HEADER + VISIT_21, paid="0.00")).encode() + b"~\n"
    result = read_835(data)
    assert result.ok
    assert codes(result) == ["x12.envelope.missing"]
    assert result.findings[0].severity is Severity.WARNING
    assert len(result.remittances[0].claims) == 1


def _finding(result: object, code: str):  # type: ignore[no-untyped-def]
    found = [f for f in result.findings if f.code == code]  # type: ignore[attr-defined]
    assert found, f"{code} not in {codes(result)}"
    return found[0]


@pytest.mark.parametrize(
    ("old", "new", "code", "segment_id"),
    [
        ("SE*45*0001", "SE*44*0001", "x12.se.count", "SE"),
        ("SE*45*0001", "SE*45*0009", "x12.se.control", "SE"),
        ("GE*1*101", "GE*2*101", "x12.ge.count", "GE"),
        ("GE*1*101", "GE*1*102", "x12.ge.control", "GE"),
        ("IEA*1*000000101", "IEA*3*000000101", "x12.iea.count", "IEA"),
        ("IEA*1*000000101", "IEA*1*000000999", "x12.iea.control", "IEA"),
    ],
)
def test_envelope_faults_name_the_segment(old: str, new: str, code: str, segment_id: str) -> None:
    data = seed_file()
    assert old.encode() in data
    result = read_835(data.replace(old.encode(), new.encode()), file="bad.835")
    finding = _finding(result, code)
    # The money is untouched: a warning, and the remittance posts; strict makes it an error.
    assert finding.severity is Severity.WARNING
    assert result.ok and result.postable == result.remittances
    assert finding.segment_id == segment_id
    assert finding.segment_text == new
    assert finding.file == "bad.835"
    assert finding.offset is not None
    assert data.replace(old.encode(), new.encode())[finding.offset :].startswith(new.encode())
    strict = read_835(data.replace(old.encode(), new.encode()), file="bad.835", strict=True)
    assert _finding(strict, code).severity is Severity.ERROR
    assert not strict.ok


def test_non_numeric_amount_is_an_error_with_place() -> None:
    data = seed_file().replace(b"CAS*CO*119*65.00", b"CAS*CO*119*65,00")
    result = read_835(data, file="comma.835")
    finding = _finding(result, "x835.value")
    assert '"65,00"' in finding.message
    assert finding.segment_text == "CAS*CO*119*65,00"
    assert data[finding.offset : finding.offset + 16] == b"CAS*CO*119*65,00"
    segments = data.decode().split("~")
    assert segments[finding.segment - 1].strip() == "CAS*CO*119*65,00"
    assert str(finding).startswith(f"comma.835:segment {finding.segment} (CAS): error:")


@pytest.mark.parametrize(
    "bad", ["1e3", "NaN", "Infinity", "1_000", "1 2", "--1", "1.2.3", "1" * 21, "\xb2"]
)
def test_only_plain_decimals_are_amounts(bad: str) -> None:
    data = seed_file().replace(b"CAS*CO*119*65.00", f"CAS*CO*119*{bad}".encode())
    assert "x835.value" in codes(read_835(data))


def test_missing_payment_segment() -> None:
    data = seed_file().replace(HEADER[0].format(paid="98.40").encode() + b"~\n", b"")
    result = read_835(data.replace(b"SE*45*", b"SE*44*"))
    assert "x835.bpr.missing" in codes(result)
    assert not result.ok


def test_truncated_file_keeps_what_was_complete() -> None:
    data = seed_file()
    cut = data.rindex(b"SVC*HC:97140:GP*65.00")
    result = read_835(data[:cut], file="cut.835")
    assert "x12.truncated" in codes(result)
    assert not result.ok
    claims = list(result.claims)
    assert [c.patient_control_number for c in claims] == ["BP-1020", "BP-1021"]
    assert len(claims[1].lines) == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "x12.empty"),
        (b"   \n", "x12.empty"),
        (b"Dear biller, please find attached", "x12.not_x12"),
        (b"ISA*00*short~", "x12.isa.invalid"),
        (b"ISA*00*          *00*          *ZZ*A", "x12.isa.invalid"),
    ],
)
def test_not_an_835(data: bytes, code: str) -> None:
    result = read_835(data)
    assert codes(result) == [code]
    assert result.remittances == ()


def test_unbalanced_line_is_reported_not_fixed() -> None:
    data = seed_file().replace(b"GP*120.00*71.20**2", b"GP*120.00*75.20**2")
    result = read_835(data)
    line = _finding(result, "x835.balance.line")
    assert "120.00" in line.message and "75.20" in line.message and "71.20" in line.message
    assert line.severity is Severity.WARNING and line.segment_id == "SVC"
    assert codes(result) == ["x835.balance.line"]
    # The numbers are kept as sent.
    assert result.remittances[0].claims[0].lines[0].paid == Decimal("75.20")


def test_unbalanced_claim_and_transaction_are_reported() -> None:
    data = seed_file().replace(b"185.00*98.40*25.00", b"185.00*99.40*25.00")
    result = read_835(data)
    claim = _finding(result, "x835.balance.claim")
    assert claim.segment_id == "CLP" and "99.40" in claim.message
    transaction = _finding(result, "x835.balance.transaction")
    assert "99.40" in transaction.message and "98.40" in transaction.message
    assert result.remittances[0].claims[0].paid == Decimal("99.40")


def test_group_codes() -> None:
    data = seed_file().replace(b"CAS*CO*119*65.00", b"CAS*XX*119*65.00")
    assert _finding(read_835(data), "x835.cas.group").severity is Severity.ERROR
    data = seed_file().replace(b"CAS*CO*119*65.00", b"CAS*CR*119*65.00")
    result = read_835(data)
    assert _finding(result, "x835.cas.group_4010").severity is Severity.WARNING
    assert result.remittances[0].claims[1].lines[1].adjustments[0].group == "CR"


def test_provider_level_adjustments_balance_the_payment() -> None:
    body = HEADER + ["LX*1"] + PAID_VISIT + ["PLB*1487654321*20261231*WO:BP-0999*40.00*L6*-1.60"]
    result = read_835(interchange(transaction(body, paid="60.00")))
    assert result.ok and result.findings == ()
    plb = result.remittances[0].provider_adjustments
    assert [(p.reason, p.reference, p.amount) for p in plb] == [
        ("WO", "BP-0999", Decimal("40.00")),
        ("L6", "", Decimal("-1.60")),
    ]
    assert plb[0].fiscal_period_end == date(2026, 12, 31)


def test_reversal_and_correction_are_paired() -> None:
    reversal = [
        "CLP*BP-1020*22*-185.00*-98.40*-25.00*12*SHP2026030400020*11*1",
        "NM1*QC*1*RIVERA*ANA****MI*SHP7781204",
        "SVC*HC:97110:GP*-120.00*-71.20**-2",
        "DTM*472*20260217",
        "CAS*CO*45*-28.80",
        "CAS*PR*3*-20.00",
        "SVC*HC:97140:GP*-65.00*-27.20**-1",
        "DTM*472*20260217",
        "CAS*CO*45*-32.80*-1",
        "CAS*PR*3*-5.00",
    ]
    correction = [s.replace("98.40*25.00", "118.40*5.00") for s in PAID_VISIT]
    correction = [
        s.replace("CAS*PR*3*20.00", "CAS*PR*3*0.00").replace("71.20", "91.20") for s in correction
    ]
    body = HEADER + ["LX*1"] + reversal + correction
    result = read_835(interchange(transaction(body, paid="20.00")))
    assert result.ok, result.findings
    claims = list(result.claims)
    assert claims[0].is_reversal and claims[0].paid == Decimal("-98.40")
    (link,) = pair_reversals(claims)
    assert link.correction is claims[1]
    assert link.matched_by == "claim numbers"


def test_streaming_hands_out_claims_and_restores_the_collector() -> None:
    assert gc.isenabled()
    pairs = list(iter_claims(seed_file()))
    assert gc.isenabled()
    assert [c.patient_control_number for _, c in pairs] == ["BP-1020", "BP-1021"]
    header = pairs[0][0]
    assert header.payer.name == "SUMMIT HEALTH PLAN" and header.claims == ()


def test_a_stream_left_unfinished_leaves_the_collector_on() -> None:
    """The collector is off only while the reader works, never across a yield: a compiled
    (mypyc) generator that is dropped unfinished never runs its ``finally``, so holding it off
    there left it off for the rest of the process (and for any test that ran next)."""
    stream = iter_claims(seed_file())
    next(stream)
    assert gc.isenabled()
    del stream
    assert gc.isenabled()
    for _pair in iter_claims(seed_file()):
        break
    assert gc.isenabled()


def test_other_transaction_sets_are_skipped() -> None:
    other = ["ST*277*0009", "BHT*0085*08*X", "SE*3*0009"]
    data = interchange(transaction(HEADER + VISIT_21, paid="0.00"), other)
    result = read_835(data)
    assert codes(result) == ["x12.st.not_835"]
    assert len(result.remittances) == 1
