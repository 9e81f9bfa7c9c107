"""Making text from inputs safe to show: on a terminal, and inside Markdown letters.

An X12 file, a CSV cell or a clinical note is text from outside. Printed as it is, an ESC
(``\\x1b``) starts a terminal escape sequence (it can retitle the window, hide lines, or on some
terminals write files); other C0 controls move the cursor or ring the bell. :func:`terminal_text`
shows each such character as a visible ``\\xNN`` (``\\t`` and ``\\n`` kept where asked), as do DEL
and the C1 controls (``\\x80``-``\\x9f``, which some terminals read as ESC sequences too) and the
Unicode bidirectional overrides that can make text read backwards.

:func:`markdown_text` escapes text for a Markdown document with CommonMark backslash escapes:
HTML tags and entities cannot open (``<`` ``>`` ``&``), and Markdown syntax (emphasis, links,
images, headings, lists, tables, code) is shown as the characters it is made of, so an input
cannot add a link, an image or a heading to a letter.
"""

from __future__ import annotations

import re

__all__ = ["markdown_escape", "markdown_plain", "markdown_text", "terminal_text"]

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


# Characters that open or close Markdown (or HTML) anywhere in a line; each gets a backslash,
# which CommonMark reads as "this character, literally" (a backslash-escaped < opens no tag, an
# escaped & no entity). Others (. ( ) # - + ! =) only matter at the start of a line, where a
# value may be placed: those are escaped at the value's start only, so amounts ("120.00") and
# codes ("97110-GP") keep their text.
_INLINE = re.compile(r"([\\`*_\[\]<>&|~])")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|(?:\d{1,9}[.)](?=\s|$)))")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def markdown_text(text: str) -> str:
    """``text`` as literal text inside Markdown: no HTML, no links, no emphasis, no headings,
    no lists, no table cells, on one line (line breaks become spaces; control characters go).
    Undo with :func:`markdown_plain` where the letter's own renderer reads it."""
    text = _CONTROLS_NO_LINES.sub(" ", text).strip()
    text = _INLINE.sub(r"\\\1", text)
    return _LINE_START.sub(_escape_marker, text, count=1)


# A value inside a template's line (it may start the line): a heading, list item or numbered
# item needs a space after its marker, a quote does not. A lone "-" (no modifier, no amount) is
# a table cell's text, not a list.
_VALUE_START = re.compile(r"^(\s*)(>|[#+-](?=\s)|(?:\d{1,9}[.)](?=\s)))")


def _escape_marker(m: re.Match[str]) -> str:
    return f"{m[1]}{m[2][:-1]}\\{m[2][-1]}"


# An underscore inside a word ("calendar_year", a file name) emphasises nothing in CommonMark;
# only one at a word's edge can open or close emphasis.
_VALUE_INLINE = re.compile(r"([\\`*\[\]<>&|~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")


def markdown_escape(text: str) -> str:
    """:func:`markdown_text` for a value placed inside a template's line: the same escapes,
    but the spaces at either end are kept (a template writes ``{{ ", " }}`` between values)."""
    text = _CONTROLS_NO_LINES.sub(" ", text)
    text = _VALUE_INLINE.sub(r"\\\1", text)
    return _VALUE_START.sub(_escape_marker, text, count=1)


def markdown_plain(text: str) -> str:
    """The text that a :func:`markdown_text` value stands for (backslash escapes removed), for
    a renderer or checker that reads the Markdown itself."""
    return _ESCAPED.sub(r"\1", text)
