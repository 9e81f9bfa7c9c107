"""The X12 835 (005010X221A1) reader: segments in, immutable records and findings out.

The reader is one pass over the segments, a small state machine over the 835 loops:

    ISA > GS > ST > header (BPR TRN CUR REF DTM, 1000A payer N1 N3 N4 REF PER, 1000B payee N1 ...)
                 > 2000 LX (TS3 TS2)
                   > 2100 CLP (CAS NM1 MIA MOA REF DTM PER AMT QTY)
                     > 2110 SVC (DTM CAS REF AMT QTY LQ)
                 > PLB > SE > GE > IEA

It streams: claims are handed out as soon as they are complete, so memory stays flat when the
caller does not keep them. Problems are collected as findings with the segment number, text and
byte offset; nothing raises for bad input.

Why one long loop rather than a handler per segment: a 100 MB remittance has about 2.5 million
segments, and in CPython a function call per segment costs more than the splitting itself. The
frequent segments are handled inline, the rare ones (envelope, header, PLB) in methods.
"""

from __future__ import annotations

import gc
import io
import os
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from recoup.findings import Finding, Severity
from recoup.money import ZERO
from recoup.records import (
    Adjustment,
    ClaimPayment,
    Contact,
    Party,
    Person,
    Procedure,
    ProviderAdjustment,
    ProviderSummary,
    Remittance,
    ServiceLine,
)
from recoup.x12.tokens import SegmentSource, text_value

__all__ = ["ParseResult", "Reader835", "iter_claims", "read_835", "read_835_file"]

MAX_FINDINGS = 1000
GROUP_CODES = frozenset({"CO", "PR", "OA", "PI"})
GROUP_CODES_4010 = frozenset({"CR"})
CLAIM_STATUS_CODES = frozenset({"1", "2", "3", "4", "19", "20", "21", "22", "23", "25"})
_NUMERIC = "0123456789.-"
_new = tuple.__new__  # builds a NamedTuple from a tuple in field order, skipping __new__'s checks


class _BadValue(ValueError):
    pass


def _amount(text: str) -> Decimal:
    """An X12 decimal (type R): optional minus, digits, optional point. Nothing else."""
    if not text or text.strip(_NUMERIC):
        raise _BadValue(text)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise _BadValue(text) from None


def _date(text: str, cache: dict[str, date]) -> date:
    value = cache.get(text)
    if value is None:
        if len(text) != 8 or not text.isdigit():
            raise _BadValue(text)
        try:
            value = date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            raise _BadValue(text) from None
        cache[text] = value
    return value


class ParseResult(NamedTuple):
    """Everything read from one file."""

    file: str
    remittances: tuple[Remittance, ...]
    findings: tuple[Finding, ...]
    size: int  # bytes read

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def claims(self) -> Iterator[ClaimPayment]:
        for remittance in self.remittances:
            yield from remittance.claims


class _Header:
    """Mutable state of one transaction set while its header is read."""

    __slots__ = (
        "bpr",
        "bpr_segment",
        "control",
        "payee",
        "payer",
        "plb",
        "production_date",
        "segment",
        "summaries",
        "trn",
    )

    def __init__(self, control: str, segment: int) -> None:
        self.control = control
        self.segment = segment
        self.bpr: list[str] | None = None
        self.bpr_segment = 0
        self.trn: list[str] | None = None
        self.production_date: date | None = None
        self.payer: dict[str, Any] | None = None
        self.payee: dict[str, Any] | None = None
        self.summaries: list[ProviderSummary] = []
        self.plb: list[ProviderAdjustment] = []


