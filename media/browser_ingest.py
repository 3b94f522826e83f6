"""Ingest of browser camera chunks (MediaRecorder over a websocket) into a room's FFmpeg.

The first bytes must be WebM/Matroska (EBML magic) or MP4 (Safari's fragmented MP4);
anything else raises `IngestError` and starts nothing. The stream header (everything
before the first WebM Cluster / MP4 ``moof``) is kept so a restarted FFmpeg gets it
again, and clusters / fragments are marked as sync points.

Usage (the web layer's websocket handler)::

    ingest = worker.browser_ingest(room_id)
    try:
        async for chunk in websocket.iter_bytes():
            await ingest.write(chunk)
    except IngestError as exc:
        await websocket.close(code=1003, reason=str(exc))
    finally:
        await ingest.close()
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Awaitable, Callable
from typing import Literal

from media.feed import MediaFeed
from media.sources import PipeSource

logger = logging.getLogger("media.browser_ingest")

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
CLUSTER_ID = b"\x1f\x43\xb6\x75"
_TIMESTAMP_ID = 0xE7
_SEGMENT, _TRACKS, _TRACK_ENTRY, _TRACK_TYPE, _CODEC_ID = (
    0x18538067, 0x1654AE6B, 0xAE, 0x83, 0x86,
)  # fmt: skip
_MP4_FIRST_BOXES = (b"ftyp", b"styp", b"moov", b"moof", b"free", b"skip")
_WEBM_CODECS = {
    "V_VP8": "vp8", "V_VP9": "vp9", "V_AV1": "av1",
    "V_MPEG4/ISO/AVC": "h264", "V_MPEGH/ISO/HEVC": "hevc",
}  # fmt: skip
_MP4_CODECS = {b"avc1": "h264", b"avc3": "h264", b"vp09": "vp9", b"av01": "av1", b"hvc1": "hevc"}
_CARRY = 13  # bytes needed to recognise a cluster start: ID (4) + size (<= 8) + first child

Container = Literal["webm", "mp4"]
StartCallback = Callable[[PipeSource], Awaitable[MediaFeed]]


class IngestError(ValueError):
    """The browser sent something that is not a stream we can take."""


def sniff_container(head: bytes) -> Container:
    """Tell WebM/Matroska from MP4 by the first bytes, or raise `IngestError`."""
    if head[:4] == EBML_MAGIC:
        return "webm"
    if len(head) >= 8 and head[4:8] in _MP4_FIRST_BOXES:
        return "mp4"
    raise IngestError(f"not a WebM/Matroska or MP4 stream (starts with {head[:8].hex()})")


# -- EBML (WebM) -----------------------------------------------------------------------


def _vint(data: bytes, pos: int, *, keep_marker: bool) -> tuple[int | None, int]:
    """Read an EBML variable-size integer: (value or None for 'unknown', length)."""
    if pos >= len(data):
        raise IngestError("truncated EBML")
    first = data[pos]
    if first == 0:
        raise IngestError("invalid EBML variable-size integer")
    length = 9 - first.bit_length()
    if pos + length > len(data):
        raise IngestError("truncated EBML")
    value = first if keep_marker else first & (0xFF >> length)
    all_ones = value == (0xFF >> length)
    for b in data[pos + 1 : pos + length]:
        value = (value << 8) | b
        all_ones = all_ones and b == 0xFF
    return (None if all_ones and not keep_marker else value), length


def _elements(data: bytes, start: int, end: int):
    """Yield (id, payload start, payload end) of the EBML elements in data[start:end]."""
    pos = start
    while pos < end:
        element_id, n = _vint(data, pos, keep_marker=True)
        size, m = _vint(data, pos + n, keep_marker=False)
        body = pos + n + m
        stop = end if size is None else min(end, body + size)
        yield element_id, body, stop
        if size is None:
            return
        pos = body + size


def webm_tracks(init: bytes) -> tuple[bool, bool, str | None]:
    """(has video, has audio, video codec) from a WebM header, by reading its Tracks."""
    has_video = has_audio = False
    codec = None
    for top_id, body, stop in _elements(init, 0, len(init)):
        if top_id != _SEGMENT:
            continue
        for child_id, cbody, cstop in _elements(init, body, stop):
            if child_id != _TRACKS:
                continue
            for entry_id, ebody, estop in _elements(init, cbody, cstop):
                if entry_id != _TRACK_ENTRY:
                    continue
                fields = {fid: init[fb:fe] for fid, fb, fe in _elements(init, ebody, estop)}
                kind = int.from_bytes(fields.get(_TRACK_TYPE, b"\x00"), "big")
                name = fields.get(_CODEC_ID, b"").decode("ascii", "replace").rstrip("\x00")
                if kind == 1 and not has_video:
                    has_video, codec = True, _WEBM_CODECS.get(name, name.lower() or None)
                elif kind == 2:
                    has_audio = True
    return has_video, has_audio, codec


def find_cluster(data: bytes, start: int = 0) -> int | None:
    """Offset of the next plausible Cluster start, or None; -1 - offset if undecidable yet.

    A Cluster ID followed by a valid size and a Timestamp element is taken as a cluster
    (the 4-byte ID alone could occur inside frame data).
    """
    pos = data.find(CLUSTER_ID, start)
    while pos != -1:
        if pos + _CARRY > len(data):
            return -1 - pos
        first = data[pos + 4]
        if first:
            length = 9 - first.bit_length()
            if data[pos + 4 + length] == _TIMESTAMP_ID:
                return pos
        pos = data.find(CLUSTER_ID, pos + 1)
    return None


# -- MP4 -------------------------------------------------------------------------------


def mp4_tracks(init: bytes) -> tuple[bool, bool, str | None]:
    """(has video, has audio, video codec) from an MP4 header (``hdlr`` / sample entries)."""
    handlers = set()
    pos = init.find(b"hdlr")
    while pos != -1:
        handlers.add(init[pos + 12 : pos + 16])
        pos = init.find(b"hdlr", pos + 4)
    codec = next((name for tag, name in _MP4_CODECS.items() if tag in init), None)
    return b"vide" in handlers, b"soun" in handlers, codec


class BrowserIngest:
    """Validates, splits and pipes one browser publisher's chunks into a room's feed.

    `start(source)` is called once the header is complete; it starts (or resumes) the
    room and returns the feed to write into.
    """

    def __init__(self, start: StartCallback, *, max_header_bytes: int = 4 * 1024 * 1024) -> None:
        self._start = start
        self._max_header = max_header_bytes
        self._head = bytearray()
        self._carry = b""
        self._mp4_box_left = 0
        self.container: Container | None = None
        self.feed: MediaFeed | None = None
        self.source: PipeSource | None = None
        self.closed = False

    async def write(self, chunk: bytes) -> None:
        """Take the next MediaRecorder chunk; raises `IngestError` on a bad stream."""
        if self.closed:
            raise IngestError("ingest is closed")
        if not chunk:
            return
        if self.feed is None:
            await self._collect_header(bytes(chunk))
        elif self.feed.closed:
            raise IngestError("the room's stream was stopped")
        elif self.container == "webm":
            await self._write_webm(self._carry + bytes(chunk))
        else:
            await self._write_mp4(bytes(chunk))

    async def close(self) -> None:
        """The browser stopped: flush what is held back and end the feed."""
        if self.closed:
            return
        self.closed = True
        if self.feed is not None and not self.feed.closed:
            if self._carry:
                await self.feed.write(self._carry)
                self._carry = b""
            await self.feed.close()

    # -- header ---------------------------------------------------------------------

    async def _collect_header(self, chunk: bytes) -> None:
        self._head += chunk
        head = bytes(self._head)
        if len(head) < 8:
            if head[: len(EBML_MAGIC)] != EBML_MAGIC[: len(head)]:
                raise IngestError(f"not a WebM/Matroska or MP4 stream (starts with {head.hex()})")
            return
        self.container = self.container or sniff_container(head)
        split = self._header_end(head)
        if split is None:
            if len(head) > self._max_header:
                self.closed = True
                raise IngestError(f"no media in the first {self._max_header} bytes")
            return
        init, rest = head[:split], head[split:]
        has_video, has_audio, codec = (
            webm_tracks(init) if self.container == "webm" else mp4_tracks(init)
        )
        if not has_video:
            self.closed = True
            raise IngestError("the stream has no video track")
        self.source = PipeSource(self.container, has_audio=has_audio, video_codec=codec)
        self._head.clear()
        feed = await self._start(self.source)
        feed.set_init(init)
        await feed.wait_attached(10)
        self.feed = feed
        if self.container == "webm":
            await self._write_webm(rest)
        else:
            await self._write_mp4(rest)

    def _header_end(self, head: bytes) -> int | None:
        if self.container == "webm":
            pos = find_cluster(head)
            return pos if pos is not None and pos >= 0 else None
        pos = 0
        while pos + 8 <= len(head):
            size = int.from_bytes(head[pos : pos + 4], "big")
            if head[pos + 4 : pos + 8] == b"moof":
                return pos
            if size == 1 and pos + 16 <= len(head):
                size = int.from_bytes(head[pos + 8 : pos + 16], "big")
            if size < 8:
                raise IngestError("malformed MP4 box")
            pos += size
        return None

    # -- media ----------------------------------------------------------------------

    async def _write_webm(self, data: bytes) -> None:
        """Write `data` cut at cluster starts (sync points); hold back an undecided tail."""
        assert self.feed is not None
        cuts: list[int] = []
        search = 0
        while True:
            found = find_cluster(data, search)
            if found is None:
                safe_end = max(0, len(data) - (len(CLUSTER_ID) - 1))
                break
            if found < 0:
                safe_end = -1 - found
                break
            cuts.append(found)
            search = found + 1
        bounds = sorted({0, *cuts, safe_end})
        for a, b in itertools.pairwise(bounds):
            if b > a:
                await self.feed.write(data[a:b], sync=a in cuts)
        self._carry = data[safe_end:]

    async def _write_mp4(self, data: bytes) -> None:
        """Write `data`, marking the start of every ``moof`` box as a sync point."""
        assert self.feed is not None
        data = self._carry + data
        self._carry = b""
        pos = 0
        while pos < len(data):
            if self._mp4_box_left:
                take = min(self._mp4_box_left, len(data) - pos)
                await self.feed.write(data[pos : pos + take])
                self._mp4_box_left -= take
                pos += take
                continue
            if len(data) - pos < 16:
                self._carry = data[pos:]
                return
            size = int.from_bytes(data[pos : pos + 4], "big")
            kind = data[pos + 4 : pos + 8]
            if size == 1:
                size = int.from_bytes(data[pos + 8 : pos + 16], "big")
            if size < 8:
                raise IngestError("malformed MP4 box")
            take = min(size, len(data) - pos)
            await self.feed.write(data[pos : pos + take], sync=kind == b"moof")
            self._mp4_box_left = size - take
            pos += take
