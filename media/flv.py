"""FLV writing and `FlvIngest`: RTMP audio/video messages → an FLV byte stream in a feed.

RTMP carries FLV tag bodies; to pipe them into FFmpeg we add the FLV file header and
tag headers. `FlvIngest` also remembers the codec configuration (metadata, AVC and AAC
sequence headers) so that a restarted FFmpeg can be given a complete header again, and
marks video keyframes as the points a new process may start from.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from media import amf
from media.feed import MediaFeed

logger = logging.getLogger("media.flv")

TAG_AUDIO, TAG_VIDEO, TAG_SCRIPT = 8, 9, 18

_VIDEO_CODECS = {2: "flv1", 4: "vp6", 7: "h264", 12: "hevc"}
_VIDEO_FOURCC = {b"avc1": "h264", b"hvc1": "hevc", b"av01": "av1", b"vp09": "vp9"}
_AUDIO_CODECS = {2: "mp3", 10: "aac", 11: "speex", 13: "opus"}


def flv_header(*, has_audio: bool, has_video: bool = True) -> bytes:
    """The 9-byte FLV file header followed by PreviousTagSize0."""
    flags = (0x04 if has_audio else 0) | (0x01 if has_video else 0)
    return b"FLV\x01" + bytes([flags]) + struct.pack(">I", 9) + b"\x00\x00\x00\x00"


def flv_tag(tag_type: int, timestamp: int, payload: bytes) -> bytes:
    """One FLV tag (11-byte header, body, PreviousTagSize)."""
    timestamp &= 0xFFFFFFFF
    size = len(payload)
    header = (
        bytes([tag_type])
        + size.to_bytes(3, "big")
        + (timestamp & 0xFFFFFF).to_bytes(3, "big")
        + bytes([timestamp >> 24])
        + b"\x00\x00\x00"
    )
    return header + payload + struct.pack(">I", size + 11)


def metadata_tag(metadata: dict[str, Any]) -> bytes:
    """An ``onMetaData`` script tag (as FLV files start with)."""
    return flv_tag(TAG_SCRIPT, 0, amf.encode("onMetaData", amf.ECMAArray(metadata)))


def is_video_keyframe(payload: bytes) -> bool:
    """True for a video tag body holding a keyframe (legacy or enhanced RTMP)."""
    return bool(payload) and (payload[0] >> 4) & 0x07 == 1


def is_video_config(payload: bytes) -> bool:
    """True for a decoder configuration record (AVC/HEVC sequence header)."""
    if len(payload) < 2:
        return False
    if payload[0] & 0x80:  # enhanced RTMP: packet type 0 = SequenceStart
        return payload[0] & 0x0F == 0
    return payload[0] & 0x0F in (7, 12) and payload[1] == 0


def is_audio_config(payload: bytes) -> bool:
    """True for an AAC AudioSpecificConfig (or an enhanced-RTMP audio SequenceStart)."""
    if len(payload) < 2:
        return False
    fmt = payload[0] >> 4
    return (fmt == 10 and payload[1] == 0) or (fmt == 9 and payload[0] & 0x0F == 0)


def video_codec(payload: bytes) -> str | None:
    """The codec name of a video tag body, if recognised."""
    if not payload:
        return None
    if payload[0] & 0x80:
        return _VIDEO_FOURCC.get(bytes(payload[1:5]))
    return _VIDEO_CODECS.get(payload[0] & 0x0F)


@dataclass(slots=True)
class StreamInfo:
    """What a publisher sends, learnt from metadata and the first tags."""

    has_audio: bool
    video_codec: str | None
    audio_codec: str | None
    metadata: dict[str, Any]


StartCallback = Callable[[StreamInfo], Awaitable[MediaFeed]]


class FlvIngest:
    """Turns one publisher's RTMP media messages into FLV in a `MediaFeed`.

    Nothing is started until the first video keyframe: by then the metadata and sequence
    headers are known, so `start(info)` can choose the FFmpeg input (audio or not, copy
    or not) and return the feed to write into.
    """

    def __init__(self, start: StartCallback, *, attach_timeout_s: float = 10.0) -> None:
        self._start = start
        self._attach_timeout_s = attach_timeout_s
        self._feed: MediaFeed | None = None
        self._metadata: dict[str, Any] = {}
        self._video_config: bytes | None = None
        self._audio_config: bytes | None = None
        self._saw_audio = False
        self._audio_codec: str | None = None
        self.info: StreamInfo | None = None

    @property
    def started(self) -> bool:
        """True once media flows into a feed."""
        return self._feed is not None

    async def on_metadata(self, metadata: dict[str, Any]) -> None:
        """``@setDataFrame onMetaData`` from the publisher."""
        self._metadata = dict(metadata)
        if self._feed is not None:
            self._feed.set_init(self._init_bytes())

    async def on_media(self, tag_type: int, timestamp: int, payload: bytes) -> None:
        """An audio (8) or video (9) message body with its RTMP timestamp (ms).

        Raises ConnectionAbortedError once the room was stopped (drops the publisher).
        """
        if self._feed is not None and self._feed.closed:
            raise ConnectionAbortedError("the room's stream was stopped")
        if tag_type == TAG_AUDIO:
            await self._on_audio(timestamp, payload)
        elif tag_type == TAG_VIDEO:
            await self._on_video(timestamp, payload)

    async def close(self) -> None:
        """The publisher stopped: end the feed (FFmpeg finishes its segments)."""
        if self._feed is not None:
            await self._feed.close()

    # -- internals --------------------------------------------------------------------

    async def _on_audio(self, timestamp: int, payload: bytes) -> None:
        if not payload:
            return
        self._saw_audio = True
        self._audio_codec = self._audio_codec or _AUDIO_CODECS.get(payload[0] >> 4)
        tag = flv_tag(TAG_AUDIO, timestamp, payload)
        if is_audio_config(payload):
            self._audio_config = tag
            if self._feed is not None:
                self._feed.set_init(self._init_bytes())
        if self._feed is not None:
            await self._feed.write(tag)

    async def _on_video(self, timestamp: int, payload: bytes) -> None:
        if not payload:
            return
        tag = flv_tag(TAG_VIDEO, timestamp, payload)
        if is_video_config(payload):
            self._video_config = tag
            if self._feed is not None:
                self._feed.set_init(self._init_bytes())
                await self._feed.write(tag)
            return
        keyframe = is_video_keyframe(payload)
        if self._feed is None:
            if not keyframe:
                return
            await self._begin(payload)
        assert self._feed is not None
        await self._feed.write(tag, sync=keyframe)

    async def _begin(self, first_keyframe: bytes) -> None:
        meta = self._metadata
        has_audio = self._saw_audio or self._audio_config is not None or "audiocodecid" in meta
        self.info = StreamInfo(
            has_audio=has_audio,
            video_codec=video_codec(first_keyframe),
            audio_codec=self._audio_codec,
            metadata=meta,
        )
        feed = await self._start(self.info)
        feed.set_init(self._init_bytes())
        if not await feed.wait_attached(self._attach_timeout_s):
            logger.warning("no ffmpeg attached after %ss", self._attach_timeout_s)
        self._feed = feed

    def _init_bytes(self) -> bytes:
        has_audio = self.info.has_audio if self.info else True
        parts = [flv_header(has_audio=has_audio)]
        if self._metadata:
            parts.append(metadata_tag(self._metadata))
        if self._video_config:
            parts.append(_at_zero(self._video_config))
        if self._audio_config and has_audio:
            parts.append(_at_zero(self._audio_config))
        return b"".join(parts)


def _at_zero(tag: bytes) -> bytes:
    """The same FLV tag with its timestamp reset to 0 (config tags in a replayed header)."""
    return tag[:4] + b"\x00\x00\x00\x00" + tag[8:]
