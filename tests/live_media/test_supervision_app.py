"""Supervision seen from the app: kill a live room's FFmpeg, the room says ``reconnecting``
(``room.status`` event, ``Room.mediaState``) and then ``live`` again, and the HLS playlist
carries on across the restart."""

from __future__ import annotations

import asyncio
import os
import signal
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from app.settings import Settings
from tests.conftest import settings_env
from tests.live_media.test_camera_ws import media_state, streamer_room, until_media_live
from tests.support import WsClient, ffmpeg_processes, free_port, live_server, operation

pytestmark = pytest.mark.media


def parent_cmdline(pid: int) -> str:
    ppid = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
    return Path(f"/proc/{ppid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


async def test_killed_ffmpeg_reconnects_then_live_again(settings: Settings) -> None:
    from app.api.ids import encode_id

    room_id, secret = await streamer_room(settings.database_url, "sup@example.com")
    env = settings_env(replace(settings, media_in_process=True, rtmp_port=free_port()))
    env["LIVEMART_LADDER"] = "180p:200k:64k"
    room_dir = settings.var_dir / "hls" / str(room_id)  # as the server names it
    with live_server(env) as base:
        client = httpx.AsyncClient(base_url=base, cookies={"lm_session": secret})
        await client.get("/login")
        started = await client.post(
            f"/studio/rooms/{room_id}/test-source", data={"csrf_token": client.cookies["lm_csrf"]}
        )
        assert started.status_code == 303
        async with WsClient(base) as ws:
            await ws.subscribe(
                operation("rooms"), {"roomId": encode_id("Room", room_id)}, "RoomEvents"
            )
            await until_media_live(client, room_id, within=30)

            [pid] = ffmpeg_processes(f"{room_dir}/")
            assert "uvicorn" in parent_cmdline(pid)  # the server's own child
            os.kill(pid, signal.SIGKILL)

            states: list[str] = []
            while states[-2:] != ["reconnecting", "live"]:
                try:
                    message = await ws.receive(30)
                except TimeoutError:
                    raise AssertionError(f"media states after the kill: {states}") from None
                event = message["payload"]["data"]["roomEvents"]
                if event["__typename"] == "RoomStatusEvent":
                    states.append(event["mediaState"])
            assert await media_state(client, room_id) == ("LIVE", "live")
            [new_pid] = ffmpeg_processes(f"{room_dir}/")
            assert new_pid != pid

        # Players carry on: the same playlist, a discontinuity where FFmpeg restarted.
        deadline = asyncio.get_running_loop().time() + 10
        while True:
            playlist = (await client.get(f"/hls/{room_id}/180p/index.m3u8")).text
            if "#EXT-X-DISCONTINUITY" in playlist:
                break
            assert asyncio.get_running_loop().time() < deadline, playlist
            await asyncio.sleep(0.3)
        await client.aclose()
