"""Shutdown (probe, issue 15): a server and a media worker that have served an RTMP live
and seen it end still stop on SIGTERM, within 10 s.

The hang was the room's own supervisor task waiting for itself: its ``ended`` status
callback ends the room, the room-ended hook stops the room's supervisor, and stopping
waited for the supervisor's task to finish - the task that was making the call. Every
later shutdown then waited on that task for ever.

Not marked ``media`` (it runs FFmpeg all the same): the PostgreSQL + Redis pass of
``make test`` leaves ``media`` tests out, and this one must run on both backends - on
SQLite + the in-memory bus in the first pass, on PostgreSQL + Redis in the second.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import httpx

from app.settings import Settings
from tests.conftest import settings_env
from tests.live_media.test_camera_ws import media_state
from tests.media.conftest import run_ffmpeg
from tests.media.test_rtmp import publish_args
from tests.support import ROOT, STRONG_PASSWORD, free_port

EXIT_WITHIN_S = 10.0


async def rooms_with_keys(database_url: str, count: int) -> list[tuple[int, str]]:
    """A streamer with `count` scheduled rooms: (room id, stream key) each."""
    from app.accounts import services as accounts
    from app.accounts.models import Role
    from app.db import close_db, init_db
    from app.rooms import services as rooms

    await init_db(database_url)
    try:
        user = await accounts.register(
            "shutdown@example.com", STRONG_PASSWORD, "Streamer", Role.STREAMER
        )
        made = [await rooms.create_room(user, f"Shutdown room {n}") for n in range(count)]
        return [(room.id, room.stream_key) for room in made]
    finally:
        await close_db()


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A ``livemart`` subprocess logging to `log`; killed if the test leaves it running."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", *args],
            cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def read(log: Path) -> str:
    return log.read_text(errors="replace")


async def wait_for_log(log: Path, text: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while text not in read(log):
        assert proc.poll() is None, read(log)[-3000:]
        assert time.monotonic() < deadline, f"no {text!r} in {log}"
        await asyncio.sleep(0.2)


async def until_ended(client: httpx.AsyncClient, room_id: int) -> None:
    """Wait until the room went live and then ended (its publisher left for good)."""
    deadline = time.monotonic() + 60
    while (await media_state(client, room_id))[0] != "ENDED":
        assert time.monotonic() < deadline, await media_state(client, room_id)
        await asyncio.sleep(0.3)


def stops_on_sigterm(proc: subprocess.Popen[bytes], log: Path) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(EXIT_WITHIN_S)
    except subprocess.TimeoutExpired:
        raise AssertionError(
            f"still running {EXIT_WITHIN_S:.0f} s after SIGTERM:\n"
            + log.read_text(errors="replace")[-3000:]
        ) from None
    text = read(log)
    # uvicorn re-raises the signal once it has shut down cleanly: -SIGTERM is a clean exit.
    assert proc.returncode in (0, -signal.SIGTERM), text[-3000:]
    assert "Traceback" not in text, text[-3000:]


async def test_server_and_worker_stop_on_sigterm_after_an_rtmp_live_ended(
    settings: Settings, tmp_path: Path
) -> None:
    (server_room, server_key), (worker_room, worker_key) = await rooms_with_keys(
        settings.database_url, 2
    )
    server_rtmp, worker_rtmp, http_port = free_port(), free_port(), free_port()
    base_env = settings_env(settings)
    base_env["LIVEMART_LADDER"] = "180p:200k:64k"
    server_env = {
        **base_env,
        **settings_env(replace(settings, media_in_process=True, rtmp_port=server_rtmp)),
    }
    worker_env = {**base_env, "LIVEMART_RTMP_PORT": str(worker_rtmp)}
    server_log, worker_log = tmp_path / "serve.log", tmp_path / "worker.log"
    serve = ["serve", "--host", "127.0.0.1", "--port", str(http_port)]
    with (
        process(serve, server_env, server_log) as server,
        process(["media-worker"], worker_env, worker_log) as worker,
    ):
        await wait_for_log(server_log, "Application startup complete", server)
        await wait_for_log(worker_log, "media worker running", worker)

        # As in the report: a wrong key first (refused), then a room's key for a while.
        code, err = await run_ffmpeg(settings.ffmpeg, *publish_args(server_rtmp, "sk_wrong", 1))
        assert code != 0 and "invalid stream key" in err
        published = await asyncio.gather(
            run_ffmpeg(settings.ffmpeg, *publish_args(server_rtmp, server_key, 3)),
            run_ffmpeg(settings.ffmpeg, *publish_args(worker_rtmp, worker_key, 3)),
        )
        for code, err in published:
            assert code == 0, err
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{http_port}") as client:
            await until_ended(client, server_room)
            await until_ended(client, worker_room)
        for log in (server_log, worker_log):
            assert "publisher_gone" in read(log)

        stops_on_sigterm(server, server_log)
        stops_on_sigterm(worker, worker_log)
