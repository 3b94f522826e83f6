"""Shared set-up for the gift tests: users, live rooms, funded wallets, ledger checks."""

from __future__ import annotations

import httpx

from app.accounts.models import Role, User
from app.gifts import services, wallet
from app.gifts.models import EntryKind, Gift, LedgerEntry, Wallet
from app.rooms.models import Room, RoomStatus
from app.rooms.services import new_stream_key
from tests.support import register


async def make_user(email: str, name: str = "Tester", role: Role = Role.VIEWER) -> User:
    return await User.create(email=email, display_name=name, password_hash="x", role=role)


async def live_room(owner: User, status: RoomStatus = RoomStatus.LIVE) -> Room:
    return await Room.create(
        owner_id=owner.id, title="Live sale", status=status, stream_key=new_stream_key()
    )


async def viewer_and_room(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> tuple[User, User, Room, dict[str, Gift]]:
    """Leo (viewer) registers on ``client``, Mia (streamer) on ``other_client`` and goes live;
    with the default gift catalog by name."""
    await register(other_client, "mia@example.com", "Mia")
    await User.filter(email="mia@example.com").update(role=Role.STREAMER)
    streamer = await User.get(email="mia@example.com")
    await register(client, "leo@example.com", "Leo")
    viewer = await User.get(email="leo@example.com")
    room = await live_room(streamer)
    catalog = {g.name: g for g in await services.ensure_default_gifts()}
    return viewer, streamer, room, catalog


async def fund(user: User, coins: int, key: str = "fund") -> None:
    """Credit coins as a top-up would (balanced against the external wallet)."""
    await wallet.credit(
        user.id,
        coins,
        EntryKind.TOPUP,
        "test:fund",
        f"test:{user.id}:{key}",
        from_system=wallet.SYSTEM_EXTERNAL,
    )


async def ledger_state() -> tuple[dict[int, int], int]:
    """Balances of all wallets and the number of ledger rows."""
    balances = dict(await Wallet.all().values_list("id", "balance"))
    return balances, await LedgerEntry.all().count()


async def assert_ledger_sound() -> None:
    problems = await wallet.audit()
    assert problems == [], problems
