"""Background tasks: stopping them without hanging a shutdown, and logging the failures of
a step they retry without flooding the log."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

log = logging.getLogger("livemart.tasks")


async def stop_task(task: asyncio.Task[Any] | None, within: float = 5.0) -> None:
    """Cancel ``task`` and wait for it to end, at most ``within`` seconds.

    A library can swallow a cancellation that lands at the wrong moment (redis-py inside its
    read timeouts, redis/redis-py#2551) and the task then runs on; loops that talk to Redis
    should also check a stop flag. Past ``within`` the task is left behind and logged, so a
    shutdown never hangs on it.
    """
    if task is None or task.done():
        return
    task.cancel()
    await asyncio.wait({task}, timeout=within)
    if not task.done():
        log.warning("task %r did not stop within %.0f s", task.get_name(), within)
    elif not task.cancelled():
        with contextlib.suppress(Exception):
            task.result()


async def cancel_and_wait(task: asyncio.Task[Any]) -> None:
    """Cancel ``task`` and wait until it has ended; an error it ended with is raised here."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


class FlushLoop:
    """A buffer that a background loop writes out with ``flush``: :meth:`start` runs
    ``_loop`` as a task; :meth:`stop` ends it and writes what is left, bounded by
    ``stop_timeout`` so a shutdown never hangs (a failure is logged, never raised)."""

    task_name = "flush loop"
    stop_timeout = 5.0
    logger = log
    final_flush_failed = "final flush failed (%d pending)"  # formatted with pending()
    _task: asyncio.Task[None] | None = None

    async def flush(self) -> Any:
        raise NotImplementedError

    def pending(self) -> int:
        raise NotImplementedError

    async def _loop(self) -> None:
        raise NotImplementedError

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name=self.task_name)

    async def stop(self) -> None:
        """Stop the loop and write what is left (bounded, so shutdown never hangs)."""
        if self._task is not None:
            await cancel_and_wait(self._task)
            self._task = None
        try:
            await asyncio.wait_for(self.flush(), self.stop_timeout)
        except Exception:
            self.logger.exception(self.final_flush_failed, self.pending())


class BoundedExit:
    """Enter ``manager`` as usual; leaving it takes at most ``within`` seconds (then the
    shutdown goes on without it, and says so). For the app's runtimes: one stuck step
    must not keep a stopping server alive."""

    def __init__(
        self, name: str, manager: AbstractAsyncContextManager[Any], within: float = 30.0
    ) -> None:
        self.name = name
        self.manager = manager
        self.within = within

    async def __aenter__(self) -> Any:
        return await self.manager.__aenter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        try:
            async with asyncio.timeout(self.within):
                return await self.manager.__aexit__(exc_type, exc, tb)
        except TimeoutError:
            log.warning("%s did not stop within %.0f s; shutting down without it",
                        self.name, self.within)  # fmt: skip
            return False


class RetryLog:
    """The log of a background step retried every few hundred milliseconds (a flush to
    Redis, say): its first failure is logged with the traceback, later ones in a row are
    only counted, and the recovery is logged with that count.

        failures = RetryLog(log, "presence flush")
        while True:
            await failures.attempt(flush)
    """

    def __init__(self, logger: logging.Logger, step: str) -> None:
        self.logger = logger
        self.step = step
        self.in_a_row = 0

    def failed(self) -> None:
        """Call from the ``except`` block of a failed attempt."""
        self.in_a_row += 1
        if self.in_a_row == 1:
            self.logger.exception("%s failed; retrying quietly until it works again", self.step)

    def succeeded(self) -> None:
        """Call after an attempt that worked."""
        if self.in_a_row:
            self.logger.warning("%s works again after %d failures", self.step, self.in_a_row)
            self.in_a_row = 0

    async def attempt(self, step: Callable[[], Awaitable[T]]) -> T | None:
        """Run one attempt of ``step``: its result, or ``None`` when it failed (logged as
        :meth:`failed` says). A cancellation is not a failure: it goes through."""
        try:
            result = await step()
        except Exception:
            self.failed()
            return None
        self.succeeded()
        return result


class Recorder(Protocol):
    """A buffer fed by signal listeners and written out by ``flush``."""

    def connect(self) -> None: ...

    def disconnect(self) -> None: ...

    async def flush(self) -> Any: ...


R = TypeVar("R", bound=Recorder)


@contextlib.asynccontextmanager
async def recording(
    recorder: R,
    *,
    name: str,
    logger: logging.Logger,
    every: float,
    install: Callable[[R | None], None],
    step: Callable[[], Awaitable[Any]] | None = None,
) -> AsyncIterator[R]:
    """Run a buffered recorder as a runtime: install it, connect its listeners, run ``step``
    (default: its flush) every ``every`` seconds, retried quietly (:class:`RetryLog`); on
    the way out stop the loop, disconnect, flush once more (a failure is logged) and
    uninstall it."""

    async def loop(step: Callable[[], Awaitable[Any]]) -> None:
        failures = RetryLog(logger, f"{name} flush")
        while True:
            await asyncio.sleep(every)
            await failures.attempt(step)

    install(recorder)
    recorder.connect()
    task = asyncio.create_task(loop(step or recorder.flush))
    try:
        yield recorder
    finally:
        await cancel_and_wait(task)
        recorder.disconnect()
        try:
            await recorder.flush()
        except Exception:
            logger.exception("%s: the last flush failed", name)
        install(None)
