"""Placing orders (stock reserved, idempotent), expiring them, and checked transitions."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from tortoise.transactions import in_transaction

from app.commerce import cart, catalog, orders
from app.commerce.models import Order, OrderItem, OrderStatus, Variant
from app.commerce.orders import OrderLine, create_order, expire_unpaid_orders
from app.errors import UserError
from tests.commerce.helpers import (
    ADDRESS,
    fund,
    live_room,
    make_merchant,
    make_product,
    make_user,
    stock_of,
)

pytestmark = pytest.mark.usefixtures("app")


async def _snapshot(variant_id: int) -> tuple[int, int, int]:
    return await stock_of(variant_id), await Order.all().count(), await OrderItem.all().count()


async def test_create_order_reserves_stock_and_prices_lines() -> None:
    merchant = await make_merchant()
    buyer = await make_user("buyer@example.com", "Buyer")
    _, variant = await make_product(merchant, price_cents=1250, stock=5)
    order = await create_order(
        buyer, [OrderLine(variant.id, 2)], shipping=ADDRESS, idempotency_key="k1"
    )
    assert order.status == OrderStatus.PENDING
    assert (order.subtotal_cents, order.total_cents, order.currency) == (2500, 2500, "USD")
    assert order.merchant_id == merchant.id  # type: ignore[attr-defined]
    assert order.shipping["country"] == "US"
    assert order.expires_at > orders.now() + timedelta(minutes=14)
    assert await stock_of(variant.id) == 3
    items = await OrderItem.filter(order_id=order.id)
    assert [(i.quantity, i.unit_price_cents, i.source, i.reserved) for i in items] == [
        (2, 1250, "buy_now", True)
    ]


async def test_out_of_stock_changes_nothing() -> None:
    merchant = await make_merchant()
    buyer = await make_user("buyer@example.com", "Buyer")
    _, scarf = await make_product(merchant, stock=5)
    _, hat = await make_product(merchant, title="Hat", stock=1)
    before_scarf, before_hat = await stock_of(scarf.id), await stock_of(hat.id)
    with pytest.raises(UserError) as err:
        await create_order(
            buyer,
            [OrderLine(scarf.id, 2), OrderLine(hat.id, 2)],
            shipping=ADDRESS,
            idempotency_key="k1",
        )
    assert err.value.code == "OUT_OF_STOCK"
    assert (await stock_of(scarf.id), await stock_of(hat.id)) == (before_scarf, before_hat)
    assert await Order.all().count() == 0


async def test_concurrent_buyers_never_oversell() -> None:
    merchant = await make_merchant()
    _, variant = await make_product(merchant, stock=3)
    buyers = [await make_user(f"b{i}@example.com", f"Buyer {i}") for i in range(6)]

    async def attempt(buyer):  # type: ignore[no-untyped-def]
        try:
            return await create_order(
                buyer, [OrderLine(variant.id, 1)], shipping=ADDRESS, idempotency_key="k"
            )
        except UserError as exc:
            return exc.code

    results = await asyncio.gather(*(attempt(b) for b in buyers))
    assert sum(isinstance(r, Order) for r in results) == 3
    assert sorted(r for r in results if isinstance(r, str)) == ["OUT_OF_STOCK"] * 3
    assert await stock_of(variant.id) == 0


async def test_same_idempotency_key_places_one_order() -> None:
    merchant = await make_merchant()
    buyer = await make_user("buyer@example.com", "Buyer")
    _, variant = await make_product(merchant, stock=10)
    first = await create_order(
        buyer, [OrderLine(variant.id, 2)], shipping=ADDRESS, idempotency_key="same"
    )
    again = await create_order(
        buyer, [OrderLine(variant.id, 2)], shipping=ADDRESS, idempotency_key="same"
    )
    racing = await asyncio.gather(
        *(
            create_order(
                buyer, [OrderLine(variant.id, 1)], shipping=ADDRESS, idempotency_key="race"
            )
            for _ in range(3)
        )
    )
    assert again.id == first.id
    assert len({o.id for o in racing}) == 1
    assert await Order.all().count() == 2
    assert await stock_of(variant.id) == 10 - 2 - 1


async def test_invalid_orders_are_typed_errors() -> None:
    merchant = await make_merchant()
    other = await make_merchant("other@example.com", "Other")
    buyer = await make_user("buyer@example.com", "Buyer")
    _, mine = await make_product(merchant)
    _, theirs = await make_product(other, sku="X-1")
    _, euros = await make_product(merchant, title="Euro thing", sku="EUR-1", currency="EUR")
    cases = [
        ([OrderLine(mine.id, 1), OrderLine(theirs.id, 1)], buyer, ADDRESS, "MIXED_MERCHANTS"),
        ([OrderLine(mine.id, 1), OrderLine(euros.id, 1)], buyer, ADDRESS, "MIXED_CURRENCIES"),
        ([OrderLine(mine.id, 0)], buyer, ADDRESS, "INVALID_QUANTITY"),
        ([OrderLine(mine.id, 1)], merchant, ADDRESS, "OWN_PRODUCT"),
        ([OrderLine(999_999, 1)], buyer, ADDRESS, "NOT_FOUND"),
        ([], buyer, ADDRESS, "EMPTY_ORDER"),
        ([OrderLine(mine.id, 1)], buyer, {**ADDRESS, "country": "USA"}, "INVALID_ADDRESS"),
        ([OrderLine(mine.id, 1, source="bogus source")], buyer, ADDRESS, "INVALID_SOURCE"),
    ]
    for lines, who, address, code in cases:
        with pytest.raises(UserError) as err:
            await create_order(who, lines, shipping=address, idempotency_key="k")
        assert err.value.code == code, lines
    await catalog.update_variant(merchant, mine.id, is_active=False)
    with pytest.raises(UserError) as err:
        await create_order(buyer, [OrderLine(mine.id, 1)], shipping=ADDRESS, idempotency_key="k")
    assert err.value.code == "UNAVAILABLE"
    room = await live_room(other)
    with pytest.raises(UserError) as err:
        await create_order(
            buyer,
            [OrderLine(euros.id, 1)],
            shipping=ADDRESS,
            idempotency_key="k",
            room_id=room.id,
        )
    assert err.value.code == "INVALID_ROOM"
    assert await Order.all().count() == 0
    assert await stock_of(theirs.id) == 10


async def test_create_order_inside_callers_transaction() -> None:
    """The contract live commerce uses: a price override, units it allocated itself, and
    the caller's transaction deciding."""
    merchant = await make_merchant()
    buyer = await make_user("buyer@example.com", "Buyer")
    _, variant = await make_product(merchant, price_cents=2000, stock=4)
    with pytest.raises(RuntimeError):
        async with in_transaction() as conn:
            await create_order(
                buyer,
                [OrderLine(variant.id, 1, unit_price=500, source="flash_sale:1")],
                shipping=ADDRESS,
                idempotency_key="fs-1",
                using_db=conn,
            )
            raise RuntimeError("the caller changes its mind")
    assert await Order.all().count() == 0 and await stock_of(variant.id) == 4
    async with in_transaction() as conn:
        await Variant.filter(id=variant.id).using_db(conn).update(stock=3)  # caller allocates
        order = await create_order(
            buyer,
            [OrderLine(variant.id, 1, 500, "auction:7", reserve_stock=False)],
            shipping=ADDRESS,
            idempotency_key="auction-7",
            using_db=conn,
        )
    assert order.total_cents == 500
    assert await stock_of(variant.id) == 3
    item = await OrderItem.get(order_id=order.id)
    assert (item.source, item.reserved, item.unit_price_cents) == ("auction:7", False, 500)


