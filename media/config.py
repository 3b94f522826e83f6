"""Plain settings handed to the media package by whoever runs it (the app, a bench, a test).

`media` never reads the app's settings itself: build a `MediaSettings` and pass it in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from media.ladder import DEFAULT_LADDER, Ladder

_ROOM_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@cache
def default_ffmpeg() -> str:
    """The static FFmpeg shipped by imageio-ffmpeg (no system FFmpeg needed)."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


@dataclass(frozen=True, slots=True)
class MediaSettings:
    """Everything the media worker needs to know.

    * `output_dir`: HLS root; a room writes to ``<output_dir>/<room_id>/``.
    * `rtmp_host` / `rtmp_port`: address of the RTMP front (port 0 = ephemeral, None = no
      RTMP front); `rtmp_publish_timeout_s`: how long a connection may take to ``publish``.
    * `grace_s`: how long a room whose publisher went away waits for it to come back.
    * `backoff_initial_s` / `backoff_max_s`: restart delays after FFmpeg crashes.
    * `max_failures`: consecutive crashes without going live before a room is ended.
    * `allow_private_destinations`: simulcast may publish to local and private network
      addresses (development, tests); off, only to public ones (see `media.simulcast`).
    """

    output_dir: Path = Path("var/hls")
    ffmpeg: str = field(default_factory=default_ffmpeg)
    ladder: Ladder = DEFAULT_LADDER
    rtmp_host: str = "127.0.0.1"
    rtmp_port: int | None = 1935
    rtmp_app: str = "live"
    rtmp_publish_timeout_s: float = 5.0
    thumbnail_interval_s: float = 5.0
    thumbnail_height: int = 180
    record_replay: bool = True
    grace_s: float = 10.0
    backoff_initial_s: float = 0.5
    backoff_max_s: float = 30.0
    max_failures: int = 8
    poll_interval_s: float = 0.1
    stop_timeout_s: float = 5.0
    loglevel: str = "warning"
    allow_private_destinations: bool = False

    def room_dir(self, room_id: str | int) -> Path:
        """The directory a room's HLS output goes to (room ids are checked)."""
        return Path(self.output_dir) / check_room_id(room_id)


def check_room_id(room_id: str | int) -> str:
    """Return the room id as a path-safe string, or raise ValueError."""
    text = str(room_id)
    if not _ROOM_RE.match(text):
        raise ValueError(f"invalid room id {text!r}")
    return text
