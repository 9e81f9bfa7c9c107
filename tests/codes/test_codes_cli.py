"""`recoup codes`: lookups, search, unknown codes, group codes, as text and JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from recoup.cli import app

runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, ["codes", *args])


def flat(text: str) -> str:
    """The output with line wrapping undone, so phrases can be matched."""
    return " ".join(text.split())


def test_co_119_json() -> None:
    result = run("CO-119", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["code"] == "119"
    assert data["group"] == "CO"
    assert data["kind"] == "CARC"
    assert data["category"] == "benefit_maximum"
    assert data["appealable"] in ("yes", "no", "depends")
    assert data["description"]
    assert data["typical_fix"]
    assert "provider absorbs" in data["group_meaning"]


def test_co_97_is_bundling() -> None:
    data = json.loads(run("CO-97", "--json").stdout)
    assert data["category"] == "bundling"
    assert data["code"] == "97"


def test_n362_describes_the_remark() -> None:
    result = run("N362", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["kind"] == "RARC"
    assert data["code"] == "N362"
    assert "maximum" in data["description"]


def test_json_flag_before_the_code() -> None:
    result = run("--json", "97")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["code"] == "97"


def test_297_text_says_vision_plan_and_warns_about_benefit_maximum() -> None:
    result = run("297")
    assert result.exit_code == 0
    text = flat(result.stdout)
    assert "vision plan" in text
    assert "Warning:" in text
    assert "benefit maximum" in text
    assert "119" in text and "35" in text


def test_text_output_for_a_carc() -> None:
    text = flat(run("CO-119").stdout)
    assert "CO-119" in text
    assert "benefit_maximum" in text
    assert "Appealable: depends" in text
    assert "Typical fix:" in text
    assert "Official wording: not imported" in text


def test_unknown_code_exits_1_with_a_message() -> None:
    result = run("999")
    assert result.exit_code == 1
    assert "Unknown code '999'" in flat(result.output)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_unknown_code_json() -> None:
    result = run("N99999", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["known"] is False
    assert "Unknown code" in data["error"]


@pytest.mark.parametrize("text", ["CO-", "hello-world", "%%"])
def test_malformed_code_is_not_a_crash(text: str) -> None:
    result = run(text)
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_several_codes_and_remarks() -> None:
    result = run("CO-119", "N362", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [d["code"] for d in data] == ["119", "N362"]
    with_remarks = json.loads(run("CO-16", "-r", "MA130", "--json").stdout)
    assert with_remarks["remarks"][0]["code"] == "MA130"
    assert with_remarks["appealable"] == "no"


@pytest.mark.parametrize(
    ("group", "phrase", "liability"),
    [
        ("CO", "provider absorbs", "provider"),
        ("PR", "patient may be billed", "patient"),
        ("OA", "depends", "depends"),
        ("PI", "depends", "depends"),
    ],
)
def test_group_code_liability_wording(group: str, phrase: str, liability: str) -> None:
    result = run(group, "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["kind"] == "group"
    assert data["liability"] == liability
    assert phrase in data["group_meaning"]
    assert phrase in flat(run(group).stdout)


def test_search_text_and_json() -> None:
    result = run("--search", "benefit maximum")
    assert result.exit_code == 0
    assert "119" in result.stdout and "35" in result.stdout
    data = json.loads(run("--search", "benefit maximum", "--json").stdout)
    codes = [r["code"] for r in data["results"]]
    assert codes[:2] == ["119", "35"]
    assert data["query"] == "benefit maximum"


def test_search_without_matches() -> None:
    result = run("--search", "qqqq zzzz")
    assert result.exit_code == 0
    assert "No code matches" in result.stdout


def test_bare_codes_shows_help() -> None:
    result = run()
    assert result.exit_code == 0
    assert "import" in result.stdout


def test_tables_lists_sources_and_dates() -> None:
    data = json.loads(run("tables", "--json").stdout)
    names = {t["table"]: t for t in data["tables"]}
    assert names["carc"]["list_date"] == "2026-08-17"
    assert names["carc"]["rows"] >= 400
    assert "x12.org" in names["carc"]["source"]


def test_codes_help_mentions_usage() -> None:
    result = runner.invoke(app, ["codes", "--help"])
    assert result.exit_code == 0
    assert "--search" in result.stdout
