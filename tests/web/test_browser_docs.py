"""Security review item 8 in a real browser: /api/docs works offline under the app's CSP.

Every request that leaves 127.0.0.1 is aborted and recorded; the page must still show the API's
operations, with no request out and no Content-Security-Policy violation in the console."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from recoup.store import Store
from recoup.web import create_app
from web.browser import CHROMIUM, CHROMIUM_ARGS, running
from web.helpers import TODAY

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium"),
]


def test_the_api_docs_render_offline_within_the_csp(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    store = Store.open(str(tmp_path / "recoup.db"))
    app = create_app(store, multi_user=False, today=lambda: TODAY, data_dir=tmp_path)
    outside: list[str] = []
    problems: list[str] = []
    try:
        with running(app) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()

            def route(request_route: Any) -> None:
                url = request_route.request.url
                if url.startswith(base) or url.startswith("data:"):
                    request_route.continue_()
                else:
                    outside.append(url)
                    request_route.abort()

            page.route("**/*", route)
            page.on(
                "console",
                lambda m: problems.append(m.text) if m.type == "error" else None,
            )
            page.goto(f"{base}/api/docs")
            page.wait_for_selector(".opblock", timeout=20_000)
            assert page.locator(".opblock").count() > 10
            assert "/api/denials" in page.inner_text("#swagger-ui")
            browser.close()
    finally:
        store.close()
    assert outside == []
    assert not [p for p in problems if "Content Security Policy" in p], problems
