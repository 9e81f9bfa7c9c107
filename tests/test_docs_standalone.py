"""The project stands on its own: what the code cites of its design and billing facts is in docs/.

Code, data files, tests and docs cite the design (docs/design.md), the billing facts
(docs/domain.md), the CMS file layouts (docs/cms-files.md) and the coding habits (docs/style.md)
by section: ``docs/domain.md §4.2``, ``docs/design.md "The practice folder"``,
``docs/style.md habit 7``. This test fails when a citation points outside the repository (the
upper-case notes the project started from) or names a section, heading or habit that the docs file
does not have, so a renumbered section or a renamed heading cannot leave citations dangling.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SCANNED = ("src", "tests", "docs", "examples", "scripts", "benchmarks", "README.md")
TEXT_SUFFIXES = frozenset({".py", ".md", ".toml", ".csv", ".txt", ".html", ".j2", ".yaml", ".yml"})
SELF = Path(__file__).resolve()

# The notes outside the repository, by the names the code used to cite them. Built from parts
# so that this module's own text is not a citation.
_OUTSIDE_NAMES = "|".join(("DOM" + "AIN", "DES" + "IGN", "STY" + "LE", "CMS_" + "FILES"))
# `DOMAIN.md` with or without a path before it, and the short forms `DOMAIN §5` / `DESIGN "Know"`.
OUTSIDE = re.compile(
    rf"(?:[\w.]*/)*\b(?:{_OUTSIDE_NAMES})\.md\b|\b(?:{_OUTSIDE_NAMES})\b(?=,?\s*(?:§|\"))"
)

_SECTION = r"§\d+(?:\.\d+)*"
# A docs file name, then what it points at: sections (§4.2, §1.3, §1.4 and §6.1, §4.2/§4.4), a
# quoted heading (which may wrap onto the next line), or a numbered habit.
CITATION = re.compile(
    r"(?P<prefix>docs/)?(?P<name>[a-z][a-z0-9_-]*)\.md[`\])]?,?[ \t]*(?:\(|\n[ \t#*/-]*)?"
    rf"(?:(?P<sections>{_SECTION}(?:(?:\s*[,/]\s*|\s+and\s+){_SECTION})*)"
    r'|"(?P<heading>[^"\n]+(?:\n[^"\n]+)?)"'
    r"|habit (?P<habit>\d+))?"
)
OUTSIDE_WHY = "cites a note outside the repository; use docs/"
HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?[ \t]")
HABIT = re.compile(r"^(\d+)\.[ \t]", re.MULTILINE)


class Problem(NamedTuple):
    place: str
    text: str
    why: str

    def __str__(self) -> str:
        return f"{self.place}: {self.text!r}: {self.why}"


class DocsFile(NamedTuple):
    """What a docs file offers to cite: its numbered sections, its headings and its habits."""

    sections: frozenset[str]
    headings: frozenset[str]
    habits: frozenset[str]


def _squash(text: str) -> str:
    # A heading quoted across a line break in a comment carries the comment's marker.
    return " ".join(re.sub(r"\n[ \t]*[#*/-]*", " ", text).split())


def read_docs_file(text: str) -> DocsFile:
    sections: set[str] = set()
    headings: set[str] = set()
    for match in HEADING.finditer(text):
        heading = match[1].strip()
        headings.add(_squash(heading))
        number = NUMBERED.match(heading)
        if number:
            sections.add(number[1])
    return DocsFile(frozenset(sections), frozenset(headings), frozenset(HABIT.findall(text)))


def docs_files(folder: Path = DOCS) -> dict[str, DocsFile]:
    return {p.stem: read_docs_file(p.read_text(encoding="utf-8")) for p in folder.glob("*.md")}


def problems_in(
    text: str, place: str, docs: dict[str, DocsFile], *, in_docs: bool
) -> list[Problem]:
    """Every citation in ``text`` that points outside the repository or at nothing in docs/."""
    found: list[Problem] = []

    def line_of(offset: int) -> str:
        return f"{place}:{text.count(chr(10), 0, offset) + 1}"

    for match in OUTSIDE.finditer(text):
        found.append(Problem(line_of(match.start()), match[0], OUTSIDE_WHY))
    for match in CITATION.finditer(text):
        name = match["name"]
        # Outside docs/ only a docs/ path is a citation of the docs ("README.md" is not).
        if not match["prefix"] and not (in_docs and name in docs):
            continue
        where = line_of(match.start())
        doc = docs.get(name)
        if doc is None:
            found.append(Problem(where, match[0].strip(), f"docs/{name}.md does not exist"))
            continue
        if match["sections"]:
            for number in re.findall(r"§(\d+(?:\.\d+)*)", match["sections"]):
                if number not in doc.sections:
                    found.append(Problem(where, match[0].strip(), f"no section {number}"))
        if match["heading"]:
            heading = _squash(match["heading"])
            if heading not in doc.headings:
                found.append(Problem(where, match[0].strip(), f'no heading "{heading}"'))
        if match["habit"] and match["habit"] not in doc.habits:
            found.append(Problem(where, match[0].strip(), f"no habit {match['habit']}"))
    return found


def scanned_files() -> list[Path]:
    files: list[Path] = []
    for entry in SCANNED:
        path = ROOT / entry
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix in TEXT_SUFFIXES and p.resolve() != SELF
            )
    return files


def test_every_citation_points_into_docs() -> None:
    docs = docs_files()
    found: list[Problem] = []
    for path in scanned_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary fixtures cite nothing
        relative = path.relative_to(ROOT)
        in_docs = relative.parts[0] == "docs"
        found.extend(problems_in(text, str(relative), docs, in_docs=in_docs))
    assert not found, "\n".join(map(str, found))


def test_the_cited_docs_exist() -> None:
    docs = docs_files()
    for name in ("design", "domain", "cms-files", "style"):
        assert name in docs, f"docs/{name}.md is missing"
    # The sections and headings the code has cited since the notes moved into docs/.
    assert {"1.3", "2.4", "3.3", "4.1", "4.2", "4.4", "5.1", "6", "6.1", "6.3", "7.2"} <= (
        docs["domain"].sections
    )
    assert {
        "The practice folder",
        "Triage output contract (v1)",
        "Triage",
        "Know",
        "Deadlines",
        "Measure",
    } <= docs["design"].headings
    assert "7" in docs["style"].habits


SAMPLE_DOCS = {
    "domain": read_docs_file("# Facts\n## 4. NCCI\n### 4.2 PT pairs\n### 4.4 ABA\n"),
    "design": read_docs_file("# Design\n## The practice folder\n## Triage output contract (v1)\n"),
    "style": read_docs_file("## Habits\n1. Money\n7. **Reference data** is data\n"),
}


def _why(text: str, *, in_docs: bool = False) -> list[str]:
    return [p.why for p in problems_in(text, "x.py", SAMPLE_DOCS, in_docs=in_docs)]


def test_citations_that_resolve_pass() -> None:
    assert _why("# pairs (docs/domain.md §4.2/§4.4); see docs/domain.md §4 and §4.2") == []
    assert _why('"""Rows (docs/design.md, "The practice folder")."""') == []
    assert _why('--json follows docs/design.md "Triage output\ncontract (v1)" plus') == []
    assert _why("# versioned data (docs/style.md habit 7)") == []
    assert _why("from docs/domain.md (§4.2, §4.4)") == []
    assert _why("see domain.md §4.4 and [domain.md](domain.md) §4", in_docs=True) == []
    assert _why("README.md §4 and records.md §9 are not docs citations outside docs/") == []


def test_citations_outside_or_dangling_fail() -> None:
    outside = OUTSIDE_WHY
    assert _why("(" + "DOM" + "AIN.md §4.2)") == [outside]
    assert _why("`../../reference/" + "DOM" + "AIN.md` §3.4") == [outside]
    assert _why("(" + "DOM" + "AIN §5, §7)") == [outside]
    assert _why("(" + "DES" + 'IGN "Know")') == [outside]
    assert _why("docs/domain.md §4.3") == ["no section 4.3"]
    assert _why("docs/domain.md §1.3, §4.4, §9") == ["no section 1.3", "no section 9"]
    assert _why('docs/design.md "The practice folders"') == ['no heading "The practice folders"']
    assert _why("docs/style.md habit 8") == ["no habit 8"]
    assert _why("docs/nowhere.md §1") == ["docs/nowhere.md does not exist"]
    assert _why("see domain.md §4.3", in_docs=True) == ["no section 4.3"]


def test_letters_keep_docs_citations_from_the_payer() -> None:
    # Rule reasons cite the docs for the biller; the payer's letter leaves them out.
    from recoup.letters.reader import words

    assert words("Technician work under direction (docs/domain.md §4.4).") == (
        "Technician work under direction."
    )
    old_style = "(" + "DOM" + "AIN §5.1)"  # the form before the notes moved into docs/
    assert words(f"Above the KX threshold {old_style}: billed") == (
        "Above the KX threshold: billed"
    )
