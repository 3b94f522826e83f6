"""What each kind of notification says, built from the signal that caused it (the
queries run in the notify runtime's background task, never in the request)."""

from __future__ import annotations

from app.accounts.models import User
from app.commerce.models import Order
from app.notify.models import Kind
from app.notify.services import Content
from app.rooms.models import Room, RoomStatus


async def _name(user_id: int) -> str:
    user = await User.get_or_none(id=user_id)
    return user.display_name if user else "A streamer"


async def go_live(room_id: int, streamer_id: int) -> Content:
    room = await Room.get_or_none(id=room_id)
    return Content(
        title=f"{await _name(streamer_id)} is live",
        body=room.title if room else "",
        url=f"/rooms/{room_id}",
    )


async def reminder(room_id: int, streamer_id: int, title: str) -> Content:
    room = await Room.get_or_none(id=room_id)
    live = room is not None and room.status == RoomStatus.LIVE
    return Content(
        title=f"{'Live now' if live else 'Starting soon'}: {title}",
        body=f"{await _name(streamer_id)} {'is live' if live else 'goes live in a few minutes'}",
        url=f"/rooms/{room_id}",
    )


async def coupon_drop(room_id: int, streamer_id: int, code: str, first_n: int) -> Content:
    return Content(
        title=f"Coupon drop from {await _name(streamer_id)}",
        body=f"Code {code} for the first {first_n} in the room",
        url=f"/rooms/{room_id}",
    )


_ORDER_WORDS = {
    Kind.ORDER_SHIPPED: "is on its way",
    Kind.ORDER_DELIVERED: "was delivered",
    Kind.ORDER_REFUNDED: "was refunded",
}


async def order(kind: Kind, order_id: int) -> Content:
    found = await Order.get_or_none(id=order_id)
    body = ""
    if found is not None and kind == Kind.ORDER_SHIPPED and found.tracking_number:
        body = f"Tracking number {found.tracking_number}"
    return Content(
        title=f"Your order #{order_id} {_ORDER_WORDS[kind]}",
        body=body,
        url=f"/orders/{order_id}",
    )


def outbid(room_id: int, amount: int, currency: str) -> Content:
    return Content(
        title="You were outbid",
        body=f"The leading bid is now {amount / 100:.2f} {currency}; bid again before it ends",
        url=f"/rooms/{room_id}",
    )
