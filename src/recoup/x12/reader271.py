"""The X12 271 (005010X279A1) eligibility response reader: benefit limits as the payer states them.

A 271 is a hierarchy (HL) of information source (20, the payer), receiver (21, the provider),
subscriber (22) and dependent (23). Each member level carries its name (NM1), dates (DTP) and
benefits (EB, each followed by its own DTP, MSG and an optional LS..LE loop of related
entities). One :class:`~recoup.records.EligibilityResponse` is made per member level that has
benefits or rejections; AAA segments (the payer could not answer) become ``rejections``.

Benefit limits are what triage and the visit counter use: ``EB*F*IND*PT***23***VS*20`` says
20 physical therapy visits per calendar year; ``EB06`` = 29 with the same service type says
how many remain. See :func:`benefit_limits`.

Envelope faults are warnings (errors with ``strict=True``), as for the 835 reader; no input makes
the reader raise (an unforeseen fault becomes an ``x12.internal`` finding).
"""

from __future__ import annotations

import io
import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from recoup.findings import Finding, Severity
from recoup.records import EligibilityBenefit, EligibilityResponse, Person
from recoup.x12.claims835 import BadValue, ClaimBuilder, value_message
from recoup.x12.envelope import Envelope
from recoup.x12.tokens import SegmentSource, text_value

__all__ = ["PERIODS", "QUANTITIES", "BenefitLimit", "Read271", "benefit_limits", "read_271"]

# EB06 time period qualifiers valid in 5010, and EB09 quantity qualifiers (docs/domain.md §3.3).
PERIODS = {
    "6": "hour", "7": "day", "13": "24 hours", "21": "years", "22": "service year",
    "23": "calendar year", "24": "year to date", "25": "contract", "26": "episode",
    "27": "visit", "28": "outlier", "29": "remaining", "30": "exceeded", "31": "not exceeded",
    "32": "lifetime", "33": "lifetime remaining", "34": "month", "35": "week", "36": "admission",
}  # fmt: skip
QUANTITIES = {
    "99": "used", "CA": "covered (actual)", "CE": "covered (estimated)", "DY": "days",
    "FL": "units", "HS": "hours", "M2": "maximum", "MN": "months", "P6": "services",
    "QA": "approved", "VS": "visits", "YY": "years",
}  # fmt: skip


class Read271(NamedTuple):
    file: str
    responses: tuple[EligibilityResponse, ...]
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)


class BenefitLimit(NamedTuple):
    """A limit read from EB*F: ``20 visits per calendar year`` or ``8 visits remaining``."""

    service_types: tuple[str, ...]
    kind: str  # "limit", "remaining", "used"
    period: str  # words from PERIODS ("calendar year", "week", ...)
    unit: str  # words from QUANTITIES ("visits", "hours", ...)
    quantity: Decimal
    messages: tuple[str, ...]
    segment: int


def benefit_limits(response: EligibilityResponse) -> list[BenefitLimit]:
    """The visit, hour and unit limits of a response, as plain figures.

    ``EB06`` = 29 or 33 means remaining; ``EB09`` = 99 (or ``EB06`` = 24, year to date) means
    used; anything else with a quantity is the limit for that period.
    """
    out = []
    for eb in response.benefits:
        if eb.info != "F" or eb.quantity is None:
            continue
        if eb.period in ("29", "33"):
            kind = "remaining"
        elif eb.quantity_qualifier == "99" or eb.period == "24":
            kind = "used"
        else:
            kind = "limit"
        out.append(
            BenefitLimit(
                eb.service_types,
                kind,
                PERIODS.get(eb.period, eb.period or "unspecified"),
                QUANTITIES.get(eb.quantity_qualifier, eb.quantity_qualifier or "units"),
                eb.quantity,
                eb.messages,
                eb.segment,
            )
        )
    return out


