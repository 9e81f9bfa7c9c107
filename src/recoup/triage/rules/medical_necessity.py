"""Medical necessity, frequency, authorisation and plan coverage (CARC 50, 151, 197, 198, 204).

Why it decides this way (DOMAIN §1.3, §7.1): these denials are about whether the care was
justified or authorised, which only the clinical record and the authorisation can answer. A
signed waiver/ABN covering the date and code moves the balance to the patient (never for Medicare
Advantage, where ABNs may not be used; for Original Medicare only an ABN). Otherwise the lane is an
appeal (``exception_appeal`` for a plan exclusion, 204) that says what the records must show; the
records on file and a matching authorisation are cited, and what is missing is listed.
"""

from __future__ import annotations

from recoup.practice import Authorization
from recoup.triage.facts import patient_id_of, payer_id_of, records_for, source_of, waiver_for
from recoup.triage.model import Decision, DenialContext, Evidence, rule

CODES = ("50", "151", "197", "198", "204")
MUST_SHOW = {
    "50": "the diagnosis, the functional deficits, objective measures and why skilled care was "
    "needed (reasonable and necessary)",
    "151": "why this many units or this frequency was needed (progress, plan of care frequency)",
    "197": "the authorisation (or a retro-authorisation request) and why the care was urgent",
    "198": "the units used against the authorisation and the need for more (extension request)",
    "204": "why the service is medically necessary despite the plan exclusion (exception request)",
}


def _authorization(ctx: DenialContext, patient_id: str | None) -> Authorization | None:
    practice, item = ctx.practice, ctx.item
    if practice is None or patient_id is None or item.service_date is None:
        return None
    code = item.procedure.code if item.procedure else None
    payer_id = payer_id_of(ctx.remittance)
    for auth in practice.authorizations:
        if auth.patient_id != patient_id or (auth.payer_id and auth.payer_id != payer_id):
            continue
        if not auth.start_date <= item.service_date <= auth.end_date:
            continue
        if code is None or not auth.codes or code in auth.codes:
            return auth
    return None


@rule("R050", "medical necessity and authorisation", CODES)
def medical_necessity(ctx: DenialContext) -> Decision:
    """Bill the patient under a valid waiver/ABN; else appeal with what the records must show."""
    item = ctx.item
    adj = next(a for a in item.adjustments if a.reason in CODES)
    code = item.procedure.code if item.procedure else None
    patient_id = patient_id_of(ctx.practice, item.claim.patient_control_number)
    waiver = waiver_for(ctx, patient_id, item.service_date, code)
    head = f"{adj.key}: the payer says the care was not justified or not authorised as billed."
    if waiver is not None:
        return Decision(
            "bill_patient",
            (
                head,
                f"A signed {waiver.kind} of {waiver.signed_date.isoformat()} covers this date "
                f"and {code or 'service'}: the patient agreed to pay if the payer did not.",
            ),
            (
                Evidence(
                    source_of(waiver.file, waiver.row, "waivers.csv"),
                    f"{waiver.kind} signed {waiver.signed_date.isoformat()}, codes "
                    f"{' '.join(waiver.codes) or 'all'}",
                ),
            ),
            action="send the patient a statement (Medicare: the claim should carry GA)",
        )
    evidence: list[Evidence] = [
        Evidence(
            source_of(r.file, r.row, "records/index.csv"),
            f"records/{r.file_name} ({r.kind}, {r.service_date or 'undated'})",
        )
        for r in records_for(ctx.practice, patient_id)
    ]
    missing: list[str] = []
    if not evidence:
        missing.append(
            f"clinical records for patient {patient_id or '?'} showing {MUST_SHOW[adj.reason]}"
        )
    auth = _authorization(ctx, patient_id)
    if adj.reason in ("197", "198"):
        if auth is not None:
            evidence.append(
                Evidence(
                    source_of(auth.file, auth.row, "authorizations.csv"),
                    f"authorisation {auth.auth_number}: {auth.units} {auth.unit} per {auth.per}, "
                    f"{auth.start_date.isoformat()} to {auth.end_date.isoformat()}",
                )
            )
        else:
            missing.append("an authorisation covering this date and code (request retro-auth)")
    lane = "exception_appeal" if adj.reason == "204" else "appeal"
    return Decision(
        lane,
        (head, f"Appeal with records that show {MUST_SHOW[adj.reason]}."),
        tuple(evidence),
        tuple(missing),
        action="appeal with the clinical records"
        + (f" and authorisation {auth.auth_number}" if auth else ""),
    )
