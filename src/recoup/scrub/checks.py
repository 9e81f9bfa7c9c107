"""The scrub's checks: each looks at one claim of the batch and returns the issues it finds.

Every issue names its rule, what would be denied, what to change and its source (the table by
name, the file and row). The batch (:class:`Batch`) holds the indexes the checks share: the
practice seen one patient at a time with the batch's own lines in place of their visits.csv
rows (so a cap counts the visits earlier in the same batch), the batch's lines by patient and
day, and the 835 history.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from recoup.accumulators import (
    CodeFilter,
    CountedLine,
    check_visit,
    count,
    from_visits,
    line_hours,
    period_containing,
)
from recoup.deadlines import deadline
from recoup.ncci import BYPASS_MODIFIERS, mue_table_for, ptp_table_for
from recoup.practice import PayerType, PeriodKind, Practice, Visit
from recoup.scrub.history import History
from recoup.scrub.model import BLOCK, WARN, Issue, ScrubClaim, ScrubLine
from recoup.scrub.rules_data import denial_codes, kx_threshold, rules, therapy

__all__ = ["CHECKS", "Batch"]

ZERO = Decimal(0)
CENT = Decimal("0.01")
ANALYST, TECHNICIAN = "97155", "97153"
CLOSING_DAYS = 14  # timely filing "closing": the window ends within two weeks


def _issue(
    claim: ScrubClaim,
    line: ScrubLine | None,
    rule: str,
    severity: str,
    message: str,
    change: str,
    source: str,
) -> Issue:
    return Issue(
        claim.claim_id,
        line.number if line else 0,
        line.service_date if line else claim.first_date,
        line.code if line else "",
        rule,
        severity,
        message,
        change,
        source,
        denial_codes(rule),
        line.charge if line else sum((x.charge for x in claim.lines), ZERO),
    )


def who(claim: ScrubClaim) -> str:
    """The patient the claim's lines are grouped under; a claim whose patient is not in
    patients.csv stands alone (never pooled with other unmatched claims)."""
    return claim.patient_id or f"?{claim.claim_id}"


def _as_visit(claim: ScrubClaim, line: ScrubLine) -> Visit:
    return Visit(
        claim.patient_id,
        claim.claim_id,
        line.number,
        line.service_date,
        line.code,
        line.modifiers,
        line.units,
        line.charge,
        line.start_time,
        line.end_time,
        "",
        "",
        line.note_ref,
        line.source,
        0,
    )


class Batch:
    """Everything the checks share for one scrub run."""

    def __init__(
        self,
        claims: list[ScrubClaim],
        practice: Practice,
        history: History,
        *,
        store: Any = None,
        today: date | None = None,
    ) -> None:
        self.claims, self.practice, self.history = claims, practice, history
        self.store, self.today = store, today
        self.tables: dict[str, None] = {}
        self.claim_ids = {c.claim_id for c in claims}
        self.day_lines: dict[tuple[str, date], list[tuple[ScrubClaim, ScrubLine]]] = defaultdict(
            list
        )
        visits: dict[str, list[Visit]] = defaultdict(list)
        for v in practice.visits:
            if v.claim_id not in self.claim_ids:
                visits[v.patient_id].append(v)
        for claim in claims:
            for line in claim.lines:
                self.day_lines[(who(claim), line.service_date)].append((claim, line))
                visits[claim.patient_id].append(_as_visit(claim, line))
        self._visits = visits
        self._views: dict[str, Practice] = {}
        self._may_exceed: dict[str, bool] = {}
        self.by_patient: dict[str, list[ScrubClaim]] = defaultdict(list)
        for claim in claims:
            self.by_patient[claim.patient_id].append(claim)
        self._payer_types = {p.payer_id: p.type for p in practice.payers if p.type}
        self._price: dict[tuple[str, str], Decimal] = {}
        for (_, payer), lines in history.by_patient.items():
            for paid in lines:
                if not paid.denied and paid.allowed > 0 and paid.units > 0:
                    self._price[(payer, paid.code)] = paid.allowed / paid.units

    def view(self, patient_id: str) -> Practice:
        """The practice with only this patient's rows (check_visit scans every row it is given)."""
        found = self._views.get(patient_id)
        if found is None:
            p = self.practice
            found = p._replace(
                visits=tuple(self._visits.get(patient_id, ())),
                benefits=tuple(b for b in p.benefits if b.patient_id == patient_id),
                authorizations=tuple(a for a in p.authorizations if a.patient_id == patient_id),
                coverages=tuple(c for c in p.coverages if c.patient_id == patient_id),
                waivers=tuple(w for w in p.waivers if w.patient_id == patient_id),
            )
            self._views[patient_id] = found
        return found

    def may_exceed(self, patient_id: str) -> bool:
        """Could any line of the patient pass a cap or an authorisation? A bound that counts every
        visit the patient has, in any period: when even that fits every limit, no line can pass
        one, and check_visit (which rescans the patient's visits for each line) is not needed."""
        found = self._may_exceed.get(patient_id)
        if found is None:
            found = self._may_exceed[patient_id] = self._bound_exceeds(self.view(patient_id))
        return found

    @staticmethod
    def _bound_exceeds(view: Practice) -> bool:
        lines = from_visits(view.visits)
        for b in view.benefits:
            unit = str(b.unit)
            if unit == "dollars":
                continue  # not checked here (see check_limits)
            codes = CodeFilter(b.counts_codes, b.excludes_codes)
            if unit == "hours":
                mine = [x for x in lines if codes.counts(x.code)]
                total = sum((max(x.units / 4, line_hours(x)) for x in mine), ZERO)
            else:
                total = count(lines, unit, codes)
            if total + b.used_elsewhere > b.limit:
                return True
        for a in view.authorizations:
            codes = CodeFilter(a.codes)
            mine = [x for x in lines if codes.counts(x.code)]
            windows: dict[date, list[CountedLine]] = defaultdict(list)
            per = str(a.per)
            for x in mine:  # the busiest week or month bounds every window of the authorisation
                key = a.start_date
                if per in ("week", "month"):
                    key = period_containing(PeriodKind(per), x.service_date).start
                windows[key].append(x)
            for part in windows.values():
                if str(a.unit) == "hours":
                    total = sum((max(x.units / 4, line_hours(x)) for x in part), ZERO)
                else:
                    total = count(part, str(a.unit), codes)
                if total > a.units:
                    return True
            covering = [
                o for o in view.authorizations if not o.codes or set(o.codes) & set(a.codes)
            ]
            if any(
                not any(o.start_date <= x.service_date <= o.end_date for o in covering)
                for x in mine
            ):
                return True  # a line no authorisation covers
        return False

    def payer_type(self, claim: ScrubClaim) -> str:
        if claim.filing_indicator == "MB":
            return PayerType.MEDICARE
        for c in self.view(claim.patient_id).coverages:
            if c.payer_id == claim.payer_id:
                return str(c.payer_type)
        return str(self._payer_types.get(claim.payer_id, ""))

    def estimated_allowed(self, claim: ScrubClaim, line: ScrubLine) -> Decimal:
        """What the payer will likely allow: its last allowed amount a unit for the code times
        the units, else the charge (an upper bound)."""
        price = self._price.get((claim.payer_id, line.code))
        return line.charge if price is None else (price * line.units).quantize(CENT)

    def used(self, name: str) -> None:
        self.tables[name] = None


