"""The catalog: merchants (streamers) manage products and their variants.

Products are sold through variants (a SKU, options such as size and colour, a price in
minor units and a stock). ``Product.price_cents`` caches the lowest active variant price
("from" price) for filtering and sorting; every variant change here refreshes it.
Stock changes by delta are conditional updates, so stock never goes below zero.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app.accounts.models import Role, User
from app.commerce.models import Product, ProductStatus, Variant
from app.errors import NotFound, PermissionDenied, UserError
from app.events.changes import announce
from app.rooms.models import Room
from app.rooms.services import require_streamer
from app.text import one_line

SUPPORTED_CURRENCIES = ("USD", "EUR", "GBP")
MAX_PRICE_CENTS = 100_000_000
MAX_STOCK = 1_000_000
MAX_VARIANTS_PER_PRODUCT = 100
MAX_PRODUCTS_PER_MERCHANT = 5000
MAX_OPTIONS = 10
SKU_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$")
SORTS = ("newest", "price_asc", "price_desc", "popularity")
_UNSET: Any = object()


def _text(value: str | None) -> str:
    value = unicodedata.normalize("NFKC", value or "")
    return "".join(c for c in value if c in "\n\t" or unicodedata.category(c)[0] != "C")


def clean_title(title: str) -> str:
    title = one_line(title)
    if not 2 <= len(title) <= 120:
        raise UserError("INVALID_TITLE", "use 2 to 120 characters for the title", "title")
    return title


def clean_description(description: str | None) -> str:
    description = _text(description).strip()
    if len(description) > 5000:
        raise UserError(
            "INVALID_DESCRIPTION", "the description is limited to 5000 characters", "description"
        )
    return description


def check_currency(currency: str | None, field: str = "currency") -> str:
    currency = (currency or "USD").strip().upper()
    if currency not in SUPPORTED_CURRENCIES:
        raise UserError(
            "INVALID_CURRENCY",
            "use one of: {choices}",
            field,
            {"choices": ", ".join(SUPPORTED_CURRENCIES)},
        )
    return currency


def check_price(price_cents: int, field: str = "priceCents") -> int:
    if not isinstance(price_cents, int) or not 1 <= price_cents <= MAX_PRICE_CENTS:
        raise UserError(
            "INVALID_PRICE",
            "the price must be between 1 and {max} (minor units)",
            field,
            {"max": MAX_PRICE_CENTS},
        )
    return price_cents


def check_stock(stock: int, field: str = "stock") -> int:
    if not isinstance(stock, int) or not 0 <= stock <= MAX_STOCK:
        raise UserError(
            "INVALID_STOCK", "the stock must be between 0 and {max}", field, {"max": MAX_STOCK}
        )
    return stock


def clean_sku(sku: str) -> str:
    sku = (sku or "").strip()
    if not SKU_RE.match(sku):
        raise UserError(
            "INVALID_SKU",
            "a SKU is 1 to 64 letters, digits and . _ - / (starting with a letter or digit)",
            "sku",
        )
    return sku


def clean_options(options: dict[str, Any] | None) -> dict[str, str]:
    """Variant options such as ``{"size": "M", "colour": "red"}``: short strings only."""
    if options is None:
        return {}
    if not isinstance(options, dict) or len(options) > MAX_OPTIONS:
        raise UserError(
            "INVALID_OPTIONS",
            "give at most {max} options as name → value",
            "options",
            {"max": MAX_OPTIONS},
        )
    cleaned: dict[str, str] = {}
    for name, value in options.items():
        key = one_line(str(name))
        text = one_line(str(value))
        if not 1 <= len(key) <= 30 or not 1 <= len(text) <= 60:
            raise UserError(
                "INVALID_OPTIONS",
                "option names are 1–30 characters and values 1–60 characters",
                "options",
            )
        cleaned[key] = text
    return cleaned


def require_merchant(user: User) -> None:
    """Only streamers (and admins) sell."""
    require_streamer(user)


def _owns(user: User, product: Product) -> bool:
    return product.merchant_id == user.id or user.role == Role.ADMIN


async def _merchant_room(merchant: User, room_id: int | None) -> int | None:
    if room_id is None:
        return None
    room = await Room.get_or_none(id=room_id)
    if room is None:
        raise NotFound("room", "roomId")
    if room.owner_id != merchant.id and merchant.role != Role.ADMIN:
        raise PermissionDenied("you can only sell in your own rooms")
    return room.id


# --- products --------------------------------------------------------------------------


async def create_product(
    merchant: User,
    title: str,
    description: str = "",
    *,
    currency: str = "USD",
    room_id: int | None = None,
    status: str = ProductStatus.ACTIVE,
) -> Product:
    """A new product of ``merchant`` (a streamer); add variants to make it buyable."""
    require_merchant(merchant)
    title = clean_title(title)
    description = clean_description(description)
    currency = check_currency(currency)
    status = _check_status(status)
    room = await _merchant_room(merchant, room_id)
    if await Product.filter(merchant_id=merchant.id).count() >= MAX_PRODUCTS_PER_MERCHANT:
        raise UserError("TOO_MANY_PRODUCTS", "archive products before adding more", None)
    product = await Product.create(
        merchant_id=merchant.id,
        room_id=room,
        title=title,
        description=description,
        currency=currency,
        status=status,
    )
    await announce("product", product_id=product.id)
    return product


def _check_status(status: str) -> ProductStatus:
    try:
        return ProductStatus(str(getattr(status, "value", status)).lower())
    except ValueError:
        raise UserError(
            "INVALID_STATUS", "the status is draft, active or archived", "status"
        ) from None


async def owned_product(merchant: User, product_id: int) -> Product:
    """The merchant's product, or NOT_FOUND / FORBIDDEN."""
    product = await Product.get_or_none(id=product_id)
    if product is None:
        raise NotFound("product", "productId")
    if not _owns(merchant, product):
        raise PermissionDenied("this is not your product")
    return product


