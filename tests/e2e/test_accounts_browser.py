"""Register, log out, log in and see your name, in a real browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support import STRONG_PASSWORD


def test_register_login_see_name(browser: Any, server: str, artifacts: Path) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(server + "/register")
    page.fill("#email", "browser@example.com")
    page.fill("#display_name", "Bea Browser")
    page.fill("#password", "short")
    page.locator("#password").blur()
    page.wait_for_selector("#password-error:has-text('at least 10 characters')")
    page.fill("#password", STRONG_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=me]:has-text('Bea Browser')")

    page.click("text=Log out")
    page.wait_for_selector("text=Log in")
    page.goto(server + "/login")
    page.fill("#email", "browser@example.com")
    page.fill("#password", "wrong-password-1")
    page.click("button[type=submit]")
    page.wait_for_selector("#password-error:has-text('wrong email or password')")
    page.fill("#password", STRONG_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=welcome-name]:has-text('Bea Browser')")
    page.screenshot(path=str(artifacts / "home-logged-in.png"))
    context.close()