class Reader835:
    """Streaming 835 reader over one file or byte string.

    ``claims()`` yields ``(remittance, claim)`` pairs as each claim payment is complete; the
    remittance is the transaction's header (``claims`` empty, totals not yet known). When the
    iteration ends, ``remittances`` holds each transaction's header with its provider
    adjustments and summaries, and ``findings`` every problem found. ``read()`` keeps the claims
    and returns whole remittances.
    """

    def __init__(self, stream: BinaryIO, file: str, *, chunk_size: int | None = None) -> None:
        self.file = file
        self.source = SegmentSource(stream, file)
        if chunk_size:
            self.source.chunk_size = chunk_size
        self.findings: list[Finding] = self.source.findings
        self.remittances: list[Remittance] = []
        self._suppressed = 0
        self._dates: dict[str, date] = {}
        self._sep = "*"

    # -- findings ---------------------------------------------------------------------------

    def _add(
        self,
        severity: Severity,
        code: str,
        message: str,
        segment: int | None = None,
        text: str | None = None,
    ) -> None:
        if len(self.findings) >= MAX_FINDINGS:
            self._suppressed += 1
            return
        seg_id = None
        shown = None
        if text is not None:
            delims = self.source.delimiters
            seg_id = text.split(delims.element, 1)[0] if delims else text[:3]
            shown = text if len(text) <= 160 else text[:157] + "..."
        offset = self.source.offset_of(segment) if segment is not None else None
        self.findings.append(
            Finding(severity, code, message, self.file, segment, seg_id, shown, offset)
        )

    def _error(self, code: str, message: str, segment: int | None, text: str | None) -> None:
        self._add(Severity.ERROR, code, message, segment, text)

    def _warn(self, code: str, message: str, segment: int | None, text: str | None) -> None:
        self._add(Severity.WARNING, code, message, segment, text)

    # -- public -----------------------------------------------------------------------------

    def read(self) -> ParseResult:
        """Read the whole file, keeping every claim."""
        by_transaction: dict[int, list[ClaimPayment]] = {}
        for header, claim in self.claims():
            by_transaction.setdefault(header.segment, []).append(claim)
        remittances = tuple(
            r._replace(claims=tuple(by_transaction.get(r.segment, ()))) for r in self.remittances
        )
        return ParseResult(self.file, remittances, tuple(self.findings), self.source.total_bytes)

    def claims(self) -> Iterator[tuple[Remittance, ClaimPayment]]:
        """Yield each claim payment with its transaction's header, as soon as it is complete."""
        enabled = gc.isenabled()
        # The records hold no reference cycles; the cyclic collector would only rescan millions
        # of fresh tuples (it made the split several times slower in measurements).
        gc.disable()
        try:
            yield from self._run()
        finally:
            if enabled:
                gc.enable()
        if self._suppressed:
            self.findings.append(
                Finding(
                    Severity.WARNING,
                    "findings.truncated",
                    f"{self._suppressed} more findings were not listed",
                    self.file,
                )
            )

    # -- the segment loop -------------------------------------------------------------------

    def _run(self) -> Iterator[tuple[Remittance, ClaimPayment]]:
        dates = self._dates
        amount = _amount
        new = _new
        add_error = self._error
        procedures: dict[str, Procedure] = {}

        # envelope state
        isa: list[str] | None = None
        isa_segment = 0
        group_count = 0
        gs: list[str] | None = None
        gs_segment = 0
        st_count = 0
        header: _Header | None = None
        remit: Remittance | None = None  # the header record once the header loops end
        skipping = False  # inside a transaction set that is not an 835
        loop = 0  # 0 header, 1 payer, 2 payee, 3 claim, 4 service line
        header_number = ""

        # claim state
        clp: list[str] | None = None
        clp_segment = 0
        claim_cas: list[Adjustment] = []
        names: list[Person] = []
        mia: tuple[str, ...] = ()
        moa: tuple[str, ...] = ()
        c_refs: list[tuple[str, str]] = []
        c_dates: list[tuple[str, date]] = []
        c_amts: list[tuple[str, Decimal]] = []
        c_qtys: list[tuple[str, Decimal]] = []
        lines: list[ServiceLine] = []
        # line state
        svc: list[str] | None = None
        svc_segment = 0
        l_cas: list[Adjustment] = []
        l_remarks: list[str] = []
        l_refs: list[tuple[str, str]] = []
        l_amts: list[tuple[str, Decimal]] = []
        l_qtys: list[tuple[str, Decimal]] = []
        d472: date | None = None
        d150: date | None = None
        d151: date | None = None
        claims_in_set: list[ClaimPayment] = []

        sep = "*"
        comp = ":"
        number = 0

        def finish_line() -> None:
            nonlocal svc, l_cas, l_remarks, l_refs, l_amts, l_qtys, d472, d150, d151
            assert svc is not None
            line = self._service_line(
                svc, svc_segment, comp, procedures,
                (d472, d150, d151), l_cas, l_remarks, l_refs, l_amts, l_qtys,
            )  # fmt: skip
            if line is not None:
                lines.append(line)
            svc = None
            l_cas, l_remarks, l_refs, l_amts, l_qtys = [], [], [], [], []
            d472 = d150 = d151 = None

        def finish_claim() -> ClaimPayment | None:
            nonlocal clp, claim_cas, names, mia, moa, c_refs, c_dates, c_amts, c_qtys, lines
            if svc is not None:
                finish_line()
            assert clp is not None
            claim = self._claim(
                clp, clp_segment, header_number, claim_cas, names, mia, moa,
                c_refs, c_dates, c_amts, c_qtys, lines,
            )  # fmt: skip
            clp = None
            claim_cas, names, c_refs, c_dates, c_amts, c_qtys, lines = [], [], [], [], [], [], []
            mia = moa = ()
            return claim

        for batch in self.source.batches():
            sep = self._sep = batch.delimiters.element
            comp = batch.delimiters.component
            number = batch.first - 1
            for seg in batch.segments:
                number += 1
                e = seg.split(sep)
                tag = e[0]
                if skipping and tag != "SE":
                    continue
                try:
                    # ---- the frequent segments, inline -----------------------------------
                    if tag == "CAS":
                        if loop < 3:
                            self._warn(
                                "x835.cas.place", "CAS outside a claim is ignored", number, seg
                            )
                            continue
                        group = e[1] if len(e) > 1 else ""
                        if group not in GROUP_CODES:
                            self._check_group(group, number, seg)
                        target = l_cas if loop == 4 else claim_cas
                        n = len(e)
                        if n < 4:
                            add_error(
                                "x835.cas.short",
                                "CAS needs a group code, a reason code and an amount",
                                number,
                                seg,
                            )
                            continue
                        i = 2
                        while i + 1 < n:
                            reason = e[i]
                            if not reason:
                                if e[i + 1]:
                                    add_error(
                                        "x835.cas.reason",
                                        f"CAS{i + 1:02d} amount without a reason code",
                                        number,
                                        seg,
                                    )
                                i += 3
                                continue
                            qty_text = e[i + 2] if i + 2 < n else ""
                            target.append(
                                new(
                                    Adjustment,
                                    (
                                        group,
                                        reason,
                                        amount(e[i + 1]),
                                        amount(qty_text) if qty_text else None,
                                        number,
                                    ),
                                )
                            )
                            i += 3
                    elif tag == "DTM":
                        qual = e[1]
                        when = _date(e[2], dates)
                        if loop == 4:
                            if qual == "472":
                                d472 = when
                            elif qual == "150":
                                d150 = when
                            elif qual == "151":
                                d151 = when
                            else:
                                self._warn(
                                    "x835.dtm.qualifier",
                                    f"service-line date qualifier {qual} is not one of 150, 151, "
                                    "472",
                                    number,
                                    seg,
                                )
                        elif loop == 3:
                            c_dates.append((qual, when))
                        elif qual == "405" and header is not None:
                            header.production_date = when
                    elif tag == "SVC":
                        if clp is None:
                            add_error("x835.svc.place", "SVC outside a claim (CLP)", number, seg)
                            continue
                        if svc is not None:
                            finish_line()
                        svc = e
                        svc_segment = number
                        loop = 4
                    elif tag == "REF":
                        pair = (e[1], e[2] if len(e) > 2 else "")
                        if loop == 4:
                            l_refs.append(pair)
                        elif loop == 3:
                            c_refs.append(pair)
                        else:
                            self._header_ref(header, loop, pair)
                    elif tag == "AMT":
                        pair2 = (e[1], amount(e[2]))
                        if loop == 4:
                            l_amts.append(pair2)
                        elif loop == 3:
                            c_amts.append(pair2)
                    elif tag == "NM1":
                        if loop == 3:
                            names.append(self._person(e))
                    elif tag == "LQ":
                        if loop == 4 and len(e) > 2:
                            if e[1] == "HE":
                                l_remarks.append(e[2])
                            else:
                                l_refs.append(("LQ" + e[1], e[2]))
                    elif tag == "CLP":
                        if clp is not None:
                            done = finish_claim()
                            if done is not None and remit is not None:
                                claims_in_set.append(done)
                                yield remit, done
                        if header is None:
                            add_error(
                                "x835.clp.place", "CLP outside a transaction set", number, seg
                            )
                            continue
                        if remit is None:
                            remit = self._header_record(header, isa, gs)
                        if len(e) < 8:
                            add_error(
                                "x835.clp.short",
                                "CLP needs at least 7 elements (claim id, status, charge, "
                                f"payment, patient responsibility, filing code, payer claim id); "
                                f"found {len(e) - 1}",
                                number,
                                seg,
                            )
                            continue
                        clp = e
                        clp_segment = number
                        loop = 3
                    elif tag == "QTY":
                        pair2 = (e[1], amount(e[2]))
                        if loop == 4:
                            l_qtys.append(pair2)
                        elif loop == 3:
                            c_qtys.append(pair2)
                    elif tag == "MOA":
                        moa = tuple(x for x in e[3:8] if x)
                    elif tag == "MIA":
                        mia = tuple(x for x in (e[5:6] + e[20:24]) if x)
                    # ---- the rare ones ---------------------------------------------------
                    elif tag == "LX" or tag == "TS3" or tag == "TS2" or tag == "PLB":
                        if clp is not None:
                            done = finish_claim()
                            if done is not None and remit is not None:
                                claims_in_set.append(done)
                                yield remit, done
                        if header is None:
                            add_error("x835.place", f"{tag} outside a transaction set", number, seg)
                            continue
                        if remit is None:
                            remit = self._header_record(header, isa, gs)
                        loop = 0
                        if tag == "LX":
                            header_number = e[1] if len(e) > 1 else ""
                        elif tag == "PLB":
                            header.plb.extend(self._plb(e, number, comp))
                        else:
                            self._summary(header, header_number, e, number, tag)
                    elif tag == "ST":
                        if header is not None:
                            add_error(
                                "x12.st.unclosed",
                                f"transaction set {header.control} has no SE before this ST",
                                number,
                                seg,
                            )
                        if gs is None and self.source.enveloped:
                            add_error("x12.st.place", "ST outside a GS group", number, seg)
                        st_count += 1
                        kind = e[1] if len(e) > 1 else ""
                        if kind != "835":
                            self._warn(
                                "x12.st.not_835",
                                f"transaction set {kind or '(blank)'} is not an 835; skipped",
                                number,
                                seg,
                            )
                            skipping = True
                        header = _Header(e[2] if len(e) > 2 else "", number)
                        remit = None
                        loop = 0
                        header_number = ""
                        claims_in_set = []
                    elif tag == "SE":
                        if clp is not None:
                            done = finish_claim()
                            if done is not None and remit is not None:
                                claims_in_set.append(done)
                                yield remit, done
                        if header is None:
                            add_error("x12.se.place", "SE without a matching ST", number, seg)
                            continue
                        if not skipping:
                            if remit is None:
                                remit = self._header_record(header, isa, gs)
                            self._close_transaction(header, remit, claims_in_set, e, number, seg)
                        skipping = False
                        header = None
                        remit = None
                        loop = 0
                    elif tag == "BPR":
                        if header is not None:
                            header.bpr = e
                            header.bpr_segment = number
                    elif tag == "TRN":
                        if header is not None and header.trn is None:
                            header.trn = e
                    elif tag == "N1":
                        if header is not None:
                            loop = self._party(header, e, number, seg)
                    elif tag == "N3" or tag == "N4" or tag == "PER":
                        self._party_detail(header, loop, tag, e)
                    elif tag == "GS":
                        gs, gs_segment, st_count = e, number, 0
                        group_count += 1
                    elif tag == "GE":
                        self._close_group(gs, gs_segment, st_count, e, number, seg)
                        gs = None
                    elif tag == "ISA":
                        if isa is not None:
                            add_error(
                                "x12.isa.unclosed",
                                "interchange has no IEA before this ISA",
                                isa_segment,
                                None,
                            )
                        isa, isa_segment, group_count = e, number, 0
                    elif tag == "IEA":
                        self._close_interchange(isa, isa_segment, group_count, e, number, seg)
                        isa = None
                    elif tag in ("CUR", "RDM", "MOA", "PER"):
                        pass
                    elif not tag.isalnum() or not 2 <= len(tag) <= 3:
                        add_error(
                            "x12.segment.id",
                            f"{tag[:10]!r} is not a segment id (expected 2-3 letters/digits)",
                            number,
                            seg,
                        )
                except (_BadValue, IndexError) as exc:
                    what = f'"{exc}"' if isinstance(exc, _BadValue) else "a missing element"
                    add_error(
                        "x835.value",
                        f"{tag} has {what} where a number or CCYYMMDD date is expected",
                        number,
                        seg,
                    )

        # End of file: anything still open was cut off.
        if clp is not None:
            done = finish_claim()
            if done is not None and remit is not None:
                claims_in_set.append(done)
                yield remit, done
        if header is not None and not skipping:
            add_error(
                "x12.truncated",
                f"the file ends inside transaction set {header.control or '?'} (no SE segment)",
                number or None,
                None,
            )
            if remit is None:
                remit = self._header_record(header, isa, gs)
            self.remittances.append(self._finish_header(remit, header, number - header.segment + 1))
        if gs is not None:
            add_error("x12.truncated", "the file ends inside a GS group (no GE)", gs_segment, None)
        if isa is not None:
            add_error(
                "x12.truncated", "the file ends inside an interchange (no IEA)", isa_segment, None
            )

    # -- helpers for the rare segments --------------------------------------------------------

    def _check_group(self, group: str, number: int, seg: str) -> None:
        if group in GROUP_CODES_4010:
            self._warn(
                "x835.cas.group_4010",
                "group code CR (corrections and reversals) is valid in 4010 only, not in 5010",
                number,
                seg,
            )
        else:
            self._error(
                "x835.cas.group",
                f"unknown group code {group!r} (expected CO, PR, OA or PI)",
                number,
                seg,
            )

    def _person(self, e: list[str]) -> Person:
        n = len(e)
        return _new(
            Person,
            (
                e[1],
                text_value(e[3]) if n > 3 else "",
                text_value(e[4]) if n > 4 else "",
                text_value(e[5]) if n > 5 else "",
                e[7] if n > 7 else "",
                e[8] if n > 8 else "",
                e[9].strip() if n > 9 else "",
                n > 2 and e[2] == "2",
            ),
        )

    def _procedure(
        self, text: str, comp: str, cache: dict[str, Procedure], number: int, seg: str
    ) -> Procedure:
        found = cache.get(text)
        if found is not None:
            return found
        parts = text.split(comp)
        if len(parts) == 1 and len(text) > 3 and text[:2].isalpha() and not text[2].isalnum():
            # A sender used another separator than ISA16 declares (seen in real files).
            self._warn(
                "x835.svc.component",
                f"procedure {text!r} uses {text[2]!r} but ISA16 declares {comp!r}; read with "
                f"{text[2]!r}",
                number,
                seg,
            )
            parts = text.split(text[2])
        if len(parts) < 2 or not parts[1]:
            self._warn(
                "x835.svc.procedure",
                f"SVC01 {text!r} has no procedure code after the qualifier",
                number,
                seg,
            )
        proc = _new(
            Procedure,
            (
                parts[0],
                parts[1] if len(parts) > 1 else "",
                tuple(m for m in parts[2:6] if m),
                text_value(parts[6]) if len(parts) > 6 else "",
            ),
        )
        cache[text] = proc
        return proc

    def _service_line(
        self,
        e: list[str],
        number: int,
        comp: str,
        cache: dict[str, Procedure],
        line_dates: tuple[date | None, date | None, date | None],
        cas: list[Adjustment],
        remarks: list[str],
        refs: list[tuple[str, str]],
        amts: list[tuple[str, Decimal]],
        qtys: list[tuple[str, Decimal]],
    ) -> ServiceLine | None:
        seg = self._sep.join(e)
        n = len(e)
        try:
            procedure = self._procedure(e[1] if n > 1 else "", comp, cache, number, seg)
            charge_text = e[2] if n > 2 else ""
            if charge_text:
                charge = _amount(charge_text)
            else:
                self._warn(
                    "x835.svc.charge",
                    "SVC02 (line charge) is empty; the line is kept with no charge and will not "
                    "balance",
                    number,
                    seg,
                )
                charge = ZERO
            paid_text = e[3] if n > 3 else ""
            paid = _amount(paid_text) if paid_text else ZERO
            if not paid_text:
                self._warn("x835.svc.paid", "SVC03 (line payment) is empty", number, seg)
            units = _amount(e[5]) if n > 5 and e[5] else None
            original = self._procedure(e[6], comp, cache, number, seg) if n > 6 and e[6] else None
            original_units = _amount(e[7]) if n > 7 and e[7] else None
        except _BadValue as exc:
            self._error("x835.value", f'SVC has "{exc}" where a number is expected', number, seg)
            return None
        line: ServiceLine = _new(
            ServiceLine,
            (
                procedure,
                charge,
                paid,
                e[4] if n > 4 else "",
                units,
                original,
                original_units,
                line_dates[0],
                line_dates[1],
                line_dates[2],
                tuple(cas),
                tuple(remarks),
                tuple(refs),
                tuple(amts),
                tuple(qtys),
                number,
            ),
        )
        adjusted = ZERO
        for adj in cas:
            adjusted += adj.amount
        if charge - adjusted != paid:
            self._warn(
                "x835.balance.line",
                f"service line does not balance: charge {charge} - adjustments {adjusted} = "
                f"{charge - adjusted}, but the payment is {paid}",
                number,
                seg,
            )
        return line

    def _claim(
        self,
        e: list[str],
        number: int,
        header_number: str,
        cas: list[Adjustment],
        names: list[Person],
        mia: tuple[str, ...],
        moa: tuple[str, ...],
        refs: list[tuple[str, str]],
        dates: list[tuple[str, date]],
        amts: list[tuple[str, Decimal]],
        qtys: list[tuple[str, Decimal]],
        lines: list[ServiceLine],
    ) -> ClaimPayment | None:
        seg = self._sep.join(e)
        try:
            charge = _amount(e[3])
            paid = _amount(e[4])
            patient_resp = _amount(e[5]) if e[5] else None
        except _BadValue as exc:
            self._error("x835.value", f'CLP has "{exc}" where a number is expected', number, seg)
            return None
        status = e[2]
        if status not in CLAIM_STATUS_CODES:
            self._warn(
                "x835.clp.status",
                f"claim status {status!r} is not one of the 5010 codes (1 2 3 4 19 20 21 22 23 25)",
                number,
                seg,
            )
        by_entity: dict[str, Person] = {}
        others: list[Person] = []
        for person in names:
            if person.entity in ("QC", "IL", "74", "82", "TT", "PR") and (
                person.entity not in by_entity
            ):
                by_entity[person.entity] = person
            else:
                others.append(person)
        n = len(e)
        claim: ClaimPayment = _new(
            ClaimPayment,
            (
                e[1],
                status,
                charge,
                paid,
                patient_resp,
                e[6],
                e[7],
                e[8] if n > 8 else "",
                e[9] if n > 9 else "",
                by_entity.get("QC"),
                by_entity.get("IL"),
                by_entity.get("74"),
                by_entity.get("82"),
                by_entity.get("TT"),
                by_entity.get("PR"),
                tuple(others),
                mia,
                moa,
                tuple(refs),
                tuple(dates),
                tuple(amts),
                tuple(qtys),
                tuple(cas),
                tuple(lines),
                header_number,
                number,
            ),
        )
        adjusted = ZERO
        for adj in cas:
            adjusted += adj.amount
        for line in lines:
            for adj in line.adjustments:
                adjusted += adj.amount
        if charge - adjusted != paid:
            self._warn(
                "x835.balance.claim",
                f"claim {e[1]} does not balance: charge {charge} - adjustments {adjusted} = "
                f"{charge - adjusted}, but the payment is {paid}",
                number,
                seg,
            )
        return claim

    def _header_ref(self, header: _Header | None, loop: int, pair: tuple[str, str]) -> None:
        if header is None:
            return
        party = header.payer if loop == 1 else header.payee if loop == 2 else None
        if party is not None:
            party["references"].append(pair)

    def _party(self, header: _Header, e: list[str], number: int, seg: str) -> int:
        n = len(e)
        party: dict[str, Any] = {
            "entity": e[1] if n > 1 else "",
            "name": text_value(e[2]) if n > 2 else "",
            "id_qualifier": e[3] if n > 3 else "",
            "id": e[4] if n > 4 else "",
            "address": [],
            "city": "",
            "state": "",
            "postal_code": "",
            "references": [],
            "contacts": [],
        }
        if party["entity"] == "PR":
            header.payer = party
            return 1
        if party["entity"] == "PE":
            header.payee = party
            return 2
        self._warn(
            "x835.n1.entity",
            f"N1 entity {party['entity']!r} is not PR (payer) or PE (payee); ignored",
            number,
            seg,
        )
        return 0

    def _party_detail(self, header: _Header | None, loop: int, tag: str, e: list[str]) -> None:
        if header is None or loop not in (1, 2):
            return
        party = header.payer if loop == 1 else header.payee
        if party is None:
            return
        if tag == "N3":
            party["address"].extend(text_value(x) for x in e[1:3] if x)
        elif tag == "N4":
            party["city"] = text_value(e[1]) if len(e) > 1 else ""
            party["state"] = e[2] if len(e) > 2 else ""
            party["postal_code"] = e[3] if len(e) > 3 else ""
        else:  # PER
            numbers = tuple((e[i], e[i + 1]) for i in range(3, min(len(e), 9) - 1, 2) if e[i])
            party["contacts"].append(
                Contact(e[1] if len(e) > 1 else "", text_value(e[2]) if len(e) > 2 else "", numbers)
            )

    def _summary(
        self, header: _Header, header_number: str, e: list[str], number: int, tag: str
    ) -> None:
        if tag == "TS2":
            if header.summaries:
                last = header.summaries[-1]
                header.summaries[-1] = last._replace(elements=last.elements + tuple(e))
            return
        header.summaries.append(
            ProviderSummary(
                header_number,
                e[1] if len(e) > 1 else "",
                e[2] if len(e) > 2 else "",
                _date(e[3], self._dates) if len(e) > 3 and e[3] else None,
                int(e[4]) if len(e) > 4 and e[4].isdigit() else 0,
                _amount(e[5]) if len(e) > 5 and e[5] else ZERO,
                tuple(e),
                number,
            )
        )

    def _plb(self, e: list[str], number: int, comp: str) -> list[ProviderAdjustment]:
        provider = e[1] if len(e) > 1 else ""
        period = _date(e[2], self._dates) if len(e) > 2 and e[2] else None
        out = []
        for i in range(3, len(e) - 1, 2):
            if not e[i]:
                continue
            reason, _, reference = e[i].partition(comp)
            out.append(
                ProviderAdjustment(provider, period, reason, reference, _amount(e[i + 1]), number)
            )
        return out

    def _header_record(
        self, header: _Header, isa: list[str] | None, gs: list[str] | None
    ) -> Remittance:
        bpr = header.bpr or []
        trn = header.trn or []
        if not bpr:
            self._error(
                "x835.bpr.missing",
                "the transaction has no BPR (payment amount and method) before its first claim",
                header.segment,
                None,
            )
        if not trn:
            self._error(
                "x835.trn.missing",
                "the transaction has no TRN (check or EFT trace number)",
                header.segment,
                None,
            )
        try:
            payment = _amount(bpr[2]) if len(bpr) > 2 else ZERO
        except _BadValue as exc:
            self._error(
                "x835.value",
                f'BPR02 "{exc}" is not an amount',
                header.bpr_segment,
                "*".join(bpr),
            )
            payment = ZERO
        payment_date = None
        if len(bpr) > 16 and bpr[16]:
            try:
                payment_date = _date(bpr[16], self._dates)
            except _BadValue:
                self._warn(
                    "x835.bpr.date",
                    f'BPR16 "{bpr[16]}" is not a CCYYMMDD date; the payment date is left empty '
                    "and deadlines count from the production date (DTM*405)",
                    header.bpr_segment,
                    "*".join(bpr),
                )
        payer = self._make_party(header.payer, "PR", header)
        payee = self._make_party(header.payee, "PE", header)
        return Remittance(
            file=self.file,
            control_number=header.control,
            interchange_control=isa[13] if isa and len(isa) > 13 else "",
            group_control=gs[6] if gs and len(gs) > 6 else "",
            sender_id=gs[2] if gs and len(gs) > 2 else "",
            receiver_id=gs[3] if gs and len(gs) > 3 else "",
            handling_code=bpr[1] if len(bpr) > 1 else "",
            payment_amount=payment,
            credit_debit=bpr[3] if len(bpr) > 3 else "",
            payment_method=bpr[4] if len(bpr) > 4 else "",
            payment_date=payment_date,
            trace_number=trn[2] if len(trn) > 2 else "",
            trace_originator=trn[3] if len(trn) > 3 else "",
            production_date=header.production_date,
            payer=payer,
            payee=payee,
            version=gs[8] if gs and len(gs) > 8 else "",
            segment=header.segment,
        )

    def _make_party(self, data: dict[str, Any] | None, entity: str, header: _Header) -> Party:
        if data is None:
            who = "payer (N1*PR)" if entity == "PR" else "payee (N1*PE)"
            self._error(
                "x835.n1.missing",
                f"the transaction names no {who} before its first claim",
                header.segment,
                None,
            )
            return Party(entity, "")
        return Party(
            data["entity"],
            data["name"],
            data["id_qualifier"],
            data["id"],
            tuple(data["address"]),
            data["city"],
            data["state"],
            data["postal_code"],
            tuple(data["references"]),
            tuple(data["contacts"]),
        )

    def _finish_header(self, remit: Remittance, header: _Header, count: int) -> Remittance:
        return remit._replace(
            provider_summaries=tuple(header.summaries),
            provider_adjustments=tuple(header.plb),
            segment_count=count,
        )

    def _close_transaction(
        self,
        header: _Header,
        remit: Remittance,
        claims: list[ClaimPayment],
        e: list[str],
        number: int,
        seg: str,
    ) -> None:
        count = number - header.segment + 1
        stated = e[1] if len(e) > 1 else ""
        if stated != str(count):
            self._error(
                "x12.se.count",
                f"SE01 says {stated or '(blank)'} segments but transaction set {header.control} "
                f"has {count} (ST to SE inclusive)",
                number,
                seg,
            )
        control = e[2] if len(e) > 2 else ""
        if control != header.control:
            self._error(
                "x12.se.control",
                f"SE02 {control!r} does not match ST02 {header.control!r}",
                number,
                seg,
            )
        finished = self._finish_header(remit, header, count)
        self.remittances.append(finished)
        paid = ZERO
        for claim in claims:
            paid += claim.paid
        plb_total = ZERO
        for adj in header.plb:
            plb_total += adj.amount
        expected = remit.payment_amount if remit.credit_debit != "D" else -remit.payment_amount
        if paid - plb_total != expected:
            self._warn(
                "x835.balance.transaction",
                f"transaction {header.control} does not balance: claim payments {paid} - "
                f"provider adjustments {plb_total} = {paid - plb_total}, but BPR02 pays "
                f"{remit.payment_amount}",
                header.bpr_segment or header.segment,
                None,
            )

    def _close_group(
        self,
        gs: list[str] | None,
        gs_segment: int,
        st_count: int,
        e: list[str],
        number: int,
        seg: str,
    ) -> None:
        if gs is None:
            self._error("x12.ge.place", "GE without a matching GS", number, seg)
            return
        stated = e[1] if len(e) > 1 else ""
        if stated != str(st_count):
            self._error(
                "x12.ge.count",
                f"GE01 says {stated or '(blank)'} transaction sets but the group has {st_count}",
                number,
                seg,
            )
        control = e[2] if len(e) > 2 else ""
        if control != (gs[6] if len(gs) > 6 else ""):
            self._error(
                "x12.ge.control",
                f"GE02 {control!r} does not match GS06 {gs[6] if len(gs) > 6 else ''!r} "
                f"(segment {gs_segment})",
                number,
                seg,
            )

    def _close_interchange(
        self,
        isa: list[str] | None,
        isa_segment: int,
        group_count: int,
        e: list[str],
        number: int,
        seg: str,
    ) -> None:
        if isa is None:
            self._error("x12.iea.place", "IEA without a matching ISA", number, seg)
            return
        stated = e[1] if len(e) > 1 else ""
        if stated.lstrip("0") != str(group_count).lstrip("0"):
            self._error(
                "x12.iea.count",
                f"IEA01 says {stated or '(blank)'} groups but the interchange has {group_count}",
                number,
                seg,
            )
        control = e[2] if len(e) > 2 else ""
        if control != (isa[13] if len(isa) > 13 else ""):
            self._error(
                "x12.iea.control",
                f"IEA02 {control!r} does not match ISA13 {isa[13] if len(isa) > 13 else ''!r} "
                f"(segment {isa_segment})",
                number,
                seg,
            )


