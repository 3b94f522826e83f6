"""The web experience end to end in Debian's chromium: a streamer's and a viewer's browser
(separate contexts, so separate sessions) on one live server.

- go live with the test pattern → the viewer's open room page starts playing the video;
- the viewer chats (keyboard only) → the streamer's console shows it; the streamer answers;
- the viewer likes and gifts → leaderboard and live stats update on both pages;
- the streamer pins a product and starts a flash sale → the viewer buys it from the room
  page → the order is in the viewer's /orders and the streamer's /studio/orders;
- the streamer drops a coupon → the viewer claims it in the room and uses it at checkout;
- a moderator deletes a message on /admin → it vanishes from the viewer's page;
- screenshots of every main page at 1280 and 390 px wide (``tests/e2e/artifacts/``), none
  of them wider than the window.

Live pages must update without reloading, over one SSE connection each (:class:`Tracked`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app.settings import Settings
from tests.conftest import run_async, settings_env
from tests.e2e.conftest import keeps_playing, wait_until_playing, watch_media
from tests.support import free_port, live_server

PASSWORD = "livemart-demo-1"  # app.seed.DEMO_PASSWORD
STREAMER = "streamer@demo.livemart"
VIEWER = "viewer@demo.livemart"
MODERATOR = "mod@demo.livemart"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SHIP_TO = {"name": "Leo Viewer", "line1": "1 Market Street", "city": "Lisbon",
           "postal_code": "1000-001", "country": "PT"}  # fmt: skip


# --- the world -----------------------------------------------------------------------------


async def _demo(database_url: str, settings: Settings) -> dict[str, int]:
    """``make run``'s demo world: users, a live room with a shelf, a flash sale, chat lines,
    gifts and coins. Returns the ids the journeys need."""
    from app.commerce.models import Product, Variant
    from app.db import close_db, init_db
    from app.rooms.models import Room
    from app.seed import seed_demo

    await init_db(database_url)
    try:
        await seed_demo(settings, live_rooms=1)  # one FFmpeg is enough here
        room = await Room.get(status="live")
        tote = await Product.get(title="Canvas tote")
        sneakers = await Product.get(title="Cloudrunner sneakers")
        return {
            "room": room.id,
            "tote": tote.id,
            "tote_variant": (await Variant.get(product_id=tote.id)).id,
            "sneakers": sneakers.id,
            "sneakers_variant": (await Variant.get(product_id=sneakers.id)).id,
        }
    finally:
        await close_db()


async def _people(database_url: str) -> None:
    """Just a streamer and a viewer (no demo room: its test pattern would need FFmpeg too)."""
    from app.accounts.models import Role
    from app.accounts.services import create_user
    from app.db import close_db, init_db

    await init_db(database_url)
    try:
        await create_user(STREAMER, PASSWORD, "Mia Streams", Role.STREAMER)
        await create_user(VIEWER, PASSWORD, "Leo Viewer", Role.VIEWER)
    finally:
        await close_db()


async def _order_for_viewer(database_url: str, variant_id: int, room_id: int) -> None:
    from app.accounts.models import User
    from app.commerce import cart
    from app.db import close_db, init_db

    await init_db(database_url)
    try:
        viewer = await User.get(email=VIEWER)
        await cart.buy_now(
            viewer, variant_id, 1, shipping=SHIP_TO, idempotency_key="e2e-order", room_id=room_id
        )
    finally:
        await close_db()


def _ship_to(form: Any) -> None:
    form.wait_for()
    for name, value in SHIP_TO.items():
        form.locator(f"input[name={name}]").fill(value)
    form.locator("button[type=submit]").click()


# --- browser helpers -------------------------------------------------------------------------


class Tracked:
    """A signed-in page that counts its own page loads and SSE connections."""

    def __init__(self, browser: Any, base: str, email: str | None, viewport: dict[str, int]):
        self.base = base
        self.context = browser.new_context(viewport=viewport)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.loads: list[str] = []
        self.streams: list[str] = []
        self.page.on("load", lambda page: self.loads.append(page.url))
        self.page.on("request", lambda r: r.url.endswith("/events") and self.streams.append(r.url))
        if email:
            self.goto("/login")
            self.page.fill("#email", email)
            self.page.fill("#password", PASSWORD)
            self.page.click("main button[type=submit]")
            self.page.wait_for_selector("[data-testid=me]")
            # The home page's "load" (its thumbnails) can fire after the selector shows:
            # wait for it, or it lands in the next goto's count.
            self.page.wait_for_load_state("load")

    def goto(self, path: str) -> Any:
        self.loads.clear()
        self.streams.clear()
        self.page.goto(self.base + path)
        return self.page

    def stayed(self) -> None:
        """Everything since the last goto arrived without a reload, over one SSE stream."""
        assert len(self.loads) == 1, f"the page reloaded: {self.loads}"
        assert len(self.streams) == 1, f"expected one SSE connection, saw {self.streams}"

    def close(self) -> None:
        self.context.close()


def tab_to(page: Any, selector: str, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the focus, and check the focus is visible."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"{selector} has the focus but shows no outline"
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def text_of(page: Any, selector: str, expected: str) -> None:
    """Wait until ``selector``'s text is ``expected`` (live updates are asynchronous)."""
    page.wait_for_function(
        "([sel, want]) => { const el = document.querySelector(sel);"
        " return el && el.textContent.trim() === want; }",
        arg=[selector, expected],
    )


