"""Order state changes after placing: cancel, expire, ship, deliver, complete, refund.

Every transition is one conditional ``UPDATE orders SET status = … WHERE id = … AND
status IN (…)`` inside the transaction that does its side effects, so a transition
happens at most once however requests race, and an invalid one is a typed user error
that changes nothing. Cancelled, expired and refunded orders give back what they held
(:func:`release`): reserved stock, the coupon use, and the flash-sale / auction units
(:func:`app.commerce.flash_sales.release_units`, called directly).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from app import signals
from app.accounts.models import User
from app.commerce import coupons, flash_sales
from app.commerce.models import (
    Order,
    OrderItem,
    OrderStatus,
    Payment,
    PaymentStatus,
    Product,
    Variant,
)
from app.commerce.ordering.announcements import order_signal
from app.commerce.ordering.queries import get_order, is_admin, merchant_order
from app.commerce.ordering.rules import REFUNDABLE, TRACKING_RE, invalid_transition, now
from app.errors import PermissionDenied, UserError
from app.gifts import wallet
from app.gifts.models import EntryKind
from app.payments import get_payments

log = logging.getLogger("livemart.commerce.orders")


async def transition(
    order: Order,
    action: str,
    sources: tuple[OrderStatus, ...],
    target: OrderStatus,
    conn: BaseDBAsyncClient,
    **changes: Any,
) -> None:
    """Move ``order`` from one of ``sources`` to ``target`` or raise (changing nothing)."""
    at = now()
    query = Order.filter(id=order.id, status__in=list(sources))
    if action == "pay":
        query = query.filter(expires_at__gt=at)
    updated = await query.using_db(conn).update(status=target, updated_at=at, **changes)
    if not updated:
        current = await Order.get(id=order.id, using_db=conn)
        expired = current.status == OrderStatus.PENDING and current.expires_at <= at
        raise invalid_transition(action, current.status, expired)
    order.status = target
    for name, value in changes.items():
        setattr(order, name, value)


async def order_items(order: Order, conn: BaseDBAsyncClient) -> list[OrderItem]:
    return await OrderItem.filter(order_id=order.id).using_db(conn).order_by("variant_id")


async def restock(items: list[OrderItem], conn: BaseDBAsyncClient) -> None:
    for item in items:
        if item.reserved:
            variant_id = item.variant_id
            await (
                Variant.filter(id=variant_id)
                .using_db(conn)
                .update(stock=F("stock") + item.quantity)
            )


async def count_sold(items: list[OrderItem], sign: int, conn: BaseDBAsyncClient) -> None:
    per_product: dict[int, int] = {}
    for item in items:
        pid = item.product_id
        per_product[pid] = per_product.get(pid, 0) + item.quantity
    for pid in sorted(per_product):
        quantity = per_product[pid]
        query = Product.filter(id=pid)
        if sign < 0:
            query = query.filter(sold_count__gte=quantity)
        await query.using_db(conn).update(sold_count=F("sold_count") + sign * quantity)


async def release(order: Order, conn: BaseDBAsyncClient) -> list[OrderItem]:
    """Give back what an order held: its reserved stock, its coupon use, and the units
    live commerce allocated itself (flash sales, auctions), in the caller's transaction."""
    items = await order_items(order, conn)
    await restock(items, conn)
    await coupons.release(order, conn)
    await flash_sales.release_units(order, using_db=conn)
    return items


async def cancel_order(actor: User, order_id: int) -> Order:
    """Cancel an unpaid order (its buyer, merchant or an admin); the stock goes back.
    A paid order is refunded instead (:func:`refund_order`)."""
    order = await get_order(actor, order_id)
    async with in_transaction() as conn:
        await transition(
            order,
            "cancel",
            (OrderStatus.PENDING,),
            OrderStatus.CANCELLED,
            conn,
            cancelled_at=now(),
        )
        await release(order, conn)
    await signals.emit(
        "order.cancelled",
        order_id=order.id,
        user_id=order.buyer_id,
        room_id=order.room_id,
    )
    return await Order.get(id=order.id)


