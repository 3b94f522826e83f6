"""Shoppable replays: a recorded live with its chat and pinned products on the video's
timeline.

Times on the timeline are seconds from the replay's first frame: the program date time
of the recording's first segment (the media worker keeps them), or the live session's
start when the playlist carries none. A chat line said at 12:00:07 in a live whose
recording starts at 12:00:02 shows at 5 s into the replay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tortoise.queryset import QuerySet

from app.accounts.models import User
from app.chat.models import ChatMessage
from app.commerce.models import PinMoment
from app.rooms.models import LiveSession, Room
from media.playlist import read_media_playlist


@dataclass(frozen=True)
class ReplayLine:
    """A chat line of a replay: ``at`` seconds into the video."""

    at: float
    author: str
    text: str
    badge: str


@dataclass(frozen=True)
class PinStep:
    """From ``at`` seconds into the video, ``product_id`` is pinned (None: nothing)."""

    at: float
    product_id: int | None


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def replay_origin(session: LiveSession, hls_root: Path) -> datetime:
    """When the replay's first frame was live: its first segment's program date time,
    else the session's start."""
    if session.replay_path:
        playlist = read_media_playlist(Path(hls_root) / session.replay_path)
        if playlist is not None:
            for segment in playlist.segments:
                if segment.program_date_time is not None:
                    return _aware(segment.program_date_time)
    return _aware(session.started_at)


def _window(session: LiveSession) -> tuple[datetime, datetime]:
    end = session.ended_at or datetime.now(UTC)
    return _aware(session.started_at), _aware(end)


def _offset(at: datetime, origin: datetime) -> float:
    return round(max(0.0, (_aware(at) - origin).total_seconds()), 2)


async def chat_timeline(session: LiveSession, origin: datetime) -> list[ReplayLine]:
    """The session's chat (deleted lines left out) in order, each at its offset."""
    start, end = _window(session)
    messages = (
        await ChatMessage.filter(
            room_id=session.room_id,
            created_at__gte=start,
            created_at__lte=end,
            deleted_at__isnull=True,
        )
        .order_by("created_at", "id")
        .limit(5000)
    )
    names = {
        u.id: u.display_name for u in await User.filter(id__in=list({m.user_id for m in messages}))
    }
    return [
        ReplayLine(_offset(m.created_at, origin), names.get(m.user_id, "?"), m.text, m.badge)
        for m in messages
    ]


async def pin_timeline(session: LiveSession, origin: datetime) -> list[PinStep]:
    """What was pinned from the replay's start on: the pin held when the session began
    (at 0 s), then every pin and unpin during it."""
    start, end = _window(session)
    before = (
        await PinMoment.filter(room_id=session.room_id, at__lt=start).order_by("-at", "-id").first()
    )
    steps = [PinStep(0.0, before.product_id)] if before and before.product_id else []
    during = await PinMoment.filter(room_id=session.room_id, at__gte=start, at__lte=end).order_by(
        "at", "id"
    )
    steps.extend(PinStep(_offset(p.at, origin), p.product_id) for p in during)
    return steps


def pinned_product_ids(steps: list[PinStep]) -> list[int]:
    """The products pinned somewhere on the timeline, in order of first pin."""
    seen: list[int] = []
    for step in steps:
        if step.product_id is not None and step.product_id not in seen:
            seen.append(step.product_id)
    return seen


async def _newest_replays(
    sessions: QuerySet[LiveSession], limit: int
) -> list[tuple[Room, LiveSession]]:
    """The recorded ones of ``sessions``, newest first, with their rooms."""
    found = await sessions.exclude(replay_path="").order_by("-started_at").limit(limit)
    rooms = {r.id: r for r in await Room.filter(id__in=[s.room_id for s in found])}
    return [(rooms[s.room_id], s) for s in found if s.room_id in rooms]


async def replays_of(owner_id: int, limit: int = 12) -> list[tuple[Room, LiveSession]]:
    """A streamer's recorded lives, newest first, with their rooms."""
    return await _newest_replays(LiveSession.filter(room__owner_id=owner_id), limit)


async def recent_replays(limit: int = 8) -> list[tuple[Room, LiveSession]]:
    """Recorded lives of every streamer, newest first (the home page's replays row)."""
    return await _newest_replays(LiveSession.filter(ended_at__isnull=False), limit)
