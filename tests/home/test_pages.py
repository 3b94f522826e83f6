"""The home feed, reminders, the streamer profile and the replay page over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from app.accounts import handles
from app.accounts.models import User
from app.chat import services as chat
from app.rooms import schedule
from app.rooms import services as rooms
from app.rooms.models import LiveReminder, LiveSession
from tests.rooms.helpers import streamer_client
from tests.support import csrf, register


def live_section(html: str) -> str:
    """The home page's "Live now" grid (other sections may recommend any room)."""
    return html.split('data-testid="live-rooms"', 1)[1].split("<h2>", 1)[0]


async def test_home_feed_categories_and_remind_me_without_javascript(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    streamer = await streamer_client(client)
    tea = await rooms.create_room(streamer, "Tea tasting", "food")
    await rooms.open_room(streamer, tea.id)
    await rooms.set_media_state(tea.id, "live")  # on air: the media worker's first playlist
    shoes = await rooms.create_room(streamer, "Shoe drop", "fashion")
    await rooms.open_room(streamer, shoes.id)
    await rooms.set_media_state(shoes.id, "live")
    later = await schedule.schedule_live(
        streamer, "Knitwear preview", datetime.now(UTC) + timedelta(days=1), "fashion"
    )
    home = await other_client.get("/")
    assert home.status_code == 200
    assert "Tea tasting" in home.text and "Shoe drop" in home.text
    assert f"/hls/{tea.id}/thumb.jpg?t=" in home.text  # the refreshing thumbnail
    assert 'data-testid="upcoming-card"' in home.text and "Remind me" in home.text
    food = live_section((await other_client.get("/?category=food")).text)
    assert "Tea tasting" in food and "Shoe drop" not in food
    assert (await other_client.get("/?category=nonsense")).status_code == 200

    # Anonymous: asked to log in first; nothing stored.
    token = await csrf(other_client)
    form = {"csrf_token": token, "action": "remind", "next": "/"}
    anon = await other_client.post(f"/rooms/{later.id}/remind", data=form)
    assert anon.status_code == 303 and anon.headers["location"].startswith("/login")
    await register(other_client, "ann@example.com", "Ann")
    ann = await User.get(email="ann@example.com")
    done = await other_client.post(f"/rooms/{later.id}/remind", data=form)
    assert done.status_code == 303
    assert await schedule.reminder_recipients(later.id) == [ann.id]
    assert "Reminder set" in (await other_client.get("/")).text
    live = await other_client.post(f"/rooms/{tea.id}/remind", data=form)
    assert live.status_code == 422 and "only for lives that are scheduled" in live.text
    htmx = await other_client.post(
        f"/rooms/{later.id}/remind",
        data={**form, "action": "forget"},
        headers={"HX-Request": "true"},
    )
    assert htmx.status_code == 200 and "Remind me" in htmx.text
    assert await LiveReminder.all().count() == 0


async def test_profile_and_public_profile_form(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    streamer = await streamer_client(client)
    token = await csrf(client)
    bad = await client.post(
        "/account/public", data={"csrf_token": token, "handle": "no spaces", "bio": "hi"}
    )
    assert bad.status_code == 422 and "letters a-z" in bad.text
    assert (await User.get(id=streamer.id)).handle is None
    ok = await client.post(
        "/account/public",
        data={"csrf_token": token, "handle": "@MiaLive", "bio": "Sneakers every Friday"},
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/@mialive"
    room = await rooms.create_room(streamer, "Friday drop", "fashion")
    await rooms.open_room(streamer, room.id)
    await rooms.set_media_state(room.id, "live")
    upcoming = await schedule.schedule_live(
        streamer, "Next Friday", datetime.now(UTC) + timedelta(days=7)
    )
    page = await other_client.get("/@mialive")
    assert page.status_code == 200
    for text in ("Sneakers every Friday", "Friday drop", "Next Friday", "0</strong> followers"):
        assert text in page.text
    assert (await other_client.get("/@MiaLive")).headers["location"] == "/@mialive"
    missing = await other_client.get("/@nobody", headers={"Accept": "text/html"})
    assert missing.status_code == 404

    await register(other_client, "fan@example.com", "Fan")
    fan_token = await csrf(other_client)
    followed = await other_client.post(
        "/@mialive/follow", data={"csrf_token": fan_token, "action": "follow"}
    )
    assert followed.status_code == 303
    assert "1</strong> follower" in (await other_client.get("/@mialive")).text
    assert upcoming.id


async def test_ended_room_links_to_its_replay_with_the_chat(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    streamer = await streamer_client(client)
    await handles.ensure_handle(streamer)
    room = await rooms.create_room(streamer, "Bag haul", "fashion")
    await rooms.open_room(streamer, room.id)
    await chat.post_message(streamer, room.id, "welcome to the haul")
    await rooms.end_room(streamer, room.id)
    await rooms.record_replay(room.id, f"{room.id}/replay/index.m3u8", 42.0)
    ended = await other_client.get(f"/rooms/{room.id}")
    assert f'href="/rooms/{room.id}/replay" data-testid="replay-link"' in ended.text
    replay = await other_client.get(f"/rooms/{room.id}/replay")
    assert replay.status_code == 200
    assert 'data-testid="replay-line"' in replay.text and "welcome to the haul" in replay.text
    session = await LiveSession.get(room_id=room.id)
    assert session.replay_seconds == 42.0
    assert "Bag haul" in (await other_client.get(f"/@{streamer.handle}")).text
