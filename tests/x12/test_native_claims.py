"""The C claim builder (``_claim835.c``) and the Python one read the same records and findings.

(The same file's ``gather``, the reader's loop that collects a claim's segments, is compared
with ``reader835._gather`` here too.)

``ClaimBuilder.build`` hands each claim to the C fast path first; it builds the records when the
claim needs no finding and gives up (None) otherwise, leaving the claim to the Python code. So
the two must agree on every claim the C path accepts, and the C path must give up on every claim
where Python would report something. These tests read the same bytes twice in one process, once
with the C path and once with ``builder.native = None``, and compare everything read: the
remittances with their claims, and the findings with their places and wording.

(test_pure_python.py checks the other fallback: the package without any compiled module.)
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recoup.x12 import ParseResult, Reader835, claims835, reader835

ROOT = Path(__file__).parents[2]
SEEDS = sorted((ROOT / "tests" / "data" / "era").glob("*.835")) + sorted(
    (ROOT / "examples").glob("*/remittances/*.835")
)

pytestmark = pytest.mark.skipif(
    claims835._native_build is None, reason="the C claim builder is not built (make install)"
)


def _generated(claims: int, seed: int) -> bytes:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate_835 import generate

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gen.835"
        generate(path, claims, seed=seed, per_transaction=15)
        return path.read_bytes()


GENERATED = _generated(40, 7)


def read(data: bytes, *, native: bool, calls: list[bool] | None = None) -> ParseResult:
    reader = Reader835(io.BytesIO(data), "claims.835")
    if not native:
        reader.builder.native = None
        reader.gather = reader835._gather
    elif calls is not None:
        build = reader.builder.native
        assert build is not None

        def counted(*args: Any) -> Any:
            out = build(*args)
            calls.append(out is not None)
            return out

        reader.builder.native = counted
    return reader.read()


def assert_same(data: bytes) -> None:
    fast = read(data, native=True)
    slow = read(data, native=False)
    assert fast.findings == slow.findings
    assert fast.remittances == slow.remittances


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_corpus_and_examples_read_the_same(path: Path) -> None:
    assert_same(path.read_bytes())


def test_a_clean_file_is_built_in_c_and_reads_the_same() -> None:
    calls: list[bool] = []
    fast = read(GENERATED, native=True, calls=calls)
    assert fast.remittances == read(GENERATED, native=False).remittances
    assert fast.findings == ()
    # Only the first claim with each procedure code (read once in Python, then looked up) misses.
    assert len(calls) == 40 and calls.count(True) >= 30


def test_a_claim_with_something_to_report_is_left_to_python() -> None:
    data = GENERATED.replace(b"CAS*CO*45*", b"CAS*CO*45* ", 1)  # a padded amount: a warning
    calls: list[bool] = []
    fast = read(data, native=True, calls=calls)
    assert False in calls
    assert [f.code for f in fast.findings] == ["x12.value.padded"]
    assert fast == read(data, native=False)


# -- mutations of the claim segments -------------------------------------------------------------

VALUES = [
    "",
    " ",
    "0",
    "0.00",
    "-5.00",
    "12.00 ",
    " 12.00",
    "1.2.3",
    "-",
    ".",
    "1e5",
    "1_0",
    "abc",
    "9" * 21,
    "9" * 20,
    "\xc9",
    "\xc3\x9c",
    "20261399",
    "2026010",
    "00000000",
    "20260229",
    "20240229",
    "CR",
    "CO",
    "PR",
    "OA",
    "PI",
    "XX",
    "150",
    "151",
    "472",
    "999",
    "HE",
    "6R",
    "N362",
    "QC",
    "IL",
    "74",
    "82",
    "TT",
    "2",
    "1",
    "19",
    "25",
    "5",
    "HC:97110",
    "HC",
    "HC:",
    "HC>97110",
    "HC:97110:GP:59:XU:KX:X:DESCRIPTION",
    " M123 ",
    "M123\t",
    "\x1fM1",
    "N",
]
SEGMENTS = [
    "CAS*CO*45*1.00",
    "CAS*OA*23*-1.00*1",
    "CAS*PR*1*1.00**2*1.00*1",
    "CAS*CO**1.00",
    "CAS*CO***45*0",
    "CAS*CO*45",
    "CAS*CR*45*1.00",
    "DTM*150*20260101",
    "DTM*151*20260102",
    "DTM*999*20260101",
    "DTM*472",
    "DTM*472*2026",
    "LQ*RX*ABC",
    "LQ*HE*M1",
    "LQ*HE",
    "LQ",
    "QTY*ZK*2",
    "QTY*ZK",
    "AMT*AU*10.00",
    "AMT*AU",
    "MOA***MA01*MA02",
    "MIA*0***12.00",
    "PER*CX*CLAIMS",
    "NM1*74*1*DOE*JO",
    "NM1*ZZ*2*ACME",
    "NM1*QC",
    "NM1",
    "REF*6R*A*B",
    "REF*EA",
    "REF",
    "XYZ*1",
    "N1*PR*X",
    "SVC*HC:97110*1.00*1.00**1",
    "SVC*HC:97110**1.00",
    "SVC",
    "NM1*QC*1*A*B****MI* ID1 ",
    "CASX*CO*45*1.00",
    "DTM*232*20260101*X",
    "MIA*0*1*2*3.00*MA01*6*7*8*9*10*11*12*13*14*15*16*17*18*19*MA20*MA21*MA22*MA23*X",
    "MOA*1*2*MA01*MA02*MA03*MA04*MA05*X",
    "SVC*HC:97110*1.00*1.00*0420*1*HC:97112*2*X",
]


def _claims_of(data: bytes) -> tuple[list[str], list[list[str]], list[str]]:
    """The segments before the first claim, each claim's segments, and those after the last."""
    segments = data.decode("latin-1").split("~\n")
    head: list[str] = []
    claims: list[list[str]] = []
    tail: list[str] = []
    for seg in segments:
        if seg.startswith("CLP*"):
            claims.append([seg])
        elif claims and not seg.startswith(("LX*", "SE*", "PLB*", "ST*", "GE*", "IEA*")):
            claims[-1].append(seg)
        elif claims:
            tail.append(seg)
        else:
            head.append(seg)
    return head, claims, tail


