"""Last non-direct touch attribution: a follow or a paid order is credited to the newest
visit of the same person to the same room (or product) before it, within
:data:`LOOKBACK`, that came from somewhere (a ``direct`` visit, such as the return to the
room after signing up, does not wipe out the share link that brought them); an
anonymous browser's visits become the account's when it signs in (:func:`claim_browser`),
which is also where an invitation is recorded."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from app.accounts.models import User
from app.attribution import rewards
from app.attribution.models import AttributedFollow, AttributedOrder, Referral, ShareLink, Visit
from app.attribution.sources import Source
from app.rooms.models import Room

log = logging.getLogger("livemart.attribution")

LOOKBACK = timedelta(days=7)
FOLLOW_LOOKBACK = timedelta(days=1)
SLACK = timedelta(seconds=5)  # a beacon may land just after the order it led to


async def claim_browser(user_id: int, browser_key: str) -> None:
    """Give ``user_id`` the anonymous visits of its browser; record an invitation when the
    account was created after the browser came through someone else's share link."""
    key = browser_key if browser_key.startswith("browser:") else f"browser:{browser_key}"
    first_share = (
        await Visit.filter(viewer_key=key, share_link_id__not_isnull=True)
        .filter(Q(user_id=None) | Q(user_id=user_id))
        .order_by("at")
        .first()
    )
    await Visit.filter(viewer_key=key, user_id=None).update(user_id=user_id)
    if first_share is None:
        return
    user = await User.get_or_none(id=user_id)
    link = await ShareLink.get_or_none(id=first_share.share_link_id)
    if (
        user is None
        or link is None
        or link.sharer_id == user_id
        or user.created_at < first_share.at - SLACK
    ):
        return  # the account existed before it came through the link: not an invitation
    if await Referral.exists(invitee_id=user_id):
        return
    try:
        await Referral.create(
            invitee_id=user_id, sharer_id=link.sharer_id, share_link_id=link.id, viewer_key=key
        )
    except IntegrityError:
        pass  # recorded concurrently


async def _last_touch(user_id: int, at: datetime, lookback: timedelta, where: Q) -> Visit | None:
    visits = Visit.filter(where, user_id=user_id, at__lte=at + SLACK, at__gte=at - lookback)
    found = await visits.exclude(source=Source.DIRECT.value).order_by("-at", "-id").first()
    return found or await visits.order_by("-at", "-id").first()


async def attribute_follow(streamer_id: int, user_id: int, at: datetime) -> AttributedFollow:
    """Credit a new follow to the visit to one of the streamer's rooms that led to it."""
    rooms = await Room.filter(owner_id=streamer_id).values_list("id", flat=True)
    visit = (
        await _last_touch(user_id, at, FOLLOW_LOOKBACK, Q(room_id__in=list(rooms)))
        if rooms
        else None
    )
    return await AttributedFollow.create(
        streamer_id=streamer_id,
        user_id=user_id,
        room_id=visit.room_id if visit else None,
        source=visit.source if visit else Source.DIRECT.value,
        share_link_id=visit.share_link_id if visit else None,
        at=at,
    )


async def attribute_order(
    order_id: int,
    user_id: int,
    room_id: int | None,
    product_ids: Iterable[int],
    total_cents: int,
    currency: str,
    at: datetime,
    reward_cents: int = 0,
) -> AttributedOrder | None:
    """Credit a paid order to the buyer's newest visit to its room or one of its products
    (``direct`` when none); on the invitee's first paid order, decide the sharer's reward.
    None when the order was attributed before."""
    if await AttributedOrder.exists(order_id=order_id):
        return None
    where = Q(product_id__in=list(product_ids)) if product_ids else Q(id=-1)
    if room_id is not None:
        where = where | Q(room_id=room_id)
    visit = await _last_touch(user_id, at, LOOKBACK, where)
    try:
        attributed = await AttributedOrder.create(
            order_id=order_id,
            buyer_id=user_id,
            room_id=room_id if room_id is not None else (visit.room_id if visit else None),
            source=visit.source if visit else Source.DIRECT.value,
            share_link_id=visit.share_link_id if visit else None,
            total_cents=total_cents,
            currency=currency,
            paid_at=at,
        )
    except IntegrityError:
        return None
    await rewards.on_paid_order(user_id, order_id, reward_cents)
    return attributed
