"""Reversal lineage as a pure function: the same links whatever order the claims arrive in."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from recoup.store.lineage import Links, Node, claim_state, link


def node(
    id: int,
    day: int,
    *,
    status: str = "1",
    clp07: str = "ICN1",
    f8: str = "",
    charge: str = "185.00",
    paid: str = "98.40",
) -> Node:
    return Node(
        id,
        status == "22",
        clp07,
        f8,
        Decimal(charge),
        Decimal(paid),
        (date(2026, 3, day), "TRN", 10, id),
    )


ORIGINAL = node(1, 4)
REVERSAL = node(2, 20, status="22", charge="-185.00", paid="-98.40")
CORRECTION = node(3, 20, clp07="ICN2", f8="ICN1", paid="88.40")


def test_original_reversal_correction() -> None:
    links = link([ORIGINAL, REVERSAL, CORRECTION])
    assert links == {
        1: Links("original", reversed_by_id=2),
        2: Links("reversal", reverses_id=1),
        3: Links("correction", follows_id=2),
    }
    states = [claim_state(links[i].lineage, links[i].reversed_by_id) for i in (1, 2, 3)]
    assert states == ["reversed", "reversal", "current"]


def test_any_arrival_order_gives_the_same_links() -> None:
    expected = link([ORIGINAL, REVERSAL, CORRECTION])
    for order in itertools.permutations([ORIGINAL, REVERSAL, CORRECTION]):
        assert link(order) == expected


def test_reversal_without_its_original_still_leads_to_the_correction() -> None:
    links = link([REVERSAL, CORRECTION])
    assert links[2] == Links("reversal")
    assert links[3] == Links("correction", follows_id=2)


def test_correction_not_yet_arrived() -> None:
    assert link([ORIGINAL, REVERSAL]) == {
        1: Links("original", reversed_by_id=2),
        2: Links("reversal", reverses_id=1),
    }


def test_reversal_undoes_the_claim_it_mirrors() -> None:
    # Two adjudications in force with the same CLP07; the reversal mirrors the second one.
    first = node(1, 4, paid="50.00")
    second = node(2, 6, paid="98.40")
    reversal = node(3, 20, status="22", charge="-185.00", paid="-50.00")
    links = link([first, second, reversal])
    assert links[3].reverses_id == 1
    assert links[1].reversed_by_id == 3 and links[2].reversed_by_id is None


def test_a_correction_reversed_again() -> None:
    second_reversal = node(4, 28, status="22", clp07="ICN2", charge="-185.00", paid="-88.40")
    final = node(5, 28, clp07="ICN3", f8="ICN2", paid="90.00")
    links = link([ORIGINAL, REVERSAL, CORRECTION, second_reversal, final])
    assert links[4] == Links("reversal", reverses_id=3)
    assert links[3] == Links("correction", reversed_by_id=4, follows_id=2)
    assert links[5] == Links("correction", follows_id=4)


def test_claims_without_reversals_are_all_current() -> None:
    denied = node(1, 4, paid="0.00")
    resubmitted = node(2, 20, clp07="ICN9")
    assert link([denied, resubmitted]) == {1: Links("original"), 2: Links("original")}
