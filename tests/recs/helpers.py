"""Shared set-up for the recommender tests: a two-aisle catalog, rooms, a logged history."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from app.accounts.models import Role, User
from app.commerce.models import Product, Variant
from app.recs.log import InteractionLog
from app.recs.models import Interaction, ItemType, Kind
from app.recs.runtime import get_log
from app.recs.service import RecsService, get_service
from app.rooms import services as rooms
from app.rooms.models import Room
from tests.commerce.helpers import make_merchant, make_product, make_user
from tests.support import eventually, op


def service() -> RecsService:
    found = get_service()
    assert found is not None, "the recommender service did not start with the app"
    return found


def interaction_log() -> InteractionLog:
    found = get_log()
    assert found is not None, "the interaction log did not start with the app"
    return found


@dataclass
class Shop:
    merchant: User
    kitchen: list[Product] = field(default_factory=list)
    garden: list[Product] = field(default_factory=list)
    variants: dict[int, Variant] = field(default_factory=dict)

    def ids(self, aisle: str) -> set[int]:
        return {p.id for p in getattr(self, aisle)}


async def make_shop(per_aisle: int = 6, stock: int = 20) -> Shop:
    """One merchant selling ``per_aisle`` kitchen and ``per_aisle`` garden products."""
    shop = Shop(await make_merchant("shop@example.com", "Shop"))
    for aisle in ("kitchen", "garden"):
        for n in range(per_aisle):
            product, variant = await make_product(
                shop.merchant, f"{aisle} thing {n}", 1000 + n, stock=stock, sku=f"{aisle}-{n}"
            )
            getattr(shop, aisle).append(product)
            shop.variants[product.id] = variant
    return shop


@dataclass
class Stage:
    streamer: User
    cooking: list[Room] = field(default_factory=list)
    gardening: list[Room] = field(default_factory=list)

    def ids(self, kind: str) -> set[int]:
        return {r.id for r in getattr(self, kind)}


async def make_stage(per_kind: int = 4) -> Stage:
    """Scheduled rooms about cooking and about gardening (each its own streamer)."""
    stage = Stage(await make_user("stage@example.com", "Stage", Role.STREAMER))
    for kind, category in (("cooking", "food"), ("gardening", "home")):
        owners = await make_viewers(per_kind, f"{kind}-host", Role.STREAMER)
        for n, owner in enumerate(owners):
            room = await rooms.create_room(owner, f"{kind} show {n}", category)
            getattr(stage, kind).append(room)
    return stage


async def make_viewers(count: int, prefix: str = "fan", role: Role = Role.VIEWER) -> list[User]:
    """Users who only appear in the history (no usable password: quick to make)."""
    emails = [f"{prefix}{i}@example.com" for i in range(count)]
    await User.bulk_create(
        [
            User(email=e, display_name=f"{prefix} {i}", password_hash="!", role=role)
            for i, e in enumerate(emails)
        ]
    )
    found = {u.email: u for u in await User.filter(email__in=emails)}
    return [found[e] for e in emails]


async def log_history(
    users: list[User],
    item_type: ItemType,
    items: list[int],
    per_user: int,
    kind: Kind = Kind.CLICK,
    weight: float = 1.0,
    seed: int = 0,
    days_ago: float = 1.0,
) -> None:
    """Each user interacted with ``per_user`` random items of ``items`` (an old history,
    written straight into the log as the batch writer would)."""
    rng = random.Random(seed)
    at = datetime.now(UTC) - timedelta(days=days_ago)
    rows = []
    for user in users:
        for i, item in enumerate(rng.sample(items, per_user)):
            rows.append(
                Interaction(
                    user_id=user.id,
                    item_type=item_type,
                    item_id=item,
                    kind=kind,
                    weight=weight,
                    created_at=at + timedelta(seconds=i),
                )
            )
    await Interaction.bulk_create(rows, batch_size=500)


def node_ids(result: dict, field_name: str) -> list[str]:
    assert not result.get("errors"), result
    return [n["id"] for n in result["data"][field_name]["nodes"]]


async def recommended(
    client: httpx.AsyncClient, what: str = "Products", first: int = 4
) -> list[int]:
    """Primary keys the API recommends to the client's user, best first."""
    from app.api.ids import decode_id

    result = await op(client, "recs", f"Recommended{what}", {"first": first})
    type_name = "Product" if what == "Products" else "Room"
    return [decode_id(i, type_name) for i in node_ids(result, f"recommended{what}")]


async def settled(check) -> None:  # type: ignore[no-untyped-def]
    """Wait until the interaction log has written what the signals gave it."""
    await eventually(check, timeout=10)
