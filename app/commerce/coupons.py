"""Coupons: fixed or percent discounts with a minimum spend, a validity window, total and
per-user use limits, optionally tied to a room; and coupon drops into live rooms.

A merchant's coupon codes are unique per merchant; an order applies a code of its own
merchant. Limits hold under concurrency: the total with a conditional
``UPDATE coupons SET used_count = used_count + 1 WHERE used_count < max_uses`` (which also
locks the coupon row for the rest of the order's transaction), the per-user limit with a
unique ``(coupon, user, slot)`` redemption row. Cancelled, expired and refunded orders
give their use back.

A coupon dropped into a live room can be used only by the first ``first_n`` viewers who
claim it (a :class:`CouponClaim` each); drops and claims publish ``coupon.drop`` events.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from app import signals
from app.accounts.models import Role, User
from app.commerce.catalog import check_currency, require_merchant
from app.commerce.models import Coupon, CouponClaim, CouponKind, CouponRedemption, Order
from app.errors import NotFound, PermissionDenied, UserError
from app.experiments import coupons as experiment_coupons
from app.i18n.formatting import format_decimal_money
from app.rooms import events
from app.rooms.models import Room, RoomStatus

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,31}$")
MAX_FIXED_CENTS = 10_000_000
MAX_DROP = 100_000


def now() -> datetime:
    return datetime.now(UTC)


def normalize_code(code: str, field: str = "code") -> str:
    code = (code or "").strip().upper()
    if not CODE_RE.match(code):
        raise UserError("INVALID_CODE", "a code is 3 to 32 letters, digits, - and _", field)
    return code


def _aware(at: datetime | None) -> datetime | None:
    if at is not None and at.tzinfo is None:
        return at.replace(tzinfo=UTC)
    return at


async def create_coupon(
    merchant: User,
    code: str,
    kind: str,
    amount: int,
    *,
    currency: str = "USD",
    min_spend_cents: int = 0,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    max_uses: int | None = None,
    per_user_limit: int = 1,
    room_id: int | None = None,
) -> Coupon:
    """A new coupon of ``merchant``.

    ``kind`` is ``fixed`` (``amount`` in minor units of ``currency``) or ``percent``
    (``amount`` 1–100). ``max_uses`` None means unlimited; ``room_id`` restricts it to
    orders placed in that room.
    """
    require_merchant(merchant)
    code = normalize_code(code)
    try:
        kind_value = CouponKind(str(getattr(kind, "value", kind)).lower())
    except ValueError:
        raise UserError("INVALID_KIND", "a coupon is fixed or percent", "kind") from None
    if not isinstance(amount, int):
        raise UserError("INVALID_AMOUNT", "the amount must be a whole number", "amount")
    if kind_value == CouponKind.PERCENT and not 1 <= amount <= 100:
        raise UserError("INVALID_AMOUNT", "a percent discount is between 1 and 100", "amount")
    if kind_value == CouponKind.FIXED and not 1 <= amount <= MAX_FIXED_CENTS:
        raise UserError(
            "INVALID_AMOUNT", "a fixed discount is a positive amount in minor units", "amount"
        )
    currency = check_currency(currency)
    if not isinstance(min_spend_cents, int) or not 0 <= min_spend_cents <= 100_000_000:
        raise UserError("INVALID_MIN_SPEND", "the minimum spend is not valid", "minSpendCents")
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    if starts_at and ends_at and ends_at <= starts_at:
        raise UserError("INVALID_WINDOW", "the coupon must end after it starts", "endsAt")
    if ends_at and ends_at <= now():
        raise UserError("INVALID_WINDOW", "the end of the window is in the past", "endsAt")
    if max_uses is not None and not 1 <= max_uses <= 10_000_000:
        raise UserError("INVALID_LIMIT", "the use limit must be at least 1", "maxUses")
    if not 1 <= per_user_limit <= 100:
        raise UserError("INVALID_LIMIT", "the per-user limit is between 1 and 100", "perUserLimit")
    if room_id is not None:
        room = await Room.get_or_none(id=room_id)
        if room is None:
            raise NotFound("room", "roomId")
        if room.owner_id != merchant.id and merchant.role != Role.ADMIN:
            raise PermissionDenied("you can only tie coupons to your own rooms")
    if await Coupon.filter(merchant_id=merchant.id, code=code).exists():
        raise _code_taken()
    try:
        return await Coupon.create(
            merchant_id=merchant.id,
            code=code,
            kind=kind_value,
            amount=amount,
            currency=currency,
            min_spend_cents=min_spend_cents,
            starts_at=starts_at,
            ends_at=ends_at,
            max_uses=max_uses,
            per_user_limit=per_user_limit,
            room_id=room_id,
        )
    except IntegrityError:
        raise _code_taken() from None


def _code_taken() -> UserError:
    return UserError("CODE_TAKEN", "you already have a coupon with this code", "code")


async def get_coupon(coupon_id: int) -> Coupon:
    coupon = await Coupon.get_or_none(id=coupon_id)
    if coupon is None:
        raise NotFound("coupon", "couponId")
    return coupon


async def owned_coupon(merchant: User, coupon_id: int) -> Coupon:
    coupon = await get_coupon(coupon_id)
    if coupon.merchant_id != merchant.id and merchant.role != Role.ADMIN:
        raise PermissionDenied("this is not your coupon")
    return coupon


async def set_coupon_active(merchant: User, coupon_id: int, active: bool) -> Coupon:
    coupon = await owned_coupon(merchant, coupon_id)
    await Coupon.filter(id=coupon.id).update(is_active=active)
    coupon.is_active = active
    return coupon


async def merchant_coupons(merchant: User) -> list[Coupon]:
    return await Coupon.filter(merchant_id=merchant.id).order_by("-id")


async def get_coupons(ids: list[int]) -> dict[int, Coupon]:
    return {c.id: c for c in await Coupon.filter(id__in=list(ids))}


def may_see_coupon(viewer: User | None, coupon: Coupon) -> bool:
    """A dropped coupon is public (its code was announced in the room); any other only to
    its merchant and admins."""
    if coupon.drop_limit is not None:
        return True
    return viewer is not None and (viewer.id == coupon.merchant_id or viewer.role == Role.ADMIN)


async def visible_coupons(ids: list[int], viewer: User | None) -> dict[int, Coupon]:
    """The coupons of ``ids`` that ``viewer`` may see (:func:`may_see_coupon`), by id."""
    found = await get_coupons(ids)
    return {cid: c for cid, c in found.items() if may_see_coupon(viewer, c)}


# --- applying a coupon to an order ------------------------------------------------------


def discount_for(coupon: Coupon, subtotal_cents: int) -> int:
    """The discount ``coupon`` gives on ``subtotal_cents`` (never more than the subtotal)."""
    if coupon.kind == CouponKind.PERCENT:
        discount = subtotal_cents * coupon.amount // 100
    else:
        discount = coupon.amount
    return max(0, min(subtotal_cents, discount))


async def find_coupon(merchant_id: int, code: str, using_db: Any = None) -> Coupon:
    coupon = (
        await Coupon.filter(merchant_id=merchant_id, code=normalize_code(code, "couponCode"))
        .using_db(using_db)
        .first()
    )
    if coupon is None:
        raise UserError("COUPON_NOT_FOUND", "this coupon code does not exist", "couponCode")
    return coupon


async def check_coupon(
    coupon: Coupon,
    *,
    buyer_id: int,
    subtotal_cents: int,
    currency: str,
    room_id: int | None,
    at: datetime | None = None,
    using_db: Any = None,
) -> int:
    """The discount for this order, or a user error saying why the coupon does not apply."""
    at = at or now()
    field = "couponCode"
    if not coupon.is_active:
        raise UserError("COUPON_INACTIVE", "this coupon is no longer active", field)
    if coupon.starts_at and at < coupon.starts_at:
        raise UserError("COUPON_NOT_STARTED", "this coupon is not valid yet", field)
    if coupon.ends_at and at >= coupon.ends_at:
        raise UserError("COUPON_EXPIRED", "this coupon has expired", field)
    if coupon.room_id is not None and coupon.room_id != room_id:
        raise UserError("COUPON_WRONG_ROOM", "this coupon is only valid in its live room", field)
    if coupon.kind == CouponKind.FIXED and coupon.currency != currency:
        raise UserError(
            "COUPON_CURRENCY", "this coupon is in {currency}", field, {"currency": coupon.currency}
        )
    if subtotal_cents < coupon.min_spend_cents:
        raise UserError(
            "COUPON_MIN_SPEND",
            "spend at least {amount} to use this coupon",
            field,
            {"amount": format_decimal_money(coupon.min_spend_cents)},
        )
    if coupon.max_uses is not None and coupon.used_count >= coupon.max_uses:
        raise UserError("COUPON_USED_UP", "this coupon has been used up", field)
    if coupon.drop_limit is not None:
        claimed = (
            await CouponClaim.filter(coupon_id=coupon.id, user_id=buyer_id)
            .using_db(using_db)
            .exists()
        )
        if not claimed:
            raise UserError("COUPON_NOT_CLAIMED", "claim this coupon in the live room first", field)
    return discount_for(coupon, subtotal_cents)


async def consume(
    coupon: Coupon, buyer_id: int, order: Order, discount_cents: int, using_db: Any
) -> CouponRedemption:
    """Record one use of ``coupon`` by ``order`` inside the order's transaction.

    Raises ``COUPON_USED_UP`` / ``COUPON_LIMIT_REACHED`` when a limit is reached; the
    caller's transaction then rolls back.
    """
    query = Coupon.filter(id=coupon.id)
    if coupon.max_uses is not None:
        query = query.filter(used_count__lt=coupon.max_uses)
    # Locks the coupon row until the order commits: uses of one coupon run one at a time.
    if not await query.using_db(using_db).update(used_count=F("used_count") + 1):
        raise UserError("COUPON_USED_UP", "this coupon has been used up", "couponCode")
    taken = set(
        await CouponRedemption.filter(coupon_id=coupon.id, user_id=buyer_id)
        .using_db(using_db)
        .values_list("slot", flat=True)
    )
    free = [s for s in range(1, coupon.per_user_limit + 1) if s not in taken]
    if not free:
        raise _limit_reached(coupon)
    try:
        async with using_db._in_transaction() as savepoint:
            return await CouponRedemption.create(
                coupon_id=coupon.id,
                user_id=buyer_id,
                order_id=order.id,
                slot=free[0],
                discount_cents=discount_cents,
                using_db=savepoint,
            )
    except IntegrityError:
        raise _limit_reached(coupon) from None


def _limit_reached(coupon: Coupon) -> UserError:
    if coupon.per_user_limit == 1:
        return UserError("COUPON_LIMIT_REACHED", "you can use this coupon once", "couponCode")
    return UserError(
        "COUPON_LIMIT_REACHED",
        "you can use this coupon {count} times",
        "couponCode",
        {"count": coupon.per_user_limit},
    )


async def release(order: Order, using_db: Any) -> None:
    """Give back the coupon use of a cancelled, expired or refunded order."""
    deleted = await CouponRedemption.filter(order_id=order.id).using_db(using_db).delete()
    if deleted and order.coupon_id is not None:
        await (
            Coupon.filter(id=order.coupon_id, used_count__gt=0)
            .using_db(using_db)
            .update(used_count=F("used_count") - 1)
        )


# --- drops -------------------------------------------------------------------------------


def drop_event(coupon: Coupon) -> events.CouponDropChanged:
    return events.CouponDropChanged(
        coupon_id=coupon.id,
        code=coupon.code,
        remaining=max(0, (coupon.drop_limit or 0) - coupon.claimed_count),
        ends_at=coupon.drop_ends_at or coupon.ends_at,
    )


async def drop_coupon(
    merchant: User,
    room_id: int,
    coupon_id: int,
    first_n: int,
    duration_seconds: int | None = None,
) -> Coupon:
    """Drop a coupon into the merchant's live room for the first ``first_n`` claimers."""
    coupon = await owned_coupon(merchant, coupon_id)
    room = await Room.get_or_none(id=room_id)
    if room is None:
        raise NotFound("room", "roomId")
    if room.owner_id != merchant.id and merchant.role != Role.ADMIN:
        raise PermissionDenied("you can only drop coupons into your own rooms")
    if room.status != RoomStatus.LIVE:
        raise UserError("ROOM_NOT_LIVE", "drop coupons while the room is live", "roomId")
    if not isinstance(first_n, int) or not 1 <= first_n <= MAX_DROP:
        raise UserError(
            "INVALID_LIMIT", "first N is between 1 and {max}", "firstN", {"max": MAX_DROP}
        )
    if duration_seconds is not None and not 10 <= duration_seconds <= 86_400:
        raise UserError("INVALID_DURATION", "a drop lasts 10 seconds to a day", "durationSeconds")
    if coupon.room_id is not None and coupon.room_id != room.id:
        raise UserError("COUPON_WRONG_ROOM", "this coupon belongs to another room", "roomId")
    if not coupon.is_active or (coupon.ends_at and coupon.ends_at <= now()):
        raise UserError("COUPON_INACTIVE", "this coupon is not active", "couponId")
    ends = now() + timedelta(seconds=duration_seconds) if duration_seconds else coupon.ends_at
    updated = await Coupon.filter(id=coupon.id, drop_limit__isnull=True).update(
        drop_room_id=room.id, drop_limit=first_n, dropped_at=now(), drop_ends_at=ends
    )
    if not updated:
        raise UserError("ALREADY_DROPPED", "this coupon was already dropped", "couponId")
    coupon = await get_coupon(coupon.id)
    await events.publish(room.id, drop_event(coupon))
    await signals.emit(
        "coupon.dropped",
        coupon_id=coupon.id,
        room_id=room.id,
        streamer_id=room.owner_id,
        code=coupon.code,
        first_n=first_n,
    )
    return coupon


