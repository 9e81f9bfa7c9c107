"""Composing a packet: the lane's template filled with the claim's facts, then checked.

One packet per claim and lane (``packets_for`` groups a worklist): the lane picks the template in
``templates/`` (Jinja2, Markdown out), :class:`~recoup.letters.context.LetterFacts` and
:mod:`~recoup.letters.exhibits` supply every value with its source, and the rendered Markdown goes
through :func:`~recoup.letters.factcheck.check_letter` before anything is written. A practice may
override a template by putting a file of the same name in ``<practice>/letter_templates/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from recoup.letters.citations import Citation, citations_for
from recoup.letters.context import LetterFacts, era_source, row_source
from recoup.letters.exhibits import (
    ABA_SECTIONS,
    THERAPY_SECTIONS,
    clinical_evidence,
    limits_on_file,
    overlaps,
    remittance_excerpt,
    session_timeline,
    visit_count_table,
)
from recoup.letters.factcheck import check_letter
from recoup.letters.model import AppealStage, Enclosure, Packet, Placeholder
from recoup.letters.payment_plan import installments
from recoup.letters.reader import benefit_words, for_payer, period_words, words
from recoup.money import display_money
from recoup.practice import PayerType
from recoup.records_text import RecordSet
from recoup.textsafe import markdown_escape
from recoup.triage import Evidence, WorkItem
from recoup.triage.facts import payer_type_of, service_kind, waiver_for
from recoup.triage.rules.underpayment import PercentBasis, fee_source, percent_source, shortfall

__all__ = [
    "PAYMENT_PLAN_MONTHS",
    "build_packet",
    "format_date",
    "format_usd",
    "packet_key",
    "packets_for",
]

PAYMENT_PLAN_MONTHS = 6
# Fixed values a template states that are X12 code values, not facts about the claim:
# claim frequency code 7 = replacement of a prior claim (837 CLM05-3).
TEMPLATE_CONSTANTS = (7,)

_TITLES = {
    "recount_dispute": "Benefit count dispute",
    "exception_appeal": "Exception appeal",
    "appeal": "Appeal",
    "corrected_claim": "Corrected claim",
    "bill_other_payer": "Claim to another payer",
    "bill_patient": "Patient statement",
    "write_off": "Write-off memo",
    "review": "Review worksheet",
    "review_takeback": "Takeback review worksheet",
    "underpayment": "Underpayment appeal",
}
NO_LETTER_LANES = frozenset({"review_takeback"})
_TO_PAYER = frozenset(
    {"recount_dispute", "exception_appeal", "appeal", "corrected_claim", "underpayment"}
)
_HEADER = _TO_PAYER | {"bill_other_payer"}  # letters whose header names subscriber and NPI
_BUNDLING = frozenset({"97", "236"})
# recoup's own small bundling table is illustrative (recoup.ncci.ptp.BUNDLED_SOURCE): a letter
# never calls one of its pairs an NCCI edit
_ILLUSTRATIVE = ("ptp_bundled", "illustrative")
# record kinds that are the plan's own terms (a benefit summary, the plan document): only these
# let a letter state what the plan counts toward a benefit as the plan's rule
PLAN_DOCUMENT_KINDS = frozenset(
    {"plan_document", "summary_of_benefits", "benefit_summary", "evidence_of_coverage"}
)


def format_date(value: date | Placeholder | None) -> str | Placeholder:
    """``March 4, 2026`` (no leading zero), the way letters write dates. A fact the inputs do
    not hold (a patient with no birth date on file) stays its placeholder, which the template
    prints as such."""
    if value is None:
        return "[MISSING: date]"
    if isinstance(value, Placeholder):
        return value
    return f"{value:%B} {value.day}, {value.year}"


def format_usd(value: Decimal | None) -> str:
    """``$1,234.50`` / ``-$12.00`` (half-up), or ``-`` for no amount."""
    return "-" if value is None else display_money(value)


class _Markdown(str):
    """Text that is Markdown already (a template helper's output): printed as it is."""

    __slots__ = ()


def _literal(value: Any) -> str:
    """What ``{{ value }}`` prints: every value from the inputs (a name, a note's passage, a
    file name) as literal text, so no input can add a heading, a link, a table cell or bold
    to a letter; the renderers and the fact check read the escapes back (markdown_plain)."""
    if isinstance(value, _Markdown):
        return value
    if isinstance(value, Placeholder):
        return _placeholder(value, full=False)
    return markdown_escape(str(value))


@cache
def _environment(override: str | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.PackageLoader("recoup.letters", "templates")]
    if override:
        loaders.insert(0, jinja2.FileSystemLoader(override))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,  # Markdown out, not HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        finalize=_literal,
    )
    env.filters["long"] = format_date
    env.filters["usd"] = format_usd
    env.filters["md"] = _md
    # a parent block rendered already ({{ super() | rendered }}): its values were escaped then
    env.filters["rendered"] = lambda text: _Markdown(str(text))
    env.filters["with_hint"] = lambda p: _placeholder(p, full=True)
    return env


