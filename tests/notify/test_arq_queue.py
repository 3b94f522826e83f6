"""The arq queue (``LIVEMART_NOTIFY_QUEUE=arq``) with real parts: a go-live enqueues jobs
of deliveries on Redis, an arq worker (in burst mode, in this process) sends the in-app
notification's push to the local RFC 8291 endpoint and its mail to aiosmtpd; a failing
endpoint is retried through ``arq.Retry`` and gets each push once, and a job run again
sends nothing twice (the deliveries table is the record of what was sent)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from arq.connections import ArqRedis, create_pool

from app.accounts.models import User
from app.notify import jobs, prefs, services
from app.notify.models import Channel, DeliveryStatus, Kind, NotificationDelivery
from app.notify.push import application_server_key, vapid_key
from app.notify.runtime import fan_outs_done
from app.rooms import services as rooms
from app.settings import Settings
from tests.commerce.helpers import make_merchant, make_user
from tests.conftest import REDIS_URL, redis_available, unavailable
from tests.notify.endpoints import MailBox, PushEndpoint, smtp_server

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
async def mailbox() -> AsyncIterator[tuple[MailBox, int]]:
    async with smtp_server() as found:
        yield found


@pytest.fixture
def settings(
    settings: Settings, mailbox: tuple[MailBox, int], request: pytest.FixtureRequest
) -> Settings:
    """arq on the test Redis (whatever bus the pass uses); no sender in the app (the test
    runs the worker) but for the test of the worker in the web process."""
    if not redis_available():
        unavailable("Redis is not reachable on 127.0.0.1:6379 (the arq queue lives there)")
    return replace(
        settings,
        broadcast_url=settings.broadcast_url if "redis" in settings.broadcast_url else REDIS_URL,
        notify_queue="arq",
        notify_in_process=request.function.__name__.endswith("in_the_web_process"),
        notify_retry_seconds=0.05,
        smtp_host="127.0.0.1",
        smtp_port=mailbox[1],
        smtp_starttls=False,
    )


@pytest.fixture
async def pool(settings: Settings) -> AsyncIterator[ArqRedis]:
    redis = await create_pool(jobs.redis_settings(settings))
    try:
        yield redis
    finally:
        await redis.aclose()


async def work(settings: Settings, most: int = -1) -> None:
    """An arq worker on our queue until it is empty or has run ``most`` jobs (none of
    them failed)."""
    pusher = jobs.new_pusher(settings)
    worker = jobs.make_worker(
        settings, pusher, burst=True, poll_delay=0.02, max_burst_jobs=most, sweeping=False
    )
    try:
        await worker.async_run()
    finally:
        await worker.close()
        await pusher.close()
    assert worker.jobs_failed == 0


async def _ann_and_a_fan() -> tuple[User, User]:
    """A streamer, Ann, and a viewer following her."""
    streamer = await make_merchant("live@example.com", "Ann")
    fan = await make_user("fan@example.com")
    await rooms.follow(fan, streamer.id)
    return streamer, fan


async def _subscribe(endpoint: PushEndpoint, user_id: int, browser: str) -> None:
    """The user's push subscription of a browser of the local push service."""
    url, keys = endpoint.subscribe(browser)
    await services.subscribe_push(user_id, url, keys.p256dh, keys.auth, allow_private=True)


async def _go_live(streamer_id: int) -> int:
    streamer = await User.get(id=streamer_id)
    room = await rooms.create_room(streamer, "Spring scarves")
    await rooms.open_room(streamer, room.id)
    await fan_outs_done()
    return room.id


async def test_a_go_live_is_enqueued_and_the_worker_sends_push_and_mail(
    settings: Settings, pool: ArqRedis, mailbox: tuple[MailBox, int]
) -> None:
    streamer = await make_merchant("live@example.com", "Ann")
    fan = await make_user("fan@example.com", "Fan")
    await rooms.follow(fan, streamer.id)
    await prefs.set_preference(fan.id, Kind.GO_LIVE, Channel.EMAIL, True)
    server_key = application_server_key(vapid_key(settings.var_dir))
    async with PushEndpoint(server_key).running() as endpoint:
        await _subscribe(endpoint, fan.id, "phone")
        room_id = await _go_live(streamer.id)

        # in the app at once; the push and the mail wait as one job on our queue
        assert await services.unread_count(fan.id) == 1
        queued = await pool.queued_jobs(queue_name=jobs.queue_name(settings))
        assert [(j.function, len(j.args[0])) for j in queued] == [("deliver", 2)]
        assert endpoint.attempts == 0 and mailbox[0].mails == []

        await work(settings)
        assert await pool.queued_jobs(queue_name=jobs.queue_name(settings)) == []
    assert endpoint.errors == []
    [payload] = endpoint.received
    assert payload["title"] == "Ann is live" and payload["url"] == f"/rooms/{room_id}"
    [mail] = mailbox[0].mails
    assert mail["To"] == "fan@example.com" and mail["Subject"] == "Ann is live"
    statuses = await NotificationDelivery.all().values_list("channel", "status")
    assert sorted(statuses) == [("email", "sent"), ("push", "sent")]


