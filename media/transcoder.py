"""`Transcoder`: one FFmpeg process turning a source into a room's HLS ladder.

Like Owncast's transcoder, it builds the whole FFmpeg command from plain settings and the
ladder (here with ffmpeg-python), runs it as an asyncio subprocess and watches it:

* HLS: ``<room>/.master.m3u8`` + ``<room>/<rendition>/.live.m3u8`` and segments
  (rolling window, keyframe-aligned, ``EXT-X-PROGRAM-DATE-TIME``); `media.publish`
  turns the private playlists into ``master.m3u8`` / ``<rendition>/index.m3u8``;
* ``<room>/thumb.jpg`` every few seconds, replaced atomically;
* progress (``-progress pipe:1``) and the tail of stderr for error reports.

It does not restart anything: that is `media.supervisor`'s job.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ffmpeg

from media.children import die_with_parent
from media.config import MediaSettings
from media.ladder import Rendition
from media.publish import PRIVATE_MASTER, PRIVATE_VARIANT, PUBLIC_MASTER, PUBLIC_VARIANT
from media.sources import Source

logger = logging.getLogger("media.transcoder")

MASTER_PLAYLIST = PUBLIC_MASTER
VARIANT_PLAYLIST = PUBLIC_VARIANT
THUMBNAIL = "thumb.jpg"


class TranscoderError(RuntimeError):
    """FFmpeg could not be started or failed; `stderr_tail` says why."""

    def __init__(self, message: str, stderr_tail: str = "") -> None:
        super().__init__(message + (f": {stderr_tail}" if stderr_tail else ""))
        self.stderr_tail = stderr_tail


@dataclass(slots=True)
class Progress:
    """The latest ``-progress`` report of FFmpeg."""

    frame: int = 0
    fps: float = 0.0
    out_time_s: float = 0.0
    speed: float | None = None
    updated_at: float | None = None


class Transcoder:
    """Builds and runs the FFmpeg command for one room and one source.

    `session` goes into segment names so that a URL never means two different files
    (segments are served as immutable). `resume=True` appends to the playlists of an
    earlier run in the same session (after a crash or a publisher reconnect): numbering
    continues and the first new segment is marked ``EXT-X-DISCONTINUITY``.
    """

    def __init__(
        self,
        settings: MediaSettings,
        room_id: str | int,
        source: Source,
        *,
        resume: bool = False,
        session: str = "s",
    ) -> None:
        self.settings = settings
        self.session = session
        self.room_dir = settings.room_dir(room_id)
        self.source = source
        self.resume = resume
        self.ladder = settings.ladder
        self.renditions: list[Rendition] = self.ladder.renditions(can_copy=source.can_copy)
        self.progress = Progress()
        self.stderr_tail: deque[str] = deque(maxlen=40)
        self.started_at: float | None = None  # wall clock when FFmpeg was spawned
        self._proc: asyncio.subprocess.Process | None = None
        self._readers: list[asyncio.Task[None]] = []
        self._stopping = False

    # -- the command ------------------------------------------------------------------

    @property
    def top_rendition(self) -> str:
        """Name of the best rendition (the one recorded for replay)."""
        return self.renditions[0].name

    @property
    def master_path(self) -> Path:
        """``<room>/master.m3u8``."""
        return self.room_dir / MASTER_PLAYLIST

    def variant_playlist(self, name: str) -> Path:
        """``<room>/<rendition>/index.m3u8`` (published by `media.publish`)."""
        return self.room_dir / name / VARIANT_PLAYLIST

    def private_playlist(self, name: str) -> Path:
        """``<room>/<rendition>/.live.m3u8``, the playlist FFmpeg itself writes."""
        return self.room_dir / name / PRIVATE_VARIANT

    def build(self) -> Any:
        """The ffmpeg-python graph: the HLS ladder output and the thumbnail output."""
        url, input_opts = self.source.input_args()
        inp = ffmpeg.input(url, **input_opts)
        encoded = [r for r in self.renditions if not r.copy]
        branches = inp.video.filter_multi_output("split", len(encoded) + 1)
        video, opts, n = [], self._hls_options(), 0
        for index, rendition in enumerate(self.renditions):
            if rendition.copy:
                video.append(inp["v:0"])
                opts[f"c:v:{index}"] = "copy"
                continue
            assert rendition.rung is not None
            video.append(
                branches[n]
                .filter("fps", fps=f"{self.ladder.fps:g}")
                .filter("scale", -2, rendition.rung.height)
                .filter("format", "yuv420p")
            )
            opts.update(self._encoder_options(index, rendition))
            n += 1
        audio = [inp["a:0"]] * len(self.renditions) if self.source.has_audio else []
        for index, rendition in enumerate(self.renditions if audio else []):
            opts[f"b:a:{index}"] = rendition.audio_bitrate
        hls = ffmpeg.output(*video, *audio, str(self.room_dir / "%v" / PRIVATE_VARIANT), **opts)
        thumb = (
            branches[n]
            .filter("fps", fps=f"1/{self.settings.thumbnail_interval_s:g}")
            .filter("scale", -2, self.settings.thumbnail_height)
        )
        thumbs = ffmpeg.output(
            thumb, str(self.room_dir / THUMBNAIL),
            f="image2", update=1, atomic_writing=1, **{"q:v": 5},
        )  # fmt: skip
        return ffmpeg.merge_outputs(hls, thumbs)

    def command(self) -> list[str]:
        """The full argv: the settings' FFmpeg binary, global options, then the graph."""
        head = [
            self.settings.ffmpeg, "-hide_banner", "-nostats", "-y",
            "-loglevel", self.settings.loglevel,
            "-progress", "pipe:1", "-stats_period", "1",
        ]  # fmt: skip
        if not self.source.is_pipe:
            head.append("-nostdin")
        return head + ffmpeg.get_args(self.build())

    def _hls_options(self) -> dict[str, Any]:
        ladder = self.ladder
        opts: dict[str, Any] = {
            "f": "hls",
            "max_muxing_queue_size": 4096,
            "hls_time": f"{ladder.segment_s:g}",
            "hls_list_size": ladder.list_size,
            "hls_delete_threshold": 2,
            "hls_flags": ladder.hls_flags(resume=self.resume),
            "hls_segment_type": ladder.segment_type,
            "hls_segment_filename": str(
                self.room_dir / "%v" / f"seg_{self.session}_%05d{ladder.segment_ext}"
            ),
            "master_pl_name": PRIVATE_MASTER,
            "var_stream_map": ladder.var_stream_map(
                self.renditions, audio=bool(self.source.has_audio)
            ),
        }
        if ladder.segment_type == "fmp4":
            opts["hls_fmp4_init_filename"] = "init.mp4"
        if self.source.has_audio:
            opts.update({"c:a": "aac", "ar": ladder.audio_rate, "ac": 2})
        return opts

    def _encoder_options(self, index: int, rendition: Rendition) -> dict[str, Any]:
        rung, ladder = rendition.rung, self.ladder
        assert rung is not None
        s = f"v:{index}"
        opts: dict[str, Any] = {
            f"c:{s}": "libx264",
            f"preset:{s}": ladder.preset,
            f"profile:{s}": rung.profile,
            f"b:{s}": rung.video_bitrate,
            f"maxrate:{s}": int(rung.video_bitrate * 1.1),
            f"bufsize:{s}": int(rung.video_bitrate * 1.5),
            f"g:{s}": ladder.gop,
            f"keyint_min:{s}": ladder.gop,
            f"sc_threshold:{s}": 0,
            f"force_key_frames:{s}": ladder.force_key_frames,
        }
        if ladder.tune:
            opts[f"tune:{s}"] = ladder.tune
        return opts

    # -- the process ------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        """FFmpeg's process id while it runs."""
        return self._proc.pid if self._proc else None

    @property
    def returncode(self) -> int | None:
        """Exit status once FFmpeg has exited."""
        return self._proc.returncode if self._proc else None

    @property
    def running(self) -> bool:
        """True between `start` and FFmpeg's exit."""
        return self._proc is not None and self._proc.returncode is None

    @property
    def stopping(self) -> bool:
        """True once `stop` was asked for (an exit then is not a crash)."""
        return self._stopping

    @property
    def stdin(self) -> asyncio.StreamWriter | None:
        """FFmpeg's stdin for pipe sources."""
        return self._proc.stdin if self._proc else None

    async def start(self) -> None:
        """Spawn FFmpeg (never blocks the loop); raises TranscoderError if it cannot."""
        if self._proc is not None:
            raise RuntimeError("transcoder already started")
        self.room_dir.mkdir(parents=True, exist_ok=True)
        argv = self.command()
        logger.debug("ffmpeg: %s", " ".join(argv))
        try:
            self._proc = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.PIPE
                if self.source.is_pipe
                else asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                preexec_fn=die_with_parent(),
            )
        except OSError as exc:
            raise TranscoderError(f"cannot run {self.settings.ffmpeg}: {exc}") from exc
        self.started_at = time.time()
        self._readers = [
            asyncio.create_task(self._read_progress()),
            asyncio.create_task(self._read_stderr()),
        ]

    async def wait(self) -> int:
        """Wait for FFmpeg to exit; returns its exit status."""
        if self._proc is None:
            raise RuntimeError("transcoder not started")
        code = await self._proc.wait()
        if self._readers:
            await asyncio.wait(self._readers, timeout=2)
        return code

    async def stop(self, timeout: float | None = None) -> int | None:
        """End FFmpeg gracefully (SIGINT: it closes its files), killing it after `timeout`."""
        self._stopping = True
        if not self.running:
            return self.returncode
        assert self._proc is not None
        with contextlib.suppress(ProcessLookupError):
            self._proc.send_signal(signal.SIGINT)
        try:
            return await asyncio.wait_for(self.wait(), timeout or self.settings.stop_timeout_s)
        except TimeoutError:
            logger.warning("ffmpeg %s ignored SIGINT; killing it", self.pid)
            self.kill()
            return await self.wait()

    def kill(self) -> None:
        """Kill FFmpeg at once (what a crash looks like to the supervisor)."""
        if self.running:
            assert self._proc is not None
            with contextlib.suppress(ProcessLookupError):
                self._proc.kill()

    def error_summary(self) -> str:
        """The last lines FFmpeg printed on stderr."""
        return "\n".join(list(self.stderr_tail)[-8:])

    async def _read_progress(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        fields: dict[str, str] = {}
        async for raw in self._proc.stdout:
            key, _, value = raw.decode(errors="replace").strip().partition("=")
            fields[key] = value
            if key == "progress":
                self._update_progress(fields)
                fields = {}

    def _update_progress(self, fields: dict[str, str]) -> None:
        p = self.progress
        with contextlib.suppress(ValueError):
            p.frame = int(fields.get("frame", p.frame) or 0)
        with contextlib.suppress(ValueError):
            p.fps = float(fields.get("fps", p.fps) or 0)
        with contextlib.suppress(ValueError):
            p.out_time_s = int(fields.get("out_time_us", "0")) / 1e6
        speed = fields.get("speed", "").rstrip("x").strip()
        with contextlib.suppress(ValueError):
            p.speed = float(speed) if speed and speed != "N/A" else p.speed
        p.updated_at = time.time()

    async def _read_stderr(self) -> None:
        assert self._proc is not None and self._proc.stderr is not None
        async for raw in self._proc.stderr:
            line = raw.decode(errors="replace").rstrip()
            if line:
                self.stderr_tail.append(line)
                logger.debug("ffmpeg[%s]: %s", self.pid, line)
