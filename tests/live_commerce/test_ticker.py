"""The app's background closer: due auctions and flash sales close by themselves, and
scheduled sales are announced when they start."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from app.commerce import auctions, flash_sales
from app.commerce.live_models import Auction, AuctionState, FlashSale, FlashSaleState
from app.commerce.models import Order, Variant
from app.rooms import events
from app.settings import Settings
from tests.live_commerce.conftest import Shop, make_user, room_events
from tests.support import eventually


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, closer_tick_seconds=0.1)


async def test_due_auction_and_sale_close_by_themselves(shop: Shop, shipping) -> None:
    auction = await auctions.start_auction(
        shop.seller, shop.room.id, shop.variant.id, 1000, 100, duration_seconds=60
    )
    sale = await flash_sales.start_flash_sale(shop.seller, shop.room.id, shop.variant.id, 500, 10)
    buyer = await make_user("b@example.com", "Bea")
    await auctions.place_bid(buyer, auction.id, 1200, shipping=shipping)
    past = flash_sales.utcnow() - timedelta(seconds=1)
    await Auction.filter(id=auction.id).update(ends_at=past)
    await FlashSale.filter(id=sale.id).update(ends_at=past)

    async def closed() -> bool:
        a = await Auction.get(id=auction.id)
        s = await FlashSale.get(id=sale.id)
        return a.state == AuctionState.SOLD and s.state == FlashSaleState.ENDED

    await eventually(closed, timeout=5)
    order = await Order.get(id=(await Auction.get(id=auction.id)).order_id)
    assert (order.buyer_id, order.total_cents) == (buyer.id, 1200)
    assert (await Variant.get(id=shop.variant.id)).stock == 99  # 10 for the sale came back


async def test_scheduled_sale_is_announced_when_it_starts(shop: Shop) -> None:
    now = flash_sales.utcnow()
    async with room_events(shop.room.id) as log:
        await flash_sales.start_flash_sale(
            shop.seller,
            shop.room.id,
            shop.variant.id,
            500,
            10,
            starts_at=now + timedelta(seconds=1),
            now=now,
        )

        async def went_live():
            return [e for e in log.of(events.FLASH_SALE) if e["state"] == "live"]

        await eventually(went_live, timeout=5)
    assert log.of(events.FLASH_SALE)[0]["state"] == "scheduled"
