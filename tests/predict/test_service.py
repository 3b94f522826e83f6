"""The purchase model in the app: trained off the event loop on the interaction log,
served after an atomic swap, ordering a viewer's products and counting likely buyers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.accounts.models import Role
from app.analytics.models import ViewerVisit
from app.experiments import services as experiments
from app.experiments.assignment import assign
from app.experiments.models import Exposure
from app.experiments.services import VariantSpec
from app.predict import service as predict
from app.predict.simulator import simulate
from app.recs import service as recs_service
from app.recs.models import Interaction, ItemType, Kind
from app.settings import Settings
from tests.commerce.helpers import live_room, make_merchant, make_product, make_user

pytestmark = pytest.mark.usefixtures("app")

KINDS = {"impression": Kind.IMPRESSION, "click": Kind.CLICK, "cart": Kind.CART, "order": Kind.ORDER}


async def test_training_on_the_log_then_scoring_viewers(settings: Settings) -> None:
    shop = await make_merchant()
    room = await live_room(shop)
    products = [
        (await make_product(shop, f"Item {i}", price_cents=1000 + 500 * i))[0] for i in range(6)
    ]
    users = [await make_user(f"u{i}@example.com", f"User {i}") for i in range(30)]
    log = simulate(users=30, products=6, days=2, seed=5)
    shift = datetime.now(UTC) - timedelta(days=3) - log.events[0].at
    await Interaction.bulk_create(
        [
            Interaction(
                user_id=users[e.user_id - 1].id,
                item_type=ItemType.PRODUCT,
                item_id=products[e.product_id - 1].id,
                kind=KINDS[e.kind],
                weight=1.0,
                created_at=e.at + shift,
            )
            for e in log.events
            if e.product_id is not None
        ]
    )
    service = predict.PredictService(settings, minutes=0)
    assert await predict.rank_for_viewer(users[0].id, [p.id for p in products]) == [
        p.id for p in products
    ]  # no service: input order
    version = await service.train()
    assert version == "v000001" and service.model is not None
    assert service.model.info["examples"] > 20
    again = predict.PredictService(settings, minutes=0)
    await again.load()  # another process picks the saved version up
    assert again.version == version
    # a viewer who just put things in a cart ranks higher than one who only watched
    now = datetime.now(UTC)
    for kind in (Kind.CLICK, Kind.CART, Kind.CLICK, Kind.CART):
        await Interaction.create(
            user_id=users[1].id,
            item_type=ItemType.PRODUCT,
            item_id=products[0].id,
            kind=kind,
            weight=1.0,
            created_at=now - timedelta(minutes=1),
        )
    for u in users[1:3]:
        await ViewerVisit.create(
            room_id=room.id,
            viewer_key=f"user:{u.id}",
            user_id=u.id,
            first_seen=now - timedelta(minutes=20),
            last_seen=now,
            open_connections=1,
        )
    p = await service.p_purchase([users[1].id, users[2].id], [products[0].id])
    assert p is not None and p[0, 0] > p[1, 0]
    predict._service = service
    try:
        ranked = await predict.rank_for_viewer(users[1].id, [p.id for p in products])
        assert sorted(ranked) == sorted(p.id for p in products)
        buyers = await predict.likely_buyers(room.id, products[0].id)
        assert buyers.viewers == 2 and buyers.model_version == version
        assert 0 < buyers.expected < 2
        # recommendation variants: "model" keeps the ALS order, "predicted" re-ranks
        admin = await make_user("admin@example.com", "Admin", Role.ADMIN)
        exp = await experiments.create_experiment(
            admin,
            "rerank",
            "Re-rank",
            [VariantSpec("control", value="model"), VariantSpec("treatment", value="predicted")],
            10,
            "recs",
        )
        exp = await experiments.start_experiment(admin, exp.id)
        for user in users[:8]:
            got = [p.id for p in await recs_service._rerank(user.id, products)]
            arm = assign(exp.salt, f"user:{user.id}", exp.variants)
            if arm == "control":
                assert got == [p.id for p in products]
            else:
                assert got == await predict.rank_for_viewer(user.id, [p.id for p in products])
        assert await Exposure.filter(experiment_id=exp.id).count() == 8
    finally:
        predict._service = None
