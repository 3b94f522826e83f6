"""Notifications written in bulk from the services' signals: a go-live reaches every
follower (each on the channels they chose), order and auction changes reach the buyer,
the bells of open pages get their new counts, and reading lowers them."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from app.errors import UserError
from app.notify import prefs, services
from app.notify.hub import get_hub
from app.notify.models import (
    Channel,
    Kind,
    Notification,
    NotificationDelivery,
    PushSubscription,
)
from app.notify.runtime import fan_outs_done
from app.rooms import services as rooms
from app.settings import Settings
from tests.commerce.helpers import make_merchant, make_user

pytestmark = pytest.mark.usefixtures("app")

P256DH = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
AUTH = "tBHItJI5svbpez7KI4CCXg"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Deliveries stay queued (the runtime's sender runs elsewhere): these tests read them."""
    return replace(settings, notify_in_process=False)


async def test_go_live_notifies_every_follower_on_their_channels() -> None:
    streamer = await make_merchant("live@example.com", "Ann")
    fans = [await make_user(f"fan{i}@example.com", f"Fan {i}") for i in range(3)]
    stranger = await make_user("stranger@example.com")
    for fan in fans:
        await rooms.follow(fan, streamer.id)
    await services.subscribe_push(fans[0].id, "https://push.example/one", P256DH, AUTH)
    await prefs.set_preference(fans[1].id, Kind.GO_LIVE, Channel.IN_APP, False)
    await prefs.set_preference(fans[2].id, Kind.GO_LIVE, Channel.EMAIL, True)

    room = await rooms.create_room(streamer, "Spring scarves")
    await rooms.open_room(streamer, room.id)
    await fan_outs_done()

    notes = await Notification.filter(kind=Kind.GO_LIVE).order_by("user_id")
    assert [n.user_id for n in notes] == [f.id for f in fans]
    assert notes[0].title == "Ann is live" and notes[0].url == f"/rooms/{room.id}"
    assert [n.shown for n in notes] == [True, False, True]  # fan 1 turned in-app off
    assert await services.unread_count(fans[0].id) == 1
    assert await services.unread_count(fans[1].id) == 0
    assert await services.unread_count(stranger.id) == 0
    deliveries = await NotificationDelivery.all().prefetch_related("notification")
    got = sorted((d.notification.user_id, d.channel) for d in deliveries)
    # fan 0: a push (one subscribed browser); fan 2: the mail they asked for
    assert got == [(fans[0].id, "push"), (fans[2].id, "email")]


async def test_bells_of_open_pages_get_the_new_count_and_reading_lowers_it() -> None:
    streamer = await make_merchant("live@example.com", "Ann")
    fan = await make_user("fan@example.com")
    await rooms.follow(fan, streamer.id)
    hub = get_hub()
    assert hub is not None
    with hub.listen(fan.id) as bell:
        room = await rooms.create_room(streamer, "Live one")
        await rooms.open_room(streamer, room.id)
        async with asyncio.timeout(10):
            assert await bell.get() == 1
        note = (await services.recent(fan.id))[0]
        assert await services.mark_read(fan.id, note.id) == 1
        from app.notify.hub import read_changed

        await read_changed(fan.id)
        async with asyncio.timeout(10):
            assert await bell.get() == 0


async def test_marking_someone_elses_notification_is_refused() -> None:
    fan = await make_user("fan@example.com")
    other = await make_user("other@example.com")
    await services.notify([fan.id], Kind.OUTBID, services.Content("You were outbid"))
    note = (await services.recent(fan.id))[0]
    with pytest.raises(UserError) as caught:
        await services.mark_read(other.id, note.id)
    assert caught.value.code == "NOT_FOUND"
    assert await services.unread_count(fan.id) == 1


async def test_order_shipped_reaches_the_buyer() -> None:
    from app.commerce import orders
    from app.commerce.models import Order, OrderStatus
    from tests.commerce.helpers import ADDRESS, make_product

    merchant = await make_merchant()
    buyer = await make_user("buyer@example.com")
    _, variant = await make_product(merchant)
    order = await orders.create_order(
        buyer, [orders.OrderLine(variant.id, 1)], shipping=ADDRESS, idempotency_key="o1"
    )
    await Order.filter(id=order.id).update(status=OrderStatus.PAID)
    await orders.ship_order(merchant, order.id, "TRACK1234")
    await fan_outs_done()
    note = (await services.recent(buyer.id))[0]
    assert note.kind == Kind.ORDER_SHIPPED
    assert note.title == f"Your order #{order.id} is on its way"
    assert "TRACK1234" in note.body
    # mail is on by default for orders: one queued (development sends it to the outbox)
    assert await NotificationDelivery.filter(notification_id=note.id, channel="email").count() == 1


async def test_bad_push_subscriptions_and_preferences_are_refused() -> None:
    fan = await make_user("fan@example.com")
    for endpoint, key, auth, code in [
        ("ftp://x/y", P256DH, AUTH, "INVALID_SUBSCRIPTION"),
        ("https://push.example/a", "short", AUTH, "INVALID_SUBSCRIPTION"),
        ("https://push.example/a", P256DH, "!!", "INVALID_SUBSCRIPTION"),
    ]:
        with pytest.raises(UserError) as caught:
            await services.subscribe_push(fan.id, endpoint, key, auth)
        assert caught.value.code == code
    assert await PushSubscription.all().count() == 0
    with pytest.raises(UserError):
        await prefs.set_quiet_hours(fan.id, "Mars/Olympus", "22:00", "07:00")
    with pytest.raises(UserError):
        await prefs.set_quiet_hours(fan.id, "UTC", "25:00", "07:00")
    with pytest.raises(UserError):
        await prefs.set_quiet_hours(fan.id, "UTC", "22:00", "")
    assert (await prefs.quiet_hours(fan.id)).active is False


async def test_a_reminder_goes_once_to_those_who_asked_when_the_live_starts() -> None:
    from datetime import UTC, datetime, timedelta

    from app.notify.runtime import send_reminders
    from app.rooms import schedule

    streamer = await make_merchant("live@example.com", "Ann")
    asked = await make_user("asked@example.com")
    other = await make_user("other@example.com")
    room = await schedule.schedule_live(
        streamer, "Friday drop", datetime.now(UTC) + timedelta(hours=2)
    )
    await schedule.remind_me(asked, room.id)
    assert await send_reminders() == 0  # two hours ahead: not yet
    await rooms.open_room(streamer, room.id)
    await fan_outs_done()
    [note] = await services.recent(asked.id)
    assert note.kind == Kind.REMINDER and note.title == "Live now: Friday drop"
    assert await services.recent(other.id) == []
    assert await send_reminders() == 0  # once
    assert len(await services.recent(asked.id)) == 1
