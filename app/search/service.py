"""The search facade: validate, find candidates through the database's backend, load them
in a fixed number of queries, filter, rank, and cut one page.

Ranking: text relevance (:mod:`app.search.scoring`) first; among equally relevant results,
what is live now, then what the signed-in viewer cares about (streamers they follow or
bought from), then popularity (a room's peak viewers and likes, a product's sales, a
streamer's followers). The statements a search costs do not depend on how many results it
has: one for candidates, then one per kind of data to load.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tortoise import Tortoise
from tortoise.expressions import Q
from tortoise.functions import Count

from app.accounts.models import Role, User
from app.commerce.live_models import ShelfItem
from app.commerce.models import Order, Product, ProductStatus, Variant
from app.rooms.models import Follow, Room, RoomStatus
from app.search.backends import Candidate, backend_for
from app.search.query import ResultKind, SearchFilters, clean_query, normalize
from app.search.scoring import relevance

SUGGESTION_COUNT = 8
STREAMER_ROLES = {Role.STREAMER, Role.ADMIN}


@dataclass(frozen=True)
class Hit:
    """One result with the signals it was ranked by."""

    kind: ResultKind
    room: Room | None = None
    product: Product | None = None
    streamer: User | None = None
    relevance: float = 0.0
    live: bool = False
    interest: bool = False
    popularity: int = 0
    in_stock: bool = False
    # A product's room (a live room showing it, if its own is not live), or the room a
    # streamer is live in (or their latest).
    linked_room: Room | None = None

    @property
    def title(self) -> str:
        if self.room is not None:
            return self.room.title
        if self.product is not None:
            return self.product.title
        assert self.streamer is not None
        return self.streamer.display_name

    @property
    def url(self) -> str | None:
        if self.room is not None:
            return f"/rooms/{self.room.id}"
        if self.product is not None:
            return f"/products/{self.product.id}"
        return f"/rooms/{self.linked_room.id}" if self.linked_room is not None else None

    def sort_key(self) -> tuple[float, int, int, int, int, int]:
        order = list(ResultKind).index(self.kind)
        obj_id = (self.room or self.product or self.streamer).id  # type: ignore[union-attr]
        return (-self.relevance, -self.live, -self.interest, -self.popularity, order, obj_id)


@dataclass(frozen=True)
class SearchPage:
    hits: list[Hit]
    start: int
    total: int


async def search(
    query: str | None,
    filters: SearchFilters | None = None,
    viewer: User | None = None,
    *,
    first: int = 20,
    start: int = 0,
) -> SearchPage:
    """One page (``first`` hits from ``start``) of the ranked results for ``query``."""
    text = clean_query(query)
    ranked = await _ranked(text, filters or SearchFilters(), viewer)
    return SearchPage(hits=ranked[start : start + first], start=start, total=len(ranked))


async def suggest(query: str | None, viewer: User | None = None) -> list[Hit]:
    """The first few results as you type (an empty query suggests nothing)."""
    if not (query or "").strip():
        return []
    return (await search(query, viewer=viewer, first=SUGGESTION_COUNT)).hits


async def _ranked(text: str, filters: SearchFilters, viewer: User | None) -> list[Hit]:
    db = Tortoise.get_connection("default")
    candidates = await backend_for(db.capabilities.dialect).candidates(db, text)
    hits = await _load(text, candidates, filters, viewer)
    return sorted((h for h in hits if h.relevance > 0), key=Hit.sort_key)


def _ids(candidates: Iterable[Candidate], kind: ResultKind) -> list[int]:
    return [c.id for c in candidates if c.kind is kind]


async def _load(
    text: str, candidates: list[Candidate], filters: SearchFilters, viewer: User | None
) -> list[Hit]:
    kinds = filters.kinds & ({ResultKind.PRODUCT} if filters.products_only else set(ResultKind))
    room_ids = _ids(candidates, ResultKind.ROOM) if ResultKind.ROOM in kinds else []
    product_ids = _ids(candidates, ResultKind.PRODUCT) if ResultKind.PRODUCT in kinds else []
    user_ids = _ids(candidates, ResultKind.STREAMER) if ResultKind.STREAMER in kinds else []

    products = (
        await Product.filter(id__in=product_ids, status=ProductStatus.ACTIVE) if product_ids else []
    )
    users = await User.filter(id__in=user_ids, is_active=True) if user_ids else []
    wanted_rooms = set(room_ids) | {p.room_id for p in products if p.room_id is not None}
    rooms = (
        await Room.filter(Q(id__in=wanted_rooms) | Q(owner_id__in=[u.id for u in users]))
        if wanted_rooms or users
        else []
    )
    rooms_by_id = {r.id: r for r in rooms}
    stocked = (
        set(
            await Variant.filter(
                product_id__in=[p.id for p in products], is_active=True, stock__gt=0
            ).values_list("product_id", flat=True)
        )
        if products
        else set()
    )
    followers = (
        {
            row["streamer_id"]: row["n"]
            for row in await Follow.filter(streamer_id__in=[u.id for u in users])
            .annotate(n=Count("id"))
            .group_by("streamer_id")
            .values("streamer_id", "n")
        }
        if users
        else {}
    )
    # A product is live when its room is, or when a live room shows it on its shelf.
    shown_live = (
        {
            item.product_id: item.room
            for item in await ShelfItem.filter(
                product_id__in=[p.id for p in products], room__status=RoomStatus.LIVE
            ).select_related("room")
        }
        if products
        else {}
    )
    interests = await _interests(viewer)

    hits: list[Hit] = []
    for room_id in room_ids:
        room = rooms_by_id.get(room_id)
        if room is None or not _room_matches(room, filters):
            continue
        hits.append(
            Hit(
                kind=ResultKind.ROOM,
                room=room,
                relevance=relevance(text, room.title, room.category),
                live=room.status == RoomStatus.LIVE,
                interest=room.owner_id in interests,
                popularity=room.peak_viewers + room.like_count,
            )
        )
    for product in products:
        room = rooms_by_id.get(product.room_id) if product.room_id is not None else None
        if (room is None or room.status != RoomStatus.LIVE) and product.id in shown_live:
            room = shown_live[product.id]
        in_stock = product.id in stocked
        live = room is not None and room.status == RoomStatus.LIVE
        if not _product_matches(product, room, in_stock, live, filters):
            continue
        hits.append(
            Hit(
                kind=ResultKind.PRODUCT,
                product=product,
                relevance=relevance(text, product.title, product.description),
                live=live,
                interest=product.merchant_id in interests,
                popularity=product.sold_count,
                in_stock=in_stock,
                linked_room=room,
            )
        )
    owned: dict[int, list[Room]] = {}
    for room in rooms:
        owned.setdefault(room.owner_id, []).append(room)
    for user in users:
        their_rooms = sorted(owned.get(user.id, []), key=lambda r: r.id, reverse=True)
        if user.role not in STREAMER_ROLES and not their_rooms:
            continue
        live_room = next((r for r in their_rooms if r.status == RoomStatus.LIVE), None)
        if filters.live_only and live_room is None:
            continue
        if filters.category and not any(
            normalize(r.category) == filters.category for r in their_rooms
        ):
            continue
        hits.append(
            Hit(
                kind=ResultKind.STREAMER,
                streamer=user,
                relevance=relevance(text, user.display_name),
                live=live_room is not None,
                interest=user.id in interests,
                popularity=followers.get(user.id, 0),
                linked_room=live_room or (their_rooms[0] if their_rooms else None),
            )
        )
    return hits


async def _interests(viewer: User | None) -> set[int]:
    """The streamers (merchants) the viewer follows or has ordered from."""
    if viewer is None:
        return set()
    followed: list[Any] = await Follow.filter(follower_id=viewer.id).values_list(
        "streamer_id", flat=True
    )
    bought: list[Any] = await Order.filter(buyer_id=viewer.id).values_list("merchant_id", flat=True)
    return {int(i) for i in [*followed, *bought]}


def _room_matches(room: Room, filters: SearchFilters) -> bool:
    if filters.live_only and room.status != RoomStatus.LIVE:
        return False
    return not filters.category or normalize(room.category) == filters.category


def _product_matches(
    product: Product, room: Room | None, in_stock: bool, live: bool, filters: SearchFilters
) -> bool:
    if filters.in_stock and not in_stock:
        return False
    if filters.live_only and not live:
        return False
    if filters.category and (room is None or normalize(room.category) != filters.category):
        return False
    if filters.min_price_cents is not None and product.price_cents < filters.min_price_cents:
        return False
    return filters.max_price_cents is None or product.price_cents <= filters.max_price_cents
