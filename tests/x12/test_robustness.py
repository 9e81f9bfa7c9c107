"""What the readers do with hostile or sloppy input, and what of a file can be posted.

- No input makes read_835 or read_271 raise: odd digits, oversized numbers and counts, huge
  segments, deep or endless loops are findings (a time-bounded Hypothesis fuzz checks it too;
  ``scripts/fuzz_readers.py`` runs the long version).
- Envelope faults are warnings (errors under ``strict``); each transaction set is postable or
  rejected on its own.
- Whitespace after terminators never changes what is read; a padded number is read with a
  warning; a claim with a bad value stays in its remittance; an unknown BPR02 is None.
"""

from __future__ import annotations

import io
import random
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recoup.findings import Severity
from recoup.x12 import Reader835, iter_claims, read_271, read_835
from x12_samples import HEADER, PAID_VISIT, VISIT_21, interchange, seed_file, transaction

ROOT = Path(__file__).parents[2]
ERA = ROOT / "tests" / "data" / "era"
SEEDS_835 = sorted(ERA.glob("*.835")) + sorted((ROOT / "examples").glob("*/remittances/*.835"))
SEEDS_271 = sorted((ROOT / "tests" / "data" / "271").glob("*.271")) + sorted(
    (ROOT / "examples").glob("*/eligibility/*.271")
)


def codes(result: object) -> list[str]:
    return [f.code for f in result.findings]  # type: ignore[attr-defined]


# -- 1. nothing escapes --------------------------------------------------------------------------

HOSTILE = [
    b"\xb2",  # a superscript two: str.isdigit() says yes, int() says no
    b"\xb9\xb3",
    b"9" * 5000,  # past Python's int() digit limit
    b"9" * 5001,
    b"1" * 30 + b".00",
    b"-" * 50,
    b"x" * 20_000,  # a huge element
]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(
    "pattern",
    [
        rb"(TS3\*[^*~]*\*[^*~]*\*[^*~]*\*)[^*~]*",  # TS3-04, the claim count
        rb"(TS3\*[^*~]*\*[^*~]*\*[^*~]*\*[^*~]*\*)[^*~]*",  # TS3-05, an amount
        rb"(CLP\*[^*~]*\*[^*~]*\*)[^*~]*",  # CLP03
        rb"(BPR\*[^*~]*\*)[^*~]*",  # BPR02
        rb"(DTM\*405\*)[^*~]*",
        rb"(SE\*)[^*~]*",
        rb"(IEA\*)[^*~]*",
        rb"(GE\*)[^*~]*",
        rb"(PLB\*[^*~]*\*[^*~]*\*[^*~]*\*)[^*~]*",
    ],
)
def test_hostile_values_are_findings(pattern: bytes, value: bytes) -> None:
    seed = (ERA / "lfh-medicare-part-a.835").read_bytes()
    data, count = re.subn(pattern, lambda m: m.group(1) + value, seed, count=1)
    assert count == 1
    result = read_835(data)
    assert result.findings  # the bad value is named...
    assert len(result.remittances) == 1  # ...and the transaction is still there to look at
    if pattern.startswith((rb"(CLP", rb"(BPR", rb"(PLB")):
        assert not result.ok and result.postable == ()


def test_superscript_count_and_5000_digit_count_in_ts3() -> None:
    seed = (ERA / "lfh-medicare-part-a.835").read_bytes()
    for bad in (b"\xb9", b"7" * 5000):
        data = seed.replace(
            b"TS3*6543210903*11*20021231*1*", b"TS3*6543210903*11*20021231*" + bad + b"*"
        )
        result = read_835(data)
        assert "x835.ts3.count" in codes(result)
        assert result.remittances[0].provider_summaries[0].claim_count == 0


def test_a_huge_segment_is_an_error_and_the_rest_is_read() -> None:
    data = seed_file().replace(b"REF*6R*BP1021-1", b"REF*6R*" + b"A" * 50_000)
    result = read_835(data)
    (long,) = [f for f in result.findings if f.code == "x12.segment.long"]
    assert long.severity is Severity.ERROR and long.segment_id == "REF"
    assert len(result.remittances[0].claims) == 2
    assert result.postable == ()


