"""The documented profile operations: viewer.profile, updateInterests, exportMyData,
deleteMyAccount, with their typed errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx

from app.accounts.models import User
from tests.profiles.helpers import make_shop, updater, watch_and_buy
from tests.support import STRONG_PASSWORD, op, register


async def test_viewer_profile_interests_export_and_delete(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    shop = await make_shop()
    await register(client, "ada@example.com", "Ada")
    ada = await User.get(email="ada@example.com")
    await watch_and_buy(ada.id, shop.sneaker_room, shop.sneakers, datetime.now(UTC))
    await updater().flush()

    mine = (await op(client, "profiles", "MyProfile"))["data"]["viewer"]["profile"]
    assert mine["topics"][0]["key"] == "sneakers"
    assert mine["priceBand"] == "50_100"
    assert mine["orders"] == 1

    bad = await op(client, "profiles", "UpdateInterests", {"interests": ["moon rocks"]})
    assert bad["data"]["updateInterests"]["errors"][0]["code"] == "INVALID_INTEREST"
    good = await op(client, "profiles", "UpdateInterests", {"interests": ["games", "home"]})
    assert good["data"]["updateInterests"]["profile"]["interests"] == ["games", "home"]

    off = await op(client, "profiles", "SetPersonalisation", {"enabled": False})
    assert off["data"]["setPersonalisation"]["profile"] == {"personalise": False}

    anonymous = await op(other_client, "profiles", "ExportMyData")
    assert anonymous["data"]["exportMyData"]["errors"][0]["code"] == "UNAUTHENTICATED"
    exported = await op(client, "profiles", "ExportMyData")
    tables = json.loads(exported["data"]["exportMyData"]["json"])["tables"]
    assert tables["users"][0]["email"] == "ada@example.com"
    assert tables["profiles"][0]["interests"] == ["games", "home"]

    wrong = await op(client, "profiles", "DeleteMyAccount", {"password": "nope"})
    assert wrong["data"]["deleteMyAccount"]["errors"][0]["code"] == "WRONG_PASSWORD"
    done = await op(client, "profiles", "DeleteMyAccount", {"password": STRONG_PASSWORD})
    assert done["data"]["deleteMyAccount"] == {"deleted": True, "errors": []}
    assert (await op(client, "profiles", "MyProfile"))["data"]["viewer"] is None
    assert not await User.filter(email="ada@example.com").exists()


async def test_nobody_else_sees_a_profile(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    await register(client, "ada@example.com", "Ada")
    assert (await op(other_client, "profiles", "MyProfile"))["data"]["viewer"] is None


async def test_graphql_login_merges_the_browsers_anonymous_profile(
    client: httpx.AsyncClient,
) -> None:
    from app.profiles.models import Profile
    from tests.commerce.helpers import make_user
    from tests.support import csrf, gql

    shop = await make_shop()
    await make_user("ada@example.com", "Ada")
    browser = f"browser:{(await csrf(client))[:16]}"
    await watch_and_buy(None, shop.mug_room, [], datetime.now(UTC), viewer_key=browser)
    await updater().flush()
    login = (
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { errors { code } } }"
    )
    done = await gql(client, login, {"e": "ada@example.com", "p": STRONG_PASSWORD})
    assert done["data"]["login"]["errors"] == []
    assert not await Profile.filter(subject=browser).exists()
    mine = (await op(client, "profiles", "MyProfile"))["data"]["viewer"]["profile"]
    assert mine["categories"][0]["key"] == "home"
