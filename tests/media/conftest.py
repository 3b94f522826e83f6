"""Fixtures for the media tests: small ladders, fast FFmpeg settings, a status log."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from media.config import MediaSettings, default_ffmpeg
from media.ladder import Ladder, Rung
from media.playlist import MediaPlaylist, parse_media_playlist, read_media_playlist

SMALL_LADDER = Ladder(
    rungs=(Rung("180p", 180, 300_000, 64_000), Rung("90p", 90, 120_000, 48_000)),
    preset="ultrafast",
    fps=30,
    segment_s=1.0,
    list_size=4,
)


@dataclass
class StatusLog:
    """Collects ``on_status`` calls and lets a test wait for one."""

    events: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def __call__(self, room_id: str, status: str, info: dict[str, Any]) -> None:
        async with self.changed:
            self.events.append((room_id, status, info))
            self.changed.notify_all()

    def statuses(self, room_id: str | None = None) -> list[str]:
        return [s for r, s, _ in self.events if room_id is None or r == room_id]

    async def wait_for(self, status: str, *, count: int = 1, timeout: float = 20) -> dict[str, Any]:
        """Wait until `status` was reported `count` times; returns the info of the last."""

        def matches() -> list[dict[str, Any]]:
            return [info for _, s, info in self.events if s == status]

        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(lambda: len(matches()) >= count), timeout)
            return matches()[count - 1]


@pytest.fixture
def ffmpeg_exe() -> str:
    return default_ffmpeg()


@pytest.fixture
def status_log() -> StatusLog:
    return StatusLog()


@pytest.fixture
def media_settings(tmp_path: Path, ffmpeg_exe: str) -> MediaSettings:
    return MediaSettings(
        output_dir=tmp_path / "hls",
        ffmpeg=ffmpeg_exe,
        ladder=SMALL_LADDER,
        rtmp_host="127.0.0.1",
        rtmp_port=0,
        thumbnail_interval_s=1.0,
        thumbnail_height=90,
        grace_s=0.5,
        backoff_initial_s=0.2,
        backoff_max_s=1.0,
        poll_interval_s=0.1,
        stop_timeout_s=5.0,
        allow_private_destinations=True,  # the simulcast tests' RTMP listeners are local
    )


async def run_ffmpeg(ffmpeg: str, *args: str, timeout: float = 30) -> tuple[int, str]:
    """Run FFmpeg to completion; returns (exit status, stderr)."""
    proc = await asyncio.create_subprocess_exec(
        ffmpeg, "-hide_banner", "-nostdin", "-y", *args,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        _, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    return proc.returncode or 0, err.decode(errors="replace")


async def check_playable(ffmpeg: str, playlist: Path) -> None:
    """Decode a whole playlist with FFmpeg (``-f null``): it must succeed without errors."""
    code, err = await run_ffmpeg(ffmpeg, "-v", "error", "-i", str(playlist), "-f", "null", "-")
    assert code == 0, err


def check_hls_output(
    room: Path, renditions: list[str], *, sizes: list[str] | None = None, min_segments: int = 3
) -> None:
    """Master playlist with every variant; each variant has >= `min_segments` 1 s segments."""
    master = (room / "master.m3u8").read_text()
    assert master.count("#EXT-X-STREAM-INF") == len(renditions)
    for name in renditions:
        assert f"{name}/index.m3u8" in master
    for size in sizes or []:
        assert f"RESOLUTION={size}" in master
    for name in renditions:
        playlist = read_media_playlist(room / name / "index.m3u8")
        assert playlist is not None, name
        assert len(playlist.segments) >= min_segments, (name, playlist)
        for segment in playlist.segments[:min_segments]:
            assert segment.program_date_time is not None
            assert (room / name / segment.uri).stat().st_size > 0
        if name != "source":  # encoded rungs: keyframes forced on the 1 s boundaries
            assert playlist.target_duration == 1
            for segment in playlist.segments[:min_segments]:
                assert segment.duration == pytest.approx(1.0, abs=0.05)


def check_pdt_correction(variant_dir: Path, correction_s: float) -> None:
    """Public playlists are dated `correction_s` earlier than FFmpeg's private one."""
    private = parse_media_playlist((variant_dir / ".live.m3u8").read_text())
    public = parse_media_playlist((variant_dir / "index.m3u8").read_text())
    by_uri = {s.uri: s.program_date_time for s in private.segments}
    assert public.segments
    for segment in public.segments:
        ours, ffmpegs = segment.program_date_time, by_uri[segment.uri]
        assert ours is not None and ffmpegs is not None
        assert (ffmpegs - ours).total_seconds() == pytest.approx(correction_s, abs=0.002)


@dataclass
class ReplayCheck:
    playlist: MediaPlaylist
    text: str

    @property
    def duration(self) -> float:
        return sum(s.duration for s in self.playlist.segments)


def check_replay(room: Path, ended: dict[str, Any]) -> ReplayCheck:
    """The ended info points at a finalised VOD replay playlist whose segments exist."""
    path = room / "replay" / "index.m3u8"
    assert ended["replay"] == str(path)
    text = path.read_text()
    playlist = parse_media_playlist(text)
    assert playlist.ended and "#EXT-X-PLAYLIST-TYPE:VOD" in text
    assert playlist.segments
    for segment in playlist.segments:
        assert (path.parent / segment.uri).is_file()
    return ReplayCheck(playlist, text)
