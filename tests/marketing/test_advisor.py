"""The coupon strategy advisor, with and without a streamer's own history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.analytics.models import ViewerVisit
from app.commerce.models import Coupon, CouponKind
from app.marketing import advisor
from tests.commerce.helpers import live_room, make_merchant

pytestmark = pytest.mark.usefixtures("app")


async def _past_drop(shop, room, percent: int, viewers: int, claims: int, code: str) -> None:  # type: ignore[no-untyped-def]
    at = datetime.now(UTC) - timedelta(days=1)
    await Coupon.create(
        merchant_id=shop.id,
        code=code,
        kind=CouponKind.PERCENT,
        amount=percent,
        drop_room_id=room.id,
        drop_limit=max(claims, 1),
        claimed_count=claims,
        dropped_at=at,
        drop_ends_at=at + timedelta(minutes=10),
    )
    for i in range(viewers):
        await ViewerVisit.create(
            room_id=room.id,
            session_id=int(code[-1]) if code[-1].isdigit() else 0,
            viewer_key=f"anon:{code}-{i}",
            first_seen=at - timedelta(minutes=5),
            last_seen=at + timedelta(minutes=5),
        )


async def test_without_history_it_says_so_and_suggests_an_experiment() -> None:
    shop = await make_merchant()
    advice = await advisor.advise(shop)
    assert not advice.has_history and advice.suggest_experiment
    assert "no coupon drops" in advice.message
    assert [o.percent for o in advice.options] == list(advisor.CANDIDATES)
    assert advice.best in advice.options
    for o in advice.options:
        assert o.claim_low <= o.claim_rate <= o.claim_high
        assert o.cost > 0 and o.own.viewers == 0 and o.shrinkage == 1.0
    assert [v["value"] for v in advisor.experiment_variants()] == list(advisor.CANDIDATES)


async def test_history_is_shrunk_toward_the_platform_when_thin() -> None:
    other = await make_merchant("big@example.com", "Big shop")
    other_room = await live_room(other, "Big room")
    # the platform: 10% drops claimed by 10% of viewers
    await _past_drop(other, other_room, 10, 200, 20, "BIG1")
    thin = await make_merchant("thin@example.com", "Thin shop")
    thin_room = await live_room(thin, "Thin room")
    await _past_drop(thin, thin_room, 10, 5, 4, "THIN1")  # 80% of 5 viewers claimed
    thin_advice = await advisor.advise(thin)
    thick = await make_merchant("thick@example.com", "Thick shop")
    thick_room = await live_room(thick, "Thick room")
    await _past_drop(thick, thick_room, 10, 300, 240, "THICK1")  # 80% of 300
    thick_advice = await advisor.advise(thick)
    assert thin_advice.has_history and thick_advice.has_history
    thin10 = next(o for o in thin_advice.options if o.percent == 10)
    thick10 = next(o for o in thick_advice.options if o.percent == 10)
    assert thin10.own.viewers == 5 and thin10.own.claims == 4
    assert 0.1 < thin10.claim_rate < 0.4  # pulled toward the platform's 10%
    assert thick10.claim_rate > 0.7  # its own evidence dominates
    assert thin10.shrinkage > 0.7 > thick10.shrinkage
    assert thin10.claim_high - thin10.claim_low > thick10.claim_high - thick10.claim_low
