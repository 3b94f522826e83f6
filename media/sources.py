"""What a room is transcoded from: a test pattern, a file, or a pipe fed by an ingest.

Each source knows the FFmpeg input it stands for (`input_args`), whether it carries
audio and whether its video can be copied as-is (H.264, for ladder passthrough).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

PipeFormat = Literal["flv", "webm", "mp4"]

# FFmpeg demuxer for each pipe format.
_PIPE_DEMUXERS: dict[str, str] = {"flv": "flv", "webm": "matroska", "mp4": "mov"}


# FFmpeg's generated pictures a test source may show (demo rooms show different ones).
TEST_PATTERNS = ("testsrc2", "smptehdbars", "mandelbrot", "life", "cellauto")


@dataclass(frozen=True, slots=True)
class TestPattern:
    """FFmpeg's ``testsrc2`` pattern (or another of :data:`TEST_PATTERNS`) with a ``sine``
    tone; endless unless `duration_s`."""

    __test__ = False  # not a pytest class

    width: int = 1280
    height: int = 720
    fps: float = 30.0
    duration_s: float | None = None
    realtime: bool = True
    tone_hz: int = 440
    pattern: str = "testsrc2"

    has_audio = True
    can_copy = False
    is_pipe = False

    def input_args(self) -> tuple[str, dict[str, Any]]:
        """The ``-i`` url and input options."""
        if self.pattern not in TEST_PATTERNS:
            raise ValueError(f"unknown test pattern {self.pattern!r}")
        dur = f":d={self.duration_s:g}" if self.duration_s else ""
        picture = f"{self.pattern}=s={self.width}x{self.height}:r={self.fps:g}"
        if self.pattern == "testsrc2":
            picture += dur
        elif self.duration_s:  # the other generators have no duration of their own
            picture += f",trim=duration={self.duration_s:g}"
        graph = f"{picture}[out0];sine=f={self.tone_hz}:r=48000{dur}[out1]"
        opts: dict[str, Any] = {"f": "lavfi"}
        if self.realtime:
            opts["re"] = None
        return graph, opts


@dataclass(frozen=True, slots=True)
class FileSource:
    """A media file, played at its own pace when `realtime` (a simulated live stream).

    `has_audio` / `video_codec` are filled in by `probe_source` when left as None.
    """

    path: Path
    realtime: bool = True
    loop: bool = False
    has_audio: bool | None = None
    video_codec: str | None = None

    is_pipe = False

    @property
    def can_copy(self) -> bool:
        """Whether the video can be stream-copied into HLS (H.264 only)."""
        return self.video_codec == "h264"

    def input_args(self) -> tuple[str, dict[str, Any]]:
        """The ``-i`` url and input options."""
        opts: dict[str, Any] = {}
        if self.realtime:
            opts["re"] = None
        if self.loop:
            opts["stream_loop"] = -1
        return str(self.path), opts


@dataclass(frozen=True, slots=True)
class PipeSource:
    """Bytes written to FFmpeg's stdin by an ingest (RTMP as FLV, browser WebM / MP4)."""

    format: PipeFormat = "flv"
    has_audio: bool = True
    video_codec: str | None = None

    is_pipe = True

    def __post_init__(self) -> None:
        if self.format not in _PIPE_DEMUXERS:
            raise ValueError(f"unsupported pipe format {self.format!r}")

    @property
    def can_copy(self) -> bool:
        """Whether the video can be stream-copied into HLS (H.264 only)."""
        return self.video_codec == "h264"

    def input_args(self) -> tuple[str, dict[str, Any]]:
        """The ``-i`` url and input options: a short probe so startup stays quick.

        ``fpsprobesize 0`` matters: guessing the frame rate would hold the first frames
        back ~0.6 s, and the HLS muxer takes its program date time from the wall clock at
        start-up, so EXT-X-PROGRAM-DATE-TIME would lag the capture clock by that much.
        """
        return "pipe:0", {
            "f": _PIPE_DEMUXERS[self.format],
            "probesize": 1_000_000,
            "analyzeduration": 500_000,
            "fpsprobesize": 0,
        }


Source = TestPattern | FileSource | PipeSource

_STREAM_RE = re.compile(r"Stream #\d+:\d+.*?: (Video|Audio): (\w+)")


def parse_probe_output(stderr: str) -> tuple[bool, bool, str | None]:
    """Parse ``ffmpeg -i`` stderr into (has_video, has_audio, video codec)."""
    has_video = has_audio = False
    codec = None
    for kind, name in _STREAM_RE.findall(stderr):
        if kind == "Video" and not has_video:
            has_video, codec = True, name
        elif kind == "Audio":
            has_audio = True
    return has_video, has_audio, codec


async def probe_source(ffmpeg: str, source: FileSource) -> FileSource:
    """Fill in `has_audio` / `video_codec` of a file source by asking FFmpeg.

    Runs ``ffmpeg -i file`` as a subprocess (there is no ffprobe in imageio-ffmpeg) and
    reads the stream list it prints. Raises FileNotFoundError / ValueError.
    """
    if source.has_audio is not None and source.video_codec is not None:
        return source
    if not await asyncio.to_thread(Path(source.path).is_file):
        raise FileNotFoundError(source.path)
    proc = await asyncio.create_subprocess_exec(
        ffmpeg, "-hide_banner", "-nostdin", "-i", str(source.path),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await proc.communicate()
    has_video, has_audio, codec = parse_probe_output(err.decode(errors="replace"))
    if not has_video:
        raise ValueError(f"{source.path}: no video stream found")
    return replace(
        source,
        has_audio=has_audio if source.has_audio is None else source.has_audio,
        video_codec=source.video_codec or codec,
    )
