"""Chat in a real browser (Debian's chromium): messages arrive over SSE, a moderator's
delete removes them from every page, slow mode and mutes reach the viewer, and the send
form shows refusals inline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.settings import Settings
from tests.conftest import run_async, settings_env
from tests.e2e.conftest import browser  # noqa: F401  (the fixture)
from tests.support import STRONG_PASSWORD, live_server

pytestmark = pytest.mark.e2e


async def _set_up(database_url: str) -> int:
    from app.accounts import services as accounts
    from app.accounts.models import Role
    from app.db import close_db, init_db
    from app.rooms import services as rooms

    await init_db(database_url)
    try:
        streamer = await accounts.create_user(
            "sam@example.com", STRONG_PASSWORD, "Sam", Role.STREAMER
        )
        await accounts.create_user("vi@example.com", STRONG_PASSWORD, "Vi", Role.VIEWER)
        await accounts.create_user("mo@example.com", STRONG_PASSWORD, "Mo", Role.MODERATOR)
        room = await rooms.create_room(streamer, "Chatty live")
        await rooms.open_room(streamer, room.id)
        return room.id
    finally:
        await close_db()


def _login(browser: Any, base: str, email: str, to: str) -> Any:  # noqa: F811
    context = browser.new_context()
    context.add_init_script(
        "document.addEventListener('htmx:sseOpen', () => { window.__sseOpen = true; });"
    )
    page = context.new_page()
    page.goto(f"{base}/login?next={to}")
    page.fill("#email", email)
    page.fill("#password", STRONG_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{to}")
    return page


def _connected(page: Any) -> None:
    """Wait until the page's SSE stream is open (htmx's sse extension)."""
    page.wait_for_function("() => window.__sseOpen === true")


def test_chat_moderation_in_the_browser(
    browser: Any,  # noqa: F811  (the fixture imported above)
    settings: Settings,
    tmp_path: Path,
) -> None:
    room_id = run_async(_set_up(settings.database_url))
    with live_server(settings_env(settings)) as base:
        room = f"/rooms/{room_id}"
        viewer = _login(browser, base, "vi@example.com", room)
        owner = _login(browser, base, "sam@example.com", room)
        _connected(viewer)
        _connected(owner)

        # Slow mode: the viewer sees it announced.
        owner.select_option("[data-testid=slow-mode-form] select", "30")
        owner.click("[data-testid=slow-mode-form] button")
        viewer.wait_for_selector("#chat-slow-mode:has-text('30 s')")

        viewer.fill("[data-testid=chat-input]", "hello <b>everyone</b>")
        viewer.press("[data-testid=chat-input]", "Enter")
        owner.wait_for_selector("#chat-list li:has-text('hello <b>everyone</b>')")
        viewer.wait_for_selector("#chat-list li:has-text('hello <b>everyone</b>')")
        assert viewer.input_value("[data-testid=chat-input]") == ""

        # A second message within 30 s is refused inline, the text kept.
        viewer.fill("[data-testid=chat-input]", "second")
        viewer.press("[data-testid=chat-input]", "Enter")
        viewer.wait_for_selector("[data-testid=chat-error]:has-text('slow mode is on')")
        assert viewer.input_value("[data-testid=chat-input]") == "second"

        # Mute from the message: the viewer is told at once.
        owner.click("#chat-list li:has-text('everyone') [data-testid=chat-mute]")
        viewer.wait_for_selector("#chat-notice:has-text('You are muted')")

        # The moderator's one-click delete removes it from the viewer's page.
        owner.click("#chat-list li:has-text('everyone') [data-testid=chat-delete]")
        viewer.wait_for_selector("#chat-list li:has-text('everyone')", state="detached")
        owner.wait_for_selector("#chat-notice:has-text('Message deleted.')")
        viewer.screenshot(path=str(tmp_path / "chat-muted.png"))
        owner.fill("[data-testid=chat-input]", "welcome all")
        owner.press("[data-testid=chat-input]", "Enter")
        viewer.wait_for_selector("#chat-list li:has-text('welcome all') .badge-streamer")
        owner.screenshot(path=str(tmp_path / "chat-owner.png"))
        print("screenshots in", tmp_path)

        # The moderator's admin page shows the message in the live chat queue.
        admin = _login(browser, base, "mo@example.com", "/admin")
        admin.wait_for_selector("[data-testid=queue-message]:has-text('welcome all')")
        admin.screenshot(path=str(tmp_path / "admin.png"))
