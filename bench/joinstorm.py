"""Join storm: N viewers arrive at one live room, then a flash sale, on the deployed shape.

``python -m bench.joinstorm [--viewers 3000] [--arrival 30] [--sale-at 20] [--units 100]``
(``LIVEMART_JOINSTORM_VIEWERS`` sets the default viewer count: run it smaller while
developing). What runs, all on this machine:

1. a fresh PostgreSQL database (``LIVEMART_BENCH_PG``, default
   ``postgres://postgres@127.0.0.1:5432``), migrated; made with the services, untimed: a
   streamer and its room, a product variant with ``--units`` in stock, 30 % of the viewers
   as buyers (users created in bulk) with an API token each, and the streamer's token;
2. two web processes (``livemart serve`` on two ports) and ``livemart media-worker``, on
   that database and Redis (``LIVEMART_BENCH_REDIS``, default ``redis://127.0.0.1:6379/0``);
3. FFmpeg publishing a generated test source (testsrc2 + sine, real-time pace) over RTMP
   with the room's stream key; the worker transcodes it (``--ladder``, default one 360p
   rung: the worker shares the 2 cores) and the room goes live; the bench waits for HLS;
4. the ``/healthz`` floor: 20 keep-alive connections on web process A for a few seconds
   with the same client, just before the storm;
5. the storm (``bench.joinstorm_viewers``, one client process): viewer *i* arrives at
   ``i × arrival / N`` on web process *i mod 2*: room page, SSE stream, master playlist,
   variant playlist, newest segment; at ``--sale-at`` the streamer starts the flash sale
   (GraphQL ``startFlashSale`` with its token); buyers tap ``buyFlashSale`` when their
   stream shows it (late arrivals: right after loading);
6. ``/proc/<pid>/stat`` and ``status`` of every server process before and after: CPU
   seconds and RSS per process; the database's count of units sold.

Figures: page p50/p99, time to first event (from the flash-sale start to each viewer's
receipt of ``event: flash_sale`` on its SSE stream, for viewers connected before the
start), playlist and segment p99, buy-answer p99 and outcomes, errors by kind (goal 0),
units sold (goal: exactly the stock), CPU and RSS per process, the client's CPU (which of
client and servers is the bottleneck) and the machine's load. Prints them and writes
``bench/results/joinstorm.json`` (``--output`` elsewhere).

Profile notes (``--py-spy``, web process A, 1,000 viewers, 2026-12-06 on the shared 2-core
machine, load average ~7, the same run's ``/healthz`` floor 182-202 req/s): before the
shared SSE messages, 34 % of A's samples were in ``EventStreamResponse`` and 23 % in
``room_stream``: per page and per event, the payload read back (``payload_of`` 6 %), the
template looked up (``get_template``, an ``os.stat`` each: ``getmtime`` 2.6 % self), a
timeout armed around every wait (``Timeout.reschedule`` 3.7 % self), the text encoded; 21.2
ms of web CPU per viewer served. With ``web.sse.Fragments`` (one message per event and
render input, bytes shared by every page, a batch of waiting events in one write, one
keep-alive timer per loop): ``EventStreamResponse`` 12.5 % (nearly all of it the socket
write: ``RequestResponseCycle.send`` 12 % self, over every response), ``Fragments.message``
under 0.5 %; 10.8 ms of web CPU per viewer. At 3,000 viewers the per-page writes of the
viewer count (every web process publishes the total twice a second while viewers join)
were then a fifth of A's samples: a page now gets one at most every 2 s (``PACED``). The
last 1,000-viewer run (08:28, load average 8.5, floor 203.5 req/s): 12.5 ms of web CPU per
viewer, ``EventStreamResponse`` 10.5 %, ``Fragments.message`` 0.9 %, the uvicorn socket
write 4.9 % self. What is left on top: the buys' GraphQL (7-11 %), asyncpg (9-11 % self),
the room page (6-8 %), the profiles updater's writes (6-10 %), the SSE connect's room
lookup (``_room_or_404``, ~4 %) and the HLS files (~5 %).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import resource
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.flashsale import PG_ADMIN_URL, pg_admin
from bench.joinstorm_viewers import (
    Storm,
    Viewers,
    buyer_indices,
    healthz_floor,
    percentile_ms,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
REDIS_URL = os.environ.get(
    "LIVEMART_BENCH_REDIS", os.environ.get("LIVEMART_TEST_REDIS", "redis://127.0.0.1:6379/0")
)
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE_KB = os.sysconf("SC_PAGE_SIZE") / 1024
BUYER_SHARE = 0.3
OUR_CODE = ("app/", "web/", "media/")  # app/cli.py starts the server: on every stack
PUBLISH_SOURCE = "testsrc2=size=640x360:rate=25"


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.joinstorm", description=__doc__)
    parser.add_argument(
        "--viewers", type=int, default=int(os.environ.get("LIVEMART_JOINSTORM_VIEWERS", 3000))
    )
    parser.add_argument("--arrival", type=float, default=30.0, help="seconds over which they come")
    parser.add_argument("--sale-at", type=float, default=20.0, help="flash sale start, s")
    parser.add_argument("--units", type=int, default=100, help="flash-sale units (the stock)")
    parser.add_argument("--buyers", type=float, default=BUYER_SHARE, help="share that buys")
    parser.add_argument(
        "--linger", type=float, default=60.0, help="s after the last arrival for stragglers"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="per request, s")
    parser.add_argument("--floor-seconds", type=float, default=3.0)
    parser.add_argument("--ladder", default="360p:600k:64k", help="LIVEMART_LADDER ('' default)")
    parser.add_argument("--output", type=Path, default=RESULTS / "joinstorm.json")
    parser.add_argument(
        "--py-spy",
        metavar="DIR",
        type=Path,
        help="profile web process A through the storm with py-spy (pip install py-spy): "
        "collapsed stacks into DIR, the top frames into the JSON",
    )
    return parser.parse_args(argv)


# -- the stack ----------------------------------------------------------------------------


@dataclass
class Setup:
    room_id: int
    room_gid: str
    stream_key: str
    variant_gid: str
    streamer_token: str
    buyer_tokens: list[str]


async def prepare(database_url: str, buyers: int, units: int) -> Setup:
    """Migrate, then the people and things of the storm, made with the services."""
    from tortoise import Tortoise

    from app.accounts.models import Role, User
    from app.accounts.services import create_api_token
    from app.api.ids import encode_id
    from app.commerce.models import Product, Variant
    from app.db import close_db, init_db, migrate
    from app.rooms.services import create_room

    await migrate(database_url)
    await init_db(database_url)
    try:
        # Redis channels (room:<id>), presence and gate keys are shared with every other
        # user of this Redis: start ids at a random point so they are the storm's own.
        conn = Tortoise.get_connection("default")
        base = 1_000_000 + secrets.randbelow(1_000_000_000)
        for table in ("rooms", "flash_sales", "users", "product_variants", "products"):
            await conn.execute_query(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {base})"
            )
        streamer = await User.create(
            email="storm-streamer@bench.example",
            display_name="Storm Streamer",
            password_hash="!",
            role=Role.STREAMER,
        )
        room = await create_room(streamer, "Join storm")
        product = await Product.create(
            merchant_id=streamer.id, title="Storm scarf", price_cents=2500
        )
        variant = await Variant.create(
            product_id=product.id,
            merchant_id=streamer.id,
            sku="STORM-1",
            price_cents=2500,
            stock=units,
        )
        await User.bulk_create(
            [
                User(email=f"buyer{i}@bench.example", display_name=f"Buyer {i}", password_hash="!")
                for i in range(buyers)
            ],
            batch_size=500,
        )
        people = await User.filter(email__startswith="buyer").order_by("id")
        gate = asyncio.Semaphore(4)

        async def token(user: User) -> str:
            async with gate:
                return (await create_api_token(user, "storm", "write")).secret

        tokens = list(await asyncio.gather(*(token(u) for u in people)))
        return Setup(
            room_id=room.id,
            room_gid=encode_id("Room", room.id),
            stream_key=room.stream_key,
            variant_gid=encode_id("Variant", variant.id),
            streamer_token=await token(streamer),
            buyer_tokens=tokens,
        )
    finally:
        await close_db()


async def units_sold(database_url: str, room_id: int, units: int) -> dict[str, Any]:
    """What the database says was sold in the room's flash sale."""
    from tortoise.functions import Count

    from app.commerce.live_models import FlashSale, FlashSaleClaim
    from app.commerce.models import Order, OrderStatus
    from app.db import close_db, init_db

    await init_db(database_url)
    try:
        sale = await FlashSale.filter(room_id=room_id).first()
        orders = await Order.filter(
            room_id=room_id, status__in=[OrderStatus.PENDING, OrderStatus.PAID]
        ).count()
        doubled = (
            await Order.filter(room_id=room_id)
            .group_by("buyer_id")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .values_list("buyer_id", flat=True)
        )
        claims = await FlashSaleClaim.filter(sale_id=sale.id).count() if sale else 0
        remaining = sale.remaining if sale else None
    finally:
        await close_db()
    return {
        "units": units,
        "orders": orders,
        "claims": claims,
        "sale_remaining": remaining,
        "buyers_with_two": len(doubled),
        "oversold": max(0, orders - units) + max(0, -(remaining or 0)) + len(doubled),
    }


