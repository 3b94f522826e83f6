"""Reading the metrics: a room's (or live session's) time series, totals and funnel, the
platform view for admins, and CSV export.

Definitions (see :mod:`app.analytics.recorder` for how each counter is recorded):

* ``viewers_peak``: the highest sampled concurrent viewer count; ``viewers_avg``: the mean
  of the samples;
* ``unique_viewers``: per minute, distinct viewers present in it; over an hour or a whole
  range, distinct viewers (visits) whose time in the room overlaps it;
* ``avg_watch_seconds``: watch seconds in the range / unique viewers of the range;
* ``clicks``: product pages opened from the room, plus orders bought straight from the
  room's card (see :mod:`app.analytics.recorder`): never fewer than the orders placed;
* ``ctr`` = clicks / impressions; ``cvr`` = orders (paid) / clicks; ``gmv_cents``: total of
  the orders paid (minor units of :attr:`RoomStats.currency`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count, Max, Sum

from app.accounts.models import Role, User
from app.analytics.models import COUNTERS, MinuteBucket, ViewerVisit
from app.analytics.recorder import MINUTE, minute_of
from app.commerce.models import Order, OrderItem, OrderStatus
from app.errors import NotFound, PermissionDenied, UserError
from app.i18n import lazy_gettext
from app.rooms.models import LiveSession, Room, RoomStatus

HOUR = timedelta(hours=1)
DEFAULT_RANGE = {"minute": timedelta(hours=1), "hour": timedelta(hours=24)}
MAX_RANGE = {"minute": timedelta(hours=24), "hour": timedelta(days=31)}
PAID = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED)
# Columns of a series point / the CSV, in order.
COLUMNS: tuple[str, ...] = ("viewers_peak", "viewers_avg", *COUNTERS, "ctr", "cvr")
FUNNEL: tuple[tuple[str, str], ...] = (
    ("impressions", "Impressions"),
    ("clicks", "Clicks"),
    ("orders_placed", "Orders placed"),
    ("orders", "Orders paid"),
)


class Interval(StrEnum):
    MINUTE = "minute"
    HOUR = "hour"


def _step(interval: Interval) -> timedelta:
    return MINUTE if interval == Interval.MINUTE else HOUR


def _floor(at: datetime, interval: Interval) -> datetime:
    at = minute_of(at)
    return at if interval == Interval.MINUTE else at.replace(minute=0)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def ratio(part: float, whole: float) -> float:
    """``part / whole``, 0 when ``whole`` is 0."""
    return float(part) / float(whole) if whole else 0.0


@dataclass
class Point:
    """One step of a series: its start and every column."""

    start: datetime
    values: dict[str, float] = field(default_factory=dict)

    def __getitem__(self, name: str) -> float:
        return self.values.get(name, 0)


@dataclass
class FunnelStep:
    key: str
    label: str
    count: int
    rate: float  # of the previous step (1 for the first)


@dataclass
class RoomStats:
    room: Room
    session: LiveSession | None
    start: datetime
    end: datetime
    interval: Interval
    points: list[Point]
    totals: dict[str, float]
    funnel: list[FunnelStep]
    live: bool = False
    currency: str = "USD"  # of gmv_cents: the room's paid orders' currency


def can_see_stats(user: User | None, room: Room) -> bool:
    """The room's owner and admins see its analytics."""
    return user is not None and (room.owner_id == user.id or user.role == Role.ADMIN)


def _derived(values: dict[str, float]) -> None:
    values["viewers_avg"] = round(
        ratio(values.pop("viewers_sum", 0), values.pop("viewers_samples", 0)), 2
    )
    values["ctr"] = round(ratio(values.get("clicks", 0), values.get("impressions", 0)), 4)
    values["cvr"] = round(ratio(values.get("orders", 0), values.get("clicks", 0)), 4)


def _sum_rows(rows: Iterable[dict[str, Any]]) -> dict[str, float]:
    out: dict[str, float] = {name: 0 for name in COUNTERS}
    out.update(viewers_peak=0, viewers_sum=0, viewers_samples=0)
    for row in rows:
        for name in (*COUNTERS, "viewers_sum", "viewers_samples"):
            out[name] += row[name] or 0
        out["viewers_peak"] = max(out["viewers_peak"], row["viewers_peak"] or 0)
    return out


async def get_session(room_id: int, session_id: int) -> LiveSession:
    session = await LiveSession.get_or_none(id=session_id, room_id=room_id)
    if session is None:
        raise NotFound("live session", "sessionId")
    return session


async def room_sessions(room_id: int, limit: int = 20) -> list[LiveSession]:
    """The room's latest live sessions, newest first."""
    return await LiveSession.filter(room_id=room_id).order_by("-id").limit(limit)


