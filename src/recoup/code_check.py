"""Warnings for adjustment and remark codes in a remittance that recoup does not know.

An unknown code is kept and shown, never dropped: it may be newer than our tables (import the
official list with ``recoup codes import``) or a payer's typo. A deactivated code is normal in a
reversal (it repeats the original adjudication) and worth a look anywhere else.
"""

from __future__ import annotations

from collections.abc import Iterable

from recoup.codes import code_tables
from recoup.findings import Finding, Severity
from recoup.records import Remittance

__all__ = ["check_codes"]


def check_codes(remittances: Iterable[Remittance]) -> list[Finding]:
    """One warning per unknown or deactivated code per file, at its first appearance."""
    tables = code_tables()
    seen: set[tuple[str, str]] = set()
    findings: list[Finding] = []

    def note(kind: str, code: str, file: str, segment: int, reversal: bool) -> None:
        table = tables.carc if kind == "CARC" else tables.rarc
        entry = table.get(code)
        if entry is not None and (entry.active or reversal):
            return
        if (kind, code) in seen:
            return
        seen.add((kind, code))
        if entry is None:
            message = (
                f"{kind} {code} is not in recoup's code tables; it is kept as sent (import the "
                "official list with `recoup codes import` if it is new)"
            )
        else:
            message = f"{kind} {code} is deactivated; check the payer's current code for it"
        findings.append(Finding(Severity.WARNING, "codes.unknown", message, file, segment))

    for remit in remittances:
        for claim in remit.claims:
            reversal = claim.is_reversal
            for adj in claim.all_adjustments:
                note("CARC", adj.reason, remit.file, adj.segment, reversal)
            for remark in claim.remarks:
                note("RARC", remark, remit.file, claim.segment, reversal)
            for line in claim.lines:
                for remark in line.remarks:
                    note("RARC", remark, remit.file, line.segment, reversal)
    return findings