async def test_an_endpoint_failing_twice_is_retried_and_each_push_sent_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.notify import delivery

    monkeypatch.setattr(delivery, "JOB_CHUNK", 2)  # the job's rows leased in two chunks
    streamer = await make_merchant("live@example.com", "Ann")
    server_key = application_server_key(vapid_key(settings.var_dir))
    async with PushEndpoint(server_key, fail_first=2).running() as endpoint:
        for name in ("one", "two", "three"):
            fan = await make_user(f"{name}@example.com")
            await rooms.follow(fan, streamer.id)
            url, keys = endpoint.subscribe(name)
            await services.subscribe_push(fan.id, url, keys.p256dh, keys.auth, allow_private=True)
        await _go_live(streamer.id)
        await work(settings)  # the job, then its retries (arq.Retry after the back-off)
    assert endpoint.errors == []
    # two refusals, then three pushes: the retried job skipped the rows already sent
    assert endpoint.attempts == 5
    assert sorted(p["browser"] for p in endpoint.received) == ["one", "three", "two"]
    rows = await NotificationDelivery.all()
    assert {r.status for r in rows} == {DeliveryStatus.SENT}
    assert sorted(r.attempts for r in rows) in ([0, 1, 1], [0, 0, 2])
    assert all("500" in r.last_error for r in rows if r.attempts)


async def test_a_job_run_again_sends_nothing_twice(settings: Settings, pool: ArqRedis) -> None:
    streamer, fan = await _ann_and_a_fan()
    async with PushEndpoint().running() as endpoint:
        await _subscribe(endpoint, fan.id, "phone")
        await _go_live(streamer.id)
        await work(settings)
        assert endpoint.attempts == 1
        ids = list(await NotificationDelivery.all().values_list("id", flat=True))
        # the same rows as a new job (a worker that died after sending), and the batch's
        # jobs enqueued again (the same job ids: arq refuses them while it keeps results)
        assert await jobs.enqueue(settings, pool, ids, "again") == 1
        batch = (await services.recent(fan.id))[0].batch
        assert await jobs.enqueue(settings, pool, ids, f"batch:{batch}") == 0
        assert len(await pool.queued_jobs(queue_name=jobs.queue_name(settings))) == 1
        await work(settings)
    assert endpoint.attempts == 1 and len(endpoint.received) == 1


async def test_an_arq_worker_sends_in_the_web_process(settings: Settings) -> None:
    assert settings.notify_in_process  # LIVEMART_NOTIFY_IN_PROCESS with the arq queue
    streamer, fan = await _ann_and_a_fan()
    async with PushEndpoint().running() as endpoint:
        await _subscribe(endpoint, fan.id, "phone")
        await _go_live(streamer.id)
        async with asyncio.timeout(20):
            await endpoint.arrived.wait()
    assert [p["title"] for p in endpoint.received] == ["Ann is live"]


async def test_livemart_notify_worker_runs_the_arq_worker(settings: Settings) -> None:
    """The command of the scale-out: ``livemart notify-worker`` with the arq queue, in a
    process of its own, sends what the web process enqueued, and stops on SIGTERM."""
    import os
    import signal
    import sys

    from tests.conftest import settings_env
    from tests.support import ROOT

    streamer, fan = await _ann_and_a_fan()
    env = {
        **os.environ,
        **settings_env(settings),
        "LIVEMART_NOTIFY_QUEUE": "arq",
        "LIVEMART_NOTIFY_WORKER_NICE": "0",
    }
    async with PushEndpoint().running() as endpoint:
        await _subscribe(endpoint, fan.id, "phone")
        worker = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "app.cli", "notify-worker", cwd=ROOT, env=env
        )
        try:
            await _go_live(streamer.id)
            async with asyncio.timeout(60):
                await endpoint.arrived.wait()
        finally:
            worker.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                code = await worker.wait()
    assert code == 0
    assert [p["title"] for p in endpoint.received] == ["Ann is live"]


async def test_quiet_hours_defer_the_job_and_overdue_rows_are_swept_back(
    settings: Settings, pool: ArqRedis
) -> None:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    streamer, fan = await _ann_and_a_fan()
    local = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    start = (local - timedelta(hours=1)).strftime("%H:%M")
    end = (local + timedelta(hours=1)).strftime("%H:%M")
    await prefs.set_quiet_hours(fan.id, "Asia/Shanghai", start, end)
    async with PushEndpoint().running() as endpoint:
        await _subscribe(endpoint, fan.id, "night")
        await _go_live(streamer.id)
        await work(settings, most=1)  # holds the push: a job deferred to the quiet hours' end
        assert endpoint.attempts == 0
    row = await NotificationDelivery.get(channel="push")
    assert row.status == DeliveryStatus.PENDING and row.attempts == 0
    [held] = await pool.queued_jobs(queue_name=jobs.queue_name(settings))
    assert held.args == ([row.id],)
    assert abs(held.score / 1000 - row.next_attempt_at.timestamp()) < 1

    # a row whose job was lost (overdue by more than STALE) is enqueued again by the sweep
    await pool.delete(f"arq:job:{held.job_id}")
    await pool.zrem(jobs.queue_name(settings), held.job_id)
    await NotificationDelivery.filter(id=row.id).update(
        next_attempt_at=datetime.now(UTC) - jobs.STALE - timedelta(minutes=1)
    )
    assert await jobs.sweep({"settings": settings, "redis": pool}) == 1
    [again] = await pool.queued_jobs(queue_name=jobs.queue_name(settings))
    assert again.args == ([row.id],)
