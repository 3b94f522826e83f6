"""The flash-sale HTTP storm's machinery at a tiny size: two ``livemart serve`` processes,
PostgreSQL and Redis (the stock gate shared by both), 30 token-holding buyers (+6 double
taps) for 5 units at once. Only correctness is asserted (no timings): every buyer got a
definite answer, exactly the stock sold, nobody holds two."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PG_ADMIN_URL, REDIS_URL, postgres_available, redis_available, unavailable
from tests.support import ROOT

BUYERS, UNITS = 30, 5


def test_flashsale_http_storm_sells_exactly_the_stock(tmp_path: Path) -> None:
    if not (postgres_available() and redis_available()):
        unavailable("needs PostgreSQL on 5432 and Redis on 6379")
    output = tmp_path / "flashsale.json"
    argv = [sys.executable, "-m", "bench.flashsale", "--http-only", "--buyers", str(BUYERS)]
    argv += ["--units", str(UNITS), "--output", str(output)]
    env = {**os.environ, "LIVEMART_BENCH_PG": PG_ADMIN_URL, "LIVEMART_BENCH_REDIS": REDIS_URL}
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    run = json.loads(output.read_text())["http"]["after"]

    answers = run["storm"]["answers"]
    assert run["storm"]["requests"] == BUYERS + BUYERS // 5
    assert run["every_buyer_answered"] is True
    assert answers["won"] == UNITS
    assert set(answers) <= {"won", "SOLD_OUT", "PURCHASE_LIMIT"}, answers
    assert sum(answers.values()) == BUYERS + BUYERS // 5
    assert run["sold"] == {
        "units": UNITS,
        "orders": UNITS,
        "claims": UNITS,
        "sale_remaining": 0,
        "buyers_with_two": 0,
        "oversold": 0,
    }
    assert run["floor_healthz"]["requests"] == run["storm"]["requests"]
