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
from tests.support import live_server, seed_open_room, sse_login, sse_pages

pytestmark = pytest.mark.e2e


async def _set_up(database_url: str) -> int:
    return await seed_open_room(
        database_url,
        "Chatty live",
        [
            ("sam@example.com", "Sam", "streamer"),
            ("vi@example.com", "Vi", "viewer"),
            ("mo@example.com", "Mo", "moderator"),
        ],
    )


def test_chat_moderation_in_the_browser(
    browser: Any,  # noqa: F811  (the fixture imported above)
    settings: Settings,
    tmp_path: Path,
) -> None:
    room_id = run_async(_set_up(settings.database_url))
    with live_server(settings_env(settings)) as base:
        room = f"/rooms/{room_id}"
        viewer, owner = sse_pages(browser, base, room, "vi@example.com", "sam@example.com")

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
        admin = sse_login(browser, base, "mo@example.com", "/admin")
        admin.wait_for_selector("[data-testid=queue-message]:has-text('welcome all')")
        admin.screenshot(path=str(tmp_path / "admin.png"))
