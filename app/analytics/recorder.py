"""The recorder: listens to :mod:`app.signals`, buffers per room and minute in memory and
writes the buffers every few seconds as conditional increments.

Why it cannot double count: a signal is seen once, by the process where it happened
(:mod:`app.signals`); each flush takes the buffered deltas out of memory and writes each
minute bucket in its own small transaction with ``UPDATE … SET n = n + delta`` (or an
INSERT when the row is new; a concurrent INSERT from another process turns into the
UPDATE). A bucket whose transaction fails goes back into the buffer whole, so it is
written once, later. Order signals are also de-duplicated by order id in memory.

What each counter means (per room and UTC minute, attributed by the signal's ``at``):

* ``viewers_peak`` / ``viewers_sum`` / ``viewers_samples``: samples of the room's
  presence count (:meth:`Recorder.sample`, at every flush while the room is live);
* ``joins``: ``room.joined``; ``unique_viewers``: distinct viewer keys present in the
  minute (joined in it, or watching during part of it; per process);
* ``watch_seconds``: seconds watched in the minute, by every connection: accrued at every
  flush for open connections and finished at ``room.watched``;
* ``chat_messages``, ``likes`` (taps), ``gifts`` (sends) and ``gift_coins``,
  ``impressions``, ``clicks``, ``add_to_cart`` (signals that name the room); an order
  placed from the room counts a click too unless its buyer opened one of its products'
  pages from the room before (a buy from the room's card is a click on the product:
  the funnel never shows more orders than clicks);
* ``orders_placed`` (``order.created``), ``orders`` and ``gmv_cents`` (``order.paid``),
  ``refunds`` and ``refunded_cents`` (``order.refunded``), ``cancelled`` (cancelled or
  expired); ``new_followers``: ``follow.added`` while one of the streamer's rooms is live
  (credited to it).

Viewer visits (one row per viewer and live session) are written at joins and leaves
only, never per flush, and in batches: a flush costs about one statement per active room
and minute, plus three per 500 viewers who came or went (a crowd joining a popular room
is a few statements, not a few per viewer).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from app import signals
from app.analytics.models import MinuteBucket, UserBurst, ViewerVisit
from app.rooms.models import LiveSession, Room, RoomStatus

log = logging.getLogger("livemart.analytics")

MINUTE = timedelta(minutes=1)
# Per-user likes / chat messages in a room and minute are kept (UserBurst) from here on.
BURST_FLOOR_LIKES = 50
BURST_FLOOR_CHATS = 5
KEEP_MINUTES = 10  # how long "seen this minute" sets and burst counters stay in memory
DEDUPE_SIZE = 20_000
VISIT_BATCH = 500  # viewer visits written per transaction
VISIT_FIELDS = ("visits", "open_connections", "watch_seconds", "first_seen", "last_seen")


def minute_of(at: datetime) -> datetime:
    """The UTC minute ``at`` falls in."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).replace(second=0, microsecond=0)


def _now() -> datetime:
    return signals.now()


@dataclass
class _Conn:
    """One open viewer connection, accounted for up to ``accounted``."""

    room_id: int
    key: str
    user_id: int | None
    started: datetime
    accounted: datetime
    session_id: int | None = None


@dataclass
class _VisitDelta:
    user_id: int | None
    first: datetime
    last: datetime
    joins: int = 0
    opened: int = 0
    watch: float = 0.0
    session_id: int | None = None


@dataclass
class _Bucket:
    counts: Counter[str] = field(default_factory=Counter)
    watch: float = 0.0
    peak: int = 0
    samples_sum: int = 0
    samples: int = 0

    def empty(self) -> bool:
        return not (+self.counts or int(self.watch) or self.peak or self.samples)

    def merge(self, other: _Bucket) -> None:
        self.counts.update(other.counts)
        self.watch += other.watch
        self.peak = max(self.peak, other.peak)
        self.samples_sum += other.samples_sum
        self.samples += other.samples


