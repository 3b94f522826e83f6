"""The building blocks of the served model, each a small sync function.

- ALS (``implicit.cpu.als``) on BM25-weighted confidences, as an ensemble of seeds;
- item-kNN (``implicit.nearest_neighbours.ItemItemRecommender``) on BM25-weighted item rows;
- popularity and trending (time-decayed popularity) for cold starts.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
from implicit.cpu.als import AlternatingLeastSquares
from implicit.nearest_neighbours import ItemItemRecommender

from recsys.matrix import Bm25

#: ``callback(done)`` with ``done`` in [0, 1].
FractionCallback = Callable[[float], None]


def seeds_for(seed: int, count: int) -> list[int]:
    """``count`` independent, reproducible seeds derived from ``seed``."""
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(count)]


def make_als(
    factors: int,
    regularization: float,
    alpha: float,
    iterations: int = 15,
    *,
    seed: int | None = None,
    num_threads: int = 0,
) -> AlternatingLeastSquares:
    """An untrained CPU ALS model (never the GPU one, whatever the machine has)."""
    with warnings.catch_warnings():
        # implicit warns when OpenBLAS has a thread pool; see the README (OPENBLAS_NUM_THREADS).
        warnings.simplefilter("ignore", RuntimeWarning)
        return AlternatingLeastSquares(
            factors=factors,
            regularization=regularization,
            alpha=alpha,
            iterations=iterations,
            random_state=seed,
            num_threads=num_threads,
        )


def fit_als_ensemble(
    confidence: sp.csr_matrix,
    *,
    factors: int,
    regularization: float,
    alpha: float,
    iterations: int,
    n_models: int,
    seed: int,
    num_threads: int = 0,
    callback: FractionCallback | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Train ``n_models`` ALS models with different seeds on a user×item confidence matrix.

    Returns ``(user_factors, item_factors)`` stacked as (models, users|items, factors).
    """
    users, items = [], []
    total = max(1, n_models * iterations)
    for k, member_seed in enumerate(seeds_for(seed, n_models)):
        model = make_als(
            factors, regularization, alpha, iterations, seed=member_seed, num_threads=num_threads
        )

        def on_iteration(it: int, _elapsed: float, _loss: float | None, k: int = k) -> None:
            if callback is not None:
                callback((k * iterations + it + 1) / total)

        model.fit(confidence, show_progress=False, callback=on_iteration)
        users.append(model.user_factors)
        items.append(model.item_factors)
    return np.stack(users).astype(np.float32), np.stack(items).astype(np.float32)


def als_member(
    user_factors: np.ndarray, item_factors: np.ndarray, regularization: float, alpha: float
) -> AlternatingLeastSquares:
    """Rebuild a trained ALS model from its factors (to call ``recalculate_user`` on it)."""
    model = make_als(item_factors.shape[1], regularization, alpha, num_threads=1)
    model.user_factors = user_factors
    model.item_factors = item_factors
    return model


def fit_item_knn(
    user_items: sp.csr_matrix,
    *,
    k: int,
    k1: float = 1.2,
    b: float = 0.75,
    num_threads: int = 0,
) -> sp.csr_matrix:
    """Item×item similarity of the ``k`` nearest neighbours on BM25-weighted item rows.

    The diagonal (an item's similarity to itself) is removed.
    """
    items_users = sp.csr_matrix(user_items.T)
    weighted = Bm25.fit(items_users, k1, b).transform(items_users).T.tocsr().astype(np.float64)
    knn = ItemItemRecommender(K=k, num_threads=num_threads)
    knn.fit(weighted, show_progress=False)
    similarity = sp.csr_matrix(knn.similarity, dtype=np.float32)
    similarity.setdiag(0.0)
    similarity.eliminate_zeros()
    return similarity


def popularity(user_items: sp.csr_matrix) -> np.ndarray:
    """How many distinct users interacted with each item."""
    return np.bincount(user_items.indices, minlength=user_items.shape[1]).astype(np.float64)


def trending(
    item_index: np.ndarray,
    timestamps: np.ndarray | None,
    n_items: int,
    *,
    half_life_days: float,
    now: float | None = None,
) -> np.ndarray:
    """Interaction counts per item, each decayed by its age (halved every ``half_life_days``).

    ``now`` defaults to the newest timestamp.  Without timestamps: plain interaction counts.
    """
    if timestamps is None or len(timestamps) == 0:
        return np.bincount(item_index, minlength=n_items).astype(np.float64)
    ref = float(np.max(timestamps)) if now is None else now
    age_days = np.maximum(ref - timestamps, 0.0) / 86400.0
    decay = np.exp(-math.log(2.0) * age_days / half_life_days)
    return np.bincount(item_index, weights=decay, minlength=n_items)
