"""The served model: an ALS ensemble blended with item-kNN and a pinch of popularity.

``train`` builds a :class:`Recommender` from interactions (sync, CPU-bound: run it in a worker
thread or process, never on an event loop).  A ``Recommender`` answers top-N requests for a
user, similar items and popular / trending items, and folds a user's new interactions in
without retraining (:meth:`Recommender.recalculate_user`).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal, NamedTuple

import numpy as np
import scipy.sparse as sp

from recsys import components, scoring
from recsys.matrix import Bm25, Id, IdMap, Interactions, build_matrix, cells, with_data

#: How ALS sees a cell's summed interaction strength.
Strength = Literal["binary", "log", "raw"]

#: ``progress(stage, done)``: ``stage`` names the step, ``done`` runs from 0 to 1 overall.
ProgressCallback = Callable[[str, float], None]


class Scored(NamedTuple):
    """One recommended item and its score (higher is better; comparable within one answer)."""

    item_id: Id
    score: float


@dataclass(frozen=True)
class HybridParams:
    """Hyperparameters of the served model.

    ``factors``, ``regularization``, ``alpha``, ``iterations``: each ALS model; ``n_models``
    ALS models with different seeds are averaged.  ``strength``: what ALS sees of a cell's
    summed strength: ``"binary"`` (presence), ``"log"`` (``log1p``) or ``"raw"``.
    ``recency_half_life``: an interaction followed by that many newer ones of the same user
    counts half (None: no decay).  ``bm25_*``: BM25 confidence weighting.
    ``knn_k``: item-kNN neighbours.  ``als_weight``, ``pop_weight``: the blend.
    ``trending_half_life_days``: decay of the trending fallback.

    The defaults are what ``recsys.tuning.tune`` chose on a leave-last-out validation split
    of MovieLens-100k (train part only): next-interaction prediction, like a shop's.
    Run ``tune`` on your own interaction log to choose again.
    """

    factors: int = 32
    regularization: float = 0.05
    alpha: float = 2.0
    iterations: int = 15
    n_models: int = 3
    strength: Strength = "binary"
    recency_half_life: float | None = 5.0
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    knn_k: int = 20
    als_weight: float = 0.7
    pop_weight: float = 0.0
    trending_half_life_days: float = 7.0
    seed: int = 0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HybridParams:
        """Build from a dict, ignoring unknown keys (params saved by older versions)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class _UserState:
    """A user's interactions and ALS factors as updated by ``recalculate_user``."""

    row: sp.csr_matrix  # 1×items summed strengths
    recency: np.ndarray  # aligned with row.data
    factors: np.ndarray  # (members, factors)


def als_input(rows: sp.csr_matrix, recency: np.ndarray, strength: Strength) -> sp.csr_matrix:
    """What ALS's confidences are made of: presence (or scaled strength) times recency."""
    if strength == "binary":
        values = np.ones_like(rows.data)
    elif strength == "log":
        values = np.log1p(rows.data)
    elif strength == "raw":
        values = rows.data
    else:
        raise ValueError(f"unknown strength scaling {strength!r}")
    return with_data(rows, values * recency)


def knn_input(rows: sp.csr_matrix, recency: np.ndarray) -> sp.csr_matrix:
    """The rows item-kNN scores with: strength times recency decay."""
    return with_data(rows, rows.data * recency)


