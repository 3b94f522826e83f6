"""Chat pages: the room panel, the htmx send form, moderator one-click posts, reports,
and the SSE fragments. The same rules as the API hold (tests post the page forms)."""

from __future__ import annotations

import httpx
import pytest

from app.accounts.models import Role
from app.chat import services as chat
from app.chat.models import ChatMessage
from app.events import Event
from app.moderation import services as moderation
from app.moderation.models import AuditLog, Report, RoomBan, RoomMute
from app.rooms import events
from app.rooms.models import Room
from app.rooms.services import create_room
from tests.chat.helpers import live_room, login_as, make_user, recording
from tests.support import csrf

HX = {"HX-Request": "true"}


async def post(client: httpx.AsyncClient, url: str, data: dict | None = None, htmx: bool = True):  # type: ignore[type-arg,no-untyped-def]
    token = await csrf(client)
    return await client.post(
        url, data={"csrf_token": token, **(data or {})}, headers=HX if htmx else {}
    )


async def test_room_page_shows_the_chat_panel_with_history(
    app: object, client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    streamer = await login_as(client, "s@example.com", "Sam", Role.STREAMER)
    viewer = await login_as(other_client, "v@example.com", "Vi")
    room = await live_room(streamer)
    await chat.post_message(viewer, room.id, "first <script>x</script>")
    deleted = await chat.post_message(viewer, room.id, "secret")
    await chat.delete_message(streamer, deleted.id)
    page = await other_client.get(f"/rooms/{room.id}")
    assert page.status_code == 200
    assert 'id="chat-list"' in page.text and 'sse-swap="chat-message"' in page.text
    assert "first &lt;script&gt;x&lt;/script&gt;" in page.text
    assert "secret" not in page.text
    assert 'data-testid="chat-form"' in page.text
    assert 'data-testid="chat-report"' not in page.text  # not on one's own message
    assert 'data-testid="chat-delete"' not in page.text
    owner_page = await client.get(f"/rooms/{room.id}")
    assert 'data-testid="chat-delete"' in owner_page.text
    assert 'data-testid="chat-mute"' in owner_page.text
    assert 'data-testid="slow-mode-form"' in owner_page.text
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as anon:
        anonymous = await anon.get(f"/rooms/{room.id}")
    assert "Log in</a> to chat" in anonymous.text


async def test_send_form_htmx_success_and_plain_redirect(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    await login_as(other_client, "v@example.com", "Vi")
    room = await live_room(streamer)
    async with recording(room.id) as rec:
        response = await post(other_client, f"/rooms/{room.id}/chat", {"text": "hi there"})
        [event] = await rec.wait_for(events.CHAT_MESSAGE)
    assert response.status_code == 200
    assert 'id="chat-form"' in response.text and 'value=""' in response.text
    assert event.data["text"] == "hi there"
    plain = await post(other_client, f"/rooms/{room.id}/chat", {"text": "again"}, htmx=False)
    assert plain.status_code == 303 and plain.headers["location"] == f"/rooms/{room.id}"
    assert await ChatMessage.all().count() == 2


async def test_page_posts_enforce_every_rule_with_422_and_store_nothing(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    streamer = await login_as(client, "s@example.com", "Sam", Role.STREAMER)
    viewer = await login_as(other_client, "v@example.com", "Vi")
    room = await live_room(streamer)
    url = f"/rooms/{room.id}/chat"

    async def expect(text: str, message: str) -> httpx.Response:
        before = await ChatMessage.all().count()
        response = await post(other_client, url, {"text": text})
        assert response.status_code == 422, response.text
        assert message in response.text, response.text
        assert 'id="chat-form"' in response.text
        assert await ChatMessage.all().count() == before
        return response

    await expect("   ", "write a message first")
    kept = await expect("x" * 201, "200 characters")
    assert "x" * 201 in kept.text  # the text is kept to fix
    await moderation.add_banned_word(streamer, room.id, "bad")
    for text in ("ｂａｄ", "B A D", "b\u200bad", "BaD"):
        await expect(text, "not allowed")
    await moderation.set_slow_mode(streamer, room.id, 30)
    assert (await post(other_client, url, {"text": "ok"})).status_code == 200
    await expect("too soon", "slow mode is on")
    await moderation.set_slow_mode(streamer, room.id, 0)
    await moderation.mute(streamer, room.id, viewer.id, 10)
    await expect("hi", "muted")
    await moderation.unmute(streamer, room.id, viewer.id)
    await moderation.ban(streamer, room.id, viewer.id)
    await expect("hi", "banned")
    scheduled = await create_room(streamer, "Later")
    response = await post(other_client, f"/rooms/{scheduled.id}/chat", {"text": "x"})
    assert response.status_code == 422 and "chat opens when the room is live" in response.text
    assert await ChatMessage.all().count() == 1


async def test_rate_limit_on_the_page(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    await login_as(other_client, "v@example.com", "Vi")
    room = await live_room(streamer)
    for i in range(5):
        assert (await post(other_client, f"/rooms/{room.id}/chat", {"text": f"{i}"})).is_success
    response = await post(other_client, f"/rooms/{room.id}/chat", {"text": "more"})
    assert response.status_code == 422 and "too fast" in response.text
    assert await ChatMessage.all().count() == 5


async def test_anonymous_and_csrf(client: httpx.AsyncClient) -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    room = await live_room(streamer)
    response = await post(client, f"/rooms/{room.id}/chat", {"text": "hi"})
    assert response.status_code == 403 and "log in first" in response.text
    forged = await client.post(f"/rooms/{room.id}/chat", data={"text": "hi"}, headers=HX)
    assert forged.status_code == 403
    assert await ChatMessage.all().count() == 0


async def test_moderator_one_click_posts(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    streamer = await login_as(client, "s@example.com", "Sam", Role.STREAMER)
    viewer = await login_as(other_client, "v@example.com", "Vi")
    troll = await make_user("t@example.com", "Troll")
    room = await live_room(streamer)
    message = await chat.post_message(troll, room.id, "rude")
    base = f"/rooms/{room.id}"

    # Viewers may not moderate: 403 and nothing changes.
    for url, data in (
        (f"{base}/messages/{message.id}/delete", {}),
        (f"{base}/mute", {"user_id": troll.id, "minutes": 10}),
        (f"{base}/ban", {"user_id": troll.id}),
        (f"{base}/slow-mode", {"seconds": 10}),
    ):
        response = await post(other_client, url, data)
        assert response.status_code == 403, url
    assert await AuditLog.all().count() == 0

    deleted = await post(client, f"{base}/messages/{message.id}/delete")
    assert deleted.status_code == 200 and "Message deleted." in deleted.text
    assert deleted.headers["hx-trigger"] == "admin-refresh"
    assert (await ChatMessage.get(id=message.id)).deleted_at is not None
    again = await post(client, f"{base}/messages/{message.id}/delete")
    assert again.status_code == 422 and "already deleted" in again.text

    muted = await post(client, f"{base}/mute", {"user_id": troll.id, "minutes": 10})
    assert muted.status_code == 200 and "Troll is muted for 10 min." in muted.text
    assert await RoomMute.filter(user_id=troll.id).exists()
    assert (await post(client, f"{base}/unmute", {"user_id": troll.id})).status_code == 200
    bad = await post(client, f"{base}/mute", {"user_id": troll.id, "minutes": "lots"})
    assert bad.status_code == 422
    protected = await post(client, f"{base}/ban", {"user_id": streamer.id})
    assert protected.status_code == 422 and "yourself" in protected.text

    banned = await post(client, f"{base}/ban", {"user_id": troll.id})
    assert banned.status_code == 200 and await RoomBan.filter(user_id=troll.id).exists()
    assert (await post(client, f"{base}/unban", {"user_id": troll.id})).status_code == 200
    slow = await post(client, f"{base}/slow-mode", {"seconds": 30})
    assert slow.status_code == 200 and (await Room.get(id=room.id)).slow_mode_seconds == 30
    too_slow = await post(client, f"{base}/slow-mode", {"seconds": 999})
    assert too_slow.status_code == 422

    plain = await post(client, f"{base}/slow-mode", {"seconds": 0}, htmx=False)
    assert plain.status_code == 303 and plain.headers["location"] == base
    actions = list(await AuditLog.all().order_by("id").values_list("action", flat=True))
    assert actions == [
        "chat.delete",
        "user.mute",
        "user.unmute",
        "user.ban",
        "user.unban",
        "room.slow_mode",
        "room.slow_mode",
    ]
    assert viewer.id  # the viewer changed nothing above


async def test_report_from_the_page_with_htmx_prompt(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    await login_as(other_client, "v@example.com", "Vi")
    troll = await make_user("t@example.com", "Troll")
    room = await live_room(streamer)
    message = await chat.post_message(troll, room.id, "rude")
    token = await csrf(other_client)
    url = f"/rooms/{room.id}/messages/{message.id}/report"
    response = await other_client.post(
        url, data={"csrf_token": token}, headers={**HX, "HX-Prompt": "very rude"}
    )
    assert response.status_code == 200 and "moderators will look" in response.text
    report = await Report.get(message_id=message.id)
    assert report.reason == "very rude"
    twice = await post(other_client, url, {"reason": "again"})
    assert twice.status_code == 422 and "already reported" in twice.text
    anonymous = await post(client, url, {"reason": "no account"})
    assert anonymous.status_code == 403
    assert await Report.all().count() == 1


def render(type: str, data: dict, room: Room, user, can_moderate: bool) -> str:  # type: ignore[type-arg,no-untyped-def]
    from web.sse import render_event

    html = render_event(
        Event.create(type, data, room.id),
        {"room": room, "user": user, "can_moderate": can_moderate},
    )
    assert html is not None
    return html


@pytest.mark.usefixtures("app")
async def test_sse_fragments_are_self_contained() -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    viewer = await make_user("v@example.com", "Vi")
    room = await live_room(streamer)
    message = await chat.post_message(viewer, room.id, "<i>hey</i>")
    data = chat.message_event(message, viewer).to_data()
    as_viewer = render(events.CHAT_MESSAGE, data, room, viewer, False)
    assert f'id="msg-{message.id}"' in as_viewer
    assert "&lt;i&gt;hey&lt;/i&gt;" in as_viewer
    assert "chat-delete" not in as_viewer and "chat-report" not in as_viewer
    as_other = render(events.CHAT_MESSAGE, data, room, streamer, False)
    assert "chat-report" in as_other
    as_mod = render(events.CHAT_MESSAGE, data, room, streamer, True)
    assert f"/rooms/{room.id}/messages/{message.id}/delete" in as_mod
    assert "chat-mute" in as_mod and "chat-ban" in as_mod

    removal = {"message_id": message.id, "by_user_id": streamer.id}
    gone = render(events.CHAT_DELETED, removal, room, None, False)
    assert f'id="msg-{message.id}"' in gone and 'hx-swap-oob="delete"' in gone

    muted = {"user_id": viewer.id, "until": "2030-01-01T10:30:00+00:00"}
    assert "You are muted until 10:30" in render(events.USER_MUTED, muted, room, viewer, False)
    assert render(events.USER_MUTED, muted, room, streamer, False).strip() == ""
    unmuted = {"user_id": viewer.id, "until": None}
    assert "You can chat again" in render(events.USER_MUTED, unmuted, room, viewer, False)
    banned = render(events.USER_BANNED, {"user_id": viewer.id}, room, viewer, False)
    assert "banned" in banned and 'id="chat-form" hx-swap-oob="delete"' in banned
    slow = render(events.SLOW_MODE, {"seconds": 30}, room, None, False)
    assert 'id="chat-slow-mode"' in slow and "30 s" in slow and 'hx-swap-oob="true"' in slow
    off = render(events.SLOW_MODE, {"seconds": 0}, room, None, False)
    assert "Slow mode" not in off
