"""Who the payer of a remittance is, in the two ways recoup needs it.

* :func:`payer_identity` groups claim payments: the id from N1*PR (N104), else REF*2U, else the
  payer's name, so two remittances of one payer land in one lineage group however they name it.
* :func:`payer_id_of` matches the practice's own payer ids (coverages.csv, practice.toml):
  REF*2U in the payer loop first (the id the payer gives itself), else N1*PR's id.
"""

from __future__ import annotations

from recoup.records import Remittance

__all__ = ["payer_id_of", "payer_identity"]


def payer_identity(remit: Remittance) -> tuple[str, str, str]:
    """(key, id, name) of the remittance's payer; the key falls back to the upper-cased name."""
    payer = remit.payer
    payer_id = payer.id or next((value for qual, value in payer.references if qual == "2U"), "")
    return payer_id or payer.name.strip().upper(), payer_id, payer.name


_LAST: list[tuple[Remittance, str]] = []


def payer_id_of(remittance: Remittance) -> str:
    """REF*2U in the payer loop, else the N1*PR id (XV, PI); remembered for the last
    remittance seen (every denial of a remittance asks)."""
    last = _LAST[:1]
    if last and last[0][0] is remittance:
        return last[0][1]
    ref = next((v for q, v in remittance.payer.references if q == "2U"), "")
    found = ref or remittance.payer.id
    _LAST[:] = [(remittance, found)]
    return found
