"""Per-request DataLoaders for commerce types: one query per kind of object per request,
however many products, variants or orders a page shows (no N+1)."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from app.api.context import Info
from app.api.loaders import keyed
from app.api.rooms.loaders import rooms_by_id
from app.commerce import catalog, coupons, images, orders
from app.commerce.models import Coupon, Order, OrderItem, Payment, Product, ProductImage, Variant

__all__ = [
    "coupons_by_id",
    "images_by_product",
    "items_by_order",
    "orders_by_id",
    "payments_by_order",
    "products",
    "rooms_by_id",
    "variants",
    "variants_by_product",
]


def products(info: Info) -> DataLoader[int, Product | None]:
    return keyed(info, "commerce.products", catalog.get_products)


def variants(info: Info) -> DataLoader[int, Variant | None]:
    return keyed(info, "commerce.variants", catalog.get_variants)


def variants_by_product(info: Info) -> DataLoader[int, list[Variant]]:
    return keyed(info, "commerce.variants_by_product", catalog.variants_for_products, list)


def images_by_product(info: Info) -> DataLoader[int, list[ProductImage]]:
    return keyed(info, "commerce.images_by_product", images.images_for_products, list)


def coupons_by_id(info: Info) -> DataLoader[int, Coupon | None]:
    return keyed(info, "commerce.coupons", coupons.get_coupons)


def orders_by_id(info: Info) -> DataLoader[int, Order | None]:
    return keyed(info, "commerce.orders", orders.get_orders)


def items_by_order(info: Info) -> DataLoader[int, list[OrderItem]]:
    return keyed(info, "commerce.items_by_order", orders.items_for_orders, list)


def payments_by_order(info: Info) -> DataLoader[int, list[Payment]]:
    return keyed(info, "commerce.payments_by_order", orders.payments_for_orders, list)