def _override_folder(facts: LetterFacts) -> str | None:
    if facts.practice is None:
        return None
    folder = Path(facts.practice.folder) / "letter_templates"
    return str(folder) if folder.is_dir() else None


# -- the variables of each lane -------------------------------------------------------------------


def _common(facts: LetterFacts) -> dict[str, Any]:
    lines = facts.line_facts()
    codes: dict[str, dict[str, Any]] = {}
    remarks: dict[str, dict[str, Any]] = {}
    for line in lines:
        for c in line["codes"]:
            codes.setdefault(c["key"], c)
        for r in line["remarks"]:
            remarks.setdefault(r["code"], r)
    first = facts.items[0]
    to_reader = first.lane not in ("write_off", "review")
    evidence = []
    for item in facts.items:
        for found in item.evidence:
            e = _evidence_for_letter(found, to_reader=to_reader)
            if e is not None and e not in evidence:
                evidence.append(e)
    reasons = list(dict.fromkeys(r for item in facts.items for r in item.reasons))
    if to_reader:
        # the rules' reasons are written for the biller: a payer or patient reads them only
        # in plain words, without the warnings and the next steps, and never the illustrative
        # bundling table's pairs as if they were the payer's edits
        reasons = for_payer(r for r in reasons if not _illustrative(r))
    else:
        reasons = [words(r) for r in reasons]
    facts.derived(TEMPLATE_CONSTANTS)
    return {
        "today": facts.today,
        "lane": first.lane,
        "header": first.lane in _HEADER,
        "practice": facts.practice_facts(),
        "payer": facts.payer_facts(addressed=first.lane in _TO_PAYER),
        "patient": facts.patient_facts(header=first.lane in _HEADER),
        "claim": facts.claim_facts(),
        "lines": lines,
        "codes": list(codes.values()),
        "remarks": list(remarks.values()),
        "dates": facts.service_dates(),
        "total": facts.total_denied(),
        "reasons": reasons,
        "evidence": evidence,
        "evidence_sources": [e.source for e in evidence[:3]],
        "action": "; ".join(dict.fromkeys(i.action for i in facts.items if i.action)),
        "rule_missing": list(dict.fromkeys(m for i in facts.items for m in i.missing)),
        "deadline": first.deadline,
        "deadline_from": _deadline_from(facts),
        "timeline": (),
        "overlaps": [],
        "table": None,
        "remit": None,
        "citations": [],
        "clinical": (),
        "variant": "",
        "direction": [],
        "correction_form": first.correction_form,  # reopening, new, replacement, void
        "stage": None,
    }


def _illustrative(text: str) -> bool:
    return any(word in text for word in _ILLUSTRATIVE)


