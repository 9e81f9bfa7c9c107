"""CMS PTP and MUE files in every form CMS ships them (tab text, CSV, Excel), the header checks,
quarter detection from file names, and the in-memory index."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generate_ncci import (
    KNOWN_MUE,
    MUE_HEADER,
    PTP_HEADER,
    write_mue,
    write_mue_xlsx,
    write_ptp,
    write_ptp_xlsx,
)
from recoup.ncci import (
    PtpEdit,
    PtpTable,
    detect_quarter,
    load_cms_mue,
    load_cms_ptp,
    parse_quarter,
    quarter_start,
)


@pytest.mark.parametrize(
    ("name", "quarter", "version"),
    [
        ("ccipra-v322r0-f1.txt", "2026Q3", "32.2r0"),
        ("ccipra-v320r1-f4.txt", "2026Q1", "32.0r1"),
        ("ccioph-v293r0-f2.xlsx", "2023Q4", "29.3r0"),
        ("MCR_MUE_PractitionerServices_Eff_07-01-2026.csv", "2026Q3", "effective 2026-07-01"),
        ("mue_practitioner_2026-10-01.xlsx", "2026Q4", "effective 2026-10-01"),
        ("practitioner-mue-2025q2.csv", "2025Q2", ""),
    ],
)
def test_quarter_from_the_file_name(name: str, quarter: str, version: str) -> None:
    assert detect_quarter(name) == (quarter, version)


def test_names_without_a_quarter_and_quarter_options() -> None:
    assert detect_quarter("ptp.txt") is None
    assert detect_quarter("ccipra-v327r0-f1.txt") is None  # digit 7 is not a quarter
    assert parse_quarter("2026q3") == "2026Q3" and parse_quarter("2026-Q1") == "2026Q1"
    assert parse_quarter("2026Q5") is None and parse_quarter("July") is None
    assert quarter_start("2026Q3") == date(2026, 7, 1)


def test_generated_parts_read_with_preamble_header_and_legend(tmp_path: Path) -> None:
    parts = write_ptp(tmp_path, 2_000, parts=2)
    table, findings = load_cms_ptp(parts[0])
    assert findings == []
    assert len(table) == 1_000
    first = table.edits[0]
    # copyright, title, header, three legend rows: the first edit is row 7
    assert (first.column1, first.column2, first.row) == ("97140", "97530", 7)
    assert first.source == f"{parts[0]} row 7"
    prior = table.find("97110", "97012", date(2020, 6, 1))
    assert prior is not None and prior.prior_1996 and prior.modifier_indicator == "0"


def test_excel_ptp_reads_like_the_text_file(tmp_path: Path) -> None:
    xlsx = write_ptp_xlsx(tmp_path / "ccipra-v322r0.xlsx", 500)
    text = write_ptp(tmp_path, 500, parts=1)[0]
    from_excel, findings = load_cms_ptp(xlsx)
    from_text, _ = load_cms_ptp(text)
    assert findings == []
    strip = [e._replace(file="", row=0) for e in from_excel.edits]
    assert strip == [e._replace(file="", row=0) for e in from_text.edits]


def test_an_mue_file_given_as_ptp_is_refused_whole(tmp_path: Path) -> None:
    mue = write_mue(tmp_path / "mue.csv", 50)
    table, findings = load_cms_ptp(mue)
    assert len(table) == 0
    assert [f.code for f in findings] == ["ncci.ptp.header"]
    assert "not an NCCI PTP file" in findings[0].message and findings[0].row == 4


def test_a_header_missing_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ptp.txt"
    path.write_text("Column 1\tColumn 2\tRationale\n97140\t97530\t\t20200101\t*\t1\tx\n")
    table, findings = load_cms_ptp(path)
    assert len(table) == 0 and findings[0].code == "ncci.ptp.header"
    assert "effective, deletion, modifier" in findings[0].message


def test_a_truncated_file_names_its_last_row(tmp_path: Path) -> None:
    path = write_ptp(tmp_path, 300, parts=1)[0]
    data = path.read_bytes()
    last = data.rstrip(b"\r\n").rfind(b"\n") + 1
    path.write_bytes(data[: last + 16])  # cut inside the last row's effective date
    _, findings = load_cms_ptp(path)
    assert len(findings) == 1
    assert findings[0].file == str(path) and findings[0].row == 306  # 6 preamble rows + 300


def test_mue_csv_and_excel(tmp_path: Path) -> None:
    csv_path = write_mue(tmp_path / "mue.csv", 400)
    xlsx_path = write_mue_xlsx(tmp_path / "mue.xlsx", 400)
    for path in (csv_path, xlsx_path):
        table, findings = load_cms_mue(path)
        assert findings == [] and len(table) == 400
        value = table.find("97153")
        assert value is not None and (value.value, value.mai) == (32, "3") and value.per_day
        assert value.mai_text == "3 Date of Service Edit: Clinical"
        assert table.find("97999") is None  # unknown, not unlimited
    assert [v.code for v in load_cms_mue(csv_path)[0].values[: len(KNOWN_MUE)]] == [
        k[0] for k in KNOWN_MUE
    ]


def test_mue_bad_rows_and_a_ptp_file_given_as_mue(tmp_path: Path) -> None:
    path = tmp_path / "mue.csv"
    path.write_text(
        ",".join(MUE_HEADER) + "\n97110,6,3 Date of Service Edit: Clinical,x\n"
        "97112,lots,3 Date of Service Edit: Clinical,x\n97140,4,7 Something,x\n"
        "97110,5,1 Line Edit,x\n97530,4\n"
    )
    table, findings = load_cms_mue(path)
    assert [v.code for v in table.values] == ["97110"]
    assert [(f.row, f.column) for f in findings] == [
        (3, "MUE Value"),
        (4, "MAI"),
        (5, "HCPCS/CPT Code"),
        (6, ""),
    ]
    ptp = tmp_path / "ptp.txt"
    ptp.write_text("\t".join(PTP_HEADER) + "\n97140\t97530\t\t20200101\t*\t1\tx\n")
    assert load_cms_mue(ptp)[1][0].code == "ncci.mue.header"


_codes = st.sampled_from(["97110", "97112", "97140", "97530", "97161", "G0283"])
_days = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))


@given(
    st.lists(st.tuples(_codes, _codes, _days, st.none() | _days, st.sampled_from("019"))),
    _codes,
    _codes,
    _days,
)
def test_index_answers_like_a_scan(
    rows: list[tuple[str, str, date, date | None, str]], a: str, b: str, on: date
) -> None:
    edits = [
        PtpEdit(c1, c2, eff, deleted, mi, "r", "f", n)
        for n, (c1, c2, eff, deleted, mi) in enumerate(rows)
        if c1 != c2
    ]
    table = PtpTable(edits, "t")
    scan = next(
        (e for e in edits if {e.column1, e.column2} == {a, b} and a != b and e.active_on(on)),
        None,
    )
    found = table.find(a, b, on)
    assert (found is None) == (scan is None)
    if found is not None:
        assert {found.column1, found.column2} == {a, b} and found.active_on(on)
