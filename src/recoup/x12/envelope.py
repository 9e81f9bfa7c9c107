"""The X12 envelope: ISA/IEA interchanges, GS/GE groups, ST/SE transaction sets.

Every transaction reader (835, 271) feeds the envelope segments to one :class:`Envelope`, which
checks the counts and control numbers (IEA01/IEA02 against the interchange, GE01/GE02 against the
group, SE01/SE02 against the transaction set) and reports what is open at the end of the file.

Faults of the envelope alone (counts, control numbers, an IEA or GE without its header, several
interchanges in one file) do not touch the money inside the transaction sets, so they are
warnings; ``strict`` makes them errors, as the X12 rules have it. A transaction set that is cut
off (no SE before the next ST or the end of the file) is always an error, reported at that set's
ST so a reader can tell which payment it spoils.
"""

from __future__ import annotations

from collections.abc import Callable

from recoup.findings import Severity

__all__ = ["Envelope"]

Report = Callable[[Severity, str, str, int | None, str | None], None]


class Envelope:
    """Envelope state of one file while it is read."""

    def __init__(self, report: Report, *, enveloped: bool = True, strict: bool = False) -> None:
        self.report = report
        self.enveloped = enveloped
        self.strict = strict
        self.interchanges = 0
        self.isa: list[str] | None = None
        self.isa_segment = 0
        self.group_count = 0
        self.gs: list[str] | None = None
        self.gs_segment = 0
        self.st_count = 0
        self.st_control: str | None = None  # the open transaction set, if any
        self.st_segment = 0

    def _error(self, code: str, message: str, number: int | None, seg: str | None) -> None:
        self.report(Severity.ERROR, code, message, number, seg)

    def _fault(self, code: str, message: str, number: int | None, seg: str | None) -> None:
        """A fault of the envelope only: a warning unless the reader is strict."""
        severity = Severity.ERROR if self.strict else Severity.WARNING
        self.report(severity, code, message, number, seg)

    def interchange(self, e: list[str], number: int) -> None:
        if self.isa is not None:
            self._fault(
                "x12.isa.unclosed",
                "the interchange before this one has no IEA",
                self.isa_segment,
                None,
            )
        self.interchanges += 1
        if self.interchanges == 2:
            self._fault(
                "x12.isa.several",
                "the file holds more than one interchange (ISA..IEA); each is read",
                number,
                None,
            )
        self.isa, self.isa_segment, self.group_count = e, number, 0

    def end_interchange(self, e: list[str], number: int, seg: str) -> None:
        isa = self.isa
        self.isa = None
        if isa is None:
            self._fault("x12.iea.place", "IEA without a matching ISA", number, seg)
            return
        stated = e[1] if len(e) > 1 else ""
        if stated.lstrip("0") != str(self.group_count).lstrip("0"):
            self._fault(
                "x12.iea.count",
                f"IEA01 says {stated or '(blank)'} groups but the interchange has "
                f"{self.group_count}",
                number,
                seg,
            )
        control = e[2] if len(e) > 2 else ""
        expected = isa[13] if len(isa) > 13 else ""
        if control != expected:
            self._fault(
                "x12.iea.control",
                f"IEA02 {control!r} does not match ISA13 {expected!r} (segment {self.isa_segment})",
                number,
                seg,
            )

    def group(self, e: list[str], number: int) -> None:
        self.gs, self.gs_segment, self.st_count = e, number, 0
        self.group_count += 1

    def end_group(self, e: list[str], number: int, seg: str) -> None:
        gs = self.gs
        self.gs = None
        if gs is None:
            self._fault("x12.ge.place", "GE without a matching GS", number, seg)
            return
        stated = e[1] if len(e) > 1 else ""
        if stated != str(self.st_count):
            self._fault(
                "x12.ge.count",
                f"GE01 says {stated or '(blank)'} transaction sets but the group has "
                f"{self.st_count}",
                number,
                seg,
            )
        control = e[2] if len(e) > 2 else ""
        expected = gs[6] if len(gs) > 6 else ""
        if control != expected:
            self._fault(
                "x12.ge.control",
                f"GE02 {control!r} does not match GS06 {expected!r} (segment {self.gs_segment})",
                number,
                seg,
            )

    def transaction(self, e: list[str], number: int, seg: str) -> bool:
        """An ST. False when the one before it was never closed (the caller closes it)."""
        closed = True
        if self.st_control is not None:
            self._error(
                "x12.st.unclosed",
                f"transaction set {self.st_control} has no SE before the ST at segment {number}",
                self.st_segment,
                None,
            )
            closed = False
        if self.gs is None and self.enveloped:
            self._fault("x12.st.place", "ST outside a GS group", number, seg)
        self.st_count += 1
        self.st_control = e[2] if len(e) > 2 else ""
        self.st_segment = number
        return closed

    def end_transaction(self, e: list[str], number: int, seg: str) -> bool:
        """An SE; checks SE01 and SE02. False when no transaction set is open."""
        if self.st_control is None:
            self._fault("x12.se.place", "SE without a matching ST", number, seg)
            return False
        count = number - self.st_segment + 1
        stated = e[1] if len(e) > 1 else ""
        if stated != str(count):
            self._fault(
                "x12.se.count",
                f"SE01 says {stated or '(blank)'} segments but transaction set "
                f"{self.st_control} has {count} (ST to SE inclusive)",
                number,
                seg,
            )
        control = e[2] if len(e) > 2 else ""
        if control != self.st_control:
            self._fault(
                "x12.se.control",
                f"SE02 {control!r} does not match ST02 {self.st_control!r}",
                number,
                seg,
            )
        self.st_control = None
        return True

    def end_of_file(self, number: int) -> None:
        if self.st_control is not None:
            self._error(
                "x12.truncated",
                f"the file ends inside transaction set {self.st_control or '?'} (no SE segment)",
                number or None,
                None,
            )
            self.st_control = None
        if self.gs is not None:
            self._fault(
                "x12.truncated", "the file ends inside a GS group (no GE)", self.gs_segment, None
            )
        if self.isa is not None:
            self._fault(
                "x12.truncated",
                "the file ends inside an interchange (no IEA)",
                self.isa_segment,
                None,
            )
