"""The room shelf: adding, pinning one product at a time, and the events viewers see."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.commerce import auctions, flash_sales, shelf
from app.commerce.live_models import ShelfItem
from app.commerce.models import Product, ProductStatus
from app.errors import UserError
from app.rooms import events
from app.rooms.models import Room, RoomStatus
from tests.live_commerce.conftest import Shop, make_shop, make_user, room_events
from tests.support import eventually


async def test_add_pin_switch_unpin_publish_events(shop: Shop) -> None:
    second = await Product.create(merchant_id=shop.seller.id, title="Wool hat", price_cents=900)
    async with room_events(shop.room.id) as log:
        first_item = await shelf.add_to_shelf(shop.seller, shop.room.id, shop.product.id)
        again = await shelf.add_to_shelf(shop.seller, shop.room.id, shop.product.id)
        assert again.id == first_item.id  # idempotent
        await shelf.add_to_shelf(shop.seller, shop.room.id, second.id)
        pinned = await shelf.pin_product(shop.seller, shop.room.id, shop.product.id)
        assert pinned is not None and pinned.pinned
        await shelf.pin_product(shop.seller, shop.room.id, second.id)
        assert await shelf.pin_product(shop.seller, shop.room.id, None) is None

        expected = [
            {"product_id": shop.product.id, "pinned": True},
            {"product_id": shop.product.id, "pinned": False},
            {"product_id": second.id, "pinned": True},
            {"product_id": second.id, "pinned": False},
        ]

        async def all_seen():
            return log.of(events.PRODUCT_PINNED) == expected

        await eventually(all_seen)
    items = await shelf.room_shelf_query(shop.room.id)
    assert [i.product_id for i in items] == [shop.product.id, second.id]
    assert [i.position for i in items] == [1, 2]
    assert not any(i.pinned for i in items)


async def test_only_one_pinned_and_errors_change_nothing(shop: Shop) -> None:
    other = await Product.create(merchant_id=shop.seller.id, title="Not on shelf", price_cents=100)
    await shelf.add_to_shelf(shop.seller, shop.room.id, shop.product.id)
    await shelf.pin_product(shop.seller, shop.room.id, shop.product.id)
    viewer = await make_user("v@example.com")
    stranger_shop = await make_shop(email="other@example.com")

    async def code(coro) -> str:
        try:
            await coro
        except UserError as exc:
            return exc.code
        return "OK"

    assert await code(shelf.pin_product(shop.seller, shop.room.id, other.id)) == "NOT_ON_SHELF"
    assert await code(shelf.pin_product(viewer, shop.room.id, shop.product.id)) == "FORBIDDEN"
    assert await code(shelf.add_to_shelf(viewer, shop.room.id, other.id)) == "FORBIDDEN"
    # Someone else's product cannot go on this shelf.
    assert (
        await code(shelf.add_to_shelf(shop.seller, shop.room.id, stranger_shop.product.id))
        == "NOT_FOUND"
    )
    await Product.filter(id=other.id).update(status=ProductStatus.DRAFT)
    assert await code(shelf.add_to_shelf(shop.seller, shop.room.id, other.id)) == (
        "PRODUCT_UNAVAILABLE"
    )
    pinned = await ShelfItem.filter(room_id=shop.room.id, pinned=True).values_list(
        "product_id", flat=True
    )
    assert list(pinned) == [shop.product.id]
    await Room.filter(id=shop.room.id).update(status=RoomStatus.ENDED)
    assert await code(shelf.pin_product(shop.seller, shop.room.id, None)) == "ROOM_ENDED"


async def test_removing_the_pinned_product_unpins_it(shop: Shop) -> None:
    await shelf.add_to_shelf(shop.seller, shop.room.id, shop.product.id)
    await shelf.pin_product(shop.seller, shop.room.id, shop.product.id)
    async with room_events(shop.room.id) as log:
        assert await shelf.remove_from_shelf(shop.seller, shop.room.id, shop.product.id)

        async def seen():
            return log.of(events.PRODUCT_PINNED)

        assert await eventually(seen) == [{"product_id": shop.product.id, "pinned": False}]
    assert await shelf.pinned_item(shop.room.id) is None
    with pytest.raises(UserError) as err:
        await shelf.remove_from_shelf(shop.seller, shop.room.id, shop.product.id)
    assert err.value.code == "NOT_FOUND"


async def test_people_buying_is_coalesced_and_counts_distinct_buyers(shop: Shop) -> None:
    async with room_events(shop.room.id) as log:
        for user_id in (1, 2, 2, 3, 3, 3):
            shelf.checkout_started(shop.room.id, shop.product.id, user_id)

        async def settled():
            seen = log.of(events.PRODUCT_BUYING)
            return seen if seen and seen[-1]["count"] == 3 else None

        seen = await eventually(settled, timeout=shelf.BUYING_INTERVAL + 3)
    # Six starts, at most a leading and a trailing event.
    assert len(seen) <= 2
    assert seen[0] == {"product_id": shop.product.id, "count": seen[0]["count"]}
    assert shelf.buying.count(shop.room.id, shop.product.id) == 3


async def test_flash_sale_and_auction_events(shop: Shop, shipping) -> None:
    buyer = await make_user("b@example.com", "Bea")
    async with room_events(shop.room.id) as log:
        sale = await flash_sales.start_flash_sale(
            shop.seller, shop.room.id, shop.variant.id, 1200, 5
        )
        await flash_sales.buy_flash_sale(buyer, sale.id, 1, shipping=shipping, idempotency_key="k")

        async def sale_updates():
            found = log.of(events.FLASH_SALE)
            return found if found and found[-1]["remaining"] == 4 else None

        updates = await eventually(sale_updates)
        assert updates[0] == {
            "sale_id": sale.id,
            "product_id": shop.product.id,
            "state": "live",
            "price": 1200,
            "remaining": 5,
            "ends_at": sale.ends_at.isoformat(),
        }
        await flash_sales.end_flash_sale(shop.seller, sale.id)
        auction = await auctions.start_auction(
            shop.seller, shop.room.id, shop.variant.id, 500, 50, duration_seconds=30
        )
        await auctions.place_bid(buyer, auction.id, 500, shipping=shipping)

        async def auction_updates():
            found = log.of(events.AUCTION)
            return found if len(found) >= 2 else None

        found = await eventually(auction_updates)
        assert found[0]["state"] == "live" and found[0]["leader_name"] is None
        assert found[1]["current_price"] == 500 and found[1]["leader_name"] == "Bea"
        assert log.of(events.FLASH_SALE)[-1]["state"] == "ended"
        closed = await auctions.close_auction(auction.id, auction.ends_at + timedelta(seconds=1))
        assert closed is not None

        async def sold():
            return any(e["state"] == "sold" for e in log.of(events.AUCTION))

        await eventually(sold)
    # Both went on the shelf by themselves.
    assert await ShelfItem.filter(room_id=shop.room.id).count() == 1
