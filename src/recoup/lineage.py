"""Claim lineage: which reversal undoes which claim, and which correction follows it.

The one place that pairs originals, reversals and corrections. The store (the ``claims`` table's
links), triage (which claims are still in force) and the benefit counters (a visit counted twice
when a payer reversed and re-adjudicated it) all ask this module, so they cannot disagree.

A payer that changes its mind about a claim sends a reversal (CLP02 = 22: the old claim again,
every amount negated) and then the corrected claim (docs/domain.md §2.4); or it sends only the
corrected claim, naming the one it replaces in REF*F8. These can arrive in any order and in
different files, so links are never made as claims arrive: the claims of one payer and one
practice claim number (CLP01) form a *group*, and the group's links are worked out from all its
claims in the order the payer sent them (notice date, trace number, place in the file, then
arrival), whatever order they were read in.

Walking a group in that order:

* a reversal undoes the latest claim still in force that it mirrors: same CLP07 and negated
  charge and payment; else the same CLP07; else negated charge and payment under another CLP07
  (payers sometimes number the reversal anew). When none matches (the original never reached
  us), it undoes nothing known;
* the first claim after a reversal is its correction: preferably the one whose REF*F8 or CLP07
  names the reversed claim, else the earliest reversal still waiting;
* a claim that follows no reversal but names, in REF*F8, a claim in force (by CLP07) replaces
  it: the named claim is undone and this one is its correction.

A claim's state follows: a reversal is ``reversal``; a claim something undid is ``reversed``;
every other claim is ``current``. Only current claims are worked (triaged, counted).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple, TypeVar

from recoup.payers import payer_identity
from recoup.records import ClaimPayment, Remittance

__all__ = [
    "CORRECTION",
    "ORIGINAL",
    "REVERSAL",
    "Links",
    "Node",
    "ReversalLink",
    "claim_state",
    "current_claims",
    "current_positions",
    "link",
    "link_claims",
    "node_of",
    "original_reference",
    "pair_reversals",
    "payer_identity",
]

ORIGINAL, REVERSAL, CORRECTION = "original", "reversal", "correction"

K = TypeVar("K", bound=Hashable)


class Node(NamedTuple):
    """What linking needs to know of one claim payment."""

    id: int
    is_reversal: bool
    payer_claim_id: str  # CLP07
    original_reference: str  # REF*F8: the payer claim number a correction replaces
    charge: Decimal
    paid: Decimal
    order: tuple[date, str, int, int]  # notice date, trace number, segment, arrival


class Links(NamedTuple):
    lineage: str  # original, reversal or correction
    reverses_id: int | None = None  # a reversal: the claim it undoes
    reversed_by_id: int | None = None  # the reversal (or replacement) that undid this claim
    follows_id: int | None = None  # a correction: the reversal (or replaced claim) before it


def claim_state(lineage: str, reversed_by_id: int | None) -> str:
    if lineage == REVERSAL:
        return "reversal"
    return "reversed" if reversed_by_id is not None else "current"


def link(nodes: Iterable[Node]) -> dict[int, Links]:
    """The links of one group of claims (same payer, same CLP01)."""
    ordered = sorted(nodes, key=lambda n: n.order)
    links = {n.id: Links(REVERSAL if n.is_reversal else ORIGINAL) for n in ordered}
    in_force: list[Node] = []  # non-reversals nothing has undone yet, in order
    waiting: list[tuple[Node, Node | None]] = []  # reversals without a correction yet
    for node in ordered:
        if node.is_reversal:
            undone = _reversed_claim(node, in_force)
            if undone is not None:
                in_force.remove(undone)
                links[node.id] = links[node.id]._replace(reverses_id=undone.id)
                links[undone.id] = links[undone.id]._replace(reversed_by_id=node.id)
            waiting.append((node, undone))
            continue
        if waiting:
            reversal, _undone = waiting.pop(_correction_of(node, waiting))
            links[node.id] = links[node.id]._replace(lineage=CORRECTION, follows_id=reversal.id)
        elif (replaced := _named(node, in_force)) is not None:
            in_force.remove(replaced)
            links[replaced.id] = links[replaced.id]._replace(reversed_by_id=node.id)
            links[node.id] = links[node.id]._replace(lineage=CORRECTION, follows_id=replaced.id)
        in_force.append(node)
    return links


def _reversed_claim(reversal: Node, in_force: Sequence[Node]) -> Node | None:
    def mirrors(n: Node) -> bool:
        return n.charge == -reversal.charge and n.paid == -reversal.paid

    same_id = [n for n in in_force if n.payer_claim_id == reversal.payer_claim_id]
    for candidates in (
        [n for n in same_id if mirrors(n)],
        same_id,
        [n for n in in_force if mirrors(n)],
    ):
        if candidates:
            return candidates[-1]
    return None


def _correction_of(node: Node, waiting: Sequence[tuple[Node, Node | None]]) -> int:
    """Which waiting reversal ``node`` corrects: the one it names, else the earliest."""
    names = {node.original_reference, node.payer_claim_id} - {""}
    for index, (reversal, undone) in enumerate(waiting):
        reversed_ids = {reversal.payer_claim_id, undone.payer_claim_id if undone else ""}
        if names & reversed_ids:
            return index
    return 0


def _named(node: Node, in_force: Sequence[Node]) -> Node | None:
    """The claim in force that ``node`` names in REF*F8 as the one it replaces."""
    if not node.original_reference or node.original_reference == node.payer_claim_id:
        return None
    named = [n for n in in_force if n.payer_claim_id == node.original_reference]
    return named[-1] if named else None


# -- claim payments as read from remittances -------------------------------------------------------


def original_reference(claim: ClaimPayment) -> str:
    """REF*F8 of the claim payment ("" when it has none)."""
    return next((value for qual, value in claim.references if qual == "F8"), "")


def node_of(
    position: int, claim: ClaimPayment, order: tuple[date, str, int, int] | None = None
) -> Node:
    """The claim as a :class:`Node`; without ``order`` it sorts by ``position`` alone."""
    return Node(
        position,
        claim.is_reversal,
        claim.payer_claim_id,
        original_reference(claim),
        claim.charge,
        claim.paid,
        order or (date.min, "", 0, position),
    )


def _groups(
    items: Sequence[tuple[Remittance, ClaimPayment]], key: Callable[[Remittance, ClaimPayment], K]
) -> dict[K, list[Node]]:
    groups: dict[K, list[Node]] = {}
    for position, (remit, claim) in enumerate(items):
        order = (remit.notice_date or date.min, remit.trace_number, claim.segment, position)
        node = node_of(position, claim, order)
        groups.setdefault(key(remit, claim), []).append(node)
    return groups


def _payer_and_claim(remit: Remittance, claim: ClaimPayment) -> tuple[str, str]:
    return payer_identity(remit)[0], claim.patient_control_number


def link_claims(items: Sequence[tuple[Remittance, ClaimPayment]]) -> list[Links]:
    """The links of every claim payment in ``items`` (by position), grouped by payer and CLP01."""
    out: list[Links] = [Links(ORIGINAL)] * len(items)
    for nodes in _groups(items, _payer_and_claim).values():
        for position, links in link(nodes).items():
            out[position] = links
    return out


def current_positions(items: Sequence[tuple[Remittance, ClaimPayment]]) -> set[int]:
    """Positions of the claim payments still in force: not reversals, not undone."""
    return {
        i
        for i, links in enumerate(link_claims(items))
        if claim_state(links.lineage, links.reversed_by_id) == "current"
    }


class ReversalLink(NamedTuple):
    reversal: ClaimPayment
    correction: ClaimPayment | None
    # the correction: "claim numbers" (the reversal's CLP07), "new claim number", or "none" yet
    matched_by: str


def _links_in_order(claims: Sequence[ClaimPayment]) -> list[Links]:
    """Links of claims of one payer given in the order they arrived (grouped by CLP01)."""
    groups: dict[str, list[Node]] = {}
    for position, claim in enumerate(claims):
        groups.setdefault(claim.patient_control_number, []).append(node_of(position, claim))
    found: dict[int, Links] = {}
    for nodes in groups.values():
        found.update(link(nodes))
    return [found[i] for i in range(len(claims))]


def _links(claims: Sequence[ClaimPayment], remittances: Sequence[Remittance] | None) -> list[Links]:
    if remittances is None:
        return _links_in_order(claims)
    return link_claims(list(zip(remittances, claims, strict=True)))


def current_claims(
    claims: Iterable[ClaimPayment], remittances: Sequence[Remittance] | None = None
) -> list[ClaimPayment]:
    """The claim payments still in force, in the order given (see :func:`pair_reversals` for
    what ``remittances`` adds)."""
    listed = list(claims)
    links = _links(listed, remittances)
    return [
        claim
        for claim, found in zip(listed, links, strict=True)
        if claim_state(found.lineage, found.reversed_by_id) == "current"
    ]


def pair_reversals(
    claims: Iterable[ClaimPayment], remittances: Sequence[Remittance] | None = None
) -> list[ReversalLink]:
    """Each reversal with the correction that follows it (None when none has come yet).

    ``remittances``, when given, holds each claim's remittance (its notice date, trace number
    and payer order and group the claims); without it the claims are one payer's, taken in the
    order given (a patient's history, oldest first).
    """
    listed = list(claims)
    links = _links(listed, remittances)
    by_follow = {
        found.follows_id: i
        for i, found in enumerate(links)
        if found.follows_id is not None and listed[found.follows_id].is_reversal
    }
    out: list[ReversalLink] = []
    for i, claim in enumerate(listed):
        if not claim.is_reversal:
            continue
        after = by_follow.get(i)
        correction = listed[after] if after is not None else None
        if correction is None:
            how = "none"
        elif correction.payer_claim_id == claim.payer_claim_id:
            how = "claim numbers"
        else:
            how = "new claim number"
        out.append(ReversalLink(claim, correction, how))
    return out
