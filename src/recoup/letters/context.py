"""What a letter may say: the facts of one claim's denials, each with the place it came from.

:class:`LetterFacts` gathers, for the work items of one claim in one lane, the practice, payer,
patient, claim, remittance and line facts the templates print, and for each the source a reader
can check ("era.835 segment 18 (CLP)", "patients.csv row 4", "practice.toml [payers.73120]").
Every value it hands to a template is also added to the letter's :class:`AllowedFacts`, the set
the fact check compares the rendered letter against; values the composer computes (a count, a
total, an instalment) are declared with :meth:`LetterFacts.derived`. A fact the data lacks
becomes a :class:`Placeholder`, never a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from recoup.codes import explain, explain_remark
from recoup.letters.factcheck import AllowedFacts
from recoup.letters.model import Enclosure, Placeholder, Sources
from recoup.letters.reader import reader_label
from recoup.money import ZERO
from recoup.practice import Coverage, Practice
from recoup.records import ClaimPayment, Remittance, ServiceLine
from recoup.triage import WorkItem
from recoup.triage.facts import (
    active_coverages,
    patient_id_of,
    patient_of,
    payer_id_of,
    payer_type_of,
    source_of,
)
from recoup.triage.model import DenialContext

__all__ = ["LetterFacts", "era_source", "row_source"]


def era_source(file: str, segment: int, segment_id: str, what: str = "") -> str:
    tail = f", {what}" if what else ""
    return f"{Path(file).name} segment {segment} ({segment_id}{tail})"


def row_source(file: str, row: int, default: str) -> str:
    """``visits.csv row 12`` as triage's evidence writes it; the file alone without a row."""
    if row:
        return str(source_of(file, row, default))
    return str(source_of(file, 0, default)).removesuffix(" row 0")


