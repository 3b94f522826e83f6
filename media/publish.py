"""Publishing FFmpeg's playlists with EXT-X-PROGRAM-DATE-TIME on the capture clock.

FFmpeg's HLS muxer dates the first segment with its own wall clock *when the muxer
starts*, which is after FFmpeg has started, probed its input, decoded and encoded the
first frames: 30 ms for a small stream, about half a second for 1080p on two cores.
Players measuring latency from ``EXT-X-PROGRAM-DATE-TIME`` would be off by that much.

So FFmpeg writes private playlists (``.master.m3u8``, ``<rendition>/.live.m3u8``; hidden
names are never served) and `PlaylistPublisher` writes the public ones
(``master.m3u8``, ``<rendition>/index.m3u8``), atomically, with every program date time
moved back by the measured start-up delay of its run: the first segment of a run is
dated when its first frame reached us (the ingest clock), later ones follow the media
timestamps as FFmpeg computed them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from media.playlist import (
    MediaPlaylist,
    parse_media_playlist,
    parse_program_date_time,
    write_atomic,
)

PRIVATE_MASTER = ".master.m3u8"
PRIVATE_VARIANT = ".live.m3u8"
PUBLIC_MASTER = "master.m3u8"
PUBLIC_VARIANT = "index.m3u8"
_PDT = "#EXT-X-PROGRAM-DATE-TIME:"


class PlaylistPublisher:
    """Turns one room's private FFmpeg playlists into public, capture-dated ones."""

    def __init__(self, room_dir: Path) -> None:
        self.room_dir = Path(room_dir)
        self.renditions: list[str] = []
        self.correction_s: float | None = None  # of the current run
        self._capture: float | None = None
        self._offsets: dict[str, float] = {}  # segment uri -> seconds to subtract
        self._known: set[str] = set()
        self._stamps: dict[Path, tuple[int, int]] = {}

    def start_run(self, renditions: list[str]) -> None:
        """A new FFmpeg run begins; segments not seen so far belong to it."""
        self.renditions = list(renditions)
        self.correction_s = None
        self._capture = None
        self._stamps.clear()

    def set_capture_time(self, wall_clock: float | None) -> None:
        """When the run's first frame reached us (wall clock seconds)."""
        if self._capture is None:
            self._capture = wall_clock

    def sync(self) -> dict[str, MediaPlaylist]:
        """Publish playlists that changed; returns the parsed private playlists.

        Blocking file I/O on small files: call it through ``asyncio.to_thread``.
        """
        parsed: dict[str, MediaPlaylist] = {}
        for name in self.renditions:
            private = self.room_dir / name / PRIVATE_VARIANT
            text = self._read_if_changed(private)
            if text is None:
                continue
            playlist = parse_media_playlist(text)
            parsed[name] = playlist
            self._learn(playlist)
            if self.correction_s is None and self._has_new(playlist):
                self._stamps.pop(private, None)  # cannot date this run yet: retry next poll
                continue
            write_atomic(self.room_dir / name / PUBLIC_VARIANT, self._rewrite(text))
        master = self._read_if_changed(self.room_dir / PRIVATE_MASTER)
        if master is not None:
            public = master.replace(f"/{PRIVATE_VARIANT}", f"/{PUBLIC_VARIANT}")
            write_atomic(self.room_dir / PUBLIC_MASTER, public)
        return parsed

    # -- internals --------------------------------------------------------------------

    def _read_if_changed(self, path: Path) -> str | None:
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        stamp = (st.st_mtime_ns, st.st_size)
        if self._stamps.get(path) == stamp:
            return None
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return None
        self._stamps[path] = stamp
        return text

    def _has_new(self, playlist: MediaPlaylist) -> bool:
        return any(s.uri not in self._offsets for s in playlist.segments)

    def _learn(self, playlist: MediaPlaylist) -> None:
        """Give segments new to this run the run's correction (measured on its first)."""
        for segment in playlist.segments:
            if segment.uri in self._offsets:
                continue
            if self.correction_s is None:
                if self._capture is None or segment.program_date_time is None:
                    return
                self.correction_s = segment.program_date_time.timestamp() - self._capture
            self._offsets[segment.uri] = self.correction_s
        if len(self._offsets) > 4096:  # forget segments long gone from every playlist
            live = {s.uri for s in playlist.segments}
            self._offsets = {u: o for u, o in self._offsets.items() if u in live}

    def _rewrite(self, text: str) -> str:
        lines = text.splitlines()
        pending: int | None = None
        for i, line in enumerate(lines):
            if line.startswith(_PDT):
                pending = i
            elif line and not line.startswith("#"):
                if pending is not None and line in self._offsets:
                    when = parse_program_date_time(lines[pending][len(_PDT) :])
                    lines[pending] = _PDT + format_pdt(
                        when - timedelta(seconds=self._offsets[line])
                    )
                pending = None
        return "\n".join(lines) + "\n"


def format_pdt(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as HLS wants it."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds")