async def update_product(
    merchant: User,
    product_id: int,
    *,
    title: str | None = None,
    description: str | None = None,
    status: str | None = None,
    room_id: int | None = _UNSET,
) -> Product:
    """Change a product's title, description, status or room (``room_id=None`` clears it)."""
    product = await owned_product(merchant, product_id)
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = clean_title(title)
    if description is not None:
        changes["description"] = clean_description(description)
    if status is not None:
        changes["status"] = _check_status(status)
    if room_id is not _UNSET:
        changes["room_id"] = await _merchant_room(merchant, room_id)
    if changes:
        await Product.filter(id=product.id).update(**changes)
        await announce("product", product_id=product.id)
    return await Product.get(id=product.id)


async def get_product(product_id: int, viewer: User | None = None) -> Product:
    """A product anyone may see (active), or any product of its owner."""
    product = await Product.get_or_none(id=product_id)
    if product is None or not is_visible(product, viewer):
        raise NotFound("product", "productId")
    return product


def is_visible(product: Product, viewer: User | None) -> bool:
    if product.status == ProductStatus.ACTIVE:
        return True
    return viewer is not None and _owns(viewer, product)


async def get_products(ids: list[int]) -> dict[int, Product]:
    return {p.id: p for p in await Product.filter(id__in=list(ids))}


async def visible_products(ids: list[int], viewer: User | None) -> dict[int, Product]:
    """The products among ``ids`` that ``viewer`` may see (:func:`is_visible`), by id."""
    return {pid: p for pid, p in (await get_products(ids)).items() if is_visible(p, viewer)}