# -- benefit caps and authorisations -----------------------------------------------------------


def check_limits(batch: Batch, claim: ScrubClaim) -> list[Issue]:
    """Benefit caps (visits, units, hours) and prior authorisations, with the batch's earlier
    visits counted. Dollar caps are the KX check's (Medicare) or the payer's allowed amounts."""
    if not claim.patient_id:
        return []
    view = batch.view(claim.patient_id)
    if not view.benefits and not view.authorizations:
        return []
    out = list(_auth_numbers(batch, claim, view))
    if not batch.may_exceed(claim.patient_id):
        return out
    for line in claim.lines:
        check = check_visit(
            view, claim.patient_id, line.service_date, line.code, line.units, charge=line.charge
        )
        for limit in check.exceeded:
            if limit.unit == "dollars":
                continue
            if limit.limit_kind == "benefit":
                rows = [b for b in view.benefits if b.benefit == limit.name]
                source = ", ".join(f"benefits.csv row {b.row}" for b in rows) or "benefits.csv"
                advice = " ".join(check.advice) or "hold the line or bill the patient's secondary"
                out.append(
                    _issue(
                        claim,
                        line,
                        "benefit_cap",
                        BLOCK,
                        f"{line.code} on {line.service_date}: {limit.message} ({limit.used} used "
                        f"before it, this line adds {limit.adds}); the payer would deny it "
                        "(CO-119)",
                        advice,
                        source,
                    )
                )
            else:
                auths = [a for a in view.authorizations if a.auth_number == limit.name]
                source = ", ".join(f"authorizations.csv row {a.row}" for a in auths)
                out.append(
                    _issue(
                        claim,
                        line,
                        "authorization",
                        BLOCK,
                        f"{line.code} on {line.service_date}: {limit.message}",
                        " ".join(check.advice) or "request the authorization before sending",
                        source or "authorizations.csv",
                    )
                )
    return out


