"""Go live from the streamer console with chromium's fake camera; a viewer watches.

Chromium runs with ``--use-fake-device-for-media-stream`` (a synthetic camera and
microphone); camera permission is granted per browser context, so a context without it
gets the real permission-denied path.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.settings import Settings
from tests.conftest import run_async, settings_env
from tests.e2e.conftest import CHROMIUM, LAUNCH_ARGS, keeps_playing, wait_until_playing, watch_media
from tests.live_media.test_camera_ws import media_state, streamer_room
from tests.support import free_port, live_server

pytestmark = pytest.mark.media

FAKE_CAMERA = ["--use-fake-device-for-media-stream"]
MESSAGE = "[data-testid=camera-message]"


@pytest.fixture
def camera_browser() -> Iterator[Any]:
    """Chromium with a fake camera and microphone (function-scoped like `browser`)."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS + FAKE_CAMERA
        )
        yield browser
        browser.close()


def _console(browser: Any, base: str, room_id: int, secret: str, *, allow: bool) -> Any:
    context = browser.new_context(permissions=["camera", "microphone"] if allow else [])
    context.add_cookies([{"name": "lm_session", "value": secret, "url": base}])
    page = context.new_page()
    page.goto(f"{base}/studio/rooms/{room_id}")
    return page


async def _room_state(base: str, room_id: int) -> str:
    """The room's stream as the server reports it (status, media state)."""
    async with httpx.AsyncClient(base_url=base) as client:
        return f"room (status, mediaState): {await media_state(client, room_id)}"


def _wait_for_hls(base: str, room_id: int, page: Any) -> None:
    for _ in range(120):
        if httpx.get(f"{base}/hls/{room_id}/master.m3u8").status_code == 200:
            return
        page.wait_for_timeout(250)
    raise AssertionError("the camera stream never reached HLS")


def test_console_camera_goes_live_and_viewer_watches(
    camera_browser: Any, settings: Settings, artifacts: Path
) -> None:
    room_id, secret = run_async(streamer_room(settings.database_url))
    env = settings_env(replace(settings, media_in_process=True, rtmp_port=free_port()))
    env["LIVEMART_LADDER"] = "180p:200k:64k"
    with live_server(env) as base:
        console = _console(camera_browser, base, room_id, secret, allow=True)
        console.click("[data-testid=camera-start]")
        console.wait_for_selector(f"{MESSAGE}:has-text('You are live from your camera')")
        assert console.is_visible("[data-testid=camera-stop]")
        assert not console.is_visible("[data-testid=camera-start]")
        assert console.evaluate(
            "document.querySelector('[data-testid=camera-preview]').srcObject.active"
        )
        _wait_for_hls(base, room_id, console)

        viewer = watch_media(camera_browser.new_context().new_page())
        viewer.goto(f"{base}/rooms/{room_id}")
        try:
            wait_until_playing(viewer, base, room_id, past=1, timeout_s=60)
        except AssertionError as exc:  # the server side of the story, for the next reader
            raise AssertionError(
                f"{exc}\nconsole says: {console.text_content(MESSAGE)!r}\n"
                + run_async(_room_state(base, room_id))
            ) from None
        keeps_playing(viewer)
        console.screenshot(path=str(artifacts / "console-camera.png"))

        # A second console while the first one streams: the server's error frame is shown.
        twin = _console(camera_browser, base, room_id, secret, allow=True)
        twin.click("[data-testid=camera-start]")
        twin.wait_for_selector(
            f"{MESSAGE}:has-text('The server refused the stream')"
            ":has-text('already has a publisher')"
        )
        assert twin.is_visible("[data-testid=camera-start]")
        twin.context.close()

        # Stop: the camera is released and the viewer sees the room wait for its streamer.
        console.click("[data-testid=camera-stop]")
        console.wait_for_selector(f"{MESSAGE}:has-text('Camera stopped')")
        assert console.evaluate(
            "document.querySelector('[data-testid=camera-preview]').srcObject === null"
        )
        assert console.is_visible("[data-testid=camera-start]")
        assert not console.is_visible("[data-testid=camera-stop]")
        viewer.wait_for_selector("[data-testid=room-status]:has-text('Reconnecting')")

        # Back within the grace period: the same room carries on.
        console.click("[data-testid=camera-start]")
        console.wait_for_selector(f"{MESSAGE}:has-text('You are live from your camera')")
        viewer.wait_for_selector("[data-testid=room-status]:has-text('LIVE')", timeout=20_000)

        # No permission: a clear message, nothing sent.
        denied = _console(camera_browser, base, room_id, secret, allow=False)
        denied.click("[data-testid=camera-start]")
        denied.wait_for_selector(f"{MESSAGE}:has-text('permission was denied')")
        denied.context.close()

        # A browser without MediaRecorder.
        old = camera_browser.new_context()
        old.add_init_script("delete window.MediaRecorder;")
        old.add_cookies([{"name": "lm_session", "value": secret, "url": base}])
        page = old.new_page()
        page.goto(f"{base}/studio/rooms/{room_id}")
        page.click("[data-testid=camera-start]")
        page.wait_for_selector(f"{MESSAGE}:has-text('cannot stream from a camera')")
        old.close()
        console.context.close()
        viewer.context.close()