def _evidence_for_letter(e: Evidence, *, to_reader: bool) -> Evidence | None:
    """The evidence as a letter states it: a pair from recoup's illustrative bundling table is
    left out of a letter to a payer (it is not the payer's edit) and named for what it is in a
    memo; the rest in plain words."""
    if _illustrative(e.text) or _illustrative(e.fact):
        if to_reader:
            return None
        pair = re.match(
            r"NCCI PTP edit column 1 (\S+) / column 2 (\S+), modifier indicator (\S+?),", e.fact
        )
        what = f"{pair[1]} / {pair[2]} (modifier indicator {pair[3]})" if pair else words(e.fact)
        return Evidence(
            e.text,
            f"{what}: a pair in recoup's illustrative bundling table, not the CMS NCCI file; "
            "the payer's own edit is not known",
        )
    if to_reader and re.search(r"\bnote_ref\b|^records/", e.fact):
        return None  # where a note is filed: the biller's matter; the letter encloses it
    return Evidence(e.text, words(e.fact))


def _deadline_from(facts: LetterFacts) -> str:
    """What the filing period counts from, for the reader: the deadline's basis is the
    biller's (settings, defaults, rule citations)."""
    basis = facts.items[0].deadline.basis
    day = facts.items[0].service_date
    if "date of service" in basis and day is not None:
        return f"the date of service, {format_date(day)}"
    received = re.search(r"counted from receipt recorded[^\d]*(\d{4}-\d{2}-\d{2})", basis)
    if received:
        on = date.fromisoformat(received.group(1))
        return f"our receipt of your remittance advice on {format_date(on)}"
    notice = facts.remittance.notice_date
    return (
        f"your remittance advice of {format_date(notice)}" if notice else "your remittance advice"
    )


def _is_behavioral(facts: LetterFacts) -> bool:
    return any(service_kind(i.code) == "behavioral health" for i in facts.items)


def _is_medicare(facts: LetterFacts) -> bool:
    return payer_type_of(facts.ctx).type is PayerType.MEDICARE


def _cite_table(facts: LetterFacts, situation: str) -> list[Citation]:
    found = list(citations_for(situation, facts.items[0].service_date))
    for c in found:
        facts.known(c.title, c.text, c.amount, c.year)
        facts.name(c.source, f"{c.title}, {c.url}")
    return found


def _count_vars(
    facts: LetterFacts,
    out: dict[str, Any],
    records: RecordSet | None = None,
    *,
    required: bool = True,
) -> None:
    """The date-by-date count (Exhibit A); a placeholder when a recount needs it and the
    practice has no visit-unit benefit for the code."""
    table = visit_count_table(facts)
    if table is None:
        if required:
            out["no_table"] = facts.missing(
                "the benefit limit and the visit log for this patient",
                "add them to benefits.csv and visits.csv to build the date-by-date count",
            )
        return
    rec = table.reconciliation
    facts.exhibit = True
    plan_docs = [
        d
        for d in (records.documents(facts.patient_id) if records and facts.patient_id else ())
        if d.kind in PLAN_DOCUMENT_KINDS
    ]
    plan_doc = plan_docs[0] if plan_docs else None
    if plan_doc is not None:
        facts.known(plan_doc.date)
    out.update(
        table=table,
        rec=rec,
        period=rec.period,
        period_label=period_words(str(table.benefit.period)),
        benefit_label=benefit_words(table.benefit.benefit),
        denial_date=rec.denial_date or facts.items[0].service_date,
        visits_source=facts.name("visits.csv and the remittance history", "Exhibit A"),
        counted_dates=rec.should_dates,
        plan_doc=(
            {
                "title": plan_doc.kind.replace("_", " ")
                + (f" of {format_date(plan_doc.date)}" if plan_doc.date else ""),
                "source": facts.name(plan_doc.file, "the enclosed plan document"),
            }
            if plan_doc is not None
            else None
        ),
    )
    facts.known(table.benefit.benefit, table.benefit.counts_codes, table.benefit.excludes_codes)


