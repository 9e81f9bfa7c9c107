"""Small, forgiving readers of FHIR R4 JSON values: never raise on a shape they did not expect.

A clinical export is not always valid FHIR; a missing or oddly shaped element reads as empty
(``""``, ``None``, ``[]``) so one strange resource never stops the others.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from recoup.records_text.text import normalise

__all__ = [
    "Json",
    "as_dict",
    "as_list",
    "as_text",
    "concept_code",
    "concept_text",
    "fhir_date",
    "first_date",
    "notes",
    "quantity",
    "value_of",
]

Json = dict[str, Any]

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def as_dict(value: object) -> Json:
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def as_text(value: object) -> str:
    """A string, number or boolean as text (``38``, ``18.4``, ``true``); anything else ""."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | Decimal):
        return normalise(str(value))
    return ""


def concept_text(concept: object) -> str:
    """A CodeableConcept (or Coding) in words: its text, else a coding's display, else code."""
    concept = as_dict(concept)
    codings = [as_dict(c) for c in as_list(concept.get("coding"))] or [concept]
    return (
        as_text(concept.get("text"))
        or next((as_text(c.get("display")) for c in codings if as_text(c.get("display"))), "")
        or next((as_text(c.get("code")) for c in codings if as_text(c.get("code"))), "")
    )


def concept_code(concept: object) -> str:
    """The first coding's code of a CodeableConcept (``R26.81``), or ""."""
    codings = as_list(as_dict(concept).get("coding"))
    return next((as_text(as_dict(c).get("code")) for c in codings if as_dict(c).get("code")), "")


def fhir_date(value: object) -> date | None:
    """The day of a FHIR date, dateTime or instant (``2026-08-04T09:00:00-06:00``), else None."""
    match = _DATE.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def first_date(resource: Json, *paths: str) -> date | None:
    """The first date found at ``paths`` (``effectiveDateTime``, ``effectivePeriod.start``)."""
    for path in paths:
        value: object = resource
        for part in path.split("."):
            value = as_dict(value).get(part)
        day = fhir_date(value)
        if day is not None:
            return day
    return None


def quantity(value: object) -> tuple[str, str]:
    """A Quantity as (value, unit): ``("18.4", "s")``."""
    value = as_dict(value)
    unit = as_text(value.get("unit")) or as_text(value.get("code"))
    comparator = as_text(value.get("comparator"))
    return comparator + as_text(value.get("value")), unit


def value_of(element: Json, prefix: str = "value") -> tuple[str, str]:
    """The ``value[x]`` (or ``detail[x]``) of an element as (value, unit)."""
    for key, value in element.items():
        if not key.startswith(prefix) or key == prefix:
            continue
        kind = key[len(prefix) :]
        if kind == "Quantity":
            return quantity(value)
        if kind == "CodeableConcept":
            return concept_text(value), ""
        if kind == "Range":
            low, unit = quantity(as_dict(value).get("low"))
            high, high_unit = quantity(as_dict(value).get("high"))
            return f"{low}-{high}".strip("-"), unit or high_unit
        if kind == "Ratio":
            top, unit = quantity(as_dict(value).get("numerator"))
            bottom, bottom_unit = quantity(as_dict(value).get("denominator"))
            return f"{top}/{bottom}", "/".join(u for u in (unit, bottom_unit) if u)
        if kind == "Period":
            period = as_dict(value)
            return f"{as_text(period.get('start'))} to {as_text(period.get('end'))}".strip(), ""
        if as_text(value):
            return as_text(value), ""
    return "", ""


def notes(resource: Json) -> str:
    """The text of a resource's notes (Annotation list), joined."""
    return " ".join(
        as_text(as_dict(note).get("text"))
        for note in as_list(resource.get("note"))
        if as_text(as_dict(note).get("text"))
    )
