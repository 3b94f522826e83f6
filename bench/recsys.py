"""Recommender benchmark: training time on MovieLens-100k and per-request serving latency.

    python -m bench.recsys [--threads N] [--requests 2000]

Trains the served model (default params) a few times with one OpenMP thread and with all
the cores, then times single calls, as the app makes them, on one thread: ``recommend``
for a known user with 20 out-of-stock items excluded, ``recommend`` for an unknown user
(trending fallback), ``similar_items``, ``recalculate_user`` with three new interactions,
and a model store save / load.  It also trains in a worker thread (as the app does) while
an asyncio loop ticks every 10 ms, and records how late the ticks came: the event loop's
stall during training, which tests cannot assert (they never check wall-clock times).
The 1-minute load average is recorded beside the figures:
on a shared machine they are only as good as it is quiet.
Prints a table and writes ``bench/results/recsys.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import implicit
import numpy as np

from recsys.datasets import movielens_100k
from recsys.evaluate import default_threads
from recsys.model import HybridParams, Recommender, train
from recsys.store import ModelStore

RESULTS = Path(__file__).resolve().parent / "results"


def _latency(calls: list[Callable[[], object]]) -> dict[str, float]:
    """p50 / p99 / mean of single calls, in milliseconds."""
    for call in calls[: min(50, len(calls))]:  # warm caches
        call()
    times = []
    for call in calls:
        started = time.perf_counter_ns()
        call()
        times.append((time.perf_counter_ns() - started) / 1e6)
    arr = np.asarray(times)
    return {
        "p50_ms": round(float(np.percentile(arr, 50)), 3),
        "p99_ms": round(float(np.percentile(arr, 99)), 3),
        "mean_ms": round(float(arr.mean()), 3),
        "calls": len(times),
    }


def _serving(model: Recommender, requests: int, seed: int = 0) -> dict[str, dict[str, float]]:
    """Latency of each serving call over ``requests`` random requests."""
    rng = np.random.default_rng(seed)
    users = model.users.ids[rng.integers(0, model.n_users, requests)].tolist()
    items = model.items.ids.tolist()
    excludes = [set(rng.choice(items, 20, replace=False).tolist()) for _ in range(requests)]
    news = [rng.choice(items, 3, replace=False).tolist() for _ in range(requests)]
    return {
        "recommend": _latency(
            [
                lambda u=u, e=e: model.recommend(u, 10, exclude=e)
                for u, e in zip(users, excludes, strict=True)
            ]
        ),
        "recommend_unknown_user": _latency(
            [lambda e=e: model.recommend("nobody", 10, exclude=e) for e in excludes]
        ),
        "similar_items": _latency(
            [lambda i=i: model.similar_items(i, 10) for i in rng.choice(items, requests).tolist()]
        ),
        "recalculate_user": _latency(
            [
                lambda n=n, k=k: model.recalculate_user(f"bench-{k}", {i: 1.0 for i in n})
                for k, n in enumerate(news)
            ]
        ),
    }


def _store(model: Recommender) -> dict[str, float]:
    """Seconds to save a version (and swap ``current``) and to load the current one."""
    with tempfile.TemporaryDirectory() as root:
        store = ModelStore(root)
        started = time.perf_counter()
        store.save(model)
        saved = time.perf_counter() - started
        started = time.perf_counter()
        store.load()
        loaded = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(root).rglob("*") if p.is_file())
    return {"save_s": round(saved, 3), "load_s": round(loaded, 3), "bytes": size}


def _train_seconds(threads: int, repeats: int) -> dict[str, float]:
    """Wall seconds to train the default model on ML-100k with ``threads`` OpenMP threads."""
    data = movielens_100k()
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        train(data, HybridParams(), num_threads=threads)
        seconds.append(time.perf_counter() - started)
    return {
        "min": round(min(seconds), 3),
        "median": round(statistics.median(seconds), 3),
        "runs": repeats,
    }


def _loop_lag(threads: int) -> dict[str, float]:
    """How late a 10 ms asyncio tick runs while ML-100k trains in ``asyncio.to_thread``."""
    data = movielens_100k()

    async def measure() -> dict[str, float]:
        lags: list[float] = []
        training = asyncio.ensure_future(
            asyncio.to_thread(train, data, HybridParams(), num_threads=threads)
        )
        while not training.done():
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append((time.perf_counter() - before - 0.01) * 1000)
        await training
        arr = np.asarray(lags)
        return {
            "ticks": len(lags),
            "p50_ms": round(float(np.percentile(arr, 50)), 2),
            "p99_ms": round(float(np.percentile(arr, 99)), 2),
            "max_ms": round(float(arr.max()), 2),
        }

    return asyncio.run(measure())


def run(threads: int, requests: int, repeats: int = 3) -> dict[str, Any]:
    """Measure everything; returns the figures written to the JSON file."""
    data = movielens_100k()
    model = train(data, HybridParams(), num_threads=threads)
    thread_counts = sorted({1, threads})
    return {
        "dataset": "MovieLens-100k",
        "interactions": len(data),
        "users": model.n_users,
        "items": model.n_items,
        "params": model.info["params"],
        "train_s": {str(t): _train_seconds(t, repeats) for t in thread_counts},
        "loop_lag_while_training": _loop_lag(threads),
        "serving": _serving(model, requests),
        "store": _store(model),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "implicit": implicit.__version__,
            "numpy": np.__version__,
            "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
            "loadavg_1m_at_end": round(os.getloadavg()[0], 2),
        },
    }


def _print(result: dict[str, Any]) -> None:
    for threads, t in result["train_s"].items():
        print(
            f"train on {result['dataset']} ({result['interactions']} interactions, "
            f"{threads} threads): median {t['median']:.2f} s, min {t['min']:.2f} s"
        )
    lag = result["loop_lag_while_training"]
    print(
        f"event loop while training: {lag['ticks']} ticks of 10 ms, late by p50 "
        f"{lag['p50_ms']:.2f} ms, p99 {lag['p99_ms']:.2f} ms, max {lag['max_ms']:.2f} ms"
    )
    print("| call | p50 ms | p99 ms | mean ms |\n| --- | ---: | ---: | ---: |")
    for name, lat in result["serving"].items():
        print(f"| {name} | {lat['p50_ms']:.3f} | {lat['p99_ms']:.3f} | {lat['mean_ms']:.3f} |")
    s = result["store"]
    print(f"store: save {s['save_s']:.3f} s, load {s['load_s']:.3f} s, {s['bytes'] / 1e6:.1f} MB")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description="recsys training and serving benchmark")
    parser.add_argument("--threads", type=int, default=None, help="default: available cores")
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args(argv if argv is not None else [])
    threads = args.threads or default_threads()
    result = run(threads, args.requests)
    _print(result)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "recsys.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
