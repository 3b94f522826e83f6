"""Share links and raids in Debian's chromium, on one live server.

- a viewer shares a live room; a stranger opens the link in a fresh browser context, signs
  up, buys the room's product and pays: the streamer's by-source table credits the share
  (visits and GMV), and the sharer's account page counts the sign-up and the order;
- a streamer ends a live and raids another live room: the viewer's open page shows the
  notice and moves there, and the visit counts as a raid in that room's sources.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from app.settings import Settings
from tests.conftest import run_async, settings_env
from tests.support import ROOT, STRONG_PASSWORD, browser_login, free_port, serving

STREAMER = "mia@share.example"
OTHER = "olu@share.example"
SHARER = "sam@share.example"
SHIP_TO = {"name": "Nia New", "line1": "9 Harbour Road", "city": "Porto",
           "postal_code": "4000-001", "country": "PT"}  # fmt: skip


async def _world(database_url: str) -> dict[str, int]:
    """Two streamers with a live room each (the first with a pinned product), a sharer."""
    from app.accounts.models import Role
    from app.accounts.services import create_user
    from app.commerce import catalog, shelf
    from app.db import close_db, init_db
    from app.rooms import services as rooms

    await init_db(database_url)
    try:
        mia = await create_user(STREAMER, STRONG_PASSWORD, "Mia Streams", Role.STREAMER)
        olu = await create_user(OTHER, STRONG_PASSWORD, "Olu Live", Role.STREAMER)
        await create_user(SHARER, STRONG_PASSWORD, "Sam Sharer", Role.VIEWER)
        room = await rooms.open_room(mia, (await rooms.create_room(mia, "Mia's silk live")).id)
        other = await rooms.open_room(olu, (await rooms.create_room(olu, "Olu's shoe live")).id)
        product = await catalog.create_product(mia, "Silk scarf", "Soft.", room_id=room.id)
        await catalog.add_variant(mia, product.id, "SCARF-1", 2500, stock=20, options={})
        await shelf.add_to_shelf(mia, room.id, product.id)
        await shelf.pin_product(mia, room.id, product.id)
        return {"room": room.id, "other": other.id, "product": product.id}
    finally:
        await close_db()


@contextmanager
def live_server(settings: Settings) -> Iterator[str]:
    """The app in uvicorn, writing visits every 0.3 s; on this shared 2-core machine its
    imports alone can take half a minute under load, so it gets 120 s to start."""
    env = settings_env(replace(settings, analytics_flush_seconds=0.3))
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "app.asgi:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    with serving(command, port, ROOT, {**os.environ, **env}, within=120) as url:
        yield url


def _until_text(page: Any, url: str, selector: str, want: str, tries: int = 40) -> str:
    """Reload ``url`` until ``selector`` holds ``want`` (the recorder writes every 0.3 s)."""
    text = ""
    for _ in range(tries):
        page.goto(url)
        found = page.locator(selector)
        text = found.inner_text() if found.count() else ""
        if want in text:
            return text
        page.wait_for_timeout(250)
    raise AssertionError(f"{selector} on {url} never showed {want!r}; last: {text!r}")


def test_a_shared_link_is_attributed_after_sign_up_and_order(
    browser: Any, settings: Settings
) -> None:
    ids = run_async(_world(settings.database_url))
    with live_server(settings) as base:
        sharer = browser_login(browser, base, SHARER)
        sharer.goto(f"{base}/rooms/{ids['room']}")
        sharer.click("[data-testid=share-room]")
        url = sharer.locator("[data-testid=share-url]").input_value()
        assert url.startswith(f"{base}/s/")
        assert sharer.locator("[data-testid=share-qr] svg").count() == 1

        # a stranger, in a fresh context: the link, sign-up, back to the room, buy, pay
        fresh = browser.new_context().new_page()
        fresh.goto(url)
        fresh.wait_for_url(f"{base}/rooms/{ids['room']}")  # the code was counted, then tidied
        fresh.goto(f"{base}/register?next=/rooms/{ids['room']}")
        fresh.fill("#email", "nia@share.example")
        fresh.fill("#display_name", "Nia New")
        fresh.fill("#password", STRONG_PASSWORD)
        fresh.click("button[type=submit]")
        fresh.wait_for_selector("[data-testid=me]")
        fresh.goto(f"{base}/rooms/{ids['room']}")
        fresh.goto(f"{base}/products/{ids['product']}?room={ids['room']}")
        fresh.click("[data-testid=buy-now]")
        fresh.wait_for_selector("[data-testid=place-order]")
        for name, value in SHIP_TO.items():
            fresh.fill(f"#{name}", value)
        fresh.click("[data-testid=place-order]")
        fresh.wait_for_selector("[data-testid=pay-card]")
        fresh.fill("#card_number", fresh.locator("#card_number").get_attribute("placeholder"))
        fresh.click("[data-testid=pay-card]")

        # the streamer's analytics by source credit the share with the order's GMV
        streamer = browser_login(browser, base, STREAMER)
        sources = f"{base}/studio/rooms/{ids['room']}/sources"
        gmv = _until_text(streamer, sources, "[data-testid=gmv-share]", "$25.00")
        assert "$25.00" in gmv
        row = streamer.locator("tr[data-source=share]").inner_text()
        assert row.split()[:2] == ["share", "1"]  # one visit through the link
        # and the sharer sees the sign-up and the order that came through them
        summary = _until_text(
            sharer, f"{base}/account/shares", "[data-testid=shares-summary]", "1 order"
        )
        assert "1 signed up" in summary
        for page in (sharer, fresh, streamer):
            page.context.close()


def test_a_raid_moves_the_viewer_to_the_other_live_room(browser: Any, settings: Settings) -> None:
    ids = run_async(_world(settings.database_url))
    with live_server(settings) as base:
        viewer = browser.new_context().new_page()
        viewer.goto(f"{base}/rooms/{ids['room']}")
        streamer = browser_login(browser, base, STREAMER)
        streamer.goto(f"{base}/studio/rooms/{ids['room']}")
        token = streamer.locator("meta[name=csrf-token]").get_attribute("content")
        ended = streamer.request.post(
            f"{base}/studio/rooms/{ids['room']}",
            form={"csrf_token": token, "action": "end", "confirm": "yes"},
        )
        assert ended.ok
        # the viewer's page hears the end over its event stream: it is connected
        viewer.wait_for_selector("[data-testid=room-status][data-status=ended]")
        streamer.goto(f"{base}/studio/rooms/{ids['room']}/raid")
        streamer.click(f"[data-testid=raid-{ids['other']}]")
        streamer.wait_for_selector("[data-testid=raid-done]")
        viewer.wait_for_selector('[data-testid=raid-notice]:has-text("Olu\'s shoe live")')
        viewer.wait_for_url(f"{base}/rooms/{ids['other']}", timeout=10_000)
        assert "Olu's shoe live" in viewer.title()
        # the other streamer's sources count the visit as a raid
        olu = browser_login(browser, base, OTHER)
        row = _until_text(
            olu, f"{base}/studio/rooms/{ids['other']}/sources", "tr[data-source=raid]", "raid"
        )
        assert row.split()[:2] == ["raid", "1"]
        for page in (viewer, streamer, olu):
            page.context.close()
