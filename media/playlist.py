"""Reading HLS media playlists (the subset FFmpeg writes) and writing them atomically."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass(slots=True)
class Segment:
    """One ``#EXTINF`` entry."""

    uri: str
    duration: float
    program_date_time: datetime | None = None
    discontinuity: bool = False


@dataclass(slots=True)
class MediaPlaylist:
    """A parsed media playlist."""

    target_duration: int = 0
    media_sequence: int = 0
    ended: bool = False
    map_uri: str | None = None
    segments: list[Segment] = field(default_factory=list)


def parse_media_playlist(text: str) -> MediaPlaylist:
    """Parse the tags of a media playlist that matter here (FFmpeg's hls muxer output)."""
    playlist = MediaPlaylist()
    duration: float | None = None
    pdt: datetime | None = None
    discontinuity = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#EXT-X-TARGETDURATION:"):
            playlist.target_duration = int(float(line.split(":", 1)[1]))
        elif line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            playlist.media_sequence = int(line.split(":", 1)[1])
        elif line.startswith("#EXTINF:"):
            duration = float(line.split(":", 1)[1].split(",", 1)[0])
        elif line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            pdt = parse_program_date_time(line.split(":", 1)[1])
        elif line.startswith("#EXT-X-DISCONTINUITY") and not line.startswith(
            "#EXT-X-DISCONTINUITY-SEQUENCE"
        ):
            discontinuity = True
        elif line.startswith("#EXT-X-MAP:"):
            attrs = line.split(":", 1)[1]
            if 'URI="' in attrs:
                playlist.map_uri = attrs.split('URI="', 1)[1].split('"', 1)[0]
        elif line == "#EXT-X-ENDLIST":
            playlist.ended = True
        elif not line.startswith("#") and duration is not None:
            playlist.segments.append(Segment(line, duration, pdt, discontinuity))
            duration, pdt, discontinuity = None, None, False
    return playlist


def parse_program_date_time(value: str) -> datetime:
    """Parse FFmpeg's ``2026-01-02T03:04:05.678+0000`` (or ISO 8601 with ``Z``)."""
    value = value.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    return datetime.fromisoformat(value)


def read_media_playlist(path: Path) -> MediaPlaylist | None:
    """Read and parse a playlist; None if it does not exist (yet)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except (FileNotFoundError, NotADirectoryError):
        return None
    return parse_media_playlist(text)


def write_atomic(path: Path, text: str) -> None:
    """Write a file so readers only ever see the old or the new content."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
