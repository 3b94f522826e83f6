"""Replay a scripted live session through the real services and pages (viewers join and
leave, chat, like, follow, gift, look at and buy products, a refund, a cancellation) on a
clock the test moves, and check every metric against values computed by hand."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from datetime import timedelta
from typing import Any

import httpx
import pytest

from app.accounts.models import Role, User
from app.analytics import stats as analytics
from app.analytics.models import MinuteBucket, ViewerVisit
from app.analytics.recorder import Recorder, minute_of
from app.chat.services import post_message
from app.commerce import cart, orders, shelf
from app.gifts import services as gifts
from app.rooms import likes
from app.rooms import services as rooms
from app.rooms.models import LiveSession
from app.rooms.presence import get_presence
from tests.analytics.conftest import Clock
from tests.commerce.helpers import ADDRESS, fund, make_product, make_user
from tests.support import op, register

PRICE = 2500


class Script:
    """Viewers that stay while the script runs (presence contexts entered by hand)."""

    def __init__(self) -> None:
        self.stack = contextlib.AsyncExitStack()
        self.open: dict[str, contextlib.AsyncExitStack] = {}

    async def join(self, name: str, room_id: int, user: User | None) -> None:
        stack = contextlib.AsyncExitStack()
        await stack.enter_async_context(get_presence().watching(room_id, user.id if user else None))
        self.open[name] = stack

    async def leave(self, name: str) -> None:
        await self.open.pop(name).aclose()


# Hand-computed, per minute of the session (T0 = the session's first minute):
EXPECTED_MINUTES: list[dict[str, Any]] = [
    {  # minute 0: Ann 0-50 s, Ben 10-, anon 30-; samples 2 (15 s) and 3 (45 s)
        "joins": 3,
        "unique_viewers": 3,
        "watch_seconds": 50 + 50 + 30,
        "viewers_peak": 3,
        "viewers_avg": 2.5,
        "chat_messages": 1,
        "likes": 5,
        "impressions": 2,
        "clicks": 1,
        "ctr": 0.5,
    },
    {  # minute 1: Cy joins at 70 s; 2 orders placed and paid, a follow, a gift
        "joins": 1,
        "unique_viewers": 3,
        "watch_seconds": 60 + 60 + 50,
        "viewers_peak": 3,
        "viewers_avg": 3.0,
        "impressions": 1,
        # the product page (anonymous) and the two buys, which no page of theirs preceded
        # (a buy from the room's card is a click on the product)
        "clicks": 3,
        "add_to_cart": 1,
        "orders_placed": 2,
        "orders": 2,
        "gmv_cents": 2 * PRICE,
        "cvr": 0.6667,
        "ctr": 3.0,
        "new_followers": 1,
        "gifts": 1,
        "gift_coins": 10,
    },
    {  # minute 2: a third order placed and cancelled, a refund; Ben, Cy, anon leave
        "unique_viewers": 3,
        "watch_seconds": 20 + 30 + 40,
        "viewers_peak": 3,
        "viewers_avg": 1.5,
        "clicks": 1,  # the third buy
        "orders_placed": 1,
        "cancelled": 1,
        "refunds": 1,
        "refunded_cents": PRICE,
    },
]
EXPECTED_TOTALS: dict[str, Any] = {
    "viewers_peak": 3,
    "viewers_avg": 2.2,  # (2 + 3 + 3 + 3 + 0) / 5
    "unique_viewers": 4,  # Ann, Ben, Cy, one anonymous browser
    "joins": 4,
    "watch_seconds": 390,  # Ann 50 + Ben 130 + Cy 80 + anon 130
    "avg_watch_seconds": 97.5,
    "chat_messages": 1,
    "likes": 5,
    "gifts": 1,
    "gift_coins": 10,
    "impressions": 3,
    "clicks": 5,  # two product pages and three buys from the room
    "ctr": 1.6667,
    "add_to_cart": 1,
    "orders_placed": 3,
    "orders": 2,
    "cvr": 0.4,
    "gmv_cents": 2 * PRICE,
    "refunds": 1,
    "refunded_cents": PRICE,
    "cancelled": 1,
    "new_followers": 1,
}


def _check(values: dict[str, Any], expected: dict[str, Any], where: str) -> None:
    for name in analytics.COLUMNS:
        want = expected.get(name, 0)
        assert values[name] == pytest.approx(want, abs=1e-4), f"{where}: {name}"


async def _run_script(
    client: httpx.AsyncClient, clock: Clock, recorder: Recorder
) -> tuple[User, int, int]:
    await register(client, "mia@example.com", "Mia")
    streamer = await User.get(email="mia@example.com")
    streamer.role = Role.STREAMER
    await streamer.save()
    room = await rooms.create_room(streamer, "Friday live")
    product, variant = await make_product(streamer, price_cents=PRICE, stock=10, room_id=room.id)
    await shelf.add_to_shelf(streamer, room.id, product.id)
    await gifts.ensure_default_gifts()
    ann = await make_user("ann@example.com", "Ann")
    ben = await make_user("ben@example.com", "Ben")
    cy = await make_user("cy@example.com", "Cy")
    await fund(ben, 5000)
    await fund(cy, 5000)
    room = await rooms.open_room(streamer, room.id)
    session = await LiveSession.get(room_id=room.id)
    t0 = minute_of(session.started_at)
    script = Script()

    def at(seconds: float) -> None:
        clock.set(t0, seconds)

    at(0)
    await script.join("ann", room.id, ann)
    at(1)
    assert (await client.get(f"/rooms/{room.id}")).status_code == 200  # impression
    at(10)
    await script.join("ben", room.id, ben)
    at(11)
    await client.get(f"/rooms/{room.id}")  # impression
    at(15)
    await recorder.sample()  # 2 watching
    at(20)
    await post_message(ann, room.id, "hello everyone")
    at(25)
    await likes.like(ben, room.id, 5)
    at(26)
    assert (await client.get(f"/products/{product.id}?room={room.id}")).status_code == 200
    at(30)
    await script.join("anon", room.id, None)
    at(45)
    await recorder.sample()  # 3
    at(50)
    await script.leave("ann")
    at(55)
    await recorder.flush()  # a flush in the middle: nothing may count twice
    at(70)
    await script.join("cy", room.id, cy)
    at(71)
    await client.get(f"/rooms/{room.id}")  # impression
    at(75)
    await recorder.sample()  # 3
    at(80)
    await client.get(f"/products/{product.id}?room={room.id}")  # click
    at(85)
    await cart.add_to_cart(cy, variant.id, 1, room_id=room.id)
    at(90)
    first = await cart.buy_now(
        cy, variant.id, 1, shipping=ADDRESS, idempotency_key="cy-1", room_id=room.id
    )
    at(95)
    await orders.pay_with_coins(cy, first.id, "pay-cy-1")
    await orders.pay_with_coins(cy, first.id, "pay-cy-1")  # a retry: counted once
    at(100)
    second = await cart.buy_now(
        ben, variant.id, 1, shipping=ADDRESS, idempotency_key="ben-1", room_id=room.id
    )
    await cart.buy_now(  # a retried form post: the same order, not placed again
        ben, variant.id, 1, shipping=ADDRESS, idempotency_key="ben-1", room_id=room.id
    )
    at(105)
    await orders.pay_with_coins(ben, second.id, "pay-ben-1")
    at(110)
    await rooms.follow(ann, streamer.id)
    await rooms.follow(ann, streamer.id)  # already following: not new
    at(115)
    rose = next(g for g in await gifts.list_gifts() if g.name == "Rose")
    await gifts.send_gift(ben, room.id, rose.id, 2, "gift-1")
    await gifts.send_gift(ben, room.id, rose.id, 2, "gift-1")  # replayed: not counted
    at(118)
    await recorder.flush()
    at(120)
    third = await cart.buy_now(
        cy, variant.id, 1, shipping=ADDRESS, idempotency_key="cy-2", room_id=room.id
    )
    at(125)
    await orders.cancel_order(cy, third.id)
    at(130)
    await orders.refund_order(streamer, second.id)
    at(135)
    await recorder.sample()  # 3
    at(140)
    await script.leave("ben")
    at(150)
    await script.leave("cy")
    at(160)
    await script.leave("anon")
    at(165)
    await recorder.sample()  # 0
    await rooms.end_room(streamer, room.id)
    at(170)
    await recorder.flush()
    return streamer, room.id, session.id


async def test_a_scripted_live_session_gives_hand_computed_metrics(
    client: httpx.AsyncClient, clock: Clock, recorder: Recorder
) -> None:
    streamer, room_id, session_id = await _run_script(client, clock, recorder)

    # The stored minutes, straight from the table.
    rows = await MinuteBucket.filter(room_id=room_id).order_by("minute")
    assert len(rows) == 3
    assert {r.live_session_id for r in rows} == {session_id}  # type: ignore[attr-defined]
    visits = await ViewerVisit.filter(room_id=room_id).order_by("viewer_key")
    assert {v.session_id for v in visits} == {session_id}
    assert {v.viewer_key.split(":")[0] for v in visits} == {"user", "anon"}
    assert sorted(v.watch_seconds for v in visits) == [50, 80, 130, 130]
    assert all(v.open_connections == 0 for v in visits)

    found = await analytics.room_stats(streamer, room_id, session_id=session_id)
    assert [p.start for p in found.points] == [r.minute for r in rows]
    for index, (point, expected) in enumerate(zip(found.points, EXPECTED_MINUTES, strict=True)):
        _check(point.values, expected, f"minute {index}")
    _check(found.totals, EXPECTED_TOTALS, "totals")
    assert found.totals["avg_watch_seconds"] == 97.5
    assert [(s.key, s.count) for s in found.funnel] == [
        ("impressions", 3),
        ("clicks", 5),
        ("orders_placed", 3),
        ("orders", 2),
    ]
    assert [round(s.rate, 4) for s in found.funnel] == [1.0, 1.6667, 0.6, 0.6667]

    # By hour: one point with the same totals (unique viewers from the visits).
    hourly = await analytics.room_stats(
        streamer, room_id, rows[0].minute, rows[-1].minute + timedelta(minutes=1), "hour"
    )
    assert len(hourly.points) == 1
    _check(hourly.points[0].values, {**EXPECTED_TOTALS, "avg_watch_seconds": 0}, "hour")

    # The same numbers over GraphQL, for the owner.
    data = await op(
        client,
        "analytics",
        "RoomStats",
        {"roomId": _gid("Room", room_id), "sessionId": _gid("LiveSession", session_id)},
    )
    assert "errors" not in data, data
    result = data["data"]["roomStats"]
    assert result["session"]["id"] == _gid("LiveSession", session_id)
    assert len(result["series"]) == 3
    assert result["series"][1]["values"]["gmvCents"] == 2 * PRICE
    assert result["series"][0]["values"]["watchSeconds"] == 130
    totals = result["totals"]
    assert totals["uniqueViewers"] == 4 and totals["avgWatchSeconds"] == 97.5
    assert totals["viewersAvg"] == 2.2 and totals["ctr"] == pytest.approx(1.6667)
    assert [s["count"] for s in result["funnel"]] == [3, 5, 3, 2]

    # CSV: one row per minute and the totals.
    response = await client.get(f"/studio/rooms/{room_id}/stats.csv?session={session_id}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["minute"] for r in table[:3]] == [r.minute.isoformat() for r in rows]
    assert table[-1]["minute"] == "total"
    assert table[1]["gmv_cents"] == "5000" and table[-1]["unique_viewers"] == "4"
    assert table[0]["viewers_avg"] == "2.5" and table[-1]["watch_seconds"] == "390"

    # The dashboard page shows them.
    page = await client.get(f"/studio/rooms/{room_id}/stats?session={session_id}")
    assert page.status_code == 200
    assert 'data-testid="chart-viewers"' in page.text and 'data-testid="funnel"' in page.text
    cards = dict(re.findall(r'data-testid="stat-(\w+)">.*?class="value">([^<]*)<', page.text))
    assert cards["avg_watch_seconds"] == "1m 38s"  # 97.5 s
    assert cards["gmv_cents"] == "$50.00 USD" and cards["unique_viewers"] == "4"
    assert cards["ctr"] == "166.7%" and cards["viewers_avg"] == "2.2"
    assert "hx-trigger" not in page.text.split('id="stats-dashboard"')[1].split(">")[0]


def _gid(type_name: str, pk: int) -> str:
    from app.api.ids import encode_id

    return encode_id(type_name, pk)
