"""The interaction log: real flows through the services reach the log with their weights,
in batches, and nothing buffered is lost at shutdown."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app import signals
from app.accounts.models import Role, User
from app.chat import services as chat
from app.commerce import cart, orders
from app.db import close_db, init_db
from app.gifts import services as gifts
from app.querycount import count_queries
from app.recs.log import InteractionLog, watch_weight
from app.recs.models import Interaction, ItemType, Kind
from app.rooms import likes
from app.rooms import services as rooms
from app.rooms.presence import get_presence
from app.settings import Settings
from tests.commerce.helpers import ADDRESS, fund, make_merchant, make_product, make_user
from tests.recs.helpers import interaction_log, make_viewers
from tests.support import eventually, register


async def _rows(user_id: int) -> set[tuple[str, int, str, float]]:
    found = await Interaction.filter(user_id=user_id).values_list(
        "item_type", "item_id", "kind", "weight"
    )
    return {(str(t), i, str(k), round(w, 3)) for t, i, k, w in found}


async def test_flows_reach_the_log_with_their_weights(client: httpx.AsyncClient) -> None:
    merchant = await make_merchant()
    room = await rooms.create_room(merchant, "Kitchen live", "food")
    other_room = await rooms.create_room(merchant, "Kitchen later", "food")
    await rooms.open_room(merchant, room.id)
    scarf, scarf_variant = await make_product(merchant, "Scarf", room_id=room.id, sku="scarf")
    mug, mug_variant = await make_product(merchant, "Mug", sku="mug")
    await register(client, "eve@example.com", "Eve")
    eve = await User.get(email="eve@example.com")

    assert (await client.get(f"/products/{mug.id}")).status_code == 200  # a click
    await cart.add_to_cart(eve, mug_variant.id, 2, room_id=room.id)
    await fund(eve, 100_000)
    order = await cart.buy_now(
        eve, scarf_variant.id, 1, shipping=ADDRESS, idempotency_key="buy-1", room_id=room.id
    )
    await orders.pay_with_coins(eve, order.id, "pay-1")
    for _ in range(3):  # a burst of likes is one row
        await likes.like(eve, room.id, 5)
    await chat.post_message(eve, room.id, "hello")
    gift = (await gifts.ensure_default_gifts())[0]
    await gifts.send_gift(eve, room.id, gift.id, 1, "gift-1")
    await rooms.follow(eve, merchant.id)
    async with get_presence().watching(room.id, eve.id):
        pass
    async with get_presence().watching(room.id, None):  # anonymous: not logged
        pass

    await interaction_log().flush()
    room_rows = {
        ("room", room.id, "view", 0.5),
        ("room", room.id, "like", 1.5),
        ("room", room.id, "chat", 0.3),
        ("room", room.id, "gift", 3.0),
        ("room", room.id, "follow", 2.0),
        ("room", other_room.id, "follow", 2.0),
    }
    product_rows = {
        ("product", mug.id, "click", 1.0),
        ("product", mug.id, "cart", 3.0),
        ("product", scarf.id, "order", 5.0),
        ("product", scarf.id, "purchase", 2.0),
    }
    assert await _rows(eve.id) == room_rows | product_rows
    assert await Interaction.all().count() == len(room_rows | product_rows)


def test_watch_time_is_scaled_by_minutes_and_capped() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert watch_weight(start, start + timedelta(seconds=5)) == 0.0
    assert watch_weight(start, start + timedelta(minutes=1)) == pytest.approx(0.3)
    assert watch_weight(start, start + timedelta(minutes=5)) == pytest.approx(1.5)
    assert watch_weight(start, start + timedelta(hours=2)) == 3.0


async def test_a_full_batch_is_written_at_once(database_url: str) -> None:
    """500 rows are written without waiting for the interval; emitting only buffers."""
    await init_db(database_url)
    log = InteractionLog(flush_interval=60)
    try:
        fans = await make_viewers(3)
        await log.start()
        log.connect()
        at = signals.now()
        with count_queries() as sql:
            for n in range(499):
                await signals.emit("product.clicked", product_id=n, user_id=fans[n % 3].id, at=at)
        assert sql.statements == [], "emitting ran SQL in the request's task"
        await asyncio.sleep(0.3)
        assert await Interaction.all().count() == 0, "below a batch: waits for the interval"
        await signals.emit("product.clicked", product_id=499, user_id=fans[0].id, at=at)

        async def written() -> bool:
            return await Interaction.filter(kind=Kind.CLICK).count() == 500

        await eventually(written, timeout=5)
    finally:
        log.disconnect()
        await log.stop()
        await close_db()


async def test_buffered_interactions_are_written_at_shutdown(settings: Settings) -> None:
    from app.asgi import create_app
    from app.recs.runtime import get_log

    application = create_app(settings)
    async with application.router.lifespan_context(application):
        if settings.dialect == "postgres":
            from tests.conftest import _truncate_url

            await _truncate_url(settings.database_url)
        streamer = await make_user("host@example.com", "Host", Role.STREAMER)
        viewer = await make_user("fan@example.com", "Fan")
        room = await rooms.create_room(streamer, "Late show", "games")
        await rooms.follow(viewer, streamer.id)
        log = get_log()
        assert log is not None and log.pending() == 1, "still buffered when the app stops"
    await init_db(settings.database_url)
    try:
        found = await Interaction.all().values_list("user_id", "item_id", "kind")
        assert found == [(viewer.id, room.id, Kind.FOLLOW)]
        assert (await Interaction.get(user_id=viewer.id)).item_type == ItemType.ROOM
    finally:
        await close_db()
