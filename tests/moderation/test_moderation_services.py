"""Moderation services: authorization, protected users, audit rows, events."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.accounts.models import Role
from app.chat import services as chat
from app.chat.models import ChatMessage
from app.errors import UserError
from app.moderation import services as moderation
from app.moderation.models import AuditLog, BannedWord, Report, RoomBan, RoomMute
from app.rooms import events
from app.rooms.models import Room, RoomStatus
from tests.chat.helpers import live_room, make_user, recording

pytestmark = pytest.mark.usefixtures("app")


async def refused(call, code: str) -> UserError:  # type: ignore[no-untyped-def]
    """``call`` raises a user error with ``code`` and writes no audit row."""
    before = await AuditLog.all().count()
    with pytest.raises(UserError) as caught:
        await call
    assert caught.value.code == code, caught.value
    assert await AuditLog.all().count() == before
    return caught.value


@pytest.fixture
async def cast() -> dict:  # type: ignore[type-arg]
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    return {
        "streamer": streamer,
        "other_streamer": await make_user("o@example.com", "Oz", Role.STREAMER),
        "mod": await make_user("m@example.com", "Mo", Role.MODERATOR),
        "mod2": await make_user("m2@example.com", "Max", Role.MODERATOR),
        "admin": await make_user("a@example.com", "Ada", Role.ADMIN),
        "viewer": await make_user("v@example.com", "Vi"),
        "troll": await make_user("t@example.com", "Troll"),
        "room": await live_room(streamer),
    }


async def test_mute_unmute_with_audit_and_events(cast: dict) -> None:  # type: ignore[type-arg]
    room, mod, troll = cast["room"], cast["mod"], cast["troll"]
    async with recording(room.id) as rec:
        mute = await moderation.mute(mod, room.id, troll.id, 10)
        [event] = await rec.wait_for(events.USER_MUTED)
        assert event.data == {"user_id": troll.id, "until": mute.until.isoformat()}
        assert 590 <= (mute.until - datetime.now(UTC)).total_seconds() <= 600
        assert await moderation.muted_until(room.id, troll.id) is not None
        # A second mute replaces the first (one row).
        await moderation.mute(cast["streamer"], room.id, troll.id, 60)
        assert await RoomMute.filter(room_id=room.id, user_id=troll.id).count() == 1
        await moderation.unmute(mod, room.id, troll.id)
        events_ = await rec.wait_for(events.USER_MUTED, 3)
        assert events_[-1].data == {"user_id": troll.id, "until": None}
    assert await moderation.muted_until(room.id, troll.id) is None
    actions = (
        await AuditLog.all().order_by("id").values_list("action", "actor_id", "target_user_id")
    )
    assert actions == [
        ("user.mute", mod.id, troll.id),
        ("user.mute", cast["streamer"].id, troll.id),
        ("user.unmute", mod.id, troll.id),
    ]
    first = await AuditLog.filter(action="user.mute").order_by("id").first()
    assert first is not None and first.detail["minutes"] == 10 and first.room_id == room.id
    await refused(moderation.unmute(mod, room.id, troll.id), "NOT_MUTED")


async def test_mute_rules(cast: dict) -> None:  # type: ignore[type-arg]
    room = cast["room"]
    await refused(moderation.mute(cast["viewer"], room.id, cast["troll"].id, 10), "FORBIDDEN")
    # Another room's owner is a viewer here.
    await refused(
        moderation.mute(cast["other_streamer"], room.id, cast["troll"].id, 10), "FORBIDDEN"
    )
    for minutes in (0, -5, 7 * 24 * 60 + 1):
        error = await refused(
            moderation.mute(cast["mod"], room.id, cast["troll"].id, minutes), "INVALID_DURATION"
        )
        assert error.field == "minutes"
    await refused(moderation.mute(cast["mod"], room.id, 9999, 10), "NOT_FOUND")
    await refused(moderation.mute(cast["mod"], 9999, cast["troll"].id, 10), "NOT_FOUND")
    assert await RoomMute.all().count() == 0


async def test_protected_users(cast: dict) -> None:  # type: ignore[type-arg]
    room, mod = cast["room"], cast["mod"]
    for target in (cast["streamer"], cast["mod2"], cast["admin"], mod):
        await refused(moderation.mute(mod, room.id, target.id, 10), "PROTECTED_USER")
        await refused(moderation.ban(mod, room.id, target.id), "PROTECTED_USER")
    # The room owner cannot silence moderators either; admins can.
    await refused(moderation.ban(cast["streamer"], room.id, mod.id), "PROTECTED_USER")
    await refused(moderation.ban(cast["admin"], room.id, cast["streamer"].id), "PROTECTED_USER")
    await moderation.mute(cast["admin"], room.id, mod.id, 5)
    assert await RoomBan.all().count() == 0


async def test_ban_unban(cast: dict) -> None:  # type: ignore[type-arg]
    room, troll = cast["room"], cast["troll"]
    async with recording(room.id) as rec:
        ban = await moderation.ban(cast["streamer"], room.id, troll.id)
        [event] = await rec.wait_for(events.USER_BANNED)
    assert event.data == {"user_id": troll.id}
    assert ban.user.id == troll.id and await moderation.is_banned(room.id, troll.id)
    await refused(moderation.ban(cast["mod"], room.id, troll.id), "ALREADY_BANNED")
    await refused(moderation.ban(cast["viewer"], room.id, troll.id), "FORBIDDEN")
    sanctions = await moderation.room_sanctions(cast["mod"], room.id)
    assert [b.user.id for b in sanctions["bans"]] == [troll.id]
    await moderation.unban(cast["mod"], room.id, troll.id)
    await refused(moderation.unban(cast["mod"], room.id, troll.id), "NOT_BANNED")
    assert [a for a in await AuditLog.all().order_by("id").values_list("action", flat=True)] == [
        "user.ban",
        "user.unban",
    ]


async def test_slow_mode(cast: dict) -> None:  # type: ignore[type-arg]
    room = cast["room"]
    async with recording(room.id) as rec:
        updated = await moderation.set_slow_mode(cast["streamer"], room.id, 300)
        [event] = await rec.wait_for(events.SLOW_MODE)
    assert event.data == {"seconds": 300} and updated.slow_mode_seconds == 300
    assert (await Room.get(id=room.id)).slow_mode_seconds == 300
    for seconds in (-1, 301):
        await refused(moderation.set_slow_mode(cast["mod"], room.id, seconds), "INVALID_SLOW_MODE")
    await refused(moderation.set_slow_mode(cast["viewer"], room.id, 10), "FORBIDDEN")
    entry = await AuditLog.get(action="room.slow_mode")
    assert entry.detail == {"seconds": 300, "previous": 0}


async def test_banned_words(cast: dict) -> None:  # type: ignore[type-arg]
    room, streamer, mod = cast["room"], cast["streamer"], cast["mod"]
    local = await moderation.add_banned_word(streamer, room.id, "Bad")
    assert (local.word, local.normalized, local.is_global) == ("Bad", "bad", False)
    await refused(moderation.add_banned_word(streamer, room.id, "ＢＡＤ"), "WORD_EXISTS")
    await refused(moderation.add_banned_word(streamer, None, "spam"), "FORBIDDEN")
    await refused(moderation.add_banned_word(cast["viewer"], room.id, "spam"), "FORBIDDEN")
    for word in ("", "x", "...", "a" * 51):
        await refused(moderation.add_banned_word(mod, None, word), "INVALID_WORD")
    glob = await moderation.add_banned_word(mod, None, "spam")
    assert glob.is_global
    # The same word may be banned globally and in a room.
    await moderation.add_banned_word(mod, room.id, "spam")
    words = await moderation.banned_words(streamer, room.id)
    assert sorted(w.word for w in words) == ["Bad", "spam", "spam"]
    await refused(moderation.banned_words(streamer), "FORBIDDEN")
    await refused(moderation.remove_banned_word(streamer, glob.id), "FORBIDDEN")
    await moderation.remove_banned_word(streamer, local.id)
    await moderation.remove_banned_word(mod, glob.id)
    await refused(moderation.remove_banned_word(mod, glob.id), "NOT_FOUND")
    assert await BannedWord.all().count() == 1
    actions = await AuditLog.all().order_by("id").values_list("action", "room_id")
    assert actions == [
        ("banned_word.add", room.id),
        ("banned_word.add", None),
        ("banned_word.add", room.id),
        ("banned_word.remove", room.id),
        ("banned_word.remove", None),
    ]


async def test_stop_stream(cast: dict) -> None:  # type: ignore[type-arg]
    room = cast["room"]
    await refused(moderation.stop_stream(cast["viewer"], room.id), "FORBIDDEN")
    async with recording(room.id) as rec:
        stopped = await moderation.stop_stream(cast["mod"], room.id)
        [event] = await rec.wait_for(events.ROOM_STATUS)
    assert event.data == {"status": "ended", "media_state": "stopped"}
    assert stopped.status == RoomStatus.ENDED
    entry = await AuditLog.get(action="room.stop")
    assert (entry.actor_id, entry.room_id, entry.target_user_id) == (
        cast["mod"].id,
        room.id,
        cast["streamer"].id,
    )
    await refused(moderation.stop_stream(cast["mod"], room.id), "ROOM_ENDED")


async def test_reports_and_resolutions(cast: dict) -> None:  # type: ignore[type-arg]
    room, viewer, troll, mod = cast["room"], cast["viewer"], cast["troll"], cast["mod"]
    m1 = await chat.post_message(troll, room.id, "rude one")
    m2 = await chat.post_message(troll, room.id, "rude two")
    m3 = await chat.post_message(troll, room.id, "rude three")
    report = await moderation.report_message(viewer, m1.id, "  rude\u200b ")
    assert (report.reason, report.status, report.room_id) == ("rude", "open", room.id)
    await refused(moderation.report_message(viewer, m1.id, "again"), "ALREADY_REPORTED")
    await refused(moderation.report_message(troll, m1.id, "me"), "INVALID_REPORT")
    await refused(moderation.report_message(viewer, m2.id, "   "), "INVALID_REASON")
    await refused(moderation.report_message(viewer, m2.id, "x" * 201), "INVALID_REASON")
    await refused(moderation.report_message(viewer, 9999, "gone"), "NOT_FOUND")
    other = await moderation.report_message(cast["other_streamer"], m1.id, "rude too")
    assert await Report.filter(status="open").count() == 2

    await refused(moderation.resolve_report(viewer, report.id, "dismiss"), "FORBIDDEN")
    await refused(moderation.resolve_report(mod, report.id, "explode"), "INVALID_ACTION")
    dismissed = await moderation.resolve_report(mod, report.id, "dismiss")
    assert (dismissed.status, dismissed.resolution, dismissed.resolved_by_id) == (
        "dismissed",
        "dismiss",
        mod.id,
    )
    await refused(moderation.resolve_report(mod, report.id, "dismiss"), "ALREADY_RESOLVED")
    # Once handled, the viewer may report the message again.
    again = await moderation.report_message(viewer, m1.id, "still rude")

    async with recording(room.id) as rec:
        resolved = await moderation.resolve_report(mod, again.id, "delete_message")
        await rec.wait_for(events.CHAT_DELETED)
    assert resolved.status == "resolved"
    assert (await ChatMessage.get(id=m1.id)).deleted_at is not None
    # The other open report of that message is resolved with it.
    assert (await Report.get(id=other.id)).status == "resolved"
    await refused(moderation.report_message(viewer, m1.id, "deleted"), "NOT_FOUND")

    r3 = await moderation.report_message(viewer, m3.id, "spam")
    async with recording(room.id) as rec:
        await moderation.resolve_report(cast["streamer"], r3.id, "ban_user")
        await rec.wait_for(events.USER_BANNED)
        await rec.wait_for(events.CHAT_DELETED)
    assert await moderation.is_banned(room.id, troll.id)
    assert (await ChatMessage.get(id=m3.id)).deleted_at is not None

    actions = await AuditLog.all().order_by("id").values_list("action", flat=True)
    assert list(actions) == [
        "report.create",
        "report.create",
        "report.resolve",
        "report.create",
        "chat.delete",
        "report.resolve",
        "report.create",
        "chat.delete",
        "user.ban",
        "report.resolve",
    ]


async def test_reporting_a_protected_author_cannot_ban(cast: dict) -> None:  # type: ignore[type-arg]
    room = cast["room"]
    message = await chat.post_message(cast["streamer"], room.id, "buy now")
    report = await moderation.report_message(cast["viewer"], message.id, "spammy")
    await refused(moderation.resolve_report(cast["mod"], report.id, "ban_user"), "PROTECTED_USER")
    assert (await Report.get(id=report.id)).status == "open"
    assert (await ChatMessage.get(id=message.id)).deleted_at is None


async def test_lists_are_scoped(cast: dict) -> None:  # type: ignore[type-arg]
    room, streamer = cast["room"], cast["streamer"]
    other_room = await live_room(cast["other_streamer"], "Other room")
    await moderation.set_slow_mode(streamer, room.id, 5)
    await moderation.set_slow_mode(cast["other_streamer"], other_room.id, 5)
    assert len(await moderation.list_audit_log(cast["mod"])) == 2
    mine = await moderation.list_audit_log(streamer, room.id)
    assert [e.room_id for e in mine] == [room.id]
    await refused(moderation.audit_log(streamer), "FORBIDDEN")
    await refused(moderation.audit_log(streamer, other_room.id), "FORBIDDEN")
    await refused(moderation.reports_query(cast["viewer"]), "FORBIDDEN")
    await refused(moderation.live_rooms(streamer), "FORBIDDEN")
    assert {r.id for r in await moderation.live_rooms(cast["mod"])} == {room.id, other_room.id}
