"""The arq queue (``LIVEMART_NOTIFY_QUEUE=arq``): deliveries as jobs on the bus's Redis.

A fan-out still writes its rows of ``notification_deliveries`` in one statement; then
:class:`ArqDispatch` enqueues one ``deliver`` job per :data:`JOB_SIZE` of them (50,000
followers are 100 jobs, not 50,000), each with a job id derived from the batch, so the
same batch enqueued twice is one set of jobs. ``livemart notify-worker`` (or the web
process, with ``LIVEMART_NOTIFY_IN_PROCESS``) runs arq's :class:`~arq.worker.Worker` on
the queue ``<LIVEMART_RATELIMIT_PREFIX>:notify``.

A job sends those of its rows that are still due (:func:`app.notify.delivery.deliver_ids`:
the table is the record of what was sent, so a job run again, after a retry or a worker
that died, never sends a row twice); failed rows get their back-off in the table and the
job raises :class:`arq.Retry` with that delay; rows held by quiet hours become a job
deferred to their end. A cron job re-enqueues rows pending for long (a job lost with Redis,
or rows queued before the switch to arq).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any, cast

from arq import Retry
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.cron import cron
from arq.worker import Worker, func

from app.notify import queue
from app.notify.delivery import (
    MAX_ATTEMPTS,
    Outcomes,
    Pacer,
    deliver_ids,
    now,
    retry_after,
)
from app.notify.models import DeliveryStatus, NotificationDelivery
from app.notify.push import Pusher, vapid_key
from app.settings import Settings

log = logging.getLogger("livemart.notify.jobs")

JOB_SIZE = 500  # deliveries per job
MAX_JOBS = 4  # jobs a worker runs at once (each sends up to 64 at a time)
STALE = timedelta(minutes=10)  # a pending row this overdue is enqueued again by the sweep
KEEP_RESULT_S = 3600  # a finished job's id stays taken this long (no second enqueue)
JOB_TIMEOUT = timedelta(minutes=15)  # then its unsent rows wait for the sweep


def queue_name(settings: Settings) -> str:
    """The arq queue, namespaced like every other key of ours in a shared Redis."""
    return f"{settings.ratelimit_prefix}:notify"


def redis_settings(settings: Settings) -> RedisSettings:
    return RedisSettings.from_dsn(settings.broadcast_url)


def _job_id(settings: Settings, *parts: object) -> str:
    # arq's job keys are global (arq:job:<id>): our prefix keeps two sites apart.
    return ":".join([queue_name(settings), *map(str, parts)])


async def enqueue(
    settings: Settings, pool: ArqRedis, ids: list[int], name: str,
    defer_until: datetime | None = None,
) -> int:  # fmt: skip
    """One ``deliver`` job per :data:`JOB_SIZE` of ``ids``, with the ids
    ``<queue>:<name>:<n>`` (an id arq holds already is not enqueued again); how many
    were enqueued."""
    enqueued = 0
    for n, start in enumerate(range(0, len(ids), JOB_SIZE)):
        job = await pool.enqueue_job(
            "deliver",
            ids[start : start + JOB_SIZE],
            _job_id=_job_id(settings, name, n),
            _queue_name=queue_name(settings),
            _defer_until=defer_until,
        )
        enqueued += job is not None
    return enqueued


class ArqDispatch:
    """Enqueues a written fan-out's pending deliveries as ``deliver`` jobs."""

    def __init__(self, settings: Settings, pool: ArqRedis) -> None:
        self.settings = settings
        self.pool = pool

    async def __call__(self, batch: str) -> None:
        ids = await (
            NotificationDelivery.filter(notification__batch=batch, status=DeliveryStatus.PENDING)
            .order_by("id")
            .values_list("id", flat=True)
        )
        await enqueue(self.settings, self.pool, cast(list[int], ids), f"batch:{batch}")


@contextlib.asynccontextmanager
async def dispatching(settings: Settings) -> AsyncIterator[ArqDispatch]:
    """This process's fan-outs enqueue arq jobs while inside."""
    pool = await create_pool(redis_settings(settings), default_queue_name=queue_name(settings))
    dispatcher = ArqDispatch(settings, pool)
    queue.set_dispatch(dispatcher)
    try:
        yield dispatcher
    finally:
        queue.set_dispatch(None)
        await pool.aclose()


