"""Fixtures for live commerce: a streamer with a room and a product, buyers, an address."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.accounts.models import Role, User
from app.commerce.models import Product, Variant
from app.gifts import wallet
from app.gifts.models import EntryKind
from app.rooms.events import room_channel
from app.rooms.models import Room, RoomStatus
from tests.support import collecting, register

SHIPPING = {
    "name": "Ada Buyer",
    "line1": "1 Market Street",
    "city": "Lisbon",
    "postal_code": "1000-001",
    "country": "PT",
}


@dataclass
class Shop:
    seller: User
    room: Room
    product: Product
    variant: Variant


COINS = 1_000_000  # what every test user holds: a bid must be covered by coins


async def fund(user_id: int, coins: int = COINS) -> None:
    """Top up a user's wallet (bidders must hold the coins their bid costs)."""
    await wallet.credit(
        user_id, coins, EntryKind.TOPUP, f"test:{user_id}", from_system=wallet.SYSTEM_EXTERNAL
    )


async def fund_email(email: str, coins: int = COINS) -> None:
    await fund((await User.get(email=email)).id, coins)


async def make_user(email: str, name: str = "Buyer", role: Role = Role.VIEWER) -> User:
    user = await User.create(email=email, display_name=name, password_hash="x", role=role)
    await fund(user.id)
    return user


async def make_users(count: int, prefix: str = "buyer") -> list[User]:
    """``count`` viewers created in bulk with the ORM (no password hashing)."""
    await User.bulk_create(
        [
            User(email=f"{prefix}{i}@example.com", display_name=f"{prefix} {i}", password_hash="x")
            for i in range(count)
        ],
        batch_size=500,
    )
    users = list(await User.filter(email__startswith=prefix).order_by("id"))
    for user in users:
        await fund(user.id)
    return users


async def make_shop(
    stock: int = 100, price_cents: int = 2500, email: str = "seller@example.com"
) -> Shop:
    seller = await make_user(email, "Mia Seller", Role.STREAMER)
    room = await Room.create(
        owner_id=seller.id,
        title="Friday flash",
        status=RoomStatus.LIVE,
        stream_key="sk_" + secrets.token_urlsafe(12),
    )
    product = await Product.create(
        merchant_id=seller.id, title="Silk scarf", price_cents=price_cents, room_id=room.id
    )
    variant = await Variant.create(
        product_id=product.id,
        merchant_id=seller.id,
        sku=f"SCARF-{secrets.token_hex(3)}",
        price_cents=price_cents,
        stock=stock,
    )
    return Shop(seller, room, product, variant)


async def registered_shop(client: httpx.AsyncClient, stock: int = 20) -> Shop:
    """Mia registers on ``client`` (which stays logged in as her), is made a streamer and
    is live in "Live shop" with a "Silk scarf" product (variant SCARF, ``stock`` units)."""
    await register(client, "mia@example.com", "Mia")
    await User.filter(email="mia@example.com").update(role=Role.STREAMER)
    seller = await User.get(email="mia@example.com")
    room = await Room.create(
        owner_id=seller.id,
        title="Live shop",
        status=RoomStatus.LIVE,
        stream_key="sk_" + secrets.token_urlsafe(8),
    )
    product = await Product.create(merchant_id=seller.id, title="Silk scarf", price_cents=2500)
    variant = await Variant.create(
        product_id=product.id, merchant_id=seller.id, sku="SCARF", price_cents=2500, stock=stock
    )
    return Shop(seller, room, product, variant)


@pytest.fixture
async def shop(app: Any) -> Shop:
    return await make_shop()


@pytest.fixture
def shipping() -> dict[str, str]:
    return dict(SHIPPING)


@dataclass
class EventLog:
    events: list[Any]

    def of(self, type_: str) -> list[dict[str, Any]]:
        return [e.data for e in self.events if e.type == type_]


@contextlib.asynccontextmanager
async def room_events(room_id: int) -> AsyncIterator[EventLog]:
    """Collect the events published to a room's channel while the block runs."""
    log = EventLog([])
    async with collecting(room_channel(room_id), log.events):
        yield log
