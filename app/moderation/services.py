"""Moderation actions. Each checks the actor (room owner, moderators, admins: see
:func:`app.rooms.services.require_moderator`), changes the database and writes an
:class:`~app.moderation.models.AuditLog` row in one transaction, then publishes its room
event. A refused action raises a :class:`UserError` and changes nothing.

Nobody can mute or ban themself, the room's owner or an admin; only admins can mute or
ban a moderator.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from app.accounts.models import Role, User
from app.chat import services as chat
from app.chat.filter import MAX_WORD_LENGTH, clean_word, normalize, strip_invisible
from app.chat.models import ChatMessage
from app.errors import NotFound, PermissionDenied, UserError
from app.moderation import audit
from app.moderation.models import (
    AuditLog,
    BannedWord,
    Report,
    ReportStatus,
    RoomBan,
    RoomMute,
)
from app.ratelimit import RateLimiter
from app.rooms import events
from app.rooms.models import Room, RoomStatus
from app.rooms.services import can_moderate, end_room, get_room, require_moderator

MAX_MUTE_MINUTES = 7 * 24 * 60
MAX_SLOW_MODE = 300
MIN_WORD_LENGTH = 2
MAX_REASON = 200
REPORT_ACTIONS = ("dismiss", "delete_message", "ban_user")
# At most 10 reports per user a minute.
REPORT_LIMIT = RateLimiter("report", 10, 60)


def now() -> datetime:
    return datetime.now(UTC)


def require_site_moderator(user: User) -> None:
    """Moderators and admins of the whole site (not room owners)."""
    if user.role not in (Role.MODERATOR, Role.ADMIN):
        raise PermissionDenied("only moderators can do this")


async def _get_user(user_id: int) -> User:
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise NotFound("user", "userId")
    return user


async def _room_for(actor: User, room_id: int) -> Room:
    room = await get_room(room_id)
    require_moderator(actor, room)
    return room


def check_target(actor: User, room: Room, target: User) -> None:
    """Refuse muting / banning oneself, the room owner, admins, and (unless admin)
    moderators."""
    if target.id == actor.id:
        raise UserError("PROTECTED_USER", "you cannot mute or ban yourself", "userId")
    if target.id == room.owner_id:
        raise UserError("PROTECTED_USER", "the room's owner cannot be muted or banned", "userId")
    if target.role == Role.ADMIN or (target.role == Role.MODERATOR and actor.role != Role.ADMIN):
        raise UserError(
            "PROTECTED_USER", "moderators and admins cannot be muted or banned", "userId"
        )


# --- mutes -------------------------------------------------------------------------


async def mute(actor: User, room_id: int, user_id: int, minutes: int) -> RoomMute:
    """Mute a user in a room for ``minutes`` (1 to a week); a new mute replaces the old.
    Returns the mute with ``user`` loaded. Publishes ``user.muted``."""
    room = await _room_for(actor, room_id)
    target = await _get_user(user_id)
    check_target(actor, room, target)
    if not 1 <= minutes <= MAX_MUTE_MINUTES:
        raise UserError(
            "INVALID_DURATION",
            "mute for 1 to {max} minutes",
            "minutes",
            {"max": MAX_MUTE_MINUTES},
        )
    until = now() + timedelta(minutes=minutes)
    async with in_transaction():
        updated = await RoomMute.filter(room_id=room.id, user_id=target.id).update(
            until=until, by_id=actor.id
        )
        if not updated:
            try:
                async with in_transaction():
                    await RoomMute.create(
                        room_id=room.id, user_id=target.id, until=until, by_id=actor.id
                    )
            except IntegrityError:  # created concurrently: take it over
                await RoomMute.filter(room_id=room.id, user_id=target.id).update(
                    until=until, by_id=actor.id
                )
        await audit.record(
            actor, audit.USER_MUTE, room.id, target.id, minutes=minutes, until=until.isoformat()
        )
    found = await RoomMute.get(room_id=room.id, user_id=target.id)
    found.user = target
    await events.publish(room.id, events.UserMuted(user_id=target.id, until=until))
    return found


async def unmute(actor: User, room_id: int, user_id: int) -> None:
    """Lift a user's mute in a room (``NOT_MUTED`` when there is none).
    Publishes ``user.muted`` with ``until: null``."""
    room = await _room_for(actor, room_id)
    target = await _get_user(user_id)
    async with in_transaction():
        if not await RoomMute.filter(room_id=room.id, user_id=target.id, until__gt=now()).exists():
            raise UserError("NOT_MUTED", "this user is not muted here", "userId")
        await RoomMute.filter(room_id=room.id, user_id=target.id).delete()
        await audit.record(actor, audit.USER_UNMUTE, room.id, target.id)
    await events.publish(room.id, events.UserMuted(user_id=target.id, until=None))


# --- bans --------------------------------------------------------------------------


async def _ban_in_transaction(actor: User, room: Room, target: User, **detail: Any) -> RoomBan:
    if await RoomBan.filter(room_id=room.id, user_id=target.id).exists():
        raise UserError("ALREADY_BANNED", "this user is already banned here", "userId")
    try:
        async with in_transaction():
            ban = await RoomBan.create(room_id=room.id, user_id=target.id, by_id=actor.id)
    except IntegrityError:
        raise UserError("ALREADY_BANNED", "this user is already banned here", "userId") from None
    await audit.record(actor, audit.USER_BAN, room.id, target.id, **detail)
    return ban


async def ban(actor: User, room_id: int, user_id: int) -> RoomBan:
    """Ban a user from a room's chat until unbanned; returns the ban with ``user`` loaded.
    Publishes ``user.banned``."""
    room = await _room_for(actor, room_id)
    target = await _get_user(user_id)
    check_target(actor, room, target)
    async with in_transaction():
        found = await _ban_in_transaction(actor, room, target)
    found.user = target
    await events.publish(room.id, events.UserBanned(user_id=target.id))
    return found


async def unban(actor: User, room_id: int, user_id: int) -> None:
    """Lift a ban (``NOT_BANNED`` when there is none)."""
    room = await _room_for(actor, room_id)
    target = await _get_user(user_id)
    async with in_transaction():
        if not await RoomBan.filter(room_id=room.id, user_id=target.id).delete():
            raise UserError("NOT_BANNED", "this user is not banned here", "userId")
        await audit.record(actor, audit.USER_UNBAN, room.id, target.id)


async def is_banned(room_id: int, user_id: int) -> bool:
    """True when the user is banned from the room's chat."""
    return await chat.is_banned(room_id, user_id)


