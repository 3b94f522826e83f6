"""Scheduled lives and reminders through the service: who is reminded, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.accounts import services as accounts
from app.accounts.models import Role, User
from app.errors import UserError
from app.rooms import schedule
from app.rooms import services as rooms
from app.rooms.models import LiveReminder, Room, RoomStatus
from tests.support import STRONG_PASSWORD

pytestmark = pytest.mark.usefixtures("app")


async def make_user(email: str, name: str, role: Role = Role.VIEWER) -> User:
    return await accounts.create_user(email, STRONG_PASSWORD, name, role)


def soon(minutes: float) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


async def test_schedule_live_and_reminders_list_who_asked_once() -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    ann = await make_user("ann@example.com", "Ann")
    bob = await make_user("bob@example.com", "Bob")
    room = await schedule.schedule_live(streamer, "Autumn knitwear", soon(5), "fashion")
    assert room.status == RoomStatus.SCHEDULED and room.scheduled_at is not None
    assert [r.id for r in await schedule.upcoming()] == [room.id]

    await schedule.remind_me(ann, room.id)
    await schedule.remind_me(bob, room.id)
    await schedule.remind_me(ann, room.id)  # asking twice keeps one reminder
    assert await schedule.reminder_recipients(room.id) == [ann.id, bob.id]
    assert await schedule.reminded_rooms(ann, [room.id]) == {room.id}
    assert await schedule.reminder_count(room.id) == 2

    [due] = await schedule.reminders_due(lead=timedelta(minutes=10))
    assert (due.room_id, due.title, due.owner_id, due.user_ids) == (
        room.id,
        "Autumn knitwear",
        streamer.id,
        [ann.id, bob.id],
    )
    assert await schedule.mark_reminded(room.id, due.user_ids) == 2
    assert await schedule.reminder_recipients(room.id) == []
    assert await schedule.reminders_due(lead=timedelta(minutes=10)) == []

    assert await schedule.forget_reminder(bob, room.id) is True
    assert await schedule.forget_reminder(bob, room.id) is False


async def test_reminders_wait_for_the_lead_and_follow_an_early_start() -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    ann = await make_user("ann@example.com", "Ann")
    later = await schedule.schedule_live(streamer, "Next week", soon(7 * 24 * 60))
    early = await schedule.schedule_live(streamer, "Goes live early", soon(120))
    await schedule.remind_me(ann, later.id)
    await schedule.remind_me(ann, early.id)
    assert await schedule.reminders_due(lead=timedelta(minutes=10)) == []
    await rooms.open_room(streamer, early.id)  # live before its time: remind now
    [due] = await schedule.reminders_due(lead=timedelta(minutes=10))
    assert due.room_id == early.id and due.user_ids == [ann.id]


async def test_bad_schedules_and_reminders_change_nothing() -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    viewer = await make_user("v@example.com", "Vi")
    cases = [
        (streamer, "Past live", datetime.now(UTC) - timedelta(hours=1), "INVALID_SCHEDULE"),
        (streamer, "No time", None, "INVALID_SCHEDULE"),
        (streamer, "x", soon(30), "INVALID_TITLE"),
        (viewer, "Viewer live", soon(30), "FORBIDDEN"),
    ]
    for user, title, at, code in cases:
        with pytest.raises(UserError) as caught:
            await schedule.schedule_live(user, title, at)
        assert caught.value.code == code
    assert await Room.all().count() == 0

    room = await schedule.schedule_live(streamer, "Real one", soon(30))
    with pytest.raises(UserError) as own:
        await schedule.remind_me(streamer, room.id)
    assert own.value.code == "OWN_LIVE"
    await rooms.open_room(streamer, room.id)
    with pytest.raises(UserError) as live:
        await schedule.remind_me(viewer, room.id)
    assert live.value.code == "NOT_SCHEDULED"
    with pytest.raises(UserError) as missing:
        await schedule.remind_me(viewer, 999_999)
    assert missing.value.code == "NOT_FOUND"
    assert await LiveReminder.all().count() == 0
