"""Helpers for the store tests: where the examples are, and a whole-store snapshot."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select

from recoup.store import Store
from recoup.store.tables import metadata

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
BRIGHTPATH = EXAMPLES / "brightpath-pt"
LITTLE_STEPS = EXAMPLES / "little-steps-aba"

T = TypeVar("T")


def run_together(*jobs: Callable[[Callable[[], object]], T], timeout: float = 60) -> list[T]:
    """Run each job on its own thread; a job calls the function it is given (a barrier) when
    it is ready, so all of them go on at the same moment. Errors in a job are raised here."""
    barrier = threading.Barrier(len(jobs), timeout=timeout)
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(index: int, job: Callable[[Callable[[], object]], T]) -> None:
        try:
            results[index] = job(lambda: barrier.wait())
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()

    threads = [
        threading.Thread(target=run, args=(i, job), daemon=True) for i, job in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if errors:
        raise errors[0]
    assert not any(thread.is_alive() for thread in threads), "a job did not finish in time"
    return results


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order: 'the store is exactly as before'."""
    with store.engine.connect() as conn:
        return {
            name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
            for name, table in metadata.tables.items()
        }
