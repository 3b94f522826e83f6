"""Profiles follow behaviour: tags, decay, price band, active hours, RFM, merge on sign-in,
interests, personalisation off, and the recommender's cold start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app.errors import UserError
from app.profiles import services as profiles
from app.profiles.models import Profile, ProfileTag
from app.recs import service as recs
from tests.commerce.helpers import make_user
from tests.profiles.helpers import make_shop, updater, watch_and_buy
from tests.support import STRONG_PASSWORD, csrf

T0 = datetime(2026, 3, 2, 20, 15, tzinfo=UTC)


async def test_watching_and_buying_sneakers_makes_sneakers_the_first_tag(app: object) -> None:
    shop = await make_shop()
    ada = await make_user("ada@example.com", "Ada")
    await watch_and_buy(ada.id, shop.sneaker_room, shop.sneakers, T0)
    assert await updater().flush() == 1

    view = await profiles.my_profile(ada, at=T0 + timedelta(hours=1))
    assert view.top("topic")[0].key == "sneakers"
    assert view.top("category")[0].key == "fashion"
    assert view.top("streamer")[0].label == "Kicks"
    assert view.price_band == "50_100"
    assert view.active_hours[0] == 20
    assert (view.orders, view.spent_cents) == (1, 16_000)
    assert view.recency_days == 0


async def test_decay_moves_the_tag_after_they_switch(app: object) -> None:
    shop = await make_shop()
    ada = await make_user("ada@example.com", "Ada")
    await watch_and_buy(ada.id, shop.sneaker_room, shop.sneakers, T0)
    await updater().flush()
    later = T0 + timedelta(days=45)
    # Less activity on mugs than on sneakers, but six weeks newer: decay lets it win.
    await watch_and_buy(ada.id, shop.mug_room, shop.mugs[:1], later)
    await updater().flush()

    view = await profiles.my_profile(ada, at=later)
    topics = [t.key for t in view.top("topic")]
    assert topics[0] == "mugs"
    assert "sneakers" in topics  # still there, weaker
    assert view.top("category")[0].key == "home"
    assert view.price_band == "under_20"
    assert view.orders == 2
    sneakers = next(t for t in view.top("topic") if t.key == "sneakers")
    then = await profiles.my_profile(ada, at=T0)
    before = next(t for t in then.top("topic") if t.key == "sneakers")
    assert sneakers.weight < before.weight / 8  # three half-lives and more


async def test_updates_are_incremental_not_a_recompute(app: object) -> None:
    shop = await make_shop()
    ada = await make_user("ada@example.com", "Ada")
    await watch_and_buy(ada.id, shop.sneaker_room, shop.sneakers, T0)
    await updater().flush()
    tag = await ProfileTag.get(dimension="topic", key="sneakers")
    first, since = tag.weight, tag.updated_at
    # One more click an hour later adds its weight to the stored (decayed) one.
    from app import signals

    at = T0 + timedelta(hours=1)
    await signals.emit(
        "product.clicked", product_id=shop.sneakers[0].id, user_id=ada.id, room_id=None, at=at
    )
    assert updater().pending() == 1
    await updater().flush()
    await tag.refresh_from_db()
    hours = (at - since).total_seconds() / 3600
    assert tag.weight == pytest.approx(first * 0.5 ** (hours / (14 * 24)) + 1.0)
    assert updater().pending() == 0


async def test_an_anonymous_browser_profile_merges_at_sign_in(
    app: object, client: httpx.AsyncClient
) -> None:
    shop = await make_shop()
    await make_user("ada@example.com", "Ada")
    token = await csrf(client)
    browser = f"browser:{token[:16]}"
    await watch_and_buy(None, shop.sneaker_room, [], datetime.now(UTC), viewer_key=browser)
    await updater().flush()
    anon = await Profile.get(subject=browser)
    assert anon.user_id is None

    response = await client.post(
        "/login",
        data={"email": "ada@example.com", "password": STRONG_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 303
    assert not await Profile.filter(subject=browser).exists()
    ada = await profiles.my_profile(await _user("ada@example.com"))
    assert ada.top("category")[0].key == "fashion"
    assert ada.top("topic")[0].key == "sneakers"


async def _user(email: str) -> object:
    from app.accounts.models import User

    return await User.get(email=email)


async def test_interests_are_checked_and_saved(app: object) -> None:
    ada = await make_user("ada@example.com", "Ada")
    view = await profiles.update_interests(ada, ["Fashion", "games", "fashion"])
    assert view.interests == ["fashion", "games"]
    with pytest.raises(UserError) as bad:
        await profiles.update_interests(ada, ["fashion", "spaceships"])
    assert bad.value.code == "INVALID_INTEREST"
    assert (await profiles.my_profile(ada)).interests == ["fashion", "games"]


async def test_a_learned_tag_can_be_removed(app: object) -> None:
    shop = await make_shop()
    ada = await make_user("ada@example.com", "Ada")
    await watch_and_buy(ada.id, shop.sneaker_room, shop.sneakers, datetime.now(UTC))
    await updater().flush()
    view = await profiles.remove_tag(ada, "topic", "sneakers")
    assert "sneakers" not in [t.key for t in view.top("topic")]
    with pytest.raises(UserError) as missing:
        await profiles.remove_tag(ada, "topic", "sneakers")
    assert missing.value.code == "NOT_FOUND"
    with pytest.raises(UserError):
        await profiles.remove_tag(ada, "shoe size", "42")


async def test_cold_start_recommends_from_chosen_interests_and_personalisation_off_stops_it(
    app: object,
) -> None:
    shop = await make_shop()
    ada = await make_user("ada@example.com", "Ada")
    await profiles.update_interests(ada, ["home"])
    first = await recs.recommended_products(ada, 2)
    assert {p.id for p in first} == {p.id for p in shop.mugs}
    assert await profiles.interest_categories(ada.id) == ["home"]
    assert await profiles.price_band_match(ada.id, 1500) == 0.0  # nothing bought yet

    await profiles.set_personalisation(ada, False)
    assert not await profiles.personalisation_enabled(ada.id)
    assert await profiles.interest_categories(ada.id) == []
    plain = await recs.recommended_products(ada, 4)
    nobody = await recs.recommended_products(None, 4)
    assert [p.id for p in plain] == [p.id for p in nobody]


async def test_price_band_match_reads_the_profile(app: object) -> None:
    shop = await make_shop()
    ada = await make_user("ada@example.com", "Ada")
    await watch_and_buy(ada.id, shop.sneaker_room, shop.sneakers, datetime.now(UTC))
    await updater().flush()
    assert await profiles.price_band_match(ada.id, 7_500) == pytest.approx(1.0)
    assert await profiles.price_band_match(ada.id, 1_500) == 0.0
    assert await profiles.price_band_match(None, 1_500) == 0.0