def _file(head: list[str], claims: list[list[str]], tail: list[str]) -> bytes:
    body = [seg for claim in claims for seg in claim]
    return "~\n".join([*head, *body, *tail]).encode("latin-1")


def test_every_single_change_to_a_claim_reads_the_same() -> None:
    """Each element of each claim segment set to each value, and each odd segment put at each
    place, one change per claim copy; all the copies in one file, read both ways."""
    head, claims, tail = _claims_of(GENERATED)
    templates = claims[:8]
    assert {seg[:3] for claim in templates for seg in claim} >= {"CLP", "SVC", "CAS", "LQ*"}
    copies: list[list[str]] = []
    for claim in templates:
        for i, seg in enumerate(claim):
            elements = seg.split("*")
            changes = [elements[:k] for k in range(1, len(elements))]  # cut short
            changes.extend(elements[:k] + [v] for k in range(1, len(elements)) for v in ("7", "X"))
            for k in range(1, len(elements) + 3):  # each element, and two past the last
                padded = elements + [""] * (k + 1 - len(elements))
                changes.extend(padded[:k] + [value] + padded[k + 1 :] for value in VALUES)
            for changed in changes:
                copies.append([*claim[:i], "*".join(changed), *claim[i + 1 :]])
            for extra in SEGMENTS:
                copies.append([*claim[:i], extra, *claim[i:]])
        copies.append([*claim[:1], *claim[1:][::-1]])
    calls: list[bool] = []
    for start in range(0, len(copies), 200):  # files small enough that no finding is left out
        data = _file(head, copies[start : start + 200], tail)
        fast = read(data, native=True, calls=calls)
        slow = read(data, native=False)
        assert "findings.truncated" not in {f.code for f in slow.findings}
        assert fast.findings == slow.findings
        assert fast.remittances == slow.remittances
    assert len(calls) > 20_000  # (a segment put before a CLP joins the claim before it)
    assert calls.count(True) > len(copies) // 5  # the C path took many of them


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    text = GENERATED.decode("latin-1")
    segments = text.split("~\n")
    first = next(i for i, s in enumerate(segments) if s.startswith("CLP*"))
    last = max(i for i, s in enumerate(segments) if s.startswith(("SVC*", "AMT*", "LQ*")))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(first, last))
        kind = draw(st.sampled_from(["value", "append", "drop", "delete", "insert", "dup"]))
        elements = segments[i].split("*")
        if kind == "value" and len(elements) > 1:
            elements[draw(st.integers(1, len(elements) - 1))] = draw(st.sampled_from(VALUES))
        elif kind == "append":
            elements.append(draw(st.sampled_from(VALUES)))
        elif kind == "drop" and len(elements) > 1:
            elements.pop()
        if kind in ("value", "append", "drop"):
            segments[i] = "*".join(elements)
        elif kind == "delete":
            del segments[i]
            last -= 1
        elif kind == "insert":
            segments.insert(i, draw(st.sampled_from(SEGMENTS)))
            last += 1
        else:
            segments.insert(i, segments[i])
            last += 1
    return "~\n".join(segments).encode("latin-1")


