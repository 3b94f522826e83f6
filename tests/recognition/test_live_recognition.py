"""A live fed with a clip in which a catalog product appears: the media worker's recognition
loop sends ``product.recognized`` to the room owner (and pins it when the room says auto).

Real FFmpeg (the HLS ladder at 180p, the lowest rendition), real database and event bus.
The waits are bounded; nothing asserts how fast it was.
"""

from __future__ import annotations

import asyncio
import subprocess
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from app import live_media
from app.accounts import services as accounts
from app.accounts.models import Role, User
from app.commerce import catalog, images
from app.commerce.live_models import ShelfItem
from app.events import get_bus
from app.recognition import services as recognition
from app.recognition.live import RecognitionLoop
from app.rooms import services as rooms
from app.rooms.events import PRODUCT_RECOGNIZED, ProductRecognized, payload_of, viewer_channel
from app.settings import Settings
from bench.recognition import composite, product_image, video_frames
from media.config import default_ffmpeg
from media.sources import FileSource
from media.worker import MediaWorker
from tests.support import STRONG_PASSWORD, eventually

pytestmark = pytest.mark.media

FIRST_SEGMENT_WAIT_S = 60.0
RECOGNIZED_WITHIN_S = 6.0


def _clip(path: Path, product: np.ndarray) -> Path:
    """4 s of the moving test pattern with the product held in front of it (10 fps, H.264)."""
    backgrounds = video_frames("testsrc2", 40)
    w, h = backgrounds[0].shape[1], backgrounds[0].shape[0]
    cmd = [
        default_ffmpeg(), "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24",
        "-s", f"{w}x{h}", "-r", "10", "-i", "pipe:0",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "10", str(path),
    ]  # fmt: skip
    frames = [composite(bg, product, np.random.default_rng(5)) for bg in backgrounds]
    subprocess.run(cmd, input=b"".join(f.tobytes() for f in frames), check=True, timeout=120)
    return path


async def _shop(title: str, seed: int) -> tuple[User, int, int, np.ndarray]:
    owner = await accounts.register(
        f"recog{seed}@example.com", STRONG_PASSWORD, "Ana", Role.STREAMER
    )
    room = await rooms.create_room(owner, "Show and tell")
    product = await catalog.create_product(owner, title, "")
    await catalog.add_variant(owner, product.id, f"SKU-{seed}", 1900, stock=5)
    picture = product_image(seed, title, f"SKU-{seed}")
    ok, png = cv2.imencode(".png", picture)
    assert ok
    image = await images.add_product_image(owner, product.id, png.tobytes())
    assert recognition.features_path(image.path).exists()  # indexed at upload
    other = await catalog.create_product(owner, "Another thing", "")
    ok, png = cv2.imencode(".png", product_image(seed + 1, "Another thing", "OTHER-1"))
    await images.add_product_image(owner, other.id, png.tobytes())
    return owner, room.id, product.id, picture


async def _recognized(
    settings: Settings, tmp_path: Path, owner: User, room_id: int, picture: np.ndarray
) -> ProductRecognized:
    clip = _clip(tmp_path / "clip.mp4", picture)
    worker = MediaWorker(live_media.media_settings(replace(settings, ladder="180p:200k:64k")))
    await worker.start()
    loop = RecognitionLoop(worker)
    runner: asyncio.Task[None] | None = None
    try:
        async with get_bus().subscribe(viewer_channel(room_id, owner.id)) as events:
            await worker.start_room(room_id, FileSource(clip, realtime=True, loop=True))
            playlist = Path(settings.hls_dir) / str(room_id) / "180p" / "index.m3u8"

            async def first_segment() -> bool:
                return "#EXTINF" in (playlist.read_text() if playlist.exists() else "")

            await eventually(first_segment, timeout=FIRST_SEGMENT_WAIT_S, interval=0.2)
            runner = asyncio.create_task(loop.run())
            async with asyncio.timeout(RECOGNIZED_WITHIN_S):
                while True:
                    envelope = await events.queue.get()
                    assert envelope is not None
                    if envelope.type == PRODUCT_RECOGNIZED:
                        payload = payload_of(envelope)
                        assert isinstance(payload, ProductRecognized)
                        return payload
    finally:
        if runner is not None:
            runner.cancel()
        await worker.close()


async def test_the_owner_is_offered_the_product_the_camera_shows(
    app: object, settings: Settings, tmp_path: Path
) -> None:
    owner, room_id, product_id, picture = await _shop("Canvas tote", 11)
    await rooms.open_room(owner, room_id)
    await recognition.set_recognition(owner, room_id, "offer")

    event = await _recognized(settings, tmp_path, owner, room_id, picture)

    assert (event.product_id, event.title, event.pinned) == (product_id, "Canvas tote", False)
    assert not await ShelfItem.filter(room_id=room_id, pinned=True).exists()  # only offered
    item = await recognition.pin_recognized(owner, room_id, product_id)  # the console's click
    assert item is not None and item.pinned and item.product_id == product_id


async def test_auto_pins_what_the_camera_shows(
    app: object, settings: Settings, tmp_path: Path
) -> None:
    owner, room_id, product_id, picture = await _shop("Merino socks", 21)
    await rooms.open_room(owner, room_id)
    await recognition.set_recognition(owner, room_id, "auto")

    event = await _recognized(settings, tmp_path, owner, room_id, picture)

    assert (event.product_id, event.pinned) == (product_id, True)
    pinned = await ShelfItem.get(room_id=room_id, pinned=True)
    assert pinned.product_id == product_id
