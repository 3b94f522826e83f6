"""GraphQL types for commerce: products, variants, images, carts, orders, payments and
coupons. Related objects resolve through the per-request loaders of ``loaders``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay

from app.api.accounts.loaders import user_loader
from app.api.accounts.types import UserType
from app.api.commerce import loaders
from app.api.context import Info
from app.api.ids import in_order, int_ids
from app.api.rooms.types import RoomType
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


def _value(enum_value: object) -> str:
    return str(getattr(enum_value, "value", enum_value))


ProductStatusEnum = strawberry.enum(ProductStatus, name="ProductStatus")


@strawberry.enum(name="ProductSort")
class ProductSortEnum(Enum):
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    POPULARITY = "popularity"


OrderStatusEnum = strawberry.enum(OrderStatus, name="OrderStatus")


PaymentStatusEnum = strawberry.enum(PaymentStatus, name="PaymentStatus")


CouponKindEnum = strawberry.enum(CouponKind, name="CouponKind")


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
        return cls(
            id=image.id,
            url=image.url,
            thumb_url=image.thumb_url,
            width=image.width,
            height=image.height,
            format=image.format,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ProductImageType | None]:
        found = await images.visible_images(int_ids(node_ids), info.context.principal.user)
        return in_order(node_ids, found, cls.from_model)


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
        found = await loaders.products(info).load(self._product_id)
        if found is None or not catalog.is_visible(found, info.context.principal.user):
            return None
        return ProductType.from_model(found)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[VariantType | None]:
        found = await catalog.visible_variants(int_ids(node_ids), info.context.principal.user)
        return in_order(node_ids, found, cls.from_model)


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
        return cls(
            id=product.id,
            title=product.title,
            description=product.description,
            status=ProductStatusEnum(_value(product.status)),
            currency=product.currency,
            price_cents=product.price_cents,
            sold_count=product.sold_count,
            created_at=product.created_at,
            updated_at=product.updated_at,
            _merchant_id=product.merchant_id,
            _room_id=product.room_id,
        )

    @strawberry.field
    async def merchant(self, info: Info) -> UserType | None:
        return await user_loader(info).load(self._merchant_id)

    @strawberry.field(description="The merchant's room this product is sold in.")
    async def room(self, info: Info) -> RoomType | None:
        if self._room_id is None:
            return None
        found = await loaders.rooms_by_id(info).load(self._room_id)
        return RoomType.from_model(found) if found else None

    @strawberry.field(description="Active variants (all of them for the merchant).")
    async def variants(self, info: Info) -> list[VariantType]:
        return [
            VariantType.from_model(v) for v in await loaders.variants_by_product(info).load(self.id)
        ]

    @strawberry.field
    async def images(self, info: Info) -> list[ProductImageType]:
        found = await loaders.images_by_product(info).load(self.id)
        return [ProductImageType.from_model(i) for i in found]

    @strawberry.field(description="Whether any active variant has stock.")
    async def in_stock(self, info: Info) -> bool:
        return any(v.stock > 0 for v in await loaders.variants_by_product(info).load(self.id))

    @strawberry.field
    def url(self) -> str:
        return f"/products/{self.id}"

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ProductType | None]:
        found = await catalog.visible_products(int_ids(node_ids), info.context.principal.user)
        return in_order(node_ids, found, cls.from_model)


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
        return cls(
            title=item.title,
            sku=item.sku,
            quantity=item.quantity,
            unit_price_cents=item.unit_price_cents,
            source=item.source,
            _variant_id=item.variant_id,
            _product_id=item.product_id,
        )

    @strawberry.field
    def line_total_cents(self) -> int:
        return self.quantity * self.unit_price_cents

    @strawberry.field
    async def variant(self, info: Info) -> VariantType | None:
        found = await loaders.variants(info).load(self._variant_id)
        return VariantType.from_model(found) if found else None

    @strawberry.field
    async def product(self, info: Info) -> ProductType | None:
        found = await loaders.products(info).load(self._product_id)
        return ProductType.from_model(found) if found else None


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
        return cls(
            provider=payment.provider,
            status=PaymentStatusEnum(_value(payment.status)),
            amount_cents=payment.amount_cents,
            currency=payment.currency,
            coins=payment.coins,
            card_last4=payment.card_last4,
            failure_reason=payment.failure_reason,
            created_at=payment.created_at,
            refunded_at=payment.refunded_at,
        )


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
        return cls(
            id=order.id,
            status=OrderStatusEnum(_value(order.status)),
            currency=order.currency,
            subtotal_cents=order.subtotal_cents,
            discount_cents=order.discount_cents,
            shipping_cents=order.shipping_cents,
            total_cents=order.total_cents,
            shipping=ShippingAddress.from_dict(order.shipping or {}),
            payment_method=order.payment_method,
            tracking_number=order.tracking_number,
            expires_at=order.expires_at,
            paid_at=order.paid_at,
            shipped_at=order.shipped_at,
            delivered_at=order.delivered_at,
            completed_at=order.completed_at,
            cancelled_at=order.cancelled_at,
            refunded_at=order.refunded_at,
            created_at=order.created_at,
            _buyer_id=order.buyer_id,
            _merchant_id=order.merchant_id,
            _room_id=order.room_id,
            _coupon_id=order.coupon_id,
        )

    @strawberry.field(description="What the order costs in coins (one coin per minor unit).")
    def coin_price(self) -> int:
        return orders.coins_for(self.total_cents, self.currency)

    @strawberry.field
    async def buyer(self, info: Info) -> UserType | None:
        return await user_loader(info).load(self._buyer_id)

    @strawberry.field
    async def merchant(self, info: Info) -> UserType | None:
        return await user_loader(info).load(self._merchant_id)

    @strawberry.field(description="The live room the order was placed in.")
    async def room(self, info: Info) -> RoomType | None:
        if self._room_id is None:
            return None
        found = await loaders.rooms_by_id(info).load(self._room_id)
        return RoomType.from_model(found) if found else None

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

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[OrderType | None]:
        found = await orders.visible_orders(int_ids(node_ids), info.context.principal.user)
        return in_order(node_ids, found, cls.from_model)


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
        return cls(
            id=coupon.id,
            code=coupon.code,
            kind=CouponKindEnum(_value(coupon.kind)),
            amount=coupon.amount,
            currency=coupon.currency,
            min_spend_cents=coupon.min_spend_cents,
            starts_at=coupon.starts_at,
            ends_at=coupon.ends_at,
            max_uses=coupon.max_uses,
            per_user_limit=coupon.per_user_limit,
            used_count=coupon.used_count,
            is_active=coupon.is_active,
            drop_limit=coupon.drop_limit,
            claimed_count=coupon.claimed_count,
            dropped_at=coupon.dropped_at,
            drop_ends_at=coupon.drop_ends_at,
            _room_id=coupon.room_id,
            _drop_room_id=coupon.drop_room_id,
            _merchant_id=coupon.merchant_id,
        )

    @strawberry.field(description="Claims left in a drop (null when not dropped).")
    def remaining(self) -> int | None:
        if self.drop_limit is None:
            return None
        return max(0, self.drop_limit - self.claimed_count)

    @strawberry.field(description="Only valid for orders placed in this room (when set).")
    async def room(self, info: Info) -> RoomType | None:
        if self._room_id is None:
            return None
        found = await loaders.rooms_by_id(info).load(self._room_id)
        return RoomType.from_model(found) if found else None

    @strawberry.field
    async def merchant(self, info: Info) -> UserType | None:
        return await user_loader(info).load(self._merchant_id)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[CouponType | None]:
        found = await coupons.visible_coupons(int_ids(node_ids), info.context.principal.user)
        return in_order(node_ids, found, cls.from_model)


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
