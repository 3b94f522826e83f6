"""The invite reward: after an invitee's first paid order, the sharer who invited them
gets a one-use coupon of the shared room's (or product's) merchant, unless the fraud
rules see one person on both sides (:func:`abuse_reason`)."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta

from app.accounts.models import LoginAttempt, User
from app.analytics.fraud import address_fingerprint
from app.analytics.models import FlagStatus, FraudFlag
from app.attribution.models import Referral, RewardStatus, ShareLink, Visit
from app.commerce import coupons
from app.commerce.models import Order, Product
from app.errors import UserError
from app.rooms.models import Room

log = logging.getLogger("livemart.attribution")

EVIDENCE_WINDOW = timedelta(days=30)


async def _nets(user_id: int) -> set[str]:
    rows = (
        await Visit.filter(user_id=user_id).exclude(net="").distinct().values_list("net", flat=True)
    )
    return {str(r) for r in rows}


async def _browsers(user_id: int) -> set[str]:
    rows = (
        await Visit.filter(user_id=user_id, viewer_key__startswith="browser:")
        .distinct()
        .values_list("viewer_key", flat=True)
    )
    return {str(r) for r in rows}


async def _login_ips(user: User, since: datetime) -> set[str]:
    rows = await LoginAttempt.filter(
        email=user.email, success=True, created_at__gte=since
    ).values_list("ip", flat=True)
    return {str(ip) for ip in rows if ip and ip != "unknown"}


async def _addresses(user_id: int, since: datetime) -> set[str]:
    rows = await Order.filter(buyer_id=user_id, created_at__gte=since).values_list(
        "shipping", flat=True
    )
    return {address_fingerprint(dict(s)) for s in rows if isinstance(s, dict) and s}


async def abuse_reason(sharer_id: int, invitee_id: int, browser_key: str = "") -> str | None:
    """Why a reward for this invitation is refused, or None when nothing says one person
    is on both sides: a self-invite, the sharer's browser, one network address (visits or
    logins), one shipping address, or a fraud flag naming either account."""
    if sharer_id == invitee_id:
        return "a self-invite"
    sharer = await User.get_or_none(id=sharer_id)
    invitee = await User.get_or_none(id=invitee_id)
    if sharer is None or invitee is None:
        return "an account no longer exists"
    since = datetime.now(UTC) - EVIDENCE_WINDOW
    sharer_browsers = await _browsers(sharer_id)
    if browser_key in sharer_browsers or sharer_browsers & await _browsers(invitee_id):
        return "the same browser as the sharer"
    if await _nets(sharer_id) & await _nets(invitee_id):
        return "the same network address as the sharer"
    if await _login_ips(sharer, since) & await _login_ips(invitee, since):
        return "the same network address as the sharer"
    if await _addresses(sharer_id, since) & await _addresses(invitee_id, since):
        return "the same shipping address as the sharer"
    flags = await FraudFlag.filter(
        status__in=[FlagStatus.OPEN, FlagStatus.CONFIRMED], created_at__gte=since
    ).values_list("evidence", flat=True)
    for evidence in flags:
        ids: set[int] = set(evidence.get("user_ids") or ()) if isinstance(evidence, dict) else set()
        if sharer_id in ids or invitee_id in ids:
            return "an account is under a fraud review"
    return None


async def _merchant_of(link: ShareLink | None) -> User | None:
    if link is None:
        return None
    if link.room_id is not None:
        room = await Room.get_or_none(id=link.room_id)
        return await User.get_or_none(id=room.owner_id) if room else None
    product = await Product.get_or_none(id=link.product_id)
    return await User.get_or_none(id=product.merchant_id) if product else None


async def on_paid_order(invitee_id: int, order_id: int, reward_cents: int) -> Referral | None:
    """Decide the reward of the invitation of ``invitee_id`` at their first paid order
    (once: a decided invitation is left alone). None when they were not invited."""
    referral = await Referral.get_or_none(invitee_id=invitee_id, status=RewardStatus.PENDING)
    if referral is None:
        return None
    now = datetime.now(UTC)
    if reward_cents <= 0:
        status, reason = RewardStatus.OFF, "invite rewards are off"
    else:
        found = await abuse_reason(referral.sharer_id, invitee_id, referral.viewer_key)
        status, reason = (RewardStatus.REFUSED, found) if found else (RewardStatus.GRANTED, "")
    claimed = await Referral.filter(id=referral.id, status=RewardStatus.PENDING).update(
        status=status, reason=reason, decided_at=now
    )
    if not claimed:
        return None  # decided concurrently
    if status == RewardStatus.GRANTED:
        link = await ShareLink.get_or_none(id=referral.share_link_id)
        merchant = await _merchant_of(link)
        order = await Order.get(id=order_id)
        try:
            if merchant is None:
                raise UserError("NOT_FOUND", "the shared room or product is gone", None)
            coupon = await coupons.create_coupon(
                merchant,
                f"INV{secrets.token_hex(4).upper()}",
                "fixed",
                reward_cents,
                currency=order.currency,
                max_uses=1,
                per_user_limit=1,
            )
        except UserError as exc:
            log.warning("invite reward %s not given: %s", referral.id, exc.message)
            await Referral.filter(id=referral.id).update(
                status=RewardStatus.OFF, reason=exc.message
            )
        else:
            await Referral.filter(id=referral.id).update(coupon_id=coupon.id)
    return await Referral.get(id=referral.id)