async def muted_until(room_id: int, user_id: int) -> datetime | None:
    """When the user's mute in the room ends, or None."""
    return await chat.active_mute(room_id, user_id)


async def room_sanctions(actor: User, room_id: int) -> dict[str, list[Any]]:
    """Active mutes and bans of a room, for its moderators: ``{"mutes": [...], "bans": [...]}``
    with ``user`` loaded."""
    room = await _room_for(actor, room_id)
    mutes = await RoomMute.filter(room_id=room.id, until__gt=now()).select_related("user")
    bans = await RoomBan.filter(room_id=room.id).select_related("user")
    return {"mutes": list(mutes), "bans": list(bans)}


async def active_sanctions(actor: User, limit: int = 100) -> dict[str, list[Any]]:
    """Every room's active bans and mutes (newest first), for site moderators:
    ``{"bans": [...], "mutes": [...]}`` with ``user`` and ``room`` loaded."""
    require_site_moderator(actor)
    bans = await RoomBan.all().order_by("-id").limit(limit).select_related("user", "room")
    mutes = await (
        RoomMute.filter(until__gt=now()).order_by("-id").limit(limit).select_related("user", "room")
    )
    return {"bans": list(bans), "mutes": list(mutes)}


async def sanction_marks(
    pairs: list[tuple[int, int]],
) -> dict[tuple[int, int], dict[str, Any]]:
    """For ``(room_id, user_id)`` pairs, who is banned or muted there now:
    ``{(room, user): {"banned": bool, "muted_until": datetime | None}}`` (two queries)."""
    wanted = set(pairs)
    marks: dict[tuple[int, int], dict[str, Any]] = {
        pair: {"banned": False, "muted_until": None} for pair in wanted
    }
    if not wanted:
        return marks
    rooms = list({room for room, _ in wanted})
    users = list({user for _, user in wanted})
    for ban in await RoomBan.filter(room_id__in=rooms, user_id__in=users):
        if (ban.room_id, ban.user_id) in wanted:
            marks[(ban.room_id, ban.user_id)]["banned"] = True
    mutes = RoomMute.filter(room_id__in=rooms, user_id__in=users, until__gt=now())
    for mute in await mutes:
        if (mute.room_id, mute.user_id) in wanted:
            marks[(mute.room_id, mute.user_id)]["muted_until"] = mute.until
    return marks


