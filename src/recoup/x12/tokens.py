"""Turning X12 bytes into segments: delimiters from the ISA, chunked splitting, segment places.

An X12 interchange declares its own delimiters in the fixed-width ISA segment: the element
separator is the character after ``ISA``, the repetition separator is ISA11, the component
separator is ISA16 and the segment terminator is the character right after ISA16. Files come with
or without line breaks after each terminator, and sometimes hold several interchanges.

A segment is the text between two terminators without the spaces, tabs and line breaks around
it, whatever mix of them a file has (``~\r\n``, ``~\n  `` indented, ``~ `` or none): the same
content always gives the same segments. A segment longer than ``MAX_SEGMENT_LENGTH`` is kept but
reported as an error (no 835 or 271 segment comes near it; the file is damaged or has lost its
terminators).

The bytes are decoded as Latin-1, which maps every byte to one character: character offsets are
byte offsets, so a finding can name the exact byte where a segment starts, and decoding never
fails. (Text fields that carry UTF-8 are re-decoded where they are read; see ``text_value``.)

The tokenizer reads in large chunks. Each chunk is split into segments by ``_segsplit``, a small
C extension built from ``_segsplit.c`` with the mypyc modules (one pass: find the terminators,
strip the whitespace around each piece, note the longest); without it, the same result comes
from ``str.split`` and a few C-speed scans that decide whether the pieces need stripping.
Elements are split later, only for the segments that need them; see ``benchmarks/README.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, NamedTuple

from recoup.findings import Finding, Severity

_native_split: Callable[[str, str], tuple[list[str], str, int]] | None
try:
    from recoup.x12 import _segsplit

    _native_split = _segsplit.split_segments
except ImportError:  # not built (no C compiler): the pure-Python path below gives the same
    _native_split = None

__all__ = [
    "DEFAULT_DELIMITERS",
    "Batch",
    "Delimiters",
    "SegmentSource",
    "parse_isa",
    "text_value",
]

CHUNK_SIZE = 4 * 1024 * 1024
ISA_LENGTH = 106  # 105 characters and the segment terminator
MAX_SEGMENT_LENGTH = 10_000
_WHITESPACE = "\r\n\t "


class Delimiters(NamedTuple):
    element: str
    component: str
    repetition: str
    segment: str


DEFAULT_DELIMITERS = Delimiters("*", ":", "^", "~")


def text_value(value: str) -> str:
    """A text element as the sender meant it: UTF-8 when the bytes are UTF-8, else Latin-1."""
    if value.isascii():
        return value
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def parse_isa(text: str, pos: int = 0) -> Delimiters | str:
    """Read the delimiters of the ISA segment starting at ``text[pos]``.

    Returns the delimiters, or a sentence saying what is wrong with the ISA.
    """
    if text[pos : pos + 3] != "ISA":
        return "expected the interchange header ISA"
    if len(text) < pos + 4:
        return "the ISA segment is cut off"
    element = text[pos + 3]
    if element.isalnum() or element in _WHITESPACE:
        return f"the ISA element separator {element!r} is a letter, digit or space"
    fields = text[pos : pos + ISA_LENGTH + 40].split(element, 16)
    if len(fields) < 17 or len(fields[16]) < 2:
        return (
            "the ISA segment must have 16 elements followed by a segment terminator "
            f"(found {len(fields) - 1} elements)"
        )
    component = fields[16][0]
    terminator = fields[16][1]
    if terminator == "\r" and fields[16][2:3] == "\n":
        terminator = "\n"
    repetition = fields[11] if len(fields[11]) == 1 and not fields[11].isalnum() else ""
    if component.isalnum() or component == element:
        return f"ISA16 component separator {component!r} is not a separator character"
    if terminator.isalnum() or terminator in (element, component):
        return f"the segment terminator {terminator!r} after ISA16 is not a separator character"
    return Delimiters(element, component, repetition, terminator)


def _guess_delimiters(text: str) -> Delimiters | None:
    """Delimiters of a file that starts at ST (no envelope): read them off the ST segment."""
    if len(text) < 4 or text[:2] != "ST" or text[2].isalnum():
        return None
    element = text[2]
    i = 3
    while i < len(text) and (text[i].isalnum() or text[i] == element):
        i += 1
    if i >= len(text):
        return None
    terminator = text[i]
    component = ":"
    svc = text.find(f"SVC{element}")
    if svc >= 0:
        candidate = text[svc + 6 : svc + 7]
        if candidate and not candidate.isalnum() and candidate not in (element, terminator):
            component = candidate
    return Delimiters(element, component, "^", "\n" if terminator == "\r" else terminator)


class Batch(NamedTuple):
    """Consecutive segments of one file, all under the same delimiters.

    ``segments`` holds each segment's text without terminator or surrounding line breaks;
    ``first`` is the 1-based number of the first one in the file.
    """

    segments: list[str]
    first: int
    delimiters: Delimiters


@dataclass
class _Span:
    """Where a batch came from; its text is split into pieces only when a finding needs a place."""

    first: int  # number of its first segment
    start: int  # byte offset of text[0]
    text: str
    term: str
    raw: list[str] | None = None


@dataclass
class SegmentSource:
    """Reads a file (or bytes) in chunks and hands out batches of segments.

    Keeps enough to turn a segment number back into a byte offset for findings: the offset and the
    raw pieces of the batches it has handed out most recently.
    """

    stream: BinaryIO
    file: str
    chunk_size: int = CHUNK_SIZE
    findings: list[Finding] = field(default_factory=list)
    delimiters: Delimiters | None = None
    enveloped: bool = True
    strict: bool = False  # a file without ISA/GS is an error rather than a warning
    total_bytes: int = 0
    _offsets: list[_Span] = field(default_factory=list)  # the batches handed out most recently

    def offset_of(self, number: int) -> int | None:
        """Byte offset of segment ``number``, if it is in a recent batch."""
        for span in reversed(self._offsets):
            if number < span.first:
                continue
            if span.raw is None:
                span.raw = span.text.split(span.term)
            raw, term = span.raw, span.term
            offset = span.start
            count = span.first
            for piece in raw:
                if piece.strip(_WHITESPACE):
                    if count == number:
                        return offset + (len(piece) - len(piece.lstrip(_WHITESPACE)))
                    count += 1
                offset += len(piece) + len(term)
        return None

    def _error(self, code: str, message: str, offset: int | None = None) -> None:
        self.findings.append(
            Finding(Severity.ERROR, code, message, file=self.file, offset=offset, segment=None)
        )

    def batches(self) -> Iterator[Batch]:
        """Yield the file's segments in batches; problems go to ``self.findings``."""
        pending = ""
        pending_offset = 0  # byte offset of pending[0] in the file
        number = 1
        search_from = 1  # the file's first ISA is read by _start
        started = False
        while True:
            chunk = self.stream.read(self.chunk_size)
            eof = not chunk
            self.total_bytes += len(chunk)
            text = pending + chunk.decode("latin-1")
            if not started:
                if not eof and len(text) < ISA_LENGTH + 64:
                    pending = text  # read enough to see the whole interchange header first
                    continue
                started = True
                stripped = text.lstrip(_WHITESPACE + "\ufeff\xef\xbb\xbf")
                pending_offset += len(text) - len(stripped)
                text = stripped
                if not text:
                    self._error("x12.empty", "the file is empty: expected an X12 835 (ISA...)")
                    return
                if not self._start(text):
                    return
            delims = self.delimiters
            assert delims is not None
            text_start = pending_offset
            # A later interchange may declare other delimiters: split up to it, then switch.
            while True:
                isa = self._next_isa(text, search_from, delims.segment)
                if isa < 0 or (not eof and len(text) - isa < ISA_LENGTH + 2):
                    break
                declared = parse_isa(text, isa)
                if isinstance(declared, str):
                    self._error(
                        "x12.isa.invalid", f"interchange header: {declared}", text_start + isa
                    )
                    declared = delims
                if declared == delims:
                    search_from = isa + 3
                    continue
                head, text = text[:isa], text[isa:]
                batch, number = self._split(head, text_start, number, delims, final=True)
                if batch is not None:
                    yield batch
                text_start += isa
                delims = self.delimiters = declared
                search_from = 3
            if eof:
                batch, number = self._split(text, text_start, number, delims, final=True)
                if batch is not None:
                    yield batch
                return
            cut = text.rfind(delims.segment)
            if cut < 0:
                pending, pending_offset = text, text_start
                search_from = min(search_from, len(text))
                continue
            end = cut + len(delims.segment)
            while end < len(text) and text[end] in _WHITESPACE:
                end += 1  # keep the line break (and indentation) with its terminator
            head = text[:end]
            pending = text[end:]
            pending_offset = text_start + len(head)
            search_from = max(0, search_from - len(head))
            batch, number = self._split(head, text_start, number, delims, final=False)
            if batch is not None:
                yield batch

    @staticmethod
    def _next_isa(text: str, start: int, terminator: str) -> int:
        """Position of the next ``ISA`` that starts a segment, at or after ``start``."""
        pos = text.find("ISA", start)
        if terminator in _WHITESPACE:
            while pos > 0 and text[pos - 1] not in "\r\n":
                pos = text.find("ISA", pos + 3)
            return pos
        while pos >= 0:
            j = pos - 1
            while j >= 0 and text[j] in _WHITESPACE:
                j -= 1
            if j < 0 or text[j] == terminator[-1]:
                return pos
            pos = text.find("ISA", pos + 3)
        return -1

    def _start(self, text: str) -> bool:
        if text.startswith("ISA"):
            declared = parse_isa(text, 0)
            if isinstance(declared, str):
                self.findings.append(
                    Finding(
                        Severity.ERROR,
                        "x12.isa.invalid",
                        f"interchange header: {declared}",
                        file=self.file,
                        segment=1,
                        segment_id="ISA",
                        segment_text=text[:ISA_LENGTH].rstrip(_WHITESPACE),
                        offset=0,
                    )
                )
                return False
            self.delimiters = declared
            return True
        guessed = _guess_delimiters(text)
        if guessed is None:
            self.findings.append(
                Finding(
                    Severity.ERROR,
                    "x12.not_x12",
                    "this is not an X12 file: expected it to start with an ISA interchange "
                    "header (or an ST transaction header)",
                    file=self.file,
                    segment=1,
                    segment_text=text[:60].splitlines()[0] if text[:60].strip() else None,
                    offset=0,
                )
            )
            return False
        self.enveloped = False
        self.delimiters = guessed
        self.findings.append(
            Finding(
                Severity.ERROR if self.strict else Severity.WARNING,
                "x12.envelope.missing",
                "the file starts at ST without an ISA/GS envelope; delimiters were read from "
                f"the ST segment (element {guessed.element!r}, segment {guessed.segment!r}, "
                f"component {guessed.component!r})",
                file=self.file,
                segment=1,
                segment_id="ST",
                offset=0,
            )
        )
        return True

    def _split(
        self, text: str, start: int, number: int, delims: Delimiters, *, final: bool
    ) -> tuple[Batch | None, int]:
        lead = len(text) - len(text.lstrip(_WHITESPACE))
        if lead:  # a line break left over from the previous chunk's last terminator
            text, start = text[lead:], start + lead
        term = delims.segment
        segments: list[str] | None = None
        if _native_split is not None and len(term) == 1:
            try:
                segments, tail, longest = _native_split(text, term)
            except TypeError:  # text that did not come from a Latin-1 decode
                segments = None
        if segments is None:
            term, strip = _split_rule(text, term)
            raw = text.split(term)
            tail = raw.pop().strip(_WHITESPACE)
            segments = [p.strip(_WHITESPACE) for p in raw] if strip else raw
            if "" in segments:
                segments = [s for s in segments if s]
            longest = max(map(len, segments)) if segments else 0
        if tail:
            if final:
                after = text.rfind(delims.segment) + len(delims.segment)
                after += len(text) - after - len(text[after:].lstrip(_WHITESPACE))
                self.findings.append(
                    Finding(
                        Severity.WARNING,
                        "x12.terminator.missing",
                        f"the last segment has no segment terminator {delims.segment!r}; "
                        "the file may be cut off",
                        file=self.file,
                        offset=start + after,
                        segment_text=tail[:80],
                    )
                )
            segments.append(tail)
            longest = max(longest, len(tail))
        self._offsets.append(_Span(number, start, text, term))
        if len(self._offsets) > 3:
            del self._offsets[0]
        if not segments:
            return None, number
        if longest > MAX_SEGMENT_LENGTH:
            self._long_segments(segments, number)
        return Batch(segments, number, delims), number + len(segments)

    def _long_segments(self, segments: list[str], number: int) -> None:
        for i, seg in enumerate(segments):
            if len(seg) > MAX_SEGMENT_LENGTH:
                self.findings.append(
                    Finding(
                        Severity.ERROR,
                        "x12.segment.long",
                        f"the segment is {len(seg):,} characters long (no X12 segment recoup "
                        f"reads comes near {MAX_SEGMENT_LENGTH:,}); the file is damaged or has "
                        "lost segment terminators",
                        file=self.file,
                        segment=number + i,
                        segment_id=seg[:3],
                        segment_text=seg[:80] + "...",
                        offset=self.offset_of(number + i),
                    )
                )


def _split_rule(text: str, term: str) -> tuple[str, bool]:
    """What to split ``text`` on, and whether the pieces need their whitespace stripped.

    The answer is always equivalent to splitting on the terminator and stripping every piece;
    the common layouts (no whitespace at all, or the same line break after every terminator and
    nowhere else) are recognised with a few C-speed scans so that the pieces need no stripping.
    """
    has_cr = "\r" in text
    has_lf = "\n" in text
    if term in _WHITESPACE:
        if term == "\n" and not has_cr and "\t" not in text and " \n" not in text:
            return term, "\n " in text
        return term, True
    if " " + term in text or "\t" + term in text:
        return term, True
    if not has_cr and not has_lf:
        return term, term + " " in text or term + "\t" in text
    count = text.count(term)
    lf = text.count("\n")
    if lf == count and text.count(term + "\n" if not has_cr else term + "\r\n") == count:
        brk = term + ("\r\n" if has_cr else "\n")
        crs_ok = not has_cr or text.count("\r") == count
        if crs_ok and brk + " " not in text and brk + "\t" not in text:
            return brk, False
    return term, True
