"""Hyperparameter search for the served model on a validation split carved from train only.

The validation split uses the same method as the evaluation split (leave-last-out or 80/20),
applied to the training interactions; the test interactions are never looked at.  The search
is a small seeded grid: every ALS configuration is trained once and every blend of it with
item-kNN and popularity is scored from cached z-scores, so the whole grid costs a few dozen
ALS fits.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np

from recsys import components, scoring
from recsys.matrix import Bm25, Interactions, build_matrix
from recsys.metrics import evaluate
from recsys.model import HybridParams, ProgressCallback, als_input, knn_input
from recsys.splits import Method, split


@dataclass(frozen=True)
class Grid:
    """The values tried for each hyperparameter.

    The search runs in two stages: recency half-life × factors (other ALS params from the
    base), then factors × regularization × alpha at the best half-life.  Every ALS point is
    blended with every (knn_k, als_weight, pop_weight).
    """

    recency_half_life: tuple[float | None, ...] = (None, 20.0, 5.0)
    factors: tuple[int, ...] = (16, 32, 64)
    regularization: tuple[float, ...] = (0.05, 0.5)
    alpha: tuple[float, ...] = (0.5, 1.0, 2.0)
    knn_k: tuple[int, ...] = (20, 100)
    als_weight: tuple[float, ...] = (0.5, 0.7, 0.85, 1.0)
    pop_weight: tuple[float, ...] = (0.0, 0.1, 0.2)


#: A grid of a few points, for quick checks and tests.
SMALL_GRID = Grid(
    recency_half_life=(None, 10.0),
    factors=(32, 64),
    regularization=(0.05,),
    alpha=(1.0,),
    knn_k=(20,),
    als_weight=(0.7, 0.85),
    pop_weight=(0.0, 0.1),
)


@dataclass(frozen=True)
class TuneResult:
    params: HybridParams
    validation_ndcg: float
    validation_hr: float
    tried: int


AlsPoint = tuple[float | None, int, float, float]  # recency half-life, factors, reg, alpha


class _Search:
    """Scores ALS points (each blended every way) on one validation split, with caches."""

    def __init__(
        self,
        train: Interactions,
        valid: Interactions,
        base: HybridParams,
        grid: Grid,
        *,
        num_threads: int,
        sample_users: int | None,
        k: int,
    ) -> None:
        self.train, self.base, self.grid = train, base, grid
        self.num_threads, self.k = num_threads, k
        plain = build_matrix(train)
        self.users_map, self.items_map, self.x = plain.users, plain.items, plain.matrix
        self.truth = build_matrix(valid, plain.users, plain.items).matrix
        users = np.flatnonzero(np.diff(self.truth.indptr) > 0)
        if sample_users is not None and sample_users < len(users):
            rng = np.random.default_rng(base.seed)
            users = np.sort(rng.choice(users, sample_users, replace=False))
        self.users = users
        self.pop_z = scoring.popularity_scores(components.popularity(self.x))
        self.similarity = {
            kk: components.fit_item_knn(
                self.x, k=kk, k1=base.bm25_k1, b=base.bm25_b, num_threads=num_threads
            )
            for kk in grid.knn_k
        }
        self._inputs: dict[float | None, tuple] = {}
        self.results: dict[AlsPoint, tuple[float, float, HybridParams]] = {}

    def _inputs_for(self, half_life: float | None) -> tuple:
        """ALS confidences and kNN z-scores of the validation users for one half-life."""
        if half_life not in self._inputs:
            m = build_matrix(
                self.train, self.users_map, self.items_map, recency_half_life=half_life
            )
            source = als_input(m.matrix, m.recency, self.base.strength)
            confidence = Bm25.fit(source, self.base.bm25_k1, self.base.bm25_b).transform(source)
            rows = knn_input(m.matrix, m.recency)[self.users]
            knn_z = {kk: scoring.knn_scores(rows, sim) for kk, sim in self.similarity.items()}
            self._inputs[half_life] = (confidence, knn_z)
        return self._inputs[half_life]

    def score(self, point: AlsPoint) -> tuple[float, float, HybridParams]:
        """(NDCG, HR, params) of the best blend of one ALS point."""
        if point in self.results:
            return self.results[point]
        half_life, factors, reg, alpha = point
        confidence, knn_z = self._inputs_for(half_life)
        user_f, item_f = components.fit_als_ensemble(
            confidence,
            factors=factors,
            regularization=reg,
            alpha=alpha,
            iterations=self.base.iterations,
            n_models=self.base.n_models,
            seed=self.base.seed,
            num_threads=self.num_threads,
        )
        als_z = scoring.als_scores(user_f[:, self.users, :], item_f)
        best: tuple[float, float, HybridParams] | None = None
        g = self.grid
        for kk, w, pw in itertools.product(g.knn_k, g.als_weight, g.pop_weight):
            blended = scoring.blend(als_z, knn_z[kk], self.pop_z, w, pw)

            def scores(rows: np.ndarray, s: np.ndarray = blended) -> np.ndarray:
                return s[np.searchsorted(self.users, rows)]

            result = evaluate(
                scores,
                self.x,
                self.truth,
                k=self.k,
                users=self.users,
            )
            if best is None or result.ndcg > best[0]:
                params = replace(
                    self.base,
                    recency_half_life=half_life,
                    factors=factors,
                    regularization=reg,
                    alpha=alpha,
                    knn_k=kk,
                    als_weight=w,
                    pop_weight=pw,
                )
                best = (result.ndcg, result.hr, params)
        assert best is not None
        self.results[point] = best
        return best


def tune(
    train: Interactions,
    method: Method = "loo",
    *,
    base: HybridParams | None = None,
    grid: Grid | None = None,
    seed: int = 0,
    num_threads: int = 0,
    sample_users: int | None = None,
    k: int = 10,
    progress: ProgressCallback | None = None,
) -> TuneResult:
    """Pick the params with the best validation NDCG@k; ties go to the earlier grid point.

    The validation split is carved from ``train`` by ``method`` (seeded with ``seed + 1``).
    ``base`` supplies the params that are not searched; its seed is replaced by ``seed``.
    ``sample_users``: score validation on a seeded sample of users (faster, noisier).
    """
    base = replace(base or HybridParams(), seed=seed)
    grid = grid or Grid()
    if not all(
        (
            grid.factors,
            grid.regularization,
            grid.alpha,
            grid.knn_k,
            grid.als_weight,
            grid.pop_weight,
            grid.recency_half_life,
        )
    ):
        raise ValueError("every grid axis needs at least one value")
    report = progress or (lambda _stage, _done: None)
    fit, valid = split(train, method, seed + 1)
    search = _Search(
        fit, valid, base, grid, num_threads=num_threads, sample_users=sample_users, k=k
    )
    stage1: list[AlsPoint] = [
        (h, f, base.regularization, base.alpha)
        for h, f in itertools.product(grid.recency_half_life, grid.factors)
    ]
    total = len(stage1) + len(grid.factors) * len(grid.regularization) * len(grid.alpha)
    for n, point in enumerate(stage1):
        report("tune", n / total)
        search.score(point)
    half_life = max(search.results.values(), key=lambda r: r[0])[2].recency_half_life
    stage2: list[AlsPoint] = [
        (half_life, f, r, a)
        for f, r, a in itertools.product(grid.factors, grid.regularization, grid.alpha)
    ]
    for n, point in enumerate(stage2):
        report("tune", (len(stage1) + n) / total)
        search.score(point)
    report("tune", 1.0)
    ndcg, hr, params = max(search.results.values(), key=lambda r: r[0])
    return TuneResult(params, ndcg, hr, len(search.results))
