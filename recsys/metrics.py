"""Top-N ranking metrics: hit rate and NDCG with binary relevance."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from recsys.scoring import top_n_rows

#: ``scorer(user_rows) -> scores`` of shape (len(user_rows), n_items).
Scorer = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Metrics:
    hr: float
    ndcg: float
    users: int


def evaluate(
    scorer: Scorer,
    train: sp.csr_matrix,
    test: sp.csr_matrix,
    *,
    k: int = 10,
    users: np.ndarray | None = None,
    batch: int = 512,
) -> Metrics:
    """HR@k and NDCG@k of ``scorer`` on the users with test items; train items are filtered.

    ``train`` and ``test`` are user×item matrices with the same rows and the same first
    columns; ``test`` may have extra columns (items unseen in train: unrecommendable misses).
    ``users``: evaluate only these rows (default: every row with a test item).
    """
    has_test = np.diff(test.indptr) > 0
    rows = np.flatnonzero(has_test) if users is None else np.asarray(users)[has_test[users]]
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    ideal = np.cumsum(discount)
    hits, gains = [], []
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        scores = np.array(scorer(chunk), dtype=np.float64)
        seen = train[chunk].tocoo()
        scores[seen.row, seen.col] = -np.inf
        top = top_n_rows(scores, k)
        truth = test[chunk]
        relevant = np.asarray(truth[np.arange(len(chunk))[:, None], top].todense()) != 0
        n_true = np.minimum(np.diff(truth.indptr), k)
        hits.append(relevant.any(axis=1))
        gains.append((relevant * discount[: top.shape[1]]).sum(axis=1) / ideal[n_true - 1])
    if not rows.size:
        return Metrics(0.0, 0.0, 0)
    return Metrics(
        float(np.concatenate(hits).mean()), float(np.concatenate(gains).mean()), len(rows)
    )
