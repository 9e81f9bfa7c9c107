"""Appeal levels in a real browser (multi-user): a biller signs in, marks a recount dispute's
appeal as sent, records the payer's decision as lost (choosing the result and typing the amount,
then confirming), and sees level 2 open with its deadline and the steps in the history."""

from __future__ import annotations

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


def test_a_lost_level_one_appeal_opens_level_two(
    browser: Any, tmp_path: Path, example_dir: Path
) -> None:
    folder = copy_data(example_dir, tmp_path / "data")
    store = Store.open(str(folder / "recoup.db"))
    store.create_user("bea", PASSWORD, "biller")
    store.grant_practice("bea", "*")  # a biller of the practice
    row = store.denial("BP26049-1@SHP26080700114", today=TODAY)
    assert row is not None
    app = create_app(store, multi_user=True, today=lambda: TODAY, data_dir=folder)
    try:
        with running(app) as base:
            page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
            page.goto(base + "/")
            page.fill("#username", "bea")
            page.fill("#password", PASSWORD)
            page.click("button:has-text('Sign in')")
            page.wait_for_selector("#worklist")
            page.goto(f"{base}/denials/{row.id}")

            page.fill("#sent_date", "2026-11-24")
            page.select_option("#channel", "portal")
            page.click("button:has-text('Mark as sent')")
            page.wait_for_selector("text=Marked as sent.")
            assert page.inner_text("#work-status") == "Appealed level 1"

            # no result chosen: the browser does not send the form
            page.fill("#amount", "0")
            page.click("#outcome-review")
            assert "Record this outcome?" not in page.content()
            page.select_option("#outcome", "lost")
            page.fill("#outcome_date", "2027-01-08")
            page.fill("#reference", "APL-77120")
            page.click("#outcome-review")
            page.wait_for_selector("#confirm-next")
            told = page.inner_text("#confirm-next")
            assert "level 2 (Second internal appeal) opens, deadline 2027-07-07" in told
            page.click("#outcome-confirm")

            page.wait_for_selector("#level-notice")
            assert "level 2 is open, deadline 2027-07-07" in page.inner_text("#level-notice")
            assert page.inner_text("#work-status") == "Level 2 open (level 1 lost)"
            assert page.inner_text("#head-status") == "Level 2 open (level 1 lost)"
            assert "2027-01-08" in page.inner_text("#deadline-basis")
            history = page.locator("#history li").all_inner_texts()
            assert [h.split(" ", 1)[1].split(" — ")[0] for h in history] == [
                "Denied CO-119, $120.00",
                "Level 1 (internal appeal) sent",
                "Level 1 decision: lost",
                "Level 2 (second internal appeal) opened, deadline 2027-07-07",
            ]
            assert "reference APL-77120" in history[2]
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "9-appeal-level-2.png"), full_page=True)

            # the worklist shows where it stands, with the new deadline
            page.goto(base + "/?patient=BP26049")
            line = page.locator(f"#worklist tbody tr:has(input.pick[value='{row.id}'])")
            assert "Level 2 open" in line.inner_text() and "2027-07-07" in line.inner_text()
    finally:
        store.close()
