"""The bundled data files: every row parses and the coverage the product promises is there."""

from __future__ import annotations

import re
import shutil
from importlib import resources
from pathlib import Path

import pytest

from recoup.codes import code_tables, load_tables

DATA = Path(str(resources.files("recoup.codes").joinpath("data")))


def _codes(text: str) -> list[str]:
    return text.split()


EXPLAINED_CARCS = _codes(
    "1 2 3 4 16 18 22 23 27 29 35 45 50 96 97 109 119 151 167 170 185 197 198 204 222 236 242 "
    "252 273 297 298 300 301"
)
EXPLAINED_RARCS = _codes(
    "N362 N435 N640 N587 M86 M80 M15 N20 N19 N390 N130 N115 MA130 N211 N704 N210"
)
NAMED_RARCS = _codes(
    "M15 M20 M38 M39 M51 M80 M86 M127 MA04 MA130 N4 N19 N20 N30 N56 N115 N130 N179 N210 N211 "
    "N290 N362 N386 N390 N435 N479 N522 N587 N640 N657 N704 N706 N822 N823 N29 N225"
)


def test_bundled_tables_load_without_findings() -> None:
    _, findings = load_tables()
    assert [str(f) for f in findings] == []


def test_every_numbered_carc_from_1_to_308_is_known() -> None:
    carc = code_tables().carc
    missing = [str(n) for n in range(1, 309) if str(n) not in carc]
    assert missing == []


def test_carc_counts_and_letter_codes() -> None:
    carc = code_tables().carc
    active = [e for e in carc.values() if e.active]
    assert len(carc) >= 400
    assert 290 <= len(active) <= 310
    for code in ("A0", "A1", "A5", "A6", "A8", "B1", "B4", "B23", "P1", "P32", "W1", "Y3", "D1"):
        assert code in carc, code
    # deactivated codes stay known: they appear on reversals of old claims
    assert carc["42"].active is False
    assert carc["A2"].active is False
    assert carc["W1"].active is False


def test_rarc_coverage() -> None:
    rarc = code_tables().rarc
    assert len(rarc) >= 150
    assert [code for code in NAMED_RARCS if code not in rarc] == []
    assert rarc["N29"].active is False
    assert rarc["N225"].active is False
    assert rarc["N706"].active is True
    assert rarc["N210"].alert is True
    assert rarc["N362"].alert is False


def test_explained_codes_have_long_texts() -> None:
    tables = code_tables()
    for code in EXPLAINED_CARCS:
        advice = tables.carc[code].advice
        assert advice is not None, code
        assert advice.appealable in ("yes", "no", "depends")
        assert advice.explanation and advice.typical_fix and advice.causes
    for code in EXPLAINED_RARCS:
        assert tables.rarc[code].advice is not None, code


def test_categories_used_by_triage() -> None:
    carc = code_tables().carc
    assert carc["119"].category == "benefit_maximum"
    assert carc["35"].category == "benefit_maximum"
    assert carc["97"].category == "bundling"
    assert carc["236"].category == "bundling"
    assert carc["50"].category == "medical_necessity"
    assert carc["197"].category == "authorization"
    assert carc["29"].category == "timely_filing"
    assert carc["18"].category == "duplicate"
    assert carc["1"].category == "patient_cost_share"
    # 222 is the provider's contracted cap, not a patient benefit maximum
    assert carc["222"].category != "benefit_maximum"
    # 297 belongs to the vision plan, whatever popular pages say
    assert carc["297"].category == "other_plan"


def test_each_table_records_its_source_and_list_date() -> None:
    info = code_tables().info
    for name in ("carc", "rarc", "groups", "categories", "explanations"):
        assert info[name].source, name
        assert info[name].list_date.year >= 2026, name
        assert (DATA / info[name].file).is_file(), name


def test_descriptions_are_our_own_short_words() -> None:
    """The official wording carries X12 boilerplate; none of it may be in our data."""
    tables = code_tables()
    boilerplate = re.compile(
        r"Healthcare Policy Identification Segment|At least one Remark Code must be provided",
        re.IGNORECASE,
    )
    for entry in [*tables.carc.values(), *tables.rarc.values()]:
        assert entry.description.strip(), entry.code
        assert entry.own_words
        assert not boilerplate.search(entry.description), entry.code
        assert len(entry.description) <= 200, entry.code


def test_group_codes_and_their_liability() -> None:
    groups = code_tables().groups
    assert set(groups) == {"CO", "PR", "OA", "PI", "CR"}
    assert groups["CO"].liability == "provider"
    assert groups["PR"].liability == "patient"
    assert groups["OA"].liability == "depends"
    assert groups["PI"].liability == "depends"
    assert groups["CR"].active is False and groups["CR"].valid_in == ("4010",)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def _append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("119,Another text,benefit_maximum,true,,,", "appears twice"),
        ("999,Some text,not_a_category,true,,,", "unknown category"),
        ("998,,other,true,,,", "description is empty"),
        ("997,Some text,other,true,2020-13-01,,", "start_date is not YYYY-MM-DD"),
        ("996,Some text,other,maybe,,,", "active must be true or false"),
        ("Q,Some text,other,true,,,", "is not a CARC code"),
        ("995,Some text,other,true,,,XX", "unknown group"),
    ],
)
def test_validation_reports_bad_rows(data_copy: Path, row: str, message: str) -> None:
    _append(data_copy / "carc.csv", row)
    _, findings = load_tables(data_copy)
    assert any(message in f.message for f in findings), [str(f) for f in findings]
    assert all(f.file == "carc.csv" for f in findings)


def test_validation_checks_explanations(data_copy: Path) -> None:
    _append(data_copy / "explanations.toml", '\n[carc."999"]\nexplanation = "x"\n')
    _, findings = load_tables(data_copy)
    assert any("not in the carc table" in f.message for f in findings)
