"""A room's shelf: the products a streamer shows, the one pinned product, and the
"N people are buying" / "X just bought" signals.

Pinning publishes ``product.pinned`` (``{product_id, pinned}``) after the change commits:
pinning a product first unpins the previous one (an event with ``pinned: false``).
``product.buying`` counts the distinct buyers who started a checkout for a product in the
last :data:`BUYING_WINDOW` seconds, coalesced to one event per product per
:data:`BUYING_INTERVAL`; the count is kept per process (each web process reports the
checkouts it served). ``product.bought`` ("X just bought") is published by
:mod:`app.commerce.orders` when an order placed in a room is paid.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.functions import Max
from tortoise.transactions import in_transaction

from app.accounts.models import Role, User
from app.commerce.live_models import PinMoment, ShelfItem
from app.commerce.models import Product, ProductImage, ProductStatus, Variant
from app.errors import NotFound, PermissionDenied, UserError
from app.events import changes
from app.rooms import events
from app.rooms.models import Room, RoomStatus
from app.rooms.services import get_room

log = logging.getLogger("livemart.commerce.live")

MAX_SHELF = 100
BUYING_WINDOW = 60.0
BUYING_INTERVAL = 2.0


def utcnow() -> datetime:
    return datetime.now(UTC)


# -- who may change a room's shelf ------------------------------------------------------


def require_room_seller(user: User, room: Room) -> None:
    """Only the room's owner (the merchant selling in it) or an admin runs its commerce."""
    if room.owner_id != user.id and user.role != Role.ADMIN:
        raise PermissionDenied("only the room's streamer can do this")


async def get_items(ids: list[int]) -> dict[int, ShelfItem]:
    return {i.id: i for i in await ShelfItem.filter(id__in=list(ids))}


async def room_for_selling(user: User, room_id: int) -> Room:
    """The room, when ``user`` may sell in it and it has not ended."""
    room = await get_room(room_id)
    require_room_seller(user, room)
    if room.status == RoomStatus.ENDED:
        raise UserError("ROOM_ENDED", "this room has ended", "roomId")
    return room


async def product_for_room(room: Room, product_id: int, field: str = "productId") -> Product:
    """An active product of the room owner's catalog."""
    product = await Product.get_or_none(id=product_id)
    if product is None or product.merchant_id != room.owner_id:
        raise NotFound("product", field)
    if product.status != ProductStatus.ACTIVE:
        raise UserError("PRODUCT_UNAVAILABLE", "this product is not on sale", field)
    return product


async def variant_for_room(room: Room, variant_id: int, field: str = "variantId") -> Variant:
    """An active variant of an active product of the room owner's catalog."""
    variant = await Variant.get_or_none(id=variant_id)
    if variant is None or variant.merchant_id != room.owner_id:
        raise NotFound("variant", field)
    await product_for_room(room, variant.product_id, field)
    if not variant.is_active:
        raise UserError("PRODUCT_UNAVAILABLE", "this variant is not on sale", field)
    return variant


# -- the shelf ---------------------------------------------------------------------------


async def add_to_shelf(user: User, room_id: int, product_id: int) -> ShelfItem:
    """Put a product of the streamer's catalog on the room's shelf (idempotent)."""
    room = await room_for_selling(user, room_id)
    product = await product_for_room(room, product_id)
    return await ensure_on_shelf(room.id, product.id)


async def ensure_on_shelf(room_id: int, product_id: int) -> ShelfItem:
    """The shelf item of ``product_id`` in the room, added at the end when missing."""
    existing = await ShelfItem.get_or_none(room_id=room_id, product_id=product_id)
    if existing is not None:
        return existing
    if await ShelfItem.filter(room_id=room_id).count() >= MAX_SHELF:
        raise UserError(
            "SHELF_FULL", "a shelf holds at most {max} products", "productId", {"max": MAX_SHELF}
        )
    row = await ShelfItem.filter(room_id=room_id).annotate(top=Max("position")).values("top")
    top = row[0]["top"] if row and row[0]["top"] is not None else 0
    item, created = await ShelfItem.get_or_create(
        room_id=room_id, product_id=product_id, defaults={"position": top + 1}
    )
    if created:
        await changes.announce("shelf", room_id=room_id, product_id=product_id)
    return item


