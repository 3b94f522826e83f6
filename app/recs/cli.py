"""``livemart recsys train`` and ``livemart recsys eval`` (added by :mod:`app.cli`'s parser;
this module stays light: the recommender is imported when a command runs)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from app.cli_types import positive


def _limit_blas_threads() -> None:
    # implicit's advice for processes that train; must precede numpy's first import.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")


class _Printer:
    """Prints training progress: a line per model stage, percentages in 10 % steps."""

    def __init__(self) -> None:
        self.last: tuple[str, str, int] | None = None

    def __call__(self, model: str, stage: str, done: float) -> None:
        step = int(done * 10)
        key = (model, stage, step)
        if key == self.last:
            return
        self.last = key
        print(f"{model:9} {stage:10} {done * 100:5.1f}%", flush=True)


def _train(args: argparse.Namespace) -> int:
    _limit_blas_threads()
    from app.db import close_db, init_db
    from app.recs.service import RecsService
    from app.settings import load_settings

    settings = load_settings()

    async def run() -> dict[str, str | None]:
        await init_db(settings.database_url)
        try:
            service = RecsService(settings, num_threads=args.threads)
            await service.load()
            return await service.train(progress=_Printer())
        finally:
            await close_db()

    versions = asyncio.run(run())
    if not any(versions.values()):
        print("nothing to train on yet: no interactions are logged", file=sys.stderr)
        return 1
    for name, version in versions.items():
        print(f"{name}: {version or 'no model (no interactions)'}")
    return 0


def _eval(args: argparse.Namespace) -> int:
    _limit_blas_threads()
    from app.settings import load_settings
    from recsys.datasets import DatasetError, movielens_100k
    from recsys.evaluate import format_table, run_eval
    from recsys.model import HybridParams
    from recsys.tuning import SMALL_GRID

    source = args.data if args.data is not None else load_settings().data_dir
    try:
        data = movielens_100k(source)
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    methods: Any = ("loo", "ratio") if args.split == "both" else (args.split,)
    extra: dict[str, Any] = {}
    if args.quick:
        extra = {"grid": SMALL_GRID, "base": HybridParams(n_models=2, iterations=10)}
    print(
        f"Offline evaluation on MovieLens-100k ({args.split} split(s), "
        f"{args.sample or 'all'} users, seed {args.seed})...",
        file=sys.stderr,
        flush=True,
    )
    rows = run_eval(
        data,
        sample_users=args.sample,
        seed=args.seed,
        num_threads=args.threads,
        methods=methods,
        **extra,
    )
    print(format_table(rows))
    return 0


def add_recsys_commands(sub: Any) -> None:
    """Add ``recsys train`` and ``recsys eval`` to the ``livemart`` command."""
    recsys_cmd = sub.add_parser("recsys", help="the recommender: train models, evaluate offline")
    inner = recsys_cmd.add_subparsers(dest="recsys_command", required=True)

    train = inner.add_parser(
        "train", help="train the products and rooms models on the interaction log now"
    )
    train.add_argument(
        "--threads", type=int, default=0, help="OpenMP threads (0: all cores; default)"
    )
    train.set_defaults(func=_train)

    ev = inner.add_parser("eval", help="offline evaluation on MovieLens-100k (prints a table)")
    ev.add_argument("--sample", type=positive, default=None, help="evaluate N sampled users")
    ev.add_argument("--seed", type=int, default=0)
    ev.add_argument(
        "--data",
        type=Path,
        default=None,
        help="MovieLens-100k: a data directory holding ml-100k/, or u.data itself "
        "(default: LIVEMART_DATA_DIR, var/data)",
    )
    ev.add_argument("--threads", type=int, default=None, help="default: the usable cores")
    ev.add_argument(
        "--split",
        choices=["loo", "ratio", "both"],
        default="both",
        help="leave-last-out, random 80/20, or both (default)",
    )
    ev.add_argument(
        "--quick", action="store_true", help="a small tuning grid (seconds, not minutes)"
    )
    ev.set_defaults(func=_eval)
