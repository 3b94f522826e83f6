"""Each fraud pattern planted among normal traffic is flagged, with its evidence; normal
traffic alone raises nothing. Then moderators decide: freeze wallets, cancel orders."""

from __future__ import annotations

import httpx
import pytest

from app.accounts.models import LoginAttempt, Role, User
from app.analytics import fraud
from app.analytics.models import FlagKind, FlagStatus, FraudFlag, UserBurst
from app.analytics.recorder import Recorder
from app.chat.services import clear_rate_limit, post_message
from app.commerce.models import Order, OrderStatus
from app.errors import UserError
from app.gifts import services as gifts
from app.gifts.models import Wallet
from app.rooms import likes
from tests.analytics.conftest import Clock
from tests.analytics.traffic import World, address, new_user, normal_traffic, shop
from tests.commerce.helpers import fund
from tests.support import gql, register


@pytest.fixture
async def world(recorder: Recorder) -> World:
    return await normal_traffic(recorder)


async def kinds_found() -> dict[str, list[fraud.Finding]]:
    found: dict[str, list[fraud.Finding]] = {}
    for finding in await fraud.find():
        found.setdefault(finding.kind.value, []).append(finding)
    return found


async def test_normal_traffic_alone_raises_no_flag(world: World) -> None:
    assert len(world.orders) == 12
    assert await fraud.scan() == []
    assert await FraudFlag.all().count() == 0
    assert await UserBurst.all().count() == 0  # nobody liked or chatted past the floor


async def test_many_accounts_one_address(world: World) -> None:
    buyers = [await new_user("household", days=3) for _ in range(3)]
    spellings = ["7 Elm Street, Apt 2", "7 elm street apt 2", "7 ELM STREET APT. 2"]
    planted = [
        await world.buy(
            b,
            world.shops[1],
            ship={**address(b.id), "line1": line, "city": "Oak", "postal_code": "55555"},
            pay=False,
        )
        for b, line in zip(buyers, spellings, strict=True)
    ]
    found = await kinds_found()
    assert list(found) == ["shared_address"]
    (flag,) = found["shared_address"]
    assert flag.evidence["user_ids"] == sorted(b.id for b in buyers)
    assert flag.evidence["order_ids"] == sorted(planted)
    assert flag.evidence["accounts"] == 3 and flag.score == 3


async def test_many_buying_accounts_one_device(world: World, client: httpx.AsyncClient) -> None:
    login = (
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { errors { code } } }"
    )
    planted = []
    for n in range(3):
        email = f"farm{n}@example.com"
        await register(client, email, f"Farm {n}")
        assert not (await gql(client, login, {"e": email, "p": "correct-horse-42"}))["data"][
            "login"
        ]["errors"]
        user = await User.get(email=email)
        planted.append((user.id, await world.buy(user, world.shops[0], pay=False)))
    assert await LoginAttempt.filter(ip="127.0.0.1", success=True).count() == 3
    found = await kinds_found()
    assert list(found) == ["shared_device"]
    (flag,) = found["shared_device"]
    assert flag.subject == "ip:127.0.0.1"
    assert flag.evidence["user_ids"] == sorted(u for u, _ in planted)
    assert flag.evidence["order_ids"] == sorted(o for _, o in planted)


async def test_coins_going_round_a_ring(world: World) -> None:
    ring = [await shop(f"Ring room {n}") for n in range(3)]
    rocket = next(g for g in await gifts.list_gifts() if g.name == "Rocket")
    for n, member in enumerate(ring):
        await fund(member.owner, 200)
        target = ring[(n + 1) % 3]
        await gifts.send_gift(member.owner, target.room.id, rocket.id, 2, f"ring-{n}")
    found = await kinds_found()
    assert list(found) == ["gift_ring"]
    (flag,) = found["gift_ring"]
    members = sorted(s.owner.id for s in ring)
    assert flag.evidence["members"] == members == flag.evidence["user_ids"]
    assert flag.evidence["coins_inside"] == 600 and flag.evidence["share_inside"] == 1.0
    assert len(flag.evidence["transfers"]) == 3


async def test_like_burst_from_one_account(world: World, recorder: Recorder, clock: Clock) -> None:
    tapper = world.viewers[3]
    for _ in range(7):
        await likes.like(tapper, world.shops[1].room.id, 100)
    await recorder.flush()
    found = await kinds_found()
    assert list(found) == ["like_burst"]
    (flag,) = found["like_burst"]
    assert flag.evidence["user_ids"] == [tapper.id]
    assert flag.score in (700, 720)  # and the 20 of normal traffic when in the same minute


