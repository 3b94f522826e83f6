"""A go-live to N followers (default 50,000) on PostgreSQL + Redis: how long until the
last in-app notification is written and the last push is handed to a local push service,
the streamer's go-live request latency, and the room page's rate during the fan-out
against its rate without it, in the same run.

Processes: one web process (``livemart serve``, ``LIVEMART_NOTIFY_IN_PROCESS=false``), one
``livemart notify-worker`` (the pushes), the push service (``bench.notify_endpoint``) and
this one (the room-page load: a few keep-alive connections in a loop, and the probes).
Every follower has one push subscription; mail is off for go-lives by default.

    python -m bench notify                        # 50,000 followers
    python -m bench.notify --queue arq            # the same through arq (notify_arq.json)
    python -m bench.notify --followers 500 --output /tmp/n.json   # the smoke size
    python -m bench.notify --queue arq --interleave 3   # worker paused / resumed every 3 s

The room page's rate without the fan-out is taken before it and after it (the mean), and
the cores each process used in each window are read from /proc (as ``pidstat`` does),
beside the load average: on a shared machine they say who took the CPU.

What took the page's CPU (2026-12-06, 10,000 followers, 2 cores shared with four other
helpers' test runs, load 5-11), py-spy at 40 Hz for 30 s inside the fan-out:

- web process: no sample in ``app.notify`` (the fan-out's two statements take ~0.5 s at
  the start); 57 % idle in the loop, 33 % serving the room page, 4 % in asyncpg. Nothing to
  remove there.
- notify-worker: 26 % RFC 8291 encryption (``WebPusher.encode``: ECDH 14 %, AES-GCM),
  25 % aiohttp's request, 9 % the claim and lookups (tortoise), the rest the loop. Before
  this change a thread hand-off per message (``asyncio.to_thread``: submit, wake-ups,
  callbacks) was another ~15 % of it: the dedicated worker now encrypts on its loop.
- PostgreSQL 0.02-0.03 cores, Redis < 0.01, the push service 0.01: not the cause.
- The cause: the worker's ~0.06-0.09 cores came out of the page's share although it runs at
  nice 10, because the kernel's autogroups rank a nice only within a session and the
  bench's processes shared one. The worker now leads its own session here (as a service
  would) and lowers its autogroup's nice too (``app.notify.runtime.lower_priority``).
- arq's four jobs at once each sent 64 pushes, queued on 64 HTTP connections past the 10 s
  timeout: 111 pushes of 10,111 were sent twice. One send budget per process fixed it.
- With the worker paused every other 3 s (``--interleave 3``, 5,000 followers, load 7-11)
  the page ran at 0.79 (embedded) and 0.87 (arq) of its paused-worker rate, and at 0.98
  with ``LIVEMART_NOTIFY_RATE=30``: on a saturated shared host the cap is what leaves the
  page its CPU, at the cost of delivery time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.flashsale import pg_admin

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("LIVEMART_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("LIVEMART_BENCH_REDIS", "redis://127.0.0.1:6379/0")
PASSWORD = "notify-bench-password-42"
STREAMER = "streamer@notify.bench"
LOAD_CONNECTIONS = 4


def _cpu_of(pid: int) -> float:
    """CPU seconds (user + system, every thread) a process has used; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_of_named(name: str) -> float:
    """CPU seconds of every process called ``name`` (PostgreSQL's backends, Redis)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    total += _cpu_of(int(entry.name))
            except OSError:
                continue
    return total


def _machine_busy() -> float:
    """CPU seconds the whole machine has been busy (every core, every process)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """Snapshots of the CPU seconds used by the bench's processes, PostgreSQL, Redis and
    the whole machine (other work on a shared host included), like ``pidstat``."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids

    def snapshot(self) -> dict[str, float]:
        found = {name: _cpu_of(pid) for name, pid in self.pids.items()}
        found["load_client"] = _cpu_of(os.getpid())
        found["postgres"] = _cpu_of_named("postgres")
        found["redis"] = _cpu_of_named("redis-server")
        found["machine"] = _machine_busy()
        found["at"] = time.monotonic()
        return found

    @staticmethod
    def cores(start: dict[str, float], end: dict[str, float]) -> dict[str, float]:
        """Cores each used between two snapshots (CPU seconds per second)."""
        span = max(end["at"] - start["at"], 1e-9)
        return {k: round((end[k] - start[k]) / span, 2) for k in start if k != "at"}


def _lowest_priority() -> None:
    """nice 19 for the process and its session's autogroup (it leads a new session)."""
    os.nice(19)
    try:
        with open("/proc/self/autogroup", "w") as group:
            group.write("19")
    except OSError:
        pass


