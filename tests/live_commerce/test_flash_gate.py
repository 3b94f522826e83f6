"""The flash-sale stock gate (app/commerce/stock_gate) in front of the database settle:
losers are answered by the gate, winners settle, and the gate always agrees with the
database once reconciled. These run with the gate the app configured (in process by
default; Redis under ``LIVEMART_TEST_BROADCAST=redis``); test_flash_gate_redis.py forces
Redis and crashes a real process between the gate and the settle."""

from __future__ import annotations

import asyncio

import pytest

from app.commerce import flash_sales, orders, stock_gate
from app.commerce.live_models import FlashSale, FlashSaleClaim
from app.commerce.models import Order, OrderStatus, Variant
from app.commerce.stock_gate import GateState, Verdict
from app.errors import UserError
from tests.live_commerce.conftest import Shop, make_user, make_users


async def gate_of(sale: FlashSale) -> GateState | None:
    return await stock_gate.read(flash_sales.gate_name(sale))


async def assert_gate_agrees(sale: FlashSale) -> GateState:
    """The gate holds exactly what the database says (remaining, units per buyer, keys)."""
    gate = await gate_of(sale)
    truth = await flash_sales.gate_state(sale.id)
    assert gate is not None, "the sale has no gate"
    assert truth is not None, "the sale has ended"
    assert (gate.remaining, gate.held, gate.keys) == (truth.remaining, truth.held, truth.keys)
    return gate


async def storm(sale: FlashSale, shipping: dict[str, str], buyers: int) -> list[object]:
    """``buyers`` buyers, every fifth tapping twice with another key, all at once."""
    users = await make_users(buyers, prefix="stormer")
    attempts = [(u, f"a-{u.id}") for u in users] + [(u, f"b-{u.id}") for u in users[::5]]
    return await asyncio.gather(
        *(
            flash_sales.buy_flash_sale(u, sale.id, 1, shipping=shipping, idempotency_key=k)
            for u, k in attempts
        ),
        return_exceptions=True,
    )


async def test_concurrent_buyers_never_oversell_and_the_gate_agrees(shop: Shop, shipping) -> None:
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, 999, quantity=30, per_user_limit=1
    )
    assert await assert_gate_agrees(sale) == GateState(remaining=30)
    results = await storm(sale, shipping, 200)
    assert not [r for r in results if not isinstance(r, Order | UserError)]
    codes = sorted({r.code for r in results if isinstance(r, UserError)})
    assert codes == ["PURCHASE_LIMIT", "SOLD_OUT"] or codes == ["SOLD_OUT"]
    bought = await Order.filter(room_id=shop.room.id, status=OrderStatus.PENDING).values_list(
        "buyer_id", flat=True
    )
    assert len(bought) == 30 and len(set(bought)) == 30
    assert (await FlashSale.get(id=sale.id)).remaining == 0
    assert (await Variant.get(id=shop.variant.id)).stock == 70
    gate = await assert_gate_agrees(sale)
    assert gate.remaining == 0 and sorted(gate.held) == sorted(bought)


async def test_sold_out_and_limit_come_from_the_gate(shop: Shop, shipping) -> None:
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, 999, quantity=2, per_user_limit=1
    )
    a, b, c = [await make_user(f"{n}@example.com") for n in "abc"]
    first = await flash_sales.buy_flash_sale(a, sale.id, shipping=shipping, idempotency_key="a1")
    # A retry with the same key is the same order, not "limit reached".
    again = await flash_sales.buy_flash_sale(a, sale.id, shipping=shipping, idempotency_key="a1")
    assert again.id == first.id
    with pytest.raises(UserError) as limit:
        await flash_sales.buy_flash_sale(a, sale.id, shipping=shipping, idempotency_key="a2")
    assert (limit.value.code, limit.value.field) == ("PURCHASE_LIMIT", "quantity")
    await flash_sales.buy_flash_sale(b, sale.id, shipping=shipping, idempotency_key="b1")
    # Sold out: the gate answers even when the sale's row says otherwise for a moment.
    await FlashSale.filter(id=sale.id).update(remaining=1)
    with pytest.raises(UserError) as sold_out:
        await flash_sales.buy_flash_sale(c, sale.id, shipping=shipping, idempotency_key="c1")
    assert sold_out.value.code == "SOLD_OUT"
    assert await FlashSaleClaim.filter(user_id=c.id).count() == 0