def _timeline_vars(
    facts: LetterFacts, out: dict[str, Any], records: RecordSet | None = None
) -> None:
    if not any(i.reason_code in _BUNDLING for i in facts.items):
        return
    rows = session_timeline(facts)
    out["timeline"] = rows
    out["overlaps"] = overlaps(rows)
    if not rows:
        return
    facts.exhibit = True
    by_code = {r.code: r for r in rows}
    analyst, tech = by_code.get("97155"), by_code.get("97153")
    if analyst and tech and (analyst, tech) in _pairs(out["overlaps"]):
        # 97155 directing 97153 at the same time: the 97155 descriptor and its guidance, never
        # the 59/X "distinct services" policy, which argues the services were apart
        out["variant"] = "concurrent"
        out["analyst"], out["tech"] = analyst, tech
        out["direction"] = _direction_passages(facts, analyst.note, records)
        if out["lane"] == "appeal":
            out["citations"] = _cite_table(facts, "aba_concurrent")
    elif not out["overlaps"] and all(r.start for r in rows):
        out["variant"] = "distinct"
        out["citations"] = _cite_table(facts, "ncci_modifier")


def _pairs(overlapping: list[tuple[Any, Any]]) -> set[tuple[Any, Any]]:
    return {(a, b) for a, b in overlapping} | {(b, a) for a, b in overlapping}


_DIRECTION_WORDS = ("direct", "directed", "directing", "direction", "protocol", "modified")


def _direction_passages(facts: LetterFacts, note: str, records: RecordSet | None) -> list[Any]:
    """The session note's passages about the analyst directing the technician."""
    if records is None or not note or facts.patient_id is None:
        return []
    name = Path(note).name
    found = [
        p
        for p in records.find(facts.patient_id, words=_DIRECTION_WORDS)
        if Path(p.file).name == name
    ]
    facts.known([(p.text, p.cells, p.date) for p in found])
    return found[:4]


def _exception_vars(facts: LetterFacts, records: RecordSet | None, out: dict[str, Any]) -> None:
    behavioral = _is_behavioral(facts)
    out["variant"] = "aba" if behavioral else ("medicare" if _is_medicare(facts) else "plan")
    plan = ABA_SECTIONS if behavioral else THERAPY_SECTIONS
    out["clinical"] = clinical_evidence(facts, records, plan)
    out["limits"] = limits_on_file(facts)
    if not out["clinical"]:
        out["no_clinical"] = facts.missing(
            "clinical documentation (diagnoses, objective measures, goals, plan of care)",
            f"add it for patient {facts.patient_id or '?'} to records/ and records/index.csv",
        )
    if behavioral:
        out["citations"] = _cite_table(facts, "parity")
    elif _is_medicare(facts):
        out["citations"] = _cite_table(facts, "medicare_therapy")
    _count_vars(facts, out, records, required=False)


def _other_payer_vars(facts: LetterFacts, out: dict[str, Any]) -> None:
    others = facts.other_coverages()
    practice = facts.practice
    # CO-297: the medical plan has no benefits for the service and it belongs with the vision
    # plan; the vision plan is then the right payer for it, not a secondary payer
    vision = any(i.reason_code == "297" for i in facts.items) or any(
        service_kind(i.code) == "vision" for i in facts.items
    )
    if others:
        cov = others[0]
        info = practice.payer(cov.payer_id) if practice is not None else None
        facts.known(cov.payer_name, cov.payer_id, cov.member_id, cov.plan_name, cov.group_number)
        address: Any = info.appeal_address if info and info.appeal_address else None
        if address:
            facts.known(address)
        source = facts.name(row_source(cov.file, cov.row, "coverages.csv"), "")
        out["other"] = {
            "name": cov.payer_name,
            "plan": cov.plan_name or cov.payer_name,
            "member_id": cov.member_id
            or facts.missing(f"member id with {cov.payer_name}", "add it to coverages.csv"),
            "role": "vision" if vision else ("secondary" if cov.rank > 1 else "other plan"),
            "source": source,
            "address": address
            or facts.missing(
                f"claims address for {cov.payer_name}",
                f"add it to practice.toml [payers.{cov.payer_id}] appeal_address",
            ),
            "address_source": facts.name(f"practice.toml [payers.{cov.payer_id}]", "")
            if address
            else "",
        }
        return
    plan = facts.missing("the plan to bill", "no other coverage on file in coverages.csv")
    out["other"] = {
        "name": plan,
        "plan": plan,
        "member_id": facts.missing("member id with the other plan"),
        "role": "vision" if vision else "other plan",
        "source": "",
        "address": facts.missing("the other plan's claims address"),
        "address_source": "",
    }