async def test_cancelling_restocks_only_the_units_the_order_reserved() -> None:
    """Lines the caller allocated itself (``reserve_stock=False``) are given back by
    live commerce (flash sales, auctions), not restocked by the orders code."""
    merchant = await make_merchant()
    buyer = await make_user("buyer@example.com", "Buyer")
    _, variant = await make_product(merchant, stock=4)
    order = await create_order(
        buyer,
        [OrderLine(variant.id, 1), OrderLine(variant.id, 1, 100, "flash_sale:3", False)],
        shipping=ADDRESS,
        idempotency_key="k",
    )
    assert await stock_of(variant.id) == 3
    await orders.cancel_order(buyer, order.id)
    assert await stock_of(variant.id) == 4  # only the reserved unit came back here


async def test_expire_unpaid_orders_gives_stock_back() -> None:
    merchant = await make_merchant()
    buyer = await make_user("buyer@example.com", "Buyer")
    _, variant = await make_product(merchant, stock=5)
    old = await create_order(
        buyer, [OrderLine(variant.id, 2)], shipping=ADDRESS, idempotency_key="a"
    )
    paid = await create_order(
        buyer, [OrderLine(variant.id, 1)], shipping=ADDRESS, idempotency_key="b"
    )
    await fund(buyer, 10_000)
    await orders.pay_with_coins(buyer, paid.id, "pay-b")
    assert await stock_of(variant.id) == 2
    assert await expire_unpaid_orders(orders.now()) == 0
    later = orders.now() + timedelta(minutes=16)
    assert await expire_unpaid_orders(later) == 1
    assert await expire_unpaid_orders(later) == 0
    assert (await Order.get(id=old.id)).status == OrderStatus.EXPIRED
    assert (await Order.get(id=paid.id)).status == OrderStatus.PAID
    assert await stock_of(variant.id) == 4


