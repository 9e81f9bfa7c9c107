"""Golden cases for every triage rule: one YAML file per rule in tests/triage/cases/.

Each case names a practice folder and remittances (paths from the repo root), a "today", which
worklist items to look at (``select``, in the denials, or in the patient cost share with
``part: patient_share``) and what they must say (``expect``). ``practice_drop`` removes the rows
of a CSV file that match every given column, then ``practice_overrides`` appends rows, both in a
copy of the practice folder; ``payer_settings`` sets keys of practice.toml ``[payers.<id>]``
tables (a new id adds a payer; null removes a key). ``scenario`` names the scenarios/README.md
situations a case covers.
"""

from __future__ import annotations

import csv
import json
import shutil
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from recoup.findings import Severity
from recoup.practice import read_practice
from recoup.triage import WorkItem, triage
from recoup.x12 import read_835_file

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).parent / "cases"


def _load() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            params.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return params


def _drop_rows(target: Path, drops: list[dict[str, Any]]) -> None:
    with target.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    kept = [
        row
        for row in rows
        if not any(all(row.get(k) == str(v) for k, v in drop.items()) for drop in drops)
    ]
    assert len(kept) < len(rows), f"practice_drop removed no row of {target.name}: {drops}"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value))  # a JSON string is a valid TOML basic string


def _set_payers(target: Path, settings: dict[str, dict[str, Any]]) -> None:
    """Rewrite practice.toml with the payers' keys set (top-level keys first, then tables)."""
    data = tomllib.loads(target.read_text(encoding="utf-8"))
    payers: dict[str, dict[str, Any]] = data.pop("payers", {})
    for payer_id, keys in settings.items():
        table = payers.setdefault(str(payer_id), {})
        for key, value in keys.items():
            if value is None:  # null removes the key
                table.pop(key, None)
            else:
                table[key] = value
    lines = [f"{key} = {_toml_value(value)}" for key, value in data.items()]
    for payer_id, table in payers.items():
        lines += ["", f'[payers."{payer_id}"]']
        lines += [f"{key} = {_toml_value(value)}" for key, value in table.items()]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _practice_folder(case: dict[str, Any], tmp_path: Path) -> Path:
    folder: Path = ROOT / str(case["practice"])
    overrides: dict[str, list[dict[str, Any]]] = case.get("practice_overrides") or {}
    drops: dict[str, list[dict[str, Any]]] = case.get("practice_drop") or {}
    payer_settings: dict[str, dict[str, Any]] = case.get("payer_settings") or {}
    if not overrides and not drops and not payer_settings:
        return folder
    copy = tmp_path / folder.name
    shutil.copytree(folder, copy)
    if payer_settings:
        _set_payers(copy / "practice.toml", payer_settings)
    for name, matches in drops.items():
        _drop_rows(copy / name, matches)
    for name, rows in overrides.items():
        target = copy / name
        with target.open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        text = target.read_text(encoding="utf-8")
        with target.open("a", encoding="utf-8", newline="") as handle:
            if text and not text.endswith("\n"):
                handle.write("\n")
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
            for row in rows:
                writer.writerow({k: "" if v is None else str(v) for k, v in row.items()})
    return copy


def _selected(items: tuple[WorkItem, ...], select: dict[str, Any]) -> list[WorkItem]:
    out = []
    for item in items:
        row = item.to_dict()
        if all(
            row.get(key) == (None if want is None else str(want)) for key, want in select.items()
        ):
            out.append(item)
    return out


@pytest.mark.parametrize("case", _load())
def test_golden(case: dict[str, Any], tmp_path: Path) -> None:
    folder = _practice_folder(case, tmp_path)
    practice, findings = read_practice(folder)
    assert practice is not None, findings
    results = [read_835_file(ROOT / p) for p in case["era"]]
    for result in results:
        errors = [f for f in result.findings if f.severity is Severity.ERROR]
        assert not errors, errors  # a fixture that does not balance tests nothing
    today = case["today"]
    today = today if isinstance(today, date) else date.fromisoformat(str(today))
    worklist = triage(results, practice, today)
    part = case.get("part", "denials")
    pool = worklist.patient_share if part == "patient_share" else worklist.items
    items = _selected(pool, case["select"])
    assert items, f"no {part} item matches {case['select']}"
    expect = case["expect"]
    for item in items:
        where = f"{item.patient_account} {item.code}: {item.reasons}"
        assert item.lane == expect["lane"], where
        if "denied_amount" in expect:
            assert item.to_dict()["denied_amount"] == str(expect["denied_amount"]), where
        for text in expect.get("action_contains", []):
            assert text in item.action, f"{text!r} not in the action {item.action!r}"
        for text in expect.get("reasons_lack", []):
            assert not any(text in reason for reason in item.reasons), f"{text!r} in {where}"
        for text in expect.get("reasons_contain", []):
            assert any(text in reason for reason in item.reasons), f"{text!r} not in {where}"
        for text in expect.get("missing_contains", []):
            assert any(text in m for m in item.missing), f"{text!r} not in {item.missing}"
        if "correction_form" in expect:
            assert item.correction_form == (expect["correction_form"] or ""), where
        for text in expect.get("evidence_contains", []):
            assert any(text in e.text or text in e.fact for e in item.evidence), (
                f"{text!r} not in the evidence {item.evidence}"
            )
        if "deadline" in expect:
            want = expect["deadline"]
            got = item.deadline.date.isoformat() if item.deadline.date else None
            assert got == (None if want is None else str(want)), item.deadline


def test_every_biller_scenario_has_a_golden_case() -> None:
    """Scenarios 1-17 of ../shared/scenarios/README.md (18-20 are deadlines, tested in
    tests/deadlines and test_engine) each need at least one case naming it in ``scenario``."""
    covered: set[int] = set()
    for param in _load():
        covered.update(param.values[0].get("scenario") or [])
    assert set(range(1, 18)) - covered == set()
