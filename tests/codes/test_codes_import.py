"""`recoup codes import FILE`: the official wording lands in RECOUP_HOME and shows beside ours."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from recoup.cli import app
from recoup.codes import import_official, load_official, lookup, official_store_path

runner = CliRunner()

OFFICIAL_CSV = """\
Code,Description,Start Date,Stop Date
119,Official text for the benefit maximum code (test fixture).,1995-01-01,
297,"Official text, vision plan (test fixture).",2018-03-01,
42,Official text for an old fee schedule code (test fixture).,1995-01-01,2008-06-30
N362,Official text for the units remark (test fixture).,,
309,Official text for a code newer than our table (test fixture).,2027-01-01,
"""


def run(*args: str) -> Any:
    return runner.invoke(app, ["codes", *args])


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_then_lookup_shows_official_beside_ours(tmp_path: Path, recoup_home: Path) -> None:
    source = write(tmp_path, "carc-official.csv", OFFICIAL_CSV)
    result = run("import", str(source))
    assert result.exit_code == 0, result.output
    assert "Imported 4 CARCs and 1 RARCs" in " ".join(result.stdout.split())
    assert official_store_path().is_file()
    assert str(official_store_path()).startswith(str(recoup_home))

    data = json.loads(run("CO-119", "--json").stdout)
    assert data["official"] == "Official text for the benefit maximum code (test fixture)."
    assert data["description"] != data["official"]
    assert data["own_words"] is True
    assert data["start_date"] == "1995-01-01"

    old = json.loads(run("42", "--json").stdout)
    assert old["stop_date"] == "2008-06-30"
    remark = json.loads(run("N362", "--json").stdout)
    assert remark["official"].startswith("Official text for the units remark")
    assert "Official text, vision plan" in " ".join(run("297").stdout.split())


def test_a_code_known_only_from_the_official_list_resolves(tmp_path: Path) -> None:
    import_official(write(tmp_path, "list.csv", OFFICIAL_CSV))
    entry = lookup("309")
    assert entry is not None
    assert entry.own_words is False
    assert entry.description.startswith("Official text for a code newer")
    result = run("309", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["own_words"] is False


def test_bad_rows_are_reported_with_file_and_line_and_nothing_is_written(tmp_path: Path) -> None:
    source = write(
        tmp_path,
        "bad.csv",
        "Code,Description,Start,Stop\n"
        "1,Deductible (test fixture).,1995-01-01,\n"
        "hello,Not a code.,,\n"
        "2,,,\n"
        "3,Copay (test fixture).,31/31/2020,\n"
        "1,Repeated (test fixture).,,\n",
    )
    result = run("import", str(source))
    assert result.exit_code == 1
    output = result.output
    assert f"{source}:row 3, column code" in output
    assert f"{source}:row 4, column description" in output
    assert f"{source}:row 5, column start" in output
    assert "already given on line 2" in output
    assert "Nothing was imported" in output
    assert not official_store_path().exists()


def test_keep_going_imports_the_good_rows(tmp_path: Path) -> None:
    source = write(tmp_path, "mixed.csv", "Code,Description\n1,Good row (fixture).\nxx,Bad row.\n")
    result = run("import", str(source), "--keep-going", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["imported"] is True and data["carc"] == 1
    assert data["findings"][0]["row"] == 3
    assert data["findings"][0]["severity"] == "warning"


def test_tab_and_pipe_exports_and_start_stop_notes(tmp_path: Path) -> None:
    tab = write(
        tmp_path,
        "rarc.txt",
        "Code\tDescription\n"
        "N130\tOfficial N130 words (fixture). Start: 02/28/2003 | Last Modified: 07/01/2008\n"
        "N29\tOfficial N29 words (fixture). Start: 01/01/2000 | Stop: 06/01/2008\n",
    )
    assert run("import", str(tab)).exit_code == 0
    pipe = write(tmp_path, "carc.txt", "97|Official 97 words (fixture).|1995-01-01|\n")
    assert run("import", str(pipe), "--kind", "carc").exit_code == 0
    texts, findings = load_official()
    assert findings == []
    assert texts[("RARC", "N130")].description == "Official N130 words (fixture)."
    assert texts[("RARC", "N29")].stop_date is not None
    assert texts[("RARC", "N29")].stop_date.isoformat() == "2008-06-01"
    assert texts[("CARC", "97")].description == "Official 97 words (fixture)."


def test_kind_mismatch_is_a_bad_row(tmp_path: Path) -> None:
    source = write(tmp_path, "rarc.csv", "Code,Description\nN362,Remark text (fixture).\n")
    result = run("import", str(source), "--kind", "carc")
    assert result.exit_code == 1
    assert "row 2, column code" in result.output
    assert "not a CARC code" in result.output


def test_missing_or_empty_file(tmp_path: Path) -> None:
    result = run("import", str(tmp_path / "nope.csv"))
    assert result.exit_code == 1
    assert "cannot read the file" in result.output
    empty = write(tmp_path, "empty.csv", "\n\n")
    assert run("import", str(empty)).exit_code == 1


def test_reimport_replaces_earlier_wording(tmp_path: Path) -> None:
    import_official(write(tmp_path, "a.csv", "Code,Description\n1,First wording (fixture).\n"))
    import_official(write(tmp_path, "b.csv", "Code,Description\n1,Second wording (fixture).\n"))
    entry = lookup("1")
    assert entry is not None and entry.official == "Second wording (fixture)."
    store = json.loads(official_store_path().read_text(encoding="utf-8"))
    assert len(store["imports"]) == 2


def test_headerless_file_whose_first_description_mentions_code(tmp_path: Path) -> None:
    source = write(
        tmp_path,
        "plain.csv",
        "4,The procedure code does not fit the modifier (fixture text).\n5,Place text (fixture).\n",
    )
    result = run("import", str(source), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["carc"] == 2
    entry = lookup("4")
    assert entry is not None
    assert entry.official == "The procedure code does not fit the modifier (fixture text)."
