"""Headless Chromium (Debian's package) driven by Playwright's sync API, against pytest-django's live_server.

Chromium is found via BACKSTOP_CHROMIUM, then PATH, then /usr/bin/chromium; without it the browser tests
skip loudly (tests/conftest.py prints a banner) instead of passing silently.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("BACKSTOP_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture
def browser_page():
    path = chromium_path()
    if path is None:
        pytest.skip("BROWSER TESTS SKIPPED: no Chromium found (set BACKSTOP_CHROMIUM or apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
    context = browser.new_context(locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()
        browser.close()
        playwright.stop()
