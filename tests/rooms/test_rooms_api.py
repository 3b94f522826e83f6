"""Rooms over GraphQL: create, go live, end, stream keys, follows, likes, listings."""

from __future__ import annotations

import httpx

from app.api.ids import decode_id
from app.rooms import services as rooms
from app.rooms.models import LiveSession, Room
from tests.rooms.helpers import live_room, streamer_client
from tests.support import op, register


async def test_viewer_cannot_create_rooms(client: httpx.AsyncClient) -> None:
    await register(client, "v@example.com")
    result = await op(client, "rooms", "CreateRoom", {"input": {"title": "Mine"}})
    assert result["data"]["createRoom"]["errors"][0]["code"] == "FORBIDDEN"
    assert await Room.all().count() == 0


async def test_room_lifecycle_and_stream_key_privacy(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    await streamer_client(client)
    bad = await op(client, "rooms", "CreateRoom", {"input": {"title": "x", "category": "cars"}})
    assert bad["data"]["createRoom"]["errors"][0]["field"] == "title"
    bad = await op(client, "rooms", "CreateRoom", {"input": {"title": "Cars", "category": "cars"}})
    assert bad["data"]["createRoom"]["errors"][0]["code"] == "INVALID_CATEGORY"
    assert await Room.all().count() == 0

    room = await live_room(client)
    assert room["status"] == "LIVE"
    assert room["streamKey"].startswith("sk_")
    assert await LiveSession.filter(ended_at__isnull=True).count() == 1

    again = await op(client, "rooms", "OpenRoom", {"roomId": room["id"]})
    assert again["data"]["openRoom"]["errors"][0]["code"] == "ALREADY_LIVE"

    await register(other_client, "peek@example.com")
    seen = await op(other_client, "rooms", "Room", {"id": room["id"]})
    assert seen["data"]["room"]["streamKey"] is None
    assert seen["data"]["room"]["hlsUrl"] is None, "no video yet: nothing to play"
    await rooms.set_media_state(decode_id(room["id"], "Room"), "live")  # the media worker
    seen = await op(other_client, "rooms", "Room", {"id": room["id"]})
    assert seen["data"]["room"]["hlsUrl"].endswith("/master.m3u8")
    steal = await op(other_client, "rooms", "EndRoom", {"roomId": room["id"]})
    assert steal["data"]["endRoom"]["errors"][0]["code"] == "FORBIDDEN"

    rotated = await op(client, "rooms", "RotateStreamKey", {"roomId": room["id"]})
    assert rotated["data"]["rotateStreamKey"]["room"]["streamKey"] != room["streamKey"]

    ended = await op(client, "rooms", "EndRoom", {"roomId": room["id"]})
    assert ended["data"]["endRoom"]["room"]["status"] == "ENDED"
    assert await LiveSession.filter(ended_at__isnull=True).count() == 0
    twice = await op(client, "rooms", "EndRoom", {"roomId": room["id"]})
    assert twice["data"]["endRoom"]["errors"][0]["code"] == "ROOM_ENDED"
    reopen = await op(client, "rooms", "OpenRoom", {"roomId": room["id"]})
    assert reopen["data"]["openRoom"]["errors"][0]["code"] == "ROOM_ENDED"


async def test_listing_filters_and_pagination(client: httpx.AsyncClient) -> None:
    await streamer_client(client)
    for i in range(5):
        await op(client, "rooms", "CreateRoom", {"input": {"title": f"Room number {i}"}})
    opened = await live_room(client, "Vintage watches")
    await rooms.set_media_state(decode_id(opened["id"], "Room"), "live")  # on air
    live = await op(client, "rooms", "Rooms", {"status": "LIVE"})
    assert [e["node"]["title"] for e in live["data"]["rooms"]["edges"]] == ["Vintage watches"]
    page = await op(client, "rooms", "Rooms", {"first": 2, "status": "SCHEDULED"})
    conn = page["data"]["rooms"]
    assert conn["totalCount"] == 5 and conn["pageInfo"]["hasNextPage"]
    rest = await op(
        client,
        "rooms",
        "Rooms",
        {"first": 10, "after": conn["pageInfo"]["endCursor"], "status": "SCHEDULED"},
    )
    assert len(rest["data"]["rooms"]["edges"]) == 3
    found = await op(client, "rooms", "Rooms", {"search": "watch"})
    assert found["data"]["rooms"]["totalCount"] == 1
    too_big = await op(client, "rooms", "Rooms", {"first": 1000})
    assert too_big["errors"][0]["extensions"]["code"] == "INVALID_PAGE_SIZE"
    bad_cursor = await op(client, "rooms", "Rooms", {"after": "!!"})
    assert bad_cursor["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


async def test_follow_and_followed_live(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    await streamer_client(client)
    room = await live_room(client)
    await rooms.set_media_state(decode_id(room["id"], "Room"), "live")  # on air
    streamer_id = room["owner"]["id"]
    await register(other_client, "fan@example.com", "Fan")
    assert (await op(other_client, "rooms", "FollowedLiveRooms"))["data"]["followedLiveRooms"] == []
    follow = await op(other_client, "rooms", "FollowStreamer", {"streamerId": streamer_id})
    assert follow["data"]["followStreamer"]["following"] is True
    again = await op(other_client, "rooms", "FollowStreamer", {"streamerId": streamer_id})
    assert again["data"]["followStreamer"]["errors"] == []
    live = await op(other_client, "rooms", "FollowedLiveRooms")
    assert [r["id"] for r in live["data"]["followedLiveRooms"]] == [room["id"]]
    self_follow = await op(client, "rooms", "FollowStreamer", {"streamerId": streamer_id})
    assert self_follow["data"]["followStreamer"]["errors"][0]["code"] == "INVALID_FOLLOW"
    await op(other_client, "rooms", "UnfollowStreamer", {"streamerId": streamer_id})
    assert (await op(other_client, "rooms", "FollowedLiveRooms"))["data"]["followedLiveRooms"] == []


async def test_likes_are_validated_and_coalesced(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    from app.rooms import likes

    await streamer_client(client)
    room = await live_room(client)
    await register(other_client, "tapper@example.com")
    for bad in (0, 101, -5):
        result = await op(other_client, "rooms", "LikeRoom", {"roomId": room["id"], "count": bad})
        assert result["data"]["likeRoom"]["errors"][0]["code"] == "INVALID_COUNT"
    for _ in range(10):
        ok = await op(other_client, "rooms", "LikeRoom", {"roomId": room["id"], "count": 3})
        assert ok["data"]["likeRoom"]["accepted"] == 3
    assert likes._coalescer is not None
    await likes._coalescer.flush()
    db_room = await Room.get(
        id=int(__import__("app.api.ids", fromlist=["x"]).decode_id(room["id"], "Room"))
    )
    assert db_room.like_count == 30
    anon = httpx.AsyncClient(transport=other_client._transport, base_url="http://testserver")
    result = await op(anon, "rooms", "LikeRoom", {"roomId": room["id"]})
    assert result["data"]["likeRoom"]["errors"][0]["code"] == "UNAUTHENTICATED"
