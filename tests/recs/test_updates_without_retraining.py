"""After a user buys or watches, their recommendations change, and no model was retrained
(the new interactions are folded in with ``recalculate_user``)."""

from __future__ import annotations

import httpx

from app.accounts.models import User
from app.commerce import cart
from app.recs.models import Interaction, ItemType, Kind
from app.rooms import services as rooms
from app.rooms.presence import get_presence
from tests.commerce.helpers import ADDRESS
from tests.recs.helpers import (
    log_history,
    make_shop,
    make_stage,
    make_viewers,
    recommended,
    service,
)
from tests.support import eventually, register


async def test_buying_changes_recommendations_without_retraining(
    client: httpx.AsyncClient,
) -> None:
    shop = await make_shop()
    kitchen = [p.id for p in shop.kitchen]
    garden = [p.id for p in shop.garden]
    fans = await make_viewers(24)
    await log_history(fans[:12], ItemType.PRODUCT, kitchen, 4, seed=1)
    await log_history(fans[12:], ItemType.PRODUCT, garden, 4, seed=2)
    await register(client, "ada@example.com", "Ada")
    ada = await User.get(email="ada@example.com")
    await log_history([ada], ItemType.PRODUCT, kitchen[:3], 3, seed=3)

    versions = await service().train()
    assert versions["products"] is not None
    before = await recommended(client, first=3)
    assert set(before) == set(kitchen[3:]), "a kitchen shopper is shown kitchen things new to her"

    # Ada buys two garden things (buy now: the order.created signal feeds the log).
    for n, product_id in enumerate(garden[:2]):
        variant = shop.variants[product_id]
        await cart.buy_now(ada, variant.id, 1, shipping=ADDRESS, idempotency_key=f"buy-{n}")

    async def changed() -> list[int] | None:
        now = await recommended(client, first=3)
        return now if now != before else None

    after = await eventually(changed, timeout=10)
    assert service().version(ItemType.PRODUCT) == versions["products"], "no retraining"
    assert service().status.runs == 1
    logged = await Interaction.filter(user_id=ada.id, kind=Kind.ORDER).values_list(
        "item_id", flat=True
    )
    assert sorted(logged) == sorted(garden[:2])
    assert not set(after) & set(garden[:2]), "what Ada bought is not recommended again"
    assert len(set(after) & shop.ids("garden")) >= 2, f"garden things now: {after}"


async def test_watching_changes_recommended_rooms_without_retraining(
    client: httpx.AsyncClient,
) -> None:
    stage = await make_stage()
    cooking = [r.id for r in stage.cooking]
    gardening = [r.id for r in stage.gardening]
    fans = await make_viewers(20)
    await log_history(fans[:10], ItemType.ROOM, cooking, 3, Kind.WATCH, 2.0, seed=1)
    await log_history(fans[10:], ItemType.ROOM, gardening, 3, Kind.WATCH, 2.0, seed=2)
    await register(client, "bo@example.com", "Bo")
    bo = await User.get(email="bo@example.com")
    await log_history([bo], ItemType.ROOM, cooking[:2], 2, Kind.WATCH, 2.0, seed=3)

    versions = await service().train()
    assert versions["rooms"] is not None
    before = await recommended(client, "Rooms", first=3)
    assert set(before) <= stage.ids("cooking")

    # Bo watches two gardening rooms (the presence every room page and subscription uses)
    # and likes one of them once it is live.
    owner = await User.get(id=stage.gardening[0].owner_id)  # type: ignore[attr-defined]
    await rooms.open_room(owner, gardening[0])
    for room_id in gardening[:2]:
        async with get_presence().watching(room_id, bo.id):
            pass

    async def changed() -> list[int] | None:
        now = await recommended(client, "Rooms", first=3)
        return now if now != before else None

    after = await eventually(changed, timeout=10)
    assert service().version(ItemType.ROOM) == versions["rooms"], "no retraining"
    assert service().status.runs == 1
    assert set(after) & stage.ids("gardening"), f"gardening rooms now: {after}"
