"""The live room as a live-shopping screen, in chromium at 390x844 and 1366x900:

- the phone's first screen shows the video, the chat, the pinned product and its buy
  button without scrolling (bounding boxes inside the 844px viewport);
- a viewer buys the pinned product in a running flash sale from the bottom sheet, paying
  with coins in one tap, while the video's currentTime keeps advancing and the URL never
  changes; the order is charged the flash price;
- another viewer's gift plays as an animation over the first viewer's video;
- screenshots of the room at both sizes in tests/e2e/artifacts/.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app.settings import Settings
from tests.conftest import run_async, settings_env
from tests.e2e.conftest import wait_until_playing, watch_media
from tests.support import free_port, live_server

pytestmark = pytest.mark.media

PASSWORD = "correct-horse-42"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SHIP_TO = {"name": "Leo Viewer", "line1": "1 Market Street", "city": "Lisbon",
           "postal_code": "1000-001", "country": "PT"}  # fmt: skip


async def _world(database_url: str) -> dict[str, int]:
    """A streamer live on the test pattern with a pinned tote in a $12.50 flash sale, a
    buyer with coins and a gifter with coins."""
    from app.accounts.models import Role
    from app.accounts.services import create_user
    from app.chat import services as chat
    from app.commerce import catalog, flash_sales, shelf
    from app.commerce.models import Variant
    from app.db import close_db, init_db
    from app.gifts import wallet
    from app.gifts.models import EntryKind
    from app.gifts.services import ensure_default_gifts
    from app.rooms import services as rooms

    await init_db(database_url)
    try:
        streamer = await create_user("mia@example.com", PASSWORD, "Mia Streams", Role.STREAMER)
        buyer = await create_user("leo@example.com", PASSWORD, "Leo Viewer", Role.VIEWER)
        gifter = await create_user("gus@example.com", PASSWORD, "Gus Gifter", Role.VIEWER)
        for user in (buyer, gifter):
            await wallet.credit(
                user.id, 3000, EntryKind.TOPUP, f"e2e:{user.id}", from_system="external"
            )
        await ensure_default_gifts()
        room = await rooms.create_room(streamer, "Tote drop live")
        room = await rooms.use_test_source(streamer, room.id)
        product = await catalog.create_product(
            streamer, "Canvas tote", "A sturdy tote.", room_id=room.id
        )
        await catalog.add_variant(streamer, product.id, sku="TOTE", price_cents=2400, stock=20)
        variant = await Variant.get(product_id=product.id)
        await shelf.add_to_shelf(streamer, room.id, product.id)
        await shelf.pin_product(streamer, room.id, product.id)
        await flash_sales.start_flash_sale(
            streamer, room.id, variant.id, price_cents=1250, quantity=5, duration_seconds=1800
        )
        await chat.post_message(gifter, room.id, "Is the tote waterproof?")
        await chat.post_message(streamer, room.id, "Yes, waxed canvas!")
        return {"room": room.id, "variant": variant.id, "buyer": buyer.id}
    finally:
        await close_db()


async def _orders_of(database_url: str, buyer_id: int) -> list[tuple[int, str]]:
    from app.commerce.models import Order
    from app.db import close_db, init_db

    await init_db(database_url)
    try:
        return [(o.total_cents, str(o.status)) for o in await Order.filter(buyer_id=buyer_id)]
    finally:
        await close_db()


def _login(browser: Any, base: str, email: str, viewport: dict[str, int]) -> Any:
    context = browser.new_context(viewport=viewport, has_touch=viewport is PHONE)
    page = watch_media(context.new_page())
    page.set_default_timeout(20_000)
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=me]")
    page.wait_for_load_state("load")  # the home page's thumbnails; not a later page's load
    return page


def _box_in_view(page: Any, selector: str, viewport: dict[str, int]) -> None:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    assert box["width"] > 0 and box["height"] > 0, f"{selector} has no size: {box}"
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (selector, box)
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (selector, box)


def _current_time(page: Any) -> float:
    return float(page.evaluate("document.querySelector('video').currentTime"))


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_buy_the_flash_sale_from_the_sheet_while_the_video_plays(
    browser: Any, settings: Settings, artifacts: Path, size: str
) -> None:
    viewport = PHONE if size == "phone" else DESKTOP
    ids = run_async(_world(settings.database_url))
    env = settings_env(replace(settings, media_in_process=True, rtmp_port=free_port()))
    env["LIVEMART_LADDER"] = "180p:200k:64k"
    with live_server(env, within=120) as base:  # a loaded machine starts slowly
        page = _login(browser, base, "leo@example.com", viewport)
        loads: list[str] = []
        page.on("load", lambda p: loads.append(p.url))
        page.goto(f"{base}/rooms/{ids['room']}")
        wait_until_playing(page, base, ids["room"], past=1, timeout_s=60)
        url = page.url

        # The pinned card over the video shows the live flash price and its countdown.
        pinned = page.locator("#pinned [data-testid=pinned-product]")
        pinned.locator("[data-testid=pinned-price]:has-text('$12.50')").wait_for()
        pinned.locator("[data-testid=pinned-list-price]:has-text('$24.00')").wait_for()
        page.wait_for_function(
            "() => /^\\d+:\\d\\d$/.test(document.querySelector("
            "'#pinned [data-testid=countdown]').textContent.trim())"
        )
        for part in ("[data-testid=video]", "[data-testid=pinned-buy]"):
            _box_in_view(page, part, viewport)
        if size == "phone":  # the first screen, without scrolling
            assert page.evaluate("window.scrollY") == 0
            for part in (
                "[data-testid=chat-list]",
                "[data-testid=chat-input]",
                "#pinned [data-testid=pinned-product]",
            ):
                _box_in_view(page, part, viewport)
            video = page.locator("[data-testid=video]").bounding_box()
            assert video["height"] >= 0.9 * viewport["height"], video  # the video fills it
        page.screenshot(path=str(artifacts / f"room-{size}.png"))

        # Another viewer's gift plays over this viewer's video. It flies in from the left
        # edge and leaves within 3 s: the page records where each one lands (a loaded
        # machine could poll past the whole animation).
        page.evaluate(
            """() => {
              window.landedGifts = [];
              const stage = document.getElementById('gift-stage');
              const video = document.querySelector('[data-testid=video]');
              new MutationObserver((changes) => changes.forEach((change) =>
                change.addedNodes.forEach((toast) => {
                  if (!toast.classList || !toast.classList.contains('gift-toast')) return;
                  const watch = () => {
                    if (!toast.isConnected) return;
                    const box = toast.getBoundingClientRect();
                    const frame = video.getBoundingClientRect();
                    if (box.width && box.left >= frame.left) {
                      window.landedGifts.push({text: toast.innerText, box: box.toJSON(),
                                               video: frame.toJSON()});
                    } else { requestAnimationFrame(watch); }
                  };
                  watch();
                }))).observe(stage, {childList: true});
            }"""
        )
        gifter = _login(browser, base, "gus@example.com", viewport)
        gifter.goto(f"{base}/rooms/{ids['room']}")
        gifter.locator("[data-testid=gift-castle]").click()
        gifter.locator("[data-testid=gift-notice]").wait_for()
        page.wait_for_function("() => window.landedGifts.length > 0")
        landed = page.evaluate("() => window.landedGifts[0]")
        assert "Gus Gifter" in landed["text"]
        gift_box, video_box = landed["box"], landed["video"]
        assert video_box["y"] <= gift_box["y"] <= video_box["y"] + video_box["height"]
        assert video_box["x"] <= gift_box["x"] <= video_box["x"] + video_box["width"]
        page.screenshot(path=str(artifacts / f"room-{size}-gift.png"))
        gifter.context.close()

        # Buy in the bottom sheet: the video plays on, the URL stays.
        before = _current_time(page)
        page.locator("[data-testid=pinned-buy]").click()
        sheet = page.locator("[data-testid=buy-sheet]")
        sheet.locator("[data-testid=sheet-price]:has-text('$12.50')").wait_for()
        address = sheet.locator("[data-testid=sheet-address-form]")
        for name, value in SHIP_TO.items():
            address.locator(f"input[name={name}]").fill(value)
        page.screenshot(path=str(artifacts / f"room-{size}-sheet.png"))
        sheet.locator("[data-testid=pay-coins]").click()
        sheet.locator("[data-testid=sheet-done]:has-text('You got it!')").wait_for()
        page.wait_for_function(
            "t => { const v = document.querySelector('video');"
            " return v.currentTime > t + 1 && !v.paused; }",
            arg=before,
            timeout=20_000,
        )
        assert page.url == url and loads == [url], loads
        sheet.locator("[data-testid=sheet-done] [data-sheet-close]").click()
        assert sheet.is_hidden()
        page.context.close()
    assert run_async(_orders_of(settings.database_url, ids["buyer"])) == [(1250, "paid")]
