"""GraphQL types for commerce: products, variants, images, carts, orders, payments and
coupons. Related objects resolve through the per-request loaders of ``loaders``."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from app.api.accounts.loaders import user_loader
from app.api.accounts.types import UserType
from app.api.commerce import loaders
from app.api.context import Info
from app.api.loaders import connection_node_fields, load_all, now_or_later
from app.api.mapping import from_model, visible_nodes
from app.api.rooms.loaders import rooms_by_id
from app.api.rooms.types import RoomType, load_room, room_or_none
from app.commerce import catalog, coupons, images, orders
from app.commerce.cart import CartLine
from app.commerce.models import (
    Coupon,
    CouponKind,
    Order,
    OrderItem,
    OrderStatus,
    Payment,
    PaymentStatus,
    Product,
    ProductImage,
    ProductStatus,
    Variant,
)

ProductStatusEnum = ProductStatus
strawberry.enum(ProductStatusEnum, name="ProductStatus")


@strawberry.enum(name="ProductSort")
class ProductSortEnum(Enum):
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    POPULARITY = "popularity"


OrderStatusEnum = OrderStatus
strawberry.enum(OrderStatusEnum, name="OrderStatus")


PaymentStatusEnum = PaymentStatus
strawberry.enum(PaymentStatusEnum, name="PaymentStatus")


CouponKindEnum = CouponKind
strawberry.enum(CouponKindEnum, name="CouponKind")


@strawberry.type(description="A variant option such as size: M.")
class VariantOption:
    name: str
    value: str


@strawberry.type(name="ProductImage", description="An uploaded product image (re-encoded).")
class ProductImageType(relay.Node):
    id: relay.NodeID[int]
    url: str
    thumb_url: str
    width: int
    height: int
    format: str

    @classmethod
    def from_model(cls, image: ProductImage) -> ProductImageType:
        return from_model(cls, image)

    resolve_nodes = visible_nodes(images.visible_images)


@strawberry.type(name="Variant", description="A buyable version of a product: SKU, price, stock.")
class VariantType(relay.Node):
    id: relay.NodeID[int]
    sku: str
    options: list[VariantOption]
    price_cents: int
    currency: str
    stock: int
    is_active: bool
    _product_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, variant: Variant) -> VariantType:
        return cls(
            id=variant.id,
            sku=variant.sku,
            options=[
                VariantOption(name=k, value=str(v)) for k, v in (variant.options or {}).items()
            ],
            price_cents=variant.price_cents,
            currency=variant.currency,
            stock=variant.stock,
            is_active=variant.is_active,
            _product_id=variant.product_id,
        )

    @strawberry.field
    def in_stock(self) -> bool:
        return self.stock > 0

    @strawberry.field
    async def product(self, info: Info) -> ProductType | None:
        return await load_product(info, self._product_id)

    resolve_nodes = visible_nodes(catalog.visible_variants)


@strawberry.type(name="Product", description="Something a merchant sells, through its variants.")
class ProductType(relay.Node):
    id: relay.NodeID[int]
    title: str
    description: str
    status: ProductStatusEnum
    currency: str
    price_cents: int = strawberry.field(description="The lowest price of its active variants.")
    sold_count: int
    created_at: datetime
    updated_at: datetime
    _merchant_id: strawberry.Private[int]
    _room_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, product: Product) -> ProductType:
        return from_model(cls, product, status=ProductStatusEnum(product.status))

    # The fields below read the request's loaders; a page of products loads them at once
    # first (prefetch_products), so they answer synchronously there (app.api.loaders).
    @strawberry.field
    def merchant(self, info: Info) -> UserType | None:
        return now_or_later(user_loader(info), self._merchant_id)

    @strawberry.field(description="The merchant's room this product is sold in.")
    def room(self, info: Info) -> RoomType | None:
        if self._room_id is None:
            return None
        return now_or_later(rooms_by_id(info), self._room_id, room_or_none)

    @strawberry.field(description="Active variants (all of them for the merchant).")
    def variants(self, info: Info) -> list[VariantType]:
        loader = loaders.variants_by_product(info)
        return now_or_later(loader, self.id, _variant_types)

    @strawberry.field
    def images(self, info: Info) -> list[ProductImageType]:
        loader = loaders.images_by_product(info)
        return now_or_later(loader, self.id, _image_types)

    @strawberry.field(description="Whether any active variant has stock.")
    def in_stock(self, info: Info) -> bool:
        loader = loaders.variants_by_product(info)
        return now_or_later(loader, self.id, _any_in_stock)

    @strawberry.field
    def url(self) -> str:
        return f"/products/{self.id}"

    resolve_nodes = visible_nodes(catalog.visible_products)


def _variant_types(variants: list[Variant]) -> list[VariantType]:
    return [VariantType.from_model(v) for v in variants]


def _image_types(found: list[ProductImage]) -> list[ProductImageType]:
    return [ProductImageType.from_model(i) for i in found]


def _any_in_stock(variants: list[Variant]) -> bool:
    return any(v.stock > 0 for v in variants)


async def prefetch_products(info: Info, products: list[ProductType]) -> None:
    """Load what the page's products' selected fields read (variants, images, merchants,
    rooms), each kind in one batch of its loader, before the page completes."""
    wanted = connection_node_fields(info)
    ids = [p.id for p in products]
    batches: list[Awaitable[Any]] = []
    if wanted & {"variants", "inStock"}:
        batches.append(loaders.variants_by_product(info).load_many(ids))
    if "images" in wanted:
        batches.append(loaders.images_by_product(info).load_many(ids))
    if "merchant" in wanted:
        batches.append(user_loader(info).load_many(list({p._merchant_id for p in products})))
    if "room" in wanted:
        room_ids = {p._room_id for p in products if p._room_id is not None}
        batches.append(rooms_by_id(info).load_many(list(room_ids)))
    await load_all(*batches)


async def load_product(
    info: Info, product_id: int, *, visible_only: bool = True
) -> ProductType | None:
    """The product through the request's loader; with ``visible_only`` None when the
    viewer may not see it (:func:`catalog.is_visible`)."""
    found = await loaders.products(info).load(product_id)
    if found is None or (
        visible_only and not catalog.is_visible(found, info.context.principal.user)
    ):
        return None
    return ProductType.from_model(found)


async def load_variant(info: Info, variant_id: int) -> VariantType | None:
    found = await loaders.variants(info).load(variant_id)
    return VariantType.from_model(found) if found else None


@strawberry.type(description="Where an order ships to.")
class ShippingAddress:
    name: str
    line1: str
    line2: str | None
    city: str
    region: str | None
    postal_code: str
    country: str
    phone: str | None

    @classmethod
    def from_dict(cls, value: dict[str, str]) -> ShippingAddress:
        return cls(
            name=value.get("name", ""),
            line1=value.get("line1", ""),
            line2=value.get("line2"),
            city=value.get("city", ""),
            region=value.get("region"),
            postal_code=value.get("postal_code", ""),
            country=value.get("country", ""),
            phone=value.get("phone"),
        )


@strawberry.type(name="OrderItem", description="A line of an order, priced when ordered.")
class OrderItemType:
    title: str
    sku: str
    quantity: int
    unit_price_cents: int
    source: str = strawberry.field(description="buy_now, cart, flash_sale:<id> or auction:<id>")
    _variant_id: strawberry.Private[int]
    _product_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, item: OrderItem) -> OrderItemType:
        return from_model(cls, item)

    @strawberry.field
    def line_total_cents(self) -> int:
        return self.quantity * self.unit_price_cents

    @strawberry.field
    async def variant(self, info: Info) -> VariantType | None:
        return await load_variant(info, self._variant_id)

    @strawberry.field
    async def product(self, info: Info) -> ProductType | None:
        return await load_product(info, self._product_id, visible_only=False)


@strawberry.type(name="Payment", description="A charge for an order, in coins or by card.")
class PaymentType:
    provider: str
    status: PaymentStatusEnum
    amount_cents: int
    currency: str
    coins: int
    card_last4: str
    failure_reason: str
    created_at: datetime
    refunded_at: datetime | None

    @classmethod
    def from_model(cls, payment: Payment) -> PaymentType:
        return from_model(cls, payment, status=PaymentStatusEnum(payment.status))


@strawberry.type(name="Order", description="One buyer's order from one merchant.")
class OrderType(relay.Node):
    id: relay.NodeID[int]
    status: OrderStatusEnum
    currency: str
    subtotal_cents: int
    discount_cents: int
    shipping_cents: int
    total_cents: int
    shipping: ShippingAddress
    payment_method: str
    tracking_number: str
    expires_at: datetime = strawberry.field(
        description="An unpaid order gives its stock back at this time."
    )
    paid_at: datetime | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    refunded_at: datetime | None
    created_at: datetime
    _buyer_id: strawberry.Private[int]
    _merchant_id: strawberry.Private[int]
    _room_id: strawberry.Private[int | None]
    _coupon_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, order: Order) -> OrderType:
        return from_model(
            cls,
            order,
            status=OrderStatusEnum(order.status),
            shipping=ShippingAddress.from_dict(order.shipping or {}),
        )

    @strawberry.field(
        description="What the order costs in coins, at the coin packs' rate (never more "
        "than paying the total in cash)."
    )
    def coin_price(self) -> int:
        return orders.coins_for(self.total_cents, self.currency)

    @strawberry.field(description="What coinPrice is worth in the order's currency (minor units).")
    def coin_price_cash_value(self) -> int:
        return orders.coins_cash_value(
            orders.coins_for(self.total_cents, self.currency), self.currency
        )

    @strawberry.field
    async def buyer(self, info: Info) -> UserType | None:
        return await user_loader(info).load(self._buyer_id)

    @strawberry.field
    async def merchant(self, info: Info) -> UserType | None:
        return await user_loader(info).load(self._merchant_id)

    @strawberry.field(description="The live room the order was placed in.")
    async def room(self, info: Info) -> RoomType | None:
        return await load_room(info, self._room_id)

    @strawberry.field
    async def coupon_code(self, info: Info) -> str | None:
        if self._coupon_id is None:
            return None
        found = await loaders.coupons_by_id(info).load(self._coupon_id)
        return found.code if found else None

    @strawberry.field
    async def items(self, info: Info) -> list[OrderItemType]:
        return [
            OrderItemType.from_model(i) for i in await loaders.items_by_order(info).load(self.id)
        ]

    @strawberry.field
    async def payments(self, info: Info) -> list[PaymentType]:
        found = await loaders.payments_by_order(info).load(self.id)
        return [PaymentType.from_model(p) for p in found]

    resolve_nodes = visible_nodes(orders.visible_orders)


@strawberry.type(name="Coupon", description="A merchant's discount code.")
class CouponType(relay.Node):
    id: relay.NodeID[int]
    code: str
    kind: CouponKindEnum
    amount: int = strawberry.field(description="Minor units (fixed) or percent.")
    currency: str
    min_spend_cents: int
    starts_at: datetime | None
    ends_at: datetime | None
    max_uses: int | None
    per_user_limit: int
    used_count: int
    is_active: bool
    drop_limit: int | None = strawberry.field(description="Set when dropped: first N claimers.")
    claimed_count: int
    dropped_at: datetime | None
    drop_ends_at: datetime | None
    _room_id: strawberry.Private[int | None]
    _drop_room_id: strawberry.Private[int | None]
    _merchant_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, coupon: Coupon) -> CouponType:
        return from_model(cls, coupon, kind=CouponKindEnum(coupon.kind))

    @strawberry.field(description="Claims left in a drop (null when not dropped).")
    def remaining(self) -> int | None:
        if self.drop_limit is None:
            return None
        return max(0, self.drop_limit - self.claimed_count)

    @strawberry.field(description="Only valid for orders placed in this room (when set).")
    async def room(self, info: Info) -> RoomType | None:
        return await load_room(info, self._room_id)

    @strawberry.field
    async def merchant(self, info: Info) -> UserType | None:
        return await user_loader(info).load(self._merchant_id)

    resolve_nodes = visible_nodes(coupons.visible_coupons)


@strawberry.type(name="CartItem")
class CartItemType:
    quantity: int
    variant: VariantType
    product: ProductType

    @classmethod
    def from_line(cls, line: CartLine) -> CartItemType:
        return cls(
            quantity=line.item.quantity,
            variant=VariantType.from_model(line.variant),
            product=ProductType.from_model(line.product),
        )

    @strawberry.field
    def line_total_cents(self) -> int:
        return self.quantity * self.variant.price_cents


@strawberry.type(description="An amount in minor units with its currency.")
class Money:
    amount_cents: int
    currency: str


@strawberry.type(name="Cart", description="The viewer's cart; checkout splits it by merchant.")
class CartType:
    items: list[CartItemType]

    @strawberry.field(description="The cart's total per currency.")
    def totals(self) -> list[Money]:
        sums: dict[str, int] = {}
        for item in self.items:
            currency = item.variant.currency
            sums[currency] = sums.get(currency, 0) + item.quantity * item.variant.price_cents
        return [Money(amount_cents=v, currency=k) for k, v in sorted(sums.items())]
