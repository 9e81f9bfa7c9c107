"""Evidence sources, opened: the 835 segment, the CSV row or the record line a fact came from.

A decision's evidence names its source the way a person would look it up
(``2026-04-17_summit.835 segment 281 (CAS)``, ``benefits.csv row 2``, ``records/note.md line 8``).
This module finds that place in the kept copy of the practice folder, or for an 835 in the bytes
the store keeps of every imported remittance, and returns a few lines around it, the cited one
marked. A source it cannot find gives ``None``: the page then shows the source's name only.
Paths never leave the practice folder.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

__all__ = ["Snippet", "open_source"]

_SEGMENT = re.compile(r"^(?P<file>[\w.\- ]+\.835) segment (?P<n>\d+)")
_ROW = re.compile(r"^(?P<file>[\w./\-]+\.csv) row (?P<n>\d+)")
_LINE = re.compile(r"^(?P<file>[\w./\-]+) line (?P<n>\d+)")
CONTEXT = 2
MAX_BYTES = 20 * 1024 * 1024


class Snippet(NamedTuple):
    title: str
    lines: list[tuple[int, str, bool]]  # number, text, is the cited one


def _inside(folder: Path, relative: str) -> Path | None:
    root = folder.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file() or path.stat().st_size > MAX_BYTES:
        return None
    return path


def _around(items: list[str], n: int, first: int = 1) -> list[tuple[int, str, bool]]:
    index = n - first
    if not 0 <= index < len(items):
        return []
    low, high = max(index - CONTEXT, 0), min(index + CONTEXT + 1, len(items))
    return [(i + first, items[i], i == index) for i in range(low, high)]


def _segments(data: bytes) -> list[str]:
    text = data.decode("latin-1")
    if not text.startswith("ISA") or len(text) < 106:
        return []
    terminator = text[105]
    return [s.strip() for s in text.split(terminator) if s.strip()]


def open_source(
    folder: Path | None, source: str, stored: Callable[[str], bytes | None] | None = None
) -> Snippet | None:
    """The cited place with its neighbours; an 835 segment comes from the kept folder, else
    from the bytes the store kept of it (``stored``, by file name)."""
    if match := _SEGMENT.match(source):
        path = _inside(folder, f"remittances/{match['file']}") if folder is not None else None
        data = (
            path.read_bytes() if path is not None else (stored(match["file"]) if stored else None)
        )
        if data is None:
            return None
        lines = _around(_segments(data), int(match["n"]))
        return Snippet(f"{match['file']}, segments", lines) if lines else None
    if folder is None:
        return None
    if match := _ROW.match(source):
        path = _inside(folder, match["file"])
        if path is None:
            return None
        rows = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
        lines = _around(rows, int(match["n"]))
        if not lines:
            return None
        header = [(1, rows[0], False)] if rows and lines[0][0] > 1 else []
        return Snippet(f"{match['file']}, rows", header + lines)
    if match := _LINE.match(source):
        path = _inside(folder, match["file"])
        if path is None:
            return None
        text = path.read_text(encoding="utf-8", errors="replace").splitlines()
        lines = _around(text, int(match["n"]))
        return Snippet(f"{match['file']}, lines", lines) if lines else None
    return None