def _open(source: str | os.PathLike[str] | bytes, file: str | None) -> tuple[BinaryIO, str]:
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source), file or "<bytes>"
    path = Path(source)
    return path.open("rb"), file or str(source)


def read_835(source: str | os.PathLike[str] | bytes, *, file: str | None = None) -> ParseResult:
    """Read a whole 835 file (a path or the bytes) into remittances and findings.

    Never raises for bad content; a file that cannot be opened raises ``OSError``.
    """
    stream, name = _open(source, file)
    with stream:
        return Reader835(stream, name).read()


def read_835_file(path: str | os.PathLike[str]) -> ParseResult:
    """Like :func:`read_835`, but a file that cannot be opened becomes a finding too."""
    try:
        return read_835(path)
    except OSError as exc:
        finding = Finding(
            Severity.ERROR, "file.unreadable", f"cannot read the file: {exc.strerror}", str(path)
        )
        return ParseResult(str(path), (), (finding,), 0)


def iter_claims(
    source: str | os.PathLike[str] | bytes, *, file: str | None = None
) -> Iterator[tuple[Remittance, ClaimPayment]]:
    """Stream ``(remittance header, claim)`` pairs from an 835 without keeping them.

    Findings are not returned here; use :class:`Reader835` directly to get both.
    """
    stream, name = _open(source, file)
    with stream:
        yield from Reader835(stream, name).claims()
