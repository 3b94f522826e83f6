"""Browser ingest: WebM / MP4 chunks from MediaRecorder into FFmpeg; garbage is refused."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest

from media.browser_ingest import (
    CLUSTER_ID,
    BrowserIngest,
    IngestError,
    find_cluster,
    mp4_tracks,
    sniff_container,
    webm_tracks,
)
from media.config import MediaSettings
from media.feed import MediaFeed
from media.sources import PipeSource
from media.worker import MediaWorker
from tests.media.conftest import StatusLog, check_hls_output

pytestmark = pytest.mark.media


async def camera_stream(ffmpeg: str, container: str, seconds: float = 3) -> bytes:
    """What a browser's MediaRecorder sends: live WebM (VP8/Opus) or fragmented MP4."""
    codecs = {
        "webm": ["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k",
                 "-c:a", "libopus", "-f", "webm", "-cluster_time_limit", "1000"],
        "mp4": ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-f", "mp4",
                "-movflags", "frag_keyframe+empty_moov+default_base_moof"],
    }[container]  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin",
        "-f", "lavfi", "-i", f"testsrc2=s=160x90:r=30:d={seconds}",
        "-f", "lavfi", "-i", f"sine=d={seconds}", "-g", "30", *codecs, "pipe:1",
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await proc.communicate()
    assert proc.returncode == 0
    return out


def chunks(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


class FakeStdin:
    """Stands in for FFmpeg's stdin: records what the feed writes."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.closed = False

    def write(self, data: bytes) -> None:
        self.data += data

    async def drain(self) -> None:
        await asyncio.sleep(0)

    def close(self) -> None:
        self.closed = True

    async def wait_closed(self) -> None:
        return None


@pytest.fixture
async def webm(ffmpeg_exe: str) -> bytes:
    return await camera_stream(ffmpeg_exe, "webm")


def test_sniff_container() -> None:
    assert sniff_container(b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81") == "webm"
    assert sniff_container(b"\x00\x00\x00\x1cftypisom") == "mp4"
    with pytest.raises(IngestError, match="not a WebM"):
        sniff_container(b"GET / HTTP/1.1\r\n")


async def test_headers_are_read(webm: bytes, ffmpeg_exe: str) -> None:
    cluster = find_cluster(webm)
    assert cluster is not None and cluster > 0 and webm[cluster : cluster + 4] == CLUSTER_ID
    assert webm_tracks(webm[:cluster]) == (True, True, "vp8")
    mp4 = await camera_stream(ffmpeg_exe, "mp4", 1)
    assert mp4_tracks(mp4[: mp4.find(b"moof")]) == (True, True, "h264")


async def test_chunks_pass_through_unchanged_and_restart_at_a_cluster(webm: bytes) -> None:
    feed = MediaFeed()
    started: list[PipeSource] = []
    first, second = FakeStdin(), FakeStdin()

    async def start(source: PipeSource) -> MediaFeed:
        started.append(source)
        feed.attach(first)  # type: ignore[arg-type]
        return feed

    ingest = BrowserIngest(start)
    parts = chunks(webm, 997)  # boundaries fall anywhere, cluster ids get split
    half = len(parts) // 2
    for part in parts[:half]:
        await ingest.write(part)
    feed.attach(second)  # type: ignore[arg-type]  # FFmpeg restarted mid-stream
    for part in parts[half:]:
        await ingest.write(part)
    await ingest.close()
    assert started == [PipeSource("webm", has_audio=True, video_codec="vp8")]
    assert bytes(first.data) == webm[: len(first.data)]
    header = webm[: find_cluster(webm) or 0]
    resumed = bytes(second.data)
    assert resumed.startswith(header + CLUSTER_ID)  # header again, then a whole cluster
    assert webm.endswith(resumed[len(header) :]) and second.closed


async def test_garbage_is_refused_and_the_worker_still_works(
    media_settings: MediaSettings, status_log: StatusLog, webm: bytes
) -> None:
    settings = replace(media_settings, rtmp_port=None)
    async with MediaWorker(settings, on_status=status_log) as worker:
        bad = worker.browser_ingest("cam1")
        with pytest.raises(IngestError):
            await bad.write(b"this is not a video at all")
        await bad.close()
        assert worker.rooms == {} and status_log.events == []

        no_media = worker.browser_ingest("cam1")
        no_media._max_header = 1000
        with pytest.raises(IngestError, match="no media"):
            await no_media.write(b"\x1a\x45\xdf\xa3" + bytes(2000))
        assert worker.rooms == {}

        good = worker.browser_ingest("cam1")
        for part in chunks(webm, 8192):
            await good.write(part)
        await good.close()
        ended = await status_log.wait_for("ended", timeout=20)
    assert status_log.statuses() == ["starting", "live", "reconnecting", "ended"]
    assert ended["reason"] == "publisher_gone"
    check_hls_output(settings.output_dir / "cam1", ["180p", "90p"])


async def test_fragmented_mp4_from_safari(
    media_settings: MediaSettings, status_log: StatusLog, ffmpeg_exe: str
) -> None:
    mp4 = await camera_stream(ffmpeg_exe, "mp4")
    settings = replace(media_settings, rtmp_port=None)
    async with MediaWorker(settings, on_status=status_log) as worker:
        ingest = worker.browser_ingest("cam2")
        for part in chunks(mp4, 5000):
            await ingest.write(part)
        await ingest.close()
        info: dict[str, Any] = await status_log.wait_for("ended", timeout=20)
    assert "live" in status_log.statuses() and info["reason"] == "publisher_gone"
    check_hls_output(settings.output_dir / "cam2", ["180p", "90p"])
