"""Demo data for gifts: the default catalog and 2000 coins for the demo viewer (called by
:func:`app.seed.seed_demo`)."""

from __future__ import annotations

from app.accounts.models import User
from app.gifts import wallet
from app.gifts.models import EntryKind
from app.gifts.services import ensure_default_gifts
from app.settings import Settings

DEMO_VIEWER = "viewer@demo.livemart"
DEMO_COINS = 2000


async def seed_gifts(settings: Settings, users: dict[str, User]) -> str:
    """Seed the gift catalog and top up the demo viewer once (idempotent)."""
    gifts = await ensure_default_gifts()
    viewer = users.get(DEMO_VIEWER)
    if viewer is None:
        return f"gifts: {len(gifts)} in the catalog"
    await wallet.credit(
        viewer.id,
        DEMO_COINS,
        EntryKind.TOPUP,
        "seed:demo",
        f"seed:demo-coins:{viewer.id}",
        from_system=wallet.SYSTEM_EXTERNAL,
    )
    balance = await wallet.balance_of(viewer.id)
    return f"gifts: {len(gifts)} in the catalog; {DEMO_VIEWER} holds {balance} coins"
