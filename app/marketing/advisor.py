"""The coupon strategy advisor: for each candidate percent-off value, the expected claim
rate, redemption rate, incremental GMV and cost of a drop, from the streamer's own past
drops and coupon experiments, shrunk toward the platform when their history is thin.

Evidence per value (percent-off drops; fixed-amount drops are left out):

* viewers — signed-in and anonymous viewers present in the room while the drop ran,
* claims — ``Coupon.claimed_count``; redemptions — orders that used the coupon,
* GMV and discount — those orders' totals and discounts.

Estimation (empirical Bayes with a beta prior): the platform's pooled rate at the value
(every streamer's drops) is the prior mean, worth :data:`PRIOR_STRENGTH` pseudo-viewers
(or pseudo-claims); the streamer's counts update it. With no platform data at a value a weak
default prior (:func:`default_claim_rate`, redemption 0.3, strength 4) stands in. So a
streamer with a few drops gets estimates close to the platform's, one with many gets their
own.

Per 100 viewers, with claim rate ``c``, redemption rate ``r``, average coupon order value
``A`` (before discount) and the streamer's no-coupon purchase rate per viewer ``b``:

* redemptions = 100·c·r; cost (discount given) = 100·c·r·A·v/100,
* incremental orders = 100·c·max(0, r − b) (claimers would have bought at rate ``b``
  anyway), incremental GMV = incremental orders · A·(1 − v/100),
* expected margin = incremental GMV · :data:`GROSS_MARGIN` − the discount given to the
  claimers who would have bought anyway (100·c·min(r, b)·A·v/100).

Uncertainty: 4,000 draws from the posteriors give a 90% interval for the margin. The
suggestion is the value with the best expected margin; with no history of their own the
advisor says so and suggests an experiment over the candidate values.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.accounts.models import User
from app.analytics.models import ViewerVisit
from app.commerce.models import Coupon, CouponKind, Order, OrderStatus
from app.experiments.models import Experiment, ExperimentKind
from app.experiments.results import compute

CANDIDATES = (5, 10, 15, 20, 30)
PRIOR_STRENGTH = 20.0
DEFAULT_STRENGTH = 4.0
DEFAULT_REDEMPTION = 0.3
GROSS_MARGIN = 0.4  # assumed share of GMV that is margin before the discount
DRAWS = 4000
PAID = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED)
DEFAULT_AOV = 3000
PER = 100  # figures are per this many viewers


def default_claim_rate(percent: int) -> float:
    """The weak default prior's claim rate at ``percent`` off (no platform data)."""
    return min(0.6, 0.05 + 0.012 * percent)


@dataclass
class Counts:
    viewers: int = 0
    claims: int = 0
    redemptions: int = 0
    gmv: int = 0  # cents, after discount
    discount: int = 0
    drops: int = 0
    experiments: int = 0


@dataclass(frozen=True)
class Option:
    percent: int
    claim_rate: float
    claim_low: float
    claim_high: float
    redemption_rate: float
    redemption_low: float
    redemption_high: float
    cost: float  # cents per PER viewers
    incremental_gmv: float
    margin: float
    margin_low: float
    margin_high: float
    own: Counts  # this streamer's evidence
    platform: Counts
    shrinkage: float  # weight of the platform prior in the claim estimate (0..1)


@dataclass(frozen=True)
class Advice:
    has_history: bool
    options: list[Option]
    best: Option
    average_order_cents: float
    baseline_rate: float
    currency: str
    suggest_experiment: bool
    message: str


async def _drop_counts(merchant_id: int | None) -> dict[int, Counts]:
    """Evidence per percent value from past drops (one merchant's, or everyone's)."""
    query = Coupon.filter(
        kind=CouponKind.PERCENT, drop_limit__isnull=False, dropped_at__isnull=False
    )
    if merchant_id is not None:
        query = query.filter(merchant_id=merchant_id)
    found = await query
    # drops made while the merchant's coupon experiment ran count through the experiment
    windows: dict[int, list[tuple[Any, Any]]] = defaultdict(list)
    for owner, start, stop in await Experiment.filter(
        kind=ExperimentKind.COUPON, started_at__isnull=False
    ).values_list("owner_id", "started_at", "stopped_at"):
        windows[owner].append((start, stop))
    found = [
        c
        for c in found
        if not any(
            s <= c.dropped_at and (e is None or c.dropped_at <= e)
            for s, e in windows[c.merchant_id]
        )
    ]
    counts: dict[int, Counts] = defaultdict(Counts)
    coupon_ids = [c.id for c in found]
    orders: dict[int, list[tuple[int, int]]] = defaultdict(list)
    if coupon_ids:
        for cid, total, discount in await Order.filter(
            coupon_id__in=coupon_ids, status__in=PAID
        ).values_list("coupon_id", "total_cents", "discount_cents"):
            orders[cid].append((int(total), int(discount)))
    for c in found:
        if c.drop_room_id is None:
            continue
        end = c.drop_ends_at or c.ends_at
        visits = ViewerVisit.filter(room_id=c.drop_room_id, last_seen__gte=c.dropped_at)
        if end is not None:
            visits = visits.filter(first_seen__lte=end)
        viewers = await visits.count()
        k = counts[int(c.amount)]
        k.viewers += max(viewers, c.claimed_count)
        k.claims += c.claimed_count
        k.redemptions += len(orders[c.id])
        k.gmv += sum(t for t, _ in orders[c.id])
        k.discount += sum(d for _, d in orders[c.id])
        k.drops += 1
    return counts


