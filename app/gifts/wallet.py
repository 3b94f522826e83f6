"""Coin wallets and the double-entry ledger: the one place where balances change.

Every balance change is a *transfer* between two wallets: both balances move with
conditional ``UPDATE`` statements (never read-then-write) and two :class:`LedgerEntry`
rows sharing a ``transaction_id`` record it, in one database transaction. Coins enter the
platform from the system wallet ``external`` (top-ups) and can be collected in the system
wallet ``platform`` (e.g. orders paid with coins), so every transaction sums to zero and
``wallet.balance == sum(entries.delta)`` for every wallet (see :func:`audit`).

Public API (commerce uses these for orders paid with coins and their refunds)::

    async with in_transaction() as conn:
        order = await Order.create(..., using_db=conn)
        t = await wallet.debit(buyer_id, 120, EntryKind.ORDER_PAYMENT, f"order:{order.id}",
                               idempotency_key=f"order:{order.id}", connection=conn)
    ...
    await wallet.reverse(t.transaction_id, ref=f"refund:{order.id}", kind=EntryKind.REFUND)

* :func:`transfer` — user → user (gifts; a buyer paying a merchant in coins).
* :func:`debit` — user → system wallet (``platform`` by default).
* :func:`credit` — system wallet (``platform`` by default, ``external`` for top-ups) → user.
* :func:`reverse` — undo an earlier transfer (refund, chargeback, fraud reversal).

Each takes an optional ``connection``: pass the connection of your ``in_transaction()``
block and the ledger change commits or rolls back with your own writes. Without one the
function runs in its own transaction — or, called inside an ``in_transaction()`` block, in
a savepoint of it (Tortoise routes queries to the current transaction), so you may catch
an ``INSUFFICIENT_COINS`` and carry on.

Errors (all :class:`~app.errors.UserError`, raised before anything is committed):
``INSUFFICIENT_COINS`` (field ``coins``), ``WALLET_FROZEN``, ``INVALID_AMOUNT``,
``INVALID_TRANSFER`` (to the same wallet), ``IDEMPOTENCY_MISMATCH`` (the key was used for
a different transfer), ``NOT_FOUND`` (reversing an unknown transaction).

Idempotency: a transfer made with ``idempotency_key`` stores the key on both entries
(unique per wallet). Calling again with the same key and the same parameters returns the
first :class:`Transfer` with ``replayed=True`` and moves nothing. Keys are global:
namespace them (``f"order:{order_id}"``, ``f"gift:{user_id}:{client_key}"``). Two identical
calls racing are resolved by the unique constraint: without ``connection`` the loser
returns the winner's transfer; with ``connection`` the loser's ``IntegrityError``
propagates (PostgreSQL aborts the caller's transaction), so claim your own idempotency
row first, as :func:`app.gifts.services.send_gift` does.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.functions import Sum
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app.accounts.models import Role, User
from app.errors import NotFound, UserError
from app.gifts.models import EntryKind, LedgerEntry, Wallet

SYSTEM_EXTERNAL = "external"
SYSTEM_PLATFORM = "platform"
SYSTEM_WALLETS = (SYSTEM_EXTERNAL, SYSTEM_PLATFORM)
MAX_TRANSFER = 10_000_000_000


@dataclass(frozen=True)
class Transfer:
    """The two ledger entries of one transfer (``debit.delta == -credit.delta``)."""

    transaction_id: uuid.UUID
    debit: LedgerEntry
    credit: LedgerEntry
    replayed: bool = False

    @property
    def coins(self) -> int:
        return self.credit.delta


def now() -> datetime:
    return datetime.now(UTC)


def insufficient(coins: int, have: int | None = None) -> UserError:
    if have is None:
        return UserError(
            "INSUFFICIENT_COINS", "you need {coins} coins; top up first", "coins", {"coins": coins}
        )
    return UserError(
        "INSUFFICIENT_COINS",
        "you need {coins} coins (you have {have}); top up first",
        "coins",
        {"coins": coins, "have": have},
    )


def frozen_error() -> UserError:
    return UserError("WALLET_FROZEN", "this wallet is frozen; contact support", None)


def mismatch_error(field: str = "idempotencyKey") -> UserError:
    return UserError(
        "IDEMPOTENCY_MISMATCH",
        "this idempotency key was already used for a different request",
        field,
    )


@asynccontextmanager
async def _atomic(connection: BaseDBAsyncClient | None) -> AsyncIterator[BaseDBAsyncClient]:
    if connection is not None:
        yield connection
    else:
        async with in_transaction() as conn:
            yield conn


# --- wallets ---------------------------------------------------------------------------


async def _wallet_id(
    *, user_id: int | None = None, system: str | None = None, connection: Any = None
) -> int:
    """The id of a user's (or a system) wallet, creating it when missing (race-safe)."""
    lookup: dict[str, Any] = {"user_id": user_id} if system is None else {"system": system}
    found: list[Any] = (
        await Wallet.filter(**lookup).using_db(connection).values_list("id", flat=True)
    )
    if found:
        return int(found[0])
    # INSERT .. ON CONFLICT DO NOTHING / INSERT OR IGNORE: never aborts a transaction.
    await Wallet.bulk_create([Wallet(**lookup)], ignore_conflicts=True, using_db=connection)
    return (await Wallet.get(**lookup, using_db=connection)).id


