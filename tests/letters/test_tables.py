"""Exhibit and line tables never wrap a code: in the PDF each column is at least as wide as its
longest code ("97155-XE", "CO-119", a claim number), measured with the font the PDF uses."""

from __future__ import annotations

import pytest
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics

from letter_helpers import PRACTICES, TODAY, example, groups
from recoup.letters import build_packet
from recoup.letters.blocks import _MARKER, column_shares, parse_blocks
from recoup.letters.pdf_out import _fonts, _plain

WIDTH = LETTER[0] - 1.8 * inch  # the PDF's frame: 0.9 inch margins
PACKETS = [(name, i) for name in PRACTICES for i in range(len(groups(name)))]


def _width(word: str, bold: bool) -> float:
    regular, heavy, _ = _fonts()
    return float(pdfmetrics.stringWidth(_plain(word), heavy if bold else regular, 7.8))


def _measure(text: str) -> float:
    """As pdf_out._table measures a cell."""
    return float(pdfmetrics.stringWidth(_plain(text), _fonts()[0], 7.8)) * 1.04


@pytest.mark.parametrize(("practice", "index"), PACKETS)
def test_no_code_wraps_in_a_pdf_table(practice: str, index: int) -> None:
    group = groups(practice)[index]
    packet = build_packet(group, example(practice)[1], TODAY)
    for text in (packet.markdown, packet.biller_markdown):
        tables = [b for b in parse_blocks(text) if b.kind == "table"]
        assert tables
        for table in tables:
            shares = column_shares(table.rows, WIDTH, _measure, 7)
            for i, row in enumerate(table.rows):
                for j, cell in enumerate(row):
                    plain = _MARKER.sub("", cell)
                    for word in plain.replace("**", "").split():
                        if not any(c.isdigit() for c in word):
                            continue
                        need = _width(word, i == 0 or "**" in cell) + 6  # the cell padding
                        assert need <= WIDTH * shares[j], (packet.key, word, j)


def test_codes_keep_their_width_when_the_words_do_not_fit() -> None:
    rows = (
        ("Code", "Note"),
        ("97155-XE", "a_very_long_file_name_without_spaces_that_cannot_fit_anywhere.md"),
    )
    shares = column_shares(rows, budget=30)
    assert shares[0] * 30 >= len("97155-XE") + 4
