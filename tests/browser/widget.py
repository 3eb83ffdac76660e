"""A page with the widget on it, driven as a person would: typing, clicking, pressing keys."""

from __future__ import annotations

import re

try:
    from playwright.sync_api import Locator, Page, expect
except ImportError as error:  # a clear failure, never a skip: CI must run these tests
    raise ImportError(
        "the browser tests need Playwright for Python (the dev extra: `make setup`) and Debian's "
        "Chromium (`make browser`)"
    ) from error

__all__ = ["TAG", "Widget", "expect"]

TAG = "csp-direct-bill-assistant"


class Widget:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.page_errors: list[str] = []
        self.csp_violations: list[str] = []
        self.dialogs: list[str] = []
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("console", self._console)
        page.on("dialog", self._dialog)

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    # Playwright's CSS selectors reach into the widget's open shadow root.
    def find(self, selector: str) -> Locator:
        return self.page.locator(f"{TAG} {selector}")

    @property
    def input(self) -> Locator:
        return self.find("textarea")

    @property
    def launcher(self) -> Locator:
        return self.find("button.launcher")

    @property
    def panel(self) -> Locator:
        return self.find(".panel")

    @property
    def log(self) -> Locator:
        return self.find('[role="log"]')

    def send(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def choice(self, title: str) -> Locator:
        """The one live answer button with this title (answered questions' buttons are off)."""
        return self.find(".choices button:not([disabled])").filter(
            has_text=re.compile(f"^{re.escape(title)}$")
        )

    def expect_question(self, text: str) -> None:
        """Waits until the latest bot message is this question."""
        expect(self.find(".msg-bot").last.locator("p").first).to_have_text(text)

    def bot_texts(self) -> list[str]:
        return self.find(".msg-bot p, .msg-bot li").all_inner_texts()

    def user_texts(self) -> list[str]:
        return self.find(".msg-user .text").all_text_contents()

    def expect_bot_line(self, text: str) -> None:
        expect(self.find(".msg-bot p").filter(has_text=text).first).to_be_visible()

    def focused(self) -> dict:
        """What has the keyboard focus inside the widget."""
        return self.page.evaluate(
            """(tag) => {
                const el = document.querySelector(tag)?.shadowRoot?.activeElement;
                if (!el) return {tag: null};
                const style = getComputedStyle(el);
                return {tag: el.tagName.toLowerCase(), cls: el.className, text: el.textContent,
                        outline: style.outlineStyle, outlineWidth: style.outlineWidth};
            }""",
            TAG,
        )

    def storage(self, key: str) -> str | None:
        return self.page.evaluate("(k) => localStorage.getItem(k)", key)
