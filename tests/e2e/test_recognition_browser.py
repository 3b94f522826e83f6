"""Product recognition end to end in a real browser: the streamer's fake camera shows a
catalog product (a y4m clip), the in-process media worker recognises it, and the studio
console offers "Showing Canvas tote? Pin it"; one click pins it."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pytest

from app.settings import Settings
from bench.recognition import composite, product_image, video_frames
from media.config import default_ffmpeg
from tests.conftest import run_async, settings_env
from tests.e2e.conftest import CHROMIUM, LAUNCH_ARGS
from tests.e2e.test_camera_ingest import MESSAGE, _console, _wait_for_hls
from tests.live_media.test_camera_ws import streamer_room
from tests.support import free_port, live_server

pytestmark = pytest.mark.media

TITLE = "Canvas tote"


def _y4m(path: Path, product: np.ndarray) -> Path:
    """3 s of the test pattern with the product held in front of it, as chromium's camera."""
    backgrounds = video_frames("testsrc2", 30)
    h, w = backgrounds[0].shape[:2]
    frames = [composite(bg, product, np.random.default_rng(5)) for bg in backgrounds]
    cmd = [
        default_ffmpeg(), "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24",
        "-s", f"{w}x{h}", "-r", "10", "-i", "pipe:0", "-pix_fmt", "yuv420p", str(path),
    ]  # fmt: skip
    subprocess.run(cmd, input=b"".join(f.tobytes() for f in frames), check=True, timeout=120)
    return path


@pytest.fixture
def product_camera(tmp_path: Path) -> Iterator[tuple[Any, np.ndarray]]:
    if not (Path(CHROMIUM).exists() or Path("/usr/bin/chromium").exists()):
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    picture = product_image(1, TITLE, "TOTE-NAT")
    clip = _y4m(tmp_path / "camera.y4m", picture)
    args = [
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={clip}",
    ]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS + args
        )
        yield browser, picture
        browser.close()


async def _product(database_url: str, room_id: int) -> int:
    from app.accounts.models import User
    from app.commerce import catalog
    from app.db import close_db, init_db
    from app.rooms.models import Room

    await init_db(database_url)
    try:
        room = await Room.get(id=room_id)
        owner = await User.get(id=room.owner_id)
        product = await catalog.create_product(owner, TITLE, "Heavy canvas.")
        await catalog.add_variant(owner, product.id, "TOTE-NAT", 2400, stock=10)
        return product.id
    finally:
        await close_db()


def _upload(base: str, secret: str, product_id: int, picture: np.ndarray) -> None:
    ok, png = cv2.imencode(".png", picture)
    assert ok
    with httpx.Client(base_url=base, cookies={"lm_session": secret}) as client:
        client.get("/login")
        token = client.cookies["lm_csrf"]
        response = client.post(
            f"/studio/products/{product_id}/images",
            data={"csrf_token": token},
            files={"image": ("tote.png", png.tobytes(), "image/png")},
        )
        assert response.status_code in (200, 303), response.text[:300]


def test_the_console_offers_the_product_the_camera_shows(
    product_camera: tuple[Any, np.ndarray], settings: Settings, artifacts: Path
) -> None:
    browser, picture = product_camera
    room_id, secret = run_async(streamer_room(settings.database_url, "tote@example.com"))
    product_id = run_async(_product(settings.database_url, room_id))
    env = settings_env(replace(settings, media_in_process=True, rtmp_port=free_port()))
    env["LIVEMART_LADDER"] = "180p:200k:64k"
    with live_server(env) as base:
        _upload(base, secret, product_id, picture)
        console = _console(browser, base, room_id, secret, allow=True)
        console.select_option("[data-testid=recognition-mode]", "offer")
        console.click("[data-testid=recognition-form] button[type=submit]")
        console.wait_for_selector(
            "[data-testid=console-notice]:has-text('offers to pin what the camera shows')"
        )
        console.click("[data-testid=camera-start]")
        console.wait_for_selector(f"{MESSAGE}:has-text('You are live from your camera')")
        _wait_for_hls(base, room_id, console)

        offer = console.locator("[data-testid=recognition-offer]", has_text=TITLE).first
        offer.wait_for(timeout=60_000)
        assert "Showing" in offer.inner_text() and f"{TITLE}?" in offer.inner_text()
        offer.scroll_into_view_if_needed()
        console.screenshot(path=str(artifacts / "console-recognition.png"))
        offer.locator("[data-testid=recognition-pin]").click()
        offer.locator(f"[data-testid=console-notice]:has-text('Pinned {TITLE}.')").wait_for()
        pinned = httpx.get(f"{base}/rooms/{room_id}/pinned").text
        assert TITLE in pinned