def _check_range(start: datetime, end: datetime, interval: Interval) -> None:
    if end <= start:
        raise UserError("INVALID_RANGE", "the range must end after it starts", "to")
    if end - start > MAX_RANGE[interval.value]:
        limit = lazy_gettext("24 hours") if interval == Interval.MINUTE else lazy_gettext("31 days")
        raise UserError(
            "RANGE_TOO_LONG",
            "show at most {limit} at a time with this interval",
            "from",
            {"limit": limit},
        )


async def room_stats(
    user: User,
    room_id: int,
    start: datetime | None = None,
    end: datetime | None = None,
    interval: Interval | str = Interval.MINUTE,
    session_id: int | None = None,
) -> RoomStats:
    """A room's metrics: one point per minute or hour of [start, end), the totals and the
    funnel. With ``session_id`` only that live session's data counts, and the range
    defaults to the session's. Without a range: the last hour (by minute) or day (by hour).

    Errors: ``NOT_FOUND`` (room, session), ``FORBIDDEN`` (not the owner or an admin),
    ``INVALID_INTERVAL``, ``INVALID_RANGE``, ``RANGE_TOO_LONG``.
    """
    try:
        interval = Interval(str(getattr(interval, "value", interval)).lower())
    except ValueError:
        raise UserError("INVALID_INTERVAL", "the interval is MINUTE or HOUR", "interval") from None
    room = await Room.get_or_none(id=room_id)
    if room is None:
        raise NotFound("room", "roomId")
    if not can_see_stats(user, room):
        raise PermissionDenied("only the room's owner and admins see its analytics")
    now = datetime.now(UTC)
    buckets = MinuteBucket.filter(room_id=room.id)
    visits = ViewerVisit.filter(room_id=room.id)
    session = None
    whole_session = False
    if session_id is not None:
        session = await get_session(room.id, session_id)
        buckets = buckets.filter(live_session_id=session.id)
        visits = visits.filter(session_id=session.id)
        whole_session = start is None and end is None
        if start is None or end is None:
            known = [_aware(session.started_at)]
            known.append(_aware(session.ended_at) if session.ended_at else now)
            for order in ("minute", "-minute"):
                found: list[Any] = (
                    await buckets.order_by(order).limit(1).values_list("minute", flat=True)
                )
                known += [_aware(m) for m in found]
            start = start or min(known)
            end = end or max(known) + MINUTE
    end = _aware(end) if end else now
    end_floor = _floor(end, interval)
    end = end_floor if end_floor == end else end_floor + _step(interval)
    start = _floor(_aware(start) if start else end - DEFAULT_RANGE[interval.value], interval)
    _check_range(start, end, interval)
    rows = (
        await buckets.filter(minute__gte=start, minute__lt=end)
        .order_by("minute")
        .values("minute", "viewers_peak", "viewers_sum", "viewers_samples", *COUNTERS)
    )
    points = await _series(rows, visits, start, end, interval)
    totals = _sum_rows(rows)
    totals["unique_viewers"] = await _unique(visits, start, end, whole_session)
    totals["avg_watch_seconds"] = round(ratio(totals["watch_seconds"], totals["unique_viewers"]), 1)
    _derived(totals)
    funnel = []
    previous = None
    for key, label in FUNNEL:
        count = int(totals[key])
        funnel.append(
            FunnelStep(key, label, count, 1.0 if previous is None else ratio(count, previous))
        )
        previous = count
    live = room.status == RoomStatus.LIVE and (session is None or session.ended_at is None)
    currency = await room_currency(room.id)
    return RoomStats(room, session, start, end, interval, points, totals, funnel, live, currency)


async def room_currency(room_id: int) -> str:
    """The currency of a room's GMV: that of its latest paid order (USD before any)."""
    order = await Order.filter(room_id=room_id, status__in=PAID).order_by("-id").first()
    return order.currency if order else "USD"


def _overlap_filter(visits: Any, start: datetime, end: datetime) -> Any:
    return visits.filter(first_seen__lt=end).filter(
        Q(last_seen__gte=start) | Q(open_connections__gt=0)
    )


async def _unique(visits: Any, start: datetime, end: datetime, whole_session: bool) -> int:
    if not whole_session:
        visits = _overlap_filter(visits, start, end)
    return await visits.count()


