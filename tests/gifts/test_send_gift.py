"""Sending gifts: concurrency, idempotency, typed errors that change nothing, leaderboard."""

from __future__ import annotations

import asyncio

import pytest

from app.accounts.models import Role
from app.errors import UserError
from app.gifts import services, wallet
from app.gifts.models import EntryKind, GiftSend, LedgerEntry
from app.rooms.models import RoomStatus
from tests.gifts.helpers import assert_ledger_sound, fund, ledger_state, live_room, make_user

pytestmark = pytest.mark.usefixtures("app")


async def _setup(coins: int):  # type: ignore[no-untyped-def]
    gifts = {g.name: g for g in await services.ensure_default_gifts()}
    streamer = await make_user("mia@example.com", "Mia", Role.STREAMER)
    viewer = await make_user("leo@example.com", "Leo")
    room = await live_room(streamer)
    if coins:
        await fund(viewer, coins)
    return gifts, streamer, viewer, room


async def test_fifty_concurrent_gifts_from_a_wallet_that_covers_thirty() -> None:
    gifts, streamer, viewer, room = await _setup(0)
    rose = gifts["Rose"]
    await fund(viewer, 30 * rose.coins)

    async def attempt(i: int) -> str:
        try:
            await services.send_gift(viewer, room.id, rose.id, 1, f"key-{i}")
        except UserError as exc:
            return exc.code
        return "ok"

    results = await asyncio.gather(*(attempt(i) for i in range(50)))
    assert results.count("ok") == 30
    assert results.count("INSUFFICIENT_COINS") == 20
    assert await GiftSend.filter(room_id=room.id).count() == 30
    assert await wallet.balance_of(viewer.id) == 0
    assert await wallet.balance_of(streamer.id) == 30 * rose.coins
    sender_wallet = await wallet.get_wallet(viewer.id)
    streamer_wallet = await wallet.get_wallet(streamer.id)
    sent = LedgerEntry.filter(wallet_id=sender_wallet.id, kind=EntryKind.GIFT_SENT)
    received = LedgerEntry.filter(wallet_id=streamer_wallet.id, kind=EntryKind.GIFT_RECEIVED)
    assert await sent.count() == 30
    assert await received.count() == 30
    # balance == sum of ledger deltas for every wallet; every transaction sums to zero.
    await assert_ledger_sound()
    # Balances after each entry form an unbroken chain down to zero.
    chain = await LedgerEntry.filter(wallet_id=sender_wallet.id).order_by("id")
    running = 0
    for entry in chain:
        running += entry.delta
        assert entry.balance_after == running
    assert running == 0


async def test_retry_with_the_same_key_is_charged_once() -> None:
    gifts, streamer, viewer, room = await _setup(100)
    rocket = gifts["Rocket"]
    first = await services.send_gift(viewer, room.id, rocket.id, 1, "tap-1")
    again = await services.send_gift(viewer, room.id, rocket.id, 1, "tap-1")
    assert not first.replayed and again.replayed
    assert again.gift_send.id == first.gift_send.id
    assert await wallet.balance_of(viewer.id) == 0
    assert await wallet.balance_of(streamer.id) == 100
    assert await GiftSend.all().count() == 1
    await assert_ledger_sound()


