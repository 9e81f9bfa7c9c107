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

What can be posted. Each transaction set (ST..SE) is its own payment, so the reader judges each
one alone:

- Faults of the envelope that do not touch the money (SE/GE/IEA counts, control numbers that do
  not match, a file that starts at ST without ISA/GS, several interchanges in one file, segments
  outside any transaction set, trailing junk) are warnings; with ``strict=True`` they are errors,
  as the X12 rules have it.
- A transaction set whose money does not balance (claim payments - PLB adjustments != BPR02), that
  has a value that cannot be read, or that is cut off, gets an error finding placed inside it
  (between its ST and SE, or at its ST).
- :attr:`ParseResult.postable` holds the remittances without an error inside them;
  :attr:`ParseResult.rejected` names each other one with its error findings
  (:meth:`ParseResult.findings_of` gives any remittance's findings). ``ok`` stays "no error in
  the whole file". A claim with a bad value is still in its remittance (the bad segment left out,
  an unreadable CLP or SVC amount kept as 0.00), so the totals can be added up and shown; an
  unknown BPR02 is ``None``, never 0.00.
- recoup reads 005010X221A1; a transaction that declares another version (4010, say) is read
  with a warning.

Speed: a 100 MB remittance has about 4 million segments. The main loop only sorts them: it looks
the first three characters up in a table and gathers each claim's raw segments (``_gather``, or
the same loop in C from ``_claim835.c``); the claim is then split and built by
:class:`~recoup.x12.claims835.ClaimBuilder` (in C too when it needs no finding). Envelope and
header segments are rare and handled by ordinary methods.
"""

from __future__ import annotations

import gc
import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

from recoup.findings import Finding, Severity
from recoup.money import ZERO
from recoup.records import ClaimPayment, Remittance
from recoup.x12.claims835 import BadValue, ClaimBuilder, value_message
from recoup.x12.envelope import Envelope
from recoup.x12.header835 import TransactionHeader
from recoup.x12.tokens import SegmentSource

__all__ = ["ParseResult", "Reader835", "iter_claims", "read_835", "read_835_file"]

MAX_FINDINGS = 1000  # past this, only each transaction set's first error is still listed
VERSION = "005010X221A1"

# What the main loop does with a segment, by its first three characters.
_BODY, _SVC, _CLP, _OTHER = 1, 2, 3, 4
_BODY_TAGS = ("CAS", "DTM", "REF", "AMT", "NM1", "QTY", "MOA", "MIA", "PER", "LQ")


def _kinds(sep: str) -> dict[str, int]:
    kinds = {(tag if len(tag) == 3 else tag + sep): _BODY for tag in _BODY_TAGS}
    kinds["SVC"] = _SVC
    kinds["CLP"] = _CLP
    return kinds


def _gather(
    segments: list[str], start: int, claim: list[str], line_starts: list[int], sep: str
) -> int:
    """Append ``segments[start:]`` to ``claim`` while they belong to it (SVCs noted in
    ``line_starts``); the index of the first one that does not. ``_claim835.gather`` in C."""
    get_kind = _kinds(sep).get
    for i in range(start, len(segments)):
        seg = segments[i]
        kind = get_kind(seg[:3], _OTHER)
        if kind == _SVC:
            line_starts.append(len(claim))
        elif kind != _BODY:
            return i
        claim.append(seg)
    return len(segments)


_native_gather: Callable[[list[str], int, list[str], list[int], str], int] | None
try:
    from recoup.x12._claim835 import gather as _native_gather
except ImportError:  # not built: the Python loop above does the same
    _native_gather = None


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

    def findings_of(self, remittance: Remittance) -> tuple[Finding, ...]:
        """The findings placed inside ``remittance``'s transaction set (its ST to its SE)."""
        first = remittance.segment
        last = first + max(remittance.segment_count, 1) - 1
        return tuple(
            f for f in self.findings if f.segment is not None and first <= f.segment <= last
        )

    @property
    def postable(self) -> tuple[Remittance, ...]:
        """The remittances (transaction sets) with no error inside them: each can be posted."""
        return tuple(r for r in self.remittances if not _has_error(self.findings_of(r)))

    @property
    def rejected(self) -> tuple[tuple[Remittance, tuple[Finding, ...]], ...]:
        """Each remittance that must not be posted, with the error findings that say why."""
        out = []
        for remittance in self.remittances:
            errors = tuple(f for f in self.findings_of(remittance) if f.severity is Severity.ERROR)
            if errors:
                out.append((remittance, errors))
        return tuple(out)


