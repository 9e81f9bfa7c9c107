"""Write the 837P batches that produced each example practice's remittances (fictional data).

    .venv/bin/python scripts/make_example_claims.py

For every remittance in ``examples/<practice>/remittances/``, one 837P file in
``examples/<practice>/claims/`` holds the claims that remittance answers (CLP01), built from the
practice folder: the lines from visits.csv (code, modifiers, units, charge, date), the patient
from patients.csv, the member id and group from coverages.csv, the billing provider from
practice.toml's ``[billing]`` table, prior authorisations from authorizations.csv, and the
rendering clinician as the remittance names them (NM1*82). Line item control numbers are
``<claim>-<line>``, as the remittances echo them.

What the practice folder does not hold is set here, as invented as the rest of the examples:
the diagnoses (as the clinical records state them where a record exists), the patients'
addresses, the subscriber's relation to a dependent patient, and the referring physician of the
Medicare patient, left off claim BP26063 on purpose (that claim came back MA130/N286).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from recoup.practice import read_practice
from recoup.practice.billing import read_billing
from recoup.records import ClaimPayment, Procedure, Remittance
from recoup.x12 import read_835
from recoup.x12.claims837 import (
    Claim837,
    ClaimBatch,
    Diagnosis,
    Member,
    Payer,
    Provider,
    ServiceLine837,
    Submitter,
    Subscriber,
)
from recoup.x12.writer837 import write_837

ROOT = Path(__file__).resolve().parent.parent / "examples"
DIAGNOSES = {  # patient -> ICD-10-CM codes (records/ where a record names them)
    "C2001": ("F840",),
    "C2002": ("F840",),
    "C2003": ("F840",),
    "C2004": ("F840",),
    "C2005": ("F840",),
    "P1001": ("M25561",),
    "P1002": ("M5450", "M6281"),
    "P1003": ("M542",),
    "P1004": ("S83511A",),
    "P1005": ("M1711",),
    "P1006": ("M75101",),
    "P1007": ("R2681", "M6281", "Z9181"),
    "P1008": ("M5416",),
}
ADDRESSES = {
    "little-steps-aba": ("1420 Sendero Springs Dr", "Round Rock", "TX", "78681"),
    "brightpath-pt": ("2215 Cottonwood Ln", "Loveland", "CO", "80537"),
}
REFERRING = {"P1007": Provider("DN", "Marsh", "1902847361", first_name="Helen")}
NO_REFERRING = {"BP26063"}
FILING = {"commercial": "CI", "medicare": "MB", "medicaid": "MC"}


def _practice_claims(folder: Path) -> None:
    practice, findings = read_practice(folder)
    billing, _ = read_billing(folder)
    assert practice is not None and billing is not None, findings
    out = folder / "claims"
    out.mkdir(exist_ok=True)
    provider = Provider(
        "85",
        practice.name.upper(),
        practice.npi,
        True,
        taxonomy=billing.taxonomy,
        address=tuple(a.upper() for a in billing.address),
        city=billing.city.upper(),
        state=billing.state,
        postal_code=billing.postal_code,
        tax_id_qualifier="EI",
        tax_id=practice.tax_id.replace("-", ""),
    )
    seen: set[str] = set()
    for number, path in enumerate(sorted((folder / "remittances").glob("*.835")), start=1):
        result = read_835(path)
        claims = []
        created: date | None = None
        for remittance in result.remittances:
            for payment in remittance.claims:
                if payment.patient_control_number in seen:
                    continue  # a later remittance of the same claim (reprocessing)
                seen.add(payment.patient_control_number)
                claims.append(_claim(practice, provider, remittance, payment, folder.name))
                received = dict(payment.dates).get("050")
                if received and (created is None or received < created):
                    created = received
        if not claims:
            continue
        batch = ClaimBatch(
            file="",
            control_number=f"{number:04d}",
            interchange_control=f"{number:09d}",
            group_control=str(number),
            sender_id=billing.submitter_id,
            receiver_id=billing.receiver_id,
            reference=f"{folder.name[:2].upper()}{number:04d}",
            created=created,
            submitter=Submitter(
                practice.name.upper(),
                billing.submitter_id,
                billing.contact_name.upper(),
                billing.contact_phone,
            ),
            receiver_name=billing.receiver_name,
            receiver_id_code=billing.receiver_id,
            claims=tuple(claims),
        )
        (out / (path.stem + ".837")).write_text(write_837([batch]), encoding="ascii")


def _claim(
    practice: object, billing: Provider, remittance: Remittance, payment: ClaimPayment, name: str
) -> Claim837:
    from recoup.practice.model import Practice

    assert isinstance(practice, Practice)
    visits = [v for v in practice.visits if v.claim_id == payment.patient_control_number]
    patient = practice.patient(visits[0].patient_id)
    assert patient is not None
    payer_id = remittance.payer.id or next(
        (v for k, v in remittance.payer.references if k == "2U"), ""
    )
    coverage = next(
        c
        for c in practice.coverages
        if c.patient_id == patient.patient_id and c.payer_id == payer_id
    )
    street, city, state, postal = ADDRESSES[name]
    me = Member(
        patient.last_name.upper(),
        patient.first_name.upper(),
        address=(street.upper(),),
        city=city.upper(),
        state=state,
        postal_code=postal,
        birth_date=patient.birth_date,
        gender="U",
    )
    insured = payment.insured
    dependent = insured is not None and insured.id != coverage.member_id
    if dependent and insured is not None:
        member = Member(insured.last_name, insured.first_name, id_qualifier="MI", id=insured.id)
    else:
        member = me._replace(id_qualifier="MI", id=coverage.member_id)
    subscriber = Subscriber(
        "P",
        member,
        Payer(remittance.payer.name, payer_id),
        group_number=coverage.group_number,
        filing_indicator=FILING.get(coverage.payer_type.value, "CI"),
    )
    r = payment.rendering_provider
    rendering = Provider("82", r.last_name, r.id, first_name=r.first_name) if r else None
    codes = DIAGNOSES[patient.patient_id]
    diagnoses = tuple(Diagnosis("ABK" if i == 0 else "ABF", c) for i, c in enumerate(codes))
    lines = []
    for i, visit in enumerate(visits, start=1):
        auth = next(
            (
                a.auth_number
                for a in practice.authorizations
                if a.patient_id == patient.patient_id
                and a.payer_id == payer_id
                and visit.code in a.codes
                and a.start_date <= visit.service_date <= a.end_date
            ),
            "",
        )
        lines.append(
            ServiceLine837(
                i,
                Procedure("HC", visit.code, visit.modifiers),
                visit.charge,
                visit.units,
                visit.service_date,
                tuple(range(1, min(len(codes), 4) + 1)),
                control_number=f"{visit.claim_id}-{i}",
                prior_authorization=auth,
            )
        )
    charge = sum((v.charge for v in visits), Decimal(0))
    referring = None
    if payment.patient_control_number not in NO_REFERRING:
        referring = REFERRING.get(patient.patient_id)
    return Claim837(
        payment.patient_control_number,
        charge,
        payment.facility_type or "11",
        "1",
        billing,
        subscriber,
        diagnoses,
        tuple(lines),
        patient=me if dependent else None,
        patient_relationship="19" if dependent else "",
        rendering_provider=rendering,
        referring_provider=referring,
    )


def main() -> None:
    for folder in sorted(p for p in ROOT.iterdir() if (p / "practice.toml").exists()):
        _practice_claims(folder)


if __name__ == "__main__":
    main()
