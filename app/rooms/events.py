"""The room event catalog and how to publish one.

Every room event goes to channel ``room:<id>`` as ``{type, id, room_id, ts, data}``.
The ``data`` of each type is fixed here; the GraphQL ``RoomEvent`` union and the SSE
fragments are built from it.

| type | data |
| --- | --- |
| ``chat.message`` | ``{message_id, user_id, user_name, badge, text, created_at}`` |
| ``chat.deleted`` | ``{message_id, by_user_id}`` |
| ``like.burst`` | ``{count, total}`` |
| ``gift.sent`` | ``{gift_send_id, user_id, user_name, gift_id, gift_name, quantity, coins}`` |
| ``leaderboard`` | ``{entries: [{user_id, user_name, coins}]}`` |
| ``viewers`` | ``{count, peak}`` |
| ``room.status`` | ``{status, media_state}`` |
| ``user.muted`` | ``{user_id, until}`` (``until`` ISO time or null when unmuted) |
| ``user.banned`` | ``{user_id}`` |
| ``room.slow_mode`` | ``{seconds}`` |
| ``product.pinned`` | ``{product_id, pinned}`` |
| ``product.buying`` | ``{product_id, count}`` ("N people are buying") |
| ``product.bought`` | ``{product_id, user_name, quantity}`` ("X just bought") |
| ``flash_sale`` | ``{sale_id, product_id, state, price, remaining, ends_at}`` |
| ``coupon.drop`` | ``{coupon_id, code, remaining, ends_at}`` |
| ``auction`` | ``{auction_id, product_id, state, current_price, leader_name, ends_at}`` |
"""

from __future__ import annotations

import logging
from typing import Any

from app.events import Event, get_bus

log = logging.getLogger("livemart.rooms")

CHAT_MESSAGE = "chat.message"
CHAT_DELETED = "chat.deleted"
LIKE_BURST = "like.burst"
GIFT_SENT = "gift.sent"
LEADERBOARD = "leaderboard"
VIEWERS = "viewers"
ROOM_STATUS = "room.status"
USER_MUTED = "user.muted"
USER_BANNED = "user.banned"
SLOW_MODE = "room.slow_mode"
PRODUCT_PINNED = "product.pinned"
PRODUCT_BUYING = "product.buying"
PRODUCT_BOUGHT = "product.bought"
FLASH_SALE = "flash_sale"
COUPON_DROP = "coupon.drop"
AUCTION = "auction"


def room_channel(room_id: int | str) -> str:
    return f"room:{room_id}"


async def publish(room_id: int, type: str, data: dict[str, Any]) -> Event | None:
    """Publish a room event after the change is committed. Never raises: a lost bus must
    not undo a committed change (it is logged)."""
    try:
        bus = get_bus()
    except RuntimeError:
        return None
    try:
        return await bus.emit(room_channel(room_id), type, data, room_id=room_id)
    except Exception:
        log.exception("could not publish %s to room %s", type, room_id)
        return None
