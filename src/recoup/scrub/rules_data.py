"""The scrub's reference tables (``data/*.toml``), read once: KX thresholds by year, therapy
codes and modifiers, timely filing windows, and the CARCs each rule's denials carry."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

__all__ = ["KxThreshold", "denial_codes", "kx_threshold", "rules", "therapy"]

DATA = Path(__file__).parent / "data"


@cache
def _load(name: str) -> dict[str, Any]:
    with (DATA / name).open("rb") as handle:
        return tomllib.load(handle)


def rules() -> dict[str, Any]:
    return _load("scrub_rules.toml")


class KxThreshold(NamedTuple):
    year: int
    amount: Decimal
    source: str


def kx_threshold(year: int) -> KxThreshold | None:
    """The year's KX threshold, or ``None`` when the table has no row for it."""
    row = _load("kx_thresholds.toml")["years"].get(str(year))
    if row is None:
        return None
    source = f"scrub/data/kx_thresholds.toml {year}: {row['source']} ({row['source_kind']})"
    return KxThreshold(year, Decimal(row["amount"]), source)


@cache
def therapy() -> tuple[frozenset[str], frozenset[str], str]:
    """(therapy codes, therapy modifiers, source)."""
    table = rules()["therapy"]
    return frozenset(table["codes"]), frozenset(table["modifiers"]), str(table["source"])


def denial_codes(rule: str) -> tuple[str, ...]:
    return tuple(rules()["denial_codes"].get(rule, ()))