def _auth_numbers(batch: Batch, claim: ScrubClaim, view: Practice) -> list[Issue]:
    """An authorisation on file for the line's code and date, but no number on the claim."""
    out = []
    for line in claim.lines:
        stated = (line.prior_auth, claim.prior_auth)  # REF*G1 of the line, else the claim's
        if all(v is None for v in stated) or any(stated):
            continue  # the input cannot say, or the number is there
        for auth in view.authorizations:
            if auth.payer_id not in ("", claim.payer_id):
                continue
            if auth.codes and line.code not in auth.codes:
                continue
            if auth.start_date <= line.service_date <= auth.end_date:
                out.append(
                    _issue(
                        claim,
                        line,
                        "authorization",
                        BLOCK,
                        f"{line.code} on {line.service_date} is under prior authorization "
                        f"{auth.auth_number}, but the claim carries no authorization number",
                        f"add REF*G1 {auth.auth_number} to the claim",
                        f"authorizations.csv row {auth.row}",
                    )
                )
                break
    return out


# -- NCCI PTP and the ABA concurrent pair --------------------------------------------------------


def _overlap(a: ScrubLine, b: ScrubLine) -> bool:
    assert a.start_time and a.end_time and b.start_time and b.end_time
    return a.start_time < b.end_time and b.start_time < a.end_time


def _gap(a: ScrubLine, b: ScrubLine) -> bool:
    assert a.start_time and a.end_time and b.start_time and b.end_time
    return a.end_time < b.start_time or b.end_time < a.start_time


def _times(line: ScrubLine) -> str:
    if not line.timed:
        return "no times"
    assert line.start_time and line.end_time
    return f"{line.start_time:%H:%M}–{line.end_time:%H:%M}"