def _patient_vars(facts: LetterFacts, out: dict[str, Any], months: int) -> None:
    first = facts.items[0]
    waiver = waiver_for(facts.ctx, facts.patient_id, first.service_date, first.code)
    if waiver is not None:
        facts.known(waiver.signed_date, waiver.codes, waiver.valid_through)
        out["waiver"] = {
            "signed_date": waiver.signed_date,
            "kind": str(waiver.kind),
            "codes": " ".join(waiver.codes),
            "source": facts.name(
                row_source(waiver.file, waiver.row, "waivers.csv"),
                f"the agreement you signed on {format_date(waiver.signed_date)}",
            ),
        }
    else:
        out["waiver"] = None
    plan = installments(out["total"], months)
    facts.derived(plan, len(plan), list(range(1, len(plan) + 1)), sum(plan))
    out["plan"] = plan
    out["plan_total"] = sum(plan, Decimal(0))
    out["patient_address"] = facts.missing(
        "the patient's mailing address", "patients.csv has no address column"
    )


def _write_off_vars(facts: LetterFacts, out: dict[str, Any]) -> None:
    actions = [i.action for i in facts.items if i.action]
    out["prevention"] = (
        " ".join(dict.fromkeys(actions))
        if actions
        else "Check the benefit counter and the session times before billing."
    )
    if any(i.reason_code in _BUNDLING for i in facts.items):
        _timeline_vars(facts, out)
    if any(i.reason_code in ("119", "35") for i in facts.items):
        _count_vars(facts, out, required=False)


def _underpayment_vars(facts: LetterFacts, out: dict[str, Any]) -> None:
    """Each underpaid line against its contracted rate: the fee schedule row, the allowed
    amount the payer stated (AMT*B6) or implied (charge minus the write-downs), and the
    difference, every one a fact from the inputs or computed from them."""
    shorts = []
    label = facts.remit_label()
    for item in facts.items:
        ctx = item.context
        found = shortfall(ctx) if ctx is not None else None
        line = ctx.item.line if ctx is not None else None
        if found is None or line is None or ctx is None:
            continue
        basis = _percent_vars(facts, found.basis)
        rate_source = facts.name(
            str(fee_source(found.row)),
            "the reference fee schedule (enclosed excerpt)"
            if found.basis
            else "our fee schedule with you (enclosed excerpt)",
        )
        line_source = facts.name(era_source(ctx.file, line.segment, "SVC"), label)
        takers = [
            {
                "key": a.key,
                "amount": a.amount,
                "source": facts.name(era_source(ctx.file, a.segment, "CAS"), label),
            }
            for a in found.takers
        ]
        facts.known(
            found.row.code,
            found.row.modifiers,
            found.row.allowed,
            found.row.valid_from,
            found.row.valid_to,
            found.stated,
            found.units,
            line.charge,
            line.paid,
            *(a.key for a in found.takers),
            *(a.amount for a in found.takers),
        )
        facts.derived(found.contract, found.implied, found.allowed, found.difference)
        shorts.append(
            {
                "date": item.service_date,
                "code": found.row.code,
                "modifiers": " ".join(found.row.modifiers),
                "units": found.units,
                "rate": found.row.allowed,
                "valid_from": found.row.valid_from,
                "valid_to": found.row.valid_to,
                "contract": found.contract,
                "capped": found.contract < (found.row.allowed * found.units),
                "charge": line.charge,
                "stated": found.stated,
                "implied": found.implied,
                "allowed": found.allowed,
                "paid": line.paid,
                "difference": found.difference,
                "write_down": found.write_down,
                "takers": takers,
                "rate_source": rate_source,
                "line_source": line_source,
                **basis,
            }
        )
    out["shorts"] = shorts


