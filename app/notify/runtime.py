"""The notify runtime: turns the services' signals into notifications, keeps this
process's bells, and (``LIVEMART_NOTIFY_IN_PROCESS``, the default) sends the queued pushes
and mails; ``livemart notify-worker`` sends them from a process of its own instead. With
``LIVEMART_NOTIFY_QUEUE=arq`` fan-outs enqueue arq jobs on the bus's Redis and the
senders are arq workers (:mod:`app.notify.jobs`).

A signal only queues a job here (the request that emitted it goes on at once); one
background task writes each fan-out (:mod:`app.notify.services`), so a go-live to
50,000 followers costs the streamer's request nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal as os_signal
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from app import signals
from app.events import EventBus, get_bus
from app.notify import content
from app.notify.delivery import Pacer, deliver_due, next_due_in
from app.notify.hub import running_hub
from app.notify.models import Kind
from app.notify.push import Pusher, vapid_key
from app.notify.services import BATCH_WRITTEN, NOTIFY_CHANNEL, notify, notify_followers
from app.rooms import schedule
from app.settings import Settings
from app.tasks import RetryLog, stop_task

log = logging.getLogger("livemart.notify.runtime")

Job = Callable[[], Awaitable[object]]
MAX_JOBS = 10_000
REMINDER_SCAN_SECONDS = 30.0  # how often lives about to start are looked for


class FanOutJobs:
    """The fan-outs waiting to be written, one at a time, by one task."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[Job] = asyncio.Queue(MAX_JOBS)
        self.idle = asyncio.Event()
        self.idle.set()

    def add(self, job: Job) -> None:
        try:
            self.queue.put_nowait(job)
            self.idle.clear()
        except asyncio.QueueFull:
            log.error("notification jobs are %s behind; one was dropped", MAX_JOBS)

    async def run(self) -> None:
        while True:
            job = await self.queue.get()
            try:
                await job()
            except Exception:
                log.exception("a notification fan-out failed")
            if self.queue.empty():
                self.idle.set()

    # -- the signals -------------------------------------------------------------------

    def on_room_live(self, room_id: int, streamer_id: int, **_: Any) -> None:
        async def job() -> None:
            await notify_followers(
                streamer_id, Kind.GO_LIVE, await content.go_live(room_id, streamer_id)
            )
            await send_reminders()  # those who asked to be reminded of this live

        self.add(job)

    def on_coupon_dropped(
        self, room_id: int, streamer_id: int, code: str, first_n: int, **_: Any
    ) -> None:
        async def job() -> None:
            found = await content.coupon_drop(room_id, streamer_id, code, first_n)
            await notify_followers(streamer_id, Kind.COUPON_DROP, found)

        self.add(job)

    def on_order(self, kind: Kind) -> Callable[..., None]:
        def listener(order_id: int, user_id: int, **_: Any) -> None:
            async def job() -> None:
                await notify([user_id], kind, await content.order(kind, order_id))

            self.add(job)

        return listener

    def on_outbid(self, room_id: int, user_id: int, amount: int, currency: str, **_: Any) -> None:
        async def job() -> None:
            await notify([user_id], Kind.OUTBID, content.outbid(room_id, amount, currency))

        self.add(job)

    def connections(self) -> list[tuple[str, Callable[..., None]]]:
        return [
            ("room.live", self.on_room_live),
            ("coupon.dropped", self.on_coupon_dropped),
            ("order.shipped", self.on_order(Kind.ORDER_SHIPPED)),
            ("order.delivered", self.on_order(Kind.ORDER_DELIVERED)),
            ("order.refunded", self.on_order(Kind.ORDER_REFUNDED)),
            ("auction.outbid", self.on_outbid),
        ]


async def send_reminders() -> int:
    """Remind the viewers who asked of the lives starting within the lead time (or
    started): each is marked reminded first, so a reminder goes out once. How many were
    reminded."""
    sent = 0
    for due in await schedule.reminders_due():
        if await schedule.mark_reminded(due.room_id, due.user_ids):
            found = await content.reminder(due.room_id, due.owner_id, due.title)
            sent += await notify(due.user_ids, Kind.REMINDER, found)
    return sent


async def _remind_forever(jobs: FanOutJobs) -> None:
    while True:
        jobs.add(send_reminders)
        await asyncio.sleep(REMINDER_SCAN_SECONDS)


_jobs: FanOutJobs | None = None


async def fan_outs_done(timeout: float = 30.0) -> None:
    """Wait until this process has written every fan-out queued so far (tests, bench)."""
    if _jobs is not None:
        async with asyncio.timeout(timeout):
            await _jobs.idle.wait()


