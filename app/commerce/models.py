"""Commerce: catalog (products, variants, images), carts, orders, coupons and payments.

Money is an integer in minor units (``*_cents``) with a three-letter currency code.
Stock never goes negative: every change is a conditional ``UPDATE … WHERE stock >= n``
(see :mod:`app.commerce.orders`), never a read-then-write.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class ProductStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


class Product(Model):
    """Something a merchant (a streamer) sells; bought through its variants."""

    id = fields.IntField(primary_key=True)
    merchant: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="products", on_delete=fields.CASCADE
    )
    merchant_id: int
    # The merchant's room this product is sold in (optional).
    room: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Room", related_name="products", null=True, on_delete=fields.SET_NULL
    )
    room_id: int | None
    title = fields.CharField(max_length=120)
    description = fields.TextField(default="")
    status = fields.CharEnumField(ProductStatus, max_length=12, default=ProductStatus.ACTIVE)
    currency = fields.CharField(max_length=3, default="USD")
    # The lowest price of its active variants ("from" price), kept by the catalog service;
    # filters and sorts by price use it.
    price_cents = fields.BigIntField(default=0, db_index=True)
    # Units sold in paid orders (less refunds): the popularity sort.
    sold_count = fields.IntField(default=0, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "products"


class Variant(Model):
    """A buyable version of a product: its SKU, options (size, colour…), price and stock."""

    id = fields.IntField(primary_key=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="variants", on_delete=fields.CASCADE
    )
    product_id: int
    merchant: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="variants", on_delete=fields.CASCADE
    )
    merchant_id: int
    sku = fields.CharField(max_length=64)
    options: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    price_cents = fields.BigIntField()
    currency = fields.CharField(max_length=3, default="USD")
    stock = fields.IntField(default=0)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "product_variants"
        unique_together = (("merchant", "sku"),)


class ProductImage(Model):
    """An uploaded image, re-encoded and stored under ``<var_dir>/uploads/``."""

    id = fields.IntField(primary_key=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="images", on_delete=fields.CASCADE
    )
    product_id: int
    # Relative to the uploads folder, served at /media/uploads/<path>.
    path = fields.CharField(max_length=200)
    thumb_path = fields.CharField(max_length=200)
    width = fields.IntField()
    height = fields.IntField()
    format = fields.CharField(max_length=8)
    position = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "product_images"

    @property
    def url(self) -> str:
        return f"/media/uploads/{self.path}"

    @property
    def thumb_url(self) -> str:
        return f"/media/uploads/{self.thumb_path}"


class Cart(Model):
    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation = fields.OneToOneField(
        "models.User", related_name="cart", on_delete=fields.CASCADE
    )
    user_id: int
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "carts"


class CartItem(Model):
    id = fields.IntField(primary_key=True)
    cart: fields.ForeignKeyRelation[Cart] = fields.ForeignKeyField(
        "models.Cart", related_name="items", on_delete=fields.CASCADE
    )
    cart_id: int
    variant: fields.ForeignKeyRelation[Variant] = fields.ForeignKeyField(
        "models.Variant", related_name="cart_items", on_delete=fields.CASCADE
    )
    variant_id: int
    quantity = fields.IntField(default=1)
    room: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Room", related_name="cart_items", null=True, on_delete=fields.SET_NULL
    )
    room_id: int | None
    added_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "cart_items"
        unique_together = (("cart", "variant"),)


class CouponKind(StrEnum):
    FIXED = "fixed"
    PERCENT = "percent"


class Coupon(Model):
    """A merchant's discount code: fixed (cents) or percent, with limits and a window.

    A coupon dropped into a live room (``drop_limit`` set) can only be used by the first
    ``drop_limit`` viewers who claim it (a :class:`CouponClaim` each).
    """

    id = fields.IntField(primary_key=True)
    merchant: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="coupons", on_delete=fields.CASCADE
    )
    merchant_id: int
    code = fields.CharField(max_length=32)
    kind = fields.CharEnumField(CouponKind, max_length=8)
    # Cents for FIXED, 1–100 for PERCENT.
    amount = fields.BigIntField()
    currency = fields.CharField(max_length=3, default="USD")
    min_spend_cents = fields.BigIntField(default=0)
    starts_at = fields.DatetimeField(null=True)
    ends_at = fields.DatetimeField(null=True)
    max_uses = fields.IntField(null=True)
    per_user_limit = fields.IntField(default=1)
    used_count = fields.IntField(default=0)
    # Only valid for orders placed in this room (when set).
    room: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Room", related_name="coupons", null=True, on_delete=fields.SET_NULL
    )
    room_id: int | None
    # Set when dropped into a live room: only the first ``drop_limit`` claimers may use it.
    drop_room: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Room", related_name="coupon_drops", null=True, on_delete=fields.SET_NULL
    )
    drop_room_id: int | None
    drop_limit = fields.IntField(null=True)
    claimed_count = fields.IntField(default=0)
    dropped_at = fields.DatetimeField(null=True)
    drop_ends_at = fields.DatetimeField(null=True)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "coupons"
        unique_together = (("merchant", "code"),)


class CouponClaim(Model):
    """A viewer claimed a dropped coupon (one per viewer)."""

    id = fields.IntField(primary_key=True)
    coupon: fields.ForeignKeyRelation[Coupon] = fields.ForeignKeyField(
        "models.Coupon", related_name="claims", on_delete=fields.CASCADE
    )
    coupon_id: int
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="coupon_claims", on_delete=fields.CASCADE
    )
    user_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "coupon_claims"
        unique_together = (("coupon", "user"),)


class CouponRedemption(Model):
    """One use of a coupon by an order. ``slot`` (1..per_user_limit) makes the per-user
    limit hold under concurrency: two uses cannot take the same slot."""

    id = fields.IntField(primary_key=True)
    coupon: fields.ForeignKeyRelation[Coupon] = fields.ForeignKeyField(
        "models.Coupon", related_name="redemptions", on_delete=fields.CASCADE
    )
    coupon_id: int
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="coupon_redemptions", on_delete=fields.CASCADE
    )
    user_id: int
    order: fields.OneToOneRelation = fields.OneToOneField(
        "models.Order", related_name="coupon_redemption", on_delete=fields.CASCADE
    )
    order_id: int
    slot = fields.IntField(default=1)
    discount_cents = fields.BigIntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "coupon_redemptions"
        unique_together = (("coupon", "user", "slot"),)


class OrderStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REFUNDED = "refunded"


class Order(Model):
    """One buyer's order from one merchant."""

    id = fields.IntField(primary_key=True)
    buyer: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="orders", on_delete=fields.CASCADE
    )
    buyer_id: int
    merchant: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="sales", on_delete=fields.CASCADE
    )
    merchant_id: int
    room: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Room", related_name="orders", null=True, on_delete=fields.SET_NULL
    )
    room_id: int | None
    status = fields.CharEnumField(
        OrderStatus, max_length=12, default=OrderStatus.PENDING, db_index=True
    )
    currency = fields.CharField(max_length=3)
    subtotal_cents = fields.BigIntField()
    discount_cents = fields.BigIntField(default=0)
    shipping_cents = fields.BigIntField(default=0)
    total_cents = fields.BigIntField()
    coupon: fields.ForeignKeyNullableRelation[Coupon] = fields.ForeignKeyField(
        "models.Coupon", related_name="orders", null=True, on_delete=fields.SET_NULL
    )
    coupon_id: int | None
    shipping: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    idempotency_key = fields.CharField(max_length=80)
    payment_method = fields.CharField(max_length=16, default="")
    tracking_number = fields.CharField(max_length=64, default="")
    expires_at = fields.DatetimeField(db_index=True)
    paid_at = fields.DatetimeField(null=True)
    shipped_at = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    refunded_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "orders"
        unique_together = (("buyer", "idempotency_key"),)


