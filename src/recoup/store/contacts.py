"""The payer's contacts for a denial: the PER segments of the payer loop (1000A) of its 835.

An 835 names whom a provider calls or writes about it: ``PER*CX`` the payer's business contact
(claims questions: provider services, usually a phone), ``PER*BL`` its technical contact (EDI
help), ``PER*IC`` its web site (the provider portal, as a URL). Each has a name and up to three
(qualifier, value) pairs: ``TE`` telephone, ``EX`` the extension of the number before it, ``EM``
email, ``FX`` fax, ``UR`` a URL.

The store does not copy them into a table: it keeps each 835's bytes, and the remittance row
says where its transaction starts, so they are read from the file the denial's claim came in,
with the same 835 reader (the header only: reading stops at the transaction's first claim).
What a file says never changes, so the answer is kept per file and transaction.
"""

from __future__ import annotations

import re
import threading
from pathlib import PurePath
from typing import NamedTuple

from sqlalchemy import Connection, select

from recoup.records import Contact
from recoup.store.sources import stored_835
from recoup.store.tables import claims, remittances, source_files
from recoup.x12 import iter_claims, read_835

__all__ = ["CONTACT_FUNCTIONS", "PayerContact", "payer_contacts"]

CONTACT_FUNCTIONS = {
    "CX": "Claims and billing questions",
    "BL": "Technical (EDI) help",
    "IC": "Web site",
}
_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+(?:[/?#]\S*)?$")


class PayerContact(NamedTuple):
    """One PER segment of the payer loop, its numbers sorted by kind."""

    function: str  # PER01: CX, BL, IC (JSON keeps the code)
    name: str  # PER02, "" when the payer gave none
    phones: tuple[str, ...]  # TE, with " ext. N" when an EX follows
    emails: tuple[str, ...]
    urls: tuple[str, ...]
    faxes: tuple[str, ...]
    source: str  # the file and segment it was read from

    @property
    def label(self) -> str:
        return CONTACT_FUNCTIONS.get(self.function, f"Contact ({self.function})")

    @property
    def links(self) -> tuple[tuple[str, str | None], ...]:
        """Each URL with the address a browser may open (``https://`` added to a bare host
        name), or None when it is not a web address at all."""
        out: list[tuple[str, str | None]] = []
        for url in self.urls:
            if re.match(r"^https?://\S+$", url, re.IGNORECASE):
                out.append((url, url))
            elif _HOST.match(url):
                out.append((url, "https://" + url))
            else:
                out.append((url, None))
        return tuple(out)

    def to_dict(self) -> dict[str, object]:
        return {
            "function": self.function,
            "label": self.label,
            "name": self.name,
            "phones": list(self.phones),
            "emails": list(self.emails),
            "urls": list(self.urls),
            "faxes": list(self.faxes),
            "source": self.source,
        }


def phone(value: str) -> str:
    """A 10-digit US number as (800) 555-0199; anything else as the payer wrote it."""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10 and len(value) <= 16:
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return value


def _contact(per: Contact, source: str) -> PayerContact:
    phones: list[str] = []
    kinds: dict[str, list[str]] = {"EM": [], "UR": [], "FX": []}
    for qualifier, value in per.numbers:
        value = value.strip()
        if not value:
            continue
        if qualifier == "TE":
            phones.append(phone(value))
        elif qualifier == "EX" and phones:
            phones[-1] += f" ext. {value}"
        elif qualifier in kinds:
            kinds[qualifier].append(phone(value) if qualifier == "FX" else value)
    return PayerContact(
        per.function,
        per.name.strip(),
        tuple(phones),
        tuple(kinds["EM"]),
        tuple(kinds["UR"]),
        tuple(kinds["FX"]),
        source,
    )


def payer_contacts(
    conn: Connection,
    patient_account: str,
    payer_claim_id: str,
    payer_name: str,
    *,
    remittance_id: int | None = None,
) -> list[PayerContact]:
    """The payer contacts of the 835 that brought the latest payment of this claim (CLP01,
    CLP07 and payer), in the file's order; or, with ``remittance_id`` (a takeback review has
    no claim, only the check whose PLB it is), those of that check's 835. Empty when the store
    has no such claim or file."""
    where = (
        [remittances.c.id == remittance_id]
        if remittance_id is not None
        else [
            claims.c.patient_control_number == patient_account,
            claims.c.payer_claim_id == payer_claim_id,
            claims.c.payer_name == payer_name,
        ]
    )
    query = select(
        source_files.c.id, source_files.c.sha256, source_files.c.name, remittances.c.segment
    )
    if remittance_id is None:
        query = query.select_from(claims).join(
            remittances, remittances.c.id == claims.c.remittance_id
        )
        order = claims.c.id.desc()
    else:
        query = query.select_from(remittances)
        order = remittances.c.id.desc()
    found = conn.execute(
        query.join(source_files, source_files.c.id == remittances.c.source_file_id)
        .where(*where)
        .order_by(order)
        .limit(1)
    ).first()
    if found is None:
        return []
    key = (found.sha256, found.segment)
    with _lock:
        known = _known.get(key)
    if known is None:
        data = stored_835(conn, found.id)
        if data is None:
            return []
        known = _read(data, found.name, found.segment)
        with _lock:
            if len(_known) >= _KEEP:
                _known.pop(next(iter(_known)))
            _known[key] = known
    return list(known)


_KEEP = 512
_lock = threading.Lock()
_known: dict[tuple[str, int], tuple[PayerContact, ...]] = {}  # (file sha256, ST segment)


def _read(data: bytes, name: str, segment: int) -> tuple[PayerContact, ...]:
    """The payer loop's PER contacts of the transaction that starts at ``segment``."""
    source = f"{PurePath(name).name}, payer loop 1000A (PER)"
    for remittance, _claim in iter_claims(data, file=name):
        if remittance.segment == segment:
            return tuple(_contact(per, source) for per in remittance.payer.contacts)
    # a transaction with no claim (a check that only takes back, by PLB) is read whole
    for remittance in read_835(data, file=name).remittances:
        if remittance.segment == segment:
            return tuple(_contact(per, source) for per in remittance.payer.contacts)
    return ()