class DeliveryLoop:
    """Sends due deliveries; woken by every fan-out announced on the bus (from any
    process), otherwise it looks every ``notify_tick_seconds``."""

    def __init__(self, settings: Settings, bus: EventBus, offload: bool = True) -> None:
        self.settings = settings
        self.bus = bus
        self.pusher = Pusher(
            vapid_key(settings.var_dir),
            settings.push_contact,
            public_only=not settings.push_private_endpoints,
            offload=offload,
        )
        self.pacer = Pacer(settings.notify_rate)
        self.wake = asyncio.Event()
        self.failures = RetryLog(log, "notification delivery")

    async def listen(self) -> None:
        while True:
            async with self.bus.subscribe(NOTIFY_CHANNEL) as events:
                async for event in events:
                    if event.type == BATCH_WRITTEN:
                        self.wake.set()

    async def run(self) -> None:
        tick = self.settings.notify_tick_seconds
        while True:
            try:
                if await deliver_due(self.settings, self.pusher, pacer=self.pacer):
                    self.failures.succeeded()
                    continue
                wait = await next_due_in(tick)
                self.failures.succeeded()
            except Exception:
                self.failures.failed()
                wait = tick
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self.wake.wait()


@contextlib.asynccontextmanager
async def delivering(
    settings: Settings, bus: EventBus, offload: bool = True
) -> AsyncIterator[DeliveryLoop]:
    """The embedded sender while inside; ``offload``: encrypt in threads (a web process)."""
    loop = DeliveryLoop(settings, bus, offload)
    listener = asyncio.create_task(loop.listen(), name="notify wake-ups")
    sender = asyncio.create_task(loop.run(), name="notify delivery")
    try:
        yield loop
    finally:
        await stop_task(sender)
        await stop_task(listener)
        await loop.pusher.close()


@contextlib.asynccontextmanager
async def notify_runtime(settings: Settings) -> AsyncIterator[None]:
    """Signals → fan-outs, this process's bells and (when in process) the deliveries."""
    global _jobs
    bus = get_bus()
    jobs = FanOutJobs()
    wired = jobs.connections()
    signals.connect_all(wired)
    _jobs = jobs
    writer = asyncio.create_task(jobs.run(), name="notify fan-outs")
    reminders = asyncio.create_task(_remind_forever(jobs), name="notify reminders")
    try:
        async with running_hub(bus), contextlib.AsyncExitStack() as stack:
            if settings.notify_queue == "arq":
                from app.notify import jobs as arq_jobs

                await stack.enter_async_context(arq_jobs.dispatching(settings))
                if settings.notify_in_process:
                    await stack.enter_async_context(arq_jobs.working(settings))
            elif settings.notify_in_process:
                await stack.enter_async_context(delivering(settings, bus))
            yield
    finally:
        signals.disconnect_all(wired)
        _jobs = None
        await stop_task(reminders)
        await stop_task(writer)


def lower_priority(nice: int) -> None:
    """Lower this process's CPU priority by ``nice``. With Linux's autogroups (the default
    of desktop and many server kernels) a process's nice only ranks it against the processes
    of its own session; a worker that leads its session (a service, or started with
    ``setsid``) is a group of its own, so the group's nice is lowered too, or the worker
    would take as much CPU as the web processes in the other sessions."""
    os.nice(nice)
    if os.getsid(0) != os.getpid():
        return  # shares its session's group: its own nice ranks it there
    with contextlib.suppress(OSError):
        with open("/proc/self/autogroup", "w") as group:
            group.write(str(nice))


async def run_worker(settings: Settings) -> None:
    """``livemart notify-worker``: the deliveries in a process of their own (the web
    processes then run with ``LIVEMART_NOTIFY_IN_PROCESS=false``), until SIGINT/SIGTERM."""
    from app.db import close_db, init_db
    from app.events import set_bus

    if settings.notify_worker_nice:  # background work yields the CPU to the pages
        lower_priority(settings.notify_worker_nice)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (os_signal.SIGINT, os_signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await init_db(settings.database_url)
    bus = EventBus(settings.broadcast_url, prefix=settings.ratelimit_prefix)
    await bus.connect()
    set_bus(bus)
    try:
        async with contextlib.AsyncExitStack() as stack:
            if settings.notify_queue == "arq":
                from app.notify import jobs as arq_jobs

                await stack.enter_async_context(arq_jobs.working(settings, offload=False))
            else:
                await stack.enter_async_context(delivering(settings, bus, offload=False))
            log.info("notify worker running (%s queue)", settings.notify_queue)
            await stop.wait()
    finally:
        await bus.disconnect()
        set_bus(None)
        await close_db()