@given(mutated())
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_claims_read_the_same(data: bytes) -> None:
    assert_same(data)


@given(st.data())
@settings(max_examples=60, deadline=None)
def test_other_separators_read_the_same(data: st.DataObject) -> None:
    element = data.draw(st.sampled_from("|^!"))
    component = data.draw(st.sampled_from(">\\"))
    swapped = GENERATED.replace(b"*", element.encode()).replace(b":", component.encode())
    swapped = swapped.replace(b"^", b"{") if element != "^" else swapped
    assert_same(swapped)


def test_claims_larger_than_the_c_path_holds_read_the_same() -> None:
    head, claims, tail = _claims_of(GENERATED)
    claim = next(c for c in claims if sum(s.startswith("SVC*") for s in c) == 1)
    svc = next(i for i, s in enumerate(claim) if s.startswith("SVC*"))
    many_cas = [*claim, *["CAS*OA*23*0.00"] * 40]  # more adjustments in a line than it holds
    many_lines = [*claim[:svc], *claim[svc:] * 300]  # more lines than it holds
    many_refs = [*claim[:svc], *["REF*EA*X"] * 40, *claim[svc:]]
    assert_same(_file(head, [many_cas, many_lines, many_refs, claim], tail))


TAGS = ["CLP", "SVC", "CAS", "DTM", "REF", "AMT", "NM1", "QTY", "MOA", "MIA", "PER", "LQ", "LX",
        "SE", "PLB", "N1", "CA", "SV", "MI", "LQX", "NM", "C", "", "\xc9AS", "CAS\xe9"]  # fmt: skip


@given(
    st.lists(st.tuples(st.sampled_from(TAGS), st.sampled_from(["*", "|", "", "*X"])), max_size=30),
    st.sampled_from("*|"),
    st.integers(-2, 32),
)
def test_gathering_a_claim_in_c_matches_python(
    pieces: list[tuple[str, str]], sep: str, start: int
) -> None:
    from recoup.x12 import _claim835  # type: ignore[attr-defined]

    segments = [tag + rest for tag, rest in pieces]
    claim_c: list[str] = ["CLP*1"]
    claim_py: list[str] = ["CLP*1"]
    starts_c: list[int] = []
    starts_py: list[int] = []
    begin = max(start, 0)
    end_c = _claim835.gather(segments, begin, claim_c, starts_c, sep)
    end_py = reader835._gather(segments, begin, claim_py, starts_py, sep)
    assert (end_c, claim_c, starts_c) == (end_py, claim_py, starts_py)