async def test_full_lifecycle_and_invalid_transitions_change_nothing() -> None:
    merchant = await make_merchant()
    buyer = await make_user("buyer@example.com", "Buyer")
    stranger = await make_user("x@example.com", "Stranger")
    _, variant = await make_product(merchant, stock=5)
    await fund(buyer, 10_000)
    order = await create_order(
        buyer, [OrderLine(variant.id, 1)], shipping=ADDRESS, idempotency_key="k"
    )

    async def refused(code: str, action) -> None:  # type: ignore[no-untyped-def]
        before = await Order.get(id=order.id)
        stock = await stock_of(variant.id)
        with pytest.raises(UserError) as err:
            await action()
        assert err.value.code == code
        after = await Order.get(id=order.id)
        assert (after.status, after.updated_at, after.tracking_number) == (
            before.status,
            before.updated_at,
            before.tracking_number,
        )
        assert await stock_of(variant.id) == stock

    await refused("INVALID_TRANSITION", lambda: orders.ship_order(merchant, order.id, "TRACK-1"))
    await refused("INVALID_TRANSITION", lambda: orders.refund_order(merchant, order.id))
    await refused("INVALID_TRANSITION", lambda: orders.complete_order(buyer, order.id))
    await refused("NOT_FOUND", lambda: orders.cancel_order(stranger, order.id))
    await refused("FORBIDDEN", lambda: orders.ship_order(buyer, order.id, "TRACK-1"))
    await orders.pay_with_coins(buyer, order.id, "pay")
    await refused("ALREADY_PAID", lambda: orders.pay_with_coins(buyer, order.id, "other-key"))
    await refused("INVALID_TRANSITION", lambda: orders.cancel_order(buyer, order.id))
    await refused("INVALID_TRACKING", lambda: orders.ship_order(merchant, order.id, "x"))
    shipped = await orders.ship_order(merchant, order.id, "1Z 999 AA1")
    assert (shipped.status, shipped.tracking_number) == (OrderStatus.SHIPPED, "1Z 999 AA1")
    await refused("INVALID_TRANSITION", lambda: orders.ship_order(merchant, order.id, "TRACK-2"))
    await refused("FORBIDDEN", lambda: orders.mark_delivered(buyer, order.id))
    delivered = await orders.mark_delivered(merchant, order.id)
    assert delivered.status == OrderStatus.DELIVERED and delivered.delivered_at
    await refused("FORBIDDEN", lambda: orders.complete_order(merchant, order.id))
    completed = await orders.complete_order(buyer, order.id)
    assert completed.status == OrderStatus.COMPLETED and completed.completed_at


async def test_cancel_gives_stock_back_and_only_once() -> None:
    merchant = await make_merchant()
    buyer = await make_user("buyer@example.com", "Buyer")
    _, variant = await make_product(merchant, stock=5)
    order = await create_order(
        buyer, [OrderLine(variant.id, 3)], shipping=ADDRESS, idempotency_key="k"
    )
    results = await asyncio.gather(
        orders.cancel_order(buyer, order.id),
        orders.cancel_order(merchant, order.id),
        return_exceptions=True,
    )
    assert sum(isinstance(r, Order) for r in results) == 1
    assert [r.code for r in results if isinstance(r, UserError)] == ["INVALID_TRANSITION"]
    assert await stock_of(variant.id) == 5


async def test_cart_checkout_splits_by_merchant_all_or_nothing() -> None:
    shop = await make_merchant()
    other = await make_merchant("other@example.com", "Other")
    buyer = await make_user("buyer@example.com", "Buyer")
    _, scarf = await make_product(shop, stock=5, price_cents=1000)
    _, hat = await make_product(shop, title="Hat", stock=5, price_cents=500)
    _, mug = await make_product(other, title="Mug", stock=1, price_cents=700, sku="MUG")
    await cart.add_to_cart(buyer, scarf.id, 2)
    await cart.add_to_cart(buyer, hat.id, 1)
    await cart.add_to_cart(buyer, mug.id, 2)  # more than in stock
    with pytest.raises(UserError) as err:
        await cart.checkout(buyer, shipping=ADDRESS, idempotency_key="c1")
    assert err.value.code == "OUT_OF_STOCK"
    assert await Order.all().count() == 0 and await stock_of(scarf.id) == 5
    assert len(await cart.cart_lines(buyer)) == 3
    await cart.set_cart_quantity(buyer, mug.id, 1)
    placed = await cart.checkout(buyer, shipping=ADDRESS, idempotency_key="c1")
    assert sorted((o.merchant_id, o.total_cents) for o in placed) == sorted(  # type: ignore[attr-defined]
        [(shop.id, 2500), (other.id, 700)]
    )
    assert await cart.cart_lines(buyer) == []
    again = await cart.checkout(buyer, shipping=ADDRESS, idempotency_key="c1")
    assert [o.id for o in again] == sorted(o.id for o in placed)
    assert (await stock_of(scarf.id), await stock_of(hat.id), await stock_of(mug.id)) == (3, 4, 0)
    with pytest.raises(UserError) as err:
        await cart.checkout(buyer, shipping=ADDRESS, idempotency_key="c2")
    assert err.value.code == "EMPTY_CART"
