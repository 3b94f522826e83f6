"""Load on loopback against a real uvicorn process (about half a minute each here; no wall-clock
assertions: the figures live in bench/):

- 1,000 websocket subscribers of a live room and 200 chat posters (distinct users, one
  message each, within the chat limits): every subscriber receives every message, and
  every message is stored once;
- 1,000 concurrent buyers of a 200-unit flash sale over HTTP: exactly 200 orders, none
  oversold, nobody over the per-buyer limit, stock and the sale's counter consistent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import websockets

from app.accounts.models import Role, User, WebSession
from app.accounts.tokens import digest
from app.api.ids import encode_id
from app.auth import CSRF_COOKIE, SESSION_COOKIE, new_csrf_token
from app.chat.models import ChatMessage
from app.commerce import flash_sales
from app.commerce.live_models import FlashSale
from app.commerce.models import Order, OrderItem, Product, Variant
from app.rooms.models import Room, RoomStatus
from app.settings import Settings
from tests.conftest import settings_env
from tests.support import live_server

SUBSCRIBERS = 1_000
POSTERS = 200
BUYERS = 1_000
UNITS = 200
ADDRESS = {
    "name": "Ada Buyer",
    "line1": "1 Market Street",
    "city": "Springfield",
    "postalCode": "12345",
    "country": "US",
}
ROOM_EVENTS = (
    "subscription($r: ID!) { roomEvents(roomId: $r) { __typename "
    "... on ChatMessageEvent { messageId text } } }"
)
SEND = (
    "mutation($r: ID!, $t: String!) { sendChatMessage(roomId: $r, text: $t) "
    "{ message { id } errors { code message } } }"
)
BUY = (
    "mutation($s: ID!, $a: ShippingAddressInput!, $k: String!) { buyFlashSale(saleId: $s, "
    "shipping: $a, idempotencyKey: $k) { order { id } errors { code } } }"
)


async def users_with_sessions(prefix: str, count: int) -> list[tuple[User, str]]:
    """``count`` viewers and a browser session of each, made in bulk with the ORM."""
    await User.bulk_create(
        [
            User(email=f"{prefix}{i}@example.com", display_name=f"{prefix} {i}", password_hash="x")
            for i in range(count)
        ],
        batch_size=500,
    )
    users = list(await User.filter(email__startswith=prefix).order_by("id"))
    secrets_ = [secrets.token_urlsafe(32) for _ in users]
    expires = datetime.now(UTC) + timedelta(days=1)
    await WebSession.bulk_create(
        [
            WebSession(token_hash=digest(s), user_id=u.id, expires_at=expires)
            for u, s in zip(users, secrets_, strict=True)
        ],
        batch_size=500,
    )
    return list(zip(users, secrets_, strict=True))


async def live_room(streamer_email: str) -> Room:
    owner = await User.create(
        email=streamer_email, display_name="Streamer", password_hash="x", role=Role.STREAMER
    )
    return await Room.create(
        owner_id=owner.id,
        title="Load test live",
        status=RoomStatus.LIVE,
        stream_key="sk_" + secrets.token_urlsafe(12),
    )


def headers_for(session: str, csrf: str) -> dict[str, str]:
    return {"Cookie": f"{SESSION_COOKIE}={session}; {CSRF_COOKIE}={csrf}", "X-CSRF-Token": csrf}


class Subscriber:
    """One websocket subscribed to the room; records the chat message ids it receives."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.ws: Any = None
        self.closed_with: int | None = None
        self.task: asyncio.Task[None] | None = None

    async def start(self, url: str, room_id: str) -> None:
        self.ws = await websockets.connect(
            url,
            subprotocols=["graphql-transport-ws"],
            open_timeout=60,
            ping_interval=None,  # type: ignore[list-item]
        )
        await self.ws.send('{"type":"connection_init"}')
        await self.ws.recv()
        subscribe = {
            "id": "1",
            "type": "subscribe",
            "payload": {"query": ROOM_EVENTS, "variables": {"r": room_id}},
        }
        await self.ws.send(json.dumps(subscribe))
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                if '"ChatMessageEvent"' in frame:
                    self.seen.add(json.loads(frame)["payload"]["data"]["roomEvents"]["messageId"])
        except websockets.ConnectionClosed as exc:
            self.closed_with = exc.rcvd.code if exc.rcvd else None

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        self.ws.transport.abort()


WARM_UPS = 5


async def all_seen(crowd: list[Subscriber], ids: set[str], within: float = 120) -> bool:
    """Whether every subscriber received all of ``ids`` within ``within`` seconds."""
    deadline = time.monotonic() + within
    while any(ids - s.seen for s in crowd):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.25)
    return True


async def all_joined(crowd: list[Subscriber], post: Any) -> int:
    """Post warm-up messages until every subscriber has seen one; returns how many were sent.

    A subscriber's ``subscribe`` frame is processed by the server some time after it is
    sent; a message everyone receives proves every subscription has joined the fan-out.
    """
    for n in range(WARM_UPS):
        message_id = await post(POSTERS + n)
        if await all_seen([s for s in crowd if not s.seen], {message_id}, within=20):
            return n + 1
    raise AssertionError("subscribers never joined the room's fan-out")


