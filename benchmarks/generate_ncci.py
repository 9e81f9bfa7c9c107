"""Synthetic CMS NCCI PTP and MUE files in the layouts CMS publishes them (docs/cms-files.md).

The real downloads carry CPT codes under the AMA's licence, so recoup never ships one; the tests
and benchmarks write files of the same shape instead: a practitioner PTP table split into parts
(``ccipra-v322r0-f1.txt`` …, tab-delimited Latin-1, a copyright line, the title, the header row
and the legend rows before the edits) and a practitioner MUE table (CSV or Excel, a copyright
preamble, the four columns). Codes are made up (five digits) except the ``KNOWN`` rows, which a
test can look up; nothing here is CMS data.

    .venv/bin/python benchmarks/generate_ncci.py OUT_DIR [--rows 1100000] [--parts 4]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

__all__ = [
    "KNOWN_MUE",
    "KNOWN_PTP",
    "PTP_HEADER",
    "write_mue",
    "write_mue_xlsx",
    "write_ptp",
    "write_ptp_xlsx",
]

COPYRIGHT = (
    "CPT codes, descriptions and other data only are copyright 2025 American Medical "
    "Association. All Rights Reserved. (synthetic test file, not CMS data)"
)
PTP_TITLE = "Column1/Column2 Edits"
PTP_HEADER = (
    "Column 1",
    "Column 2",
    "*=in existence prior to 1996",
    "Effective Date",
    "Deletion Date",
    "Modifier",
    "PTP Edit Rationale",
)
PTP_LEGEND = (
    ("", "", "", "", "*=no data", "0=not allowed", ""),
    ("", "", "", "", "", "1=allowed", ""),
    ("", "", "", "", "", "9=not applicable", ""),
)
RATIONALES = (
    "Misuse of column two code with column one code",
    "Mutually exclusive procedures",
    "Standards of medical / surgical practice",
    "CPT Manual or CMS manual coding instructions",
)
# Rows a test looks up: (column 1, column 2, prior to 1996, effective, deletion, indicator,
# rationale). Codes of the example practices, with values chosen for the tests (not CMS's).
KNOWN_PTP = (
    ("97140", "97530", "", "20200101", "*", "1", "Mutually exclusive procedures"),
    ("97161", "97140", "", "20200101", "*", "1", "Standards of medical / surgical practice"),
    ("97110", "97012", "*", "19960101", "20210101", "0", "Mutually exclusive procedures"),
    ("98940", "97124", "", "20200101", "*", "9", "Misuse of column two code with column one code"),
)
MUE_HEADER = (
    "HCPCS/CPT Code",
    "Practitioner Services MUE Values",
    "MUE Adjudication Indicator",
    "MUE Rationale",
)
MAI_TEXT = {
    "1": "1 Line Edit",
    "2": "2 Date of Service Edit: Policy",
    "3": "3 Date of Service Edit: Clinical",
}
KNOWN_MUE = (
    ("97110", "6", "3", "Clinical: Data"),
    ("97140", "4", "3", "Clinical: Data"),
    ("97530", "4", "3", "Clinical: Data"),
    ("97153", "32", "3", "Clinical: Data"),
    ("97155", "24", "3", "Clinical: Data"),
)


def _ptp_rows(count: int) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = list(KNOWN_PTP)
    for i in range(count - len(rows)):
        column1 = f"{10000 + i // 50:05d}"  # 50 column-2 codes per column-1 code
        column2 = f"{60000 + (i % 50) * 700 + (i // 50) % 700:05d}"
        deleted = f"{2015 + i % 11}0101" if i % 13 == 0 else "*"
        indicator = "9" if i % 97 == 0 else ("0" if i % 5 == 0 else "1")
        rows.append(
            (
                column1,
                column2,
                "*" if i % 17 == 0 else "",
                f"{1996 + i % 30}{1 + i % 12:02d}01",
                deleted,
                indicator,
                RATIONALES[i % len(RATIONALES)],
            )
        )
    return rows


def write_ptp(folder: Path, rows: int, *, parts: int = 4, version: str = "v322r0") -> list[Path]:
    """The practitioner PTP table in ``parts`` tab-delimited Latin-1 files."""
    folder.mkdir(parents=True, exist_ok=True)
    table = _ptp_rows(rows)
    size = -(-len(table) // parts)
    paths = []
    for n in range(parts):
        path = folder / f"ccipra-{version}-f{n + 1}.txt"
        with path.open("w", encoding="latin-1", newline="") as handle:
            handle.write(COPYRIGHT + "\r\n" + PTP_TITLE + "\r\n")
            handle.write("\t".join(PTP_HEADER) + "\r\n")
            for legend in PTP_LEGEND:
                handle.write("\t".join(legend) + "\r\n")
            for row in table[n * size : (n + 1) * size]:
                handle.write("\t".join(row) + "\r\n")
        paths.append(path)
    return paths


def write_ptp_xlsx(path: Path, rows: int) -> Path:
    """The practitioner PTP table as one Excel workbook (the layout of the text files)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("PTP")
    sheet.append([COPYRIGHT])
    sheet.append([PTP_TITLE])
    sheet.append(list(PTP_HEADER))
    for legend in PTP_LEGEND:
        sheet.append(list(legend))
    for row in _ptp_rows(rows):
        # Excel keeps codes and dates as numbers where they look like numbers, as CMS's do.
        values: list[object] = list(row)
        for i in (0, 1, 3, 4):
            if row[i].isdigit():
                values[i] = int(row[i])
        sheet.append(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _mue_rows(count: int) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = list(KNOWN_MUE)
    for i in range(count - len(rows)):
        mai = "123"[i % 3]
        rows.append((f"{10000 + i:05d}", str(1 + i % 8), mai, "Clinical: Data"))
    return rows


def write_mue(path: Path, rows: int = 15_000) -> Path:
    """The practitioner MUE table as CSV: the copyright preamble, the header, the rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="latin-1", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([COPYRIGHT])
        writer.writerow(["Medically Unlikely Edits: Practitioner Services (synthetic)"])
        writer.writerow(MUE_HEADER)
        for code, value, mai, rationale in _mue_rows(rows):
            writer.writerow([code, value, MAI_TEXT[mai], rationale])
    return path


def write_mue_xlsx(path: Path, rows: int = 15_000) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("MUE")
    sheet.append([COPYRIGHT])
    sheet.append(list(MUE_HEADER))
    for code, value, mai, rationale in _mue_rows(rows):
        sheet.append([int(code), int(value), MAI_TEXT[mai], rationale])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=1_100_000)
    parser.add_argument("--parts", type=int, default=4)
    args = parser.parse_args()
    for path in write_ptp(args.out, args.rows, parts=args.parts):
        print(path)
    print(write_mue(args.out / "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv"))


if __name__ == "__main__":
    main()
