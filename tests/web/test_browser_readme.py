"""The README's own flow in a real browser: the demo's `recoup import` commands (read from the
Makefile), then the `recoup serve` command of the README's first screen (read from the README),
then the Benefits page lists the example patients' caps and authorisations from the store.

The commands run as a new user runs them: the installed `recoup` command in a shell, the server
as its own process; only the database path and the port are the test's own.
"""

from __future__ import annotations

import csv
import re
import shlex
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from web.browser import CHROMIUM, CHROMIUM_ARGS, free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="no /usr/bin/chromium: run `bash scripts/ensure-system-packages.sh`",
    ),
    pytest.mark.skipif(not (BIN / "recoup").exists(), reason="the recoup command is not installed"),
]


def _demo_imports(db: Path) -> list[str]:
    """The `recoup import` lines of the Makefile's demo target, with its variables filled."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    lines = [line.strip() for line in demo.splitlines() if "recoup import" in line]
    assert len(lines) >= 2, demo  # one per example practice
    names = {"$(BIN)": str(BIN), "$(DEMO_DB)": str(db), "$(EXAMPLES)": "examples"}
    out = []
    for line in lines:
        for name, value in names.items():
            line = line.replace(name, value)
        out.append(line.lstrip("-@"))
    return out


def _readme_serve(db: Path, port: int) -> list[str]:
    """The README's first-screen `recoup serve` command, on the test's database and port."""
    head = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Using it", 1)[0]
    found = re.search(r"`(\.venv/bin/recoup serve [^`]+)`", head)
    assert found, "the README's first screen gives no `recoup serve` command"
    words = shlex.split(found.group(1))
    words[0] = str(BIN / "recoup")
    words[words.index("--db") + 1] = str(db)
    return [*words, "--port", str(port)]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    db = tmp_path / "recoup.db"
    for command in _demo_imports(db):
        done = subprocess.run(
            command, shell=True, cwd=ROOT, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stdout + done.stderr
    port = free_port()
    server = subprocess.Popen(
        _readme_serve(db, port), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/benefits", timeout=5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read().decode() if server.stdout else ""
                    raise AssertionError(f"recoup serve did not start: {output}") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(15)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_benefits_page_after_the_readme_commands(served: str) -> None:
    from playwright.sync_api import sync_playwright

    expected: dict[str, tuple[str, list[str], list[str]]] = {}  # id -> name, caps, auths
    for practice in ("brightpath-pt", "little-steps-aba"):
        folder = ROOT / "examples" / practice
        names = {
            r["patient_id"]: f"{r['first_name']} {r['last_name']}"
            for r in _rows(folder / "patients.csv")
        }
        for row in _rows(folder / "benefits.csv"):
            entry = expected.setdefault(row["patient_id"], (names[row["patient_id"]], [], []))
            limit = Decimal(row["limit"])  # shown with thousands separators, no zero cents
            shown = f"{limit:,.0f}" if limit == limit.to_integral() else f"{limit:,f}"
            entry[1].append(f"{shown} {row['unit']}")
        for row in _rows(folder / "authorizations.csv"):
            entry = expected.setdefault(row["patient_id"], (names[row["patient_id"]], [], []))
            ended = row["end_date"] < "2026-11-23"  # the README's --today
            entry[2].append(f"{row['auth_number']}{' (ended)' if ended else ''}")
    assert len(expected) >= 6 and any(a for _, _, a in expected.values())

    with sync_playwright() as pw:
        browser: Any = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(served + "/benefits")
            listed = page.locator("aside[aria-label=Patients] li a").all_inner_texts()
            assert sorted(listed) == sorted(name for name, _, _ in expected.values())
            for patient_id, (name, caps, auths) in expected.items():
                page.goto(served + "/benefits")
                page.click(f"aside[aria-label=Patients] a:text-is('{name}')")
                page.wait_for_selector(f"h2:has-text('{patient_id}')")
                text = page.locator("main").inner_text()
                for cap in caps:
                    assert cap in text, (patient_id, cap)
                for auth in auths:
                    number, ended = auth.removesuffix(" (ended)"), auth.endswith("(ended)")
                    row = page.locator(f"tr:has(td:has-text('{number}'))").inner_text()
                    assert ("Ended" in row) == ended, (patient_id, row)
        finally:
            browser.close()
