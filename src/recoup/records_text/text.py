"""Text helpers shared by the line-based readers: normalising, labels, bullets, paragraphs.

A *paragraph* is a run of consecutive non-blank lines. :func:`split_paragraph` cuts it into
chunks: each bullet item is its own chunk, each ``**Label:** value`` line starts its own chunk,
and in a paragraph with two or more ``Label: value`` lines each of them starts its own chunk
(the lines after one, a wrapped value, continue it). A chunk whose text
reads ``Label: value`` carries that pair as its cells, so a letter can quote the value alone.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from recoup.records_text.pieces import Cells

__all__ = [
    "Chunk",
    "Line",
    "is_caps_heading",
    "label_of",
    "normalise",
    "paragraphs",
    "split_paragraph",
    "strip_emphasis",
]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\ufeff]")
_BULLET = re.compile(r"^\s*(?:[-*+•▪◦]|\d{1,3}[.)])\s+")
_BOLD_LABEL = re.compile(r"^\s*(?:\*\*|__)([^*_:][^*_]{0,60}?):?(?:\*\*|__):?(?:\s+|$)(.*)$")
_PLAIN_LABEL = re.compile(r"^([A-Z][A-Za-z0-9 ,/&()'’.\-]{0,48}?):\s+(\S.*)$")
_EMPHASIS = (
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), r"\1"),
    (re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])"), r"\1"),
)


class Line(NamedTuple):
    """A line of a text document, numbered from 1."""

    number: int
    text: str


class Chunk(NamedTuple):
    """A passage cut from a paragraph: its first and last line numbers, text and cells."""

    first: int
    last: int
    text: str
    cells: Cells = ()


def normalise(text: str) -> str:
    """One space between words; no control characters; no leading or trailing space."""
    return " ".join(_CONTROL.sub(" ", text).split())


def strip_emphasis(text: str) -> str:
    """Markdown emphasis, code spans, links and escapes reduced to their text."""
    for pattern, replacement in _EMPHASIS:
        text = pattern.sub(replacement, text)
    return text


def label_of(text: str, *, plain: bool = True) -> tuple[str, str] | None:
    """``("Time", "09:00-11:00")`` for ``**Time:** 09:00-11:00`` (or ``Time: ...`` if plain)."""
    bold = _BOLD_LABEL.match(text)
    if bold:
        return normalise(bold.group(1)).rstrip(":"), bold.group(2)
    if not plain:
        return None
    match = _PLAIN_LABEL.match(text.strip())
    if match is None or len(match.group(1).split()) > 6:
        return None
    return match.group(1).strip(), match.group(2)


def is_caps_heading(text: str) -> bool:
    """A line in capitals with two or more words of three letters or more: a plain-text heading."""
    text = text.strip()
    if len(text) > 80 or any(c.islower() for c in text):
        return False
    return sum(1 for word in text.split() if len(word) >= 3 and word.isalpha()) >= 2


def paragraphs(lines: list[Line]) -> list[list[Line]]:
    """Runs of consecutive non-blank lines."""
    runs: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if line.text.strip():
            current.append(line)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def split_paragraph(lines: list[Line], *, markdown: bool) -> list[Chunk]:
    """Cut a paragraph into bullet items, label lines and prose (see the module docstring)."""
    labels = [label_of(line.text) is not None for line in lines]
    by_label = sum(labels) >= 2 or labels == [True]
    groups: list[list[Line]] = []
    for line, labelled in zip(lines, labels, strict=True):
        starts = (
            not groups
            or (by_label and labelled)
            or _BULLET.match(line.text) is not None
            or (markdown and label_of(line.text, plain=False) is not None)
        )
        if starts:
            groups.append([line])
        else:
            groups[-1].append(line)
    chunks = (_chunk(group, markdown=markdown, labelled=by_label) for group in groups)
    return [chunk for chunk in chunks if chunk.text]


def _chunk(group: list[Line], *, markdown: bool, labelled: bool) -> Chunk:
    first = group[0].text
    bullet = _BULLET.match(first)
    if bullet:
        first = first[bullet.end() :]
    raw = " ".join([first, *(line.text for line in group[1:])])
    text = normalise(raw)
    cells: Cells = ()
    label = label_of(text, plain=labelled or bullet is not None or len(group) == 1)
    if label is not None:
        name, value = _clean(label[0], markdown), _clean(label[1], markdown)
        cells = ((name, value),)
        text = f"{name}: {value}" if value else f"{name}:"
    elif markdown:
        text = _clean(text, markdown)
    return Chunk(group[0].number, group[-1].number, text, cells)


def _clean(text: str, markdown: bool) -> str:
    return normalise(strip_emphasis(text) if markdown else text)
