"""Codes shown to a person read as words: no page, CSV or Excel export of the web app shows a
lane, category, period, status or outcome as its snake_case code (``corrected_claim``,
``calendar_year``); the JSON API keeps the codes.

The text checked is what a person sees: a page's text without its tags (a code in a class name
or an ``<option value>`` is not shown), and every cell of an export but those of its "... code"
columns, which are there to be matched by other programs."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from openpyxl import load_workbook

from recoup.store import DenialQuery
from recoup.store.teamwork import WORK_STATUSES, WRITE_OFF_REASONS
from recoup.triage.model import LANES
from recoup.words import WORDS
from web.conftest import WebFactory
from web.helpers import EXAMPLE, TODAY, Web

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
# every snake_case code recoup has words for
CODES = (
    {code for table in WORDS.values() for code in table if "_" in code}
    | set(LANES)
    | set(WRITE_OFF_REASONS)
    | set(WORK_STATUSES)
)


class _Text(HTMLParser):
    """The text of a page, without tags, attributes, scripts or styles, and without the cited
    input files' own lines (``div.snippet``: a benefits.csv row is quoted as the file has it)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self._open: list[bool] = []  # per open element: does it start a skipped part

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "img", "input", "meta", "link", "hr", "wbr", "source"):
            return
        classes = (dict(attrs).get("class") or "").split()
        skipped = tag in ("script", "style") or "snippet" in classes
        self._open.append(skipped)
        self._skip += skipped

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "img", "input", "meta", "link", "hr", "wbr", "source"):
            return
        if self._open:
            self._skip -= self._open.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _shown(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def _codes_in(text: str) -> set[str]:
    return {m for m in SNAKE.findall(text) if m in CODES}


def _worked(web: Web) -> list[int]:
    """Denials of every lane, with a work status, a sent date and an outcome, so that each
    kind of code is on the pages."""
    rows = web.store.all_denials(DenialQuery(status="all"), today=TODAY)
    lanes = {r.lane for r in rows}
    assert {"corrected_claim", "recount_dispute", "bill_other_payer", "write_off"} <= lanes
    web.store.set_work_status([rows[0].id], "waiting_on_payer", "local")
    web.store.mark_sent(rows[1].id, TODAY, "portal", "local")
    web.store.record_outcome(rows[1].id, "partly_won", Decimal("10.00"), TODAY, "local")
    web.store.write_off([rows[2].id], "small_balance", TODAY, "local")
    chosen: dict[str, int] = {}
    for row in rows:
        chosen.setdefault(row.lane, row.id)
    return sorted({*chosen.values(), rows[0].id, rows[1].id, rows[2].id})


def test_no_page_shows_a_snake_case_code(make_web: WebFactory) -> None:
    web = make_web()
    ids = _worked(web)
    urls = [
        "/?status=all&per_page=200",
        "/?status=closed",
        "/my-work",
        "/dashboard",
        "/benefits",
        "/benefits/P1001",
        "/import",
        *(f"/denials/{i}" for i in ids),
    ]
    for url in urls:
        page = web.client.get(url)
        assert page.status_code == 200, url
        assert _codes_in(_shown(page.text)) == set(), url
    # the page does say the words, and the API keeps the codes
    listing = _shown(web.client.get("/?status=all&per_page=200").text)
    assert "Corrected claim" in listing and "Recount dispute" in listing
    api = web.client.get("/api/denials", params={"status": "all", "per_page": 200}).json()
    assert "corrected_claim" in {r["lane"] for r in api["rows"]}
    benefit = _shown(web.client.get("/benefits/P1001").text)
    assert "calendar year" in benefit.lower() or "Physical and occupational therapy" in benefit


def _csv_cells(content: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    shown = [i for i, name in enumerate(header) if not name.lower().endswith("code")]
    return [row[i] for row in body for i in shown]


def test_no_export_shows_a_snake_case_code(make_web: WebFactory) -> None:
    web = make_web()
    _worked(web)
    cells = _csv_cells(web.client.get("/worklist.csv?status=all").content)
    assert cells and _codes_in(" ".join(cells)) == set()
    assert {"Corrected claim", "Partly won", "Waiting on payer"} <= set(cells)
    kpis = _csv_cells(web.client.get("/dashboard/kpis.csv").content)
    assert kpis and _codes_in(" ".join(kpis)) == set()
    book = load_workbook(io.BytesIO(web.client.get("/worklist.xlsx?status=all").content))
    sheet = book["Worklist"]
    header = [c.value for c in sheet[1]]
    keep = [i for i, name in enumerate(header) if not str(name).lower().endswith("code")]
    values = [str(row[i]) for row in sheet.iter_rows(min_row=2, values_only=True) for i in keep]
    assert _codes_in(" ".join(v for v in values if not isinstance(v, date))) == set()


def test_cli_tables_show_words_and_json_keeps_codes(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from recoup.cli import app

    runner = CliRunner()
    db = str(tmp_path / "r.db")
    files = [str(p) for p in sorted((EXAMPLE / "remittances").glob("*.835"))]
    assert runner.invoke(app, ["import", "--db", db, str(EXAMPLE), *files]).exit_code == 0
    table = runner.invoke(app, ["worklist", "--db", db, "--status", "all", "--today", "2026-11-23"])
    assert table.exit_code == 0, table.output
    assert _codes_in(table.output) == set()
    assert "Corrected claim" in table.output and "Recount dispute" in table.output
    triage = runner.invoke(
        app, ["triage", *files, "--practice", str(EXAMPLE), "--today", "2026-11-23"]
    )
    assert triage.exit_code in (0, 1) and "Corrected claim" in triage.output
    assert _codes_in(triage.output) == set()
    as_json = runner.invoke(app, ["worklist", "--db", db, "--status", "all", "--json"])
    assert "corrected_claim" in {r["lane"] for r in json.loads(as_json.stdout)["denials"]}
    # the triage CSV: the lane in words, its code in a column of its own
    sheet = tmp_path / "work.csv"
    done = runner.invoke(
        app,
        [
            "triage",
            *files,
            "--practice",
            str(EXAMPLE),
            "--today",
            "2026-11-23",
            "--csv",
            str(sheet),
        ],
    )
    assert done.exit_code == 0
    with sheet.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["lane_code"] for r in rows} >= {"corrected_claim"}
    assert "Corrected claim" in {r["lane"] for r in rows}
    shown = [v for r in rows for k, v in r.items() if not k.endswith("code")]
    assert _codes_in(" ".join(shown)) == set()
