"""Scripted sessions for the profile tests: a merchant with a sneaker room and a mug room,
and the signals a viewer's watching and buying emits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app import signals
from app.accounts.models import User
from app.commerce.models import Product
from app.profiles.updater import ProfileUpdater, get_updater
from app.rooms import services as rooms
from app.rooms.models import Room
from tests.commerce.helpers import make_merchant, make_product


def updater() -> ProfileUpdater:
    found = get_updater()
    assert found is not None, "the profile updater did not start with the app"
    return found


@dataclass
class Shop:
    merchant: User
    sneaker_room: Room
    mug_room: Room
    sneakers: list[Product]
    mugs: list[Product]


async def make_shop(email: str = "kicks@example.com") -> Shop:
    merchant = await make_merchant(email, "Kicks")
    sneaker_room = await rooms.create_room(merchant, "Sneakers drop", category="fashion")
    mug_room = await rooms.create_room(merchant, "Ceramic mugs", category="home")
    sneakers = [
        (await make_product(merchant, f"{kind} sneakers", 8000, room_id=sneaker_room.id))[0]
        for kind in ("Court", "Trail")
    ]
    mugs = [
        (await make_product(merchant, f"{kind} mugs", 1500, room_id=mug_room.id))[0]
        for kind in ("Glaze", "Speckled")
    ]
    return Shop(merchant, sneaker_room, mug_room, sneakers, mugs)


async def watch_and_buy(
    user_id: int | None,
    room: Room,
    products: list[Product],
    at: datetime,
    viewer_key: str | None = None,
    buy: bool = True,
) -> None:
    """Join, watch 20 minutes, open each product, put it in the cart and buy it."""
    key = viewer_key or f"user:{user_id}"
    await signals.emit("room.joined", room_id=room.id, user_id=user_id, viewer_key=key, at=at)
    await signals.emit(
        "room.watched",
        room_id=room.id,
        user_id=user_id,
        viewer_key=key,
        started_at=at,
        ended_at=at + timedelta(minutes=20),
        at=at + timedelta(minutes=20),
    )
    if user_id is None:
        return
    for product in products:
        await signals.emit(
            "product.clicked", product_id=product.id, user_id=user_id, room_id=room.id, at=at
        )
        await signals.emit(
            "cart.added",
            product_id=product.id,
            variant_id=0,
            user_id=user_id,
            quantity=1,
            room_id=room.id,
            at=at,
        )
    if buy and products:
        ids = [p.id for p in products]
        total = sum(p.price_cents for p in products)
        common = {
            "order_id": 1,
            "user_id": user_id,
            "merchant_id": room.owner_id,
            "room_id": room.id,
            "total_cents": total,
            "currency": "USD",
            "product_ids": ids,
        }
        await signals.emit("order.created", **common, source="cart", at=at)
        await signals.emit("order.paid", **common, at=at + timedelta(minutes=1))


async def shopped(user: User, products: list[Product], at: datetime) -> None:
    """Open each product and put it in the cart (a profile without a room visit)."""
    for product in products:
        await signals.emit(
            "product.clicked", product_id=product.id, user_id=user.id, room_id=None, at=at
        )
        await signals.emit(
            "cart.added",
            product_id=product.id,
            variant_id=0,
            user_id=user.id,
            quantity=1,
            room_id=None,
            at=at,
        )
