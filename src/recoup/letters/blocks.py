"""The letter's Markdown read back as blocks, so DOCX and PDF are rendered from the same text.

The templates write a small, fixed subset of Markdown, and this reads exactly that subset (a
general Markdown library would accept far more than the letters use and still need a walk over
its tree; the subset takes fifty lines): ``#``/``##``/``###`` headings; paragraphs; ``- `` bullet
items; ``> `` quotes; pipe tables with a ``| --- |`` rule under the header; ``**bold**`` spans; a
trailing backslash for a line break; ``<!-- pagebreak -->`` for a new page. Values from the
inputs come with CommonMark backslash escapes (compose._literal): an escaped ``|`` splits no
cell, escaped ``*`` make no bold, and :func:`runs` gives the text without the escapes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from recoup.textsafe import markdown_plain

__all__ = ["Block", "column_shares", "parse_blocks", "runs", "spans"]

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_MARKER = re.compile(r"\s?(\[\d+(?:, \d+)*\])")


class Block(NamedTuple):
    kind: str  # heading1-3, para, bullet, numbered (rows holds its number), quote, table, pagebreak
    lines: tuple[str, ...] = ()  # text lines (a line break between them)
    rows: tuple[tuple[str, ...], ...] = ()  # table rows, the header first


def spans(text: str) -> list[tuple[str, bool]]:
    """``[(text, bold), ...]`` for the ``**bold**`` spans of a line."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _BOLD.finditer(text):
        if m.start() > pos:
            out.append((text[pos : m.start()], False))
        out.append((m.group(1), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def runs(text: str) -> list[tuple[str, str]]:
    """``[(text, style), ...]`` with style ``""``, ``"bold"`` or ``"marker"`` (a source mark);
    the text as the reader sees it (backslash escapes removed)."""
    out: list[tuple[str, str]] = []
    for chunk, bold in spans(text):
        pos = 0
        for m in _MARKER.finditer(chunk):
            if m.start() > pos:
                out.append((markdown_plain(chunk[pos : m.start()]), "bold" if bold else ""))
            out.append((m.group(1), "marker"))
            pos = m.end()
        if pos < len(chunk):
            out.append((markdown_plain(chunk[pos:]), "bold" if bold else ""))
    return out


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


def column_shares(
    rows: tuple[tuple[str, ...], ...],
    budget: float = 100,
    measure: Callable[[str], float] = len,
    pad: float = 4,
) -> list[float]:
    """Each column's share of the table width; ``budget`` is the width in the units of
    ``measure`` (characters of the table's small type by default, or points with a font's
    metrics), ``pad`` the cell padding in the same units.

    A code (any word with a digit: "97155-XE", "CO-119", a claim number, a date) never wraps:
    every column first gets its longest code; then, as far as the width allows, its longest
    word (so a heading does not break inside a word); what is left goes to the columns whose
    longest cell wants more, in proportion to how much more. When even the words do not fit,
    the words give way (they wrap by letter), never the codes.
    """
    columns = max(len(r) for r in rows)
    code_floor, word_floor, want = [], [], []
    space = measure(" ")
    for j in range(columns):
        cells = [_MARKER.sub("", r[j]).replace("**", "").split() for r in rows if j < len(r)]
        # a cell's width is its words' and the spaces between them (words repeat from cell to
        # cell and letter to letter, so a caching ``measure`` makes this cheap)
        sized = [[(w, measure(w)) for w in c] for c in cells]
        flat = [x for c in sized for x in c]
        code_floor.append(max((m for w, m in flat if _has_digit(w)), default=0) + pad)
        word_floor.append(max([m for _, m in flat] or [measure("x")]) + pad)
        lengths = [sum(m for _, m in c) + space * max(len(c) - 1, 0) for c in sized[1:]]
        want.append(max(lengths, default=0) + pad)
    word_floor = [max(w, c) for w, c in zip(word_floor, code_floor, strict=True)]
    floor = list(word_floor)
    if sum(word_floor) > budget:
        # the codes first, then the words as far as they go
        spare = budget - sum(code_floor)
        extra = [w - c for w, c in zip(word_floor, code_floor, strict=True)]
        scale = max(0.0, min(1.0, spare / sum(extra))) if sum(extra) > 0 else 0.0
        floor = [c + e * scale for c, e in zip(code_floor, extra, strict=True)]
    spare = budget - sum(floor)
    extra = [max(w - f, 0) for w, f in zip(want, floor, strict=True)]
    if spare > 0 and sum(extra) > 0:
        scale = min(1.0, spare / sum(extra))
        widths = [f + e * scale for f, e in zip(floor, extra, strict=True)]
    else:
        widths = [float(f) for f in floor]
    total = sum(widths)
    return [w / total for w in widths]


_CELL_RULE = re.compile(r"(?<!\\)\|")  # a | that is not an escaped \|


def _cells(line: str) -> tuple[str, ...]:
    return tuple(cell.strip() for cell in _CELL_RULE.split(line.strip()[1:-1]))


def parse_blocks(markdown: str) -> list[Block]:
    blocks: list[Block] = []
    para: list[str] = []  # finished lines of the paragraph (a break between them)
    current: list[str] = []  # the line being built from soft-wrapped source lines
    table: list[tuple[str, ...]] = []

    def flush() -> None:
        if current:
            para.append(" ".join(current))
            current.clear()
        if para:
            blocks.append(Block("para", tuple(para)))
            para.clear()
        if table:
            blocks.append(Block("table", rows=tuple(table)))
            table.clear()

    for raw in markdown.splitlines():
        line = raw.rstrip()
        if line.startswith("|"):
            if para or current:
                flush()
            if not re.fullmatch(r"\|(\s*:?-{3,}:?\s*\|)+", line):
                table.append(_cells(line))
            continue
        if table:
            flush()
        if not line:
            flush()
        elif line == "<!-- pagebreak -->":
            flush()
            blocks.append(Block("pagebreak"))
        elif m := re.match(r"(#{1,3}) (.*)", line):
            flush()
            blocks.append(Block(f"heading{len(m.group(1))}", (m.group(2),)))
        elif m := re.match(r"(\d+)\. (.*)", line):
            flush()
            blocks.append(Block("numbered", (m.group(2),), rows=((m.group(1),),)))
        elif line.startswith("- ") or line.startswith("> "):
            flush()
            blocks.append(Block("bullet" if line[0] == "-" else "quote", (line[2:],)))
        elif line.endswith("\\"):
            current.append(line[:-1])
            para.append(" ".join(current))
            current.clear()
        else:
            current.append(line)
    flush()
    return blocks
