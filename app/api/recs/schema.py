"""Recommendation queries, a thin layer over :mod:`app.recs.service`.

Answers are top-N lists shaped as connections (one page: ``hasNextPage`` is false).
Expected failures (an unknown product, a bad ID, ``first`` out of range) are GraphQL
errors with ``extensions.code`` (``NOT_FOUND``, ``INVALID_ID``, ``INVALID_PAGE_SIZE``) and
``extensions.field``.
"""

from __future__ import annotations

import strawberry

from app.api import errors
from app.api.commerce.types import ProductType
from app.api.context import Info
from app.api.ids import decode_id
from app.api.pagination import Connection, make_connection
from app.api.rooms.types import RoomType
from app.recs import service

DEFAULT_FIRST = 10


@strawberry.type
class Query:
    @errors.field(
        description="Products for the viewer: personalised from what they watch, click and "
        "buy (trending for a new or anonymous viewer); in stock, not already bought."
    )
    async def recommended_products(
        self, info: Info, first: int = DEFAULT_FIRST
    ) -> Connection[ProductType]:
        found = await service.recommended_products(info.context.principal.user, first)
        return make_connection([ProductType.from_model(p) for p in found], 0, len(found))

    @errors.field(
        description='Products like the given one ("more like this"), in stock. '
        "An unknown product is a NOT_FOUND error."
    )
    async def similar_products(
        self, info: Info, product_id: strawberry.ID, first: int = DEFAULT_FIRST
    ) -> Connection[ProductType]:
        pk = decode_id(product_id, "Product", "productId")
        found = await service.similar_products(pk, info.context.principal.user, first)
        return make_connection([ProductType.from_model(p) for p in found], 0, len(found))

    @errors.field(
        description="Live and scheduled rooms for the viewer (trending for a new viewer)."
    )
    async def recommended_rooms(
        self, info: Info, first: int = DEFAULT_FIRST
    ) -> Connection[RoomType]:
        found = await service.recommended_rooms(info.context.principal.user, first)
        return make_connection([RoomType.from_model(r) for r in found], 0, len(found))
