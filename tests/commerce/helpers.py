"""Shared set-up for the commerce tests: users, products, rooms, coins, events, SQL counts."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from PIL import Image

from app.accounts import services as accounts
from app.accounts.models import Role, User
from app.api.ids import encode_id
from app.commerce import catalog
from app.commerce.models import Product, Variant
from app.gifts import wallet
from app.gifts.models import EntryKind
from app.rooms import services as rooms
from app.rooms.events import room_channel
from app.rooms.models import Room
from tests.support import collecting, op, register

PASSWORD = "correct-horse-42"
ADDRESS = {
    "name": "Ada Buyer",
    "line1": "1 Market Street",
    "city": "Springfield",
    "postal_code": "12345",
    "country": "us",
}
ADDRESS_INPUT = {
    "name": "Ada Buyer",
    "line1": "1 Market Street",
    "city": "Springfield",
    "postalCode": "12345",
    "country": "US",
}


async def make_user(email: str, name: str = "Someone", role: Role = Role.VIEWER) -> User:
    return await accounts.create_user(email, PASSWORD, name, role)


async def make_merchant(email: str = "shop@example.com", name: str = "Shop") -> User:
    return await make_user(email, name, Role.STREAMER)


async def make_product(
    merchant: User,
    title: str = "Silk scarf",
    price_cents: int = 1000,
    stock: int = 10,
    sku: str | None = None,
    room_id: int | None = None,
    currency: str = "USD",
) -> tuple[Product, Variant]:
    product = await catalog.create_product(
        merchant, title, "A fine thing.", room_id=room_id, currency=currency
    )
    variant = await catalog.add_variant(
        merchant,
        product.id,
        sku or f"SKU-{product.id}",
        price_cents,
        stock=stock,
        options={"size": "M"},
    )
    return await Product.get(id=product.id), variant


async def live_room(owner: User, title: str = "Live shop") -> Room:
    room = await rooms.create_room(owner, title)
    return await rooms.open_room(owner, room.id)


async def fund(user: User, coins: int) -> None:
    await wallet.credit(user.id, coins, EntryKind.TOPUP, "test", from_system=wallet.SYSTEM_EXTERNAL)


async def stock_of(variant_id: int) -> int:
    return (await Variant.get(id=variant_id)).stock


async def login_as(
    client: httpx.AsyncClient, email: str, name: str, role: Role = Role.VIEWER
) -> User:
    """Register over GraphQL (logs the client in) and give the user ``role``."""
    await register(client, email, name)
    if role != Role.VIEWER:
        await User.filter(email=email).update(role=role)
    return await User.get(email=email)


async def ordered_over_api(
    client: httpx.AsyncClient,
    other_client: httpx.AsyncClient,
    *,
    price_cents: int,
    stock: int,
    idempotency_key: str,
) -> tuple[Variant, str]:
    """A shop logged in on ``other_client`` with one product, and a buyer on ``client``
    who ordered one of it with ``buyNow`` over GraphQL; returns the product's variant and
    the order's global id."""
    shop = await login_as(other_client, "shop@example.com", "Shop", Role.STREAMER)
    await login_as(client, "buyer@example.com", "Buyer")
    _, variant = await make_product(shop, price_cents=price_cents, stock=stock)
    buy = {
        "variantId": encode_id("Variant", variant.id),
        "shipping": ADDRESS_INPUT,
        "idempotencyKey": idempotency_key,
    }
    placed = await op(client, "commerce", "BuyNow", {"input": buy})
    return variant, placed["data"]["buyNow"]["order"]["id"]


def png_bytes(size: tuple[int, int] = (64, 48), color: str = "red", mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, "PNG")
    return out.getvalue()


@dataclass
class EventLog:
    events: list[Any] = field(default_factory=list)

    def of(self, type_: str) -> list[dict[str, Any]]:
        return [e.data for e in self.events if e.type == type_]


@contextlib.asynccontextmanager
async def room_events(room_id: int) -> AsyncIterator[EventLog]:
    """Collect the events published to a room while the block runs (and a moment after)."""
    log = EventLog()
    async with collecting(room_channel(room_id), log.events):
        yield log
        await asyncio.sleep(0.3)
