"""Finding 12 (probe, issue 15): the camera-ingest websocket checked no ``Origin``.

Websockets have no CORS: any site's page could open ``/studio/rooms/<id>/ingest`` with
the streamer's cookie and publish into their room. The ingest now applies the check of
``/graphql``'s websocket (`app.auth.cross_site`): another site's page is refused before
the handshake completes; the streamer console (same origin) and non-browser clients (no
``Origin``) still connect.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
import websockets
from websockets.exceptions import InvalidStatus

from app.settings import Settings
from tests.conftest import settings_env
from tests.live_media.test_camera_ws import streamer_room
from tests.support import free_port, live_server


@pytest.fixture
def base(settings: Settings) -> Iterator[str]:
    env = settings_env(replace(settings, media_in_process=True, rtmp_port=free_port()))
    with live_server(env) as url:
        yield url


async def test_the_camera_ingest_refuses_another_sites_page(settings: Settings, base: str) -> None:
    room_id, secret = await streamer_room(settings.database_url)
    url = base.replace("http://", "ws://") + f"/studio/rooms/{room_id}/ingest"
    cookie = {"Cookie": f"lm_session={secret}"}

    for origin in ("https://evil.example", "http://127.0.0.1.evil.example", "null"):
        with pytest.raises(InvalidStatus) as refused:
            await websockets.connect(url, additional_headers=cookie, origin=origin)  # type: ignore[arg-type]
        assert refused.value.response.status_code == 403, origin

    # The streamer console itself (same origin), and a client that sends no Origin.
    for origin in (base, None):
        ws = await websockets.connect(url, additional_headers=cookie, origin=origin)  # type: ignore[arg-type]
        await ws.close()  # the handshake was accepted: the socket was open for media
