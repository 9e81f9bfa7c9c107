"""Claims out: corrected, new, void and secondary 837P claims built from triage decisions.

- :func:`correction_form` says which form a payer accepts (replacement, new, void, reopening);
- :func:`file_claim` builds the claim from the original 837 and the decision, listing each
  changed element and why, or says what to add when something is unknown;
- :func:`write_result` writes the 837 with fresh envelope control numbers;
- :func:`claim_boxes` / :func:`boxes_markdown` summarise a claim in CMS-1500 boxes.
"""

from recoup.claims_out.boxes import BoxRow, boxes_markdown, claim_boxes
from recoup.claims_out.correct import (
    Change,
    ClaimResult,
    OriginalClaim,
    file_claim,
    original_claims,
)
from recoup.claims_out.form import CorrectionForm, correction_form
from recoup.claims_out.output import next_control_number, result_markdown, write_result

__all__ = [
    "BoxRow",
    "Change",
    "ClaimResult",
    "CorrectionForm",
    "OriginalClaim",
    "boxes_markdown",
    "claim_boxes",
    "correction_form",
    "file_claim",
    "next_control_number",
    "original_claims",
    "result_markdown",
    "write_result",
]