async def get_wallet(user_id: int, connection: Any = None) -> Wallet:
    """The user's wallet (created with a zero balance on first use)."""
    wallet_id = await _wallet_id(user_id=user_id, connection=connection)
    return await Wallet.get(id=wallet_id, using_db=connection)


async def get_system_wallet(name: str = SYSTEM_EXTERNAL) -> Wallet:
    if name not in SYSTEM_WALLETS:
        raise ValueError(f"unknown system wallet {name!r}")
    return await Wallet.get(id=await _wallet_id(system=name))


async def balance_of(user_id: int) -> int:
    """The user's coin balance (0 without a wallet; creates nothing)."""
    found: list[Any] = await Wallet.filter(user_id=user_id).values_list("balance", flat=True)
    return int(found[0]) if found else 0


async def set_frozen(user_id: int, frozen: bool = True) -> Wallet:
    """Freeze (or unfreeze) a user's wallet: a frozen wallet cannot pay or top up;
    it still receives credits (gifts, refunds)."""
    wallet = await get_wallet(user_id)
    await Wallet.filter(id=wallet.id).update(frozen=frozen, updated_at=now())
    wallet.frozen = frozen
    return wallet


def ledger_query(wallet_id: int) -> QuerySet[LedgerEntry]:
    """A wallet's ledger entries, newest first."""
    return LedgerEntry.filter(wallet_id=wallet_id).order_by("-id")


async def ledger_page(
    wallet_id: int, before: int | None = None, limit: int = 30
) -> list[LedgerEntry]:
    """Up to ``limit`` entries of a wallet older than entry ``before``, newest first."""
    query = ledger_query(wallet_id)
    if before:
        query = query.filter(id__lt=before)
    return await query.limit(limit)


async def visible_entries(ids: list[int], viewer: User | None) -> dict[int, LedgerEntry]:
    """The ledger entries of ``ids`` that ``viewer`` may see, by id: those of their own
    wallet; an admin sees every entry; anonymous viewers none."""
    if viewer is None:
        return {}
    query = LedgerEntry.filter(id__in=list(ids))
    if viewer.role != Role.ADMIN:
        query = query.filter(wallet__user_id=viewer.id)
    return {entry.id: entry for entry in await query}


# --- transfers -------------------------------------------------------------------------


def _check_amount(coins: int) -> None:
    if not isinstance(coins, int) or isinstance(coins, bool) or not 0 < coins <= MAX_TRANSFER:
        raise UserError("INVALID_AMOUNT", "the amount must be a positive number of coins", "coins")


async def _replay(
    from_id: int, to_id: int, coins: int, key: str, connection: Any
) -> Transfer | None:
    """The earlier transfer made with ``key`` from ``from_id``, or None."""
    debit = (
        await LedgerEntry.filter(wallet_id=from_id, idempotency_key=key)
        .using_db(connection)
        .first()
    )
    if debit is None:
        return None
    credit = (
        await LedgerEntry.filter(transaction_id=debit.transaction_id)
        .exclude(id=debit.id)
        .using_db(connection)
        .first()
    )
    if credit is None or credit.wallet_id != to_id or debit.delta != -coins:
        raise mismatch_error()
    return Transfer(debit.transaction_id, debit, credit, replayed=True)