def check_ptp(batch: Batch, claim: ScrubClaim) -> list[Issue]:
    """NCCI pairs billed the same day (this claim's lines against the patient's day in the
    batch): indicator 0 cannot be bypassed; distinct times without 59/X -> add XU/XE/59;
    overlapping -> warn. The overlapping 97155/97153 pair is the concurrent check's."""
    out = []
    for line in claim.lines:
        if BYPASS_MODIFIERS.intersection(line.modifiers):
            continue
        table, name = ptp_table_for(line.service_date, batch.store)
        batch.used(name)
        for other_claim, other in batch.day_lines.get((who(claim), line.service_date), ()):
            if other is line or other.code == line.code:
                continue
            edit = table.find(line.code, other.code, line.service_date)
            if edit is None or edit.column2 != line.code:
                continue
            where = f"{edit.source}; {name}"
            pair = f"{edit.column1} (column 1) and {edit.column2} (column 2)"
            elsewhere = "" if other_claim is claim else f" (claim {other_claim.claim_id})"
            if edit.modifier_indicator == "0":
                out.append(
                    _issue(
                        claim,
                        line,
                        "ncci_ptp",
                        BLOCK,
                        f"{pair} billed on {line.service_date}{elsewhere}: the edit has modifier "
                        f"indicator 0, no modifier bypasses it; {line.code} would be denied",
                        f"do not bill {line.code} with {edit.column1} on the same day",
                        where,
                    )
                )
                break
            if not (line.timed and other.timed):
                out.append(
                    _issue(
                        claim,
                        line,
                        "ncci_ptp",
                        WARN,
                        f"{pair} billed on {line.service_date}{elsewhere} without 59/X, and the "
                        "visit log has no times to show they were separate",
                        "record start and stop times; add XU/XE/59 only if the services were "
                        "separate",
                        where,
                    )
                )
                break
            if _overlap(line, other):
                if {line.code, other.code} == {ANALYST, TECHNICIAN}:
                    break  # check_concurrent decides
                out.append(
                    _issue(
                        claim,
                        line,
                        "ncci_ptp",
                        WARN,
                        f"{pair} overlap on {line.service_date} ({edit.column1} {_times(other)}, "
                        f"{line.code} {_times(line)}): the payer bundles {line.code}",
                        f"bill {edit.column1} alone, or document why the services were separate",
                        where,
                    )
                )
                break
            modifier = "XE" if _gap(line, other) else "XU"
            kind = "separate sessions" if modifier == "XE" else "distinct, back-to-back services"
            out.append(
                _issue(
                    claim,
                    line,
                    "ncci_ptp",
                    BLOCK,
                    f"{pair} billed on {line.service_date}{elsewhere} without 59/X; the visit log "
                    f"shows {kind} ({edit.column1} {_times(other)}, {line.code} {_times(line)}): "
                    f"{line.code} would be bundled (CO-97)",
                    f"add modifier {modifier} (or 59, as the payer requires) to {line.code}",
                    where,
                )
            )
            break
    return out


def check_concurrent(batch: Batch, claim: ScrubClaim) -> list[Issue]:
    """97155 at the same time as 97153 needs the analyst's direction of the technician in the
    session note (the 97155 descriptor and the ABA Services Workgroup guidance, docs/domain.md
    §4.4)."""
    out = []
    for line in claim.lines:
        if line.code != ANALYST or not line.timed:
            continue
        for _, other in batch.day_lines.get((who(claim), line.service_date), ()):
            if other.code != TECHNICIAN or not other.timed or not _overlap(line, other):
                continue
            if line.note_ref:
                break  # the note is cited; it must show the direction (it goes with an appeal)
            out.append(
                _issue(
                    claim,
                    line,
                    "concurrent_aba",
                    BLOCK,
                    f"97155 {_times(line)} overlaps 97153 {_times(other)} on "
                    f"{line.service_date} and no session note documents the analyst directing "
                    "the technician: the payer would bundle 97155 (CO-97)",
                    "document the analyst's direction and protocol modification in a session "
                    "note (note_ref), or bill only the time that did not overlap",
                    f"{line.source}; ABA concurrent-billing guidance (docs/domain.md §4.4)",
                )
            )
            break
    return out


# -- MUE -----------------------------------------------------------------------------------------


