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


async def test_segments_answered_ahead_of_the_app_keep_every_security_header(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    """``HlsFront`` answers cached files before the middleware: the same headers as any
    response (nosniff, frame and referrer policies), no cookie, no page policy."""
    _room_files(settings)
    client.cookies.set("lm_session", "whatever")
    for path in ("/hls/7/360p/seg_a_000001.ts", "/hls/7/master.m3u8"):
        for _ in range(2):  # a miss, then a hit of the file cache
            found = await client.get(path, headers={"Accept-Language": "zh-CN"})
            assert found.status_code == 200, path
            assert found.headers["x-content-type-options"] == "nosniff"
            assert found.headers["x-frame-options"] == "DENY"
            assert found.headers["referrer-policy"] == "same-origin"
            assert found.headers["access-control-allow-origin"] == "*"
            assert int(found.headers["content-length"]) == len(found.content)
            assert "set-cookie" not in found.headers
            assert "content-security-policy" not in found.headers
    head = await client.head("/hls/7/master.m3u8")  # HEAD goes on to the route
    assert head.status_code == 200 and head.headers["cache-control"] == "max-age=1"


async def test_links_inside_the_room_are_followed_and_links_out_refused(
    client: httpx.AsyncClient, settings: Settings, tmp_path: Path
) -> None:
    room = _room_files(settings)
    (room / "alias.m3u8").symlink_to(room / "master.m3u8")
    assert (await client.get("/hls/7/alias.m3u8")).text == (room / "master.m3u8").read_text()
    outside = tmp_path / "elsewhere"
    (outside / "360p").mkdir(parents=True)
    (outside / "360p" / "index.m3u8").write_text("#EXTM3U\nnot yours\n")
    (room / "360p" / "sub").symlink_to(outside / "360p")
    found = await client.get("/hls/7/360p/sub/index.m3u8")
    assert found.status_code == 404 and "not yours" not in found.text
    # A room's folder that is itself a link is the room's (as resolve_hls_path says).
    (Path(settings.hls_dir) / "8").symlink_to(outside)
    assert (await client.get("/hls/8/360p/index.m3u8")).text.endswith("not yours\n")


def test_find_hls_file_agrees_with_resolve(tmp_path: Path) -> None:
    import pytest

    from media import HlsPathError, find_hls_file, resolve_hls_path

    (tmp_path / "3" / "720p").mkdir(parents=True)
    (tmp_path / "3" / "720p" / "seg_b_000002.m4s").write_bytes(b"x" * 10)
    file, stat = find_hls_file(str(tmp_path), "3", "720p/seg_b_000002.m4s")
    assert Path(file) == resolve_hls_path(tmp_path, "3", "720p/seg_b_000002.m4s")
    assert stat.st_size == 10
    (tmp_path / "3" / "folder.m3u8").mkdir()
    with pytest.raises(FileNotFoundError):
        find_hls_file(str(tmp_path), "3", "folder.m3u8")  # not a regular file
    with pytest.raises(HlsPathError):
        find_hls_file(str(tmp_path), "3", "../3/720p/seg_b_000002.m4s")
    with pytest.raises(FileNotFoundError):
        find_hls_file(str(tmp_path), "3", "720p/missing.m4s")
