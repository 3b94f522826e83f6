"""Who sees what: the dashboard (owner, admins), the platform view and fraud pages
(moderators, admins), over pages and GraphQL; the live dashboard refreshes itself."""

from __future__ import annotations

from datetime import timedelta

import httpx

from app.accounts.models import Role, User
from app.analytics.models import FlagStatus, FraudFlag, MinuteBucket
from app.analytics.recorder import Recorder, minute_of
from app.analytics.stats import start_of_day
from app.api.ids import encode_id
from app.signals import now
from tests.analytics.traffic import World, address, normal_traffic, shop
from tests.support import csrf, op, register


async def _login(client: httpx.AsyncClient, email: str, role: Role) -> User:
    await register(client, email, email.split("@")[0].title())
    await User.filter(email=email).update(role=role)
    return await User.get(email=email)


async def test_the_dashboard_is_for_the_owner_and_admins(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, recorder: Recorder
) -> None:
    owner = await _login(client, "owner@example.com", Role.STREAMER)
    here = await shop("Owner's room")
    from app.rooms.models import Room

    await Room.filter(id=here.room.id).update(owner_id=owner.id)
    url = f"/studio/rooms/{here.room.id}/stats"
    anonymous = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    async with anonymous:
        response = await anonymous.get(url)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    page = await client.get(url)
    assert page.status_code == 200 and 'id="stats-dashboard"' in page.text
    assert 'hx-trigger="every 5s"' in page.text  # live: refreshes itself
    part = await client.get(url + "?partial=1", headers={"HX-Request": "true"})
    assert part.status_code == 200 and part.text.lstrip().startswith('<div id="stats-dashboard"')
    assert (await client.get(f"{url}.csv")).status_code == 200
    assert (await client.get("/studio/rooms/999999/stats")).status_code == 404

    await _login(other_client, "rival@example.com", Role.STREAMER)
    assert (await other_client.get(url)).status_code == 403
    assert (await other_client.get(f"{url}.csv")).status_code == 403
    denied = await op(
        other_client, "analytics", "RoomStats", {"roomId": encode_id("Room", here.room.id)}
    )
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await User.filter(email="rival@example.com").update(role=Role.ADMIN)
    assert (await other_client.get(url)).status_code == 200
    allowed = await op(
        other_client,
        "analytics",
        "RoomStats",
        {"roomId": encode_id("Room", here.room.id), "interval": "HOUR"},
    )
    assert allowed["data"]["roomStats"]["interval"] == "HOUR"
    assert len(allowed["data"]["roomStats"]["series"]) == 24


async def test_the_platform_view(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, recorder: Recorder
) -> None:
    world: World = await normal_traffic(recorder)
    await _login(client, "mod@example.com", Role.MODERATOR)
    await _login(other_client, "viewer@example.com", Role.VIEWER)
    assert (await other_client.get("/admin/platform")).status_code == 403
    denied = await op(other_client, "analytics", "PlatformStats")
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    data = (await op(client, "analytics", "PlatformStats"))["data"]["platformStats"]
    assert data["liveRoomCount"] == 2
    assert data["gmvToday"] == [{"currency": "USD", "cents": 12 * 2500, "orders": 12}]
    # The first room's quiet minutes end an hour before the traffic (see traffic.history);
    # a half-hour margin keeps the traffic out of them even when the minute turns meanwhile.
    history = await MinuteBucket.filter(
        room_id=world.shops[0].room.id,
        minute__gte=start_of_day(),
        minute__lt=minute_of(now()) - timedelta(minutes=30),
    ).values_list("gmv_cents", flat=True)
    assert {r["title"]: r["gmvCents"] for r in data["topRooms"]} == {
        "Morning market": 6 * 2500 + sum(history),
        "Evening deals": 6 * 2500,
    }
    assert data["topProducts"][0]["units"] == 6 and data["topProducts"][0]["orders"] == 6
    page = await client.get("/admin/platform")
    assert page.status_code == 200
    for text in ("Morning market", "Evening deals", "300.00", "Silk scarf"):
        assert text in page.text
    assert len(world.orders) == 12


async def test_fraud_pages_scan_and_decide(client: httpx.AsyncClient, recorder: Recorder) -> None:
    world = await normal_traffic(recorder)
    same = {"line1": "5 Cedar Lane", "city": "Oak", "postal_code": "55555"}
    for buyer in world.viewers[:3]:
        await world.buy(buyer, world.shops[0], ship={**address(buyer.id), **same}, pay=False)
    await _login(client, "mod@example.com", Role.MODERATOR)
    token = await csrf(client)
    scanned = await client.post("/admin/fraud/scan", data={"csrf_token": token})
    assert scanned.status_code == 200 and "1 open flag(s)" in scanned.text
    assert 'data-kind="shared_address"' in scanned.text and "5 Cedar Lane" in scanned.text
    flag = await FraudFlag.get()
    refused = await client.post(
        f"/admin/fraud/{flag.id}/decide",
        data={"csrf_token": token, "decision": "dismissed", "action": "freeze_wallet"},
    )
    assert refused.status_code == 422 and "only a confirmed flag" in refused.text
    decided = await client.post(
        f"/admin/fraud/{flag.id}/decide",
        data={"csrf_token": token, "decision": "confirmed", "action": "freeze_wallet"},
    )
    assert decided.status_code == 200 and f"Flag {flag.id} confirmed" in decided.text
    assert (await FraudFlag.get(id=flag.id)).status == FlagStatus.CONFIRMED
    no_csrf = await client.post(f"/admin/fraud/{flag.id}/decide", data={"decision": "dismissed"})
    assert no_csrf.status_code == 403
    assert (
        await client.post(
            "/admin/fraud/999999/decide", data={"csrf_token": token, "decision": "dismissed"}
        )
    ).status_code == 404
