"""Offline evaluation on MovieLens-100k: ``python -m recsys.evaluate [--sample-users N]``.

Two splits: leave-last-out by timestamp (each user's last rating is the test item) and a
seeded per-user random 80/20.  Every model is trained on the train part; items a user has in
train are never recommended; HR@10 and NDCG@10 are averaged over users with test items.

Rows: popularity, implicit's ALS with its default hyperparameters, item-kNN on BM25 (K=20),
and the served hybrid model with hyperparameters tuned on a validation split carved from the
train part by the same method (the test part is never used for choices).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from implicit.cpu.als import AlternatingLeastSquares
from implicit.nearest_neighbours import BM25Recommender

from recsys import components
from recsys.datasets import DEFAULT_DATA_DIR, DatasetError, movielens_100k
from recsys.matrix import IdMap, Interactions, binarize, build_matrix
from recsys.metrics import Metrics, evaluate
from recsys.model import HybridParams, train
from recsys.splits import Method, split
from recsys.tuning import Grid, tune

SPLITS: dict[Method, str] = {"loo": "leave-last-out", "ratio": "random 80/20"}
K = 10


@dataclass(frozen=True)
class EvalRow:
    """One model's result on one split."""

    split: str
    model: str
    hr: float
    ndcg: float
    users: int
    seconds: float
    note: str = ""


def default_threads() -> int:
    """The CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _dense_scorer(scores: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    return lambda rows: scores[rows]


def _popularity(x: sp.csr_matrix, _seed: int, _threads: int) -> Callable:
    counts = components.popularity(x)
    return lambda rows: np.tile(counts, (len(rows), 1))


def _als_defaults(x: sp.csr_matrix, seed: int, threads: int) -> Callable:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # OpenBLAS threads, see README
        model = AlternatingLeastSquares(random_state=seed, num_threads=threads)
        model.fit(binarize(x), show_progress=False)
    return lambda rows: model.user_factors[rows] @ model.item_factors.T


def _item_knn(x: sp.csr_matrix, _seed: int, threads: int) -> Callable:
    model = BM25Recommender(K=20, num_threads=threads)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # implicit converts its own BM25 output to CSR
        model.fit(x, show_progress=False)
    return lambda rows: (x[rows] @ model.similarity).toarray()


BASELINES: list[tuple[str, Callable]] = [
    ("popularity", _popularity),
    ("ALS (implicit defaults)", _als_defaults),
    ("item-kNN (BM25, K=20)", _item_knn),
]


def _with_unseen(items: IdMap, test_items: np.ndarray) -> IdMap:
    """``items`` plus, after its columns, the test items never seen in train.

    No model can recommend those, but they stay in the test set: they count as misses.
    """
    unseen = IdMap.from_values(test_items).ids
    unseen = unseen[items.indices(unseen) < 0]
    return IdMap(np.concatenate([items.ids, unseen]))


def _sample(test: sp.csr_matrix, sample_users: int | None, seed: int) -> np.ndarray:
    """The evaluated user rows: all with a test item, or a seeded sample of them."""
    users = np.flatnonzero(np.diff(test.indptr) > 0)
    if sample_users is not None and sample_users < len(users):
        users = np.sort(np.random.default_rng(seed).choice(users, sample_users, replace=False))
    return users


def evaluate_split(
    data: Interactions,
    method: Method,
    *,
    seed: int = 0,
    sample_users: int | None = None,
    num_threads: int = 0,
    grid: Grid | None = None,
    base: HybridParams | None = None,
) -> list[EvalRow]:
    """Evaluate every model on one split of ``data`` (``base``: params the tuner keeps)."""
    train_part, test_part = split(data, method, seed)
    m = build_matrix(train_part)
    x = m.matrix
    test = build_matrix(test_part, m.users, _with_unseen(m.items, test_part.items)).matrix
    users = _sample(test, sample_users, seed)
    name = SPLITS[method]
    rows: list[EvalRow] = []

    def record(model: str, started: float, metrics: Metrics, note: str = "") -> None:
        seconds = time.perf_counter() - started
        rows.append(EvalRow(name, model, metrics.hr, metrics.ndcg, metrics.users, seconds, note))

    for label, build in BASELINES:
        started = time.perf_counter()
        scorer = build(x, seed, num_threads)
        record(label, started, evaluate(scorer, x, test, k=K, users=users))

    started = time.perf_counter()
    tuned = tune(
        train_part,
        method,
        base=base or HybridParams(),
        grid=grid,
        seed=seed,
        num_threads=num_threads,
        sample_users=sample_users,
    )
    model = train(train_part, tuned.params, num_threads=num_threads)
    if model.items != m.items or model.users != m.users:
        raise AssertionError("the served model's id maps differ from the evaluation matrix")
    p = tuned.params
    note = (
        f"recency_half_life={p.recency_half_life} factors={p.factors} "
        f"reg={p.regularization} alpha={p.alpha} knn_k={p.knn_k} "
        f"als_w={p.als_weight} pop_w={p.pop_weight} (val NDCG {tuned.validation_ndcg:.3f})"
    )
    record(
        "served hybrid (tuned on validation)",
        started,
        evaluate(model.score_users, x, test, k=K, users=users),
        note,
    )
    return rows


def run_eval(
    data: Interactions,
    sample_users: int | None = None,
    seed: int = 0,
    *,
    num_threads: int | None = None,
    grid: Grid | None = None,
    base: HybridParams | None = None,
    methods: tuple[Method, ...] = ("loo", "ratio"),
) -> list[EvalRow]:
    """Evaluate all models on ``data`` (ML-100k: :func:`recsys.datasets.movielens_100k`) for
    both splits (``sample_users``: evaluate fewer users).

    Seeded and reproducible.  ``num_threads`` defaults to the cores this process may use;
    ``grid`` and ``base`` (the params not searched) go to :func:`recsys.tuning.tune`.
    """
    threads = default_threads() if num_threads is None else num_threads
    rows: list[EvalRow] = []
    for method in methods:
        rows += evaluate_split(
            data,
            method,
            seed=seed,
            sample_users=sample_users,
            num_threads=threads,
            grid=grid,
            base=base,
        )
    return rows


def format_table(rows: list[EvalRow]) -> str:
    """A Markdown table of ``rows``."""
    lines = [
        f"| split | model | HR@{K} | NDCG@{K} | users | seconds |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r.split} | {r.model} | {r.hr:.4f} | {r.ndcg:.4f} | {r.users} | {r.seconds:.1f} |"
        )
    notes = [f"- {r.split}: {r.note}" for r in rows if r.note]
    return "\n".join(lines + (["", *notes] if notes else []))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample-users", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument(
        "--data", default=str(DEFAULT_DATA_DIR), help="data directory or MovieLens-100k file"
    )
    args = parser.parse_args(argv)
    try:
        data = movielens_100k(args.data)
    except DatasetError as exc:
        print(exc, file=sys.stderr)
        return 2
    started = time.perf_counter()
    rows = run_eval(data, args.sample_users, args.seed, num_threads=args.threads)
    print(format_table(rows))
    print(f"\n{time.perf_counter() - started:.1f} s in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
