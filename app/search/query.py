"""What a search asks for: the text and the filters, validated once for every interface."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from app.errors import UserError

MAX_QUERY_CHARS = 100
MAX_CATEGORY_CHARS = 40
MAX_PRICE_CENTS = 10**12


class ResultKind(StrEnum):
    ROOM = "room"
    PRODUCT = "product"
    STREAMER = "streamer"


@dataclass(frozen=True)
class SearchFilters:
    """Narrowing of a search. A price or stock filter only keeps products (rooms and
    streamers have neither); ``live_only`` keeps live rooms, products in a live room and
    streamers who are live."""

    category: str | None = None
    min_price_cents: int | None = None
    max_price_cents: int | None = None
    live_only: bool = False
    in_stock: bool = False
    kinds: frozenset[ResultKind] = field(default_factory=lambda: frozenset(ResultKind))

    @property
    def products_only(self) -> bool:
        return (
            self.in_stock or self.min_price_cents is not None or (self.max_price_cents is not None)
        )


def normalize(text: str) -> str:
    """Case-folded, NFKC-normalised text with single spaces (full-width letters and digits
    become ASCII, so ``ＴＶ`` finds ``tv``)."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def clean_query(text: str | None) -> str:
    """The query text, normalised; an empty or too long one is a user error."""
    cleaned = normalize(text or "")
    if not cleaned:
        raise UserError("EMPTY_QUERY", "type something to search for", "query")
    if len(cleaned) > MAX_QUERY_CHARS:
        raise UserError(
            "QUERY_TOO_LONG",
            "a search is at most {max} characters",
            "query",
            {"max": MAX_QUERY_CHARS},
        )
    return cleaned


def make_filters(
    *,
    category: str | None = None,
    min_price_cents: int | None = None,
    max_price_cents: int | None = None,
    live_only: bool = False,
    in_stock: bool = False,
    kinds: list[ResultKind] | None = None,
) -> SearchFilters:
    """Validated filters; each bad value is a user error naming its field."""
    category = normalize(category) if category else None
    if category is not None and len(category) > MAX_CATEGORY_CHARS:
        raise UserError(
            "INVALID_FILTER",
            "a category is at most {max} characters",
            "category",
            {"max": MAX_CATEGORY_CHARS},
        )
    for name, value in (("min_price_cents", min_price_cents), ("max_price_cents", max_price_cents)):
        if value is not None and not 0 <= value <= MAX_PRICE_CENTS:
            raise UserError("INVALID_FILTER", "a price must be between 0 and 10^12 cents", name)
    if (
        min_price_cents is not None
        and max_price_cents is not None
        and min_price_cents > max_price_cents
    ):
        raise UserError(
            "INVALID_FILTER", "the lowest price is above the highest price", "min_price_cents"
        )
    if kinds is not None and not kinds:
        raise UserError("INVALID_FILTER", "choose at least one kind of result", "kinds")
    return SearchFilters(
        category=category,
        min_price_cents=min_price_cents,
        max_price_cents=max_price_cents,
        live_only=live_only,
        in_stock=in_stock,
        kinds=frozenset(kinds) if kinds else frozenset(ResultKind),
    )
