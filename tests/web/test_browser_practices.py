"""Several practices in a real browser: a user of practice B signs in and, by typing URLs of
practice A's denials, packets, claim files and patients, and by searching for A's claims, gets
nothing; the same URLs in a session of an A user do open (so "nothing" is the access rule, not
a broken page)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recoup.store import DenialQuery, Store
from recoup.web import create_app
from recoup.web.packets import PACKET_FORMATS
from web.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, running
from web.helpers import EXAMPLE, PASSWORD, TODAY, Web, zip_folder

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="no /usr/bin/chromium: run `bash scripts/ensure-system-packages.sh`",
    ),
]

A = "1548213069"  # Brightpath Physical Therapy
B = "1730496282"  # Little Steps Autism Center
LITTLE_STEPS = EXAMPLE.parent / "little-steps-aba"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _sign_in(browser: Any, base: str, name: str) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(base + "/")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("#worklist")
    return context, page


def test_a_user_of_practice_b_guesses_practice_a_urls(browser: Any, tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "recoup.db"))
    app = create_app(store, multi_user=True, today=lambda: TODAY, data_dir=tmp_path)
    store.create_user("admin", PASSWORD, "admin")
    store.create_user("ana", PASSWORD, "biller")
    store.grant_practice("ana", A)
    store.create_user("ben", PASSWORD, "biller")
    store.grant_practice("ben", B)
    admin = Web(app, store)
    admin.login("admin")
    imported = admin.post(
        "/api/imports",
        files=[
            ("files", ("a.zip", zip_folder(EXAMPLE), "application/zip")),
            ("files", ("b.zip", zip_folder(LITTLE_STEPS), "application/zip")),
        ],
    )
    assert imported.json()["failed"] == 0, imported.text
    a_rows = store.all_denials(DenialQuery(status="all", practice_keys=frozenset({A})), today=TODAY)
    # not the first row: Brightpath's worklist now starts with a takeback review, which has no
    # patient or claim to guess (nor a packet or claim file); take a denied claim of practice A
    target = next(r for r in a_rows if r.patient_account)
    guesses = [
        f"/denials/{target.id}",
        f"/denials/{target.denial_id}",
        *(f"/denials/{target.id}/packet.{fmt}" for fmt in PACKET_FORMATS),
        f"/denials/{target.id}/claim.837",
        f"/api/denials/{target.id}",
        f"/api/denials/{target.id}/notes",
        "/benefits/P1001",
    ]
    try:
        with running(app) as base:
            context, page = _sign_in(browser, base, "ben")
            rows = page.locator("#worklist tbody tr").all_inner_texts()
            assert rows and not any(target.patient_account in r for r in rows)
            assert "Brightpath" not in page.content()
            for url in guesses:
                answer = context.request.get(base + url)  # the browser's own session cookie
                assert answer.status == 404, (url, answer.status)
                echo = answer.text().replace(target.denial_id, "")  # "no denial '<as asked>'"
                assert target.patient_account not in echo and target.payer_name not in echo
            shown = page.goto(base + f"/denials/{target.id}")
            assert shown is not None and shown.status == 404
            assert "Not found" in page.inner_text("main")
            assert target.payer_name not in page.content()
            # searching for A's claim finds nothing
            page.goto(base + "/")
            page.fill("#f-q", target.patient_account)
            page.keyboard.press("Enter")
            page.wait_for_url(f"**q={target.patient_account}**")
            page.wait_for_selector("text=No denials match.")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "9-other-practice.png"), full_page=True)
            context.close()

            # ana, of practice A, opens the very same addresses
            context, page = _sign_in(browser, base, "ana")
            for url in guesses:
                answer = context.request.get(base + url)
                assert answer.status != 404, (url, answer.status)
            shown = page.goto(base + f"/denials/{target.id}")
            assert shown is not None and shown.status == 200
            assert target.patient_account in page.content()
            context.close()
    finally:
        store.close()
