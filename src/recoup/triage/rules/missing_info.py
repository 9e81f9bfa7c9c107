"""Missing or wrong claim data (CARC 16, 4, 146, 167, 252; with remark MA130 or N211).

Why it decides this way (docs/domain.md §1.3, §1.4, §6.1): the payer did not judge the care, it
could
not read the claim. Appealing does not help; the fix is a corrected claim, and the remark codes
say what to fix. With MA130 the claim is unprocessable and has no appeal rights: it was never
processed, so it is corrected and sent as a **new** claim, never a replacement. Otherwise the
correction takes the payer's form (:func:`recoup.triage.rules.common.correction_for`): a
clerical-error reopening for Original Medicare, a replacement claim (frequency 7) elsewhere.
"""

from __future__ import annotations

from recoup.codes import explain, explain_remark
from recoup.triage.model import Decision, DenialContext, rule
from recoup.triage.rules.common import NO_APPEAL_REMARKS, correction_for

CODES = ("16", "4", "146", "167", "252")


@rule("R016", "missing or wrong claim data", CODES)
def missing_info(ctx: DenialContext) -> Decision:
    """Corrected claim in the payer's form, naming what to fix from the remark codes."""
    item = ctx.item
    adj = next(a for a in item.adjustments if a.reason in CODES)
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
    fix = correction_for(ctx)
    reasons.append(fix.why)
    missing: tuple[str, ...] = ()
    if not fixes:
        missing = ("a remark code naming the missing data (ask the payer what to fix)",)
    what = "; ".join(fixes) or "the data the payer names"
    return Decision(
        "corrected_claim",
        tuple(reasons),
        missing=missing,
        action=f"correct the claim ({what}) and {fix.how}",
        deadline_step=fix.step,
        correction_form=fix.form,
    )