async def remove_from_shelf(user: User, room_id: int, product_id: int) -> bool:
    """Take a product off the shelf (unpinning it); False when it was not there."""
    room = await get_room(room_id)
    require_room_seller(user, room)
    item = await ShelfItem.get_or_none(room_id=room.id, product_id=product_id)
    if item is None:
        raise NotFound("shelf item", "productId")
    deleted = await ShelfItem.filter(id=item.id).delete()
    if deleted and item.pinned:
        await _announce_pin(room.id, product_id, False)
    elif deleted:
        await changes.announce("shelf", room_id=room.id, product_id=product_id)
    return bool(deleted)


async def _announce_pin(room_id: int, product_id: int, pinned: bool) -> None:
    await events.publish(room_id, events.ProductPinned(product_id=product_id, pinned=pinned))


async def pin_product(user: User, room_id: int, product_id: int | None) -> ShelfItem | None:
    """Pin a shelf product (every viewer sees it at once), or unpin with ``None``.

    At most one product of a room is pinned: the previous one is unpinned in the same
    transaction. Returns the pinned item (None when unpinning).
    """
    room = await room_for_selling(user, room_id)
    item: ShelfItem | None = None
    if product_id is not None:
        item = await ShelfItem.get_or_none(room_id=room.id, product_id=product_id)
        if item is None:
            raise UserError("NOT_ON_SHELF", "add the product to the shelf first", "productId")
        product = await Product.get(id=product_id)
        if product.status != ProductStatus.ACTIVE:
            raise UserError("PRODUCT_UNAVAILABLE", "this product is not on sale", "productId")
    async with in_transaction() as conn:
        previous: list[Any] = (
            await ShelfItem.filter(room_id=room.id, pinned=True)
            .using_db(conn)
            .values_list("product_id", flat=True)
        )
        # Every row of the room, so concurrent pins serialise on the same row locks.
        await ShelfItem.filter(room_id=room.id).using_db(conn).update(pinned=False, pinned_at=None)
        if item is not None:
            updated = (
                await ShelfItem.filter(id=item.id)
                .using_db(conn)
                .update(pinned=True, pinned_at=utcnow())
            )
            if not updated:
                raise UserError("NOT_ON_SHELF", "add the product to the shelf first", "productId")
        if previous or item is not None:  # the replay's timeline of what was pinned
            await PinMoment.create(
                room_id=room.id,
                product_id=item.product_id if item else None,
                at=utcnow(),
                using_db=conn,
            )
    for old in previous:
        if item is None or old != item.product_id:
            await _announce_pin(room.id, old, False)
    if item is None:
        return None
    await _announce_pin(room.id, item.product_id, True)
    return await ShelfItem.get(id=item.id)


def room_shelf_query(room_id: int):
    """The room's shelf items, in shelf order (a queryset, for pagination)."""
    return ShelfItem.filter(room_id=room_id).order_by("position", "id")


async def pinned_item(room_id: int) -> ShelfItem | None:
    return await ShelfItem.filter(room_id=room_id, pinned=True).first()


@dataclass
class ProductCard:
    """What a page shows for a product: title, from-price, image and buyable variants."""

    product: Product
    variants: list[Variant]
    image_url: str | None

    @property
    def in_stock(self) -> bool:
        return any(v.stock > 0 for v in self.variants)


async def product_cards(product_ids: list[int]) -> dict[int, ProductCard]:
    """Cards for products, with their active variants and first image."""
    if not product_ids:
        return {}
    products = {p.id: p for p in await Product.filter(id__in=product_ids)}
    variants: dict[int, list[Variant]] = {pid: [] for pid in products}
    for v in await Variant.filter(product_id__in=list(products), is_active=True).order_by("id"):
        variants[v.product_id].append(v)
    images: dict[int, str] = {}
    for img in await ProductImage.filter(product_id__in=list(products)).order_by("position", "id"):
        images.setdefault(img.product_id, img.thumb_url)
    return {pid: ProductCard(products[pid], variants[pid], images.get(pid)) for pid in products}