@dataclass(eq=False)
class Recommender:
    """A trained hybrid model.  Thread-safe for concurrent reads and ``recalculate_user``."""

    params: HybridParams
    users: IdMap
    items: IdMap
    user_items: sp.csr_matrix
    recency: np.ndarray
    user_factors: np.ndarray
    item_factors: np.ndarray
    bm25: Bm25
    similarity: sp.csr_matrix
    counts: np.ndarray
    trend: np.ndarray
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._overrides: dict[Id, _UserState] = {}
        self._pop_z = scoring.popularity_scores(self.counts)
        norms = np.linalg.norm(self.item_factors, axis=2, keepdims=True)
        norms[norms == 0] = 1.0
        self._unit_items = self.item_factors / norms
        self._neighbours = sp.csr_matrix(self.similarity + self.similarity.T)
        self._knn_rows = knn_input(self.user_items, self.recency)
        self._members = [
            components.als_member(u, v, self.params.regularization, self.params.alpha)
            for u, v in zip(self.user_factors, self.item_factors, strict=True)
        ]

    # -- facts -------------------------------------------------------------------------

    @property
    def n_users(self) -> int:
        return len(self.users)

    @property
    def n_items(self) -> int:
        return len(self.items)

    def knows_user(self, user_id: Id) -> bool:
        """Whether ``recommend`` personalises for this user (trained or recalculated)."""
        return user_id in self.users or user_id in self._overrides

    def knows_item(self, item_id: Id) -> bool:
        return item_id in self.items

    # -- serving -----------------------------------------------------------------------

    def recommend(
        self,
        user_id: Id,
        n: int = 10,
        *,
        exclude: Iterable[Id] = (),
        filter_consumed: bool = True,
        candidates: Iterable[Id] | None = None,
    ) -> list[Scored]:
        """The ``n`` best items for a user, best first.

        ``exclude``: ids never to return (out of stock, hidden); unknown ids are ignored.
        ``filter_consumed``: drop the items the user already interacted with.
        ``candidates``: if given, only these ids may be returned.
        An unknown user (never trained, never recalculated) gets trending items.
        """
        state = self._state(user_id)
        if state is None:
            return self.popular(n, exclude=exclude, candidates=candidates)
        row, recency, factors = state
        scores = self._blend(knn_input(row, recency), factors[:, None, :])[0]
        banned = [self._ban(exclude, candidates)]
        if filter_consumed:
            banned.append(row.indices)
        return self._answer(scores, n, np.concatenate(banned))

    def similar_items(
        self, item_id: Id, n: int = 10, *, exclude: Iterable[Id] = ()
    ) -> list[Scored]:
        """Items most similar to ``item_id`` (ALS cosine blended with item-kNN).

        Raises :class:`UnknownItem` (a ``KeyError``) for an item the model has not seen.
        """
        i = self.items.index(item_id)
        cos = np.mean(self._unit_items @ self._unit_items[:, i, :, None], axis=0)[:, 0]
        knn = self._neighbours[i].toarray()[0]
        w = self.params.als_weight
        scores = w * scoring.zscore(cos) + (1.0 - w) * scoring.zscore(knn)
        banned = np.append(self._ban(exclude, None), i)
        return self._answer(scores, n, banned)

    def popular(
        self,
        n: int = 10,
        *,
        exclude: Iterable[Id] = (),
        candidates: Iterable[Id] | None = None,
        trending: bool = True,
    ) -> list[Scored]:
        """The most popular items: time-decayed (``trending``) or all-time counts."""
        scores = self.trend if trending else self.counts
        return self._answer(scores, n, self._ban(exclude, candidates))

    def recalculate_user(
        self,
        user_id: Id,
        interactions: Mapping[Id, float] | Iterable[tuple[Id, float]],
        *,
        replace: bool = False,
    ) -> int:
        """Fold a user's new interactions in without retraining; returns how many were used.

        ``interactions`` are ``item_id -> strength`` pairs, oldest first; they are added to
        what the model knows of the user (``replace=True``: they are the user's whole history).
        Items unknown to the model are skipped.  Works for users the model has never seen.
        The update lives in memory until the next training, so keep logging interactions.
        """
        pairs = list(interactions.items() if isinstance(interactions, Mapping) else interactions)
        decay = self._decay(len(pairs))
        cols, vals, recs = [], [], []
        for (item_id, weight), d in zip(pairs, decay, strict=True):
            j = self.items.get(item_id)
            if j is not None:
                cols.append(j)
                vals.append(float(weight))
                recs.append(d)
        used = len(cols)
        with self._lock:
            current = None if replace else self._state(user_id)
            if current is not None:
                old_row, old_rec, _ = current
                aged = old_rec * self._decay(len(pairs) + 1)[0]  # older by len(pairs) steps
                cols = [*old_row.indices.tolist(), *cols]
                vals = [*old_row.data.tolist(), *vals]
                recs = [*aged.tolist(), *recs]
            row, recency = cells(
                np.zeros(len(cols), np.int64),
                np.asarray(cols, np.int64),
                np.asarray(vals, np.float64),
                np.asarray(recs, np.float64),
                (1, self.n_items),
            )
            if row.nnz == 0:
                self._overrides.pop(user_id, None)
                return 0
            confidence = self.bm25.transform(als_input(row, recency, self.params.strength))
            factors = np.stack([m.recalculate_user(0, confidence) for m in self._members])
            self._overrides[user_id] = _UserState(row, recency, factors.astype(np.float32))
        return used

    def score_users(self, user_index: np.ndarray) -> np.ndarray:
        """Blended scores (users × items) for trained users by row index (for evaluation)."""
        return self._blend(self._knn_rows[user_index], self.user_factors[:, user_index, :])

    # -- internals ---------------------------------------------------------------------

    def _state(self, user_id: Id) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray] | None:
        """The user's row, its recency decays and per-member factors; None for a stranger."""
        override = self._overrides.get(user_id)
        if override is not None:
            return override.row, override.recency, override.factors
        u = self.users.get(user_id)
        if u is None:
            return None
        start, end = self.user_items.indptr[u], self.user_items.indptr[u + 1]
        return self.user_items[u], self.recency[start:end], self.user_factors[:, u, :]

    def _decay(self, count: int) -> np.ndarray:
        """Recency decays of ``count`` consecutive interactions, oldest first (last is 1)."""
        h = self.params.recency_half_life
        if h is None:
            return np.ones(count)
        return 0.5 ** (np.arange(count - 1, -1, -1, dtype=np.float64) / h)

    def _blend(self, rows: sp.csr_matrix, user_factors: np.ndarray) -> np.ndarray:
        """Blended z-scores for kNN input ``rows`` with matching (members, n, f) factors."""
        als_z = scoring.als_scores(user_factors, self.item_factors)
        knn_z = scoring.knn_scores(rows, self.similarity)
        p = self.params
        return scoring.blend(als_z, knn_z, self._pop_z, p.als_weight, p.pop_weight)

    def _ban(self, exclude: Iterable[Id], candidates: Iterable[Id] | None) -> np.ndarray:
        """Indices that must not be returned."""
        banned = self.items.indices(exclude)
        banned = banned[banned >= 0]
        if candidates is not None:
            allowed = np.zeros(self.n_items, dtype=bool)
            idx = self.items.indices(candidates)
            allowed[idx[idx >= 0]] = True
            banned = np.concatenate([banned, np.flatnonzero(~allowed)])
        return banned

    def _answer(self, scores: np.ndarray, n: int, banned: np.ndarray) -> list[Scored]:
        """Top ``n`` of ``scores`` as ``Scored`` ids."""
        top = scoring.top_n(scores, n, banned)
        return [Scored(self.items.id_of(j), float(scores[j])) for j in top]