def _percent_vars(facts: LetterFacts, basis: PercentBasis | None) -> dict[str, Any]:
    """A rate that is a percentage of another schedule: the percentage (practice.toml), the
    reference schedule's name (its payer's name when practice.toml has that payer, else the
    file) and its rate, so the letter shows the arithmetic rather than only its result."""
    if basis is None:
        return {"percent": None, "reference_rate": None, "schedule": "", "percent_source": ""}
    ref = basis.reference
    payers = {p.payer_id: p.name for p in facts.practice.payers} if facts.practice else {}
    schedule = payers.get(ref.payer_id) or f"fee_schedules/{Path(ref.file).name}"
    facts.known(basis.percent, ref.allowed, schedule)
    return {
        "percent": basis.percent,
        "reference_rate": ref.allowed,
        "schedule": schedule,
        "percent_source": facts.name(str(percent_source(basis)), "our agreement with you"),
    }


def _variables(
    facts: LetterFacts, records: RecordSet | None, months: int
) -> tuple[str, dict[str, Any]]:
    out = _common(facts)
    lane = out["lane"]
    if lane == "recount_dispute":
        _count_vars(facts, out, records)
    elif lane == "exception_appeal":
        _exception_vars(facts, records, out)
    elif lane in ("appeal", "corrected_claim"):
        _timeline_vars(facts, out, records)
        if "KX" in out["action"].split() or (lane == "appeal" and not out["timeline"]):
            plan = ABA_SECTIONS if _is_behavioral(facts) else THERAPY_SECTIONS
            out["clinical"] = clinical_evidence(facts, records, plan)
            if _is_medicare(facts):
                out["citations"] = _cite_table(facts, "medicare_therapy")
    elif lane == "bill_other_payer":
        _other_payer_vars(facts, out)
    elif lane == "bill_patient":
        _patient_vars(facts, out, months)
    elif lane == "write_off":
        _write_off_vars(facts, out)
    elif lane == "underpayment":
        _underpayment_vars(facts, out)
    return f"{lane}.md.j2", out


def _enclosures(facts: LetterFacts, records: RecordSet | None, out: dict[str, Any]) -> None:
    lane = out["lane"]
    sent = lane not in ("write_off", "review")
    notice = format_date(out["claim"]["notice_date"])
    # the remittance goes with the letter cut to this claim (the last exhibit), never whole
    out["remit"] = remittance_excerpt(facts) if sent else None
    enclosures = [Enclosure(f"Remittance advice of {notice}, this claim only (last page)")]
    if out.get("table") is not None:
        enclosures.append(Enclosure("Exhibit A: dates of service in the benefit period"))
    if out.get("timeline"):
        enclosures.append(Enclosure("Exhibit A: session timeline", "visits.csv"))
    if out.get("shorts"):
        rows = ", ".join(dict.fromkeys(s["rate_source"] for s in out["shorts"]))
        enclosures.append(Enclosure("Exhibit A: the contracted rates (our fee schedule)", rows))
    if (
        records is not None
        and facts.patient_id
        and (lane in ("exception_appeal", "appeal") or out.get("clinical"))
    ):
        cited = {p.file for section in out.get("clinical", ()) for p in section.passages}
        notes = {r.note for r in out.get("timeline", ()) if r.note}
        for doc in records.documents(facts.patient_id):
            if doc.file in cited or Path(doc.file).name in notes:
                title = f"{doc.kind.replace('_', ' ')}" + (
                    f" of {format_date(doc.date)}" if doc.date else ""
                )
                enclosures.append(Enclosure(title, doc.file, doc.path, doc.pages))
                facts.known(doc.date)
                _name_passages(facts, out, doc.file, f"the enclosed {title}")
    facts.enclosures = enclosures
    out["enclosures"] = enclosures if sent else []


def _name_passages(facts: LetterFacts, out: dict[str, Any], file: str, label: str) -> None:
    """The sent copy cites a record passage as the enclosed document (and its page, when the
    passage has one); the biller's copy keeps the file and line."""
    passages = [p for section in out.get("clinical", ()) for p in section.passages]
    passages += list(out.get("direction", ()))
    for p in passages:
        if p.file == file:
            page = re.match(r"page \d+", p.locator)
            facts.name(p.source, f"{label}, {page.group()}" if page else label)