# --- slow mode ---------------------------------------------------------------------


async def set_slow_mode(actor: User, room_id: int, seconds: int) -> Room:
    """Set the room's slow mode: 0 (off) to 300 seconds between a viewer's messages.
    Publishes ``room.slow_mode``."""
    room = await _room_for(actor, room_id)
    if not 0 <= seconds <= MAX_SLOW_MODE:
        raise UserError(
            "INVALID_SLOW_MODE",
            "slow mode is 0 to {max} seconds",
            "seconds",
            {"max": MAX_SLOW_MODE},
        )
    async with in_transaction():
        await Room.filter(id=room.id).update(slow_mode_seconds=seconds)
        await audit.record(
            actor, audit.SLOW_MODE, room.id, seconds=seconds, previous=room.slow_mode_seconds
        )
    room.slow_mode_seconds = seconds
    await events.publish(room.id, events.SlowModeChanged(seconds=seconds))
    return room


# --- banned words ------------------------------------------------------------------


async def _word_scope(actor: User, room_id: int | None) -> Room | None:
    if room_id is None:
        require_site_moderator(actor)
        return None
    return await _room_for(actor, room_id)


async def add_banned_word(actor: User, room_id: int | None, word: str) -> BannedWord:
    """Ban a word in a room, or everywhere when ``room_id`` is None (site moderators only).
    The word is stored with its normalised form; ``WORD_EXISTS`` when already banned."""
    room = await _word_scope(actor, room_id)
    shown = " ".join(strip_invisible(word or "").split())[:100]
    normalized = normalize(shown)
    if not MIN_WORD_LENGTH <= len(normalized) <= MAX_WORD_LENGTH:
        raise UserError(
            "INVALID_WORD",
            "a banned word needs {min} to {max} letters or digits",
            "word",
            {"min": MIN_WORD_LENGTH, "max": MAX_WORD_LENGTH},
        )
    normalized = clean_word(shown)
    scope_key = f"{room.id if room else 'global'}:{normalized}"
    exists = UserError("WORD_EXISTS", "this word is already banned here", "word")
    if await BannedWord.filter(scope_key=scope_key).exists():
        raise exists
    async with in_transaction():
        try:
            async with in_transaction():
                found = await BannedWord.create(
                    room_id=room.id if room else None,
                    word=shown,
                    normalized=normalized,
                    scope_key=scope_key,
                    created_by_id=actor.id,
                )
        except IntegrityError:
            raise exists from None
        await audit.record(
            actor, audit.WORD_ADD, room.id if room else None, word=shown, normalized=normalized
        )
    return found


async def remove_banned_word(actor: User, word_id: int) -> BannedWord:
    """Remove a banned word (global words: site moderators only)."""
    found = await BannedWord.get_or_none(id=word_id)
    if found is None:
        raise NotFound("banned word", "id")
    room_id = found.room_id
    await _word_scope(actor, room_id)
    async with in_transaction():
        if not await BannedWord.filter(id=found.id).delete():
            raise NotFound("banned word", "id")
        await audit.record(
            actor, audit.WORD_REMOVE, room_id, word=found.word, normalized=found.normalized
        )
    return found


async def banned_words(actor: User, room_id: int | None = None) -> list[BannedWord]:
    """The words banned in a room (its own, then the global ones), or with no room the
    global words and every room's (site moderators only)."""
    if room_id is None:
        require_site_moderator(actor)
        return await BannedWord.all().order_by("room_id", "normalized").select_related("room")
    room = await _room_for(actor, room_id)
    return await (
        BannedWord.filter(Q(room_id=room.id) | Q(room_id__isnull=True))
        .order_by("room_id", "normalized")
        .select_related("room")
    )


