"""Simulcast with real FFmpeg: a live room forwarded to two local RTMP listeners.

Each listener is an FFmpeg waiting for one publisher (``-listen 1``) and writing what it
receives to a file, as YouTube's or Twitch's ingest would take it. One of them is killed
mid-stream and started again: its forwarder reconnects, the other never notices.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import socket
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from media.config import MediaSettings
from media.simulcast import (
    PRIVATE_MESSAGE,
    DestinationError,
    check_destination,
    forward_command,
    pin_address,
    redact,
)
from media.sources import TestPattern
from media.worker import MediaWorker
from tests.media.conftest import StatusLog, run_ffmpeg

pytestmark = pytest.mark.media

PATTERN = TestPattern(320, 180, realtime=True)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class ForwardLog:
    """Collects forwarder statuses and lets a test wait for one."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, str, dict[str, Any]]] = []
        self.changed = asyncio.Condition()

    async def __call__(self, room: str, dest: str, status: str, info: dict[str, Any]) -> None:
        async with self.changed:
            self.events.append((room, dest, status, info))
            self.changed.notify_all()

    def statuses(self, dest: str) -> list[str]:
        return [s for _, d, s, _ in self.events if d == dest]

    async def wait_for(self, dest: str, status: str, count: int = 1, timeout: float = 30) -> None:
        async with self.changed:
            await asyncio.wait_for(
                self.changed.wait_for(lambda: self.statuses(dest).count(status) >= count), timeout
            )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def listen(ffmpeg: str, port: int, out: Path) -> asyncio.subprocess.Process:
    """An RTMP ingest on `port` that records one publisher into `out`."""
    return await asyncio.create_subprocess_exec(
        ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-listen", "1",
        "-i", f"rtmp://127.0.0.1:{port}/live/streamkey-{port}", "-c", "copy", "-y", str(out),
        stdin=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


async def decoded_frames(ffmpeg: str, path: Path) -> int:
    """Frames FFmpeg decodes from a recording (0 when it cannot be decoded)."""
    code, err = await run_ffmpeg(
        ffmpeg, "-hide_banner", "-i", str(path), "-map", "0:v", "-f", "null", "-"
    )
    frames = re.findall(r"frame=\s*(\d+)", err)
    return int(frames[-1]) if code == 0 and frames else 0


async def stop_listener(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(proc.wait(), 10)  # the forwarder's end closes the session
    if proc.returncode is None:
        proc.kill()
        await proc.wait()


async def test_two_destinations_survive_one_dropping(
    media_settings: MediaSettings, tmp_path: Path
) -> None:
    settings = replace(media_settings, rtmp_port=None, backoff_initial_s=0.5, backoff_max_s=2.0)
    log = ForwardLog()
    port_a, port_b = free_port(), free_port()
    url_a = f"rtmp://127.0.0.1:{port_a}/live/streamkey-{port_a}"
    url_b = f"rtmp://127.0.0.1:{port_b}/live/streamkey-{port_b}"
    listener_a = await listen(settings.ffmpeg, port_a, tmp_path / "a1.flv")
    listener_b = await listen(settings.ffmpeg, port_b, tmp_path / "b.flv")
    async with MediaWorker(settings, on_forward_status=log) as worker:
        await worker.start_room("s1", PATTERN)
        fwd_a = await worker.forward("s1", "a", url_a)
        fwd_b = await worker.forward("s1", "b", url_b)
        assert await worker.forward("s1", "b", url_b) is fwd_b  # idempotent
        await log.wait_for("a", "live")
        await log.wait_for("b", "live")

        # A stream copy is cheap: each forwarder's FFmpeg uses < 5% of one core.
        assert fwd_a.pid and fwd_b.pid
        before = {p: cpu_seconds(p) for p in (fwd_a.pid, fwd_b.pid)}
        started = asyncio.get_running_loop().time()
        await asyncio.sleep(4)
        elapsed = asyncio.get_running_loop().time() - started
        for pid, cpu in before.items():
            assert (cpu_seconds(pid) - cpu) / elapsed < 0.05

        # Destination A drops: its forwarder retries with backoff; B carries on.
        listener_a.kill()
        await listener_a.wait()
        await log.wait_for("a", "reconnecting")
        size_b = (tmp_path / "b.flv").stat().st_size
        listener_a = await listen(settings.ffmpeg, port_a, tmp_path / "a2.flv")
        await log.wait_for("a", "live", count=2)
        await asyncio.sleep(3)
        assert (tmp_path / "b.flv").stat().st_size > size_b
        assert "reconnecting" not in log.statuses("b")
        await worker.stop_room("s1")
        assert worker.forwarding("s1") == {}
    await stop_listener(listener_a)
    await stop_listener(listener_b)

    assert log.statuses("a")[-1] == "stopped" and log.statuses("b")[-1] == "stopped"
    for name in ("a2.flv", "b.flv"):  # decodable video at both ends (≥ 2 s at 30 fps)
        assert await decoded_frames(settings.ffmpeg, tmp_path / name) >= 60, name


async def test_forwarder_waits_for_the_room_to_be_live(
    media_settings: MediaSettings, tmp_path: Path
) -> None:
    log = ForwardLog()
    async with MediaWorker(replace(media_settings, rtmp_port=None), on_forward_status=log) as w:
        forwarder = await w.forward("s2", "x", "rtmp://127.0.0.1:9/live/key")  # no room yet
        await asyncio.sleep(1.2)
        assert forwarder.running and forwarder.attempts == 0 and log.events == []
        await w.stop_forwarding("s2")
    assert log.statuses("x") == ["stopped"]


@pytest.mark.parametrize(
    "url",
    ["http://example.com/live/key", "file:///etc/passwd", "rtmp://", "rtmp://host/",
     "rtmp://host/app/key -f null", "pipe:1", "rtmp://host/app/\nkey"],
)  # fmt: skip
def test_only_rtmp_addresses_are_accepted(url: str) -> None:
    with pytest.raises(DestinationError):
        check_destination(url)


def test_the_stream_key_stays_out_of_logs() -> None:
    url = "rtmps://live.twitch.tv:443/app/live_123456_abcdefghijkl"
    assert redact(url) == "rtmps://live.twitch.tv:443/app/••••ijkl"
    assert "abcdefgh" not in redact(url)
    cmd = forward_command("ffmpeg", Path("/hls/1/720p/index.m3u8"), url)
    assert cmd[-1] == url and cmd[cmd.index("-c") + 1] == "copy"  # no re-encode


async def test_private_destinations_are_refused_before_connecting(
    media_settings: MediaSettings, tmp_path: Path
) -> None:
    """Without the opt-in the forwarder resolves the host before each connection and
    refuses a private one (a per-destination status); FFmpeg never connects."""
    settings = replace(media_settings, rtmp_port=None, allow_private_destinations=False)
    log = ForwardLog()
    port = free_port()
    listener = await listen(settings.ffmpeg, port, tmp_path / "never.flv")
    urls = {
        "ip": f"rtmp://127.0.0.1:{port}/live/streamkey-{port}",
        "name": f"rtmp://{socket.gethostname()}:{port}/live/streamkey-{port}",  # → 127.0.0.1
    }
    try:
        async with MediaWorker(settings, on_forward_status=log) as worker:
            await worker.start_room("s3", PATTERN)
            forwarders = [await worker.forward("s3", dest, url) for dest, url in urls.items()]
            for dest in urls:
                await log.wait_for(dest, "refused")
            assert all(f.attempts == 0 and f.running for f in forwarders)
            refused = [info for _, _, status, info in log.events if status == "refused"]
            assert {info["error"] for info in refused} == {PRIVATE_MESSAGE}
            assert "connecting" not in log.statuses("ip") + log.statuses("name")
            await worker.stop_room("s3")
        assert listener.returncode is None  # still waiting for its first publisher
    finally:
        listener.kill()
        await listener.wait()
    assert not (tmp_path / "never.flv").exists() or (tmp_path / "never.flv").stat().st_size == 0


@pytest.mark.parametrize(
    "url",
    ["rtmp://127.0.0.1/live/key", "rtmp://[::1]:1935/live/key", "rtmp://10.1.2.3/a/b",
     "rtmps://169.254.169.254:443/app/key", "rtmp://localhost/live/key"],
)  # fmt: skip
def test_private_hosts_are_refused_unless_allowed(url: str) -> None:
    with pytest.raises(DestinationError, match="public server"):
        check_destination(url)
    assert check_destination(url, allow_private=True) == url


def test_the_connection_goes_to_the_checked_address_under_the_destinations_name() -> None:
    url, options = pin_address("rtmp://a.rtmp.youtube.com/live2/abcd-efgh", "142.250.1.2")
    assert url == "rtmp://142.250.1.2/live2/abcd-efgh"
    assert options == ["-rtmp_tcurl", "rtmp://a.rtmp.youtube.com:1935/live2"]
    url, options = pin_address("rtmps://u:p@live.twitch.tv:443/app/live_1_key", "2001:db8::7")
    assert url == "rtmps://u:p@[2001:db8::7]:443/app/live_1_key"
    assert options == [
        "-rtmp_tcurl", "rtmps://live.twitch.tv:443/app", "-verifyhost", "live.twitch.tv",
    ]  # fmt: skip
    cmd = forward_command("ffmpeg", Path("/hls/1/720p/index.m3u8"), url, options)
    assert cmd[-1] == url and cmd[cmd.index("-verifyhost") + 1] == "live.twitch.tv"
    _, options = pin_address("rtmp://ingest.example/app/instance/key", "198.51.100.1")
    assert options[1] == "rtmp://ingest.example:1935/app/instance"  # FFmpeg's app rule


async def test_ffmpeg_publishes_through_the_pinned_address(
    media_settings: MediaSettings, status_log: StatusLog, tmp_path: Path
) -> None:
    """The command a public destination gets (the checked address in the URL, the name in
    ``-rtmp_tcurl``) publishes for real: here to a local listener named by this machine's
    hostname and pinned to 127.0.0.1."""
    settings = replace(media_settings, rtmp_port=None)
    port = free_port()
    listener = await listen(settings.ffmpeg, port, tmp_path / "pinned.flv")
    url, options = pin_address(f"rtmp://{socket.gethostname()}:{port}/live/k-{port}", "127.0.0.1")
    assert url == f"rtmp://127.0.0.1:{port}/live/k-{port}"
    async with MediaWorker(settings, on_status=status_log) as worker:
        await worker.start_room("s4", PATTERN)
        await status_log.wait_for("live")
        supervisor = worker.room("s4")
        assert supervisor is not None and supervisor.transcoder is not None
        playlist = supervisor.room_dir / supervisor.transcoder.top_rendition / "index.m3u8"
        forward = await asyncio.create_subprocess_exec(
            *forward_command(settings.ffmpeg, playlist, url, options),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
        )
        await asyncio.sleep(4)
        forward.send_signal(2)  # SIGINT: FFmpeg closes the RTMP session
        await asyncio.wait_for(forward.wait(), 10)
    await stop_listener(listener)
    assert await decoded_frames(settings.ffmpeg, tmp_path / "pinned.flv") >= 30
