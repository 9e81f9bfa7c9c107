"""The X12 837P (005010X222A1) reader: the practice's outgoing claims into records and findings.

One pass over the segments (from :class:`~recoup.x12.tokens.SegmentSource`), with the envelope
checked by :class:`~recoup.x12.envelope.Envelope` like the 835 and 271 readers. The loops::

    ST BHT 1000A NM1*41 PER, 1000B NM1*40
      2000A HL 20 PRV*BI, 2010AA NM1*85 N3 N4 REF*EI|SY (2010AB/AC pay-to: skipped)
        2000B HL 22 SBR, 2010BA NM1*IL N3 N4 DMG, 2010BB NM1*PR N3 N4
          2000C HL 23 PAT, 2010CA NM1*QC N3 N4 DMG
            2300 CLM DTP REF NTE HI, 2310B NM1*82 PRV*PE, 2320 SBR CAS AMT OI,
                 2330A NM1*IL N3 N4, 2330B NM1*PR N3 N4 DTP*573 REF*F8
              2400 LX SV1 DTP*472 REF*G1|6R NTE, 2420A NM1*82 PRV*PE, 2430 SVD CAS DTP*573 AMT
    SE

Bad input is a finding with the file, segment number, text and byte offset; nothing raises.
What is returned is only what is valid: a claim with an error (a charge that is not a number, no
HI, no SV1 code) is left out with its finding, and a transaction set that is not an 837P (an 837I,
a 270), or that the file cuts off before its SE, gives no claims at all.

Streaming: claims are handed out when their transaction set's SE has been read (the SE is what
says the set is whole), so memory is bounded by one transaction set, never the file. The guide
asks senders to keep a set to 5,000 claims.
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
from recoup.records import Adjustment, Procedure
from recoup.x12.claims837 import (
    Claim837,
    ClaimBatch,
    Diagnosis,
    LineAdjudication,
    Member,
    OtherPayer,
    Payer,
    Provider,
    ServiceLine837,
    Submitter,
    Subscriber,
)
from recoup.x12.envelope import Envelope
from recoup.x12.tokens import SegmentSource, text_value

__all__ = ["Read837", "Reader837", "iter_claims_837", "read_837", "read_837_file"]

VERSION = "005010X222A1"
MAX_FINDINGS = 1000
_NUMERIC = "0123456789.-"


class Read837(NamedTuple):
    """Everything read from one 837 file."""

    file: str
    batches: tuple[ClaimBatch, ...]
    findings: tuple[Finding, ...]
    size: int  # bytes read

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def claims(self) -> Iterator[Claim837]:
        for batch in self.batches:
            yield from batch.claims


class BadValue(ValueError):
    """An element that must be a number or a date is not."""


# Every segment's element list is padded with this many empty elements, so handlers index it
# directly instead of checking its length at each element (the reader's hottest cost).
_PAD = ("",) * 20


class _Claim:
    """A claim (2300) while it is read: its fields, lines and other payers."""

    __slots__ = ("adjudication", "bad", "fields", "line", "lines", "number", "other", "others")

    def __init__(self, fields: dict[str, Any], number: int) -> None:
        self.fields = fields
        self.lines: list[ServiceLine837] = []
        self.line: dict[str, Any] | None = None
        self.others: list[OtherPayer] = []
        self.other: dict[str, Any] | None = None
        self.adjudication: dict[str, Any] | None = None
        self.bad = False
        self.number = number


class Reader837:
    """Streaming 837P reader over one file or byte string.

    ``claims()`` yields ``(batch header, claim)`` pairs (the header's ``claims`` is empty);
    ``read()`` returns whole batches. ``findings`` holds every problem once iteration is over.
    """

    def __init__(self, stream: BinaryIO, file: str) -> None:
        self.file = file
        self.source = SegmentSource(stream, file)
        self.findings: list[Finding] = self.source.findings
        self.envelope = Envelope(self._report)
        self.batches: list[ClaimBatch] = []
        self._suppressed = 0
        self._sep = "*"
        self._comp = ":"
        self._amounts: dict[str, Decimal] = {}
        self._dates: dict[str, date] = {}
        self._procedures: dict[str, Procedure] = {}
        # transaction state
        self._tx: dict[str, Any] | None = None
        self._tx_bad = False
        self._skipping = False
        self._tx_claims: list[Claim837] = []
        self._loop = ""
        self._entity: dict[str, Any] | None = None  # where N3/N4/DMG/PRV/REF go
        self._billing: dict[str, Any] | None = None
        self._billing_record: Provider | None = None
        self._subscriber: dict[str, Any] | None = None
        self._sub_member: dict[str, Any] | None = None
        self._payer: dict[str, Any] | None = None
        self._patient: dict[str, Any] | None = None
        self._relationship = ""
        self._claim: _Claim | None = None

    # -- findings ------------------------------------------------------------------------------

    def _report(
        self, severity: Severity, code: str, message: str, segment: int | None, text: str | None
    ) -> None:
        if len(self.findings) >= MAX_FINDINGS:
            self._suppressed += 1
            return
        seg_id = text.split(self._sep, 1)[0][:10] if text is not None else None
        shown = text if text is None or len(text) <= 160 else text[:157] + "..."
        offset = self.source.offset_of(segment) if segment is not None else None
        self.findings.append(
            Finding(severity, code, message, self.file, segment, seg_id, shown, offset)
        )

    def _error(self, code: str, message: str, number: int, seg: str) -> None:
        self._report(Severity.ERROR, code, message, number, seg)
        if self._claim is not None:
            self._claim.bad = True
        elif self._tx is not None:
            self._tx_bad = True

    # -- values --------------------------------------------------------------------------------

    def _amount(self, text: str) -> Decimal:
        value = self._amounts.get(text)
        if value is None:
            if not text or text.strip(_NUMERIC):
                raise BadValue(text)
            try:
                value = Decimal(text)
            except InvalidOperation:
                raise BadValue(text) from None
            if len(self._amounts) < 100_000:
                self._amounts[text] = value
        return value

    def _opt_amount(self, text: str) -> Decimal | None:
        return self._amount(text) if text else None

    def _date(self, text: str) -> date:
        value = self._dates.get(text)
        if value is None:
            if len(text) != 8 or not text.isdigit():
                raise BadValue(text)
            try:
                value = date(int(text[:4]), int(text[4:6]), int(text[6:]))
            except ValueError:
                raise BadValue(text) from None
            self._dates[text] = value
        return value

    def _procedure(self, text: str) -> Procedure:
        found = self._procedures.get(text)
        if found is not None:
            return found  # a practice bills a handful of codes: parse each once
        parts = text.split(self._comp)
        found = self._procedures[text] = Procedure(
            parts[0],
            parts[1] if len(parts) > 1 else "",
            tuple(m for m in parts[2:6] if m),
            text_value(parts[6]) if len(parts) > 6 else "",
        )
        return found

    # -- public --------------------------------------------------------------------------------

    def read(self) -> Read837:
        """Read the whole file, keeping every claim."""
        by_tx: dict[int, list[Claim837]] = {}
        enabled = gc.isenabled()
        gc.disable()  # for the whole file: the claims kept here hold no cycles either
        try:
            for header, claim in self.claims():
                by_tx.setdefault(header.segment, []).append(claim)
        finally:
            if enabled:
                gc.enable()
        batches = tuple(b._replace(claims=tuple(by_tx.get(b.segment, ()))) for b in self.batches)
        return Read837(self.file, batches, tuple(self.findings), self.source.total_bytes)

    def claims(self) -> Iterator[tuple[ClaimBatch, Claim837]]:
        """Yield each valid claim with its batch header, once its transaction set is whole."""
        # fresh immutable records only: the cyclic collector would rescan them, so it is off
        # while the reader works and back as it was at each yield (a compiled generator that
        # is dropped unfinished never runs a ``finally``: it must not leave the collector off)
        run = self._run()
        while True:
            enabled = gc.isenabled()
            gc.disable()
            try:
                item = next(run, None)
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

    # -- the segment loop ----------------------------------------------------------------------

    def _run(self) -> Iterator[tuple[ClaimBatch, Claim837]]:
        number = 0
        handlers = self._handlers()
        for batch in self.source.batches():
            self._sep = sep = batch.delimiters.element
            self._comp = batch.delimiters.component
            number = batch.first - 1
            for seg in batch.segments:
                number += 1
                e = seg.split(sep)
                e.extend(_PAD)
                tag = e[0]
                if tag == "SE":
                    yield from self._end_transaction(e, number, seg)
                    continue
                if self._skipping and tag not in ("ST", "GE", "GS", "ISA", "IEA"):
                    continue
                handler = handlers.get(tag)
                if handler is None:
                    self._other(tag, number, seg)
                    continue
                try:
                    handler(e, number, seg)
                except BadValue as exc:
                    self._error(
                        "x837.value",
                        f'{tag} has "{exc}" where a number or CCYYMMDD date is expected',
                        number,
                        seg,
                    )
        self._finish_claim()
        self.envelope.end_of_file(number)
        if self._tx is not None:
            self._report(
                Severity.ERROR,
                "x837.truncated",
                f"transaction set {self._tx['control_number']} is cut off: none of its claims "
                "were read",
                self._tx["segment"],
                None,
            )

    def _handlers(self) -> dict[str, Any]:
        return {
            "ISA": lambda e, n, s: self.envelope.interchange(e, n),
            "IEA": self.envelope.end_interchange,
            "GS": lambda e, n, s: self.envelope.group(e, n),
            "GE": self.envelope.end_group,
            "ST": self._start_transaction,
            "BHT": self._bht,
            "HL": self._hl,
            "NM1": self._nm1,
            "PER": self._per,
            "PRV": self._prv,
            "N3": self._n3,
            "N4": self._n4,
            "REF": self._ref,
            "DMG": self._dmg,
            "SBR": self._sbr,
            "PAT": self._pat,
            "CLM": self._clm,
            "HI": self._hi,
            "NTE": self._nte,
            "DTP": self._dtp,
            "CAS": self._cas,
            "AMT": self._amt,
            "OI": self._skip,
            "LX": self._lx,
            "SV1": self._sv1,
            "SVD": self._svd,
            "CL1": self._institutional,
            "SV2": self._institutional,
        }

    def _skip(self, e: list[str], number: int, seg: str) -> None:
        return

    def _other(self, tag: str, number: int, seg: str) -> None:
        if not tag.isalnum() or not 2 <= len(tag) <= 3:
            self._error(
                "x12.segment.id",
                f"{tag[:10]!r} is not a segment id (expected 2-3 letters and digits)",
                number,
                seg,
            )
        elif self._tx is None:
            self._error("x12.segment.place", f"{tag} outside a transaction set", number, seg)
        # Other segments of the guide (PWK, CN1, CR1, K3, QTY ...) are not kept.

    def _need_tx(self, number: int, seg: str) -> bool:
        if self._tx is None:
            tag = seg.split(self._sep, 1)[0]
            self._error("x12.segment.place", f"{tag} outside a transaction set", number, seg)
            return False
        return True

    # -- envelope and header -------------------------------------------------------------------

    def _start_transaction(self, e: list[str], number: int, seg: str) -> None:
        self.envelope.enveloped = self.source.enveloped
        self.envelope.transaction(e, number, seg)
        if self._tx is not None:
            self._report(
                Severity.ERROR,
                "x837.truncated",
                f"transaction set {self._tx['control_number']} has no SE: none of its claims "
                "were read",
                self._tx["segment"],
                None,
            )
        self._reset_transaction()
        kind = e[1]
        gs = [*(self.envelope.gs or ()), *_PAD]
        version = e[3] or gs[8]
        if kind != "837":
            self._report(
                Severity.ERROR,
                "x837.not_837",
                f"transaction set {kind or '(blank)'} is not an 837P claim; skipped",
                number,
                seg,
            )
            self._skipping = True
            return
        if version != VERSION:
            what = (
                "an 837I (institutional) claim"
                if "X223" in version
                else "an 837D (dental) claim"
                if "X224" in version
                else f"version {version or '(blank)'}"
            )
            self._report(
                Severity.ERROR,
                "x837.not_837p",
                f"this transaction set is {what}, not an 837P ({VERSION}); skipped",
                number,
                seg,
            )
            self._skipping = True
            return
        isa = [*(self.envelope.isa or ()), *_PAD]
        self._tx = {
            "file": self.file,
            "control_number": e[2],
            "interchange_control": isa[13],
            "group_control": gs[6],
            "sender_id": gs[2],
            "receiver_id": gs[3],
            "reference": "",
            "created": None,
            "submitter": Submitter("", ""),
            "receiver_name": "",
            "receiver_id_code": "",
            "version": version,
            "segment": number,
        }
        self._loop = "header"

    def _reset_transaction(self) -> None:
        self._tx = None
        self._tx_bad = False
        self._skipping = False
        self._tx_claims = []
        self._claim = None
        self._billing = self._billing_record = None
        self._subscriber = self._sub_member = self._payer = self._patient = None
        self._entity = None
        self._loop = ""

    def _end_transaction(
        self, e: list[str], number: int, seg: str
    ) -> Iterator[tuple[ClaimBatch, Claim837]]:
        self._finish_claim()
        closed = self.envelope.end_transaction(e, number, seg)
        tx = self._tx
        if tx is None or not closed:
            self._reset_transaction()
            return
        if self._tx_bad:
            self._report(
                Severity.ERROR,
                "x837.transaction.rejected",
                f"transaction set {tx['control_number']} has errors in its header or provider "
                "loops: none of its claims were read",
                tx["segment"],
                None,
            )
            self._reset_transaction()
            return
        claims = self._tx_claims
        header = ClaimBatch(**tx, segment_count=number - tx["segment"] + 1)
        self.batches.append(header)
        self._reset_transaction()
        for claim in claims:
            yield header, claim

    def _bht(self, e: list[str], number: int, seg: str) -> None:
        if self._need_tx(number, seg):
            assert self._tx is not None
            self._tx["purpose"] = e[2]
            self._tx["reference"] = e[3]
            self._tx["created"] = self._date(e[4]) if e[4] else None
            self._tx["claim_type"] = e[6]

    def _per(self, e: list[str], number: int, seg: str) -> None:
        if self._loop == "1000A" and self._tx is not None:
            sub: Submitter = self._tx["submitter"]
            phone = next((e[i + 1] for i in (3, 5, 7) if e[i] == "TE"), "")
            self._tx["submitter"] = sub._replace(contact_name=text_value(e[2]), phone=phone)

    # -- hierarchy and names -------------------------------------------------------------------

    def _hl(self, e: list[str], number: int, seg: str) -> None:
        if not self._need_tx(number, seg):
            return
        self._finish_claim()
        level = e[3]
        self._entity = None
        if level == "20":
            self._loop = "2000A"
            self._billing = {"segment": number}
            self._billing_record = None
            self._subscriber = self._sub_member = self._payer = self._patient = None
        elif level == "22":
            self._loop = "2000B"
            self._subscriber = None
            self._sub_member = self._payer = self._patient = None
            self._relationship = ""
        elif level == "23":
            self._loop = "2000C"
            self._patient = None
        else:
            self._error("x837.hl.level", f"HL03 {level!r} is not 20, 22 or 23", number, seg)

    def _name(self, e: list[str], number: int) -> dict[str, Any]:
        person = e[2] != "2"
        return {
            "last_name": text_value(e[3]),
            "first_name": text_value(e[4]) if person else "",
            "middle_name": text_value(e[5]) if person else "",
            "suffix": text_value(e[7]) if person else "",
            "segment": number,
        }

    def _nm1(self, e: list[str], number: int, seg: str) -> None:
        if not self._need_tx(number, seg):
            return
        entity = e[1]
        claim = self._claim
        self._entity = None
        if claim is not None:
            self._claim_name(claim, entity, e, number, seg)
            return
        if entity == "41":
            self._loop = "1000A"
            assert self._tx is not None
            self._tx["submitter"] = Submitter(text_value(e[3]), e[9], is_organization=e[2] != "1")
        elif entity == "40":
            self._loop = "1000B"
            assert self._tx is not None
            self._tx["receiver_name"] = text_value(e[3])
            self._tx["receiver_id_code"] = e[9]
        elif entity == "85" and self._billing is not None:
            self._billing.update(self._name(e, number), entity="85", npi=e[9])
            self._billing["is_organization"] = e[2] == "2"
            self._entity = self._billing
        elif entity == "IL" and self._loop == "2000B":
            self._sub_member = {**self._name(e, number), "id_qualifier": e[8], "id": e[9]}
            self._entity = self._sub_member
        elif entity == "PR" and self._loop == "2000B":
            self._payer = {
                "name": text_value(e[3]),
                "id_qualifier": e[8],
                "id": e[9],
                "segment": number,
            }
            self._entity = self._payer
        elif entity == "QC" and self._loop == "2000C":
            self._patient = self._name(e, number)
            self._entity = self._patient
        # 87 pay-to, PE pay-to plan and others are not kept

    def _claim_name(self, claim: _Claim, entity: str, e: list[str], number: int, seg: str) -> None:
        name = self._name(e, number)
        if claim.adjudication is not None:
            self._finish_adjudication(claim)
        if claim.line is not None:
            if entity == "82":
                claim.line["rendering_provider"] = self._provider_fields(name, e)
                self._entity = claim.line["rendering_provider"]
            return
        if claim.other is not None:
            if entity == "IL":
                member = {**name, "id_qualifier": e[8], "id": e[9]}
                claim.other["subscriber"] = member
                self._entity = member
            elif entity == "PR":
                payer = {
                    "name": name["last_name"],
                    "id_qualifier": e[8],
                    "id": e[9],
                    "segment": number,
                }
                claim.other["payer"] = payer
                self._entity = payer
            return
        key = {"82": "rendering_provider", "DN": "referring_provider"}.get(entity)
        if key is not None:
            claim.fields[key] = self._provider_fields(name, e)
            self._entity = claim.fields[key]

    @staticmethod
    def _provider_fields(name: dict[str, Any], e: list[str]) -> dict[str, Any]:
        return {**name, "entity": e[1], "npi": e[9], "is_organization": e[2] == "2"}

    def _n3(self, e: list[str], number: int, seg: str) -> None:
        if self._entity is not None:
            self._entity["address"] = tuple(text_value(x) for x in e[1:3] if x)

    def _n4(self, e: list[str], number: int, seg: str) -> None:
        if self._entity is not None:
            self._entity["city"] = text_value(e[1])
            self._entity["state"] = e[2]
            self._entity["postal_code"] = e[3]

    def _dmg(self, e: list[str], number: int, seg: str) -> None:
        if self._entity is not None:
            self._entity["birth_date"] = self._date(e[2]) if e[2] else None
            self._entity["gender"] = e[3]

    def _prv(self, e: list[str], number: int, seg: str) -> None:
        if self._claim is not None:
            if self._entity is not None and e[1] == "PE":
                self._entity["taxonomy"] = e[3]
        elif self._billing is not None and e[1] == "BI":
            self._billing["taxonomy"] = e[3]

    def _ref(self, e: list[str], number: int, seg: str) -> None:
        qualifier, value = e[1], e[2]
        claim = self._claim
        if claim is None:
            if (
                self._entity is not None
                and self._entity is self._billing
                and qualifier
                in (
                    "EI",
                    "SY",
                )
            ):
                self._billing["tax_id_qualifier"] = qualifier
                self._billing["tax_id"] = value
            return
        if claim.line is not None:
            if self._entity is not None:
                return  # 2420A REF (secondary ids): not kept
            if qualifier == "6R":
                claim.line["control_number"] = value
            elif qualifier == "G1":
                claim.line["prior_authorization"] = value
            return
        if claim.other is not None:
            if qualifier == "F8" and "payer" in claim.other:
                claim.other["claim_control_number"] = value
            return
        if self._entity is not None:
            return  # 2310B REF: not kept
        fields = claim.fields
        if qualifier == "F8":
            fields["payer_claim_control_number"] = value
        elif qualifier == "G1":
            fields["prior_authorization"] = value
        else:
            fields["references"] = (*fields.get("references", ()), (qualifier, value))

    # -- subscriber and patient ----------------------------------------------------------------

    def _sbr(self, e: list[str], number: int, seg: str) -> None:
        if not self._need_tx(number, seg):
            return
        fields = {
            "payer_responsibility": e[1],
            "relationship": e[2],
            "group_number": e[3],
            "plan_name": text_value(e[4]),
            "filing_indicator": e[9],
            "segment": number,
        }
        claim = self._claim
        if claim is not None:  # 2320
            self._finish_line(claim)
            self._finish_other(claim)
            claim.other = fields
            self._entity = None
            return
        if self._loop != "2000B":
            self._error("x837.sbr.place", "SBR outside a subscriber level (HL 22)", number, seg)
            return
        self._subscriber = fields

    def _pat(self, e: list[str], number: int, seg: str) -> None:
        if self._loop == "2000C":
            self._relationship = e[1]

    # -- the claim -----------------------------------------------------------------------------

    def _clm(self, e: list[str], number: int, seg: str) -> None:
        if not self._need_tx(number, seg):
            return
        self._finish_claim()
        self._entity = None
        billing, subscriber = self._billing_provider(number, seg), self._subscriber_record()
        if billing is None or subscriber is None:
            self._report(
                Severity.ERROR,
                "x837.clm.place",
                "CLM without a billing provider (HL 20, NM1*85) and subscriber with payer "
                "(HL 22, SBR, NM1*IL, NM1*PR) before it",
                number,
                seg,
            )
            self._claim = _Claim({}, number)
            self._claim.bad = True
            return
        place = e[5].split(self._comp)
        fields: dict[str, Any] = {
            "patient_control_number": e[1],
            "place_of_service": place[0],
            "facility_qualifier": place[1] if len(place) > 1 else "",
            "frequency": place[2] if len(place) > 2 else "",
            "provider_signature": e[6],
            "assignment": e[7],
            "benefits_assignment": e[8],
            "release_of_information": e[9],
            "billing_provider": billing,
            "subscriber": subscriber,
            "file": self.file,
            "segment": number,
        }
        if self._patient is not None:
            fields["patient"] = Member(**self._patient)
            fields["patient_relationship"] = self._relationship
        self._claim = _Claim(fields, number)
        try:
            fields["charge"] = self._amount(e[2])
        except BadValue:
            self._error("x837.clm.charge", f"CLM02 {e[2]!r} is not an amount", number, seg)
        if not fields["patient_control_number"]:
            self._error("x837.clm.id", "CLM01 (the patient control number) is empty", number, seg)
        if not fields["place_of_service"] or not fields["frequency"]:
            self._error(
                "x837.clm.place_of_service",
                "CLM05 must give the place of service and the claim frequency (e.g. 11:B:1)",
                number,
                seg,
            )

    def _billing_provider(self, number: int, seg: str) -> Provider | None:
        if self._billing_record is None and self._billing and "entity" in self._billing:
            self._billing_record = Provider(**self._billing)
        return self._billing_record

    def _subscriber_record(self) -> Subscriber | None:
        if self._subscriber is None or self._sub_member is None or self._payer is None:
            return None
        return Subscriber(
            member=Member(**self._sub_member), payer=Payer(**self._payer), **self._subscriber
        )

    def _hi(self, e: list[str], number: int, seg: str) -> None:
        claim = self._claim
        if claim is None:
            return
        codes = list(claim.fields.get("diagnoses", ()))
        for item in e[1:]:
            if item:
                parts = item.split(self._comp)
                codes.append(Diagnosis(parts[0], parts[1] if len(parts) > 1 else ""))
        claim.fields["diagnoses"] = tuple(codes)

    def _nte(self, e: list[str], number: int, seg: str) -> None:
        claim = self._claim
        if claim is None:
            return
        target = claim.line if claim.line is not None else claim.fields
        target["note"] = text_value(e[2])

    def _dtp(self, e: list[str], number: int, seg: str) -> None:
        claim = self._claim
        if claim is None:
            return
        qualifier, form, value = e[1], e[2], e[3]
        if qualifier == "472" and claim.line is not None and claim.adjudication is None:
            if form == "RD8":
                start, _, end = value.partition("-")
                claim.line["service_date"] = self._date(start)
                claim.line["service_date_end"] = self._date(end)
            else:
                claim.line["service_date"] = self._date(value)
        elif qualifier == "573":
            if claim.adjudication is not None:
                claim.adjudication["paid_date"] = self._date(value)
            elif claim.other is not None:
                claim.other["adjudication_date"] = self._date(value)

    def _cas(self, e: list[str], number: int, seg: str) -> None:
        claim = self._claim
        if claim is None:
            return
        target = claim.adjudication if claim.adjudication is not None else claim.other
        if target is None:
            self._error("x837.cas.place", "CAS outside loop 2320 or 2430", number, seg)
            return
        group = e[1]
        found = list(target.get("adjustments", ()))
        for i in range(2, 19, 3):  # CAS holds six reason/amount/quantity triples
            reason = e[i]
            if not reason:
                continue
            quantity = e[i + 2]
            found.append(
                Adjustment(
                    group, reason, self._amount(e[i + 1]), self._opt_amount(quantity), number
                )
            )
        target["adjustments"] = tuple(found)

    def _amt(self, e: list[str], number: int, seg: str) -> None:
        claim = self._claim
        if claim is None:
            return
        qualifier, value = e[1], e[2]
        if claim.adjudication is not None:
            if qualifier == "EAF":
                claim.adjudication["remaining_patient_liability"] = self._amount(value)
        elif claim.other is not None:
            if qualifier == "D":
                claim.other["paid"] = self._amount(value)
            elif qualifier == "EAF":
                claim.other["remaining_patient_liability"] = self._amount(value)

    def _lx(self, e: list[str], number: int, seg: str) -> None:
        claim = self._claim
        if claim is None:
            self._error("x837.lx.place", "LX outside a claim (CLM)", number, seg)
            return
        self._finish_line(claim)
        self._finish_other(claim)
        self._entity = None
        try:
            line_number = int(e[1])
        except ValueError:
            self._error("x837.lx", f"LX01 {e[1]!r} is not a line number", number, seg)
            line_number = 0
        claim.line = {"number": line_number, "segment": number}

    def _sv1(self, e: list[str], number: int, seg: str) -> None:
        claim = self._claim
        if claim is None or claim.line is None:
            self._error("x837.sv1.place", "SV1 outside a service line (LX)", number, seg)
            return
        line = claim.line
        procedure = self._procedure(e[1])
        if procedure.qualifier not in ("HC", "WK", "ER", "IV") or not procedure.code:
            self._error(
                "x837.sv1.procedure",
                f"SV101 {e[1]!r} is not a qualified procedure code (HC:code)",
                number,
                seg,
            )
        line["procedure"] = procedure
        line["charge"] = self._amount(e[2])
        line["unit_basis"] = e[3]
        line["units"] = self._amount(e[4])
        line["place_of_service"] = e[5]
        pointers = e[7]
        try:
            line["diagnosis_pointers"] = tuple(int(p) for p in pointers.split(self._comp) if p)
        except ValueError:
            self._error("x837.sv1.pointer", f"SV107 {pointers!r} is not 1-12", number, seg)

    def _svd(self, e: list[str], number: int, seg: str) -> None:
        claim = self._claim
        if claim is None or claim.line is None:
            self._error("x837.svd.place", "SVD outside a service line (LX)", number, seg)
            return
        if claim.adjudication is not None:
            self._finish_adjudication(claim)
        self._entity = None
        claim.adjudication = {
            "payer_id": e[1],
            "paid": self._amount(e[2]),
            "procedure": self._procedure(e[3]),
            "units": self._amount(e[5]),
            "bundled_line": e[6],
            "segment": number,
        }

    def _institutional(self, e: list[str], number: int, seg: str) -> None:
        self._error(
            "x837.not_837p",
            f"{e[0]} is an institutional (837I) segment: this is not a professional claim",
            number,
            seg,
        )

    # -- finishing records ---------------------------------------------------------------------

    def _finish_adjudication(self, claim: _Claim) -> None:
        adjudication, claim.adjudication = claim.adjudication, None
        if adjudication is not None and claim.line is not None:
            found = claim.line.setdefault("adjudications", [])
            found.append(LineAdjudication(**adjudication))

    def _finish_line(self, claim: _Claim) -> None:
        self._finish_adjudication(claim)
        line, claim.line = claim.line, None
        if line is None or claim.bad:
            return  # a claim with an error is dropped whole
        if "procedure" not in line:
            self._report(
                Severity.ERROR,
                "x837.sv1.missing",
                "service line has no SV1 (procedure, charge and units)",
                line["segment"],
                None,
            )
            claim.bad = True
            return
        rendering = line.get("rendering_provider")
        if rendering is not None:
            line["rendering_provider"] = Provider(**rendering)
        line["adjudications"] = tuple(line.get("adjudications", ()))
        line.setdefault("service_date", None)
        claim.lines.append(ServiceLine837(**line))

    def _finish_other(self, claim: _Claim) -> None:
        other, claim.other = claim.other, None
        if other is None or claim.bad:
            return
        if "subscriber" not in other or "payer" not in other:
            self._report(
                Severity.ERROR,
                "x837.other_payer",
                "other payer (loop 2320) has no subscriber (2330A NM1*IL) or payer (2330B NM1*PR)",
                other["segment"],
                None,
            )
            claim.bad = True
            return
        other["subscriber"] = Member(**other["subscriber"])
        other["payer"] = Payer(**other["payer"])
        other.setdefault("relationship", "")
        claim.others.append(OtherPayer(**other))

    def _finish_claim(self) -> None:
        claim, self._claim = self._claim, None
        if claim is None:
            return
        self._finish_line(claim)
        self._finish_other(claim)
        fields = claim.fields
        if not claim.bad:
            if not fields.get("diagnoses"):
                self._report(
                    Severity.ERROR,
                    "x837.hi.missing",
                    "claim has no diagnosis (HI)",
                    claim.number,
                    None,
                )
                claim.bad = True
            if not claim.lines:
                self._report(
                    Severity.ERROR,
                    "x837.lines.missing",
                    "claim has no service line (LX/SV1)",
                    claim.number,
                    None,
                )
                claim.bad = True
        if claim.bad:
            return
        for key in ("rendering_provider", "referring_provider"):
            if fields.get(key) is not None:
                fields[key] = Provider(**fields[key])
        fields["lines"] = tuple(claim.lines)
        fields["other_payers"] = tuple(claim.others)
        self._tx_claims.append(Claim837(**fields))


def _open(source: str | os.PathLike[str] | bytes, file: str | None) -> tuple[BinaryIO, str]:
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source), file or "<bytes>"
    path = Path(source)
    return path.open("rb"), file or str(source)


def read_837(source: str | os.PathLike[str] | bytes, *, file: str | None = None) -> Read837:
    """Read a whole 837P file (a path or the bytes). A file that cannot be opened raises OSError."""
    stream, name = _open(source, file)
    with stream:
        return Reader837(stream, name).read()


def read_837_file(path: str | os.PathLike[str]) -> Read837:
    """Like :func:`read_837`, but a file that cannot be opened becomes a finding too."""
    try:
        return read_837(path)
    except OSError as exc:
        finding = Finding(
            Severity.ERROR,
            "file.unreadable",
            f"cannot read the file: {exc.strerror or exc}",
            str(path),
        )
        return Read837(str(path), (), (finding,), 0)


def iter_claims_837(
    source: str | os.PathLike[str] | bytes, *, file: str | None = None
) -> Iterator[tuple[ClaimBatch, Claim837]]:
    """Stream ``(batch header, claim)`` pairs without keeping them (findings: use Reader837)."""
    stream, name = _open(source, file)
    with stream:
        yield from Reader837(stream, name).claims()
