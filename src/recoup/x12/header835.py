"""The parts of an 835 transaction around its claims: payment, payer, payee, LX/TS3, PLB.

A :class:`TransactionHeader` collects the header segments until the first claim (or LX, TS3,
PLB, SE), then freezes them into a :class:`~recoup.records.Remittance` record that every claim of
the transaction is handed out with. Provider summaries and provider-level adjustments that follow
the claims are added when the transaction ends.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from recoup.findings import Severity
from recoup.money import ZERO
from recoup.records import Contact, Party, ProviderAdjustment, ProviderSummary, Remittance
from recoup.x12.claims835 import BadValue, ClaimBuilder, Report, shown
from recoup.x12.tokens import text_value

__all__ = ["TransactionHeader"]


class TransactionHeader:
    """Mutable state of one 835 transaction set while it is read."""

    def __init__(
        self,
        control: str,
        segment: int,
        file: str,
        isa: list[str] | None,
        gs: list[str] | None,
        values: ClaimBuilder,
        report: Report,
    ) -> None:
        self.control = control
        self.segment = segment
        self.file = file
        self.isa = isa
        self.gs = gs
        self.values = values
        self.report = report
        self.bpr: list[str] = []
        self.bpr_segment = 0
        self.bpr_text: str | None = None
        self.trn: list[str] = []
        self.production_date: date | None = None
        self.payer: dict[str, Any] | None = None
        self.payee: dict[str, Any] | None = None
        self.loop = 0  # 0 header, 1 payer (1000A), 2 payee (1000B)
        self.header_number = ""
        self.summaries: list[ProviderSummary] = []
        self.plb: list[ProviderAdjustment] = []
        self._record: Remittance | None = None

    @property
    def record(self) -> Remittance:
        """The remittance header (no claims yet); built when the header loops end."""
        return self._record if self._record is not None else self.end_header()

    def read_segment(self, e: list[str], number: int, seg: str) -> None:
        """A header, LX/TS3/TS2 or PLB segment (anything outside the claims but inside ST..SE)."""
        tag = e[0]
        if tag == "LX":
            self.end_header()
            self.header_number = e[1] if len(e) > 1 else ""
        elif tag == "TS3" or tag == "TS2":
            self.end_header()
            self._summary(e, number, tag)
        elif tag == "PLB":
            self.end_header()
            self._plb(e, number)
        elif self._record is not None:
            self.report(
                Severity.WARNING,
                "x835.segment.unexpected",
                f"segment {tag} is not expected after the claims began; ignored",
                number,
                seg,
            )
        elif tag == "BPR":
            self.bpr, self.bpr_segment, self.bpr_text = e, number, seg
        elif tag == "TRN":
            if not self.trn:
                self.trn = e
        elif tag == "DTM":
            if e[1] == "405":
                self.production_date = self.values.parse_date(e[2])
        elif tag == "N1":
            self._party(e, number, seg)
        elif tag in ("N3", "N4", "PER", "REF"):
            self._party_detail(tag, e)
        elif tag not in ("CUR", "RDM"):
            self.report(
                Severity.WARNING,
                "x835.segment.unexpected",
                f"segment {tag} is not expected in the 835 header; ignored",
                number,
                seg,
            )

    # -- payer and payee -----------------------------------------------------------------------

    def _party(self, e: list[str], number: int, seg: str) -> None:
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
            self.payer, self.loop = party, 1
        elif party["entity"] == "PE":
            self.payee, self.loop = party, 2
        else:
            self.loop = 0
            self.report(
                Severity.WARNING,
                "x835.n1.entity",
                f"N1 entity {party['entity']!r} is not PR (payer) or PE (payee); ignored",
                number,
                seg,
            )

    def _party_detail(self, tag: str, e: list[str]) -> None:
        party = self.payer if self.loop == 1 else self.payee if self.loop == 2 else None
        if party is None:
            return
        if tag == "N3":
            party["address"].extend([text_value(x) for x in e[1:3] if x])
        elif tag == "N4":
            party["city"] = text_value(e[1]) if len(e) > 1 else ""
            party["state"] = e[2] if len(e) > 2 else ""
            party["postal_code"] = e[3] if len(e) > 3 else ""
        elif tag == "REF":
            party["references"].append((e[1], e[2] if len(e) > 2 else ""))
        else:  # PER: function, name, then up to three (qualifier, number) pairs
            numbers = tuple((e[i], e[i + 1]) for i in range(3, min(len(e), 9) - 1, 2) if e[i])
            name = text_value(e[2]) if len(e) > 2 else ""
            party["contacts"].append(Contact(e[1] if len(e) > 1 else "", name, numbers))

    def _make_party(self, data: dict[str, Any] | None, entity: str) -> Party:
        if data is None:
            who = "payer (N1*PR)" if entity == "PR" else "payee (N1*PE)"
            self.report(
                Severity.ERROR,
                "x835.n1.missing",
                f"the transaction names no {who} before its first claim",
                self.segment,
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

    # -- LX, TS3/TS2, PLB ----------------------------------------------------------------------

    def _summary(self, e: list[str], number: int, tag: str) -> None:
        if tag == "TS2":
            if self.summaries:
                last = self.summaries[-1]
                self.summaries[-1] = last._replace(elements=last.elements + tuple(e))
            return
        n = len(e)
        self.summaries.append(
            ProviderSummary(
                self.header_number,
                e[1] if n > 1 else "",
                e[2] if n > 2 else "",
                self.values.parse_date(e[3]) if n > 3 and e[3] else None,
                self._count(e[4], number, tag) if n > 4 and e[4] else 0,
                self.values.amount(e[5]) if n > 5 and e[5] else ZERO,
                tuple(e),
                number,
            )
        )

    def _count(self, text: str, number: int, tag: str) -> int:
        """TS3-04, the number of claims summarised (X12 type N0, at most 15 digits)."""
        if len(text) <= 15 and text.isascii() and text.isdigit():
            return int(text)
        self.report(
            Severity.WARNING,
            "x835.ts3.count",
            f'{tag}04 "{shown(text)}" is not a count of claims; read as 0',
            number,
            None,
        )
        return 0

    def _plb(self, e: list[str], number: int) -> None:
        provider = e[1] if len(e) > 1 else ""
        period = self.values.parse_date(e[2]) if len(e) > 2 and e[2] else None
        comp = self.values.comp
        for i in range(3, len(e) - 1, 2):
            if not e[i]:
                continue
            reason, _, reference = e[i].partition(comp)
            self.plb.append(
                ProviderAdjustment(
                    provider, period, reason, reference, self.values.amount(e[i + 1]), number
                )
            )

    # -- the record ----------------------------------------------------------------------------

    def end_header(self) -> Remittance:
        """Freeze the header into the record claims are handed out with (once)."""
        if self._record is not None:
            return self._record
        self.loop = 0
        bpr, trn, isa, gs = self.bpr, self.trn, self.isa, self.gs
        if not bpr:
            self.report(
                Severity.ERROR,
                "x835.bpr.missing",
                "the transaction has no BPR (payment amount and method) before its first claim",
                self.segment,
                None,
            )
        if not trn:
            self.report(
                Severity.ERROR,
                "x835.trn.missing",
                "the transaction has no TRN (check or EFT trace number)",
                self.segment,
                None,
            )
        payment: Decimal | None = None  # unknown: no BPR, or a BPR02 that cannot be read
        if len(bpr) > 2 and bpr[2]:
            try:
                payment = self.values.amount(bpr[2])
            except BadValue:
                self.report(
                    Severity.ERROR,
                    "x835.value",
                    f'BPR02 "{shown(bpr[2])}" is not an amount',
                    self.bpr_segment,
                    self.bpr_text,
                )
            if self.values.padded and self.bpr_text is not None:
                self.values.report_padded([self.bpr_text], self.bpr_segment)
        elif bpr:
            self.report(
                Severity.ERROR,
                "x835.bpr.amount",
                "BPR02 (the total actual provider payment amount) is missing",
                self.bpr_segment,
                self.bpr_text,
            )
        payment_date = None
        if len(bpr) > 16 and bpr[16]:
            try:
                payment_date = self.values.parse_date(bpr[16])
            except BadValue:
                self.report(
                    Severity.WARNING,
                    "x835.bpr.date",
                    f'BPR16 "{bpr[16]}" is not a CCYYMMDD date; the payment date is left empty '
                    "and deadlines count from the production date (DTM*405)",
                    self.bpr_segment,
                    self.bpr_text,
                )
        self._record = Remittance(
            file=self.file,
            control_number=self.control,
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
            production_date=self.production_date,
            payer=self._make_party(self.payer, "PR"),
            payee=self._make_party(self.payee, "PE"),
            version=gs[8] if gs and len(gs) > 8 else "",
            segment=self.segment,
        )
        return self._record

    def finish(self, segment_count: int) -> Remittance:
        """The header record with what followed the claims: summaries, PLB, segment count."""
        return self.record._replace(
            provider_summaries=tuple(self.summaries),
            provider_adjustments=tuple(self.plb),
            segment_count=segment_count,
        )