async def _series(
    rows: list[dict[str, Any]],
    visits: Any,
    start: datetime,
    end: datetime,
    interval: Interval,
) -> list[Point]:
    step = _step(interval)
    grouped: dict[datetime, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(_floor(_aware(row["minute"]), interval), []).append(row)
    spans: list[tuple[datetime, datetime]] = []
    if interval == Interval.HOUR:
        found = await _overlap_filter(visits, start, end).values_list(
            "first_seen", "last_seen", "open_connections"
        )
        spans = [(_aware(first), end if open_ else _aware(last)) for first, last, open_ in found]
    points = []
    at = start
    while at < end:
        values = _sum_rows(grouped.get(at, []))
        if interval == Interval.HOUR:
            values["unique_viewers"] = sum(
                1 for first, last in spans if first < at + step and last >= at
            )
        _derived(values)
        points.append(Point(at, values))
        at += step
    return points


# --- the platform view ------------------------------------------------------------------


@dataclass
class LiveRoomRow:
    room: Room
    viewers: int


@dataclass
class PlatformStats:
    live_rooms: list[LiveRoomRow]
    gmv_today: list[tuple[str, int, int]]  # (currency, cents, orders)
    top_rooms: list[dict[str, Any]]
    top_products: list[dict[str, Any]]
    since: datetime


def require_site_moderator(user: User | None) -> User:
    if user is None:
        raise PermissionDenied("log in as a moderator or admin")
    if not user.is_moderator:
        raise PermissionDenied("only moderators and admins see the platform view")
    return user


def start_of_day(now: datetime | None = None) -> datetime:
    now = now or datetime.now(UTC)
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


async def platform_stats(user: User | None, limit: int = 10) -> PlatformStats:
    """Live rooms now (with viewers), GMV today per currency (orders paid since 00:00
    UTC and not refunded), the top rooms by GMV today and the top products by units."""
    require_site_moderator(user)
    since = start_of_day()
    live = await Room.filter(status=RoomStatus.LIVE).select_related("owner").order_by("-started_at")
    counts = await _presence_counts([r.id for r in live])
    rows = [LiveRoomRow(r, counts.get(r.id, 0)) for r in live]
    rows.sort(key=lambda r: (-r.viewers, -r.room.id))
    paid = Order.filter(paid_at__gte=since, status__in=list(PAID))
    gmv = await (
        paid.annotate(cents=Sum("total_cents"), n=Count("id"))
        .group_by("currency")
        .order_by("currency")
        .values_list("currency", "cents", "n")
    )
    top_rooms = await (
        MinuteBucket.filter(minute__gte=since)
        .annotate(
            gmv=Sum("gmv_cents"), paid=Sum("orders"), peak=Max("viewers_peak"), likes_=Sum("likes")
        )
        .group_by("room_id")
        .order_by("-gmv", "-peak")
        .limit(limit)
        .values("room_id", "gmv", "paid", "peak", "likes_")
    )
    titles = dict(
        await Room.filter(id__in=[r["room_id"] for r in top_rooms]).values_list("id", "title")
    )
    top_products = await (
        OrderItem.filter(order__paid_at__gte=since, order__status__in=list(PAID))
        .annotate(units=Sum("quantity"), orders_=Count("order_id", distinct=True))
        .group_by("product_id", "title")
        .order_by("-units")
        .limit(limit)
        .values("product_id", "title", "units", "orders_")
    )
    return PlatformStats(
        live_rooms=rows,
        gmv_today=[(c, int(cents or 0), int(n)) for c, cents, n in gmv],
        top_rooms=[
            {
                "room_id": r["room_id"],
                "title": titles.get(r["room_id"], "?"),
                "gmv_cents": int(r["gmv"] or 0),
                "orders": int(r["paid"] or 0),
                "viewers_peak": int(r["peak"] or 0),
                "likes": int(r["likes_"] or 0),
            }
            for r in top_rooms
        ],
        top_products=[
            {
                "product_id": p["product_id"],
                "title": p["title"],
                "units": int(p["units"] or 0),
                "orders": int(p["orders_"] or 0),
            }
            for p in top_products
        ],
        since=since,
    )


async def _presence_counts(room_ids: list[int]) -> dict[int, int]:
    from app.rooms.presence import get_presence

    try:
        presence = get_presence()
    except RuntimeError:
        return {}
    return {room_id: await presence.count(room_id) for room_id in room_ids}


# --- CSV --------------------------------------------------------------------------------


def to_csv(stats: RoomStats) -> str:
    """The series as CSV: one row per minute or hour, then a ``total`` row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([stats.interval.value, *COLUMNS])
    for point in stats.points:
        writer.writerow([point.start.isoformat(), *(_cell(point[c]) for c in COLUMNS)])
    writer.writerow(["total", *(_cell(stats.totals.get(c, 0)) for c in COLUMNS)])
    return out.getvalue()


def _cell(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4f}".rstrip("0")
