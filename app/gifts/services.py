"""Gifts: the catalog, sending a gift to a live room's streamer, and the gifter leaderboard.

:func:`send_gift` claims the sender's idempotency key (a :class:`GiftSend` row, unique per
sender and key), debits the sender and credits the streamer through
:func:`app.gifts.wallet.transfer`, all in one transaction; after the commit it publishes
``gift.sent`` and ``leaderboard`` to the room.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.functions import Min, Sum
from tortoise.transactions import in_transaction

from app import signals
from app.accounts.models import User
from app.errors import NotFound, UserError
from app.gifts import wallet
from app.gifts.models import EntryKind, Gift, GiftSend
from app.gifts.topups import check_key
from app.rooms import events
from app.rooms.models import Room, RoomStatus

MAX_QUANTITY = 99
LEADERBOARD_SIZE = 10
DEFAULT_GIFTS: tuple[tuple[str, int, str], ...] = (
    ("Heart", 1, "❤️"),
    ("Rose", 5, "🌹"),
    ("Rocket", 100, "🚀"),
    ("Castle", 500, "🏰"),
)


@dataclass(frozen=True)
class SentGift:
    """The result of :func:`send_gift`; ``replayed`` when the key was used before."""

    gift_send: GiftSend
    replayed: bool = False


@dataclass(frozen=True)
class LeaderboardEntry:
    rank: int
    user_id: int
    user_name: str
    coins: int

    def as_event(self) -> events.LeaderboardRow:
        return events.LeaderboardRow(self.user_id, self.user_name, self.coins)


# --- catalog ---------------------------------------------------------------------------


async def ensure_default_gifts() -> list[Gift]:
    """Create the default catalog (Heart, Rose, Rocket, Castle) when missing; idempotent."""
    await Gift.bulk_create(
        [
            Gift(name=name, coins=coins, icon=icon, sort_order=i)
            for i, (name, coins, icon) in enumerate(DEFAULT_GIFTS)
        ],
        ignore_conflicts=True,
    )
    return await list_gifts()


async def list_gifts() -> list[Gift]:
    """The active catalog, cheapest first."""
    return await gifts_query()


def gifts_query():
    return Gift.filter(active=True).order_by("sort_order", "coins", "id")


async def get_gift(gift_id: int) -> Gift:
    gift = await Gift.get_or_none(id=gift_id, active=True)
    if gift is None:
        raise NotFound("gift", "giftId")
    return gift


async def get_gifts(ids: list[int]) -> dict[int, Gift]:
    return {g.id: g for g in await Gift.filter(id__in=ids)}


async def get_gift_sends(ids: list[int]) -> dict[int, GiftSend]:
    return {g.id: g for g in await GiftSend.filter(id__in=ids)}


# --- sending ---------------------------------------------------------------------------


def _check_quantity(quantity: int) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise UserError(
            "INVALID_QUANTITY", "send 1 to {max} at a time", "quantity", {"max": MAX_QUANTITY}
        )
    if not 1 <= quantity <= MAX_QUANTITY:
        raise UserError(
            "INVALID_QUANTITY", "send 1 to {max} at a time", "quantity", {"max": MAX_QUANTITY}
        )
    return quantity


async def _earlier(
    user: User, key: str, room_id: int, gift_id: int, quantity: int
) -> SentGift | None:
    found = await GiftSend.get_or_none(sender_id=user.id, idempotency_key=key)
    if found is None:
        return None
    if (found.room_id, found.gift_id, found.quantity) != (room_id, gift_id, quantity):
        raise wallet.mismatch_error()
    return SentGift(found, replayed=True)


async def send_gift(
    user: User, room_id: int, gift_id: int, quantity: int, idempotency_key: str
) -> SentGift:
    """Send ``quantity`` of a gift to the streamer of a live room, paid in coins.

    Errors: ``NOT_FOUND`` (room, gift), ``ROOM_NOT_LIVE``, ``OWN_ROOM``,
    ``INVALID_QUANTITY``, ``INSUFFICIENT_COINS``, ``WALLET_FROZEN``,
    ``IDEMPOTENCY_MISMATCH``, ``INVALID_IDEMPOTENCY_KEY``; nothing changes on an error.
    The same key again returns the first :class:`GiftSend` (``replayed``), charging
    nothing, even when both requests race.
    """
    key = check_key(idempotency_key)
    earlier = await _earlier(user, key, room_id, gift_id, quantity)
    if earlier is not None:
        return earlier
    _check_quantity(quantity)
    room = await Room.get_or_none(id=room_id)
    if room is None:
        raise NotFound("room", "roomId")
    gift = await get_gift(gift_id)
    if room.owner_id == user.id:
        raise UserError("OWN_ROOM", "you cannot send gifts to your own room", "roomId")
    if room.status != RoomStatus.LIVE:
        raise UserError("ROOM_NOT_LIVE", "gifts can be sent only while the room is live", "roomId")
    coins = gift.coins * quantity
    txid = uuid.uuid4()
    try:
        async with in_transaction() as conn:
            send = await GiftSend.create(
                sender_id=user.id,
                streamer_id=room.owner_id,
                room_id=room.id,
                gift_id=gift.id,
                quantity=quantity,
                unit_coins=gift.coins,
                coins=coins,
                idempotency_key=key,
                transaction_id=txid,
                using_db=conn,
            )
            await wallet.transfer(
                user.id,
                room.owner_id,
                coins,
                EntryKind.GIFT_SENT,
                f"gift:{send.id}",
                f"gift:{user.id}:{key}",
                credit_kind=EntryKind.GIFT_RECEIVED,
                transaction_id=txid,
                connection=conn,
            )
    except IntegrityError:
        # The same key committed first in a concurrent request.
        earlier = await _earlier(user, key, room_id, gift_id, quantity)
        if earlier is None:
            raise
        return earlier
    await events.publish(
        room.id,
        events.GiftSent(
            gift_send_id=send.id,
            user_id=user.id,
            user_name=user.display_name,
            gift_id=gift.id,
            gift_name=gift.name,
            quantity=quantity,
            coins=coins,
        ),
    )
    await publish_leaderboard(room.id)
    await signals.emit(
        "gift.sent",
        room_id=room.id,
        user_id=user.id,
        streamer_id=room.owner_id,
        coins=coins,
        gift_send_id=send.id,
    )
    return SentGift(send)


# --- leaderboard -----------------------------------------------------------------------


async def leaderboard(room_id: int, limit: int = LEADERBOARD_SIZE) -> list[LeaderboardEntry]:
    """The room's top gifters by coins spent; ties go to who gifted first."""
    limit = max(0, min(int(limit), 100))
    if limit == 0:
        return []
    rows = (
        await GiftSend.filter(room_id=room_id)
        .annotate(total=Sum("coins"), first=Min("id"))
        .group_by("sender_id")
        .order_by("-total", "first")
        .limit(limit)
        .values_list("sender_id", "total")
    )
    names = dict(await User.filter(id__in=[r[0] for r in rows]).values_list("id", "display_name"))
    return [
        LeaderboardEntry(rank=i + 1, user_id=uid, user_name=names.get(uid, "?"), coins=int(total))
        for i, (uid, total) in enumerate(rows)
    ]


async def room_gift_totals(room_id: int) -> tuple[int, int]:
    """``(gifts, coins)`` the room received: the quantity of gifts and their coins."""
    rows = (
        await GiftSend.filter(room_id=room_id)
        .annotate(gifts=Sum("quantity"), total=Sum("coins"))
        .values_list("gifts", "total")
    )
    gifts, total = rows[0] if rows else (0, 0)
    return int(gifts or 0), int(total or 0)


async def top_gifter_id(room_id: int) -> int | None:
    """The user id of the room's top gifter (for the chat badge), or None."""
    top = await leaderboard(room_id, 1)
    return top[0].user_id if top else None


async def publish_leaderboard(room_id: int) -> list[LeaderboardEntry]:
    entries = await leaderboard(room_id, LEADERBOARD_SIZE)
    await events.publish(
        room_id, events.LeaderboardChanged(entries=tuple(e.as_event() for e in entries))
    )
    return entries


def gift_sends_query(room_id: int | None = None, sender_id: int | None = None):
    """Gift sends, newest first."""
    query = GiftSend.all()
    if room_id is not None:
        query = query.filter(room_id=room_id)
    if sender_id is not None:
        query = query.filter(sender_id=sender_id)
    return query.order_by("-id")
