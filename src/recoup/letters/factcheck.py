"""The check every letter passes before it is written: each date, amount, code and number in it
must come from the inputs.

"The inputs" are everything the letter was built from (the remittance records, the practice's
rows, the record passages it quotes, the deadline and its basis, the citation table) plus the
values the composer derived from them and declared (a visit count, a payment-plan instalment, the
letter's own date). The check reads the rendered Markdown the way a reader would: it finds every
date (2026-03-04, 03/04/2026, March 4, 2026), dollar amount, time of day, and every other token
that contains a digit (claim and member numbers, CPT and CARC codes, counts), normalises each, and
looks it up. One token that is not found fails the letter, naming the token and its line.

Source markers (``[3]``) and the numbering of the sources list are the letter's own apparatus and
are skipped.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, NamedTuple

from recoup.textsafe import markdown_plain

__all__ = ["AllowedFacts", "FactCheckError", "Unsupported", "check_letter", "facts_in"]

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTH = {name: i for i, name in enumerate(_MONTHS, 1)}

_LONG_DATE = re.compile(r"\b(" + "|".join(_MONTHS) + r") (\d{1,2}), (\d{4})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_US_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_MARKER = re.compile(r"\[\d{1,3}(?:, ?\d{1,3})*\]")  # a source marker, not "[2026]"
_SOURCE_ITEM = re.compile(r"^\s*\d+\.\s", re.MULTILINE)  # "1. " numbering in the sources list
_NUMBER = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")


class Unsupported(NamedTuple):
    kind: str  # date, amount, time, number, code
    text: str  # as written in the letter
    line: int  # 1-based line of the Markdown


class FactCheckError(Exception):
    """A letter stated a fact the inputs do not hold; it was not written."""

    def __init__(self, letter: str, problems: list[Unsupported]) -> None:
        self.letter = letter
        self.problems = problems
        first = "; ".join(f"{p.kind} {p.text!r} (line {p.line})" for p in problems[:5])
        more = f" and {len(problems) - 5} more" if len(problems) > 5 else ""
        super().__init__(
            f"{letter}: not written, it states facts the inputs do not hold: {first}{more}"
        )


class AllowedFacts:
    """The normalised facts found in the inputs."""

    def __init__(self) -> None:
        self.dates: set[date] = set()
        self.numbers: set[Decimal] = set()
        self.times: set[time] = set()
        self.tokens: set[str] = set()

    def add(self, *values: Any) -> AllowedFacts:
        """Add every fact found in ``values`` (walking tuples, lists, dicts, NamedTuples)."""
        for value in values:
            self._add(value, 0)
        return self

    def _add(self, value: Any, depth: int) -> None:
        if depth > 12 or value is None or isinstance(value, bool):
            return
        if isinstance(value, str):
            self.add_text(value)
        elif isinstance(value, datetime):
            self.dates.add(value.date())
            self.times.add(value.time().replace(second=0, microsecond=0))
        elif isinstance(value, date):
            self.dates.add(value)
        elif isinstance(value, time):
            self.times.add(value.replace(second=0, microsecond=0))
        elif isinstance(value, Decimal | int):
            self.numbers.add(_norm(Decimal(value)))
        elif isinstance(value, dict):
            for k, v in value.items():
                self._add(k, depth + 1)
                self._add(v, depth + 1)
        elif isinstance(value, tuple | list | set | frozenset):
            for v in value:
                self._add(v, depth + 1)

    def add_text(self, text: str) -> None:
        for kind, norm in _input_facts(text):
            if kind == "date":
                self.dates.add(norm)
            elif kind == "time":
                self.times.add(norm)
            elif kind in ("amount", "number"):
                self.numbers.add(norm)
            else:
                self.tokens.add(norm)

    def holds(self, kind: str, norm: Any) -> bool:
        if kind == "date":
            return norm in self.dates
        if kind == "time":
            return norm in self.times
        if kind == "monthday":  # "March 21" without a year: some date of the inputs
            return any((d.month, d.day) == norm for d in self.dates)
        if kind in ("amount", "number"):
            return norm in self.numbers
        return norm in self.tokens


def _norm(value: Decimal) -> Decimal:
    return value.normalize()


# One scan, left to right; at each place the first alternative that matches wins, so a date is
# read as a date before its digits could be read as a number.
_FACT = re.compile(
    "|".join(
        (
            r"(?P<long>\b(?:" + "|".join(_MONTHS) + r") \d{1,2}, \d{4}\b)",
            r"(?P<monthday>\b(?:" + "|".join(_MONTHS) + r") \d{1,2}\b)",
            r"(?P<iso>\b\d{4}-\d{2}-\d{2}\b)",
            r"(?P<us>\b\d{1,2}/\d{1,2}/\d{4}\b)",
            r"(?P<money>-?\$\s?-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)",
            r"(?P<time>\b\d{1,2}:\d{2}\b)",
            # a token with a digit in it; a word without one is never a fact, and matching
            # every word only to drop it was most of the check's time. The lookbehind keeps a
            # token from starting inside a word, as a scan word by word would.
            r"(?P<token>(?<![A-Za-z0-9§])(?:\d|[A-Za-z§][A-Za-z§\-./,]*\d)[A-Za-z0-9§\-./,]*)",
        )
    )
)
_DIGIT = re.compile(r"\d")
_NEWLINE = re.compile(r"\n")
_PARTS = re.compile(r"[-/.,]")
_PATTERNS = {"long": _LONG_DATE, "iso": _ISO_DATE, "us": _US_DATE}

Fact = tuple[str, Any, str, int]  # kind, normalised value, as written, line


def _facts(text: str) -> list[Fact]:
    """(kind, normalised value, as written, line) for each fact in ``text``."""
    work = _MARKER.sub(lambda m: " " * len(m.group()), text)
    work = _SOURCE_ITEM.sub(lambda m: " " * len(m.group()), work)
    starts = [0] + [m.end() for m in _NEWLINE.finditer(work)]
    out: list[Fact] = []
    for m in _FACT.finditer(work):
        kind = m.lastgroup or ""
        raw = m.group()
        line = bisect_right(starts, m.start())
        if kind in _PATTERNS:
            parsed = _date(kind, _PATTERNS[kind].match(raw))
            if parsed is not None:
                out.append(("date", parsed, raw, line))
            else:
                out.append(("code", raw.upper(), raw, line))
        elif kind == "money":
            sign = "-" if "-" in raw else ""
            digits = raw.replace("-", "").replace("$", "").strip().replace(",", "")
            out.append(("amount", _norm(Decimal(sign + digits)), raw, line))
        elif kind == "monthday":
            month, day = raw.split()
            out.append(("monthday", (_MONTH[month], int(day)), raw, line))
        elif kind == "time":
            hour, minute = (int(x) for x in raw.split(":"))
            if hour < 24 and minute < 60:
                out.append(("time", time(hour, minute), raw, line))
            else:
                out.append(("code", raw, raw, line))
        else:
            _token(raw.rstrip(".,-/"), line, out)
    return out


def _token(raw: str, line: int, out: list[Fact]) -> None:
    if not _DIGIT.search(raw):
        return
    if _NUMBER.match(raw):
        try:
            out.append(("number", _norm(Decimal(raw.replace(",", ""))), raw, line))
            return
        except InvalidOperation:
            pass
    out.append(("code", raw.upper(), raw, line))
    # the parts of a compound ("CO-119", "97153-XE", "1833(g)") are facts on their own too
    for part in _PARTS.split(raw):
        if part and part != raw and _DIGIT.search(part):
            out.append(("part", part.upper(), part, line))


@lru_cache(maxsize=65536)
def _input_facts(text: str) -> tuple[tuple[str, Any], ...]:
    """The facts of an input string; the same practice strings recur in every letter."""
    return tuple(dict.fromkeys((kind, norm) for kind, norm, _raw, _line in _facts(text)))


def _date(kind: str, m: re.Match[str] | None) -> date | None:
    if m is None:
        return None
    try:
        if kind == "long":
            return date(int(m.group(3)), _MONTH[m.group(1)], int(m.group(2)))
        if kind == "iso":
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    except ValueError:
        return None


def facts_in(text: str) -> list[tuple[str, Any, str, int]]:
    """Every fact the check looks at in ``text`` (for tests and for explaining a failure)."""
    return [f for f in _facts(text) if f[0] != "part"]


_SPACED_MARKER = re.compile(r" ?\[\d{1,3}(?:, ?\d{1,3})*\]")


def _lines_of(checked: str) -> set[str]:
    """The checked copy's lines without their markers, and each table row also without its last
    cell (the copy that is sent leaves out the exhibits' Source column): a line of the other
    copy found here holds nothing that was not checked."""
    out = set()
    for line in checked.splitlines():
        line = _SPACED_MARKER.sub("", line)
        out.add(line)
        if line.startswith("|"):
            body = line.rstrip().rstrip("|").rstrip()
            out.add(body[: body.rfind("|") + 1])
    return out


def check_letter(
    name: str,
    markdown: str,
    allowed: AllowedFacts,
    *,
    checked: str | None = None,
    sources: Iterable[str] = (),
) -> None:
    """Raise :class:`FactCheckError` naming every fact of ``markdown`` the inputs do not hold.

    ``checked``: another copy of the same letter already checked (the biller's copy); lines the
    two share, source markers aside, are not read again. ``sources``: the letter's numbered
    sources, each added to ``allowed`` as it was cited (LetterFacts.cite); a line ``N. <one of
    them>`` holds by construction and is not read again (reading the sources list was a third
    of the check's time). Skipped lines are blanked, so line numbers stay the letter's own.
    """
    problems: list[Unsupported] = []
    listed = {f"{n}. {s}" for n, s in enumerate(sources, 1)}
    seen = _lines_of(checked) if checked else set()
    if listed or seen:
        markdown = "\n".join(
            "" if line in listed or (seen and _SPACED_MARKER.sub("", line) in seen) else line
            for line in markdown.splitlines()
        )
    for kind, norm, raw, line in facts_in(markdown_plain(markdown)):
        if allowed.holds(kind, norm):
            continue
        problems.append(Unsupported(kind, raw, line))
    if problems:
        raise FactCheckError(name, problems)


def allowed_from(values: Iterable[Any]) -> AllowedFacts:
    return AllowedFacts().add(*values)
