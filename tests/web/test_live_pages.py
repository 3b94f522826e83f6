"""Pages of the live experience without a browser: the streamer console's live stats and
coupon drop, the room's coupon panel and fragment, the gift box reload, the pinned
product's in-room buy. (The same journeys in chromium: tests/e2e/test_journeys.py.)"""

from __future__ import annotations

import httpx

from app.accounts.models import User
from app.commerce import coupons, shelf
from app.commerce.models import Order, Variant
from app.events import Event
from app.gifts import wallet
from app.gifts.models import EntryKind
from app.gifts.services import ensure_default_gifts
from app.rooms import events
from app.rooms.models import Room, RoomStatus
from tests.live_commerce.conftest import registered_shop
from tests.support import csrf, register
from web.sse import render_event

HTMX = {"HX-Request": "true"}
ADDRESS = {
    "name": "Bea Buyer",
    "line1": "1 Market Street",
    "city": "Lisbon",
    "postal_code": "1000-001",
    "country": "PT",
}


async def _shop(client: httpx.AsyncClient, viewer: httpx.AsyncClient) -> tuple[Room, Variant]:
    """Mia (streamer, on ``client``) is live with a pinned product; Bea watches."""
    shop = await registered_shop(client)
    await register(viewer, "bea@example.com", "Bea")
    await shelf.add_to_shelf(shop.seller, shop.room.id, shop.product.id)
    await shelf.pin_product(shop.seller, shop.room.id, shop.product.id)
    return shop.room, shop.variant


async def _post(
    client: httpx.AsyncClient, url: str, data: dict[str, object], **kw: object
) -> httpx.Response:
    return await client.post(url, data={"csrf_token": await csrf(client), **data}, **kw)  # type: ignore[arg-type]


async def test_console_shows_live_stats_to_its_owner_only(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    room, variant = await _shop(client, other_client)
    bea = await User.get(email="bea@example.com")
    await wallet.credit(bea.id, 100, EntryKind.TOPUP, "test", "t1", from_system="external")
    rose = next(g for g in await ensure_default_gifts() if g.name == "Rose")
    sent = await _post(
        other_client,
        f"/rooms/{room.id}/gift",
        {"gift_id": rose.id, "quantity": "2", "idempotency_key": "g1"},
        headers=HTMX,
    )
    assert sent.status_code == 200
    bought = await _post(
        other_client,
        f"/rooms/{room.id}/quick-buy",
        {"variant_id": variant.id, "idempotency_key": "q1", **ADDRESS},
        headers=HTMX,
    )
    assert "Ordered" in bought.text

    stats = await client.get(f"/studio/rooms/{room.id}/live-stats")
    assert stats.status_code == 200
    assert 'data-testid="stat-gifts">2<' in stats.text
    assert "10 coins" in stats.text
    assert 'data-testid="stat-orders">1<' in stats.text
    console = await client.get(f"/studio/rooms/{room.id}")
    assert 'sse-connect="/studio/rooms/' in console.text and "Bea" in console.text
    assert f"/studio/rooms/{room.id}/stats" in console.text

    for path in ("", "/live-stats", "/events"):
        denied = await other_client.get(f"/studio/rooms/{room.id}{path}")
        assert denied.status_code == 403, path


async def test_coupon_drop_from_the_console_reaches_the_room(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    room, _ = await _shop(client, other_client)
    mia = await User.get(email="mia@example.com")
    coupon = await coupons.create_coupon(mia, "LIVE10", "percent", 10)
    console = await client.get(f"/studio/rooms/{room.id}")
    assert 'data-testid="drop-coupon"' in console.text and "LIVE10 · 10% off" in console.text

    bad = await _post(
        client,
        f"/studio/rooms/{room.id}",
        {"action": "drop", "coupon_id": coupon.id, "first_n": "0", "duration": "60"},
    )
    assert bad.status_code == 422 and "first N is between" in bad.text
    dropped = await _post(
        client,
        f"/studio/rooms/{room.id}",
        {"action": "drop", "coupon_id": coupon.id, "first_n": "3", "duration": "60"},
    )
    assert "Dropped LIVE10 for the first 3 viewers." in dropped.text
    assert 'data-testid="drop-coupon"' not in dropped.text  # nothing left to drop

    page = await other_client.get(f"/rooms/{room.id}")
    assert 'data-testid="coupon-drop"' in page.text
    assert f'hx-post="/coupons/{coupon.id}/claim"' in page.text
    claimed = await _post(other_client, f"/coupons/{coupon.id}/claim", {}, headers=HTMX)
    assert "Claimed LIVE10" in claimed.text
    assert (await coupons.room_drops(room.id))[0].remaining == 2


async def test_coupon_drop_fragment(app: object) -> None:
    room = Room(id=7, title="Live shop", owner_id=1)
    data = {"coupon_id": 4, "code": "LIVE10", "remaining": 2, "ends_at": None}

    def render(user: User | None, **changes: object) -> str:
        event = Event.create(events.COUPON_DROP, {**data, **changes}, 7)
        html = render_event(event, {"room": room, "user": user, "can_moderate": False})
        assert html is not None
        return html

    viewer = render(User(id=3, display_name="Bea"))
    assert 'hx-post="/coupons/4/claim"' in viewer and ">2<" in viewer
    assert "/claim" not in render(User(id=1, display_name="Mia"))  # the streamer's own
    assert "Log in to claim" in render(None)
    assert "All claimed" in render(User(id=3, display_name="Bea"), remaining=0)


async def test_pinned_buy_now_stays_in_the_room(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    room, variant = await _shop(client, other_client)
    page = await other_client.get(f"/rooms/{room.id}")
    assert f'action="/rooms/{room.id}/quick-buy"' in page.text  # without JavaScript
    assert f'hx-get="/rooms/{room.id}/sheet?variant_id={variant.id}"' in page.text

    ask = await _post(
        other_client,
        f"/rooms/{room.id}/quick-buy",
        {"variant_id": variant.id, "idempotency_key": "k1"},
        headers=HTMX,
    )
    assert ask.status_code == 422 and 'data-testid="lc-address"' in ask.text
    assert f'name="variant_id" value="{variant.id}"' in ask.text
    assert await Order.all().count() == 0

    for _ in range(2):  # a retried click is the same order
        done = await _post(
            other_client,
            f"/rooms/{room.id}/quick-buy",
            {"variant_id": variant.id, "idempotency_key": "k1", **ADDRESS},
            headers=HTMX,
        )
        assert done.status_code == 200 and "Ordered" in done.text
    order = await Order.get()
    assert order.room_id == room.id and order.total_cents == 2500  # type: ignore[attr-defined]

    gone = await _post(
        other_client,
        f"/rooms/{room.id}/quick-buy",
        {"variant_id": 99999, "idempotency_key": "k2"},
        headers=HTMX,
    )
    assert gone.status_code == 422 and 'data-testid="lc-error"' in gone.text


async def test_gift_box_follows_the_room_status(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    room, _ = await _shop(client, other_client)
    await ensure_default_gifts()
    page = await other_client.get(f"/rooms/{room.id}")
    assert f'hx-get="/rooms/{room.id}/gift" hx-trigger="sse:room-status"' in page.text
    live = await other_client.get(f"/rooms/{room.id}/gift")
    assert 'data-testid="gift-rose"' in live.text
    await Room.filter(id=room.id).update(status=RoomStatus.ENDED)
    ended = await other_client.get(f"/rooms/{room.id}/gift")
    assert "gift-rose" not in ended.text
    assert (await other_client.get("/rooms/99999/gift")).status_code == 404
