"""The database reads of the recommender: training rows, rows newer than a model, and what
may be shown (commerce and rooms are read here, never written)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.functions import Max, Sum

from app.commerce import catalog
from app.commerce.models import OrderItem, OrderStatus, Product
from app.recs.models import Interaction, ItemType, Kind
from app.rooms.models import Room, RoomStatus

# Training reads the last TRAIN_WINDOW_DAYS of the log, at most MAX_TRAIN_ROWS rows (newest).
TRAIN_WINDOW_DAYS = 180
MAX_TRAIN_ROWS = 2_000_000
READ_CHUNK = 5_000
TRENDING_DAYS = 7

# Orders that count as "already bought" (a cancelled, expired or refunded one does not).
BOUGHT = (
    OrderStatus.PENDING,
    OrderStatus.PAID,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
)
OPEN_ROOMS = (RoomStatus.LIVE, RoomStatus.SCHEDULED)


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Row:
    """One logged interaction as the recommender reads it."""

    id: int
    user_id: int
    item_id: int
    weight: float
    at: datetime


# --- the log -------------------------------------------------------------------------------


async def last_interaction_id() -> int:
    """The id of the newest logged interaction (0 when the log is empty)."""
    found: list[Any] = await Interaction.all().order_by("-id").limit(1).values_list("id", flat=True)
    return int(found[0]) if found else 0


async def training_rows(item_type: ItemType, upto_id: int) -> list[Row]:
    """The log of ``item_type`` up to ``upto_id`` (the last :data:`TRAIN_WINDOW_DAYS` days,
    newest :data:`MAX_TRAIN_ROWS`), oldest first, read in chunks that yield to the loop."""
    since = now() - timedelta(days=TRAIN_WINDOW_DAYS)
    rows: list[Row] = []
    cursor = upto_id + 1
    while len(rows) < MAX_TRAIN_ROWS:
        chunk = (
            await Interaction.filter(item_type=item_type, id__lt=cursor, created_at__gte=since)
            .order_by("-id")
            .limit(min(READ_CHUNK, MAX_TRAIN_ROWS - len(rows)))
            .values_list("id", "user_id", "item_id", "weight", "created_at")
        )
        if not chunk:
            break
        rows += [Row(*r) for r in chunk]
        cursor = chunk[-1][0]
        await asyncio.sleep(0)
    rows.reverse()
    return rows


async def rows_after(item_type: ItemType, after_id: int, limit: int) -> list[Row]:
    """Logged interactions of ``item_type`` with an id above ``after_id``, oldest first."""
    found = (
        await Interaction.filter(item_type=item_type, id__gt=after_id)
        .order_by("id")
        .limit(limit)
        .values_list("id", "user_id", "item_id", "weight", "created_at")
    )
    return [Row(*r) for r in found]


async def trending_ids(
    item_type: ItemType, limit: int, exclude: Iterable[int] = (), days: int = TRENDING_DAYS
) -> list[int]:
    """Items with the most logged weight in the last ``days`` (the fallback before any
    model is trained, and for items newer than the model)."""
    query = Interaction.filter(item_type=item_type, created_at__gte=now() - timedelta(days=days))
    excluded = list(exclude)
    if excluded:
        query = query.exclude(item_id__in=excluded)
    found = (
        await query.annotate(score=Sum("weight"), last=Max("id"))
        .group_by("item_id")
        .order_by("-score", "-last")
        .limit(limit)
        .values_list("item_id", "score")
    )
    return [int(item_id) for item_id, _ in found]


async def rooms_of_streamers(streamer_ids: Iterable[int]) -> dict[int, list[int]]:
    """``{streamer_id: [room ids]}``: a follow counts for every room of the streamer."""
    owned: dict[int, list[int]] = {}
    ids = list(streamer_ids)
    if not ids:
        return owned
    for room_id, owner_id in await Room.filter(owner_id__in=ids).values_list("id", "owner_id"):
        owned.setdefault(owner_id, []).append(room_id)
    return owned


# --- products ------------------------------------------------------------------------------


async def bought_product_ids(user_id: int) -> set[int]:
    """Products in the user's orders (pending, paid, shipped, delivered or completed)."""
    found: list[Any] = await OrderItem.filter(
        order__buyer_id=user_id, order__status__in=list(BOUGHT)
    ).values_list("product_id", flat=True)
    return {int(p) for p in found}


