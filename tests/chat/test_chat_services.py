"""Chat rules through the services: every typed error persists nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.accounts.models import Role
from app.chat import services as chat
from app.chat.models import ChatMessage
from app.errors import UserError
from app.moderation import services as moderation
from app.moderation.models import AuditLog, BannedWord, RoomMute
from app.rooms import events
from app.rooms.services import create_room, end_room
from tests.chat.helpers import live_room, make_user, recording

pytestmark = pytest.mark.usefixtures("app")


async def rejected(user, room_id: int, text: str) -> UserError:  # type: ignore[no-untyped-def]
    before = await ChatMessage.all().count()
    with pytest.raises(UserError) as caught:
        await chat.post_message(user, room_id, text)
    assert await ChatMessage.all().count() == before, "a refused message must store nothing"
    return caught.value


async def test_post_stores_and_publishes_after_commit() -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    viewer = await make_user("v@example.com", "Vi")
    room = await live_room(streamer)
    async with recording(room.id) as rec:
        message = await chat.post_message(viewer, room.id, "  hello\u200b world \n")
        [event] = await rec.wait_for(events.CHAT_MESSAGE)
    stored = await ChatMessage.get(id=message.id)
    assert stored.text == "hello world"
    assert stored.badge == ""
    assert stored.room_id == room.id and stored.user_id == viewer.id
    assert event.room_id == str(room.id)
    assert event.data == {
        "message_id": message.id,
        "user_id": viewer.id,
        "user_name": "Vi",
        "badge": "",
        "text": "hello world",
        "created_at": stored.created_at.isoformat(),
    }


async def test_badges_streamer_moderator_admin_and_none() -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    mod = await make_user("m@example.com", "Mo", Role.MODERATOR)
    admin = await make_user("a@example.com", "Ad", Role.ADMIN)
    other_streamer = await make_user("o@example.com", "Oz", Role.STREAMER)
    room = await live_room(streamer)
    assert (await chat.post_message(streamer, room.id, "hi")).badge == "streamer"
    assert (await chat.post_message(mod, room.id, "hi")).badge == "moderator"
    assert (await chat.post_message(admin, room.id, "hi")).badge == "moderator"
    assert (await chat.post_message(other_streamer, room.id, "hi")).badge == ""


async def test_top_gifter_badge_follows_the_leaderboard() -> None:
    from app.gifts import services as gifts
    from app.gifts import wallet
    from app.gifts.models import EntryKind

    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    fan = await make_user("f@example.com", "Fan")
    other = await make_user("o@example.com", "Other")
    room = await live_room(streamer)
    assert (await chat.post_message(fan, room.id, "before")).badge == ""
    gift = (await gifts.ensure_default_gifts())[0]
    for user in (fan, other):
        await wallet.credit(
            user.id,
            10_000,
            EntryKind.TOPUP,
            "test",
            f"t:{user.id}",
            from_system=wallet.SYSTEM_EXTERNAL,
        )
    await gifts.send_gift(fan, room.id, gift.id, 2, "k1")
    assert (await chat.post_message(fan, room.id, "after")).badge == "top_gifter"
    assert (await chat.post_message(other, room.id, "me too")).badge == ""
    await gifts.send_gift(other, room.id, gift.id, 5, "k2")
    assert (await chat.post_message(other, room.id, "now me")).badge == "top_gifter"
    assert (await chat.post_message(fan, room.id, "oh")).badge == ""


async def test_room_must_be_live() -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    viewer = await make_user("v@example.com", "Vi")
    scheduled = await create_room(streamer, "Later")
    assert (await rejected(viewer, scheduled.id, "hi")).code == "ROOM_NOT_LIVE"
    room = await live_room(streamer)
    await end_room(streamer, room.id)
    assert (await rejected(viewer, room.id, "hi")).code == "ROOM_NOT_LIVE"
    assert (await rejected(viewer, 9999, "hi")).code == "NOT_FOUND"


async def test_empty_and_too_long() -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    viewer = await make_user("v@example.com", "Vi")
    room = await live_room(streamer)
    for text in ("", "   ", "\u200b\u200b", "\n\t"):
        error = await rejected(viewer, room.id, text)
        assert (error.code, error.field) == ("EMPTY", "text")
    error = await rejected(viewer, room.id, "x" * 201)
    assert (error.code, error.field) == ("TOO_LONG", "text")
    assert len((await chat.post_message(viewer, room.id, "y" * 200)).text) == 200


async def test_banned_words_room_and_global_with_disguises() -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    mod = await make_user("m@example.com", "Mo", Role.MODERATOR)
    viewer = await make_user("v@example.com", "Vi")
    room = await live_room(streamer)
    other = await live_room(await make_user("t@example.com", "Tia", Role.STREAMER))
    await moderation.add_banned_word(streamer, room.id, "bad")
    await moderation.add_banned_word(mod, None, "spam")
    for text in ("ｂａｄ", "B A D", "b\u200bad", "BaD", "so b.a.d"):
        assert (await rejected(viewer, room.id, text)).code == "BANNED_WORD", text
    assert (await rejected(viewer, other.id, "S P A M")).code == "BANNED_WORD"
    # A room's word only applies in that room.
    assert (await chat.post_message(viewer, other.id, "bad")).text == "bad"
    assert (await rejected(mod, room.id, "bad")).code == "BANNED_WORD"


async def test_banned_and_muted_users_cannot_chat_and_mutes_expire() -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    viewer = await make_user("v@example.com", "Vi")
    other = await make_user("o@example.com", "Oz")
    room = await live_room(streamer)
    await moderation.mute(streamer, room.id, viewer.id, 5)
    error = await rejected(viewer, room.id, "hi")
    assert error.code == "MUTED" and 0 < error.retry_after <= 300  # type: ignore[attr-defined]
    await chat.post_message(other, room.id, "others still chat")
    await RoomMute.filter(user_id=viewer.id).update(until=datetime.now(UTC) - timedelta(seconds=1))
    await chat.post_message(viewer, room.id, "back")
    await moderation.ban(streamer, room.id, other.id)
    assert (await rejected(other, room.id, "hi")).code == "BANNED"
    await moderation.unban(streamer, room.id, other.id)
    await chat.post_message(other, room.id, "back too")


async def test_rate_limit_five_per_ten_seconds() -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    viewer = await make_user("v@example.com", "Vi")
    room = await live_room(streamer)
    for i in range(5):
        await chat.post_message(viewer, room.id, f"m{i}")
    error = await rejected(viewer, room.id, "one too many")
    assert error.code == "RATE_LIMITED" and 1 <= error.retry_after <= 10  # type: ignore[attr-defined]
    # Refused messages don't use up the allowance of another user.
    other = await make_user("o@example.com", "Oz")
    await chat.post_message(other, room.id, "fine")


async def test_slow_mode_is_checked_in_the_database() -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    viewer = await make_user("v@example.com", "Vi")
    room = await live_room(streamer)
    await moderation.set_slow_mode(streamer, room.id, 30)
    first = await chat.post_message(viewer, room.id, "first")
    error = await rejected(viewer, room.id, "second")
    assert error.code == "SLOW_MODE"
    assert 29 <= error.retry_after <= 30  # type: ignore[attr-defined]
    assert "30 s" in error.message or "29 s" in error.message
    # Another process has an empty in-memory rate limiter: slow mode still holds.
    chat.reset_rate_limits()
    assert (await rejected(viewer, room.id, "second")).code == "SLOW_MODE"
    # The owner (and moderators) are exempt.
    await chat.post_message(streamer, room.id, "a")
    await chat.post_message(streamer, room.id, "b")
    # Once the interval has passed the viewer may post again.
    await ChatMessage.filter(id=first.id).update(
        created_at=datetime.now(UTC) - timedelta(seconds=31)
    )
    await chat.post_message(viewer, room.id, "second")
    await moderation.set_slow_mode(streamer, room.id, 0)
    await chat.post_message(viewer, room.id, "third")


async def test_delete_message_by_moderators_only() -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    viewer = await make_user("v@example.com", "Vi")
    room = await live_room(streamer)
    message = await chat.post_message(viewer, room.id, "oops")
    with pytest.raises(UserError) as caught:
        await chat.delete_message(viewer, message.id)
    assert caught.value.code == "FORBIDDEN"
    assert (await ChatMessage.get(id=message.id)).deleted_at is None
    async with recording(room.id) as rec:
        await chat.delete_message(streamer, message.id)
        [event] = await rec.wait_for(events.CHAT_DELETED)
    assert event.data == {"message_id": message.id, "by_user_id": streamer.id}
    stored = await ChatMessage.get(id=message.id)
    assert stored.deleted_at is not None and stored.deleted_by_id == streamer.id
    entry = await AuditLog.get(action="chat.delete")
    assert (entry.actor_id, entry.room_id, entry.target_user_id) == (
        streamer.id,
        room.id,
        viewer.id,
    )
    assert entry.detail == {"message_id": message.id, "text": "oops"}
    with pytest.raises(UserError) as caught:
        await chat.delete_message(streamer, message.id)
    assert caught.value.code == "ALREADY_DELETED"
    assert await AuditLog.filter(action="chat.delete").count() == 1
    with pytest.raises(UserError) as caught:
        await chat.delete_message(streamer, 9999)
    assert caught.value.code == "NOT_FOUND"


async def test_history_is_newest_first_with_keyset_pages_and_hides_deleted() -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    room = await live_room(streamer)
    sent = [await chat.post_message(streamer, room.id, f"m{i}") for i in range(5)]
    await chat.delete_message(streamer, sent[2].id)
    page, more = await chat.history(room.id, 2)
    assert [m.text for m in page] == ["m4", "m3"] and more
    page, more = await chat.history(room.id, 2, before_id=page[-1].id)
    assert [m.text for m in page] == ["m1", "m0"] and not more
    page, _ = await chat.history(room.id, 10, include_deleted=True)
    assert [m.text for m in page] == ["m4", "m3", "m2", "m1", "m0"]
    assert [m.text for m in await chat.recent(room.id, 3)] == ["m1", "m3", "m4"]
    assert await chat.history_count(room.id) == 4
    assert page[0].user.display_name == "Sam"


async def test_banned_word_rows_keep_the_normalised_form() -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    room = await live_room(streamer)
    word = await moderation.add_banned_word(streamer, room.id, "Ｓ-P a M")
    stored = await BannedWord.get(id=word.id)
    assert (stored.word, stored.normalized) == ("Ｓ-P a M", "spam")


async def test_slow_mode_holds_for_concurrent_posts() -> None:
    """Racing posts of one sender (as from several processes) pass slow mode only once."""
    import asyncio

    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    viewer = await make_user("v@example.com", "Vi")
    room = await live_room(streamer)
    await moderation.set_slow_mode(streamer, room.id, 60)
    results = await asyncio.gather(
        *(chat.post_message(viewer, room.id, f"race {i}") for i in range(5)),
        return_exceptions=True,
    )
    accepted = [r for r in results if isinstance(r, ChatMessage)]
    refused = [r.code for r in results if isinstance(r, UserError)]
    assert len(accepted) == 1, results
    assert refused == ["SLOW_MODE"] * 4
    assert await ChatMessage.filter(user_id=viewer.id).count() == 1
