"""Coupon values through an experiment: while a streamer's coupon experiment runs, a viewer
who claims one of their drops gets the percent off of their variant.

The dropped coupon (the *lead*) keeps the shared first-N count shown in the room; each
variant's value is an *arm* coupon: a copy of the lead with that percent off, code
``<lead code>-<percent>``, not dropped anywhere itself (so rooms show one drop) but with a
drop limit, so only viewers holding a claim on it may use it. The viewer's claim is
recorded on their arm; they see its code among their claimed coupons and use it at
checkout like any other.
"""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError

from app.commerce.models import Coupon, CouponKind
from app.experiments import services
from app.experiments.models import ExperimentKind


def arm_code(lead: Coupon, percent: int) -> str:
    return f"{lead.code[:27]}-{percent}"


async def coupon_for_claim(lead: Coupon, user_id: int, using_db: Any = None) -> Coupon:
    """The coupon ``user_id`` should hold when claiming the drop ``lead``: the arm of their
    variant while the merchant's coupon experiment runs (exposure logged), else ``lead``."""
    experiment = await services.running(ExperimentKind.COUPON, lead.merchant_id)
    if experiment is None:
        return lead
    variant = await services.expose(experiment, user_id)
    if variant is None or not isinstance(variant.get("value"), int):
        return lead
    percent = int(variant["value"])
    if lead.kind == CouponKind.PERCENT and lead.amount == percent:
        return lead
    code = arm_code(lead, percent)
    arm = await Coupon.get_or_none(merchant_id=lead.merchant_id, code=code)
    if arm is not None:
        return arm
    try:
        return await Coupon.create(
            merchant_id=lead.merchant_id,
            code=code,
            kind=CouponKind.PERCENT,
            amount=percent,
            currency=lead.currency,
            min_spend_cents=lead.min_spend_cents,
            starts_at=lead.starts_at,
            ends_at=lead.drop_ends_at or lead.ends_at,
            max_uses=None,
            per_user_limit=lead.per_user_limit,
            room_id=lead.room_id,
            drop_limit=lead.drop_limit,
            dropped_at=lead.dropped_at,
            drop_ends_at=lead.drop_ends_at,
        )
    except IntegrityError:  # created concurrently (or the code is taken: then use it)
        found = await Coupon.get_or_none(merchant_id=lead.merchant_id, code=code)
        return found if found is not None else lead