# --- journeys ------------------------------------------------------------------------------


@pytest.mark.media
def test_go_live_with_the_test_pattern_and_the_viewer_watches(
    browser: Any, settings: Settings, artifacts: Path
) -> None:
    run_async(_people(settings.database_url))
    env = settings_env(replace(settings, media_in_process=True, rtmp_port=free_port()))
    env["LIVEMART_LADDER"] = "180p:200k:64k"
    with live_server(env) as base:
        streamer = Tracked(browser, base, STREAMER, DESKTOP)
        page = streamer.goto("/studio")
        page.fill("#title", "Spring drop, live")
        page.click("text=Create room")
        page.wait_for_selector("[data-testid=console-status]:has-text('scheduled')")
        room_path = page.url.split(base)[1].replace("/studio", "")

        viewer = Tracked(browser, base, VIEWER, DESKTOP)
        watch_media(viewer.page)
        watch = viewer.goto(room_path)
        watch.wait_for_selector("[data-testid=room-status][data-status=scheduled]")

        page.click("[data-testid=test-source]")
        page.wait_for_selector("[data-testid=console-status]:has-text('live')")

        # The open room page learns over SSE that the room is live, starts the player and
        # opens the gift box.
        watch.wait_for_selector("[data-testid=room-status][data-status=live]")
        watch.wait_for_selector("[data-testid=gift-balance]")
        # Without a reload: this page started its player when the room went live.
        room_id = int(room_path.rstrip("/").split("/")[-1])
        wait_until_playing(watch, base, room_id, past=1, timeout_s=60, reloads=0)
        keeps_playing(watch)
        watch.screenshot(path=str(artifacts / "room-1280.png"))
        watch.set_viewport_size(PHONE)
        watch.wait_for_timeout(300)
        watch.screenshot(path=str(artifacts / "room-390.png"))
        assert watch.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        page.click("[data-testid=end-live]")
        page.wait_for_selector("[data-testid=end-confirm]")  # nothing ended yet
        assert "live" in page.inner_text("[data-testid=console-status]")
        page.click("[data-testid=end-live-confirm]")
        page.wait_for_selector("[data-testid=console-status]:has-text('ended')")
        watch.wait_for_selector("[data-testid=room-status][data-status=ended]")
        viewer.stayed()
        streamer.close()
        viewer.close()


