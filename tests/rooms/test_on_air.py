"""A room is live for viewers only when its media is: "Go live" without any video leaves
it out of every live listing (home, GraphQL, followed rooms) and the room page says it is
waiting for video; the media worker's first playlist ("live") puts it on air everywhere."""

from __future__ import annotations

import httpx

from app.api.ids import encode_id
from app.rooms import services as rooms
from tests.rooms.helpers import streamer_client
from tests.support import op, register


def _titles(result: dict) -> list[str]:
    return [e["node"]["title"] for e in result["data"]["rooms"]["edges"]]


async def test_go_live_without_video_is_not_live_for_viewers(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    mia = await streamer_client(client)
    await register(other_client, "bea@example.com", "Bea")
    room = await rooms.create_room(mia, "Silent start")
    await op(other_client, "rooms", "FollowStreamer", {"streamerId": encode_id("User", mia.id)})
    room = await rooms.open_room(mia, room.id)
    assert room.status == "live" and room.media_state == "starting"
    assert not rooms.is_on_air(room)

    gid = encode_id("Room", room.id)
    seen = (await op(other_client, "rooms", "RoomOnAir", {"id": gid}))["data"]["room"]
    assert (seen["status"], seen["onAir"], seen["hlsUrl"]) == ("LIVE", False, None)
    assert _titles(await op(other_client, "rooms", "Rooms", {"status": "LIVE"})) == []
    assert await _followed_live(other_client) == []
    home = await other_client.get("/")
    assert 'data-testid="live-rooms"' not in home.text and "Nobody is live" in home.text
    assert 'class="badge live"' not in home.text
    page = await other_client.get(f"/rooms/{room.id}")
    assert 'data-status="starting"' in page.text and "Waiting for video" in page.text
    assert 'data-status="live"' not in page.text

    await rooms.set_media_state(room.id, "live")  # what the media worker reports
    seen = (await op(other_client, "rooms", "RoomOnAir", {"id": gid}))["data"]["room"]
    assert (seen["onAir"], seen["hlsUrl"]) == (True, f"/hls/{room.id}/master.m3u8")
    assert _titles(await op(other_client, "rooms", "Rooms", {"status": "LIVE"})) == ["Silent start"]
    assert await _followed_live(other_client) == ["Silent start"]
    home = (await other_client.get("/")).text
    live_now = home.split('data-testid="live-rooms"')[1]
    assert "Silent start" in live_now and 'class="badge live"' in live_now
    assert 'data-status="live"' in (await other_client.get(f"/rooms/{room.id}")).text

    await rooms.set_media_state(room.id, "reconnecting")  # a dropped publisher stays on air
    assert _titles(await op(other_client, "rooms", "Rooms", {"status": "LIVE"})) == ["Silent start"]


async def test_the_console_says_whether_viewers_see_the_room(client: httpx.AsyncClient) -> None:
    mia = await streamer_client(client)
    room = await rooms.open_room(mia, (await rooms.create_room(mia, "Console check")).id)
    console = await client.get(f"/studio/rooms/{room.id}")
    assert "waiting for video" in console.text
    await rooms.set_media_state(room.id, "live")
    console = await client.get(f"/studio/rooms/{room.id}")
    assert "on air for viewers" in console.text
    assert 'data-on-air="true"' in console.text


async def _followed_live(client: httpx.AsyncClient) -> list[str]:
    result = await op(client, "rooms", "FollowedLiveRooms", {})
    return [room["title"] for room in result["data"]["followedLiveRooms"]]