async def expire_unpaid_orders(at: datetime | None = None, batch: int = 200) -> int:
    """Expire pending orders whose ``expires_at`` passed, giving their stock and coupon
    uses back; returns how many expired. The app runs this every few seconds."""
    at = at or now()
    expired = 0
    while True:
        ids = (
            await Order.filter(status=OrderStatus.PENDING, expires_at__lte=at)
            .order_by("expires_at", "id")
            .limit(batch)
            .values_list("id", flat=True)
        )
        if not ids:
            return expired
        for order_id in ids:
            try:
                async with in_transaction() as conn:
                    updated = (
                        await Order.filter(
                            id=order_id, status=OrderStatus.PENDING, expires_at__lte=at
                        )
                        .using_db(conn)
                        .update(status=OrderStatus.EXPIRED, cancelled_at=at, updated_at=at)
                    )
                    if not updated:
                        continue
                    order = await Order.get(id=order_id, using_db=conn)
                    await release(order, conn)
                expired += 1
                await signals.emit(
                    "order.cancelled",
                    order_id=order.id,
                    user_id=order.buyer_id,
                    room_id=order.room_id,
                )
            except Exception:
                log.exception("could not expire order %s", order_id)
        if len(ids) < batch:
            return expired


async def ship_order(merchant: User, order_id: int, tracking: str) -> Order:
    """The merchant ships a paid order with a tracking number."""
    order = await merchant_order(merchant, order_id)
    tracking = " ".join((tracking or "").split())
    if not TRACKING_RE.match(tracking):
        raise UserError(
            "INVALID_TRACKING", "a tracking number is 4 to 64 letters and digits", "tracking"
        )
    async with in_transaction() as conn:
        await transition(
            order,
            "ship",
            (OrderStatus.PAID,),
            OrderStatus.SHIPPED,
            conn,
            tracking_number=tracking,
            shipped_at=now(),
        )
    await signals.emit("order.shipped", **await order_signal(order, products=False))
    return await Order.get(id=order.id)


async def mark_delivered(actor: User, order_id: int) -> Order:
    """The merchant (or an admin) marks a shipped order delivered."""
    order = await merchant_order(actor, order_id)
    async with in_transaction() as conn:
        await transition(
            order,
            "deliver",
            (OrderStatus.SHIPPED,),
            OrderStatus.DELIVERED,
            conn,
            delivered_at=now(),
        )
    await signals.emit("order.delivered", **await order_signal(order, products=False))
    return await Order.get(id=order.id)


async def complete_order(actor: User, order_id: int) -> Order:
    """The buyer (or an admin) confirms a delivered order: it is completed."""
    order = await get_order(actor, order_id)
    if order.buyer_id != actor.id and not is_admin(actor):
        raise PermissionDenied("only the buyer can confirm receipt")
    async with in_transaction() as conn:
        await transition(
            order,
            "complete",
            (OrderStatus.DELIVERED,),
            OrderStatus.COMPLETED,
            conn,
            completed_at=now(),
        )
    return await Order.get(id=order.id)


async def queue_card_refund(payment: Payment, conn: BaseDBAsyncClient) -> int:
    """The outbox row (written in ``conn``'s transaction, sent after the commit) that gives
    a card payment's whole amount back; its id, for ``send_after_commit``."""
    row = await get_payments().refund_after_commit(
        conn,
        charge_id=payment.provider_ref,
        amount_cents=payment.amount_cents,
        currency=payment.currency,
        idempotency_key=f"refund:payment:{payment.id}",
    )
    return row.id


async def mark_refunded(payment: Payment, conn: BaseDBAsyncClient, at: datetime) -> None:
    await (
        Payment.filter(id=payment.id)
        .using_db(conn)
        .update(status=PaymentStatus.REFUNDED, refunded_at=at, updated_at=at)
    )


async def refund_order(actor: User, order_id: int) -> Order:
    """The merchant (or an admin) refunds a paid order in full: the stock goes back, the
    coins go back to the buyer (a reversing ledger transfer) or the card is refunded (an
    outbox row written in this transaction, sent to the provider after the commit).

    Errors: ``INVALID_TRANSITION`` (not paid, or already refunded), ``INSUFFICIENT_COINS``
    (the merchant no longer holds the coins); nothing changes then.
    """
    order = await merchant_order(actor, order_id)
    refunds: list[int] = []
    async with in_transaction() as conn:
        at = now()
        await transition(order, "refund", REFUNDABLE, OrderStatus.REFUNDED, conn, refunded_at=at)
        items = await release(order, conn)
        await count_sold(items, -1, conn)
        payment = (
            await Payment.filter(order_id=order.id, status=PaymentStatus.SUCCEEDED)
            .using_db(conn)
            .first()
        )
        if payment is not None:
            if payment.provider == "coins" and payment.coins > 0:
                txid = payment.provider_ref.removeprefix("coins:")
                await wallet.reverse(
                    txid, f"refund:order:{order.id}", kind=EntryKind.REFUND, connection=conn
                )
            elif payment.provider == "card":
                refunds.append(await queue_card_refund(payment, conn))
            await mark_refunded(payment, conn, at)
    await get_payments().send_after_commit(refunds)
    await signals.emit("order.refunded", **await order_signal(order, products=False))
    return await Order.get(id=order.id)