def test_chat_likes_gifts_and_live_stats_reach_both(
    browser: Any, settings: Settings, server: str
) -> None:
    ids = run_async(_demo(settings.database_url, settings))
    streamer = Tracked(browser, server, STREAMER, DESKTOP)
    console = streamer.goto(f"/studio/rooms/{ids['room']}")
    viewer = Tracked(browser, server, VIEWER, DESKTOP)
    room = viewer.goto(f"/rooms/{ids['room']}")
    text_of(console, "[data-testid=stat-viewers]", "1")

    # The viewer chats with the keyboard alone; the streamer's console shows it.
    tab_to(room, "[data-testid=chat-input]")
    room.keyboard.type("Do you ship to Lisbon?")
    room.keyboard.press("Enter")
    console.wait_for_selector("[data-testid=chat-message]:has-text('Do you ship to Lisbon?')")
    console.fill("[data-testid=chat-input]", "Yes, everywhere in the EU!")
    console.press("[data-testid=chat-input]", "Enter")
    line = room.locator("[data-testid=chat-message]:has-text('everywhere in the EU')")
    line.wait_for()
    assert "Streamer" in line.inner_text()

    room.click("[data-testid=like]")
    text_of(console, "[data-testid=stat-likes]", "1")
    text_of(room, "[data-testid=like-count]", "1")

    room.click("[data-testid=gift-rose]")
    for page in (room, console):
        page.wait_for_selector(
            "[data-testid=leaderboard] li:has-text('Leo Viewer'):has-text('5 coins')"
        )
        page.wait_for_selector(".gift-toast:has-text('Rose')")
    text_of(room, "[data-testid=gift-balance]", "1995")
    text_of(console, "[data-testid=stat-gifts]", "1")
    text_of(console, "[data-testid=stat-gift-coins]", "5 coins")

    # A gift the wallet cannot pay says so, and changes nothing.
    room.fill("#gift-box input[name=quantity]", "99")
    room.click("[data-testid=gift-castle]")
    room.wait_for_selector("[data-testid=gift-error]")
    text_of(room, "[data-testid=gift-balance]", "1995")

    # A refused request (here an expired CSRF token) is explained, not silently dropped.
    room.evaluate(
        """() => { document.body.setAttribute("hx-headers", '{"X-CSRF-Token": "expired"}');
        for (const input of document.querySelectorAll("input[name=csrf_token]")) {
            input.value = "expired"; } }"""
    )
    room.click("[data-testid=like]")
    room.wait_for_selector("[data-testid=flash]:has-text('Reload the page')")

    viewer.stayed()
    streamer.stayed()
    streamer.close()
    viewer.close()


