"""A claim's two JSON forms in one pass: the stored ``detail`` and its content hash.

The store keeps each claim payment as JSON (``claims.detail``: :func:`recoup.jsonout.dumps`
with no indent) and knows it by a SHA-256 of its content (the same JSON without the fields
that say where it sat in its file, keys sorted, no spaces). Both used to be made from two
walks of the record with :func:`recoup.jsonout.to_jsonable`, which asks every value what it
is; here one walk builds the tree once, with a function made for each record type from its
field names (one dict display, no questions asked of the many plain strings), the detail is
written from it, and then the place fields are taken out of that same tree for the hash. The
text and the hash are exactly the old ones (tests/store/test_claim_json.py compares them on
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

# The dicts the walk made that hold place fields, and which: left out for the hash.
_Strip = list[tuple[dict[str, Any], tuple[str, ...]]]
_walkers: dict[type, Callable[[Any, _Strip], Any]] = {}


def _plain(value: Any, strip: _Strip) -> Any:
    """``to_jsonable(value)``, noting in ``strip`` each dict with place fields."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    walker = _walkers.get(kind)
    if walker is None:
        walker = _walker_for(kind)
        _walkers[kind] = walker
    return walker(value, strip)


def _as_text(value: Any, strip: _Strip) -> Any:
    return str(value)


def _as_iso(value: Any, strip: _Strip) -> Any:
    return value.isoformat()


def _as_list(value: Any, strip: _Strip) -> Any:
    return [v if v.__class__ is str else _plain(v, strip) for v in value]


def _record_walker(kind: type, fields: tuple[str, ...]) -> Callable[[Any, _Strip], Any]:
    """A function made for this record type: one dict display with its field names, the
    string fields taken as they are (most are), the others through :func:`_plain`."""
    names = [f"v{i}" for i in range(len(fields))]
    items = ", ".join(
        f"{field!r}: {v} if {v}.__class__ is str else plain({v}, strip)"
        for field, v in zip(fields, names, strict=True)
    )
    places = tuple(f for f in fields if f in PLACE_FIELDS)
    source = [
        "def walk(value, strip):",
        f"    {', '.join(names)}, = value",
        f"    out = {{{items}}}",
    ]
    if places:
        source.append(f"    strip.append((out, {places!r}))")
    source.append("    return out")
    scope: dict[str, Any] = {"plain": _plain}
    exec("\n".join(source), scope)  # the text is made above from the type's field names only
    walk: Callable[[Any, _Strip], Any] = scope["walk"]
    walk.__qualname__ = f"walk_{kind.__name__}"
    return walk


def _fallback(value: Any, strip: _Strip) -> Any:
    """Anything else exactly as :func:`to_jsonable` turns it."""
    out = to_jsonable(value)
    _note_places(out, strip)
    return out


def _note_places(value: Any, strip: _Strip) -> None:
    if isinstance(value, dict):
        places = tuple(k for k in value if k in PLACE_FIELDS)
        if places:
            strip.append((value, places))
        for v in value.values():
            _note_places(v, strip)
    elif isinstance(value, list):
        for v in value:
            _note_places(v, strip)


def _walker_for(kind: type) -> Callable[[Any, _Strip], Any]:
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
        and all(isinstance(f, str) and f.isidentifier() for f in fields)
    ):
        return _record_walker(kind, fields)
    if kind is tuple or kind is list:
        return _as_list
    return _fallback


def claim_json(value: Any) -> tuple[str, str]:
    """``(detail, content hash)`` of a record: the detail as ``dumps(value, indent=None)``
    writes it, the hash as :func:`recoup.store.remits.content_hash` makes it."""
    strip: _Strip = []
    tree = _plain(value, strip)
    detail = json.dumps(tree, ensure_ascii=False)
    return detail, _digest(tree, strip)


def content_digest(value: Any) -> str:
    """The content hash alone (a remittance's header)."""
    strip: _Strip = []
    return _digest(_plain(value, strip), strip)


def _digest(tree: Any, strip: _Strip) -> str:
    """The hash of the tree without its place fields (taken out of it: it is used up)."""
    for found, places in strip:
        for name in places:
            del found[name]
    text = json.dumps(tree, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
