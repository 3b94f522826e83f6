"""Simulcast: forward a room's live stream to other RTMP services (YouTube, Twitch, …).

One `Forwarder` per destination runs its own FFmpeg that reads the room's top HLS
rendition (the source itself where the ladder passes it through, otherwise the best
encode) and copies it, without re-encoding, to ``rtmp(s)://…``::

    ffmpeg -live_start_index -1 -i <room>/<top>/index.m3u8 -c copy -f flv rtmp://host/app/key

Reading the published HLS instead of the ingest keeps a destination apart from the room:
a destination that drops, refuses or stalls only restarts its own FFmpeg (exponential
backoff), never the room's transcoder, and it works the same for every source (RTMP,
browser camera, file, test pattern). A stream copy costs a few percent of one core.

Statuses go to an async ``on_status(room_id, destination_id, status, info)``:
``connecting`` → ``live`` → (``reconnecting`` → ``live``)* → ``stopped``.

A streamer types the address, so it could name a service inside our network (server-side
request forgery). Unless private destinations are allowed (development, the tests' local
RTMP listeners), a destination must be on a public address: `check_destination` refuses a
local name or private IP literal, and before every connection the forwarder resolves the
host again (DNS can change), refuses it (status ``refused``, retried after the longest
backoff) when any address is not public, and hands FFmpeg the checked address itself, with
the name kept for RTMP's ``tcUrl`` and TLS's server name (`pin_address`).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import re
import signal
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Literal
from urllib.parse import SplitResult, urlsplit

from media.addresses import PrivateAddressError, refused_host, resolve_public
from media.children import die_with_parent

logger = logging.getLogger("media.simulcast")

ForwardStatus = Literal["connecting", "live", "reconnecting", "refused", "stopped"]
ForwardCallback = Callable[[str, str, ForwardStatus, dict[str, Any]], Awaitable[None]]
PlaylistLocator = Callable[[], Path | None]

SCHEMES = ("rtmp", "rtmps")
DEFAULT_PORTS = {"rtmp": 1935, "rtmps": 443}
PRIVATE_MESSAGE = "the address must be a public server, not a local or private network"
LIVE_FOR_RESET_S = 30.0  # a run that stayed up this long resets the backoff
IO_TIMEOUT_US = 10_000_000  # a destination that stops reading for 10 s counts as dropped


class DestinationError(ValueError):
    """A destination URL that cannot be forwarded to."""


def check_destination(url: str, allow_private: bool = False) -> str:
    """The URL if it is an ``rtmp://`` or ``rtmps://`` address with a host and a path,
    that host not a local name or a private IP literal unless `allow_private`.

    Raises `DestinationError` otherwise (FFmpeg would also open files, pipes or HTTP).
    A host name is not resolved here: see `resolve_destination`.
    """
    url = url.strip()
    if len(url) > 1000 or any(c.isspace() or ord(c) < 32 for c in url):
        raise DestinationError("the address must be one line without spaces")
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        raise DestinationError("the address must start with rtmp:// or rtmps://")
    if not parts.hostname:
        raise DestinationError("the address has no host")
    if not parts.path.strip("/"):
        raise DestinationError("the address needs the application and stream key")
    if not allow_private and refused_host(parts.hostname):
        raise DestinationError(PRIVATE_MESSAGE)
    return url


async def resolve_destination(url: str) -> list[str]:
    """The addresses the (checked) URL's host resolves to now, all public.

    Raises `DestinationError` when any is not public, `OSError` when the host does not
    resolve.
    """
    try:
        return await resolve_public(urlsplit(url).hostname or "")
    except PrivateAddressError:
        raise DestinationError(PRIVATE_MESSAGE) from None


def pin_address(url: str, address: str) -> tuple[str, list[str]]:
    """What FFmpeg is handed to publish to `url` through `address` (one its host resolved
    to): the URL with the host replaced by the address, and the options that keep the name
    where the destination sees it (RTMP's ``tcUrl``; for ``rtmps``, TLS's server name).
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    scheme = parts.scheme.lower()
    port = parts.port or DEFAULT_PORTS[scheme]
    pinned = _with_host(parts, f"[{address}]" if ":" in address else address)
    named = f"[{host}]" if ":" in host else host
    options = ["-rtmp_tcurl", f"{scheme}://{named}:{port}/{_rtmp_app(parts.path)}"]
    if scheme == "rtmps":
        options += ["-verifyhost", host]
    return pinned, options


