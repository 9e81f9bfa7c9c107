"""Lookups into a practice by claim and by patient, built once per practice and kept.

A worklist can hold 100,000s of denials; scanning every visit for each would be quadratic, so
each :class:`~recoup.practice.Practice` gets a :class:`PracticeIndex` the first time it is asked
about. The cache holds several practices at once (a billing company's batch alternates between
them; a one-slot cache would rebuild the index on every switch) and is safe across threads.
Practices are immutable, so an index never goes stale; it is keyed by the practice object.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import NamedTuple, TypeVar

from recoup.practice.model import Benefit, Coverage, Patient, Practice, RecordRef, Visit, Waiver

__all__ = ["PracticeIndex", "index_of"]

CACHED_PRACTICES = 32


class PracticeIndex(NamedTuple):
    visits_by_claim: dict[str, tuple[Visit, ...]]
    visits_by_patient: dict[str, tuple[Visit, ...]]
    coverages_by_patient: dict[str, tuple[Coverage, ...]]
    waivers_by_patient: dict[str, tuple[Waiver, ...]]
    records_by_patient: dict[str, tuple[RecordRef, ...]]
    benefits_by_patient: dict[str, tuple[Benefit, ...]]
    patients: dict[str, Patient]


_T = TypeVar("_T")


def _group(rows: Iterable[_T], key: Callable[[_T], str]) -> dict[str, tuple[_T, ...]]:
    out: dict[str, list[_T]] = {}
    for row in rows:
        out.setdefault(key(row), []).append(row)
    return {k: tuple(v) for k, v in out.items()}


def _build(practice: Practice) -> PracticeIndex:
    return PracticeIndex(
        _group(practice.visits, lambda v: v.claim_id),
        _group(practice.visits, lambda v: v.patient_id),
        _group(practice.coverages, lambda c: c.patient_id),
        _group(practice.waivers, lambda w: w.patient_id),
        _group(practice.records, lambda r: r.patient_id),
        _group(practice.benefits, lambda b: b.patient_id),
        {p.patient_id: p for p in practice.patients},
    )


_lock = threading.Lock()
# id(practice) -> (the practice, kept alive so its id is not reused, and its index)
_cache: OrderedDict[int, tuple[Practice, PracticeIndex]] = OrderedDict()
_last: list[tuple[Practice, PracticeIndex]] = []  # the hot path: the practice asked last


def index_of(practice: Practice) -> PracticeIndex:
    """The practice's index, built on first use and kept for the last few practices."""
    last = _last[:1]
    if last and last[0][0] is practice:
        return last[0][1]
    key = id(practice)
    with _lock:
        found = _cache.get(key)
        if found is not None and found[0] is practice:
            _cache.move_to_end(key)
            _last[:] = [found]
            return found[1]
    index = _build(practice)
    with _lock:
        _cache[key] = (practice, index)
        _cache.move_to_end(key)
        while len(_cache) > CACHED_PRACTICES:
            _cache.popitem(last=False)
        _last[:] = [(practice, index)]
    return index
