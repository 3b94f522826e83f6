"""The streamer console: ending a live takes a confirmation step that works without
JavaScript (a form post that only asks; the live ends on the second, confirmed post)."""

from __future__ import annotations

import httpx

from app.rooms import services as rooms
from tests.rooms.helpers import streamer_client
from tests.support import csrf


async def test_ending_a_live_asks_first(client: httpx.AsyncClient) -> None:
    mia = await streamer_client(client)
    room = await rooms.open_room(mia, (await rooms.create_room(mia, "Late show")).id)
    url = f"/studio/rooms/{room.id}"
    token = await csrf(client)
    asked = await client.post(url, data={"csrf_token": token, "action": "end"})
    assert asked.status_code == 200
    assert 'data-testid="end-confirm"' in asked.text and "End the live for everyone?" in asked.text
    assert (await rooms.get_room(room.id)).status == "live", "nothing ended yet"

    not_yes = await client.post(url, data={"csrf_token": token, "action": "end", "confirm": "n"})
    assert 'data-testid="end-confirm"' in not_yes.text
    assert (await rooms.get_room(room.id)).status == "live"

    ended = await client.post(url, data={"csrf_token": token, "action": "end", "confirm": "yes"})
    assert "The live has ended." in ended.text
    assert (await rooms.get_room(room.id)).status == "ended"