class Interleave:
    """Pauses the notify-worker (SIGSTOP to its session) and resumes it every ``seconds``
    during the fan-out, so the room page's rate with and without the worker is taken in
    alternating windows of one period: other work on a shared host weighs on both alike."""

    def __init__(self, worker_pid: int, seconds: float) -> None:
        self.worker_pid = worker_pid
        self.seconds = seconds
        self.windows: list[tuple[float, float, bool]] = []  # (start, end, worker running)

    def _signal(self, running: bool) -> None:
        import signal

        os.killpg(self.worker_pid, signal.SIGCONT if running else signal.SIGSTOP)

    async def run(self) -> None:
        running = True
        try:
            while True:
                start = time.monotonic()
                await asyncio.sleep(self.seconds)
                self.windows.append((start, time.monotonic(), running))
                running = not running
                self._signal(running)
        finally:
            self._signal(True)

    def rates(self, load: PageLoad) -> dict[str, Any]:
        sums = {True: [0, 0.0], False: [0, 0.0]}
        for start, end, running in self.windows[1:]:  # the first: the fan-out's writes
            sums[running][0] += sum(1 for t in load.done if start <= t < end)
            sums[running][1] += end - start
        on, off = (n / max(s, 1e-9) for n, s in (sums[True], sums[False]))
        return {
            "worker_running_req_per_s": round(on, 1),
            "worker_paused_req_per_s": round(off, 1),
            "running_of_paused": round(on / off, 3) if off else None,
            "window_seconds": self.seconds,
            "windows": len(self.windows) - 1,
        }


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _prepare(env: dict[str, str], followers: int, push_port: int) -> dict[str, int]:
    """Migrate; the streamer with a scheduled room, another live room (the page under
    load), and ``followers`` followers each with a push subscription, in bulk."""
    os.environ.update(env)
    from tortoise import connections

    from app.accounts.models import Role
    from app.accounts.services import create_user
    from app.db import close_db, init_db, migrate
    from app.rooms import services as rooms
    from app.settings import load_settings
    from tests.notify.endpoints import BrowserKeys

    settings = load_settings()
    await migrate(settings.database_url)
    await init_db(settings.database_url)
    try:
        streamer = await create_user(STREAMER, PASSWORD, "Bench Streamer", Role.STREAMER)
        other = await create_user("other@notify.bench", PASSWORD, "Other", Role.STREAMER)
        room = await rooms.create_room(streamer, "The go-live")
        page_room = await rooms.create_room(other, "The room page under load")
        await rooms.open_room(other, page_room.id)
        keys = BrowserKeys()
        conn = connections.get("default")
        await conn.execute_query(
            "INSERT INTO users (email, display_name, password_hash, role, is_active, created_at)"
            " SELECT 'f' || i || '@notify.bench', 'Follower ' || i, 'x', 'viewer', TRUE, now()"
            " FROM generate_series(1, $1) AS i",
            [followers],
        )
        await conn.execute_query(
            "INSERT INTO follows (follower_id, streamer_id, created_at)"
            " SELECT id, $1, now() FROM users WHERE email LIKE 'f%@notify.bench'",
            [streamer.id],
        )
        endpoint = f"http://127.0.0.1:{push_port}/push/"
        await conn.execute_query(
            "INSERT INTO push_subscriptions (user_id, endpoint, endpoint_hash, p256dh, auth,"
            " created_at) SELECT id, $1 || id, md5($1 || id), $2, $3, now()"
            " FROM users WHERE email LIKE 'f%@notify.bench'",
            [endpoint, keys.p256dh, keys.auth],
        )
        await conn.execute_query("ANALYZE")
        return {"streamer": streamer.id, "room": room.id, "page_room": page_room.id}
    finally:
        await close_db()


