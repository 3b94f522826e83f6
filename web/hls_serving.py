"""``/hls/<room>/<path>`` from the HLS root, cheap enough for thousands of viewers.

Behind nginx (``deploy/nginx.conf``) these files never reach the web process. Served by the
app itself, each request costs one ``stat`` and, most of the time, no read at all:

* segments are immutable (their names never repeat), so their bytes are kept in a bounded
  in-memory LRU keyed by (path, size, mtime): 3,000 viewers fetching the same 1 s segment
  read it from disk once;
* playlists are a few hundred bytes rewritten each segment; they are cached the same way
  until their size or mtime changes.

A hit costs no thread hop; a miss reads the file in a worker thread.

Range requests and files over ``MAX_CACHED_FILE`` go to Starlette's ``FileResponse``.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from email.utils import formatdate
from pathlib import Path
from stat import S_ISREG

import anyio.to_thread
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from media import HlsPathError, hls_headers, resolve_hls_path

MAX_CACHED_FILE = 4 * 1024 * 1024
MAX_CACHED_BYTES = 64 * 1024 * 1024

_Key = tuple[str, int, int]


class HlsFileCache:
    """A bounded LRU of small HLS files' bytes, keyed by (path, size, mtime_ns)."""

    def __init__(self, max_bytes: int = MAX_CACHED_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._files: OrderedDict[_Key, bytes] = OrderedDict()

    def get(self, key: _Key) -> bytes | None:
        found = self._files.get(key)
        if found is not None:
            self._files.move_to_end(key)
        return found

    def put(self, key: _Key, body: bytes) -> None:
        self._files[key] = body
        self.size += len(body)
        while self.size > self.max_bytes and self._files:
            _, dropped = self._files.popitem(last=False)
            self.size -= len(dropped)


_cache = HlsFileCache()


def _read(file: Path) -> bytes:
    with open(file, "rb") as f:
        return f.read()


def _not_found() -> HTTPException:
    return HTTPException(404, "not found")


async def hls_file(request: Request) -> Response:
    """``/hls/<room>/<path>``: playlists ``max-age=1``, segments immutable, nothing outside."""
    root = request.app.state.settings.hls_dir
    path = request.path_params["path"]
    try:
        file = resolve_hls_path(root, request.path_params["room_id"], path)
        headers = hls_headers(path)
    except HlsPathError:
        raise _not_found() from None
    try:
        stat = os.stat(file)
    except OSError:
        raise _not_found() from None
    if not S_ISREG(stat.st_mode):
        raise _not_found()
    if "range" in request.headers or stat.st_size > MAX_CACHED_FILE:
        return FileResponse(file, headers=headers, stat_result=stat)
    key = (str(file), stat.st_size, stat.st_mtime_ns)
    body = _cache.get(key)
    if body is None:
        try:
            body = await anyio.to_thread.run_sync(_read, file)
        except OSError:
            raise _not_found() from None
        if len(body) != stat.st_size:  # rewritten meanwhile: serve it, do not keep it
            return Response(body, headers=headers)
        _cache.put(key, body)
    headers["last-modified"] = formatdate(stat.st_mtime, usegmt=True)
    headers["etag"] = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    if request.headers.get("if-none-match") == headers["etag"]:
        return Response(
            status_code=304, headers={k: v for k, v in headers.items() if k != "content-type"}
        )
    return Response(body, headers=headers)