class Recorder:
    """Buffers signals per (room, minute) and flushes them to the database."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self.clock = clock or _now
        self.buckets: dict[tuple[int, datetime], _Bucket] = defaultdict(_Bucket)
        self.seen: dict[tuple[int, datetime], set[str]] = defaultdict(set)
        self.open: dict[tuple[int, str], list[_Conn]] = defaultdict(list)
        self.visits: dict[tuple[int, str, int | None], _VisitDelta] = {}
        self.follows: list[tuple[int, datetime]] = []
        self.bursts: dict[tuple[int, int, datetime], list[int]] = {}
        self.burst_written: dict[tuple[int, int, datetime], list[int]] = {}
        self._orders: OrderedDict[tuple[str, int], None] = OrderedDict()
        # (room, user, product) product pages opened from a room and not yet bought.
        self._clicks: OrderedDict[tuple[int, int, int], None] = OrderedDict()
        self._lock = asyncio.Lock()

    # --- listening ---------------------------------------------------------------------

    def handlers(self) -> dict[str, Callable[..., Any]]:
        return {
            "room.joined": self.on_joined,
            "room.watched": self.on_watched,
            "chat.sent": self.on_chat,
            "like.sent": self.on_like,
            "follow.added": self.on_follow,
            "gift.sent": self.on_gift,
            "product.impression": self.on_impression,
            "product.clicked": self.on_click,
            "cart.added": self.on_cart,
            "order.created": self.on_order_created,
            "order.paid": self.on_order_paid,
            "order.refunded": self.on_order_refunded,
            "order.cancelled": self.on_order_cancelled,
        }

    def connect(self) -> None:
        signals.connect_all(self.handlers())

    def disconnect(self) -> None:
        signals.disconnect_all(self.handlers())

    def _count(self, room_id: int | None, at: datetime, name: str, n: int = 1) -> None:
        if room_id is None or not n:
            return
        self.buckets[(int(room_id), minute_of(at))].counts[name] += n

    def _see(self, room_id: int, key: str, minute: datetime) -> None:
        seen = self.seen[(room_id, minute)]
        if key not in seen:
            seen.add(key)
            self.buckets[(room_id, minute)].counts["unique_viewers"] += 1

    def _accrue(self, conn: _Conn, until: datetime) -> float:
        """Add ``conn``'s watching from ``conn.accounted`` to ``until`` to the minutes."""
        start = conn.accounted
        total = 0.0
        while start < until:
            minute = minute_of(start)
            end = min(until, minute + MINUTE)
            seconds = (end - start).total_seconds()
            self.buckets[(conn.room_id, minute)].watch += seconds
            self._see(conn.room_id, conn.key, minute)
            total += seconds
            start = end
        conn.accounted = max(conn.accounted, until)
        return total

    def _visit(
        self, room_id: int, key: str, user_id: int | None, at: datetime, session: int | None
    ) -> _VisitDelta:
        vkey = (room_id, key, session)
        found = self.visits.get(vkey)
        if found is None:
            found = self.visits[vkey] = _VisitDelta(user_id, at, at, session_id=session)
        found.first = min(found.first, at)
        found.last = max(found.last, at)
        found.user_id = found.user_id or user_id
        return found

    def on_joined(
        self, room_id: int, user_id: int | None, viewer_key: str, at: datetime, **_: Any
    ) -> None:
        conn = _Conn(room_id, viewer_key, user_id, at, at)
        self.open[(room_id, viewer_key)].append(conn)
        self._count(room_id, at, "joins")
        self._see(room_id, viewer_key, minute_of(at))
        delta = self._visit(room_id, viewer_key, user_id, at, None)
        delta.joins += 1
        delta.opened += 1

    def on_watched(
        self,
        room_id: int,
        user_id: int | None,
        viewer_key: str,
        started_at: datetime,
        ended_at: datetime,
        **_: Any,
    ) -> None:
        conns = self.open.get((room_id, viewer_key)) or []
        conn = min(conns, key=lambda c: abs((c.started - started_at).total_seconds()), default=None)
        if conn is not None:
            conns.remove(conn)
            if not conns:
                self.open.pop((room_id, viewer_key), None)
            self._accrue(conn, ended_at)
            delta = self._visit(room_id, viewer_key, user_id, ended_at, conn.session_id)
            delta.opened -= 1
        else:  # joined before this recorder started
            conn = _Conn(room_id, viewer_key, user_id, started_at, started_at)
            self._accrue(conn, ended_at)
            delta = self._visit(room_id, viewer_key, user_id, ended_at, None)
        delta.watch += max(0.0, (ended_at - started_at).total_seconds())

    def _burst(self, room_id: int, user_id: int | None, at: datetime, index: int, n: int) -> None:
        if user_id is None:
            return
        key = (room_id, user_id, minute_of(at))
        counts = self.bursts.setdefault(key, [0, 0])
        counts[index] += n

    def on_chat(self, room_id: int, user_id: int | None, at: datetime, **_: Any) -> None:
        self._count(room_id, at, "chat_messages")
        self._burst(room_id, user_id, at, 1, 1)

    def on_like(
        self, room_id: int, user_id: int | None, count: int, at: datetime, **_: Any
    ) -> None:
        self._count(room_id, at, "likes", int(count))
        self._burst(room_id, user_id, at, 0, int(count))

    def on_follow(self, streamer_id: int, at: datetime, **_: Any) -> None:
        self.follows.append((streamer_id, at))

    def on_gift(self, room_id: int, coins: int, at: datetime, **_: Any) -> None:
        self._count(room_id, at, "gifts")
        self._count(room_id, at, "gift_coins", int(coins))

    def on_impression(self, room_id: int | None, at: datetime, **_: Any) -> None:
        self._count(room_id, at, "impressions")

    def on_click(
        self,
        room_id: int | None,
        at: datetime,
        product_id: int | None = None,
        user_id: int | None = None,
        **_: Any,
    ) -> None:
        self._count(room_id, at, "clicks")
        if room_id is not None and user_id is not None and product_id is not None:
            key = (int(room_id), int(user_id), int(product_id))
            self._clicks[key] = None
            self._clicks.move_to_end(key)
            while len(self._clicks) > DEDUPE_SIZE:
                self._clicks.popitem(last=False)

    def _buy_clicks(self, room_id: int, user_id: int | None, product_ids: list[int] | None) -> int:
        """Clicks that an order from the room stands for: a buy straight from the room's
        card (the pinned product, a flash sale) is a click on it. A product page opened
        before from the room already counted its click, which this order uses up."""
        used = [
            (room_id, int(user_id), int(p)) in self._clicks
            for p in (product_ids or [])
            if user_id is not None
        ]
        for p in product_ids or []:
            if user_id is not None:
                self._clicks.pop((room_id, int(user_id), int(p)), None)
        return 0 if any(used) else 1

    def on_cart(self, room_id: int | None, at: datetime, **_: Any) -> None:
        self._count(room_id, at, "add_to_cart")

    def _first_time(self, name: str, order_id: int) -> bool:
        key = (name, int(order_id))
        if key in self._orders:
            return False
        self._orders[key] = None
        while len(self._orders) > DEDUPE_SIZE:
            self._orders.popitem(last=False)
        return True

    def on_order_created(
        self,
        order_id: int,
        room_id: int | None,
        at: datetime,
        user_id: int | None = None,
        product_ids: list[int] | None = None,
        **_: Any,
    ) -> None:
        if self._first_time("created", order_id):
            self._count(room_id, at, "orders_placed")
            if room_id is not None:
                self._count(
                    room_id, at, "clicks", self._buy_clicks(int(room_id), user_id, product_ids)
                )

    def on_order_paid(
        self, order_id: int, room_id: int | None, total_cents: int, at: datetime, **_: Any
    ) -> None:
        if self._first_time("paid", order_id):
            self._count(room_id, at, "orders")
            self._count(room_id, at, "gmv_cents", int(total_cents))

    def on_order_refunded(
        self, order_id: int, room_id: int | None, total_cents: int, at: datetime, **_: Any
    ) -> None:
        if self._first_time("refunded", order_id):
            self._count(room_id, at, "refunds")
            self._count(room_id, at, "refunded_cents", int(total_cents))

    def on_order_cancelled(
        self, order_id: int, room_id: int | None, at: datetime, **_: Any
    ) -> None:
        if self._first_time("cancelled", order_id):
            self._count(room_id, at, "cancelled")

    # --- sampling ----------------------------------------------------------------------

    async def sample(self, now: datetime | None = None) -> dict[int, int]:
        """Sample the presence count of every live room (peak and average viewers)."""
        from app.rooms.presence import get_presence

        now = now or self.clock()
        try:
            presence = get_presence()
        except RuntimeError:
            return {}
        live: list[Any] = await Room.filter(status=RoomStatus.LIVE).values_list("id", flat=True)
        room_ids = {int(r) for r in live}
        counts: dict[int, int] = {}
        minute = minute_of(now)
        for room_id in sorted(room_ids):
            # Never below this process's own viewers (on Redis the shared count lags a
            # little behind the local one).
            count = max(await presence.count(room_id), presence.local_count(room_id))
            counts[room_id] = count
            bucket = self.buckets[(room_id, minute)]
            bucket.peak = max(bucket.peak, count)
            bucket.samples_sum += count
            bucket.samples += 1
        return counts

    # --- flushing ----------------------------------------------------------------------

    async def flush(self, now: datetime | None = None) -> int:
        """Write everything buffered (accruing open connections up to ``now``); returns
        how many minute buckets were written."""
        async with self._lock:
            now = now or self.clock()
            for conns in self.open.values():
                for conn in conns:
                    if now > conn.accounted:
                        self._accrue(conn, now)
            await self._resolve_follows()
            buckets, self.buckets = self.buckets, defaultdict(_Bucket)
            visits, self.visits = self.visits, {}
            room_ids = {r for r, _ in buckets} | {r for r, _, _ in visits}
            rooms = await _existing_rooms(room_ids)
            sessions = await _current_sessions(rooms)
            written = 0
            for (room_id, minute), bucket in sorted(buckets.items()):
                if room_id not in rooms:
                    continue
                whole = int(bucket.watch)
                rest = bucket.watch - whole
                if rest:  # keep the fraction of a second for the next flush
                    self.buckets[(room_id, minute)].watch += rest
                    bucket.watch = whole
                if bucket.empty():
                    continue
                try:
                    await _write_bucket(room_id, minute, sessions.get(room_id), bucket)
                    written += 1
                except Exception:
                    log.exception("analytics: could not write room %s minute %s", room_id, minute)
                    self.buckets[(room_id, minute)].merge(bucket)
            await self._write_visits(visits, rooms, sessions)
            await self._write_bursts()
            self._forget(now)
            return written

    async def _resolve_follows(self) -> None:
        """Credit each follow to the streamer's room that was live when it happened."""
        follows, self.follows = self.follows, []
        if not follows:
            return
        earliest = min(at for _, at in follows) - MINUTE
        rooms: dict[int, list[tuple[datetime, datetime | None, int]]] = defaultdict(list)
        for room_id, owner_id, started, ended in (
            await Room.filter(owner_id__in=list({s for s, _ in follows}), started_at__isnull=False)
            .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=earliest))
            .order_by("-started_at", "-id")
            .values_list("id", "owner_id", "started_at", "ended_at")
        ):
            rooms[int(owner_id)].append((started, ended, int(room_id)))
        for streamer_id, at in follows:
            room_id = next(
                (
                    r
                    for started, ended, r in rooms.get(streamer_id, ())
                    if started <= at and (ended is None or ended >= at)
                ),
                None,
            )
            self._count(room_id, at, "new_followers")

    async def _write_visits(
        self,
        visits: dict[tuple[int, str, int | None], _VisitDelta],
        rooms: set[int],
        sessions: dict[int, int],
    ) -> None:
        rows: dict[tuple[int, int, str], _VisitDelta] = {}
        for (room_id, key, _), delta in visits.items():
            if room_id not in rooms:
                continue
            session = delta.session_id or sessions.get(room_id) or 0
            for conn in self.open.get((room_id, key), ()):
                conn.session_id = conn.session_id or session
            found = rows.get((room_id, session, key))
            rows[(room_id, session, key)] = delta if found is None else _merged(found, delta)
        items = sorted(rows.items())
        for start in range(0, len(items), VISIT_BATCH):
            batch = items[start : start + VISIT_BATCH]
            try:
                await _write_visit_batch(batch)
            except Exception:
                log.exception("analytics: could not write %d viewer visits", len(batch))

    async def _write_bursts(self) -> None:
        for key, (likes, chats) in list(self.bursts.items()):
            done = self.burst_written.get(key, [0, 0])
            if likes < BURST_FLOOR_LIKES and chats < BURST_FLOOR_CHATS:
                continue
            add_likes, add_chats = likes - done[0], chats - done[1]
            if not (add_likes or add_chats):
                continue
            room_id, user_id, minute = key
            try:
                await _upsert(
                    UserBurst,
                    {"room_id": room_id, "user_id": user_id, "minute": minute},
                    {"likes": add_likes, "chats": add_chats},
                )
                self.burst_written[key] = [likes, chats]
            except Exception:
                log.exception("analytics: could not write burst %s", key)

    def _forget(self, now: datetime) -> None:
        horizon = minute_of(now) - KEEP_MINUTES * MINUTE
        stores: tuple[dict[Any, Any], ...] = (self.seen, self.bursts, self.burst_written)
        for store in stores:
            for key in [k for k in store if k[-1] < horizon]:
                del store[key]
        for key in [k for k, b in self.buckets.items() if k[1] < horizon and b.empty()]:
            del self.buckets[key]  # only a fraction of a second left