async def _experiment_counts(merchant_id: int, counts: dict[int, Counts]) -> None:
    """Add the streamer's coupon experiments: exposed viewers and redemptions per value."""
    for experiment in await Experiment.filter(kind=ExperimentKind.COUPON, owner_id=merchant_id):
        results = await compute(experiment)
        for v in results.variants:
            if not isinstance(v.value, int) or v.exposed == 0:
                continue
            k = counts[v.value]
            redeemed = round(v.redemption.value * v.exposed)
            k.viewers += v.exposed
            k.claims += redeemed  # an exposed viewer who redeemed had claimed
            k.redemptions += redeemed
            k.gmv += round(v.gmv_per_viewer.value * v.exposed)
            k.experiments += 1


def _beta_prior(mean: float, strength: float) -> tuple[float, float]:
    mean = min(max(mean, 1e-3), 1 - 1e-3)
    return mean * strength, (1 - mean) * strength


async def advise(merchant: User, currency: str = "USD") -> Advice:
    """Expected outcomes of a drop at each candidate value for ``merchant``."""
    own = await _drop_counts(merchant.id)
    await _experiment_counts(merchant.id, own)
    platform = await _drop_counts(None)
    has_history = any(own[v].viewers > 0 for v in own)
    # average coupon order value (before discount) and the no-coupon purchase rate
    all_gmv = sum(k.gmv + k.discount for k in platform.values())
    all_red = sum(k.redemptions for k in platform.values())
    own_gmv = sum(k.gmv + k.discount for k in own.values())
    own_red = sum(k.redemptions for k in own.values())
    platform_aov = all_gmv / all_red if all_red else float(DEFAULT_AOV)
    aov = (own_gmv + platform_aov * 5) / (own_red + 5)
    plain = Order.filter(merchant_id=merchant.id, status__in=PAID, coupon_id__isnull=True)
    plain_orders = await plain.filter(room_id__isnull=False).count()
    room_viewers = await ViewerVisit.filter(room__owner_id=merchant.id).count()
    baseline = (plain_orders + 0.02 * 50) / (room_viewers + 50)  # shrunk toward 2%
    rng = np.random.default_rng(merchant.id)
    options: list[Option] = []
    for v in CANDIDATES:
        p, o = platform.get(v, Counts()), own.get(v, Counts())
        # the platform prior excludes the streamer's own evidence
        pv, pc, pr = p.viewers - o.viewers + 0, p.claims - o.claims, p.redemptions - o.redemptions
        if pv > 0:
            claim_prior = _beta_prior(pc / pv, PRIOR_STRENGTH)
        else:
            claim_prior = _beta_prior(default_claim_rate(v), DEFAULT_STRENGTH)
        if pc > 0:
            red_prior = _beta_prior(pr / pc, PRIOR_STRENGTH)
        else:
            red_prior = _beta_prior(DEFAULT_REDEMPTION, DEFAULT_STRENGTH)
        ca, cb = claim_prior[0] + o.claims, claim_prior[1] + max(0, o.viewers - o.claims)
        ra, rb = red_prior[0] + o.redemptions, red_prior[1] + max(0, o.claims - o.redemptions)
        c = rng.beta(ca, cb, DRAWS)
        r = rng.beta(ra, rb, DRAWS)
        share = v / 100
        cost = PER * c * r * aov * share
        inc_orders = PER * c * np.maximum(0.0, r - baseline)
        inc_gmv = inc_orders * aov * (1 - share)
        margin = inc_gmv * GROSS_MARGIN - PER * c * np.minimum(r, baseline) * aov * share
        prior_weight = sum(claim_prior) / (sum(claim_prior) + o.viewers)
        options.append(
            Option(
                percent=v,
                claim_rate=float(c.mean()),
                claim_low=float(np.quantile(c, 0.05)),
                claim_high=float(np.quantile(c, 0.95)),
                redemption_rate=float(r.mean()),
                redemption_low=float(np.quantile(r, 0.05)),
                redemption_high=float(np.quantile(r, 0.95)),
                cost=float(cost.mean()),
                incremental_gmv=float(inc_gmv.mean()),
                margin=float(margin.mean()),
                margin_low=float(np.quantile(margin, 0.05)),
                margin_high=float(np.quantile(margin, 0.95)),
                own=o,
                platform=p,
                shrinkage=float(prior_weight),
            )
        )
    best = max(options, key=lambda opt: opt.margin)
    wide = best.margin_high - best.margin_low > max(abs(best.margin), 1.0) * 2
    if not has_history:
        message = (
            "You have no coupon drops or experiments yet, so these figures are the platform "
            "average. Run a coupon experiment over these values to learn your own."
        )
    elif wide:
        message = (
            f"{best.percent}% off looks best, but the evidence is thin (wide interval): "
            "an experiment would settle it."
        )
    else:
        message = f"{best.percent}% off has the best expected margin on your history."
    return Advice(
        has_history=has_history,
        options=options,
        best=best,
        average_order_cents=float(aov),
        baseline_rate=float(baseline),
        currency=currency,
        suggest_experiment=not has_history or wide,
        message=message,
    )


def experiment_variants() -> list[dict[str, Any]]:
    """The variants of the coupon experiment the advisor suggests (one per candidate)."""
    return [{"name": f"{v}% off", "weight": 1.0, "value": v} for v in CANDIDATES]
