"""No N+1 in lists outside the catalog: the SQL a request runs does not grow with the list
(rooms with their owners and ``isFollowingOwner``, gift sends with their gift, room and
sender, flash sales with ``viewerBought``). The domain loaders (``app/api/*/loaders.py``)
batch each kind of object."""

from __future__ import annotations

import httpx
import pytest

from app.accounts.models import Role, User
from app.api.ids import encode_id
from app.commerce import flash_sales
from app.gifts import services as gifts
from app.querycount import count_queries
from app.rooms import services as rooms
from tests.commerce.helpers import live_room, login_as, make_product, make_user
from tests.gifts.helpers import fund
from tests.support import csrf, gql

pytestmark = pytest.mark.usefixtures("app")

ROOMS = """query($first: Int!) {
  rooms(first: $first) { edges { node { title isFollowingOwner owner { displayName } } } }
}"""

GIFT_SENDS = """query($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on GiftSend { quantity gift { name } room { title } sender { displayName } }
  }
}"""

FLASH_SALES = """query($roomId: ID!, $first: Int!) {
  flashSales(roomId: $roomId, includeEnded: true, first: $first) {
    edges { node { viewerBought product { title } variant { sku } room { title } } }
  }
}"""


async def _counted(
    client: httpx.AsyncClient, query: str, variables: dict[str, object]
) -> tuple[int, dict[str, object]]:
    await csrf(client)  # the CSRF cookie is fetched outside the counted request
    with count_queries() as counter:
        data = await gql(client, query, variables)
    assert "errors" not in data, data
    return counter.count, data["data"]


async def _streamers(count: int) -> list[User]:
    return [
        await make_user(f"s{i}@example.com", f"Streamer {i}", Role.STREAMER) for i in range(count)
    ]


async def test_rooms_with_owners_and_follows_cost_the_same_for_3_and_12(
    client: httpx.AsyncClient,
) -> None:
    viewer = await login_as(client, "viewer@example.com", "Viewer")
    for i, streamer in enumerate(await _streamers(12)):
        await live_room(streamer, f"Room {i}")
        if i % 2 == 0:
            await rooms.follow(viewer, streamer.id)
    small, _ = await _counted(client, ROOMS, {"first": 3})
    large, data = await _counted(client, ROOMS, {"first": 12})
    nodes = [edge["node"] for edge in data["rooms"]["edges"]]  # type: ignore[index]
    assert len(nodes) == 12 and sum(n["isFollowingOwner"] for n in nodes) == 6
    assert all(n["owner"]["displayName"].startswith("Streamer") for n in nodes)
    assert large == small


async def test_gift_sends_with_gift_room_and_sender_cost_the_same_for_2_and_8(
    client: httpx.AsyncClient,
) -> None:
    viewer = await login_as(client, "viewer@example.com", "Viewer")
    await fund(viewer, 100_000)
    catalog = await gifts.ensure_default_gifts()
    sends = []
    for i, streamer in enumerate(await _streamers(8)):
        room = await live_room(streamer, f"Room {i}")
        gift = catalog[i % len(catalog)]
        sent = await gifts.send_gift(viewer, room.id, gift.id, 1, f"key-{i}")
        sends.append(encode_id("GiftSend", sent.gift_send.id))
    small, _ = await _counted(client, GIFT_SENDS, {"ids": sends[:2]})
    large, data = await _counted(client, GIFT_SENDS, {"ids": sends})
    nodes = data["nodes"]  # type: ignore[index]
    assert len(nodes) == 8 and all(n["gift"]["name"] and n["room"]["title"] for n in nodes)
    assert {n["sender"]["displayName"] for n in nodes} == {"Viewer"}
    assert large == small


async def test_flash_sales_with_viewer_bought_cost_the_same_for_2_and_6(
    client: httpx.AsyncClient,
) -> None:
    await login_as(client, "viewer@example.com", "Viewer")
    (seller,) = await _streamers(1)
    room = await live_room(seller, "Sale room")
    for i in range(6):
        _, variant = await make_product(seller, f"Thing {i}", 1000, 10, room_id=room.id)
        sale = await flash_sales.start_flash_sale(seller, room.id, variant.id, 500, 2)
        await flash_sales.end_flash_sale(seller, sale.id)
    variables = {"roomId": encode_id("Room", room.id)}
    small, _ = await _counted(client, FLASH_SALES, {**variables, "first": 2})
    large, data = await _counted(client, FLASH_SALES, {**variables, "first": 6})
    nodes = [edge["node"] for edge in data["flashSales"]["edges"]]  # type: ignore[index]
    assert len(nodes) == 6 and all(n["viewerBought"] == 0 for n in nodes)
    assert all(n["product"]["title"].startswith("Thing") for n in nodes)
    assert large == small