async def test_chat_burst_from_one_account(world: World, recorder: Recorder, clock: Clock) -> None:
    spammer = world.viewers[4]
    for n in range(16):
        await clear_rate_limit(spammer)  # in Redis too, when the bus is Redis
        await post_message(spammer, world.shops[0].room.id, f"buy now {n}")
    await recorder.flush()
    found = await kinds_found()
    assert list(found) == ["chat_burst"]
    (flag,) = found["chat_burst"]
    assert flag.evidence["user_ids"] == [spammer.id]
    assert flag.score in (16, 18)  # and the 2 of normal traffic when in the same minute


async def test_new_account_swarm(world: World, recorder: Recorder, clock: Clock) -> None:
    swarm = [await new_user("fresh") for _ in range(10)]
    for user in swarm:
        await world.watch(world.shops[0].room.id, user)
    await recorder.flush()
    await world.watching.aclose()
    found = await kinds_found()
    assert list(found) == ["new_account_swarm"]
    (flag,) = found["new_account_swarm"]
    assert flag.evidence["user_ids"] == sorted(u.id for u in swarm)
    assert flag.evidence["new_accounts"] == 10 and flag.evidence["share"] >= 0.6


async def test_flash_sale_bought_by_new_accounts(world: World) -> None:
    fresh = [await new_user("flash") for _ in range(6)]
    sale_id = await world.flash_sale(world.shops[1], fresh)
    found = await kinds_found()
    assert list(found) == ["flash_sale_new_accounts"]
    (flag,) = found["flash_sale_new_accounts"]
    assert flag.subject == f"flash_sale:{sale_id}"
    assert flag.evidence["user_ids"] == sorted(u.id for u in fresh)
    assert len(flag.evidence["order_ids"]) == 6 and flag.evidence["share"] == 1.0


async def test_gmv_far_above_the_rooms_usual(
    world: World, recorder: Recorder, clock: Clock
) -> None:
    buyers = world.viewers[6:10]
    planted = [await world.buy(b, world.shops[0], quantity=10) for b in buyers]
    await recorder.flush()
    found = await kinds_found()
    assert list(found) == ["gmv_anomaly"]
    (flag,) = found["gmv_anomaly"]
    assert flag.evidence["median"] == 0 and flag.evidence["history_minutes"] == 120
    assert flag.score >= fraud.RULES.anomaly_z
    assert set(planted) <= set(flag.evidence["order_ids"])


async def test_viewers_far_above_the_rooms_usual(
    world: World, recorder: Recorder, clock: Clock
) -> None:
    for _ in range(100):
        await world.watch(world.shops[0].room.id, None)
    await recorder.sample()
    await world.watching.aclose()
    await recorder.flush()
    found = await kinds_found()
    assert list(found) == ["viewer_anomaly"]
    (flag,) = found["viewer_anomaly"]
    assert flag.evidence["median"] == 10
    assert flag.evidence["minutes"][-1]["value"] >= 50


# --- scanning and deciding ------------------------------------------------------------------


async def _ring(world: World) -> list[User]:
    ring = [await shop(f"Ring {n}") for n in range(3)]
    rocket = next(g for g in await gifts.list_gifts() if g.name == "Rocket")
    for n, member in enumerate(ring):
        await fund(member.owner, 200)
        await gifts.send_gift(member.owner, ring[(n + 1) % 3].room.id, rocket.id, 2, f"r{n}")
    return [s.owner for s in ring]


async def _staff(role: Role) -> User:
    user = await new_user(role.value)
    await User.filter(id=user.id).update(role=role)
    user.role = role
    return user


async def test_scan_keeps_one_flag_per_subject(world: World) -> None:
    await _ring(world)
    first = await fraud.scan()
    assert [f.kind for f in first] == [FlagKind.GIFT_RING]
    again = await fraud.scan()
    assert [f.id for f in again] == [first[0].id]  # updated, not raised twice
    moderator = await _staff(Role.MODERATOR)
    await fraud.decide(moderator, first[0].id, "dismissed")
    assert await fraud.scan() == []  # a dismissed subject is not raised again
    assert await FraudFlag.all().count() == 1
    with pytest.raises(UserError) as caught:
        await fraud.decide(moderator, first[0].id, "confirmed")
    assert caught.value.code == "ALREADY_DECIDED"


