"""recoup.textsafe (security review item 8): control characters never reach a terminal, and
text from inputs adds no HTML or Markdown to a letter."""

from __future__ import annotations

import re

import markdown_it
from hypothesis import given
from hypothesis import strategies as st

from recoup.textsafe import markdown_plain, markdown_text, terminal_text

_RENDER = markdown_it.MarkdownIt("commonmark").enable("table").render
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_terminal_text_shows_every_control_character() -> None:
    hostile = "ISA*00*\x1b]0;owned\x07*\x1b[2J\x9b31m\u202etxt.exe\r\x00"
    shown = terminal_text(hostile)
    assert not CONTROL.search(shown)
    assert "\\x1b]0;owned\\x07" in shown and "\\u202e" in shown and "\\x0d" in shown
    assert terminal_text("a\tb\nc") == "a\tb\nc"
    assert terminal_text("a\tb\nc", keep_lines=False) == "a\\x09b\\x0ac"


@given(st.text())
def test_terminal_text_leaves_no_control_character(text: str) -> None:
    assert not CONTROL.search(terminal_text(text, keep_lines=False))
    assert not CONTROL.search(terminal_text(text).replace("\t", "").replace("\n", ""))


def test_markdown_text_escapes_html_and_markdown() -> None:
    hostile = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) **bold** &amp; `x`"
    html = _RENDER(markdown_text(hostile))
    for made in ("<img", "<a ", "<strong>", "<code>"):
        assert made not in html, made
    assert "&amp;amp;" in html and "click" in html and "bold" in html
    for start in ("# Title", "- item", "+ item", "1. item", "> quote", "=== x"):
        rendered = _RENDER(markdown_text(start))
        assert rendered.startswith("<p>"), (start, rendered)
    # amounts and codes keep their text
    assert markdown_text("120.00 for 97110-GP") == "120.00 for 97110-GP"
    assert markdown_text("line one\nline two") == "line one line two"


PIECES = st.sampled_from(
    [
        "<",
        ">",
        "&",
        "*",
        "_",
        "`",
        "[",
        "]",
        "(",
        ")",
        "!",
        "#",
        "-",
        "|",
        "~",
        "\\",
        "1.",
        " ",
        "\n",
        "a",
        "x y",
        "http://e",
        "<script>",
        "&lt;",
        "**",
        "![i](x)",
    ]
)


@given(st.lists(PIECES, max_size=20).map("".join))
def test_escaped_markdown_renders_as_the_text_itself(text: str) -> None:
    escaped = markdown_text(text)
    assert markdown_plain(escaped) == " ".join(text.replace("\n", " ").split(" ")).strip()
    html = _RENDER(f"Text: {escaped}")
    inner = html.strip()
    assert inner.startswith("<p>") and inner.endswith("</p>") and inner.count("<") == 2, html
