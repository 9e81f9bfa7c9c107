"""Timely filing limit expired (CARC 29).

Why it decides this way (docs/domain.md §1.3, §6): a timely-filing denial is overturned only with
proof
the claim reached the payer in time. The proof must be in the data: the payer's own claim
received date (DTM*050) inside the filing window, or a practice record in records/index.csv: by
its explicit ``kind`` (``clearinghouse_acceptance``, ``payer_acknowledgment`` for a 277CA,
``timely_filing_proof``), else, as a documented fallback for folders exported before those kinds
were used, a kind or file name containing a filing word (clearinghouse, acceptance, ...). A proof
whose date (index ``service_date``, the date the claim was accepted) falls outside the window
proves nothing and is not used. Without proof an appeal only costs time, so
the balance is written off (and the practice cannot bill the patient for its own late filing).
"""

from __future__ import annotations

from datetime import date

from recoup.practice import PayerType, RecordRef
from recoup.triage.facts import patient_id_of, payer_type_of, records_for, source_of
from recoup.triage.model import Decision, DenialContext, Evidence, rule
from recoup.triage.rules.common import honours_no_appeal

# Filing windows in days from the date of service (docs/domain.md §6.1, §6.3). Commercial windows
# are set
# by contract (commonly 90-365 days): 90 is the shortest common one, so a claim received within
# 90 days is timely under any of them.
FILING_DAYS = {
    PayerType.MEDICARE: 365,
    PayerType.MEDICARE_ADVANTAGE: 365,
    PayerType.MEDICAID: 95,
    PayerType.CHAMPVA: 365,  # 38 CFR 17.275: one year from the date of service
    PayerType.VA_COMMUNITY_CARE: 365,  # as CHAMPVA (unverified: the network contract may differ)
}
SHORTEST_COMMON = 90
PROOF_KINDS = frozenset({"clearinghouse_acceptance", "payer_acknowledgment", "timely_filing_proof"})
PROOF_WORDS = ("clearinghouse", "acceptance", "timely", "filing", "submission")


def _proofs(records: list[RecordRef], served: date | None, window: int) -> list[RecordRef]:
    """Filing proofs dated inside the window: explicit kinds first, then the keyword fallback."""

    def in_time(ref: RecordRef) -> bool:
        if ref.service_date is None or served is None:
            return True  # undated: the document itself must show the date
        return (ref.service_date - served).days <= window

    explicit = [r for r in records if r.kind.lower() in PROOF_KINDS]
    guessed = [
        r
        for r in records
        if r not in explicit
        and any(word in r.kind.lower() or word in r.file_name.lower() for word in PROOF_WORDS)
    ]
    return [r for r in (*explicit, *guessed) if in_time(r)]


@rule("R029", "timely filing", ("29",))
@honours_no_appeal
def timely_filing(ctx: DenialContext) -> Decision:
    """Appeal with proof of timely filing; otherwise write off."""
    claim = ctx.item.claim
    served = ctx.item.service_date
    received = claim.received_date
    kind = payer_type_of(ctx).type
    window = FILING_DAYS.get(kind, SHORTEST_COMMON)
    window_words = (
        f"{window} days ({kind} filing limit)"
        if kind in FILING_DAYS
        else f"{window} days (the shortest common commercial limit; the contract's is not on file)"
    )
    if received is not None and served is not None:
        age = (received - served).days
        ev = Evidence(
            f"{claim.patient_control_number} DTM*050 (claim received date)",
            f"payer received the claim on {received.isoformat()}, {age} days after the service "
            f"on {served.isoformat()}",
        )
        if age <= window:
            return Decision(
                "appeal",
                (
                    "CO-29: the payer says the claim was filed too late.",
                    f"The payer's own received date {received.isoformat()} is {age} days after "
                    f"the service, within {window_words}: appeal with this as proof.",
                ),
                (ev,),
                action="appeal with the payer's received date (and the clearinghouse report)",
            )
    patient_id = patient_id_of(ctx.practice, claim.patient_control_number)
    proofs = _proofs(records_for(ctx.practice, patient_id), served, window)
    if proofs:
        proof = proofs[0]
        return Decision(
            "appeal",
            (
                "CO-29: the payer says the claim was filed too late.",
                f"A proof of timely filing is on file (records/{proof.file_name}): appeal with it.",
            ),
            (
                Evidence(
                    source_of(proof.file, proof.row, "records/index.csv"),
                    f"records/{proof.file_name} ({proof.kind}, {proof.service_date or 'undated'})",
                ),
            ),
            action="appeal with the clearinghouse acceptance report",
        )
    return Decision(
        "write_off",
        (
            "CO-29: the payer says the claim was filed too late.",
            "No proof of timely filing in the data (no payer received date within "
            f"{window_words}, no clearinghouse acceptance report in records/): an appeal "
            "cannot succeed; write off (the patient may not be billed for late filing).",
            "Prevention: keep clearinghouse acceptance reports and work rejections daily.",
        ),
        missing=("proof of timely filing (clearinghouse acceptance report)",),
        action="write off the balance",
    )
