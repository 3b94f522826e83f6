"""Recommendations on the pages: home, product ("More like this"), room panel, /for-you."""

from __future__ import annotations

import re

import httpx

from app.accounts.models import User
from app.recs.models import ItemType
from tests.recs.helpers import log_history, make_shop, make_stage, make_viewers, service
from tests.support import register


def _product_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-product-id="(\d+)"', html)]


async def test_home_shows_recommendations(client: httpx.AsyncClient) -> None:
    shop = await make_shop(per_aisle=4)
    stage = await make_stage(per_kind=2)
    kitchen = [p.id for p in shop.kitchen]
    fans = await make_viewers(10)
    await log_history(fans, ItemType.PRODUCT, kitchen, 3)
    await log_history(fans, ItemType.ROOM, [r.id for r in stage.cooking], 1)
    await service().train()

    anonymous = await client.get("/")
    assert "Trending now" in anonymous.text and 'data-testid="recs-home"' in anonymous.text
    assert set(_product_ids(anonymous.text)[:4]) == set(kitchen)

    await register(client, "hal@example.com", "Hal")
    await log_history([await User.get(email="hal@example.com")], ItemType.PRODUCT, kitchen, 2)
    home = await client.get("/")
    assert home.status_code == 200
    assert "Recommended for you" in home.text and "Rooms for you" in home.text
    shown = _product_ids(home.text)
    assert shown and len(shown) == len(set(shown))
    assert stage.cooking[0].title in home.text

    more = await client.get("/for-you")
    assert more.status_code == 200 and "For you" in more.text
    assert set(_product_ids(more.text)) == shop.ids("kitchen") | shop.ids("garden")


async def test_product_page_loads_more_like_this(client: httpx.AsyncClient) -> None:
    shop = await make_shop(per_aisle=4)
    kitchen = [p.id for p in shop.kitchen]
    fans = await make_viewers(10)
    await log_history(fans, ItemType.PRODUCT, kitchen, 3)
    await service().train()

    page = await client.get(f"/products/{kitchen[0]}")
    assert f'hx-get="/recs/products/{kitchen[0]}/similar"' in page.text
    fragment = await client.get(
        f"/recs/products/{kitchen[0]}/similar", headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200 and "More like this" in fragment.text
    similar = _product_ids(fragment.text)
    assert kitchen[0] not in similar and set(similar[:3]) == set(kitchen[1:])
    assert "<html" not in fragment.text, "a fragment, not a page"

    missing = await client.get("/recs/products/99999/similar", headers={"Accept": "text/html"})
    assert missing.status_code == 404


async def test_room_page_suggests_other_rooms(client: httpx.AsyncClient) -> None:
    stage = await make_stage(per_kind=2)
    fans = await make_viewers(6)
    await log_history(fans, ItemType.ROOM, [r.id for r in stage.cooking + stage.gardening], 2)
    await service().train()
    room = stage.cooking[0]
    page = await client.get(f"/rooms/{room.id}")
    assert page.status_code == 200
    assert "Rooms you may like" in page.text
    panel = page.text[page.text.index('data-testid="recs-room-panel"') :]
    linked = {int(i) for i in re.findall(r'href="/rooms/(\d+)"', panel)}
    assert linked == {r.id for r in stage.cooking + stage.gardening} - {room.id}