async def _existing_rooms(room_ids: set[int]) -> set[int]:
    if not room_ids:
        return set()
    found: list[Any] = await Room.filter(id__in=list(room_ids)).values_list("id", flat=True)
    return {int(r) for r in found}


async def _current_sessions(room_ids: set[int]) -> dict[int, int]:
    """Each room's live session: the open one, else one that ended in the last minutes."""
    if not room_ids:
        return {}
    recent = datetime.now(UTC) - 10 * MINUTE
    found: dict[int, int] = {}
    rows = (
        await LiveSession.filter(room_id__in=list(room_ids))
        .filter(ended_at__isnull=True)
        .order_by("id")
        .values_list("room_id", "id")
    )
    for room_id, session_id in rows:
        found[int(room_id)] = int(session_id)
    missing = room_ids - found.keys()
    if missing:
        rows = (
            await LiveSession.filter(room_id__in=list(missing), ended_at__gte=recent)
            .order_by("id")
            .values_list("room_id", "id")
        )
        for room_id, session_id in rows:
            found[int(room_id)] = int(session_id)
    return found


async def _upsert(model: Any, keys: dict[str, Any], adds: dict[str, int], **create: Any) -> None:
    """``UPDATE … SET f = f + n WHERE keys``; INSERT when there is no row (a concurrent
    INSERT elsewhere turns into the UPDATE)."""
    adds = {name: n for name, n in adds.items() if n}
    for _ in range(3):
        if adds:
            updated = await model.filter(**keys).update(
                **{name: F(name) + n for name, n in adds.items()}
            )
        else:
            updated = await model.filter(**keys).exists()
        if updated:
            return
        try:
            async with in_transaction():
                await model.create(**keys, **adds, **create)
            return
        except IntegrityError:
            continue
    raise RuntimeError(f"could not upsert {model.__name__} {keys}")


