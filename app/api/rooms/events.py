"""The ``RoomEvent`` union: every room event (``app.rooms.events``) as a GraphQL type.

Each type is plain data built from the typed event and its envelope alone (never from who
is asking, never from the database): no field has a resolver of its own, so one execution
per distinct operation can be shared by every subscriber of that operation
(``app.api.ws``). ``tests/api/test_room_event_types.py`` holds every type to that.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

import strawberry

from app.api.ids import encode_id
from app.events import Event
from app.events.payload import Payload
from app.rooms import events as ev


def _gid(type_name: str, value: int) -> strawberry.ID:
    return strawberry.ID(encode_id(type_name, value))


def _maybe_gid(type_name: str, value: int | None) -> strawberry.ID | None:
    return None if value is None else _gid(type_name, value)


@strawberry.type
class ChatMessageEvent:
    event_id: str
    at: datetime
    message_id: strawberry.ID
    user_id: strawberry.ID
    user_name: str
    badge: str
    text: str


@strawberry.type
class MessageDeletedEvent:
    event_id: str
    at: datetime
    message_id: strawberry.ID


@strawberry.type(description="Likes since the last burst (one per room per ~250 ms).")
class LikeBurstEvent:
    event_id: str
    at: datetime
    count: int
    total: int


@strawberry.type
class GiftEvent:
    event_id: str
    at: datetime
    user_id: strawberry.ID
    user_name: str
    gift_id: strawberry.ID
    gift_name: str
    quantity: int
    coins: int


@strawberry.type
class LeaderboardEntryEvent:
    user_id: strawberry.ID
    user_name: str
    coins: int


@strawberry.type
class LeaderboardEvent:
    event_id: str
    at: datetime
    entries: list[LeaderboardEntryEvent]


@strawberry.type
class ViewerCountEvent:
    event_id: str
    at: datetime
    count: int
    peak: int


@strawberry.type
class RoomStatusEvent:
    event_id: str
    at: datetime
    status: str
    media_state: str


@strawberry.type
class UserMutedEvent:
    event_id: str
    at: datetime
    user_id: strawberry.ID
    until: datetime | None


@strawberry.type
class UserBannedEvent:
    event_id: str
    at: datetime
    user_id: strawberry.ID


@strawberry.type
class SlowModeEvent:
    event_id: str
    at: datetime
    seconds: int


@strawberry.type
class ProductPinnedEvent:
    event_id: str
    at: datetime
    product_id: strawberry.ID | None
    pinned: bool


@strawberry.type
class ProductBuyingEvent:
    event_id: str
    at: datetime
    product_id: strawberry.ID | None
    count: int


@strawberry.type
class ProductBoughtEvent:
    event_id: str
    at: datetime
    product_id: strawberry.ID | None
    user_name: str
    quantity: int


@strawberry.type
class FlashSaleEvent:
    event_id: str
    at: datetime
    sale_id: strawberry.ID
    product_id: strawberry.ID | None
    state: str
    price: int
    remaining: int
    ends_at: datetime | None


@strawberry.type
class CouponDropEvent:
    event_id: str
    at: datetime
    coupon_id: strawberry.ID
    code: str
    remaining: int
    ends_at: datetime | None


@strawberry.type
class AuctionEvent:
    event_id: str
    at: datetime
    auction_id: strawberry.ID
    product_id: strawberry.ID | None
    state: str
    current_price: int
    leader_name: str | None
    ends_at: datetime | None


RoomEvent = Annotated[
    ChatMessageEvent
    | MessageDeletedEvent
    | LikeBurstEvent
    | GiftEvent
    | LeaderboardEvent
    | ViewerCountEvent
    | RoomStatusEvent
    | UserMutedEvent
    | UserBannedEvent
    | SlowModeEvent
    | ProductPinnedEvent
    | ProductBuyingEvent
    | ProductBoughtEvent
    | FlashSaleEvent
    | CouponDropEvent
    | AuctionEvent,
    strawberry.union("RoomEvent", description="Something that happened in a live room."),
]


E = TypeVar("E", bound=Payload)
Converter = Callable[[Event, Any], Any]
CONVERTERS: dict[type[Payload], Converter] = {}


def _converts(cls: type[E]) -> Callable[[Callable[[Event, E], Any]], Callable[[Event, E], Any]]:
    def register(convert: Callable[[Event, E], Any]) -> Callable[[Event, E], Any]:
        CONVERTERS[cls] = convert
        return convert

    return register


def _at(e: Event) -> datetime:
    return datetime.fromtimestamp(e.ts, UTC)


@_converts(ev.ChatMessageSent)
def _chat_message(e: Event, p: ev.ChatMessageSent) -> ChatMessageEvent:
    return ChatMessageEvent(
        event_id=e.id,
        at=_at(e),
        message_id=_gid("ChatMessage", p.message_id),
        user_id=_gid("User", p.user_id),
        user_name=p.user_name,
        badge=p.badge,
        text=p.text,
    )


@_converts(ev.ChatMessageDeleted)
def _chat_deleted(e: Event, p: ev.ChatMessageDeleted) -> MessageDeletedEvent:
    return MessageDeletedEvent(
        event_id=e.id, at=_at(e), message_id=_gid("ChatMessage", p.message_id)
    )


@_converts(ev.LikeBurst)
def _like_burst(e: Event, p: ev.LikeBurst) -> LikeBurstEvent:
    return LikeBurstEvent(event_id=e.id, at=_at(e), count=p.count, total=p.total)


@_converts(ev.GiftSent)
def _gift_sent(e: Event, p: ev.GiftSent) -> GiftEvent:
    return GiftEvent(
        event_id=e.id,
        at=_at(e),
        user_id=_gid("User", p.user_id),
        user_name=p.user_name,
        gift_id=_gid("Gift", p.gift_id),
        gift_name=p.gift_name,
        quantity=p.quantity,
        coins=p.coins,
    )


@_converts(ev.LeaderboardChanged)
def _leaderboard(e: Event, p: ev.LeaderboardChanged) -> LeaderboardEvent:
    entries = [
        LeaderboardEntryEvent(user_id=_gid("User", x.user_id), user_name=x.user_name, coins=x.coins)
        for x in p.entries
    ]
    return LeaderboardEvent(event_id=e.id, at=_at(e), entries=entries)


@_converts(ev.ViewerCount)
def _viewers(e: Event, p: ev.ViewerCount) -> ViewerCountEvent:
    return ViewerCountEvent(event_id=e.id, at=_at(e), count=p.count, peak=p.peak)


@_converts(ev.RoomStatusChanged)
def _room_status(e: Event, p: ev.RoomStatusChanged) -> RoomStatusEvent:
    return RoomStatusEvent(event_id=e.id, at=_at(e), status=p.status, media_state=p.media_state)


@_converts(ev.UserMuted)
def _user_muted(e: Event, p: ev.UserMuted) -> UserMutedEvent:
    return UserMutedEvent(event_id=e.id, at=_at(e), user_id=_gid("User", p.user_id), until=p.until)


@_converts(ev.UserBanned)
def _user_banned(e: Event, p: ev.UserBanned) -> UserBannedEvent:
    return UserBannedEvent(event_id=e.id, at=_at(e), user_id=_gid("User", p.user_id))


@_converts(ev.SlowModeChanged)
def _slow_mode(e: Event, p: ev.SlowModeChanged) -> SlowModeEvent:
    return SlowModeEvent(event_id=e.id, at=_at(e), seconds=p.seconds)


@_converts(ev.ProductPinned)
def _product_pinned(e: Event, p: ev.ProductPinned) -> ProductPinnedEvent:
    return ProductPinnedEvent(
        event_id=e.id, at=_at(e), product_id=_maybe_gid("Product", p.product_id), pinned=p.pinned
    )


@_converts(ev.ProductBuying)
def _product_buying(e: Event, p: ev.ProductBuying) -> ProductBuyingEvent:
    return ProductBuyingEvent(
        event_id=e.id, at=_at(e), product_id=_maybe_gid("Product", p.product_id), count=p.count
    )


@_converts(ev.ProductBought)
def _product_bought(e: Event, p: ev.ProductBought) -> ProductBoughtEvent:
    return ProductBoughtEvent(
        event_id=e.id,
        at=_at(e),
        product_id=_maybe_gid("Product", p.product_id),
        user_name=p.user_name,
        quantity=p.quantity,
    )


@_converts(ev.FlashSaleChanged)
def _flash_sale(e: Event, p: ev.FlashSaleChanged) -> FlashSaleEvent:
    return FlashSaleEvent(
        event_id=e.id,
        at=_at(e),
        sale_id=_gid("FlashSale", p.sale_id),
        product_id=_maybe_gid("Product", p.product_id),
        state=p.state,
        price=p.price,
        remaining=p.remaining,
        ends_at=p.ends_at,
    )


@_converts(ev.CouponDropChanged)
def _coupon_drop(e: Event, p: ev.CouponDropChanged) -> CouponDropEvent:
    return CouponDropEvent(
        event_id=e.id,
        at=_at(e),
        coupon_id=_gid("Coupon", p.coupon_id),
        code=p.code,
        remaining=p.remaining,
        ends_at=p.ends_at,
    )


@_converts(ev.AuctionChanged)
def _auction(e: Event, p: ev.AuctionChanged) -> AuctionEvent:
    return AuctionEvent(
        event_id=e.id,
        at=_at(e),
        auction_id=_gid("Auction", p.auction_id),
        product_id=_maybe_gid("Product", p.product_id),
        state=p.state,
        current_price=p.current_price,
        leader_name=p.leader_name,
        ends_at=p.ends_at,
    )


def to_graphql(event: Event) -> Any | None:
    """The ``RoomEvent`` member for a bus envelope; None for a type this process does not
    know or data that does not fit its class (see :func:`app.rooms.events.payload_of`)."""
    payload = ev.payload_of(event)
    if payload is None:
        return None
    return CONVERTERS[type(payload)](event, payload)
