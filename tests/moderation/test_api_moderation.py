"""Moderation over GraphQL: every mutation with typed errors, reports and the audit log."""

from __future__ import annotations

import httpx

from app.accounts.models import Role
from app.chat import services as chat
from app.chat.models import ChatMessage
from app.moderation.models import AuditLog, Report, RoomBan, RoomMute
from app.rooms.models import Room
from tests.chat.helpers import errors_of, gid, live_room, login_as, make_user
from tests.support import op


async def mod_op(client: httpx.AsyncClient, name: str, **variables):  # type: ignore[no-untyped-def]
    result = await op(client, "moderation", name, variables)
    assert "errors" not in result, result
    return next(iter(result["data"].values()))


async def test_mute_ban_and_slow_mode_hold_for_the_api(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    streamer = await login_as(client, "s@example.com", "Sam", Role.STREAMER)
    viewer = await login_as(other_client, "v@example.com", "Vi")
    room = await live_room(streamer)
    room_id, user_id = gid("Room", room.id), gid("User", viewer.id)

    denied = await mod_op(other_client, "MuteUser", roomId=room_id, userId=user_id, minutes=5)
    assert errors_of(denied) == ["FORBIDDEN"]
    viewer_mutes_owner = await mod_op(
        other_client, "MuteUser", roomId=room_id, userId=gid("User", streamer.id), minutes=5
    )
    assert errors_of(viewer_mutes_owner) == ["FORBIDDEN"]
    bad = await mod_op(client, "MuteUser", roomId=room_id, userId=user_id, minutes=0)
    assert bad["errors"] == [
        {"code": "INVALID_DURATION", "field": "minutes", "message": "mute for 1 to 10080 minutes"}
    ]
    owner = await mod_op(
        client, "MuteUser", roomId=room_id, userId=gid("User", streamer.id), minutes=5
    )
    assert errors_of(owner) == ["PROTECTED_USER"]
    assert await RoomMute.all().count() == 0

    muted = await mod_op(client, "MuteUser", roomId=room_id, userId=user_id, minutes=5)
    assert muted["errors"] == [] and muted["mute"]["user"]["displayName"] == "Vi"
    send = await op(other_client, "chat", "SendChatMessage", {"roomId": room_id, "text": "hi"})
    assert errors_of(send["data"]["sendChatMessage"]) == ["MUTED"]
    sanctions = await mod_op(client, "RoomSanctions", roomId=room_id)
    assert [m["user"]["displayName"] for m in sanctions["mutes"]] == ["Vi"]
    assert (await mod_op(client, "UnmuteUser", roomId=room_id, userId=user_id))["ok"] is True
    again = await mod_op(client, "UnmuteUser", roomId=room_id, userId=user_id)
    assert errors_of(again) == ["NOT_MUTED"]

    banned = await mod_op(client, "BanUser", roomId=room_id, userId=user_id)
    assert banned["ban"]["user"]["id"] == user_id
    assert errors_of(await mod_op(client, "BanUser", roomId=room_id, userId=user_id)) == [
        "ALREADY_BANNED"
    ]
    send = await op(other_client, "chat", "SendChatMessage", {"roomId": room_id, "text": "hi"})
    assert errors_of(send["data"]["sendChatMessage"]) == ["BANNED"]
    assert (await mod_op(client, "UnbanUser", roomId=room_id, userId=user_id))["ok"] is True
    assert await RoomBan.all().count() == 0

    slow = await mod_op(client, "SetSlowMode", roomId=room_id, seconds=20)
    assert slow["room"]["slowModeSeconds"] == 20
    assert errors_of(await mod_op(client, "SetSlowMode", roomId=room_id, seconds=301)) == [
        "INVALID_SLOW_MODE"
    ]
    assert errors_of(await mod_op(other_client, "SetSlowMode", roomId=room_id, seconds=0)) == [
        "FORBIDDEN"
    ]
    first = await op(other_client, "chat", "SendChatMessage", {"roomId": room_id, "text": "a"})
    assert first["data"]["sendChatMessage"]["errors"] == []
    second = await op(other_client, "chat", "SendChatMessage", {"roomId": room_id, "text": "b"})
    assert errors_of(second["data"]["sendChatMessage"]) == ["SLOW_MODE"]
    assert await ChatMessage.all().count() == 1

    actions = list(await AuditLog.all().order_by("id").values_list("action", flat=True))
    assert actions == ["user.mute", "user.unmute", "user.ban", "user.unban", "room.slow_mode"]


async def test_banned_words_over_the_api(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    streamer = await login_as(client, "s@example.com", "Sam", Role.STREAMER)
    await login_as(other_client, "m@example.com", "Mo", Role.MODERATOR)
    room = await live_room(streamer)
    room_id = gid("Room", room.id)
    local = await mod_op(client, "AddBannedWord", roomId=room_id, word="Bad")
    assert local["bannedWord"]["normalized"] == "bad" and local["bannedWord"]["isGlobal"] is False
    dup = await mod_op(client, "AddBannedWord", roomId=room_id, word="ｂ ａ ｄ")
    assert errors_of(dup) == ["WORD_EXISTS"]
    assert errors_of(await mod_op(client, "AddBannedWord", roomId=None, word="spam")) == [
        "FORBIDDEN"
    ]
    glob = await mod_op(other_client, "AddBannedWord", roomId=None, word="spam")
    assert glob["bannedWord"]["isGlobal"] is True and glob["bannedWord"]["roomId"] is None
    assert errors_of(await mod_op(other_client, "AddBannedWord", word="!")) == ["INVALID_WORD"]

    words = await mod_op(client, "BannedWords", roomId=room_id)
    assert sorted(w["word"] for w in words) == ["Bad", "spam"]
    everything = await op(client, "moderation", "BannedWords", {})
    assert everything["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    for text in ("ｂａｄ", "B A D", "b\u200bad", "BaD", "S.P.A.M"):
        sent = await op(client, "chat", "SendChatMessage", {"roomId": room_id, "text": text})
        assert errors_of(sent["data"]["sendChatMessage"]) == ["BANNED_WORD"], text

    gone = await mod_op(client, "RemoveBannedWord", id=glob["bannedWord"]["id"])
    assert errors_of(gone) == ["FORBIDDEN"]
    gone = await mod_op(other_client, "RemoveBannedWord", id=glob["bannedWord"]["id"])
    assert gone["errors"] == [] and gone["bannedWord"]["word"] == "spam"
    sent = await op(client, "chat", "SendChatMessage", {"roomId": room_id, "text": "spam"})
    assert sent["data"]["sendChatMessage"]["errors"] == []


async def test_stop_stream(client: httpx.AsyncClient, other_client: httpx.AsyncClient) -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    await login_as(client, "m@example.com", "Mo", Role.MODERATOR)
    await login_as(other_client, "v@example.com", "Vi")
    room = await live_room(streamer)
    denied = await mod_op(other_client, "StopStream", roomId=gid("Room", room.id))
    assert errors_of(denied) == ["FORBIDDEN"]
    stopped = await mod_op(client, "StopStream", roomId=gid("Room", room.id))
    assert stopped["errors"] == [] and stopped["room"]["status"] == "ENDED"
    assert (await Room.get(id=room.id)).status == "ended"
    again = await mod_op(client, "StopStream", roomId=gid("Room", room.id))
    assert errors_of(again) == ["ROOM_ENDED"]
    assert await AuditLog.filter(action="room.stop").count() == 1


async def test_reports_flow_and_moderator_only_queries(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    troll = await make_user("t@example.com", "Troll")
    await login_as(client, "m@example.com", "Mo", Role.MODERATOR)
    await login_as(other_client, "v@example.com", "Vi")
    room = await live_room(streamer)
    message = await chat.post_message(troll, room.id, "nasty")
    message_id = gid("ChatMessage", message.id)

    reported = await mod_op(other_client, "ReportMessage", messageId=message_id, reason="nasty")
    assert reported["errors"] == []
    report = reported["report"]
    assert report["status"] == "OPEN" and report["message"]["text"] == "nasty"
    again = await mod_op(other_client, "ReportMessage", messageId=message_id, reason="again")
    assert errors_of(again) == ["ALREADY_REPORTED"]
    assert await Report.all().count() == 1

    # Viewers cannot list reports or the audit log, nor resolve.
    for name in ("Reports", "AuditLog"):
        result = await op(other_client, "moderation", name, {})
        assert result["data"] is None
        assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # Without the CSRF header a session cookie does not count: anonymous.
    anonymous = await op(other_client, "moderation", "Reports", {}, with_csrf=False)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    denied = await mod_op(other_client, "ResolveReport", reportId=report["id"], action="DISMISS")
    assert errors_of(denied) == ["FORBIDDEN"]

    listed = await mod_op(client, "Reports")
    assert listed["totalCount"] == 1 and listed["nodes"][0]["reason"] == "nasty"
    assert listed["nodes"][0]["reporter"]["displayName"] == "Vi"

    banned = await mod_op(client, "ResolveReport", reportId=report["id"], action="BAN_USER")
    assert banned["errors"] == []
    assert banned["report"]["status"] == "RESOLVED"
    assert banned["report"]["resolution"] == "BAN_USER"
    assert banned["report"]["message"]["deleted"] is True
    assert await RoomBan.filter(user_id=troll.id, room_id=room.id).exists()
    twice = await mod_op(client, "ResolveReport", reportId=report["id"], action="DISMISS")
    assert errors_of(twice) == ["ALREADY_RESOLVED"]
    assert (await mod_op(client, "Reports"))["totalCount"] == 0
    resolved = await mod_op(client, "Reports", status="RESOLVED")
    assert resolved["totalCount"] == 1

    log = await mod_op(client, "AuditLog")
    assert [e["action"] for e in log["nodes"]] == [
        "report.resolve",
        "user.ban",
        "chat.delete",
        "report.create",
    ]
    resolve = log["nodes"][0]
    assert resolve["actor"]["displayName"] == "Mo"
    assert resolve["targetUser"]["displayName"] == "Troll"
    assert resolve["room"]["title"] == room.title
    assert resolve["detail"]["resolution"] == "ban_user"
    only_bans = await mod_op(client, "AuditLog", action="user.ban")
    assert only_bans["totalCount"] == 1
