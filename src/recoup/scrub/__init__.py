"""Pre-billing scrub: what a batch of claims would have denied, line by line, and what to change.

    >>> from recoup.scrub import claims_from_visits, read_history, scrub  # doctest: +SKIP
    >>> report = scrub(claims, practice, history)  # doctest: +SKIP

Checks (:mod:`recoup.scrub.checks`): benefit caps and prior authorisations (with the batch's
earlier visits), a missing authorisation number, NCCI PTP pairs without the bypass modifier
(from the CMS quarter in force, else the bundled illustrative table), 97155 during 97153
without the analyst's direction documented, MUE units, the Medicare KX threshold, therapy
GP/GO/GN for Medicare, timely filing, and duplicates of paid claims. Each issue names its rule
and source; :mod:`recoup.scrub.compare` says which later denials the scrub would have prevented.
"""

from recoup.scrub.adapters import (
    Claim837Like,
    claim_from_837,
    claims_from_837,
    claims_from_visits,
    read_837_claims,
)
from recoup.scrub.compare import Comparison, compare
from recoup.scrub.engine import scrub
from recoup.scrub.history import History, read_history
from recoup.scrub.model import BLOCK, WARN, Issue, ScrubClaim, ScrubLine, ScrubReport

__all__ = [
    "BLOCK",
    "WARN",
    "Claim837Like",
    "Comparison",
    "History",
    "Issue",
    "ScrubClaim",
    "ScrubLine",
    "ScrubReport",
    "claim_from_837",
    "claims_from_837",
    "claims_from_visits",
    "compare",
    "read_837_claims",
    "read_history",
    "scrub",
]
