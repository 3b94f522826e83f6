"""Buying coins: fixed coin packs paid by card through the payments facade
(:func:`app.payments.get_payments`).

A top-up charges the card (idempotently, keyed by user + client key), then in one
transaction records a :class:`TopUp` and credits the coins from the system wallet
``external``. The ``(user, idempotency_key)`` unique constraint makes a retried or
double-submitted top-up credit once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.accounts.models import Role, User
from app.errors import NotFound, UserError
from app.gifts import wallet
from app.gifts.models import EntryKind, TopUp, Wallet
from app.payments import get_payments

MAX_TOPUPS_PER_HOUR = 10


@dataclass(frozen=True)
class CoinPack:
    id: str
    coins: int
    price_cents: int
    currency: str = "USD"

    @property
    def label(self) -> str:
        return f"{self.coins} coins"

    @property
    def price(self) -> str:
        return f"{self.price_cents / 100:.2f} {self.currency}"


COIN_PACKS: tuple[CoinPack, ...] = (
    CoinPack("coins-60", 60, 99),
    CoinPack("coins-300", 300, 499),
    CoinPack("coins-980", 980, 1499),
    CoinPack("coins-1980", 1980, 2999),
)


@dataclass(frozen=True)
class TopUpResult:
    top_up: TopUp
    replayed: bool = False


def coin_packs() -> tuple[CoinPack, ...]:
    return COIN_PACKS


def get_pack(pack_id: str) -> CoinPack:
    for pack in COIN_PACKS:
        if pack.id == pack_id:
            return pack
    raise NotFound("coin pack", "packId")


def check_key(key: str) -> str:
    """A client idempotency key: 1–64 printable characters."""
    key = (key or "").strip()
    if not 1 <= len(key) <= 64 or not key.isprintable():
        raise UserError(
            "INVALID_IDEMPOTENCY_KEY",
            "send an idempotency key of 1 to 64 characters",
            "idempotencyKey",
        )
    return key


async def _earlier(user: User, key: str, pack: CoinPack) -> TopUpResult | None:
    found = await TopUp.get_or_none(user_id=user.id, idempotency_key=key)
    if found is None:
        return None
    if found.pack_id != pack.id:
        raise wallet.mismatch_error()
    return TopUpResult(found, replayed=True)


async def top_up(user: User, pack_id: str, card_number: str, idempotency_key: str) -> TopUpResult:
    """Buy a coin pack: charge the card, then credit the coins.

    Errors: ``NOT_FOUND`` (pack), ``INVALID_CARD``, ``PAYMENT_DECLINED``,
    ``WALLET_FROZEN``, ``TOO_MANY_TOPUPS``, ``IDEMPOTENCY_MISMATCH``,
    ``INVALID_IDEMPOTENCY_KEY``. A retry with the same key returns the first top-up.
    """
    key = check_key(idempotency_key)
    pack = get_pack(pack_id)
    earlier = await _earlier(user, key, pack)
    if earlier is not None:
        return earlier
    account = await wallet.get_wallet(user.id)
    if account.frozen:
        raise wallet.frozen_error()
    since = datetime.now(UTC) - timedelta(hours=1)
    if await TopUp.filter(user_id=user.id, created_at__gte=since).count() >= MAX_TOPUPS_PER_HOUR:
        raise UserError(
            "TOO_MANY_TOPUPS",
            "at most {max} top-ups an hour; try later",
            None,
            {"max": MAX_TOPUPS_PER_HOUR},
        )
    charge = await get_payments().charge_card(
        amount_cents=pack.price_cents,
        currency=pack.currency,
        card_number=card_number,
        idempotency_key=f"topup:{user.id}:{key}",
    )
    txid = uuid.uuid4()
    try:
        async with in_transaction() as conn:
            record = await TopUp.create(
                user_id=user.id,
                pack_id=pack.id,
                coins=pack.coins,
                amount_cents=pack.price_cents,
                currency=pack.currency,
                provider=charge.provider,
                charge_id=charge.id,
                card_last4=charge.card_last4,
                idempotency_key=key,
                transaction_id=txid,
                using_db=conn,
            )
            await wallet.credit(
                user.id,
                pack.coins,
                EntryKind.TOPUP,
                f"topup:{record.id}",
                f"topup:{user.id}:{key}",
                from_system=wallet.SYSTEM_EXTERNAL,
                transaction_id=txid,
                connection=conn,
            )
    except IntegrityError:
        earlier = await _earlier(user, key, pack)
        if earlier is None:
            raise
        return earlier
    return TopUpResult(record)


def top_ups_query(user: User):
    return TopUp.filter(user_id=user.id).order_by("-id")


async def visible_top_ups(ids: list[int], viewer: User | None) -> dict[int, TopUp]:
    """The top-ups of ``ids`` that ``viewer`` may see, by id: their own; an admin sees
    every one; anonymous viewers none."""
    if viewer is None:
        return {}
    query = TopUp.filter(id__in=list(ids))
    if viewer.role != Role.ADMIN:
        query = query.filter(user_id=viewer.id)
    return {top_up.id: top_up for top_up in await query}


async def wallet_of(user: User) -> Wallet:
    return await wallet.get_wallet(user.id)
