"""The GraphQL side, through the documented operations: share links, visits from apps,
a room's sources for its owner only, a sharer's numbers, raids with typed errors."""

from __future__ import annotations

import httpx

from app.accounts.models import Role, User
from app.api.ids import encode_id
from app.attribution.recorder import AttributionRecorder
from app.rooms import services as rooms
from tests.commerce.helpers import live_room
from tests.support import op, register


async def login(client: httpx.AsyncClient, email: str, role: Role = Role.VIEWER) -> User:
    await register(client, email, email.split("@")[0].title())
    await User.filter(email=email).update(role=role)
    return await User.get(email=email)


async def test_share_visit_sources_and_raid_over_graphql(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, recorder: AttributionRecorder
) -> None:
    owner = await login(client, "owner@example.com", Role.STREAMER)
    room = await live_room(owner, "Mine")
    room_id = encode_id("Room", room.id)
    fan = await login(other_client, "fan@example.com")
    made = (await op(other_client, "attribution", "CreateShareLink", {"roomId": room_id}))["data"]
    link = made["createShareLink"]["shareLink"]
    assert made["createShareLink"]["errors"] == []
    assert link["url"] == f"http://testserver/s/{link['code']}" and link["roomId"] == room_id
    neither = await op(other_client, "attribution", "CreateShareLink", {})
    assert neither["data"]["createShareLink"]["errors"][0]["code"] == "INVALID_TARGET"

    visit = await op(
        other_client, "attribution", "RecordVisit", {"roomId": room_id, "source": "search"}
    )
    assert visit["data"]["recordVisit"] == {"recorded": True, "errors": []}
    bad = await op(other_client, "attribution", "RecordVisit", {"roomId": room_id, "source": "tv"})
    assert bad["data"]["recordVisit"]["errors"][0]["code"] == "INVALID_SOURCE"
    await op(
        other_client, "attribution", "RecordVisit", {"roomId": room_id, "shareCode": link["code"]}
    )
    await recorder.flush()

    mine = await op(client, "attribution", "RoomTrafficSources", {"roomId": room_id})
    rows = {r["source"]: r for r in mine["data"]["roomTrafficSources"]}
    assert rows["search"]["visits"] == 1 and rows["share"]["visits"] == 1
    denied = await op(other_client, "attribution", "RoomTrafficSources", {"roomId": room_id})
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    stats = (await op(other_client, "attribution", "MyShareStats"))["data"]["myShareStats"]
    assert stats["visitors"] == 1 and stats["links"][0]["link"]["code"] == link["code"]
    assert fan.id != owner.id

    await User.filter(id=fan.id).update(role=Role.STREAMER)  # the fan streams too
    other = await live_room(await User.get(id=fan.id), "Theirs")
    variables = {"fromRoomId": room_id, "toRoomId": encode_id("Room", other.id)}
    early = await op(client, "attribution", "RaidRoom", variables)
    assert early["data"]["raidRoom"]["errors"][0]["code"] == "NOT_ENDED"
    await rooms.end_room(owner, room.id)
    raided = (await op(client, "attribution", "RaidRoom", variables))["data"]["raidRoom"]
    assert raided["errors"] == [] and raided["raid"]["toRoomId"] == variables["toRoomId"]
