"""The search page (``/search``, a plain GET form that works without JavaScript) and the
suggestions fragment that its input asks for as you type (``/search/suggest``, htmx)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.errors import UserError
from app.rooms.services import CATEGORIES
from app.search import service
from app.search.query import MAX_QUERY_CHARS, ResultKind, SearchFilters, make_filters
from web import recs as recs_pages
from web.commerce import money
from web.forms import load_user
from web.templating import render

PAGE_SIZE = 20
MAX_PAGE = 500


def _price_cents(raw: str, field: str) -> int | None:
    """``12.50`` → 1250; blank is no filter."""
    if not raw.strip():
        return None
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        raise UserError("INVALID_FILTER", "a price is a number such as 12.50", field) from None
    if not value.is_finite() or value < 0 or value > 10**10:
        raise UserError("INVALID_FILTER", "a price must be between 0 and 10,000,000,000", field)
    return int(value * 100)


def _page_number(raw: str) -> int:
    try:
        page = int(raw or "1")
    except ValueError:
        raise UserError("INVALID_PAGE", "not a page number", "page") from None
    if not 1 <= page <= MAX_PAGE:
        raise UserError("INVALID_PAGE", "pages run from 1 to {max}", "page", {"max": MAX_PAGE})
    return page


def _filters(params: Any) -> SearchFilters:
    kind = params.get("kind", "")
    if kind and kind not in {k.value for k in ResultKind}:
        raise UserError("INVALID_FILTER", "choose rooms, products or streamers", "kind")
    return make_filters(
        category=params.get("category") or None,
        min_price_cents=_price_cents(params.get("min_price", ""), "min_price"),
        max_price_cents=_price_cents(params.get("max_price", ""), "max_price"),
        live_only=params.get("live") == "1",
        in_stock=params.get("in_stock") == "1",
        kinds=[ResultKind(kind)] if kind else None,
    )


async def search_page(request: Request) -> Response:
    user = await load_user(request)
    params = request.query_params
    q = params.get("q", "")
    ctx: dict[str, Any] = {
        "q": q,
        "params": params,
        "categories": CATEGORIES,
        "max_chars": MAX_QUERY_CHARS,
        "hits": [],
        "cards": {},
        "error": None,
    }
    if not q.strip():  # the empty form
        return render(request, "search/page.html", ctx)
    try:
        page_number = _page_number(params.get("page", ""))
        found = await service.search(
            q,
            _filters(params),
            user,
            first=PAGE_SIZE,
            start=(page_number - 1) * PAGE_SIZE,
        )
    except UserError as exc:
        ctx["error"] = exc
        return render(request, "search/page.html", ctx, 422)
    products = [hit.product for hit in found.hits if hit.product is not None]
    cards = await recs_pages.product_cards(products)
    ctx.update(
        hits=found.hits,
        total=found.total,
        cards={card.product.id: card for card in cards},
        page=page_number,
        has_next=found.start + len(found.hits) < found.total,
        query_string=_without_page(params),
    )
    return render(request, "search/page.html", ctx)


def _without_page(params: Any) -> str:
    from urllib.parse import urlencode

    return urlencode([(k, v) for k, v in params.multi_items() if k != "page"])


async def suggestions(request: Request) -> Response:
    """Up to eight results for what is typed so far (nothing for an empty box)."""
    user = await load_user(request)
    try:
        hits = await service.suggest(request.query_params.get("q", ""), user)
    except UserError as exc:
        return render(request, "search/_suggestions.html", {"hits": [], "error": exc}, 422)
    return render(
        request,
        "search/_suggestions.html",
        {"hits": hits, "error": None, "money": money, "q": request.query_params.get("q", "")},
    )


routes = [
    Route("/search", search_page, name="search"),
    Route("/search/suggest", suggestions, name="search_suggest"),
]
