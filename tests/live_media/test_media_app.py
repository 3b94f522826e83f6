"""The app's media side with the real FFmpeg: test source, RTMP with stream keys, /hls, replay."""

from __future__ import annotations

import asyncio
import subprocess
from dataclasses import replace

import httpx
import pytest

from app.settings import Settings
from tests.conftest import settings_env
from tests.rooms.test_room_events_ws import _post, _promote_and_open, _streamer_with_live_room
from tests.support import free_port, live_server

pytestmark = pytest.mark.media


@pytest.fixture
def media_env(settings: Settings) -> dict[str, str]:
    port = free_port()
    env = settings_env(replace(settings, media_in_process=True, rtmp_port=port))
    env["LIVEMART_LADDER"] = "180p:200k:64k"
    return env


async def _wait_for(client: httpx.AsyncClient, url: str, timeout: float = 40) -> httpx.Response:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        response = await client.get(url)
        if response.status_code == 200:
            return response
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{url} did not appear")
        await asyncio.sleep(0.5)


async def _room_status(client: httpx.AsyncClient, gid: str) -> str:
    return (await _post(client, "Room", {"id": gid}))["data"]["room"]["status"]


async def test_test_source_serves_hls_and_a_replay(
    settings: Settings, media_env: dict[str, str]
) -> None:
    from app.api.ids import decode_id

    with live_server(media_env) as base:
        client, _ = await _streamer_with_live_room(base, "tv@example.com")
        room = await _promote_and_open(settings, client, "tv@example.com")
        pk = decode_id(room["id"], "Room")
        started = await client.post(
            f"/studio/rooms/{pk}/test-source", data={"csrf_token": client.cookies["lm_csrf"]}
        )
        assert started.status_code == 303
        master = await _wait_for(client, f"/hls/{pk}/master.m3u8")
        assert master.headers["content-type"].startswith("application/vnd.apple.mpegurl")
        assert master.headers["cache-control"] == "max-age=1"
        variant_path = next(
            line for line in master.text.splitlines() if line and not line.startswith("#")
        )
        variant = await _wait_for(client, f"/hls/{pk}/{variant_path}")
        segments = [line for line in variant.text.splitlines() if line and not line.startswith("#")]
        assert segments
        folder = variant_path.rsplit("/", 1)[0]
        segment = await client.get(f"/hls/{pk}/{folder}/{segments[0]}")
        assert segment.status_code == 200
        assert segment.headers["content-type"] == "video/mp2t"
        assert "max-age" in segment.headers["cache-control"]
        for bad in ("../../secret_key", "..%2F..%2Fsecret_key", "master.py"):
            assert (await client.get(f"/hls/{pk}/{bad}")).status_code == 404
        assert (await client.get("/hls/999999/master.m3u8")).status_code == 404
        await asyncio.sleep(3)
        ended = await _post(client, "EndRoom", {"roomId": room["id"]})
        assert ended["data"]["endRoom"]["errors"] == []
        deadline = asyncio.get_running_loop().time() + 20
        while True:
            page = await client.get(f"/rooms/{pk}/replay")
            if 'data-testid="replay"' in page.text:
                break
            assert asyncio.get_running_loop().time() < deadline, "no replay recorded"
            await asyncio.sleep(0.5)
        replay_src = page.text.split('data-src="')[1].split('"')[0]
        vod = await client.get(replay_src)
        assert vod.status_code == 200 and "#EXT-X-ENDLIST" in vod.text
        await client.aclose()


async def test_rtmp_publish_needs_the_right_key(
    settings: Settings, media_env: dict[str, str]
) -> None:
    from app.api.ids import decode_id

    port = media_env["LIVEMART_RTMP_PORT"]
    with live_server(media_env) as base:
        client, _ = await _streamer_with_live_room(base, "obs@example.com")
        from app.accounts.models import Role, User
        from app.db import close_db, init_db

        await init_db(settings.database_url)
        await User.filter(email="obs@example.com").update(role=Role.STREAMER)
        await close_db()
        created = await _post(client, "CreateRoom", {"input": {"title": "OBS room"}})
        room = created["data"]["createRoom"]["room"]
        key = room["streamKey"]
        pk = decode_id(room["id"], "Room")

        def publish(stream_key: str) -> subprocess.Popen[bytes]:
            return subprocess.Popen(
                [
                    settings.ffmpeg,
                    "-hide_banner",
                    "-loglevel",
                    "error",
                    "-re",
                    "-f",
                    "lavfi",
                    "-i",
                    "testsrc2=size=320x180:rate=15",
                    "-f",
                    "lavfi",
                    "-i",
                    "sine=frequency=440",
                    "-t",
                    "12",
                    "-c:v",
                    "libx264",
                    "-preset",
                    "ultrafast",
                    "-g",
                    "15",
                    "-c:a",
                    "aac",
                    "-f",
                    "flv",
                    f"rtmp://127.0.0.1:{port}/live/{stream_key}",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )

        wrong = publish("sk_wrong")
        await asyncio.to_thread(wrong.wait, 20)
        assert wrong.returncode != 0
        assert await _room_status(client, room["id"]) == "SCHEDULED"
        assert (await client.get(f"/hls/{pk}/master.m3u8")).status_code == 404

        right = publish(key)
        try:
            await _wait_for(client, f"/hls/{pk}/master.m3u8")
            assert await _room_status(client, room["id"]) == "LIVE"
        finally:
            right.kill()
            await asyncio.to_thread(right.wait, 10)
        await client.aclose()