class OrderItem(Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="items", on_delete=fields.CASCADE
    )
    order_id: int
    variant: fields.ForeignKeyRelation[Variant] = fields.ForeignKeyField(
        "models.Variant", related_name="order_items", on_delete=fields.RESTRICT
    )
    variant_id: int
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="order_items", on_delete=fields.RESTRICT
    )
    product_id: int
    title = fields.CharField(max_length=200)
    sku = fields.CharField(max_length=64)
    quantity = fields.IntField()
    unit_price_cents = fields.BigIntField()
    # "buy_now" | "cart" | "flash_sale:<id>" | "auction:<id>"
    source = fields.CharField(max_length=40, default="buy_now")
    # Whether this order took the units from Variant.stock (and so gives them back).
    reserved = fields.BooleanField(default=True)

    class Meta:
        table = "order_items"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"


class Payment(Model):
    """A charge for an order through a provider (``coins`` or ``card``)."""

    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="payments", on_delete=fields.CASCADE
    )
    order_id: int
    provider = fields.CharField(max_length=16)
    provider_ref = fields.CharField(max_length=80, unique=True)
    amount_cents = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    # Coins moved for a coin payment (0 for cards).
    coins = fields.BigIntField(default=0)
    status = fields.CharEnumField(PaymentStatus, max_length=12, default=PaymentStatus.PENDING)
    card_last4 = fields.CharField(max_length=4, default="")
    failure_reason = fields.CharField(max_length=200, default="")
    idempotency_key = fields.CharField(max_length=80, null=True)
    # The order's id while this is a card charge in flight (pending), else NULL: the
    # unique index lets one order have one charge in flight, however requests race.
    in_flight_order_id = fields.IntField(null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    refunded_at = fields.DatetimeField(null=True)

    class Meta:
        table = "payments"


class WebhookEvent(Model):
    """A provider callback we processed: its event id makes a redelivery a no-op."""

    id = fields.IntField(primary_key=True)
    provider = fields.CharField(max_length=16)
    event_id = fields.CharField(max_length=80, unique=True)
    type = fields.CharField(max_length=40)
    payload: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "webhook_events"


from app.commerce.live_models import *  # noqa: E402, F403
