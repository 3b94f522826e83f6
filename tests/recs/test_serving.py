"""What the recommendations may contain: trending for newcomers, nothing bought or out of
stock, only open rooms; typed errors for an unknown product and a bad page size."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from app.accounts.models import User
from app.api.ids import decode_id, encode_id
from app.commerce import cart, catalog
from app.commerce.models import ProductStatus
from app.recs import service as recs
from app.recs.models import Interaction, ItemType, Kind
from app.rooms import services as rooms
from tests.commerce.helpers import ADDRESS, make_product
from tests.recs.helpers import (
    log_history,
    make_shop,
    make_stage,
    make_viewers,
    node_ids,
    recommended,
    service,
)
from tests.support import op, register


async def _trend(items: list[int], item_type: ItemType = ItemType.PRODUCT) -> None:
    """Fresh interactions: ``items[0]`` from the most users, then ``items[1]``, ..."""
    fans = await make_viewers(3 * len(items), prefix="trend")
    at = datetime.now(UTC) - timedelta(hours=1)
    rows = [
        Interaction(
            user_id=fan.id,
            item_type=item_type,
            item_id=item,
            kind=Kind.CLICK,
            weight=1.0,
            created_at=at,
        )
        for rank, item in enumerate(items)
        for fan in fans[: 3 * len(items) - 3 * rank]
    ]
    await Interaction.bulk_create(rows)


async def test_a_new_user_gets_trending_products(client: httpx.AsyncClient) -> None:
    shop = await make_shop()
    kitchen = [p.id for p in shop.kitchen]
    garden = [p.id for p in shop.garden]
    old_fans = await make_viewers(10, prefix="old")
    # Old favourites (a month ago) and what is trending this week.
    await log_history(old_fans, ItemType.PRODUCT, kitchen, 5, days_ago=30)
    hot = [garden[4], garden[1], garden[3]]
    await _trend(hot)

    # Before any model: trending straight from the log.
    await register(client, "new@example.com", "Newcomer")
    assert await recommended(client, first=3) == hot

    versions = await service().train()
    assert versions["products"]
    newcomer = await User.get(email="new@example.com")
    model = service().model(ItemType.PRODUCT)
    assert model is not None and not model.knows_user(newcomer.id)
    assert await recommended(client, first=3) == hot
    assert [s.item_id for s in model.popular(3)] == hot

    # Logged out: trending too.
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as anon:
        assert await recommended(anon, first=3) == hot


async def test_a_new_user_gets_trending_rooms(client: httpx.AsyncClient) -> None:
    stage = await make_stage()
    hot = [stage.gardening[2].id, stage.cooking[0].id]
    await _trend(hot, ItemType.ROOM)
    await register(client, "new@example.com", "Newcomer")
    assert (await recommended(client, "Rooms", first=2)) == hot
    await service().train()
    assert (await recommended(client, "Rooms", first=2)) == hot


async def test_bought_and_out_of_stock_products_are_never_recommended(
    client: httpx.AsyncClient,
) -> None:
    shop = await make_shop()
    everything = [p.id for p in shop.kitchen + shop.garden]
    fans = await make_viewers(12)
    await log_history(fans, ItemType.PRODUCT, everything, 6)
    await _trend(everything[:4])
    await register(client, "cy@example.com", "Cy")
    cy = await User.get(email="cy@example.com")

    bought, sold_out, draft = everything[0], everything[1], everything[2]
    await cart.buy_now(cy, shop.variants[bought].id, 1, shipping=ADDRESS, idempotency_key="k1")
    await catalog.update_stock(shop.merchant, shop.variants[sold_out].id, stock=0)
    await catalog.update_product(shop.merchant, draft, status=ProductStatus.DRAFT.value)
    hidden = {bought, sold_out, draft}

    for trained in (False, True):
        if trained:
            await service().train()
            await service().catch_up()
        mine = await recommended(client, first=12)
        assert not hidden & set(mine), (trained, mine)
        assert len(mine) == len(everything) - len(hidden), "everything else fills the list"
        similar = await recs.similar_products(everything[3], cy, 12)
        assert not hidden & {p.id for p in similar}
        assert everything[3] not in {p.id for p in similar}

    # A cancelled order does not count as bought.
    order = await cart.buy_now(
        cy, shop.variants[everything[5]].id, 1, shipping=ADDRESS, idempotency_key="k2"
    )
    from app.commerce import orders

    await orders.cancel_order(cy, order.id)
    assert everything[5] not in await _bought(cy)


async def _bought(user: User) -> set[int]:
    from app.recs import data

    return await data.bought_product_ids(user.id)


async def test_only_live_or_scheduled_rooms_and_never_your_own(
    client: httpx.AsyncClient,
) -> None:
    stage = await make_stage(per_kind=2)
    everything = [r.id for r in stage.cooking + stage.gardening]
    fans = await make_viewers(8)
    await log_history(fans, ItemType.ROOM, everything, 3, Kind.WATCH, 2.0)
    await service().train()
    ended = stage.cooking[0]
    owner = await User.get(id=ended.owner_id)  # type: ignore[attr-defined]
    await rooms.open_room(owner, ended.id)
    await rooms.end_room(owner, ended.id)

    found = {r.id for r in await recs.recommended_rooms(fans[0], 10)}
    assert found == set(everything) - {ended.id}
    own = stage.gardening[0]
    streamer = await User.get(id=own.owner_id)  # type: ignore[attr-defined]
    assert own.id not in {r.id for r in await recs.recommended_rooms(streamer, 10)}


async def test_similar_products_of_an_unknown_product_is_a_typed_error(
    client: httpx.AsyncClient,
) -> None:
    shop = await make_shop(per_aisle=3)
    await register(client, "dee@example.com", "Dee")
    for product_id in (encode_id("Product", 9999), encode_id("Product", shop.kitchen[0].id)):
        if product_id == encode_id("Product", shop.kitchen[0].id):
            await catalog.update_product(
                shop.merchant, shop.kitchen[0].id, status=ProductStatus.DRAFT.value
            )
        result = await op(client, "recs", "SimilarProducts", {"productId": product_id})
        assert result["data"] is None
        (error,) = result["errors"]
        assert error["extensions"] == {"code": "NOT_FOUND", "field": "productId"}
        assert error["message"] == "product not found"

    wrong_type = encode_id("Room", 1)
    result = await op(client, "recs", "SimilarProducts", {"productId": wrong_type})
    assert result["errors"][0]["extensions"]["code"] == "INVALID_ID"

    result = await op(client, "recs", "RecommendedProducts", {"first": 500})
    assert result["errors"][0]["extensions"] == {"code": "INVALID_PAGE_SIZE", "field": "first"}


async def test_similar_products_known_and_new_to_the_model(client: httpx.AsyncClient) -> None:
    shop = await make_shop()
    kitchen = [p.id for p in shop.kitchen]
    garden = [p.id for p in shop.garden]
    fans = await make_viewers(20)
    await log_history(fans[:10], ItemType.PRODUCT, kitchen, 4, seed=1)
    await log_history(fans[10:], ItemType.PRODUCT, garden, 4, seed=2)
    await service().train()

    result = await op(
        client,
        "recs",
        "SimilarProducts",
        {"productId": encode_id("Product", kitchen[0]), "first": 3},
    )
    similar = [decode_id(i, "Product") for i in node_ids(result, "similarProducts")]
    assert len(similar) == 3 and set(similar) <= set(kitchen[1:])

    # A product newer than the model: the merchant's other products (its room's first).
    room = await rooms.create_room(shop.merchant, "Shop live", "home")
    fresh, _ = await make_product(shop.merchant, "fresh thing", room_id=room.id, sku="fresh")
    sibling, _ = await make_product(shop.merchant, "sibling", room_id=room.id, sku="sib")
    result = await op(
        client, "recs", "SimilarProducts", {"productId": encode_id("Product", fresh.id), "first": 3}
    )
    similar = [decode_id(i, "Product") for i in node_ids(result, "similarProducts")]
    assert similar[0] == sibling.id and fresh.id not in similar and len(similar) == 3
