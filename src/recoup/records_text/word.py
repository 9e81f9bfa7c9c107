"""Word (.docx) documents -> pieces, located as ``paragraph 4`` or ``table 1, row 3``.

Paragraphs are counted from 1 over the non-empty paragraphs of the body, headings included;
table rows are counted with the header as row 1, as a person reading the table would. A
paragraph styled ``Title`` or ``Heading N`` gives the section. A two-column table whose first
cell ends in a colon is read as ``Label: value`` rows; any other table as header + rows, a
merged cell's text under its first column.

A .docx is a zip: before python-docx parses it, its directory is checked so that a small file
that expands to hundreds of megabytes of XML (a zip bomb) is reported, not parsed.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from recoup.records_text.markdown import row_text, table_cells
from recoup.records_text.pieces import Cells, Piece, Unreadable
from recoup.records_text.text import label_of, normalise

__all__ = ["MAX_EXPANDED_BYTES", "MAX_RATIO", "office_zip_problem", "read_docx"]

MAX_EXPANDED_BYTES = 50 * 1024 * 1024  # a clinical note's XML is a few megabytes at most
MAX_RATIO = 200  # expanded / compressed, for a member over 1 MB
MAX_MEMBERS = 2000


def office_zip_problem(path: Path) -> str | None:
    """Why an Office file (a zip) is not to be opened, or None: too many parts, or parts that
    would expand beyond :data:`MAX_EXPANDED_BYTES` or by a zip bomb's ratio. Reads only the
    zip's directory."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None  # not a zip at all: the parser reports it
    if len(members) > MAX_MEMBERS:
        return f"holds {len(members)} parts (at most {MAX_MEMBERS})"
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return "would expand by a suspicious ratio (a zip bomb?)"
    if total > MAX_EXPANDED_BYTES:
        return (
            f"would expand to {total // (1024 * 1024)} MB "
            f"(at most {MAX_EXPANDED_BYTES // (1024 * 1024)} MB)"
        )
    return None


def read_docx(path: Path) -> list[Piece]:
    """The pieces of a Word document's body, in document order."""
    problem = office_zip_problem(path)
    if problem is not None:
        raise Unreadable("records.too_large", f"not read: the Word document {problem}")
    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise Unreadable("records.corrupt", "not a readable Word document") from error
    except Exception as error:
        raise Unreadable("records.corrupt", "not a readable Word document (damaged)") from error
    pieces: list[Piece] = []
    section = ""
    paragraph_count = table_count = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = normalise(block.text)
            if not text:
                continue
            paragraph_count += 1
            if _is_heading(block):
                section = text
                continue
            pieces.append(_paragraph_piece(block, text, section, paragraph_count))
        elif isinstance(block, Table):
            table_count += 1
            pieces.extend(_table_pieces(block, section, table_count))
    return pieces


def _is_heading(paragraph: Paragraph) -> bool:
    name = _style_name(paragraph)
    return name == "Title" or name.startswith("Heading")


def _style_name(paragraph: Paragraph) -> str:
    try:
        style = paragraph.style
    except (KeyError, ValueError, AttributeError):
        return ""
    return str(style.name) if style is not None and style.name else ""


def _paragraph_piece(paragraph: Paragraph, text: str, section: str, n: int) -> Piece:
    label = label_of(text)
    cells: Cells = ()
    if label is not None:
        cells = ((normalise(label[0]), normalise(label[1])),)
        text = f"{cells[0][0]}: {cells[0][1]}"
    return Piece(section, text, f"paragraph {n}", cells)


def _table_pieces(table: Table, section: str, n: int) -> list[Piece]:
    rows = [_row_values(row.cells) for row in table.rows]
    if not rows:
        return []
    labelled = len(rows[0]) == 2 and rows[0][0].endswith(":")
    header = [] if labelled else rows[0]
    pieces = []
    for number, values in enumerate(rows, start=1):
        if number == 1 and not labelled:
            continue
        if labelled:
            cells: Cells = ((values[0].rstrip(":"), " ".join(values[1:])),)
        else:
            cells = table_cells(header, values)
        text = row_text(cells)
        if text:
            pieces.append(Piece(section, text, f"table {n}, row {number}", cells))
    return pieces


def _row_values(cells: list[_Cell]) -> list[str]:
    """The text of each grid column; a merged cell (repeated by python-docx) counts once."""
    values: list[str] = []
    seen: set[int] = set()
    for cell in cells:
        values.append("" if id(cell._tc) in seen else normalise(cell.text))
        seen.add(id(cell._tc))
    return values
