"""What a format reader hands back: pieces of text with their place, or the reason it cannot.

A format reader (Markdown, plain text, PDF, Word) knows nothing about patients or the practice
folder; it turns one file into :class:`Piece` records (section, text, locator, cells) or raises
:class:`Unreadable` with a reason a person can act on. ``read_records`` adds the file, patient,
date and kind and turns ``Unreadable`` into a finding.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Cells", "Piece", "Unreadable"]

Cells = tuple[tuple[str, str], ...]
"""(header, value) pairs: a table row under its header, a ``Label: value`` line, a FHIR value."""


class Piece(NamedTuple):
    """One passage of a document before it is tied to a patient."""

    section: str
    text: str
    locator: str
    cells: Cells = ()


class Unreadable(Exception):
    """A document that cannot be read; ``code`` is the finding code, the message its reason."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
