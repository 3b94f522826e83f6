"""Web Push end to end: the delivery runtime encrypts each notification for the
subscribed browser and signs it with the server's VAPID key; a local push endpoint checks
the signature and decrypts the payload with the browser's keys. Failures are retried with
a back-off; an expired subscription is removed; quiet hours hold the push."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.notify import prefs, services
from app.notify.models import DeliveryStatus, NotificationDelivery, PushSubscription
from app.notify.push import application_server_key, vapid_key
from app.rooms import services as rooms
from app.settings import Settings
from tests.commerce.helpers import make_merchant, make_user
from tests.notify.endpoints import PushEndpoint
from tests.support import eventually

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, notify_tick_seconds=0.05, notify_retry_seconds=0.05)


async def _fan_and_streamer() -> tuple[int, int]:
    streamer = await make_merchant("live@example.com", "Ann")
    fan = await make_user("fan@example.com")
    await rooms.follow(fan, streamer.id)
    return fan.id, streamer.id


async def _go_live(streamer_id: int, title: str = "Spring scarves") -> int:
    from app.accounts.models import User

    streamer = await User.get(id=streamer_id)
    room = await rooms.create_room(streamer, title)
    await rooms.open_room(streamer, room.id)
    return room.id


async def test_a_go_live_push_is_signed_and_decrypts_with_the_browsers_keys(
    settings: Settings,
) -> None:
    fan, streamer = await _fan_and_streamer()
    server_key = application_server_key(vapid_key(settings.var_dir))
    assert (settings.var_dir / "vapid_private.pem").exists()  # generated once, kept
    async with PushEndpoint(server_key).running() as endpoint:
        url, keys = endpoint.subscribe("phone")
        await services.subscribe_push(fan, url, keys.p256dh, keys.auth, allow_private=True)
        room_id = await _go_live(streamer)
        async with asyncio.timeout(20):
            await endpoint.arrived.wait()
    assert endpoint.errors == []
    [payload] = endpoint.received
    assert payload["title"] == "Ann is live"
    assert payload["body"] == "Spring scarves"
    assert payload["url"] == f"/rooms/{room_id}"

    async def recorded() -> NotificationDelivery | None:
        row = await NotificationDelivery.get(channel="push")
        return row if row.status == DeliveryStatus.SENT else None

    row = await eventually(recorded)
    assert row.attempts == 0


async def test_a_push_is_retried_after_the_endpoint_fails_twice(settings: Settings) -> None:
    fan, streamer = await _fan_and_streamer()
    server_key = application_server_key(vapid_key(settings.var_dir))
    async with PushEndpoint(server_key, fail_first=2).running() as endpoint:
        url, keys = endpoint.subscribe("laptop")
        await services.subscribe_push(fan, url, keys.p256dh, keys.auth, allow_private=True)
        await _go_live(streamer)
        async with asyncio.timeout(30):
            await endpoint.arrived.wait()
    assert endpoint.attempts == 3 and endpoint.errors == []
    assert [p["title"] for p in endpoint.received] == ["Ann is live"]

    async def recorded() -> NotificationDelivery | None:
        row = await NotificationDelivery.get(channel="push")
        return row if row.status == DeliveryStatus.SENT else None

    row = await eventually(recorded)
    assert row.attempts == 2 and "500" in row.last_error


async def test_an_expired_subscription_is_removed(settings: Settings) -> None:
    fan, streamer = await _fan_and_streamer()
    async with PushEndpoint().running() as endpoint:
        url, keys = endpoint.subscribe("old")
        endpoint.gone.add("old")
        await services.subscribe_push(fan, url, keys.p256dh, keys.auth, allow_private=True)
        await _go_live(streamer)

        async def gone() -> bool:
            row = await NotificationDelivery.get_or_none(channel="push")
            return row is not None and row.status == DeliveryStatus.GONE

        await eventually(gone)
    assert await PushSubscription.filter(user_id=fan).count() == 0


async def test_quiet_hours_hold_the_push_until_they_end(settings: Settings) -> None:
    fan, streamer = await _fan_and_streamer()
    local = datetime.now(UTC).astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    start = (local - timedelta(hours=1)).strftime("%H:%M")
    end = (local + timedelta(hours=1)).strftime("%H:%M")
    await prefs.set_quiet_hours(fan, "Asia/Shanghai", start, end)
    async with PushEndpoint().running() as endpoint:
        url, keys = endpoint.subscribe("night")
        await services.subscribe_push(fan, url, keys.p256dh, keys.auth, allow_private=True)
        await _go_live(streamer)

        async def held() -> NotificationDelivery | None:
            row = await NotificationDelivery.get_or_none(channel="push")
            if row is None or row.claim or row.next_attempt_at <= datetime.now(UTC):
                return None
            return row

        row = await eventually(held)
        assert endpoint.attempts == 0
    expected = datetime.now(UTC) + timedelta(hours=1)
    assert abs((row.next_attempt_at - expected).total_seconds()) < 120
    assert row.status == DeliveryStatus.PENDING and row.attempts == 0
    assert await services.unread_count(fan) == 1  # in the app, silently, at once