# -- coalesced publishing ----------------------------------------------------------------

Producer = Callable[[], Awaitable[tuple[int, events.RoomEvent] | None]]


class Coalescer:
    """Publish the latest state of a key at most once per ``interval`` seconds.

    The first offer publishes at once; offers within the interval are folded into one
    trailing publish, whose producer runs then (so it reads the freshest state).
    """

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._last: dict[Hashable, float] = {}
        self._pending: dict[Hashable, Producer] = {}
        self._tasks: dict[Hashable, asyncio.Task[None]] = {}

    def offer(self, key: Hashable, produce: Producer) -> None:
        """Publish what ``produce`` returns soon; raises RuntimeError outside a loop."""
        loop = asyncio.get_running_loop()
        self._pending[key] = produce
        running = self._tasks.get(key)
        if running is not None and not running.done() and running.get_loop() is loop:
            return
        delay = max(0.0, self._last.get(key, -1e9) + self.interval - time.monotonic())
        self._tasks[key] = loop.create_task(self._flush(key, delay))

    async def _flush(self, key: Hashable, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            produce = self._pending.pop(key, None)
            self._last[key] = time.monotonic()
            if produce is not None:
                found = await produce()
                if found is not None:
                    await events.publish(*found)
        except asyncio.CancelledError:
            self._forget(key)
            raise
        except Exception:
            log.exception("coalesced publish for %s failed", key)
        self._forget(key)
        if key in self._pending:  # offered again while we were publishing
            self.offer(key, self._pending[key])

    def _forget(self, key: Hashable) -> None:
        if self._tasks.get(key) is asyncio.current_task():
            del self._tasks[key]

    async def drain(self) -> None:
        """Wait for every pending publish (tests, shutdown)."""
        loop = asyncio.get_running_loop()
        while True:
            tasks = [t for t in self._tasks.values() if t.get_loop() is loop and not t.done()]
            if not tasks:
                return
            await asyncio.gather(*tasks, return_exceptions=True)

    def cancel(self) -> None:
        """Drop everything pending (the app is stopping)."""
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()
        self._pending.clear()
        self._last.clear()


class BuyingTracker:
    """Distinct buyers who started a checkout per (room, product) in a sliding window."""

    def __init__(self, window: float = BUYING_WINDOW, interval: float = BUYING_INTERVAL) -> None:
        self.window = window
        self.coalescer = Coalescer(interval)
        self._starts: dict[tuple[int, int], deque[tuple[float, int]]] = {}

    def count(self, room_id: int, product_id: int) -> int:
        starts = self._starts.get((room_id, product_id))
        if not starts:
            return 0
        cutoff = time.monotonic() - self.window
        while starts and starts[0][0] < cutoff:
            starts.popleft()
        if not starts:
            self._starts.pop((room_id, product_id), None)
            return 0
        return len({user for _, user in starts})

    def reset(self) -> None:
        """Forget everything (the app is starting or stopping)."""
        self.coalescer.cancel()
        self._starts.clear()

    def started(self, room_id: int, product_id: int, user_id: int) -> None:
        key = (room_id, product_id)
        self._starts.setdefault(key, deque()).append((time.monotonic(), user_id))

        async def produce() -> tuple[int, events.RoomEvent]:
            count = self.count(room_id, product_id)
            return room_id, events.ProductBuying(product_id=product_id, count=count)

        self.coalescer.offer(key, produce)


buying = BuyingTracker()


def checkout_started(room_id: int | None, product_id: int, user_id: int) -> None:
    """Hook: a viewer started buying ``product_id`` in a room ("N people are buying").

    Cheap and synchronous; publishes a coalesced ``product.buying`` event. Call it from any
    checkout of a room's product (the shelf's buy-now, flash sales, the cart's checkout).
    """
    if room_id is None:
        return
    with contextlib.suppress(RuntimeError):  # no running loop: nothing to publish to
        buying.started(room_id, product_id, user_id)
