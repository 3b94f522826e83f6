"""Per-request DataLoaders for commerce types: one query per kind of object per request,
however many products, variants or orders a page shows (no N+1)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from app.api.context import Info
from app.commerce import catalog, coupons, images, orders
from app.commerce.models import Coupon, OrderItem, Payment, Product, ProductImage, Variant
from app.rooms import services as rooms
from app.rooms.models import Room

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _loader(
    info: Info, name: str, fetch: Callable[[list[Any]], Awaitable[dict[Any, Any]]], default: Any
) -> DataLoader[Any, Any]:
    async def load(keys: list[Any]) -> list[Any]:
        found = await fetch(list(keys))
        return [found.get(key, default() if callable(default) else default) for key in keys]

    return info.context.loader(f"commerce.{name}", lambda: DataLoader(load_fn=load))


def products(info: Info) -> DataLoader[int, Product | None]:
    return _loader(info, "products", catalog.get_products, None)


def variants(info: Info) -> DataLoader[int, Variant | None]:
    return _loader(info, "variants", catalog.get_variants, None)


def variants_by_product(info: Info) -> DataLoader[int, list[Variant]]:
    return _loader(info, "variants_by_product", catalog.variants_for_products, list)


def images_by_product(info: Info) -> DataLoader[int, list[ProductImage]]:
    return _loader(info, "images_by_product", images.images_for_products, list)


def rooms_by_id(info: Info) -> DataLoader[int, Room | None]:
    return _loader(info, "rooms", rooms.get_rooms, None)


def coupons_by_id(info: Info) -> DataLoader[int, Coupon | None]:
    return _loader(info, "coupons", coupons.get_coupons, None)


def items_by_order(info: Info) -> DataLoader[int, list[OrderItem]]:
    return _loader(info, "items_by_order", orders.items_for_orders, list)


def payments_by_order(info: Info) -> DataLoader[int, list[Payment]]:
    return _loader(info, "payments_by_order", orders.payments_for_orders, list)
