"""Which correction a payer accepts for a corrected_claim decision."""

from __future__ import annotations

from typing import Literal

from recoup.practice.model import PayerType
from recoup.triage.engine import WorkItem
from recoup.triage.facts import payer_type_of

__all__ = ["CorrectionForm", "correction_form"]

CorrectionForm = Literal["replacement", "new", "void", "reopening"]
_VOID_WORDS = ("void", "withdraw", "cancel the claim")


def correction_form(item: WorkItem) -> CorrectionForm:
    """The form of the correction: ``replacement``, ``new``, ``void`` or ``reopening``.

    The rule, in order:

    1. The action says to void or withdraw the claim: ``void`` (837P CLM05-3 = 8 with REF*F8).
    2. Medicare (Part B, payer type ``medicare``) and the claim was returned unprocessable
       (remark MA130, usually with CARC 16): ``new``, a new claim (frequency 1). An unprocessable
       claim has no appeal rights and was never processed, so there is nothing to replace (the
       MA130 remark text; CMS Claims Processing Manual ch. 1 §80.3.2).
    3. Medicare otherwise (a processed claim with a clerical error: a missing modifier such as KX
       or GP, wrong units): ``reopening``. Medicare Part B does not take 837P replacement claims
       for processed claims; a clerical error is fixed through a reopening, which the MAC allows
       within one year of the initial determination for any reason (42 CFR 405.980(b)(1);
       Medicare Claims Processing Manual ch. 34 §10). Nothing 837 is written for it.
    4. Every other payer: ``replacement`` (frequency 7 with REF*F8 = the payer's claim control
       number, X12 RFI 1538).
    """
    action = item.action.lower()
    if any(word in action for word in _VOID_WORDS):
        return "void"
    ctx = item.context
    is_medicare = False
    if ctx is not None:
        is_medicare = payer_type_of(ctx).type == PayerType.MEDICARE
    if is_medicare:
        return "new" if "MA130" in item.remark_codes else "reopening"
    return "replacement"
