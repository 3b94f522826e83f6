"""Gift and wallet operations over GraphQL (graphql/operations/gifts.graphql)."""

from __future__ import annotations

import httpx

from app.api.ids import encode_id
from app.gifts import services, wallet
from app.gifts.models import GiftSend
from tests.gifts.helpers import assert_ledger_sound, fund, live_room, viewer_and_room
from tests.support import gql, op

CARD = "4242 4242 4242 4242"


async def test_catalog_packs_and_anonymous_wallet(client: httpx.AsyncClient) -> None:
    await services.ensure_default_gifts()
    catalog = (await op(client, "gifts", "GiftCatalog"))["data"]["gifts"]
    assert catalog["totalCount"] == 4
    assert [(g["name"], g["coins"]) for g in catalog["nodes"]] == [
        ("Heart", 1),
        ("Rose", 5),
        ("Rocket", 100),
        ("Castle", 500),
    ]
    gift_id = catalog["nodes"][2]["id"]
    node_query = "query($id: ID!) { node(id: $id) { ... on Gift { name } } }"
    node = await gql(client, node_query, {"id": gift_id})
    assert node["data"]["node"] == {"name": "Rocket"}
    packs = (await op(client, "gifts", "CoinPacks"))["data"]["coinPacks"]
    assert [p["coins"] for p in packs] == [60, 300, 980, 1980]
    assert packs[0]["priceCents"] == 99 and packs[0]["currency"] == "USD"
    assert (await op(client, "gifts", "Wallet"))["data"]["wallet"] is None
    anonymous = await op(
        client,
        "gifts",
        "TopUpCoins",
        {"packId": packs[0]["id"], "cardNumber": CARD, "idempotencyKey": "a"},
    )
    assert anonymous["data"]["topUpCoins"]["errors"][0]["code"] == "UNAUTHENTICATED"


