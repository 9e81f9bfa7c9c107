"""Markdown (.md) documents -> pieces, each located by its line numbers.

``#`` headings give the section; each table row is its own piece with its (header, value)
cells; paragraphs, bullet items and ``**Label:** value`` lines are cut as described in
:mod:`recoup.records_text.text`. Emphasis is stripped from the text.
"""

from __future__ import annotations

import re

from recoup.records_text.pieces import Piece
from recoup.records_text.text import (
    Line,
    normalise,
    paragraphs,
    split_paragraph,
    strip_emphasis,
)

__all__ = ["lines_locator", "read_markdown", "row_text", "table_cells"]

_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")
_QUOTE = re.compile(r"^ {0,3}> ?")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$")


def read_markdown(text: str) -> list[Piece]:
    """The pieces of a Markdown document, in document order."""
    pieces: list[Piece] = []
    section = ""
    block: list[Line] = []
    table: list[Line] = []

    def flush() -> None:
        pieces.extend(_prose(block, section))
        pieces.extend(_table(table, section))
        block.clear()
        table.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = _QUOTE.sub("", raw)
        heading = _HEADING.match(line)
        if heading or _RULE.match(line) or _FENCE.match(line):
            flush()
            if heading:
                section = normalise(strip_emphasis(heading.group(2)))
        elif line.lstrip().startswith("|"):
            if block:
                flush()
            table.append(Line(number, line))
        else:
            if table:
                flush()
            block.append(Line(number, line))
    flush()
    return pieces


def lines_locator(first: int, last: int) -> str:
    """``line 12`` or ``lines 12-14``."""
    return f"line {first}" if first == last else f"lines {first}-{last}"


def table_cells(header: list[str], row: list[str]) -> tuple[tuple[str, str], ...]:
    """(header, value) pairs; extra values get ``column N``, missing values are empty."""
    width = max(len(header), len(row))
    names = header + [f"column {n}" for n in range(len(header) + 1, width + 1)]
    values = row + [""] * (width - len(row))
    return tuple((name, value) for name, value in zip(names, values, strict=True))


def row_text(cells: tuple[tuple[str, str], ...]) -> str:
    return "; ".join(f"{name}: {value}" if name else value for name, value in cells if value)


def _prose(lines: list[Line], section: str) -> list[Piece]:
    return [
        Piece(section, chunk.text, lines_locator(chunk.first, chunk.last), chunk.cells)
        for run in paragraphs(lines)
        for chunk in split_paragraph(run, markdown=True)
    ]


def _table(lines: list[Line], section: str) -> list[Piece]:
    if not lines:
        return []
    header = _row(lines[0].text)
    body = lines[1:]
    if body and _TABLE_SEPARATOR.match(body[0].text.strip()):
        body = body[1:]
    pieces = []
    for line in body:
        cells = table_cells(header, _row(line.text))
        text = row_text(cells)
        if text:
            pieces.append(Piece(section, text, lines_locator(line.number, line.number), cells))
    return pieces


def _row(text: str) -> list[str]:
    text = text.strip()
    text = text[1:] if text.startswith("|") else text
    text = text[:-1] if text.endswith("|") and not text.endswith("\\|") else text
    cells = re.split(r"(?<!\\)\|", text)
    return [normalise(strip_emphasis(cell.replace("\\|", "|"))) for cell in cells]
