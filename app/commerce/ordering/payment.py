"""Paying a pending order: with coins (a ledger transfer in the same transaction as
pending → paid) or by card (a pending payment the provider settles by webhook, see
:mod:`app.commerce.ordering.webhooks`)."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app import signals
from app.accounts.models import User
from app.commerce.models import Order, OrderStatus, Payment, PaymentStatus
from app.commerce.ordering.announcements import announce_paid, order_signal
from app.commerce.ordering.queries import buyer_order
from app.commerce.ordering.rules import check_key, coins_for, invalid_transition, now
from app.commerce.ordering.transitions import count_sold, order_items, transition
from app.commerce.ordering.webhooks import handle_payment_webhook
from app.errors import UserError
from app.gifts import wallet
from app.gifts.models import EntryKind
from app.payments import get_payments
from app.payments.cards import normalize_card


def check_payable(order: Order) -> None:
    if order.status != OrderStatus.PENDING or order.expires_at <= now():
        raise invalid_transition("pay", order.status, order.expires_at <= now())


async def pay_with_coins(user: User, order_id: int, idempotency_key: str) -> Order:
    """Pay a pending order with coins: buyer → merchant in the ledger, in the same
    transaction as pending → paid. A retry with the same key returns the paid order.

    Errors: ``ORDER_EXPIRED``, ``ALREADY_PAID``, ``INVALID_TRANSITION``,
    ``INSUFFICIENT_COINS``, ``WALLET_FROZEN``; nothing changes then.
    """
    key = check_key(idempotency_key)
    order = await buyer_order(user, order_id)
    if order.status != OrderStatus.PENDING:
        earlier = await Payment.filter(
            order_id=order.id, provider="coins", idempotency_key=key
        ).exists()
        if earlier:
            return order
    check_payable(order)
    coins = coins_for(order.total_cents, order.currency)
    try:
        async with in_transaction() as conn:
            at = now()
            await transition(
                order,
                "pay",
                (OrderStatus.PENDING,),
                OrderStatus.PAID,
                conn,
                paid_at=at,
                payment_method="coins",
            )
            ref = f"coins:free:{order.id}"
            if coins > 0:
                transfer = await wallet.transfer(
                    user.id,
                    order.merchant_id,
                    coins,
                    EntryKind.ORDER_PAYMENT,
                    f"order:{order.id}",
                    f"order:{order.id}:coins",
                    connection=conn,
                )
                ref = f"coins:{transfer.transaction_id}"
            await Payment.create(
                order_id=order.id,
                provider="coins",
                provider_ref=ref,
                amount_cents=order.total_cents,
                currency=order.currency,
                coins=coins,
                status=PaymentStatus.SUCCEEDED,
                idempotency_key=key,
                using_db=conn,
            )
            await count_sold(await order_items(order, conn), 1, conn)
    except UserError as exc:
        if (
            exc.code == "ALREADY_PAID"
            and await Payment.filter(
                order_id=order.id, provider="coins", idempotency_key=key
            ).exists()
        ):
            return await Order.get(id=order.id)
        raise
    await announce_paid(order)
    await signals.emit("order.paid", **await order_signal(order))
    return await Order.get(id=order.id)


async def start_card_payment(user: User, order_id: int, card_number: str) -> Payment:
    """Start paying a pending order by card: a pending payment the provider settles by
    webhook (the order turns paid when ``charge.succeeded`` arrives). While a charge is in
    flight, starting again returns it instead of charging twice.

    Recording the charge is the in-flight check itself: the payment row carries the
    order's id in a unique column while it is pending, so of any number of racing
    requests one inserts and calls the provider; the others get its payment back.

    Errors: ``INVALID_CARD``, ``ORDER_EXPIRED``, ``ALREADY_PAID``, ``INVALID_TRANSITION``.
    """
    digits = normalize_card(card_number)
    order = await buyer_order(user, order_id)
    check_payable(order)
    in_flight = await _in_flight(order.id)
    if in_flight is not None:
        return in_flight
    payments = get_payments()
    try:
        payment = await Payment.create(
            order_id=order.id,
            provider="card",
            provider_ref=payments.new_charge_id(),
            amount_cents=order.total_cents,
            currency=order.currency,
            status=PaymentStatus.PENDING,
            card_last4=digits[-4:],
            in_flight_order_id=order.id,
        )
    except IntegrityError:
        in_flight = await _in_flight(order.id)
        if in_flight is None:  # settled between our insert and this read
            raise UserError("CONFLICT", "a payment just finished; reload the order", None) from None
        return in_flight
    await payments.start_charge(
        charge_id=payment.provider_ref,
        amount_cents=payment.amount_cents,
        currency=payment.currency,
        card_digits=digits,
        notify=handle_payment_webhook,
    )
    return payment


async def _in_flight(order_id: int) -> Payment | None:
    return await Payment.filter(in_flight_order_id=order_id).first()
