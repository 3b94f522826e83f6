"""Recording for replay: the top rendition's segments, kept as a VOD playlist.

The live playlists are a rolling window whose old segments FFmpeg deletes. The recorder
hard-links (or copies) every new segment of the top rendition into
``<room>/replay/`` as it appears and appends it to ``replay/index.m3u8`` (an EVENT
playlist while live). `finalize` rewrites it as a VOD playlist with ``EXT-X-ENDLIST``.
No second encode: the replay is exactly what viewers saw, FFmpeg restarts included
(marked with ``EXT-X-DISCONTINUITY``). Program date times are kept, so chat or sales
events can be placed on the replay timeline.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from media.playlist import Segment, read_media_playlist, write_atomic

logger = logging.getLogger("media.replay")

REPLAY_DIR = "replay"
REPLAY_PLAYLIST = "index.m3u8"


@dataclass(slots=True)
class _Entry:
    uri: str
    duration: float
    pdt: datetime | None
    discontinuity: bool
    map_uri: str | None


class ReplayRecorder:
    """Follows one variant playlist and accumulates its segments under ``replay/``."""

    def __init__(
        self, room_dir: Path, *, session: str = "s", provisional_target_s: int = 10
    ) -> None:
        self.room_dir = Path(room_dir)
        self.session = session
        self.dir = self.room_dir / REPLAY_DIR
        self.playlist_path = self.dir / REPLAY_PLAYLIST
        self._provisional_target = provisional_target_s
        self._entries: list[_Entry] = []
        self._seen: set[tuple[str, str]] = set()
        self._variant: str | None = None
        self._generation = -1
        self._pending_discontinuity = False
        self._pending_map = True
        self._map_uri: str | None = None
        self.finalized = False

    @property
    def segment_count(self) -> int:
        """Segments recorded so far."""
        return len(self._entries)

    @property
    def duration_s(self) -> float:
        """Seconds recorded so far."""
        return sum(e.duration for e in self._entries)

    def start_generation(self, variant: str) -> None:
        """A new FFmpeg run begins; its segments come from `variant`'s playlist."""
        self._generation += 1
        self._variant = variant
        self._pending_discontinuity = bool(self._entries)
        self._pending_map = True
        self.finalized = False

    async def poll(self) -> list[Segment]:
        """Pick up segments that appeared since the last poll; returns the new ones."""
        if self._variant is None:
            return []
        variant_dir = self.room_dir / self._variant
        playlist = read_media_playlist(variant_dir / "index.m3u8")
        if playlist is None:
            return []
        new = [s for s in playlist.segments if (self._variant, s.uri) not in self._seen]
        if not new:
            return []
        self.dir.mkdir(parents=True, exist_ok=True)
        if self._pending_map and playlist.map_uri:
            self._map_uri = f"init_{self.session}_{self._generation}.mp4"
            await _link_or_copy(variant_dir / playlist.map_uri, self.dir / self._map_uri)
        recorded = []
        for segment in new:
            self._seen.add((self._variant, segment.uri))
            name = f"seg_{self.session}_{len(self._entries):06d}{Path(segment.uri).suffix}"
            try:
                await _link_or_copy(variant_dir / segment.uri, self.dir / name)
            except FileNotFoundError:
                logger.warning("segment %s vanished before it was recorded", segment.uri)
                self._pending_discontinuity = True
                continue
            entry = _Entry(
                name, segment.duration, segment.program_date_time,
                self._pending_discontinuity, self._map_uri if self._pending_map else None,
            )  # fmt: skip
            self._pending_discontinuity = self._pending_map = False
            self._append(entry)
            recorded.append(segment)
        return recorded

    def finalize(self) -> Path | None:
        """Write the VOD playlist with ``EXT-X-ENDLIST``; None if nothing was recorded."""
        if not self._entries:
            return None
        write_atomic(self.playlist_path, self._render(final=True))
        self.finalized = True
        return self.playlist_path

    # -- internals --------------------------------------------------------------------

    def _header(self, *, final: bool) -> list[str]:
        target = (
            max(math.ceil(e.duration) for e in self._entries) if final else self._provisional_target
        )
        version = 7 if self._map_uri else 6
        return [
            "#EXTM3U",
            f"#EXT-X-VERSION:{version}",
            f"#EXT-X-TARGETDURATION:{max(1, target)}",
            "#EXT-X-MEDIA-SEQUENCE:0",
            f"#EXT-X-PLAYLIST-TYPE:{'VOD' if final else 'EVENT'}",
            "#EXT-X-INDEPENDENT-SEGMENTS",
        ]

    @staticmethod
    def _entry_lines(entry: _Entry) -> list[str]:
        lines = []
        if entry.discontinuity:
            lines.append("#EXT-X-DISCONTINUITY")
        if entry.map_uri:
            lines.append(f'#EXT-X-MAP:URI="{entry.map_uri}"')
        if entry.pdt is not None:
            lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{_format_pdt(entry.pdt)}")
        lines += [f"#EXTINF:{entry.duration:.6f},", entry.uri]
        return lines

    def _render(self, *, final: bool) -> str:
        lines = self._header(final=final)
        for entry in self._entries:
            lines += self._entry_lines(entry)
        if final:
            lines.append("#EXT-X-ENDLIST")
        return "\n".join(lines) + "\n"

    def _append(self, entry: _Entry) -> None:
        """Append to the EVENT playlist (rewritten whole only at the start and the end)."""
        first = not self._entries or self.finalized
        self._entries.append(entry)
        if first:
            write_atomic(self.playlist_path, self._render(final=False))
            self.finalized = False
            return
        with self.playlist_path.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(self._entry_lines(entry)) + "\n")


def _format_pdt(value: datetime) -> str:
    return value.isoformat(timespec="milliseconds")


async def _link_or_copy(src: Path, dst: Path) -> None:
    """Hard-link `src` to `dst` (same disk: free), else copy it; in a worker thread."""
    await asyncio.to_thread(_link_or_copy_sync, src, dst)


def _link_or_copy_sync(src: Path, dst: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        dst.unlink()
    try:
        os.link(src, dst)
    except FileNotFoundError:
        raise
    except OSError:
        shutil.copyfile(src, dst)


def finalize_existing(room_dir: Path) -> Path | None:
    """Close a replay playlist left behind by a crashed worker (adds VOD + ENDLIST)."""
    path = Path(room_dir) / REPLAY_DIR / REPLAY_PLAYLIST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    if "#EXT-X-ENDLIST" in text:
        return path
    text = text.replace("#EXT-X-PLAYLIST-TYPE:EVENT", "#EXT-X-PLAYLIST-TYPE:VOD")
    write_atomic(path, text.rstrip("\n") + "\n#EXT-X-ENDLIST\n")
    return path