def _with_host(parts: SplitResult, host: str) -> str:
    user = parts.netloc.rpartition("@")[0]
    netloc = (f"{user}@" if user else "") + host + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()


def _rtmp_app(path: str) -> str:
    """The RTMP application FFmpeg takes from a URL path (its rule): the first part, or
    the first two when more than two parts follow (``/app/instance/key``)."""
    if path.startswith("/ondemand/"):
        return "ondemand"
    segments = path.lstrip("/").split("/")
    return "/".join(segments[:2]) if len(segments) > 2 else segments[0]


def redact(url: str) -> str:
    """The URL with its stream key (the last path part) and any password hidden, for
    logs and pages: ``rtmp://a.rtmp.youtube.com/live2/••••9f2c``."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    path, _, key = parts.path.rpartition("/")
    hidden = "••••" + key[-4:] if len(key) > 8 else "••••"
    return f"{parts.scheme}://{host}{path}/{hidden}"


def forward_command(
    ffmpeg: str, playlist: Path, url: str, connect_options: list[str] | None = None
) -> list[str]:
    """The FFmpeg command copying the live playlist's newest segments to `url`
    (`connect_options`: see `pin_address`)."""
    return [
        ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error",
        "-live_start_index", "-1", "-i", str(playlist),
        "-map", "0:v:0", "-map", "0:a:0?", "-c", "copy",
        "-progress", "pipe:1", "-stats_period", "1",
        "-rw_timeout", str(IO_TIMEOUT_US), "-flvflags", "no_duration_filesize",
        *(connect_options or []), "-f", "flv", url,
    ]  # fmt: skip


class Forwarder:
    """Keeps one FFmpeg copying a room's live stream to one destination.

    ``playlist`` locates the room's top rendition playlist (None while it does not
    exist yet: the forwarder waits). `stop` ends it; a source that ends (the playlist gets
    ``EXT-X-ENDLIST``) ends it too. Unless `allow_private`, each connection goes to an
    address checked public just before (see the module's notes).
    """

    def __init__(
        self,
        ffmpeg: str,
        playlist: PlaylistLocator,
        url: str,
        *,
        room_id: str,
        destination_id: str,
        on_status: ForwardCallback | None = None,
        backoff_initial_s: float = 1.0,
        backoff_max_s: float = 30.0,
        allow_private: bool = False,
    ) -> None:
        self.ffmpeg = ffmpeg
        self.playlist = playlist
        self.allow_private = allow_private
        # Only the form here: a private host is refused at each connection, with a status.
        self.url = check_destination(url, allow_private=True)
        self._connect_url = self.url
        self.room_id = room_id
        self.destination_id = destination_id
        self.on_status = on_status
        self.backoff_initial_s = backoff_initial_s
        self.backoff_max_s = backoff_max_s
        self.status: ForwardStatus | None = None
        self.attempts = 0
        self.pid: int | None = None
        self._proc: asyncio.subprocess.Process | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._errors: collections.deque[str] = collections.deque(maxlen=5)

    @property
    def running(self) -> bool:
        """True until the forwarder has stopped."""
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start forwarding (returns at once)."""
        if self._task is not None:
            raise RuntimeError("forwarder already started")
        name = f"simulcast-{self.room_id}-{self.destination_id}"
        self._task = asyncio.create_task(self._run(), name=name)

    async def stop(self, timeout: float = 5.0) -> None:
        """Stop forwarding: FFmpeg gets SIGINT (it closes the RTMP session), then a kill."""
        self._stop.set()
        await self._end_process(timeout)
        if self._task is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self._task), timeout)

    # -- the loop ---------------------------------------------------------------------

    async def _run(self) -> None:
        delay = self.backoff_initial_s
        reason = "stopped"
        try:
            while not self._stop.is_set():
                playlist = await self._wait_for_playlist()
                if playlist is None:
                    break
                started = time.monotonic()
                code = await self._attempt(playlist)
                if code is None:  # refused: the host is (now) private; DNS may change back
                    if await self._sleep_or_stop(self.backoff_max_s):
                        break
                    continue
                if self._stop.is_set():
                    break
                if code == 0 and _ended(playlist):
                    reason = "source_ended"
                    break
                if time.monotonic() - started > LIVE_FOR_RESET_S:
                    delay = self.backoff_initial_s
                await self._set_status(
                    "reconnecting", returncode=code, delay_s=delay, error=self.error_summary()
                )
                if await self._sleep_or_stop(delay):
                    break
                delay = min(delay * 2, self.backoff_max_s)
        except Exception:
            logger.exception("simulcast %s → %s failed", self.room_id, redact(self.url))
            reason = "failed"
        finally:
            await self._set_status("stopped", reason=reason)

    async def _attempt(self, playlist: Path) -> int | None:
        """One connection: check where the host points now, then run FFmpeg. FFmpeg's
        exit code (-1: the host did not resolve), or None when the host is refused."""
        self._errors.clear()
        try:
            target, options = await self._connect_target()
        except DestinationError as exc:
            await self._set_status("refused", error=str(exc))
            return None
        except OSError as exc:  # not resolved (yet): retried like a dropped connection
            self._errors.append(f"{urlsplit(self.url).hostname} did not resolve ({exc})")
            return -1
        await self._set_status("connecting", attempt=self.attempts + 1)
        return await self._run_once(playlist, target, options)

    async def _connect_target(self) -> tuple[str, list[str]]:
        """The URL FFmpeg opens and its connect options: the destination itself where
        private addresses are allowed, else pinned to an address checked public now."""
        if self.allow_private:
            return self.url, []
        addresses = await resolve_destination(self.url)
        return pin_address(self.url, addresses[0])

    async def _run_once(self, playlist: Path, target: str, options: list[str]) -> int:
        self.attempts += 1
        self._connect_url = target
        proc = await asyncio.create_subprocess_exec(
            *forward_command(self.ffmpeg, playlist, target, options),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            preexec_fn=die_with_parent(),
        )
        self._proc, self.pid = proc, proc.pid
        assert proc.stdout is not None and proc.stderr is not None
        errors = asyncio.create_task(self._read_errors(proc.stderr))
        try:
            async for raw in proc.stdout:  # -progress: key=value lines, a block a second
                key, _, value = raw.decode(errors="replace").strip().partition("=")
                if key == "total_size" and value.isdigit() and int(value) > 0:
                    if self.status != "live":
                        await self._set_status("live", attempt=self.attempts)
            return await proc.wait()
        finally:
            await self._end_process(2.0)
            with contextlib.suppress(asyncio.CancelledError):
                await errors
            self._proc = None

    async def _read_errors(self, stream: asyncio.StreamReader) -> None:
        async for raw in stream:
            line = raw.decode(errors="replace").strip()
            if line:
                for url in {self.url, self._connect_url}:
                    line = line.replace(url, redact(url))
                self._errors.append(line)

    async def _end_process(self, timeout: float) -> None:
        proc = self._proc
        if proc is None or proc.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(proc.wait(), timeout)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()

    async def _wait_for_playlist(self) -> Path | None:
        while not self._stop.is_set():
            path = self.playlist()
            if path is not None and await asyncio.to_thread(path.is_file):
                return path
            if await self._sleep_or_stop(0.5):
                return None
        return None

    async def _sleep_or_stop(self, delay: float) -> bool:
        try:
            await asyncio.wait_for(self._stop.wait(), delay)
        except TimeoutError:
            return False
        return True

    def error_summary(self) -> str:
        """FFmpeg's last error lines, with the stream key hidden."""
        return " | ".join(self._errors)[-300:]

    async def _set_status(self, status: ForwardStatus, **info: Any) -> None:
        self.status = status
        logger.info("simulcast room %s → %s: %s %s", self.room_id, redact(self.url), status, info)
        if self.on_status is None:
            return
        try:
            await self.on_status(self.room_id, self.destination_id, status, info)
        except Exception:
            logger.exception("simulcast status callback failed")


_ENDLIST = re.compile(rb"^#EXT-X-ENDLIST", re.MULTILINE)


def _ended(playlist: Path) -> bool:
    try:
        return bool(_ENDLIST.search(playlist.read_bytes()))
    except OSError:
        return True
