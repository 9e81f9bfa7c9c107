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
from recoup.letters.context import LetterFacts, row_source
from recoup.letters.exhibits import (
    ABA_SECTIONS,
    THERAPY_SECTIONS,
    clinical_evidence,
    limits_on_file,
    overlaps,
    session_timeline,
    visit_count_table,
)
from recoup.letters.factcheck import check_letter
from recoup.letters.model import Enclosure, Packet
from recoup.letters.payment_plan import installments
from recoup.money import display_money
from recoup.practice import PayerType
from recoup.records_text import RecordSet
from recoup.triage import Evidence, WorkItem
from recoup.triage.facts import payer_type_of, service_kind, waiver_for

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
}
_TO_PAYER = frozenset({"recount_dispute", "exception_appeal", "appeal", "corrected_claim"})
_BUNDLING = frozenset({"97", "236"})


def format_date(value: date | None) -> str:
    """``March 4, 2026`` (no leading zero), the way letters write dates."""
    if value is None:
        return "[MISSING: date]"
    return f"{value:%B} {value.day}, {value.year}"


def format_usd(value: Decimal | None) -> str:
    """``$1,234.50`` / ``-$12.00`` (half-up), or ``-`` for no amount."""
    return "-" if value is None else display_money(value)


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
    )
    env.filters["long"] = format_date
    env.filters["usd"] = format_usd
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
    evidence = []
    for item in facts.items:
        for e in item.evidence:
            shown = Evidence(e.text, e.fact)  # letters cite a source by its words
            if shown not in evidence:
                evidence.append(shown)
    reasons = list(dict.fromkeys(r for item in facts.items for r in item.reasons))
    facts.derived(TEMPLATE_CONSTANTS)
    return {
        "today": facts.today,
        "lane": first.lane,
        "practice": facts.practice_facts(),
        "payer": facts.payer_facts(addressed=first.lane in _TO_PAYER),
        "patient": facts.patient_facts(),
        "claim": facts.claim_facts(),
        "lines": lines,
        "codes": list(codes.values()),
        "remarks": list(remarks.values()),
        "dates": facts.service_dates(),
        "total": facts.total_denied(),
        "reasons": [_payer_safe(r) for r in reasons],
        "evidence": evidence,
        "evidence_sources": [e.source for e in evidence[:3]],
        "action": "; ".join(dict.fromkeys(i.action for i in facts.items if i.action)),
        "rule_missing": list(dict.fromkeys(m for i in facts.items for m in i.missing)),
        "deadline": first.deadline,
        "timeline": (),
        "overlaps": [],
        "table": None,
        "citations": [],
        "clinical": (),
        "variant": "",
        "direction": [],
    }


def _payer_safe(sentence: str) -> str:
    """A rule's reason without recoup's internal references ("(DOMAIN.md §4.4)")."""
    return re.sub(r"\s*\((?:see )?(?:docs/domain\.md|DOMAIN(?:\.md)?) §[\d.]+\)", "", sentence)


def _is_behavioral(facts: LetterFacts) -> bool:
    return any(service_kind(i.code) == "behavioral health" for i in facts.items)


def _is_medicare(facts: LetterFacts) -> bool:
    return payer_type_of(facts.ctx).type is PayerType.MEDICARE


def _cite_table(facts: LetterFacts, situation: str) -> list[Citation]:
    found = list(citations_for(situation, facts.items[0].service_date))
    for c in found:
        facts.known(c.title, c.text, c.amount, c.year)
    return found


def _count_vars(facts: LetterFacts, out: dict[str, Any], *, required: bool = True) -> None:
    """The date-by-date count (Exhibit A); a placeholder when a recount needs it and the
    practice has no visit-unit benefit for the code."""
    table = visit_count_table(facts)
    if table is None:
        if required:
            out["no_table"] = facts.missing(
                "the benefit limit and the visit log for this patient (benefits.csv and "
                "visits.csv) to build the date-by-date count"
            )
        return
    rec = table.reconciliation
    out.update(
        table=table,
        rec=rec,
        period=rec.period,
        period_label=str(table.benefit.period).replace("_", " "),
        denial_date=rec.denial_date or facts.items[0].service_date,
        visits_source="visits.csv and the remittance history",
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
    out["citations"] = _cite_table(facts, "ncci_modifier")
    by_code = {r.code: r for r in rows}
    analyst, tech = by_code.get("97155"), by_code.get("97153")
    if analyst and tech and (analyst, tech) in _pairs(out["overlaps"]):
        out["variant"] = "concurrent"
        out["analyst"], out["tech"] = analyst, tech
        out["direction"] = _direction_passages(facts, analyst.note, records)
        if out["lane"] == "appeal":
            out["citations"] += _cite_table(facts, "aba_concurrent")
    elif not out["overlaps"] and all(r.start for r in rows):
        out["variant"] = "distinct"


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
            f"clinical documentation for patient {facts.patient_id or '?'} (diagnoses, objective "
            "measures, goals, plan of care): add it to records/ and records/index.csv"
        )
    if behavioral:
        out["citations"] = _cite_table(facts, "parity")
    elif _is_medicare(facts):
        out["citations"] = _cite_table(facts, "medicare_therapy")
    _count_vars(facts, out, required=False)


