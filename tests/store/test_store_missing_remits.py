"""Missing remittances, on SQLite and PostgreSQL: a sent claim (837P) that no 835 answers after
the payer's usual days, or near its timely filing limit unpaid, is a worklist item in the
``missing_remittance`` lane; the remittance that answers it closes it."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

from recoup.pipeline import import_paths, refresh_worklist
from recoup.store import DenialQuery, DenialRow, Store
from remit_samples import original_file
from sent_samples import BRIGHTPATH_NPI as PRACTICE_NPI
from sent_samples import SUMMIT_ID, brightpath_claim, claims_file
from store_helpers import BRIGHTPATH

TODAY = date(2026, 11, 23)


def practice_copy(tmp_path: Path, extra: str = "") -> Path:
    folder = tmp_path / "brightpath-pt"
    shutil.copytree(BRIGHTPATH, folder)
    if extra:
        toml = folder / "practice.toml"
        text = toml.read_text()
        head = '[payers.73120]\nname = "Summit Health Plan"\n'
        assert head in text
        toml.write_text(text.replace(head, head + extra))
    return folder


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def sent_files(tmp_path: Path) -> list[Path]:
    return [
        # sent 40 days ago, no answer: overdue (Summit's usual 30 days, recoup's default)
        write(
            tmp_path,
            "oct.837",
            claims_file(
                brightpath_claim("BP27001", date(2026, 10, 12)),
                # a void is a withdrawal: nothing to wait for
                brightpath_claim("BP27004", date(2026, 9, 20), frequency="8"),
                control="0101",
                created=date(2026, 10, 14),
            ),
        ),
        write(
            tmp_path,
            "nov.837",
            claims_file(
                # sent 10 days ago, but its 90-day filing limit is 7 days away: flagged now
                brightpath_claim("BP27002", date(2026, 9, 1)),
                # sent 10 days ago, seen 3 days before: nothing to do yet
                brightpath_claim("BP27003", date(2026, 11, 10)),
                control="0102",
                created=date(2026, 11, 13),
            ),
        ),
    ]


def examples(folder: Path) -> list[Path]:
    return [
        folder,
        *sorted((folder / "remittances").glob("*.835")),
        *sorted((folder / "claims").glob("*.837")),
    ]


def missing(store: Store, status: str | None = "open") -> dict[str, DenialRow]:
    page = store.denials(DenialQuery(lane="missing_remittance", status=status, today=TODAY))
    return {row.patient_account: row for row in page.rows}


def test_the_examples_have_no_missing_remittance(store: Store) -> None:
    # every claim the example practice sent has its 835 in remittances/
    batch = import_paths(store, examples(BRIGHTPATH), today=TODAY)
    assert batch.ok
    assert missing(store, None) == {}


def test_unanswered_claims_become_missing_remittances(store: Store, tmp_path: Path) -> None:
    folder = practice_copy(tmp_path)
    assert import_paths(store, [*examples(folder), *sent_files(tmp_path)], today=TODAY).ok
    rows = missing(store)
    assert sorted(rows) == ["BP27001", "BP27002"]
    overdue = rows["BP27001"]
    assert overdue.lane == "missing_remittance" and overdue.category == "no_remittance"
    assert overdue.denied_amount == Decimal("185.00")
    assert overdue.notice_date is None  # not a denial: it has no remittance date
    reasons = " ".join(overdue.reasons)
    assert "sent on 2026-10-14" in reasons and "within 30 days" in reasons
    assert "recoup's default of 30 days" in reasons and "due by 2026-11-13" in reasons
    # the timely filing limit: commercial, 90 days from the date of service (no contract days)
    assert overdue.deadline == date(2027, 1, 10)
    assert any("oct.837 segment" in e.text for e in overdue.evidence)
    near = rows["BP27002"]
    assert near.category == "timely_filing_near"
    assert near.deadline == date(2026, 11, 30) and near.days_left == 7
    assert "before 2026-11-30" in near.action
    assert "usually answers" not in " ".join(near.reasons)


def test_the_payers_usual_days_come_from_practice_toml(store: Store, tmp_path: Path) -> None:
    folder = practice_copy(tmp_path, "remit_days = 45\ncorrected_claim_days = 365\n")
    assert import_paths(store, [*examples(folder), *sent_files(tmp_path)], today=TODAY).ok
    # 40 days is within Summit's 45; BP27002's limit is now 365 days from its service date
    assert missing(store) == {}
    later = date(2026, 12, 1)  # 48 days after BP27001 was sent
    refresh_worklist(store, later)
    page = store.denials(DenialQuery(lane="missing_remittance", today=later))
    (row,) = page.rows
    assert row.patient_account == "BP27001"
    assert "practice.toml [payers.73120] remit_days" in " ".join(row.reasons)
    assert row.deadline == date(2027, 10, 12)  # 365 days from 2026-10-12


def test_the_remittance_that_answers_closes_it(store: Store, tmp_path: Path) -> None:
    folder = practice_copy(tmp_path)
    assert import_paths(store, [*examples(folder), *sent_files(tmp_path)], today=TODAY).ok
    assert "BP27001" in missing(store)
    paid = (
        original_file()
        .replace(b"BP-1020", b"BP27001")
        .replace(b"SHP01", SUMMIT_ID.encode())
        .replace(b"1487654321", PRACTICE_NPI.encode())
        .replace(b"20260304", b"20261120")
    )
    answer = write(tmp_path, "answer.835", paid)
    assert import_paths(store, [answer], today=TODAY).ok
    assert "BP27001" not in missing(store)
    closed = missing(store, "closed")
    assert closed["BP27001"].closed_by == "remittance"
    assert "BP27002" in missing(store)  # the other claim still waits


def test_a_replacement_sent_after_the_answer_waits_for_its_own(
    store: Store, tmp_path: Path
) -> None:
    folder = practice_copy(tmp_path)
    first = brightpath_claim("BP27001", date(2026, 8, 3))
    sent = write(tmp_path, "aug.837", claims_file(first, control="0201", created=date(2026, 8, 5)))
    paid = (
        original_file()
        .replace(b"BP-1020", b"BP27001")
        .replace(b"SHP01", SUMMIT_ID.encode())
        .replace(b"1487654321", PRACTICE_NPI.encode())
        .replace(b"20260304", b"20260901")
    )
    answer = write(tmp_path, "sep.835", paid)
    assert import_paths(store, [*examples(folder), sent, answer], today=TODAY).ok
    assert "BP27001" not in missing(store, None)
    replacement = first._replace(frequency="7", payer_claim_control_number="SHP2026030400020")
    replacement = replacement._replace(lines=(replacement.lines[0],), charge=Decimal("120.00"))
    again = claims_file(replacement, control="0202", created=date(2026, 9, 20))
    assert import_paths(store, [write(tmp_path, "sep.837", again)], today=TODAY).ok
    row = missing(store)["BP27001"]
    assert row.denied_amount == Decimal("120.00")


def test_a_practice_with_no_remittance_yet_still_gets_them(store: Store, tmp_path: Path) -> None:
    folder = practice_copy(tmp_path)
    assert import_paths(store, [folder, *sent_files(tmp_path)], today=TODAY).ok
    assert sorted(missing(store)) == ["BP27001", "BP27002"]
