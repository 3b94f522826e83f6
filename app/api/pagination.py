"""Relay cursor connections over Tortoise querysets."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry

from app.errors import UserError

T = TypeVar("T")
MAX_PAGE = 100
# The database takes offsets up to 2**63 - 1; no list here comes near a billion rows.
MAX_OFFSET = 10**9


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int

    @strawberry.field
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        offset = int(value)
    except (ValueError, UnicodeDecodeError):
        raise UserError("INVALID_CURSOR", "not a valid cursor", "after") from None
    if kind != "o" or not 0 <= offset < MAX_OFFSET:
        raise UserError("INVALID_CURSOR", "not a valid cursor", "after")
    return offset + 1


def check_first(first: int) -> int:
    if not 0 <= first <= MAX_PAGE:
        raise UserError(
            "INVALID_PAGE_SIZE", "first must be between 0 and {max}", "first", {"max": MAX_PAGE}
        )
    return first


async def paginate(
    queryset: Any, first: int, after: str | None, convert: Callable[[Any], T]
) -> Connection[T]:
    """One page of ``queryset`` (already ordered) as a connection."""
    first = check_first(first)
    start = decode_cursor(after)
    total = await queryset.count()
    rows: Sequence[Any] = await queryset.offset(start).limit(first) if first else []
    return make_connection([convert(r) for r in rows], start, total)


def make_connection(nodes: list[T], start: int, total: int) -> Connection[T]:
    edges = [Edge(cursor=encode_cursor(start + i), node=n) for i, n in enumerate(nodes)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=start + len(nodes) < total,
            has_previous_page=start > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )
