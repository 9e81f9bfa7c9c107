"""The worklist and the KPI tables as CSV and Excel files, for a practice manager's own sheets.

The rows are exactly those a worklist query matches (every page of it, in its order); the web
app and ``recoup worklist --csv/--xlsx`` pass the same query the page or table shows. Lanes,
statuses, outcomes and reason codes read as words, each with its code in a column of its own.
Money stays exact: Decimal text with two decimals in CSV; in Excel a number cell with a
two-decimal format. Text that a spreadsheet would take for a formula (``=``, ``+``, ``-``,
``@`` first) is kept as text: a quote before it in CSV, a string cell in Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from recoup.codes import explain
from recoup.money import CENT, format_money
from recoup.store.denial_rows import DenialRow
from recoup.store.kpis import Kpis, RateRow
from recoup.store.teamwork import WRITE_OFF_REASONS, status_code, status_label
from recoup.triage.model import LANES, Lane
from recoup.workflow import Outcome

__all__ = [
    "KPI_HEADER",
    "WORKLIST_HEADER",
    "kpi_csv",
    "kpi_rows",
    "kpi_xlsx",
    "lane_words",
    "worklist_csv",
    "worklist_rows",
    "worklist_xlsx",
]

Cell = str | int | Decimal | date | None

WORKLIST_HEADER = (
    "Denial",
    "Denial id",
    "Deadline",
    "Days left",
    "Patient",
    "Claim (account)",
    "Payer claim number",
    "Payer",
    "Payer id",
    "Service date",
    "Procedure",
    "Modifiers",
    "Code",
    "Reason",
    "Remarks",
    "Lane",
    "Lane code",
    "Status",
    "Status code",
    "Assigned to",
    "Call back on",
    "Amount",
    "Outcome",
    "Outcome code",
    "Outcome amount",
    "Write-off reason",
    "Write-off reason code",
)
MONEY_COLUMNS = frozenset({"Amount", "Outcome amount"})

KPI_HEADER = (
    "Table",
    "Key",
    "Meaning",
    "Denied lines",
    "Adjudicated lines",
    "Line rate",
    "Denied amount",
    "Charged amount",
    "Dollar rate",
)
KPI_MONEY = frozenset({"Denied amount", "Charged amount"})
KPI_RATES = frozenset({"Line rate", "Dollar rate"})


def lane_words(lane: str) -> str:
    return Lane(lane).label if lane in LANES else lane.replace("_", " ").capitalize()


def _outcome_words(code: str | None) -> str:
    if not code:
        return ""
    try:
        return Outcome(code).label
    except ValueError:
        return code.replace("_", " ").capitalize()


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT)


def worklist_rows(rows: Iterable[DenialRow]) -> list[tuple[Cell, ...]]:
    """One tuple per denial, in :data:`WORKLIST_HEADER` order."""
    out: list[tuple[Cell, ...]] = []
    for row in rows:
        out.append(
            (
                row.id,
                row.denial_id,
                row.deadline,
                row.days_left,
                row.patient_name,
                row.patient_account,
                row.payer_claim_id,
                row.payer_name,
                row.payer_id,
                row.service_date,
                row.code or "",
                " ".join(row.modifiers),
                row.carc,
                explain(row.group_code, row.reason_code).description,
                " ".join(row.remark_codes),
                lane_words(row.lane),
                row.lane,
                status_label(row),
                status_code(row),
                row.assigned_to or "",
                row.follow_up_on,
                _money(row.denied_amount),
                _outcome_words(row.outcome),
                row.outcome or "",
                _money(row.outcome_amount),
                WRITE_OFF_REASONS.get(row.write_off_reason or "", row.write_off_reason or ""),
                row.write_off_reason or "",
            )
        )
    return out


def _rate_rows(table: str, rows: Sequence[RateRow], meaning: bool) -> list[tuple[Cell, ...]]:
    out: list[tuple[Cell, ...]] = []
    for r in rows:
        words = ""
        if meaning:
            group, _, reason = r.key.partition("-")
            words = explain(group or None, reason or r.key).description
        out.append(
            (
                table,
                r.key,
                words,
                r.denied_lines,
                r.adjudicated_lines,
                r.rate,
                _money(r.denied_amount),
                _money(r.charged_amount),
                r.dollar_rate,
            )
        )
    return out


def kpi_rows(kpis: Kpis) -> list[tuple[Cell, ...]]:
    """The dashboard's rate tables (by reason code, by payer, by month), in
    :data:`KPI_HEADER` order."""
    return [
        *_rate_rows("By reason code", kpis.by_carc, True),
        *_rate_rows("By payer", kpis.by_payer, False),
        *_rate_rows("By month", kpis.by_month, False),
        *truth_rows(kpis),
    ]


def truth_rows(kpis: Kpis) -> list[tuple[Cell, ...]]:
    """Open denied dollars by age and underpaid dollars by payer and code, in the columns of
    :data:`KPI_HEADER`: the count under "Denied lines", the dollars under "Denied amount"."""
    out: list[tuple[Cell, ...]] = [
        (
            "Open by age",
            row.bucket,
            "days since the remittance date",
            row.denials,
            None,
            None,
            _money(row.amount),
            None,
            None,
        )
        for row in kpis.aging
    ]
    for table, rows in (
        ("Underpaid by payer", kpis.underpaid_by_payer),
        ("Underpaid by code", kpis.underpaid_by_code),
    ):
        out += [
            (
                table,
                r.key,
                f"contract - allowed; {format_money(r.open_amount)} still open",
                r.lines,
                None,
                None,
                _money(r.amount),
                None,
                None,
            )
            for r in rows
        ]
    return out


def kpi_summary(kpis: Kpis) -> list[tuple[str, Cell, str]]:
    """The headline figures: (figure, value, kind) with kind money, rate, count or days."""
    return [
        ("Window start", kpis.start, "date"),
        ("Window end (today)", kpis.today, "date"),
        ("Denial rate (lines)", kpis.denial_rate, "rate"),
        ("Denied lines", kpis.denied_lines, "count"),
        ("Adjudicated lines", kpis.adjudicated_lines, "count"),
        ("Denied", _money(kpis.denied_amount), "money"),
        ("Charged", _money(kpis.charged_amount), "money"),
        ("Recovered (won and partly won)", _money(kpis.recovered), "money"),
        ("Written off", _money(kpis.written_off), "money"),
        ("Appeal success rate", kpis.appeal_success_rate, "rate"),
        ("Appeals won", kpis.appeals_won, "count"),
        ("Appeals lost", kpis.appeals_lost, "count"),
        ("Median days to resolution", kpis.median_days_to_resolution, "days"),
        ("Patient collection rate", kpis.patient_collection_rate, "rate"),
        ("Expiring in 14 days", kpis.expiring_count, "count"),
        ("Expiring in 14 days (amount)", _money(kpis.expiring_amount), "money"),
        ("Practice", kpis.practice or "every practice", "text"),
        ("Overdue", kpis.overdue_count, "count"),
        ("Overdue (amount)", _money(kpis.overdue_amount), "money"),
        ("Open denials", kpis.open_count, "count"),
        ("Open denied dollars", _money(kpis.open_amount), "money"),
        ("Corrected claim success rate", kpis.corrected_success_rate, "rate"),
        ("Patients owed", _money(kpis.patient_owed), "money"),
        ("Patients paid on it", _money(kpis.patient_collected), "money"),
        ("Patient payments received", _money(kpis.patient_received), "money"),
        ("Underpaid lines", kpis.underpaid_lines, "count"),
        ("Underpaid", _money(kpis.underpaid_amount), "money"),
    ]


# -- CSV -----------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    # with a byte-order mark, so a spreadsheet opens accented names as UTF-8
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def worklist_csv(rows: Iterable[DenialRow]) -> bytes:
    return _csv(WORKLIST_HEADER, worklist_rows(rows))


def kpi_csv(kpis: Kpis) -> bytes:
    return _csv(KPI_HEADER, kpi_rows(kpis))


# -- Excel ---------------------------------------------------------------------------------------

MONEY_FORMAT = "#,##0.00"
RATE_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"


def _put(sheet: Any, row: int, column: int, value: Cell, kind: str = "") -> None:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return
    cell.value = value
    if value is None:
        return
    if kind == "money":
        cell.number_format = MONEY_FORMAT
    elif kind == "rate":
        cell.number_format = RATE_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT


def _sheet(
    sheet: Any, header: Sequence[str], rows: Iterable[Sequence[Cell]], kinds: dict[str, str]
) -> None:
    from openpyxl.styles import Font

    for column, name in enumerate(header, start=1):
        _put(sheet, 1, column, name)
        sheet.cell(row=1, column=column).font = Font(bold=True)
    widths = [len(name) for name in header]
    for index, values in enumerate(rows, start=2):
        for column, (name, value) in enumerate(zip(header, values, strict=True), start=1):
            _put(sheet, index, column, value, kinds.get(name, ""))
            widths[column - 1] = max(widths[column - 1], len(_csv_cell(value)))
    from openpyxl.utils import get_column_letter

    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, 48)
    sheet.freeze_panes = "A2"


def _workbook_bytes(book: Any) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def worklist_xlsx(rows: Iterable[DenialRow]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet: Any = book.active
    sheet.title = "Worklist"
    _sheet(sheet, WORKLIST_HEADER, worklist_rows(rows), dict.fromkeys(MONEY_COLUMNS, "money"))
    return _workbook_bytes(book)


def kpi_xlsx(kpis: Kpis) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    summary: Any = book.active
    summary.title = "Summary"
    for index, (label, value, kind) in enumerate(kpi_summary(kpis), start=1):
        _put(summary, index, 1, label)
        _put(summary, index, 2, value, kind)
    summary.column_dimensions["A"].width = 34
    summary.column_dimensions["B"].width = 16
    kinds = {**dict.fromkeys(KPI_MONEY, "money"), **dict.fromkeys(KPI_RATES, "rate")}
    for title, table in (
        ("By reason code", kpis.by_carc),
        ("By payer", kpis.by_payer),
        ("By month", kpis.by_month),
    ):
        sheet = book.create_sheet(title)
        _sheet(sheet, KPI_HEADER, _rate_rows(title, table, title == "By reason code"), kinds)
    extra = truth_rows(kpis)
    for title in ("Open by age", "Underpaid by payer", "Underpaid by code"):
        sheet = book.create_sheet(title)
        _sheet(sheet, KPI_HEADER, [r for r in extra if r[0] == title], kinds)
    return _workbook_bytes(book)
