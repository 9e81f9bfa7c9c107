"""Plain-text (.txt) documents -> pieces, each located by its line numbers.

Plain text has no markup, so a heading is recognised by its look: a line in capitals
(``PATIENT FINANCIAL RESPONSIBILITY WAIVER``) or a line of five words or fewer ending in a colon
(``Assessment:``), alone or opening a paragraph.
The same rules cut the text of a PDF page (:mod:`recoup.records_text.pdf`).
"""

from __future__ import annotations

from collections.abc import Callable

from recoup.records_text.markdown import lines_locator
from recoup.records_text.pieces import Piece
from recoup.records_text.text import (
    Chunk,
    Line,
    is_caps_heading,
    normalise,
    paragraphs,
    split_paragraph,
)

__all__ = ["Locate", "plain_chunks", "read_plain"]

Locate = Callable[[Chunk, int], str]


def read_plain(text: str) -> list[Piece]:
    """The pieces of a plain-text document, in document order."""
    lines = [Line(n, line) for n, line in enumerate(text.splitlines(), start=1)]
    return plain_chunks(lines, "", lambda chunk, _: lines_locator(chunk.first, chunk.last))[0]


def plain_chunks(lines: list[Line], section: str, locate: Locate) -> tuple[list[Piece], str]:
    """Pieces of plain lines under ``section``; ``locate(chunk, n)`` names the n-th (from 1).

    Returns the pieces and the section in force at the end, so a PDF's next page continues it.
    """
    pieces: list[Piece] = []
    for run in paragraphs(lines):
        heading = _heading(run)
        if heading is not None:
            section = heading
            run = run[1:]
        for chunk in split_paragraph(run, markdown=False):
            pieces.append(Piece(section, chunk.text, locate(chunk, len(pieces) + 1), chunk.cells))
    return pieces, section


def _heading(run: list[Line]) -> str | None:
    first = run[0].text.strip()
    if is_caps_heading(first):
        return normalise(first)
    if first.endswith(":") and first.count(":") == 1 and len(first.split()) <= 5:
        return normalise(first[:-1])
    return None