class PageLoad:
    """``LOAD_CONNECTIONS`` loops fetching the room page; completions with their times."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.done: list[float] = []
        self.errors = 0
        self.stop = False

    async def _loop(self) -> None:
        async with httpx.AsyncClient(timeout=30) as client:
            while not self.stop:
                try:
                    answer = await client.get(self.url)
                    if answer.status_code == 200:
                        self.done.append(time.monotonic())
                    else:
                        self.errors += 1
                except httpx.HTTPError:
                    self.errors += 1

    def rate(self, start: float, end: float) -> float:
        return sum(1 for t in self.done if start <= t < end) / max(end - start, 1e-9)

    async def run(self) -> None:
        await asyncio.gather(*(self._loop() for _ in range(LOAD_CONNECTIONS)))


async def _count(database_url: str, sql: str, *args: Any) -> int:
    import asyncpg

    conn = await asyncpg.connect(database_url)
    try:
        return int(await conn.fetchval(sql, *args))
    finally:
        await conn.close()


async def _measure(
    base: str, database_url: str, push_stats: str, ids: dict[str, int], followers: int,
    baseline_seconds: float, deadline: float, meter: CpuMeter, interleave: float = 0.0,
) -> dict[str, Any]:  # fmt: skip
    from app.api.ids import encode_id

    load = PageLoad(f"{base}/rooms/{ids['page_room']}")
    runner = asyncio.create_task(load.run())
    await asyncio.sleep(1.0)  # warm
    base_start = time.monotonic()
    cpu_before = meter.snapshot()
    load_before = os.getloadavg()[0]
    await asyncio.sleep(baseline_seconds)
    base_end = time.monotonic()
    cpu_base_end = meter.snapshot()

    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await client.get("/login")
        token = client.cookies["lm_csrf"]
        login = await client.post(
            "/graphql",
            json={"query": "mutation($e:String!,$p:String!){login(email:$e,password:$p){user{id}}}",
                  "variables": {"e": STREAMER, "p": PASSWORD}},
            headers={"X-CSRF-Token": token},
        )  # fmt: skip
        login.raise_for_status()
        query = "mutation($r:ID!){openRoom(roomId:$r){room{status} errors{code message}}}"
        started = time.monotonic()
        wall_start = time.time()
        opened = await client.post(
            "/graphql",
            json={"query": query, "variables": {"r": encode_id("Room", ids["room"])}},
            headers={"X-CSRF-Token": token},
        )
        go_live_ms = (time.monotonic() - started) * 1000
    assert opened.json()["data"]["openRoom"]["room"]["status"].lower() == "live", opened.text
    toggler = Interleave(meter.pids["notify_worker"], interleave) if interleave else None
    toggling = asyncio.create_task(toggler.run()) if toggler else None

    written_s = pushed_s = None
    notified = pushed = distinct = 0
    async with httpx.AsyncClient(timeout=10) as probe:
        while time.monotonic() - started < deadline:
            if written_s is None:
                notified = await _count(
                    database_url, "SELECT COUNT(*) FROM notifications WHERE kind = 'go_live'"
                )
                if notified >= followers:
                    written_s = time.monotonic() - started
            stats = (await probe.get(push_stats)).json()
            pushed, distinct = stats["count"], stats["distinct"]
            if distinct >= followers:
                pushed_s = stats["last_at"] - wall_start
                break
            await asyncio.sleep(0.1)
    during_end = time.monotonic()
    if toggling is not None:
        toggling.cancel()
        await asyncio.gather(toggling, return_exceptions=True)
    cpu_during_end = meter.snapshot()
    load_during = os.getloadavg()[0]
    # The rate again after the fan-out: other work on a shared host comes and goes, so the
    # page's rate without the fan-out is taken on both sides of it.
    await asyncio.sleep(baseline_seconds)
    after_end = time.monotonic()
    load.stop = True
    await runner
    before = load.rate(base_start, base_end)
    after = load.rate(during_end, after_end)
    baseline = (before + after) / 2
    during = load.rate(started, during_end)
    return {
        "followers": followers,
        "go_live_request_ms": round(go_live_ms, 1),
        "in_app_written_s": None if written_s is None else round(written_s, 2),
        "in_app_written": notified,
        "last_push_handed_s": None if pushed_s is None else round(pushed_s, 2),
        "pushes_handed": distinct,
        "pushes_sent_twice": pushed - distinct,  # a send timed out after it arrived
        "pushes_per_s": round(distinct / pushed_s, 1) if pushed_s else None,
        "room_page": {
            "baseline_req_per_s": round(baseline, 1),
            "before_req_per_s": round(before, 1),
            "after_req_per_s": round(after, 1),
            "during_fan_out_req_per_s": round(during, 1),
            "during_of_baseline": round(during / baseline, 3) if baseline else None,
            "during_seconds": round(during_end - started, 1),
            "answered": len(load.done),
            "errors": load.errors,
            "connections": LOAD_CONNECTIONS,
        },
        "cores_used": {
            "baseline": CpuMeter.cores(cpu_before, cpu_base_end),
            "during_fan_out": CpuMeter.cores(cpu_base_end, cpu_during_end),
        },
        "load_average_1m": {"before": round(load_before, 2), "during": round(load_during, 2)},
        "interleaved": toggler.rates(load) if toggler else None,
    }


def _wait_up(url: str, proc: subprocess.Popen[bytes], within: float = 180) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up in {within:.0f} s")


def run(
    followers: int, baseline_seconds: float, deadline: float, queue: str = "embedded",
    rate: float = 0.0, interleave: float = 0.0,
) -> dict[str, Any]:  # fmt: skip
    name = f"notify_bench_{os.getpid()}"
    database_url = f"{PG_ADMIN_URL}/{name}"
    asyncio.run(pg_admin(f'CREATE DATABASE "{name}"', PG_ADMIN_URL))
    work = Path(tempfile.mkdtemp(prefix="notify-bench-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        web_port, push_port = _free_port(), _free_port()
        env = {
            "LIVEMART_VAR_DIR": str(work),
            "LIVEMART_DATABASE_URL": database_url,
            "LIVEMART_BROADCAST_URL": REDIS_URL,
            "LIVEMART_SECRET_KEY": "notify-bench-secret-0123456789",
            "LIVEMART_MEDIA_IN_PROCESS": "false",
            "LIVEMART_RTMP_PORT": "0",
            "LIVEMART_NOTIFY_IN_PROCESS": "false",
            "LIVEMART_NOTIFY_QUEUE": queue,
            "LIVEMART_NOTIFY_RATE": str(rate),
            "LIVEMART_RATELIMIT_PREFIX": name,  # its own arq queue and keys in the shared Redis
            "LIVEMART_PUSH_PRIVATE_ENDPOINTS": "true",  # the bench's push service is local
            "LIVEMART_RECS_TRAIN_MINUTES": "0",
            "LIVEMART_WRITE_LIMIT": "0",
            "LIVEMART_ROOM_WATCHERS_PER_IP": "100000",
        }
        ids = asyncio.run(_prepare(env, followers, push_port))
        full_env = {**os.environ, **env}
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        # The push service stands in for Google's, Mozilla's and Apple's, which are not on
        # the web host: it runs at the lowest CPU priority, so it measures itself last.
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "bench.notify_endpoint", "--port", str(push_port)],
            cwd=ROOT, env=full_env, start_new_session=True, preexec_fn=_lowest_priority,
            **quiet,  # type: ignore[arg-type]
        ))  # fmt: skip
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(web_port)],
            cwd=ROOT, env=full_env, **quiet,  # type: ignore[arg-type]
        ))  # fmt: skip
        # The worker in a session of its own, as a service of its own would be: with the
        # kernel's autogroups its nice then ranks it against the web process too.
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "app.cli", "notify-worker"],
            cwd=ROOT, env=full_env, start_new_session=True, **quiet,  # type: ignore[arg-type]
        ))  # fmt: skip
        push_stats = f"http://127.0.0.1:{push_port}/stats"
        base = f"http://127.0.0.1:{web_port}"
        _wait_up(push_stats, procs[0])
        _wait_up(base + "/healthz", procs[1])
        time.sleep(3)  # the worker's start (it imports the same app)
        meter = CpuMeter({"web": procs[1].pid, "notify_worker": procs[2].pid,
                          "push_service": procs[0].pid})  # fmt: skip
        measure = _measure(
            base, database_url, push_stats, ids, followers, baseline_seconds, deadline, meter,
            interleave,
        )  # fmt: skip
        result = asyncio.run(measure)
        result["queue"] = queue
        result["notify_rate"] = rate
        result["processes_alive"] = all(p.poll() is None for p in procs)
        return result
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)
        asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', PG_ADMIN_URL))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--followers", type=int, default=50_000)
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    parser.add_argument("--deadline", type=float, default=600.0, help="seconds to wait at most")
    parser.add_argument(
        "--queue", choices=("embedded", "arq"), default="embedded",
        help="LIVEMART_NOTIFY_QUEUE of the web process and the notify-worker",
    )  # fmt: skip
    parser.add_argument(
        "--rate", type=float, default=0.0, help="LIVEMART_NOTIFY_RATE: sends per second at most"
    )
    parser.add_argument(
        "--interleave", type=float, default=0.0,
        help="pause and resume the notify-worker every so many seconds during the fan-out and"
        " compare the page's rate in both kinds of window (0: off)",
    )  # fmt: skip
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv if argv is not None else [])
    if args.output is None:
        suffix = "" if args.queue == "embedded" else f"_{args.queue}"
        args.output = RESULTS / f"notify{suffix}.json"
    result = run(
        args.followers, args.baseline_seconds, args.deadline, args.queue, args.rate,
        args.interleave,
    )  # fmt: skip
    result["machine"] = f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at the end"
    result["goal"] = "room page during the fan-out within 10% of its rate without it"
    result["delivered"] = bool(
        result["in_app_written"] >= args.followers and result["pushes_handed"] >= args.followers
    )
    result["room_page_goal_met"] = bool(result["room_page"]["during_of_baseline"] >= 0.9)
    result["ok"] = result["delivered"] and result["room_page_goal_met"]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
