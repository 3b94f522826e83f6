"""Helpers for serving ``/hls/<room>/<path>`` from the HLS root (no I/O but `resolve` and
the ``lstat`` calls of `find_hls_file`).

The web layer calls `resolve_hls_path` to turn a request into a file under the root
(or get an `HlsPathError`, to answer 404) and `hls_headers` for the response headers::

    path = resolve_hls_path(settings.output_dir, room_id, request.path_params["path"])
    return FileResponse(path, headers=hls_headers(path))

`find_hls_file` gives the same answer with the file's ``stat`` for the hot path (thousands
of segment requests a second): one ``lstat`` per part under the (once resolved) root
instead of resolving the whole path twice; a symbolic link anywhere falls back to
`resolve_hls_path`, which follows it and refuses what leads outside the room's folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath
from stat import S_ISLNK, S_ISREG

CONTENT_TYPES: dict[str, str] = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
    ".jpg": "image/jpeg",
}

PLAYLIST_CACHE = "max-age=1"  # a live playlist changes each segment: a CDN may keep it 1 s
SEGMENT_CACHE = "public, max-age=31536000, immutable"
THUMBNAIL_CACHE = "public, max-age=5"
INIT_CACHE = "no-cache"

MAX_DEPTH = 3  # e.g. replay/seg_000001.ts, 720p/index.m3u8
_PART_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_ROOM_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class HlsPathError(ValueError):
    """The request path is not a servable HLS file (answer 404)."""


def check_request_path(room_id: str | int, path: str) -> PurePosixPath:
    """Validate a request path lexically; returns it as a relative POSIX path.

    Rejects: bad room ids, absolute paths, ``..``, backslashes, NUL and control
    characters, empty or hidden parts, paths deeper than `MAX_DEPTH`, and extensions other
    than those in `CONTENT_TYPES`.
    """
    room = str(room_id)
    if not _ROOM_RE.match(room):
        raise HlsPathError("bad room id")
    if not path or len(path) > 512 or "\\" in path or path.startswith("/"):
        raise HlsPathError("bad path")
    if any(ord(c) < 32 or ord(c) == 127 for c in path):
        raise HlsPathError("bad path")
    parts = path.split("/")
    if len(parts) > MAX_DEPTH or any(not _PART_RE.match(p) or p in (".", "..") for p in parts):
        raise HlsPathError("bad path")
    rel = PurePosixPath(*parts)
    if rel.suffix.lower() not in CONTENT_TYPES or rel.suffix != rel.suffix.lower():
        raise HlsPathError("not an HLS file")
    return rel


def resolve_hls_path(root: str | Path, room_id: str | int, path: str) -> Path:
    """Map ``/hls/<room_id>/<path>`` to a file under `root`, or raise `HlsPathError`.

    After the lexical checks the path is resolved (symlinks followed) and must still lie
    inside ``<root>/<room_id>``. The file may not exist; the caller answers 404 then.
    """
    rel = check_request_path(room_id, path)
    base = (Path(root) / str(room_id)).resolve()
    target = (base / rel).resolve()
    if not target.is_relative_to(base):
        raise HlsPathError("path escapes the room directory")
    return target


def find_hls_file(real_root: str, room_id: str | int, path: str) -> tuple[str, os.stat_result]:
    """The regular file that ``/hls/<room_id>/<path>`` names under ``real_root`` (the HLS
    root with its symbolic links resolved: ``os.path.realpath``) and its ``stat``.

    Same rules as `resolve_hls_path`; raises `HlsPathError` for a path it refuses and
    `OSError` (``FileNotFoundError``) when the file is missing or not a regular file.
    """
    rel = check_request_path(room_id, path)
    current = real_root
    for part in (str(room_id), *rel.parts):
        current = os.path.join(current, part)
        found = os.lstat(current)
        if S_ISLNK(found.st_mode):  # rare: follow it the careful way
            target = resolve_hls_path(real_root, room_id, path)
            found = os.stat(target)
            current = str(target)
            break
    if not S_ISREG(found.st_mode):
        raise FileNotFoundError(current)
    return current, found


def content_type(path: str | PurePosixPath | Path) -> str:
    """The Content-Type of an HLS file by extension."""
    suffix = PurePosixPath(str(path)).suffix.lower()
    try:
        return CONTENT_TYPES[suffix]
    except KeyError:
        raise HlsPathError("not an HLS file") from None


def cache_control(path: str | PurePosixPath | Path) -> str:
    """Cache-Control: playlists are kept 1 s at most, segments are immutable.

    Segment names carry the session id and never repeat; fMP4 init files and the
    thumbnail are rewritten in place, so they are revalidated / kept briefly.
    """
    p = PurePosixPath(str(path))
    suffix = p.suffix.lower()
    if suffix == ".m3u8":
        return PLAYLIST_CACHE
    if suffix == ".jpg":
        return THUMBNAIL_CACHE
    if suffix == ".mp4" and p.name.startswith("init"):
        return INIT_CACHE
    return SEGMENT_CACHE


def hls_headers(path: str | PurePosixPath | Path) -> dict[str, str]:
    """Response headers for an HLS file: content type, caching, and CORS for players."""
    return {
        "content-type": content_type(path),
        "cache-control": cache_control(path),
        "access-control-allow-origin": "*",
    }
