"""Evidence sources, opened: the 835 segment, the CSV row or the record line a fact came from.

A decision's evidence carries its place as a :class:`recoup.triage.Source` record (kind, file,
number; for an 835 segment the id of the stored file), so nothing here reads text back. An 835
segment comes from the bytes the store keeps of that very file (by its id: remittances are often
named alike, and one must never show another's segments); a CSV row or a document line from the
kept copy of the practice folder. A few lines around the place are returned, the cited one
marked; a place that cannot be found gives ``None`` and the page shows the source's name only.
Paths never leave the practice folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from recoup.triage.model import Source

__all__ = ["Snippet", "open_source"]

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
    folder: Path | None, source: Source, stored: Callable[[int], bytes | None] | None = None
) -> Snippet | None:
    """The cited place with its neighbours: an 835 segment from the stored file the source
    names (``stored``, by id), a row or a line from the kept practice ``folder``."""
    if source.kind == "segment":
        data = stored(source.stored_id) if stored is not None and source.stored_id else None
        if data is None:
            return None
        lines = _around(_segments(data), source.number)
        name = source.file.replace("\\", "/").rsplit("/", 1)[-1]
        return Snippet(f"{name}, segments", lines) if lines else None
    if folder is None or source.kind not in ("row", "line") or not source.number:
        return None
    path = _inside(folder, source.file)
    if path is None:
        return None
    if source.kind == "row":
        rows = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
        lines = _around(rows, source.number)
        if not lines:
            return None
        header = [(1, rows[0], False)] if rows and lines[0][0] > 1 else []
        return Snippet(f"{source.file}, rows", header + lines)
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    lines = _around(text, source.number)
    return Snippet(f"{source.file}, lines", lines) if lines else None
