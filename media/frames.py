"""One recent video frame of a live room, for product recognition.

:func:`newest_frame` reads a rendition's published playlist
(``<room>/<rendition>/index.m3u8``), takes its newest segment (with the fMP4 init section
when there is one) and decodes that segment's first frame (a keyframe: nothing to decode
before it) with one short, single-threaded FFmpeg. Blocking: run it in a worker thread.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import numpy as np

from media.transcoder import VARIANT_PLAYLIST

DECODE_TIMEOUT_S = 10.0


def newest_segment(playlist: Path) -> tuple[Path | None, Path] | None:
    """(init section or None, newest segment) of a media playlist, or None when it has none."""
    try:
        lines = playlist.read_text().splitlines()
    except OSError:
        return None
    init: Path | None = None
    segment: Path | None = None
    for line in lines:
        if line.startswith("#EXT-X-MAP:"):
            uri = line.split('URI="', 1)[-1].split('"', 1)[0]
            init = playlist.parent / uri
        elif line and not line.startswith("#"):
            segment = playlist.parent / line.split("?", 1)[0]
    return (init, segment) if segment is not None else None


def newest_frame(room_dir: Path, rendition: str, ffmpeg: str) -> np.ndarray | None:
    """The first frame (BGR) of the newest segment of ``rendition``; None when there is none
    yet or it cannot be decoded."""
    found = newest_segment(room_dir / rendition / VARIANT_PLAYLIST)
    if found is None:
        return None
    init, segment = found
    try:
        data = (init.read_bytes() if init is not None else b"") + segment.read_bytes()
    except OSError:
        return None
    cmd = [
        ffmpeg, "-v", "error", "-threads", "1", "-i", "pipe:0", "-an",
        "-frames:v", "1", "-c:v", "bmp", "-f", "image2pipe", "pipe:1",
    ]  # fmt: skip
    try:
        done = subprocess.run(cmd, input=data, capture_output=True, timeout=DECODE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0 or not done.stdout:
        return None
    frame = cv2.imdecode(np.frombuffer(done.stdout, np.uint8), cv2.IMREAD_COLOR)
    return frame if frame is not None else None
