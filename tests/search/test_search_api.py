"""The GraphQL ``search`` field: a connection over the SearchResult union, cursors, typed
errors; and a constant number of SQL statements whatever the page size."""

from __future__ import annotations

from typing import Any

import httpx

from app.querycount import count_queries
from tests.commerce.helpers import make_product
from tests.search.helpers import ended_room, room_in, streamer
from tests.support import csrf, op


async def _search(client: httpx.AsyncClient, **variables: Any) -> dict[str, Any]:
    return await op(client, "search", "Search", variables)


async def test_search_returns_rooms_products_and_streamers_as_a_union(
    client: httpx.AsyncClient,
) -> None:
    shop = await streamer(1, "Sunny Hats")
    room = await room_in(shop, "Sunny hats live")
    await make_product(shop, "Sunny straw hat", 2500, room_id=room.id)

    data = await _search(client, query="sunny")

    assert "errors" not in data, data
    found = data["data"]["search"]
    nodes = [edge["node"] for edge in found["edges"]]
    assert found["totalCount"] == 3
    assert {n["__typename"] for n in nodes} == {"Room", "Product", "Streamer"}
    by_type = {n["__typename"]: n for n in nodes}
    assert by_type["Room"]["status"] == "LIVE"
    assert by_type["Product"]["inStock"] is True
    assert by_type["Product"]["room"]["title"] == "Sunny hats live"
    assert by_type["Streamer"]["live"] is True
    assert by_type["Streamer"]["room"]["title"] == "Sunny hats live"


async def test_filters_and_cursors(client: httpx.AsyncClient) -> None:
    shop = await streamer(1)
    for n in range(5):
        await make_product(shop, f"Mug {n}", 1000 + n * 100, stock=n % 2)

    stocked = await _search(client, query="mug", filters={"inStock": True})
    assert [e["node"]["title"] for e in stocked["data"]["search"]["edges"]] == ["Mug 1", "Mug 3"]

    first = await _search(client, query="mug", first=2)
    page = first["data"]["search"]
    assert page["pageInfo"]["hasNextPage"] and len(page["edges"]) == 2
    rest = await _search(client, query="mug", first=10, after=page["pageInfo"]["endCursor"])
    titles = [e["node"]["title"] for e in page["edges"] + rest["data"]["search"]["edges"]]
    assert sorted(titles) == [f"Mug {n}" for n in range(5)]


async def test_live_rooms_come_first(client: httpx.AsyncClient) -> None:
    await ended_room(await streamer(1), "Orchid care")
    live = await room_in(await streamer(2), "Orchid care")

    data = await _search(client, query="orchid", filters={"kinds": ["ROOM"]})

    nodes = [e["node"] for e in data["data"]["search"]["edges"]]
    assert [n["status"] for n in nodes] == ["LIVE", "ENDED"]
    assert nodes[0]["title"] == live.title


async def test_bad_input_is_a_typed_error(client: httpx.AsyncClient) -> None:
    cases = [
        ({"query": " "}, "EMPTY_QUERY", "query"),
        ({"query": "x" * 101}, "QUERY_TOO_LONG", "query"),
        ({"query": "a", "filters": {"minPriceCents": -5}}, "INVALID_FILTER", "minPriceCents"),
        (
            {"query": "a", "filters": {"minPriceCents": 9, "maxPriceCents": 1}},
            "INVALID_FILTER",
            "minPriceCents",
        ),
        ({"query": "a", "after": "bogus"}, "INVALID_CURSOR", "after"),
        ({"query": "a", "first": 101}, "INVALID_PAGE_SIZE", "first"),
    ]
    for variables, code, field in cases:
        data = await _search(client, **variables)
        assert data["data"] is None, (variables, data)
        extensions = data["errors"][0]["extensions"]
        assert (extensions["code"], extensions.get("field")) == (code, field), (variables, data)


async def _counted(client: httpx.AsyncClient, first: int) -> int:
    await csrf(client)
    with count_queries() as counter:
        data = await _search(client, query="lamp", first=first)
    assert "errors" not in data, data
    assert len(data["data"]["search"]["edges"]) == first
    return counter.count


async def test_the_query_count_does_not_grow_with_the_page(client: httpx.AsyncClient) -> None:
    shops = [await streamer(n, f"Lamp Maker {n}") for n in range(3)]
    rooms = [await room_in(shop, f"Lamp night {n}") for n, shop in enumerate(shops)]
    for n in range(30):
        await make_product(shops[n % 3], f"Desk lamp {n}", 1000 + n, room_id=rooms[n % 3].id)

    small = await _counted(client, 4)
    large = await _counted(client, 30)

    assert small == large