async def _take(wallet_id: int, coins: int, may_go_negative: bool, conn: Any) -> None:
    """Conditionally subtract ``coins``; a user-error when the wallet cannot pay."""
    query = Wallet.filter(id=wallet_id)
    if not may_go_negative:
        query = query.filter(balance__gte=coins, frozen=False)
    updated = await query.using_db(conn).update(balance=F("balance") - coins, updated_at=now())
    if updated:
        return
    wallet = await Wallet.get_or_none(id=wallet_id, using_db=conn)
    if wallet is None:
        raise NotFound("wallet")
    if wallet.frozen:
        raise frozen_error()
    raise insufficient(coins, wallet.balance)


async def _give(wallet_id: int, coins: int, conn: Any) -> None:
    await (
        Wallet.filter(id=wallet_id)
        .using_db(conn)
        .update(balance=F("balance") + coins, updated_at=now())
    )


async def _move(
    from_id: int,
    to_id: int,
    coins: int,
    debit_kind: EntryKind,
    credit_kind: EntryKind,
    ref: str,
    key: str | None,
    transaction_id: uuid.UUID | None,
    connection: Any,
) -> Transfer:
    _check_amount(coins)
    if from_id == to_id:
        raise UserError("INVALID_TRANSFER", "cannot transfer coins to the same wallet", None)
    try:
        async with _atomic(connection) as conn:
            if key is not None:
                earlier = await _replay(from_id, to_id, coins, key, conn)
                if earlier is not None:
                    return earlier
            system_ids = set(
                await Wallet.filter(id__in=[from_id, to_id], system__isnull=False)
                .using_db(conn)
                .values_list("id", flat=True)
            )
            # Lock rows in id order so two opposite transfers cannot deadlock.
            for wallet_id in sorted((from_id, to_id)):
                if wallet_id == from_id:
                    await _take(from_id, coins, from_id in system_ids, conn)
                else:
                    await _give(to_id, coins, conn)
            # Both rows are locked by this transaction: their balances are ours.
            balances = dict(
                await Wallet.filter(id__in=[from_id, to_id])
                .using_db(conn)
                .values_list("id", "balance")
            )
            txid = transaction_id or uuid.uuid4()
            debit = await LedgerEntry.create(
                wallet_id=from_id,
                delta=-coins,
                balance_after=balances[from_id],
                kind=debit_kind,
                ref=ref[:80],
                idempotency_key=key,
                transaction_id=txid,
                using_db=conn,
            )
            credit = await LedgerEntry.create(
                wallet_id=to_id,
                delta=coins,
                balance_after=balances[to_id],
                kind=credit_kind,
                ref=ref[:80],
                idempotency_key=key,
                transaction_id=txid,
                using_db=conn,
            )
            return Transfer(txid, debit, credit)
    except IntegrityError:
        if key is None or connection is not None:
            raise
        # An identical request committed first: answer with its transfer.
        earlier = await _replay(from_id, to_id, coins, key, None)
        if earlier is None:
            raise
        return earlier


async def transfer(
    from_user_id: int,
    to_user_id: int,
    coins: int,
    kind: EntryKind,
    ref: str,
    idempotency_key: str | None = None,
    *,
    credit_kind: EntryKind | None = None,
    transaction_id: uuid.UUID | None = None,
    connection: BaseDBAsyncClient | None = None,
) -> Transfer:
    """Move ``coins`` from one user's wallet to another's.

    ``kind`` labels the payer's entry and ``credit_kind`` (default: ``kind``) the
    payee's, e.g. ``GIFT_SENT`` / ``GIFT_RECEIVED``. ``ref`` names the business object
    (``"gift:12"``, ``"order:7"``). Raises ``INSUFFICIENT_COINS`` / ``WALLET_FROZEN``
    when the payer cannot pay; nothing changes then.
    """
    conn = connection
    from_id = await _wallet_id(user_id=from_user_id, connection=conn)
    to_id = await _wallet_id(user_id=to_user_id, connection=conn)
    return await _move(
        from_id,
        to_id,
        coins,
        kind,
        credit_kind or kind,
        ref,
        idempotency_key,
        transaction_id,
        conn,
    )


