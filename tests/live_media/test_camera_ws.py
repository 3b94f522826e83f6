"""The browser-camera ingest websocket against the real server and FFmpeg.

Garbage gets a clear error frame and a close, and the server carries on: the same room
then goes live from a real WebM stream (what MediaRecorder sends), a second publisher is
refused with an error frame, and people other than the room's owner cannot publish.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from app.settings import Settings
from tests.conftest import settings_env
from tests.support import STRONG_PASSWORD, free_port, live_server, operation

pytestmark = pytest.mark.media


@pytest.fixture
def media_env(settings: Settings) -> dict[str, str]:
    env = settings_env(replace(settings, media_in_process=True, rtmp_port=free_port()))
    env["LIVEMART_LADDER"] = "180p:200k:64k"
    return env


async def streamer_room(
    database_url: str, email: str = "cam@example.com", title: str = "Camera room"
) -> tuple[int, str]:
    """A streamer with a scheduled room and a browser session: (room id, session secret)."""
    from app.accounts import services as accounts
    from app.accounts.models import Role
    from app.db import close_db, init_db
    from app.rooms import services as rooms

    await init_db(database_url)
    try:
        user = await accounts.register(email, STRONG_PASSWORD, "Cam", Role.STREAMER)
        room = await rooms.create_room(user, title)
        return room.id, await accounts.start_session(user)
    finally:
        await close_db()


async def viewer_session(database_url: str, email: str = "viewer@example.com") -> str:
    """A logged-in viewer's session secret."""
    from app.accounts import services as accounts
    from app.db import close_db, init_db

    await init_db(database_url)
    try:
        return await accounts.start_session(
            await accounts.register(email, STRONG_PASSWORD, "Viewer")
        )
    finally:
        await close_db()


def make_webm(ffmpeg: str, path: Path, seconds: float = 8) -> bytes:
    """A VP8 + Opus WebM like Chrome's MediaRecorder makes (a cluster every second)."""
    subprocess.run(
        [
            ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc2=size=320x180:rate=15:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
            "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k",
            "-g", "15", "-c:a", "libopus", "-cluster_time_limit", "1000", "-f", "webm", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path.read_bytes()


def ingest_url(base: str, room_id: int) -> str:
    return base.replace("http://", "ws://") + f"/studio/rooms/{room_id}/ingest"


def cookie(secret: str) -> dict[str, str]:
    return {"Cookie": f"lm_session={secret}"}


async def media_state(client: httpx.AsyncClient, room_id: int) -> tuple[str, str]:
    """(status, mediaState) of the room through the public GraphQL API."""
    from app.api.ids import encode_id

    response = await client.post(
        "/graphql",
        json={
            "query": operation("rooms"),
            "operationName": "Room",
            "variables": {"id": encode_id("Room", room_id)},
        },
    )
    room = response.json()["data"]["room"]
    return room["status"], room["mediaState"]


async def until_media_live(client: httpx.AsyncClient, room_id: int, within: float) -> None:
    """Wait until the room is LIVE and its media ``live`` (FFmpeg writes HLS)."""
    deadline = asyncio.get_running_loop().time() + within
    while await media_state(client, room_id) != ("LIVE", "live"):
        assert asyncio.get_running_loop().time() < deadline, "never went live"
        await asyncio.sleep(0.2)


async def test_garbage_gets_an_error_frame_and_the_server_carries_on(
    settings: Settings, media_env: dict[str, str], tmp_path: Path
) -> None:
    room_id, secret = await streamer_room(settings.database_url)
    viewer = await viewer_session(settings.database_url)
    webm = await asyncio.to_thread(make_webm, settings.ffmpeg, tmp_path / "cam.webm")
    with live_server(media_env) as base:
        url = ingest_url(base, room_id)
        # Only the room's owner may publish: the handshake itself is refused.
        for headers in ({}, cookie(viewer)):
            with pytest.raises(InvalidStatus) as refused:
                await websockets.connect(url, additional_headers=headers)
            assert refused.value.response.status_code == 403

        async with websockets.connect(url, additional_headers=cookie(secret)) as ws:
            await ws.send(b"this is not a video stream at all" * 20)
            frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
            assert "not a WebM/Matroska or MP4 stream" in frame["error"]
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 10)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400
            assert "WebM" in closed.value.rcvd.reason

        async with httpx.AsyncClient(base_url=base) as client:
            assert (await client.get("/healthz")).status_code == 200
            async with websockets.connect(url, additional_headers=cookie(secret)) as ws:
                for i in range(0, len(webm), 32 * 1024):  # MediaRecorder-sized slices
                    await ws.send(webm[i : i + 32 * 1024])
                    await asyncio.sleep(0.05)
                    if i == 64 * 1024:  # a second publisher is refused, the first goes on
                        async with websockets.connect(
                            url, additional_headers=cookie(secret)
                        ) as twin:
                            await twin.send(webm[: 64 * 1024])
                            refusal = json.loads(await asyncio.wait_for(twin.recv(), 10))
                            assert "already has a publisher" in refusal["error"]
                deadline = asyncio.get_running_loop().time() + 30
                while (await client.get(f"/hls/{room_id}/master.m3u8")).status_code != 200:
                    assert asyncio.get_running_loop().time() < deadline, "never went live"
                    await asyncio.sleep(0.3)
                while await media_state(client, room_id) != ("LIVE", "live"):
                    assert asyncio.get_running_loop().time() < deadline, "media never live"
                    await asyncio.sleep(0.3)
            # The publisher left: the room waits for it to come back.
            deadline = asyncio.get_running_loop().time() + 15
            while (await media_state(client, room_id))[1] != "reconnecting":
                assert asyncio.get_running_loop().time() < deadline, "publisher_gone unnoticed"
                await asyncio.sleep(0.3)
