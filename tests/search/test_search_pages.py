"""The /search page (plain GET form, filters, pages), the htmx suggestions fragment, the
header link, and a constant number of SQL statements per page."""

from __future__ import annotations

import httpx

from app.querycount import count_queries
from tests.commerce.helpers import make_product
from tests.search.helpers import ended_room, room_in, streamer

# candidates, products, rooms, stock, live shelves, followers, product images (+ the
# viewer's session, follows and orders when signed in)
MAX_QUERIES = 8


async def test_the_header_links_the_search_page(client: httpx.AsyncClient) -> None:
    home = await client.get("/")
    assert 'href="/search"' in home.text

    page = await client.get("/search")
    assert page.status_code == 200
    assert 'action="/search"' in page.text and 'method="get"' in page.text
    assert 'hx-get="/search/suggest"' in page.text and "delay:250ms" in page.text


async def test_the_page_works_as_a_plain_form(client: httpx.AsyncClient) -> None:
    shop = await streamer(1, "Pepper Farm")
    room = await room_in(shop, "Pepper harvest live")
    product, _ = await make_product(shop, "Smoked pepper flakes", 799, room_id=room.id)

    page = await client.get("/search", params={"q": "peper"})  # a typo

    assert page.status_code == 200
    assert f'href="/products/{product.id}"' in page.text
    assert f'href="/rooms/{room.id}"' in page.text
    assert "Pepper Farm" in page.text and "$7.99" in page.text
    assert 'data-testid="search-total">3 results' in page.text


async def test_page_filters(client: httpx.AsyncClient) -> None:
    shop = await streamer(1)
    await make_product(shop, "Jade bracelet", 500)
    await make_product(shop, "Jade ring", 5000, stock=0)

    cheap = await client.get("/search", params={"q": "jade", "max_price": "10"})
    stocked = await client.get("/search", params={"q": "jade", "in_stock": "1"})

    assert "Jade bracelet" in cheap.text and "Jade ring" not in cheap.text
    assert "Jade bracelet" in stocked.text and "Jade ring" not in stocked.text


async def test_bad_page_input_shows_the_error(client: httpx.AsyncClient) -> None:
    too_long = await client.get("/search", params={"q": "x" * 101})
    bad_price = await client.get("/search", params={"q": "jade", "min_price": "cheap"})
    bad_kind = await client.get("/search", params={"q": "jade", "kind": "planets"})

    assert too_long.status_code == bad_price.status_code == bad_kind.status_code == 422
    assert "at most 100 characters" in too_long.text
    assert 'id="min_price-error"' in bad_price.text
    assert 'id="kind-error"' in bad_kind.text


async def test_suggestions_fragment_as_you_type(client: httpx.AsyncClient) -> None:
    ended = await ended_room(await streamer(1), "Tulip bulbs")
    live = await room_in(await streamer(2), "Tulip bulbs")

    fragment = await client.get(
        "/search/suggest", params={"q": "tuli"}, headers={"HX-Request": "true"}
    )
    empty = await client.get("/search/suggest", params={"q": ""}, headers={"HX-Request": "true"})

    assert fragment.status_code == 200
    assert "<html" not in fragment.text  # a fragment, not a page
    assert 'data-testid="suggestion-list"' in fragment.text
    # the live room first, then the streamers (one of them live), then the ended room
    assert fragment.text.index(f'"/rooms/{live.id}"') < fragment.text.index(f'"/rooms/{ended.id}"')
    assert "LIVE" in fragment.text and 'href="/search?q=tuli"' in fragment.text
    assert empty.status_code == 200 and empty.text.strip() == ""


async def _counted(client: httpx.AsyncClient, query: str) -> int:
    await client.get("/search")  # the CSRF cookie and session outside the count
    with count_queries() as counter:
        page = await client.get("/search", params={"q": query})
    assert page.status_code == 200
    return counter.count


async def test_the_query_count_of_a_page_is_constant(client: httpx.AsyncClient) -> None:
    shops = [await streamer(n, f"Rug Weaver {n}") for n in range(3)]
    rooms = [await room_in(shop, f"Rug market {n}") for n, shop in enumerate(shops)]
    for n in range(2):
        await make_product(shops[n], f"Wool rug {n}", 9000, room_id=rooms[n].id)
    few = await _counted(client, "rug")
    for n in range(2, 20):
        await make_product(shops[n % 3], f"Wool rug {n}", 9000 + n, room_id=rooms[n % 3].id)
    many = await _counted(client, "rug")

    assert few == many <= MAX_QUERIES
