"""Reading ``practice.toml``: who the practice is, who signs its letters, and its payers.

::

    name = "Brightpath Physical Therapy"
    npi = "1548213069"
    tax_id = "84-3921756"
    address = "412 Aspen Ridge Road, Suite 200, Loveland, CO 80538"
    phone = "970-555-0142"
    signer_name = "Dana Whitfield, PT, DPT"
    signer_title = "Clinic Director"

    [payers.73120]
    name = "Summit Health Plan"
    type = "commercial"          # medicare, medicare_advantage, medicaid, commercial, ...
    appeal_address = "..."
    appeal_days = 180
    state = "CO"                 # the state whose Medicaid / workers' comp rules apply
    correction_form = "replacement"  # reopening, new, replacement, void (default: by payer type)
    co_member_billing = "no"     # no, n492, contract: may a CO denial go to the member?
    corrected_claim_days = 365   # the contract's timely filing for corrected claims
    corrected_claim_from = "service"  # or "notice": what corrected_claim_days counts from
    underpayment_tolerance = "0.01"  # dollars a line may fall short of fee_schedules/ (default)
    remit_days = 30              # days it usually takes to send an 835 for a claim (default 30)

    [payers.60054]
    fee_schedule = "12302"       # the contract pays a percentage of fee_schedules/12302.csv
    fee_percent = "110"          # ... 110% of it, for codes its own file has no row for

Problems are findings with the line (as ``row``) and the key path (as ``column``), since TOML has
no rows: ``practice.toml:row 16, column payers.73120.type``.
"""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from recoup.findings import Finding, Severity
from recoup.money import ZERO, MoneyError, parse_money
from recoup.practice.model import CoMemberBilling, CorrectionForm, PayerInfo, PayerType

__all__ = ["Settings", "read_settings"]

FILE = "practice.toml"
TEXT_KEYS = ("name", "npi", "tax_id", "phone", "signer_name", "signer_title")
PAYER_KEYS = frozenset(
    {
        "name",
        "type",
        "appeal_address",
        "appeal_days",
        "state",
        "correction_form",
        "co_member_billing",
        "corrected_claim_days",
        "corrected_claim_from",
        "underpayment_tolerance",
        "remit_days",
        "fee_schedule",
        "fee_percent",
    }
)
_CLOCKS = ("service", "notice")
_MAX_TOLERANCE = Decimal(1000)
_MAX_PERCENT = Decimal(1000)
_SCHEDULE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_TABLE = re.compile(r"\s*\[\s*([^\]]+?)\s*\]")
_AT_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)")
_KEY = re.compile(r"\s*\"?([A-Za-z0-9_-]+)\"?\s*=")


class Settings(NamedTuple):
    name: str
    npi: str
    tax_id: str
    address: str
    phone: str
    signer_name: str
    signer_title: str
    payers: tuple[PayerInfo, ...]
    x12_strict: bool = False  # [x12] strict = true: envelope faults are errors, as --strict


