"""The records of the clinical documents: passages with their source, documents, the set of both.

::

    RecordSet (read_records(practice))
    ├── passages: Passage   a quotable piece of text + file, patient, date, kind, section, locator
    ├── documents: Document one per (file, patient): for enclosures and merged PDFs
    └── findings: Finding   the documents that could not be read, and why

A letter cites ``passage.source`` (``records/kowalski_progress_note_2026-09-01.md line 12``) and
may show ``passage.cells`` (``("Berg Balance Scale", ...)``) instead of the whole text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from recoup.findings import Finding
from recoup.records_text.pieces import Cells

__all__ = ["Document", "Passage", "RecordSet"]


class Passage(NamedTuple):
    """One quotable passage of a clinical document, with where it came from.

    ``file`` is relative to the practice folder (``records/x.md``); ``kind`` is the index kind
    (``progress_note``) or, for FHIR, the resource type in lower case (``observation``);
    ``locator`` is ``line 12``, ``lines 12-14``, ``page 2, paragraph 3``, ``paragraph 4``,
    ``table 1, row 3`` or ``Observation/<id>``; ``cells`` are (header, value) pairs for a table
    row, a ``Label: value`` line or a FHIR value, empty for prose.
    """

    file: str
    patient_id: str
    date: date | None
    kind: str
    section: str
    text: str
    locator: str
    cells: Cells = ()

    @property
    def source(self) -> str:
        """The citation: ``records/x.md line 12``."""
        return f"{self.file} {self.locator}"

    def cell(self, name: str, default: str = "") -> str:
        """The value under header ``name`` (case-insensitive), or ``default``."""
        wanted = name.casefold()
        return next((v for h, v in self.cells if h.casefold() == wanted), default)


class Document(NamedTuple):
    """A clinical document of one patient: what a letter lists as an enclosure.

    ``path`` is absolute, for merging; ``pages`` is the page count of a PDF (None otherwise);
    ``problem`` says why its text could not be read ("" when it was): a scanned PDF is still a
    document a letter can enclose.
    """

    file: str
    patient_id: str
    kind: str
    date: date | None
    path: Path
    pages: int | None = None
    passages: int = 0
    problem: str = ""

    @property
    def is_pdf(self) -> bool:
        return self.path.suffix.lower() == ".pdf"


@dataclass(frozen=True, slots=True)
class RecordSet:
    """Every passage and document of a practice, read once and queried per letter."""

    passages: tuple[Passage, ...] = ()
    all_documents: tuple[Document, ...] = ()
    findings: tuple[Finding, ...] = ()
    _by_patient: dict[str, tuple[Passage, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        grouped: dict[str, list[Passage]] = {}
        for passage in self.passages:
            grouped.setdefault(passage.patient_id, []).append(passage)
        self._by_patient.update({k: tuple(v) for k, v in grouped.items()})

    def for_patient(self, patient_id: str) -> tuple[Passage, ...]:
        """The patient's passages, in index order and document order."""
        return self._by_patient.get(patient_id, ())

    def in_file(self, file: str) -> tuple[Passage, ...]:
        """The passages of one file (``records/x.md``), for every patient it names."""
        return tuple(p for p in self.passages if p.file == file)

    def documents(self, patient_id: str) -> tuple[Document, ...]:
        """The patient's documents that exist, readable or not, in index order."""
        return tuple(d for d in self.all_documents if d.patient_id == patient_id)

    def find(
        self,
        patient_id: str,
        *,
        sections: Iterable[str] = (),
        words: Iterable[str] = (),
        kinds: Iterable[str] = (),
        on_or_before: date | None = None,
        on_or_after: date | None = None,
    ) -> tuple[Passage, ...]:
        """The patient's passages that match every filter given.

        ``sections``: the section contains any of these (case-insensitive); ``words``: the text
        holds any of these words or phrases where a word starts (case-insensitive: ``certif``
        finds "Certified", ``skilled`` does not find "unskilled"); ``kinds``: the kind is one of
        these. Date bounds are inclusive; with one, passages without a date are left out.
        """
        section_parts = tuple(s.casefold() for s in sections)
        kind_set = {k.casefold() for k in kinds}
        pattern = _words_pattern(tuple(words))
        return tuple(
            p
            for p in self.for_patient(patient_id)
            if (not section_parts or any(s in p.section.casefold() for s in section_parts))
            and (not kind_set or p.kind.casefold() in kind_set)
            and (pattern is None or pattern.search(p.text) is not None)
            and _in_range(p.date, on_or_after, on_or_before)
        )


def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    alternatives = [r"\s+".join(map(re.escape, w.split())) for w in words if w.strip()]
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


def _in_range(day: date | None, start: date | None, end: date | None) -> bool:
    if start is None and end is None:
        return True
    if day is None:
        return False
    return (start is None or day >= start) and (end is None or day <= end)
