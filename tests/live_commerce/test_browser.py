"""In a real browser: the streamer pins a product and starts a flash sale from the console;
the viewer's room page shows them live (SSE), counts down, and buys."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.accounts.models import Role
from app.settings import Settings
from tests.conftest import run_async, settings_env
from tests.support import STRONG_PASSWORD, browser_login, live_server

pytestmark = pytest.mark.e2e
CHROMIUM = os.environ.get("LIVEMART_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def browser() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        found = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield found
        found.close()


async def _seed(database_url: str) -> tuple[int, int]:
    from app.accounts.services import create_user
    from app.commerce import shelf
    from app.commerce.models import Product, Variant
    from app.db import close_db, init_db
    from app.rooms.models import Room, RoomStatus

    await init_db(database_url)
    try:
        seller = await create_user("mia@example.com", STRONG_PASSWORD, "Mia", Role.STREAMER)
        await create_user("bea@example.com", STRONG_PASSWORD, "Bea", Role.VIEWER)
        room = await Room.create(
            owner_id=seller.id, title="Browser shop", status=RoomStatus.LIVE, stream_key="sk_e2e"
        )
        product = await Product.create(merchant_id=seller.id, title="Silk scarf", price_cents=2500)
        variant = await Variant.create(
            product_id=product.id, merchant_id=seller.id, sku="SCARF", price_cents=2500, stock=9
        )
        await shelf.add_to_shelf(seller, room.id, product.id)
        return room.id, variant.id
    finally:
        await close_db()


def _login(browser: Any, server: str, email: str) -> Any:
    return browser_login(browser, server, email)


def test_pin_and_flash_sale_reach_the_viewer_live(browser: Any, settings: Settings) -> None:
    room_id, variant_id = run_async(_seed(settings.database_url))
    with live_server(settings_env(settings)) as server:
        viewer = _login(browser, server, "bea@example.com")
        viewer.goto(f"{server}/rooms/{room_id}")
        viewer.wait_for_selector("[data-testid=pinned] [data-testid=no-pinned]", state="attached")

        streamer = _login(browser, server, "mia@example.com")
        streamer.goto(f"{server}/studio/rooms/{room_id}/shelf")
        streamer.click("[data-testid=console-shelf] button:has-text('Pin')")
        streamer.wait_for_selector("[data-testid=console-notice]")
        # Pushed over SSE; the fragment loads the card.
        viewer.wait_for_selector("[data-testid=pinned-product]:has-text('Silk scarf')")

        form = streamer.locator("[data-testid=start-sale]")
        form.locator("select[name=variant_id]").select_option(str(variant_id))
        form.locator("input[name=price]").fill("9.99")
        form.locator("input[name=quantity]").fill("5")
        form.locator("input[name=duration_seconds]").fill("120")
        form.locator("button[type=submit]").click()
        streamer.wait_for_selector("[data-testid=console-notice]:has-text('Flash sale started')")

        box = viewer.locator("[data-testid=flash-sale-slot] [data-testid=flash-sale]")
        box.wait_for()
        # The event only has the price: the page adds the title and currency it knows.
        viewer.wait_for_selector("[data-testid=flash-sale-price]:has-text('$9.99')")
        assert "Silk scarf" in box.inner_text()
        # The pinned card over the video follows the sale of its product: the flash price.
        viewer.wait_for_selector("#pinned [data-testid=pinned-price]:has-text('$9.99')")
        countdown = box.locator("[data-testid=countdown]")
        viewer.wait_for_function(
            "() => /^1:[0-9]{2}$/.test(document.querySelector("
            "'[data-testid=flash-sale-slot] [data-testid=countdown]').textContent)"
        )
        assert re.match(r"^1:[45]\d$", countdown.inner_text())

        box.locator("button:has-text('Buy now')").click()
        address = viewer.locator("[data-testid=lc-address]")
        address.wait_for()
        for name, value in (
            ("name", "Bea Buyer"),
            ("line1", "1 Market Street"),
            ("city", "Lisbon"),
            ("postal_code", "1000-001"),
            ("country", "PT"),
        ):
            address.locator(f"input[name={name}]").fill(value)
        address.locator("button[type=submit]").click()
        viewer.wait_for_selector("[data-testid=lc-result]:has-text('You got it')")
        # Everyone's box shows the new remaining stock (coalesced flash_sale event).
        viewer.wait_for_selector("[data-testid=flash-sale-remaining]:has-text('4')")
        viewer.wait_for_selector("#pinned [data-testid=pinned-remaining]:has-text('4')")