async def test_confirm_and_freeze_the_rings_wallets(world: World) -> None:
    members = await _ring(world)
    (flag,) = await fraud.scan()
    viewer = world.viewers[0]
    with pytest.raises(UserError) as caught:
        await fraud.decide(viewer, flag.id, "confirmed", "freeze_wallet")
    assert caught.value.code == "FORBIDDEN"
    with pytest.raises(UserError) as caught:
        await fraud.decide(await _staff(Role.MODERATOR), flag.id, "dismissed", "freeze_wallet")
    assert caught.value.code == "INVALID_ACTION"
    moderator = await _staff(Role.MODERATOR)
    decided = await fraud.decide(moderator, flag.id, "confirmed", "freeze_wallet")
    assert decided.status == FlagStatus.CONFIRMED and decided.decided_by_id == moderator.id  # type: ignore[attr-defined]
    assert decided.action_result == {"frozen_user_ids": sorted(m.id for m in members)}
    frozen = await Wallet.filter(user_id__in=[m.id for m in members]).values_list(
        "frozen", flat=True
    )
    assert list(frozen) == [True, True, True]
    rose = next(g for g in await gifts.list_gifts() if g.name == "Rose")
    with pytest.raises(UserError) as caught:
        await gifts.send_gift(members[0], world.shops[0].room.id, rose.id, 1, "after-freeze")
    assert caught.value.code in {"WALLET_FROZEN", "INSUFFICIENT_COINS"}
    assert not await Wallet.filter(user_id=world.viewers[0].id, frozen=True).exists()


async def test_admin_confirms_and_cancels_the_orders(world: World) -> None:
    buyers = [await new_user("house", days=2) for _ in range(3)]
    same = {"line1": "9 Birch Road", "city": "Oak", "postal_code": "55555"}
    pending = [
        await world.buy(b, world.shops[1], ship={**address(b.id), **same}, pay=False)
        for b in buyers[:2]
    ]
    paid = await world.buy(buyers[2], world.shops[1], ship={**address(buyers[2].id), **same})
    (flag,) = await fraud.scan()
    assert flag.kind == FlagKind.SHARED_ADDRESS
    with pytest.raises(UserError) as caught:
        await fraud.decide(await _staff(Role.MODERATOR), flag.id, "confirmed", "cancel_orders")
    assert caught.value.code == "FORBIDDEN"
    assert (await FraudFlag.get(id=flag.id)).status == FlagStatus.OPEN  # nothing changed
    admin = await _staff(Role.ADMIN)
    decided = await fraud.decide(admin, flag.id, "confirmed", "cancel_orders")
    assert decided.action_result["cancelled"] == sorted(pending)
    assert decided.action_result["refunded"] == [paid]
    statuses = dict(await Order.filter(id__in=[*pending, paid]).values_list("id", "status"))
    assert statuses == {
        pending[0]: OrderStatus.CANCELLED,
        pending[1]: OrderStatus.CANCELLED,
        paid: OrderStatus.REFUNDED,
    }


# --- the API and the admin page ---------------------------------------------------------------

FLAGS = """query($s: FraudFlagStatus) {
  fraudFlags(status: $s) { totalCount edges { node { id kind status evidence summary } } }
}"""
DECIDE = """mutation($id: ID!, $d: FraudDecision!, $a: FraudAction!) {
  decideFraudFlag(flagId: $id, decision: $d, action: $a) {
    flag { id status action actionResult decidedBy { displayName } } errors { code field }
  }
}"""


async def test_flags_over_graphql_and_on_the_admin_page(
    world: World, client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    members = await _ring(world)
    await fraud.scan()
    await register(client, "mod@example.com", "Mo Derator")
    await User.filter(email="mod@example.com").update(role=Role.MODERATOR)
    await register(other_client, "curious@example.com", "Curious")

    denied = await gql(other_client, FLAGS, {"s": "OPEN"})
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    listed = (await gql(client, FLAGS, {"s": "OPEN"}))["data"]["fraudFlags"]
    assert listed["totalCount"] == 1
    node = listed["edges"][0]["node"]
    assert node["kind"] == "GIFT_RING" and node["evidence"]["user_ids"] == sorted(
        m.id for m in members
    )

    refused = await gql(other_client, DECIDE, {"id": node["id"], "d": "CONFIRMED", "a": "NONE"})
    assert refused["data"]["decideFraudFlag"]["errors"][0]["code"] == "FORBIDDEN"

    page = await client.get("/admin/fraud")
    assert page.status_code == 200
    assert 'data-kind="gift_ring"' in page.text and "coins_inside" in page.text
    assert (await other_client.get("/admin/fraud")).status_code == 403
    assert (await client.get("/admin")).text.count('href="/admin/fraud"') == 1

    done = await gql(client, DECIDE, {"id": node["id"], "d": "CONFIRMED", "a": "FREEZE_WALLET"})
    flag = done["data"]["decideFraudFlag"]["flag"]
    assert flag["status"] == "CONFIRMED" and flag["action"] == "FREEZE_WALLET"
    assert flag["decidedBy"]["displayName"] == "Mo Derator"
    assert (await gql(client, FLAGS, {"s": "OPEN"}))["data"]["fraudFlags"]["totalCount"] == 0
    confirmed = await client.get("/admin/fraud?status=confirmed")
    assert "frozen_user_ids" in confirmed.text
