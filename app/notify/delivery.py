"""Sending the queued pushes and mails (rows of ``notification_deliveries``).

:func:`deliver_due` claims a batch of due rows with a conditional ``UPDATE`` (two
processes never send one row at once; a sender that died leaves its rows to the next
after :data:`LEASE`), sends them concurrently, and records each outcome: sent; retried
after a back-off (``notify_retry_seconds`` x 1, 5, 25, ...) up to :data:`MAX_ATTEMPTS`
tries; gone (an expired push subscription, removed); or held until the end of the
user's quiet hours (not counted as a try). :func:`deliver_ids` does the same for the rows
of one arq job (:mod:`app.notify.jobs`): the table stays the record of what was sent, so a
job run twice sends nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.accounts.models import User
from app.i18n import using_locale
from app.notify.mail import build_mail, send_mail
from app.notify.models import (
    Channel,
    DeliveryStatus,
    Kind,
    Notification,
    NotificationDelivery,
    PushSubscription,
)
from app.notify.prefs import quiet_hours_of
from app.notify.push import Pusher, PushGone
from app.settings import Settings

log = logging.getLogger("livemart.notify.delivery")

LEASE = timedelta(seconds=120)
MAX_ATTEMPTS = 6
BATCH = 500
CONCURRENCY = 64
UPDATE_CHUNK = 1000
JOB_CHUNK = 2 * CONCURRENCY  # rows of a queued job leased and recorded at once


def now() -> datetime:
    return datetime.now(UTC)


class Pacer:
    """The sending budget of one process, shared by every batch it sends at once: at most
    :data:`CONCURRENCY` sends under way (several arq jobs each sending 64 would queue for
    the HTTP pool's connections past their timeout, and a push timed out after it arrived
    is sent again), started ``1 / rate`` seconds apart (``LIVEMART_NOTIFY_RATE``; 0: no
    spacing)."""

    def __init__(self, rate: float = 0.0) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self.gate = asyncio.Semaphore(CONCURRENCY)

    async def wait(self) -> None:
        if not self.interval:
            return
        clock = asyncio.get_running_loop().time()
        start = max(clock, self._next)
        self._next = start + self.interval
        if start > clock:
            await asyncio.sleep(start - clock)


def backoff(settings: Settings, attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try."""
    return timedelta(seconds=settings.notify_retry_seconds * 5 ** (attempts - 1))


@dataclass
class Outcomes:
    sent: list[int]
    gone: list[int]
    failed: list[tuple[NotificationDelivery, str]]
    held: list[tuple[int, datetime]]
    leased_until: datetime | None = None  # rows of the job another sender holds till then


async def _claim(limit: int, among: list[int] | None = None) -> list[NotificationDelivery]:
    """Lease up to ``limit`` due pending rows (``among``: only those ids, the rows of one
    queued job); rows sent, given up, held or leased by another sender are left out."""
    at = now()
    due = NotificationDelivery.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=at)
    if among is not None:
        due = due.filter(id__in=among)
    ids = await due.order_by("next_attempt_at", "id").limit(limit).values_list("id", flat=True)
    if not ids:
        return []
    claim = uuid.uuid4().hex
    await NotificationDelivery.filter(
        id__in=ids, status=DeliveryStatus.PENDING, next_attempt_at__lte=at
    ).update(claim=claim, next_attempt_at=at + LEASE)
    return await NotificationDelivery.filter(claim=claim, status=DeliveryStatus.PENDING)


async def deliver_due(
    settings: Settings, pusher: Pusher, limit: int = BATCH, pacer: Pacer | None = None
) -> int:
    """Send one batch of due deliveries; how many were claimed (0: nothing was due)."""
    rows = await _claim(limit)
    if rows:
        await _record(settings, await _send(settings, pusher, rows, pacer))
    return len(rows)


async def deliver_ids(
    settings: Settings, pusher: Pusher, ids: list[int], pacer: Pacer | None = None
) -> Outcomes:
    """Send those of the deliveries ``ids`` that are still due (the queued path: one arq
    job's rows). A row already sent, given up, or leased by another sender is skipped, so
    running the same job again never sends a row twice. What happened to each.

    The rows are leased, sent and recorded :data:`JOB_CHUNK` at a time: a lease never
    outlives its sends however slow the paced rate, and a worker killed mid-job leaves at
    most one chunk sent but not recorded (sent again by the job's next run)."""
    outcomes = Outcomes([], [], [], [])
    for start in range(0, len(ids), JOB_CHUNK):
        chunk = ids[start : start + JOB_CHUNK]
        rows = await _claim(len(chunk), among=chunk)
        if not rows:
            continue
        done = await _send(settings, pusher, rows, pacer)
        await _record(settings, done)
        outcomes.sent += done.sent
        outcomes.gone += done.gone
        outcomes.failed += done.failed
        outcomes.held += done.held
    # Rows another sender leased (or one that died: its lease runs out) are due again then.
    leased = (
        await NotificationDelivery.filter(id__in=ids, status=DeliveryStatus.PENDING)
        .exclude(claim="")
        .order_by("-next_attempt_at")
        .first()
    )
    outcomes.leased_until = None if leased is None else leased.next_attempt_at
    return outcomes


