"""Commerce queries and mutations: the catalog, carts, orders, payments and coupons.

Images: ``uploadProductImage`` takes the file as a base64 string (the pages post the same
file as multipart to ``/studio/products/{id}/images``); both are validated by content.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Any

import strawberry

from app.api import errors
from app.api.commerce.types import (
    CartItemType,
    CartType,
    CouponKindEnum,
    CouponType,
    OrderStatusEnum,
    OrderType,
    PaymentType,
    ProductImageType,
    ProductSortEnum,
    ProductStatusEnum,
    ProductType,
    VariantType,
    prefetch_products,
)
from app.api.context import Info
from app.api.ids import decode_id
from app.api.pagination import Connection, make_connection, paginate
from app.commerce import cart, catalog, coupons, images, orders, pinned
from app.errors import UserError

MAX_IMAGE_BASE64 = (images.MAX_UPLOAD_BYTES * 4) // 3 + 8


# --- payloads -----------------------------------------------------------------------------


@errors.payload
class ProductPayload:
    product: ProductType | None = None


@errors.payload
class VariantPayload:
    variant: VariantType | None = None


@errors.payload
class ProductImagePayload:
    image: ProductImageType | None = None


@errors.payload
class CartPayload:
    cart: CartType | None = None


@errors.payload
class OrderPayload:
    order: OrderType | None = None


@errors.payload
class CheckoutPayload:
    orders: list[OrderType] = strawberry.field(default_factory=list)


@errors.payload
class CardPaymentPayload:
    payment: PaymentType | None = None
    order: OrderType | None = None


@errors.payload
class CouponPayload:
    coupon: CouponType | None = None


# --- inputs -------------------------------------------------------------------------------


@strawberry.input
class ProductFilter:
    merchant_id: strawberry.ID | None = None
    room_id: strawberry.ID | None = None
    search: str | None = None
    min_price_cents: int | None = None
    max_price_cents: int | None = None
    in_stock: bool | None = None


@strawberry.input
class VariantOptionInput:
    name: str
    value: str


@strawberry.input
class CreateProductInput:
    title: str
    description: str = ""
    currency: str = "USD"
    room_id: strawberry.ID | None = None
    status: ProductStatusEnum = ProductStatusEnum.ACTIVE


@strawberry.input
class UpdateProductInput:
    product_id: strawberry.ID
    title: str | None = None
    description: str | None = None
    status: ProductStatusEnum | None = None
    room_id: strawberry.ID | None = None
    clear_room: bool = False


@strawberry.input
class AddVariantInput:
    product_id: strawberry.ID
    sku: str
    price_cents: int
    stock: int = 0
    options: list[VariantOptionInput] | None = None


@strawberry.input
class UpdateVariantInput:
    variant_id: strawberry.ID
    price_cents: int | None = None
    options: list[VariantOptionInput] | None = None
    is_active: bool | None = None


@strawberry.input
class ShippingAddressInput:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str = strawberry.field(description="ISO 3166 alpha-2, e.g. US")
    line2: str | None = None
    region: str | None = None
    phone: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The address as the services take it."""
        return dataclasses.asdict(self)


@strawberry.input
class CheckoutInput:
    shipping: ShippingAddressInput
    idempotency_key: str = strawberry.field(description="Retrying with the same key is safe.")
    coupon_code: str | None = None


@strawberry.input
class BuyNowInput:
    variant_id: strawberry.ID
    shipping: ShippingAddressInput
    idempotency_key: str = strawberry.field(description="Retrying with the same key is safe.")
    quantity: int = 1
    coupon_code: str | None = None
    room_id: strawberry.ID | None = None


@strawberry.input
class CreateCouponInput:
    code: str
    kind: CouponKindEnum
    amount: int = strawberry.field(description="Minor units (FIXED) or 1–100 (PERCENT).")
    currency: str = "USD"
    min_spend_cents: int = 0
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    max_uses: int | None = None
    per_user_limit: int = 1
    room_id: strawberry.ID | None = None


def _options(values: list[VariantOptionInput] | None) -> dict[str, str] | None:
    if values is None:
        return None
    return {o.name: o.value for o in values}


async def _cart(user: Any) -> CartType:
    return CartType(items=[CartItemType.from_line(line) for line in await cart.cart_lines(user)])


