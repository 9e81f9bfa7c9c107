"""Appeal packets from work items: the one place packets are built (CLI, web, batch).

A packet covers the denials of one claim in one lane (:func:`recoup.letters.packets_for`
groups them). Each practice's clinical records are read once and kept, per practice folder, until
a file in its ``records/`` folder changes (reading every PDF and DOCX for each packet would cost
more than the letter); the cache holds several practices and is safe across threads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from recoup.findings import Finding
from recoup.pipeline.claims import claim_for
from recoup.practice import Practice
from recoup.store import DenialRow, Store
from recoup.triage import WorkItem

if TYPE_CHECKING:  # letters (ReportLab, python-docx) load when a packet is built
    from recoup.letters import AppealStage, Packet
    from recoup.records_text import RecordSet

__all__ = [
    "PacketReport",
    "PacketResult",
    "appeal_stage",
    "claim_packet",
    "clinical_records",
    "packets",
    "write_packets",
]

_lock = threading.Lock()
_records: dict[str, tuple[float, RecordSet]] = {}
_MAX_PRACTICES = 64


def _stamp(practice: Practice) -> float:
    folder = Path(practice.folder) / "records"
    try:
        return max((f.stat().st_mtime for f in folder.iterdir()), default=0.0)
    except OSError:
        return 0.0


def clinical_records(practice: Practice) -> RecordSet:
    """The practice's clinical records (every passage, and a finding per unreadable file)."""
    from recoup.records_text import read_records

    stamp = _stamp(practice)
    with _lock:
        cached = _records.get(practice.folder)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    records = read_records(practice)
    with _lock:
        if len(_records) >= _MAX_PRACTICES:
            _records.pop(next(iter(_records)))
        _records[practice.folder] = (stamp, records)
    return records


def _practice_of(items: Sequence[WorkItem]) -> Practice | None:
    ctx = items[0].context if items else None
    return ctx.practice if ctx is not None else None


class PacketResult(NamedTuple):
    items: tuple[WorkItem, ...]  # the claim's denials in one lane
    packet: Packet | None  # None when the letter failed its fact check
    error: str = ""  # the fact check's message


def packets(
    items: Iterable[WorkItem], today: date, stage: AppealStage | None = None
) -> Iterator[PacketResult]:
    """A packet per claim and lane of ``items``; a letter that fails the fact check is a
    result with its message, and the others are still built. ``stage``: the appeal level the
    letters ask for (level 2 or 3, answering the earlier decision)."""
    from recoup.letters import FactCheckError, build_packet, packets_for

    for group in packets_for(list(items)):
        practice = _practice_of(group)
        records = clinical_records(practice) if practice is not None else None
        try:
            yield PacketResult(tuple(group), build_packet(group, records, today, stage=stage))
        except FactCheckError as exc:
            yield PacketResult(tuple(group), None, str(exc))


class PacketReport(NamedTuple):
    letters: dict[str, str]  # denial id -> the letter's path
    written: list[str]  # packet keys
    claims: list[str]  # the 837P files written beside the letters (corrections, secondaries)
    failed: list[str]  # the fact check's messages, one per packet not written
    record_findings: list[Finding]  # clinical documents that could not be read


def write_packets(
    items: Iterable[WorkItem], outdir: Path, today: date, formats: Iterable[str] | None = None
) -> PacketReport:
    """Write a packet folder per claim and lane into ``outdir``, with the corrected or
    secondary 837P beside the letter where the lane sends a claim. OSError (a folder that cannot
    be written) is the caller's to report."""
    from recoup.claims_out import write_result
    from recoup.letters import FORMATS, write_packet

    chosen = tuple(formats) if formats is not None else FORMATS
    report = PacketReport({}, [], [], [], [])
    seen_records: set[str] = set()
    for result in packets(items, today):
        practice = _practice_of(result.items)
        if practice is not None and practice.folder not in seen_records:
            seen_records.add(practice.folder)
            report.record_findings.extend(clinical_records(practice).findings)
        if result.packet is None:
            report.failed.append(result.error)
            continue
        write_packet(result.packet, outdir, chosen)
        report.written.append(result.packet.key)
        filed = claim_for(result.items)
        if filed is not None:
            path = write_result(filed, outdir / result.packet.key, today)
            if path is not None:
                report.claims.append(str(path))
        for denial in result.packet.denial_ids:
            report.letters[denial] = str(outdir / result.packet.key / "letter.md")
    return report


def claim_packet(store: Store, denial_key: int | str, today: date) -> PacketResult | None:
    """The packet of a stored denial's claim and lane (None when the store can no longer
    triage it: its remittance was imported before the store kept bytes)."""
    from recoup.pipeline.stored import claim_items

    items = claim_items(store, denial_key, today)
    if not items:
        return None
    row = store.denial(denial_key, today=today)
    stage = appeal_stage(store, row) if row is not None else None
    return next(packets(items, today, stage), None)


def appeal_stage(store: Store, row: DenialRow) -> AppealStage | None:
    """The level a stored denial is at, when it is past the first, with the decision that
    opened it (its date and reference, from the denial's history)."""
    from recoup.appeal_levels import level_of
    from recoup.letters import AppealStage

    if row.appeal_level < 2:
        return None
    decisions = [
        e
        for e in store.events(row.id)
        if e.kind == "decision" and not e.undone and e.level == row.appeal_level - 1
    ]
    decision = decisions[-1] if decisions else None
    level = level_of(row.payer_type, row.appeal_level)
    earlier = level_of(row.payer_type, row.appeal_level - 1)
    return AppealStage(
        number=row.appeal_level,
        name=level.name,
        earlier_name=earlier.name,
        decided_on=decision.on if decision else None,
        reference=decision.reference if decision else "",
        recorded_by=decision.username if decision else "",
        deadline=row.deadline,
        deadline_basis=row.deadline_basis,
        reviewer=level.reviewer,
    )
