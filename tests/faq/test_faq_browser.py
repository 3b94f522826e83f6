"""Auto-answers in a real browser (Debian's chromium): the asker sees the answer marked
"auto" in the chat list, another viewer does not, and "didn't help" (an htmx POST)
reaches the streamer's FAQ console queue."""

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
    from app.faq import services as faq

    async def add_faq(streamer: Any, room: Any) -> None:
        await faq.create_faq(
            streamer, room.id, ["How long does shipping take?"], "Orders ship within 24 hours."
        )

    return await seed_open_room(
        database_url,
        "Answers live",
        [
            ("sam@example.com", "Sam", "streamer"),
            ("vi@example.com", "Vi", "viewer"),
            ("ot@example.com", "Ot", "viewer"),
        ],
        add_faq,
    )


def test_auto_answer_and_didnt_help_in_the_browser(
    browser: Any,  # noqa: F811  (the fixture imported above)
    settings: Settings,
    tmp_path: Path,
) -> None:
    room_id = run_async(_set_up(settings.database_url))
    with live_server(settings_env(settings)) as base:
        room = f"/rooms/{room_id}"
        asker, other = sse_pages(browser, base, room, "vi@example.com", "ot@example.com")

        asker.fill("[data-testid=chat-input]", "how long does delivery take?")
        asker.press("[data-testid=chat-input]", "Enter")
        answer = "#chat-list [data-testid=faq-answer]"
        asker.wait_for_selector(f"{answer}:has-text('Orders ship within 24 hours.') .badge-auto")
        asker.screenshot(path=str(tmp_path / "faq-asker.png"))

        # A later line reaches the other viewer; the answer never did (asker only).
        asker.fill("[data-testid=chat-input]", "thanks!")
        asker.press("[data-testid=chat-input]", "Enter")
        other.wait_for_selector("#chat-list li:has-text('thanks!')")
        assert other.query_selector(answer) is None

        asker.click(f"{answer} [data-testid=faq-unhelpful]")
        asker.wait_for_selector("[data-testid=faq-unhelpful-sent]")

        console = sse_login(browser, base, "sam@example.com", f"/studio/rooms/{room_id}/faq")
        console.wait_for_selector(
            "[data-testid=faq-queue-item]:has-text('how long does delivery take?')"
        )
        console.screenshot(path=str(tmp_path / "faq-console.png"))
        print("screenshots in", tmp_path)
