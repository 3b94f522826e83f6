"""In a real browser: a streamer's dashboard of a live session with half an hour of data
(SVG charts, funnel), refreshing by itself while live; and the fraud page. Screenshots go
to tests/e2e/artifacts/."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.accounts.models import Role
from app.settings import Settings
from tests.conftest import run_async, settings_env
from tests.e2e.conftest import ARTIFACTS
from tests.support import STRONG_PASSWORD, browser_login, live_server

pytestmark = pytest.mark.e2e
MINUTES = 30


async def _seed(database_url: str) -> tuple[int, int]:
    from app.accounts.services import create_user
    from app.analytics.models import FlagKind, FraudFlag, MinuteBucket, ViewerVisit
    from app.analytics.recorder import minute_of
    from app.db import close_db, init_db
    from app.rooms.models import LiveSession, Room, RoomStatus

    await init_db(database_url)
    try:
        mia = await create_user("mia@example.com", STRONG_PASSWORD, "Mia", Role.STREAMER)
        await create_user("ada@example.com", STRONG_PASSWORD, "Ada Admin", Role.ADMIN)
        now = datetime.now(UTC)
        start = minute_of(now) - timedelta(minutes=MINUTES - 1)
        room = await Room.create(
            owner_id=mia.id,
            title="Sunday sneaker drop",
            status=RoomStatus.LIVE,
            stream_key="sk_dashboard",
            started_at=start,
        )
        session = await LiveSession.create(room_id=room.id, started_at=start)
        buckets = []
        for i in range(MINUTES - 1):
            viewers = int(40 + 30 * math.sin(i / 6) + i * 2)
            buckets.append(
                MinuteBucket(
                    room_id=room.id,
                    live_session_id=session.id,
                    minute=start + timedelta(minutes=i),
                    viewers_peak=viewers + 4,
                    viewers_sum=viewers * 12,
                    viewers_samples=12,
                    joins=6 + i % 4,
                    unique_viewers=viewers + 3,
                    watch_seconds=viewers * 55,
                    chat_messages=10 + (i * 7) % 13,
                    likes=80 + (i * 37) % 90,
                    gifts=i % 3,
                    gift_coins=(i % 3) * 25,
                    impressions=viewers,
                    clicks=viewers // 4,
                    add_to_cart=viewers // 10,
                    orders_placed=viewers // 14,
                    orders=viewers // 16,
                    gmv_cents=(viewers // 16) * 4900,
                    refunds=1 if i == 20 else 0,
                    refunded_cents=4900 if i == 20 else 0,
                    new_followers=i % 4,
                )
            )
        await MinuteBucket.bulk_create(buckets)
        await ViewerVisit.bulk_create(
            [
                ViewerVisit(
                    room_id=room.id,
                    session_id=session.id,
                    viewer_key=f"browser:{n}",
                    first_seen=start + timedelta(minutes=n % 20),
                    last_seen=start + timedelta(minutes=n % 20 + 6),
                    visits=1,
                    watch_seconds=360,
                )
                for n in range(180)
            ]
        )
        await FraudFlag.create(
            kind=FlagKind.GIFT_RING,
            subject="ring:7,8,9",
            room_id=room.id,
            summary="900 coins went round between 3 accounts",
            score=900,
            evidence={
                "members": [7, 8, 9],
                "coins_inside": 900,
                "transfers": [{"from": 7, "to": 8, "coins": 300, "count": 3}],
                "user_ids": [7, 8, 9],
                "order_ids": [],
            },
        )
        return room.id, session.id
    finally:
        await close_db()


async def _more_chat(database_url: str, room_id: int) -> None:
    from tortoise.expressions import F

    from app.analytics.models import MinuteBucket
    from app.db import close_db, init_db

    await init_db(database_url)
    try:
        last = await MinuteBucket.filter(room_id=room_id).order_by("-minute").first()
        assert last is not None
        await MinuteBucket.filter(id=last.id).update(chat_messages=F("chat_messages") + 1000)
    finally:
        await close_db()


def _login(browser: Any, server: str, email: str) -> Any:
    return browser_login(browser, server, email, viewport={"width": 1280, "height": 900})


def test_dashboard_with_data_screenshot(browser: Any, settings: Settings) -> None:
    room_id, session_id = run_async(_seed(settings.database_url))
    ARTIFACTS.mkdir(exist_ok=True)
    with live_server(settings_env(settings)) as server:
        page = _login(browser, server, "mia@example.com")
        page.goto(f"{server}/studio/rooms/{room_id}/stats?session={session_id}")
        page.wait_for_selector("[data-testid=chart-viewers] polyline")
        assert page.locator("[data-testid=funnel] rect").count() == 4
        assert page.locator("[data-testid=chart-gmv] rect").count() > 10
        assert page.locator("[data-testid=stat-unique_viewers] .value").inner_text() == "180"
        chat = page.locator("[data-testid=stat-chat_messages] .value")
        before = int(chat.inner_text().replace(",", ""))
        page.screenshot(path=str(ARTIFACTS / "analytics-dashboard.png"), full_page=True)

        # Live: the numbers refresh by themselves (htmx, every 5 s).
        run_async(_more_chat(settings.database_url, room_id))
        page.wait_for_function(
            "n => parseInt(document.querySelector("
            "'[data-testid=stat-chat_messages] .value').textContent.replace(/,/g, '')) > n",
            arg=before,
            timeout=15_000,
        )
        assert int(chat.inner_text().replace(",", "")) == before + 1000
        csv = page.request.get(f"{server}/studio/rooms/{room_id}/stats.csv?session={session_id}")
        assert csv.ok and csv.text().count("\n") >= MINUTES

        admin = _login(browser, server, "ada@example.com")
        admin.goto(f"{server}/admin/fraud")
        admin.wait_for_selector("[data-testid=fraud-flag][data-kind=gift_ring]")
        admin.click("summary:has-text('Evidence')")
        admin.screenshot(path=str(ARTIFACTS / "analytics-fraud.png"), full_page=True)
        admin.select_option("select[name=action]", "freeze_wallet")
        admin.click("[data-testid=confirm-flag]")
        admin.wait_for_selector("[data-testid=fraud-notice]:has-text('confirmed')")
        admin.goto(f"{server}/admin/platform")
        admin.wait_for_selector("[data-testid=platform-live-rooms]:has-text('Sunday sneaker drop')")
    assert Path(ARTIFACTS / "analytics-dashboard.png").stat().st_size > 10_000