class LetterFacts:
    """The facts of one claim's denials in one lane, with their sources."""

    def __init__(self, items: Sequence[WorkItem], today: date) -> None:
        if not items:
            raise ValueError("a letter needs at least one denial")
        first = items[0]
        if first.context is None:
            raise ValueError(f"denial {first.denial_id} carries no triage context")
        self.items = tuple(items)
        self.ctx: DenialContext = first.context
        self.today = today
        self.sources = Sources()  # the biller's copy: file, row, segment
        self.sent_sources = Sources()  # the copy that is sent: what the reader can see
        self.labels: dict[str, str] = {}  # source -> what the reader sees ("" = no note)
        self.sent = False  # which copy is being made
        self.cited: list[tuple[str, ...]] = []  # the sources of each cite() call, in order
        self.exhibit = False  # the letter has an Exhibit A (sources in it are cited by it)
        self.allowed = AllowedFacts()
        self.placeholders: list[Placeholder] = []
        self.enclosures: list[Enclosure] = []
        self.allowed.add(today)
        self.practice: Practice | None = self.ctx.practice
        self.claim: ClaimPayment = self.ctx.item.claim
        self.remittance: Remittance = self.ctx.remittance
        self.patient_id = patient_id_of(self.practice, self.claim.patient_control_number)
        # what the rules decided is itself built from the inputs: reasons, evidence, deadline
        for item in self.items:
            self.allowed.add(
                item.reasons,
                [(e.text, e.fact) for e in item.evidence],
                item.missing,
                item.action,
                item.deadline.basis,
                item.deadline.date,
                item.denial_id,
            )

    # -- bookkeeping -------------------------------------------------------------------------

    def cite(self, *sources: str) -> str:
        """A mark for the source marker of ``sources``; :meth:`markers` turns it into the
        biller's ``[3]`` (files, rows, segments) or the sent copy's (what the reader can see),
        so one rendering gives both copies."""
        for source in sources:
            self.allowed.add_text(source)
            self.allowed.add_text(self.label(source))
        self.cited.append(sources)
        return f"\x00{len(self.cited) - 1}\x00"

    def marker(self, call: int) -> str:
        """The marker of cite call ``call`` in the copy being made (see :attr:`sent`)."""
        sources = self.cited[call]
        if not self.sent:
            return self.sources.cite(*sources)
        notes = []
        for source in sources:
            label = self.label(source)
            if label:
                notes.append(label)
                behind = self.sent_sources.behind.setdefault(self.sent_sources.number(label), [])
                if source not in behind:
                    behind.append(source)
        return self.sent_sources.cite(*notes)

    def label(self, source: str) -> str:
        """What the reader of the sent copy can see for ``source`` ("" when nothing)."""
        if source in self.labels:
            return self.labels[source]
        return reader_label(source, exhibit=self.exhibit)

    def name(self, source: str, label: str) -> str:
        """Record what the reader sees for ``source``; returns ``source``."""
        self.labels[source] = label
        return source

    def missing(self, what: str, hint: str = "") -> Placeholder:
        placeholder = Placeholder(what, hint)
        self.allowed.add_text(what)  # built from the inputs' own names and ids
        self.allowed.add_text(hint)
        if placeholder not in self.placeholders:
            self.placeholders.append(placeholder)
        return placeholder

    def known(self, *values: Any) -> None:
        """Values read from the inputs that a template prints."""
        self.allowed.add(*values)

    def derived(self, *values: Any) -> None:
        """Values computed from the inputs (counts, totals, instalments)."""
        self.allowed.add(*values)

    # -- the parties ---------------------------------------------------------------------------

    def practice_facts(self) -> dict[str, Any]:
        p = self.practice
        if p is None:
            name = self.remittance.payee.name
            self.known(name, self.remittance.payee.id)
            return {
                "name": name or self.missing("the practice's name", "add name to practice.toml"),
                "address": self.missing("the practice's address", "add address to practice.toml"),
                "phone": self.missing("the practice's phone", "add phone to practice.toml"),
                "npi": self.remittance.payee.id or self.missing("the practice's NPI"),
                "tax_id": self.missing("the practice's tax id", "add tax_id to practice.toml"),
                "signer_name": self.missing(
                    "the signer's name", "add signer_name to practice.toml"
                ),
                "signer_title": self.missing(
                    "the signer's title", "add signer_title to practice.toml"
                ),
                "source": self.name(
                    era_source(self.ctx.file, self.remittance.segment, "N1*PE"), ""
                ),
            }
        self.known(p.name, p.address, p.phone, p.npi, p.tax_id, p.signer_name, p.signer_title)

        def need(what: str, key: str) -> Placeholder:
            return self.missing(what, f"add {key} to practice.toml")

        return {
            "name": p.name,
            "address": p.address or need("the practice's address", "address"),
            "phone": p.phone or need("the practice's phone", "phone"),
            "npi": p.npi or need("the practice's NPI", "npi"),
            "tax_id": p.tax_id or need("the practice's tax id", "tax_id"),
            "signer_name": p.signer_name or need("the signer's name", "signer_name"),
            "signer_title": p.signer_title or need("the signer's title", "signer_title"),
            "source": self.name("practice.toml", ""),
        }

    def payer_facts(self, *, addressed: bool = True) -> dict[str, Any]:
        """The payer; ``addressed``: the letter goes to its appeals address (a placeholder when
        practice.toml has none)."""
        rem = self.remittance
        payer_id = payer_id_of(rem)
        info = self.practice.payer(payer_id) if self.practice is not None else None
        name = (info.name if info and info.name else "") or rem.payer.name
        self.known(name, payer_id, rem.payer.address, rem.payer.city, rem.payer.postal_code)
        kind = payer_type_of(self.ctx)
        if info is not None and info.appeal_address:
            self.known(info.appeal_address, info.name)
            address: Any = info.appeal_address
            address_source = self.name(f"practice.toml [payers.{payer_id}]", "")
        elif not addressed:
            address = ""
            address_source = ""
        else:
            address = self.missing(
                f"appeals address for {name or payer_id}",
                f"add it to practice.toml [payers.{payer_id or '<payer id>'}] appeal_address",
            )
            address_source = ""
        return {
            "name": name or self.missing("the payer's name"),
            "id": payer_id,
            "type": str(kind.type),
            "type_source": kind.source,
            "appeal_address": address,
            "address_source": address_source,
            "source": f"{Path(self.ctx.file).name} (N1*PR, the payer loop)",
        }

    def remit_label(self) -> str:
        """What the reader calls this claim's remittance: "your remittance advice of <date>" to
        its payer, "<payer>'s remittance advice of <date>" to anyone else."""
        notice = self.remittance.notice_date
        when = f" of {notice:%B} {notice.day}, {notice.year}" if notice else ""
        if self.items[0].lane in ("bill_patient", "bill_other_payer"):
            payer_id = payer_id_of(self.remittance)
            info = self.practice.payer(payer_id) if self.practice is not None else None
            name = (info.name if info and info.name else "") or self.remittance.payer.name
            return f"{name or 'the payer'}'s remittance advice{when}"
        return f"your remittance advice{when}"

    def patient_facts(self, *, header: bool = True) -> dict[str, Any]:
        """The patient; ``header``: the letter's header names the subscriber and the rendering
        provider's NPI (letters to a payer), each a placeholder when the inputs lack it."""
        claim = self.claim
        person = claim.patient
        member_id = person.id if person is not None else ""
        name = person.display_name if person is not None else ""
        birth: date | None = None
        remit = self.remit_label()
        name_source = era_source(self.ctx.file, claim.segment, "CLP", "NM1*QC")
        self.name(name_source, remit)
        birth_source = ""
        if self.practice is not None and self.patient_id is not None:
            record = patient_of(self.practice, self.patient_id)
            if record is not None:
                name = record.display_name
                birth = record.birth_date
                name_source = self.name(row_source(record.file, record.row, "patients.csv"), "")
                birth_source = name_source if birth else ""
        coverage = self.coverage()
        member_source = self.name(
            era_source(self.ctx.file, claim.segment, "CLP", "NM1*QC member id"), remit
        )
        if not member_id and coverage is not None:
            member_id = coverage.member_id
            member_source = self.name(row_source(coverage.file, coverage.row, "coverages.csv"), "")
        insured = claim.insured
        subscriber: Any = insured.display_name if insured is not None else ""
        subscriber_source = (
            self.name(era_source(self.ctx.file, claim.segment, "CLP", "NM1*IL"), remit)
            if subscriber
            else ""
        )
        provider = claim.rendering_provider
        npi: Any = provider.id if provider is not None and provider.id_qualifier == "XX" else ""
        provider_name = provider.display_name if provider is not None else ""
        npi_source = (
            self.name(era_source(self.ctx.file, claim.segment, "CLP", "NM1*82"), remit)
            if npi
            else ""
        )
        self.known(name, birth, member_id, claim.patient_control_number, subscriber, npi)
        self.known(provider_name)
        return {
            "id": self.patient_id or "",
            "name": name or self.missing("the patient's name"),
            "birth_date": birth
            or self.missing("the patient's date of birth", "add birth_date to patients.csv"),
            "birth_source": birth_source,
            "name_source": name_source,
            "member_id": member_id or self.missing("the patient's member id"),
            "member_source": member_source if member_id else "",
            "subscriber": subscriber
            or not header
            or self.missing(
                "the subscriber's name",
                "the remittance names no insured (NM1*IL); if the patient is the subscriber, "
                "write the patient's name",
            ),
            "subscriber_source": subscriber_source,
            "provider": provider_name,
            "provider_npi": npi
            or not header
            or self.missing(
                "the rendering provider's NPI", "the remittance has no NM1*82 with an NPI (XX)"
            ),
            "provider_source": npi_source,
        }

    def coverage(self) -> Coverage | None:
        """The patient's coverage with the payer of this remittance, if the practice has it."""
        payer_id = payer_id_of(self.remittance)
        for cov in active_coverages(self.practice, self.patient_id, self.ctx.item.service_date):
            if cov.payer_id == payer_id:
                return cov
        return None

    def other_coverages(self) -> list[Coverage]:
        payer_id = payer_id_of(self.remittance)
        covs = active_coverages(self.practice, self.patient_id, self.ctx.item.service_date)
        return [c for c in covs if c.payer_id != payer_id]

    # -- the claim -----------------------------------------------------------------------------

    def claim_facts(self) -> dict[str, Any]:
        claim, rem = self.claim, self.remittance
        notice = rem.notice_date
        self.known(
            claim.patient_control_number,
            claim.payer_claim_id,
            claim.charge,
            claim.paid,
            claim.status,
            notice,
            rem.trace_number,
            rem.payment_amount,
            rem.payment_method,
        )
        remit = self.remit_label()
        return {
            "id": claim.patient_control_number,
            "payer_id": claim.payer_claim_id
            or self.missing("the payer's claim number (CLP07 was empty)"),
            "charge": claim.charge,
            "paid": claim.paid,
            "status": claim.status,
            "source": self.name(era_source(self.ctx.file, claim.segment, "CLP"), remit),
            "notice_date": notice,
            "trace": rem.trace_number,
            # BPR follows ST (the remittance's segment); TRN follows BPR
            "remit_source": self.name(
                era_source(self.ctx.file, rem.segment + 1, "BPR", "TRN follows"), remit
            ),
            "file": Path(self.ctx.file).name,
        }

    def line_facts(self) -> list[dict[str, Any]]:
        out = []
        for item in self.items:
            assert item.context is not None
            denied = item.context.item
            line: ServiceLine | None = denied.line
            line_label = self.remit_label()
            codes = []
            for adj in denied.adjustments:
                exp = explain(adj.group, adj.reason, denied.remarks)
                codes.append(
                    {
                        "key": adj.key,
                        "amount": adj.amount,
                        "description": exp.description,
                        "source": self.name(
                            era_source(self.ctx.file, adj.segment, "CAS"), line_label
                        ),
                    }
                )
                self.known(adj.key, adj.group, adj.reason, adj.amount, exp.description)
            remarks = []
            for code in denied.remarks:
                text = explain_remark(code).description
                remarks.append({"code": code, "description": text})
                self.known(code, text)
            proc = denied.procedure
            self.known(
                item.code,
                item.modifiers,
                item.service_date,
                item.denied_amount,
                line.charge if line else None,
                line.paid if line else None,
                line.units if line else None,
                line.original_units if line else None,
            )
            # SVC05 is the units paid; SVC07 the units billed when the payer paid fewer
            paid_units = line.units if line is not None else None
            billed_units = (
                line.original_units
                if line is not None and line.original_units is not None
                else paid_units
            )
            out.append(
                {
                    "denial_id": item.denial_id,
                    "code": item.code or "(whole claim)",
                    "modifiers": " ".join(proc.modifiers) if proc else "",
                    "units": billed_units,
                    "paid_units": paid_units,
                    "date": item.service_date,
                    "charge": line.charge if line else self.claim.charge,
                    "paid": line.paid if line else self.claim.paid,
                    "denied": item.denied_amount,
                    "codes": codes,
                    "remarks": remarks,
                    "source": self.name(era_source(self.ctx.file, line.segment, "SVC"), line_label)
                    if line is not None
                    else era_source(self.ctx.file, self.claim.segment, "CLP"),
                }
            )
        return out

    def total_denied(self) -> Decimal:
        total = sum((i.denied_amount for i in self.items), ZERO)
        self.derived(total)
        return total

    def service_dates(self) -> list[date]:
        days = sorted({i.service_date for i in self.items if i.service_date is not None})
        return days