def products_query(
    *,
    merchant_id: int | None = None,
    room_id: int | None = None,
    search: str | None = None,
    min_price_cents: int | None = None,
    max_price_cents: int | None = None,
    in_stock: bool | None = None,
    sort: str = "newest",
    viewer: User | None = None,
) -> QuerySet[Product]:
    """An ordered queryset of active products (a merchant also sees their own drafts).

    ``room_id`` matches products sold in that room or shown on its shelf."""
    query = Product.all()
    if viewer is not None and merchant_id == viewer.id:
        query = query.exclude(status=ProductStatus.ARCHIVED)
    else:
        query = query.filter(status=ProductStatus.ACTIVE)
    if merchant_id is not None:
        query = query.filter(merchant_id=merchant_id)
    if room_id is not None:
        query = query.filter(Q(room_id=room_id) | Q(id__in=_on_shelf(room_id)))
    if search:
        term = one_line(search)[:80]
        if term:
            query = query.filter(Q(title__icontains=term) | Q(description__icontains=term))
    if min_price_cents is not None:
        query = query.filter(price_cents__gte=min_price_cents)
    if max_price_cents is not None:
        query = query.filter(price_cents__lte=max_price_cents)
    if min_price_cents is not None and max_price_cents is not None:
        if min_price_cents > max_price_cents:
            raise UserError(
                "INVALID_PRICE_RANGE", "the minimum price is above the maximum", "minPriceCents"
            )
    if in_stock is not None:
        stocked = Subquery(Variant.filter(stock__gt=0, is_active=True).values("product_id"))
        query = query.filter(id__in=stocked) if in_stock else query.exclude(id__in=stocked)
    order = {
        "newest": ("-created_at", "-id"),
        "price_asc": ("price_cents", "id"),
        "price_desc": ("-price_cents", "-id"),
        "popularity": ("-sold_count", "-id"),
    }.get(sort)
    if order is None:
        raise UserError(
            "INVALID_SORT", "sort by one of: {choices}", "sort", {"choices": ", ".join(SORTS)}
        )
    return query.order_by(*order)


def _on_shelf(room_id: int) -> Subquery | list[int]:
    """Products on the room's shelf (live commerce), as a subquery."""
    try:
        from app.commerce.live_models import ShelfItem
    except ImportError:  # live commerce not installed
        return []
    return Subquery(ShelfItem.filter(room_id=room_id).values("product_id"))


async def merchant_products(merchant: User) -> list[Product]:
    """All of a merchant's products, newest first (the studio)."""
    return await Product.filter(merchant_id=merchant.id).order_by("-created_at", "-id")


# --- variants --------------------------------------------------------------------------


async def refresh_price(product_id: int, using_db: Any = None) -> None:
    """Cache the lowest active variant price on the product."""
    prices = (
        await Variant.filter(product_id=product_id, is_active=True)
        .using_db(using_db)
        .values_list("price_cents", flat=True)
    )
    await (
        Product.filter(id=product_id)
        .using_db(using_db)
        .update(price_cents=min(prices) if prices else 0)
    )


async def add_variant(
    merchant: User,
    product_id: int,
    sku: str,
    price_cents: int,
    *,
    stock: int = 0,
    options: dict[str, Any] | None = None,
    currency: str | None = None,
) -> Variant:
    """A new variant; its SKU is unique among the merchant's variants."""
    product = await owned_product(merchant, product_id)
    sku = clean_sku(sku)
    price_cents = check_price(price_cents)
    stock = check_stock(stock)
    cleaned = clean_options(options)
    if currency is not None and check_currency(currency) != product.currency:
        raise UserError(
            "CURRENCY_MISMATCH",
            "this product is priced in {currency}",
            "currency",
            {"currency": product.currency},
        )
    if await Variant.filter(product_id=product.id).count() >= MAX_VARIANTS_PER_PRODUCT:
        raise UserError("TOO_MANY_VARIANTS", "a product has at most 100 variants", None)
    merchant_id = product.merchant_id
    if await Variant.filter(merchant_id=merchant_id, sku=sku).exists():
        raise _sku_taken()
    try:
        async with in_transaction() as conn:
            variant = await Variant.create(
                product_id=product.id,
                merchant_id=merchant_id,
                sku=sku,
                options=cleaned,
                price_cents=price_cents,
                currency=product.currency,
                stock=stock,
                using_db=conn,
            )
            await refresh_price(product.id, conn)
    except IntegrityError:
        raise _sku_taken() from None
    await announce("product", product_id=product.id)
    return variant


