"""What each kind of notification says, built from the signal that caused it (the
queries run in the notify runtime's background task, never in the request). Texts are
message ids with values (:mod:`app.notify.texts`), shown in each reader's language."""

from __future__ import annotations

from app.accounts.models import User
from app.commerce.models import Order
from app.i18n import N_
from app.notify.models import Kind
from app.notify.services import Content
from app.notify.texts import Text, english, message
from app.rooms.models import Room, RoomStatus


def _content(title: Text, body: Text | None, url: str) -> Content:
    return Content(title=english(title), body=english(body), url=url, message=message(title, body))


def _plain(text: str) -> Text:
    """A user's own words (a room title): shown as they wrote them."""
    return "%(text)s", {"text": text}


async def _name(user_id: int) -> str:
    user = await User.get_or_none(id=user_id)
    return user.display_name if user else "?"


async def go_live(room_id: int, streamer_id: int) -> Content:
    room = await Room.get_or_none(id=room_id)
    title = (N_("%(name)s is live"), {"name": await _name(streamer_id)})
    return _content(title, _plain(room.title) if room else None, f"/rooms/{room_id}")


async def reminder(room_id: int, streamer_id: int, title: str) -> Content:
    room = await Room.get_or_none(id=room_id)
    name = await _name(streamer_id)
    if room is not None and room.status == RoomStatus.LIVE:
        heading, line = N_("Live now: %(title)s"), N_("%(name)s is live")
    else:
        heading, line = N_("Starting soon: %(title)s"), N_("%(name)s goes live in a few minutes")
    return _content((heading, {"title": title}), (line, {"name": name}), f"/rooms/{room_id}")


async def coupon_drop(room_id: int, streamer_id: int, code: str, first_n: int) -> Content:
    return _content(
        (N_("Coupon drop from %(name)s"), {"name": await _name(streamer_id)}),
        (N_("Code %(code)s for the first %(n)s in the room"), {"code": code, "n": first_n}),
        f"/rooms/{room_id}",
    )


_ORDER_TITLES = {
    Kind.ORDER_SHIPPED: N_("Your order #%(id)s is on its way"),
    Kind.ORDER_DELIVERED: N_("Your order #%(id)s was delivered"),
    Kind.ORDER_REFUNDED: N_("Your order #%(id)s was refunded"),
}


async def order(kind: Kind, order_id: int) -> Content:
    found = await Order.get_or_none(id=order_id)
    body: Text | None = None
    if found is not None and kind == Kind.ORDER_SHIPPED and found.tracking_number:
        body = (N_("Tracking number %(number)s"), {"number": found.tracking_number})
    return _content((_ORDER_TITLES[kind], {"id": order_id}), body, f"/orders/{order_id}")


def outbid(room_id: int, amount: int, currency: str) -> Content:
    return _content(
        (N_("You were outbid"), {}),
        (
            N_("The leading bid is now %(amount)s; bid again before it ends"),
            {"amount": f"{amount / 100:.2f} {currency}"},
        ),
        f"/rooms/{room_id}",
    )
