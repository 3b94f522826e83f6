"""Transcoder: the FFmpeg command and a real test-pattern run into HLS + replay."""

from __future__ import annotations

from dataclasses import replace

import pytest

from media.config import MediaSettings
from media.sources import PipeSource, TestPattern
from media.transcoder import Transcoder
from media.worker import MediaWorker
from tests.media.conftest import (
    SMALL_LADDER,
    StatusLog,
    check_hls_output,
    check_playable,
    check_replay,
)

pytestmark = pytest.mark.media


def test_command_has_ladder_keyframes_and_rolling_window(media_settings: MediaSettings) -> None:
    argv = Transcoder(media_settings, "r1", TestPattern(320, 180)).command()
    line = " ".join(argv)
    assert argv[0] == media_settings.ffmpeg
    assert "-f lavfi" in line and "-re" in argv
    assert "split=3" in line  # two rungs + the thumbnail
    assert "-var_stream_map v:0,a:0,name:180p v:1,a:1,name:90p" in line
    assert "-force_key_frames:v:0 expr:gte(t,n_forced*1)" in line
    assert "-g:v:1 30" in line and "-sc_threshold:v:1 0" in line
    assert "program_date_time" in line and "delete_segments" in line
    assert "append_list" not in line
    assert "-hls_list_size 4" in line and "-master_pl_name .master.m3u8" in line
    assert "-update 1" in line and "-atomic_writing 1" in line


def test_command_passthrough_copies_top_rendition(media_settings: MediaSettings) -> None:
    settings = replace(media_settings, ladder=replace(SMALL_LADDER, passthrough=True))
    t = Transcoder(settings, "r1", PipeSource("flv", has_audio=False, video_codec="h264"))
    line = " ".join(t.command())
    assert [r.name for r in t.renditions] == ["source", "90p"]
    assert "-map 0:v:0" in line and "-c:v:0 copy" in line and "-c:v:1 libx264" in line
    assert "-var_stream_map v:0,name:source v:1,name:90p" in line
    assert "-i pipe:0" in line and "-nostdin" not in line
    # A source that cannot be copied (VP8 from a browser) is encoded on every rung.
    vp8 = Transcoder(settings, "r1", PipeSource("webm", video_codec="vp8"))
    assert [r.name for r in vp8.renditions] == ["180p", "90p"]


def test_resume_appends_to_playlists(media_settings: MediaSettings) -> None:
    line = " ".join(Transcoder(media_settings, "r1", TestPattern(), resume=True).command())
    assert "append_list" in line and "discont_start" in line


async def test_test_pattern_to_hls_thumbnail_and_replay(
    media_settings: MediaSettings, status_log: StatusLog
) -> None:
    source = TestPattern(320, 180, duration_s=4, realtime=False)
    async with MediaWorker(replace(media_settings, rtmp_port=None), on_status=status_log) as w:
        await w.start_room("room1", source)
        ended = await status_log.wait_for("ended", timeout=30)
    room = media_settings.output_dir / "room1"
    assert status_log.statuses() == ["starting", "live", "ended"]
    live = status_log.events[1][2]
    assert live["renditions"] == ["180p", "90p"] and live["pdt_correction_s"] is not None
    check_hls_output(room, ["180p", "90p"], sizes=["320x180", "160x90"])
    assert (room / "thumb.jpg").read_bytes()[:2] == b"\xff\xd8"

    assert ended["reason"] == "source_ended"
    replay = check_replay(room, ended)
    assert replay.duration == pytest.approx(4.0, abs=0.2)
    await check_playable(media_settings.ffmpeg, room / "replay" / "index.m3u8")
