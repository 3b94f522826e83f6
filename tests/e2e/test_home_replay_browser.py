"""The home feed, a streamer profile and a shoppable replay in a real browser, on a phone
and a desktop: an ended room links to its replay, whose chat lines appear as the video's
currentTime passes the moment each was said (and hide again when seeking back), with the
product that was pinned at that moment over the video. Screenshots go to artifacts/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.settings import Settings
from tests.conftest import run_async, settings_env
from tests.support import live_server

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

# What the page shows against the video's clock: visible lines' offsets, hidden ones'.
TIMELINE = """() => {
  const v = document.getElementById('replay');
  const at = (li) => Number(li.dataset.at);
  const lines = Array.from(document.querySelectorAll('[data-testid=replay-line]'));
  const pin = Array.from(document.querySelectorAll('[data-testid=replay-pinned]'))
    .find((p) => !p.hidden);
  return {t: v.currentTime,
          shown: lines.filter((li) => !li.hidden).map(at),
          hidden: lines.filter((li) => li.hidden).map(at),
          pinned: pin ? Number(pin.dataset.productId) : null};
}"""


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    with live_server(settings_env(settings), within=120) as url:  # a loaded machine is slow
        yield url


async def _demo(settings: Settings) -> dict[str, Any]:
    """The whole demo; its live rooms put on air with a picture (the test server runs no
    media worker). Returns the ids the journey needs."""
    from app.commerce.models import PinMoment
    from app.db import close_db, init_db
    from app.rooms import services as rooms
    from app.rooms.models import LiveSession, Room
    from app.seed import seed_demo

    await init_db(settings.database_url)
    try:
        await seed_demo(settings)
        ended = await Room.get(title="Autumn sneaker preview")
        session = await LiveSession.get(room_id=ended.id)
        thumb = settings.hls_dir / str(ended.id) / "thumb.jpg"
        for room in await Room.filter(status="live"):
            (settings.hls_dir / str(room.id)).mkdir(parents=True, exist_ok=True)
            shutil.copy(thumb, settings.hls_dir / str(room.id) / "thumb.jpg")
            await rooms.set_media_state(room.id, "live")
        pins = await PinMoment.filter(room_id=ended.id).order_by("at")
        return {
            "ended": ended.id,
            "pins": [(p.at - session.started_at).total_seconds() for p in pins],
            "products": [p.product_id for p in pins],
        }
    finally:
        await close_db()


def _all_images_loaded(page: Any) -> None:
    """Load the lazy images below the fold too (a full-page screenshot does not scroll)."""
    page.evaluate("document.querySelectorAll('img').forEach((i) => { i.loading = 'eager'; })")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('img')).every((i) => i.complete)"
    )


def _check_in_sync(page: Any, until: float) -> list[float]:
    """Sample the replay until currentTime passes ``until``: every shown line was said at
    or before the video's time, every hidden one after it. Returns the offsets seen
    appearing, in order."""
    appeared: list[float] = []
    while True:
        state = page.evaluate(TIMELINE)
        t = state["t"]
        # timeupdate fires every 250 ms: a line may show up to that late, never early.
        assert all(at <= t + 0.05 for at in state["shown"]), state
        assert all(at > t - 0.6 for at in state["hidden"]), state
        appeared += [at for at in state["shown"] if at not in appeared]
        if t > until:
            return appeared
        page.wait_for_function(
            "t => document.getElementById('replay').currentTime > t + 0.5", arg=t
        )


def test_ended_room_links_to_a_replay_whose_chat_follows_the_video(
    browser: Any, settings: Settings, server: str, artifacts: Path
) -> None:
    world = run_async(_demo(settings))
    for name, viewport in (("1366x900", DESKTOP), ("390x844", PHONE)):
        page = browser.new_context(viewport=viewport).new_page()
        page.set_default_timeout(20_000)
        page.goto(server + "/")
        page.locator("[data-testid=live-rooms] [data-testid=live-thumb]").first.wait_for()
        assert page.locator("[data-testid=live-rooms] [data-testid=room-card]").count() == 3
        assert page.locator("[data-testid=upcoming-card] [data-testid=remind]").count() == 2
        _all_images_loaded(page)
        page.screenshot(path=str(artifacts / f"home-{name}.png"), full_page=True)
        page.goto(server + "/@miastreams")
        page.locator("[data-testid=profile-products] .thumb img").first.wait_for()
        _all_images_loaded(page)
        page.screenshot(path=str(artifacts / f"profile-{name}.png"), full_page=True)

        page.goto(f"{server}/rooms/{world['ended']}")
        page.click("[data-testid=replay-link]")
        page.wait_for_url(f"**/rooms/{world['ended']}/replay")
        start = page.evaluate(TIMELINE)
        assert start["t"] < 1 and start["shown"] == [], "nothing is said before its time"
        page.evaluate("document.getElementById('replay').play()")
        if name == "1366x900":
            appeared = _check_in_sync(page, until=6.5)
            assert appeared[:3] == [2.0, 4.0, 6.0], appeared  # each at its moment
            assert page.evaluate(TIMELINE)["pinned"] == world["products"][0]
            page.screenshot(path=str(artifacts / f"replay-{name}.png"))
            # Seek past the second pin, then back: lines and the pinned product follow.
            page.evaluate("document.getElementById('replay').currentTime = 15")
            page.wait_for_function(
                "() => document.querySelectorAll('[data-testid=replay-line]:not([hidden])')"
                ".length === 6"
            )
            assert page.evaluate(TIMELINE)["pinned"] == world["products"][1]
            page.evaluate("document.getElementById('replay').currentTime = 3")
            page.wait_for_function(
                "() => document.querySelectorAll('[data-testid=replay-line]:not([hidden])')"
                ".length === 1"
            )
            assert page.evaluate(TIMELINE)["pinned"] == world["products"][0]
        else:
            _check_in_sync(page, until=4.5)
            page.screenshot(path=str(artifacts / f"replay-{name}.png"), full_page=True)
        page.context.close()