async def _write_bucket(
    room_id: int, minute: datetime, session_id: int | None, bucket: _Bucket
) -> None:
    adds = dict(+bucket.counts)
    adds["watch_seconds"] = int(bucket.watch)
    adds["viewers_sum"] = bucket.samples_sum
    adds["viewers_samples"] = bucket.samples
    keys = {"room_id": room_id, "minute": minute}
    async with in_transaction():
        await _upsert(MinuteBucket, keys, adds, live_session_id=session_id)
        if bucket.peak:
            await MinuteBucket.filter(**keys, viewers_peak__lt=bucket.peak).update(
                viewers_peak=bucket.peak
            )


def _merged(a: _VisitDelta, b: _VisitDelta) -> _VisitDelta:
    """Two deltas of one visit row (one buffered before its session was known)."""
    return _VisitDelta(
        a.user_id or b.user_id,
        min(a.first, b.first),
        max(a.last, b.last),
        joins=a.joins + b.joins,
        opened=a.opened + b.opened,
        watch=a.watch + b.watch,
        session_id=a.session_id or b.session_id,
    )


async def _write_visit_batch(batch: list[tuple[tuple[int, int, str], _VisitDelta]]) -> None:
    """Add a batch of deltas to their visit rows in one transaction: the existing rows
    are read under a row lock and written back with one ``bulk_update``, the new ones
    with one ``bulk_create``. A row that another process inserts meanwhile fails the
    INSERT (unique key): the whole batch is retried and then finds it."""
    for attempt in range(3):
        try:
            async with in_transaction():
                await _apply_visits(batch)
            return
        except (IntegrityError, OperationalError):
            if attempt == 2:
                raise


