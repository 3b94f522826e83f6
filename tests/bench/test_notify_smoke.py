"""The notify benchmark's machinery at a small size: 500 followers of a streamer going live
on PostgreSQL + Redis, a web process, a notify worker and a local push service. Only
correctness is asserted (no timings): every follower got the in-app notification and
every push reached the push service, the room page answered throughout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PG_ADMIN_URL, REDIS_URL, postgres_available, redis_available, unavailable
from tests.support import ROOT

FOLLOWERS = 500


def test_notify_bench_runs_clean_at_a_small_size(tmp_path: Path) -> None:
    if not (postgres_available() and redis_available()):
        unavailable("needs PostgreSQL on 5432 and Redis on 6379")
    output = tmp_path / "notify.json"
    argv = [sys.executable, "-m", "bench.notify", "--followers", str(FOLLOWERS)]
    argv += ["--baseline-seconds", "2", "--deadline", "180", "--output", str(output)]
    env = {**os.environ, "LIVEMART_BENCH_PG": PG_ADMIN_URL, "LIVEMART_BENCH_REDIS": REDIS_URL}
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=280)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(output.read_text())

    assert result["in_app_written"] == FOLLOWERS
    assert result["pushes_handed"] == FOLLOWERS
    assert result["room_page"]["errors"] == 0
    assert result["room_page"]["answered"] > 0  # (rates are the bench's, not asserted)
    assert result["processes_alive"] is True and result["delivered"] is True

    from bench.__main__ import BENCHMARKS, SUMMARIZERS

    assert "notify" in BENCHMARKS
    rows = dict(SUMMARIZERS["notify"](result))
    assert f"go-live to {FOLLOWERS} followers: the streamer's request" in rows