async def _send(
    settings: Settings, pusher: Pusher, rows: list[NotificationDelivery], pacer: Pacer | None
) -> Outcomes:
    """Send the leased ``rows`` concurrently; their outcomes (nothing recorded yet)."""
    notes = {n.id: n for n in await Notification.filter(id__in={r.notification_id for r in rows})}
    user_ids = list({n.user_id for n in notes.values()})
    subs = {
        s.id: s
        for s in await PushSubscription.filter(
            id__in={r.subscription_id for r in rows if r.subscription_id is not None}
        )
    }
    people = {
        uid: (email, language, timezone)
        for uid, email, language, timezone in await User.filter(id__in=user_ids).values_list(
            "id", "email", "language", "timezone"
        )
    }
    emails = {uid: email for uid, (email, _, _) in people.items()}
    quiet = await quiet_hours_of(user_ids)
    outcomes = Outcomes([], [], [], [])
    gate = pacer.gate if pacer is not None else asyncio.Semaphore(CONCURRENCY)
    at = now()

    async def one(row: NotificationDelivery) -> None:
        note = notes.get(row.notification_id)
        if note is None:
            outcomes.gone.append(row.id)
            return
        hours = quiet.get(note.user_id)
        until = hours.ends_after(at) if hours else None
        if until is not None:
            outcomes.held.append((row.id, until))
            return
        send: Callable[[], Awaitable[None]]
        _, language, timezone = people.get(note.user_id, ("", None, None))
        with using_locale(language, timezone):  # in the recipient's language
            title, body = note.texts()
            if row.channel == Channel.PUSH:
                sub = subs.get(row.subscription_id or 0)
                if sub is None:
                    outcomes.gone.append(row.id)
                    return
                send = _push(pusher, sub, note, title, body)
            else:
                to = emails.get(note.user_id)
                if not to:
                    outcomes.gone.append(row.id)
                    return
                message = build_mail(
                    settings, to, note.user_id, Kind(note.kind), title, body, note.url
                )
                send = _mail(settings, message)
        async with gate:
            if pacer is not None:
                await pacer.wait()
            try:
                await send()
            except PushGone:
                outcomes.gone.append(row.id)
                await PushSubscription.filter(id=row.subscription_id).delete()
            except Exception as exc:
                outcomes.failed.append((row, f"{type(exc).__name__}: {exc}"[:300]))
            else:
                outcomes.sent.append(row.id)

    await asyncio.gather(*(one(row) for row in rows))
    return outcomes


def _push(
    pusher: Pusher, sub: PushSubscription, note: Notification, title: str, body: str
) -> Callable[[], Awaitable[None]]:
    payload = {"title": title, "body": body, "url": note.url, "id": note.id}
    return lambda: pusher.send(sub.endpoint, sub.p256dh, sub.auth, payload)


def _mail(settings: Settings, message: object) -> Callable[[], Awaitable[None]]:
    return lambda: send_mail(settings, message)  # type: ignore[arg-type]


def retry_after(settings: Settings, outcomes: Outcomes) -> timedelta | None:
    """When the rows of ``outcomes`` still to send are due: the earliest back-off of the
    failed ones tried again, or the end of another sender's lease; None when none is (all
    sent, gone, held or given up)."""
    waits = [
        backoff(settings, row.attempts + 1)
        for row, _ in outcomes.failed
        if row.attempts + 1 < MAX_ATTEMPTS
    ]
    if outcomes.leased_until is not None:
        waits.append(max(outcomes.leased_until - now(), timedelta(0)) + timedelta(seconds=1))
    return min(waits) if waits else None


async def _record(settings: Settings, outcomes: Outcomes) -> None:
    at = now()
    for status, ids in ((DeliveryStatus.SENT, outcomes.sent), (DeliveryStatus.GONE, outcomes.gone)):
        for start in range(0, len(ids), UPDATE_CHUNK):
            await NotificationDelivery.filter(id__in=ids[start : start + UPDATE_CHUNK]).update(
                status=status, sent_at=at if status == DeliveryStatus.SENT else None, claim=""
            )
    for row_id, until in outcomes.held:
        await NotificationDelivery.filter(id=row_id).update(next_attempt_at=until, claim="")
    for row, error in outcomes.failed:
        attempts = row.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            log.warning("gave up delivery %s (%s) after %s tries: %s",
                        row.id, row.channel, attempts, error)  # fmt: skip
            await NotificationDelivery.filter(id=row.id).update(
                status=DeliveryStatus.FAILED, attempts=attempts, last_error=error, claim=""
            )
        else:
            log.info("delivery %s (%s) failed (try %s), retrying: %s",
                     row.id, row.channel, attempts, error)  # fmt: skip
            await NotificationDelivery.filter(id=row.id).update(
                attempts=attempts,
                last_error=error,
                next_attempt_at=at + backoff(settings, attempts),
                claim="",
            )


async def next_due_in(limit: float) -> float:
    """Seconds until the next pending delivery is due (at most ``limit``)."""
    row = (
        await NotificationDelivery.filter(status=DeliveryStatus.PENDING)
        .order_by("next_attempt_at")
        .first()
    )
    if row is None:
        return limit
    return max(0.0, min(limit, (row.next_attempt_at - now()).total_seconds()))
