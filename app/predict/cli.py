"""``livemart predict eval`` and ``livemart predict train`` (added by :mod:`app.cli`'s
parser; scikit-learn is imported when a command runs)."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from app.cli_types import positive


def _eval(args: argparse.Namespace) -> int:
    from app.predict.evaluate import evaluate_simulated

    report = evaluate_simulated(
        users=args.users, products=args.products, days=args.days, seed=args.seed
    )
    print(report.text())
    return 0 if report.beats_baselines() and report.model.ece < 0.05 else 1


def _train(args: argparse.Namespace) -> int:
    from app.db import close_db, init_db
    from app.predict.service import PredictService
    from app.settings import load_settings

    async def run() -> str | None:
        settings = load_settings()
        await init_db(settings.database_url)
        try:
            return await PredictService(settings).train()
        finally:
            await close_db()

    version = asyncio.run(run())
    print(f"purchase model {version}" if version else "too little data to train on yet")
    return 0


def add_predict_commands(sub: Any) -> None:
    """Add ``predict eval`` and ``predict train`` to the ``livemart`` command."""
    cmd = sub.add_parser("predict", help="purchase prediction: offline report, training")
    inner = cmd.add_subparsers(dest="predict_command", required=True)
    ev = inner.add_parser(
        "eval",
        help="AUC, log-loss and calibration against baselines on a simulated log (time split)",
    )
    ev.add_argument("--users", type=positive, default=2000)
    ev.add_argument("--products", type=positive, default=60)
    ev.add_argument("--days", type=positive, default=14)
    ev.add_argument("--seed", type=int, default=7)
    ev.set_defaults(func=_eval)
    tr = inner.add_parser("train", help="train the purchase model on the interaction log now")
    tr.set_defaults(func=_train)
