"""Benefit accumulators: periods, counters, where a patient stands, and payer recounts.

    >>> from recoup.accumulators import benefit_status, check_visit  # doctest: +SKIP
    >>> check_visit(practice, "P1001", date(2026, 4, 2), "97110").exceeds  # doctest: +SKIP
    True

* :mod:`~recoup.accumulators.periods`: ``period_containing(kind, on)``, a ``Period [start, end)``
* :mod:`~recoup.accumulators.counting`: visits, units, hours and dollars from service lines
* :mod:`~recoup.accumulators.status`: ``benefit_status`` and ``check_visit`` (benefit cap and
  prior authorisation, kept apart)
* :mod:`~recoup.accumulators.reconcile`: what the payer counted behind a CO-119 versus what it
  should have
"""

from recoup.accumulators.counting import (
    QUARTER_HOUR_CODES,
    CodeFilter,
    CountedLine,
    count,
    from_visits,
    line_hours,
    units_by_code,
)
from recoup.accumulators.periods import (
    Period,
    add_months,
    anniversary_in,
    parse_period,
    period_containing,
)
from recoup.accumulators.reconcile import (
    BENEFIT_MAX_REASONS,
    CountDifference,
    Reconciliation,
    claims_for_patient,
    history_lines,
    reconcile,
)
from recoup.accumulators.status import (
    EVALUATION_CODES,
    WARNING_SHARE,
    AuthStatus,
    BenefitStatus,
    LimitCheck,
    PayerFigure,
    VisitCheck,
    authorization_status,
    benefit_period,
    benefit_status,
    check_visit,
    episode_start,
    load_eligibility,
)

__all__ = [
    "BENEFIT_MAX_REASONS",
    "EVALUATION_CODES",
    "QUARTER_HOUR_CODES",
    "WARNING_SHARE",
    "AuthStatus",
    "BenefitStatus",
    "CodeFilter",
    "CountDifference",
    "CountedLine",
    "LimitCheck",
    "PayerFigure",
    "Period",
    "Reconciliation",
    "VisitCheck",
    "add_months",
    "anniversary_in",
    "authorization_status",
    "benefit_period",
    "benefit_status",
    "check_visit",
    "claims_for_patient",
    "count",
    "episode_start",
    "from_visits",
    "history_lines",
    "line_hours",
    "load_eligibility",
    "parse_period",
    "period_containing",
    "reconcile",
    "units_by_code",
]
