"""Profiles follow behaviour incrementally: signal listeners → an in-memory buffer → one
batched write every few seconds (never a recompute per event).

The updater listens to the same signals as the interaction log (:mod:`app.recs.log`), and
also to anonymous room visits (``viewer_key`` ``browser:<id>``), which the log skips. A
flush resolves the rooms and products of the whole batch in two queries, folds each
profile's deltas into its decayed tags (:mod:`app.profiles.decay`) and writes changed tags
with one bulk update and one bulk insert.

| signal | tags (weight) | also |
| --- | --- | --- |
| ``room.joined`` | category, topics of the title, streamer (0.5) | hour, last seen |
| ``room.watched`` | same (0.3 a minute, up to 3) | |
| ``chat.sent`` / ``like.sent`` / ``gift.sent`` | same (0.3 / 0.5 / 3) | hour |
| ``follow.added`` | streamer (2) | |
| ``product.clicked`` / ``cart.added`` | its room's category, topics, merchant, | hour |
|  | price band (1 / 3) | |
| ``order.created`` / ``order.paid`` | each product as above (5 / 2) | paid: RFM |
| ``order.refunded`` | — | monetary less the refund |
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from app import signals
from app.commerce.models import Product
from app.profiles import decay
from app.profiles.models import Profile, ProfileTag
from app.recs.log import watch_weight
from app.rooms.models import Room
from app.tasks import FlushLoop, RetryLog

log = logging.getLogger("livemart.profiles")

FLUSH_INTERVAL = 2.0
MAX_EVENTS = 50_000  # buffered while the database is away; beyond this the oldest go
STOP_TIMEOUT = 5.0

W_VIEW, W_CHAT, W_LIKE, W_GIFT, W_FOLLOW = 0.5, 0.3, 0.5, 3.0, 2.0
W_CLICK, W_CART, W_ORDER, W_PURCHASE = 1.0, 3.0, 5.0, 2.0


@dataclass
class _Event:
    subject: str
    user_id: int | None
    item: str  # "room", "product" or "streamer"
    item_id: int
    weight: float
    at: datetime


@dataclass
class _Money:
    orders: int = 0
    cents: int = 0
    last_order_at: datetime | None = None


@dataclass
class _Delta:
    user_id: int | None = None
    tags: dict[tuple[str, str], tuple[float, datetime]] = field(default_factory=dict)
    money: _Money = field(default_factory=_Money)
    last_seen: datetime | None = None

    def tag(self, dimension: str, key: str, weight: float, at: datetime) -> None:
        if weight <= 0 or not key:
            return
        current = self.tags.get((dimension, key))
        if current is None:
            self.tags[(dimension, key)] = (weight, at)
        else:
            self.tags[(dimension, key)] = decay.add(current[0], current[1], weight, at)

    def seen(self, at: datetime) -> None:
        self.last_seen = at if self.last_seen is None else max(self.last_seen, at)


def subject_of(user_id: int | None, viewer_key: str | None = None) -> str | None:
    """The profile a signal belongs to: the user's, or an anonymous browser's."""
    if user_id is not None:
        return f"user:{int(user_id)}"
    if viewer_key and viewer_key.startswith("browser:") and len(viewer_key) > 8:
        return viewer_key[:64]
    return None


class ProfileUpdater(signals.Listening, FlushLoop):
    """Buffers profile-relevant signals and folds them into profiles in batches."""

    SIGNALS = (*signals.VIEWER_ACTIVITY, "order.refunded")  # every signal a profile learns from
    task_name = "profiles-updater"
    stop_timeout = STOP_TIMEOUT
    logger = log
    final_flush_failed = "final flush of the profiles failed (%d pending)"

    def __init__(self, flush_interval: float = FLUSH_INTERVAL) -> None:
        self.flush_interval = flush_interval
        self.events: list[_Event] = []
        self.money: dict[str, _Money] = defaultdict(_Money)
        self.users: dict[str, int] = {}
        self.dropped = 0
        self.flushes = 0
        self._lock = asyncio.Lock()

    # -- buffer ------------------------------------------------------------------------

    def _add(
        self,
        user_id: int | None,
        item: str,
        item_id: int | None,
        weight: float,
        at: datetime,
        viewer_key: str | None = None,
    ) -> None:
        subject = subject_of(user_id, viewer_key)
        if subject is None or item_id is None or weight <= 0:
            return
        if len(self.events) >= MAX_EVENTS:
            self.events.pop(0)
            self.dropped += 1
        if user_id is not None:
            self.users[subject] = int(user_id)
        self.events.append(_Event(subject, user_id, item, int(item_id), weight, decay.utc(at)))

    def pending(self) -> int:
        return len(self.events) + len(self.money)

    # -- listeners (quick: buffer only) ------------------------------------------------

    def on_room_joined(
        self, *, room_id: int, user_id: int | None, at: datetime, viewer_key: str = "", **_: Any
    ) -> None:
        self._add(user_id, "room", room_id, W_VIEW, at, viewer_key)

    def on_room_watched(
        self,
        *,
        room_id: int,
        user_id: int | None,
        started_at: datetime,
        ended_at: datetime,
        at: datetime,
        viewer_key: str = "",
        **_: Any,
    ) -> None:
        weight = watch_weight(started_at, ended_at)
        self._add(user_id, "room", room_id, weight, ended_at or at, viewer_key)

    def on_chat_sent(self, *, room_id: int, user_id: int | None, at: datetime, **_: Any) -> None:
        self._add(user_id, "room", room_id, W_CHAT, at)

    def on_like_sent(self, *, room_id: int, user_id: int | None, at: datetime, **_: Any) -> None:
        self._add(user_id, "room", room_id, W_LIKE, at)

    def on_gift_sent(self, *, room_id: int, user_id: int | None, at: datetime, **_: Any) -> None:
        self._add(user_id, "room", room_id, W_GIFT, at)

    def on_follow_added(
        self, *, streamer_id: int, user_id: int | None, at: datetime, **_: Any
    ) -> None:
        self._add(user_id, "streamer", streamer_id, W_FOLLOW, at)

    def on_product_clicked(
        self, *, product_id: int, user_id: int | None, at: datetime, **_: Any
    ) -> None:
        self._add(user_id, "product", product_id, W_CLICK, at)

    def on_cart_added(
        self, *, product_id: int, user_id: int | None, at: datetime, **_: Any
    ) -> None:
        self._add(user_id, "product", product_id, W_CART, at)

    def on_order_created(
        self, *, user_id: int | None, at: datetime, product_ids: Iterable[int] = (), **_: Any
    ) -> None:
        for product_id in dict.fromkeys(product_ids or ()):
            self._add(user_id, "product", product_id, W_ORDER, at)

    def on_order_paid(
        self,
        *,
        user_id: int | None,
        at: datetime,
        total_cents: int = 0,
        product_ids: Iterable[int] = (),
        **_: Any,
    ) -> None:
        for product_id in dict.fromkeys(product_ids or ()):
            self._add(user_id, "product", product_id, W_PURCHASE, at)
        subject = subject_of(user_id)
        if subject is not None:
            self.users[subject] = int(user_id or 0)
            money = self.money[subject]
            money.orders += 1
            money.cents += int(total_cents or 0)
            at = decay.utc(at)
            money.last_order_at = (
                at if money.last_order_at is None else max(money.last_order_at, at)
            )

    def on_order_refunded(self, *, user_id: int | None, total_cents: int = 0, **_: Any) -> None:
        subject = subject_of(user_id)
        if subject is not None:
            self.users[subject] = int(user_id or 0)
            self.money[subject].cents -= int(total_cents or 0)

    # -- writing -----------------------------------------------------------------------

    async def flush(self) -> int:
        """Fold everything buffered into the profiles; returns the profiles touched."""
        async with self._lock:
            events, self.events = self.events, []
            money, self.money = self.money, defaultdict(_Money)
            users, self.users = self.users, {}
            if not events and not money:
                return 0
            deltas = await _deltas(events, money, users)
            try:
                await _write(deltas)
            except Exception:
                self.events = events + self.events  # written once, later
                for subject, m in money.items():
                    kept = self.money[subject]
                    kept.orders += m.orders
                    kept.cents += m.cents
                    kept.last_order_at = kept.last_order_at or m.last_order_at
                self.users.update(users)
                raise
            self.flushes += 1
            return len(deltas)

    # -- lifecycle ---------------------------------------------------------------------

    async def _loop(self) -> None:
        failures = RetryLog(log, "profiles flush")
        while True:
            await asyncio.sleep(self.flush_interval)
            await failures.attempt(self.flush)


async def _deltas(
    events: list[_Event], money: dict[str, _Money], users: dict[str, int]
) -> dict[str, _Delta]:
    """What each profile gains from a batch (two queries: its rooms and its products)."""
    room_ids = {e.item_id for e in events if e.item == "room"}
    product_ids = {e.item_id for e in events if e.item == "product"}
    rooms = (
        {
            r["id"]: r
            for r in await Room.filter(id__in=room_ids).values(
                "id", "owner_id", "category", "title"
            )
        }
        if room_ids
        else {}
    )
    products = (
        {
            p["id"]: p
            for p in await Product.filter(id__in=product_ids).values(
                "id", "merchant_id", "title", "price_cents", "room__category"
            )
        }
        if product_ids
        else {}
    )
    deltas: dict[str, _Delta] = defaultdict(_Delta)
    for e in events:
        d = deltas[e.subject]
        d.user_id = users.get(e.subject, d.user_id)
        d.seen(e.at)
        if e.item == "streamer":
            d.tag("streamer", str(e.item_id), e.weight, e.at)
            continue
        if e.item == "room":
            room = rooms.get(e.item_id)
            if room is None:
                continue
            d.tag("category", room["category"], e.weight, e.at)
            d.tag("streamer", str(room["owner_id"]), e.weight, e.at)
            for word in decay.topics(room["title"]):
                d.tag("topic", word, e.weight, e.at)
        else:
            product = products.get(e.item_id)
            if product is None:
                continue
            if product["room__category"]:
                d.tag("category", product["room__category"], e.weight, e.at)
            d.tag("streamer", str(product["merchant_id"]), e.weight, e.at)
            d.tag("price", decay.price_band(int(product["price_cents"])), e.weight, e.at)
            for word in decay.topics(product["title"]):
                d.tag("topic", word, e.weight, e.at)
        d.tag("hour", f"{e.at.hour:02d}", 1.0, e.at)
    for subject, m in money.items():
        d = deltas[subject]
        d.user_id = users.get(subject, d.user_id)
        d.money = m
    return deltas


async def _profiles_for(deltas: dict[str, _Delta]) -> dict[str, Profile]:
    found = {p.subject: p for p in await Profile.filter(subject__in=list(deltas))}
    for subject, d in deltas.items():
        if subject in found:
            continue
        try:
            async with in_transaction():
                found[subject] = await Profile.create(subject=subject, user_id=d.user_id)
        except IntegrityError:  # created by another process meanwhile, or the user is gone
            again = await Profile.get_or_none(subject=subject)
            if again is not None:
                found[subject] = again
    return found


async def _write(deltas: dict[str, _Delta]) -> None:
    profiles = await _profiles_for(deltas)
    by_id = {profiles[s].id: d for s, d in deltas.items() if s in profiles}
    existing: dict[tuple[int, str, str], ProfileTag] = {}
    wanted = {(pid, dim, key) for pid, d in by_id.items() for dim, key in d.tags}
    if wanted:
        for row in await ProfileTag.filter(profile_id__in=list(by_id)):
            existing[(row.profile_id, row.dimension, row.key)] = row
    changed: list[ProfileTag] = []
    created: list[ProfileTag] = []
    for pid, d in by_id.items():
        for (dim, key), (weight, at) in d.tags.items():
            tag = existing.get((pid, dim, key))
            if tag is None:
                created.append(
                    ProfileTag(profile_id=pid, dimension=dim, key=key, weight=weight, updated_at=at)
                )
            else:
                since = decay.utc(tag.updated_at)
                tag.weight, tag.updated_at = decay.add(tag.weight, since, weight, at)
                changed.append(tag)
    async with in_transaction() as conn:
        if changed:
            await ProfileTag.bulk_update(changed, fields=["weight", "updated_at"], using_db=conn)
        if created:
            await ProfileTag.bulk_create(created, using_db=conn)
        for pid, d in by_id.items():
            updates: dict[str, Any] = {}
            if d.last_seen is not None:
                updates["last_seen_at"] = d.last_seen
            if d.money.orders or d.money.cents:
                updates["orders"] = F("orders") + d.money.orders
                updates["spent_cents"] = F("spent_cents") + d.money.cents
            if d.money.last_order_at is not None:
                updates["last_order_at"] = d.money.last_order_at
            if updates:
                await Profile.filter(id=pid).using_db(conn).update(**updates)


# --- the running updater ---------------------------------------------------------------

_updater: ProfileUpdater | None = None


def get_updater() -> ProfileUpdater | None:
    """The updater started with the app (None outside it)."""
    return _updater


@contextlib.asynccontextmanager
async def profiles_runtime(settings: object) -> Any:
    """Background service: listen to the signals, fold them into profiles every
    :data:`FLUSH_INTERVAL` seconds, and once more on shutdown."""
    global _updater
    updater = ProfileUpdater()
    await updater.start()
    updater.connect()
    _updater = updater
    try:
        yield updater
    finally:
        updater.disconnect()
        _updater = None
        await updater.stop()
