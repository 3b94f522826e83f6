"""Room rules: create, open (go live), end, stream keys, follows, who may moderate."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from app import signals
from app.accounts.models import Role, User
from app.errors import AuthRequired, NotFound, PermissionDenied, UserError
from app.events.changes import announce
from app.i18n import N_, gettext
from app.rooms import events
from app.rooms.models import Follow, LiveSession, Room, RoomStatus
from app.text import one_line

CATEGORIES = (
    "general",
    "fashion",
    "beauty",
    "electronics",
    "home",
    "food",
    "collectibles",
    "games",
)
#: What pages call each category (translated where shown: ``category_label``).
CATEGORY_LABELS = {
    "general": N_("General"),
    "fashion": N_("Fashion"),
    "beauty": N_("Beauty"),
    "electronics": N_("Electronics"),
    "home": N_("Home & living"),
    "food": N_("Food"),
    "collectibles": N_("Collectibles"),
    "games": N_("Games"),
}
MAX_ROOMS_PER_STREAMER = 50


# A live room is on air for viewers only while its media is: the media worker reports
# "live" once the first playlist exists ("reconnecting" keeps it on air through a dropped
# publisher). Before that ("starting": "Go live" pressed, no video yet) listings leave it
# out and the room page says it is waiting for video.
ON_AIR_MEDIA_STATES = ("live", "reconnecting")


def is_on_air(room: Room) -> bool:
    """Whether viewers can watch ``room`` now: it is live and its media is too."""
    return room.status == RoomStatus.LIVE and room.media_state in ON_AIR_MEDIA_STATES


def viewer_status(status: str, media_state: str) -> str:
    """A room's status as viewers see it: ``live`` only when on air, ``starting`` while a
    live room waits for its video, otherwise ``scheduled`` / ``ended``."""
    if status == RoomStatus.LIVE:
        return "live" if media_state in ON_AIR_MEDIA_STATES else "starting"
    return str(status.value if isinstance(status, RoomStatus) else status)


def now() -> datetime:
    return datetime.now(UTC)


def new_stream_key() -> str:
    return "sk_" + secrets.token_urlsafe(24)


def _clean_title(title: str) -> str:
    title = one_line(title)
    if not 3 <= len(title) <= 120:
        raise UserError("INVALID_TITLE", "use 3 to 120 characters for the title", "title")
    return title


MAX_COVER_URL = 500
# Characters a cover URL never needs and that break out of HTML attributes or CSS url():
# quotes, parentheses, angle brackets, backslash, backtick.
_COVER_FORBIDDEN = frozenset("'\"()<>\\`")


def check_cover(url: str | None) -> str:
    """A room's cover image address: ``""``, an absolute ``http(s)`` URL with a host, or a
    path on this site (``/...``, not ``//host``). Printable ASCII only, with no quotes,
    parentheses, angle brackets, backslashes, backticks, whitespace or control
    characters, at most :data:`MAX_COVER_URL` characters."""
    url = (url or "").strip()
    if not url:
        return ""
    invalid = UserError(
        "INVALID_COVER",
        "the cover must be an http(s) URL or a path on this site, without spaces, quotes "
        "or parentheses",
        "coverUrl",
    )
    if len(url) > MAX_COVER_URL:
        raise UserError(
            "INVALID_COVER",
            "the cover URL is longer than {max} characters",
            "coverUrl",
            {"max": MAX_COVER_URL},
        )
    if any(not (0x21 <= ord(ch) < 0x7F) or ch in _COVER_FORBIDDEN for ch in url):
        raise invalid
    try:
        parts = urlsplit(url)
    except ValueError:
        raise invalid from None
    if parts.scheme in ("http", "https"):
        if not parts.hostname:
            raise invalid
    elif parts.scheme or parts.netloc or not url.startswith("/"):
        raise invalid
    return url


def _check_category(category: str) -> str:
    category = (category or "general").strip().lower()
    if category not in CATEGORIES:
        raise UserError(
            "INVALID_CATEGORY",
            "choose one of: {choices}",
            "category",
            {"choices": ", ".join(CATEGORIES)},
        )
    return category


def _check_schedule(at: datetime | None) -> datetime | None:
    if at is None:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    if at < now() - timedelta(minutes=5) or at > now() + timedelta(days=365):
        raise UserError(
            "INVALID_SCHEDULE", "schedule the start within the next year", "scheduledAt"
        )
    return at


def require_streamer(user: User) -> None:
    if user.role not in (Role.STREAMER, Role.ADMIN):
        raise PermissionDenied("only streamers can do this")


async def create_room(
    user: User,
    title: str,
    category: str = "general",
    cover_url: str = "",
    scheduled_at: datetime | None = None,
) -> Room:
    require_streamer(user)
    title = _clean_title(title)
    category = _check_category(category)
    cover_url = check_cover(cover_url)
    scheduled_at = _check_schedule(scheduled_at)
    if await Room.filter(owner_id=user.id).exclude(status=RoomStatus.ENDED).count() >= (
        MAX_ROOMS_PER_STREAMER
    ):
        raise UserError("TOO_MANY_ROOMS", "end or delete a room before creating another", None)
    room = await Room.create(
        owner_id=user.id,
        title=title,
        category=category,
        cover_url=cover_url,
        scheduled_at=scheduled_at,
        stream_key=new_stream_key(),
    )
    await announce("room", room_id=room.id)
    return room


async def get_room(room_id: int) -> Room:
    room = await Room.get_or_none(id=room_id)
    if room is None:
        raise NotFound("room", "roomId")
    return room


async def get_rooms(ids: list[int]) -> dict[int, Room]:
    return {r.id: r for r in await Room.filter(id__in=ids)}


def _require_owner(user: User, room: Room) -> None:
    if room.owner_id != user.id and user.role != Role.ADMIN:
        raise PermissionDenied("only the room's owner can do this")


async def owned_room(user: User | None, room_id: int, denied: str, field: str = "roomId") -> Room:
    """The room when ``user`` owns it or is an admin: ``AuthRequired`` for no user,
    ``NOT_FOUND`` (on ``field``) for no room, else ``PermissionDenied(denied)``."""
    if user is None:
        raise AuthRequired()
    room = await Room.get_or_none(id=room_id)
    if room is None:
        raise NotFound("room", field)
    if room.owner_id != user.id and user.role != Role.ADMIN:
        raise PermissionDenied(denied)
    return room


def can_moderate(user: User | None, room: Room) -> bool:
    """Room owners, moderators and admins moderate a room."""
    if user is None:
        return False
    return room.owner_id == user.id or user.role in (Role.MODERATOR, Role.ADMIN)


def require_moderator(user: User, room: Room) -> None:
    if not can_moderate(user, room):
        raise PermissionDenied("only the room's owner and moderators can do this")


async def update_room(
    user: User,
    room_id: int,
    title: str | None = None,
    category: str | None = None,
    cover_url: str | None = None,
    scheduled_at: datetime | None = None,
) -> Room:
    room = await get_room(room_id)
    _require_owner(user, room)
    if room.status == RoomStatus.ENDED:
        raise UserError("ROOM_ENDED", "this room has ended", "roomId")
    if title is not None:
        room.title = _clean_title(title)
    if category is not None:
        room.category = _check_category(category)
    if cover_url is not None:
        room.cover_url = check_cover(cover_url)
    if scheduled_at is not None:
        room.scheduled_at = _check_schedule(scheduled_at)
    await room.save()
    await announce("room", room_id=room.id)
    return room


async def open_room(user: User, room_id: int) -> Room:
    """Go live: scheduled → live, opening a live session."""
    room = await get_room(room_id)
    _require_owner(user, room)
    return await _go_live(room)


async def _go_live(room: Room) -> Room:
    async with in_transaction():
        updated = await Room.filter(id=room.id, status=RoomStatus.SCHEDULED).update(
            status=RoomStatus.LIVE, started_at=now(), media_state="starting"
        )
        if not updated:
            current = await get_room(room.id)
            if current.status == RoomStatus.LIVE:
                raise UserError("ALREADY_LIVE", "this room is already live", "roomId")
            raise UserError("ROOM_ENDED", "this room has ended; create a new one", "roomId")
        await LiveSession.create(room_id=room.id, started_at=now())
    room = await get_room(room.id)
    await events.publish(room.id, events.RoomStatusChanged(status="live", media_state="starting"))
    await signals.emit("room.live", room_id=room.id, streamer_id=room.owner_id)
    return room


async def go_live_with_key(stream_key: str) -> Room | None:
    """The room a publisher's stream key opens (going live when scheduled), or None."""
    room = await Room.get_or_none(stream_key=stream_key)
    if room is None or room.status == RoomStatus.ENDED:
        return None
    if room.status == RoomStatus.SCHEDULED:
        room = await _go_live(room)
    return room


async def end_room(user: User, room_id: int, reason: str = "ended") -> Room:
    """End the live (owner, or a moderator stopping the stream)."""
    room = await get_room(room_id)
    if reason == "stopped":
        require_moderator(user, room)
    else:
        _require_owner(user, room)
    return await finish_room(room, reason)


RoomEndedHook = Callable[[int], Awaitable[None]]

# What runs (with the room id) after a room ends, set while a runtime that needs it is up
# (see :func:`room_ended_hooks`); nothing is registered by importing a module.
_room_ended: tuple[RoomEndedHook, ...] = ()


@contextlib.contextmanager
def room_ended_hooks(*hooks: RoomEndedHook) -> Iterator[None]:
    """While open, :func:`finish_room` calls ``hooks`` with the room id after a room ends.

    The composition hands them in: ``create_app`` gives the rooms runtime the media
    worker's stop, and ``livemart media-worker`` opens it around its worker."""
    global _room_ended
    previous, _room_ended = _room_ended, hooks
    try:
        yield
    finally:
        _room_ended = previous


async def finish_room(room: Room, reason: str = "ended") -> Room:
    async with in_transaction():
        updated = (
            await Room.filter(id=room.id)
            .exclude(status=RoomStatus.ENDED)
            .update(status=RoomStatus.ENDED, ended_at=now(), media_state="")
        )
        if not updated:
            raise UserError("ROOM_ENDED", "this room has already ended", "roomId")
        await LiveSession.filter(room_id=room.id, ended_at__isnull=True).update(ended_at=now())
    room = await get_room(room.id)
    await events.publish(room.id, events.RoomStatusChanged(status="ended", media_state=reason))
    for hook in _room_ended:
        await hook(room.id)
    return room


TEST_SOURCE = "test"


def test_pattern_of(media_source: str) -> str:
    """The FFmpeg test pattern a ``test`` / ``test:<pattern>`` media source names."""
    return media_source.partition(":")[2] or "testsrc2"


async def use_test_source(user: User, room_id: int, pattern: str = "") -> Room:
    """Go live with FFmpeg's test pattern instead of a publisher (demo and tests);
    ``pattern`` picks another generated picture (``media.TEST_PATTERNS``: the demo's rooms
    each show their own)."""
    room = await get_room(room_id)
    _require_owner(user, room)
    source = f"{TEST_SOURCE}:{pattern}" if pattern else TEST_SOURCE
    await Room.filter(id=room.id).update(media_source=source)
    if room.status == RoomStatus.SCHEDULED:
        return await _go_live(await get_room(room.id))
    if room.status == RoomStatus.ENDED:
        raise UserError("ROOM_ENDED", "this room has ended; create a new one", "roomId")
    return await get_room(room.id)


async def record_replay(room_id: int, path: str, seconds: float) -> None:
    """Remember the replay of the room's latest live session."""
    session = await LiveSession.filter(room_id=room_id).order_by("-id").first()
    if session is not None:
        session.replay_path = path
        session.replay_seconds = seconds
        await session.save(update_fields=["replay_path", "replay_seconds"])


async def latest_replay(room_id: int) -> LiveSession | None:
    return await LiveSession.filter(room_id=room_id).exclude(replay_path="").order_by("-id").first()


async def rooms_needing_test_source() -> list[Room]:
    """Live rooms that stream the test pattern (a media worker starts them)."""
    return await Room.filter(status=RoomStatus.LIVE, media_source__startswith=TEST_SOURCE)


async def set_media_state(room_id: int, state: str) -> None:
    """Media worker reports: starting / live / reconnecting."""
    updated = await Room.filter(id=room_id, status=RoomStatus.LIVE).update(media_state=state)
    if updated:
        await events.publish(room_id, events.RoomStatusChanged(status="live", media_state=state))
        await announce("room", room_id=room_id)  # on air or not: listings change


async def rotate_stream_key(user: User, room_id: int) -> Room:
    room = await get_room(room_id)
    _require_owner(user, room)
    room.stream_key = new_stream_key()
    await room.save(update_fields=["stream_key"])
    return room


def rooms_query(
    status: str | None = None,
    category: str | None = None,
    owner_id: int | None = None,
    search: str | None = None,
):
    """An ordered queryset of rooms for listings (live first by viewers, then upcoming).

    ``status="live"`` lists the rooms on air (see :func:`is_on_air`): a room whose
    streamer pressed "Go live" without video yet is not live for viewers."""
    query = Room.all()
    if status:
        if status not in {s.value for s in RoomStatus}:
            raise UserError("INVALID_STATUS", "status is scheduled, live or ended", "status")
        query = query.filter(status=status)
        if status == RoomStatus.LIVE:
            query = query.filter(media_state__in=ON_AIR_MEDIA_STATES)
    if category:
        query = query.filter(category=_check_category(category))
    if owner_id is not None:
        query = query.filter(owner_id=owner_id)
    if search:
        term = search.strip()[:80]
        if term:
            query = query.filter(Q(title__icontains=term) | Q(category__icontains=term))
    return query.order_by("-peak_viewers", "scheduled_at", "-id")


async def follow(user: User, streamer_id: int) -> User:
    streamer = await User.get_or_none(id=streamer_id)
    if streamer is None:
        raise NotFound("streamer", "streamerId")
    if streamer.id == user.id:
        raise UserError("INVALID_FOLLOW", "you cannot follow yourself", "streamerId")
    _, created = await Follow.get_or_create(follower_id=user.id, streamer_id=streamer.id)
    if created:
        await signals.emit("follow.added", streamer_id=streamer.id, user_id=user.id)
    return streamer


async def unfollow(user: User, streamer_id: int) -> None:
    await Follow.filter(follower_id=user.id, streamer_id=streamer_id).delete()


async def is_following(user: User | None, streamer_id: int) -> bool:
    if user is None:
        return False
    return await Follow.filter(follower_id=user.id, streamer_id=streamer_id).exists()


async def followed_among(user: User | None, streamer_ids: list[int]) -> set[int]:
    """Which of ``streamer_ids`` ``user`` follows (one query; none when anonymous)."""
    if user is None or not streamer_ids:
        return set()
    found = await Follow.filter(follower_id=user.id, streamer_id__in=list(streamer_ids))
    return {f.streamer_id for f in found}


async def follower_count(streamer_id: int) -> int:
    return await Follow.filter(streamer_id=streamer_id).count()


async def live_followed(user: User) -> list[Room]:
    """Rooms on air (:func:`is_on_air`) of the streamers ``user`` follows."""
    ids = await Follow.filter(follower_id=user.id).values_list("streamer_id", flat=True)
    return await Room.filter(
        owner_id__in=list(ids), status=RoomStatus.LIVE, media_state__in=ON_AIR_MEDIA_STATES
    ).order_by("-started_at")


async def add_likes(room_id: int, count: int) -> int:
    """Persist ``count`` likes; returns the new total."""
    await Room.filter(id=room_id).update(like_count=F("like_count") + count)
    await LiveSession.filter(room_id=room_id, ended_at__isnull=True).update(
        likes=F("likes") + count
    )
    room = await Room.get(id=room_id)
    return room.like_count


async def record_peak(room_id: int, count: int) -> int:
    """Raise the room's (and live session's) peak viewers to ``count``; returns the peak."""
    await Room.filter(id=room_id, peak_viewers__lt=count).update(peak_viewers=count)
    await LiveSession.filter(room_id=room_id, ended_at__isnull=True, peak_viewers__lt=count).update(
        peak_viewers=count
    )
    room = await Room.get_or_none(id=room_id)
    return room.peak_viewers if room else count


def category_label(category: str) -> str:
    """The name of ``category`` in the current language (the raw value when unknown)."""
    label = CATEGORY_LABELS.get(category)
    return gettext(label) if label else category
