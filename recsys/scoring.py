"""Pure scoring functions shared by serving, tuning and evaluation.

Scores of different models live on different scales, so each model's scores for a user are
standardised over the whole catalogue (z-scores) before they are blended.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def zscore(scores: np.ndarray) -> np.ndarray:
    """Standardise each row (or a 1-D vector) to mean 0 and standard deviation 1.

    A constant row becomes all zeros.
    """
    s = np.asarray(scores, dtype=np.float64)
    mean = s.mean(axis=-1, keepdims=True)
    std = s.std(axis=-1, keepdims=True)
    std[std == 0] = 1.0
    return (s - mean) / std


def als_scores(user_factors: np.ndarray, item_factors: np.ndarray) -> np.ndarray:
    """Ensemble ALS scores: the z-scored mean of each member's z-scored dot products.

    ``user_factors`` is (members, users, factors), ``item_factors`` (members, items, factors).
    """
    total = None
    for users, items in zip(user_factors, item_factors, strict=True):
        z = zscore(users.astype(np.float64) @ items.T.astype(np.float64))
        total = z if total is None else total + z
    if total is None:
        raise ValueError("an ALS ensemble needs at least one member")
    return zscore(total)


def knn_scores(user_rows: sp.csr_matrix, similarity: sp.csr_matrix) -> np.ndarray:
    """Item-kNN scores: each user's interaction row times the item similarity, z-scored."""
    return zscore((user_rows @ similarity).toarray())


def popularity_scores(counts: np.ndarray) -> np.ndarray:
    """The z-scored log popularity of every item (the same for every user)."""
    return zscore(np.log1p(np.asarray(counts, dtype=np.float64)))


def blend(
    als_z: np.ndarray,
    knn_z: np.ndarray,
    pop_z: np.ndarray,
    als_weight: float,
    pop_weight: float,
) -> np.ndarray:
    """``als_weight·ALS + (1 - als_weight)·kNN + pop_weight·popularity`` (all z-scores)."""
    return als_weight * als_z + (1.0 - als_weight) * knn_z + pop_weight * pop_z


def top_n(scores: np.ndarray, n: int, banned: np.ndarray | None = None) -> np.ndarray:
    """Indices of the ``n`` best finite scores, best first; ``banned`` indices never appear.

    Ties are broken by the lower index, so results are deterministic.
    """
    s = np.array(scores, dtype=np.float64, copy=True)
    if banned is not None and len(banned):
        s[banned] = -np.inf
    finite = np.flatnonzero(np.isfinite(s))
    if n <= 0 or finite.size == 0:
        return np.zeros(0, dtype=np.int64)
    if finite.size > n:
        part = np.argpartition(-s[finite], n - 1)[:n]
        finite = finite[part]
    order = np.lexsort((finite, -s[finite]))
    return finite[order]


def top_n_rows(scores: np.ndarray, n: int) -> np.ndarray:
    """Row-wise indices of the ``n`` best scores of a 2-D array, best first (for evaluation)."""
    n = min(n, scores.shape[1])
    part = np.argpartition(-scores, n - 1, axis=1)[:, :n]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)