def check_mue(batch: Batch, claim: ScrubClaim) -> list[Issue]:
    """Units over the code's MUE: per line (MAI 1) or per day across lines (MAI 2, 3). A code
    with no MUE row is unknown, never unlimited: it raises nothing."""
    out = []
    for line in claim.lines:
        table, name = mue_table_for(line.service_date, batch.store)
        batch.used(name)
        mue = table.find(line.code) if table is not None else None
        if mue is None:
            continue
        units = line.units
        if mue.per_day:
            units = sum(
                (
                    x.units
                    for _, x in batch.day_lines.get((who(claim), line.service_date), ())
                    if x.code == line.code
                ),
                ZERO,
            )
        if units <= mue.value:
            continue
        scope = "on the line" if not mue.per_day else f"on {line.service_date}"
        change = {
            "1": f"bill at most {mue.value} units a line (split only with the proper modifiers)",
            "2": f"reduce the day's units of {line.code} to {mue.value}: no appeal exceeds it",
            "3": f"reduce the units to {mue.value}, or keep the documentation for an appeal",
        }[mue.mai]
        out.append(
            _issue(
                claim,
                line,
                "mue",
                BLOCK,
                f"{units} units of {line.code} {scope} exceed the MUE of {mue.value} "
                f"(MAI {mue.mai}): the whole line would be denied",
                change,
                f"{mue.source}; {name}",
            )
        )
    return out


# -- Medicare therapy: KX and GP/GO/GN -----------------------------------------------------------


def _therapy_lines(claim: ScrubClaim) -> list[ScrubLine]:
    codes, modifiers, _ = therapy()
    return [x for x in claim.lines if x.code in codes or modifiers.intersection(x.modifiers)]


def check_therapy_modifier(batch: Batch, claim: ScrubClaim) -> list[Issue]:
    if batch.payer_type(claim) != PayerType.MEDICARE:
        return []
    codes, modifiers, source = therapy()
    return [
        _issue(
            claim,
            line,
            "therapy_modifier",
            BLOCK,
            f"{line.code} is an outpatient therapy code billed to Medicare without GP, GO or GN",
            "add GP (physical therapy), GO (occupational therapy) or GN (speech-language "
            "pathology)",
            source,
        )
        for line in claim.lines
        if line.code in codes and not modifiers.intersection(line.modifiers)
    ]


def _year_to_date(batch: Batch, claim: ScrubClaim, year: int) -> tuple[Decimal, list[str]]:
    """Allowed therapy amounts of the year before this claim: used elsewhere (benefits.csv),
    the 835s, and the batch's earlier claims (estimated)."""
    start = claim.first_date
    view = batch.view(claim.patient_id)
    total, parts = ZERO, []
    for b in view.benefits:
        mine = b.payer_id == claim.payer_id and str(b.unit) == "dollars"
        if mine and b.used_elsewhere and (b.as_of is None or b.as_of.year == year):
            total += b.used_elsewhere
            parts.append(f"${b.used_elsewhere} used elsewhere (benefits.csv row {b.row})")
    codes = therapy()[0]
    paid = ZERO
    for p in batch.history.allowed_lines(claim.patient_id, claim.payer_id):
        if p.claim_id in batch.claim_ids or p.denied or p.service_date.year != year:
            continue
        if p.service_date < start and p.code in codes:
            paid += p.allowed
    if paid:
        total += paid
        parts.append(f"${paid} allowed on the 835s")
    pending = ZERO
    for other in batch.by_patient.get(claim.patient_id, ()):
        if other is claim:
            continue
        if other.payer_id != claim.payer_id or other.first_date >= start:
            continue
        for line in _therapy_lines(other):
            if line.service_date.year == year:
                pending += batch.estimated_allowed(other, line)
    if pending:
        total += pending
        parts.append(f"${pending} estimated for earlier claims of this batch")
    return total, parts


