"""The search service on the test database (SQLite by default; LIVEMART_TEST_DB=postgres for
PostgreSQL): typos, ranking, filters, Chinese text, index sync and bad input."""

from __future__ import annotations

import pytest

from app.commerce import catalog, shelf
from app.commerce.models import Product
from app.commerce.orders import OrderLine, create_order
from app.errors import UserError
from app.rooms import services as rooms
from app.search import service
from app.search.query import ResultKind, make_filters
from tests.commerce.helpers import ADDRESS, make_product, make_user
from tests.search.helpers import ended_room, room_in, streamer, titles

pytestmark = pytest.mark.usefixtures("app")


async def test_a_typo_finds_the_word() -> None:
    shop = await streamer(1, "Shoe Shop")
    await make_product(shop, "White canvas sneakers", 5900)
    await make_product(shop, "Poker cards", 900)

    page = await service.search("sneker")

    assert titles(page.hits) == ["White canvas sneakers"]
    assert page.hits[0].kind is ResultKind.PRODUCT


async def test_live_rooms_rank_above_ended_rooms_of_equal_relevance() -> None:
    ended = await ended_room(await streamer(1), "Vintage denim hour")
    live = await room_in(await streamer(2), "Vintage denim hour")

    page = await service.search("vintage denim", make_filters(kinds=[ResultKind.ROOM]))

    assert [h.room.id for h in page.hits if h.room] == [live.id, ended.id]
    assert page.hits[0].live and not page.hits[1].live


async def test_text_relevance_comes_before_live() -> None:
    await ended_room(await streamer(1), "Denim jackets")
    await room_in(await streamer(2), "Denims jackets")  # a longer form: less relevant

    page = await service.search("denim", make_filters(kinds=[ResultKind.ROOM]))

    assert titles(page.hits) == ["Denim jackets", "Denims jackets"]
    assert page.hits[0].relevance > page.hits[1].relevance


async def test_popularity_then_interest_break_ties() -> None:
    shop_a, shop_b = await streamer(1, "Alpha"), await streamer(2, "Beta")
    popular, _ = await make_product(shop_a, "Green tea", 500)
    other, _ = await make_product(shop_b, "Green tea", 500)
    await Product.filter(id=popular.id).update(sold_count=40)

    anonymous = await service.search("green tea")
    assert [h.product.id for h in anonymous.hits if h.product] == [popular.id, other.id]

    fan = await make_user("fan@example.com", "Fan")
    await rooms.follow(fan, shop_b.id)
    signed_in = await service.search("green tea", viewer=fan)
    assert [h.product.id for h in signed_in.hits if h.product] == [other.id, popular.id]
    assert signed_in.hits[0].interest


async def test_streamers_are_found_by_name_and_viewers_are_not() -> None:
    await streamer(1, "Luna Makeup")
    await make_user("viewer@example.com", "Luna Fan")

    page = await service.search("luna")

    assert [(h.kind, h.title) for h in page.hits] == [(ResultKind.STREAMER, "Luna Makeup")]


async def test_category_filter() -> None:
    shop = await streamer(1, "Glow Studio")
    beauty = await room_in(shop, "Glow live", "beauty")
    await room_in(await streamer(2, "Glow Outlet"), "Glow sale", "fashion")
    await make_product(shop, "Glow serum", 2500, room_id=beauty.id)
    await make_product(shop, "Glow lamp", 2500)  # in no room: no category

    page = await service.search("glow", make_filters(category="Beauty"))

    assert sorted(titles(page.hits)) == ["Glow Studio", "Glow live", "Glow serum"]


async def test_price_range_filter_keeps_products_in_range() -> None:
    shop = await streamer(1, "Teapot Corner")
    for cents in (500, 1500, 2500):
        await make_product(shop, f"Teapot {cents}", cents)

    page = await service.search("teapot", make_filters(min_price_cents=1000, max_price_cents=2500))

    assert sorted(titles(page.hits)) == ["Teapot 1500", "Teapot 2500"]


async def test_in_stock_filter() -> None:
    shop = await streamer(1)
    await make_product(shop, "Wool hat", 900, stock=3)
    await make_product(shop, "Wool scarf", 900, stock=0)

    everything = await service.search("wool")
    stocked = await service.search("wool", make_filters(in_stock=True))

    assert sorted(titles(everything.hits)) == ["Wool hat", "Wool scarf"]
    assert titles(stocked.hits) == ["Wool hat"]


async def test_live_only_filter() -> None:
    live_shop, idle_shop = await streamer(1, "Kite Live"), await streamer(2, "Kite Idle")
    live = await room_in(live_shop, "Kite festival")
    await ended_room(idle_shop, "Kite workshop")
    await make_product(live_shop, "Kite red", 1200, room_id=live.id)
    await make_product(idle_shop, "Kite blue", 1200)

    page = await service.search("kite", make_filters(live_only=True))

    assert sorted(titles(page.hits)) == ["Kite Live", "Kite festival", "Kite red"]


