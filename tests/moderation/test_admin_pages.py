"""The admin page: access control, sections, one-click actions, reports, banned words."""

from __future__ import annotations

import httpx

from app.accounts.models import Role
from app.chat import services as chat
from app.chat.models import ChatMessage
from app.moderation import services as moderation
from app.moderation.models import AuditLog, BannedWord, Report, RoomBan, RoomMute
from app.rooms.models import Room
from tests.chat.helpers import live_room, login_as, make_user
from tests.support import csrf

HX = {"HX-Request": "true"}


async def post(client: httpx.AsyncClient, url: str, data: dict | None = None, htmx: bool = True):  # type: ignore[type-arg,no-untyped-def]
    token = await csrf(client)
    return await client.post(
        url, data={"csrf_token": token, **(data or {})}, headers=HX if htmx else {}
    )


async def test_access_control(client: httpx.AsyncClient, other_client: httpx.AsyncClient) -> None:
    anonymous = await client.get("/admin")
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login?next=/admin"
    await login_as(client, "v@example.com", "Vi")
    viewer = await client.get("/admin", headers={"Accept": "text/html"})
    assert viewer.status_code == 403 and "for moderators" in viewer.text
    assert (await client.get("/admin/queue")).status_code == 403
    assert (await client.get("/admin/parts/audit")).status_code == 403
    await login_as(other_client, "s@example.com", "Sam", Role.STREAMER)
    assert (await other_client.get("/admin")).status_code == 403
    await login_as(other_client, "m@example.com", "Mo", Role.MODERATOR)
    page = await other_client.get("/admin")
    assert page.status_code == 200
    for marker in ("Live rooms", "Live chat", "Open reports", "Banned words", "Audit log"):
        assert marker in page.text
    assert 'hx-get="/admin/queue"' in page.text and "every 2s" in page.text
    assert (await other_client.get("/admin/parts/nope")).status_code == 404


async def test_admin_actions_from_the_queue_and_reports(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    await login_as(client, "m@example.com", "Mo", Role.MODERATOR)
    viewer = await login_as(other_client, "v@example.com", "Vi")
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    troll = await make_user("t@example.com", "Troll")
    room = await live_room(streamer, "Sneaker drop")
    rude = await chat.post_message(troll, room.id, "rude words")
    await chat.post_message(viewer, room.id, "nice shoes")

    page = await client.get("/admin")
    assert "Sneaker drop" in page.text and "Sam" in page.text
    queue = await client.get("/admin/queue", headers=HX)
    assert queue.status_code == 200
    assert "rude words" in queue.text and "nice shoes" in queue.text
    assert f"/rooms/{room.id}/messages/{rude.id}/delete" in queue.text
    assert queue.text.index("rude words") < queue.text.index("nice shoes")  # newest last

    # One click: delete, mute 10 min, ban (the room-level routes the queue posts to).
    assert (await post(client, f"/rooms/{room.id}/messages/{rude.id}/delete")).status_code == 200
    assert "rude words" not in (await client.get("/admin/queue")).text
    muted = await post(client, f"/rooms/{room.id}/mute", {"user_id": troll.id, "minutes": 10})
    assert muted.status_code == 200 and await RoomMute.filter(user_id=troll.id).exists()
    assert (await post(client, f"/rooms/{room.id}/ban", {"user_id": troll.id})).status_code == 200
    assert await RoomBan.filter(user_id=troll.id).exists()

    # Reports: dismiss, delete, ban.
    m1 = await chat.post_message(viewer, room.id, "one")
    m2 = await chat.post_message(viewer, room.id, "two")
    other_troll = await make_user("o@example.com", "Other")
    m3 = await chat.post_message(other_troll, room.id, "three")
    r1 = await moderation.report_message(troll, m1.id, "meh")
    r2 = await moderation.report_message(troll, m2.id, "bad")
    r3 = await moderation.report_message(viewer, m3.id, "spam")
    reports = await client.get("/admin/parts/reports")
    assert all(reason in reports.text for reason in ("meh", "bad", "spam"))
    dismissed = await post(client, f"/admin/reports/{r1.id}/resolve", {"action": "dismiss"})
    assert dismissed.status_code == 200 and "dismissed" in dismissed.text
    assert dismissed.headers["hx-trigger"] == "admin-refresh"
    await post(client, f"/admin/reports/{r2.id}/resolve", {"action": "delete_message"})
    await post(client, f"/admin/reports/{r3.id}/resolve", {"action": "ban_user"})
    statuses = dict(await Report.all().values_list("id", "status"))
    assert statuses == {r1.id: "dismissed", r2.id: "resolved", r3.id: "resolved"}
    assert (await ChatMessage.get(id=m2.id)).deleted_at is not None
    assert await RoomBan.filter(user_id=other_troll.id).exists()
    bad = await post(client, f"/admin/reports/{r1.id}/resolve", {"action": "dismiss"})
    assert bad.status_code == 422 and "already handled" in bad.text
    assert "No open reports" in (await client.get("/admin/parts/reports")).text
    # A viewer cannot resolve reports.
    fourth = await chat.post_message(await make_user("x@example.com", "Xe"), room.id, "four")
    r4 = await moderation.report_message(viewer, fourth.id, "x")
    denied = await post(other_client, f"/admin/reports/{r4.id}/resolve", {"action": "dismiss"})
    assert denied.status_code == 403
    assert (await Report.get(id=r4.id)).status == "open"

    audit = await client.get("/admin/parts/audit")
    for action in ("chat.delete", "user.mute", "user.ban", "report.resolve", "report.create"):
        assert action in audit.text


async def test_banned_words_and_stop_from_the_admin_page(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    await login_as(client, "m@example.com", "Mo", Role.MODERATOR)
    viewer = await login_as(other_client, "v@example.com", "Vi")
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    room = await live_room(streamer, "Night market")

    added = await post(client, "/admin/banned-words", {"word": "Scam", "room_id": ""})
    assert added.status_code == 200 and "banned everywhere" in added.text
    local = await post(client, "/admin/banned-words", {"word": "fake", "room_id": room.id})
    assert local.status_code == 200 and "in that room" in local.text
    dup = await post(client, "/admin/banned-words", {"word": "ＳＣＡＭ"})
    assert dup.status_code == 422 and "already banned" in dup.text
    denied = await post(other_client, "/admin/banned-words", {"word": "other"})
    assert denied.status_code == 403
    words = await client.get("/admin/parts/words")
    assert "Scam" in words.text and "Night market" in words.text

    # The page's chat form refuses the global word in any disguise.
    refused = await post(other_client, f"/rooms/{room.id}/chat", {"text": "s c a m"})
    assert refused.status_code == 422 and "not allowed" in refused.text
    assert await ChatMessage.all().count() == 0

    word = await BannedWord.get(normalized="scam")
    removed = await post(client, f"/admin/banned-words/{word.id}/delete")
    assert removed.status_code == 200 and "allowed again" in removed.text
    assert (await post(other_client, f"/rooms/{room.id}/chat", {"text": "scam"})).status_code == 200

    assert (await post(other_client, f"/admin/rooms/{room.id}/stop")).status_code == 403
    stopped = await post(client, f"/admin/rooms/{room.id}/stop", {"next": "/admin"}, htmx=False)
    assert stopped.status_code == 303 and stopped.headers["location"] == "/admin"
    assert (await Room.get(id=room.id)).status == "ended"
    assert "No room is live" in (await client.get("/admin/parts/rooms")).text
    assert await AuditLog.filter(action="room.stop", actor_id__isnull=False).count() == 1
    assert viewer.id