def _orders_field(query_of: Callable[[Any, str | None], Any], description: str) -> Any:
    """A page of the viewer's orders (``query_of``: buyer's or merchant's); empty when
    anonymous."""

    async def orders_page(
        info: Info,
        first: int = 20,
        after: str | None = None,
        status: OrderStatusEnum | None = None,
    ) -> Connection[OrderType]:
        user = info.context.principal.user
        if user is None:
            return make_connection([], 0, 0)
        query = query_of(user, status.value if status else None)
        return await paginate(query, first, after, OrderType.from_model)

    return errors.field(orders_page, description=description)


# --- queries ------------------------------------------------------------------------------


@strawberry.type
class Query:
    @errors.field(description="Products for sale: filter, search and sort.")
    async def products(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: ProductFilter | None = None,
        sort: ProductSortEnum = ProductSortEnum.NEWEST,
    ) -> Connection[ProductType]:
        f = filter or ProductFilter()
        query = catalog.products_query(
            merchant_id=decode_id(f.merchant_id, "User", "merchantId") if f.merchant_id else None,
            room_id=decode_id(f.room_id, "Room", "roomId") if f.room_id else None,
            search=f.search,
            min_price_cents=f.min_price_cents,
            max_price_cents=f.max_price_cents,
            in_stock=f.in_stock,
            sort=sort.value,
            viewer=info.context.principal.user,
        )
        page = await paginate(query, first, after, ProductType.from_model)
        await prefetch_products(info, [edge.node for edge in page.edges])
        return page

    @errors.field(missing_is_null=True)
    async def product(self, info: Info, id: strawberry.ID) -> ProductType | None:
        product = await catalog.get_product(decode_id(id, "Product"), info.context.principal.user)
        return ProductType.from_model(product)

    my_orders = _orders_field(
        orders.buyer_orders_query, "The viewer's orders as a buyer, newest first."
    )
    merchant_orders = _orders_field(
        orders.merchant_orders_query, "The viewer's sales as a merchant, newest first."
    )

    @errors.field(
        missing_is_null=True, description="An order of the viewer (as buyer or merchant)."
    )
    async def order(self, info: Info, id: strawberry.ID) -> OrderType | None:
        user = info.context.principal.user
        if user is None:
            return None
        return OrderType.from_model(await orders.get_order(user, decode_id(id, "Order")))

    @strawberry.field(description="The viewer's cart (null when anonymous).")
    async def cart(self, info: Info) -> CartType | None:
        user = info.context.principal.user
        return await _cart(user) if user else None

    @strawberry.field(description="The viewer's coupons as a merchant, newest first.")
    async def merchant_coupons(self, info: Info) -> list[CouponType]:
        user = info.context.principal.user
        if user is None:
            return []
        return [CouponType.from_model(c) for c in await coupons.merchant_coupons(user)]

    @strawberry.field(description="Coupons the viewer claimed in live rooms.")
    async def claimed_coupons(self, info: Info) -> list[CouponType]:
        user = info.context.principal.user
        if user is None:
            return []
        return [CouponType.from_model(c) for c in await coupons.claimed_coupons(user)]


# --- mutations ----------------------------------------------------------------------------


