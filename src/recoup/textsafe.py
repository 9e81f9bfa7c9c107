"""Making text from inputs safe to show: on a terminal, and inside Markdown letters.

An X12 file, a CSV cell or a clinical note is text from outside. Printed as it is, an ESC
(``\\x1b``) starts a terminal escape sequence (it can retitle the window, hide lines, or on some
terminals write files); other C0 controls move the cursor or ring the bell. :func:`terminal_text`
shows each such character as a visible ``\\xNN`` (``\\t`` and ``\\n`` kept where asked), as do DEL
and the C1 controls (``\\x80``-``\\x9f``, which some terminals read as ESC sequences too) and the
Unicode bidirectional overrides that can make text read backwards.

:func:`markdown_text` escapes text for a Markdown document: HTML tags and entities cannot open
(``<`` ``>`` ``&``), and Markdown syntax (emphasis, links, headings, lists, tables, code) is shown
as the characters it is made of, so an input cannot add a link or a heading to a letter.
"""

from __future__ import annotations

import re

__all__ = ["markdown_text", "terminal_text"]

_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + "]")
_CONTROLS_NO_LINES = re.compile("[\x00-\x1f\x7f-\x9f" + _BIDI + "]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: str, *, keep_lines: bool = True) -> str:
    """``text`` with every control character shown as ``\\xNN``: safe to print to a terminal.
    Tabs and newlines are kept when ``keep_lines`` (else shown too)."""
    pattern = _CONTROLS if keep_lines else _CONTROLS_NO_LINES
    return pattern.sub(_visible, text)


# Markdown's punctuation that can start or end syntax (CommonMark's ASCII punctuation, less the
# characters that never do in text); each is escaped with a backslash.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def markdown_text(text: str) -> str:
    """``text`` as literal text inside Markdown: no HTML, no links, no emphasis, no headings.

    ``&``, ``<`` and ``>`` become entities (so no tag or entity of the input is rendered), the
    other syntax characters get a backslash, and control characters are removed."""
    text = _CONTROLS.sub("", text).replace("\t", " ")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", text)
