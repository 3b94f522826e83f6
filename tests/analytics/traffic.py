"""Normal traffic for the fraud tests: two live rooms, a dozen long-standing viewers who
watch, chat, like, gift and buy (each with their own address and IP), a flash sale bought
by them, and a few hours of ordinary minutes in the first room's history."""

from __future__ import annotations

import contextlib
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from app.accounts.models import LoginAttempt, Role, User
from app.analytics.models import MinuteBucket
from app.analytics.recorder import Recorder, minute_of
from app.chat.services import post_message, reset_rate_limits
from app.commerce import cart, flash_sales, orders, shelf
from app.commerce.models import Product, Variant
from app.gifts import services as gifts
from app.rooms import likes
from app.rooms import services as rooms
from app.rooms.models import Room
from app.rooms.presence import get_presence
from tests.commerce.helpers import fund, make_product

PRICE = 2500
HISTORY_MINUTES = 120
_numbers = itertools.count(1)


def address(n: int, line1: str | None = None) -> dict[str, str]:
    return {
        "name": f"Person {n}",
        "line1": line1 or f"{n} Main Street",
        "city": f"Town {n % 5}",
        "postal_code": f"{10000 + n}",
        "country": "US",
    }


async def aged(user: User, days: float) -> User:
    """Make ``user`` an account created ``days`` ago."""
    created = datetime.now(UTC) - timedelta(days=days)
    await User.filter(id=user.id).update(created_at=created)
    user.created_at = created
    return user


async def new_user(prefix: str, days: float = 0) -> User:
    """A viewer account (no password: these never log in) created ``days`` ago."""
    n = next(_numbers)
    user = await User.create(
        email=f"{prefix}{n}@example.com", display_name=f"{prefix} {n}", password_hash="x"
    )
    return await aged(user, days) if days else user


async def streamer(prefix: str = "streamer") -> User:
    user = await new_user(prefix, days=90)
    await User.filter(id=user.id).update(role=Role.STREAMER)
    user.role = Role.STREAMER
    return user


@dataclass
class Shop:
    owner: User
    room: Room
    product: Product
    variant: Variant


async def shop(title: str) -> Shop:
    owner = await streamer()
    room = await rooms.create_room(owner, title)
    room = await rooms.open_room(owner, room.id)
    product, variant = await make_product(owner, "Silk scarf", PRICE, stock=500, room_id=room.id)
    await shelf.add_to_shelf(owner, room.id, product.id)
    return Shop(owner, room, product, variant)


@dataclass
class World:
    recorder: Recorder
    shops: list[Shop]
    viewers: list[User]
    watching: contextlib.AsyncExitStack
    orders: list[int] = field(default_factory=list)
    keys: Any = field(default_factory=lambda: itertools.count(1))

    def key(self) -> str:
        return f"key-{next(self.keys)}"

    async def buy(
        self,
        buyer: User,
        shop: Shop,
        quantity: int = 1,
        ship: dict[str, str] | None = None,
        pay: bool = True,
    ) -> int:
        order = await cart.buy_now(
            buyer,
            shop.variant.id,
            quantity,
            shipping=ship or address(buyer.id),
            idempotency_key=self.key(),
            room_id=shop.room.id,
        )
        if pay:
            await fund(buyer, order.total_cents)
            await orders.pay_with_coins(buyer, order.id, self.key())
        return order.id

    async def watch(self, room_id: int, user: User | None) -> None:
        await self.watching.enter_async_context(
            get_presence().watching(room_id, user.id if user else None)
        )

    async def flash_sale(self, shop: Shop, buyers: list[User]) -> int:
        sale = await flash_sales.start_flash_sale(
            shop.owner, shop.room.id, shop.variant.id, 1000, len(buyers) + 2
        )
        for buyer in buyers:
            await flash_sales.buy_flash_sale(
                buyer, sale.id, shipping=address(buyer.id), idempotency_key=self.key()
            )
        return sale.id


async def history(room_id: int, now: datetime) -> None:
    """Ordinary minutes before the last hour: 8-12 viewers, a sale every fourth minute."""
    start = minute_of(now) - timedelta(minutes=60 + HISTORY_MINUTES)
    await MinuteBucket.bulk_create(
        [
            MinuteBucket(
                room_id=room_id,
                minute=start + timedelta(minutes=i),
                viewers_peak=8 + i % 5 + 1,
                viewers_sum=(8 + i % 5) * 12,
                viewers_samples=12,
                orders=1 if i % 4 == 0 else 0,
                gmv_cents=PRICE if i % 4 == 0 else 0,
                chat_messages=3,
                likes=40,
            )
            for i in range(HISTORY_MINUTES)
        ]
    )


async def normal_traffic(recorder: Recorder) -> World:
    """Build the ordinary world (see the module docstring); everything is flushed."""
    await gifts.ensure_default_gifts()
    rose = next(g for g in await gifts.list_gifts() if g.name == "Rose")
    shops = [await shop("Morning market"), await shop("Evening deals")]
    await history(shops[0].room.id, datetime.now(UTC))
    viewers = [await new_user("viewer", days=30 + i) for i in range(12)]
    world = World(recorder, shops, viewers, contextlib.AsyncExitStack())
    for i, viewer in enumerate(viewers):
        here = shops[i % 2]
        await LoginAttempt.create(email=viewer.email, ip=f"10.0.0.{i + 1}", success=True)
        await world.watch(here.room.id, viewer)
        reset_rate_limits()
        await post_message(viewer, here.room.id, "hi there")
        await post_message(viewer, here.room.id, "love it")
        await likes.like(viewer, here.room.id, 20)
        await fund(viewer, 10)
        await gifts.send_gift(viewer, here.room.id, rose.id, 1, world.key())
        world.orders.append(await world.buy(viewer, here))
    await world.flash_sale(shops[0], viewers[:6])
    await recorder.sample()
    await world.watching.aclose()
    await recorder.flush()
    return world
