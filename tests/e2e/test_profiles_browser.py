"""Browser journeys: a viewer reads and edits their profile ("why you see this"), the
streamer reads a live's audience; screenshots of both pages at 390x844 and 1366x900 in
``tests/e2e/artifacts/``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.settings import Settings
from tests.conftest import run_async
from tests.e2e.site_pages import DESKTOP, PHONE, signed_in
from tests.support import STRONG_PASSWORD

VIEWER = "ada@example.com"
STREAMER = "kicks@example.com"


async def _seed(settings: Settings) -> int:
    """A streamer's live with twelve signed-in viewers, seven of them into sneakers; the
    profiles and visits are written by the real updater and recorder classes."""
    from app import signals
    from app.analytics.recorder import Recorder
    from app.db import close_db, init_db
    from app.profiles.updater import ProfileUpdater
    from app.rooms import services as rooms
    from tests.commerce.helpers import make_user
    from tests.profiles.helpers import make_shop, shopped, watch_and_buy

    await init_db(settings.database_url)
    updater, recorder = ProfileUpdater(), Recorder()
    updater.connect()
    recorder.connect()
    try:
        shop = await make_shop(STREAMER)
        await rooms.open_room(shop.merchant, shop.sneaker_room.id)
        ada = await make_user(VIEWER, "Ada")
        now = datetime.now(UTC)
        await watch_and_buy(ada.id, shop.sneaker_room, shop.sneakers, now - timedelta(days=2))
        await watch_and_buy(ada.id, shop.mug_room, shop.mugs[:1], now - timedelta(hours=3))
        crowd = [await make_user(f"fan{i}@example.com", f"Fan {i}") for i in range(11)]
        for i, user in enumerate(crowd):
            await shopped(user, shop.sneakers if i < 7 else shop.mugs, now - timedelta(days=1))
        for user in [ada, *crowd]:
            await signals.emit(
                "room.joined",
                room_id=shop.sneaker_room.id,
                user_id=user.id,
                viewer_key=f"user:{user.id}",
            )
        await updater.flush()
        await recorder.flush()
        return shop.sneaker_room.id
    finally:
        updater.disconnect()
        recorder.disconnect()
        await close_db()


def _login(browser: Any, site: str, email: str, viewport: dict[str, int]) -> Any:
    return signed_in(browser, site, email, viewport, password=STRONG_PASSWORD)


def test_profile_and_audience_pages(
    browser: Any, settings: Settings, site: str, artifacts: Path
) -> None:
    room_id = run_async(_seed(settings))

    page = _login(browser, site, VIEWER, DESKTOP)
    page.goto(site + "/account/profile")
    topics = page.locator("[data-testid=tags-topic] li")
    assert topics.first.inner_text().startswith("sneakers")
    assert "Personalisation is on" in page.inner_text("[data-testid=personalise-state]")
    page.click("[data-testid=personalise-toggle]")
    page.wait_for_selector("text=Personalisation is off")
    page.click("[data-testid=tags-topic] li >> nth=0 >> button")
    page.wait_for_selector("text=Forgotten.")
    assert "sneakers" not in page.inner_text("[data-testid=tags-topic]")
    page.check("input[name=interests][value=fashion]")
    page.click("text=Save interests")
    page.wait_for_selector("text=Interests saved.")
    with page.expect_download() as download:
        page.click("[data-testid=export]")
    assert download.value.suggested_filename.startswith("livemart-data-")
    page.context.close()

    for viewport in (PHONE, DESKTOP):
        page = _login(browser, site, VIEWER, viewport)
        page.goto(site + "/account/profile")
        shot = artifacts / f"profile-{viewport['width']}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.context.close()

        page = _login(browser, site, STREAMER, viewport)
        page.goto(f"{site}/studio/rooms/{room_id}/audience")
        assert page.inner_text("[data-testid=viewers]") == "12"
        interests = page.inner_text("[data-testid=interests]")
        assert "fashion" in interests and "fewer than 5" in interests
        shot = artifacts / f"audience-{viewport['width']}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.context.close()
