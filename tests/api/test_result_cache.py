"""Public query answers are cached, and a change to public data is in the next answer;
personal fields and signed-in answers are never shared."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from starlette.applications import Starlette

from app.accounts.models import Role
from app.api.ids import encode_id
from app.api.persisted import documented_operations
from app.api.result_cache import ResultCache, is_public
from app.api.schema import schema
from app.api.view import GraphQLApp
from app.commerce import catalog
from app.commerce.models import ProductStatus
from app.events import Event, changes, get_bus
from app.querycount import count_queries
from app.rooms import services as rooms
from tests.commerce.helpers import live_room, login_as, make_merchant, make_product
from tests.support import csrf, eventually

DOCUMENTED = documented_operations()  # each operation as an app sends it
PRODUCTS = DOCUMENTED["Products"]
ROOMS = DOCUMENTED["Rooms"]
ROOM = DOCUMENTED["Room"]  # RoomFields + streamKey + isFollowingOwner: personal


def graphql_app(app: Starlette) -> GraphQLApp:
    return next(
        r.endpoint for r in app.routes if isinstance(getattr(r, "endpoint", None), GraphQLApp)
    )  # type: ignore[attr-defined]


async def ask(client: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"X-CSRF-Token": await csrf(client)},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def titles(data: dict[str, Any]) -> list[str]:
    return [edge["node"]["title"] for edge in data["products"]["edges"]]


async def test_a_cached_products_page_shows_a_title_and_price_change_next(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    results = graphql_app(app).results
    merchant = await make_merchant()
    product, variant = await make_product(merchant, "Silk scarf", 1000)
    first = await ask(client, PRODUCTS, {"first": 5})
    hits = results.hits
    assert await ask(client, PRODUCTS, {"first": 5}) == first
    assert results.hits == hits + 1  # the second answer came from the cache

    await catalog.update_product(merchant, product.id, title="Wool scarf")
    assert titles(await ask(client, PRODUCTS, {"first": 5})) == ["Wool scarf"]

    await catalog.update_variant(merchant, variant.id, price_cents=750)
    node = (await ask(client, PRODUCTS, {"first": 5}))["products"]["edges"][0]["node"]
    assert node["priceCents"] == 750
    assert node["variants"][0]["priceCents"] == 750


async def test_a_cached_rooms_page_shows_a_room_going_live_next(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    streamer = await make_merchant("streamer@example.com", "Streamer")
    room = await rooms.create_room(streamer, "Tonight")
    before = await ask(client, ROOMS, {"first": 10})
    assert before["rooms"]["edges"][0]["node"]["status"] == "SCHEDULED"
    assert await ask(client, ROOMS, {"first": 10}) == before

    await rooms.open_room(streamer, room.id)
    after = await ask(client, ROOMS, {"first": 10})
    assert after["rooms"]["edges"][0]["node"]["status"] == "LIVE"

    await rooms.end_room(streamer, room.id)
    ended = await ask(client, ROOMS, {"first": 10})
    assert ended["rooms"]["edges"][0]["node"]["status"] == "ENDED"


async def test_a_change_in_another_process_drops_the_cache(app: Starlette) -> None:
    before = changes.generation()
    await get_bus().publish(changes.CHANNEL, Event.create("product", {"origin": "elsewhere"}))

    async def bumped() -> bool:
        return changes.generation() > before

    await eventually(bumped)


async def test_anonymous_and_signed_in_answers_are_never_shared(
    app: Starlette, client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    # a merchant signed in on ``other_client`` with a draft only they may see
    merchant = await login_as(other_client, "draft@example.com", "Drafter", Role.STREAMER)
    await make_product(merchant, "Public scarf", 1000)
    await catalog.create_product(merchant, "Secret draft", status=ProductStatus.DRAFT)
    variables = {"first": 10, "filter": {"merchantId": encode_id("User", merchant.id)}}

    anonymous = titles(await ask(client, PRODUCTS, variables))
    assert anonymous == ["Public scarf"]
    mine = titles(await ask(other_client, PRODUCTS, variables))
    assert sorted(mine) == ["Public scarf", "Secret draft"]
    # each cached answer goes to its own audience only
    assert titles(await ask(client, PRODUCTS, variables)) == anonymous
    assert titles(await ask(other_client, PRODUCTS, variables)) == mine
    assert titles(await ask(client, PRODUCTS, variables)) == anonymous


async def test_personal_fields_are_never_cached(
    app: Starlette, client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    owner = await login_as(other_client, "owner@example.com", "Owner", Role.STREAMER)
    room = await live_room(owner, "Owner's room")
    variables = {"id": encode_id("Room", room.id)}
    anonymous = await ask(client, ROOM, variables)
    assert anonymous["room"]["streamKey"] is None
    theirs = await ask(other_client, ROOM, variables)
    assert theirs["room"]["streamKey"] == room.stream_key
    assert (await ask(client, ROOM, variables))["room"]["streamKey"] is None

    cache = ResultCache()
    gql_schema = schema._schema
    assert not cache.public(gql_schema, ROOM, None)
    assert not cache.public(
        gql_schema, "{ products { edges { node { id } } } viewer { id } }", None
    )
    assert not cache.public(gql_schema, "{ rooms { edges { node { isFollowingOwner } } } }", None)
    assert not cache.public(gql_schema, '{ node(id: "x") { id } }', None)
    assert cache.public(gql_schema, PRODUCTS, None)
    assert cache.public(gql_schema, ROOMS, None)


def test_mutations_and_subscriptions_are_never_cached() -> None:
    from graphql import parse

    gql_schema = schema._schema
    mutation = DOCUMENTED["OpenRoom"]
    assert not is_public(gql_schema, parse(mutation), "OpenRoom")
    subscription = 'subscription { roomEvents(roomId: "x") { __typename } }'
    assert not is_public(gql_schema, parse(subscription), None)


async def test_sql_per_request_is_constant_as_the_catalog_grows(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    async def cold_count(query: str) -> int:
        await csrf(client)
        changes.bump()  # a change just happened: the answer is computed, not cached
        with count_queries() as sql:
            data = await ask(client, query, {"first": 20})
        assert data
        return sql.count

    counts: list[tuple[int, int]] = []
    made = 0
    for merchants in (2, 12):  # 2 rooms and 6 products, then 12 rooms and 46 products
        for m in range(made, merchants):
            owner = await make_merchant(f"m{m}@example.com", f"M{m}")
            room = await rooms.create_room(owner, f"Room {m}")
            for n in range(3 if m < 2 else 4):
                await make_product(owner, f"P{m}-{n}", 100 + n, 3, sku=f"S{n}", room_id=room.id)
        made = merchants
        counts.append((await cold_count(PRODUCTS), await cold_count(ROOMS)))
    assert counts[0] == counts[1], counts
    assert counts[0][0] <= 6 and counts[0][1] <= 3, counts


async def test_a_cached_room_catalog_shows_a_shelf_change_next(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    from app.commerce import shelf

    streamer = await make_merchant("shelf@example.com", "Shelf")
    room = await live_room(streamer)
    await make_product(streamer, "Sold here", 1000, room_id=room.id)
    other, _ = await make_product(streamer, "From the catalog", 900, sku="OTHER")
    variables = {"first": 10, "filter": {"roomId": encode_id("Room", room.id)}}
    assert titles(await ask(client, PRODUCTS, variables)) == ["Sold here"]
    assert titles(await ask(client, PRODUCTS, variables)) == ["Sold here"]

    await shelf.add_to_shelf(streamer, room.id, other.id)
    assert sorted(titles(await ask(client, PRODUCTS, variables))) == [
        "From the catalog",
        "Sold here",
    ]
    await shelf.remove_from_shelf(streamer, room.id, other.id)
    assert titles(await ask(client, PRODUCTS, variables)) == ["Sold here"]


async def test_concurrent_misses_after_a_change_compute_the_answer_once(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    results = graphql_app(app).results
    merchant = await make_merchant()
    for n in range(3):
        await make_product(merchant, f"Scarf {n}", 1000 + n, sku=f"S{n}")
    await csrf(client)
    alone = await ask(client, PRODUCTS, {"first": 5})
    changes.bump()  # a change: the next answers are computed
    with count_queries() as one:
        assert await ask(client, PRODUCTS, {"first": 5}) == alone
    changes.bump()
    shared = results.shared
    with count_queries() as many:
        answers = await asyncio.gather(*(ask(client, PRODUCTS, {"first": 5}) for _ in range(8)))
    assert all(answer == alone for answer in answers)
    assert many.count == one.count  # eight viewers, one computation
    assert results.shared == shared + 7


async def test_a_failed_computation_lets_each_waiter_compute_its_own(app: Starlette) -> None:
    cache = ResultCache()
    key = ("{ products { totalCount } }", "", "{}", "anonymous")
    generation = changes.generation()
    leader = cache.flight(key, generation)
    waiter = cache.flight(key, generation)
    assert leader.leader and not waiter.leader
    waiting = asyncio.ensure_future(waiter.wait())
    await asyncio.sleep(0)
    assert leader.land(None) is None  # the leader's request failed
    assert await waiting is None  # the waiter computes its own
    assert cache.flight(key, generation).leader  # and the next miss leads a new one


async def test_a_page_loads_only_what_its_nodes_select(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    merchant = await make_merchant()
    room = await live_room(merchant)
    for n in range(4):
        await make_product(merchant, f"Scarf {n}", 1000 + n, sku=f"S{n}", room_id=room.id)
    await csrf(client)

    async def statements(selection: str) -> int:
        changes.bump()
        with count_queries() as sql:
            data = await ask(client, "{ products(first: 4) { " + selection + " } }", {})
        assert len(data["products"]["edges"]) == 4
        return sql.count

    bare = await statements("edges { node { title } }")
    assert bare == 2  # the count and the page
    assert await statements("edges { node { title merchant { id } } }") == bare + 1
    both = "edges { node { inStock variants { sku } } }"  # one batch for the two fields
    assert await statements(both) == bare + 1
    nested = "edges { node { room { title owner { displayName } } } } nodes { images { url } }"
    assert await statements(nested) == bare + 3  # rooms, their owners, images
    data = await ask(client, "{ products(first: 4) { " + nested + " } }", {})
    assert data["products"]["edges"][0]["node"]["room"]["owner"]["displayName"]


async def test_a_cache_hit_answers_what_strawberry_answers(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    """An anonymous hit skips Strawberry's request handling: the same body and headers as
    the computed answer, for a POST and for a persisted query's GET."""
    from app.api.persisted import sha256

    results = graphql_app(app).results
    merchant = await make_merchant()
    await make_product(merchant, "Silk scarf", 1000)
    body = {"query": PRODUCTS, "variables": {"first": 5}}
    params = {
        "variables": '{"first": 5}',
        "extensions": json.dumps(
            {"persistedQuery": {"version": 1, "sha256Hash": sha256(PRODUCTS)}}
        ),
    }
    for send in (
        lambda: client.post("/graphql", json=body),
        lambda: client.get("/graphql", params=params, headers={"Accept": "application/json"}),
    ):
        changes.bump()
        computed = await send()
        hits = results.hits
        cached = await send()
        assert results.hits == hits + 1
        assert cached.status_code == computed.status_code == 200
        assert cached.content == computed.content
        assert "errors" not in cached.json()
        assert sorted(cached.headers.items()) == sorted(computed.headers.items())


