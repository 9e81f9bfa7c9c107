"""Scrub fixtures: the example practices, their claims from visits.csv and their 835 history."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from recoup.ncci import use_store
from scrub_helpers import Loaded, load


@pytest.fixture(scope="module")
def brightpath() -> Loaded:
    return load("brightpath-pt")


@pytest.fixture(scope="module")
def little_steps() -> Loaded:
    return load("little-steps-aba")


@pytest.fixture(autouse=True)
def _no_default_store() -> Iterator[None]:
    use_store(None)
    yield
    use_store(None)