@strawberry.type
class Mutation:
    @errors.mutation(description="A merchant (streamer) adds a product.")
    async def create_product(self, info: Info, input: CreateProductInput) -> ProductPayload:
        user = info.context.principal.require_user()
        product = await catalog.create_product(
            user,
            input.title,
            input.description,
            currency=input.currency,
            room_id=decode_id(input.room_id, "Room", "roomId") if input.room_id else None,
            status=input.status.value,
        )
        return ProductPayload(product=ProductType.from_model(product))

    @errors.mutation
    async def update_product(self, info: Info, input: UpdateProductInput) -> ProductPayload:
        user = info.context.principal.require_user()
        changes: dict[str, Any] = {}
        if input.clear_room:
            changes["room_id"] = None
        elif input.room_id:
            changes["room_id"] = decode_id(input.room_id, "Room", "roomId")
        product = await catalog.update_product(
            user,
            decode_id(input.product_id, "Product", "productId"),
            title=input.title,
            description=input.description,
            status=input.status.value if input.status else None,
            **changes,
        )
        return ProductPayload(product=ProductType.from_model(product))

    @errors.mutation(description="Add a variant (SKU unique among the merchant's).")
    async def add_variant(self, info: Info, input: AddVariantInput) -> VariantPayload:
        user = info.context.principal.require_user()
        variant = await catalog.add_variant(
            user,
            decode_id(input.product_id, "Product", "productId"),
            input.sku,
            input.price_cents,
            stock=input.stock,
            options=_options(input.options),
        )
        return VariantPayload(variant=VariantType.from_model(variant))

    @errors.mutation
    async def update_variant(self, info: Info, input: UpdateVariantInput) -> VariantPayload:
        user = info.context.principal.require_user()
        variant = await catalog.update_variant(
            user,
            decode_id(input.variant_id, "Variant", "variantId"),
            price_cents=input.price_cents,
            options=_options(input.options),
            is_active=input.is_active,
        )
        return VariantPayload(variant=VariantType.from_model(variant))

    @errors.mutation(description="Set a variant's stock, or change it by delta.")
    async def update_stock(
        self,
        info: Info,
        variant_id: strawberry.ID,
        stock: int | None = None,
        delta: int | None = None,
    ) -> VariantPayload:
        user = info.context.principal.require_user()
        variant = await catalog.update_stock(
            user, decode_id(variant_id, "Variant", "variantId"), stock=stock, delta=delta
        )
        return VariantPayload(variant=VariantType.from_model(variant))

    @errors.mutation(
        description="Upload a product image as base64 (JPEG, PNG, WebP or GIF, up to 8 MB); "
        "it is validated by content and re-encoded."
    )
    async def upload_product_image(
        self, info: Info, product_id: strawberry.ID, image_base64: str
    ) -> ProductImagePayload:
        user = info.context.principal.require_user()
        if len(image_base64) > MAX_IMAGE_BASE64:
            raise UserError("IMAGE_TOO_LARGE", "images are limited to 8 MB", "imageBase64")
        try:
            data = base64.b64decode(image_base64.split(",")[-1], validate=True)
        except (binascii.Error, ValueError):
            raise UserError("INVALID_IMAGE", "send the image as base64", "imageBase64") from None
        image = await images.add_product_image(
            user, decode_id(product_id, "Product", "productId"), data
        )
        return ProductImagePayload(image=ProductImageType.from_model(image))

    @errors.mutation
    async def remove_product_image(
        self, info: Info, image_id: strawberry.ID
    ) -> ProductImagePayload:
        user = info.context.principal.require_user()
        image = await images.remove_product_image(
            user, decode_id(image_id, "ProductImage", "imageId")
        )
        return ProductImagePayload(image=ProductImageType.from_model(image))

    @errors.mutation
    async def add_to_cart(
        self,
        info: Info,
        variant_id: strawberry.ID,
        quantity: int = 1,
        room_id: strawberry.ID | None = None,
    ) -> CartPayload:
        user = info.context.principal.require_user()
        await cart.add_to_cart(
            user,
            decode_id(variant_id, "Variant", "variantId"),
            quantity,
            decode_id(room_id, "Room", "roomId") if room_id else None,
        )
        return CartPayload(cart=await _cart(user))

    @errors.mutation
    async def remove_from_cart(self, info: Info, variant_id: strawberry.ID) -> CartPayload:
        user = info.context.principal.require_user()
        await cart.remove_from_cart(user, decode_id(variant_id, "Variant", "variantId"))
        return CartPayload(cart=await _cart(user))

    @errors.mutation(description="Order the cart: one order per merchant, all or none.")
    async def checkout(self, info: Info, input: CheckoutInput) -> CheckoutPayload:
        user = info.context.principal.require_user()
        placed = await cart.checkout(
            user,
            shipping=input.shipping.to_dict(),
            idempotency_key=input.idempotency_key,
            coupon_code=input.coupon_code,
        )
        return CheckoutPayload(orders=[OrderType.from_model(o) for o in placed])

    @errors.mutation(
        description="Order one variant now (stock is held until it expires). In a room, "
        "the pinned product is charged its live price (the flash price while a flash sale "
        "of it runs)."
    )
    async def buy_now(self, info: Info, input: BuyNowInput) -> OrderPayload:
        user = info.context.principal.require_user()
        variant_id = decode_id(input.variant_id, "Variant", "variantId")
        if input.room_id:
            order = await pinned.buy_in_room(
                user,
                decode_id(input.room_id, "Room", "roomId"),
                variant_id,
                input.quantity,
                shipping=input.shipping.to_dict(),
                idempotency_key=input.idempotency_key,
                coupon_code=input.coupon_code,
            )
            return OrderPayload(order=OrderType.from_model(order))
        order = await cart.buy_now(
            user,
            variant_id,
            input.quantity,
            shipping=input.shipping.to_dict(),
            idempotency_key=input.idempotency_key,
            coupon_code=input.coupon_code,
        )
        return OrderPayload(order=OrderType.from_model(order))

    @errors.mutation(description="Pay a pending order with coins (idempotent per key).")
    async def pay_order_with_coins(
        self, info: Info, order_id: strawberry.ID, idempotency_key: str
    ) -> OrderPayload:
        user = info.context.principal.require_user()
        order = await orders.pay_with_coins(
            user, decode_id(order_id, "Order", "orderId"), idempotency_key
        )
        return OrderPayload(order=OrderType.from_model(order))

    @errors.mutation(
        description="Start a card payment; the order turns PAID when the provider confirms."
    )
    async def pay_order_with_card(
        self, info: Info, order_id: strawberry.ID, card_number: str
    ) -> CardPaymentPayload:
        user = info.context.principal.require_user()
        oid = decode_id(order_id, "Order", "orderId")
        payment = await orders.start_card_payment(user, oid, card_number)
        order = await orders.get_order(user, oid)
        return CardPaymentPayload(
            payment=PaymentType.from_model(payment), order=OrderType.from_model(order)
        )

    @errors.mutation(description="Cancel an unpaid order (buyer or merchant).")
    async def cancel_order(self, info: Info, order_id: strawberry.ID) -> OrderPayload:
        return await _order_action(info, order_id, orders.cancel_order)

    @errors.mutation(description="The merchant ships a paid order.")
    async def ship_order(
        self, info: Info, order_id: strawberry.ID, tracking_number: str
    ) -> OrderPayload:
        user = info.context.principal.require_user()
        order = await orders.ship_order(
            user, decode_id(order_id, "Order", "orderId"), tracking_number
        )
        return OrderPayload(order=OrderType.from_model(order))

    @errors.mutation(description="The merchant marks a shipped order delivered.")
    async def mark_delivered(self, info: Info, order_id: strawberry.ID) -> OrderPayload:
        return await _order_action(info, order_id, orders.mark_delivered)

    @errors.mutation(description="The buyer confirms a delivered order.")
    async def complete_order(self, info: Info, order_id: strawberry.ID) -> OrderPayload:
        return await _order_action(info, order_id, orders.complete_order)

    @errors.mutation(description="The merchant refunds a paid order (stock and money back).")
    async def refund_order(self, info: Info, order_id: strawberry.ID) -> OrderPayload:
        return await _order_action(info, order_id, orders.refund_order)

    @errors.mutation
    async def create_coupon(self, info: Info, input: CreateCouponInput) -> CouponPayload:
        user = info.context.principal.require_user()
        coupon = await coupons.create_coupon(
            user,
            input.code,
            input.kind.value,
            input.amount,
            currency=input.currency,
            min_spend_cents=input.min_spend_cents,
            starts_at=input.starts_at,
            ends_at=input.ends_at,
            max_uses=input.max_uses,
            per_user_limit=input.per_user_limit,
            room_id=decode_id(input.room_id, "Room", "roomId") if input.room_id else None,
        )
        return CouponPayload(coupon=CouponType.from_model(coupon))

    @errors.mutation(description="Drop a coupon into your live room for the first N claimers.")
    async def drop_coupon(
        self,
        info: Info,
        room_id: strawberry.ID,
        coupon_id: strawberry.ID,
        first_n: int,
        duration_seconds: int | None = None,
    ) -> CouponPayload:
        user = info.context.principal.require_user()
        coupon = await coupons.drop_coupon(
            user,
            decode_id(room_id, "Room", "roomId"),
            decode_id(coupon_id, "Coupon", "couponId"),
            first_n,
            duration_seconds,
        )
        return CouponPayload(coupon=CouponType.from_model(coupon))

    @errors.mutation(description="Claim a dropped coupon (first N viewers, one each).")
    async def claim_coupon(self, info: Info, coupon_id: strawberry.ID) -> CouponPayload:
        user = info.context.principal.require_user()
        claim = await coupons.claim_coupon(user, decode_id(coupon_id, "Coupon", "couponId"))
        coupon = await coupons.get_coupon(claim.coupon_id)
        return CouponPayload(coupon=CouponType.from_model(coupon))


async def _order_action(info: Info, order_id: strawberry.ID, action: Any) -> OrderPayload:
    user = info.context.principal.require_user()
    order = await action(user, decode_id(order_id, "Order", "orderId"))
    return OrderPayload(order=OrderType.from_model(order))
