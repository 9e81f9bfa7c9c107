"""Corrected and secondary claims (837P) from work items: the pipeline's claims-out step.

A claim's decisions in the ``corrected_claim`` or ``bill_other_payer`` lane call for a claim to
send; :func:`claim_for` builds it with :mod:`recoup.claims_out` from the claim as it was sent:
the 837P the store holds (``recoup import`` of the practice's 837 files) when given a store
that has it, else the practice's own ``<practice>/claims/*.837`` (read once per folder and
kept until a file there changes).
What cannot be known is never invented: the result then holds no claim and says what to add.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from recoup.findings import Finding
from recoup.triage import WorkItem

if TYPE_CHECKING:  # the 837 reader and writer load when a claim is built
    from recoup.claims_out import ClaimResult, OriginalClaim
    from recoup.store import Store

__all__ = ["CLAIM_LANES", "claim_for", "originals_for"]

CLAIM_LANES = ("corrected_claim", "bill_other_payer")

_lock = threading.Lock()
_originals: dict[str, tuple[float, dict[str, list[OriginalClaim]]]] = {}


def _sent_claims(folder: str) -> dict[str, list[OriginalClaim]]:
    from recoup.claims_out import original_claims

    claims = Path(folder) / "claims"
    try:
        stamp = max((f.stat().st_mtime for f in claims.iterdir()), default=0.0)
    except OSError:
        stamp = 0.0
    with _lock:
        cached = _originals.get(folder)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    findings: list[Finding] = []
    found = original_claims(Path(folder), findings)
    with _lock:
        _originals[folder] = (stamp, found)
    return found


def originals_for(
    items: Sequence[WorkItem], store: Store | None = None
) -> dict[str, list[OriginalClaim]]:
    """The sent claims a claim for these decisions is built from: the store's 837P of the
    claim (and of the patient's other claims) when it has it, else the practice folder's."""
    ctx = items[0].context if items else None
    practice = ctx.practice if ctx is not None else None
    folder = _sent_claims(practice.folder) if practice is not None and practice.folder else {}
    stored = store.original_claims(items[0].patient_account) if store and items else {}
    if not stored:
        return folder
    return {**folder, **stored}


def claim_for(items: Sequence[WorkItem], store: Store | None = None) -> ClaimResult | None:
    """The claim one packet's decisions call for (None when the lane sends no claim, or neither
    the store nor a practice folder has the claim as sent and the practice is not known)."""
    from recoup.claims_out import file_claim

    if not items or items[0].lane not in CLAIM_LANES:
        return None
    ctx = items[0].context
    practice = ctx.practice if ctx is not None else None
    originals = originals_for(items, store)
    if practice is None or (not practice.folder and not originals):
        return None
    return file_claim(list(items), originals, practice)
