"""NCCI PTP edits: the CMS file format, lookups, and the illustrative bundled table."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from recoup.findings import Severity
from recoup.ncci import bundled_meta, bundled_table, load_cms_ptp, parse_cms_ptp

CMS_SAMPLE = (
    "CPT codes, descriptions and other data only are copyright 2025 American Medical "
    "Association.\n"
    "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date "
    "*=no data\tModifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale\n"
    "97140\t97530\t\t20200101\t*\t1\tMutually exclusive procedures\n"
    "97110\t97012\t*\t19960101\t20210101\t0\tStandards of medical / surgical practice\n"
    "98940\t97124\t\t20200101\t*\t9\tMisuse of column two code with column one code\n"
    "97161\t97140\t\t2020-01-01\t*\t1\tbad date\n"
    "97161\t97140\t\t20200101\t*\t4\tbad indicator\n"
    "97161\t97140\t\t20200101\n"
)


def test_cms_tab_file_parses_edits_and_skips_notice_and_header(tmp_path: Path) -> None:
    path = tmp_path / "ccipra-v322r0-f1.txt"
    path.write_text(CMS_SAMPLE, encoding="latin-1")
    table, _ = load_cms_ptp(path)

    assert [(e.column1, e.column2) for e in table.edits] == [
        ("97140", "97530"),
        ("97110", "97012"),
        ("98940", "97124"),
    ]
    first = table.edits[0]
    assert first.effective == date(2020, 1, 1)
    assert first.deleted is None  # '*' = no deletion
    assert first.modifier_indicator == "1" and first.bypassable
    assert first.rationale == "Mutually exclusive procedures"
    assert first.source == f"{path} row 3"
    assert table.edits[1].deleted == date(2021, 1, 1)
    assert not table.edits[1].bypassable


def test_bad_rows_become_findings_with_file_and_row(tmp_path: Path) -> None:
    path = tmp_path / "ptp.txt"
    path.write_text(CMS_SAMPLE, encoding="utf-8")
    _, findings = load_cms_ptp(path)

    assert [(f.row, f.column) for f in findings] == [
        (6, "Effective Date"),
        (7, "Modifier Indicator"),
        (8, ""),
    ]
    assert all(f.file == str(path) and f.severity is Severity.ERROR for f in findings)
    assert all(f.code == "ncci.ptp.row" for f in findings)


def test_comma_separated_file_is_read_too() -> None:
    lines = [
        "Column 1,Column 2,*,Effective Date,Deletion Date,Modifier,Rationale",
        "97164,97530,,20200101,*,1,x",
    ]
    table, findings = parse_cms_ptp(lines, "ptp.csv")
    assert findings == []
    assert table.find("97530", "97164", date(2026, 1, 1)) is not None


def test_lookup_in_either_order_and_by_date() -> None:
    table, _ = parse_cms_ptp(CMS_SAMPLE.splitlines(), "ptp.txt")
    day = date(2026, 9, 15)
    edit = table.find("97530", "97140", day)
    assert edit is not None and (edit.column1, edit.column2) == ("97140", "97530")
    assert table.find("97140", "97530", day) == edit
    assert table.find("97140", "97140", day) is None
    assert table.find("97140", "97530", date(2019, 12, 31)) is None  # before it took effect


def test_deleted_edit_does_not_match_from_its_deletion_date() -> None:
    table, _ = parse_cms_ptp(CMS_SAMPLE.splitlines(), "ptp.txt")
    assert table.find("97012", "97110", date(2020, 12, 31)) is not None
    assert table.find("97012", "97110", date(2021, 1, 1)) is None
    assert table.find("97012", "97110", date(2026, 1, 1)) is None


def test_indicator_9_never_matches() -> None:
    table, _ = parse_cms_ptp(CMS_SAMPLE.splitlines(), "ptp.txt")
    assert table.find("98940", "97124", date(2026, 1, 1)) is None


def test_unreadable_file_is_a_finding(tmp_path: Path) -> None:
    table, findings = load_cms_ptp(tmp_path / "missing.txt")
    assert table.edits == () and findings[0].code == "file.unreadable"


def test_bundled_table_loads_once_and_is_marked_illustrative() -> None:
    table = bundled_table()
    assert bundled_table() is table
    assert bundled_meta()["illustrative"] is True
    assert "not the cms file" in bundled_meta()["warning"].lower()
    assert "illustrative" in table.name
    assert table.edits and all(
        "illustrative" in e.source and "not the CMS file" in e.source for e in table.edits
    )
    day = date(2026, 9, 15)
    pt = table.find("97530", "97140", day)
    assert pt is not None and (pt.column1, pt.column2, pt.modifier_indicator) == (
        "97140",
        "97530",
        "1",
    )
    for pair in [("97140", "97161"), ("97164", "97150"), ("98941", "97112"), ("97155", "97153")]:
        assert table.find(*pair, on=day) is not None, pair
    aba = table.find("97153", "97154", day)
    assert aba is not None and "not verified" in aba.source
