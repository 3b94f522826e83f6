"""What is told once an order's transaction committed: the ``order.*`` signals' data and
the ``product.bought`` room event."""

from __future__ import annotations

from typing import Any

from app.accounts.models import User
from app.commerce.models import Order, OrderItem
from app.rooms import events

ANNOUNCED_SOURCES = ("buy_now", "cart")


async def order_signal(order: Order, products: bool = True) -> dict[str, Any]:
    """The keyword arguments of the ``order.*`` signals (see :mod:`app.signals`)."""
    data: dict[str, Any] = {
        "order_id": order.id,
        "user_id": order.buyer_id,
        "merchant_id": order.merchant_id,
        "room_id": order.room_id,
        "total_cents": order.total_cents,
        "currency": order.currency,
    }
    if products:
        rows = await OrderItem.filter(order_id=order.id).values_list("product_id", flat=True)
        data["product_ids"] = sorted(set(rows))
    return data


async def announce_paid(order: Order) -> None:
    """``product.bought`` in the order's room, after the payment committed (flash sales
    and auctions announce their own purchases)."""
    if order.room_id is None:
        return
    buyer = await User.get_or_none(id=order.buyer_id)
    name = buyer.display_name if buyer else "someone"
    for item in await OrderItem.filter(order_id=order.id, source__in=ANNOUNCED_SOURCES):
        await events.publish(
            order.room_id,
            events.ProductBought(
                product_id=item.product_id,
                user_name=name,
                quantity=item.quantity,
            ),
        )