def train(
    interactions: Interactions,
    params: HybridParams | None = None,
    *,
    num_threads: int = 1,
    progress: ProgressCallback | None = None,
) -> Recommender:
    """Train the served model (sync and CPU-bound: call it from a worker thread).

    ``num_threads``: OpenMP threads for implicit (0 = all cores).  The default, 1, suits
    training inside the web process: it leaves the other cores to serving, and OpenMP
    threads that share busy cores spin and slow down.  A dedicated training process
    should pass 0.
    ``progress(stage, done)`` is called as training advances (``done`` from 0 to 1).
    """
    p = params or HybridParams()
    started = time.perf_counter()
    report = progress or (lambda _stage, _done: None)
    if len(interactions) == 0:
        raise ValueError("cannot train on no interactions")

    report("matrix", 0.0)
    m = build_matrix(interactions, recency_half_life=p.recency_half_life)
    x = m.matrix
    source = als_input(x, m.recency, p.strength)
    bm25 = Bm25.fit(source, p.bm25_k1, p.bm25_b)
    confidence = bm25.transform(source)

    report("als", 0.05)
    user_f, item_f = components.fit_als_ensemble(
        confidence,
        factors=p.factors,
        regularization=p.regularization,
        alpha=p.alpha,
        iterations=p.iterations,
        n_models=p.n_models,
        seed=p.seed,
        num_threads=num_threads,
        callback=lambda done: report("als", 0.05 + 0.85 * done),
    )

    report("knn", 0.9)
    similarity = components.fit_item_knn(
        x, k=p.knn_k, k1=p.bm25_k1, b=p.bm25_b, num_threads=num_threads
    )

    report("popularity", 0.97)
    counts = components.popularity(x)
    trend = components.trending(
        m.items.indices(interactions.items),
        interactions.timestamps,
        len(m.items),
        half_life_days=p.trending_half_life_days,
    )
    info = {
        "trained_at": dt.datetime.now(dt.UTC).isoformat(),
        "n_interactions": len(interactions),
        "n_users": len(m.users),
        "n_items": len(m.items),
        "train_seconds": round(time.perf_counter() - started, 3),
        "params": asdict(p),
    }
    model = Recommender(
        p, m.users, m.items, x, m.recency, user_f, item_f, bm25, similarity, counts, trend, info
    )
    report("done", 1.0)
    return model
