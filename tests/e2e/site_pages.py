"""The pages the accessibility and screenshot tests visit, in ``make run``'s demo world:
home, a live room, the streamer's console, the admin page, a product and the checkout,
each as the person who would open it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.settings import Settings

PASSWORD = "livemart-demo-1"  # app.seed.DEMO_PASSWORD
STREAMER = "streamer@demo.livemart"
VIEWER = "viewer@demo.livemart"
MODERATOR = "mod@demo.livemart"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@dataclass(frozen=True)
class SitePage:
    name: str
    path: str
    who: str | None  # the demo user's e-mail, None: anonymous


async def seed_pages(settings: Settings) -> list[SitePage]:
    """Seed the demo; its live room on air (what the media worker reports once FFmpeg's
    first playlist exists: these tests run without FFmpeg), a chat line for the admin
    queue and a tote in the viewer's cart for the checkout."""
    from app.accounts.models import User
    from app.chat import services as chat
    from app.commerce import cart
    from app.commerce.models import Product, Variant
    from app.db import close_db, init_db
    from app.rooms import services as rooms
    from app.rooms.models import Room
    from app.seed import seed_demo

    await init_db(settings.database_url)
    try:
        await seed_demo(settings)
        room = await Room.filter(status="live").order_by("id").first()
        assert room is not None
        await rooms.set_media_state(room.id, "live")
        viewer = await User.get(email=VIEWER)
        await chat.post_message(viewer, room.id, "Do you ship to Lisbon?")
        tote = await Product.get(title="Canvas tote")
        variant = await Variant.filter(product_id=tote.id).first()
        assert variant is not None
        await cart.add_to_cart(viewer, variant.id, 1, room_id=room.id)
    finally:
        await close_db()
    return [
        SitePage("home", "/", None),
        SitePage("room", f"/rooms/{room.id}", VIEWER),
        SitePage("studio", f"/studio/rooms/{room.id}", STREAMER),
        SitePage("admin", "/admin", MODERATOR),
        SitePage("product", f"/products/{tote.id}", VIEWER),
        SitePage("checkout", "/checkout", VIEWER),
    ]


def signed_in(
    browser: Any,
    base: str,
    who: str | None,
    viewport: dict[str, int],
    *,
    password: str = PASSWORD,
    timeout: int = 15_000,
    **context_options: Any,
) -> Any:
    """A new browser context (its own cookies; ``context_options`` such as ``locale`` go to
    ``new_context``) signed in as ``who`` (with ``password``); returns its page."""
    context = browser.new_context(viewport=viewport, **context_options)
    page = context.new_page()
    page.set_default_timeout(timeout)
    if who:
        page.goto(base + "/login")
        page.fill("#email", who)
        page.fill("#password", password)
        page.click("main button[type=submit]")
        page.wait_for_selector("[data-testid=me]")
    return page
