"""The ``RoomEvent`` union: every room event (``app.rooms.events``) as a GraphQL type.

Each type is plain data built from the typed event and its envelope alone (never from who
is asking, never from the database): no field has a resolver of its own, so one execution
per distinct operation can be shared by every subscriber of that operation
(``app.api.ws``). ``tests/api/test_room_event_types.py`` holds every type to that.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import strawberry

from app.api.ids import encode_id
from app.events import Event
from app.rooms import events as ev


def _gid(type_name: str, value: int) -> strawberry.ID:
    return strawberry.ID(encode_id(type_name, value))


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


@strawberry.type(
    description="An automatic answer to a viewer's chat question (from the room's FAQs or "
    "the product's facts); toRoom false: sent to the asker only."
)
class FaqAnswerEvent:
    event_id: str
    at: datetime
    answer_id: strawberry.ID
    message_id: strawberry.ID | None
    asker_id: strawberry.ID
    asker_name: str
    question: str
    answer: str
    to_room: bool


@strawberry.type(
    description="The live's camera shows one of the streamer's products (sent to the room "
    "owner only); pinned: it was pinned automatically."
)
class ProductRecognizedEvent:
    event_id: str
    at: datetime
    product_id: strawberry.ID
    title: str
    confidence: float
    pinned: bool


@strawberry.type(
    description="The live ended and its streamer sends its viewers to another live room: "
    "clients move to toRoomId (a visit from a raid)."
)
class RoomRaidedEvent:
    event_id: str
    at: datetime
    to_room_id: strawberry.ID
    to_title: str
    from_name: str


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
    | AuctionEvent
    | FaqAnswerEvent
    | ProductRecognizedEvent
    | RoomRaidedEvent,
    strawberry.union("RoomEvent", description="Something that happened in a live room."),
]


GRAPHQL_TYPES: dict[type[Any], type[Any]] = {
    ev.ChatMessageSent: ChatMessageEvent,
    ev.ChatMessageDeleted: MessageDeletedEvent,
    ev.LikeBurst: LikeBurstEvent,
    ev.GiftSent: GiftEvent,
    ev.LeaderboardChanged: LeaderboardEvent,
    ev.LeaderboardRow: LeaderboardEntryEvent,
    ev.ViewerCount: ViewerCountEvent,
    ev.RoomStatusChanged: RoomStatusEvent,
    ev.UserMuted: UserMutedEvent,
    ev.UserBanned: UserBannedEvent,
    ev.SlowModeChanged: SlowModeEvent,
    ev.ProductPinned: ProductPinnedEvent,
    ev.ProductBuying: ProductBuyingEvent,
    ev.ProductBought: ProductBoughtEvent,
    ev.FlashSaleChanged: FlashSaleEvent,
    ev.CouponDropChanged: CouponDropEvent,
    ev.AuctionChanged: AuctionEvent,
    ev.FaqAnswered: FaqAnswerEvent,
    ev.ProductRecognized: ProductRecognizedEvent,
    ev.RoomRaided: RoomRaidedEvent,
}
"""The GraphQL type of each room event (and of the rows it nests). Every field of the
GraphQL type but ``eventId`` and ``at`` (from the envelope) is the event's field of the
same name; the ``*_id`` fields below become global IDs of their type."""

GLOBAL_IDS = {
    "message_id": "ChatMessage",
    "user_id": "User",
    "gift_id": "Gift",
    "product_id": "Product",
    "sale_id": "FlashSale",
    "coupon_id": "Coupon",
    "auction_id": "Auction",
    "answer_id": "FaqAnswer",
    "asker_id": "User",
    "to_room_id": "Room",
}


def _value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in GLOBAL_IDS:
        return _gid(GLOBAL_IDS[name], value)
    if isinstance(value, tuple):
        return [_convert(item) for item in value]
    return value


def _convert(source: Any, envelope: Event | None = None) -> Any:
    graphql_type = GRAPHQL_TYPES[type(source)]
    values: dict[str, Any] = {}
    for field in graphql_type.__strawberry_definition__.fields:
        name = field.python_name
        if envelope is not None and name == "event_id":
            values[name] = envelope.id
        elif envelope is not None and name == "at":
            values[name] = datetime.fromtimestamp(envelope.ts, UTC)
        else:
            values[name] = _value(name, getattr(source, name))
    return graphql_type(**values)


def to_graphql(event: Event) -> Any | None:
    """The ``RoomEvent`` member for a bus envelope; None for a type this process does not
    know or data that does not fit its class (see :func:`app.rooms.events.payload_of`)."""
    payload = ev.payload_of(event)
    if payload is None:
        return None
    return _convert(payload, event)
