"""Moderators and streamers in chromium: a moderator unbans a user from /admin (the
queue marks them banned first), keyboard focus stays on a queue button while new chat
messages arrive (the queue appends, never replaces its list), and a streamer ends a live
only after confirming."""

from __future__ import annotations

from typing import Any

from app.settings import Settings
from tests.conftest import run_async
from tests.e2e.site_pages import DESKTOP, MODERATOR, STREAMER, VIEWER, seed_pages, signed_in


async def _ban_viewer(settings: Settings) -> int:
    from app.accounts.models import User
    from app.db import close_db, init_db
    from app.moderation import services as moderation
    from app.rooms.models import Room

    await init_db(settings.database_url)
    try:
        mod = await User.get(email=MODERATOR)
        viewer = await User.get(email=VIEWER)
        room = await Room.filter(status="live").order_by("id").first()
        assert room is not None
        await moderation.ban(mod, room.id, viewer.id)
        return room.id
    finally:
        await close_db()


async def _chat(settings: Settings, room_id: int, text: str) -> None:
    from app.accounts.models import User
    from app.chat import services as chat
    from app.db import close_db, init_db

    await init_db(settings.database_url)
    try:
        await chat.post_message(await User.get(email=STREAMER), room_id, text)
    finally:
        await close_db()


def test_a_moderator_unbans_and_keeps_focus_while_the_queue_grows(
    browser: Any, settings: Settings, site: str
) -> None:
    run_async(seed_pages(settings))
    room_id = run_async(_ban_viewer(settings))
    admin = signed_in(browser, site, MODERATOR, DESKTOP)
    admin.goto(site + "/admin")
    viewer_line = admin.locator("[data-testid=queue-message]:has-text('Do you ship to Lisbon?')")
    viewer_line.locator("[data-testid=queue-banned]").wait_for()

    # Focus on a queue button; two new messages arrive and are appended below it.
    button = viewer_line.locator("[data-testid=queue-unban]")
    button.focus()
    focused_id = admin.evaluate("document.activeElement.id")
    assert focused_id.startswith("q-ban-")
    run_async(_chat(settings, room_id, "New drop in five minutes"))
    run_async(_chat(settings, room_id, "Sizes 38 to 46"))
    admin.locator("[data-testid=queue-message]:has-text('Sizes 38 to 46')").wait_for()
    assert admin.evaluate("document.activeElement.id") == focused_id
    texts = admin.locator("[data-testid=queue-message] .chat-text").all_inner_texts()
    assert texts[-2:] == ["New drop in five minutes", "Sizes 38 to 46"]  # appended

    # Unban from the "Bans and mutes" list.
    admin.locator("[data-testid=sanction-ban] [data-testid=unban]").click()
    admin.locator("[data-testid=admin-notice]:has-text('Ban lifted.')").wait_for()
    admin.locator("[data-testid=no-sanctions]").wait_for()
    viewer_line.locator("[data-testid=queue-ban]").wait_for()
    assert viewer_line.locator("[data-testid=queue-banned]").count() == 0
    admin.context.close()


def test_a_streamer_ends_a_live_only_after_confirming(
    browser: Any, settings: Settings, site: str
) -> None:
    pages = run_async(seed_pages(settings))
    studio = next(p for p in pages if p.name == "studio")
    console = signed_in(browser, site, STREAMER, DESKTOP)
    console.goto(site + studio.path)
    key = console.locator("[data-testid=stream-key]")
    assert key.get_attribute("type") == "password"
    console.click("[data-testid=reveal-key]")
    assert key.get_attribute("type") == "text"

    console.click("[data-testid=end-live]")
    console.locator("[data-testid=end-confirm]").wait_for()
    assert "live" in console.inner_text("[data-testid=console-status]")
    console.click("[data-testid=end-live-cancel]")
    console.locator("[data-testid=end-live]").wait_for()
    assert "live" in console.inner_text("[data-testid=console-status]")

    console.click("[data-testid=end-live]")
    console.click("[data-testid=end-live-confirm]")
    console.locator("[data-testid=console-status]:has-text('ended')").wait_for()
    console.context.close()
