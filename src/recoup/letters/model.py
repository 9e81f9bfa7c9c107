"""What a letter is made of, before and after rendering.

A :class:`Sources` list numbers each place a fact came from as the template cites it; a
:class:`Placeholder` is a fact the data lacks, shown to the reader as ``[MISSING: ...]`` and listed
for the biller. A :class:`Packet` is one claim's denials in one lane: the letter as Markdown (the
form every other output is rendered from), its sources, placeholders, enclosures and the record
files to attach.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

__all__ = ["AppealStage", "Enclosure", "Packet", "Placeholder", "Sources"]


class Placeholder(NamedTuple):
    """A fact the letter needs and the data does not hold: ``what`` is shown in the letter,
    ``hint`` (where to add it: a practice file or setting) only to the biller."""

    what: str  # "appeals address for Summit Health Plan"
    hint: str = ""  # "add it to practice.toml [payers.73120] appeal_address"

    def __str__(self) -> str:
        return f"[MISSING: {self.what}]"

    @property
    def full(self) -> str:
        """The placeholder with its hint, for the biller's copy and the checklist."""
        return f"[MISSING: {self.what} — {self.hint}]" if self.hint else str(self)


class AppealStage(NamedTuple):
    """A further appeal level the letter asks for (level 2 or 3), and the earlier decision it
    answers, as recorded in the denial's history (``recoup.store.outcomes``)."""

    number: int  # 2, 3
    name: str  # "Reconsideration by the Qualified Independent Contractor (QIC)"
    earlier_name: str  # the level decided: "Redetermination by the Medicare contractor (MAC)"
    decided_on: date | None  # the earlier decision's date
    reference: str  # the earlier decision's reference ("" when none was entered)
    recorded_by: str  # who recorded the decision
    deadline: date | None  # this level's deadline
    deadline_basis: str
    reviewer: str = ""  # who decides this level when it is not the payer ("" = the payer)


class Enclosure(NamedTuple):
    """Something sent with the letter: an exhibit in the letter itself, or a record file."""

    title: str
    source: str = ""  # the practice file it is, e.g. "records/kowalski_plan_of_care.md"
    path: Path | None = None  # the file on disk, for records (PDFs are merged into packet.pdf)
    pages: int | None = None


@dataclass
class Sources:
    """The numbered sources of one letter; ``cite`` returns the marker for the text."""

    items: list[str] = field(default_factory=list)
    _index: dict[str, int] = field(default_factory=dict)
    behind: dict[int, list[str]] = field(default_factory=dict)  # number -> sources it stands for

    def number(self, source: str) -> int:
        if source not in self._index:
            self.items.append(source)
            self._index[source] = len(self.items)
        return self._index[source]

    def cite(self, *sources: str) -> str:
        """`` [1]`` or `` [1, 4]`` for the sources given (blank ones skipped)."""
        numbers = sorted({self.number(s) for s in sources if s})
        return f" [{', '.join(str(n) for n in numbers)}]" if numbers else ""


@dataclass
class Packet:
    """One claim's denials in one lane, composed and checked."""

    key: str  # folder name: "<CLP01>-<CLP07>-<lane>" (see compose.packet_key)
    lane: str
    title: str
    claim_id: str  # CLP01
    payer_claim_id: str  # CLP07
    denial_ids: tuple[str, ...]
    amount: Decimal
    deadline: date | None
    markdown: str  # the copy that is sent: source notes name what the reader can see
    sources: tuple[str, ...]  # the biller's sources: file, row, segment
    missing: tuple[str, ...]
    enclosures: tuple[Enclosure, ...]
    reasons: tuple[str, ...] = ()  # the rule's reasons, for the biller (checklist), not the payer
    biller_markdown: str = ""  # the biller's copy: the same letter citing file, row and segment
    notes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # sent note -> the sources behind it
    files: list[Path] = field(default_factory=list)  # filled by write_packet

    @property
    def record_pdfs(self) -> tuple[Path, ...]:
        return tuple(
            e.path for e in self.enclosures if e.path is not None and e.path.suffix == ".pdf"
        )