def _sku_taken() -> UserError:
    return UserError("SKU_TAKEN", "you already have a variant with this SKU", "sku")


async def owned_variant(merchant: User, variant_id: int) -> Variant:
    variant = await Variant.get_or_none(id=variant_id).prefetch_related("product")
    if variant is None:
        raise NotFound("variant", "variantId")
    if not _owns(merchant, variant.product):
        raise PermissionDenied("this is not your product")
    return variant


async def update_variant(
    merchant: User,
    variant_id: int,
    *,
    price_cents: int | None = None,
    options: dict[str, Any] | None = None,
    is_active: bool | None = None,
) -> Variant:
    """Change a variant's price, options or availability (open orders keep their price)."""
    variant = await owned_variant(merchant, variant_id)
    changes: dict[str, Any] = {}
    if price_cents is not None:
        changes["price_cents"] = check_price(price_cents)
    if options is not None:
        changes["options"] = clean_options(options)
    if is_active is not None:
        changes["is_active"] = bool(is_active)
    if changes:
        async with in_transaction() as conn:
            await Variant.filter(id=variant.id).using_db(conn).update(**changes)
            await refresh_price(variant.product_id, conn)
        await announce("product", product_id=variant.product_id)
    return await Variant.get(id=variant.id)


async def update_stock(
    merchant: User, variant_id: int, *, stock: int | None = None, delta: int | None = None
) -> Variant:
    """Set the stock to ``stock``, or add ``delta`` (negative removes; never below zero)."""
    variant = await owned_variant(merchant, variant_id)
    if (stock is None) == (delta is None):
        raise UserError("INVALID_STOCK", "give either a stock or a delta", "stock")
    if stock is not None:
        await Variant.filter(id=variant.id).update(stock=check_stock(stock))
    else:
        assert delta is not None
        if not isinstance(delta, int) or abs(delta) > MAX_STOCK:
            raise UserError("INVALID_STOCK", "the change is too large", "delta")
        query = Variant.filter(id=variant.id)
        if delta < 0:
            query = query.filter(stock__gte=-delta)
        else:
            query = query.filter(stock__lte=MAX_STOCK - delta)
        if not await query.update(stock=F("stock") + delta):
            raise UserError(
                "INVALID_STOCK", "the stock cannot go below zero or above the limit", "delta"
            )
    await announce("product", product_id=variant.product_id)
    return await Variant.get(id=variant.id)


async def get_variant(variant_id: int) -> Variant:
    variant = await Variant.get_or_none(id=variant_id)
    if variant is None:
        raise NotFound("variant", "variantId")
    return variant


async def get_variants(ids: list[int]) -> dict[int, Variant]:
    return {v.id: v for v in await Variant.filter(id__in=list(ids))}


async def visible_variants(ids: list[int], viewer: User | None) -> dict[int, Variant]:
    """The variants among ``ids`` whose product ``viewer`` may see (a draft's variants
    only for its merchant)."""
    variants = await Variant.filter(id__in=list(ids)).prefetch_related("product")
    return {v.id: v for v in variants if is_visible(v.product, viewer)}


async def variants_for_products(
    product_ids: list[int], active_only: bool = True
) -> dict[int, list[Variant]]:
    """``{product_id: [variants by id]}`` in one query."""
    query = Variant.filter(product_id__in=list(product_ids))
    if active_only:
        query = query.filter(is_active=True)
    found: dict[int, list[Variant]] = {pid: [] for pid in product_ids}
    for variant in await query.order_by("id"):
        found.setdefault(variant.product_id, []).append(variant)
    return found