async def test_concurrent_retries_with_one_key_are_charged_once() -> None:
    gifts, streamer, viewer, room = await _setup(50)
    rose = gifts["Rose"]
    results = await asyncio.gather(
        *(services.send_gift(viewer, room.id, rose.id, 2, "double-click") for _ in range(8))
    )
    assert len({r.gift_send.id for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    assert await wallet.balance_of(viewer.id) == 40
    assert await wallet.balance_of(streamer.id) == 10
    assert await GiftSend.all().count() == 1
    await assert_ledger_sound()


async def test_same_key_different_gift_is_a_mismatch() -> None:
    gifts, _streamer, viewer, room = await _setup(100)
    await services.send_gift(viewer, room.id, gifts["Rose"].id, 1, "k")
    before = await ledger_state()
    for gift_id, quantity in ((gifts["Heart"].id, 1), (gifts["Rose"].id, 3)):
        with pytest.raises(UserError) as err:
            await services.send_gift(viewer, room.id, gift_id, quantity, "k")
        assert err.value.code == "IDEMPOTENCY_MISMATCH"
        assert err.value.field == "idempotencyKey"
    assert await ledger_state() == before


async def test_insufficient_coins_changes_nothing() -> None:
    gifts, _streamer, viewer, room = await _setup(99)
    before = await ledger_state()
    with pytest.raises(UserError) as err:
        await services.send_gift(viewer, room.id, gifts["Rocket"].id, 1, "too-much")
    assert err.value.code == "INSUFFICIENT_COINS"
    assert await ledger_state() == before
    assert await GiftSend.all().count() == 0
    assert await wallet.balance_of(viewer.id) == 99
    # The key was not used up: once funded, the same key goes through.
    await fund(viewer, 1, "more")
    sent = await services.send_gift(viewer, room.id, gifts["Rocket"].id, 1, "too-much")
    assert not sent.replayed
    await assert_ledger_sound()


async def test_rules_of_sending() -> None:
    gifts, streamer, viewer, room = await _setup(1000)
    rose = gifts["Rose"].id
    before = await ledger_state()

    async def code(user, room_id, gift_id, quantity, key="x"):  # type: ignore[no-untyped-def]
        with pytest.raises(UserError) as err:
            await services.send_gift(user, room_id, gift_id, quantity, key)
        return err.value.code

    await fund(streamer, 100, "streamer")
    before = await ledger_state()
    assert await code(streamer, room.id, rose, 1) == "OWN_ROOM"
    assert await code(viewer, room.id, rose, 0) == "INVALID_QUANTITY"
    assert await code(viewer, room.id, rose, 100) == "INVALID_QUANTITY"
    assert await code(viewer, room.id + 99, rose, 1) == "NOT_FOUND"
    assert await code(viewer, room.id, 9999, 1) == "NOT_FOUND"
    assert await code(viewer, room.id, rose, 1, "") == "INVALID_IDEMPOTENCY_KEY"
    scheduled = await live_room(streamer, RoomStatus.SCHEDULED)
    ended = await live_room(streamer, RoomStatus.ENDED)
    assert await code(viewer, scheduled.id, rose, 1) == "ROOM_NOT_LIVE"
    assert await code(viewer, ended.id, rose, 1) == "ROOM_NOT_LIVE"
    await wallet.set_frozen(viewer.id, True)
    before = await ledger_state()
    assert await code(viewer, room.id, rose, 1) == "WALLET_FROZEN"
    assert await ledger_state() == before
    assert await GiftSend.all().count() == 0
    await wallet.set_frozen(viewer.id, False)
    assert not (await services.send_gift(viewer, room.id, rose, 99, "ok")).replayed
    assert await wallet.balance_of(viewer.id) == 1000 - 99 * 5


async def test_leaderboard_orders_gifters_by_coins() -> None:
    gifts, streamer, viewer, room = await _setup(1000)
    ana = await make_user("ana@example.com", "Ana")
    bo = await make_user("bo@example.com", "Bo")
    await fund(ana, 1000)
    await fund(bo, 1000)
    assert await services.top_gifter_id(room.id) is None
    await services.send_gift(viewer, room.id, gifts["Rose"].id, 2, "1")  # Leo 10
    await services.send_gift(ana, room.id, gifts["Rocket"].id, 1, "1")  # Ana 100
    await services.send_gift(bo, room.id, gifts["Heart"].id, 10, "1")  # Bo 10 (later tie)
    await services.send_gift(viewer, room.id, gifts["Heart"].id, 5, "2")  # Leo 15
    board = await services.leaderboard(room.id)
    assert [(e.rank, e.user_name, e.coins) for e in board] == [
        (1, "Ana", 100),
        (2, "Leo", 15),
        (3, "Bo", 10),
    ]
    assert await services.top_gifter_id(room.id) == ana.id
    assert [e.user_name for e in await services.leaderboard(room.id, 2)] == ["Ana", "Leo"]
    # Another room has its own board.
    other = await live_room(streamer)
    assert await services.leaderboard(other.id) == []
    # A tie goes to whoever gifted first.
    await services.send_gift(bo, room.id, gifts["Heart"].id, 5, "2")  # Bo 15
    board = await services.leaderboard(room.id)
    assert [(e.user_name, e.coins) for e in board] == [("Ana", 100), ("Leo", 15), ("Bo", 15)]


async def test_ensure_default_gifts_is_idempotent() -> None:
    first = await services.ensure_default_gifts()
    second = await services.ensure_default_gifts()
    assert [(g.name, g.coins) for g in first] == [
        ("Heart", 1),
        ("Rose", 5),
        ("Rocket", 100),
        ("Castle", 500),
    ]
    assert [g.id for g in first] == [g.id for g in second]
