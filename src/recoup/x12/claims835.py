"""Building one 835 claim payment (loop 2100 with its 2110 service lines) from its segments.

The reader hands over the raw segments of one claim at a time: the CLP, the claim-level segments
(CAS NM1 MIA MOA REF DTM PER AMT QTY) and each service line's segments (SVC DTM CAS REF AMT QTY
LQ). Working per claim keeps every loop variable a fast local and the hot loops short.

Amounts, dates and procedure codes repeat heavily in real remittances (fee schedules, a week of
service dates, a clinic's handful of codes), so each is parsed once per file and then looked up.
Records are immutable, so sharing one ``Decimal`` or ``Procedure`` between lines is safe.

A bad value never loses the claim: the segment that holds it is reported (an error, which keeps
the transaction set from being posted) and left out, an unreadable CLP or SVC amount is kept as
0.00 beside its finding, and the claim is handed out so the transaction's totals can still be
added up and shown. A number with spaces around it (``"120.00 "``) is read, with a warning.

Most claims need no finding at all. For them ``_claim835``, a small C extension built from
``_claim835.c`` with the mypyc modules, builds the same records without making a Python string
of every element; it gives up on the first thing this module would report (returning None), and
the claim is then built here. Without it (no C compiler) every claim is built here, with the
same result; tests/x12/test_native_claims.py compares the two paths.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation

from recoup.findings import Severity
from recoup.money import ZERO
from recoup.records import Adjustment, ClaimPayment, Person, Procedure, ServiceLine
from recoup.x12.tokens import text_value

__all__ = ["CLAIM_STATUS_CODES", "GROUP_CODES", "BadValue", "ClaimBuilder"]

GROUP_CODES = frozenset({"CO", "PR", "OA", "PI"})
CLAIM_STATUS_CODES = frozenset({"1", "2", "3", "4", "19", "20", "21", "22", "23", "25"})
CLAIM_NAMES = ("QC", "IL", "74", "82", "TT", "PR")
_NUMERIC = "0123456789.-"
_CACHE_LIMIT = 200_000
MAX_NUMBER_LENGTH = 20  # X12 type R amounts have at most 18 digits, plus sign and point
_new = tuple.__new__  # builds a NamedTuple from a tuple in field order without __new__'s checks

Report = Callable[[Severity, str, str, int | None, str | None], None]
NativeBuild = Callable[
    [list[str], int, list[int], str, str, dict[str, Procedure]], ClaimPayment | None
]

_native_build: NativeBuild | None
try:
    from recoup.x12 import _claim835

    _claim835.configure(ClaimPayment, ServiceLine, Adjustment, Person, Decimal, ZERO)
    _native_build = _claim835.build
except (ImportError, TypeError):  # not built, or built for other records: build in Python
    _native_build = None


class BadValue(ValueError):
    """An element that should be a number or a date is not."""


def shown(text: str) -> str:
    """An element for a message: cut short when it is long."""
    return text if len(text) <= 40 else f"{text[:30]}... ({len(text):,} characters)"


def value_message(tag: str, exc: Exception) -> str:
    what = f'"{shown(str(exc))}"' if isinstance(exc, BadValue) else "a missing element"
    return f"{tag} has {what} where a number or CCYYMMDD date is expected"


class ClaimBuilder:
    """Turns the segments of one claim into a :class:`ClaimPayment`, reporting what is wrong."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.sep = "*"
        self.comp = ":"
        self.amounts: dict[str, Decimal] = {}
        self.dates: dict[str, date] = {}
        self.procedures: dict[str, Procedure] = {}
        self.padded: list[str] = []  # numbers read with spaces around them, not yet reported
        self._p_dtm472 = "DTM*472*"
        self._p_ref6r = "REF*6R*"
        self._p_lqhe = "LQ*HE*"
        self.native = _native_build  # None builds every claim here (tests compare the two)

    def set_delimiters(self, sep: str, comp: str) -> None:
        self.sep = sep
        self.comp = comp
        self._p_dtm472 = f"DTM{sep}472{sep}"
        self._p_ref6r = f"REF{sep}6R{sep}"
        self._p_lqhe = f"LQ{sep}HE{sep}"

    # -- values --------------------------------------------------------------------------------

    def amount(self, text: str) -> Decimal:
        """An X12 decimal (type R): optional minus, digits, optional point. Nothing else."""
        value = self.amounts.get(text)
        if value is not None:
            return value
        if not text or len(text) > MAX_NUMBER_LENGTH or text.strip(_NUMERIC):
            return self._padded_amount(text)
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise BadValue(text) from None
        if len(self.amounts) > _CACHE_LIMIT:
            self.amounts.clear()
        self.amounts[text] = value
        return value

    def _padded_amount(self, text: str) -> Decimal:
        """A number with spaces around it is read (and noted for a warning); others are bad."""
        inner = text.strip(" ")
        if inner == text or not inner or len(inner) > MAX_NUMBER_LENGTH or inner.strip(_NUMERIC):
            raise BadValue(text)
        try:
            value = Decimal(inner)
        except InvalidOperation:
            raise BadValue(text) from None
        self.padded.append(text)  # not cached: every segment that has it gets its warning
        return value

    def report_padded(self, segs: list[str], number: int) -> None:
        """Warn about the padded numbers read from ``segs`` (segment ``number`` onwards)."""
        padded = set(self.padded)
        self.padded.clear()
        for i, seg in enumerate(segs):
            found = [x for x in seg.split(self.sep) if x in padded]
            if found:
                self.report(
                    Severity.WARNING,
                    "x12.value.padded",
                    f"{seg.split(self.sep, 1)[0]} has {', '.join(repr(x) for x in found)} with "
                    "spaces around the number; read without them",
                    number + i,
                    seg,
                )

    def parse_date(self, text: str) -> date:
        value = self.dates.get(text)
        if value is None:
            if len(text) != 8 or not text.isascii() or not text.isdigit():
                raise BadValue(text)
            try:
                value = date(int(text[:4]), int(text[4:6]), int(text[6:]))
            except ValueError:
                raise BadValue(text) from None
            self.dates[text] = value
        return value

    def procedure(self, text: str, number: int, segment: str) -> Procedure:
        found = self.procedures.get(text)
        if found is not None:
            return found
        comp = self.comp
        parts = text.split(comp)
        if len(parts) == 1 and len(text) > 3 and text[:2].isalpha() and not text[2].isalnum():
            # Some senders use another separator than the one ISA16 declares.
            self.report(
                Severity.WARNING,
                "x835.svc.component",
                f"procedure {text!r} uses {text[2]!r} but ISA16 declares {comp!r}; read with "
                f"{text[2]!r} (reported once per code)",
                number,
                segment,
            )
            parts = text.split(text[2])
        if len(parts) < 2 or not parts[1]:
            self.report(
                Severity.WARNING,
                "x835.svc.procedure",
                f"procedure {text!r} has no code after the qualifier",
                number,
                segment,
            )
        proc: Procedure = _new(
            Procedure,
            (
                parts[0],
                parts[1] if len(parts) > 1 else "",
                tuple(m for m in parts[2:6] if m),
                text_value(parts[6]) if len(parts) > 6 else "",
            ),
        )
        if len(self.procedures) > _CACHE_LIMIT:
            self.procedures.clear()
        self.procedures[text] = proc
        return proc

    # -- segments ------------------------------------------------------------------------------

    def adjustments(self, e: list[str], out: list[Adjustment], number: int, seg: str) -> None:
        """CAS: one group code and up to six (reason, amount, quantity) triplets."""
        group = e[1] if len(e) > 1 else ""
        if group not in GROUP_CODES:
            if group == "CR":
                self.report(
                    Severity.WARNING,
                    "x835.cas.group_4010",
                    "group code CR (corrections and reversals) is valid in 4010 only, not 5010",
                    number,
                    seg,
                )
            else:
                self.report(
                    Severity.ERROR,
                    "x835.cas.group",
                    f"unknown group code {group!r} (expected CO, PR, OA or PI)",
                    number,
                    seg,
                )
        n = len(e)
        if n < 4:
            self.report(
                Severity.ERROR,
                "x835.cas.short",
                "CAS needs a group code, a reason code and an amount",
                number,
                seg,
            )
            return
        amounts = self.amounts
        read: list[Adjustment] = []  # added to ``out`` only when the whole segment reads
        for i in range(2, n - 1, 3):
            reason = e[i]
            text = e[i + 1]
            if not reason:
                if text:
                    self.report(
                        Severity.ERROR,
                        "x835.cas.reason",
                        f"CAS{i + 2:02d} has an amount but CAS{i + 1:02d} no reason code",
                        number,
                        seg,
                    )
                continue
            value = amounts.get(text)
            if value is None:
                value = self.amount(text)
            qty = e[i + 2] if i + 2 < n else ""
            read.append(
                _new(Adjustment, (group, reason, value, self.amount(qty) if qty else None, number))
            )
        out.extend(read)

    @staticmethod
    def person(e: list[str]) -> Person:
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

    # -- the claim -----------------------------------------------------------------------------

    def build(
        self, segs: list[str], number: int, line_starts: list[int], header_number: str
    ) -> ClaimPayment:
        """The claim whose CLP is ``segs[0]`` (segment ``number``); lines at ``line_starts``."""
        sep = self.sep
        native = self.native
        if native is not None and not self.padded:
            built = native(segs, number, line_starts, header_number, sep, self.procedures)
            if built is not None:
                return built
        clp = segs[0].split(sep)
        if len(clp) < 8:
            self.report(
                Severity.ERROR,
                "x835.clp.short",
                "CLP needs at least 7 elements (claim id, status, charge, payment, patient "
                f"responsibility, filing code, payer claim id); found {len(clp) - 1}",
                number,
                segs[0],
            )
            clp += [""] * (8 - len(clp))
        try:
            charge = self.amount(clp[3])
            paid = self.amount(clp[4])
            patient_resp = self.amount(clp[5]) if clp[5] else None
        except BadValue as exc:
            self.report(Severity.ERROR, "x835.value", value_message("CLP", exc), number, segs[0])
            charge = self._lenient(clp[3]) or ZERO
            paid = self._lenient(clp[4]) or ZERO
            patient_resp = self._lenient(clp[5])
        end = line_starts[0] if line_starts else len(segs)
        cas: list[Adjustment] = []
        names: list[Person] = []
        refs: list[tuple[str, str]] = []
        dates: list[tuple[str, date]] = []
        amts: list[tuple[str, Decimal]] = []
        qtys: list[tuple[str, Decimal]] = []
        mia: tuple[str, ...] = ()
        moa: tuple[str, ...] = ()
        for i in range(1, end):
            e = segs[i].split(sep)
            tag = e[0]
            try:
                if tag == "NM1":
                    names.append(self.person(e))
                elif tag == "CAS":
                    self.adjustments(e, cas, number + i, segs[i])
                elif tag == "DTM":
                    dates.append((e[1], self.parse_date(e[2])))
                elif tag == "REF":
                    refs.append((e[1], e[2] if len(e) > 2 else ""))
                elif tag == "AMT":
                    amts.append((e[1], self.amount(e[2])))
                elif tag == "QTY":
                    qtys.append((e[1], self.amount(e[2])))
                elif tag == "MOA":
                    moa = tuple(x for x in e[3:8] if x)
                elif tag == "MIA":
                    mia = tuple(x for x in (e[5:6] + e[20:24]) if x)
                elif tag != "PER":
                    self._unexpected(tag, "a claim (loop 2100)", number + i, segs[i])
            except (BadValue, IndexError) as exc:
                self.report(
                    Severity.ERROR, "x835.value", value_message(tag, exc), number + i, segs[i]
                )
        lines: list[ServiceLine] = []
        for k, start in enumerate(line_starts):
            stop = line_starts[k + 1] if k + 1 < len(line_starts) else len(segs)
            lines.append(self.line(segs, start, stop, number))
        if self.padded:
            self.report_padded(segs, number)
        return self._claim(
            clp, number, header_number, charge, paid, patient_resp,
            names, mia, moa, refs, dates, amts, qtys, cas, lines,
        )  # fmt: skip

    def _lenient(self, text: str) -> Decimal | None:
        """An amount when it can be read, else None (its finding is reported by the caller)."""
        try:
            return self.amount(text) if text else None
        except BadValue:
            return None

    def _claim(
        self,
        clp: list[str],
        number: int,
        header_number: str,
        charge: Decimal,
        paid: Decimal,
        patient_resp: Decimal | None,
        names: list[Person],
        mia: tuple[str, ...],
        moa: tuple[str, ...],
        refs: list[tuple[str, str]],
        dates: list[tuple[str, date]],
        amts: list[tuple[str, Decimal]],
        qtys: list[tuple[str, Decimal]],
        cas: list[Adjustment],
        lines: list[ServiceLine],
    ) -> ClaimPayment:
        status = clp[2]
        if status not in CLAIM_STATUS_CODES:
            self.report(
                Severity.WARNING,
                "x835.clp.status",
                f"claim status {status!r} is not one of the 5010 codes (1 2 3 4 19 20 21 22 23 25)",
                number,
                self.sep.join(clp),
            )
        named: dict[str, Person] = {}
        others: list[Person] = []
        for person in names:
            if person.entity in CLAIM_NAMES and person.entity not in named:
                named[person.entity] = person
            else:
                others.append(person)
        n = len(clp)
        claim: ClaimPayment = _new(
            ClaimPayment,
            (
                clp[1], status, charge, paid, patient_resp, clp[6], clp[7],
                clp[8] if n > 8 else "", clp[9] if n > 9 else "",
                named.get("QC"), named.get("IL"), named.get("74"), named.get("82"),
                named.get("TT"), named.get("PR"), tuple(others), mia, moa,
                tuple(refs), tuple(dates), tuple(amts), tuple(qtys), tuple(cas), tuple(lines),
                header_number, number,
            ),
        )  # fmt: skip
        adjusted = ZERO
        for adj in cas:
            adjusted += adj.amount
        for line in lines:
            for adj in line.adjustments:
                adjusted += adj.amount
        if charge - adjusted != paid:
            self.report(
                Severity.WARNING,
                "x835.balance.claim",
                f"claim {clp[1]} does not balance: charge {charge} - adjustments {adjusted} = "
                f"{charge - adjusted}, but the payment is {paid}",
                number,
                self.sep.join(clp),
            )
        return claim

    def line(self, segs: list[str], start: int, stop: int, claim_number: int) -> ServiceLine:
        """A service line: ``segs[start]`` is its SVC, ``segs[start+1:stop]`` the rest.

        The hottest function of the reader: it avoids method calls for cached values and reads
        the common fixed-prefix segments (DTM*472, REF*6R, LQ*HE) without splitting them.
        """
        sep = self.sep
        amounts_get = self.amounts.get
        dates_get = self.dates.get
        seg = segs[start]
        number = claim_number + start
        e = seg.split(sep)
        n = len(e)
        proc_text = e[1] if n > 1 else ""
        procedure = self.procedures.get(proc_text) or self.procedure(proc_text, number, seg)
        try:
            if n > 3 and e[2] and e[3]:
                charge = amounts_get(e[2]) or self.amount(e[2])
                paid = amounts_get(e[3]) or self.amount(e[3])
            else:
                charge = self._line_amount(e, 2, "SVC02 (line charge)", number, seg)
                paid = self._line_amount(e, 3, "SVC03 (line payment)", number, seg)
            units = (amounts_get(e[5]) or self.amount(e[5])) if n > 5 and e[5] else None
            original_units = self.amount(e[7]) if n > 7 and e[7] else None
        except BadValue as exc:
            self.report(Severity.ERROR, "x835.value", value_message("SVC", exc), number, seg)
            charge = self._lenient(e[2]) or ZERO if n > 2 else ZERO
            paid = self._lenient(e[3]) or ZERO if n > 3 else ZERO
            units = self._lenient(e[5]) if n > 5 else None
            original_units = self._lenient(e[7]) if n > 7 else None
        original = self.procedure(e[6], number, seg) if n > 6 and e[6] else None
        d472 = d150 = d151 = None
        cas: list[Adjustment] = []
        remarks: list[str] = []
        refs: list[tuple[str, str]] = []
        amts: list[tuple[str, Decimal]] = []
        qtys: list[tuple[str, Decimal]] = []
        p_date = self._p_dtm472
        p_ref = self._p_ref6r
        p_lq = self._p_lqhe
        for j in range(start + 1, stop):
            text = segs[j]
            try:
                if text.startswith(p_date):
                    key = text[8:]
                    d472 = dates_get(key) or self.parse_date(key)
                    continue
                if text.startswith(p_ref):
                    refs.append(("6R", text[7:]))
                    continue
                if text.startswith(p_lq):
                    remarks.append(text[6:])
                    continue
                f = text.split(sep)
                tag = f[0]
                if tag == "CAS":
                    if len(f) == 4 and f[1] in GROUP_CODES and f[2]:
                        value = amounts_get(f[3]) or self.amount(f[3])
                        cas.append(_new(Adjustment, (f[1], f[2], value, None, claim_number + j)))
                    else:
                        self.adjustments(f, cas, claim_number + j, text)
                elif tag == "AMT":
                    amts.append((f[1], amounts_get(f[2]) or self.amount(f[2])))
                elif tag == "DTM":
                    qual = f[1]
                    if qual == "150":
                        d150 = self.parse_date(f[2])
                    elif qual == "151":
                        d151 = self.parse_date(f[2])
                    elif qual == "472":
                        d472 = self.parse_date(f[2])
                    else:
                        self.report(
                            Severity.WARNING,
                            "x835.dtm.qualifier",
                            f"service-line date qualifier {qual!r} is not 150, 151 or 472",
                            claim_number + j,
                            text,
                        )
                elif tag == "REF":
                    refs.append((f[1], f[2] if len(f) > 2 else ""))
                elif tag == "LQ":
                    if f[1] == "HE":
                        remarks.append(f[2])
                    else:
                        refs.append(("LQ" + f[1], f[2]))
                elif tag == "QTY":
                    qtys.append((f[1], self.amount(f[2])))
                else:
                    self._unexpected(tag, "a service line (loop 2110)", claim_number + j, text)
            except (BadValue, IndexError) as exc:
                self.report(
                    Severity.ERROR,
                    "x835.value",
                    value_message(text.split(sep, 1)[0], exc),
                    claim_number + j,
                    text,
                )
        adjusted = ZERO
        for adj in cas:
            adjusted += adj.amount
        if charge - adjusted != paid:
            self.report(
                Severity.WARNING,
                "x835.balance.line",
                f"service line does not balance: charge {charge} - adjustments {adjusted} = "
                f"{charge - adjusted}, but the payment is {paid}",
                number,
                seg,
            )
        return _new(
            ServiceLine,
            (
                procedure, charge, paid, e[4] if n > 4 else "", units, original, original_units,
                d472, d150, d151, tuple(cas), tuple(remarks), tuple(refs), tuple(amts),
                tuple(qtys), number,
            ),
        )  # fmt: skip

    def _line_amount(self, e: list[str], index: int, what: str, number: int, seg: str) -> Decimal:
        text = e[index] if len(e) > index else ""
        if text:
            return self.amount(text)
        self.report(
            Severity.WARNING,
            "x835.svc.empty",
            f"{what} is empty; the line is kept with 0.00 there and will not balance",
            number,
            seg,
        )
        return ZERO

    def _unexpected(self, tag: str, where: str, number: int, seg: str) -> None:
        if tag.isalnum() and 2 <= len(tag) <= 3:
            self.report(
                Severity.WARNING,
                "x835.segment.unexpected",
                f"segment {tag} is not expected inside {where}; ignored",
                number,
                seg,
            )
        else:
            self.report(
                Severity.ERROR,
                "x12.segment.id",
                f"{tag[:10]!r} is not a segment id (expected 2-3 letters and digits)",
                number,
                seg,
            )
