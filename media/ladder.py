"""The HLS ladder: which renditions a room is encoded into and how they are segmented.

A `Ladder` is plain data, like Owncast's stream output variants. The transcoder turns it
into FFmpeg arguments; nothing here starts a process.

* The default ladder is 720p + 360p H.264/AAC, 1 s segments.
* Every encoded rung gets keyframes forced on segment boundaries (GOP = fps * segment)
  so all renditions switch cleanly.
* `passthrough=True` copies the source video as the top rendition (named ``source``)
  instead of encoding rung 0; only the lower rungs are encoded. Its segments then follow
  the publisher's keyframe interval (ask streamers for a 1-2 s keyframe interval).
* Playlists are a rolling window (`list_size` segments, old ones deleted) and carry
  ``EXT-X-PROGRAM-DATE-TIME`` so players can measure latency.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Literal

SegmentType = Literal["mpegts", "fmp4"]

SOURCE_RENDITION = "source"
_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_RATE_RE = re.compile(r"^(\d+(?:\.\d+)?)([kKmM]?)$")


class LadderError(ValueError):
    """A ladder setting is out of range or malformed."""


def parse_bitrate(text: str | int) -> int:
    """Parse ``"2800k"`` / ``"2.5M"`` / ``800000`` into bits per second."""
    if isinstance(text, int):
        return text
    match = _RATE_RE.match(text.strip())
    if not match:
        raise LadderError(f"bad bitrate {text!r} (expected e.g. 800k, 2.5M)")
    scale = {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]
    return int(float(match.group(1)) * scale)


@dataclass(frozen=True, slots=True)
class Rung:
    """One encoded rendition: output height (width follows the aspect ratio) and bitrates."""

    name: str
    height: int
    video_bitrate: int
    audio_bitrate: int = 96_000
    profile: str = "main"

    def __post_init__(self) -> None:
        if not _NAME_RE.match(self.name):
            raise LadderError(f"bad rung name {self.name!r}")
        if self.name == SOURCE_RENDITION:
            raise LadderError(f"{SOURCE_RENDITION!r} is reserved for passthrough")
        if not 16 <= self.height <= 4320 or self.height % 2:
            raise LadderError(f"rung {self.name}: height must be even, 16..4320")
        if self.video_bitrate < 10_000 or self.audio_bitrate < 8_000:
            raise LadderError(f"rung {self.name}: bitrate too low")


@dataclass(frozen=True, slots=True)
class Rendition:
    """A variant stream as the transcoder builds it: an encoded rung or the copied source."""

    name: str
    rung: Rung | None  # None: the source video is copied (passthrough)
    audio_bitrate: int

    @property
    def copy(self) -> bool:
        """True when the source video is copied instead of encoded."""
        return self.rung is None


DEFAULT_RUNGS: tuple[Rung, ...] = (
    Rung("720p", 720, 2_800_000, 128_000, "high"),
    Rung("360p", 360, 800_000, 96_000, "main"),
)


@dataclass(frozen=True, slots=True)
class Ladder:
    """How a room is transcoded to HLS.

    `segment_s` is the target segment duration (1-2 s); `list_size` the number of segments
    kept in each live playlist; `fps` the frame rate every encoded rung is normalised to.
    """

    rungs: tuple[Rung, ...] = DEFAULT_RUNGS
    passthrough: bool = False
    segment_s: float = 1.0
    list_size: int = 6
    fps: float = 30.0
    preset: str = "veryfast"
    tune: str | None = "zerolatency"
    segment_type: SegmentType = "mpegts"
    audio_rate: int = 48_000
    extra_flags: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.rungs:
            raise LadderError("a ladder needs at least one rung")
        names = [r.name for r in self.rungs]
        if len(set(names)) != len(names):
            raise LadderError(f"duplicate rung names: {names}")
        if not 1.0 <= self.segment_s <= 2.0:
            raise LadderError("segment_s must be between 1 and 2 seconds")
        if not 2 <= self.list_size <= 60:
            raise LadderError("list_size must be between 2 and 60")
        if not 1 <= self.fps <= 120:
            raise LadderError("fps must be between 1 and 120")
        if self.segment_type not in ("mpegts", "fmp4"):
            raise LadderError("segment_type must be 'mpegts' or 'fmp4'")

    # -- derived values -------------------------------------------------------------

    @property
    def gop(self) -> int:
        """Frames between keyframes of encoded rungs: one keyframe per segment."""
        return max(1, round(self.fps * self.segment_s))

    @property
    def segment_ext(self) -> str:
        """File extension of media segments (``.ts`` or ``.m4s``)."""
        return ".ts" if self.segment_type == "mpegts" else ".m4s"

    @property
    def force_key_frames(self) -> str:
        """FFmpeg ``-force_key_frames`` expression putting a keyframe on every boundary."""
        return f"expr:gte(t,n_forced*{self.segment_s:g})"

    def renditions(self, *, can_copy: bool) -> list[Rendition]:
        """The variant streams, top first.

        With `passthrough` and a source that can be copied (H.264), the top rung is
        replaced by a copy of the source video; otherwise every rung is encoded.
        """
        out = [Rendition(r.name, r, r.audio_bitrate) for r in self.rungs]
        if self.passthrough and can_copy:
            out[0] = Rendition(SOURCE_RENDITION, None, self.rungs[0].audio_bitrate)
        return out

    def hls_flags(self, *, resume: bool = False) -> str:
        """The ``-hls_flags`` value; `resume` appends to playlists of an earlier run."""
        flags = [
            "delete_segments",
            "program_date_time",
            "independent_segments",
            "temp_file",
            *self.extra_flags,
        ]
        if resume:
            flags += ["append_list", "discont_start"]
        return "+".join(flags)

    def var_stream_map(self, renditions: list[Rendition], *, audio: bool) -> str:
        """The ``-var_stream_map`` value: one variant per rendition, muxed audio if any."""
        parts = []
        for i, rendition in enumerate(renditions):
            streams = f"v:{i},a:{i}" if audio else f"v:{i}"
            parts.append(f"{streams},name:{rendition.name}")
        return " ".join(parts)

    def target_duration(self) -> int:
        """The HLS target duration announced for encoded rungs (whole seconds)."""
        return math.ceil(self.segment_s)

    def with_options(self, **changes: object) -> Ladder:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)  # type: ignore[arg-type]


DEFAULT_LADDER = Ladder()


def parse_rungs(spec: str) -> tuple[Rung, ...]:
    """Parse a ladder spec such as ``"720p:2800k:128k,360p:800k"``.

    Each item is ``<height>p[:<video bitrate>[:<audio bitrate>]]``; bitrates default to a
    rough rule of thumb for the height.
    """
    rungs = []
    for item in filter(None, (s.strip() for s in spec.split(","))):
        head, *rates = item.split(":")
        if not head.lower().endswith("p") or not head[:-1].isdigit():
            raise LadderError(f"bad rung {item!r} (expected e.g. 720p:2800k)")
        height = int(head[:-1])
        video = parse_bitrate(rates[0]) if rates else _default_video_bitrate(height)
        audio = (
            parse_bitrate(rates[1]) if len(rates) > 1 else (128_000 if height >= 720 else 96_000)
        )
        rungs.append(Rung(f"{height}p", height, video, audio, "high" if height >= 720 else "main"))
    if not rungs:
        raise LadderError("empty ladder spec")
    return tuple(rungs)


def _default_video_bitrate(height: int) -> int:
    """A plausible H.264 bitrate for a 30 fps rendition of this height."""
    return int(2_800_000 * (height / 720) ** 1.5)