def _other_payer_vars(facts: LetterFacts, out: dict[str, Any]) -> None:
    others = facts.other_coverages()
    practice = facts.practice
    if others:
        cov = others[0]
        info = practice.payer(cov.payer_id) if practice is not None else None
        facts.known(cov.payer_name, cov.payer_id, cov.member_id, cov.plan_name, cov.group_number)
        address: Any = info.appeal_address if info and info.appeal_address else None
        if address:
            facts.known(address)
        out["other"] = {
            "name": cov.payer_name,
            "plan": cov.plan_name or cov.payer_name,
            "member_id": cov.member_id
            or facts.missing(f"member id with {cov.payer_name} (coverages.csv)"),
            "role": "secondary" if cov.rank > 1 else "other plan",
            "source": row_source(cov.file, cov.row, "coverages.csv"),
            "address": address
            or facts.missing(
                f"claims address for {cov.payer_name} — add it to practice.toml "
                f"[payers.{cov.payer_id}]"
            ),
            "address_source": f"practice.toml [payers.{cov.payer_id}]" if address else "",
        }
        return
    plan = facts.missing("the plan to bill (no other coverage on file in coverages.csv)")
    out["other"] = {
        "name": plan,
        "plan": plan,
        "member_id": facts.missing("member id with the other plan"),
        "role": "other plan",
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
            "source": row_source(waiver.file, waiver.row, "waivers.csv"),
        }
    else:
        out["waiver"] = None
    plan = installments(out["total"], months)
    facts.derived(plan, len(plan), list(range(1, len(plan) + 1)), sum(plan))
    out["plan"] = plan
    out["plan_total"] = sum(plan, Decimal(0))
    out["patient_address"] = facts.missing(
        "the patient's mailing address (patients.csv has no address column)"
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


def _variables(
    facts: LetterFacts, records: RecordSet | None, months: int
) -> tuple[str, dict[str, Any]]:
    out = _common(facts)
    lane = out["lane"]
    if lane == "recount_dispute":
        _count_vars(facts, out)
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
    return f"{lane}.md.j2", out


def _enclosures(facts: LetterFacts, records: RecordSet | None, out: dict[str, Any]) -> None:
    enclosures = [Enclosure(f"Remittance advice of {format_date(out['claim']['notice_date'])}")]
    if out.get("table") is not None:
        enclosures.append(Enclosure("Exhibit A: dates of service in the benefit period"))
    if out.get("timeline"):
        enclosures.append(Enclosure("Exhibit A: session timeline", "visits.csv"))
    lane = out["lane"]
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
    facts.enclosures = enclosures
    out["enclosures"] = enclosures if lane not in ("write_off", "review") else []


def build_packet(
    items: Sequence[WorkItem],
    records: RecordSet | None,
    today: date,
    *,
    months: int = PAYMENT_PLAN_MONTHS,
) -> Packet:
    """The packet for the denials of one claim in one lane; raises FactCheckError when the
    letter would state a fact the inputs do not hold (nothing is written)."""
    facts = LetterFacts(items, today)
    template_name, out = _variables(facts, records, months)
    _enclosures(facts, records, out)
    out["cite"] = facts.cite
    out["sources"] = lambda: list(facts.sources.items)
    out["missing"] = facts.placeholders  # filled while the variables were built
    env = _environment(_override_folder(facts))
    markdown = env.get_template(template_name).render(out)
    markdown = _tidy(markdown)
    first = facts.items[0]
    key = packet_key(first)
    check_letter(f"{key}/letter.md", markdown, facts.allowed)
    return Packet(
        key=key,
        lane=first.lane,
        title=_TITLES.get(first.lane, first.lane),
        claim_id=first.patient_account,
        payer_claim_id=first.payer_claim_id,
        denial_ids=tuple(i.denial_id for i in facts.items),
        amount=out["total"],
        deadline=first.deadline.date,
        markdown=markdown,
        sources=tuple(facts.sources.items),
        missing=tuple(str(p) for p in facts.placeholders),
        enclosures=tuple(facts.enclosures),
        reasons=tuple(dict.fromkeys(r for i in facts.items for r in i.reasons)),
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
    """The work items grouped one group per claim (CLP01 + CLP07) and lane, in worklist order."""
    groups: dict[tuple[str, str, str], list[WorkItem]] = {}
    for item in items:
        groups.setdefault((item.patient_account, item.payer_claim_id, item.lane), []).append(item)
    return list(groups.values())