async def test_a_failed_settle_gives_the_unit_back(shop: Shop, shipping) -> None:
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, 999, quantity=1, per_user_limit=1
    )
    buyer, other = await make_user("a@example.com"), await make_user("b@example.com")
    with pytest.raises(UserError) as no_address:  # wins at the gate, fails in the database
        await flash_sales.buy_flash_sale(buyer, sale.id, shipping={}, idempotency_key="k")
    assert no_address.value.code == "INVALID_ADDRESS"
    assert (await assert_gate_agrees(sale)).remaining == 1
    await flash_sales.buy_flash_sale(other, sale.id, shipping=shipping, idempotency_key="k")
    assert (await assert_gate_agrees(sale)).held == {other.id: 1}


async def test_units_taken_but_never_settled_come_back_on_reconcile(shop: Shop, shipping) -> None:
    """The crash, simulated in-process: the gate took units, the settle never ran."""
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, 999, quantity=3, per_user_limit=1
    )
    lost = await make_user("lost@example.com")
    name = flash_sales.gate_name(sale)
    assert (await stock_gate.take(name, lost.id, "k", 1, 1)).verdict == Verdict.WON
    assert (await gate_of(sale)) == GateState(2, {lost.id: 1}, {(lost.id, "k")})
    assert await flash_sales.reconcile_gates() == 1
    await assert_gate_agrees(sale)
    order = await flash_sales.buy_flash_sale(lost, sale.id, shipping=shipping, idempotency_key="k")
    assert order.status == OrderStatus.PENDING
    assert (await assert_gate_agrees(sale)).remaining == 2


async def test_a_missing_gate_is_rebuilt_and_an_ended_sale_drops_it(shop: Shop, shipping) -> None:
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, 999, quantity=5, per_user_limit=2
    )
    buyer = await make_user("a@example.com")
    await flash_sales.buy_flash_sale(buyer, sale.id, shipping=shipping, idempotency_key="1")
    await stock_gate.drop(flash_sales.gate_name(sale))  # e.g. Redis lost its data
    await flash_sales.buy_flash_sale(buyer, sale.id, shipping=shipping, idempotency_key="2")
    assert (await assert_gate_agrees(sale)).held == {buyer.id: 2}
    await flash_sales.finish_sale(sale.id)
    assert await gate_of(sale) is None
    # A process still holding the live row finds no gate: it is not rebuilt for an ended sale.
    assert await flash_sales.build_gate(sale, replace=False) is False
    assert await gate_of(sale) is None
    with pytest.raises(UserError) as ended:
        await flash_sales.buy_flash_sale(buyer, sale.id, shipping=shipping, idempotency_key="3")
    assert ended.value.code == "SALE_ENDED"


async def test_a_cancelled_order_gives_its_units_back_to_the_gate(shop: Shop, shipping) -> None:
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, 999, quantity=2, per_user_limit=2
    )
    buyer = await make_user("a@example.com")
    order = await flash_sales.buy_flash_sale(
        buyer, sale.id, 2, shipping=shipping, idempotency_key="k"
    )
    assert (await assert_gate_agrees(sale)).remaining == 0
    await orders.cancel_order(buyer, order.id)
    assert await assert_gate_agrees(sale) == GateState(remaining=2)
    again = await flash_sales.buy_flash_sale(
        buyer, sale.id, 2, shipping=shipping, idempotency_key="k2"
    )
    assert again.id != order.id