def test_271_hostile_values() -> None:
    seed = SEEDS_271[0].read_bytes()
    for value in HOSTILE:
        data = re.sub(rb"(EB\*[^*~]*\*)[^*~]*", lambda m: m.group(1) + value, seed, count=1)  # noqa: B023
        read_271(data)
        data = re.sub(rb"(DTP\*[^*~]*\*[^*~]*\*)[^*~]*", lambda m: m.group(1) + value, seed)  # noqa: B023
        read_271(data)
    deep = seed.replace(b"LS*", b"LS*" * 5000)
    read_271(deep)
    many_hl = b"".join(b"HL*%d*%d*23*1~" % (i, i - 1) for i in range(1, 3000))
    read_271(seed.replace(b"SE*", many_hl + b"SE*", 1))


@st.composite
def mutants(draw: st.DrawFn, seeds: list[Path]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)).read_bytes())
    for _ in range(draw(st.integers(1, 5))):
        if not data:
            break
        pos = draw(st.integers(0, len(data) - 1))
        kind = draw(st.sampled_from(["byte", "insert", "delete", "dup"]))
        if kind == "byte":
            data[pos] = draw(st.sampled_from(b"*~:^>|0123456789.- \r\n\x00\xb2\xb9\xff"))
        elif kind == "insert":
            data[pos:pos] = draw(st.sampled_from(HOSTILE + [b"~", b"*", b"ST*835*1~", b"ISA*"]))
        elif kind == "delete":
            del data[pos : pos + draw(st.integers(1, 60))]
        else:
            end = min(len(data), pos + draw(st.integers(1, 200)))
            data[pos:pos] = data[pos:end] * draw(st.integers(1, 20))
    return bytes(data)


@given(mutants(SEEDS_835))
@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
def test_fuzz_835_never_raises(data: bytes) -> None:
    result = read_835(data, file="fuzz.835")
    for finding in result.findings:
        str(finding)
    result.postable, result.rejected  # noqa: B018 - these must not raise either


