"""The room page's cache (``web.page_cache``): what the room's events change shows in the
next page load, anonymous and signed-in viewers never see each other's parts, and a cached
anonymous page costs no query (a signed-in one a constant number)."""

from __future__ import annotations

import asyncio
import re

import httpx

from app.chat import services as chat
from app.commerce import flash_sales, shelf
from app.commerce.models import Product, Variant
from app.events import get_bus
from app.querycount import count_queries
from app.rooms import events
from app.rooms import services as rooms
from app.rooms.models import Room, RoomStatus
from tests.live_commerce.conftest import make_shop, make_user
from tests.support import eventually, register

NOTHING_PINNED = 'data-testid="no-pinned"'


def _status(page: str) -> str:
    found = re.search(r'data-status="(\w+)" data-testid="room-status"', page)
    assert found, "the page shows the room's status"
    return found.group(1)


async def test_pin_flash_sale_and_room_end_show_in_the_next_load(
    client: httpx.AsyncClient,
) -> None:
    shop = await make_shop()
    await rooms.set_media_state(shop.room.id, "live")  # on air: what the media worker reports
    await shelf.ensure_on_shelf(shop.room.id, shop.product.id)
    url = f"/rooms/{shop.room.id}"
    first = (await client.get(url)).text
    assert NOTHING_PINNED in first and 'data-testid="flash-sale"' not in first
    assert (await client.get(url)).text.count(NOTHING_PINNED) == 1  # served from the cache

    await shelf.pin_product(shop.seller, shop.room.id, shop.product.id)
    pinned = (await client.get(url)).text
    assert NOTHING_PINNED not in pinned
    assert f'data-testid="pinned-product" data-product-id="{shop.product.id}"' in pinned

    sale = await flash_sales.start_flash_sale(shop.seller, shop.room.id, shop.variant.id, 1900, 5)
    on_sale = (await client.get(url)).text
    assert f'data-sale-id="{sale.id}" data-state="live"' in on_sale

    await flash_sales.end_flash_sale(shop.seller, sale.id)
    assert f'data-sale-id="{sale.id}" data-state="live"' not in (await client.get(url)).text

    assert _status((await client.get(url)).text) == "live"
    await rooms.end_room(shop.seller, shop.room.id)
    assert _status((await client.get(url)).text) == "ended"


async def test_an_event_from_another_process_drops_the_cached_page(
    client: httpx.AsyncClient,
) -> None:
    """Another web process changed the room and published on the bus: this process's
    cached page goes once the event arrives (its own publish hook never ran)."""
    shop = await make_shop()
    await rooms.set_media_state(shop.room.id, "live")
    url = f"/rooms/{shop.room.id}"
    assert _status((await client.get(url)).text) == "live"
    await Room.filter(id=shop.room.id).update(status=RoomStatus.ENDED)
    assert _status((await client.get(url)).text) == "live", "cached until an event says"
    ended = events.RoomStatusChanged(status="ended", media_state="idle")
    await get_bus().publish(events.room_channel(shop.room.id), events.envelope(shop.room.id, ended))

    async def shows_ended() -> bool:
        return _status((await client.get(url)).text) == "ended"

    await eventually(shows_ended, timeout=10)


