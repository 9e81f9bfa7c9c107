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

Speed: a 100 MB remittance has about 4 million segments. The main loop only sorts them: it looks
the first three characters up in a table and gathers each claim's raw segments; the claim is then
split and built by :class:`~recoup.x12.claims835.ClaimBuilder` in short loops over fast locals.
Envelope and header segments are rare and handled by ordinary methods.
"""

from __future__ import annotations

import gc
import io
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO, NamedTuple

from recoup.findings import Finding, Severity
from recoup.money import ZERO
from recoup.records import ClaimPayment, Remittance
from recoup.x12.claims835 import BadValue, ClaimBuilder
from recoup.x12.envelope import Envelope
from recoup.x12.header835 import TransactionHeader
from recoup.x12.tokens import SegmentSource

__all__ = ["ParseResult", "Reader835", "iter_claims", "read_835", "read_835_file"]

MAX_FINDINGS = 1000

# What the main loop does with a segment, by its first three characters.
_BODY, _SVC, _CLP, _OTHER = 1, 2, 3, 4
_BODY_TAGS = ("CAS", "DTM", "REF", "AMT", "NM1", "QTY", "MOA", "MIA", "PER", "LQ")


def _kinds(sep: str) -> dict[str, int]:
    kinds = {(tag if len(tag) == 3 else tag + sep): _BODY for tag in _BODY_TAGS}
    kinds["SVC"] = _SVC
    kinds["CLP"] = _CLP
    return kinds


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
        self.builder = ClaimBuilder(self._report)
        self.envelope = Envelope(self._report)
        # transaction state
        self._tx: TransactionHeader | None = None
        self._skipping = False
        self._paid = ZERO

    # -- findings ------------------------------------------------------------------------------

    def _report(
        self, severity: Severity, code: str, message: str, segment: int | None, text: str | None
    ) -> None:
        if len(self.findings) >= MAX_FINDINGS:
            self._suppressed += 1
            return
        seg_id = None
        shown = None
        if text is not None:
            seg_id = text.split(self.builder.sep, 1)[0][:10]
            shown = text if len(text) <= 160 else text[:157] + "..."
        offset = self.source.offset_of(segment) if segment is not None else None
        self.findings.append(
            Finding(severity, code, message, self.file, segment, seg_id, shown, offset)
        )

    def _error(self, code: str, message: str, segment: int | None, text: str | None) -> None:
        self._report(Severity.ERROR, code, message, segment, text)

    # -- public --------------------------------------------------------------------------------

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
        # of fresh tuples (it made reading several times slower in measurements).
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

    # -- the segment loop ----------------------------------------------------------------------

    def _run(self) -> Iterator[tuple[Remittance, ClaimPayment]]:
        build = self.builder.build
        claim: list[str] | None = None  # raw segments of the claim being gathered
        claim_number = 0
        line_starts: list[int] = []
        kinds: dict[str, int] = {}
        sep = ""
        number = 0
        for batch in self.source.batches():
            if batch.delimiters.element != sep or batch.delimiters.component != self.builder.comp:
                sep = batch.delimiters.element
                self.builder.set_delimiters(sep, batch.delimiters.component)
                kinds = _kinds(sep)
            get_kind = kinds.get
            number = batch.first - 1
            for seg in batch.segments:
                number += 1
                kind = get_kind(seg[:3], _OTHER)
                if claim is not None:
                    if kind == _BODY:
                        claim.append(seg)
                        continue
                    if kind == _SVC:
                        line_starts.append(len(claim))
                        claim.append(seg)
                        continue
                    # the claim ends here
                    done = build(claim, claim_number, line_starts, self._tx_number())
                    claim = None
                    if done is not None and self._tx is not None:
                        self._paid += done.paid
                        yield self._tx.record, done
                if kind == _CLP:
                    if self._begin_claim(number, seg):
                        claim, claim_number, line_starts = [seg], number, []
                elif kind == _SVC:
                    if not self._skipping:
                        self._error("x835.svc.place", "SVC outside a claim (CLP)", number, seg)
                else:
                    self._segment(seg.split(sep), number, seg)
        if claim is not None:
            done = build(claim, claim_number, line_starts, self._tx_number())
            if done is not None and self._tx is not None:
                self._paid += done.paid
                yield self._tx.record, done
        self._end_of_file(number)

    def _tx_number(self) -> str:
        return self._tx.header_number if self._tx is not None else ""

    def _begin_claim(self, number: int, seg: str) -> bool:
        if self._skipping:
            return False
        if self._tx is None:
            self._error("x835.clp.place", "CLP outside a transaction set (ST..SE)", number, seg)
            return False
        self._tx.end_header()
        return True

    # -- envelope and header segments ----------------------------------------------------------

    def _segment(self, e: list[str], number: int, seg: str) -> None:
        """Everything that is not a claim: envelope, header, LX/TS3/TS2, PLB, SE."""
        tag = e[0]
        envelope = self.envelope
        if tag == "ST":
            self._start_transaction(e, number, seg)
        elif tag == "SE":
            self._end_transaction(e, number, seg)
        elif tag == "GS":
            envelope.group(e, number)
        elif tag == "GE":
            envelope.end_group(e, number, seg)
        elif tag == "ISA":
            envelope.interchange(e, number)
        elif tag == "IEA":
            envelope.end_interchange(e, number, seg)
        elif self._skipping:
            return
        elif self._tx is not None:
            try:
                self._tx.read_segment(e, number, seg)
            except (BadValue, IndexError) as exc:
                what = f'"{exc}"' if isinstance(exc, BadValue) else "a missing element"
                self._error(
                    "x835.value",
                    f"{tag} has {what} where a number or CCYYMMDD date is expected",
                    number,
                    seg,
                )
        elif not tag.isalnum() or not 2 <= len(tag) <= 3:
            self._error(
                "x12.segment.id",
                f"{tag[:10]!r} is not a segment id (expected 2-3 letters and digits)",
                number,
                seg,
            )
        else:
            self._error("x12.segment.place", f"{tag} outside a transaction set", number, seg)

    def _start_transaction(self, e: list[str], number: int, seg: str) -> None:
        self.envelope.enveloped = self.source.enveloped
        if not self.envelope.transaction(e, number, seg) and self._tx is not None:
            self._close(number - 1)
        self._skipping = False
        kind = e[1] if len(e) > 1 else ""
        if kind != "835":
            self._report(
                Severity.WARNING,
                "x12.st.not_835",
                f"transaction set {kind or '(blank)'} is not an 835; skipped",
                number,
                seg,
            )
            self._skipping = True
            return
        self._tx = TransactionHeader(
            e[2] if len(e) > 2 else "", number, self.file, self.envelope.isa, self.envelope.gs,
            self.builder, self._report,
        )  # fmt: skip
        self._paid = ZERO

    def _end_transaction(self, e: list[str], number: int, seg: str) -> None:
        closed = self.envelope.end_transaction(e, number, seg)
        if self._skipping:
            self._skipping = False
        elif closed and self._tx is not None:
            self._close(number)

    def _close(self, last: int) -> None:
        """Finish the open transaction: its header record, totals and the payment balance."""
        tx = self._tx
        assert tx is not None
        remit = tx.finish(last - tx.segment + 1)
        self.remittances.append(remit)
        plb = ZERO
        for adj in remit.provider_adjustments:
            plb += adj.amount
        expected: Decimal = remit.payment_amount
        if remit.credit_debit == "D":
            expected = -expected
        if self._paid - plb != expected:
            self._report(
                Severity.WARNING,
                "x835.balance.transaction",
                f"transaction {tx.control} does not balance: claim payments {self._paid} - "
                f"provider adjustments {plb} = {self._paid - plb}, but BPR02 pays "
                f"{remit.payment_amount}",
                tx.bpr_segment or tx.segment,
                tx.bpr_text,
            )
        self._tx = None

    def _end_of_file(self, number: int) -> None:
        self.envelope.end_of_file(number)
        if self._tx is not None:
            self._close(number)


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
            Severity.ERROR,
            "file.unreadable",
            f"cannot read the file: {exc.strerror or exc}",
            str(path),
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
