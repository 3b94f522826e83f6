"""Flash sales: stock allocation, the sale window, per-user limits, no overselling."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from app.commerce import flash_sales, orders
from app.commerce.live_models import FlashSale, FlashSaleClaim, FlashSaleState
from app.commerce.models import Order, OrderItem, OrderStatus, Variant
from app.errors import UserError
from tests.live_commerce.conftest import Shop, make_user, make_users


async def _state(shop: Shop, sale_id: int) -> tuple[int, int, int]:
    sale = await FlashSale.get(id=sale_id)
    variant = await Variant.get(id=shop.variant.id)
    orders_count = await Order.filter(room_id=shop.room.id).count()
    return sale.remaining, variant.stock, orders_count


async def test_start_allocates_stock_and_end_returns_unsold(shop: Shop, shipping) -> None:
    sale = await flash_sales.start_flash_sale(
        shop.seller,
        shop.room.id,
        shop.variant.id,
        price_cents=1500,
        quantity=30,
        per_user_limit=2,
    )
    assert (await Variant.get(id=shop.variant.id)).stock == 70
    buyer = await make_user("b@example.com")
    order = await flash_sales.buy_flash_sale(
        buyer, sale.id, 2, shipping=shipping, idempotency_key="k1"
    )
    assert order.status == OrderStatus.PENDING
    item = await OrderItem.get(order_id=order.id)
    assert (item.unit_price_cents, item.source, item.reserved) == (
        1500,
        f"flash_sale:{sale.id}",
        False,
    )
    assert order.total_cents == 3000
    ended = await flash_sales.end_flash_sale(shop.seller, sale.id)
    assert (ended.state, ended.remaining, ended.returned) == (FlashSaleState.ENDED, 0, 28)
    assert (await Variant.get(id=shop.variant.id)).stock == 98


async def test_start_needs_stock_and_changes_nothing_otherwise(shop: Shop) -> None:
    with pytest.raises(UserError) as err:
        await flash_sales.start_flash_sale(
            shop.seller, shop.room.id, shop.variant.id, price_cents=1500, quantity=101
        )
    assert err.value.code == "INSUFFICIENT_STOCK"
    assert (await Variant.get(id=shop.variant.id)).stock == 100
    assert await FlashSale.all().count() == 0
    viewer = await make_user("v@example.com")
    with pytest.raises(UserError) as err:
        await flash_sales.start_flash_sale(viewer, shop.room.id, shop.variant.id, 1500, 10)
    assert err.value.code == "FORBIDDEN"
    with pytest.raises(UserError) as err:
        await flash_sales.start_flash_sale(shop.seller, shop.room.id, shop.variant.id, 9999, 10)
    assert err.value.code == "INVALID_PRICE"


async def test_sale_window_and_typed_errors_change_nothing(shop: Shop, shipping) -> None:
    now = flash_sales.utcnow()
    sale = await flash_sales.start_flash_sale(
        shop.seller,
        shop.room.id,
        shop.variant.id,
        1500,
        10,
        per_user_limit=1,
        duration_seconds=60,
        starts_at=now + timedelta(seconds=30),
        now=now,
    )
    buyer = await make_user("b@example.com")
    before = await _state(shop, sale.id)

    async def attempt(at, key="k", quantity=1) -> str:
        try:
            await flash_sales.buy_flash_sale(
                buyer, sale.id, quantity, shipping=shipping, idempotency_key=key, now=at
            )
        except UserError as exc:
            return exc.code
        return "OK"

    assert await attempt(now) == "SALE_NOT_STARTED"
    assert await _state(shop, sale.id) == before
    assert await attempt(now + timedelta(seconds=91)) == "SALE_ENDED"
    assert await _state(shop, sale.id) == before
    assert await attempt(now + timedelta(seconds=40), quantity=2) == "PURCHASE_LIMIT"
    assert await attempt(now + timedelta(seconds=40)) == "OK"
    after_first = await _state(shop, sale.id)
    assert after_first == (9, 90, 1)
    # The same key again is the same purchase; a new key is over the limit.
    assert await attempt(now + timedelta(seconds=41)) == "OK"
    assert await attempt(now + timedelta(seconds=41), key="k2") == "PURCHASE_LIMIT"
    assert await _state(shop, sale.id) == after_first
    assert await attempt(now + timedelta(seconds=41), key="x" * 65) == "INVALID_IDEMPOTENCY_KEY"
    with pytest.raises(UserError) as err:
        await flash_sales.buy_flash_sale(
            shop.seller,
            sale.id,
            1,
            shipping=shipping,
            idempotency_key="own",
            now=now + timedelta(seconds=40),
        )
    assert err.value.code == "OWN_SALE"
    assert await _state(shop, sale.id) == after_first


async def test_bad_address_changes_nothing(shop: Shop) -> None:
    sale = await flash_sales.start_flash_sale(shop.seller, shop.room.id, shop.variant.id, 1500, 5)
    buyer = await make_user("b@example.com")
    with pytest.raises(UserError) as err:
        await flash_sales.buy_flash_sale(buyer, sale.id, 1, shipping={}, idempotency_key="k")
    assert err.value.code == "INVALID_ADDRESS"
    assert await _state(shop, sale.id) == (5, 95, 0)
    assert await FlashSaleClaim.all().count() == 0


async def test_per_user_limit_holds_under_concurrency(shop: Shop, shipping) -> None:
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, 1500, 50, per_user_limit=3
    )
    buyer = await make_user("greedy@example.com")
    results = await asyncio.gather(
        *(
            flash_sales.buy_flash_sale(
                buyer, sale.id, 1, shipping=shipping, idempotency_key=f"k{i}"
            )
            for i in range(20)
        ),
        return_exceptions=True,
    )
    won = [r for r in results if isinstance(r, Order)]
    lost = [r for r in results if not isinstance(r, Order)]
    assert len(won) == 3
    assert all(isinstance(r, UserError) and r.code == "PURCHASE_LIMIT" for r in lost), lost
    assert await FlashSaleClaim.filter(sale_id=sale.id, user_id=buyer.id).count() == 3
    assert (await FlashSale.get(id=sale.id)).remaining == 47


async def test_storm_1000_buyers_100_units(shop: Shop, shipping) -> None:
    """1,000 concurrent buyers (200 of them trying twice) for 100 units, limit 1 each."""
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, 999, quantity=100, per_user_limit=1
    )
    buyers = await make_users(1000)
    attempts = [(u, f"a-{u.id}") for u in buyers] + [(u, f"b-{u.id}") for u in buyers[::5]]

    async def buy(user, key):
        return await flash_sales.buy_flash_sale(
            user, sale.id, 1, shipping=shipping, idempotency_key=key
        )

    results = await asyncio.gather(*(buy(u, k) for u, k in attempts), return_exceptions=True)
    unexpected = [r for r in results if not isinstance(r, Order | UserError)]
    assert not unexpected, unexpected[:3]
    codes = {r.code for r in results if isinstance(r, UserError)}
    assert codes <= {"SOLD_OUT", "PURCHASE_LIMIT"}, codes
    live = await Order.filter(
        room_id=shop.room.id, status__in=[OrderStatus.PENDING, OrderStatus.PAID]
    ).values_list("buyer_id", flat=True)
    assert len(live) == 100
    assert len(set(live)) == 100, "a buyer got two units"
    assert (await FlashSale.get(id=sale.id)).remaining == 0
    assert (await Variant.get(id=shop.variant.id)).stock == 0
    assert await FlashSaleClaim.filter(sale_id=sale.id).count() == 100


async def test_cancelled_unit_goes_back_to_sale_then_to_stock(shop: Shop, shipping) -> None:
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, 1500, 2, per_user_limit=2
    )
    a = await make_user("a@example.com")
    first = await flash_sales.buy_flash_sale(a, sale.id, 2, shipping=shipping, idempotency_key="1")
    assert (await FlashSale.get(id=sale.id)).remaining == 0
    await orders.cancel_order(a, first.id)
    assert (await FlashSale.get(id=sale.id)).remaining == 2
    assert await FlashSaleClaim.filter(sale_id=sale.id).count() == 0
    # Released again (e.g. a second hook call): nothing more comes back.
    assert await flash_sales.release_units(first) == 0
    second = await flash_sales.buy_flash_sale(a, sale.id, 1, shipping=shipping, idempotency_key="2")
    await flash_sales.finish_sale(sale.id)
    assert (await Variant.get(id=shop.variant.id)).stock == 99  # 98 + 1 unsold
    await orders.expire_unpaid_orders(at=second.expires_at + timedelta(seconds=1))
    assert (await Order.get(id=second.id)).status == OrderStatus.EXPIRED
    assert (await Variant.get(id=shop.variant.id)).stock == 100
    assert (await FlashSale.get(id=sale.id)).remaining == 0


async def test_due_sales_end_by_themselves(shop: Shop) -> None:
    now = flash_sales.utcnow()
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, 1500, 10, duration_seconds=30, now=now
    )
    assert await flash_sales.end_due_sales(now + timedelta(seconds=29)) == []
    ended = await flash_sales.end_due_sales(now + timedelta(seconds=30))
    assert [s.id for s in ended] == [sale.id]
    assert (await Variant.get(id=shop.variant.id)).stock == 100
    with pytest.raises(UserError) as err:
        await flash_sales.end_flash_sale(shop.seller, sale.id)
    assert err.value.code == "SALE_ENDED"


async def test_same_key_twins_make_one_purchase(shop: Shop, shipping) -> None:
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, 1500, 20, per_user_limit=5
    )
    buyer = await make_user("twin@example.com")
    results = await asyncio.gather(
        *(
            flash_sales.buy_flash_sale(buyer, sale.id, 1, shipping=shipping, idempotency_key="same")
            for _ in range(10)
        ),
        return_exceptions=True,
    )
    assert all(isinstance(r, Order) for r in results), results
    assert len({r.id for r in results}) == 1
    assert await FlashSaleClaim.filter(sale_id=sale.id).count() == 1
    assert (await FlashSale.get(id=sale.id)).remaining == 19
    assert await Order.filter(buyer_id=buyer.id).count() == 1


async def test_key_of_a_closed_order_and_bad_quantity_change_nothing(shop: Shop, shipping) -> None:
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, 1500, 5, per_user_limit=2
    )
    buyer = await make_user("b@example.com")
    order = await flash_sales.buy_flash_sale(
        buyer, sale.id, 1, shipping=shipping, idempotency_key="k"
    )
    await orders.cancel_order(buyer, order.id)
    before = await _state(shop, sale.id)
    for quantity, key, code in ((1, "k", "IDEMPOTENCY_KEY_USED"), (0, "n", "INVALID_QUANTITY")):
        with pytest.raises(UserError) as err:
            await flash_sales.buy_flash_sale(
                buyer, sale.id, quantity, shipping=shipping, idempotency_key=key
            )
        assert err.value.code == code
    assert await _state(shop, sale.id) == before == (5, 95, 1)
    assert await FlashSaleClaim.filter(sale_id=sale.id).count() == 0
