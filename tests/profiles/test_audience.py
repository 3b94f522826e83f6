"""The audience view: new vs returning, interest mix, price bands, top spenders, followers
gained, per session and per room; every segment under 5 people is withheld."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app import signals
from app.accounts.models import User
from app.analytics.recorder import get_recorder
from app.api.ids import encode_id
from app.attribution.recorder import VisitHit, record_visit
from app.attribution.recorder import get_recorder as get_attribution
from app.commerce import cart
from app.commerce.models import Variant
from app.commerce.ordering.payment import pay_with_coins
from app.errors import UserError
from app.profiles import audience
from app.profiles.audience import MIN_SEGMENT, Audience, segments
from app.rooms import services as rooms
from app.rooms.models import LiveSession
from tests.commerce.helpers import ADDRESS, fund, make_user
from tests.profiles.helpers import Shop, make_shop, shopped, updater
from tests.support import op, register


def test_segments_under_five_are_withheld_and_pooled() -> None:
    from collections import Counter

    found = segments(Counter({"fashion": 7, "home": 3, "games": 2, "food": 1}))
    assert [(s.key, s.count) for s in found] == [
        ("fashion", 7),
        ("home", None),
        ("games", None),
        ("food", None),
        ("other", 6),
    ]
    assert [(s.key, s.count) for s in segments(Counter({"a": 4}))] == [("a", None)]


def _shown_counts(a: Audience) -> list[int]:
    groups = (a.new_vs_returning, a.interests, a.price_bands, a.sources)
    return [s.count for group in groups for s in group if s.count is not None]


async def _viewers(shop: Shop, n: int, prefix: str) -> list[User]:
    return [await make_user(f"{prefix}{i}@example.com", f"{prefix} {i}") for i in range(n)]


async def _join(room_id: int, users: list[User]) -> None:
    for user in users:
        await signals.emit(
            "room.joined", room_id=room_id, user_id=user.id, viewer_key=f"user:{user.id}"
        )
    await get_recorder().flush()


async def _buy(shop: Shop, user: User, n: int) -> None:
    variant = await Variant.get(product_id=shop.sneakers[0].id)
    await fund(user, 100_000)
    order = await cart.buy_now(
        user,
        variant.id,
        n,
        shipping=ADDRESS,
        idempotency_key=f"o-{user.id}",
        room_id=shop.sneaker_room.id,
    )
    await pay_with_coins(user, order.id, f"p-{user.id}")


async def test_a_sessions_audience_shows_only_groups_of_five_or_more(app: object) -> None:
    shop = await make_shop()
    room = shop.sneaker_room
    # An earlier live of the streamer: two viewers who will come back.
    early = await _viewers(shop, 2, "early")
    await rooms.open_room(shop.merchant, shop.mug_room.id)
    await _join(shop.mug_room.id, early)
    for user in early:  # watched it a while: mugs are what they came for
        await signals.emit(
            "room.watched",
            room_id=shop.mug_room.id,
            user_id=user.id,
            viewer_key=f"user:{user.id}",
            started_at=datetime.now(UTC) - timedelta(minutes=30),
            ended_at=datetime.now(UTC),
        )
    await rooms.end_room(shop.merchant, shop.mug_room.id)

    await rooms.open_room(shop.merchant, room.id)
    session = await LiveSession.filter(room_id=room.id).order_by("-id").first()
    assert session is not None
    fans = await _viewers(shop, 7, "fan")  # sneaker people
    cooks = await _viewers(shop, 2, "cook")  # mug people
    yesterday = datetime.now(UTC) - timedelta(days=1)
    for user in fans:
        await shopped(user, shop.sneakers, yesterday)
    for user in cooks:
        await shopped(user, shop.mugs, yesterday)
    await updater().flush()
    await _join(room.id, [*early, *fans, *cooks])
    for i, user in enumerate(fans[:6]):
        await _buy(shop, user, 1 + i % 2)
    for user in cooks[:2]:
        await rooms.follow(user, shop.merchant.id)
    for i, user in enumerate([*fans, *cooks]):  # five came from search, four from the home feed
        source = "search" if i < 5 else "home"
        hit = VisitHit(
            f"user:{user.id}", datetime.now(UTC), room_id=room.id, user_id=user.id, src=source
        )
        await record_visit(hit)
    attribution = get_attribution()
    assert attribution is not None
    await attribution.flush()

    seen = await audience.audience(shop.merchant, room.id, session.id)
    assert seen.viewers == 11 and seen.signed_in == 11
    assert {s.key: s.count for s in seen.new_vs_returning} == {"new": 9, "returning": None}
    interests = {s.key: s.count for s in seen.interests}
    assert interests["fashion"] == 7
    assert interests["home"] is None  # two cooks and the two from the mug live: withheld
    assert {s.key: s.count for s in seen.price_bands} == {"50_100": 7, "under_20": None}
    assert seen.spenders.buyers == 6
    assert seen.spenders.top_count == 5
    assert seen.spenders.gmv_cents > seen.spenders.top_cents > 0  # type: ignore[operator]
    assert seen.followers_gained == 2
    assert {s.key: s.count for s in seen.sources} == {"search": 5, "home": None}
    assert all(n >= MIN_SEGMENT for n in _shown_counts(seen))
    assert seen.hidden_segments == 4

    whole = await audience.audience(shop.merchant, room.id)  # every session, last 30 days
    assert whole.viewers == 11
    assert {s.key: s.count for s in whole.new_vs_returning} == {"new": 11, "returning": None}


async def test_only_the_owner_sees_the_audience(app: object, client: httpx.AsyncClient) -> None:
    shop = await make_shop()
    someone = await make_user("nosy@example.com", "Nosy")
    with pytest.raises(UserError) as denied:
        await audience.audience(someone, shop.sneaker_room.id)
    assert denied.value.code == "FORBIDDEN"
    with pytest.raises(UserError):
        await audience.audience(shop.merchant, shop.sneaker_room.id, session_id=999)

    await register(client, "other@example.com", "Other")
    refused = await op(
        client, "profiles", "RoomAudience", {"roomId": encode_id("Room", shop.sneaker_room.id)}
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
