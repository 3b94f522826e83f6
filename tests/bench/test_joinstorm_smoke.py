"""The join-storm benchmark's machinery at a tiny size: two web processes, the media worker,
PostgreSQL and Redis, 20 viewers in 5 s, a flash sale once they are all watching. Only
correctness is asserted (no timings): every request answered, every viewer's stream got the
sale, exactly the stock sold to 6 buyers competing for 3 units."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PG_ADMIN_URL, REDIS_URL, postgres_available, redis_available, unavailable
from tests.support import ROOT

pytestmark = pytest.mark.media

VIEWERS, BUYERS, UNITS = 20, 6, 3


def test_joinstorm_runs_clean_at_a_tiny_size(tmp_path: Path) -> None:
    if not (postgres_available() and redis_available()):
        unavailable("needs PostgreSQL on 5432 and Redis on 6379")
    output = tmp_path / "joinstorm.json"
    argv = [sys.executable, "-m", "bench.joinstorm", "--viewers", str(VIEWERS)]
    argv += ["--arrival", "5", "--sale-at", "6", "--units", str(UNITS), "--linger", "20"]
    argv += ["--floor-seconds", "0.5", "--output", str(output)]
    env = {**os.environ, "LIVEMART_BENCH_PG": PG_ADMIN_URL, "LIVEMART_BENCH_REDIS": REDIS_URL}
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(output.read_text())

    assert result["errors"] == {"total": 0, "by_kind": {}}
    assert result["page"]["count"] == VIEWERS
    assert result["playlist"]["count"] == 2 * VIEWERS  # master + variant each
    assert result["segment"]["count"] == VIEWERS
    sse = result["sse"]
    # The sale starts after the last arrival: every viewer was watching and heard of it.
    assert sse["connected"] == sse["connected_before_sale"] == sse["got_event"] == VIEWERS
    assert sse["time_to_first_event"]["count"] == VIEWERS
    sale = result["flash_sale"]
    assert result["buyers"] == BUYERS
    assert sale["buy_answers"]["count"] == BUYERS  # each buyer got a definite answer
    assert sale["outcomes"]["won"] == UNITS
    assert sum(sale["outcomes"].values()) == BUYERS
    assert sale["sold"] == sale["claims"] == UNITS
    assert sale["sale_remaining"] == 0
    assert sale["oversold"] == 0 and sale["buyers_with_two"] == 0
    assert all(p["alive_at_end"] for name, p in result["processes"].items() if name != "client")
    assert result["ok"] is True

    # `python -m bench` knows it, and its summary rows read this result.
    from bench.__main__ import BENCHMARKS, SUMMARIZERS

    assert "joinstorm" in BENCHMARKS
    rows = dict(SUMMARIZERS["joinstorm"](result))
    assert rows[f"{VIEWERS} viewers in 5 s, {BUYERS} buy {UNITS} units: errors"] == "0"
