"""Paying orders: coins through the ledger, cards through a signed, idempotent webhook;
refunds put stock and balances back."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest

from app.commerce import config, orders
from app.commerce.models import (
    Order,
    OrderStatus,
    Payment,
    PaymentStatus,
    Product,
    WebhookEvent,
)
from app.commerce.orders import OrderLine, create_order
from app.errors import UserError
from app.gifts import wallet
from app.gifts.coin_price import coins_for_cents
from app.gifts.models import LedgerEntry
from app.payments import cards, webhooks
from app.rooms import events
from tests.commerce.helpers import (
    ADDRESS,
    fund,
    live_room,
    make_merchant,
    make_product,
    make_user,
    room_events,
    stock_of,
)
from tests.support import eventually

pytestmark = pytest.mark.usefixtures("app")
CARD = cards.APPROVED_TEST_CARD


async def _setup(stock: int = 5, price: int = 1500, qty: int = 2):  # type: ignore[no-untyped-def]
    merchant = await make_merchant()
    buyer = await make_user("buyer@example.com", "Buyer")
    product, variant = await make_product(merchant, price_cents=price, stock=stock)
    order = await create_order(
        buyer, [OrderLine(variant.id, qty)], shipping=ADDRESS, idempotency_key="k"
    )
    return merchant, buyer, product, variant, order


def _event_for(payment: Payment, type_: str = webhooks.CHARGE_SUCCEEDED) -> bytes:
    return webhooks.build_event(
        payment.provider_ref, type_, payment.amount_cents, payment.currency, event_id="evt_1"
    )


async def test_webhook_delivered_three_times_pays_once(client: httpx.AsyncClient) -> None:
    """Must-show: the provider calls back three times; the order is paid once."""
    _, buyer, product, variant, order = await _setup()
    payment = await orders.start_card_payment(buyer, order.id, CARD)
    assert payment.status == PaymentStatus.PENDING and payment.card_last4 == "4242"
    body = _event_for(payment)
    headers = {webhooks.SIGNATURE_HEADER: webhooks.sign(body)}
    first = await client.post("/webhooks/payments", content=body, headers=headers)
    assert first.json() == {"ok": True, "result": "paid"}
    paid = await Order.get(id=order.id)
    again = await asyncio.gather(
        client.post("/webhooks/payments", content=body, headers=headers),
        client.post("/webhooks/payments", content=body, headers=headers),
    )
    assert [r.json()["result"] for r in again] == ["duplicate", "duplicate"]
    after = await Order.get(id=order.id)
    assert after.status == OrderStatus.PAID and after.payment_method == "card"
    assert after.paid_at == paid.paid_at and after.updated_at == paid.updated_at
    assert await WebhookEvent.all().count() == 1
    assert [p.status for p in await Payment.filter(order_id=order.id)] == [PaymentStatus.SUCCEEDED]
    assert (await Product.get(id=product.id)).sold_count == 2
    assert await stock_of(variant.id) == 3
    # A new event id for the same charge changes nothing either.
    other = webhooks.build_event(payment.provider_ref, webhooks.CHARGE_SUCCEEDED, 3000, "USD")
    result = await orders.handle_payment_webhook(other, webhooks.sign(other))
    assert result.outcome == "ignored"
    assert (await Product.get(id=product.id)).sold_count == 2


async def test_webhook_signature_and_payload_are_checked(client: httpx.AsyncClient) -> None:
    _, buyer, _, _, order = await _setup()
    payment = await orders.start_card_payment(buyer, order.id, CARD)
    body = _event_for(payment)
    forged = await client.post(
        "/webhooks/payments",
        content=body,
        headers={webhooks.SIGNATURE_HEADER: webhooks.sign(body, "another-secret-key-123")},
    )
    unsigned = await client.post("/webhooks/payments", content=body)
    tampered_body = body.replace(b"3000", b"1")
    tampered = await client.post(
        "/webhooks/payments",
        content=tampered_body,
        headers={webhooks.SIGNATURE_HEADER: webhooks.sign(body)},
    )
    junk = b'{"hello": "world"}'
    garbage = await client.post(
        "/webhooks/payments", content=junk, headers={webhooks.SIGNATURE_HEADER: webhooks.sign(junk)}
    )
    assert [r.status_code for r in (forged, unsigned, tampered, garbage)] == [401, 401, 401, 400]
    assert garbage.json()["error"] == "INVALID_PAYLOAD"
    assert await WebhookEvent.all().count() == 0
    assert (await Order.get(id=order.id)).status == OrderStatus.PENDING


async def test_declined_card_leaves_the_order_pending() -> None:
    _, buyer, _, _, order = await _setup()
    payment = await orders.start_card_payment(buyer, order.id, cards.DECLINED_TEST_CARD)
    body = webhooks.build_event(
        payment.provider_ref, webhooks.CHARGE_FAILED, payment.amount_cents, "USD", "declined"
    )
    assert (await orders.handle_payment_webhook(body, webhooks.sign(body))).outcome == "failed"
    assert (await Payment.get(id=payment.id)).status == PaymentStatus.FAILED
    assert (await Order.get(id=order.id)).status == OrderStatus.PENDING
    with pytest.raises(UserError) as err:
        await orders.start_card_payment(buyer, order.id, "1234")
    assert err.value.code == "INVALID_CARD"


async def test_simulated_provider_calls_back_by_itself() -> None:
    config.set_config(replace(config.get_config(), card_callback="auto"))
    _, buyer, _, _, order = await _setup()
    payment = await orders.start_card_payment(buyer, order.id, CARD)
    again = await orders.start_card_payment(buyer, order.id, CARD)
    assert again.id == payment.id  # one charge in flight at a time

    async def paid() -> bool:
        return (await Order.get(id=order.id)).status == OrderStatus.PAID

    await eventually(paid)
    declined = await create_order(
        buyer,
        [OrderLine((await orders.items_for_orders([order.id]))[order.id][0].variant_id, 1)],
        shipping=ADDRESS,
        idempotency_key="k2",
    )
    failing = await orders.start_card_payment(buyer, declined.id, cards.DECLINED_TEST_CARD)

    async def failed() -> bool:
        return (await Payment.get(id=failing.id)).status == PaymentStatus.FAILED

    await eventually(failed)
    assert (await Payment.get(id=failing.id)).failure_reason == "your card was declined"


async def test_paying_an_expired_order_is_refused_and_a_late_charge_is_refunded() -> None:
    """Must-show: paying an expired order is a typed error that changes nothing."""
    _, buyer, _, variant, order = await _setup()
    await fund(buyer, 100_000)
    payment = await orders.start_card_payment(buyer, order.id, CARD)
    await Order.filter(id=order.id).update(expires_at=orders.now() - timedelta(seconds=1))
    for attempt in (
        lambda: orders.pay_with_coins(buyer, order.id, "late"),
        lambda: orders.start_card_payment(buyer, order.id, CARD),
    ):
        with pytest.raises(UserError) as err:
            await attempt()
        assert err.value.code == "ORDER_EXPIRED"
    assert (await Order.get(id=order.id)).status == OrderStatus.PENDING
    assert await wallet.balance_of(buyer.id) == 100_000
    assert await orders.expire_unpaid_orders() == 1
    assert await stock_of(variant.id) == 5
    with pytest.raises(UserError) as err:
        await orders.pay_with_coins(buyer, order.id, "later")
    assert err.value.code == "ORDER_EXPIRED"
    # The charge started in time succeeds now: the money goes back, the order stays expired.
    body = _event_for(payment)
    assert (await orders.handle_payment_webhook(body, webhooks.sign(body))).outcome == "refunded"
    assert (await Payment.get(id=payment.id)).status == PaymentStatus.REFUNDED
    assert (await Order.get(id=order.id)).status == OrderStatus.EXPIRED
    assert await stock_of(variant.id) == 5


async def test_pay_with_coins_and_refund_put_everything_back() -> None:
    """Must-show: refund → stock and balances back, the ledger balanced."""
    merchant, buyer, product, variant, order = await _setup(price=1500, qty=2)
    cost = coins_for_cents(3000)  # at the coin rate (app.gifts.coin_price)
    await fund(buyer, 5000)
    paid = await orders.pay_with_coins(buyer, order.id, "pay-1")
    assert paid.status == OrderStatus.PAID and paid.payment_method == "coins"
    assert await wallet.balance_of(buyer.id) == 5000 - cost
    assert await wallet.balance_of(merchant.id) == cost
    replay = await orders.pay_with_coins(buyer, order.id, "pay-1")
    assert replay.id == order.id and await wallet.balance_of(buyer.id) == 5000 - cost
    assert (await Product.get(id=product.id)).sold_count == 2
    assert await stock_of(variant.id) == 3
    refunded = await orders.refund_order(merchant, order.id)
    assert refunded.status == OrderStatus.REFUNDED and refunded.refunded_at
    assert await wallet.balance_of(buyer.id) == 5000
    assert await wallet.balance_of(merchant.id) == 0
    assert await stock_of(variant.id) == 5
    assert (await Product.get(id=product.id)).sold_count == 0
    assert (await Payment.get(order_id=order.id)).status == PaymentStatus.REFUNDED
    assert await wallet.audit() == []
    # Refunding twice is a typed error that changes nothing.
    entries = await LedgerEntry.all().count()
    with pytest.raises(UserError) as err:
        await orders.refund_order(merchant, order.id)
    assert err.value.code == "INVALID_TRANSITION"
    assert "already refunded" in err.value.message
    assert await LedgerEntry.all().count() == entries
    assert await stock_of(variant.id) == 5 and await wallet.balance_of(buyer.id) == 5000


async def test_concurrent_coin_payments_charge_once() -> None:
    merchant, buyer, _, _, order = await _setup(price=1000, qty=1)
    cost = coins_for_cents(1000)
    await fund(buyer, 5000)
    results = await asyncio.gather(
        orders.pay_with_coins(buyer, order.id, "a"),
        orders.pay_with_coins(buyer, order.id, "b"),
        return_exceptions=True,
    )
    assert sum(isinstance(r, Order) for r in results) == 1
    assert [r.code for r in results if isinstance(r, UserError)] == ["ALREADY_PAID"]
    assert await wallet.balance_of(buyer.id) == 5000 - cost
    assert await wallet.balance_of(merchant.id) == cost
    assert await wallet.audit() == []


async def test_insufficient_coins_and_spent_coins_change_nothing() -> None:
    merchant, buyer, _, variant, order = await _setup(price=1000, qty=1)
    cost = coins_for_cents(1000)
    await fund(buyer, cost - 1)
    with pytest.raises(UserError) as err:
        await orders.pay_with_coins(buyer, order.id, "pay")
    assert err.value.code == "INSUFFICIENT_COINS"
    assert (await Order.get(id=order.id)).status == OrderStatus.PENDING
    assert await Payment.all().count() == 0 and await wallet.balance_of(buyer.id) == cost - 1
    await fund(buyer, 1)
    await orders.pay_with_coins(buyer, order.id, "pay")
    # The merchant spends the coins; the refund cannot take them back.
    fan = await make_user("fan@example.com", "Fan")
    from app.gifts.models import EntryKind

    await wallet.transfer(merchant.id, fan.id, 600, EntryKind.GIFT_SENT, "gift:test")
    with pytest.raises(UserError) as err:
        await orders.refund_order(merchant, order.id)
    assert err.value.code == "INSUFFICIENT_COINS"
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    assert await stock_of(variant.id) == 4
    assert await wallet.balance_of(buyer.id) == 0
    assert await wallet.audit() == []


async def test_card_refund_and_product_bought_event() -> None:
    merchant = await make_merchant()
    buyer = await make_user("buyer@example.com", "Buyer")
    room = await live_room(merchant)
    product, variant = await make_product(merchant, stock=3, room_id=room.id)
    order = await create_order(
        buyer,
        [OrderLine(variant.id, 1)],
        shipping=ADDRESS,
        idempotency_key="k",
        room_id=room.id,
    )
    payment = await orders.start_card_payment(buyer, order.id, CARD)
    async with room_events(room.id) as log:
        body = _event_for(payment)
        await orders.handle_payment_webhook(body, webhooks.sign(body))
    assert log.of(events.PRODUCT_BOUGHT) == [
        {"product_id": product.id, "user_name": "Buyer", "quantity": 1}
    ]
    await orders.ship_order(merchant, order.id, "TRACK-123")
    refunded = await orders.refund_order(merchant, order.id)
    assert refunded.status == OrderStatus.REFUNDED
    assert (await Payment.get(id=payment.id)).status == PaymentStatus.REFUNDED
    assert await stock_of(variant.id) == 3
