"""Real-time fan-out: N subscribers × M chat messages/s through ``roomEvents``, beside a raw
Starlette websocket fan-out of the same events, in one run.

``python -m bench.fanout [--subscribers N] [--rate M] [--seconds S]`` (defaults 2000 × 10/s
× 20 s):

1. a scratch SQLite database (migrated) with a streamer and a live room, made with the
   services;
2. the server, ``uvicorn app.asgi:create_app --factory`` (one worker, so at most one
   core), on a Redis event bus (``redis://127.0.0.1:6379/<--redis-db>``);
3. the subscribers in a separate process (``bench.fanout_client``): N websockets, each
   with one ``roomEvents`` subscription (``--pin`` puts the server on CPU 0 and the client
   on CPU 1: right on an idle machine, wrong on a shared one);
4. this process publishes ``chat.message`` envelopes straight into Redis (channel
   ``room:<id>``) at M/s for S seconds; each carries its send time (``ts``, repeated in
   the chat text so the client finds it without decoding JSON): latency = receive − send;
5. the same client and the same events against ``bench/raw_fanout_app.py`` (one Redis
   subscription, each message's text sent as is to every socket: the best case).

Figures per target: deliveries/s, received vs expected, p50/p99 latency, and the server's
CPU time per delivery (from ``/proc``), whose inverse is the most one server core can
deliver (``capacity/s``): at 2,000 × 10/s the offered load is 20k/s, so whether one
worker could take 25k/s is read from that figure (or run ``--rate 13`` and up). Latency
is only as good as the machine is quiet: ``load_before`` in the JSON says how busy it was.
Prints a table and writes ``bench/results/fanout.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import socket
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
GOAL_DELIVERIES = 25_000
GOAL_P99_MS = 500.0
GOAL_RATIO = 1.5
WARMUP_EVERY_S = 0.25
CLK_TCK = os.sysconf("SC_CLK_TCK")


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__)
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=10.0, help="messages per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--redis-db", type=int, default=14)
    parser.add_argument(
        "--targets", default="roomEvents,raw", help="comma-separated: roomEvents, raw"
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help="pin the server to CPU 0 and the client to CPU 1 (on an otherwise idle machine)",
    )
    parser.add_argument("--no-write", action="store_true", help="do not write the JSON")
    parser.add_argument(
        "--py-spy",
        metavar="DIR",
        default="",
        help="profile each server during the run with py-spy (collapsed stacks into DIR)",
    )
    return parser.parse_args(argv or [])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from ``/proc/stat``."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / CLK_TCK, sum(fields) / CLK_TCK


async def _sample_cpu(pid: int, into: dict[str, list[float]]) -> None:
    """Every second: the server's CPU % and the machine's busy % (all cores: 100 × CPUs)."""
    cpu, (busy, total) = _cpu_seconds(pid), _machine_busy()
    cpus = os.cpu_count() or 1
    while True:
        await asyncio.sleep(1.0)
        cpu2, (busy2, total2) = _cpu_seconds(pid), _machine_busy()
        into["server"].append(round(100 * (cpu2 - cpu), 0))
        into["machine"].append(round(100 * cpus * (busy2 - busy) / max(total2 - total, 1e-9), 0))
        cpu, busy, total = cpu2, busy2, total2


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _child_setup(cpu: int | None) -> Any:
    """A ``preexec_fn`` that allows enough open files and pins the child to ``cpu``."""

    def setup() -> None:
        with contextlib.suppress(OSError, AttributeError):
            if cpu is not None and cpu < (os.cpu_count() or 1):
                os.sched_setaffinity(0, {cpu})
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    return setup


async def _prepare(database_url: str) -> tuple[int, str]:
    """A migrated database with a streamer and a live room; returns (pk, global id)."""
    from app.accounts.models import Role, User
    from app.api.ids import encode_id
    from app.db import close_db, init_db, migrate
    from app.rooms.models import Room
    from app.rooms.services import create_room, open_room

    await migrate(database_url)
    await init_db(database_url)
    try:
        user = await User.create(
            email="bench-streamer@example.com",
            display_name="Bench Streamer",
            password_hash="!",
            role=Role.STREAMER,
        )
        # Redis pub/sub channels are shared by every database index: start the room ids at
        # a random point so that room:<id> is not a channel other runs (tests) publish on.
        base = 1_000_000 + int.from_bytes(os.urandom(3), "big")
        await Room.create(
            id=base,
            owner_id=user.id,
            title="placeholder",
            stream_key=f"sk_bench_{base}",
            status="ended",
        )
        room = await create_room(user, "Fan-out bench")
        room = await open_room(user, room.id)
        return room.id, encode_id("Room", room.id)
    finally:
        await close_db()


def _envelope(room_id: int, marker: str, seq: int, ts: float) -> str:
    """A ``chat.message`` event as ``app.rooms.events.envelope`` encodes it, ``ts`` given."""
    from app.rooms.events import ChatMessageSent

    data = ChatMessageSent(
        message_id=seq + 1,
        user_id=1,
        user_name="Bench Viewer",
        badge="",
        text=f"{marker} {ts!r}",
        created_at=datetime.fromtimestamp(int(ts), UTC),
    ).to_data()
    return json.dumps(
        {
            "type": "chat.message",
            "id": uuid.uuid4().hex,
            "room_id": str(room_id),
            "ts": ts,
            "data": data,
        },
        separators=(",", ":"),
    )


async def _wait_healthy(port: int, proc: asyncio.subprocess.Process) -> None:
    url = f"http://127.0.0.1:{port}/healthz"
    deadline = time.monotonic() + 30
    while True:
        if proc.returncode is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            ok = await asyncio.to_thread(lambda: urllib.request.urlopen(url, timeout=1).status)
            if ok == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start in 30 s")
        await asyncio.sleep(0.2)


async def _stop(proc: asyncio.subprocess.Process | None) -> None:
    if proc is None or proc.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.terminate()
    try:
        await asyncio.wait_for(proc.wait(), 10)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()


async def _read_json(proc: asyncio.subprocess.Process, timeout: float) -> dict[str, Any]:
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), timeout)
    if not line:
        raise RuntimeError("the bench client exited early")
    return json.loads(line)


async def _measure(
    name: str,
    app_spec: str,
    env: dict[str, str],
    args: argparse.Namespace,
    room_id: int,
    room_gid: str,
    redis: Any,
) -> dict[str, Any]:
    """One target: start its server, load it with the client, publish, collect figures."""
    port = _free_port()
    marker = f"lmbench:{uuid.uuid4().hex[:8]}"
    channel = f"room:{room_id}"
    server = client = None
    try:
        server = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "uvicorn",
            app_spec,
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--backlog",
            "4096",
            cwd=ROOT,
            env={**os.environ, **env},
            preexec_fn=_child_setup(0 if args.pin else None),
        )
        await _wait_healthy(port, server)
        client = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.fanout_client",
            f"ws://127.0.0.1:{port}/graphql",
            room_gid,
            marker,
            str(args.subscribers),
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            preexec_fn=_child_setup(1 if args.pin else None),
        )
        assert client.stdin is not None
        connected = await _read_json(client, 180)
        print(
            f"   {name}: {connected['connected']} connected in {connected['seconds']} s"
            f" ({connected['failed']} failed)",
            flush=True,
        )

        ready_task = asyncio.ensure_future(_read_json(client, 90))
        seq = 0
        while not ready_task.done():
            await redis.publish(channel, _envelope(room_id, marker + ":w", seq, time.time()))
            seq += 1
            await asyncio.wait([ready_task], timeout=WARMUP_EVERY_S)
        ready = ready_task.result()
        await asyncio.sleep(0.5)  # let the last warm-ups drain

        client.stdin.write(b"start\n")
        await client.stdin.drain()
        cpu0 = _cpu_seconds(server.pid)
        samples: dict[str, list[float]] = {"server": [], "machine": []}
        sampler = asyncio.ensure_future(_sample_cpu(server.pid, samples))
        profiler = None
        if args.py_spy:
            os.makedirs(args.py_spy, exist_ok=True)
            profiler = await asyncio.create_subprocess_exec(
                str(Path(sys.executable).parent / "py-spy"),
                "record",
                "--nonblocking",
                "--format",
                "raw",
                "--rate",
                "200",
                "-d",
                str(int(args.seconds)),
                "-o",
                str(Path(args.py_spy) / f"{name}.txt"),
                "-p",
                str(server.pid),
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
        interval = 1.0 / args.rate
        total = max(1, round(args.seconds * args.rate))
        loop = asyncio.get_running_loop()
        started = loop.time()
        first_sent = time.time()
        for i in range(total):
            delay = started + i * interval - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            await redis.publish(channel, _envelope(room_id, marker + ":m", seq + i, time.time()))
        last_sent = time.time()
        sampler.cancel()
        expected = total * int(connected["connected"])
        client.stdin.write(f"stop {expected}\n".encode())
        await client.stdin.drain()
        result = await _read_json(client, 120)
        cpu = _cpu_seconds(server.pid) - cpu0
        rss = _rss_mb(server.pid)
        if profiler is not None:
            await profiler.wait()
    finally:
        await _stop(client)
        await _stop(server)

    received = int(result["received"])
    window = total / args.rate
    span = max(window, (result["last_at"] or last_sent) - first_sent)
    return {
        "subscribers": int(connected["connected"]),
        "connect_failures": int(connected["failed"]),
        "warm": int(ready["warm"]),
        "messages": total,
        "publish_seconds": round(last_sent - first_sent, 2),
        "expected": expected,
        "received": received,
        "deliveries_per_s": round(received / span) if span else 0,
        "offered_per_s": round(int(connected["connected"]) * args.rate),
        "p50_ms": round(result["p50_ms"], 1),
        "p90_ms": round(result["p90_ms"], 1),
        "p99_ms": round(result["p99_ms"], 1),
        "max_ms": round(result["max_ms"], 1),
        "server_cpu_s": round(cpu, 2),
        "server_cpu_pct": round(100 * cpu / span, 1) if span else 0.0,
        "server_us_per_delivery": round(1e6 * cpu / received, 1) if received else None,
        "capacity_per_s": round(received / cpu) if cpu else None,
        "server_rss_mb": round(rss, 1),
        "closed_by_server": int(result["closed"]),
        "close_codes": result["close_codes"],
        "client_cpu_pct": result["client_cpu_pct"],
        "max_ms_by_second": result["max_ms_by_second"],
        "server_cpu_pct_by_second": samples["server"],
        "machine_busy_pct_by_second": samples["machine"],
    }


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    from redis import asyncio as aioredis

    redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    redis = aioredis.Redis.from_url(redis_url)
    try:
        await redis.ping()
    except Exception as exc:
        raise SystemExit(f"bench.fanout needs Redis on 127.0.0.1:6379 ({exc})") from None

    load_before = os.getloadavg()[0]
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="lm-fanout-") as tmp:
        database_url = f"sqlite://{tmp}/bench.db"
        room_id, room_gid = await _prepare(database_url)
        livemart_env = {
            "LIVEMART_DATABASE_URL": database_url,
            "LIVEMART_BROADCAST_URL": redis_url,
            "LIVEMART_VAR_DIR": f"{tmp}/var",
            "LIVEMART_SECRET_KEY": "bench-secret-key-0123456789",
            "LIVEMART_MEDIA_IN_PROCESS": "false",
            "LIVEMART_ROOM_WATCHERS_PER_IP": "1000000",  # every client is 127.0.0.1
            "LIVEMART_RTMP_PORT": "0",
        }
        raw_env = {"BENCH_REDIS_URL": redis_url, "BENCH_CHANNEL": f"room:{room_id}"}
        specs = {
            "roomEvents": ("app.asgi:create_app", livemart_env),
            "raw": ("bench.raw_fanout_app:create_app", raw_env),
        }
        for name in targets:
            app_spec, env = specs[name]
            print(
                f"== fanout {name}: {args.subscribers} subscribers × {args.rate:g} msgs/s"
                f" × {args.seconds:g} s",
                flush=True,
            )
            figures[name] = await _measure(name, app_spec, env, args, room_id, room_gid, redis)
    await redis.aclose()

    out: dict[str, Any] = {
        "subscribers": args.subscribers,
        "rate": args.rate,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        "pinned": args.pin,
        "load_before": round(load_before, 2),
        **figures,
    }
    ours, raw = figures.get("roomEvents"), figures.get("raw")
    if ours and raw:
        out["ratio"] = {
            "deliveries_raw_over_ours": _ratio(raw["deliveries_per_s"], ours["deliveries_per_s"]),
            "p99_ours_over_raw": _ratio(ours["p99_ms"], raw["p99_ms"]),
            "cpu_per_delivery_ours_over_raw": _ratio(
                ours["server_us_per_delivery"], raw["server_us_per_delivery"]
            ),
        }
    if ours:
        out["goal"] = {
            "all_delivered": ours["received"] == ours["expected"],
            "p99_under_500ms": ours["p99_ms"] < GOAL_P99_MS,
            "capacity_at_least_25k": (ours["capacity_per_s"] or 0) >= GOAL_DELIVERIES,
            "within_1_5x_of_raw": bool(
                out.get("ratio")
                and (out["ratio"]["cpu_per_delivery_ours_over_raw"] or 99) <= GOAL_RATIO
            ),
        }
    _print_table(out)
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "fanout.json").write_text(json.dumps(out, indent=2) + "\n")
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def _print_table(out: dict[str, Any]) -> None:
    rows = [
        ("deliveries/s", "deliveries_per_s"),
        ("offered/s", "offered_per_s"),
        ("received / expected", None),
        ("p50 ms", "p50_ms"),
        ("p99 ms", "p99_ms"),
        ("max ms", "max_ms"),
        ("server CPU %", "server_cpu_pct"),
        ("server µs/delivery", "server_us_per_delivery"),
        ("capacity/s (1 core)", "capacity_per_s"),
        ("server RSS MB", "server_rss_mb"),
        ("closed by server", "closed_by_server"),
        ("client CPU %", "client_cpu_pct"),
    ]
    names = [n for n in ("roomEvents", "raw") if n in out]
    print(
        f"\n{out['subscribers']} subscribers × {out['rate']:g} msgs/s × {out['seconds']:g} s"
        f" (load average before: {out['load_before']}, {out['cpus']} CPUs)"
    )
    print("| figure | " + " | ".join(names) + " |")
    print("| --- |" + " --- |" * len(names))
    for label, key in rows:
        cells = []
        for n in names:
            f = out[n]
            cells.append(f"{f['received']} / {f['expected']}" if key is None else str(f[key]))
        print(f"| {label} | " + " | ".join(cells) + " |")
    for n in names:
        print(f"{n} by second: worst latency ms", out[n]["max_ms_by_second"])
        print("    server CPU %", out[n]["server_cpu_pct_by_second"])
        print("    machine busy % (of 100 × CPUs)", out[n]["machine_busy_pct_by_second"])
    if "ratio" in out:
        print("ratios:", json.dumps(out["ratio"]))
    if "goal" in out:
        print("goal:", json.dumps(out["goal"]))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark; returns the figures (also written to bench/results/fanout.json)."""
    return asyncio.run(_run(_parse(argv)))


if __name__ == "__main__":
    main(sys.argv[1:])
