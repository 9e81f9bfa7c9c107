"""Would the scrub have prevented the denials? Compare its issues with the remittances.

A denied line (835) counts as prevented when the scrub raised an issue on the same claim and
line (REF*6R, else the code and date) whose rule's denials carry the denial's reason code
(``data/scrub_rules.toml`` ``[denial_codes]``): a KX issue does not "prevent" a CO-16 for a
missing referring provider. Lines the payer paid in full (no denial adjustment) should carry no
issue at all; the comparison lists any that do.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from recoup.scrub.history import History
from recoup.scrub.model import Issue, ScrubClaim

__all__ = ["Comparison", "compare"]

ZERO = Decimal(0)


class Comparison(NamedTuple):
    denials: int  # M: denied lines of the scrubbed claims
    prevented: int  # N: flagged before sending by the rule that fits the denial
    prevented_amount: Decimal  # $X
    missed: tuple[str, ...]  # the denials not flagged: "<claim> line <n> <code> <CARC>"
    flagged_paid: tuple[Issue, ...]  # issues on lines the payer paid in full

    def line(self) -> str:
        return (
            f"would have prevented {self.prevented} of {self.denials} denials "
            f"(${self.prevented_amount})"
        )


def compare(claims: list[ScrubClaim], issues: tuple[Issue, ...], history: History) -> Comparison:
    by_line: dict[tuple[str, int], list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.line:
            by_line[(issue.claim_id, issue.line)].append(issue)
        else:  # a claim-level issue touches every line
            claim = next(c for c in claims if c.claim_id == issue.claim_id)
            for line in claim.lines:
                by_line[(issue.claim_id, line.number)].append(issue)
    lines = {(c.claim_id, x.number): x for c in claims for x in c.lines}
    ids = {c.claim_id for c in claims}

    def number_of(claim_id: str, line: int | None, code: str, day: object) -> int | None:
        if line is not None:
            return line
        return next(
            (
                n
                for (cid, n), x in lines.items()
                if cid == claim_id and x.code == code and x.service_date == day
            ),
            None,
        )

    denials = prevented = 0
    amount = ZERO
    missed = []
    for d in history.denials:
        claim_id = d.item.claim.patient_control_number
        if claim_id not in ids or d.item.line is None:
            continue
        code = d.item.line.procedure.code
        number = number_of(claim_id, d.line, code, d.item.service_date)
        reasons = {a.reason for a in d.item.adjustments} | set(d.item.remarks)
        denials += 1
        found = by_line.get((claim_id, number), []) if number is not None else []
        if any(reasons.intersection(i.denial_codes) for i in found):
            prevented += 1
            amount += d.item.amount
        else:
            missed.append(f"{claim_id} line {number} {code} {d.item.codes}")
    flagged_paid = []
    for paid_lines in history.by_claim.values():
        for p in paid_lines:
            if p.claim_id not in ids or p.denied or p.paid <= 0:
                continue
            number = number_of(p.claim_id, p.line, p.code, p.service_date)
            flagged_paid.extend(by_line.get((p.claim_id, number), []) if number else [])
    return Comparison(denials, prevented, amount, tuple(missed), tuple(dict.fromkeys(flagged_paid)))
