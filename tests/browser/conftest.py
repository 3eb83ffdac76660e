"""The web widget in a real browser: Debian's Chromium driven by Playwright, against the real Rasa
and action servers (the `assistant` fixture of the end-to-end suites).

Nothing here downloads a browser: `make browser` installs Debian's `chromium`. When it is missing
the tests fail and say so; they never skip, so that CI cannot pass without them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.host_page import HostPages
from tests.browser.widget import Widget
from tests.e2e.conftest import Assistant

CHROMIUM = os.environ.get("BOT_CHROMIUM", "/usr/bin/chromium")
MISSING = (
    "the browser tests need Debian's Chromium at {path} and Playwright for Python: run `make "
    "browser` (as root: apt-get install -y --no-install-recommends chromium) and `make setup`"
)


# Module scope: Playwright's sync API keeps an event loop running in this thread while it is open,
# and every later test that calls asyncio.run() would fail.
@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.fail(MISSING.format(path=CHROMIUM), pytrace=False)
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        pytest.fail(MISSING.format(path=CHROMIUM), pytrace=False)
    # A turn of the real assistant can take a few seconds on a busy machine.
    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox"], headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def host_pages(assistant: Assistant) -> Iterator[HostPages]:
    pages = HostPages(assistant.base)
    yield pages
    pages.stop()


@pytest.fixture
def open_widget(chromium, assistant: Assistant) -> Iterator:
    """Opens a page in a fresh browser context (no stored token or transcript) and returns its
    `Widget`; afterwards, fails the test on any script error or CSP violation on the page."""
    contexts = []
    widgets: list[Widget] = []

    def open_(
        url: str | None = None,
        *,
        width: int = 420,
        height: int = 720,
        locale: str = "de-DE",
        before=None,
    ) -> Widget:
        context = chromium.new_context(viewport={"width": width, "height": height}, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        widget = Widget(page)
        widgets.append(widget)
        if before:
            before(page)
        page.goto(url or f"{assistant.base}/chat")
        return widget

    yield open_
    try:
        for widget in widgets:
            assert not widget.page_errors, widget.page_errors
            assert not widget.csp_violations, widget.csp_violations
            assert not widget.dialogs, widget.dialogs
    finally:
        for context in contexts:
            context.close()
