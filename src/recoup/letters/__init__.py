"""Evidence-based appeal packets: letters built from the practice's own records.

::

    WorkItems of one claim and lane ──> LetterFacts (facts + sources) ──> template (Jinja2)
        ──> Markdown ──> fact check ──> Markdown / DOCX / PDF + packet.pdf + checklist

>>> from recoup.letters import build_packet, packets_for, write_packet  # doctest: +SKIP
>>> for group in packets_for(worklist.items):  # doctest: +SKIP
...     write_packet(build_packet(group, records, today), Path("letters"))

Every factual sentence carries a source marker (``[3]``) that the Sources section resolves; a
fact the data lacks is a visible ``[MISSING: ...]`` placeholder, listed under "To complete before
sending"; a letter that states a date, amount, code or number the inputs do not hold raises
:class:`FactCheckError` and is not written.
"""

from recoup.letters.citations import Citation, citations, citations_for, citations_version
from recoup.letters.compose import (
    PAYMENT_PLAN_MONTHS,
    build_packet,
    format_date,
    format_usd,
    packets_for,
)
from recoup.letters.factcheck import AllowedFacts, FactCheckError, check_letter
from recoup.letters.model import AppealStage, Enclosure, Packet, Placeholder
from recoup.letters.packet import FORMATS, checklist, write_packet
from recoup.letters.payment_plan import installments

__all__ = [
    "FORMATS",
    "PAYMENT_PLAN_MONTHS",
    "AllowedFacts",
    "AppealStage",
    "Citation",
    "Enclosure",
    "FactCheckError",
    "Packet",
    "Placeholder",
    "build_packet",
    "check_letter",
    "checklist",
    "citations",
    "citations_for",
    "citations_version",
    "format_date",
    "format_usd",
    "installments",
    "packets_for",
    "write_packet",
]
