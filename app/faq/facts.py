"""Product facts as answers: price, stock, variants and flash-sale state, read from the
catalog and the room's sales at question time (never stored copies).

Each fact kind is a document of the room's index (its words in English and Chinese); the
product a question is about is the shelf product whose title it names, else the pinned
product, else the shelf's only product.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from app.commerce import catalog, flash_sales
from app.commerce.live_models import FlashSale, ShelfItem
from app.commerce.models import Product
from app.faq.tokens import tokenize

PRICE = "price"
STOCK = "stock"
VARIANTS = "variants"
SALE = "sale"

#: The words of each fact kind's document (tokenised like any FAQ).
FACT_TEXT = {
    PRICE: "what is the price how much does it cost how much is it price cost "
    "价格 多少钱 价钱 卖多少 售价",
    STOCK: "is it in stock still available any left sold out how many left stock inventory "
    "有货 现货 库存 还有货 卖完 没货 剩",
    VARIANTS: "which colors options variants versions models styles does it come in "
    "颜色 款式 规格 型号 选项 哪些款",
    SALE: "flash sale discount deal promotion offer on sale 秒杀 打折 折扣 优惠 活动 特价",
}
FACT_KINDS = tuple(FACT_TEXT)


def money(cents: int, currency: str) -> str:
    return f"{currency} {cents / 100:,.2f}"


@dataclass(frozen=True, slots=True)
class ProductRef:
    id: int
    title: str
    pinned: bool


async def shelf_products(room_id: int) -> list[ProductRef]:
    """The room's shelf, pinned first (one query)."""
    rows = await ShelfItem.filter(room_id=room_id).select_related("product")
    refs = [ProductRef(r.product_id, r.product.title, r.pinned) for r in rows]
    return sorted(refs, key=lambda r: not r.pinned)


def product_for(question_terms: list[str], products: list[ProductRef]) -> ProductRef | None:
    """The product the question is about (see the module's docstring)."""
    asked = set(question_terms)
    best, overlap = None, 0
    for ref in products:
        shared = len(asked & set(tokenize(ref.title)))
        if shared > overlap:
            best, overlap = ref, shared
    if best is not None:
        return best
    pinned = [r for r in products if r.pinned]
    if pinned:
        return pinned[0]
    return products[0] if len(products) == 1 else None


async def _live_sale(room_id: int, product_id: int) -> tuple[str, FlashSale] | None:
    now = datetime.now(UTC)
    for sale in await flash_sales.active_sales(room_id, now):
        if sale.product_id == product_id:
            return flash_sales.display_state(sale, now), sale
    return None


async def answer(kind: str, room_id: int, product_id: int) -> str | None:
    """The fact ``kind`` of a product as an answer, from the services now; None when the
    product is gone."""
    product = await Product.get_or_none(id=product_id)
    if product is None:
        return None
    variants = (await catalog.variants_for_products([product.id]))[product.id]
    found = await _live_sale(room_id, product.id)
    state, sale = found if found else ("", None)
    title = product.title
    if kind == PRICE:
        if not variants:
            return f"{title} has no price yet."
        low = min(v.price_cents for v in variants)
        high = max(v.price_cents for v in variants)
        regular = money(low, product.currency) + (
            f" to {money(high, product.currency)}" if high != low else ""
        )
        if sale is not None and state == flash_sales.LIVE:
            return (
                f"{title}: flash sale price {money(sale.price_cents, sale.currency)} now "
                f"(regular {regular}), {sale.remaining} left."
            )
        return f"{title}: {regular}."
    if kind == STOCK:
        units = sum(v.stock for v in variants)
        held = sale.remaining if sale is not None and state == flash_sales.LIVE else 0
        if units + held <= 0:
            return f"{title} is sold out right now."
        return f"{title} is in stock: {units + held} left."
    if kind == VARIANTS:
        if not variants:
            return f"{title} has no options on sale yet."
        labels = [" / ".join(str(v) for v in (o.options or {}).values()) or o.sku for o in variants]
        return f"{title} comes in: " + ", ".join(labels) + "."
    if kind == SALE:
        if sale is None:
            return f"No flash sale on {title} right now."
        s = sale
        price = money(s.price_cents, s.currency)
        if state == flash_sales.LIVE:
            return f"Flash sale on {title}: {price}, {s.remaining} left."
        if state == flash_sales.SCHEDULED:
            at = s.starts_at.strftime("%H:%M")
            return f"A flash sale on {title} at {price} starts at {at} UTC."
        return f"The flash sale on {title} is sold out."
    return None


__all__ = ["FACT_KINDS", "FACT_TEXT", "ProductRef", "answer", "product_for", "shelf_products"]
