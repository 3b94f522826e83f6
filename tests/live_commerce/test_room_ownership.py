"""A flash sale or an auction is reached through its own room only: the rule lives in
``flash_sales.get_room_sale`` and ``auctions.get_room_auction``, which the room pages call."""

from __future__ import annotations

import pytest

from app.commerce import auctions, flash_sales
from app.errors import UserError
from tests.live_commerce.conftest import Shop, make_shop


async def test_a_sale_and_an_auction_belong_to_their_room(shop: Shop) -> None:
    other = await make_shop(email="other@example.com")
    sale = await flash_sales.start_flash_sale(shop.seller, shop.room.id, shop.variant.id, 500, 2)
    auction = await auctions.start_auction(
        shop.seller, shop.room.id, shop.variant.id, start_price=1000, increment=100
    )
    assert (await flash_sales.get_room_sale(shop.room.id, sale.id)).id == sale.id
    assert (await auctions.get_room_auction(shop.room.id, auction.id)).id == auction.id
    with pytest.raises(UserError) as err:
        await flash_sales.get_room_sale(other.room.id, sale.id)
    assert (err.value.code, err.value.field) == ("NOT_FOUND", "saleId")
    with pytest.raises(UserError) as err:
        await auctions.get_room_auction(other.room.id, auction.id)
    assert (err.value.code, err.value.field) == ("NOT_FOUND", "auctionId")
    with pytest.raises(UserError) as err:
        await flash_sales.get_room_sale(shop.room.id, sale.id + 99)
    assert (err.value.code, err.value.field) == ("NOT_FOUND", "saleId")
