"""Experiments: rules for creating and running them, one exposure per subject, results."""

from __future__ import annotations

import asyncio

import pytest

from app.accounts.models import Role
from app.commerce import orders
from app.commerce.ordering.payment import pay_with_coins
from app.errors import PermissionDenied, UserError
from app.experiments import results, services
from app.experiments.models import ExperimentKind, ExperimentStatus, Exposure
from app.experiments.services import VariantSpec
from app.recs.models import Interaction, ItemType, Kind
from tests.commerce.helpers import ADDRESS, fund, make_merchant, make_product, make_user

pytestmark = pytest.mark.usefixtures("app")

AB = [VariantSpec("control"), VariantSpec("treatment")]


async def test_only_moderators_create_platform_experiments_and_bad_input_changes_nothing() -> None:
    viewer = await make_user("v@example.com", "Vee")
    admin = await make_user("a@example.com", "Admin", Role.ADMIN)
    with pytest.raises(PermissionDenied):
        await services.create_experiment(viewer, "recs-1", "Recs", AB, 100, "recs")
    bad = [
        (dict(key="Bad Key!"), "INVALID_KEY"),
        (dict(variants=[VariantSpec("only")]), "INVALID_VARIANTS"),
        (dict(variants=[VariantSpec("a"), VariantSpec("a")]), "INVALID_VARIANTS"),
        (dict(sample_size=1), "INVALID_SAMPLE_SIZE"),
        (dict(kind="nope"), "INVALID_KIND"),
    ]
    for change, code in bad:
        args = dict(key="recs-1", name="Recs", variants=AB, sample_size=100, kind="recs")
        args.update(change)
        with pytest.raises(UserError) as err:
            await services.create_experiment(admin, **args)  # type: ignore[arg-type]
        assert err.value.code == code
    assert await services.list_experiments(admin) == []
    made = await services.create_experiment(admin, "recs-1", "Recs", AB, 100, "recs")
    assert made.status == ExperimentStatus.DRAFT and len(made.salt) == 16
    with pytest.raises(UserError) as err:
        await services.create_experiment(admin, "recs-1", "Again", AB, 100, "recs")
    assert err.value.code == "KEY_TAKEN"


async def test_start_stop_and_one_running_per_kind() -> None:
    admin = await make_user("a@example.com", "Admin", Role.ADMIN)
    first = await services.create_experiment(admin, "one", "One", AB, 50, "recs")
    second = await services.create_experiment(admin, "two", "Two", AB, 50, "recs")
    assert await services.expose(first, 1) is None  # a draft assigns no one
    await services.start_experiment(admin, first.id)
    with pytest.raises(UserError) as err:
        await services.start_experiment(admin, second.id)
    assert err.value.code == "ALREADY_RUNNING"
    assert (await services.running(ExperimentKind.RECS)).id == first.id  # type: ignore[union-attr]
    stopped = await services.stop_experiment(admin, first.id)
    assert stopped.status == ExperimentStatus.STOPPED and stopped.stopped_at is not None
    with pytest.raises(UserError) as err:
        await services.stop_experiment(admin, first.id)
    assert err.value.code == "NOT_RUNNING"
    await services.start_experiment(admin, second.id)


async def test_a_streamer_owns_coupon_experiments_others_do_not_see_them() -> None:
    shop = await make_merchant()
    other = await make_merchant("other@example.com", "Other")
    made = await services.create_experiment(
        shop,
        "drop-values",
        "Drop values",
        [VariantSpec("10% off", value=10), VariantSpec("20% off", value=20)],
        50,
        "coupon",
    )
    assert made.owner_id == shop.id
    with pytest.raises(UserError) as err:
        await services.start_experiment(other, made.id)
    assert err.value.code == "NOT_FOUND"
    assert await services.list_experiments(other) == []
    with pytest.raises(UserError) as err:
        await services.create_experiment(
            shop,
            "bad-values",
            "Bad",
            [VariantSpec("a", value=0), VariantSpec("b", value=5)],
            50,
            "coupon",
        )
    assert err.value.code == "INVALID_VARIANTS"