# One rendering makes both copies: cite() leaves \x00<n>\x00 for its marker, biller_only()
# wraps text in \x01, pick(biller, sent) writes \x02biller\x03sent\x02, source_list() is \x04.
# (Rendering the template twice cost a third of a letter's time.)
_CITE_MARK = re.compile("\x00(\\d+)\x00")
_BILLER_ONLY = re.compile("\x01([^\x01]*)\x01")
_PICK = re.compile("\x02([^\x02\x03]*)\x03([^\x02\x03]*)\x02")


def _biller_only(text: Any) -> str:
    # the template's own Markdown; a value inside it comes through the ``md`` filter
    return _Markdown(f"\x01{text}\x01")


def _placeholder(value: Placeholder, *, full: bool) -> str:
    """``[MISSING: what]`` (``— hint`` too in the biller's copy): the brackets are the
    placeholder's own Markdown, its words are escaped like any value."""
    hint = f" — {markdown_escape(value.hint)}" if full and value.hint else ""
    return _Markdown(f"[MISSING: {markdown_escape(value.what)}{hint}]")


def _md(value: Any) -> str:
    """The ``md`` filter: a value escaped where the template joins it into its own text."""
    return _Markdown(_literal(value))


def _pick(biller: Any, sent: Any) -> str:
    return _Markdown(f"\x02{_literal(biller)}\x03{_literal(sent)}\x02")


def _cite(facts: LetterFacts) -> Any:
    def cite(*sources: str) -> str:
        return _Markdown(facts.cite(*sources))

    return cite


def _copy(facts: LetterFacts, rendered: str, *, sent: bool) -> str:
    """The biller's copy or the sent copy of the rendered letter."""
    facts.sent = sent
    text = _PICK.sub(lambda m: m[2] if sent else m[1], rendered)
    text = _BILLER_ONLY.sub("" if sent else r"\1", text)
    text = _CITE_MARK.sub(lambda m: facts.marker(int(m[1])), text)
    items = facts.sent_sources.items if sent else facts.sources.items
    listed = "".join(f"{n}. {markdown_escape(s)}\n" for n, s in enumerate(items, 1))
    text = text.replace("\x04", f"## Sources\n\n{listed}" if items or not sent else "")
    return _tidy(text)


def _stage_vars(facts: LetterFacts, stage: AppealStage, out: dict[str, Any]) -> str:
    """A level-2 or level-3 letter: the lane's grounds again, answering the earlier decision
    (its date and reference, as recorded), with this level's own deadline."""
    decided = format_date(stage.decided_on) if stage.decided_on else None
    reference = stage.reference.strip()
    facts.known(stage.number, stage.number - 1, stage.decided_on, reference, stage.deadline)
    facts.allowed.add(stage.deadline_basis)
    recorded = (
        f"level-{stage.number - 1} decision of {stage.decided_on} recorded by "
        f"{stage.recorded_by} (recoup denial history)"
    )
    reviewer = stage.reviewer.strip()
    whose = "the decision" if reviewer else "your decision"  # to an outside reviewer: the payer's
    said = f"{whose} of {decided}" if decided else whose
    if reference:
        said += f", reference {reference}"
    source = facts.name(recorded, said)
    out["stage"] = {
        "number": stage.number,
        "name": stage.name,
        "earlier": stage.earlier_name,
        "decided_on": stage.decided_on
        or facts.missing(
            f"the date of the level-{stage.number - 1} decision", "record it with the outcome"
        ),
        "reference": reference
        or facts.missing(
            f"the reference number of the level-{stage.number - 1} decision",
            "enter it with the outcome (it is on the decision letter)",
        ),
        "source": source,
        "reviewer": reviewer,
        "reviewer_address": facts.missing(
            f"the address of the {reviewer}", "it is on the earlier decision letter"
        )
        if reviewer
        else None,
    }
    out["deadline"] = out["deadline"]._replace(date=stage.deadline, basis=stage.deadline_basis)
    out["deadline_from"] = said.split(", reference")[0]
    out["lane_template"] = f"{out['lane']}.md.j2"
    return f"appeal_level_{min(stage.number, 3)}.md.j2"


