"""Plain JSON forms of records: money as strings with their exact digits, dates as ISO text."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

__all__ = ["dumps", "to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """Turn records (NamedTuples, dataclasses), Decimals and dates into JSON-ready values.

    Money keeps the digits the source had (``Decimal("185.00")`` becomes ``"185.00"``): JSON
    numbers would be read back as floats by most consumers.
    """
    if isinstance(value, str | int | bool) or value is None:
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    asdict = getattr(value, "_asdict", None)
    if asdict is not None:
        return {k: to_jsonable(v) for k, v in asdict().items()}
    to_dict = getattr(value, "to_dict", None)
    if to_dict is not None:
        return to_jsonable(to_dict())
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    raise TypeError(f"cannot turn {type(value).__name__} into JSON")


def dumps(value: Any, *, indent: int | None = 2) -> str:
    return json.dumps(to_jsonable(value), indent=indent, ensure_ascii=False)
