"""The experiments admin page and the console's coupon advisor panel, over HTTP."""

from __future__ import annotations

import httpx

from app.accounts.models import Role
from app.experiments.models import Experiment, ExperimentStatus
from tests.commerce.helpers import live_room, login_as
from tests.support import csrf


async def test_moderator_creates_starts_reads_and_stops_an_experiment(
    client: httpx.AsyncClient,
) -> None:
    await login_as(client, "mod@example.com", "Moddy", Role.MODERATOR)
    page = await client.get("/admin/experiments")
    assert page.status_code == 200 and "No experiments yet" in page.text
    token = await csrf(client)
    bad = await client.post(
        "/admin/experiments",
        data={
            "csrf_token": token,
            "key": "x y",
            "name": "N",
            "kind": "recs",
            "variants": "a = model\nb = predicted",
            "sample_size": "100",
        },
    )
    assert bad.status_code == 422 and "lowercase" in bad.text
    assert await Experiment.all().count() == 0
    made = await client.post(
        "/admin/experiments",
        data={
            "csrf_token": token,
            "key": "rerank",
            "name": "Re-rank",
            "kind": "recs",
            "variants": "control = model\ntreatment = predicted",
            "sample_size": "100",
        },
    )
    assert made.status_code == 303
    url = made.headers["location"].split("?")[0]
    detail = await client.get(url)
    assert "Not enough data yet" in detail.text and "control" in detail.text
    started = await client.post(url + "/start", data={"csrf_token": token})
    assert started.status_code == 303
    again = await client.post(url + "/start", data={"csrf_token": token})
    assert again.status_code == 422 and "only a draft" in again.text
    await client.post(url + "/stop", data={"csrf_token": token})
    assert (await Experiment.get(key="rerank")).status == ExperimentStatus.STOPPED


async def test_viewers_are_turned_away(client: httpx.AsyncClient) -> None:
    assert (await client.get("/admin/experiments")).status_code == 303
    await login_as(client, "v@example.com", "Viewer")
    assert (await client.get("/admin/experiments")).status_code == 403


async def test_the_console_shows_the_advisor_and_starts_a_coupon_experiment(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    shop = await login_as(client, "shop@example.com", "Shop", Role.STREAMER)
    room = await live_room(shop)
    console = await client.get(f"/studio/rooms/{room.id}/shelf")
    assert f"/studio/rooms/{room.id}/advisor" in console.text
    panel = await client.get(f"/studio/rooms/{room.id}/advisor")
    assert panel.status_code == 200
    assert "no coupon drops" in panel.text and 'data-percent="10"' in panel.text
    assert "Pin a product" in panel.text
    started = await client.post(
        f"/studio/rooms/{room.id}/advisor/experiment", data={"csrf_token": await csrf(client)}
    )
    assert started.status_code == 303
    running = await Experiment.get(owner_id=shop.id)
    assert running.status == ExperimentStatus.RUNNING and running.kind == "coupon"
    assert (
        "Coupon experiment running" in (await client.get(f"/studio/rooms/{room.id}/advisor")).text
    )
    await login_as(other_client, "nosy@example.com", "Nosy", Role.STREAMER)
    assert (await other_client.get(f"/studio/rooms/{room.id}/advisor")).status_code == 403
