"""Pages: the room's shelf panel, the viewer's buy / bid posts, the streamer's console, and
the SSE fragments."""

from __future__ import annotations

import re

import httpx

from app.accounts.models import User
from app.commerce import flash_sales, shelf
from app.commerce.live_models import Auction, FlashSale, ShelfItem
from app.commerce.models import Order, Product, Variant
from app.events import Event
from app.rooms import events
from app.rooms.models import Room
from tests.live_commerce.conftest import SHIPPING, fund_email, registered_shop
from tests.support import csrf, register
from web.sse import render_event

HTMX = {"HX-Request": "true"}


async def _setup(client: httpx.AsyncClient) -> tuple[Room, Product, Variant]:
    shop = await registered_shop(client)
    return shop.room, shop.product, shop.variant


async def _post(client: httpx.AsyncClient, url: str, data: dict, **kw) -> httpx.Response:  # type: ignore[type-arg]
    return await client.post(url, data={"csrf_token": await csrf(client), **data}, **kw)


async def test_console_to_viewer_round_trip(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    room, product, variant = await _setup(client)
    base = f"/studio/rooms/{room.id}/shelf"
    page = await client.get(base)
    assert page.status_code == 200 and "Silk scarf" in page.text

    assert (await _post(client, base, {"product_id": product.id})).status_code == 303
    assert (await _post(client, base + "/pin", {"product_id": product.id})).status_code == 303
    assert (await shelf.pinned_item(room.id)).product_id == product.id  # type: ignore[union-attr]
    started = await _post(
        client,
        base + "/flash-sale",
        {
            "variant_id": variant.id,
            "price": "9.99",
            "quantity": "5",
            "per_user_limit": "1",
            "duration_seconds": "300",
        },
    )
    assert started.status_code == 303
    sale = await FlashSale.get(room_id=room.id)
    assert (sale.price_cents, sale.quantity) == (999, 5)
    bad = await _post(
        client,
        base + "/auction",
        {
            "variant_id": variant.id,
            "start_price": "abc",
            "increment": "1",
            "duration_seconds": "60",
            "extension_seconds": "10",
        },
    )
    assert bad.status_code == 422 and "enter an amount like 12.50" in bad.text
    assert await Auction.all().count() == 0
    ok = await _post(
        client,
        base + "/auction",
        {
            "variant_id": variant.id,
            "start_price": "5",
            "increment": "0.50",
            "duration_seconds": "60",
            "extension_seconds": "10",
        },
    )
    assert ok.status_code == 303
    console = await client.get(base)
    assert re.search(r'badge live"><svg[^>]*>.*?</svg> pinned', console.text, re.S)
    assert "0 sold / 5" in console.text

    # The viewer's room page: pinned card, flash sale, auction.
    await register(other_client, "bea@example.com", "Bea")
    await fund_email("bea@example.com")
    room_page = await other_client.get(f"/rooms/{room.id}")
    assert room_page.status_code == 200
    text = room_page.text
    assert 'id="pinned" sse-swap="product-pinned"' in text
    assert 'data-testid="pinned-product"' in text and "Silk scarf" in text
    assert 'data-testid="flash-sale-remaining">5<' in text and "$9.99" in text
    assert 'data-testid="auction-price">$5.00<' in text
    card = await other_client.get(f"/rooms/{room.id}/pinned")
    assert card.status_code == 200 and f'data-product-id="{product.id}"' in card.text

    # Buying without an address asks for one; with it, the order is placed.
    buy = f"/rooms/{room.id}/flash-sales/{sale.id}/buy"
    asked = await _post(other_client, buy, {"idempotency_key": "k1"}, headers=HTMX)
    assert asked.status_code == 422 and 'data-testid="lc-address"' in asked.text
    assert await Order.all().count() == 0
    done = await _post(other_client, buy, {"idempotency_key": "k1", **SHIPPING}, headers=HTMX)
    assert done.status_code == 200 and "You got it" in done.text
    order = await Order.get(room_id=room.id)
    assert f"/orders/{order.id}" in done.text
    again = await _post(other_client, buy, {"idempotency_key": "k2"}, headers=HTMX)
    assert again.status_code == 422 and "at most 1" in again.text
    assert (await FlashSale.get(id=sale.id)).remaining == 4

    # Bids: too low is an error; a good one leads (the address of the order is reused).
    auction = await Auction.get(room_id=room.id)
    bid = f"/rooms/{room.id}/auctions/{auction.id}/bid"
    low = await _post(other_client, bid, {"amount": "4.99"}, headers=HTMX)
    assert low.status_code == 422 and "bid at least" in low.text
    good = await _post(other_client, bid, {"amount": "5.00"}, headers=HTMX)
    assert good.status_code == 200 and "highest bidder" in good.text
    assert (await Auction.get(id=auction.id)).current_price == 500


async def test_without_htmx_buy_redirects_to_the_order(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    room, _, variant = await _setup(client)

    seller = await User.get(email="mia@example.com")
    sale = await flash_sales.start_flash_sale(seller, room.id, variant.id, 1000, 3)
    await register(other_client, "bea@example.com", "Bea")
    await fund_email("bea@example.com")
    response = await _post(
        other_client,
        f"/rooms/{room.id}/flash-sales/{sale.id}/buy",
        {"idempotency_key": "x", **SHIPPING},
    )
    order = await Order.get(room_id=room.id)
    assert response.status_code == 303 and response.headers["location"] == f"/orders/{order.id}"


async def test_console_is_for_the_room_owner(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    room, product, _ = await _setup(client)
    await register(other_client, "bea@example.com", "Bea")
    await fund_email("bea@example.com")
    assert (await other_client.get(f"/studio/rooms/{room.id}/shelf")).status_code == 403
    denied = await _post(
        other_client, f"/studio/rooms/{room.id}/shelf/pin", {"product_id": product.id}
    )
    assert denied.status_code == 403
    assert await ShelfItem.all().count() == 0
    anonymous = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    async with anonymous:
        found = await anonymous.get(f"/studio/rooms/{room.id}/shelf")
    assert found.status_code == 303 and found.headers["location"].startswith("/login")


async def test_buy_now_counts_a_checkout_and_goes_to_checkout(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    room, product, variant = await _setup(client)
    await register(other_client, "bea@example.com", "Bea")
    await fund_email("bea@example.com")
    response = await _post(other_client, f"/rooms/{room.id}/buy", {"variant_id": variant.id})
    assert response.status_code == 303
    assert response.headers["location"] == (
        f"/checkout?variant_id={variant.id}&quantity=1&room_id={room.id}"
    )
    assert shelf.buying.count(room.id, product.id) == 1
    # Without the form's CSRF token nothing is counted.
    forged = await other_client.post(f"/rooms/{room.id}/buy", data={"variant_id": variant.id})
    assert forged.status_code == 403


async def test_checkout_in_the_room_shows_and_charges_the_flash_price(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    room, product, variant = await _setup(client)
    seller = await User.get(email="mia@example.com")
    await shelf.add_to_shelf(seller, room.id, product.id)
    await shelf.pin_product(seller, room.id, product.id)
    await flash_sales.start_flash_sale(seller, room.id, variant.id, 1000, 3)
    await register(other_client, "bea@example.com", "Bea")
    await fund_email("bea@example.com")
    url = f"/checkout?variant_id={variant.id}&quantity=2&room_id={room.id}"
    page = (await other_client.get(url)).text
    assert 'data-testid="checkout-flash"' in page
    assert "$20.00" in page and '<s class="muted">$50.00' in page  # 2 × $10.00, not $25.00
    # Outside the room the list price stands.
    plain = (await other_client.get(f"/checkout?variant_id={variant.id}&quantity=2")).text
    assert "$50.00" in plain and 'data-testid="checkout-flash"' not in plain
    # A coupon does not combine with it: a readable error, nothing ordered.
    form = {"variant_id": variant.id, "quantity": 1, "room_id": room.id, **SHIPPING}
    refused = await _post(
        other_client, "/checkout", {**form, "idempotency_key": "c1", "coupon_code": "ANY"}
    )
    assert refused.status_code == 422 and "coupons do not apply to a flash sale" in refused.text
    assert await Order.filter(room_id=room.id).count() == 0
    placed = await _post(other_client, "/checkout", {**form, "idempotency_key": "c2"})
    assert placed.status_code == 303
    order = await Order.get(room_id=room.id)
    assert order.total_cents == 1000


def _render(type_: str, data: dict, room: object, user: object = None) -> str:  # type: ignore[type-arg]
    html = render_event(
        Event.create(type_, data, 7), {"room": room, "user": user, "can_moderate": False}
    )
    assert html is not None
    return html


async def test_sse_fragments(app: object) -> None:
    room = Room(id=7, title="Live shop")
    viewer = User(id=3, display_name="Bea")
    pinned = _render(events.PRODUCT_PINNED, {"product_id": 5, "pinned": True}, room)
    assert 'hx-get="/rooms/7/pinned"' in pinned and 'hx-trigger="load"' in pinned
    unpinned = _render(events.PRODUCT_PINNED, {"product_id": 5, "pinned": False}, room)
    assert "Nothing pinned" in unpinned
    assert "3 people are buying" in _render(
        events.PRODUCT_BUYING, {"product_id": 5, "count": 3}, room
    )
    assert "Bea just bought" in _render(
        events.PRODUCT_BOUGHT, {"product_id": 5, "user_name": "Bea", "quantity": 1}, room
    )
    sale = {
        "sale_id": 9,
        "product_id": 5,
        "state": "live",
        "price": 999,
        "remaining": 12,
        "ends_at": "2030-01-01T00:00:00+00:00",
    }
    box = _render(events.FLASH_SALE, sale, room, viewer)
    assert 'data-testid="flash-sale-remaining">12<' in box
    assert 'data-ends-at="2030-01-01T00:00:00+00:00"' in box
    assert 'hx-post="/rooms/7/flash-sales/9/buy"' in box and "9.99" in box
    assert "Sold out" in _render(events.FLASH_SALE, {**sale, "state": "sold_out"}, room, viewer)
    assert "/buy" not in _render(events.FLASH_SALE, {**sale, "state": "ended"}, room, viewer)
    assert "Log in to buy" in _render(events.FLASH_SALE, sale, room, None)
    auction = {
        "auction_id": 4,
        "product_id": 5,
        "state": "live",
        "current_price": 1500,
        "leader_name": "Bea",
        "ends_at": "2030-01-01T00:00:00+00:00",
    }
    box = _render(events.AUCTION, auction, room, viewer)
    assert 'data-testid="auction-leader">Bea<' in box and "15.00" in box
    assert 'hx-post="/rooms/7/auctions/4/bid"' in box
    assert "Sold" in _render(events.AUCTION, {**auction, "state": "sold"}, room, viewer)