@given(mutants(SEEDS_271))
@settings(max_examples=200, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
def test_fuzz_271_never_raises(data: bytes) -> None:
    for finding in read_271(data, file="fuzz.271").findings:
        str(finding)


# -- 2. what can be posted -----------------------------------------------------------------------


def test_blue_cross_fragment_with_se01_off_by_one_posts_with_a_warning() -> None:
    path = ERA / "e835p-blue_cross_nc_sample.835"
    result = read_835(path)
    se = [f for f in result.findings if f.code == "x12.se.count"]
    assert len(se) == 1 and se[0].severity is Severity.WARNING
    assert "33" in se[0].message and "32" in se[0].message
    assert result.ok and result.postable == result.remittances and result.rejected == ()
    strict = read_835(path, strict=True)
    assert {f.code for f in strict.findings if f.severity is Severity.ERROR} == {
        "x12.se.count",
        "x12.envelope.missing",
    }
    assert not strict.ok and strict.postable == ()


def test_an_unbalanced_transaction_is_rejected_alone() -> None:
    good = transaction(HEADER + ["LX*1"] + PAID_VISIT, "0001")
    bad = transaction(HEADER + VISIT_21, "0002", paid="10.00")  # pays 10.00 for 0.00 of claims
    result = read_835(interchange(good, bad))
    assert not result.ok
    assert [r.control_number for r in result.postable] == ["0001"]
    ((rejected, errors),) = result.rejected
    assert rejected.control_number == "0002"
    assert [f.code for f in errors] == ["x835.balance.transaction"]
    assert len(rejected.claims) == 1  # still there to show
    assert result.findings_of(result.postable[0]) == ()


def test_an_unreadable_transaction_is_rejected_alone() -> None:
    good = transaction(HEADER + ["LX*1"] + PAID_VISIT, "0001")
    other = [s.replace("DTM*472*20260224", "DTM*472*2026O224") for s in VISIT_21]
    result = read_835(interchange(transaction(HEADER + other, "0002", paid="0.00"), good))
    assert [r.control_number for r in result.postable] == ["0001"]
    assert [r.control_number for r, _ in result.rejected] == ["0002"]


def test_a_transaction_without_se_is_rejected_and_the_next_posts() -> None:
    first = transaction(HEADER + VISIT_21, "0001", paid="0.00")[:-1]  # no SE
    second = transaction(HEADER + ["LX*1"] + PAID_VISIT, "0002")
    result = read_835(interchange(first, second).replace(b"GE*2*", b"GE*2*"))
    assert [r.control_number for r in result.postable] == ["0002"]
    ((rejected, errors),) = result.rejected
    assert rejected.control_number == "0001" and errors[0].code == "x12.st.unclosed"


def test_several_interchanges_and_trailing_junk_are_warnings() -> None:
    data = seed_file() + seed_file(control="000000102") + b"THANK YOU~\r\n"
    result = read_835(data)
    assert {"x12.isa.several", "x12.segment.id"} <= set(codes(result))
    assert result.ok and len(result.postable) == 2
    assert not read_835(data, strict=True).ok


def test_the_first_error_of_every_transaction_is_kept_past_the_findings_limit() -> None:
    noisy = HEADER + ["LX*1"] + ["XYZ*1"] * 1100 + PAID_VISIT  # 1100 warnings first
    bad = transaction(HEADER + VISIT_21, "0002", paid="10.00")
    result = read_835(interchange(transaction(noisy, "0001"), bad))
    assert "findings.truncated" in codes(result)
    assert [r.control_number for r, _ in result.rejected] == ["0002"]


def test_another_version_is_read_with_a_warning() -> None:
    data = seed_file().replace(b"005010X221A1", b"004010X091A1")
    result = read_835(data)
    (version,) = [f for f in result.findings if f.code == "x835.version"]
    assert version.severity is Severity.WARNING and "004010X091A1" in version.message
    assert result.ok and len(result.remittances[0].claims) == 2
    assert "x835.version" not in codes(read_835(seed_file()))


def test_strict_reaches_the_streaming_readers() -> None:
    data = seed_file().replace(b"GE*1*101", b"GE*1*102")
    reader = Reader835(io.BytesIO(data), "f", strict=True)
    list(reader.claims())
    assert [f.severity for f in reader.findings] == [Severity.ERROR]
    assert len(list(iter_claims(data, strict=True))) == 2


# -- 3. defects found on public files ------------------------------------------------------------


def _plain() -> bytes:
    return seed_file(newline=False)


def test_indented_line_breaks_after_terminators_read_the_same() -> None:
    plain = read_835(_plain())
    segments = _plain().split(b"~")
    mixed = b""
    for i, seg in enumerate(segments[:-1]):
        mixed += seg + b"~" + [b"\r\n", b"\n    ", b"", b" ", b"\n\t\t", b"\r\n  "][i % 6]
    # the last terminator alone decides nothing now
    for tail in (b"", b"\n", b"\r\n", b"  \n"):
        other = read_835(mixed + tail)
        assert other.remittances == plain.remittances
        assert codes(other) == codes(plain) == []


def test_a_whitespace_before_a_terminator_is_not_part_of_the_last_element() -> None:
    data = _plain().replace(b"N1*PR*SUMMIT HEALTH PLAN~", b"N1*PR*SUMMIT HEALTH PLAN  ~")
    assert read_835(data).remittances == read_835(_plain()).remittances


@given(st.sampled_from(SEEDS_835), st.randoms(use_true_random=False))
@settings(max_examples=60, deadline=2000)
def test_whitespace_after_terminators_never_changes_what_is_read(
    path: Path, rng: random.Random
) -> None:
    data = path.read_bytes()
    base = read_835(data)
    reader = Reader835(io.BytesIO(data), "f")
    reader.read()
    assert reader.source.delimiters is not None
    term = reader.source.delimiters.segment.encode("latin-1")
    pieces = data.split(term)
    out = []
    for piece in pieces[:-1]:
        out.append(piece + term)
        if rng.random() < 0.5:
            out.append(bytes(rng.choice(b" \t\r\n") for _ in range(rng.randint(1, 6))))
    out.append(pieces[-1])
    other = read_835(b"".join(out))
    assert other.remittances == base.remittances
    assert codes(other) == codes(base)


def test_a_number_with_a_trailing_space_is_read_with_a_warning() -> None:
    data = _plain().replace(b"SVC*HC:97110:GP*120.00*71.20**2", b"SVC*HC:97110:GP*120.00 *71.20**2")
    result = read_835(data)
    (padded,) = [f for f in result.findings if f.code == "x12.value.padded"]
    assert padded.severity is Severity.WARNING and padded.segment_id == "SVC"
    assert "'120.00 '" in padded.message
    assert result.ok and result.remittances == read_835(_plain()).remittances


def test_padded_numbers_in_the_header_and_every_claim_are_each_reported() -> None:
    data = _plain().replace(b"BPR*I*98.40*", b"BPR*I* 98.40*").replace(b"*185.00*", b"*185.00 *")
    result = read_835(data)
    padded = [f.segment_id for f in result.findings if f.code == "x12.value.padded"]
    assert padded == ["BPR", "CLP", "CLP"]
    assert result.remittances[0].payment_amount == Decimal("98.40")


def test_a_claim_with_a_bad_value_is_kept_with_its_finding() -> None:
    data = _plain().replace(
        b"DTM*472*20260224~CAS*CO*119*120.00", b"DTM*472*2026XX24~CAS*CO*119*120.00"
    )
    result = read_835(data)
    (bad,) = [f for f in result.findings if f.code == "x835.value"]
    assert bad.segment_id == "DTM" and '"2026XX24"' in bad.message
    (remit,) = result.remittances
    assert [c.patient_control_number for c in remit.claims] == ["BP-1020", "BP-1021"]
    line = remit.claims[1].lines[0]
    assert line.service_date is None and line.adjustments[0].amount == Decimal("120.00")
    assert sum(c.paid for c in remit.claims) == remit.payment_amount
    assert result.postable == ()


def test_an_unreadable_claim_amount_is_kept_as_zero_beside_an_error() -> None:
    data = _plain().replace(b"CLP*BP-1020*1*185.00*98.40*", b"CLP*BP-1020*1*185.00*98,40*")
    result = read_835(data)
    claim = result.remittances[0].claims[0]
    assert claim.charge == Decimal("185.00") and claim.paid == 0
    assert "x835.value" in codes(result) and not result.ok


@pytest.mark.parametrize(
    ("bpr", "code"),
    [(b"BPR*I**C*ACH", "x835.bpr.amount"), (b"BPR*I*98.4O*C*ACH", "x835.value")],
)
def test_a_missing_or_unreadable_bpr02_is_none_not_zero(bpr: bytes, code: str) -> None:
    data = _plain().replace(b"BPR*I*98.40*C*ACH", bpr)
    result = read_835(data)
    assert result.remittances[0].payment_amount is None
    assert code in codes(result) and result.postable == ()
    zero = read_835(_plain().replace(b"BPR*I*98.40*", b"BPR*I*0.00*"))
    assert zero.remittances[0].payment_amount == Decimal("0.00")


def test_no_bpr_at_all_is_none() -> None:
    data = interchange(transaction(HEADER[1:] + VISIT_21, paid="0.00"))
    result = read_835(data)
    assert result.remittances[0].payment_amount is None
    assert "x835.bpr.missing" in codes(result)


# -- the C segment splitter gives what the Python path gives -------------------------------------


def _python_split(text: str, term: str) -> tuple[list[str], str, int]:
    pieces = [p.strip("\r\n\t ") for p in text.split(term)]
    tail = pieces.pop()
    segments = [p for p in pieces if p]
    return segments, tail, max(map(len, segments), default=0)


@given(st.text("~*AB1 \t\r\n\xb2\xff", max_size=300), st.sampled_from(["~", "\n", "'"]))
@settings(max_examples=300, deadline=1000)
def test_c_splitter_matches_python(text: str, term: str) -> None:
    from recoup.x12 import tokens

    if tokens._native_split is None:
        pytest.skip("the C splitter is not built")
    assert tokens._native_split(text, term) == _python_split(text, term)


@given(st.text("~*AB1 \t\r\n", max_size=400))
@settings(max_examples=200, deadline=1000)
def test_python_split_rule_matches_splitting_and_stripping(text: str) -> None:
    from recoup.x12.tokens import _split_rule

    text = text.lstrip("\r\n\t ")  # as the tokenizer hands it over
    term, strip = _split_rule(text, "~")
    raw = text.split(term)
    raw.pop()
    got = [p.strip("\r\n\t ") if strip else p for p in raw]
    assert [p for p in got if p] == _python_split(text, "~")[0]


def test_the_writer_leaves_an_unknown_bpr02_empty() -> None:
    from recoup.x12.writer835 import write_835

    data = _plain().replace(b"BPR*I*98.40*C*ACH", b"BPR*I**C*ACH")
    (remit,) = read_835(data).remittances
    text = write_835([remit])
    assert "BPR*I**C*ACH" in text and "None" not in text
    assert read_835(text.encode()).remittances[0].payment_amount is None
