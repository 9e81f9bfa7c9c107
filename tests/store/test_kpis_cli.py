"""``recoup kpis``: the dashboard's figures in the terminal, for one practice or all."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from recoup.cli import app
from recoup.kpi_definitions import DEFINITIONS
from store_helpers import BRIGHTPATH, LITTLE_STEPS

runner = CliRunner()


def _import(db: str) -> None:
    for folder in (BRIGHTPATH, LITTLE_STEPS):
        remits = sorted(str(p) for p in (folder / "remittances").glob("*.835"))
        done = runner.invoke(app, ["import", "--db", db, str(folder), *remits])
        assert done.exit_code == 0, done.output


def test_kpis_for_one_practice_and_for_all(db_url: str) -> None:
    _import(db_url)
    # 2026-12-24: Brightpath's BP26065 ($136.00, due 2026-12-14) is 10 days overdue, and the
    # $45.00 takeback review (refund-dispute window ended 2026-09-20) is overdue too
    args = ["kpis", "--db", db_url, "--today", "2026-12-24"]
    every = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    steps = runner.invoke(app, [*args, "--json", "--practice", "little steps autism center"])
    assert steps.exit_code == 0, steps.output
    little = json.loads(steps.stdout)
    bright = json.loads(runner.invoke(app, [*args, "--json", "--practice", "1548213069"]).stdout)
    assert (little["practice"], bright["practice"]) == ("1730496282", "1548213069")
    assert bright["overdue_count"] + little["overdue_count"] == every["overdue_count"]
    assert (bright["overdue_count"], bright["overdue_amount"]) == (2, "181.00")
    assert [(r["key"], r["amount"]) for r in little["underpaid_by_payer"]] == [
        ("PRAIRIE MUTUAL", "4.00")
    ]
    text = runner.invoke(app, [*args, "--practice", "1548213069"])
    assert text.exit_code == 0, text.output
    lines = text.stdout.splitlines()
    words = [line.split() for line in lines]
    assert any(line.split()[:2] == ["overdue", "2"] for line in lines)
    assert "open denied dollars by age" in text.stdout
    assert ["97140", "1", "2.20", "2.20"] in words
    # payments.csv: $65.00 + $50.00 on BP26061, billed to the patient for $185.00: 62.2 %
    assert ["patient", "collection", "62.2%", "($115.00", "paid", "of", "$185.00", "owed)"] in words
    assert "PRAIRIE MUTUAL" not in text.stdout
    unknown = runner.invoke(app, [*args, "--practice", "Nowhere Clinic"])
    assert unknown.exit_code == 1
    assert "Nowhere Clinic" in unknown.output and "Brightpath" in unknown.output
    assert "Traceback" not in unknown.output


def test_kpis_definitions() -> None:
    shown = runner.invoke(app, ["kpis", "--definitions"])
    assert shown.exit_code == 0, shown.output
    for d in DEFINITIONS:
        assert d.name in shown.stdout
    assert max(len(line) for line in shown.stdout.splitlines()) <= 100
