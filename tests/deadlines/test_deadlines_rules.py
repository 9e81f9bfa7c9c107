"""Appeal and filing deadlines: the issue's cases, one table, plus the bundled data's own checks."""

from __future__ import annotations

import doctest
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import pytest

import recoup.deadlines
from recoup.deadlines import (
    ANY_PAYER,
    Clock,
    Deadline,
    SourceKind,
    appeal_windows,
    days_left,
    deadline,
    load_windows,
)
from recoup.deadlines import rules as rules_module
from recoup.practice import PayerType
from recoup.practice.settings import read_settings


class Case(NamedTuple):
    name: str
    payer_type: str | None
    step: str
    notice: date | None
    expected: date | None
    basis_has: tuple[str, ...]
    options: dict[str, Any] = {}  # noqa: RUF012 - read only, never mutated


D = date.fromisoformat

CASES = [
    Case(
        "medicare redetermination: the issue's acceptance case",
        "medicare",
        "redetermination",
        D("2026-03-04"),
        D("2026-07-07"),
        (
            "Medicare redetermination: 120 days from receipt of the initial determination; "
            "receipt presumed 5 days after the remittance date 2026-03-04 (2026-03-09) "
            "— 42 CFR 405.942",
        ),
    ),
    Case(
        "medicare 'appeal' is the first level, redetermination",
        "medicare",
        "appeal",
        D("2026-03-04"),
        D("2026-07-07"),
        ("Medicare redetermination",),
    ),
    Case(
        "medicare reconsideration: 180 days from presumed receipt",
        "medicare",
        "reconsideration",
        D("2026-03-04"),
        D("2026-09-05"),
        ("180 days", "(2026-03-09)", "42 CFR 405.962"),
    ),
    Case(
        "medicare reopening: 1 year from the determination, leap day clamped",
        "medicare",
        "reopening",
        D("2028-02-29"),
        D("2029-02-28"),
        ("12 months", "clerical", "42 CFR 405.980"),
    ),
    Case(
        "medicare corrected claim: 12 months from the date of service",
        "medicare",
        "corrected_claim",
        D("2026-03-04"),
        D("2027-01-15"),
        ("date of service 2026-01-15", "42 CFR 424.44"),
        {"service_date": D("2026-01-15")},
    ),
    Case(
        "medicare corrected claim without a date of service says so",
        "medicare",
        "corrected_claim",
        D("2026-03-04"),
        None,
        ("date of service", "missing"),
    ),
    Case(
        "commercial: 180 days from the remittance",
        "commercial",
        "appeal",
        D("2026-03-04"),
        D("2026-08-31"),
        ("Commercial plan appeal: 180 days", "remittance date 2026-03-04", "set appeal_days"),
    ),
    Case(
        "erisa: 180 days",
        "erisa",
        "appeal",
        D("2026-03-04"),
        D("2026-08-31"),
        ("ERISA", "180 days", "29 CFR 2560.503-1(h)"),
    ),
    Case(
        "erisa external review: 4 months",
        "erisa",
        "external_review",
        D("2026-10-31"),
        D("2027-02-28"),
        ("4 months", "45 CFR 147.136(d)"),
    ),
    Case(
        "fehb: 6 months across a month end",
        "fehb",
        "appeal",
        D("2026-08-31"),
        D("2027-02-28"),
        ("FEHB", "6 months", "remittance date 2026-08-31", "5 CFR 890.105(b)"),
    ),
    Case(
        "fehb: 6 months keeps the day of the month when it exists",
        "fehb",
        "appeal",
        D("2026-01-15"),
        D("2026-07-15"),
        ("6 months",),
    ),
    Case(
        "medi-cal: 6 months clamped to a 30-day month's end",
        "medicaid",
        "corrected_claim",
        D("2026-03-31"),
        D("2026-09-30"),
        ("Medi-Cal", "6 months"),
        {"state": "CA"},
    ),
    Case(
        "tricare: 90 days",
        "tricare",
        "appeal",
        D("2026-03-04"),
        D("2026-06-02"),
        ("TRICARE reconsideration", "90 days", "not proper appealing parties"),
    ),
    Case(
        "medicare advantage non-contracted: 60 days",
        "medicare_advantage",
        "appeal",
        D("2026-03-04"),
        D("2026-05-03"),
        ("Medicare Advantage", "60 days", "waiver of liability", "contracted providers"),
    ),
    Case(
        "texas medicaid: 120 days",
        "medicaid",
        "appeal",
        D("2026-03-04"),
        D("2026-07-02"),
        ("Texas Medicaid", "120 days", "354.2217"),
        {"state": "tx"},
    ),
    Case(
        "medicaid in a state with no rule: the default, marked configure per state",
        "medicaid",
        "appeal",
        D("2026-03-04"),
        D("2026-06-02"),
        ("configure per state", "90 days"),
        {"state": "CO"},
    ),
    Case(
        "medi-cal corrected claim: 6 months",
        "medicaid",
        "corrected_claim",
        D("2026-03-04"),
        D("2026-09-04"),
        ("Medi-Cal", "6 months"),
        {"state": "CA"},
    ),
    Case(
        "california workers' comp second bill review: 90 days, secondary source",
        "workers_comp",
        "appeal",
        D("2026-03-04"),
        D("2026-06-02"),
        ("Second Bill Review", "90 days", "secondary source"),
        {"state": "CA"},
    ),
    Case(
        "workers' comp in a state with no rule: no date, says what is on file",
        "workers_comp",
        "appeal",
        D("2026-03-04"),
        None,
        ("no workers_comp appeal rule on file in NY", "CA", "appeal_days"),
        {"state": "NY"},
    ),
    Case(
        "corrected claim for a commercial payer: the default, from the date of service",
        "commercial",
        "corrected_claim",
        D("2026-03-04"),
        D("2026-04-22"),
        ("set per contract", "90 days", "counted from the date of service 2026-01-22"),
        {"service_date": D("2026-01-22")},
    ),
    Case(
        "corrected claim counted from the notice when the payer setting says so",
        "commercial",
        "corrected_claim",
        D("2026-03-04"),
        D("2026-06-02"),
        ("counted from the remittance date 2026-03-04", "corrected_claim_from"),
        {"service_date": D("2026-01-22"), "clock": "notice"},
    ),
    Case(
        "corrected claim with the contract's corrected_claim_days",
        "commercial",
        "corrected_claim",
        D("2026-03-04"),
        D("2027-01-22"),
        ("365 days (corrected_claim_days for this payer",),
        {"service_date": D("2026-01-22"), "override_days": 365},
    ),
    Case(
        "medicaid managed care: 60 days from the notice (42 CFR 438.402(c)(2)(ii))",
        "medicaid_managed_care",
        "appeal",
        D("2026-03-04"),
        D("2026-05-03"),
        ("Medicaid managed care plan appeal: 60 days", "42 CFR 438.402(c)(2)(ii)"),
    ),
    Case(
        "medicaid fee-for-service in Texas stays 120 days beside managed care",
        "medicaid",
        "appeal",
        D("2026-03-04"),
        D("2026-07-02"),
        ("Texas Medicaid",),
        {"state": "TX"},
    ),
    Case(
        "CHAMPVA claim filing: one year from the date of service (38 CFR 17.275)",
        "champva",
        "corrected_claim",
        D("2026-03-04"),
        D("2027-01-22"),
        ("CHAMPVA claim filing", "38 CFR 17.275"),
        {"service_date": D("2026-01-22")},
    ),
    Case(
        "VA Community Care claim filing: one year from the date of service",
        "va_community_care",
        "corrected_claim",
        D("2026-03-04"),
        D("2027-01-22"),
        ("VA Community Care claim filing", "17.275"),
        {"service_date": D("2026-01-22")},
    ),
    Case(
        "medicare reopening: one year from the initial determination",
        "medicare",
        "reopening",
        D("2026-08-21"),
        D("2027-08-21"),
        ("Medicare reopening", "42 CFR 405.980(b)"),
    ),
    Case(
        "a later recorded receipt moves the medicare clock",
        "medicare",
        "redetermination",
        D("2026-03-04"),
        D("2026-07-18"),
        ("receipt recorded by the practice on 2026-03-20", "presumed on 2026-03-09"),
        {"received_date": D("2026-03-20")},
    ),
    Case(
        "a later recorded receipt moves the commercial clock",
        "commercial",
        "appeal",
        D("2026-03-04"),
        D("2026-09-16"),
        ("receipt recorded by the practice on 2026-03-20",),
        {"received_date": D("2026-03-20")},
    ),
    Case(
        "a later receipt does not move a clock counted from the notice (TRICARE: of the EOB)",
        "tricare",
        "appeal",
        D("2026-03-04"),
        D("2026-06-02"),
        ("does not move this clock",),
        {"received_date": D("2026-03-20")},
    ),
    Case(
        "a receipt date before the remittance is ignored",
        "medicare",
        "redetermination",
        D("2026-03-04"),
        D("2026-07-07"),
        ("2026-02-01 is before the remittance and was ignored",),
        {"received_date": D("2026-02-01")},
    ),
    Case(
        "practice.toml appeal_days overrides the window and says so",
        "commercial",
        "appeal",
        D("2026-03-04"),
        D("2026-04-03"),
        ("30 days (appeal_days for this payer in practice.toml, replacing the 180 days",),
        {"override_days": 30},
    ),
    Case(
        "an override keeps the rule's clock (medicare presumed receipt)",
        "medicare",
        "redetermination",
        D("2026-03-04"),
        D("2026-06-07"),
        ("90 days (appeal_days", "replacing the 120 days", "(2026-03-09)"),
        {"override_days": 90},
    ),
    Case(
        "an override gives a date where no rule is on file",
        "workers_comp",
        "appeal",
        D("2026-03-04"),
        D("2026-04-18"),
        ("set by the practice: 45 days", "no workers_comp appeal rule on file"),
        {"override_days": 45, "state": "NY"},
    ),
    Case(
        "unknown payer type: no date, and says so",
        "self_pay",
        "appeal",
        D("2026-03-04"),
        None,
        ('payer type "self_pay" is not known', "medicare"),
    ),
    Case(
        "missing payer type: no date, and says where to set it",
        None,
        "appeal",
        D("2026-03-04"),
        None,
        ("payer type is missing", "practice.toml"),
    ),
    Case(
        "unknown step: no date",
        "medicare",
        "arbitration",
        D("2026-03-04"),
        None,
        ("no medicare arbitration rule on file",),
    ),
    Case(
        "no notice date on the remittance: no date",
        "medicare",
        "appeal",
        None,
        None,
        ("no notice date", "BPR16", "DTM*405"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_deadline(case: Case) -> None:
    result = deadline(case.payer_type, case.step, case.notice, **case.options)
    assert result.date == case.expected, result.basis
    for words in case.basis_has:
        assert words in result.basis
    if case.expected is not None:
        assert result.source  # every dated deadline says where its rule comes from


def test_payer_type_enum_is_accepted() -> None:
    by_enum = deadline(PayerType.MEDICARE, "redetermination", D("2026-03-04"))
    assert by_enum == deadline("Medicare ", "redetermination", D("2026-03-04"))
    assert by_enum.step == "redetermination"
    assert "law.lawstack.com/cfr/42/405.942" in by_enum.source


@pytest.mark.parametrize(
    ("today", "left"),
    [("2026-03-04", 125), ("2026-07-07", 0), ("2026-07-10", -3)],
)
def test_days_left(today: str, left: int) -> None:
    due = deadline("medicare", "redetermination", D("2026-03-04"))
    assert days_left(due, D(today)) == left


def test_days_left_without_a_date() -> None:
    assert days_left(Deadline(None, "missing", "", "appeal"), D("2026-03-04")) is None


def test_override_from_practice_toml(tmp_path: Path) -> None:
    (tmp_path / "practice.toml").write_text(
        'name = "Brightpath"\n\n[payers.73120]\nname = "Summit"\ntype = "commercial"\n'
        "appeal_days = 60\n",
        encoding="utf-8",
    )
    settings, findings = read_settings(tmp_path)
    assert settings is not None and not findings
    payer = settings.payers[0]
    due = deadline(payer.type, "appeal", D("2026-03-04"), override_days=payer.appeal_days)
    assert due.date == D("2026-05-03")
    assert "60 days (appeal_days for this payer in practice.toml" in due.basis


# -- versions: the rule in force on the notice date --------------------------------------------

TWO_VERSIONS = """
[meta]
version = "test"
date = "2026-01-01"

[[window]]
payer_type = "tricare"
step = "reconsideration"
first_level = true
days = 90
clock = "notice"
basis = "old: {window}; {clock} — {citation}"
citation = "old rule"
source = "old source"
source_kind = "primary"
valid_from = "2020-01-01"

[[window]]
payer_type = "tricare"
step = "reconsideration"
first_level = true
days = 60
clock = "notice"
basis = "new: {window}; {clock} — {citation}"
citation = "new rule"
source = "new source"
source_kind = "primary"
valid_from = "2027-01-01"
"""


@pytest.mark.parametrize(
    ("notice", "expected", "basis_start"),
    [
        ("2019-06-01", "2019-08-30", "old: 90 days"),  # before any: the earliest, said so
        ("2026-12-31", "2027-03-31", "old: 90 days"),
        ("2027-01-01", "2027-03-02", "new: 60 days"),
    ],
)
def test_the_version_in_force_on_the_notice_date_applies(
    notice: str, expected: str, basis_start: str
) -> None:
    table = load_windows(TWO_VERSIONS)
    due = deadline("tricare", "appeal", D(notice), table=table)
    assert due.date == D(expected)
    assert due.basis.startswith(basis_start)
    assert ("applies from 2020-01-01" in due.basis) == (notice < "2020-01-01")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("days = 90", "days = 0"), "exactly one positive window"),
        (("days = 90", "days = 90\nmonths = 3"), "exactly one positive window"),
        (('payer_type = "tricare"', 'payer_type = "self_pay"'), "unknown payer_type"),
        (('clock = "notice"', 'clock = "whenever"'), "whenever"),
        (('clock = "notice"', 'clock = "presumed_receipt"'), "receipt_days"),
        (('source = "old source"', 'source = " "'), "source are required"),
        (('valid_from = "2020-01-01"', 'valid_from = "2020-13-01"'), "window 1"),
        (('basis = "old: {window}; {clock}', 'basis = "old: {windw}; {clock}'), "windw"),
        (('valid_from = "2027-01-01"', 'valid_from = "2020-01-01"'), "two windows"),
    ],
)
def test_bad_rows_are_rejected_with_their_place(change: tuple[str, str], message: str) -> None:
    text = TWO_VERSIONS.replace(*change, 1)
    assert text != TWO_VERSIONS
    with pytest.raises(ValueError, match=r"appeal_windows\.toml") as error:
        load_windows(text)
    assert message in str(error.value)