# -- the worker's functions ---------------------------------------------------------------


async def _hold(settings: Settings, pool: ArqRedis, outcomes: Outcomes) -> None:
    """The rows held by quiet hours: one deferred job per end time."""
    ends: dict[datetime, list[int]] = {}
    for row_id, until in outcomes.held:
        ends.setdefault(until, []).append(row_id)
    for until, ids in ends.items():
        name = f"held:{min(ids)}:{int(until.timestamp())}"
        await enqueue(settings, pool, sorted(ids), name, defer_until=until)


async def deliver(ctx: dict[str, Any], ids: list[int]) -> int:
    """Send the still-due rows among ``ids``; :class:`arq.Retry` after the back-off of
    those that failed. How many were sent."""
    settings: Settings = ctx["settings"]
    outcomes = await deliver_ids(settings, ctx["pusher"], ids, ctx["pacer"])
    if outcomes.held:
        await _hold(settings, ctx["redis"], outcomes)
    wait = retry_after(settings, outcomes)
    if wait is not None:
        raise Retry(defer=wait)
    return len(outcomes.sent)


async def sweep(ctx: dict[str, Any]) -> int:
    """Enqueue again the rows pending for more than :data:`STALE` (their job was lost);
    a row a job still holds is skipped by that job's claim. How many."""
    settings: Settings = ctx["settings"]
    ids = await (
        NotificationDelivery.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now() - STALE
        )
        .order_by("id")
        .limit(50 * JOB_SIZE)
        .values_list("id", flat=True)
    )
    if ids:
        log.warning("re-enqueueing %s overdue deliveries", len(ids))
        minute = int(now().timestamp()) // 60
        await enqueue(settings, ctx["redis"], cast(list[int], ids), f"sweep:{minute}")
    return len(ids)


def make_worker(
    settings: Settings, pusher: Pusher, *, burst: bool = False, poll_delay: float = 0.5,
    max_burst_jobs: int = -1, sweeping: bool = True,
) -> Worker:  # fmt: skip
    """arq's worker on our queue with the delivery functions (signals are the caller's);
    ``sweeping``: with the minute's :func:`sweep`."""
    # (arq names a cron job's runs after it, in keys shared by every queue: ours)
    sweeps = [cron(sweep, name=_job_id(settings, "sweep"), second=0)] if sweeping else []
    return Worker(
        functions=[func(deliver, name="deliver", max_tries=MAX_ATTEMPTS + 1)],
        cron_jobs=sweeps,
        queue_name=queue_name(settings),
        redis_settings=redis_settings(settings),
        burst=burst,
        max_burst_jobs=max_burst_jobs,
        handle_signals=False,
        max_jobs=MAX_JOBS,
        # A job leases its rows a chunk at a time (deliver_ids), so it may run long at a low
        # LIVEMART_NOTIFY_RATE; arq runs the job of a worker that died once this has passed.
        job_timeout=JOB_TIMEOUT,
        keep_result=KEEP_RESULT_S,
        poll_delay=poll_delay,
        ctx={"settings": settings, "pusher": pusher, "pacer": Pacer(settings.notify_rate)},
    )


def new_pusher(settings: Settings, offload: bool = True) -> Pusher:
    return Pusher(
        vapid_key(settings.var_dir),
        settings.push_contact,
        public_only=not settings.push_private_endpoints,
        offload=offload,
    )


@contextlib.asynccontextmanager
async def working(settings: Settings, offload: bool = True) -> AsyncIterator[Worker]:
    """An arq worker sending deliveries in this process while inside (the database is
    the caller's); ``offload``: encrypt in threads (a web process)."""
    pusher = new_pusher(settings, offload)
    worker = make_worker(settings, pusher)
    task = asyncio.create_task(worker.async_run(), name="notify arq worker")
    try:
        yield worker
    finally:
        worker.allow_pick_jobs = False  # let the jobs under way record what they sent
        if worker.tasks:
            await asyncio.wait(list(worker.tasks.values()), timeout=10)
        await worker.close()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await pusher.close()
