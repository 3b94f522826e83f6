"""The pinned product's live price: a running flash sale of it prices the card and the buy
(pages, API), and the buy charges what the card shows."""

from __future__ import annotations

import pytest

from app.commerce import flash_sales, pinned, shelf
from app.commerce.live_models import FlashSale
from app.commerce.models import Order, OrderItem, Variant
from app.errors import UserError
from tests.live_commerce.conftest import Shop, make_user


async def _pin(shop: Shop) -> None:
    await shelf.add_to_shelf(shop.seller, shop.room.id, shop.product.id)
    await shelf.pin_product(shop.seller, shop.room.id, shop.product.id)


async def test_pinned_offer_is_the_list_price_without_a_sale(shop: Shop, shipping) -> None:
    await _pin(shop)
    offer = await pinned.pinned_offer(shop.room.id)
    assert offer is not None and offer.sale is None
    assert offer.price_cents(shop.variant) == 2500
    buyer = await make_user("b@example.com")
    order = await pinned.buy_pinned(
        buyer, shop.room.id, shop.variant.id, 2, shipping=shipping, idempotency_key="k1"
    )
    assert (order.total_cents, order.room_id) == (5000, shop.room.id)


async def test_a_running_flash_sale_prices_the_pinned_card_and_the_buy(
    shop: Shop, shipping
) -> None:
    await _pin(shop)
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, price_cents=1250, quantity=5
    )
    offer = await pinned.pinned_offer(shop.room.id)
    assert offer is not None and offer.sale is not None and offer.sale.id == sale.id
    assert offer.price_cents(shop.variant) == 1250
    assert offer.default_variant() is not None and offer.default_variant().id == shop.variant.id
    buyer = await make_user("b@example.com")
    order = await pinned.buy_pinned(
        buyer, shop.room.id, shop.variant.id, 1, shipping=shipping, idempotency_key="k1"
    )
    item = await OrderItem.get(order_id=order.id)
    assert (order.total_cents, item.source) == (1250, f"flash_sale:{sale.id}")
    assert (await FlashSale.get(id=sale.id)).remaining == 4
    # Once the sale ends the card and the buy go back to the list price.
    await flash_sales.end_flash_sale(shop.seller, sale.id)
    offer = await pinned.pinned_offer(shop.room.id)
    assert offer is not None and offer.sale is None
    second = await pinned.buy_pinned(
        buyer, shop.room.id, shop.variant.id, 1, shipping=shipping, idempotency_key="k2"
    )
    assert second.total_cents == 2500


async def test_buying_what_is_not_pinned_is_refused_and_changes_nothing(
    shop: Shop, shipping
) -> None:
    buyer = await make_user("b@example.com")
    with pytest.raises(UserError) as err:
        await pinned.buy_pinned(
            buyer, shop.room.id, shop.variant.id, 1, shipping=shipping, idempotency_key="k1"
        )
    assert err.value.code == "NOT_PINNED"
    await _pin(shop)
    with pytest.raises(UserError) as err:
        await pinned.buy_pinned(
            buyer, shop.room.id, shop.variant.id, 0, shipping=shipping, idempotency_key="k1"
        )
    assert err.value.code == "INVALID_QUANTITY"
    assert await Order.all().count() == 0
    assert (await Variant.get(id=shop.variant.id)).stock == 100


async def test_buy_in_room_takes_the_flash_price_and_refuses_a_coupon_on_it(
    shop: Shop, shipping
) -> None:
    await _pin(shop)
    await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, price_cents=1250, quantity=5
    )
    buyer = await make_user("b@example.com")
    with pytest.raises(UserError) as err:
        await pinned.buy_in_room(
            buyer,
            shop.room.id,
            shop.variant.id,
            1,
            shipping=shipping,
            idempotency_key="k1",
            coupon_code="SAVE10",
        )
    assert err.value.code == "COUPON_NOT_COMBINABLE"
    order = await pinned.buy_in_room(
        buyer, shop.room.id, shop.variant.id, 1, shipping=shipping, idempotency_key="k2"
    )
    assert order.total_cents == 1250
