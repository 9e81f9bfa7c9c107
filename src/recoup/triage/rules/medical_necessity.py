"""Medical necessity, frequency, authorisation and plan coverage (CARC 50, 151, 197, 198, 204).

Why it decides this way (docs/domain.md §1.3, §7.1): these denials are about whether the care was
justified or authorised, which only the clinical record and the authorisation can answer.

Who may be billed follows the group code (:func:`recoup.triage.rules.common.co_liability`): a PR
amount the payer assigned goes to the patient; a CO amount is the provider's, and a notice on
file moves it only the payer's way — Original Medicare through GA on the claim (a correction adding
GA when an ABN was signed but GA was not billed), Medicare Advantage only with the plan's
pre-service organization determination (an ABN is not a valid waiver there), a commercial plan
only with N492 or the contract clause the practice recorded. Otherwise the lane is an appeal
(``exception_appeal`` for a plan exclusion, 204) that says what the records must show; an
authorisation denial names the authorisation and its end date when it had ended.
"""

from __future__ import annotations

from recoup.practice import Authorization
from recoup.triage.facts import patient_id_of, payer_id_of, records_for, source_of
from recoup.triage.model import Decision, DenialContext, Evidence, rule
from recoup.triage.rules.common import co_liability, honours_no_appeal, notices_on_file

CODES = ("50", "151", "197", "198", "204")
MUST_SHOW = {
    "50": "the diagnosis, the functional deficits, objective measures and why skilled care was "
    "needed (reasonable and necessary)",
    "151": "why this many units or this frequency was needed (progress, plan of care frequency)",
    "197": "the authorisation (or a retro-authorisation request) and why the care was urgent",
    "198": "the units used against the authorisation and the need for more (extension request)",
    "204": "why the service is medically necessary despite the plan exclusion (exception request)",
}


def _authorizations(ctx: DenialContext, patient_id: str | None) -> list[Authorization]:
    """The patient's authorisations with this payer for the code (any dates)."""
    practice, item = ctx.practice, ctx.item
    if practice is None or patient_id is None:
        return []
    code = item.procedure.code if item.procedure else None
    payer_id = payer_id_of(ctx.remittance)
    return [
        auth
        for auth in practice.authorizations
        if auth.patient_id == patient_id
        and (not auth.payer_id or auth.payer_id == payer_id)
        and (code is None or not auth.codes or code in auth.codes)
    ]


def _auth_fact(auth: Authorization) -> Evidence:
    return Evidence(
        source_of(auth.file, auth.row, "authorizations.csv"),
        f"authorisation {auth.auth_number}: {auth.units} {auth.unit} per {auth.per}, "
        f"{auth.start_date.isoformat()} to {auth.end_date.isoformat()}",
    )


@rule("R050", "medical necessity and authorisation", CODES)
@honours_no_appeal
def medical_necessity(ctx: DenialContext) -> Decision:
    """Bill the patient only the payer's way; else appeal with what the records must show."""
    item = ctx.item
    adj = next(a for a in item.adjustments if a.reason in CODES)
    code = item.procedure.code if item.procedure else None
    on = item.service_date
    patient_id = patient_id_of(ctx.practice, item.claim.patient_control_number)
    head = f"{adj.key}: the payer says the care was not justified or not authorised as billed."
    notices = notices_on_file(ctx, patient_id, on, code)
    if adj.group == "PR":
        return Decision(
            "bill_patient",
            (
                head,
                f"The payer assigned the amount to the patient ({adj.key}, group PR), "
                "recognising the patient's notice or the plan's terms: bill the patient.",
            ),
            action="send the patient a statement",
        )
    liable = co_liability(ctx, adj, notices, (head,), ())
    if liable is not None and liable.lane != "review":
        return liable
    evidence: list[Evidence] = [
        Evidence(
            source_of(r.file, r.row, "records/index.csv"),
            f"records/{r.file_name} ({r.kind}, {r.service_date or 'undated'})",
        )
        for r in records_for(ctx.practice, patient_id)
    ]
    missing: list[str] = []
    reasons = [head]
    if liable is not None:  # a notice on file that does not let the patient be billed: say why
        reasons.extend(liable.reasons[1:])
        evidence.extend(e for e in liable.evidence if "waivers.csv" in e.text)
        missing.extend(liable.missing)
    if not evidence or all("waivers.csv" in e.text for e in evidence):
        missing.append(
            f"clinical records for patient {patient_id or '?'} showing {MUST_SHOW[adj.reason]}"
        )
    auths = _authorizations(ctx, patient_id)
    active = [a for a in auths if on is not None and a.start_date <= on <= a.end_date]
    auth = active[0] if active else None
    if adj.reason in ("197", "198"):
        if auth is not None:
            evidence.append(_auth_fact(auth))
        elif auths and on is not None:
            ended = [a for a in auths if a.end_date < on]
            if ended:
                last = max(ended, key=lambda a: a.end_date)
                reasons.append(
                    f"Authorisation {last.auth_number} ended on {last.end_date.isoformat()}, "
                    f"before the service on {on.isoformat()} ({(on - last.end_date).days} days "
                    "later): no authorisation covered the date."
                )
                evidence.append(_auth_fact(last))
                missing.append(
                    f"a retro-authorisation (or the renewal of {last.auth_number}) covering "
                    f"{on.isoformat()}"
                )
                return Decision(
                    "appeal",
                    (
                        *reasons,
                        f"Request a retro-authorisation from the payer for {code or 'the service'} "
                        f"on {on.isoformat()}, then appeal with records that show "
                        f"{MUST_SHOW[adj.reason]}.",
                    ),
                    tuple(evidence),
                    tuple(missing),
                    action=f"request a retro-authorisation (authorisation {last.auth_number} "
                    f"ended {last.end_date.isoformat()}) and appeal with the clinical records",
                )
            missing.append("an authorisation covering this date and code (request retro-auth)")
        else:
            missing.append("an authorisation covering this date and code (request retro-auth)")
    lane = "exception_appeal" if adj.reason == "204" else "appeal"
    return Decision(
        lane,
        (*reasons, f"Appeal with records that show {MUST_SHOW[adj.reason]}."),
        tuple(evidence),
        tuple(missing),
        action="appeal with the clinical records"
        + (f" and authorisation {auth.auth_number}" if auth else ""),
    )
