"""Writing provider calls into the outbox inside a transaction, and sending them after.

:func:`enqueue_refund` runs in the caller's transaction: when that rolls back, nothing
was written and nothing is sent. :func:`drain` sends due rows: it claims a row with a
conditional ``UPDATE`` (so two processes never send one row at once), calls the
backend with the row's idempotency key, and marks the row sent; a failure leaves the row
pending with a back-off, so the next drain retries it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from app.payments.backends.base import PaymentBackend
from app.payments.models import OutboxKind, OutboxStatus, PaymentOutbox

log = logging.getLogger("livemart.payments.outbox")

# A sender holds a row this long; a sender that died mid-call leaves it to the next drain.
LEASE = timedelta(seconds=60)
BACKOFF_SECONDS = (1, 5, 30, 120, 600)
BATCH = 100


def now() -> datetime:
    return datetime.now(UTC)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try."""
    return timedelta(seconds=BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1])


async def enqueue_refund(
    conn: BaseDBAsyncClient,
    *,
    charge_id: str,
    amount_cents: int,
    currency: str,
    idempotency_key: str,
) -> PaymentOutbox:
    """Record a full refund of ``charge_id`` to send once ``conn``'s transaction commits.
    The same ``idempotency_key`` twice records it once."""
    found = await PaymentOutbox.filter(idempotency_key=idempotency_key).using_db(conn).first()
    if found is not None:
        return found
    return await PaymentOutbox.create(
        kind=OutboxKind.REFUND,
        idempotency_key=idempotency_key,
        charge_id=charge_id,
        amount_cents=amount_cents,
        currency=currency,
        next_attempt_at=now(),
        using_db=conn,
    )


async def _claim(row_id: int, at: datetime) -> bool:
    claimed = await PaymentOutbox.filter(
        id=row_id, status=OutboxStatus.PENDING, next_attempt_at__lte=at
    ).update(next_attempt_at=at + LEASE, attempts=F("attempts") + 1)
    return bool(claimed)


async def send(row_id: int, backend: PaymentBackend) -> bool:
    """Send one due row; True when it was sent now. Never raises for a provider error."""
    at = now()
    if not await _claim(row_id, at):
        return False
    row = await PaymentOutbox.get(id=row_id)
    try:
        ref = await backend.refund(
            row.charge_id, row.amount_cents, row.currency, row.idempotency_key
        )
    except Exception as exc:
        log.warning(
            "refund %s failed (attempt %d), retrying later: %s",
            row.idempotency_key,
            row.attempts,
            exc,
        )
        await PaymentOutbox.filter(id=row_id, status=OutboxStatus.PENDING).update(
            next_attempt_at=now() + backoff(row.attempts), last_error=str(exc)[:200]
        )
        return False
    await PaymentOutbox.filter(id=row_id).update(
        status=OutboxStatus.SENT, sent_at=now(), result_ref=ref[:80], last_error=""
    )
    return True


async def drain(
    backend: PaymentBackend, ids: Sequence[int] | None = None, at: datetime | None = None
) -> int:
    """Send the due rows (only ``ids`` when given); returns how many were sent."""
    query = PaymentOutbox.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=at or now())
    if ids is not None:
        query = query.filter(id__in=list(ids))
    sent = 0
    for row in await query.order_by("next_attempt_at", "id").limit(BATCH).values("id"):
        if await send(int(row["id"]), backend):
            sent += 1
    return sent
