"""``livemart media-worker`` as its own process: SIGTERM (what systemd or Kubernetes send)
ends its streams cleanly — FFmpeg exits, the replay is finalised — and the worker exits 0."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import replace

import httpx
import pytest

from app.settings import Settings
from media.playlist import parse_media_playlist
from tests.conftest import REDIS_URL, redis_available, settings_env, unavailable
from tests.live_media.test_camera_ws import streamer_room, until_media_live
from tests.support import ROOT, ffmpeg_processes, free_port, live_server, wait_for_no_ffmpeg

pytestmark = pytest.mark.media


async def test_sigterm_ends_the_workers_streams_and_finalises_the_replay(
    settings: Settings,
) -> None:
    if not redis_available():
        unavailable("the web process and the media worker talk over Redis: not on 6379")
    room_id, secret = await streamer_room(settings.database_url, "worker@example.com")
    env = settings_env(
        replace(settings, broadcast_url=REDIS_URL, media_in_process=False, rtmp_port=free_port())
    )
    env["LIVEMART_LADDER"] = "180p:200k:64k"
    room_dir = settings.var_dir / "hls" / str(room_id)
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        "media-worker",
        cwd=ROOT,
        env={**os.environ, **env},
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        with live_server(env) as base:
            client = httpx.AsyncClient(base_url=base, cookies={"lm_session": secret})
            await client.get("/login")
            started = await client.post(
                f"/studio/rooms/{room_id}/test-source",
                data={"csrf_token": client.cookies["lm_csrf"]},
            )
            assert started.status_code == 303
            await until_media_live(client, room_id, within=40)
            assert len(ffmpeg_processes(f"{room_dir}/")) == 1, "the worker's FFmpeg runs"
            await client.aclose()

            worker.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(worker.communicate(), 60)
            log = err.decode(errors="replace")
            assert worker.returncode == 0, log[-2000:]
            assert "media worker stopping" in log
            wait_for_no_ffmpeg(f"{room_dir}/")
            replay = (room_dir / "replay" / "index.m3u8").read_text()
            assert parse_media_playlist(replay).ended and "#EXT-X-PLAYLIST-TYPE:VOD" in replay
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
