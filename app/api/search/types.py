"""GraphQL types of search: the result union, the filters input and the streamer card."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from app.api.accounts.types import UserType
from app.api.commerce.types import ProductType
from app.api.rooms.types import RoomType
from app.search.query import ResultKind, SearchFilters, make_filters
from app.search.service import Hit


@strawberry.enum(name="SearchResultKind")
class SearchResultKindEnum(Enum):
    ROOM = "room"
    PRODUCT = "product"
    STREAMER = "streamer"


@strawberry.type(name="Streamer", description="A streamer found by search, with their live state.")
class StreamerType:
    user: UserType
    display_name: str
    live: bool
    follower_count: int
    room: RoomType | None = strawberry.field(
        description="The room they are live in now, else their latest room."
    )


SearchResult = Annotated[
    RoomType | ProductType | StreamerType,
    strawberry.union("SearchResult", description="A room, a product or a streamer."),
]


@strawberry.input(
    name="SearchFilters",
    description="Narrows a search. A price or stock filter keeps products only; liveOnly keeps "
    "live rooms, products in a live room and streamers who are live.",
)
class SearchFiltersInput:
    category: str | None = None
    min_price_cents: int | None = None
    max_price_cents: int | None = None
    live_only: bool = False
    in_stock: bool = False
    kinds: list[SearchResultKindEnum] | None = None

    def to_filters(self) -> SearchFilters:
        return make_filters(
            category=self.category,
            min_price_cents=self.min_price_cents,
            max_price_cents=self.max_price_cents,
            live_only=self.live_only,
            in_stock=self.in_stock,
            kinds=None if self.kinds is None else [ResultKind(k.value) for k in self.kinds],
        )


def result_of(hit: Hit) -> RoomType | ProductType | StreamerType:
    if hit.room is not None:
        return RoomType.from_model(hit.room)
    if hit.product is not None:
        return ProductType.from_model(hit.product)
    assert hit.streamer is not None
    return StreamerType(
        user=UserType.from_model(hit.streamer),
        display_name=hit.streamer.display_name,
        live=hit.live,
        follower_count=hit.popularity,
        room=RoomType.from_model(hit.linked_room) if hit.linked_room is not None else None,
    )