def test_pin_and_flash_sale_then_the_orders_are_in_both_consoles(
    browser: Any, settings: Settings, server: str
) -> None:
    ids = run_async(_demo(settings.database_url, settings))
    viewer = Tracked(browser, server, VIEWER, DESKTOP)
    room = viewer.goto(f"/rooms/{ids['room']}")
    streamer = Tracked(browser, server, STREAMER, DESKTOP)
    console = streamer.goto(f"/studio/rooms/{ids['room']}")
    text_of(console, "[data-testid=stat-orders]", "0")
    shelf = streamer.context.new_page()
    shelf.goto(f"{server}/studio/rooms/{ids['room']}/shelf")

    shelf.click("[data-testid=console-shelf] tr:has-text('Canvas tote') button:has-text('Pin')")
    shelf.wait_for_selector("[data-testid=console-notice]:has-text('Pinned')")
    pinned = room.locator("[data-testid=pinned-product]:has-text('Canvas tote')")
    pinned.wait_for()

    # Buy the pinned product in the bottom sheet without leaving the room: the first time
    # asks for an address; the card pays in the same tap.
    pinned.locator("[data-testid=pinned-buy]").click()
    sheet = room.locator("[data-testid=buy-sheet]")
    address = sheet.locator("[data-testid=sheet-address-form]")
    address.wait_for()
    for name, value in SHIP_TO.items():
        address.locator(f"input[name={name}]").fill(value)
    sheet.locator("#sheet-card").fill("4242 4242 4242 4242")
    sheet.locator("[data-testid=pay-card]").click()
    sheet.locator("[data-testid=sheet-done]:has-text('You got it')").wait_for()
    sheet.locator("[data-testid=sheet-done] [data-sheet-close]").click()
    text_of(console, "[data-testid=stat-orders]", "1")

    form = shelf.locator("[data-testid=start-sale]")
    form.locator("select[name=variant_id]").select_option(str(ids["tote_variant"]))
    form.locator("input[name=price]").fill("12.00")
    form.locator("input[name=quantity]").fill("5")
    form.locator("button[type=submit]").click()
    shelf.wait_for_selector("[data-testid=console-notice]:has-text('Flash sale started')")

    sale = room.locator("[data-testid=flash-sale-slot] [data-testid=flash-sale]")
    room.wait_for_selector("[data-testid=flash-sale-slot] :text('Canvas tote')")
    room.wait_for_selector("[data-testid=flash-sale-price]:has-text('$12.00')")
    sale.locator("button:has-text('Buy now')").click()  # the address is known by now
    room.wait_for_selector("#lc-sale-result [data-testid=lc-result]:has-text('You got it')")
    room.wait_for_selector("[data-testid=flash-sale-remaining]:has-text('4')")
    text_of(console, "[data-testid=stat-orders]", "2")

    # An auction: the viewer bids from the room (the winner's order ships to that address).
    form = shelf.locator("[data-testid=start-auction]")
    form.locator("select[name=variant_id]").select_option(str(ids["sneakers_variant"]))
    form.locator("input[name=start_price]").fill("10.00")  # the viewer holds 1995 coins
    form.locator("input[name=increment]").fill("1.00")
    form.locator("button[type=submit]").click()
    shelf.wait_for_selector("[data-testid=console-notice]:has-text('Auction started')")
    bid = room.locator("[data-testid=auction-bid]")
    bid.locator("input[name=amount]").fill("5")
    bid.locator("button[type=submit]").click()
    room.wait_for_selector("#lc-auction-result [data-testid=lc-error]")
    bid.locator("input[name=amount]").fill("11")
    bid.locator("button[type=submit]").click()
    room.wait_for_selector("#lc-auction-result [data-testid=lc-result]:has-text('highest bidder')")
    room.wait_for_selector("[data-testid=auction-leader]:has-text('Leo Viewer')")
    viewer.stayed()
    streamer.stayed()

    mine = viewer.goto("/orders")
    texts = mine.locator("[data-testid=orders] tr:has-text('Canvas tote')").all_inner_texts()
    assert len(texts) == 2
    assert any("$24.00" in t and "pending" not in t for t in texts)  # paid in the sheet
    assert any("$12.00" in t and "pending" in t for t in texts)
    sales = streamer.goto("/studio/orders")
    rows = sales.locator("[data-testid=merchant-orders] tr:has-text('Canvas tote')")
    assert rows.count() == 2
    assert all("Leo Viewer, Lisbon PT" in text for text in rows.all_inner_texts())
    streamer.close()
    viewer.close()


def test_coupon_drop_claimed_in_the_room_and_used_at_checkout(
    browser: Any, settings: Settings, server: str
) -> None:
    ids = run_async(_demo(settings.database_url, settings))
    streamer = Tracked(browser, server, STREAMER, DESKTOP)
    page = streamer.goto("/studio/coupons")
    page.fill("input[name=code]", "LIVE10")
    page.fill("input[name=amount]", "10")
    page.click("[data-testid=create-coupon]")
    page.wait_for_selector("[data-testid=studio-notice]:has-text('Coupon created')")

    viewer = Tracked(browser, server, VIEWER, PHONE)
    room = viewer.goto(f"/rooms/{ids['room']}")
    room.wait_for_selector("[data-testid=room-status]")

    console = streamer.goto(f"/studio/rooms/{ids['room']}")
    drop = console.locator("[data-testid=drop-coupon]")
    drop.locator("input[name=first_n]").fill("3")
    drop.locator("button[type=submit]").click()
    console.wait_for_selector("[data-testid=console-notice]:has-text('Dropped LIVE10')")

    box = room.locator("[data-testid=coupon-drop]")
    room.wait_for_selector("[data-testid=coupon-remaining]:has-text('3')")
    assert "LIVE10" in box.inner_text()
    box.locator("[data-testid=coupon-claim-button]").click()
    room.wait_for_selector("[data-testid=coupon-claim]:has-text('Claimed LIVE10')")
    room.wait_for_selector("[data-testid=coupon-remaining]:has-text('2')")
    room.locator("[data-testid=coupon-claim-button]").click()
    room.wait_for_selector("[data-testid=coupon-claim]:has-text('already claimed')")
    viewer.stayed()

    # At checkout the pinned sneakers cost their flash price, which takes no coupon: the
    # page says so and nothing is ordered.
    room.click("[data-testid=pinned-product] a:has-text('Cloudrunner')")
    room.click("[data-testid=product] [data-testid=buy-now]")
    room.wait_for_selector("[data-testid=checkout-flash]")
    assert "$59.00" in room.locator("main").inner_text()
    for name, value in SHIP_TO.items():
        room.fill(f"#{name}", value)
    room.fill("#coupon_code", "live10")
    room.click("[data-testid=place-order]")
    text_of(room, "[data-testid=coupon-error]", "coupons do not apply to a flash sale")

    # The tote from the same room's shelf takes it: $24.00 less 10 %.
    room.goto(f"{server}/products/{ids['tote']}?room={ids['room']}")
    room.click("[data-testid=product] [data-testid=buy-now]")
    room.wait_for_selector("[data-testid=place-order]")
    for name, value in SHIP_TO.items():
        room.fill(f"#{name}", value)
    room.fill("#coupon_code", "live10")
    room.click("[data-testid=place-order]")
    room.wait_for_selector("[data-testid=order-total]")
    assert "$21.60" in room.locator("[data-testid=order-total]").inner_text()
    streamer.close()
    viewer.close()


