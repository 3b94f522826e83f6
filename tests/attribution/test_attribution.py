"""Attribution end to end through the services: share links, visits by source, the claim
of an anonymous browser's visits at sign-up, follows and paid orders credited to the visit
that led to them, the sharer's numbers and the invite reward with its abuse refusals."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from app import signals
from app.accounts.models import LoginAttempt, Role, User
from app.attribution import links, reports
from app.attribution.models import AttributedOrder, Referral, RewardStatus, Visit
from app.attribution.recorder import AttributionRecorder, VisitHit, record_visit
from app.commerce import cart, orders
from app.commerce.models import Coupon
from app.errors import UserError
from app.rooms import services as rooms
from app.rooms.models import Room
from tests.commerce.helpers import fund, live_room, make_merchant, make_product, make_user

HOST = "shop.example"
_keys = itertools.count(1)


def hit(room: Room | int, key: str, **kw: object) -> VisitHit:
    room_id = room if isinstance(room, int) else room.id
    return VisitHit(viewer_key=key, at=signals.now(), room_id=room_id, host=HOST, **kw)  # type: ignore[arg-type]


async def buy(user: User, variant_id: int, room: Room, ship: str = "") -> int:
    order = await cart.buy_now(
        user,
        variant_id,
        1,
        shipping={
            "name": user.display_name,
            "line1": ship or f"{user.id} Main Street",
            "city": "Town",
            "postal_code": "10001" if ship else f"{10000 + user.id}",
            "country": "US",
        },
        idempotency_key=f"k{next(_keys)}",
        room_id=room.id,
    )
    await fund(user, order.total_cents)
    await orders.pay_with_coins(user, order.id, f"p{next(_keys)}")
    return order.id


async def shop() -> tuple[User, Room, int]:
    owner = await make_merchant("owner@example.com", "Owner")
    room = await live_room(owner, "Silk live")
    _, variant = await make_product(owner, "Silk scarf", 2500, stock=50, room_id=room.id)
    return owner, room, variant.id


async def test_a_share_link_is_made_once_per_target_and_checks_its_input(app: object) -> None:
    _, room, _ = await shop()
    fan = await make_user("fan@example.com", "Fan")
    first = await links.share(fan, room_id=room.id)
    again = await links.share(fan, room_id=room.id)
    assert first.id == again.id and len(first.code) == links.CODE_LENGTH
    assert links.target_path(first) == f"/rooms/{room.id}?share={first.code}"
    assert (await links.by_code(first.code.upper())).id == first.id
    with pytest.raises(UserError) as no_target:
        await links.share(fan)
    assert no_target.value.code == "INVALID_TARGET"
    with pytest.raises(UserError) as both:
        await links.share(fan, room_id=room.id, product_id=1)
    assert both.value.code == "INVALID_TARGET"
    with pytest.raises(UserError) as missing:
        await links.share(fan, room_id=room.id + 999)
    assert missing.value.code == "NOT_FOUND"
    with pytest.raises(UserError) as anonymous:
        await links.share(None, room_id=room.id)
    assert anonymous.value.code == "UNAUTHENTICATED"
    for bad in ("", "x" * 40, "<script>", "nosuchcd"):
        with pytest.raises(UserError):
            await links.by_code(bad)


async def test_visits_are_counted_by_source_with_distinct_viewers_and_a_window(
    recorder: AttributionRecorder,
) -> None:
    owner, room, _ = await shop()
    start = signals.now()
    await record_visit(hit(room, "browser:a", referrer=f"http://{HOST}/"))
    await record_visit(hit(room, "browser:a", referrer=f"http://{HOST}/"))
    await record_visit(hit(room, "browser:b", src="home"))
    await record_visit(hit(room, "browser:c", referrer=f"http://{HOST}/search?q=silk"))
    await record_visit(hit(room, "browser:d", src="raid"))
    await record_visit(hit(room, "browser:e", src="follow_notification"))
    await record_visit(hit(room, "browser:f"))
    await record_visit(hit(room.id + 500, "browser:g"))  # no such room: dropped
    assert await Visit.all().count() == 0  # buffered, not written on the request
    await recorder.flush()
    rows = {r.source: r for r in await reports.by_source(room.id, start - timedelta(seconds=1))}
    assert (rows["home"].visits, rows["home"].viewers) == (3, 2)
    assert rows["search"].visits == 1 and rows["raid"].visits == 1
    assert rows["follow_notification"].visits == 1 and rows["direct"].visits == 1
    assert list(rows) == [s for s in ("home", "follow_notification", "search", "raid", "direct")]
    later = await reports.by_source(room.id, start + timedelta(hours=1))
    assert later == []
    with pytest.raises(UserError):
        await reports.room_traffic(await make_user("nosy@example.com"), room.id)
    assert await reports.room_traffic(owner, room.id) == list(rows.values())


async def test_a_shared_link_is_attributed_through_sign_up_follow_and_order(
    recorder: AttributionRecorder,
) -> None:
    owner, room, variant_id = await shop()
    sharer = await make_user("sharer@example.com", "Sharer")
    link = await links.share(sharer, room_id=room.id)
    other_room = await live_room(owner, "Other live")
    # an anonymous browser comes through the link (and a wrong-room use of the code)
    await record_visit(hit(room, "browser:newbie", share_code=link.code, ip="10.0.0.2"))
    await record_visit(hit(other_room, "browser:stray", share_code=link.code))
    await recorder.flush()
    assert await Visit.filter(share_link_id=link.id).count() == 1
    # it signs up, and comes back to the room signed in (no share code any more)
    invitee = await make_user("invitee@example.com", "Invitee")
    await record_visit(
        hit(room, "browser:newbie", user_id=invitee.id, browser_key="browser:newbie", ip="10.0.0.2")
    )
    await recorder.flush()
    assert await Visit.filter(viewer_key="browser:newbie", user_id=invitee.id).count() == 2
    referral = await Referral.get(invitee_id=invitee.id)
    assert referral.sharer_id == sharer.id and referral.status == RewardStatus.PENDING
    # follows and buys: both credited to the share, not to the direct return
    await rooms.follow(invitee, owner.id)
    order_id = await buy(invitee, variant_id, room)
    await recorder.flush()
    attributed = await AttributedOrder.get(order_id=order_id)
    assert attributed.source == "share" and attributed.share_link_id == link.id
    rows = {r.source: r for r in await reports.by_source(room.id)}
    assert rows["share"].orders == 1 and rows["share"].gmv_cents == attributed.total_cents
    assert rows["share"].follows == 1 and rows["share"].visits == 1
    stats = await reports.sharer_stats(sharer)
    assert (stats.visitors, stats.signups, stats.orders) == (1, 1, 1)
    assert stats.gmv_cents == attributed.total_cents
    # the reward: a one-use coupon of the room's merchant for the sharer
    referral = await Referral.get(invitee_id=invitee.id)
    assert referral.status == RewardStatus.GRANTED, referral.reason
    coupon = await Coupon.get(id=referral.coupon_id)
    assert (coupon.merchant_id, coupon.amount, coupon.max_uses) == (owner.id, 500, 1)
    assert [r.id for r in stats.rewards] == [referral.id]
    # a second paid order changes nothing of the reward, and the same order is not re-counted
    await buy(invitee, variant_id, room)
    recorder.on_order_paid(order_id, invitee.id, room.id, 1, "USD", signals.now())
    await recorder.flush()
    assert await AttributedOrder.filter(order_id=order_id).count() == 1
    assert await Coupon.filter(merchant_id=owner.id).count() == 1


async def test_an_account_older_than_the_share_visit_is_no_invitation(
    recorder: AttributionRecorder,
) -> None:
    _, room, _ = await shop()
    sharer = await make_user("sharer@example.com", "Sharer")
    regular = await make_user("regular@example.com", "Regular")
    await User.filter(id=regular.id).update(created_at=signals.now() - timedelta(days=3))
    link = await links.share(sharer, room_id=room.id)
    await record_visit(hit(room, "browser:r", share_code=link.code))
    await record_visit(hit(room, "browser:r", user_id=regular.id, browser_key="browser:r"))
    await recorder.flush()
    assert not await Referral.exists(invitee_id=regular.id)
    assert await Visit.filter(user_id=regular.id).count() == 2


async def invited(
    recorder: AttributionRecorder, sharer: User, room: Room, email: str, key: str, ip: str
) -> User:
    link = await links.share(sharer, room_id=room.id)
    await record_visit(hit(room, key, share_code=link.code, ip=ip))
    await recorder.flush()
    invitee = await make_user(email, "Invitee")
    await record_visit(hit(room, key, user_id=invitee.id, browser_key=key, ip=ip))
    await recorder.flush()
    assert await Referral.exists(invitee_id=invitee.id)
    return invitee


@pytest.mark.parametrize("abuse", ["same_browser", "same_network", "same_login_ip", "address"])
async def test_the_fraud_rules_refuse_an_invite_reward_to_one_person_on_both_sides(
    recorder: AttributionRecorder, abuse: str
) -> None:
    _, room, variant_id = await shop()
    sharer = await make_user("sharer@example.com", "Sharer")
    key, ip = "browser:fresh", "10.9.9.9"
    if abuse == "same_browser":  # the sharer watched from the browser the invitee uses
        await record_visit(hit(room, key, user_id=sharer.id, ip="10.1.1.1"))
    elif abuse == "same_network":
        await record_visit(hit(room, "browser:sharer", user_id=sharer.id, ip=ip))
    elif abuse == "same_login_ip":
        await LoginAttempt.create(email=sharer.email, ip="10.7.7.7", success=True)
    await recorder.flush()
    invitee = await invited(recorder, sharer, room, "alt@example.com", key, ip)
    if abuse == "same_login_ip":
        await LoginAttempt.create(email=invitee.email, ip="10.7.7.7", success=True)
    if abuse == "address":
        await buy(sharer, variant_id, room, ship="1 Shared Road")
        await recorder.flush()
    await buy(invitee, variant_id, room, ship="1 Shared Road" if abuse == "address" else "")
    await recorder.flush()
    referral = await Referral.get(invitee_id=invitee.id)
    assert referral.status == RewardStatus.REFUSED
    assert referral.coupon_id is None and "same" in referral.reason
    assert not await Coupon.filter(code__startswith="INV").exists()
    # the order itself is still attributed to the share
    assert await AttributedOrder.filter(buyer_id=invitee.id, source="share").count() == 1


async def test_an_invite_reward_is_off_when_the_setting_is_zero(
    recorder: AttributionRecorder,
) -> None:
    _, room, variant_id = await shop()
    recorder.reward_cents = 0
    sharer = await make_user("sharer@example.com", "Sharer")
    invitee = await invited(recorder, sharer, room, "new@example.com", "browser:n", "10.2.2.2")
    await buy(invitee, variant_id, room)
    await recorder.flush()
    assert (await Referral.get(invitee_id=invitee.id)).status == RewardStatus.OFF


async def test_a_follow_without_a_visit_is_direct(recorder: AttributionRecorder) -> None:
    owner, room, _ = await shop()
    fan = await make_user("fan@example.com", "Fan")
    await rooms.follow(fan, owner.id)
    await recorder.flush()
    rows = await reports.by_source(room.id)
    assert rows == []  # not credited to any room
    streamer = await User.get(id=owner.id)
    assert streamer.role == Role.STREAMER
