"""Reading an experiment: metrics per variant with confidence intervals.

For every exposed signed-in subject, what they did from their exposure until the
experiment stopped (or now):

* CTR — opened (clicked) at least one product,
* CVR — paid for at least one order,
* GMV per viewer — the paid orders' totals (cents), refunded ones excluded,
* coupon redemption — used at least one coupon.

A coupon experiment counts only the owning streamer's orders and coupons. Anonymous
exposures are counted but carry no behaviour (the interaction log keeps signed-in users
only), so the metrics are over signed-in subjects. Until every variant has the
pre-registered sample size, :attr:`Results.ready` is False and pages say "not enough data
yet" instead of a verdict.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.accounts.models import User
from app.commerce.models import CouponRedemption, Order, OrderStatus
from app.experiments import services
from app.experiments.models import Experiment, ExperimentKind, Exposure
from app.experiments.stats import Estimate, mean_interval, wilson_interval
from app.recs.models import Interaction, ItemType, Kind

PAID = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED)


@dataclass(frozen=True)
class VariantResult:
    name: str
    value: Any
    exposed: int
    anonymous: int
    ctr: Estimate
    cvr: Estimate
    gmv_per_viewer: Estimate  # cents
    redemption: Estimate


@dataclass(frozen=True)
class Results:
    experiment: Experiment
    variants: list[VariantResult]
    ready: bool  # every variant reached the pre-registered sample size

    @property
    def needed(self) -> int:
        """Exposures still missing before the results may be read."""
        size = self.experiment.sample_size
        return sum(max(0, size - v.exposed - v.anonymous) for v in self.variants)


async def experiment_results(user: User | None, experiment_id: int) -> Results:
    """The results of an experiment ``user`` may manage."""
    experiment = await services.managed_experiment(user, experiment_id)
    return await compute(experiment)


async def compute(experiment: Experiment) -> Results:
    """Metrics per variant for ``experiment`` (no permission check)."""
    rows: list[dict[str, Any]] = await Exposure.filter(experiment_id=experiment.id).values(
        "user_id", "variant", "created_at"
    )
    until: datetime | None = experiment.stopped_at
    exposed_at: dict[int, datetime] = {}
    variant_of: dict[int, str] = {}
    anonymous: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["user_id"] is None:
            anonymous[row["variant"]] += 1
        else:
            exposed_at[row["user_id"]] = row["created_at"]
            variant_of[row["user_id"]] = row["variant"]
    users = list(exposed_at)
    clicked = await _clicked(users, exposed_at, until)
    spent, buyers = await _spent(experiment, users, exposed_at, until)
    redeemed = await _redeemed(experiment, users, exposed_at, until)
    variants: list[VariantResult] = []
    for v in experiment.variants:
        members = [u for u in users if variant_of[u] == v["name"]]
        n = len(members)
        variants.append(
            VariantResult(
                name=v["name"],
                value=v.get("value"),
                exposed=n,
                anonymous=anonymous[v["name"]],
                ctr=wilson_interval(sum(u in clicked for u in members), n),
                cvr=wilson_interval(sum(u in buyers for u in members), n),
                gmv_per_viewer=mean_interval([float(spent.get(u, 0)) for u in members]),
                redemption=wilson_interval(sum(u in redeemed for u in members), n),
            )
        )
    ready = all(v.exposed + v.anonymous >= experiment.sample_size for v in variants)
    return Results(experiment, variants, ready)


def _within(at: datetime, since: datetime, until: datetime | None) -> bool:
    return at >= since and (until is None or at <= until)


async def _clicked(
    users: list[int], exposed_at: dict[int, datetime], until: datetime | None
) -> set[int]:
    if not users:
        return set()
    found: list[dict[str, Any]] = await Interaction.filter(
        user_id__in=users,
        item_type=ItemType.PRODUCT,
        kind=Kind.CLICK,
        created_at__gte=min(exposed_at.values()),
    ).values("user_id", "created_at")
    return {
        r["user_id"] for r in found if _within(r["created_at"], exposed_at[r["user_id"]], until)
    }


async def _spent(
    experiment: Experiment,
    users: list[int],
    exposed_at: dict[int, datetime],
    until: datetime | None,
) -> tuple[dict[int, int], set[int]]:
    if not users:
        return {}, set()
    query = Order.filter(
        buyer_id__in=users, status__in=PAID, created_at__gte=min(exposed_at.values())
    )
    if experiment.kind == ExperimentKind.COUPON and experiment.owner_id is not None:
        query = query.filter(merchant_id=experiment.owner_id)
    found: list[dict[str, Any]] = await query.values("buyer_id", "created_at", "total_cents")
    spent: dict[int, int] = defaultdict(int)
    for r in found:
        if _within(r["created_at"], exposed_at[r["buyer_id"]], until):
            spent[r["buyer_id"]] += int(r["total_cents"])
    return dict(spent), set(spent)


async def _redeemed(
    experiment: Experiment,
    users: list[int],
    exposed_at: dict[int, datetime],
    until: datetime | None,
) -> set[int]:
    if not users:
        return set()
    query = CouponRedemption.filter(user_id__in=users, created_at__gte=min(exposed_at.values()))
    if experiment.kind == ExperimentKind.COUPON and experiment.owner_id is not None:
        query = query.filter(coupon__merchant_id=experiment.owner_id)
    found: list[dict[str, Any]] = await query.values("user_id", "created_at")
    return {
        r["user_id"] for r in found if _within(r["created_at"], exposed_at[r["user_id"]], until)
    }