def check_kx(batch: Batch, claim: ScrubClaim) -> list[Issue]:
    """Medicare therapy past the year's KX threshold (allowed amounts to date plus this claim)
    without the KX modifier."""
    if not claim.patient_id or batch.payer_type(claim) != PayerType.MEDICARE:
        return []
    lines = [x for x in _therapy_lines(claim) if "KX" not in x.modifiers]
    if not lines:
        return []
    year = claim.first_date.year
    threshold = kx_threshold(year)
    if threshold is None:
        return []
    before, parts = _year_to_date(batch, claim, year)
    this = sum((batch.estimated_allowed(claim, x) for x in _therapy_lines(claim)), ZERO)
    if before + this <= threshold.amount:
        return []
    basis = "; ".join([*parts, f"this claim about ${this}"])
    return [
        _issue(
            claim,
            line,
            "kx",
            BLOCK,
            f"the {year} Medicare therapy threshold of ${threshold.amount} is passed "
            f"(${before + this} with this claim: {basis}) and {line.code} has no KX: Medicare "
            "would deny it (CO-119 N640)",
            f"add KX to {line.code} if the record shows the therapy is medically necessary "
            "(certified plan of care, progress note with objective measures)",
            threshold.source,
        )
        for line in lines
    ]


# -- timely filing and duplicates ----------------------------------------------------------------


def check_timely_filing(batch: Batch, claim: ScrubClaim) -> list[Issue]:
    sent = batch.today or claim.sent_on
    kind = batch.payer_type(claim)
    dos = claim.first_date
    if kind == PayerType.MEDICARE:
        due = deadline(kind, "corrected_claim", None, service_date=dos)
        last, source, verified = due.date, due.source or due.basis, True
    else:
        table = rules()["timely_filing"]
        row = table.get(kind) or table["default"]
        last = dos + timedelta(days=int(row.get("days", 90)))
        source, verified = str(row["source"]), bool(row.get("verified"))
    if last is None:
        return []
    left = (last - sent).days
    if left < 0:
        return [
            _issue(
                claim,
                None,
                "timely_filing",
                BLOCK if verified else WARN,
                f"timely filing for the service of {dos} ended {last} ({-left} days before {sent})",
                "send proof of earlier timely submission with the claim, or write it off"
                if verified
                else "check the payer contract's filing limit before sending",
                source,
            )
        ]
    if left <= CLOSING_DAYS:
        return [
            _issue(
                claim,
                None,
                "timely_filing",
                WARN,
                f"timely filing for the service of {dos} ends {last} ({left} days after {sent})",
                "send the claim now and keep the acceptance report",
                source,
            )
        ]
    return []


def check_duplicate(batch: Batch, claim: ScrubClaim) -> list[Issue]:
    """The claim (CLM01) or one of its services already paid: an original would be denied as a
    duplicate (CO-18)."""
    if claim.frequency in ("7", "8"):
        return []
    sent = batch.today or claim.sent_on
    paid = batch.history.paid_claim(claim.claim_id, sent)
    if paid is not None:
        return [
            _issue(
                claim,
                None,
                "duplicate",
                BLOCK,
                f"claim {claim.claim_id} was already processed and allowed (payer claim "
                f"{paid.payer_claim_id}): "
                "sent again as an original it is a duplicate (CO-18)",
                f"do not resend it; to change it, send a replacement (frequency 7) with REF*F8 "
                f"{paid.payer_claim_id}",
                paid.source,
            )
        ]
    out = []
    for line in claim.lines:
        found = batch.history.paid_service(
            claim.patient_id, line.service_date, line.code, sent, claim.claim_id
        )
        if found is not None:
            out.append(
                _issue(
                    claim,
                    line,
                    "duplicate",
                    BLOCK,
                    f"{line.code} on {line.service_date} was already paid on claim "
                    f"{found.claim_id} (payer claim {found.payer_claim_id}): a duplicate (CO-18)",
                    "remove the line, or correct the paid claim with a replacement",
                    found.source,
                )
            )
    return out


CHECKS = (
    check_limits,
    check_ptp,
    check_concurrent,
    check_mue,
    check_kx,
    check_therapy_modifier,
    check_timely_filing,
    check_duplicate,
)
