"""What each KPI means, in words, for the dashboard's definitions and ``recoup kpis --definitions``.

One text per figure, keyed by the anchor the dashboard links it with (``#def-<key>``). The
computation is :mod:`recoup.store.kpis`; these say the same thing for a practice manager.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["DEFINITIONS", "Definition", "definition"]


class Definition(NamedTuple):
    key: str  # the anchor: #def-<key>
    name: str
    text: str


DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "window",
        "Window",
        "The last N calendar months up to today: from the first day of the month N-1 months "
        "before this one, to today included. A denial belongs to the window by its remittance "
        "date (the 835's payment date, BPR16, else its production date); an outcome by the "
        "date it was recorded for.",
    ),
    Definition(
        "practice",
        "Practice",
        "All practices, or one: its denials, the claim payments of remittances paid to it "
        "(payee NPI, else its visits' claim numbers) and its payments.csv.",
    ),
    Definition(
        "denial-rate",
        "Denial rate",
        "Denied service lines / adjudicated service lines, both with a remittance date in the "
        "window. Adjudicated lines are those of claim payments still in force (reversals and "
        "reversed payments left out); a denial a later remittance took back is not counted, "
        "nor an underpayment (the line was paid; see Underpaid).",
    ),
    Definition(
        "denied",
        "Denied",
        "The denied dollars of those lines, and the dollars charged on the adjudicated lines.",
    ),
    Definition(
        "recovered",
        "Recovered",
        "Amounts recorded with the outcome won or partly won, outcome date in the window, "
        "whatever the lane.",
    ),
    Definition(
        "written-off",
        "Written off",
        "Amounts recorded with the outcome written off, outcome date in the window.",
    ),
    Definition(
        "appeal-success",
        "Appeal success",
        "(won + partly won) / (won + partly won + lost), over the outcomes in the window of "
        "items that were appealed: every lane but the corrected claim and the billing lanes "
        "(appeal, exception appeal, recount dispute, underpayment; and review or write-off "
        "items a biller appealed all the same). Corrected claims are not appeals and have their "
        "own rate; billing another payer or the patient is a new bill and counts in neither.",
    ),
    Definition(
        "corrected-success",
        "Corrected claims",
        "(won + partly won) / (won + partly won + lost), over outcomes in the window of items in "
        "the corrected claim lane: the corrected claim was paid, in part, or not.",
    ),
    Definition(
        "days-to-resolution",
        "Days to resolution",
        "Outcome date minus the remittance date, over the outcomes in the window (median shown, "
        "mean in the API and CLI).",
    ),
    Definition(
        "patient-collection",
        "Patient collection",
        "What patients paid / what they owe. Owed: per claim, the denials with a remittance date "
        "in the window put in the bill-the-patient lane or closed as billed to the patient: the "
        "amount recorded as billed, else (still open) the denied amount; a denial closed "
        "otherwise is owed by nobody. Paid: the payments of the practice folder's payments.csv "
        "on those claims (by claim number) dated up to today, at most what each claim owes. "
        "Received: every patient payment dated in the window, on any claim.",
    ),
    Definition(
        "net-paid",
        "Net paid",
        "Claim payments (CLP04) of the claims in force with a remittance date in the window, "
        "minus the takebacks: provider-level adjustments that recover money (PLB WO, 72, FB, "
        "WU, J1, CS, B3, OB with a positive amount) on remittances dated in the window, linked "
        "to a claim or not. What the practice kept.",
    ),
    Definition(
        "overdue",
        "Overdue",
        "Open work items (not yet sent) whose deadline is before today: the appeal or "
        "corrected claim window has passed, or a takeback's refund-dispute window. Never "
        "counted as expiring.",
    ),
    Definition(
        "expiring",
        "Expiring in 14 days",
        "Open denials (not yet sent) whose deadline is today or in the 13 days after it "
        "([today, today + 14 days)). Overdue ones are counted apart.",
    ),
    Definition(
        "open",
        "Open denied dollars",
        "The denied dollars of every denial not closed (open or sent), whatever its remittance "
        "date; underpayments are counted under Underpaid.",
    ),
    Definition(
        "aging",
        "Aging",
        "Those open denials by age: today minus the remittance date (BPR16, else the production "
        "date), in days: 0-30, 31-60, 61-90 and over 90. A denial without a remittance date "
        "counts as over 90.",
    ),
    Definition(
        "underpaid",
        "Underpaid",
        "Lines the payer paid but allowed below the contracted rate of the practice's "
        "fee_schedules/ by more than the payer's tolerance (rule U001): the contract minus the "
        "allowed amount, summed by payer and by procedure code, remittance date in the window. "
        "Open: the part not yet closed.",
    ),
)

_BY_KEY = {d.key: d for d in DEFINITIONS}


def definition(key: str) -> Definition:
    return _BY_KEY[key]