async def _apply_visits(batch: list[tuple[tuple[int, int, str], _VisitDelta]]) -> None:
    scopes: dict[tuple[int, int], list[tuple[str, _VisitDelta]]] = defaultdict(list)
    for (room_id, session_id, key), delta in batch:
        scopes[(room_id, session_id)].append((key, delta))
    changed: list[ViewerVisit] = []
    new: list[ViewerVisit] = []
    for (room_id, session_id), deltas in scopes.items():
        rows = (
            await ViewerVisit.filter(
                room_id=room_id, session_id=session_id, viewer_key__in=[k for k, _ in deltas]
            )
            .select_for_update()
            .order_by("id")
        )
        existing = {row.viewer_key: row for row in rows}
        for key, delta in deltas:
            row = existing.get(key)
            if row is None:
                new.append(
                    ViewerVisit(
                        room_id=room_id,
                        session_id=session_id,
                        viewer_key=key,
                        user_id=delta.user_id,
                        first_seen=delta.first,
                        last_seen=delta.last,
                        visits=delta.joins,
                        open_connections=max(0, delta.opened),
                        watch_seconds=int(delta.watch),
                    )
                )
                continue
            row.visits += delta.joins
            row.open_connections = max(0, row.open_connections + delta.opened)
            row.watch_seconds += int(delta.watch)
            row.first_seen = min(row.first_seen, delta.first)
            row.last_seen = max(row.last_seen, delta.last)
            changed.append(row)
    if changed:
        await ViewerVisit.bulk_update(changed, fields=VISIT_FIELDS)
    if new:
        await ViewerVisit.bulk_create(new)


# --- the background service ---------------------------------------------------------------

_recorder: Recorder | None = None


def get_recorder() -> Recorder:
    if _recorder is None:
        raise RuntimeError("analytics is not started")
    return _recorder


def set_recorder(recorder: Recorder | None) -> None:
    global _recorder
    _recorder = recorder
