"""The catalog over GraphQL: merchants manage products and variants; anyone browses them
with filters and sorting."""

from __future__ import annotations

import httpx
import pytest

from app.accounts.models import Role
from app.api.ids import encode_id
from app.commerce import catalog
from app.commerce.models import Product, Variant
from app.errors import UserError
from tests.commerce.helpers import login_as, make_merchant, make_product
from tests.support import op


def _errors(payload: dict) -> list[str]:  # type: ignore[type-arg]
    return [e["code"] for e in payload["errors"]]


async def test_merchant_creates_product_with_variants(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    shop = await login_as(client, "shop@example.com", "Shop", Role.STREAMER)
    await login_as(other_client, "viewer@example.com", "Viewer")
    created = await op(
        client,
        "commerce",
        "CreateProduct",
        {"input": {"title": "  Silk   scarf ", "description": "Soft.", "currency": "eur"}},
    )
    payload = created["data"]["createProduct"]
    assert payload["errors"] == []
    product = payload["product"]
    assert (product["title"], product["currency"], product["status"]) == (
        "Silk scarf",
        "EUR",
        "ACTIVE",
    )
    assert product["merchant"]["displayName"] == "Shop" and product["inStock"] is False
    refused = await op(other_client, "commerce", "CreateProduct", {"input": {"title": "Nope"}})
    assert _errors(refused["data"]["createProduct"]) == ["FORBIDDEN"]

    variant_input = {
        "productId": product["id"],
        "sku": "SCARF-RED-M",
        "priceCents": 2500,
        "stock": 4,
        "options": [{"name": "colour", "value": "red"}, {"name": "size", "value": "M"}],
    }
    added = (await op(client, "commerce", "AddVariant", {"input": variant_input}))["data"][
        "addVariant"
    ]
    assert added["errors"] == []
    variant = added["variant"]
    assert variant["options"] == [
        {"name": "colour", "value": "red"},
        {"name": "size", "value": "M"},
    ]
    assert (variant["priceCents"], variant["currency"], variant["stock"]) == (2500, "EUR", 4)
    duplicate = await op(client, "commerce", "AddVariant", {"input": variant_input})
    assert _errors(duplicate["data"]["addVariant"]) == ["SKU_TAKEN"]
    cheaper = {**variant_input, "sku": "SCARF-RED-S", "priceCents": 1999, "stock": 0}
    assert (await op(client, "commerce", "AddVariant", {"input": cheaper}))["data"]["addVariant"][
        "errors"
    ] == []
    bad = {**variant_input, "sku": "bad sku!", "priceCents": 0}
    assert _errors(
        (await op(client, "commerce", "AddVariant", {"input": bad}))["data"]["addVariant"]
    ) == ["INVALID_SKU"]
    stolen = await op(
        other_client, "commerce", "AddVariant", {"input": {**variant_input, "sku": "Z"}}
    )
    assert _errors(stolen["data"]["addVariant"]) == ["FORBIDDEN"]

    # Another merchant may reuse the SKU: it is unique per merchant.
    other_shop = await make_merchant("other@example.com", "Other")
    other_product = await catalog.create_product(other_shop, "Other scarf")
    await catalog.add_variant(other_shop, other_product.id, "SCARF-RED-M", 100)

    shown = (await op(other_client, "commerce", "Product", {"id": product["id"]}))["data"][
        "product"
    ]
    assert shown["priceCents"] == 1999 and shown["inStock"] is True
    assert [v["sku"] for v in shown["variants"]] == ["SCARF-RED-M", "SCARF-RED-S"]
    assert await Variant.filter(merchant_id=shop.id).count() == 2


async def test_stock_and_variant_updates(client: httpx.AsyncClient) -> None:
    shop = await login_as(client, "shop@example.com", "Shop", Role.STREAMER)
    product, variant = await make_product(shop, stock=5, price_cents=1000)
    vid = encode_id("Variant", variant.id)

    async def stock(**args: int) -> dict:  # type: ignore[type-arg]
        return (await op(client, "commerce", "UpdateStock", {"variantId": vid, **args}))["data"][
            "updateStock"
        ]

    assert (await stock(delta=-3))["variant"]["stock"] == 2
    assert _errors(await stock(delta=-3)) == ["INVALID_STOCK"]
    assert (await stock(stock=40))["variant"]["stock"] == 40
    assert _errors(await stock(stock=-1)) == ["INVALID_STOCK"]
    assert (await Variant.get(id=variant.id)).stock == 40
    updated = await op(
        client,
        "commerce",
        "UpdateVariant",
        {
            "input": {
                "variantId": vid,
                "priceCents": 700,
                "options": [{"name": "size", "value": "L"}],
            }
        },
    )
    assert updated["data"]["updateVariant"]["variant"]["priceCents"] == 700
    assert (await Product.get(id=product.id)).price_cents == 700
    hidden = await op(
        client,
        "commerce",
        "UpdateProduct",
        {"input": {"productId": encode_id("Product", product.id), "status": "DRAFT"}},
    )
    assert hidden["data"]["updateProduct"]["product"]["status"] == "DRAFT"


async def test_products_filters_and_sorting(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    shop = await make_merchant()
    other = await make_merchant("other@example.com", "Other")
    from tests.commerce.helpers import live_room

    room = await live_room(shop)
    await make_product(shop, "Red silk scarf", 2500, 3, room_id=room.id)
    hat, _ = await make_product(shop, "Straw hat", 1200, 0)
    mug, _ = await make_product(other, "Tea mug", 800, 9, sku="MUG")
    await make_product(other, "Desk lamp", 4000, 1, sku="LAMP")
    draft = await catalog.create_product(shop, "Secret draft", status="draft")
    await Product.filter(id=mug.id).update(sold_count=50)
    await Product.filter(id=hat.id).update(sold_count=10)

    async def titles(filter: dict | None = None, sort: str = "NEWEST", who=client) -> list[str]:  # type: ignore[type-arg,no-untyped-def]
        data = await op(who, "commerce", "Products", {"filter": filter, "sort": sort, "first": 50})
        assert "errors" not in data, data
        return [e["node"]["title"] for e in data["data"]["products"]["edges"]]

    assert await titles() == ["Desk lamp", "Tea mug", "Straw hat", "Red silk scarf"]
    assert await titles(sort="PRICE_ASC") == ["Tea mug", "Straw hat", "Red silk scarf", "Desk lamp"]
    assert await titles(sort="PRICE_DESC") == [
        "Desk lamp",
        "Red silk scarf",
        "Straw hat",
        "Tea mug",
    ]
    assert (await titles(sort="POPULARITY"))[:2] == ["Tea mug", "Straw hat"]
    assert await titles({"merchantId": encode_id("User", shop.id)}) == [
        "Straw hat",
        "Red silk scarf",
    ]
    assert await titles({"roomId": encode_id("Room", room.id)}) == ["Red silk scarf"]
    from app.commerce import shelf

    await shelf.add_to_shelf(shop, room.id, hat.id)  # shown in the room: listed there too
    assert await titles({"roomId": encode_id("Room", room.id)}) == ["Straw hat", "Red silk scarf"]
    assert await titles({"search": "SILK"}) == ["Red silk scarf"]
    assert await titles({"minPriceCents": 1000, "maxPriceCents": 3000}, "PRICE_ASC") == [
        "Straw hat",
        "Red silk scarf",
    ]
    assert await titles({"inStock": True}, "PRICE_ASC") == [
        "Tea mug",
        "Red silk scarf",
        "Desk lamp",
    ]
    assert await titles({"inStock": False}) == ["Straw hat"]
    # The merchant sees their own draft when listing their own products.
    await login_as(other_client, "viewer@example.com", "Viewer")
    assert "Secret draft" not in await titles({"merchantId": encode_id("User", shop.id)})
    assert (await op(client, "commerce", "Product", {"id": encode_id("Product", draft.id)}))[
        "data"
    ]["product"] is None
    bad = await op(
        client, "commerce", "Products", {"filter": {"minPriceCents": 5, "maxPriceCents": 1}}
    )
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_PRICE_RANGE"
    page = await op(client, "commerce", "Products", {"first": 2})
    conn = page["data"]["products"]
    assert conn["totalCount"] == 4 and conn["pageInfo"]["hasNextPage"] is True
    rest = await op(
        client, "commerce", "Products", {"first": 2, "after": conn["pageInfo"]["endCursor"]}
    )
    assert [e["node"]["title"] for e in rest["data"]["products"]["edges"]] == [
        "Straw hat",
        "Red silk scarf",
    ]


@pytest.mark.usefixtures("app")
async def test_catalog_rules() -> None:
    shop = await make_merchant()
    other = await make_merchant("other@example.com", "Other")
    product, variant = await make_product(shop)
    cases = [
        (lambda: catalog.create_product(shop, "x"), "INVALID_TITLE"),
        (lambda: catalog.create_product(shop, "Thing", currency="DOGE"), "INVALID_CURRENCY"),
        (lambda: catalog.add_variant(shop, product.id, "A-1", 10**9), "INVALID_PRICE"),
        (lambda: catalog.add_variant(shop, product.id, "A-1", 100, stock=-1), "INVALID_STOCK"),
        (
            lambda: catalog.add_variant(shop, product.id, "A-1", 100, options={"": "x"}),
            "INVALID_OPTIONS",
        ),
        (lambda: catalog.add_variant(other, product.id, "A-1", 100), "FORBIDDEN"),
        (lambda: catalog.update_stock(other, variant.id, stock=1), "FORBIDDEN"),
        (lambda: catalog.update_product(shop, 999_999, title="Nope"), "NOT_FOUND"),
    ]
    for action, code in cases:
        with pytest.raises(UserError) as err:
            await action()
        assert err.value.code == code
    assert await Variant.filter(product_id=product.id).count() == 1
