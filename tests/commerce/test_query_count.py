"""No N+1: a page of 50 products with their variants, images, merchants and rooms costs a
fixed, small number of SQL queries (DataLoaders batch each kind of object)."""

from __future__ import annotations

import httpx

from app.commerce.models import ProductImage
from app.querycount import count_queries
from tests.commerce.helpers import live_room, make_merchant, make_product
from tests.support import csrf, op

MAX_QUERIES = 6  # count, page, variants, users, rooms, images


async def _catalog(products: int) -> None:
    merchants = [await make_merchant(f"m{i}@example.com", f"Merchant {i}") for i in range(5)]
    rooms = [await live_room(m, f"Room {i}") for i, m in enumerate(merchants)]
    for n in range(products):
        merchant = merchants[n % 5]
        product, _ = await make_product(
            merchant, f"Product {n}", 100 + n, 5, sku=f"P{n}-A", room_id=rooms[n % 5].id
        )
        from app.commerce import catalog

        await catalog.add_variant(merchant, product.id, f"P{n}-B", 200 + n, stock=1)
        await ProductImage.create(
            product_id=product.id,
            path=f"p/{n}.webp",
            thumb_path=f"p/{n}_t.webp",
            width=10,
            height=10,
            format="webp",
        )


async def _page(client: httpx.AsyncClient, first: int) -> tuple[int, list[str]]:
    await csrf(client)  # fetch the CSRF cookie outside the counted request
    with count_queries() as counter:
        data = await op(client, "commerce", "Products", {"first": first})
    assert "errors" not in data, data
    edges = data["data"]["products"]["edges"]
    assert len(edges) == first
    for edge in edges:
        node = edge["node"]
        assert len(node["variants"]) == 2 and len(node["images"]) == 1
        assert node["merchant"]["displayName"].startswith("Merchant")
        assert node["room"]["title"].startswith("Room")
    return counter.count, counter.statements


async def test_a_page_of_50_products_costs_a_bounded_number_of_queries(
    client: httpx.AsyncClient,
) -> None:
    await _catalog(60)
    small, _ = await _page(client, 5)
    count, statements = await _page(client, 50)
    assert count <= MAX_QUERIES, "\n".join(statements)
    assert count == small  # independent of the page size