async def test_top_up_then_send_gift_round_trip(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    viewer, streamer, room, catalog = await viewer_and_room(client, other_client)
    pack = encode_id("CoinPack", "coins-300")
    top = await op(
        client,
        "gifts",
        "TopUpCoins",
        {"packId": pack, "cardNumber": CARD, "idempotencyKey": "t-1"},
    )
    payload = top["data"]["topUpCoins"]
    assert payload["errors"] == [] and payload["replayed"] is False
    assert payload["topUp"]["coins"] == 300 and payload["topUp"]["cardLast4"] == "4242"
    assert payload["topUp"]["pack"] == {"id": pack, "coins": 300}
    assert payload["wallet"]["balance"] == 300
    retry = await op(
        client,
        "gifts",
        "TopUpCoins",
        {"packId": pack, "cardNumber": CARD, "idempotencyKey": "t-1"},
    )
    assert retry["data"]["topUpCoins"]["replayed"] is True
    assert retry["data"]["topUpCoins"]["wallet"]["balance"] == 300

    variables = {
        "roomId": encode_id("Room", room.id),
        "giftId": encode_id("Gift", catalog["Rocket"].id),
        "quantity": 2,
        "idempotencyKey": "g-1",
    }
    sent = (await op(client, "gifts", "SendGift", variables))["data"]["sendGift"]
    assert sent["errors"] == [] and sent["replayed"] is False
    assert sent["giftSend"]["coins"] == 200 and sent["giftSend"]["quantity"] == 2
    assert sent["giftSend"]["gift"]["name"] == "Rocket"
    assert sent["giftSend"]["sender"]["displayName"] == "Leo"
    assert sent["giftSend"]["room"]["id"] == variables["roomId"]
    assert sent["wallet"]["balance"] == 100
    again = (await op(client, "gifts", "SendGift", variables))["data"]["sendGift"]
    assert again["replayed"] is True and again["giftSend"]["id"] == sent["giftSend"]["id"]
    assert again["wallet"]["balance"] == 100
    assert await wallet.balance_of(streamer.id) == 200

    mismatch = await op(client, "gifts", "SendGift", {**variables, "quantity": 1})
    assert mismatch["data"]["sendGift"]["errors"] == [
        {
            "code": "IDEMPOTENCY_MISMATCH",
            "field": "idempotencyKey",
            "message": "this idempotency key was already used for a different request",
        }
    ]
    poor = await op(client, "gifts", "SendGift", {**variables, "idempotencyKey": "g-2"})
    assert poor["data"]["sendGift"]["giftSend"] is None
    assert poor["data"]["sendGift"]["errors"][0]["code"] == "INSUFFICIENT_COINS"
    assert poor["data"]["sendGift"]["errors"][0]["field"] == "coins"

    ledger = (await op(client, "gifts", "Wallet", {"first": 1}))["data"]["wallet"]
    assert ledger["balance"] == 100
    assert ledger["entries"]["totalCount"] == 2
    assert ledger["entries"]["pageInfo"]["hasNextPage"] is True
    newest = ledger["entries"]["nodes"][0]
    assert (newest["delta"], newest["balanceAfter"], newest["kind"]) == (-200, 100, "GIFT_SENT")
    older = await op(
        client, "gifts", "Wallet", {"first": 5, "after": ledger["entries"]["pageInfo"]["endCursor"]}
    )
    assert [e["kind"] for e in older["data"]["wallet"]["entries"]["nodes"]] == ["TOPUP"]
    # A ledger entry is visible to its owner only.
    entry_query = "query($id: ID!) { nodes(ids: [$id]) { ... on LedgerEntry { delta } } }"
    assert (await gql(client, entry_query, {"id": newest["id"]}))["data"]["nodes"] == [
        {"delta": -200}
    ]
    assert (await gql(other_client, entry_query, {"id": newest["id"]}))["data"]["nodes"] == [None]

    board = await op(client, "gifts", "GiftLeaderboard", {"roomId": variables["roomId"]})
    leo = {"id": encode_id("User", viewer.id), "displayName": "Leo"}
    assert board["data"]["giftLeaderboard"] == [{"rank": 1, "coins": 200, "user": leo}]
    await assert_ledger_sound()


async def test_send_gift_typed_errors(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    viewer, streamer, room, catalog = await viewer_and_room(client, other_client)
    await fund(viewer, 1000)
    await fund(streamer, 1000)
    base = {
        "roomId": encode_id("Room", room.id),
        "giftId": encode_id("Gift", catalog["Rose"].id),
        "quantity": 1,
        "idempotencyKey": "k",
    }

    async def error(c: httpx.AsyncClient, **change: object) -> tuple[str, str | None]:
        result = await op(c, "gifts", "SendGift", {**base, **change})
        found = result["data"]["sendGift"]["errors"][0]
        return found["code"], found["field"]

    assert await error(client, quantity=0) == ("INVALID_QUANTITY", "quantity")
    assert await error(client, quantity=100) == ("INVALID_QUANTITY", "quantity")
    assert await error(client, giftId=base["roomId"]) == ("INVALID_ID", "giftId")
    assert await error(client, giftId=encode_id("Gift", 999)) == ("NOT_FOUND", "giftId")
    assert await error(client, roomId=encode_id("Room", 999)) == ("NOT_FOUND", "roomId")
    assert await error(other_client, roomId=base["roomId"]) == ("OWN_ROOM", "roomId")
    ended = await live_room(streamer)
    from app.rooms.models import Room, RoomStatus

    await Room.filter(id=ended.id).update(status=RoomStatus.ENDED)
    assert await error(client, roomId=encode_id("Room", ended.id)) == ("ROOM_NOT_LIVE", "roomId")
    await wallet.set_frozen(viewer.id)
    assert await error(client) == ("WALLET_FROZEN", None)
    frozen = (await op(client, "gifts", "Wallet"))["data"]["wallet"]
    assert frozen["frozen"] is True and frozen["balance"] == 1000
    assert await GiftSend.all().count() == 0
    bad_pack = await op(
        client,
        "gifts",
        "TopUpCoins",
        {"packId": encode_id("CoinPack", "nope"), "cardNumber": CARD, "idempotencyKey": "x"},
    )
    assert bad_pack["data"]["topUpCoins"]["errors"][0]["code"] == "NOT_FOUND"
    await wallet.set_frozen(viewer.id, False)
    declined = await op(
        client,
        "gifts",
        "TopUpCoins",
        {
            "packId": encode_id("CoinPack", "coins-60"),
            "cardNumber": "4000 0000 0000 0002",
            "idempotencyKey": "x",
        },
    )
    assert declined["data"]["topUpCoins"]["errors"][0]["code"] == "PAYMENT_DECLINED"
    assert declined["data"]["topUpCoins"]["errors"][0]["field"] == "cardNumber"
    assert await wallet.balance_of(viewer.id) == 1000


async def test_read_only_token_cannot_spend(client: httpx.AsyncClient, other_client) -> None:  # type: ignore[no-untyped-def]
    viewer, _streamer, room, catalog = await viewer_and_room(client, other_client)
    await fund(viewer, 100)
    created = await op(client, "accounts", "CreateApiToken", {"name": "reader", "scope": "READ"})
    token = created["data"]["createApiToken"]["secret"]
    readable = await op(other_client, "gifts", "Wallet", token=token)
    assert readable["data"]["wallet"]["balance"] == 100
    result = await op(
        other_client,
        "gifts",
        "SendGift",
        {
            "roomId": encode_id("Room", room.id),
            "giftId": encode_id("Gift", catalog["Rose"].id),
            "idempotencyKey": "t",
        },
        token=token,
    )
    assert result["data"]["sendGift"]["errors"][0]["code"] == "FORBIDDEN"
    assert await wallet.balance_of(viewer.id) == 100
