"""Every records_text module says what it exports, and exports what it says."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import recoup.records_text

MODULES = ["recoup.records_text"] + [
    f"recoup.records_text.{m.name}" for m in pkgutil.iter_modules(recoup.records_text.__path__)
]


@pytest.mark.parametrize("name", MODULES)
def test_all_names_exist_and_the_module_says_what_it_is_for(name: str) -> None:
    module = importlib.import_module(name)

    exported = module.__all__
    assert len(exported) == len(set(exported))
    assert [n for n in exported if not hasattr(module, n)] == []
    assert module.__doc__ and len(module.__doc__.strip()) > 40


def test_the_package_api() -> None:
    assert set(recoup.records_text.__all__) >= {"Document", "Passage", "RecordSet", "read_records"}
