"""Finding 4: Argon2 (~0.25 s of CPU) ran on the event loop, so a few parallel logins
stalled every other request. Hashing and verifying now run in worker threads, at most
``passwords.WORKERS`` at once. Checked deterministically: every Argon2 call happens off the
loop's thread, never more than WORKERS at a time, and the loop keeps turning while logins run.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest

from app.accounts import passwords
from tests.support import STRONG_PASSWORD, op, register

LOGINS = 4  # under the per-account-and-address attempt limit


class Spy:
    """Wraps the real Argon2 functions and records where and how concurrently they run."""

    def __init__(self) -> None:
        self.threads: list[int] = []
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()

    def wrap(self, real: Any) -> Any:
        def call(*args: Any) -> Any:
            with self.lock:
                self.threads.append(threading.get_ident())
                self.running += 1
                self.most = max(self.most, self.running)
            try:
                return real(*args)
            finally:
                with self.lock:
                    self.running -= 1

        return call


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    found = Spy()
    monkeypatch.setattr(passwords, "hash_password", found.wrap(passwords.hash_password))
    monkeypatch.setattr(passwords, "verify_password", found.wrap(passwords.verify_password))
    return found


async def test_argon2_runs_off_the_event_loop_with_bounded_concurrency(
    client: httpx.AsyncClient, spy: Spy
) -> None:
    loop_thread = threading.get_ident()
    assert (await register(client, "argon@example.com"))["errors"] == []
    await op(client, "accounts", "Logout")

    ticks = 0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0)

    ticking = asyncio.create_task(ticker())
    started = ticks

    async def login() -> None:
        variables = {"email": "argon@example.com", "password": STRONG_PASSWORD}
        result = await op(client, "accounts", "Login", variables)
        assert result["data"]["login"]["errors"] == []

    await asyncio.gather(*(login() for _ in range(LOGINS)))
    stop.set()
    await ticking

    assert len(spy.threads) >= 1 + LOGINS  # the hash at registration, a verify per login
    assert loop_thread not in spy.threads
    assert spy.most <= passwords.WORKERS
    # While Argon2 ran in workers the loop went round many times (on the loop it could not
    # have turned during a hash at all: each login would be one long blocking step).
    assert ticks - started > LOGINS * 10
