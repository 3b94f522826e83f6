"""Scheduled lives and the reminders viewers ask for.

A scheduled live is a room in the ``scheduled`` state with a start time: a streamer
schedules it with :func:`schedule_live`, viewers ask to be reminded with :func:`remind_me`
(and change their mind with :func:`forget_reminder`).

Who sends the reminders (the notification centre) asks this module whom to remind:

- :func:`reminder_recipients` — the user ids still waiting for a room's reminder;
- :func:`reminders_due` — every scheduled (or just started) live starting within a lead
  time, with the user ids to remind;
- :func:`mark_reminded` — after sending, so each viewer is reminded once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app.accounts.models import User
from app.errors import UserError
from app.rooms import services as rooms
from app.rooms.models import LiveReminder, Room, RoomStatus

# A scheduled live starts at least this far ahead (and within rooms' one-year limit).
MIN_LEAD = timedelta(minutes=1)
DEFAULT_REMINDER_LEAD = timedelta(minutes=10)


def now() -> datetime:
    return datetime.now(UTC)


async def schedule_live(
    user: User, title: str, starts_at: datetime | None, category: str = "general"
) -> Room:
    """Schedule a live: a room with ``title`` that starts at ``starts_at`` (streamers only).

    The start must lie in the future (within a year); the title and category follow
    the rooms' rules. Raises :class:`UserError` and creates nothing otherwise."""
    if starts_at is None:
        raise UserError("INVALID_SCHEDULE", "choose when the live starts", "scheduledAt")
    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=UTC)
    if starts_at < now() + MIN_LEAD:
        raise UserError("INVALID_SCHEDULE", "a scheduled live starts in the future", "scheduledAt")
    return await rooms.create_room(user, title, category, scheduled_at=starts_at)


async def _scheduled_room(room_id: int) -> Room:
    room = await rooms.get_room(room_id)
    if room.status != RoomStatus.SCHEDULED or room.scheduled_at is None:
        raise UserError(
            "NOT_SCHEDULED", "reminders are only for lives that are scheduled", "roomId"
        )
    return room


async def remind_me(user: User, room_id: int) -> LiveReminder:
    """Ask to be reminded when ``room_id``'s scheduled live starts (asking twice is
    harmless). The streamer needs no reminder of their own live."""
    room = await _scheduled_room(room_id)
    if room.owner_id == user.id:
        raise UserError("OWN_LIVE", "this is your own live", "roomId")
    reminder, _ = await LiveReminder.get_or_create(room_id=room.id, user_id=user.id)
    return reminder


async def forget_reminder(user: User, room_id: int) -> bool:
    """Withdraw a reminder; True when there was one."""
    return bool(await LiveReminder.filter(room_id=room_id, user_id=user.id).delete())


async def reminded_rooms(user: User | None, room_ids: list[int]) -> set[int]:
    """Which of ``room_ids`` ``user`` asked to be reminded of (none when anonymous)."""
    if user is None or not room_ids:
        return set()
    found: list[Any] = await LiveReminder.filter(user_id=user.id, room_id__in=room_ids).values_list(
        "room_id", flat=True
    )
    return {int(r) for r in found}


async def reminder_count(room_id: int) -> int:
    return await LiveReminder.filter(room_id=room_id).count()


async def reminder_recipients(room_id: int) -> list[int]:
    """The ids of the users who asked to be reminded of ``room_id`` and were not yet
    reminded, oldest request first."""
    ids: list[Any] = (
        await LiveReminder.filter(room_id=room_id, notified_at__isnull=True)
        .order_by("id")
        .values_list("user_id", flat=True)
    )
    return [int(i) for i in ids]


@dataclass(frozen=True)
class DueReminder:
    """A live about to start (or just started) and whom to remind of it."""

    room_id: int
    title: str
    owner_id: int
    starts_at: datetime | None
    user_ids: list[int]


async def reminders_due(
    lead: timedelta = DEFAULT_REMINDER_LEAD, at: datetime | None = None
) -> list[DueReminder]:
    """Lives whose viewers should be reminded now: scheduled ones starting within
    ``lead`` of ``at`` (default: now), and live ones that went live early, each with the
    users not yet reminded. Rooms with nobody to remind are left out."""
    at = at or now()
    candidates = await Room.filter(
        status=RoomStatus.SCHEDULED, scheduled_at__lte=at + lead
    ).order_by("scheduled_at")
    live = await Room.filter(status=RoomStatus.LIVE, reminders__notified_at__isnull=True).distinct()
    due: list[DueReminder] = []
    for room in [*candidates, *live]:
        users = await reminder_recipients(room.id)
        if users:
            due.append(DueReminder(room.id, room.title, room.owner_id, room.scheduled_at, users))
    return due


async def mark_reminded(room_id: int, user_ids: list[int]) -> int:
    """Record that ``user_ids`` were reminded of ``room_id``; returns how many changed."""
    if not user_ids:
        return 0
    return await LiveReminder.filter(
        room_id=room_id, user_id__in=user_ids, notified_at__isnull=True
    ).update(notified_at=now())


async def upcoming(limit: int = 12, category: str | None = None) -> list[Room]:
    """Scheduled lives that have not started, soonest first."""
    query = rooms.rooms_query(status=RoomStatus.SCHEDULED.value, category=category)
    query = query.filter(scheduled_at__isnull=False, scheduled_at__gte=now() - timedelta(hours=1))
    return await query.order_by("scheduled_at", "id").limit(limit)


async def scheduled_by(owner_id: int, limit: int = 12) -> list[Room]:
    """A streamer's upcoming scheduled lives, soonest first."""
    query = Room.filter(owner_id=owner_id, status=RoomStatus.SCHEDULED, scheduled_at__isnull=False)
    return await query.order_by("scheduled_at", "id").limit(limit)
