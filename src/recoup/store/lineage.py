"""Claim lineage: which reversal undoes which claim, and which correction follows it.

A payer that changes its mind about a claim sends a reversal (CLP02 = 22: the old claim again,
every amount negated) and then the corrected claim (DOMAIN §2.4). They can reach the store in
any order, in different files, so the links are not made as claims arrive: every claim of the
same payer and practice claim number (CLP01) forms a *group*, and each time a group gains a
claim its links are worked out again from all its claims, in the order the payer sent them
(notice date, then trace number, then place in the file). Importing in either order therefore
ends in the same links.

Within a group, walking that order:

* a reversal undoes the latest claim still in force that it mirrors: same CLP07 and negated
  charge and payment; else same CLP07; else negated amounts with another CLP07. When none
  matches (the original never reached the store), it undoes nothing known.
* the first claim after a reversal is its correction: preferably the one whose REF*F8 or CLP07
  names the reversed claim, else the next one in order.

A claim's state follows: a reversal is ``reversal``; a claim some reversal undid is
``reversed``; every other claim is ``current``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Connection, select, update

from recoup.store.tables import claims

__all__ = ["Links", "Node", "claim_state", "link", "relink"]

ORIGINAL, REVERSAL, CORRECTION = "original", "reversal", "correction"
_CHUNK = 500


class Node(NamedTuple):
    """What linking needs to know of one stored claim."""

    id: int
    is_reversal: bool
    payer_claim_id: str  # CLP07
    original_reference: str  # REF*F8
    charge: Decimal
    paid: Decimal
    order: tuple[date, str, int, int]  # notice date, trace number, segment, id


class Links(NamedTuple):
    lineage: str  # original, reversal or correction
    reverses_id: int | None = None
    reversed_by_id: int | None = None
    follows_id: int | None = None


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


def relink(conn: Connection, groups: Iterable[tuple[str, str]]) -> int:
    """Work the links of these (payer key, CLP01) groups out again; returns claims changed."""
    wanted = set(groups)
    numbers = sorted({number for _payer, number in wanted})
    rows_by_group: dict[tuple[str, str], list[Node]] = {}
    current: dict[int, Links] = {}
    for start in range(0, len(numbers), _CHUNK):
        query = select(
            claims.c.id,
            claims.c.payer_key,
            claims.c.patient_control_number,
            claims.c.status,
            claims.c.payer_claim_id,
            claims.c.original_reference,
            claims.c.charge,
            claims.c.paid,
            claims.c.notice_date,
            claims.c.trace_number,
            claims.c.segment,
            claims.c.lineage,
            claims.c.reverses_id,
            claims.c.reversed_by_id,
            claims.c.follows_id,
        ).where(claims.c.patient_control_number.in_(numbers[start : start + _CHUNK]))
        for row in conn.execute(query):
            group = (row.payer_key, row.patient_control_number)
            if group not in wanted:
                continue
            order = (row.notice_date or date.min, row.trace_number, row.segment, row.id)
            rows_by_group.setdefault(group, []).append(
                Node(
                    row.id,
                    row.status == "22",
                    row.payer_claim_id,
                    row.original_reference,
                    row.charge,
                    row.paid,
                    order,
                )
            )
            current[row.id] = Links(
                row.lineage, row.reverses_id, row.reversed_by_id, row.follows_id
            )
    changed = 0
    for nodes in rows_by_group.values():
        for claim_id, links in link(nodes).items():
            if current[claim_id] != links:
                conn.execute(
                    update(claims).where(claims.c.id == claim_id).values(**links._asdict())
                )
                changed += 1
    return changed