def test_moderator_deletes_a_message_and_it_vanishes_for_the_viewer(
    browser: Any, settings: Settings, server: str
) -> None:
    ids = run_async(_demo(settings.database_url, settings))
    viewer = Tracked(browser, server, VIEWER, DESKTOP)
    room = viewer.goto(f"/rooms/{ids['room']}")
    room.fill("[data-testid=chat-input]", "cheap followers at spam dot example")
    room.press("[data-testid=chat-input]", "Enter")
    spam = room.locator("[data-testid=chat-message]:has-text('cheap followers')")
    spam.wait_for()

    moderator = Tracked(browser, server, MODERATOR, DESKTOP)
    admin = moderator.goto("/admin")
    row = admin.locator("[data-testid=queue-message]:has-text('cheap followers')")
    row.locator("[data-testid=queue-delete]").click()
    admin.wait_for_selector("[data-testid=admin-notice]:has-text('deleted')")
    spam.wait_for(state="detached")
    assert room.locator("[data-testid=chat-message]:has-text('true to size')").count() == 1
    viewer.stayed()
    moderator.close()
    viewer.close()


PAGES = [  # (artifact name, who, path)
    ("home", VIEWER, "/"),
    ("search", VIEWER, "/?q=tote"),
    ("product", VIEWER, "/products/{sneakers}?room={room}"),
    ("checkout", VIEWER, "/checkout?variant_id={sneakers_variant}&quantity=1&room_id={room}"),
    ("orders", VIEWER, "/orders"),
    ("wallet", VIEWER, "/wallet"),
    ("studio-console", STREAMER, "/studio/rooms/{room}"),
    ("shelf-console", STREAMER, "/studio/rooms/{room}/shelf"),
    ("studio-orders", STREAMER, "/studio/orders"),
    ("admin", MODERATOR, "/admin"),
]


def test_screenshots_of_the_main_pages_fit_desktop_and_phone(
    browser: Any, settings: Settings, server: str, artifacts: Path
) -> None:
    """The room page's shots come from the video journey (they need the media worker)."""
    ids = run_async(_demo(settings.database_url, settings))
    run_async(_order_for_viewer(settings.database_url, ids["tote_variant"], ids["room"]))
    for viewport in (DESKTOP, PHONE):
        width = viewport["width"]
        people = {
            who: Tracked(browser, server, who, viewport) for who in (VIEWER, STREAMER, MODERATOR)
        }
        if width == PHONE["width"]:
            # Without the media worker the room's video stays black, but its layout counts.
            pages = [*PAGES, ("room-no-video", VIEWER, "/rooms/{room}")]
        else:
            pages = PAGES
        for name, who, path in pages:
            page = people[who].goto(path.format(**ids))
            page.wait_for_selector("footer")
            assert page.locator("h1").count() >= 1, f"{name} has no heading"
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{name} is {wide}px wide in a {width}px window"
            page.screenshot(path=str(artifacts / f"{name}-{width}.png"), full_page=True)
            if name == "search":
                results = page.locator("[data-testid=product-results]").inner_text()
                assert "Canvas tote" in results and "sneakers" not in results
        for tracked in people.values():
            tracked.close()