async def test_chinese_text_matches_by_substring() -> None:
    shop = await streamer(1)
    await make_product(shop, "红色运动鞋", 8800)
    await make_product(shop, "蓝色连衣裙", 9900)

    for query in ("运动鞋", "运动", "红色"):
        assert titles((await service.search(query)).hits) == ["红色运动鞋"], query


async def test_results_follow_a_product_rename() -> None:
    shop = await streamer(1)
    product, _ = await make_product(shop, "Bamboo toothbrush", 300)
    assert titles((await service.search("bamboo")).hits) == ["Bamboo toothbrush"]

    await catalog.update_product(shop, product.id, title="Charcoal toothbrush")

    assert (await service.search("bamboo")).hits == []
    assert titles((await service.search("charcoal")).hits) == ["Charcoal toothbrush"]


async def test_archived_products_are_not_found() -> None:
    shop = await streamer(1)
    product, _ = await make_product(shop, "Paper lantern", 300)
    await catalog.update_product(shop, product.id, status="archived")

    assert (await service.search("lantern")).hits == []


async def test_pages_cut_the_ranked_results() -> None:
    shop = await streamer(1)
    for n in range(5):
        await make_product(shop, f"Candle {n}", 100 + n)

    first = await service.search("candle", first=2)
    rest = await service.search("candle", first=10, start=2)

    assert first.total == rest.total == 5
    assert len(first.hits) == 2 and len(rest.hits) == 3
    assert not set(titles(first.hits)) & set(titles(rest.hits))


@pytest.mark.parametrize(
    ("query", "code"), [("", "EMPTY_QUERY"), ("   ", "EMPTY_QUERY"), ("x" * 101, "QUERY_TOO_LONG")]
)
async def test_bad_queries_are_user_errors(query: str, code: str) -> None:
    with pytest.raises(UserError) as caught:
        await service.search(query)
    assert caught.value.code == code and caught.value.field == "query"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"min_price_cents": -1}, "min_price_cents"),
        ({"min_price_cents": 500, "max_price_cents": 100}, "min_price_cents"),
        ({"category": "c" * 41}, "category"),
        ({"kinds": []}, "kinds"),
    ],
)
def test_bad_filters_are_user_errors(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(UserError) as caught:
        make_filters(**kwargs)  # type: ignore[arg-type]
    assert caught.value.code == "INVALID_FILTER" and caught.value.field == field


async def test_what_the_viewer_bought_from_counts_as_interest() -> None:
    shop_a, shop_b = await streamer(1, "Alpha"), await streamer(2, "Beta")
    await make_product(shop_a, "Oat milk", 300)
    bought, variant = await make_product(shop_b, "Oat milk", 300)
    buyer = await make_user("buyer@example.com", "Buyer")
    await create_order(buyer, [OrderLine(variant.id, 1)], shipping=ADDRESS, idempotency_key="o1")

    page = await service.search("oat milk", viewer=buyer)

    assert page.hits[0].product is not None and page.hits[0].product.id == bought.id


@pytest.mark.parametrize("query", ['"', "a*", "(x", "NOT", "-b", "c:d", "e'f", "%", "_", "\\"])
async def test_query_syntax_characters_are_plain_text(query: str) -> None:
    shop = await streamer(1)
    await make_product(shop, "Plain kettle", 1000)

    page = await service.search(query)

    assert "Plain kettle" not in titles(page.hits)


async def test_like_wildcards_match_only_themselves() -> None:
    shop = await streamer(1)
    await make_product(shop, "100% cotton tee", 1000)
    await make_product(shop, "Cotton buds", 1000)

    assert titles((await service.search("0%")).hits) == ["100% cotton tee"]


async def test_full_width_and_case_are_folded() -> None:
    shop = await streamer(1)
    await make_product(shop, "Retro TV stand", 1000)

    assert titles((await service.search("ＴＶ stand")).hits) == ["Retro TV stand"]


async def test_a_product_on_a_live_rooms_shelf_is_live() -> None:
    shop = await streamer(1)
    room = await room_in(shop, "Evening show", "home")
    shown, _ = await make_product(shop, "Linen pillow", 2000)  # in no room of its own
    await make_product(shop, "Linen sheet", 2000)
    await shelf.add_to_shelf(shop, room.id, shown.id)

    live = await service.search("linen", make_filters(live_only=True))
    in_home = await service.search("linen", make_filters(category="home"))

    assert titles(live.hits) == titles(in_home.hits) == ["Linen pillow"]
    assert live.hits[0].linked_room is not None and live.hits[0].linked_room.id == room.id
