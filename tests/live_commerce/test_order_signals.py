"""Orders placed by a flash sale or an auction are announced like any other order
(``order.created``, once, after the commit): analytics and the interaction log count them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from app import signals
from app.commerce import auctions, flash_sales
from app.errors import UserError
from tests.live_commerce.conftest import Shop, make_user


@pytest.fixture
def created() -> Iterator[list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []

    def listener(**kwargs: Any) -> None:
        seen.append(kwargs)

    signals.connect("order.created", listener)
    yield seen
    signals.disconnect("order.created", listener)


async def test_a_flash_sale_purchase_is_announced_once(
    shop: Shop, shipping: dict[str, str], created: list[dict[str, Any]]
) -> None:
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, 999, quantity=1, per_user_limit=1
    )
    buyer = await make_user("fast@example.com")
    order = await flash_sales.buy_flash_sale(buyer, sale.id, shipping=shipping, idempotency_key="k")
    again = await flash_sales.buy_flash_sale(buyer, sale.id, shipping=shipping, idempotency_key="k")
    late = await make_user("late@example.com")
    with pytest.raises(UserError):
        await flash_sales.buy_flash_sale(late, sale.id, shipping=shipping, idempotency_key="k")
    assert again.id == order.id
    assert [(c["order_id"], c["user_id"], c["room_id"], c["source"]) for c in created] == [
        (order.id, buyer.id, shop.room.id, f"flash_sale:{sale.id}")
    ]
    assert created[0]["product_ids"] == [shop.product.id]


async def test_an_auction_win_is_announced_once(
    shop: Shop, shipping: dict[str, str], created: list[dict[str, Any]]
) -> None:
    now = auctions.utcnow()
    auction = await auctions.start_auction(
        shop.seller, shop.room.id, shop.variant.id, 1000, 250, duration_seconds=30, now=now
    )
    winner = await make_user("bidder@example.com")
    await auctions.place_bid(winner, auction.id, 1500, shipping=shipping, now=now)
    await auctions.close_due_auctions(now + timedelta(seconds=30))
    await auctions.close_due_auctions(now + timedelta(seconds=31))  # nothing left to close
    assert [(c["user_id"], c["total_cents"], c["source"]) for c in created] == [
        (winner.id, 1500, f"auction:{auction.id}")
    ]
