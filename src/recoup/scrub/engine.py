"""Run the checks over a batch of claims: :func:`scrub`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from recoup.practice import Practice
from recoup.scrub.checks import CHECKS, Batch
from recoup.scrub.history import History
from recoup.scrub.model import Issue, ScrubClaim, ScrubReport

__all__ = ["scrub"]


def scrub(
    claims: Sequence[ScrubClaim],
    practice: Practice,
    history: History | None = None,
    *,
    store: Any = None,
    today: date | None = None,
) -> ScrubReport:
    """Every issue of every claim line, in claim and line order.

    ``history`` is the 835 history (:func:`recoup.scrub.history.read_history`); ``store`` the
    store whose CMS NCCI/MUE quarters apply (else the one set with ``recoup.ncci.use_store``,
    else the bundled illustrative PTP table and no MUE); ``today`` the date the claims are sent
    (default: each claim's batch date, else its last date of service).
    """
    batch = Batch(list(claims), practice, history or History(), store=store, today=today)
    issues: list[Issue] = []
    for claim in batch.claims:
        if not claim.lines:
            continue
        found: list[Issue] = []
        for check in CHECKS:
            found.extend(check(batch, claim))
        found.sort(key=lambda i: (i.line, i.rule))
        issues.extend(found)
    return ScrubReport(
        len(batch.claims),
        sum(len(c.lines) for c in batch.claims),
        tuple(issues),
        tuple(batch.tables),
    )
