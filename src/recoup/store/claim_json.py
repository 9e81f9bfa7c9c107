"""A claim's two JSON forms in one pass: the stored ``detail`` and its content hash.

The store keeps each claim payment as JSON (``claims.detail``: :func:`recoup.jsonout.dumps`
with no indent) and knows it by a SHA-256 of its content (the same JSON without the fields
that say where it sat in its file, keys sorted, no spaces). Both used to be made from two
walks of the record with :func:`recoup.jsonout.to_jsonable`, which asks every value what it
is, and then turned both trees into text. Here one walk writes both texts at once, with a
function made for each record type from its field names (two f-strings, the many plain
strings escaped by the json module's own C escaper, no intermediate dicts). The text and the
hash are exactly the old ones (tests/store/test_claim_json.py compares them on
every sample 835): a claim's identity in the store must never change with the code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from recoup.jsonout import to_jsonable

__all__ = ["PLACE_FIELDS", "claim_json", "content_digest"]

# Fields that say where a record sat in one file, not what it says.
PLACE_FIELDS = frozenset(
    {
        "file",
        "segment",
        "segment_count",
        "control_number",
        "interchange_control",
        "group_control",
        "sender_id",
        "receiver_id",
        "header_number",
    }
)

# Each value as (detail text, content text): the detail as ``json.dumps(ensure_ascii=False)``
# writes it, the content as ``json.dumps(sort_keys=True, separators=(",", ":"))`` does (ASCII
# escapes, no spaces, place fields left out).
_Texts = tuple[str, str]
_walkers: dict[type, Callable[[Any], _Texts]] = {}
_escape_ascii: Callable[[str], str] = json.encoder.encode_basestring_ascii
_escape: Callable[[str], str] = json.encoder.encode_basestring


def _texts(value: Any) -> _Texts:
    kind = type(value)
    if kind is str:
        return _escape(value), _escape_ascii(value)
    if value is None:
        return "null", "null"
    if kind is bool:
        return ("true", "true") if value else ("false", "false")
    if kind is int:
        text = int.__repr__(value)
        return text, text
    walker = _walkers.get(kind)
    if walker is None:
        walker = _walker_for(kind)
        _walkers[kind] = walker
    return walker(value)


def _as_text(value: Any) -> _Texts:
    text = '"' + str(value) + '"'  # digits, sign, point, exponent: nothing to escape
    return text, text


def _as_iso(value: Any) -> _Texts:
    text = '"' + value.isoformat() + '"'
    return text, text


def _as_list(value: Any) -> _Texts:
    if not value:
        return "[]", "[]"
    details = []
    contents = []
    for item in value:
        if item.__class__ is str and item.isascii():
            text = _escape_ascii(item)
            details.append(text)
            contents.append(text)
        elif item.__class__ is tuple and all(e.__class__ is str and e.isascii() for e in item):
            parts = [_escape_ascii(e) for e in item]  # a (qualifier, value) pair, most often
            details.append("[" + ", ".join(parts) + "]")
            contents.append("[" + ",".join(parts) + "]")
        else:
            detail, content = _texts(item)
            details.append(detail)
            contents.append(content)
    return "[" + ", ".join(details) + "]", "[" + ",".join(contents) + "]"


def _record_walker(kind: type, fields: tuple[str, ...]) -> Callable[[Any], _Texts]:
    """A function made for this record type from its field names: both texts written at once
    (two f-strings), the plain strings, Nones, amounts and empty tuples (most values) turned
    in line, the others through :func:`_texts`."""
    names = [f"v{i}" for i in range(len(fields))]
    body = [f"    {', '.join(names)}, = value"]
    for v in names:
        body.append(
            f"    d{v} = c{v} = escape({v}) if (k := {v}.__class__) is str and {v}.isascii() "
            f"""else "null" if {v} is None else '"' + str({v}) + '"' if k is Decimal """
            f"""else "[]" if k is tuple and not {v} else None"""
        )
        body.append(f"    if d{v} is None:")
        body.append(f"        d{v}, c{v} = texts({v})")
    by_name = dict(zip(fields, names, strict=True))
    detail = ", ".join(f'"{field}": {{d{v}}}' for field, v in by_name.items())
    content = ",".join(
        f'"{field}":{{c{by_name[field]}}}' for field in sorted(fields) if field not in PLACE_FIELDS
    )
    body.append(f"    return f'{{{{{detail}}}}}', f'{{{{{content}}}}}'")
    scope: dict[str, Any] = {"texts": _texts, "escape": _escape_ascii, "Decimal": Decimal}
    exec("\n".join(["def walk(value):", *body]), scope)  # made above from field names only
    walk: Callable[[Any], _Texts] = scope["walk"]
    walk.__qualname__ = f"walk_{kind.__name__}"
    return walk


def _fallback(value: Any) -> _Texts:
    """Anything else exactly as :func:`to_jsonable` and ``json.dumps`` turn it."""
    full = to_jsonable(value)
    detail = json.dumps(full, ensure_ascii=False)
    return detail, json.dumps(_strip(full), sort_keys=True, separators=(",", ":"))


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in PLACE_FIELDS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _walker_for(kind: type) -> Callable[[Any], _Texts]:
    # to_jsonable's own tests, for the exact types the records hold; anything else is its
    if kind is Decimal:
        return _as_text
    if kind is date or kind is datetime:
        return _as_iso
    fields = getattr(kind, "_fields", None)
    if (
        isinstance(fields, tuple)
        and issubclass(kind, tuple)
        and hasattr(kind, "_asdict")
        and all(isinstance(f, str) and f.isidentifier() and f.isascii() for f in fields)
    ):
        return _record_walker(kind, fields)
    if kind is tuple or kind is list:
        return _as_list
    return _fallback


def claim_json(value: Any) -> tuple[str, str]:
    """``(detail, content hash)`` of a record: the detail as ``dumps(value, indent=None)``
    writes it, the hash as :func:`recoup.store.remits.content_hash` makes it."""
    detail, content = _texts(value)
    return detail, hashlib.sha256(content.encode()).hexdigest()


def content_digest(value: Any) -> str:
    """The content hash alone (a remittance's header)."""
    return hashlib.sha256(_texts(value)[1].encode()).hexdigest()