async def test_the_shortcut_leaves_signed_in_and_unusual_requests_to_strawberry(
    app: Starlette, client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    view = graphql_app(app)
    merchant = await login_as(other_client, "draft@example.com", "Drafter", Role.STREAMER)
    await catalog.create_product(merchant, "Secret draft", status=ProductStatus.DRAFT)
    variables = {"first": 10, "filter": {"merchantId": encode_id("User", merchant.id)}}
    assert titles(await ask(client, PRODUCTS, variables)) == []
    assert titles(await ask(client, PRODUCTS, variables)) == []  # a hit, anonymous
    # the merchant's own (cookie) request never gets the anonymous answer
    assert titles(await ask(other_client, PRODUCTS, variables)) == ["Secret draft"]
    scope = {"type": "http", "method": "POST", "query_string": b"", "headers": []}
    plain = b'{"query": "{ products { totalCount } }"}'

    def shortcut(body: bytes, **headers: str) -> bool:
        raw = [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
        return view._cached_answer({**scope, "headers": raw}, body) is not None

    await ask(client, "{ products { totalCount } }", {})  # computed and kept
    assert shortcut(plain, content_type="application/json; charset=utf-8")
    assert not shortcut(plain, content_type="text/plain")
    assert not shortcut(plain, content_type="application/json", accept="text/event-stream")
    assert not shortcut(plain, content_type="application/json", authorization="Bearer x")
    assert not shortcut(plain, content_type="application/json", cookie="lm_session=abc")
    assert not shortcut(b"[1, 2]", content_type="application/json")
    assert not shortcut(b'{"query": 5}', content_type="application/json")
    assert not shortcut(b"{nope", content_type="application/json")