def _has_error(findings: tuple[Finding, ...]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


class Reader835:
    """Streaming 835 reader over one file or byte string.

    ``claims()`` yields ``(remittance, claim)`` pairs as each claim payment is complete; the
    remittance is the transaction's header (``claims`` empty, totals not yet known). When the
    iteration ends, ``remittances`` holds each transaction's header with its provider
    adjustments and summaries, and ``findings`` every problem found. ``read()`` keeps the claims
    and returns whole remittances.
    """

    def __init__(
        self,
        stream: BinaryIO,
        file: str,
        *,
        chunk_size: int | None = None,
        strict: bool = False,
    ) -> None:
        self.file = file
        self.strict = strict
        self.source = SegmentSource(stream, file, strict=strict)
        if chunk_size:
            self.source.chunk_size = chunk_size
        self.findings: list[Finding] = self.source.findings
        self.remittances: list[Remittance] = []
        self._suppressed = 0
        self._failed: set[int] = set()  # ST segment numbers of transactions with an error
        self.builder = ClaimBuilder(self._report)
        # Collects a claim's segments: in C when built, else in Python (tests compare the two).
        self.gather: Callable[[list[str], int, list[str], list[int], str], int] = (
            _native_gather or _gather
        )
        self.envelope = Envelope(self._report, strict=strict)
        # transaction state
        self._tx: TransactionHeader | None = None
        self._skipping = False
        self._paid = ZERO

    # -- findings ------------------------------------------------------------------------------

    def _report(
        self, severity: Severity, code: str, message: str, segment: int | None, text: str | None
    ) -> None:
        if len(self.findings) >= MAX_FINDINGS:
            # The first error of each transaction set is always kept: it decides what posts.
            tx = self._tx
            if severity is not Severity.ERROR or tx is None or tx.segment in self._failed:
                self._suppressed += 1
                return
        if severity is Severity.ERROR and self._tx is not None:
            self._failed.add(self._tx.segment)
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
        enabled = gc.isenabled()
        gc.disable()  # for the whole file: the claims kept here hold no cycles either
        try:
            for header, claim in self.claims():
                by_transaction.setdefault(header.segment, []).append(claim)
        finally:
            if enabled:
                gc.enable()
        remittances = tuple(
            r._replace(claims=tuple(by_transaction.get(r.segment, ()))) for r in self.remittances
        )
        return ParseResult(self.file, remittances, tuple(self.findings), self.source.total_bytes)

    def claims(self) -> Iterator[tuple[Remittance, ClaimPayment]]:
        """Yield each claim payment with its transaction's header, as soon as it is complete."""
        # The records hold no reference cycles; the cyclic collector would only rescan millions
        # of fresh tuples (it made reading several times slower in measurements), so it is off
        # while the reader works, and back as it was at each yield: the consumer's code runs
        # with the process's own setting, and a stream left unfinished cannot leave it off (a
        # compiled generator that is dropped, not closed, never runs a ``finally``).
        run = self._run()
        while True:
            enabled = gc.isenabled()
            gc.disable()
            try:
                item = next(run, None)
            except Exception as exc:  # a reader never raises: an unforeseen fault is a finding
                self._internal_error(exc)
                item = None
            finally:
                if enabled:
                    gc.enable()
            if item is None:
                break
            yield item
        if self._suppressed:
            self.findings.append(
                Finding(
                    Severity.WARNING,
                    "findings.truncated",
                    f"{self._suppressed} more findings were not listed",
                    self.file,
                )
            )

    def _internal_error(self, exc: Exception) -> None:
        if self._tx is not None:
            self._failed.add(self._tx.segment)
        self.findings.append(
            Finding(
                Severity.ERROR,
                "x12.internal",
                f"recoup could not finish reading this file ({type(exc).__name__}); what was "
                "read before is kept, please report the file's layout (not its contents)",
                self.file,
                self._tx.segment if self._tx is not None else None,
            )
        )
        if self._tx is not None:
            try:
                self._close(self._tx.segment)
            except Exception:  # the finding above already says it
                self._tx = None

    # -- the segment loop ----------------------------------------------------------------------

    def _run(self) -> Iterator[tuple[Remittance, ClaimPayment]]:
        build = self.builder.build
        gather = self.gather
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
            segments = batch.segments
            count = len(segments)
            first = batch.first
            i = 0
            while i < count:
                if claim is not None:
                    i = gather(segments, i, claim, line_starts, sep)
                    if i == count:
                        break  # the claim goes on in the next batch
                    # the claim ends here
                    done = build(claim, claim_number, line_starts, self._tx_number())
                    claim = None
                    if self._tx is not None:
                        self._paid += done.paid
                        yield self._tx.record, done
                seg = segments[i]
                number = first + i
                i += 1
                kind = get_kind(seg[:3], _OTHER)
                if kind == _CLP:
                    if self._begin_claim(number, seg):
                        claim, claim_number, line_starts = [seg], number, []
                elif kind == _SVC:
                    if not self._skipping:
                        self._error("x835.svc.place", "SVC outside a claim (CLP)", number, seg)
                else:
                    self._segment(seg.split(sep), number, seg)
            number = first + count - 1
            segments = []  # let the batch go while the next one is read
        if claim is not None:
            done = build(claim, claim_number, line_starts, self._tx_number())
            if self._tx is not None:
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
                self._error("x835.value", value_message(tag, exc), number, seg)
            if self.builder.padded:
                self.builder.report_padded([seg], number)
        else:
            # Outside every transaction set: it carries no money, so it is a fault of the file.
            severity = Severity.ERROR if self.strict else Severity.WARNING
            if not tag.isalnum() or not 2 <= len(tag) <= 3:
                self._report(
                    severity,
                    "x12.segment.id",
                    f"{tag[:10]!r} is not a segment id (expected 2-3 letters and digits)",
                    number,
                    seg,
                )
            else:
                self._report(
                    severity,
                    "x12.segment.place",
                    f"{tag[:10]} outside a transaction set; ignored",
                    number,
                    seg,
                )

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
        gs = self.envelope.gs
        version = e[3] if len(e) > 3 and e[3] else gs[8] if gs and len(gs) > 8 else ""
        if version and version != VERSION:
            self._report(
                Severity.WARNING,
                "x835.version",
                f"the transaction declares version {version[:20]!r}; recoup reads {VERSION} (the "
                "5010 835), so codes or layouts of other versions may be misread",
                number,
                seg,
            )
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
        expected = remit.payment_amount
        if expected is not None and remit.credit_debit == "D":
            expected = -expected
        if expected is not None and self._paid - plb != expected:
            self._report(
                Severity.ERROR,
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


def read_835(
    source: str | os.PathLike[str] | bytes, *, file: str | None = None, strict: bool = False
) -> ParseResult:
    """Read a whole 835 file (a path or the bytes) into remittances and findings.

    Never raises for bad content; a file that cannot be opened raises ``OSError``. ``strict``
    makes envelope faults errors (see the module docstring).
    """
    stream, name = _open(source, file)
    with stream:
        return Reader835(stream, name, strict=strict).read()


def read_835_file(path: str | os.PathLike[str], *, strict: bool = False) -> ParseResult:
    """Like :func:`read_835`, but a file that cannot be opened becomes a finding too."""
    try:
        return read_835(path, strict=strict)
    except OSError as exc:
        finding = Finding(
            Severity.ERROR,
            "file.unreadable",
            f"cannot read the file: {exc.strerror or exc}",
            str(path),
        )
        return ParseResult(str(path), (), (finding,), 0)


def iter_claims(
    source: str | os.PathLike[str] | bytes, *, file: str | None = None, strict: bool = False
) -> Iterator[tuple[Remittance, ClaimPayment]]:
    """Stream ``(remittance header, claim)`` pairs from an 835 without keeping them.

    Findings are not returned here; use :class:`Reader835` directly to get both.
    """
    stream, name = _open(source, file)
    with stream:
        yield from Reader835(stream, name, strict=strict).claims()
