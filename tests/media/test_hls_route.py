"""``/hls/<room>/<path>`` served by the app: caching headers, fresh playlists, conditional
requests, and nothing outside the room's folder; and nginx's ``/hls`` block says the same."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SEGMENT = "public, max-age=31536000, immutable"


def _room_files(settings: Settings) -> Path:
    room = Path(settings.hls_dir) / "7"
    (room / "360p").mkdir(parents=True)
    (room / "master.m3u8").write_text("#EXTM3U\n360p/index.m3u8\n")
    (room / "360p" / "index.m3u8").write_text("#EXTM3U\nseg_a_000001.ts\n")
    (room / "360p" / "seg_a_000001.ts").write_bytes(b"\x47" * 188 * 50)
    (Path(settings.hls_dir) / "secret.m3u8").write_text("#EXTM3U\nnot yours\n")
    return room


async def test_playlists_one_second_segments_immutable(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    room = _room_files(settings)
    for path in ("master.m3u8", "360p/index.m3u8"):
        found = await client.get(f"/hls/7/{path}")
        assert found.status_code == 200
        assert found.headers["cache-control"] == "max-age=1"
        assert found.headers["content-type"] == "application/vnd.apple.mpegurl"
        assert found.content == (room / path).read_bytes()
    segment = await client.get("/hls/7/360p/seg_a_000001.ts")
    assert segment.status_code == 200 and segment.headers["content-type"] == "video/mp2t"
    assert segment.headers["cache-control"] == SEGMENT
    assert segment.content == (room / "360p" / "seg_a_000001.ts").read_bytes()
    again = await client.get(
        "/hls/7/360p/seg_a_000001.ts", headers={"If-None-Match": segment.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    ranged = await client.get("/hls/7/360p/seg_a_000001.ts", headers={"Range": "bytes=0-187"})
    assert ranged.status_code == 206 and len(ranged.content) == 188


async def test_a_rewritten_playlist_is_served_fresh(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    room = _room_files(settings)
    playlist = room / "360p" / "index.m3u8"
    assert (await client.get("/hls/7/360p/index.m3u8")).text.endswith("000001.ts\n")
    playlist.write_text("#EXTM3U\nseg_a_000001.ts\nseg_a_000002.ts\n")
    stat = playlist.stat()
    os.utime(playlist, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert (await client.get("/hls/7/360p/index.m3u8")).text.endswith("000002.ts\n")


async def test_paths_outside_the_room_and_other_files_are_404(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    room = _room_files(settings)
    (room / "notes.txt").write_text("x")
    (room / "link.m3u8").symlink_to(Path(settings.hls_dir) / "secret.m3u8")
    for raw in (
        "/hls/7/..%2Fsecret.m3u8",
        "/hls/7/360p/..%2F..%2Fsecret.m3u8",
        "/hls/7/%2E%2E/secret.m3u8",
        "/hls/7/link.m3u8",
        "/hls/7/notes.txt",
        "/hls/7/360p",
        "/hls/7/missing.m3u8",
        "/hls/..%2F7/master.m3u8",
    ):
        found = await client.get(httpx.URL(raw))
        assert found.status_code == 404, raw
        assert "not yours" not in found.text


def test_nginx_serves_hls_with_the_same_headers() -> None:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    block = conf[conf.index("location /hls/") :]
    block = block[: block.index("\n  }\n")]
    assert "alias /var/lib/livemart/hls/;" in block
    assert 'location ~ \\.m3u8$ { add_header Cache-Control "max-age=1"' in block
    assert f'location ~ \\.(ts|m4s)$ {{ add_header Cache-Control "{SEGMENT}"' in block
    assert "sendfile on;" in block
