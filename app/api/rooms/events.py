"""The ``RoomEvent`` union: every event of a room's channel as a GraphQL type.

Each type is built from an event envelope only (never from who is asking), so one
execution per distinct operation can be shared by every subscriber of that operation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

import strawberry

from app.api.ids import encode_id
from app.events import Event
from app.rooms import events as ev


def _ts(event: Event) -> datetime:
    return datetime.fromtimestamp(event.ts, UTC)


def _gid(type_name: str, value: Any) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(encode_id(type_name, value))


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


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


def _common(e: Event) -> dict[str, Any]:
    return {"event_id": e.id, "at": _ts(e)}


CONVERTERS: dict[str, Callable[[Event, dict[str, Any]], Any]] = {
    ev.CHAT_MESSAGE: lambda e, d: ChatMessageEvent(
        **_common(e),
        message_id=_gid("ChatMessage", d.get("message_id")),
        user_id=_gid("User", d.get("user_id")),
        user_name=str(d.get("user_name", "")),
        badge=str(d.get("badge") or ""),
        text=str(d.get("text", "")),
    ),
    ev.CHAT_DELETED: lambda e, d: MessageDeletedEvent(
        **_common(e), message_id=_gid("ChatMessage", d.get("message_id"))
    ),
    ev.LIKE_BURST: lambda e, d: LikeBurstEvent(
        **_common(e), count=int(d.get("count", 0)), total=int(d.get("total", 0))
    ),
    ev.GIFT_SENT: lambda e, d: GiftEvent(
        **_common(e),
        user_id=_gid("User", d.get("user_id")),
        user_name=str(d.get("user_name", "")),
        gift_id=_gid("Gift", d.get("gift_id")),
        gift_name=str(d.get("gift_name", "")),
        quantity=int(d.get("quantity", 1)),
        coins=int(d.get("coins", 0)),
    ),
    ev.LEADERBOARD: lambda e, d: LeaderboardEvent(
        **_common(e),
        entries=[
            LeaderboardEntryEvent(
                user_id=_gid("User", x.get("user_id")),  # type: ignore[arg-type]
                user_name=str(x.get("user_name", "")),
                coins=int(x.get("coins", 0)),
            )
            for x in d.get("entries", [])
        ],
    ),
    ev.VIEWERS: lambda e, d: ViewerCountEvent(
        **_common(e), count=int(d.get("count", 0)), peak=int(d.get("peak", 0))
    ),
    ev.ROOM_STATUS: lambda e, d: RoomStatusEvent(
        **_common(e), status=str(d.get("status", "")), media_state=str(d.get("media_state") or "")
    ),
    ev.USER_MUTED: lambda e, d: UserMutedEvent(
        **_common(e), user_id=_gid("User", d.get("user_id")), until=_time(d.get("until"))
    ),
    ev.USER_BANNED: lambda e, d: UserBannedEvent(
        **_common(e), user_id=_gid("User", d.get("user_id"))
    ),
    ev.SLOW_MODE: lambda e, d: SlowModeEvent(**_common(e), seconds=int(d.get("seconds", 0))),
    ev.PRODUCT_PINNED: lambda e, d: ProductPinnedEvent(
        **_common(e), product_id=_gid("Product", d.get("product_id")), pinned=bool(d.get("pinned"))
    ),
    ev.PRODUCT_BUYING: lambda e, d: ProductBuyingEvent(
        **_common(e), product_id=_gid("Product", d.get("product_id")), count=int(d.get("count", 0))
    ),
    ev.PRODUCT_BOUGHT: lambda e, d: ProductBoughtEvent(
        **_common(e),
        product_id=_gid("Product", d.get("product_id")),
        user_name=str(d.get("user_name", "")),
        quantity=int(d.get("quantity", 1)),
    ),
    ev.FLASH_SALE: lambda e, d: FlashSaleEvent(
        **_common(e),
        sale_id=_gid("FlashSale", d.get("sale_id")),
        product_id=_gid("Product", d.get("product_id")),
        state=str(d.get("state", "")),
        price=int(d.get("price", 0)),
        remaining=int(d.get("remaining", 0)),
        ends_at=_time(d.get("ends_at")),
    ),
    ev.COUPON_DROP: lambda e, d: CouponDropEvent(
        **_common(e),
        coupon_id=_gid("Coupon", d.get("coupon_id")),
        code=str(d.get("code", "")),
        remaining=int(d.get("remaining", 0)),
        ends_at=_time(d.get("ends_at")),
    ),
    ev.AUCTION: lambda e, d: AuctionEvent(
        **_common(e),
        auction_id=_gid("Auction", d.get("auction_id")),
        product_id=_gid("Product", d.get("product_id")),
        state=str(d.get("state", "")),
        current_price=int(d.get("current_price", 0)),
        leader_name=d.get("leader_name"),
        ends_at=_time(d.get("ends_at")),
    ),
}


def to_graphql(event: Event) -> Any | None:
    """The ``RoomEvent`` member for a bus event, or None for types the API does not show."""
    convert = CONVERTERS.get(event.type)
    if convert is None:
        return None
    try:
        return convert(event, event.data or {})
    except (TypeError, ValueError):
        return None