# --- stopping a stream -------------------------------------------------------------


async def stop_stream(actor: User, room_id: int) -> Room:
    """End a room's live as a moderator (``room.status`` ended, media_state ``stopped``)."""
    room = await _room_for(actor, room_id)
    async with in_transaction():
        ended = await end_room(actor, room.id, reason="stopped")
        owner_id = room.owner_id
        await audit.record(actor, audit.ROOM_STOP, room.id, owner_id, title=room.title)
    return ended


# --- reports -----------------------------------------------------------------------


async def report_message(reporter: User, message_id: int, reason: str) -> Report:
    """Report a chat message to the moderators: one open report per reporter and message
    (``ALREADY_REPORTED``); not one's own message (``INVALID_REPORT``)."""
    message = await ChatMessage.get_or_none(id=message_id)
    if message is None or message.deleted_at is not None:
        raise NotFound("message", "messageId")
    reason = " ".join(strip_invisible(reason or "").split())
    if not reason:
        raise UserError("INVALID_REASON", "say why you report this message", "reason")
    if len(reason) > MAX_REASON:
        raise UserError(
            "INVALID_REASON", "keep the reason to {max} characters", "reason", {"max": MAX_REASON}
        )
    if message.user_id == reporter.id:
        raise UserError("INVALID_REPORT", "you cannot report your own message", "messageId")
    open_key = f"{message.id}:{reporter.id}"
    already = UserError("ALREADY_REPORTED", "you already reported this message", "messageId")
    if await Report.filter(open_key=open_key).exists():
        raise already
    key = f"report:{reporter.id}"
    if await REPORT_LIMIT.retry_after(key) > 0:
        raise UserError("RATE_LIMITED", "you are sending reports too fast; try later", None)
    async with in_transaction():
        try:
            async with in_transaction():
                report = await Report.create(
                    message_id=message.id,
                    room_id=message.room_id,
                    reporter_id=reporter.id,
                    reason=reason,
                    open_key=open_key,
                )
        except IntegrityError:
            raise already from None
        await audit.record(
            reporter,
            audit.REPORT_CREATE,
            message.room_id,
            message.user_id,
            report_id=report.id,
            message_id=message.id,
            reason=reason,
        )
        await REPORT_LIMIT.hit(key)
    return report


async def get_report(report_id: int) -> Report:
    report = await Report.get_or_none(id=report_id).select_related(
        "message__user", "reporter", "room"
    )
    if report is None:
        raise NotFound("report", "reportId")
    return report


async def resolve_report(actor: User, report_id: int, action: str) -> Report:
    """Handle an open report: ``dismiss`` it, ``delete_message`` (resolving every open report
    of that message) or ``ban_user`` (delete the message and ban its author)."""
    if action not in REPORT_ACTIONS:
        raise UserError("INVALID_ACTION", "dismiss, delete_message or ban_user", "action")
    report = await get_report(report_id)
    room = await _room_for(actor, report.room_id)
    if report.status != ReportStatus.OPEN:
        raise UserError("ALREADY_RESOLVED", "this report was already handled", "reportId")
    message: ChatMessage = report.message
    author: User | None = None
    if action == "ban_user":
        author = await _get_user(message.user_id)
        check_target(actor, room, author)
        if await RoomBan.filter(room_id=room.id, user_id=author.id).exists():
            author = None  # already banned: delete the message and resolve
    deleted = False
    async with in_transaction():
        status = ReportStatus.DISMISSED if action == "dismiss" else ReportStatus.RESOLVED
        updated = await Report.filter(id=report.id, status=ReportStatus.OPEN).update(
            status=status,
            open_key=None,
            resolution=action,
            resolved_by_id=actor.id,
            resolved_at=now(),
        )
        if not updated:
            raise UserError("ALREADY_RESOLVED", "this report was already handled", "reportId")
        if action != "dismiss":
            deleted = await chat.delete_in_transaction(actor, message)
        if author is not None:
            await _ban_in_transaction(actor, room, author, report_id=report.id)
        await audit.record(
            actor,
            audit.REPORT_RESOLVE,
            room.id,
            message.user_id,
            report_id=report.id,
            resolution=action,
            message_id=message.id,
        )
    if deleted:
        await events.publish(
            room.id, events.ChatMessageDeleted(message_id=message.id, by_user_id=actor.id)
        )
    if author is not None:
        await events.publish(room.id, events.UserBanned(user_id=author.id))
    return await get_report(report.id)


