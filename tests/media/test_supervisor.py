"""Supervision: a killed FFmpeg is restarted; stop finalises; old files are cleaned up."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import pytest

from media.config import MediaSettings
from media.sources import TestPattern
from media.supervisor import prepare_room_dir, prune_room, remove_old_rooms
from media.worker import MediaWorker
from tests.media.conftest import StatusLog, check_playable, check_replay

pytestmark = pytest.mark.media

SMALL_PATTERN = TestPattern(160, 90, realtime=True)


async def test_killed_ffmpeg_is_restarted(
    media_settings: MediaSettings, status_log: StatusLog
) -> None:
    settings = replace(media_settings, rtmp_port=None)
    async with MediaWorker(settings, on_status=status_log) as worker:
        supervisor = await worker.start_room("r9", SMALL_PATTERN)
        await status_log.wait_for("live")
        first = supervisor.transcoder
        assert first is not None and first.pid
        first.kill()  # what a crash looks like
        info = await status_log.wait_for("reconnecting")
        assert info["reason"] == "crashed" and info["returncode"] != 0
        live2 = await status_log.wait_for("live", count=2, timeout=20)
        assert live2["generation"] == 2 and supervisor.transcoder is not first
        assert worker.status("r9") == "live"
        ended = await worker.stop_room("r9")
    assert status_log.statuses() == ["starting", "live", "reconnecting", "live", "ended"]
    assert ended is not None and ended["reason"] == "stopped" and ended["restarts"] == 1
    room = settings.output_dir / "r9"
    assert "#EXT-X-ENDLIST" in (room / "180p" / "index.m3u8").read_text()
    replay = check_replay(room, ended)
    assert "#EXT-X-DISCONTINUITY" in replay.text  # the restart is marked in the recording
    await check_playable(settings.ffmpeg, room / "replay" / "index.m3u8")


async def test_failing_ffmpeg_gives_up_after_max_failures(
    media_settings: MediaSettings, status_log: StatusLog, tmp_path: Path
) -> None:
    broken = tmp_path / "ffmpeg"
    broken.write_text("#!/bin/sh\necho 'no such codec' >&2\nexit 1\n")
    broken.chmod(0o755)
    settings = replace(media_settings, rtmp_port=None, ffmpeg=str(broken), max_failures=3)
    async with MediaWorker(settings, on_status=status_log) as worker:
        await worker.start_room("r1", SMALL_PATTERN)
        ended = await status_log.wait_for("ended", timeout=15)
    assert ended["reason"] == "failed" and ended["replay"] is None
    assert status_log.statuses().count("reconnecting") == 2
    assert "no such codec" in status_log.events[1][2]["error"]


def _touch(path: Path, age_s: float = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    if age_s:
        old = time.time() - age_s
        os.utime(path, (old, old))
    return path


def test_prune_room_keeps_listed_and_fresh_segments(tmp_path: Path) -> None:
    room = tmp_path / "r1"
    (room / "180p").mkdir(parents=True)
    (room / "180p" / "index.m3u8").write_text("#EXTM3U\n#EXTINF:1.0,\nseg_s_00005.ts\n")
    listed = _touch(room / "180p" / "seg_s_00005.ts", 600)
    stale = _touch(room / "180p" / "seg_s_00001.ts", 600)
    temp = _touch(room / "180p" / "seg_s_00006.ts.tmp", 600)
    fresh = _touch(room / "180p" / "seg_s_00007.ts")
    kept_replay = _touch(room / "replay" / "seg_s_000000.ts", 600)
    assert prune_room(room, max_age_s=30) == 2
    assert listed.exists() and fresh.exists() and kept_replay.exists()
    assert not stale.exists() and not temp.exists()


def test_prepare_room_dir_clears_live_output_and_keeps_replays(tmp_path: Path) -> None:
    room = tmp_path / "r1"
    _touch(room / "master.m3u8")
    _touch(room / "thumb.jpg")
    _touch(room / "180p" / "seg_s_00001.ts")
    _touch(room / "replay" / "index.m3u8")
    prepare_room_dir(room)
    names = sorted(p.name for p in room.iterdir())
    assert len(names) == 1 and names[0].startswith("replay-")
    assert (room / names[0] / "index.m3u8").exists()


def test_remove_old_rooms(tmp_path: Path) -> None:
    _touch(tmp_path / "old" / "180p" / "seg.ts", 7200)
    _touch(tmp_path / "old" / "replay" / "index.m3u8", 7200)
    _touch(tmp_path / "gone" / "180p" / "seg.ts", 7200)
    _touch(tmp_path / "active" / "180p" / "seg.ts", 7200)
    _touch(tmp_path / "new" / "180p" / "seg.ts")
    cleaned = remove_old_rooms(tmp_path, max_age_s=3600, active=["active"])
    assert sorted(cleaned) == ["gone", "old"]
    assert not (tmp_path / "gone").exists()
    assert [p.name for p in (tmp_path / "old").iterdir()] == ["replay"]
    assert (tmp_path / "active" / "180p").exists() and (tmp_path / "new" / "180p").exists()
    assert remove_old_rooms(tmp_path, max_age_s=3600, keep_replays=False, active=["active"]) == [
        "old"
    ]
