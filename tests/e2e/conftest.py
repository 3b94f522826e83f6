"""Browser tests: Playwright driving Debian's chromium (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.settings import Settings
from tests.conftest import settings_env
from tests.support import live_server

CHROMIUM = os.environ.get("LIVEMART_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def browser() -> Iterator[Any]:
    """Function-scoped: Playwright's sync API runs its own loop, which must be gone before
    the next asyncio test starts."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    with live_server(settings_env(settings)) as url:
        yield url


@pytest.fixture
def site(settings: Settings) -> Iterator[str]:
    """Like ``server``, given two minutes to start (a busy machine starts it slowly)."""
    with live_server(settings_env(settings), within=120) as url:
        yield url


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# Records the media element's events (they do not bubble, so listen in the capture phase)
# and the page's hls.js errors, for `wait_until_playing`'s failure message.
MEDIA_LOG_SCRIPT = """
window.__mediaLog = [];
const note = (text) => {
  window.__mediaLog.push(((performance.now() / 1000).toFixed(1)) + 's ' + text);
  if (window.__mediaLog.length > 80) window.__mediaLog.splice(0, 20);
};
for (const type of ['loadedmetadata', 'playing', 'waiting', 'stalled', 'pause', 'error',
                    'emptied', 'seeking']) {
  document.addEventListener(type, (e) => {
    const v = e.target;
    note(type + ' t=' + (v.currentTime || 0).toFixed(2) + ' ready=' + v.readyState +
         (v.error ? ' error=' + v.error.code + ':' + v.error.message : ''));
  }, true);
}
let loadedHls;  // hls.js assigns window.Hls when its script runs: wrap attachMedia then
Object.defineProperty(window, 'Hls', {configurable: true, get: () => loadedHls, set: (Hls) => {
  loadedHls = Hls;
  const attach = Hls.prototype.attachMedia;
  Hls.prototype.attachMedia = function (media) {
    if (!this.__logged) {
      this.__logged = true;
      this.on(Hls.Events.ERROR, (_, d) => note('hls ' + (d.fatal ? 'FATAL ' : '') +
        d.type + '/' + d.details + (d.response ? ' ' + d.response.code : '')));
      this.on(Hls.Events.MANIFEST_PARSED, (_, d) => note('manifest ' + d.levels.length));
    }
    return attach.call(this, media);
  };
}});
"""


def watch_media(page: Any) -> Any:
    """Log `page`'s media events; call before `goto`."""
    page.add_init_script(MEDIA_LOG_SCRIPT)
    return page


def wait_until_playing(
    page: Any, base: str, room_id: int, *, past: float, timeout_s: float, reloads: int = 1
) -> None:
    """Wait for the page's video to play beyond `past` seconds; on failure say why.

    A player that has not started in `timeout_s` is reloaded (what a viewer does) up to
    `reloads` times, with a warning that carries the diagnosis; the last failure raises it.
    The diagnosis holds the media element's state, its event log (see `watch_media`) and
    the room's public playlists as the server had them.
    """
    script = (
        "() => { const v = document.querySelector('video');"
        f" return v && v.currentTime > {past} && !v.paused; }}"
    )
    for attempt in range(reloads + 1):
        try:
            page.wait_for_function(script, timeout=timeout_s * 1000)
            return
        except Exception as exc:  # Playwright's TimeoutError: explain what the player saw
            why = f"the video did not play past {past} s in {timeout_s} s: {exc}\n" + _diagnose(
                page, base, room_id
            )
        if attempt == reloads:
            raise AssertionError(why)
        warnings.warn(f"reloading the viewer page: {why}", stacklevel=2)
        page.reload()


def keeps_playing(page: Any, timeout_s: float = 15) -> None:
    """The page's video moves on from where it is now (a short stall may come first)."""
    first = page.evaluate("document.querySelector('video').currentTime")
    page.wait_for_function(
        "t => document.querySelector('video').currentTime > t + 1",
        arg=first,
        timeout=timeout_s * 1000,
    )


def _diagnose(page: Any, base: str, room_id: int) -> str:
    state = page.evaluate(
        "() => { const v = document.querySelector('video'); if (!v) return 'no video';"
        " const b = []; for (let i = 0; i < v.buffered.length; i++)"
        " b.push(v.buffered.start(i).toFixed(2) + '-' + v.buffered.end(i).toFixed(2));"
        " return {t: v.currentTime, paused: v.paused, ready: v.readyState,"
        " network: v.networkState, buffered: b, src: v.currentSrc,"
        " hls: !!window.livemartHls, log: window.__mediaLog || []}; }"
    )
    master = httpx.get(f"{base}/hls/{room_id}/master.m3u8")
    playlists = [f"--- master.m3u8 ({master.status_code})\n{master.text[-1500:]}"]
    renditions = [line for line in master.text.splitlines() if line.endswith(".m3u8")]
    for path in renditions if master.status_code == 200 else []:
        response = httpx.get(f"{base}/hls/{room_id}/{path}")
        playlists.append(f"--- {path} ({response.status_code})\n{response.text[-1500:]}")
    return f"player: {state}\n" + "\n".join(playlists)
