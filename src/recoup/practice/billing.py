"""The ``[billing]`` table of ``practice.toml``: what an 837P needs about the practice.

::

    [billing]
    taxonomy = "225100000X"                 # the billing provider's taxonomy (PRV*BI)
    address = ["412 Aspen Ridge Road", "Suite 200"]
    city = "Loveland"
    state = "CO"
    postal_code = "805381234"               # nine digits, as the 837P wants
    submitter_id = "BRIGHTPATH"             # the id the clearinghouse gave the practice
    receiver_name = "ROCKY MOUNTAIN CLEARINGHOUSE"
    receiver_id = "RMCH01"
    contact_name = "Dana Whitfield"
    contact_phone = "9705550142"

    [billing.providers."Dana Whitfield DPT"]  # the name as visits.csv writes it
    last_name = "Whitfield"
    first_name = "Dana"
    npi = "1295837466"
    taxonomy = "225100000X"

The table is optional: a practice without it can still be triaged; only claim writing needs it,
and then says which key to add. The practice's name, NPI and tax id are the top-level keys.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, NamedTuple

from recoup.findings import Finding, Severity

__all__ = ["BillingInfo", "ClinicianInfo", "read_billing"]

FILE = "practice.toml"
_TEXT = (
    "taxonomy",
    "city",
    "state",
    "postal_code",
    "submitter_id",
    "receiver_name",
    "receiver_id",
    "contact_name",
    "contact_phone",
)


class ClinicianInfo(NamedTuple):
    """A clinician of the practice (``[billing.providers."<name in visits.csv>"]``)."""

    name: str  # the key: the name as visits.csv writes it
    last_name: str
    first_name: str
    npi: str
    taxonomy: str = ""


class BillingInfo(NamedTuple):
    """The practice as a billing provider and claim submitter."""

    taxonomy: str = ""
    address: tuple[str, ...] = ()
    city: str = ""
    state: str = ""
    postal_code: str = ""
    submitter_id: str = ""
    receiver_name: str = ""
    receiver_id: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    providers: tuple[ClinicianInfo, ...] = ()

    def provider(self, name: str) -> ClinicianInfo | None:
        wanted = " ".join(name.split()).lower()
        for p in self.providers:
            if " ".join(p.name.split()).lower() == wanted:
                return p
        return None


def _text(table: dict[str, Any], key: str, where: str, findings: list[Finding]) -> str:
    value = table.get(key, "")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        findings.append(
            Finding(
                Severity.ERROR,
                "practice.toml.type",
                f"{key} must be text",
                FILE,
                column=f"{where}.{key}",
            )
        )
        return ""
    return value.strip()


def read_billing(folder: Path) -> tuple[BillingInfo | None, list[Finding]]:
    """The ``[billing]`` table of ``folder/practice.toml``; ``None`` when there is none."""
    try:
        data = tomllib.loads((folder / FILE).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return None, [Finding(Severity.ERROR, "practice.toml.unreadable", str(exc), FILE)]
    table = data.get("billing")
    if table is None:
        return None, []
    findings: list[Finding] = []
    if not isinstance(table, dict):
        findings.append(
            Finding(
                Severity.ERROR,
                "practice.toml.type",
                "billing must be a table",
                FILE,
                column="billing",
            )
        )
        return None, findings
    values = {key: _text(table, key, "billing", findings) for key in _TEXT}
    address = table.get("address", ())
    if isinstance(address, str):
        address = [address]
    lines = tuple(str(line).strip() for line in address if str(line).strip())
    providers = []
    raw = table.get("providers", {})
    for name, entry in raw.items() if isinstance(raw, dict) else ():
        if not isinstance(entry, dict):
            continue
        where = f"billing.providers.{name}"
        providers.append(
            ClinicianInfo(
                str(name),
                _text(entry, "last_name", where, findings),
                _text(entry, "first_name", where, findings),
                _text(entry, "npi", where, findings),
                _text(entry, "taxonomy", where, findings),
            )
        )
    return BillingInfo(address=lines[:2], providers=tuple(providers), **values), findings