async def room_drops(room_id: int) -> list[events.CouponDropChanged]:
    """The room's running coupon drops (newest first) as ``coupon.drop`` event data, for a
    page that opens after the drop was announced."""
    found = await Coupon.filter(
        drop_room_id=room_id, drop_limit__isnull=False, is_active=True
    ).order_by("-dropped_at", "-id")
    at = now()
    return [
        drop_event(c)
        for c in found
        if not (c.drop_ends_at and c.drop_ends_at <= at) and not (c.ends_at and c.ends_at <= at)
    ]


async def claim_coupon(user: User, coupon_id: int) -> CouponClaim:
    """Claim a dropped coupon: only the first N claimers get one, one each."""
    coupon = await get_coupon(coupon_id)
    if coupon.drop_limit is None or coupon.drop_room_id is None:
        raise UserError("NOT_DROPPED", "this coupon was not dropped in a room", "couponId")
    drop_room_id = coupon.drop_room_id
    if coupon.merchant_id == user.id:
        raise UserError("OWN_COUPON", "you cannot claim your own coupon", "couponId")
    at = now()
    if (coupon.drop_ends_at and at >= coupon.drop_ends_at) or not coupon.is_active:
        raise UserError("DROP_ENDED", "this coupon drop has ended", "couponId")
    # While the merchant runs a coupon experiment the claim holds the viewer's variant.
    held = await experiment_coupons.coupon_for_claim(coupon, user.id)
    if await CouponClaim.filter(coupon_id__in={coupon.id, held.id}, user_id=user.id).exists():
        raise _already_claimed()
    try:
        async with in_transaction() as conn:
            taken = (
                await Coupon.filter(id=coupon.id, claimed_count__lt=coupon.drop_limit)
                .using_db(conn)
                .update(claimed_count=F("claimed_count") + 1)
            )
            if not taken:
                raise UserError("DROP_SOLD_OUT", "all coupons of this drop are taken", "couponId")
            if held.id != coupon.id:
                await (
                    Coupon.filter(id=held.id)
                    .using_db(conn)
                    .update(claimed_count=F("claimed_count") + 1)
                )
            claim = await CouponClaim.create(coupon_id=held.id, user_id=user.id, using_db=conn)
    except IntegrityError:
        raise _already_claimed() from None
    coupon = await get_coupon(coupon.id)
    await events.publish(drop_room_id, drop_event(coupon))
    return claim


def _already_claimed() -> UserError:
    return UserError("ALREADY_CLAIMED", "you already claimed this coupon", "couponId")


async def claimed_coupons(user: User) -> list[Coupon]:
    """The coupons ``user`` claimed, newest claim first."""
    ids: list[Any] = (
        await CouponClaim.filter(user_id=user.id)
        .order_by("-id")
        .values_list("coupon_id", flat=True)
    )
    found = await get_coupons(list(ids))
    return [found[i] for i in ids if i in found]
