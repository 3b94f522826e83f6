"""The room event catalog and how to publish one.

Every room event is one frozen dataclass below: the single source for the services that
publish it, the GraphQL ``RoomEvent`` union (``app/api/rooms/events.py``) and the SSE
fragments (``web/templates/events/<type>.html``). On the bus it travels to channel
``room:<id>`` as the envelope ``{type, id, room_id, ts, data}``, ``data`` being
:meth:`~app.events.payload.Payload.to_data` of the dataclass (times as ISO 8601 text).
A subscriber reads it back with :func:`payload_of`, which returns ``None`` for a type it
does not know or data that does not fit (logged), so a newer or broken publisher on the
same Redis never breaks a stream.

``like.burst``, ``viewers``, ``product.buying`` and the stock updates of ``flash_sale``
are high-rate: their publishers coalesce them (``app.rooms.likes``, ``app.rooms.presence``,
``app.commerce.shelf.Coalescer``).
"""

from __future__ import annotations

import logging
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from app.events import Event, changes, get_bus
from app.events.payload import Catalog, Payload, PayloadError

log = logging.getLogger("livemart.rooms")


@dataclass(frozen=True, slots=True)
class ChatMessageSent(Payload):
    type: ClassVar[str] = "chat.message"
    message_id: int
    user_id: int
    user_name: str
    badge: str
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ChatMessageDeleted(Payload):
    type: ClassVar[str] = "chat.deleted"
    message_id: int
    by_user_id: int | None = None


@dataclass(frozen=True, slots=True)
class LikeBurst(Payload):
    """Likes since the last burst (coalesced) and the room's new total."""

    type: ClassVar[str] = "like.burst"
    count: int
    total: int


@dataclass(frozen=True, slots=True)
class GiftSent(Payload):
    type: ClassVar[str] = "gift.sent"
    gift_send_id: int
    user_id: int
    user_name: str
    gift_id: int
    gift_name: str
    quantity: int
    coins: int


@dataclass(frozen=True, slots=True)
class LeaderboardRow:
    user_id: int
    user_name: str
    coins: int


@dataclass(frozen=True, slots=True)
class LeaderboardChanged(Payload):
    type: ClassVar[str] = "leaderboard"
    entries: tuple[LeaderboardRow, ...]


@dataclass(frozen=True, slots=True)
class ViewerCount(Payload):
    """How many watch now and the peak (coalesced)."""

    type: ClassVar[str] = "viewers"
    count: int
    peak: int


@dataclass(frozen=True, slots=True)
class RoomStatusChanged(Payload):
    type: ClassVar[str] = "room.status"
    status: str
    media_state: str


@dataclass(frozen=True, slots=True)
class UserMuted(Payload):
    """``until`` is None when the user was unmuted."""

    type: ClassVar[str] = "user.muted"
    user_id: int
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class UserBanned(Payload):
    type: ClassVar[str] = "user.banned"
    user_id: int


@dataclass(frozen=True, slots=True)
class SlowModeChanged(Payload):
    type: ClassVar[str] = "room.slow_mode"
    seconds: int


@dataclass(frozen=True, slots=True)
class ProductPinned(Payload):
    """``product_id`` is the product pinned or unpinned (None: the pin was cleared)."""

    type: ClassVar[str] = "product.pinned"
    product_id: int | None
    pinned: bool


@dataclass(frozen=True, slots=True)
class ProductBuying(Payload):
    """How many started buying the product lately (coalesced)."""

    type: ClassVar[str] = "product.buying"
    product_id: int | None
    count: int


@dataclass(frozen=True, slots=True)
class ProductBought(Payload):
    """Someone just bought the product."""

    type: ClassVar[str] = "product.bought"
    product_id: int | None
    user_name: str
    quantity: int


@dataclass(frozen=True, slots=True)
class FlashSaleChanged(Payload):
    type: ClassVar[str] = "flash_sale"
    sale_id: int
    product_id: int | None
    state: str
    price: int
    remaining: int
    ends_at: datetime | None


@dataclass(frozen=True, slots=True)
class CouponDropChanged(Payload):
    """A coupon dropped into the room, sent again after each claim."""

    type: ClassVar[str] = "coupon.drop"
    coupon_id: int
    code: str
    remaining: int
    ends_at: datetime | None


@dataclass(frozen=True, slots=True)
class AuctionChanged(Payload):
    type: ClassVar[str] = "auction"
    auction_id: int
    product_id: int | None
    state: str
    current_price: int
    leader_name: str | None
    ends_at: datetime | None


@dataclass(frozen=True, slots=True)
class FaqAnswered(Payload):
    """An automatic answer to a viewer's chat question (``message_id``), from the room's
    FAQs or the product's facts. ``to_room`` false: published only on the asker's own
    channel of the room (:func:`viewer_channel`), never to the room."""

    type: ClassVar[str] = "faq.answer"
    answer_id: int
    message_id: int | None
    asker_id: int
    asker_name: str
    question: str
    answer: str
    to_room: bool


@dataclass(frozen=True, slots=True)
class ProductRecognized(Payload):
    """The live's camera shows a product of the streamer's (``app.recognition``): published
    only on the room owner's own channel (:func:`viewer_channel`), for the studio console to
    offer the pin; ``pinned`` true when it was pinned automatically."""

    type: ClassVar[str] = "product.recognized"
    product_id: int
    title: str
    confidence: float
    pinned: bool


