"""The recorder: every emit reaches the right counter once (card webhooks, expiry, follows
outside a live, rooms that do not exist), several processes add up, a flush writes nothing
twice, and the last flush happens on shutdown."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest

from app import signals
from app.analytics.models import MinuteBucket, ViewerVisit
from app.analytics.recorder import Recorder
from app.asgi import create_app
from app.commerce import cart, orders
from app.db import close_db, init_db
from app.payments import cards, get_payments, webhooks
from app.querycount import count_queries
from app.rooms import services as rooms
from app.rooms.models import Room
from app.settings import Settings
from tests.analytics.conftest import Clock
from tests.analytics.traffic import address, new_user, shop


async def _totals(room_id: int) -> dict[str, int]:
    rows = await MinuteBucket.filter(room_id=room_id).values()
    totals: dict[str, int] = {}
    for row in rows:
        for name, value in row.items():
            if isinstance(value, int) and name not in {"id", "room_id", "live_session_id"}:
                totals[name] = totals.get(name, 0) + value
    return totals


async def test_card_webhook_and_expiry_count_once(recorder: Recorder) -> None:
    here = await shop("Card shop")
    buyer = await new_user("card")
    order = await cart.buy_now(
        buyer, here.variant.id, 2, shipping=address(1), idempotency_key="c1", room_id=here.room.id
    )
    payment = await orders.start_card_payment(buyer, order.id, cards.APPROVED_TEST_CARD)
    provider = get_payments().backend
    await provider.wait_idle()  # type: ignore[attr-defined]
    again = webhooks.build_event(
        payment.provider_ref,
        webhooks.CHARGE_SUCCEEDED,
        payment.amount_cents,
        payment.currency,
        event_id="evt_again",
    )
    assert (await orders.handle_payment_webhook(again, webhooks.sign(again))).outcome == "ignored"
    unpaid = await cart.buy_now(
        buyer, here.variant.id, 1, shipping=address(1), idempotency_key="c2", room_id=here.room.id
    )
    assert await orders.expire_unpaid_orders(unpaid.expires_at + timedelta(seconds=1)) == 1
    await recorder.flush()
    totals = await _totals(here.room.id)
    assert totals["orders_placed"] == 2
    assert totals["orders"] == 1 and totals["gmv_cents"] == 2 * here.variant.price_cents
    assert totals["cancelled"] == 1


async def test_follows_count_only_while_the_streamer_is_live(recorder: Recorder) -> None:
    here = await shop("Follow me")
    fans = [await new_user("fan") for _ in range(3)]
    await rooms.follow(fans[0], here.owner.id)
    await rooms.end_room(here.owner, here.room.id)
    await rooms.follow(fans[1], here.owner.id)  # not live: no room to credit
    await recorder.flush()
    assert (await _totals(here.room.id))["new_followers"] == 1


async def test_unknown_rooms_are_dropped(
    client: httpx.AsyncClient, recorder: Recorder, clock: Clock
) -> None:
    here = await shop("Real room")
    page = await client.get(f"/products/{here.product.id}?room=999999")
    assert page.status_code == 200
    assert await recorder.flush() == 0
    assert await MinuteBucket.all().count() == 0
    await client.get(f"/products/{here.product.id}?room={here.room.id}")
    await client.get(f"/products/{here.product.id}?room={here.room.id}&added=1")  # not a click
    assert await recorder.flush() == 1
    assert (await _totals(here.room.id))["clicks"] == 1


async def test_two_processes_add_up_and_a_flush_writes_once(
    recorder: Recorder, clock: Clock
) -> None:
    here = await shop("Busy room")
    other = Recorder()  # what a second web process buffers
    other.connect()
    try:
        for n in range(5):
            await signals.emit("chat.sent", room_id=here.room.id, user_id=None, message_id=n)
        await signals.emit("like.sent", room_id=here.room.id, user_id=None, count=7)
    finally:
        other.disconnect()
    await recorder.flush()
    await other.flush()
    assert await recorder.flush() == 0 and await other.flush() == 0  # nothing left to write
    totals = await _totals(here.room.id)
    assert totals["chat_messages"] == 10 and totals["likes"] == 14
    assert await MinuteBucket.filter(room_id=here.room.id).count() == 1


async def test_signals_for_a_deleted_room_are_dropped(recorder: Recorder) -> None:
    here = await shop("Flaky room")
    await signals.emit("chat.sent", room_id=here.room.id, user_id=None, message_id=1)
    # The room vanishes between the signal and the flush: nothing is written.
    await Room.filter(id=here.room.id).delete()
    assert await recorder.flush() == 0
    assert not recorder.buckets


async def test_the_last_flush_happens_on_shutdown(settings: Settings) -> None:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        here = await shop("Closing time")
        for n in range(3):
            await signals.emit("chat.sent", room_id=here.room.id, user_id=None, message_id=n)
        room_id = here.room.id
    await init_db(settings.database_url)
    try:
        assert (await _totals(room_id))["chat_messages"] == 3
    finally:
        await close_db()


@pytest.mark.parametrize("interval", ["minute", "hour"])
async def test_ranges_are_checked(recorder: Recorder, interval: str) -> None:
    from app.analytics import stats
    from app.errors import UserError

    here = await shop("Ranges")
    now = signals.now()
    with pytest.raises(UserError) as caught:
        await stats.room_stats(here.owner, here.room.id, now, now - timedelta(hours=1), interval)
    assert caught.value.code == "INVALID_RANGE"
    too_long = timedelta(days=2 if interval == "minute" else 40)
    with pytest.raises(UserError) as caught:
        await stats.room_stats(here.owner, here.room.id, now - too_long, now, interval)
    assert caught.value.code == "RANGE_TOO_LONG"
    with pytest.raises(UserError) as caught:
        await stats.room_stats(here.owner, here.room.id, interval="week")
    assert caught.value.code == "INVALID_INTERVAL"


async def test_a_crowd_joining_is_written_in_a_few_statements(recorder: Recorder) -> None:
    here = await shop("Popular room")
    crowd = [f"anon:{n:05d}" for n in range(1200)]
    joined = signals.now()
    for key in crowd:
        await signals.emit("room.joined", room_id=here.room.id, user_id=None, viewer_key=key)
    with count_queries() as sql:
        await recorder.flush()
    visits = await ViewerVisit.filter(room_id=here.room.id).order_by("viewer_key")
    assert [v.viewer_key for v in visits] == crowd
    assert all(v.visits == 1 and v.open_connections == 1 for v in visits)
    # three statements per 500 viewers (read, update, insert), not a few per viewer
    assert sql.count <= 30, sql.statements

    left = joined + timedelta(seconds=90)
    for key in crowd[:600]:
        await signals.emit(
            "room.watched",
            room_id=here.room.id,
            user_id=None,
            viewer_key=key,
            started_at=joined,
            ended_at=left,
        )
    with count_queries() as sql:
        await recorder.flush()
    assert sql.count <= 30, sql.statements
    rows = {v.viewer_key: v for v in await ViewerVisit.filter(room_id=here.room.id)}
    assert len(rows) == 1200
    for key in crowd[:600]:
        assert rows[key].open_connections == 0 and rows[key].watch_seconds == 90
        assert rows[key].last_seen >= left
    assert all(rows[key].open_connections == 1 for key in crowd[600:])


async def test_two_processes_write_the_same_visits_at_once(recorder: Recorder) -> None:
    here = await shop("Two doors")
    other = Recorder()  # a second web process: the same viewers, other connections
    other.connect()
    try:
        for n in range(700):
            await signals.emit(
                "room.joined", room_id=here.room.id, user_id=None, viewer_key=f"browser:{n}"
            )
    finally:
        other.disconnect()
    await asyncio.gather(recorder.flush(), other.flush())
    visits = await ViewerVisit.filter(room_id=here.room.id)
    assert len(visits) == 700
    assert all(v.visits == 2 and v.open_connections == 2 for v in visits)
