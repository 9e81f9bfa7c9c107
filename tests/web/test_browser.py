"""The main path in a real browser: import the example practice, work the CO-119 denial of
claim BP26021, download its packet, record the outcome, see the dashboard change.

Screenshots of each main page go to artifacts/screenshots/ (not committed).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from recoup.store import Store
from recoup.web import create_app
from web.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, running
from web.helpers import EXAMPLE, PASSWORD, TODAY, zip_folder

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


def _page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    return context.new_page()


def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_import_work_a_denial_and_see_the_dashboard(browser: Any, tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "recoup.db"))
    app = create_app(store, multi_user=False, today=lambda: TODAY, data_dir=tmp_path)
    archive = tmp_path / "upload" / "brightpath-pt.zip"
    archive.parent.mkdir()
    archive.write_bytes(zip_folder(EXAMPLE))
    remittances = sorted((EXAMPLE / "remittances").glob("*.835"))
    try:
        with running(app) as base:
            page = _page(browser)

            # import: the zipped folder and its remittances (already in the zip: no change)
            page.goto(f"{base}/import")
            page.set_input_files("#files", [str(archive), *map(str, remittances)])
            page.click("button:has-text('Import files')")
            page.wait_for_selector("#results table")
            results = page.inner_text("#results")
            # one line per file: the zip, the claims/*.837 and remittances/*.835 it holds (the
            # zip's 837Ps are imported since claims-in), and the loose 835s again
            sent = sorted((EXAMPLE / "claims").glob("*.837"))
            assert f"All {1 + len(sent) + 2 * len(remittances)} files imported" in results
            assert "Already imported" in results
            _shot(page, "1-import")

            # the worklist, most urgent first
            page.goto(base + "/")
            rows = page.locator("#worklist tbody tr")
            assert rows.count() > 5
            _shot(page, "2-worklist")

            # filtering swaps the table in place (htmx) and keeps the address bookmarkable
            page.select_option("#f-lane", "recount_dispute")
            page.wait_for_url("**lane=recount_dispute**")
            page.wait_for_function("document.querySelectorAll('#worklist tbody tr').length === 5")
            lanes = page.locator("#worklist tbody td span.badge.lane").all_inner_texts()
            assert {lane.strip() for lane in lanes} == {"Recount dispute"}
            page.goto(base + "/")

            # the CO-119 denial of claim BP26021
            row = page.locator("#worklist tbody tr", has_text="BP26021").filter(has_text="CO-119")
            assert row.count() == 2  # 97110 and 97140, both over the visit cap
            row.first.locator("a").first.click()
            page.wait_for_selector("h1:has-text('CO-119')")
            assert "BP26021" in page.inner_text("main")
            page.locator("#h-evidence ~ ul summary").first.click()  # open the 835 segment
            assert "CAS*CO*119" in page.inner_text(".snippet .cited")
            _shot(page, "3-denial")

            with page.expect_download() as download_info:
                page.click("a:has-text('PDF')")
            download = download_info.value
            saved = tmp_path / "packet.pdf"
            download.save_as(saved)
            assert saved.read_bytes().startswith(b"%PDF")
            denial_url = page.url

            # the dashboard before and after recording the outcome
            page.goto(f"{base}/dashboard")
            before = page.inner_text("#kpi-recovered")
            page.goto(denial_url)
            page.select_option("#outcome", "won")
            page.fill("#amount", "120.00")
            page.fill("#outcome_date", date(2026, 11, 20).isoformat())
            page.click("#outcome-review")  # first what it will do, then confirmed
            page.wait_for_selector("#confirm-close")
            page.click("#outcome-confirm")
            page.wait_for_selector("text=Outcome recorded")
            page.goto(f"{base}/dashboard")
            after = page.inner_text("#kpi-recovered")
            assert before != after
            assert "$120.00" in after
            _shot(page, "4-dashboard")

            # benefits: the patient of BP26021, and a visit check
            page.goto(f"{base}/benefits/P1001")
            page.fill("#code", "97110")
            page.click("button:has-text('Check')")
            page.wait_for_selector("#check-result")
            _shot(page, "5-benefits")

            # a bundling denial: the session timeline from the visit log
            page.goto(base + "/?q=BP26065")
            page.locator("#worklist tbody tr a").first.click()
            page.wait_for_selector("#h-timeline")
            _shot(page, "7-bundling-denial")
    finally:
        store.close()


def test_multi_user_sign_in_in_the_browser(browser: Any, tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "recoup.db"))
    store.create_user("dana", PASSWORD, "admin")
    app = create_app(store, multi_user=True, today=lambda: TODAY, data_dir=tmp_path)
    try:
        with running(app) as base:
            page = _page(browser)
            page.goto(base + "/dashboard")
            assert "/login" in page.url
            _shot(page, "0-login")
            page.fill("#username", "dana")
            page.fill("#password", "wrong password!")
            page.click("button:has-text('Sign in')")
            assert "wrong" in page.inner_text(".notice")
            page.fill("#password", PASSWORD)
            page.click("button:has-text('Sign in')")
            page.wait_for_url(base + "/dashboard")
            assert "dana · Administrator" in page.inner_text("header")
            cookie = next(c for c in page.context.cookies() if c["name"] == "recoup_session")
            assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Lax"
            page.goto(base + "/admin")
            assert "session.login" in page.inner_text(
                "#main table"
            )  # the audit log has the sign-in
            _shot(page, "6-admin")
    finally:
        store.close()
