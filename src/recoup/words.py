"""The words a person reads for recoup's codes: lanes, denial categories, group codes, benefit
periods, statuses, outcomes, channels, roles.

One table for the web pages, the CLI tables and the checklists; the JSON output keeps the codes
(``corrected_claim``, ``calendar_year``), which are the contract with other programs.

    >>> word("lane", "corrected_claim")
    'Corrected claim'
    >>> word("period", "rolling_months:12")
    '12 rolling months'
    >>> word("group", "CO")
    'CO (contractual obligation)'

A code with no entry reads as its own words (``new_thing`` -> ``New thing``), never as snake
case, so a code added later does not show through before its entry is written.
"""

from __future__ import annotations

from types import MappingProxyType

from recoup.triage.model import Lane

__all__ = ["KINDS", "WORDS", "word"]

# the lanes' own labels (recoup.triage.model.Lane.label), and lanes still to come
_LANES = {
    **{lane.value: lane.label for lane in Lane},
    "missing_remittance": "Missing remittance",
}

_CATEGORIES = {
    "benefit_maximum": "Benefit maximum reached",
    "bundling": "Bundling",
    "medical_necessity": "Medical necessity",
    "authorization": "Authorization",
    "referral": "Referral",
    "missing_information": "Missing information",
    "coding": "Coding",
    "timely_filing": "Timely filing",
    "duplicate": "Duplicate",
    "coordination_of_benefits": "Coordination of benefits",
    "other_plan": "Another plan pays",
    "eligibility": "Eligibility",
    "non_covered": "Not covered",
    "network": "Out of network",
    "provider_eligibility": "Provider eligibility",
    "contractual": "Contractual",
    "patient_cost_share": "Patient cost share",
    "property_casualty": "Property and casualty",
    "payer_process": "Payer processing",
    "other": "Other",
    "unknown": "Unknown",
    # missing remittances (recoup.triage.unanswered)
    "no_remittance": "No remittance",
    "timely_filing_near": "Timely filing limit near",
}

# CAS01 claim adjustment group codes (X12 835)
_GROUPS = {
    "CO": "CO (contractual obligation)",
    "PR": "PR (patient responsibility)",
    "OA": "OA (other adjustment)",
    "PI": "PI (payer initiated)",
    "CR": "CR (correction or reversal)",
}

_PERIODS = {
    "calendar_year": "calendar year",
    "plan_year": "plan year",
    "lifetime": "lifetime",
    "episode": "episode of care",
    "month": "month",
    "week": "week",
    "visit": "visit",
    "day": "day",
}

_STATUSES = {
    "open": "Open",
    "sent": "Sent",
    "active": "Open or sent",
    "closed": "Closed",
    "all": "All",
    "new": "New",
    "working": "Working",
    "waiting_on_payer": "Waiting on payer",
    "appealed": "Appealed",
    # benefit and authorisation standing
    "ok": "OK",
    "warning": "75% used",
    "exhausted": "Exhausted",
    "expired": "Expired",
    "not_started": "Not started",
    "none": "No limits",
    # imports
    "imported": "Imported",
    "already imported": "Already imported",
    "failed": "Failed",
    "refused": "Refused",
}

_OUTCOMES = {
    "won": "Won",
    "partly_won": "Partly won",
    "lost": "Lost",
    "written_off": "Written off",
    "billed_patient": "Billed to patient",
    "billed_other_payer": "Billed to other payer",
}

_CHANNELS = {
    "mail": "Mail",
    "fax": "Fax",
    "portal": "Payer portal",
    "clearinghouse": "Clearinghouse",
    "email": "Email",
}

# benefits.csv "benefit" keys, as a payer's benefit summary names them
_BENEFITS = {
    "pt_ot": "Physical and occupational therapy",
    "pt": "Physical therapy",
    "ot": "Occupational therapy",
    "st": "Speech therapy",
    "pt_ot_st": "Physical, occupational and speech therapy",
    "aba": "Applied behavior analysis",
    "chiro": "Chiropractic care",
    "mental_health": "Mental health care",
    "behavioral_health": "Behavioral health care",
}

_ROLES = {"admin": "Administrator", "biller": "Biller", "readonly": "Read-only"}

_PAYER_TYPES = {
    "medicare": "Medicare",
    "medicaid": "Medicaid",
    "commercial": "Commercial",
    "medicare_advantage": "Medicare Advantage",
    "tricare": "TRICARE",
    "workers_comp": "Workers' compensation",
    "auto": "Auto insurance",
}

WORDS: MappingProxyType[str, MappingProxyType[str, str]] = MappingProxyType(
    {
        "lane": MappingProxyType(_LANES),
        "category": MappingProxyType(_CATEGORIES),
        "group": MappingProxyType(_GROUPS),
        "period": MappingProxyType(_PERIODS),
        "status": MappingProxyType(_STATUSES),
        "outcome": MappingProxyType(_OUTCOMES),
        "channel": MappingProxyType(_CHANNELS),
        "role": MappingProxyType(_ROLES),
        "benefit": MappingProxyType(_BENEFITS),
        "payer_type": MappingProxyType(_PAYER_TYPES),
    }
)
KINDS = tuple(WORDS)


def _plain(code: str) -> str:
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def word(kind: str, code: object) -> str:
    """The words for ``code`` of ``kind`` (one of :data:`KINDS`); ``""`` for no code."""
    if code is None or code == "":
        return ""
    text = str(code)
    if kind == "period":
        base, _, months = text.partition(":")
        if base == "rolling_months":
            return f"{months} rolling months" if months else "rolling months"
        return _PERIODS.get(base, base.replace("_", " "))
    table = WORDS.get(kind)
    if table is None:
        raise ValueError(f"no words for {kind!r}: one of {', '.join(KINDS)}")
    return table.get(text) or _plain(text)
