"""Shared set-up for the gift tests: users, live rooms, funded wallets, ledger checks."""

from __future__ import annotations

from app.accounts.models import Role, User
from app.gifts import wallet
from app.gifts.models import EntryKind, LedgerEntry, Wallet
from app.rooms.models import Room, RoomStatus
from app.rooms.services import new_stream_key


async def make_user(email: str, name: str = "Tester", role: Role = Role.VIEWER) -> User:
    return await User.create(email=email, display_name=name, password_hash="x", role=role)


async def live_room(owner: User, status: RoomStatus = RoomStatus.LIVE) -> Room:
    return await Room.create(
        owner_id=owner.id, title="Live sale", status=status, stream_key=new_stream_key()
    )


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
