"""Every CARC and RARC in the sample 835 files resolves to an entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from recoup.codes import explain, lookup

ERA_DIR = Path(__file__).resolve().parents[1] / "data" / "era"


def _segments(text: str) -> list[list[str]]:
    """Split an 835 into segments and elements (delimiters from ISA, or the common defaults)."""
    text = text.strip()
    if text.startswith("ISA"):
        element, terminator = text[3], text[105]
    else:
        element, terminator = "*", "~"
    return [seg.strip().split(element) for seg in text.split(terminator) if seg.strip()]


def _codes_in(path: Path) -> tuple[set[tuple[str, str]], set[str]]:
    reasons: set[tuple[str, str]] = set()
    remarks: set[str] = set()
    for elements in _segments(path.read_text(encoding="utf-8")):
        tag = elements[0]
        if tag == "CAS":
            for index in range(2, min(len(elements), 20), 3):
                if elements[index]:
                    reasons.add((elements[1], elements[index]))
        elif tag == "LQ" and len(elements) > 2 and elements[1] == "HE":
            remarks.add(elements[2])
        elif tag == "MOA":
            remarks.update(e for e in elements[3:8] if e)
        elif tag == "MIA":
            picks = [5, 20, 21, 22, 23]
            remarks.update(elements[i] for i in picks if i < len(elements) and elements[i])
    return reasons, remarks


ERA_FILES = sorted(ERA_DIR.glob("*.835"))


def test_the_sample_files_are_there() -> None:
    assert len(ERA_FILES) >= 9


@pytest.mark.parametrize("path", ERA_FILES, ids=lambda p: p.name)
def test_every_code_in_the_sample_resolves(path: Path) -> None:
    reasons, remarks = _codes_in(path)
    assert reasons, "each sample has at least one CAS segment"
    for group, reason in sorted(reasons):
        explanation = explain(group, reason)
        assert explanation.known, f"{path.name}: {group}-{reason}"
        assert explanation.unknown_codes == ()
    for remark in sorted(remarks):
        assert lookup(remark) is not None, f"{path.name}: remark {remark}"


def test_the_corpus_codes_we_expect() -> None:
    reasons: set[tuple[str, str]] = set()
    remarks: set[str] = set()
    for path in ERA_FILES:
        r, m = _codes_in(path)
        reasons |= r
        remarks |= m
    assert {code for _, code in reasons} >= {"1", "2", "3", "16", "23", "29", "42", "45", "A2"}
    assert remarks >= {"N206", "N14", "MA02"}