@dataclass(frozen=True, slots=True)
class RoomRaided(Payload):
    """The live ended and its streamer sends its viewers on to another live room
    (``app.attribution.raids``): pages go to ``to_room_id`` with ``src=raid``."""

    type: ClassVar[str] = "room.raided"
    to_room_id: int
    to_title: str
    from_name: str


RoomEvent = (
    ChatMessageSent
    | ChatMessageDeleted
    | LikeBurst
    | GiftSent
    | LeaderboardChanged
    | ViewerCount
    | RoomStatusChanged
    | UserMuted
    | UserBanned
    | SlowModeChanged
    | ProductPinned
    | ProductBuying
    | ProductBought
    | FlashSaleChanged
    | CouponDropChanged
    | AuctionChanged
    | FaqAnswered
    | ProductRecognized
    | RoomRaided
)

CATALOG = Catalog(*typing.get_args(RoomEvent))

# The wire types, for subscribers and tests that filter envelopes by type.
CHAT_MESSAGE = ChatMessageSent.type
CHAT_DELETED = ChatMessageDeleted.type
LIKE_BURST = LikeBurst.type
GIFT_SENT = GiftSent.type
LEADERBOARD = LeaderboardChanged.type
VIEWERS = ViewerCount.type
ROOM_STATUS = RoomStatusChanged.type
USER_MUTED = UserMuted.type
USER_BANNED = UserBanned.type
SLOW_MODE = SlowModeChanged.type
PRODUCT_PINNED = ProductPinned.type
PRODUCT_BUYING = ProductBuying.type
PRODUCT_BOUGHT = ProductBought.type
FLASH_SALE = FlashSaleChanged.type
COUPON_DROP = CouponDropChanged.type
AUCTION = AuctionChanged.type
FAQ_ANSWER = FaqAnswered.type
PRODUCT_RECOGNIZED = ProductRecognized.type
ROOM_RAIDED = RoomRaided.type

# Room events that change public data held in caches (a room's status and media state,
# its pinned products, sales, drops and auctions): publishing one announces a change
# (:mod:`app.events.changes`). Chat, likes, gifts, viewer counts and purchases do not.
PUBLIC_CHANGES = frozenset({ROOM_STATUS, PRODUCT_PINNED, FLASH_SALE, COUPON_DROP, AUCTION})


def room_channel(room_id: int | str) -> str:
    return f"room:{room_id}"


def viewer_channel(room_id: int | str, user_id: int) -> str:
    """One viewer's private channel in a room: room events meant for them alone (an
    auto-answer to their question). Their room page's stream and ``myRoomEvents`` read it."""
    return f"room:{room_id}:viewer:{user_id}"


def envelope(room_id: int | str, event: RoomEvent) -> Event:
    """The bus envelope of ``event`` in room ``room_id`` (encoded once)."""
    return Event.create(event.type, event.to_data(), room_id)


def payload_of(envelope: Event) -> RoomEvent | None:
    """The typed event in a room envelope; ``None`` for a type this process does not know
    or data that does not fit its class (logged and skipped)."""
    try:
        return CATALOG.load(envelope.type, envelope.data)  # type: ignore[return-value]
    except PayloadError as exc:
        log.warning("skipping a malformed %s event %s: %s", envelope.type, envelope.id, exc)
        return None


#: Called with (room id, envelope) as this process publishes a room event, before it
#: reaches the bus: in-process caches of the room (``web.page_cache``) drop what it changed.
_publish_hooks: list[Callable[[int, Event], None]] = []


def on_publish(hook: Callable[[int, Event], None]) -> None:
    """Call ``hook(room_id, envelope)`` for each room event this process publishes."""
    if hook not in _publish_hooks:
        _publish_hooks.append(hook)


async def publish(room_id: int, event: RoomEvent) -> Event | None:
    """Publish a room event after the change is committed. Never raises: a lost bus must
    not undo a committed change (it is logged)."""
    try:
        sent = envelope(room_id, event)
    except Exception:
        log.exception("could not encode %s for room %s", event.type, room_id)
        return None
    for hook in tuple(_publish_hooks):
        try:
            hook(room_id, sent)
        except Exception:
            log.exception("a publish hook failed on %s", event.type)
    try:
        bus = get_bus()
    except RuntimeError:
        return None
    if event.type in PUBLIC_CHANGES:
        await changes.announce(event.type, room_id=room_id)
    try:
        await bus.publish(room_channel(room_id), sent)
        return sent
    except Exception:
        log.exception("could not publish %s to room %s", event.type, room_id)
        return None


async def publish_to_viewer(room_id: int, user_id: int, event: RoomEvent) -> Event | None:
    """Publish a room event to one viewer of the room (:func:`viewer_channel`) after the
    change is committed. Never raises (logged), like :func:`publish`; no publish hooks run:
    nothing public changed."""
    try:
        sent = envelope(room_id, event)
        await get_bus().publish(viewer_channel(room_id, user_id), sent)
        return sent
    except RuntimeError:
        return None
    except Exception:
        log.exception("could not publish %s to a viewer of room %s", event.type, room_id)
        return None