# -- the bundled data --------------------------------------------------------------------------

ROWS = appeal_windows().windows


def test_table_records_its_version_and_date() -> None:
    table = appeal_windows()
    assert table.version == "2026.12.03"
    assert table.date == D("2026-12-03")
    assert table.title


@pytest.mark.parametrize("row", ROWS, ids=[f"{w.payer_type}-{w.step}-{w.state}" for w in ROWS])
def test_every_bundled_row_is_sound(row: rules_module.Window) -> None:
    assert row.payer_type in {t.value for t in PayerType} | {ANY_PAYER}
    assert (row.shift.days > 0) != (row.shift.months > 0)
    assert row.clock in Clock
    assert (row.receipt_days == 5) == (row.clock is Clock.PRESUMED_RECEIPT)
    assert row.citation.strip() and row.source.strip()
    assert row.source_kind in SourceKind
    if row.source_kind is not SourceKind.UNVERIFIED:
        assert "http" in row.source or "CFR" in row.source
    assert D("2000-01-01") <= row.valid_from <= appeal_windows().date
    assert row.valid_from_note.strip()
    assert row.state == "" or (len(row.state) == 2 and row.state.isalpha())


@pytest.mark.parametrize("payer_type", [t.value for t in PayerType if t != "workers_comp"])
def test_every_payer_type_has_a_first_level_without_a_state(payer_type: str) -> None:
    due = deadline(payer_type, "appeal", D("2026-03-04"))
    assert due.date is not None, due.basis
    assert due.date > D("2026-03-04")


@pytest.mark.parametrize("payer_type", [t.value for t in PayerType])
def test_every_payer_type_has_a_corrected_claim_window(payer_type: str) -> None:
    due = deadline(payer_type, "corrected_claim", D("2026-03-04"), service_date=D("2026-02-01"))
    assert due.date is not None, due.basis


def test_placeholders_are_marked_as_such() -> None:
    unverified = [w for w in ROWS if w.source_kind is SourceKind.UNVERIFIED]
    assert unverified
    for row in unverified:
        where = row.basis + row.citation
        if row.step == "refund_dispute":  # no practice.toml setting yet: the contract says
            assert "set the window from the payer contract" in where
            continue
        assert "set appeal_days" in where or "set corrected_claim_days" in where


def test_public_api_is_all_exported() -> None:
    names = set(recoup.deadlines.__all__)
    assert names == set(rules_module.__all__)
    assert all(hasattr(recoup.deadlines, name) for name in names)


@pytest.mark.parametrize("module", [recoup.deadlines, rules_module])
def test_docstring_examples(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)  # type: ignore[arg-type]
    assert result.attempted and not result.failed
