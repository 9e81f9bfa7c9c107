"""Wording for the people who read a packet: the payer or patient, and the biller.

Triage writes its reasons and evidence for the biller, in recoup's own vocabulary: lane codes
(``corrected_claim``), benefit and period keys from the practice files (``pt_ot``,
``calendar_year``), practice.toml setting names, notes about web myths ("Beware: ..."), and
references to recoup's domain notes. None of that may reach a payer or a patient. This module
turns such text into plain words (:func:`words`), drops the sentences that only make sense to
the biller (:func:`for_payer`), and names, for the copy that is sent, what the reader can see
behind a source (:func:`reader_label`): the remittance of a date, Exhibit A, an enclosed record.
The biller's copy and packet.json keep the file, row and segment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = [
    "BENEFIT_WORDS",
    "INTERNAL_PATTERNS",
    "PERIOD_WORDS",
    "benefit_words",
    "for_payer",
    "key_words",
    "period_words",
    "reader_label",
    "words",
]

LANE_WORDS = {
    "recount_dispute": "benefit count dispute",
    "exception_appeal": "exception appeal",
    "appeal": "appeal",
    "corrected_claim": "corrected claim",
    "bill_other_payer": "claim to another payer",
    "bill_patient": "patient statement",
    "write_off": "write-off",
    "review": "review",
    "underpayment": "underpayment appeal",
}

# benefits.csv "benefit" keys as a payer's benefit summary would name them
BENEFIT_WORDS = {
    "pt_ot": "physical and occupational therapy",
    "pt": "physical therapy",
    "ot": "occupational therapy",
    "st": "speech therapy",
    "pt_ot_st": "physical, occupational and speech therapy",
    "aba": "applied behavior analysis",
    "chiro": "chiropractic care",
    "mental_health": "mental health care",
    "behavioral_health": "behavioral health care",
}

PERIOD_WORDS = {
    "calendar_year": "calendar year",
    "plan_year": "plan year",
    "lifetime": "lifetime",
    "episode": "episode of care",
    "month": "month",
    "week": "week",
}

# Text that is recoup's or the practice file's own, never the reader's: a test scans every
# generated letter for these (tests/letters/test_reader_text.py).
INTERNAL_PATTERNS = (
    r"\b(?:" + "|".join(k for k in LANE_WORDS if "_" in k) + r")\b",
    r"\b(?:pt_ot|calendar_year|plan_year|rolling_months)\b",
    r"practice\.toml",
    r"\bBeware\b",
    r"contract not checked",
    r"\b(?:appeal_days|appeal_address|signer_name|signer_title|tax_id|note_ref)\b",
    r"(?:docs/domain\.md|DOMAIN(?:\.md)?) ?§",
    r"\brecoup (?:default|check-visit|triage)\b",
)

_SNAKE = re.compile(r"(?<![\w/.\-])([a-z]+(?:_[a-z]+)+)(?::(\d+))?(?![\w./\-])")
_DOMAIN_PAREN = re.compile(r"\s*\((?:see )?(?:docs/domain\.md|DOMAIN(?:\.md)?) ?§\d+(?:\.\d+)*\)")
_DOMAIN_REF = re.compile(r",?\s*(?:see )?(?:docs/domain\.md|DOMAIN(?:\.md)?) ?§\d+(?:\.\d+)*")
_COMMAND = re.compile(r"\s*\(`[^`]*`\)|`[^`]*`")
_SENTENCE = re.compile(r"(?<=[.;!?])\s+(?=[A-Z])")
_BILLER_ONLY = re.compile(
    r"^(?:Beware\b|Prevention:|Bill \S|Many web pages|A primary CO denial)"
    r"|practice\.toml|\bset appeal_days\b|\brecoup\b|\bresubmit\b|\bwrite off\b",
    re.IGNORECASE,
)


def period_words(key: str) -> str:
    """``calendar_year`` -> ``calendar year``; ``rolling_months:12`` -> ``12 rolling months``."""
    kind, _, months = key.partition(":")
    if kind == "rolling_months":
        return f"{months} rolling months" if months else "rolling months"
    return PERIOD_WORDS.get(kind, kind.replace("_", " "))


def benefit_words(key: str) -> str:
    return BENEFIT_WORDS.get(key, key.replace("_", " "))


def _snake(m: re.Match[str]) -> str:
    word, months = m.group(1), m.group(2)
    if word in LANE_WORDS:
        return LANE_WORDS[word]
    if word in BENEFIT_WORDS:
        return BENEFIT_WORDS[word]
    if months is not None or word in PERIOD_WORDS or word == "rolling_months":
        return period_words(m.group(0))
    return word.replace("_", " ")


def _known_key(m: re.Match[str]) -> str:
    word = m.group(1)
    known = word in LANE_WORDS or word in BENEFIT_WORDS or word in PERIOD_WORDS
    return _snake(m) if known or word == "rolling_months" else m.group(0)


def key_words(text: str) -> str:
    """Only recoup's lane, benefit and period keys as words; setting names stay (a checklist
    tells the biller which setting to change)."""
    return _SNAKE.sub(_known_key, text)


@lru_cache(maxsize=8192)
def words(text: str) -> str:
    """``text`` with recoup's keys as words and its internal references taken out; file names
    (``records/x_y.md``) are left alone."""
    text = _DOMAIN_PAREN.sub("", text)
    text = _DOMAIN_REF.sub("", text)
    text = _COMMAND.sub("", text)
    text = _SNAKE.sub(_snake, text)
    return re.sub(r"\s{2,}", " ", text).replace(" .", ".").replace("( ", "(").strip()


# "(records/x.md)", "(visits.csv row 3)": where the practice files a fact, for the biller only
_FILE_PAREN = re.compile(r"\s*\((?:records/[^()]*|[\w.-]+\.(?:csv|toml)\b[^()]*)\)")


@lru_cache(maxsize=8192)
def _for_payer(sentence: str) -> str:
    kept = [s for s in _SENTENCE.split(sentence) if not _BILLER_ONLY.search(s)]
    return _FILE_PAREN.sub("", words(" ".join(kept))) if kept else ""


def for_payer(sentences: Iterable[str]) -> list[str]:
    """The reasons a payer may read, in plain words: sentences written for the biller (warnings
    about web myths, what to do next, recoup's settings) are left out. (Cached: the rules write
    the same sentences for many claims.)"""
    out: list[str] = []
    for sentence in sentences:
        text = _for_payer(sentence)
        if text and text not in out:
            out.append(text)
    return out


_ERA = re.compile(r"\.835\b")
_ROWS = re.compile(r"^(visits|patients|coverages|benefits|authorizations|waivers)\.csv\b")


def reader_label(source: str, *, exhibit: bool = False) -> str:
    """What the reader of the sent copy can look at for ``source``, or "" when nothing they
    hold shows it (the note is then left out of the sent copy; the biller's copy keeps it).

    The composer names the common sources itself (the remittance of a date, the enclosed plan of
    care); this is the fallback for the rest.
    """
    if source.startswith("remittance history: "):
        claims = source.removeprefix("remittance history: ")
        if claims and claims != "no payer claim number":
            return f"your remittance advice for claim {claims}"
        return "your remittance advice"
    if _ERA.search(source):
        return "your remittance advice"
    m = _ROWS.match(source)
    if m is not None:
        return "Exhibit A" if exhibit and m.group(1) in ("visits", "benefits") else ""
    if source.startswith("visits.csv and") and exhibit:
        return "Exhibit A"
    if "(" in source and "source)" in source and "://" in source:
        # a policy citation: "Title (url; primary source)" -> "Title, url"
        title, _, rest = source.partition(" (")
        url = rest.split(";")[0].rstrip(")")
        return f"{title}, {url}"
    return ""
