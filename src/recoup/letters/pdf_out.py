"""The letter as a PDF (ReportLab), rendered from its Markdown blocks.

ReportLab's layout engine (platypus) gives wrapped paragraphs, repeated table headers and page
numbers at a few tens of milliseconds per letter. Text is set in DejaVu Sans when the system has
it (Debian's fonts-dejavu-core; or the TTF named by ``RECOUP_PDF_FONT``), so every name prints as
written; without it, the built-in Helvetica is used and a character outside Latin-1 is replaced
by its unaccented letter, or "?" (the Markdown and DOCX keep every character).
"""

from __future__ import annotations

import io
import os
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    ListFlowable,
    ListItem,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from recoup.letters.blocks import Block, column_shares, parse_blocks, runs

__all__ = ["pdf_bytes", "write_pdf"]

_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/Library/Fonts")
_INK = colors.HexColor("#1F2A37")
_MUTED = colors.HexColor("#6B7280")
_RULE = colors.HexColor("#D1D5DB")
_HEAD = colors.HexColor("#E5E7EB")


@cache
def _fonts() -> tuple[str, str, bool]:
    """(regular, bold, unicode?) font names, registered once per process."""
    wanted = os.environ.get("RECOUP_PDF_FONT", "")
    candidates = [Path(wanted)] if wanted else []
    candidates += [Path(d) / "DejaVuSans.ttf" for d in _FONT_DIRS]
    for regular in candidates:
        bold = regular.with_name(regular.stem + "-Bold.ttf")
        if regular.is_file():
            try:
                pdfmetrics.registerFont(TTFont("RecoupSans", str(regular)))
                pdfmetrics.registerFont(
                    TTFont("RecoupSans-Bold", str(bold if bold.is_file() else regular))
                )
            except Exception:  # a broken font file: fall back to the built-in one
                continue
            pdfmetrics.registerFontFamily("RecoupSans", normal="RecoupSans", bold="RecoupSans-Bold")
            return "RecoupSans", "RecoupSans-Bold", True
    return "Helvetica", "Helvetica-Bold", False


@cache
def _styles() -> dict[str, ParagraphStyle]:
    regular, bold, _ = _fonts()
    base = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13.5, textColor=_INK)
    return {
        "para": ParagraphStyle("para", parent=base, spaceAfter=6, alignment=TA_LEFT),
        "heading1": ParagraphStyle(
            "h1", parent=base, fontName=bold, fontSize=14, leading=18, spaceBefore=8, spaceAfter=8
        ),
        "heading2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=bold,
            fontSize=11.5,
            leading=15,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "heading3": ParagraphStyle(
            "h3", parent=base, fontName=bold, fontSize=10, leading=13, spaceBefore=6, spaceAfter=2
        ),
        "bullet": ParagraphStyle("bullet", parent=base, spaceAfter=2),
        "quote": ParagraphStyle(
            "quote",
            parent=base,
            leftIndent=18,
            rightIndent=12,
            textColor=colors.HexColor("#374151"),
            fontSize=9.5,
            leading=13,
            spaceAfter=5,
            borderPadding=(0, 0, 0, 6),
        ),
        "numbered": ParagraphStyle(
            "numbered", parent=base, fontSize=8, leading=10.5, leftIndent=16, firstLineIndent=-16
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.8, leading=9.6),
        "head": ParagraphStyle("head", parent=base, fontName=bold, fontSize=7.8, leading=9.6),
    }


def _plain(text: str) -> str:
    """Text the built-in font can set: Latin-1 kept, the rest folded to ASCII."""
    if _fonts()[2]:
        return text
    swaps = {"—": "-", "–": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "→": "->"}
    out = []
    for ch in text:
        if ord(ch) < 256:
            out.append(ch)
        elif ch in swaps:
            out.append(swaps[ch])
        else:
            # a letter with accents keeps its letter (Ł -> L); anything else (⅓, №) becomes "?"
            # rather than characters that would read as other facts ("13")
            base = [c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)]
            out.append(
                base[0] if len(base) == 1 and base[0].isascii() and base[0].isalpha() else "?"
            )
    return "".join(out)


def _markup(text: str) -> str:
    parts = []
    for chunk, style in runs(_plain(text)):
        safe = escape(chunk)
        if style == "bold":
            parts.append(f"<b>{safe}</b>")
        elif style == "marker":
            parts.append(f'<super><font size="6.5" color="#6B7280">{safe}</font></super>')
        else:
            parts.append(safe)
    return "".join(parts)


@lru_cache(maxsize=16384)
def _cell_width(text: str) -> float:
    """A word's width in the table's type, in points (a little over, for the bold header)."""
    return float(pdfmetrics.stringWidth(_plain(text), _fonts()[0], 7.8)) * 1.04


def _table(block: Block, width: float) -> LongTable:
    styles = _styles()
    columns = max(len(r) for r in block.rows)
    data = [
        [Paragraph(_markup(v), styles["head" if i == 0 else "cell"]) for v in row]
        + [""] * (columns - len(row))
        for i, row in enumerate(block.rows)
    ]
    # the cell's left and right padding (3 + 3 points) and a little air
    widths = [width * share for share in column_shares(block.rows, width, _cell_width, 7)]
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), _HEAD),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, _RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _flowables(blocks: list[Block], width: float) -> list[Any]:
    styles = _styles()
    story: list[Any] = []
    bullets: list[Any] = []

    def flush_bullets() -> None:
        if bullets:
            story.append(
                ListFlowable(
                    list(bullets), bulletType="bullet", start="•", leftIndent=12, bulletFontSize=8
                )
            )
            story.append(Spacer(1, 5))
            bullets.clear()

    for block in blocks:
        if block.kind != "bullet":
            flush_bullets()
        if block.kind == "bullet":
            bullets.append(ListItem(Paragraph(_markup(block.lines[0]), styles["bullet"])))
        elif block.kind == "pagebreak":
            story.append(PageBreak())
        elif block.kind == "table":
            story.append(_table(block, width))
            story.append(Spacer(1, 6))
        elif block.kind == "numbered":
            text = f"{block.rows[0][0]}. {block.lines[0]}"
            story.append(Paragraph(_markup(text), styles["numbered"]))
        elif block.kind.startswith("heading"):
            story.append(Paragraph(_markup(block.lines[0]), styles[block.kind]))
        else:
            text = "<br/>".join(_markup(line) for line in block.lines)
            story.append(Paragraph(text, styles.get(block.kind, styles["para"])))
    flush_bullets()
    # keep each heading with what follows it
    out: list[Any] = []
    for item in story:
        if out and isinstance(out[-1], Paragraph) and out[-1].style.name in ("h2", "h3"):
            out[-1] = KeepTogether([out[-1], item])
        else:
            out.append(item)
    return out


def _footer(canvas: Any, doc: Any) -> None:
    regular = _fonts()[0]
    canvas.saveState()
    canvas.setFont(regular, 7.5)
    canvas.setFillColor(_MUTED)
    canvas.drawRightString(LETTER[0] - 0.9 * inch, 0.55 * inch, f"Page {doc.page}")
    canvas.restoreState()


def pdf_bytes(markdown: str, title: str = "") -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=0.9 * inch,
        rightMargin=0.9 * inch,
        topMargin=0.8 * inch,
        bottomMargin=0.8 * inch,
        title=title,
        author="",
        creator="recoup",
        invariant=1,  # the same letter gives the same bytes (no timestamp, fixed id)
    )
    story = _flowables(parse_blocks(markdown), doc.width)
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()


def write_pdf(markdown: str, path: Path, title: str = "") -> None:
    path.write_bytes(pdf_bytes(markdown, title))
