"""Policy citations as versioned data (``data/citations.toml``), and which ones fit a denial.

A letter cites policy only where it applies: the Medicare KX threshold of the service's year for
Medicare outpatient therapy, parity law for behavioral-health and ABA caps, the NCCI modifier policy
for a bundling denial that a modifier undoes, the concurrent-billing guidance for 97155 with 97153.
Each citation keeps its source and how sure that source is, so a letter never cites more than the
data holds.
"""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import NamedTuple

__all__ = ["Citation", "citations", "citations_for", "citations_version"]


class Citation(NamedTuple):
    id: str
    applies: str  # the situation it supports: medicare_therapy, parity, ncci_modifier, ...
    title: str
    text: str
    url: str
    source_kind: str  # primary, secondary, unverified
    valid_from: date
    valid_to: date | None = None
    year: int | None = None
    amount: Decimal | None = None

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    @property
    def source(self) -> str:
        return f"{self.title} ({self.url}; {self.source_kind} source)"


@cache
def _load() -> tuple[str, tuple[Citation, ...]]:
    text = resources.files("recoup.letters").joinpath("data/citations.toml").read_text("utf-8")
    data = tomllib.loads(text)
    rows = []
    for raw in data["citation"]:
        rows.append(
            Citation(
                id=raw["id"],
                applies=raw["applies"],
                title=raw["title"],
                text=raw["text"],
                url=raw["url"],
                source_kind=raw["source_kind"],
                valid_from=date.fromisoformat(raw["valid_from"]),
                valid_to=date.fromisoformat(raw["valid_to"]) if "valid_to" in raw else None,
                year=raw.get("year"),
                amount=Decimal(raw["amount"]) if "amount" in raw else None,
            )
        )
    return str(data["version"]), tuple(rows)


def citations() -> tuple[Citation, ...]:
    """Every citation on file."""
    return _load()[1]


def citations_version() -> str:
    return _load()[0]


def citations_for(situation: str, on: date | None) -> tuple[Citation, ...]:
    """The citations for ``situation`` in force on ``on`` (the date of service)."""
    if on is None:
        return ()
    return tuple(c for c in citations() if c.applies == situation and c.in_force(on))
