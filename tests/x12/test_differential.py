"""Differential test: recoup's claim-level totals against pyx12, an independent X12 library.

pyx12's segment reader (``pyx12.x12file.X12Reader``) takes its delimiters from the ISA and
splits segments on its own; we read CLP01, CLP03 and CLP04 from its segments and compare them,
claim by claim, with the claims recoup reads. pyx12 needs an ISA envelope, so the one corpus
fragment that starts at ST is left out.
"""

from __future__ import annotations

import importlib.util
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recoup.x12 import read_835

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pyx12") is None, reason="pyx12 (a dev dependency) is not installed"
)

DATA = Path(__file__).parent.parent / "data" / "era"
ENVELOPED = sorted(p for p in DATA.glob("*.835") if p.read_bytes().startswith(b"ISA"))
EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*/remittances/*.835"))


def pyx12_claims(path: Path) -> list[tuple[str, Decimal, Decimal]]:
    import pyx12.x12file

    out = []
    with pyx12.x12file.X12Reader(str(path)) as reader:
        for segment in reader:
            if segment.get_seg_id() == "CLP":
                out.append(
                    (
                        segment.get_value("CLP01") or "",
                        Decimal(segment.get_value("CLP03")),
                        Decimal(segment.get_value("CLP04")),
                    )
                )
    return out


def recoup_claims(path: Path) -> list[tuple[str, Decimal, Decimal]]:
    return [(c.patient_control_number, c.charge, c.paid) for c in read_835(path).claims]


@pytest.mark.parametrize("path", ENVELOPED + EXAMPLES, ids=lambda p: p.name)
def test_claim_totals_agree_with_pyx12(path: Path) -> None:
    theirs = pyx12_claims(path)
    assert theirs, "pyx12 found no claims: the comparison would prove nothing"
    assert recoup_claims(path) == theirs


@given(claims=st.integers(1, 60), seed=st.integers(0, 10_000))
@settings(max_examples=15, deadline=None)
def test_generated_files_agree_with_pyx12(claims: int, seed: int, tmp_path_factory: object) -> None:
    sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
    from generate_835 import generate

    folder = tmp_path_factory.mktemp("gen")  # type: ignore[attr-defined]
    path = folder / "generated.835"
    generate(path, claims, seed=seed, per_transaction=25)
    result = read_835(path)
    assert result.ok and result.findings == ()  # generated files balance and are well formed
    assert recoup_claims(path) == pyx12_claims(path)