async def debit(
    user_id: int,
    coins: int,
    kind: EntryKind,
    ref: str,
    idempotency_key: str | None = None,
    *,
    to_system: str = SYSTEM_PLATFORM,
    connection: BaseDBAsyncClient | None = None,
) -> Transfer:
    """Take ``coins`` from a user into a system wallet (e.g. an order paid with coins)."""
    from_id = await _wallet_id(user_id=user_id, connection=connection)
    to_id = await _wallet_id(system=to_system, connection=connection)
    return await _move(from_id, to_id, coins, kind, kind, ref, idempotency_key, None, connection)


async def credit(
    user_id: int,
    coins: int,
    kind: EntryKind,
    ref: str,
    idempotency_key: str | None = None,
    *,
    from_system: str = SYSTEM_PLATFORM,
    transaction_id: uuid.UUID | None = None,
    connection: BaseDBAsyncClient | None = None,
) -> Transfer:
    """Give ``coins`` to a user from a system wallet (top-ups come from ``external``;
    refunds and adjustments from ``platform``). System wallets may go negative."""
    from_id = await _wallet_id(system=from_system, connection=connection)
    to_id = await _wallet_id(user_id=user_id, connection=connection)
    return await _move(
        from_id, to_id, coins, kind, kind, ref, idempotency_key, transaction_id, connection
    )


async def reverse(
    transaction_id: uuid.UUID | str,
    ref: str,
    idempotency_key: str | None = None,
    *,
    kind: EntryKind = EntryKind.REVERSAL,
    connection: BaseDBAsyncClient | None = None,
) -> Transfer:
    """Undo an earlier transfer: the same coins go back from payee to payer.

    The payee must still hold the coins (``INSUFFICIENT_COINS`` otherwise) unless it is
    a system wallet. The key defaults to ``"reverse:<transaction_id>"`` so a transfer is
    reversed at most once.
    """
    txid = uuid.UUID(str(transaction_id))
    entries = await LedgerEntry.filter(transaction_id=txid).using_db(connection)
    debit_entry = next((e for e in entries if e.delta < 0), None)
    credit_entry = next((e for e in entries if e.delta > 0), None)
    if debit_entry is None or credit_entry is None:
        raise NotFound("transaction", "transactionId")
    return await _move(
        credit_entry.wallet_id,
        debit_entry.wallet_id,
        credit_entry.delta,
        kind,
        kind,
        ref,
        idempotency_key or f"reverse:{txid}",
        None,
        connection,
    )


# --- checks ----------------------------------------------------------------------------


async def ledger_sums() -> dict[int, int]:
    """``{wallet_id: sum of its ledger deltas}``."""
    rows = (
        await LedgerEntry.all()
        .annotate(total=Sum("delta"))
        .group_by("wallet_id")
        .values_list("wallet_id", "total")
    )
    return {int(w): int(t or 0) for w, t in rows}


async def audit() -> list[str]:
    """Check the ledger invariants; returns the problems found (empty when sound)."""
    problems: list[str] = []
    sums = await ledger_sums()
    for wallet_id, balance, system in await Wallet.all().values_list("id", "balance", "system"):
        if sums.get(wallet_id, 0) != balance:
            problems.append(
                f"wallet {wallet_id}: balance {balance} != ledger sum {sums.get(wallet_id, 0)}"
            )
        if system is None and balance < 0:
            problems.append(f"wallet {wallet_id}: negative balance {balance}")
    unbalanced = (
        await LedgerEntry.all()
        .annotate(total=Sum("delta"))
        .group_by("transaction_id")
        .values_list("transaction_id", "total")
    )
    for txid, total in unbalanced:
        if int(total or 0) != 0:
            problems.append(f"transaction {txid}: entries sum to {total}")
    return problems
