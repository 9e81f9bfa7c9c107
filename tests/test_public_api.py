"""The public API is what ``__all__`` lists, and every name there exists."""

from __future__ import annotations

import importlib

import pytest

PACKAGES = ["recoup", "recoup.x12", "recoup.codes", "recoup.practice", "recoup.store"]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_names_exist(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert len(exported) == len(set(exported)), "duplicates in __all__"
    missing = [n for n in exported if not hasattr(module, n)]
    assert missing == []


def test_top_level_api() -> None:
    import recoup

    assert {"Remittance", "ClaimPayment", "ServiceLine", "Adjustment", "Finding"} <= set(
        recoup.__all__
    )
    assert not [n for n in dir(recoup) if not n.startswith("_") and n not in recoup.__all__ and
                not isinstance(getattr(recoup, n), type(recoup))]  # fmt: skip