def _scoped(actor: User, query: Any, room_id: int | None) -> Any:
    if room_id is not None:
        return query.filter(room_id=room_id)
    require_site_moderator(actor)
    return query


async def reports_query(
    actor: User, status: str | None = ReportStatus.OPEN, room_id: int | None = None
) -> Any:
    """An ordered queryset of reports (oldest open first; handled ones newest first).
    Site moderators see every room's; a room owner passes their ``room_id``."""
    if room_id is not None:
        await _room_for(actor, room_id)
    query = _scoped(actor, Report.all(), room_id)
    if status:
        if status not in {s.value for s in ReportStatus}:
            raise UserError("INVALID_STATUS", "status is open, resolved or dismissed", "status")
        query = query.filter(status=status)
    order = ("created_at", "id") if status == ReportStatus.OPEN else ("-created_at", "-id")
    return query.order_by(*order).select_related("message__user", "reporter", "room")


async def audit_log(actor: User, room_id: int | None = None, action: str | None = None) -> Any:
    """An ordered queryset (newest first) of audit entries, with actor, target and room.
    Site moderators see everything; a room owner passes their ``room_id``."""
    if room_id is not None:
        await _room_for(actor, room_id)
    query = _scoped(actor, AuditLog.all(), room_id)
    if action:
        if action not in audit.ACTIONS:
            raise UserError(
                "INVALID_ACTION",
                "action must be one of {choices}",
                "action",
                {"choices": ", ".join(audit.ACTIONS)},
            )
        query = query.filter(action=action)
    return query.order_by("-created_at", "-id").select_related("actor", "target_user", "room")


async def live_rooms(actor: User, limit: int = 100) -> list[Room]:
    """Live rooms for the admin page (site moderators), with ``owner`` loaded."""
    require_site_moderator(actor)
    return await (
        Room.filter(status=RoomStatus.LIVE)
        .order_by("-started_at")
        .limit(limit)
        .select_related("owner")
    )


async def list_reports(
    actor: User,
    status: str | None = ReportStatus.OPEN,
    room_id: int | None = None,
    limit: int = 50,
) -> list[Report]:
    """The first ``limit`` reports of :func:`reports_query`."""
    return await (await reports_query(actor, status, room_id)).limit(limit)


async def list_audit_log(
    actor: User, room_id: int | None = None, action: str | None = None, limit: int = 50
) -> list[AuditLog]:
    """The latest ``limit`` entries of :func:`audit_log`."""
    return await (await audit_log(actor, room_id, action)).limit(limit)


async def reports_visible_to(user: User | None, ids: list[int]) -> dict[int, Report]:
    """Reports by id that ``user`` may see: site moderators all, room owners their rooms',
    reporters their own."""
    if user is None or not ids:
        return {}
    query = Report.filter(id__in=ids)
    if not user.is_moderator:
        query = query.filter(Q(reporter_id=user.id) | Q(room__owner_id=user.id))
    rows = await query.select_related("message__user", "reporter", "room")
    return {r.id: r for r in rows}


def reads_deleted_text(user: User | None, report: Report) -> bool:
    """Whether ``user`` reads a reported message's text after a moderator deleted it: the
    room's moderators do, the reporter does not (``report.room`` must be loaded)."""
    return can_moderate(user, report.room)


async def audit_entries_visible_to(user: User | None, ids: list[int]) -> dict[int, AuditLog]:
    """Audit entries by id that ``user`` may see: site moderators all, owners their rooms'."""
    if user is None or not ids:
        return {}
    query = AuditLog.filter(id__in=ids)
    if not user.is_moderator:
        query = query.filter(room__owner_id=user.id)
    rows = await query.select_related("actor", "target_user", "room")
    return {e.id: e for e in rows}
