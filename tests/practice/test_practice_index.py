"""The practice index: built once per practice, kept for several practices at once."""

from __future__ import annotations

from recoup.practice import read_practice
from recoup.practice.index import CACHED_PRACTICES, _build, index_of
from store_helpers import BRIGHTPATH, LITTLE_STEPS


def test_two_practices_alternating_keep_their_indexes() -> None:
    pt, _ = read_practice(BRIGHTPATH)
    aba, _ = read_practice(LITTLE_STEPS)
    assert pt is not None and aba is not None
    first_pt, first_aba = index_of(pt), index_of(aba)
    for _ in range(3):  # a batch that alternates between two practices builds each index once
        assert index_of(pt) is first_pt and index_of(aba) is first_aba
    assert first_pt == _build(pt) and first_pt != first_aba
    assert first_pt.visits_by_claim["BP26021"][0].patient_id == "P1001"


def test_the_cache_is_bounded() -> None:
    pt, _ = read_practice(BRIGHTPATH)
    assert pt is not None
    copies = [pt._replace(name=f"{pt.name} {n}") for n in range(CACHED_PRACTICES + 5)]
    indexes = [index_of(p) for p in copies]
    assert index_of(copies[-1]) is indexes[-1]
    assert index_of(copies[0]) is not indexes[0]  # the oldest was let go, then built again
    assert index_of(copies[0]) == indexes[0]
