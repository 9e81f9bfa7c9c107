"""read_records: one bad document never stops the others; each problem names the file and why."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from recoup.findings import Severity
from recoup.practice import Practice
from recoup.records_text import RecordSet, read_records

MakeRecords = Callable[..., RecordSet]
PracticeAt = Callable[[Path, list[tuple[str, str, str, str]]], Practice]


def test_every_unreadable_document_is_a_finding_and_the_rest_are_read(
    make_records: MakeRecords,
) -> None:
    files: dict[str, str | bytes] = {
        "good.md": "# Note\nGait improved.",
        "notes.rtf": "{\\rtf1 hello}",
        "binary.txt": b"\x00\x01\x02",
        "stray.md": "Nobody indexed me.",
        "empty.txt": "   \n\n",
    }
    rows = [
        ("good.md", "P1", "2026-08-04", "note"),
        ("notes.rtf", "P1", "2026-08-04", "note"),
        ("binary.txt", "P1", "2026-08-04", "note"),
        ("gone.pdf", "P1", "2026-08-04", "note"),
        ("../outside.md", "P1", "2026-08-04", "note"),
        ("empty.txt", "P1", "2026-08-04", "note"),
    ]
    records = make_records(files, rows=rows)

    found = [(f.file.split("records/", 1)[1], f.code, f.message) for f in records.findings]
    assert found == [
        (
            "notes.rtf",
            "records.unknown_extension",
            "not a kind of file recoup reads (.txt, .md, .pdf, .docx, .json)",
        ),
        ("binary.txt", "records.binary", "binary data, not text"),
        (
            "gone.pdf",
            "records.missing_file",
            "listed in records/index.csv but the file does not exist",
        ),
        ("../outside.md", "records.outside", "the file is outside records/"),
        ("empty.txt", "records.empty", "no text found"),
        (
            "stray.md",
            "records.not_indexed",
            "no row in records/index.csv and no FHIR patient reference; not read",
        ),
    ]
    assert all(f.severity is Severity.WARNING for f in records.findings)
    assert [p.text for p in records.passages] == ["Gait improved."]


def test_text_that_is_not_utf8_is_read_as_windows_1252(make_records: MakeRecords) -> None:
    records = make_records({"old.txt": "Caf\u00e9 visit \u2014 done.".encode("cp1252")})

    assert [p.text for p in records.passages] == ["Caf\u00e9 visit \u2014 done."]
    (finding,) = records.findings
    assert (finding.code, finding.severity) == ("records.encoding", Severity.INFO)


def test_hidden_files_and_the_index_itself_are_not_documents(make_records: MakeRecords) -> None:
    records = make_records(
        {".DS_Store": b"\x00\x00", "index.csv": "file\n", "a.md": "A."},
        rows=[("a.md", "P1", "", "note")],
    )

    assert records.findings == ()
    assert [(p.text, p.date) for p in records.passages] == [("A.", None)]


def test_find_filters_by_section_words_kind_and_dates(make_records: MakeRecords) -> None:
    files = {
        "eval.md": "## Assessment\nSkilled care is needed.\n\n## Plan\nTwice a week.",
        "note.md": "## Assessment\nUnskilled walking only.\n\n## Goals\n- Berg 45/56.",
        "other.md": "## Assessment\nSkilled care for someone else.",
    }
    rows = [
        ("eval.md", "P1", "2026-08-04", "evaluation"),
        ("note.md", "P1", "2026-09-01", "progress_note"),
        ("other.md", "P2", "2026-08-04", "evaluation"),
    ]
    records = make_records(files, rows=rows)

    def texts(found: tuple[object, ...]) -> list[str]:
        return [p.text for p in records.passages if p in found]

    assert texts(records.find("P1", sections=("assess",))) == [
        "Skilled care is needed.",
        "Unskilled walking only.",
    ]
    assert texts(records.find("P1", words=("SKILLED",))) == ["Skilled care is needed."]
    assert texts(records.find("P1", words=("need",))) == ["Skilled care is needed."]
    assert texts(records.find("P1", words=("twice a  week", "berg"))) == [
        "Twice a week.",
        "Berg 45/56.",
    ]
    assert texts(records.find("P1", kinds=("Progress_Note",))) == [
        "Unskilled walking only.",
        "Berg 45/56.",
    ]
    assert texts(records.find("P1", on_or_after=date(2026, 8, 5))) == texts(
        records.find("P1", kinds=("progress_note",))
    )
    assert texts(records.find("P1", on_or_before=date(2026, 8, 4), sections=("plan",))) == [
        "Twice a week."
    ]
    assert records.find("P3") == ()
    assert len(records.for_patient("P2")) == 1
    assert [d.file for d in records.documents("P1")] == ["records/eval.md", "records/note.md"]
    assert records.documents("P1")[0].path.is_absolute()
    assert [p.locator for p in records.in_file("records/note.md")] == ["line 2", "line 5"]


def test_undated_passages_are_left_out_when_dates_are_asked_for(make_records: MakeRecords) -> None:
    records = make_records({"a.md": "Undated."}, rows=[("a.md", "P1", "", "note")])

    assert len(records.find("P1")) == 1
    assert records.find("P1", on_or_before=date(2030, 1, 1)) == ()


def test_a_hundred_small_documents_read_well_under_a_second(
    tmp_path: Path, practice_at: PracticeAt
) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    note = (Path(__file__).parents[2] / "examples/brightpath-pt/records").joinpath(
        "kowalski_progress_note_2026-09-01.md"
    )
    rows = []
    for n in range(100):
        name = f"note_{n:03d}.md"
        (folder / name).write_text(note.read_text(encoding="utf-8"), encoding="utf-8")
        rows.append((name, "P1", "2026-09-01", "progress_note"))
    practice = practice_at(tmp_path, rows)

    records = read_records(practice)  # speed: benchmarks/bench_letters.py, not a timed test

    assert len(records.passages) == 100 * 13