class _Checker:
    """Collects findings for one practice.toml, placing each on its line."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.findings: list[Finding] = []

    def line_of(self, table: str | None, key: str | None) -> int | None:
        current: str | None = None
        for number, line in enumerate(self.lines, start=1):
            header = _TABLE.match(line)
            if header:
                current = header[1].replace('"', "").replace("'", "").replace(" ", "")
                if current == table and key is None:
                    return number
                continue
            found = _KEY.match(line)
            if found and current == table and found[1] == key:
                return number
        return None

    def add(
        self, severity: Severity, code: str, message: str, table: str | None, key: str | None
    ) -> None:
        path = ".".join(part for part in (table, key) if part)
        self.findings.append(
            Finding(
                severity, code, message, FILE, row=self.line_of(table, key), column=path or None
            )
        )

    def text(self, data: dict[str, Any], key: str, table: str | None = None) -> str:
        value = data.get(key, "")
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)  # npi = 1548213069 written without quotes
        if not isinstance(value, str):
            self.add(Severity.ERROR, "practice.toml.type", f"{key} must be text", table, key)
            return ""
        return value.strip()


def read_settings(folder: Path) -> tuple[Settings | None, list[Finding]]:
    """Read ``folder/practice.toml``; ``None`` when it is missing or unusable."""
    path = folder / FILE
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        finding = Finding(
            Severity.ERROR,
            "practice.toml.missing",
            "the folder has no practice.toml (it names the practice and is required)",
            FILE,
        )
        return None, [finding]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Finding(Severity.ERROR, "practice.toml.unreadable", str(exc), FILE)]
    check = _Checker(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        at = _AT_LINE.search(message)  # Python 3.11 has no exc.lineno: it is in the message
        line = int(at[1]) if at else None
        message = _AT_LINE.sub("", message).strip()
        return None, [Finding(Severity.ERROR, "practice.toml.syntax", message, FILE, row=line)]
    values = {key: check.text(data, key) for key in TEXT_KEYS}
    signer = data.get("signer")
    if isinstance(signer, dict):  # [signer] name = ..., title = ...
        values["signer_name"] = values["signer_name"] or check.text(signer, "name", "signer")
        values["signer_title"] = values["signer_title"] or check.text(signer, "title", "signer")
    if not values["name"]:
        check.add(Severity.ERROR, "practice.required", "name is required", None, "name")
    npi = values["npi"]
    if npi and not (len(npi) == 10 and npi.isdigit()):
        check.add(Severity.WARNING, "practice.npi", f'NPI "{npi}" is not 10 digits', None, "npi")
    address = _address(data.get("address", ""), check)
    payers = _payers(data.get("payers", {}), check)
    x12_strict = _x12(data.get("x12", {}), check)
    known = {*TEXT_KEYS, "address", "payers", "signer", "billing", "x12"}  # billing: billing.py
    for key in data:
        if key not in known:
            check.add(
                Severity.WARNING, "practice.toml.unknown_key", f"unknown key {key}", None, key
            )
    if any(f.severity is Severity.ERROR for f in check.findings):
        return None, check.findings
    return (
        Settings(address=address, payers=payers, x12_strict=x12_strict, **values),
        check.findings,
    )


def _x12(value: Any, check: _Checker) -> bool:
    """``[x12] strict = true``: this practice's 835 imports follow the X12 envelope rules
    strictly (counts and control numbers that do not match are errors, as with --strict)."""
    if not isinstance(value, dict):
        check.add(Severity.ERROR, "practice.toml.type", "x12 must be a table", None, "x12")
        return False
    for key in value:
        if key != "strict":
            check.add(
                Severity.WARNING, "practice.toml.unknown_key", f"unknown key {key}", "x12", key
            )
    strict = value.get("strict", False)
    if not isinstance(strict, bool):
        check.add(
            Severity.ERROR, "practice.toml.type", "strict must be true or false", "x12", "strict"
        )
        return False
    return strict


def _address(value: Any, check: _Checker) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return ", ".join(line.strip() for line in value)
    check.add(
        Severity.ERROR,
        "practice.toml.type",
        "address must be text or a list of lines",
        None,
        "address",
    )
    return ""


def _payers(value: Any, check: _Checker) -> tuple[PayerInfo, ...]:
    if not isinstance(value, dict):
        check.add(Severity.ERROR, "practice.toml.type", "payers must be tables", None, "payers")
        return ()
    payers = []
    for payer_id, table in value.items():
        where = f"payers.{payer_id}"
        if not isinstance(table, dict):
            check.add(
                Severity.ERROR, "practice.toml.type", f"{where} must be a table", "payers", payer_id
            )
            continue
        payer_type: PayerType | None = None
        raw_type = table.get("type")
        if raw_type is not None:
            try:
                payer_type = PayerType(str(raw_type).strip().lower())
            except ValueError:
                allowed = ", ".join(t.value for t in PayerType)
                check.add(
                    Severity.ERROR,
                    "practice.unknown_value",
                    f'unknown payer type "{raw_type}" (expected {allowed})',
                    where,
                    "type",
                )
        days = _days(table, "appeal_days", where, check)
        extra = _payer_extras(table, where, check)
        for key in table:
            if key not in PAYER_KEYS:
                check.add(
                    Severity.WARNING, "practice.toml.unknown_key", f"unknown key {key}", where, key
                )
        payers.append(
            PayerInfo(
                payer_id=str(payer_id),
                name=check.text(table, "name", where),
                type=payer_type,
                appeal_address=check.text(table, "appeal_address", where),
                appeal_days=days,
                **extra,
            )
        )
    return tuple(payers)


def _days(table: dict[str, Any], key: str, where: str, check: _Checker) -> int | None:
    days = table.get(key)
    if days is not None and (
        isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650
    ):
        check.add(
            Severity.ERROR,
            "practice.integer",
            f'{key} "{str(days)[:40]}" is not a whole number of days (1 to 3650)',
            where,
            key,
        )
        return None
    return days if isinstance(days, int) else None


def _payer_extras(table: dict[str, Any], where: str, check: _Checker) -> dict[str, Any]:
    """The per-payer decision settings: state, correction form, CO member billing, the
    corrected-claim window and its clock."""
    out: dict[str, Any] = {}
    state = check.text(table, "state", where).upper()
    if state and not (len(state) == 2 and state.isalpha()):
        check.add(
            Severity.ERROR,
            "practice.unknown_value",
            f'state "{state}" is not a two-letter state code',
            where,
            "state",
        )
        state = ""
    out["state"] = state
    for key, enum in (("correction_form", CorrectionForm), ("co_member_billing", CoMemberBilling)):
        raw = table.get(key)
        if raw is None:
            continue
        try:
            out[key] = enum(str(raw).strip().lower())
        except ValueError:
            allowed = ", ".join(m.value for m in enum)
            check.add(
                Severity.ERROR,
                "practice.unknown_value",
                f'unknown {key} "{raw}" (expected {allowed})',
                where,
                key,
            )
    out["corrected_claim_days"] = _days(table, "corrected_claim_days", where, check)
    clock = check.text(table, "corrected_claim_from", where).lower()
    if clock and clock not in _CLOCKS:
        check.add(
            Severity.ERROR,
            "practice.unknown_value",
            f'corrected_claim_from "{clock}" is not one of {", ".join(_CLOCKS)}',
            where,
            "corrected_claim_from",
        )
        clock = ""
    out["corrected_claim_from"] = clock
    out["underpayment_tolerance"] = _tolerance(table, where, check)
    out["remit_days"] = _days(table, "remit_days", where, check)
    out.update(_percent_of(table, where, check))
    return out


def _percent_of(table: dict[str, Any], where: str, check: _Checker) -> dict[str, Any]:
    """``fee_schedule`` + ``fee_percent``: the contract pays a percentage of another fee
    schedule file of the folder. Both or neither; the percentage is more than 0 and at most
    1000, written as a number or a string ("110", "87.5")."""
    name = check.text(table, "fee_schedule", where)
    raw = table.get("fee_percent")
    percent: Decimal | None = None
    if raw is not None:
        text = str(raw).strip()
        try:
            percent = None if isinstance(raw, bool) else Decimal(text)
        except ArithmeticError:
            percent = None
        if percent is None or not percent.is_finite() or not ZERO < percent <= _MAX_PERCENT:
            check.add(
                Severity.ERROR,
                "practice.number",
                f'fee_percent "{text[:40]}" is not a percentage above 0 and at most '
                f'{_MAX_PERCENT} (expected e.g. "110")',
                where,
                "fee_percent",
            )
            return {}
    if name and not _SCHEDULE_NAME.fullmatch(name):
        check.add(
            Severity.ERROR,
            "practice.unknown_value",
            f'fee_schedule "{name[:40]}" is not the name of a fee_schedules/ file '
            "(letters, digits, dot, dash, underscore; without .csv)",
            where,
            "fee_schedule",
        )
        return {}
    if name.lower().endswith(".csv"):
        name = name[: -len(".csv")]
    if bool(name) != (percent is not None):
        given, wanted = ("fee_schedule", "fee_percent") if name else ("fee_percent", "fee_schedule")
        check.add(
            Severity.ERROR,
            "practice.required",
            f"{given} needs {wanted} too (the contract pays fee_percent % of "
            "fee_schedules/<fee_schedule>.csv)",
            where,
            given,
        )
        return {}
    if name and name == where.removeprefix("payers."):
        check.add(
            Severity.ERROR,
            "practice.unknown_value",
            f'fee_schedule "{name}" is this payer\'s own file (name another schedule)',
            where,
            "fee_schedule",
        )
        return {}
    return {"fee_schedule": name, "fee_percent": percent} if name else {}


def _tolerance(table: dict[str, Any], where: str, check: _Checker) -> Decimal | None:
    """``underpayment_tolerance``: dollars, 0 to 1000 (a string or a number in the TOML)."""
    raw = table.get("underpayment_tolerance")
    if raw is None:
        return None
    text = str(raw).strip()
    try:
        amount = parse_money(text) if not isinstance(raw, bool) else None
    except MoneyError:
        amount = None
    if amount is None or not amount.is_finite() or not ZERO <= amount <= _MAX_TOLERANCE:
        check.add(
            Severity.ERROR,
            "practice.number",
            f'underpayment_tolerance "{text[:40]}" is not an amount from 0 to {_MAX_TOLERANCE} '
            '(expected dollars, e.g. "0.01")',
            where,
            "underpayment_tolerance",
        )
        return None
    return amount