async def test_exposure_is_logged_once_per_subject_even_concurrently() -> None:
    admin = await make_user("a@example.com", "Admin", Role.ADMIN)
    user = await make_user("u@example.com", "Uma")
    exp = await services.create_experiment(admin, "once", "Once", AB, 50)
    exp = await services.start_experiment(admin, exp.id)
    seen = await asyncio.gather(*(services.expose(exp, user.id) for _ in range(12)))
    assert len({v["name"] for v in seen if v}) == 1  # the same variant every time
    await asyncio.gather(*(services.expose(exp, None, "browser-1") for _ in range(12)))
    assert await Exposure.filter(experiment_id=exp.id).count() == 2
    assert await services.expose(exp, None, None) is None


async def test_results_count_behaviour_after_exposure_and_wait_for_the_sample() -> None:
    admin = await make_user("a@example.com", "Admin", Role.ADMIN)
    shop = await make_merchant()
    _, variant = await make_product(shop, price_cents=2500, stock=100)
    exp = await services.create_experiment(admin, "metrics", "Metrics", AB, 10)
    exp = await services.start_experiment(admin, exp.id)
    buyers = [await make_user(f"b{i}@example.com", f"Buyer {i}") for i in range(8)]
    for i, user in enumerate(buyers):
        await services.expose(exp, user.id)
        if i % 2 == 0:  # half click, a quarter buy
            await Interaction.create(
                user_id=user.id,
                item_type=ItemType.PRODUCT,
                item_id=variant.product_id,
                kind=Kind.CLICK,
                weight=1.0,
                created_at=services.now(),
            )
        if i % 4 == 0:
            order = await orders.create_order(
                user, [orders.OrderLine(variant.id, 1)], shipping=ADDRESS, idempotency_key=f"k{i}"
            )
            await fund(user, 10_000)
            await pay_with_coins(user, order.id, f"pay{i}")
    read = await results.experiment_results(admin, exp.id)
    assert not read.ready and read.needed == 20 - 8
    assert sum(v.exposed for v in read.variants) == 8
    clicks = sum(round(v.ctr.value * v.exposed) for v in read.variants)
    bought = sum(round(v.cvr.value * v.exposed) for v in read.variants)
    gmv = sum(v.gmv_per_viewer.value * v.exposed for v in read.variants)
    assert (clicks, bought) == (4, 2)
    assert gmv == pytest.approx(2 * 2500, rel=0.2)  # totals may add shipping
    for v in read.variants:
        assert v.ctr.low <= v.ctr.value <= v.ctr.high
    with pytest.raises(PermissionDenied):
        await results.experiment_results(buyers[0], exp.id)


async def test_a_coupon_experiment_gives_each_claimer_their_variant_value() -> None:
    from app.commerce import coupons
    from app.commerce.models import CouponClaim
    from app.experiments.assignment import assign
    from tests.commerce.helpers import live_room

    shop = await make_merchant()
    room = await live_room(shop)
    _, variant = await make_product(shop, price_cents=10_000, stock=50)
    exp = await services.create_experiment(
        shop,
        "values",
        "Values",
        [VariantSpec("10% off", value=10), VariantSpec("20% off", value=20)],
        10,
        "coupon",
    )
    exp = await services.start_experiment(shop, exp.id)
    lead = await coupons.create_coupon(shop, "LIVE10", "percent", 10)
    await coupons.drop_coupon(shop, room.id, lead.id, 30)
    viewers = [await make_user(f"c{i}@example.com", f"Claimer {i}") for i in range(6)]
    for i, viewer in enumerate(viewers):
        await coupons.claim_coupon(viewer, lead.id)
        with pytest.raises(UserError) as err:
            await coupons.claim_coupon(viewer, lead.id)
        assert err.value.code == "ALREADY_CLAIMED"
        expected = assign(exp.salt, f"user:{viewer.id}", exp.variants)
        claim = await CouponClaim.get(user_id=viewer.id).prefetch_related("coupon")
        assert claim.coupon.amount == int(expected.split("%")[0])
        order = await orders.create_order(
            viewer,
            [orders.OrderLine(variant.id, 1)],
            shipping=ADDRESS,
            coupon_code=claim.coupon.code,
            idempotency_key=f"o{i}",
        )
        assert order.discount_cents == claim.coupon.amount * 100
    assert (await coupons.get_coupon(lead.id)).claimed_count == 6  # the room's one count
    assert await Exposure.filter(experiment_id=exp.id).count() == 6
