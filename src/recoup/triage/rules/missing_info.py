"""Missing or wrong claim data (CARC 16, 4, 146, 167, 252; with remark MA130 or N211).

Why it decides this way (DOMAIN §1.3, §1.4, §6.1): the payer did not judge the care, it could
not read the claim. Appealing does not help; the fix is a corrected claim, and the remark codes
say what to fix. With MA130 the claim is unprocessable and N211 says no appeal is allowed: there
are no appeal rights at all, only a new or corrected claim.
"""

from __future__ import annotations

from recoup.codes import explain, explain_remark
from recoup.triage.model import Decision, DenialContext, rule

NO_APPEAL_REMARKS = frozenset({"MA130", "N211"})


@rule("R016", "missing or wrong claim data", ("16", "4", "146", "167", "252"))
def missing_info(ctx: DenialContext) -> Decision:
    """Corrected claim, naming what to fix from the remark codes."""
    item = ctx.item
    adj = next(a for a in item.adjustments if a.reason in ("16", "4", "146", "167", "252"))
    exp = explain(adj.group, adj.reason, item.remarks)
    reasons = [f"{adj.key}: {exp.description}"]
    fixes: list[str] = []
    for code in item.remarks:
        remark = explain_remark(code)
        if code in NO_APPEAL_REMARKS:
            reasons.append(f"{code}: {remark.description}")
            reasons.append("No appeal rights: fix the claim and send it again.")
            continue
        if remark.known:
            fixes.append(f"{code}: {remark.description}")
    if fixes:
        reasons.append("Fix: " + "; ".join(fixes))
    elif exp.typical_fix:
        reasons.append(f"Fix: {exp.typical_fix}")
    missing: tuple[str, ...] = ()
    if not fixes:
        missing = ("a remark code naming the missing data (ask the payer what to fix)",)
    what = "; ".join(fixes) or "the data the payer names"
    return Decision(
        "corrected_claim",
        tuple(reasons),
        missing=missing,
        action=f"correct the claim ({what}) and resubmit",
        deadline_step="corrected_claim",
    )