async def test_anonymous_and_signed_in_viewers_never_see_each_others_parts(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    shop = await make_shop()
    url = f"/rooms/{shop.room.id}"
    anonymous_before = await other_client.get(url)
    await register(client, "leo@example.com", "Leo Viewer")
    signed_in = await client.get(url)
    anonymous = await other_client.get(url)
    assert 'data-testid="me">Leo Viewer' in signed_in.text
    assert 'data-testid="chat-form"' in signed_in.text
    assert 'data-testid="gift-balance"' in signed_in.text
    for page in (anonymous_before.text, anonymous.text):
        assert "Leo Viewer" not in page and 'data-testid="me"' not in page
        assert 'data-testid="chat-form"' not in page and 'data-testid="gift-balance"' not in page
        assert f'href="/login?next=/rooms/{shop.room.id}">Log in</a> to chat' in page
    # Each page carries its own browser's CSRF token, never the other's.
    for response, browser in ((signed_in, client), (anonymous, other_client)):
        token = browser.cookies["lm_csrf"]
        assert f'name="csrf-token" content="{token}"' in response.text
    assert client.cookies["lm_csrf"] not in anonymous.text
    assert "lm-csrf-slot" not in anonymous.text and "lm-fresh-key" not in anonymous.text
    # A second signed-in viewer sees their own name over the same cached shared parts.
    await register(other_client, "ada@example.com", "Ada Other")
    theirs = (await other_client.get(url)).text
    assert 'data-testid="me">Ada Other' in theirs and "Leo Viewer" not in theirs


async def test_each_load_gets_fresh_idempotency_keys(client: httpx.AsyncClient) -> None:
    shop = await make_shop()
    await shelf.ensure_on_shelf(shop.room.id, shop.product.id)
    await shelf.pin_product(shop.seller, shop.room.id, shop.product.id)
    await flash_sales.start_flash_sale(shop.seller, shop.room.id, shop.variant.id, 1900, 5)
    await register(client, "leo@example.com", "Leo Viewer")
    keys: list[str] = []
    for _ in range(2):
        page = (await client.get(f"/rooms/{shop.room.id}")).text
        keys += re.findall(r'name="idempotency_key" value="([^"]+)"', page)
    assert len(keys) >= 4 and len(set(keys)) == len(keys), keys


async def test_query_counts_cached_anonymous_zero_signed_in_constant(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    shop = await make_shop()
    await shelf.ensure_on_shelf(shop.room.id, shop.product.id)
    await flash_sales.start_flash_sale(shop.seller, shop.room.id, shop.variant.id, 1900, 5)
    viewer = await make_user("talker@example.com", "Talker")
    await register(client, "leo@example.com", "Leo Viewer")
    url = f"/rooms/{shop.room.id}"

    async def counts() -> tuple[int, int]:
        await other_client.get(url)  # fills the cache
        with count_queries() as anonymous:
            assert (await other_client.get(url)).status_code == 200
        with count_queries() as signed_in:
            assert (await client.get(url)).status_code == 200
        return anonymous.count, signed_in.count

    small = await counts()
    for n in range(4):
        product = await Product.create(
            merchant_id=shop.seller.id, title=f"Extra {n}", price_cents=900, room_id=shop.room.id
        )
        await Variant.create(
            product_id=product.id, merchant_id=shop.seller.id, sku=f"X{n}", price_cents=900, stock=3
        )
        await shelf.ensure_on_shelf(shop.room.id, product.id)
        await chat.post_message(viewer, shop.room.id, f"message {n}")
    large = await counts()
    assert small[0] == large[0] == 0
    assert small[1] == large[1] == 1, (small, large)  # the session and the facts: one


async def test_an_aged_page_is_served_while_it_is_rebuilt_but_never_after_an_event() -> None:
    from web.page_cache import RoomPageCache

    cache = RoomPageCache(ttl=0.05, watch=False)
    release = asyncio.Event()
    builds: list[str] = []

    async def build(value: str, wait: bool = False) -> dict[str, str]:
        builds.append(value)
        if wait:
            await release.wait()
        return {"v": value}

    assert await cache.shared(1, lambda: build("first")) == {"v": "first"}
    await asyncio.sleep(0.1)  # aged past ttl
    slow = asyncio.ensure_future(cache.shared(1, lambda: build("second", wait=True)))
    await asyncio.sleep(0)
    assert await cache.shared(1, lambda: build("never")) == {"v": "first"}  # aged, no wait
    release.set()
    assert await slow == {"v": "second"}
    assert await cache.shared(1, lambda: build("never")) == {"v": "second"}
    cache.invalidate(1)  # an event: nobody gets the old page any more
    release.clear()
    slow = asyncio.ensure_future(cache.shared(1, lambda: build("third", wait=True)))
    await asyncio.sleep(0)
    waiting = asyncio.ensure_future(cache.shared(1, lambda: build("never")))
    await asyncio.sleep(0.01)
    assert not waiting.done()
    release.set()
    assert await waiting == await slow == {"v": "third"}
    assert "never" not in builds
