"""The profile pages over HTTP: sign-up interests, /account/profile (edit, personalisation,
export, delete) and the streamer's audience page."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx

from app.accounts.models import User
from app.profiles import services as profiles
from app.profiles.models import Profile
from tests.profiles.helpers import make_shop, updater, watch_and_buy
from tests.support import STRONG_PASSWORD, csrf


async def _sign_up(client: httpx.AsyncClient, email: str, interests: list[str]) -> httpx.Response:
    data = {
        "email": email,
        "display_name": "Ada",
        "password": STRONG_PASSWORD,
        "csrf_token": await csrf(client),
        "interests": interests,
    }
    return await client.post("/register", data=data)


async def test_sign_up_with_interests(client: httpx.AsyncClient) -> None:
    page = await client.get("/register")
    assert 'name="interests" value="fashion"' in page.text
    bad = await _sign_up(client, "ada@example.com", ["fashion", "dragons"])
    assert bad.status_code == 422
    assert "choose among" in bad.text
    assert not await User.filter(email="ada@example.com").exists()  # nothing changed

    ok = await _sign_up(client, "ada@example.com", ["fashion", "games"])
    assert ok.status_code == 303
    ada = await User.get(email="ada@example.com")
    assert (await profiles.my_profile(ada)).interests == ["fashion", "games"]


async def test_profile_page_edit_personalise_export_delete(client: httpx.AsyncClient) -> None:
    assert (await client.get("/account/profile")).status_code == 303  # log in first
    shop = await make_shop()
    await _sign_up(client, "ada@example.com", [])
    ada = await User.get(email="ada@example.com")
    await watch_and_buy(ada.id, shop.sneaker_room, shop.sneakers, datetime.now(UTC))
    await updater().flush()
    token = await csrf(client)

    page = await client.get("/account/profile")
    assert page.status_code == 200
    assert "Why you see what you see" in page.text and "sneakers" in page.text

    forget = {"action": "remove_tag", "dimension": "topic", "key": "sneakers", "csrf_token": token}
    assert (await client.post("/account/profile", data=forget)).status_code == 200
    again = await client.post("/account/profile", data=forget)
    assert again.status_code == 422 and "no such tag" in again.text

    off = {"action": "personalise", "enabled": "off", "csrf_token": token}
    assert "Personalisation is off" in (await client.post("/account/profile", data=off)).text
    assert not await profiles.personalisation_enabled(ada.id)

    export = await client.get("/account/profile/export.json")
    assert export.headers["content-disposition"].startswith("attachment")
    tables = json.loads(export.text)["tables"]
    assert tables["users"][0]["email"] == "ada@example.com" and tables["orders"] == []

    wrong = {
        "action": "delete_account",
        "password": "nope",
        "confirm": "DELETE",
        "csrf_token": token,
    }
    assert (await client.post("/account/profile", data=wrong)).status_code == 422
    unconfirmed = {**wrong, "password": STRONG_PASSWORD, "confirm": "yes"}
    assert (await client.post("/account/profile", data=unconfirmed)).status_code == 422
    assert await User.filter(email="ada@example.com").exists()
    done = await client.post("/account/profile", data={**unconfirmed, "confirm": "DELETE"})
    assert done.status_code == 303
    assert not await User.filter(email="ada@example.com").exists()
    assert not await Profile.filter(user_id=ada.id).exists()


async def test_audience_page_is_the_owners(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    shop = await make_shop()
    path = f"/studio/rooms/{shop.sneaker_room.id}/audience"
    assert (await client.get(path)).status_code == 303
    await _sign_up(client, "nosy@example.com", [])
    assert (await client.get(path)).status_code == 403

    await other_client.post(
        "/login",
        data={
            "email": "kicks@example.com",
            "password": STRONG_PASSWORD,
            "csrf_token": await csrf(other_client),
        },
    )
    page = await other_client.get(path)
    assert page.status_code == 200
    assert "fewer than 5 people is not shown" in page.text
    assert (await other_client.get(path + "?session=424242")).status_code == 404
