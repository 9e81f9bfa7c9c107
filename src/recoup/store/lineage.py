"""The ``claims`` table's lineage links, worked out by :mod:`recoup.lineage`.

Each time a group of claims (same payer key, same CLP01) gains a claim, its links are worked out
again from all its stored claims with :func:`recoup.lineage.link` and the rows that changed are
updated, so any arrival order ends in the same links.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection, bindparam, select, update

from recoup.lineage import CORRECTION, ORIGINAL, REVERSAL, Links, Node, claim_state, link
from recoup.store.tables import claims

__all__ = ["CORRECTION", "ORIGINAL", "REVERSAL", "Links", "Node", "claim_state", "link", "relink"]

_CHUNK = 500


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
    changes = [
        {"_id": claim_id, **links._asdict()}
        for nodes in rows_by_group.values()
        for claim_id, links in link(nodes).items()
        if current[claim_id] != links
    ]
    if changes:  # one statement, many parameter sets
        columns = [c for c in changes[0] if c != "_id"]
        stmt = (
            update(claims)
            .where(claims.c.id == bindparam("_id"))
            .values({c: bindparam(c) for c in columns})
        )
        for start in range(0, len(changes), _CHUNK):
            conn.execute(stmt, changes[start : start + _CHUNK])
    return len(changes)