class _Member:
    """A member level (HL 22 or 23) while it is read."""

    def __init__(self, level: str, segment: int) -> None:
        self.level = level
        self.segment = segment
        self.person: Person | None = None
        self.traces: list[str] = []
        self.dates: list[tuple[str, date, date | None]] = []
        self.benefits: list[EligibilityBenefit] = []
        self.rejections: list[tuple[str, str, int]] = []


class _Reader271:
    def __init__(
        self, stream: io.BufferedIOBase | io.BytesIO, file: str, *, strict: bool = False
    ) -> None:
        self.file = file
        self.source = SegmentSource(stream, file, strict=strict)  # type: ignore[arg-type]
        self.findings = self.source.findings
        self.values = ClaimBuilder(self._report)
        self.envelope = Envelope(self._report, strict=strict)
        self.responses: list[EligibilityResponse] = []

    def _report(
        self, severity: Severity, code: str, message: str, segment: int | None, text: str | None
    ) -> None:
        seg_id = text.split(self.values.sep, 1)[0][:10] if text else None
        offset = self.source.offset_of(segment) if segment is not None else None
        self.findings.append(
            Finding(severity, code, message, self.file, segment, seg_id, text, offset)
        )

    def read(self) -> Read271:
        try:
            self._read()
        except Exception as exc:  # a reader never raises: an unforeseen fault becomes a finding
            self.findings.append(
                Finding(
                    Severity.ERROR,
                    "x12.internal",
                    f"recoup could not finish reading this file ({type(exc).__name__}); what "
                    "was read before is kept, please report the file's layout (not its contents)",
                    self.file,
                )
            )
        return Read271(self.file, tuple(self.responses), tuple(self.findings))

    def _read(self) -> None:
        control = ""
        payer = ("", "")
        provider = ("", "")
        level = ""  # HL03 of the current level
        subscriber: Person | None = None
        member: _Member | None = None
        in_related = False  # inside LS..LE
        skipping = False
        for batch in self.source.batches():
            self.values.set_delimiters(batch.delimiters.element, batch.delimiters.component)
            repetition = batch.delimiters.repetition or "^"
            number = batch.first - 1
            for seg in batch.segments:
                number += 1
                e = seg.split(batch.delimiters.element)
                tag = e[0]
                try:
                    if tag in ("ISA", "IEA", "GS", "GE", "ST", "SE"):
                        if tag in ("ST", "SE") and member is not None and not skipping:
                            self._finish(member, control, payer, provider, subscriber)
                            member = None
                        if tag == "ST":
                            self.envelope.enveloped = self.source.enveloped
                            self.envelope.transaction(e, number, seg)
                            control = e[2] if len(e) > 2 else ""
                            skipping = (e[1] if len(e) > 1 else "") != "271"
                            if skipping:
                                self._report(
                                    Severity.WARNING,
                                    "x12.st.not_271",
                                    f"transaction set {e[1] if len(e) > 1 else '?'} is not a "
                                    "271; skipped",
                                    number,
                                    seg,
                                )
                            subscriber, level = None, ""
                        elif tag == "SE":
                            self.envelope.end_transaction(e, number, seg)
                            skipping = False
                        elif tag == "GS":
                            self.envelope.group(e, number)
                        elif tag == "GE":
                            self.envelope.end_group(e, number, seg)
                        elif tag == "ISA":
                            self.envelope.interchange(e, number)
                        else:
                            self.envelope.end_interchange(e, number, seg)
                        continue
                    if skipping:
                        continue
                    if tag == "LS":
                        in_related = True
                    elif tag == "LE":
                        in_related = False
                    elif in_related:
                        continue
                    elif tag == "HL":
                        if member is not None:
                            self._finish(member, control, payer, provider, subscriber)
                            member = None
                        level = e[3] if len(e) > 3 else ""
                        if level in ("22", "23"):
                            member = _Member(level, number)
                    elif tag == "NM1":
                        person = ClaimBuilder.person(e)
                        if level == "20":
                            payer = (person.last_name, person.id)
                        elif level == "21":
                            provider = (person.display_name, person.id)
                        elif member is not None:
                            member.person = person
                            if level == "22":
                                subscriber = person
                    elif member is None:
                        if tag == "AAA" and level in ("20", "21"):
                            self._reject(e, number, seg)
                        continue
                    elif tag == "TRN":
                        member.traces.append(e[2] if len(e) > 2 else "")
                    elif tag == "DTP":
                        span = self._dates(e)
                        if member.benefits:
                            last = member.benefits[-1]
                            member.benefits[-1] = last._replace(dates=(*last.dates, span))
                        else:
                            member.dates.append(span)
                    elif tag == "EB":
                        member.benefits.append(self._benefit(e, number, repetition))
                    elif tag == "MSG":
                        if member.benefits:
                            last = member.benefits[-1]
                            text = text_value(e[1]) if len(e) > 1 else ""
                            member.benefits[-1] = last._replace(messages=(*last.messages, text))
                    elif tag == "AAA":
                        member.rejections.append(
                            (e[3] if len(e) > 3 else "", e[4] if len(e) > 4 else "", number)
                        )
                        self._reject(e, number, seg)
                except (BadValue, IndexError) as exc:
                    self._report(Severity.ERROR, "x271.value", value_message(tag, exc), number, seg)
                if self.values.padded:
                    self.values.report_padded([seg], number)
        if member is not None:
            self._finish(member, control, payer, provider, subscriber)
        self.envelope.end_of_file(0)

    def _reject(self, e: list[str], number: int, seg: str) -> None:
        self._report(
            Severity.WARNING,
            "x271.rejected",
            f"the payer could not answer: AAA reason {e[3] if len(e) > 3 else '?'} "
            f"(follow-up {e[4] if len(e) > 4 else '?'})",
            number,
            seg,
        )

    def _dates(self, e: list[str]) -> tuple[str, date, date | None]:
        qualifier, fmt, text = e[1], e[2], e[3]
        if fmt == "RD8":
            start, _, end = text.partition("-")
            return qualifier, self.values.parse_date(start), self.values.parse_date(end)
        return qualifier, self.values.parse_date(text), None

    def _benefit(self, e: list[str], number: int, repetition: str) -> EligibilityBenefit:
        def item(i: int) -> str:
            return e[i] if len(e) > i else ""

        def amount(i: int) -> Decimal | None:
            return self.values.amount(e[i]) if len(e) > i and e[i] else None

        return EligibilityBenefit(
            item(1),
            item(2),
            tuple(x for x in item(3).split(repetition) if x),
            item(4),
            text_value(item(5)),
            item(6),
            amount(7),
            amount(8),
            item(9),
            amount(10),
            item(11),
            item(12),
            segment=number,
        )

    def _finish(
        self,
        member: _Member,
        control: str,
        payer: tuple[str, str],
        provider: tuple[str, str],
        subscriber: Person | None,
    ) -> None:
        if not member.benefits and not member.rejections:
            return
        self.responses.append(
            EligibilityResponse(
                self.file,
                control,
                payer[0],
                payer[1],
                provider[0],
                provider[1],
                subscriber,
                member.person if member.level == "23" else None,
                tuple(member.traces),
                tuple(member.dates),
                tuple(member.benefits),
                tuple(member.rejections),
                member.segment,
            )
        )


def read_271(
    source: str | os.PathLike[str] | bytes, *, file: str | None = None, strict: bool = False
) -> Read271:
    """Read a 271 (a path or the bytes) into eligibility responses and findings.

    Never raises for bad content; a file that cannot be opened raises ``OSError``.
    """
    if isinstance(source, bytes | bytearray):
        return _Reader271(io.BytesIO(source), file or "<bytes>", strict=strict).read()
    with Path(source).open("rb") as stream:
        return _Reader271(stream, file or str(source), strict=strict).read()
