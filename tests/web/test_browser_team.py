"""A billing team's day in a real browser (multi-user): a biller signs in, bulk-assigns five
denials to a colleague, logs a call with the payer's reference number, sets the call-back date
and exports the filtered worklist to CSV, whose rows are checked."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recoup.store import Store
from recoup.web import create_app
from web.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, running
from web.conftest import copy_data
from web.helpers import PASSWORD, TODAY

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="no /usr/bin/chromium: run `bash scripts/ensure-system-packages.sh`",
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_a_billers_day(browser: Any, tmp_path: Path, example_dir: Path) -> None:
    folder = copy_data(example_dir, tmp_path / "data")
    store = Store.open(str(folder / "recoup.db"))
    for name in ("bea", "carol"):
        store.create_user(name, PASSWORD, "biller")
        store.grant_practice(name, "*")  # the practice's own billers
    app = create_app(store, multi_user=True, today=lambda: TODAY, data_dir=folder)
    try:
        with running(app) as base:
            context = browser.new_context(
                viewport={"width": 1500, "height": 900}, accept_downloads=True
            )
            page = context.new_page()
            page.goto(base + "/")
            page.fill("#username", "bea")
            page.fill("#password", PASSWORD)
            page.click("button:has-text('Sign in')")
            page.wait_for_selector("#worklist")

            # tick five rows and hand them to carol
            picks = page.locator("#worklist input.pick")
            chosen = [picks.nth(i).get_attribute("value") for i in range(5)]
            for i in range(5):
                picks.nth(i).check()
            page.select_option("#b-action", "assign")
            page.fill("#b-user", "carol")
            page.click("#b-apply")
            page.wait_for_selector("#bulk-notice")
            assert "5 denial(s) changed" in page.inner_text("#bulk-notice")

            # carol's denials: exactly those five
            page.select_option("#f-assignee", "carol")
            page.wait_for_url("**assignee=carol**")
            page.wait_for_function("document.querySelectorAll('#worklist tbody tr').length === 5")
            shown = page.locator("#worklist input.pick")
            assert sorted(shown.nth(i).get_attribute("value") for i in range(5)) == sorted(chosen)

            # a call with the payer, and the day to call back
            page.locator("#worklist tbody tr a").first.click()
            page.wait_for_selector("#h-notes")
            denial_id = page.url.rsplit("/", 1)[1]
            page.select_option("#n-kind", "call")
            page.fill("#n-contact", "Ann, provider services")
            page.fill("#n-ref", "REF-55123")
            page.fill("#n-text", "Claim sent back for reprocessing, 30 days.")
            page.click("#n-add")
            page.wait_for_selector("text=Note added.")
            first_note = page.locator("#note-list li").first.inner_text()
            assert "REF-55123" in first_note and "bea" in first_note and "Call" in first_note
            page.fill("#w-callback", "2026-12-01")
            page.click("#w-save")
            page.wait_for_selector("#work .notice")
            assert page.inner_text("#work-follow-up") == "2026-12-01"
            assert page.inner_text("#work-assignee") == "carol"
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "8-denial-work.png"), full_page=True)

            # printed: no navigation or forms, codes kept whole
            page.emulate_media(media="print")
            assert page.locator("header.top").is_hidden()
            assert page.locator("#n-add").is_hidden()
            assert page.locator("#note-list").is_visible()
            wrap = page.eval_on_selector(".mono", "e => getComputedStyle(e).whiteSpace")
            assert wrap == "nowrap"
            page.emulate_media(media="screen")

            # export the filtered worklist
            page.goto(base + "/?assignee=carol")
            with page.expect_download() as info:
                page.click("#export-csv")
            saved = tmp_path / "carol.csv"
            info.value.save_as(saved)
            rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
            assert sorted(r["Denial"] for r in rows) == sorted(chosen)
            assert {r["Assigned to"] for r in rows} == {"carol"}
            called = {r["Denial"]: r["Call back on"] for r in rows}
            assert called.pop(denial_id) == "2026-12-01"
            assert set(called.values()) == {""}
            assert all("_" not in r["Lane"] for r in rows)
    finally:
        store.close()
