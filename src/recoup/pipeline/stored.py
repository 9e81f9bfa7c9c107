"""The store's side of the pipeline: import, refresh once per batch, and the stored worklist.

The store keeps data and answers queries; triage runs here, on the inputs the store hands back
(:meth:`recoup.store.Store.practice_inputs`), and its answer goes back to the store to keep
(:meth:`recoup.store.Store.save_worklist`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import NamedTuple

from recoup.ncci import store_in_force
from recoup.practice import Practice
from recoup.store import ImportResult, RefreshResult, Store
from recoup.triage import WorkItem, Worklist, triage
from recoup.triage.model import merge_worklists
from recoup.x12 import ParseResult

__all__ = [
    "BatchImport",
    "ImportBatch",
    "catch_up",
    "claim_items",
    "import_batch",
    "import_paths",
    "refresh_worklist",
    "stored_worklist",
    "work_item",
]


class BatchImport(NamedTuple):
    results: list[ImportResult]
    refresh: RefreshResult | None  # None when nothing that changes the worklist was imported

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)


class ImportBatch:
    """Files imported one by one (each in its own transaction), the worklist refreshed once at
    the end for the practices they touched: for a face that must act between files (the web
    app keeps an uploaded practice folder only when the store took it).

        >>> with import_batch(store, today) as batch:        # doctest: +SKIP
        ...     batch.add(Path("practice"))
        ...     batch.add(Path("era.835"))
        >>> batch.refresh                                     # doctest: +SKIP
    """

    def __init__(
        self, store: Store, today: date, *, skip_bad_rows: bool = False, strict: bool = False
    ) -> None:
        self.store = store
        self.today = today
        self.skip_bad_rows = skip_bad_rows
        self.strict = strict
        self.results: list[ImportResult] = []
        self.refresh: RefreshResult | None = None
        self._keys: set[str] = set()

    def add(self, path: Path) -> ImportResult:
        result = self.store.import_path(path, skip_bad_rows=self.skip_bad_rows, strict=self.strict)
        self.results.append(result)
        self._keys |= result.practice_keys
        return result

    def finish(self) -> BatchImport:
        """Refresh once (when anything imported changes the worklist)."""
        if self._keys and self.refresh is None:
            self.refresh = refresh_worklist(self.store, self.today, self._keys)
        return BatchImport(self.results, self.refresh)


@contextmanager
def import_batch(
    store: Store, today: date, *, skip_bad_rows: bool = False
) -> Iterator[ImportBatch]:
    """An :class:`ImportBatch` whose refresh runs when the block ends without an error."""
    batch = ImportBatch(store, today, skip_bad_rows=skip_bad_rows)
    yield batch
    batch.finish()


def import_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    today: date,
    skip_bad_rows: bool = False,
    strict: bool = False,
    on_result: Callable[[ImportResult], None] | None = None,
) -> BatchImport:
    """Import files and practice folders in the order given (each in its own transaction),
    then refresh the worklist once, as of ``today``, for the practices the batch touched.
    ``on_result`` hears of each file as soon as it is done (a command prints it); ``strict``
    makes envelope faults errors (the X12 rule) instead of warnings."""
    batch = ImportBatch(store, today, skip_bad_rows=skip_bad_rows, strict=strict)
    for path in paths:
        result = batch.add(path)
        if on_result is not None:
            on_result(result)
    return batch.finish()


def _triage(
    store: Store, results: list[ParseResult], practice: Practice | None, today: date
) -> Worklist:
    """Triage with the store's NCCI quarters in force (the bundled illustrative table when the
    store has none loaded)."""
    with store_in_force(store):  # a store that is closed later must not stay the default
        return triage(results, practice, today)


def refresh_worklist(
    store: Store, today: date, practice_keys: Iterable[str] | None = None
) -> RefreshResult:
    """Triage what the store holds (every practice, or those named) as of ``today`` and keep
    one ``denials`` row per denial, keeping the workflow of known ones."""
    keys = None if practice_keys is None else set(practice_keys)
    inputs = store.practice_inputs(keys)
    worklists = {i.practice_key: _triage(store, i.results, i.practice, today) for i in inputs}
    return store.save_worklist(today, inputs, worklists, keys)


def catch_up(store: Store, today: date) -> RefreshResult | None:
    """Finish a refresh an earlier run did not (it was stopped, or its batch ended first): the
    practices the store marks as pending are refreshed now; None when none is."""
    keys = store.pending_refreshes()
    return refresh_worklist(store, today, keys) if keys else None


def stored_worklist(store: Store, today: date, practice_key: str | None = None) -> Worklist:
    """Everything the store holds (one practice, or all) triaged again, with each item's
    context (what letters need)."""
    inputs = store.practice_inputs(None if practice_key is None else [practice_key])
    return merge_worklists((_triage(store, i.results, i.practice, today) for i in inputs), today)


def _patient_worklist(store: Store, denial_key: int | str, today: date) -> Worklist | None:
    inputs = store.patient_inputs(denial_key, today=today)
    return None if inputs is None else _triage(store, inputs.results, inputs.practice, today)


def work_item(store: Store, denial_key: int | str, today: date) -> WorkItem | None:
    """The stored denial's work item, triaged again with its context (for letters)."""
    row = store.denial(denial_key, today=today)
    worklist = _patient_worklist(store, denial_key, today) if row is not None else None
    if row is None or worklist is None:
        return None
    base, _, nth = row.denial_id.partition("#")
    matches = [item for item in worklist.items if item.denial_id == base]
    index = int(nth) - 1 if nth.isdigit() else 0
    return matches[index] if index < len(matches) else None


def claim_items(store: Store, denial_key: int | str, today: date) -> list[WorkItem]:
    """The work items of the stored denial's claim in its lane (one packet's worth), from one
    triage of the patient; the denial itself first."""
    row = store.denial(denial_key, today=today)
    worklist = _patient_worklist(store, denial_key, today) if row is not None else None
    if row is None or worklist is None:
        return []
    base = row.denial_id.partition("#")[0]
    same = [
        item
        for item in worklist.items
        if (item.patient_account, item.payer_claim_id, item.lane)
        == (row.patient_account, row.payer_claim_id, row.lane)
    ]
    return sorted(same, key=lambda item: item.denial_id != base)
