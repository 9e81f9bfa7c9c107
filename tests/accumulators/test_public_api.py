"""The accumulators' public API is what ``__all__`` says, and nothing public is left out."""

from __future__ import annotations

import importlib
import inspect

import recoup.accumulators as accumulators

# ``recoup.accumulators.reconcile`` is the function; the modules are imported by name.
MODULES = [
    importlib.import_module(f"recoup.accumulators.{name}")
    for name in ("counting", "periods", "reconcile", "status")
]


def test_all_names_exist_and_cover_the_submodules() -> None:
    exported = set(accumulators.__all__)
    assert all(hasattr(accumulators, name) for name in exported)
    assert len(exported) == len(accumulators.__all__)
    for module in MODULES:
        assert set(module.__all__) <= exported, module.__name__
        public = {
            name
            for name, value in vars(module).items()
            if not name.startswith("_")
            and (inspect.isfunction(value) or inspect.isclass(value))
            and value.__module__ == module.__name__
        }
        assert public <= set(module.__all__), (module.__name__, public - set(module.__all__))
