"""PDF documents -> pieces from the text layer, located by page and paragraph.

pypdf's layout mode keeps the vertical gaps between paragraphs as blank lines, so a page is cut
into paragraphs like plain text (:mod:`recoup.records_text.plaintext`); headings are recognised
the same way. A PDF with no text at all is a scan: it is reported, not read (no OCR is done).
An encrypted PDF that opens with the empty password is read; any other is reported.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pypdf import PageObject, PdfReader
from pypdf.errors import PdfReadError

from recoup.records_text.pieces import Piece, Unreadable
from recoup.records_text.plaintext import Locate, plain_chunks
from recoup.records_text.text import Chunk, Line

__all__ = ["NO_TEXT_LAYER", "count_pages", "read_pdf"]

NO_TEXT_LAYER = "scanned; no text layer — OCR is not done"

logging.getLogger("pypdf").setLevel(logging.ERROR)


def read_pdf(path: Path) -> tuple[list[Piece], int]:
    """The pieces of a PDF's text layer and its page count; :class:`Unreadable` if none."""
    reader = _open(path)
    try:
        pages = list(reader.pages)
    except Exception as error:
        raise Unreadable("records.corrupt", "not a readable PDF (its pages are damaged)") from error
    pieces: list[Piece] = []
    section = ""
    for number, page in enumerate(pages, start=1):
        lines = [Line(n, text) for n, text in enumerate(_page_text(page).splitlines(), start=1)]
        page_pieces, section = plain_chunks(lines, section, _locator(number))
        pieces.extend(page_pieces)
    if not pieces:
        raise Unreadable("records.no_text_layer", NO_TEXT_LAYER)
    return pieces, len(pages)


def count_pages(path: Path) -> int | None:
    """The page count of a PDF, or None when it cannot be opened."""
    try:
        return len(_open(path).pages)
    except Exception:
        return None


def _open(path: Path) -> PdfReader:
    try:
        reader = PdfReader(path)
    except (PdfReadError, ValueError, OSError, KeyError, TypeError) as error:
        raise Unreadable("records.corrupt", "not a readable PDF (damaged or not a PDF)") from error
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except Exception as error:
            raise Unreadable("records.encrypted", "the PDF is encrypted") from error
        if not opened:
            raise Unreadable("records.encrypted", "the PDF is encrypted with a password")
    return reader


def _page_text(page: PageObject) -> str:
    try:
        return page.extract_text(extraction_mode="layout")
    except Exception:  # layout mode fails on some fonts; the plain mode still reads the text
        return page.extract_text()


def _locator(page: int) -> Locate:
    def locate(_chunk: Chunk, n: int) -> str:
        return f"page {page}, paragraph {n}"

    return locate
