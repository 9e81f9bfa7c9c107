"""Pairing reversals (CLP02 = 22) with the corrections that follow them.

When a payer changes a claim it already adjudicated, it sends the old claim again with every
amount negated (status 22), then the new adjudication. They share the practice's claim number
(CLP01) and usually the payer's claim number (CLP07); the correction sometimes gets a new CLP07.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from recoup.records import ClaimPayment

__all__ = ["ReversalLink", "pair_reversals"]


class ReversalLink(NamedTuple):
    reversal: ClaimPayment
    correction: ClaimPayment | None
    matched_by: str  # "claim numbers" (CLP01 + CLP07), "patient control number", or "none"


def pair_reversals(claims: Iterable[ClaimPayment]) -> list[ReversalLink]:
    """Link each reversal to its correction, in the order the claims arrived.

    A correction is the first later non-reversal with the same CLP01 and CLP07; failing that, the
    first later non-reversal with the same CLP01. Each correction is used once.
    """
    ordered = list(claims)
    used: set[int] = set()
    links: list[ReversalLink] = []
    for i, claim in enumerate(ordered):
        if not claim.is_reversal:
            continue
        later = [
            (j, c)
            for j, c in enumerate(ordered[i + 1 :], start=i + 1)
            if not c.is_reversal
            and j not in used
            and c.patient_control_number == claim.patient_control_number
        ]
        exact = next(((j, c) for j, c in later if c.payer_claim_id == claim.payer_claim_id), None)
        if exact is not None:
            used.add(exact[0])
            links.append(ReversalLink(claim, exact[1], "claim numbers"))
        elif later:
            used.add(later[0][0])
            links.append(ReversalLink(claim, later[0][1], "patient control number"))
        else:
            links.append(ReversalLink(claim, None, "none"))
    return links
