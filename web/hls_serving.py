"""``/hls/<room>/<path>`` from the HLS root, cheap enough for thousands of viewers.

Behind nginx (``deploy/nginx.conf``) these files never reach the web process. Served by the
app itself, each request costs one ``stat`` and, most of the time, no read at all:

* segments are immutable (their names never repeat), so their bytes are kept in a bounded
  in-memory LRU keyed by (path, size, mtime): 3,000 viewers fetching the same 1 s segment
  read it from disk once;
* playlists are a few hundred bytes rewritten each segment; they are cached the same way
  until their size or mtime changes.

A hit costs no thread hop; a miss reads the file in a worker thread. `HlsFront` answers
cached files ahead of the app's middleware and router (see there).

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
from starlette.types import ASGIApp, Receive, Scope, Send

from app.security_headers import HSTS, SECURITY_HEADERS
from media import HlsPathError, find_hls_file, hls_headers, resolve_hls_path

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


def _read(file: str | Path) -> bytes:
    with open(file, "rb") as f:
        return f.read()


def _not_found() -> HTTPException:
    return HTTPException(404, "not found")


_real_roots: dict[str, str] = {}


def real_root(root: str | Path) -> str:
    """The HLS root with its symbolic links resolved (once per process and root)."""
    key = str(root)
    found = _real_roots.get(key)
    if found is None:
        found = _real_roots[key] = os.path.realpath(key)
    return found


async def cached_answer(
    root: str | Path, room_id: str, path: str, if_none_match: str | None
) -> tuple[int, dict[str, str], bytes] | None:
    """Status, headers and body of a small HLS file from the cache (read on a miss), or
    ``None`` when the caller must answer otherwise: a refused or missing path (404) or a
    file over ``MAX_CACHED_FILE`` (streamed)."""
    try:
        file, stat = find_hls_file(real_root(root), room_id, path)
        headers = hls_headers(path)
    except (HlsPathError, OSError):
        return None
    if stat.st_size > MAX_CACHED_FILE:
        return None
    key = (file, stat.st_size, stat.st_mtime_ns)
    body = _cache.get(key)
    if body is None:
        try:
            body = await anyio.to_thread.run_sync(_read, file)
        except OSError:
            return None
        if len(body) != stat.st_size:  # rewritten meanwhile: serve it, do not keep it
            return 200, headers, body
        _cache.put(key, body)
    headers["last-modified"] = formatdate(stat.st_mtime, usegmt=True)
    headers["etag"] = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    if if_none_match == headers["etag"]:
        del headers["content-type"]
        return 304, headers, b""
    return 200, headers, body


async def hls_file(request: Request) -> Response:
    """``/hls/<room>/<path>``: playlists ``max-age=1``, segments immutable, nothing outside."""
    root = request.app.state.settings.hls_dir
    room_id, path = request.path_params["room_id"], request.path_params["path"]
    if "range" not in request.headers:
        found = await cached_answer(root, room_id, path, request.headers.get("if-none-match"))
        if found is not None:
            status, headers, body = found
            return Response(body, status_code=status, headers=headers)
    try:
        file = resolve_hls_path(root, room_id, path)
        headers = hls_headers(path)
        stat = os.stat(file)
    except (HlsPathError, OSError):
        raise _not_found() from None
    if not S_ISREG(stat.st_mode):
        raise _not_found()
    return FileResponse(file, headers=headers, stat_result=stat)


class HlsFront:
    """``GET /hls/…`` answered ahead of the app's middleware and router (a pure ASGI
    middleware, outermost): sessions, the language, CSRF and write limits mean nothing to
    a segment, and at thousands of requests a second their cost and the router's walk over
    every route were most of a segment's. The answer is `cached_answer`'s with the security
    headers every response gets (``app.security_headers``; no page, so no CSP).

    Whatever it does not answer from the cache (a refused or missing path, a ``Range``
    request, a large file, ``HEAD``) goes on to the app's ``/hls`` route, which answers it
    as before (404, 206, a streamed file)."""

    def __init__(self, app: ASGIApp, root: str | Path, https: bool = False) -> None:
        self.app = app
        self.root = root
        self.extra = [*SECURITY_HEADERS]
        if https:
            self.extra.append((b"strict-transport-security", HSTS))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] == "http" and scope["method"] == "GET" and path.startswith("/hls/"):
            if await self._serve(scope, path[5:], send):
                return
        await self.app(scope, receive, send)

    async def _serve(self, scope: Scope, rest: str, send: Send) -> bool:
        room_id, slash, path = rest.partition("/")
        if not slash:
            return False
        if_none_match = None
        for name, value in scope["headers"]:
            if name == b"range":
                return False
            if name == b"if-none-match":
                if_none_match = value.decode("latin-1")
        found = await cached_answer(self.root, room_id, path, if_none_match)
        if found is None:
            return False
        status, headers, body = found
        raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        if status == 200:
            raw.append((b"content-length", str(len(body)).encode("latin-1")))
        await send({"type": "http.response.start", "status": status, "headers": raw + self.extra})
        await send({"type": "http.response.body", "body": body})
        return True