async def test_a_thousand_subscribers_receive_every_chat_message(
    app: Any, settings: Settings
) -> None:
    room = await live_room("load-streamer@example.com")
    posters = await users_with_sessions("poster", POSTERS + WARM_UPS)
    room_id = encode_id("Room", room.id)
    csrf = new_csrf_token(settings.secret_key)
    with live_server(settings_env(settings)) as base:
        url = base.replace("http://", "ws://") + "/graphql"
        crowd = [Subscriber() for _ in range(SUBSCRIBERS)]
        for batch in range(0, SUBSCRIBERS, 100):
            await asyncio.gather(*(s.start(url, room_id) for s in crowd[batch : batch + 100]))
        limits = httpx.Limits(max_connections=100)

        async def post(i: int) -> str:
            # Each post (and the burst below) opens its own connections: a pooled one left
            # idle while the warm-ups propagate may meet the server's keep-alive close (5 s)
            # in flight, which an HTTP client reports as a read error, not a refusal.
            async with httpx.AsyncClient(base_url=base, timeout=300) as client:
                return await post_on(client, i)

        async def post_on(client: httpx.AsyncClient, i: int) -> str:
            _, session = posters[i]
            response = await client.post(
                "/graphql",
                headers=headers_for(session, csrf),
                json={"query": SEND, "variables": {"r": room_id, "t": f"message {i}"}},
            )
            payload = response.json()["data"]["sendChatMessage"]
            assert payload["errors"] == [], payload
            return payload["message"]["id"]

        warm_ups = await all_joined(crowd, post)
        async with httpx.AsyncClient(base_url=base, timeout=300, limits=limits) as client:
            sent = set(await asyncio.gather(*(post_on(client, i) for i in range(POSTERS))))
        assert len(sent) == POSTERS
        await all_seen(crowd, sent)
        closed = [s.closed_with for s in crowd if s.closed_with is not None]
        lagging = [len(sent - s.seen) for s in crowd if sent - s.seen]
        await asyncio.gather(*(s.stop() for s in crowd))
    assert not closed, f"{len(closed)} subscribers were disconnected: {set(closed)}"
    assert not lagging, f"{len(lagging)} subscribers missed messages (at most {max(lagging)})"
    assert await ChatMessage.filter(room_id=room.id).count() == POSTERS + warm_ups


async def test_a_thousand_buyers_never_oversell_a_flash_sale(app: Any, settings: Settings) -> None:
    room = await live_room("sale-streamer@example.com")
    owner = await User.get(id=room.owner_id)  # type: ignore[attr-defined]
    product = await Product.create(merchant_id=owner.id, title="Limited sneaker", price_cents=9900)
    variant = await Variant.create(
        product_id=product.id, merchant_id=owner.id, sku="SNKR-1", price_cents=9900, stock=1_000
    )
    sale = await flash_sales.start_flash_sale(
        owner, room.id, variant.id, price_cents=4900, quantity=UNITS, per_user_limit=1
    )
    buyers = await users_with_sessions("buyer", BUYERS)
    csrf = new_csrf_token(settings.secret_key)
    sale_id = encode_id("FlashSale", sale.id)
    with live_server(settings_env(settings)) as base:
        limits = httpx.Limits(max_connections=BUYERS)
        async with httpx.AsyncClient(base_url=base, timeout=300, limits=limits) as client:

            async def buy(i: int) -> list[str]:
                _, session = buyers[i]
                variables = {"s": sale_id, "a": ADDRESS, "k": f"buy-{i}"}
                response = await client.post(
                    "/graphql",
                    headers=headers_for(session, csrf),
                    json={"query": BUY, "variables": variables},
                )
                assert response.status_code == 200, response.text[:200]
                payload = response.json()["data"]["buyFlashSale"]
                return [e["code"] for e in payload["errors"]]

            outcomes = await asyncio.gather(*(buy(i) for i in range(BUYERS)))
    bought = [codes for codes in outcomes if not codes]
    refused = {code for codes in outcomes for code in codes}
    assert len(bought) == UNITS, (len(bought), refused)
    assert refused <= {"SOLD_OUT"}, refused
    fresh = await FlashSale.get(id=sale.id)
    assert fresh.remaining == 0
    order_ids = await OrderItem.filter(variant_id=variant.id).values_list("order_id", flat=True)
    orders = await Order.filter(id__in=list(order_ids))
    assert len(orders) == UNITS
    assert len({o.buyer_id for o in orders}) == UNITS  # type: ignore[attr-defined]
    units = sum(await OrderItem.filter(variant_id=variant.id).values_list("quantity", flat=True))
    assert units == UNITS
    assert (await Variant.get(id=variant.id)).stock == 1_000 - UNITS  # taken up front, once