def build_packet(
    items: Sequence[WorkItem],
    records: RecordSet | None,
    today: date,
    *,
    months: int = PAYMENT_PLAN_MONTHS,
    stage: AppealStage | None = None,
) -> Packet:
    """The packet for the denials of one claim in one lane; raises FactCheckError when the
    letter would state a fact the inputs do not hold (nothing is written). ``stage`` asks for a
    further appeal level (2 or 3): its letter cites the earlier decision."""
    facts = LetterFacts(items, today)
    template_name, out = _variables(facts, records, months)
    if stage is not None and stage.number >= 2 and out["lane"] in _TO_PAYER:
        template_name = _stage_vars(facts, stage, out)
    _enclosures(facts, records, out)
    out["cite"] = _cite(facts)
    out["biller_only"] = _biller_only
    out["pick"] = _pick
    out["source_list"] = lambda: _Markdown("\x04")
    out["missing"] = facts.placeholders  # filled while the variables were built
    env = _environment(_override_folder(facts))
    # two copies of one letter: the biller's cites files, rows and segments; the one that is
    # sent cites what its reader can see behind them (the remittance of a date, Exhibit A, an
    # enclosed record); both pass the fact check
    rendered = env.get_template(template_name).render(out)
    biller = _copy(facts, rendered, sent=False)
    markdown = _copy(facts, rendered, sent=True)
    first = facts.items[0]
    key = packet_key(first)
    biller_sources = [markdown_escape(s) for s in facts.sources.items]
    check_letter(f"{key}/letter-biller.md", biller, facts.allowed, sources=biller_sources)
    check_letter(
        f"{key}/letter.md",
        markdown,
        facts.allowed,
        checked=biller,
        sources=[markdown_escape(s) for s in facts.sent_sources.items],
    )
    behind = facts.sent_sources.behind
    title = _TITLES.get(first.lane, first.lane)
    if out.get("stage"):
        title = f"Level {out['stage']['number']} appeal: {out['stage']['name']}"
        key = f"{key}-level{out['stage']['number']}"[:120]
    return Packet(
        key=key,
        lane=first.lane,
        title=title,
        claim_id=first.patient_account,
        payer_claim_id=first.payer_claim_id,
        denial_ids=tuple(i.denial_id for i in facts.items),
        amount=out["total"],
        deadline=out["deadline"].date,
        markdown=markdown,
        sources=tuple(facts.sources.items),
        missing=tuple(p.full for p in facts.placeholders),
        enclosures=tuple(facts.enclosures),
        reasons=tuple(dict.fromkeys(r for i in facts.items for r in i.reasons)),
        biller_markdown=biller,
        notes=tuple(
            (note, tuple(behind.get(n, ()))) for n, note in enumerate(facts.sent_sources.items, 1)
        ),
    )


def packet_key(item: WorkItem) -> str:
    """The packet's folder name: ``<CLP01>-<CLP07>-<lane>`` (``<CLP01>-<lane>`` without a payer
    claim number), one per group of :func:`packets_for`; only letters, digits, ``_`` and ``.``
    between the dashes (the numbers come from a remittance, and a folder name must not be able
    to leave the output folder)."""
    parts = [item.patient_account, item.lane]
    if item.payer_claim_id:
        parts.insert(1, item.payer_claim_id)
    safe = "-".join(re.sub(r"[^A-Za-z0-9_.]+", "_", p).strip("._") or "x" for p in parts)
    return safe[:120]


def _tidy(markdown: str) -> str:
    """At most one blank line in a row, and one newline at the end."""
    out: list[str] = []
    for line in markdown.splitlines():
        line = line.rstrip()
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def packets_for(items: Iterable[WorkItem]) -> list[list[WorkItem]]:
    """The work items grouped one group per claim (CLP01 + CLP07) and lane, in worklist order.
    A takeback review (``review_takeback``) has no letter: a person reads the payer's
    overpayment notice first (recoup.triage.takebacks)."""
    groups: dict[tuple[str, str, str], list[WorkItem]] = {}
    for item in items:
        if item.lane in NO_LETTER_LANES:
            continue
        groups.setdefault((item.patient_account, item.payer_claim_id, item.lane), []).append(item)
    return list(groups.values())
