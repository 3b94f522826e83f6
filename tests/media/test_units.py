"""Pure parts: ladder config, HLS file serving rules, AMF0, FLV, RTMP chunking, playlists."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from media import amf
from media.flv import (
    TAG_VIDEO,
    flv_header,
    flv_tag,
    is_audio_config,
    is_video_config,
    is_video_keyframe,
    video_codec,
)
from media.hls_files import (
    HlsPathError,
    cache_control,
    content_type,
    hls_headers,
    resolve_hls_path,
)
from media.ladder import DEFAULT_LADDER, Ladder, LadderError, Rung, parse_bitrate, parse_rungs
from media.playlist import parse_media_playlist
from media.publish import PlaylistPublisher
from media.replay import finalize_existing
from media.rtmp import ChunkReader, encode_message

pytestmark = pytest.mark.media

# -- ladder -----------------------------------------------------------------------------


def test_default_ladder() -> None:
    assert [r.name for r in DEFAULT_LADDER.rungs] == ["720p", "360p"]
    assert DEFAULT_LADDER.segment_s == 1.0 and DEFAULT_LADDER.gop == 30
    assert DEFAULT_LADDER.preset == "veryfast"
    flags = DEFAULT_LADDER.hls_flags()
    assert "program_date_time" in flags and "delete_segments" in flags


def test_ladder_passthrough_and_segments() -> None:
    ladder = Ladder(passthrough=True, segment_s=2.0, fps=25)
    assert ladder.gop == 50 and ladder.force_key_frames == "expr:gte(t,n_forced*2)"
    names = [r.name for r in ladder.renditions(can_copy=True)]
    assert names == ["source", "360p"]
    assert [r.name for r in ladder.renditions(can_copy=False)] == ["720p", "360p"]
    renditions = ladder.renditions(can_copy=True)
    assert ladder.var_stream_map(renditions, audio=True) == (
        "v:0,a:0,name:source v:1,a:1,name:360p"
    )


@pytest.mark.parametrize(
    "kwargs",
    [{"segment_s": 0.5}, {"segment_s": 3}, {"rungs": ()}, {"list_size": 1}, {"fps": 0}],
)
def test_ladder_validation(kwargs: dict[str, object]) -> None:
    with pytest.raises(LadderError):
        Ladder(**kwargs)  # type: ignore[arg-type]


def test_rungs() -> None:
    assert parse_bitrate("2.5M") == 2_500_000 and parse_bitrate("800k") == 800_000
    rungs = parse_rungs("1080p:5M:160k, 480p")
    top = rungs[0]
    assert (top.name, top.height, top.video_bitrate, top.audio_bitrate) == (
        "1080p", 1080, 5_000_000, 160_000,
    )  # fmt: skip
    assert rungs[1].height == 480 and rungs[1].video_bitrate > 0
    for bad in ("720", "abc:1k", ""):
        with pytest.raises(LadderError):
            parse_rungs(bad)
    with pytest.raises(LadderError):
        Rung("source", 720, 1_000_000)
    with pytest.raises(LadderError):
        Rung("odd", 721, 1_000_000)


# -- hls files --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "../secret.m3u8", "720p/../../x.ts", "/etc/passwd", "..", "", "720p//index.m3u8",
        "720p\\..\\x.ts", ".hidden.m3u8", "720p/.index.m3u8.tmp", "index.m3u8.tmp",
        "seg.ts\x00.jpg", "app.py", "../../r2/master.m3u8", "a/b/c/d.ts", "thumb.JPG",
        "%2e%2e/master.m3u8", "720p/ index.m3u8",
    ],
)  # fmt: skip
def test_traversal_and_unexpected_files_are_rejected(tmp_path: Path, path: str) -> None:
    with pytest.raises(HlsPathError):
        resolve_hls_path(tmp_path, "room1", path)


@pytest.mark.parametrize("room", ["..", "a/b", "", "x" * 65, "r 1"])
def test_bad_room_ids_are_rejected(tmp_path: Path, room: str) -> None:
    with pytest.raises(HlsPathError):
        resolve_hls_path(tmp_path, room, "master.m3u8")


def test_symlink_out_of_the_room_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "room1").mkdir()
    (tmp_path / "outside.ts").write_bytes(b"x")
    (tmp_path / "room1" / "evil.ts").symlink_to(tmp_path / "outside.ts")
    with pytest.raises(HlsPathError):
        resolve_hls_path(tmp_path, "room1", "evil.ts")


def test_good_paths_resolve_under_the_room(tmp_path: Path) -> None:
    base = (tmp_path / "42").resolve()
    assert resolve_hls_path(tmp_path, 42, "master.m3u8") == base / "master.m3u8"
    assert resolve_hls_path(tmp_path, "42", "720p/seg_a_00001.ts") == base / "720p/seg_a_00001.ts"
    assert resolve_hls_path(tmp_path, "42", "replay/index.m3u8").parent == base / "replay"


def test_content_types_and_caching() -> None:
    assert content_type("master.m3u8") == "application/vnd.apple.mpegurl"
    assert content_type("720p/seg_1.ts") == "video/mp2t"
    assert content_type("720p/seg_1.m4s") == "video/iso.segment"
    assert content_type("replay/init_0.mp4") == "video/mp4"
    assert content_type("thumb.jpg") == "image/jpeg"
    assert cache_control("720p/index.m3u8") == "max-age=1"
    assert cache_control("master.m3u8") == "max-age=1"
    assert "max-age=31536000" in cache_control("720p/seg_1.ts")
    assert "immutable" in cache_control("720p/seg_1.m4s")
    assert cache_control("720p/init_0.mp4") == "no-cache"
    assert "max-age=5" in cache_control("thumb.jpg")
    assert hls_headers("a.m3u8")["content-type"] == "application/vnd.apple.mpegurl"
    with pytest.raises(HlsPathError):
        content_type("x.html")


# -- AMF0, FLV, RTMP chunks -------------------------------------------------------------


def test_amf_round_trip() -> None:
    values = [
        "connect", 1.0, {"app": "live", "n": 2.5, "ok": True, "nested": {"a": None}},
        None, amf.ECMAArray(width=320.0, height=180.0), [1.0, "x"], "ü" * 3,
    ]  # fmt: skip
    assert amf.decode(amf.encode(*values)) == values
    assert isinstance(amf.decode(amf.encode(amf.ECMAArray(a=1.0)))[0], amf.ECMAArray)
    with pytest.raises(amf.AMFError):
        amf.decode(b"\x02\x00\x10abc")


def test_flv_tags() -> None:
    assert flv_header(has_audio=True) == b"FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00"
    assert flv_header(has_audio=False)[4] == 0x01
    tag = flv_tag(TAG_VIDEO, 0x12345678, b"\x17\x01abc")
    assert tag[0] == 9 and tag[1:4] == b"\x00\x00\x05"
    assert tag[4:7] == b"\x34\x56\x78" and tag[7] == 0x12
    assert tag[-4:] == (11 + 5).to_bytes(4, "big")
    assert is_video_keyframe(b"\x17\x01") and not is_video_keyframe(b"\x27\x01")
    assert is_video_config(b"\x17\x00") and not is_video_config(b"\x17\x01")
    assert is_audio_config(b"\xaf\x00") and not is_audio_config(b"\xaf\x01")
    assert video_codec(b"\x17\x01") == "h264" and video_codec(b"\x90hvc1") == "hevc"


async def test_chunk_stream_round_trip() -> None:
    big = bytes(range(256)) * 40  # spans many chunks
    reader = asyncio.StreamReader()
    reader.feed_data(encode_message(4, 9, big, stream_id=1, timestamp=1000, chunk_size=128))
    reader.feed_data(encode_message(4, 9, b"x" * 10, stream_id=1, timestamp=0x1000000))
    reader.feed_data(bytes([0x44]) + (40).to_bytes(3, "big") + (3).to_bytes(3, "big") + b"\x08abc")
    reader.feed_data(bytes([0xC4]) + b"def")  # type 3: same header, timestamp + 40 again
    reader.feed_eof()
    chunks = ChunkReader(reader)
    chunks.max_message = 1 << 20
    first = await chunks.read_message()
    assert (first.type_id, first.stream_id, first.timestamp, first.payload) == (9, 1, 1000, big)
    extended = await chunks.read_message()
    assert extended.timestamp == 0x1000000 and extended.payload == b"x" * 10
    relative = await chunks.read_message()
    assert (relative.type_id, relative.timestamp, relative.payload) == (8, 0x1000000 + 40, b"abc")
    again = await chunks.read_message()
    assert again.timestamp == 0x1000000 + 80 and again.payload == b"def"


# -- playlists --------------------------------------------------------------------------


def test_parse_media_playlist() -> None:
    playlist = parse_media_playlist(
        "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:7\n"
        '#EXT-X-MAP:URI="init_0.mp4"\n#EXT-X-DISCONTINUITY\n#EXTINF:1.000000,\n'
        "#EXT-X-PROGRAM-DATE-TIME:2026-01-02T03:04:05.678+0000\nseg_7.m4s\n"
        "#EXTINF:0.5,\nseg_8.m4s\n#EXT-X-ENDLIST\n"
    )
    assert playlist.media_sequence == 7 and playlist.ended and playlist.map_uri == "init_0.mp4"
    first, second = playlist.segments
    assert first.discontinuity and first.program_date_time is not None
    assert first.program_date_time.microsecond == 678000 and second.duration == 0.5


def test_finalize_existing_closes_a_crashed_recording(tmp_path: Path) -> None:
    replay = tmp_path / "replay"
    replay.mkdir()
    (replay / "index.m3u8").write_text(
        "#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:1.0,\nseg_0.ts\n"
    )
    path = finalize_existing(tmp_path)
    assert path is not None
    text = path.read_text()
    assert text.endswith("#EXT-X-ENDLIST\n") and "PLAYLIST-TYPE:VOD" in text
    assert finalize_existing(tmp_path / "nothing") is None


def test_publisher_moves_program_date_time_to_the_capture_clock(tmp_path: Path) -> None:
    (tmp_path / "720p").mkdir()
    (tmp_path / ".master.m3u8").write_text(
        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n720p/.live.m3u8\n"
    )
    private = tmp_path / "720p" / ".live.m3u8"
    private.write_text(
        "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.000000,\n"
        "#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:10.600+0000\nseg_a_00000.ts\n"
        "#EXTINF:1.000000,\n#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:11.600+0000\n"
        "seg_a_00001.ts\n"
    )
    publisher = PlaylistPublisher(tmp_path)
    publisher.start_run(["720p"])
    publisher.sync()  # no capture time yet: nothing is published
    assert not (tmp_path / "720p" / "index.m3u8").exists()
    publisher.set_capture_time(1767225610.0)  # 2026-01-01T00:00:10.000Z
    parsed = publisher.sync()
    assert [s.uri for s in parsed["720p"].segments] == ["seg_a_00000.ts", "seg_a_00001.ts"]
    assert publisher.correction_s == pytest.approx(0.6)
    public = (tmp_path / "720p" / "index.m3u8").read_text()
    assert "#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:10.000+00:00\nseg_a_00000.ts" in public
    assert "#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:11.000+00:00\nseg_a_00001.ts" in public
    assert "720p/index.m3u8" in (tmp_path / "master.m3u8").read_text()
