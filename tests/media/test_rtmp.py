"""The RTMP front: FFmpeg publishes with the right key → HLS; a wrong key gets nothing."""

from __future__ import annotations

import asyncio
import struct
from dataclasses import replace

import pytest

from media import amf
from media.config import MediaSettings
from media.rtmp import ChunkReader, encode_message
from media.worker import MediaWorker
from tests.media.conftest import (
    SMALL_LADDER,
    StatusLog,
    check_hls_output,
    check_pdt_correction,
    check_playable,
    check_replay,
    run_ffmpeg,
)

pytestmark = pytest.mark.media

KEY = "sk_live_good"


def publish_args(port: int, key: str, seconds: float = 4) -> list[str]:
    """FFmpeg as an OBS stand-in: a real-time H.264/AAC test stream to our RTMP front."""
    return [
        "-re", "-f", "lavfi", "-i", f"testsrc2=s=320x180:r=30:d={seconds}",
        "-re", "-f", "lavfi", "-i", f"sine=f=440:r=48000:d={seconds}",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "64k",
        "-f", "flv", f"rtmp://127.0.0.1:{port}/live/{key}",
    ]  # fmt: skip


class Keys:
    """An `authorize` callback that knows one key and remembers what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def __call__(self, stream_key: str) -> str | None:
        self.asked.append(stream_key)
        return "room7" if stream_key == KEY else None


async def test_publish_with_key_produces_hls_then_ends(
    media_settings: MediaSettings, status_log: StatusLog
) -> None:
    keys = Keys()
    settings = replace(media_settings, ladder=replace(SMALL_LADDER, passthrough=True))
    async with MediaWorker(settings, authorize=keys, on_status=status_log) as worker:
        assert worker.rtmp_port
        code, err = await run_ffmpeg(settings.ffmpeg, *publish_args(worker.rtmp_port, KEY))
        assert code == 0, err
        ended = await status_log.wait_for("ended", timeout=15)
    assert keys.asked == [KEY]
    assert status_log.statuses("room7") == ["starting", "live", "reconnecting", "ended"]
    assert ended["reason"] == "publisher_gone"
    live = status_log.events[1][2]
    assert live["renditions"] == ["source", "90p"]  # H.264 from OBS is passed through
    room = settings.output_dir / "room7"
    check_hls_output(room, ["source", "90p"], sizes=["320x180", "160x90"])
    # EXT-X-PROGRAM-DATE-TIME is moved onto the ingest clock by FFmpeg's start-up delay.
    assert live["pdt_correction_s"] is not None and live["pdt_correction_s"] >= 0
    for name in ("source", "90p"):
        check_pdt_correction(room / name, live["pdt_correction_s"])
    replay = check_replay(room, ended)
    assert replay.duration == pytest.approx(4.0, abs=0.6)
    await check_playable(settings.ffmpeg, room / "replay" / "index.m3u8")


async def test_wrong_key_is_rejected_and_produces_nothing(
    media_settings: MediaSettings, status_log: StatusLog
) -> None:
    keys = Keys()
    async with MediaWorker(media_settings, authorize=keys, on_status=status_log) as worker:
        assert worker.rtmp_port
        code, err = await run_ffmpeg(
            media_settings.ffmpeg, *publish_args(worker.rtmp_port, "sk_wrong", 2), timeout=15
        )
        assert code != 0
        assert "invalid stream key" in err  # FFmpeg prints our onStatus description
        assert worker.rooms == {}
    assert keys.asked == ["sk_wrong"]
    assert status_log.events == []
    assert not any(media_settings.output_dir.iterdir())


async def test_wrong_application_is_rejected(media_settings: MediaSettings) -> None:
    keys = Keys()
    async with MediaWorker(media_settings, authorize=keys) as worker:
        args = publish_args(worker.rtmp_port or 0, KEY, 1)
        args[-1] = args[-1].replace("/live/", "/other/")
        code, _ = await run_ffmpeg(media_settings.ffmpeg, *args, timeout=15)
    assert code != 0 and keys.asked == []


async def test_handshake_and_connect_by_hand(media_settings: MediaSettings) -> None:
    """A minimal client: the handshake, ``connect`` → ``_result`` NetConnection.Connect.Success."""
    async with MediaWorker(media_settings, authorize=Keys()) as worker:
        reader, writer = await asyncio.open_connection("127.0.0.1", worker.rtmp_port)
        writer.write(b"\x03" + bytes(1536))
        s0s1s2 = await reader.readexactly(1 + 1536 * 2)
        assert s0s1s2[0] == 3 and s0s1s2[1 + 1536 :][8:] == bytes(1528)  # S2 echoes C1
        writer.write(s0s1s2[1 : 1 + 1536])  # C2
        connect = amf.encode("connect", 1.0, {"app": "live", "tcUrl": "rtmp://x/live"})
        writer.write(encode_message(3, 20, connect))
        chunks = ChunkReader(reader)
        seen = {}
        while "_result" not in seen:
            msg = await asyncio.wait_for(chunks.read_message(), 5)
            if msg.type_id == 1:
                chunks.chunk_size = struct.unpack(">I", msg.payload)[0]
            if msg.type_id == 20:
                values = amf.decode(msg.payload)
                seen[values[0]] = values
        assert seen["_result"][3]["code"] == "NetConnection.Connect.Success"
        writer.close()


async def test_publisher_reconnecting_within_grace_continues_the_session(
    media_settings: MediaSettings, status_log: StatusLog
) -> None:
    settings = replace(media_settings, grace_s=3.0)
    async with MediaWorker(settings, authorize=Keys(), on_status=status_log) as worker:
        port = worker.rtmp_port or 0
        for run in (1, 2):
            code, err = await run_ffmpeg(settings.ffmpeg, *publish_args(port, KEY, 2))
            assert code == 0, err
            await status_log.wait_for("reconnecting", count=run)
        ended = await status_log.wait_for("ended", timeout=15)
    assert status_log.statuses() == [
        "starting", "live", "reconnecting", "live", "reconnecting", "ended",
    ]  # fmt: skip
    first_live, second_live = (i for _, s, i in status_log.events if s == "live")
    assert first_live["session"] == second_live["session"] and second_live["generation"] == 2
    replay = check_replay(settings.output_dir / "room7", ended)
    assert "#EXT-X-DISCONTINUITY" in replay.text
    assert replay.duration == pytest.approx(4.0, abs=1.0)


async def test_stop_room_drops_the_publisher(
    media_settings: MediaSettings, status_log: StatusLog
) -> None:
    async with MediaWorker(media_settings, authorize=Keys(), on_status=status_log) as worker:
        publisher = asyncio.create_task(
            run_ffmpeg(media_settings.ffmpeg, *publish_args(worker.rtmp_port or 0, KEY, 30))
        )
        await status_log.wait_for("live")
        ended = await worker.stop_room("room7", reason="moderator")
        code, _ = await asyncio.wait_for(publisher, 10)  # long before its 30 s are up
    assert code != 0
    assert ended is not None and ended["reason"] == "moderator"
    assert status_log.statuses() == ["starting", "live", "ended"]