async def engaged_product_ids(user_id: int) -> set[int]:
    """Products the user opened, put in a cart or ordered (impressions do not count):
    "recommended for you" looks past them to things they have not seen yet."""
    found: list[Any] = (
        await Interaction.filter(user_id=user_id, item_type=ItemType.PRODUCT)
        .exclude(kind=Kind.IMPRESSION)
        .distinct()
        .values_list("item_id", flat=True)
    )
    return {int(p) for p in found}


async def showable_products(ids: Iterable[int], owner_id: int | None = None) -> list[Product]:
    """The products among ``ids`` that may be recommended, in the order of ``ids``: active,
    with an active variant in stock, and not the viewer's own."""
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        return []
    query = catalog.products_query(in_stock=True).filter(id__in=wanted)
    if owner_id is not None:
        query = query.exclude(merchant_id=owner_id)
    found = {p.id: p for p in await query}
    return [found[i] for i in wanted if i in found]


async def popular_products(
    limit: int, exclude: Iterable[int] = (), owner_id: int | None = None
) -> list[Product]:
    """Best sellers in stock (then the newest): the last fallback."""
    query = catalog.products_query(in_stock=True, sort="popularity")
    excluded = list(exclude)
    if excluded:
        query = query.exclude(id__in=excluded)
    if owner_id is not None:
        query = query.exclude(merchant_id=owner_id)
    return list(await query.limit(limit))


async def related_products(
    product: Product, limit: int, exclude: Iterable[int] = (), owner_id: int | None = None
) -> list[Product]:
    """Other products of the same merchant (same room first): "more like this" for a
    product the model has not seen yet."""
    query = catalog.products_query(in_stock=True, sort="popularity").filter(
        merchant_id=product.merchant_id
    )
    excluded = [product.id, *exclude]
    query = query.exclude(id__in=excluded)
    if owner_id is not None:
        query = query.exclude(merchant_id=owner_id)
    found = list(await query.limit(limit * 2))
    room_id = product.room_id
    found.sort(key=lambda p: 0 if room_id and p.room_id == room_id else 1)
    return found[:limit]


# --- rooms ---------------------------------------------------------------------------------


async def open_room_ids(owner_id: int | None = None) -> list[int]:
    """Rooms that may be recommended: live or scheduled (not the viewer's own)."""
    query = Room.filter(status__in=list(OPEN_ROOMS))
    if owner_id is not None:
        query = query.exclude(owner_id=owner_id)
    ids: list[Any] = await query.values_list("id", flat=True)
    return [int(i) for i in ids]


async def rooms_in_order(ids: Iterable[int]) -> list[Room]:
    """The live or scheduled rooms among ``ids``, in the order of ``ids``."""
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        return []
    found = {r.id: r for r in await Room.filter(id__in=wanted, status__in=list(OPEN_ROOMS))}
    return [found[i] for i in wanted if i in found]


async def fallback_rooms(
    limit: int, exclude: Iterable[int] = (), owner_id: int | None = None
) -> list[Room]:
    """Live rooms by peak viewers, then scheduled rooms soonest first."""
    excluded = list(exclude)
    out: list[Room] = []
    for status, order in (
        (RoomStatus.LIVE, ("-peak_viewers", "-id")),
        (RoomStatus.SCHEDULED, ("scheduled_at", "id")),
    ):
        query = Room.filter(status=status)
        if excluded:
            query = query.exclude(id__in=excluded)
        if owner_id is not None:
            query = query.exclude(owner_id=owner_id)
        out += await query.order_by(*order).limit(limit - len(out))
        if len(out) >= limit:
            break
    return out


# --- cold start ----------------------------------------------------------------------------


async def products_in_categories(
    categories: list[str], limit: int, exclude: Iterable[int] = (), owner_id: int | None = None
) -> list[Product]:
    """Best sellers in stock sold in rooms of ``categories``, the first category first:
    what a user the model does not know yet gets from the interests in their profile."""
    if not categories or limit <= 0:
        return []
    query = catalog.products_query(in_stock=True, sort="popularity").filter(
        room__category__in=categories
    )
    excluded = list(exclude)
    if excluded:
        query = query.exclude(id__in=excluded)
    if owner_id is not None:
        query = query.exclude(merchant_id=owner_id)
    found = list(await query.limit(limit * 3).prefetch_related("room"))
    rank = {c: i for i, c in enumerate(categories)}
    found.sort(key=lambda p: rank.get(p.room.category if p.room else "", len(rank)))
    return found[:limit]


async def room_categories(ids: Iterable[int]) -> dict[int, str]:
    """The category of each room among ``ids``."""
    wanted = list(ids)
    if not wanted:
        return {}
    rows = await Room.filter(id__in=wanted).values_list("id", "category")
    return {int(i): str(c) for i, c in rows}
