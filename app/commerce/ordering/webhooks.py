"""The card provider's signed callbacks: each event is recorded once (its id is unique),
settles the pending payment, and turns the order paid, or refunds a charge that arrived
after the order was cancelled, expired or paid otherwise (an outbox row written in the
event's transaction, sent to the provider after the commit)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app import signals
from app.commerce.models import Order, OrderStatus, Payment, PaymentStatus, WebhookEvent
from app.commerce.ordering.announcements import announce_paid, order_signal
from app.commerce.ordering.rules import now
from app.commerce.ordering.transitions import (
    count_sold,
    mark_refunded,
    order_items,
    queue_card_refund,
)
from app.errors import UserError
from app.payments import get_payments
from app.payments.webhooks import CHARGE_SUCCEEDED, parse_event, verify_signature

log = logging.getLogger("livemart.commerce.orders")


@dataclass(frozen=True)
class WebhookResult:
    """What a webhook delivery did: ``paid``, ``failed``, ``refunded`` (paid too late: the
    charge was refunded), ``duplicate`` (seen before) or ``ignored`` (nothing to do)."""

    outcome: str
    order_id: int | None = None


async def handle_payment_webhook(body: bytes, signature: str) -> WebhookResult:
    """Process a signed provider event once, however often it is delivered.

    Errors: ``INVALID_SIGNATURE``, ``INVALID_PAYLOAD`` (nothing is recorded).
    """
    if not verify_signature(body, signature):
        raise UserError("INVALID_SIGNATURE", "the signature does not match", None)
    event = parse_event(body)
    data = event["data"]
    paid: Order | None = None
    refunds: list[int] = []
    try:
        async with in_transaction() as conn:
            await WebhookEvent.create(
                provider="card",
                event_id=event["id"],
                type=event["type"],
                payload=event,
                using_db=conn,
            )
            payment = (
                await Payment.filter(provider="card", provider_ref=data["charge_id"])
                .using_db(conn)
                .first()
            )
            if payment is None or (payment.amount_cents, payment.currency) != (
                data["amount_cents"],
                data["currency"],
            ):
                log.warning("payment event %s for an unknown charge", event["id"])
                return WebhookResult("ignored")
            result, paid = await apply_charge_event(event, payment, conn, refunds)
    except IntegrityError:
        if await WebhookEvent.filter(event_id=event["id"]).exists():
            return WebhookResult("duplicate")
        raise
    await get_payments().send_after_commit(refunds)
    if paid is not None:
        await announce_paid(paid)
        await signals.emit("order.paid", **await order_signal(paid))
    return result


async def apply_charge_event(
    event: dict[str, Any], payment: Payment, conn: BaseDBAsyncClient, refunds: list[int]
) -> tuple[WebhookResult, Order | None]:
    """Settle ``payment`` from ``event`` in ``conn``'s transaction; the ids of outbox
    refunds to send after the commit are appended to ``refunds``."""
    at = now()
    order_id = payment.order_id
    if event["type"] != CHARGE_SUCCEEDED:
        failed = (
            await Payment.filter(id=payment.id, status=PaymentStatus.PENDING)
            .using_db(conn)
            .update(
                status=PaymentStatus.FAILED,
                in_flight_order_id=None,
                failure_reason=str(event["data"].get("failure_reason") or "declined")[:200],
                updated_at=at,
            )
        )
        return WebhookResult("failed" if failed else "ignored", order_id), None
    settled = (
        await Payment.filter(id=payment.id, status=PaymentStatus.PENDING)
        .using_db(conn)
        .update(status=PaymentStatus.SUCCEEDED, in_flight_order_id=None, updated_at=at)
    )
    if not settled:
        return WebhookResult("ignored", order_id), None
    # The charge was started while the order could be paid: accept it while the order
    # still holds its stock (pending), even if its time ran out a moment ago.
    updated = (
        await Order.filter(id=order_id, status=OrderStatus.PENDING)
        .using_db(conn)
        .update(status=OrderStatus.PAID, paid_at=at, payment_method="card", updated_at=at)
    )
    order = await Order.get(id=order_id, using_db=conn)
    if not updated:
        # Cancelled, expired or paid otherwise meanwhile: give the money back.
        refunds.append(await queue_card_refund(payment, conn))
        await mark_refunded(payment, conn, at)
        return WebhookResult("refunded", order_id), None
    await count_sold(await order_items(order, conn), 1, conn)
    return WebhookResult("paid", order_id), order
