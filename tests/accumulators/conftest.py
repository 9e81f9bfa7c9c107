"""The ``make_practice`` fixture: a small practice folder in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from accumulator_helpers import PracticeMaker, write_practice
from recoup.practice import Practice


@pytest.fixture
def make_practice(tmp_path: Path) -> PracticeMaker:
    def make(**files: str) -> Practice:
        return write_practice(tmp_path / "practice", **files)

    return make
