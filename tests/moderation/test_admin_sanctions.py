"""Bans and mutes can be undone from pages (the admin page's "Bans and mutes" and the
streamer console), banned and muted authors carry a marker in the admin chat queue, and
the queue appends new messages after a cursor instead of replacing its list."""

from __future__ import annotations

import re

import httpx
import pytest

from app.accounts.models import Role
from app.chat import services as chat
from app.errors import UserError
from app.moderation import services as moderation
from app.moderation.models import RoomBan, RoomMute
from tests.chat.helpers import live_room, login_as, make_user
from tests.support import csrf

HX = {"HX-Request": "true"}


def _cursor(html: str) -> int:
    found = re.search(r'id="admin-queue-poll"[^>]*data-cursor="(\d+)"', html)
    assert found is not None, html
    return int(found.group(1))


async def test_the_queue_appends_after_its_cursor(client: httpx.AsyncClient) -> None:
    await login_as(client, "m@example.com", "Mo", Role.MODERATOR)
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    viewer = await make_user("v@example.com", "Vi")
    room = await live_room(streamer, "Sneaker drop")
    first = await chat.post_message(viewer, room.id, "first!")

    full = (await client.get("/admin/queue", headers=HX)).text
    assert 'id="admin-queue-list"' in full and "first!" in full
    assert 'hx-swap="beforeend"' in full and 'hx-target="#admin-queue-list"' in full
    assert _cursor(full) == first.id

    nothing_new = (await client.get(f"/admin/queue?after={first.id}", headers=HX)).text
    assert "queue-message" not in nothing_new and 'id="admin-queue-list"' not in nothing_new
    assert 'hx-swap-oob="true"' in nothing_new and _cursor(nothing_new) == first.id

    second = await chat.post_message(viewer, room.id, "second")
    third = await chat.post_message(viewer, room.id, "third")
    more = (await client.get(f"/admin/queue?after={first.id}", headers=HX)).text
    assert "first!" not in more and more.index("second") < more.index("third")
    assert 'id="admin-queue-list"' not in more  # items only: the page appends them
    assert _cursor(more) == third.id > second.id
    assert (await client.get("/admin/queue?after=x", headers=HX)).status_code == 200


async def test_banned_and_muted_authors_are_marked_and_can_be_let_back(
    client: httpx.AsyncClient,
) -> None:
    mo = await login_as(client, "m@example.com", "Mo", Role.MODERATOR)
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    troll = await make_user("t@example.com", "Troll")
    loud = await make_user("l@example.com", "Loud")
    room = await live_room(streamer, "Sneaker drop")
    await chat.post_message(troll, room.id, "buy followers")
    await chat.post_message(loud, room.id, "HELLO")
    await moderation.ban(mo, room.id, troll.id)
    await moderation.mute(mo, room.id, loud.id, 10)

    queue = (await client.get("/admin/queue", headers=HX)).text
    assert 'data-testid="queue-banned"' in queue and 'data-testid="queue-unban"' in queue
    assert 'data-testid="queue-muted"' in queue and 'data-testid="queue-unmute"' in queue
    assert "<time datetime=" in queue  # the mute's end, in the moderator's local time

    page = (await client.get("/admin")).text
    assert "Bans and mutes" in page
    sanctions = (await client.get("/admin/parts/sanctions", headers=HX)).text
    assert "Unban Troll" in sanctions and "Unmute Loud" in sanctions

    # Without JavaScript: a plain form post, back to /admin.
    token = await csrf(client)
    unban = await client.post(
        f"/rooms/{room.id}/unban", data={"csrf_token": token, "user_id": troll.id, "next": "/admin"}
    )
    assert unban.status_code == 303 and unban.headers["location"] == "/admin"
    assert not await RoomBan.filter(user_id=troll.id).exists()
    unmute = await client.post(
        f"/rooms/{room.id}/unmute", data={"csrf_token": token, "user_id": loud.id}, headers=HX
    )
    assert unmute.status_code == 200 and "Mute lifted." in unmute.text
    assert not await RoomMute.filter(user_id=loud.id).exists()
    assert "Nobody is banned or muted." in (await client.get("/admin/parts/sanctions")).text
    queue = (await client.get("/admin/queue", headers=HX)).text
    assert 'data-testid="queue-banned"' not in queue and 'data-testid="queue-ban"' in queue

    twice = await client.post(
        f"/rooms/{room.id}/unban", data={"csrf_token": token, "user_id": troll.id}, headers=HX
    )
    assert twice.status_code == 422 and "not banned" in twice.text


async def test_the_console_lists_its_rooms_bans_with_an_undo(client: httpx.AsyncClient) -> None:
    sam = await login_as(client, "s@example.com", "Sam", Role.STREAMER)
    troll = await make_user("t@example.com", "Troll")
    room = await live_room(sam, "Sneaker drop")
    await moderation.ban(sam, room.id, troll.id)
    console = (await client.get(f"/studio/rooms/{room.id}")).text
    assert 'data-testid="console-banned"' in console and "Unban Troll" in console
    token = await csrf(client)
    back = await client.post(
        f"/rooms/{room.id}/unban",
        data={"csrf_token": token, "user_id": troll.id, "next": f"/studio/rooms/{room.id}"},
    )
    assert back.headers["location"] == f"/studio/rooms/{room.id}"
    assert 'data-testid="console-banned"' not in (await client.get(back.headers["location"])).text


async def test_only_site_moderators_see_every_rooms_sanctions(client: httpx.AsyncClient) -> None:
    sam = await make_user("s@example.com", "Sam", Role.STREAMER)
    with pytest.raises(UserError):
        await moderation.active_sanctions(sam)
    assert (await client.get("/admin/parts/sanctions")).status_code in (303, 401)
