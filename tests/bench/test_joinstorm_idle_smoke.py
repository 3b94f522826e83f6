"""bench.joinstorm_idle at a tiny size: one web process on PostgreSQL and Redis holds 20
idle SSE streams and reports their memory. Only that it runs and reports is asserted
(what the memory is goes to the README, not to a test)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PG_ADMIN_URL, REDIS_URL, postgres_available, redis_available, unavailable
from tests.support import ROOT

pytestmark = pytest.mark.slow


def test_joinstorm_idle_runs_at_a_tiny_size(tmp_path: Path) -> None:
    if not (postgres_available() and redis_available()):
        unavailable("needs PostgreSQL on 5432 and Redis on 6379")
    output = tmp_path / "idle.json"
    argv = [sys.executable, "-m", "bench.joinstorm_idle", "--streams", "20"]
    argv += ["--output", str(output)]
    env = {**os.environ, "LIVEMART_BENCH_PG": PG_ADMIN_URL, "LIVEMART_BENCH_REDIS": REDIS_URL}
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(output.read_text())
    assert result["streams"] == 20
    assert result["rss_mb_with_streams"] > 0 and result["rss_mb_before"] > 0
    assert "per_idle_stream_kb" in result and result["goal_kb"] == 50.0
