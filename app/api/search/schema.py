"""The ``search`` query, a thin layer over :mod:`app.search.service`.

Bad input (an empty or too long query, a bad filter, cursor or page size) is a GraphQL
error with ``extensions.code`` (``EMPTY_QUERY``, ``QUERY_TOO_LONG``, ``INVALID_FILTER``,
``INVALID_CURSOR``, ``INVALID_PAGE_SIZE``) and ``extensions.field``.
"""

from __future__ import annotations

import strawberry

from app.api import errors
from app.api.context import Info
from app.api.pagination import Connection, check_first, decode_cursor, make_connection
from app.api.search.types import SearchFiltersInput, SearchResult, result_of
from app.search import service
from app.search.query import SearchFilters

DEFAULT_FIRST = 20


@strawberry.type
class Query:
    @errors.field(
        description="Rooms, products and streamers matching the text (typos and Chinese "
        "substrings included), most relevant first; among equals, live now, then what the "
        "viewer follows or bought from, then the most popular."
    )
    async def search(
        self,
        info: Info,
        query: str,
        filters: SearchFiltersInput | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[SearchResult]:
        first = check_first(first)
        start = decode_cursor(after)
        chosen = filters.to_filters() if filters is not None else SearchFilters()
        page = await service.search(
            query, chosen, info.context.principal.user, first=first, start=start
        )
        return make_connection([result_of(hit) for hit in page.hits], start, page.total)
