"""``stop_task``: a shutdown never hangs on a task that swallows its cancellation.
``RetryLog``: a retried step that keeps failing logs once, then its recovery."""

from __future__ import annotations

import asyncio
import logging

import pytest

from app.tasks import RetryLog, stop_task


async def test_a_task_that_swallows_cancellation_is_left_behind(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stop = asyncio.Event()

    async def stubborn() -> None:
        while not stop.is_set():
            try:
                await asyncio.sleep(0.01)
            except asyncio.CancelledError:
                pass  # what redis-py#2551 does inside its read timeout

    task = asyncio.create_task(stubborn(), name="stubborn")
    await asyncio.sleep(0.02)
    await stop_task(task, within=0.2)
    assert not task.done()
    assert "did not stop" in caplog.text
    stop.set()
    await task


async def test_a_plain_task_is_cancelled_and_a_failed_one_is_not_raised() -> None:
    sleeper = asyncio.create_task(asyncio.sleep(60))
    await stop_task(sleeper)
    assert sleeper.cancelled()

    async def broken() -> None:
        raise RuntimeError("boom")

    failed = asyncio.create_task(broken())
    await asyncio.sleep(0)
    await stop_task(failed)  # already done: nothing to do, nothing raised
    await stop_task(None)


def test_retry_log_logs_the_first_failure_and_the_recovery(
    caplog: pytest.LogCaptureFixture,
) -> None:
    log = logging.getLogger("livemart.test.retry")
    failures = RetryLog(log, "widget flush")
    with caplog.at_level(logging.INFO, logger="livemart.test.retry"):
        failures.succeeded()  # working all along: nothing to say
        for n in range(3):
            try:
                raise ConnectionError(f"down {n}")
            except ConnectionError:
                failures.failed()
        failures.succeeded()
        failures.succeeded()
    records = [(r.levelname, r.getMessage(), r.exc_info is not None) for r in caplog.records]
    assert records == [
        ("ERROR", "widget flush failed; retrying quietly until it works again", True),
        ("WARNING", "widget flush works again after 3 failures", False),
    ]
    assert "down 0" in caplog.text  # the first failure's traceback


async def test_a_runtime_whose_exit_hangs_is_left_behind(caplog: pytest.LogCaptureFixture) -> None:
    from collections.abc import AsyncIterator
    from contextlib import AsyncExitStack, asynccontextmanager

    from app.tasks import BoundedExit

    left: list[str] = []

    @asynccontextmanager
    async def stuck() -> AsyncIterator[str]:
        yield "up"
        await asyncio.Event().wait()  # a stop step that never ends

    @asynccontextmanager
    async def fine() -> AsyncIterator[None]:
        yield
        left.append("fine")

    async with AsyncExitStack() as stack:
        await stack.enter_async_context(BoundedExit("fine", fine(), within=5))
        assert await stack.enter_async_context(BoundedExit("stuck", stuck(), within=0.1)) == "up"
    assert left == ["fine"]  # the runtimes after the stuck one still stopped
    assert "stuck did not stop within" in caplog.text
