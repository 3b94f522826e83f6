"""Room pages: the room page, its SSE stream of fragments, likes and the studio."""

from __future__ import annotations

import asyncio

import httpx

from app.rooms import services as rooms
from app.rooms.models import Room
from app.settings import Settings
from tests.conftest import settings_env
from tests.rooms.helpers import live_room, streamer_client
from tests.rooms.test_room_events_ws import _promote_and_open, _streamer_with_live_room
from tests.support import csrf, live_server, register


async def test_room_page_and_studio(client: httpx.AsyncClient) -> None:
    assert (await client.get("/rooms/12345")).status_code == 404
    await streamer_client(client)
    token = await csrf(client)
    bad = await client.post("/studio", data={"csrf_token": token, "title": "x"})
    assert bad.status_code == 422 and "3 to 120 characters" in bad.text
    made = await client.post(
        "/studio", data={"csrf_token": token, "title": "Tea tasting", "category": "food"}
    )
    assert made.status_code == 303
    console = await client.get(made.headers["location"])
    assert 'data-testid="stream-key"' in console.text and "sk_" in console.text
    room = await Room.get(title="Tea tasting")
    live = await client.post(made.headers["location"], data={"csrf_token": token, "action": "open"})
    assert "You are live." in live.text
    page = await client.get(f"/rooms/{room.id}")
    assert page.status_code == 200
    assert f'sse-connect="/rooms/{room.id}/events"' in page.text
    assert "Tea tasting" not in (await client.get("/")).text, "no video yet: not live"
    await rooms.set_media_state(room.id, "live")  # the media worker's first playlist
    home = await client.get("/")
    assert "Tea tasting" in home.text


async def test_other_users_cannot_open_a_console(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    await streamer_client(client)
    room = await live_room(client)
    from app.api.ids import decode_id

    await register(other_client, "nosy@example.com")
    response = await other_client.get(
        f"/studio/rooms/{decode_id(room['id'], 'Room')}", headers={"Accept": "text/html"}
    )
    assert response.status_code == 403


async def test_sse_stream_sends_fragments(settings: Settings) -> None:
    from app.api.ids import decode_id

    with live_server(settings_env(settings)) as base:
        client, _ = await _streamer_with_live_room(base, "sse@example.com")
        room = await _promote_and_open(settings, client, "sse@example.com")
        pk = decode_id(room["id"], "Room")
        async with httpx.AsyncClient(base_url=base, timeout=10) as viewer:
            async with viewer.stream("GET", f"/rooms/{pk}/events") as stream:
                lines = stream.aiter_lines()
                assert (await lines.__anext__()).startswith(": connected")
                await client.post(
                    f"/rooms/{pk}/like",
                    data={"csrf_token": client.cookies["lm_csrf"], "count": "4"},
                )
                seen: list[str] = []

                async def until_both() -> None:
                    async for line in lines:
                        seen.append(line)
                        if (
                            "event: like-burst" in seen
                            and "event: viewers" in seen
                            and (seen[-2].startswith("event:"))
                        ):
                            return

                await asyncio.wait_for(until_both(), 10)
                like_at = seen.index("event: like-burst")
                assert seen[like_at + 1] == "data: 4"
                viewers_at = seen.index("event: viewers")
                assert seen[viewers_at + 1] == "data: 1"
        await client.aclose()