def _child_setup() -> None:
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def stack_env(db: str, tmp: Path, prefix: str) -> dict[str, str]:
    """The settings of the bench's server processes: the scratch database, Redis as the bus
    (under a fresh key prefix), a var dir in ``tmp``; the media worker runs on its own."""
    return {
        "LIVEMART_DATABASE_URL": db,
        "LIVEMART_BROADCAST_URL": REDIS_URL,
        "LIVEMART_VAR_DIR": str(tmp / "var"),
        "LIVEMART_SECRET_KEY": "joinstorm-secret-key-0123",
        "LIVEMART_MEDIA_IN_PROCESS": "false",
        "LIVEMART_RATELIMIT_PREFIX": f"{prefix}{uuid.uuid4().hex[:8]}",
    }


def _logs_dir(tmp: Path) -> Path:
    logs = tmp / "logs"
    logs.mkdir()
    return logs


class Processes:
    """The server processes of the storm, started and stopped together."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = {**os.environ, **env}
        self.logs = logs
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{name}.log", "wb")  # the child keeps its own descriptor
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            preexec_fn=_child_setup,
        )  # fmt: skip
        log.close()
        self.procs[name] = proc
        return proc

    def tail(self, name: str, lines: int = 15) -> str:
        path = self.logs / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def _wait_healthy(base: str, proc: subprocess.Popen[bytes], within: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + within
    async with httpx.AsyncClient(timeout=2) as client:
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(base + "/healthz")).status_code == 200:
                    return
            if proc.poll() is not None:
                raise RuntimeError(f"{base} exited with {proc.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{base} did not answer /healthz in {within:.0f} s")
            await asyncio.sleep(0.3)


async def _wait_hls(base: str, room_id: int, within: float = 90) -> float:
    """Seconds until the room's master and first variant playlist list a segment."""
    import httpx

    began = time.monotonic()
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
        while time.monotonic() - began < within:
            with contextlib.suppress(httpx.HTTPError):
                master = await client.get(f"/hls/{room_id}/master.m3u8")
                if master.status_code == 200:
                    uri = next(line for line in master.text.splitlines() if line and line[0] != "#")
                    variant = await client.get(f"/hls/{room_id}/{uri}")
                    if variant.status_code == 200 and any(
                        line and line[0] != "#" for line in variant.text.splitlines()
                    ):
                        return time.monotonic() - began
            await asyncio.sleep(0.5)
    raise RuntimeError(f"no HLS for room {room_id} in {within:.0f} s")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- /proc --------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (the worker's FFmpeg)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(stat[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        kids = [child for child, ppid in parents.items() if ppid == parent]
        found += kids
        frontier += kids
    return found


def _proc(pid: int) -> dict[str, float]:
    """CPU seconds (user + system, and of reaped children) and memory of one process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {"cpu_s": 0.0, "rss_mb": 0.0, "hwm_mb": 0.0}
    memory = {
        line.split(":")[0]: int(line.split()[1]) / 1024
        for line in status.splitlines()
        if line.startswith(("VmRSS:", "VmHWM:"))
    }
    ticks = sum(int(x) for x in stat[11:15])  # utime stime cutime cstime
    return {
        "cpu_s": ticks / CLK_TCK,
        "rss_mb": memory.get("VmRSS", 0.0),
        "hwm_mb": memory.get("VmHWM", 0.0),
    }


def snapshot(procs: dict[str, int]) -> dict[str, dict[str, float]]:
    """Per named process (its descendants summed into it): CPU s, RSS and peak RSS."""
    out: dict[str, dict[str, float]] = {}
    for name, pid in procs.items():
        figures = _proc(pid)
        for child in _children(pid):
            kid = _proc(child)
            figures["cpu_s"] += kid["cpu_s"]
            figures["rss_mb"] += kid["rss_mb"]
        out[name] = figures
    return out


def _machine_busy() -> tuple[float, float]:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / CLK_TCK, sum(fields) / CLK_TCK


# -- py-spy ----------------------------------------------------------------------------


def _profile(out: Path, pid: int) -> subprocess.Popen[bytes]:
    out.mkdir(parents=True, exist_ok=True)
    py_spy = Path(sys.executable).parent / "py-spy"
    return subprocess.Popen(
        [str(py_spy), "record", "--nonblocking", "--format", "raw", "--rate", "100",
         "-o", str(out / "web_a.txt"), "-p", str(pid)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _profile_top(profiler: subprocess.Popen[bytes], out: Path, top: int = 15) -> dict[str, Any]:
    """Stop py-spy; the project's frames most often on the stack (inclusive) and all
    frames most often at its top (self), in % of the samples."""
    profiler.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
    try:
        profiler.wait(30)
    except subprocess.TimeoutExpired:
        profiler.kill()
        return {}
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    path = out / "web_a.txt"
    for line in path.read_text().splitlines() if path.exists() else []:
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [_frame(f) for f in stack.split(";")]
        n = int(count)
        total += n
        own[frames[-1]] += n
        for frame in set(frames):
            if _ours(frame) and not frame.endswith("(app/cli.py)"):
                inclusive[frame] += n
    if not total:
        return {}

    def pct(counter: Counter[str]) -> dict[str, float]:
        return {f: round(100 * n / total, 1) for f, n in counter.most_common(top)}

    return {"samples": total, "inclusive_pct": pct(inclusive), "self_pct": pct(own)}


def _frame(frame: str) -> str:
    """``function (path/to/file.py:12)`` as ``function (path/to/file.py)``, relative to the
    checkout or site-packages."""
    name, _, where = frame.partition(" (")
    file = where.rsplit(":", 1)[0] if ":" in where else where.rstrip(")")
    for marker in ("/site-packages/", f"{ROOT}/"):
        if marker in file:
            file = file.split(marker, 1)[1]
            break
    return f"{name} ({file})"


def _ours(frame: str) -> bool:
    """A frame of the project's request handling (not the command that started it)."""
    return frame.endswith((".py)",)) and frame.split(" (", 1)[1].startswith(OUR_CODE)


# -- the run ------------------------------------------------------------------------------


@contextlib.contextmanager
def _scratch_database() -> Iterator[str]:
    name = f"livemart_joinstorm_{uuid.uuid4().hex[:10]}"
    asyncio.run(pg_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_ADMIN_URL}/{name}"
    finally:
        asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _publisher(ffmpeg: str, port: int, key: str) -> list[str]:
    return [
        ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
        "-f", "lavfi", "-i", PUBLISH_SOURCE, "-f", "lavfi", "-i", "sine=f=440:r=48000",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "25",
        "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k",
        "-f", "flv", f"rtmp://127.0.0.1:{port}/live/{key}",
    ]  # fmt: skip


async def _storm(args: argparse.Namespace, setup: Setup, servers: list[str]) -> Any:
    viewers = Viewers(
        Storm(
            servers=servers,
            room_id=setup.room_id,
            room_gid=setup.room_gid,
            variant_gid=setup.variant_gid,
            streamer_token=setup.streamer_token,
            buyer_tokens=setup.buyer_tokens,
            viewers=args.viewers,
            arrival_s=args.arrival,
            sale_at_s=args.sale_at,
            units=args.units,
            timeout_s=args.timeout,
            linger_s=args.linger,
        )
    )
    try:
        return await viewers.run()
    finally:
        await viewers.close()


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Build the stack, run the storm, tear it all down; the result document."""
    from media.config import default_ffmpeg

    _child_setup()  # this process holds every viewer's stream
    buyers = len(buyer_indices(args.viewers, args.buyers))
    ports = [_free_port(), _free_port()]
    with (
        tempfile.TemporaryDirectory(prefix="livemart-joinstorm-") as tmp,
        _scratch_database() as db,
    ):
        _phase(f"preparing the database ({buyers} buyers with tokens)")
        setup = asyncio.run(prepare(db, buyers, args.units))
        _phase("starting two web processes and the media worker")
        env = stack_env(db, Path(tmp), "joinstorm")
        env["LIVEMART_RTMP_PORT"] = str(_free_port())
        if args.ladder:
            env["LIVEMART_LADDER"] = args.ladder
        stack = Processes(env, _logs_dir(Path(tmp)))
        cli = [sys.executable, "-m", "app.cli"]
        try:
            web = [
                stack.start(f"web_{name}", [*cli, "serve", "--port", str(port)])
                for name, port in zip("ab", ports, strict=True)
            ]
            stack.start("media_worker", [*cli, "media-worker"])
            servers = [f"http://127.0.0.1:{port}" for port in ports]
            for base, proc in zip(servers, web, strict=True):
                asyncio.run(_wait_healthy(base, proc))
            publish = stack.start(
                "publisher",
                _publisher(default_ffmpeg(), int(env["LIVEMART_RTMP_PORT"]), setup.stream_key),
            )
            try:
                to_hls = asyncio.run(_wait_hls(servers[1], setup.room_id))
            except RuntimeError as exc:
                tails = {n: stack.tail(n) for n in ("media_worker", "publisher")}
                raise RuntimeError(f"{exc}; {tails}") from None
            _phase(f"live after {to_hls:.1f} s; the /healthz floor")
            floor = asyncio.run(healthz_floor(servers[0], args.floor_seconds, 20))
            pids = {name: proc.pid for name, proc in stack.procs.items()}
            load_before = os.getloadavg()
            profiler = _profile(args.py_spy, pids["web_a"]) if args.py_spy else None
            before, busy0 = snapshot(pids), _machine_busy()
            _phase(f"the storm: {args.viewers} viewers")
            figures = asyncio.run(_storm(args, setup, servers))
            _phase("the storm is over; stopping the stack")
            after, busy1 = snapshot(pids), _machine_busy()
            profile = _profile_top(profiler, args.py_spy) if profiler else None
            alive = {name: proc.poll() is None for name, proc in stack.procs.items()}
            publish.poll()
        finally:
            stack.stop()
        sold = asyncio.run(units_sold(db, setup.room_id, args.units))
        _phase("counted the units sold; dropping the database")
    wall = figures.wall_s
    cpus = os.cpu_count() or 1
    processes = {
        name: {
            "cpu_s": round(after[name]["cpu_s"] - before[name]["cpu_s"], 2),
            "cpu_pct": round(100 * (after[name]["cpu_s"] - before[name]["cpu_s"]) / wall),
            "rss_mb_before": round(before[name]["rss_mb"], 1),
            "rss_mb_after": round(after[name]["rss_mb"], 1),
            "peak_rss_mb": round(after[name]["hwm_mb"], 1),
            "alive_at_end": alive[name],
        }
        for name in pids
    }
    processes["client"] = {
        "cpu_s": round(figures.client_cpu_s, 2),
        "cpu_pct": round(100 * figures.client_cpu_s / wall),
        "loop_lag": _latency(figures.loop_lag),
    }
    # CPU per viewer served (one who got the page): what the offered rate (N / arrival)
    # asks of each side in cores, whatever else ran on the machine meanwhile.
    served = max(1, len(figures.page))
    web_cpu = sum(processes[name]["cpu_s"] for name in processes if name.startswith("web_"))
    per_viewer = {
        "web_processes_ms": round(1000 * web_cpu / served, 1),
        "client_ms": round(1000 * figures.client_cpu_s / served, 1),
    }
    cores_needed = {
        side.removesuffix("_ms"): round(ms / 1000 * args.viewers / args.arrival, 2)
        for side, ms in per_viewer.items()
    }
    # Peak RSS growth of a web process per SSE stream it held: an upper bound of what an
    # open page costs (the growth also holds page renders, buys and allocator slack).
    per_process = max(1, figures.connected) / 2
    memory_per_viewer = {
        name: round(1024 * (after[name]["hwm_mb"] - before[name]["rss_mb"]) / per_process, 1)
        for name in pids
        if name.startswith("web_")
    }
    expected_sold = min(args.units, buyers)
    errors = sum(figures.errors.values())
    machine_pct = round(100 * cpus * (busy1[0] - busy0[0]) / max(busy1[1] - busy0[1], 1e-9))
    return {
        "viewers": args.viewers,
        "arrival_s": args.arrival,
        "sale_at_s": args.sale_at,
        "buyers": buyers,
        "units": args.units,
        "web_processes": 2,
        "database": "postgresql",
        "broadcast": "redis",
        "ladder": args.ladder or "default",
        "machine": f"{platform.machine()} {cpus} cpu, python {platform.python_version()}",
        "load_before": [round(x, 2) for x in load_before],
        "machine_busy_pct_during": machine_pct,
        "time_to_hls_s": round(to_hls, 1),
        "healthz_floor": floor,
        "page": _latency(figures.page),
        "playlist": _latency(figures.playlist),
        "segment": _latency(figures.segment),
        "sse": {
            "connected": figures.connected,
            "connected_before_sale": figures.connected_before_sale,
            "got_event": figures.got_event_before_sale_connected,
            "late_joiners_got_event": figures.got_event_late_joiners,
            "bytes_received": figures.sse_bytes,
            "time_to_first_event": _latency(figures.first_event),
        },
        "flash_sale": {
            "start_answer_ms": round(figures.start_answer_s * 1000, 1),
            "buy_answers": _latency(figures.buy),
            "outcomes": dict(sorted(figures.outcomes.items())),
            **sold,
            "sold": sold["orders"],
            "expected_sold": expected_sold,
        },
        "errors": {"total": errors, "by_kind": dict(sorted(figures.errors.items()))},
        "retried_on_a_closed_keepalive_connection": dict(sorted(figures.retries.items())),
        "processes": processes,
        "cpu_per_viewer": per_viewer,
        "peak_rss_growth_per_sse_viewer_kb": memory_per_viewer,
        "cores_needed_at_the_arrival_rate": cores_needed,
        "storm_wall_s": round(wall, 1),
        **({"profile_web_a": profile} if profile else {}),
        "ok": errors == 0
        and sold["orders"] == expected_sold
        and sold["oversold"] == 0
        and figures.got_event_before_sale_connected == figures.connected_before_sale,
    }


def _phase(what: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {what}", file=sys.stderr, flush=True)


def _latency(values: list[float]) -> dict[str, Any]:
    return {
        "count": len(values),
        "p50_ms": percentile_ms(values, 50),
        "p99_ms": percentile_ms(values, 99),
        "max_ms": percentile_ms(values, 100),
    }


def _print(r: dict[str, Any]) -> None:
    floor = r["healthz_floor"]
    sale = r["flash_sale"]
    print(
        f"{r['viewers']} viewers over {r['arrival_s']} s, flash sale at {r['sale_at_s']} s, "
        f"{r['buyers']} buyers for {r['units']} units; load before {r['load_before']}, "
        f"machine busy {r['machine_busy_pct_during']} % of {100 * (os.cpu_count() or 1)} %"
    )
    print(
        f"/healthz floor (web A, 20 conns): {floor['requests_per_s']} req/s, "
        f"p50 {floor['p50_ms']} ms, p99 {floor['p99_ms']} ms"
    )
    for name in ("page", "playlist", "segment"):
        f = r[name]
        print(f"{name:>9}: {f['count']} · p50 {f['p50_ms']} ms · p99 {f['p99_ms']} ms")
    sse = r["sse"]
    tfe = sse["time_to_first_event"]
    print(
        f"      sse: {sse['connected']} connected, {sse['got_event']}/"
        f"{sse['connected_before_sale']} got the sale · time to first event p50 "
        f"{tfe['p50_ms']} ms · p99 {tfe['p99_ms']} ms"
    )
    buy = sale["buy_answers"]
    print(
        f"      buy: {buy['count']} answers · p50 {buy['p50_ms']} ms · p99 {buy['p99_ms']} ms "
        f"· {sale['outcomes']} · sold {sale['sold']} (expected {sale['expected_sold']}) · "
        f"oversold {sale['oversold']}"
    )
    print(f"   errors: {r['errors']['total']} {r['errors']['by_kind']}")
    if r["retried_on_a_closed_keepalive_connection"]:
        print(f"  retried: {r['retried_on_a_closed_keepalive_connection']} (as a browser does)")
    for name, p in r["processes"].items():
        rss = (
            f" · RSS {p['rss_mb_before']} → {p['rss_mb_after']} MB" if "rss_mb_before" in p else ""
        )
        lag = (
            f" · event loop lag p99 {p['loop_lag']['p99_ms']} ms, max {p['loop_lag']['max_ms']} ms"
            if "loop_lag" in p
            else ""
        )
        print(f"{name:>14}: CPU {p['cpu_s']} s ({p['cpu_pct']} % of one core){rss}{lag}")
    print(
        f"CPU per viewer served: web processes {r['cpu_per_viewer']['web_processes_ms']} ms, "
        f"client {r['cpu_per_viewer']['client_ms']} ms; at {r['viewers']} / {r['arrival_s']:g} s "
        f"that is {r['cores_needed_at_the_arrival_rate']} cores"
    )
    print(
        "peak RSS growth per SSE viewer held (an upper bound): "
        + ", ".join(f"{n} {kb} KB" for n, kb in r["peak_rss_growth_per_sse_viewer_kb"].items())
    )
    profile = r.get("profile_web_a")
    if profile:
        print(f"py-spy, web A ({profile['samples']} samples), most often on the stack:")
        for frame, pct in list(profile["inclusive_pct"].items())[:12]:
            print(f"  {pct:5.1f} %  {frame}")
    print("ok" if r["ok"] else "NOT OK")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the storm; print and save the figures."""
    args = _parse(argv or [])
    result = run(args)
    _print(result)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
