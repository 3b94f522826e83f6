"""Interactions, id maps and user×item CSR matrices, with confidence weighting.

Ids are ints or strings (pass UUIDs as strings).  Interactions with the same (user, item)
pair are summed into one cell; a cell's value is the interaction strength (a view 1, an
order 5, a movie rating ...).  The weighting functions turn strengths into the confidences
the models train on.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from recsys.errors import UnknownId, UnknownItem, UnknownUser

Id = int | str


def as_id_array(values: Iterable[Hashable] | np.ndarray) -> np.ndarray:
    """Return ``values`` as an ``int64`` or unicode numpy array; other id types raise."""
    if not isinstance(values, np.ndarray):
        values = list(values)
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
    else:
        arr = values
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64, copy=False)
    if arr.dtype.kind == "U":
        return arr
    if arr.size == 0:
        return arr.astype(np.int64)
    if arr.dtype.kind == "O":
        items = arr.tolist()
        if all(isinstance(x, int) and not isinstance(x, bool) for x in items):
            return np.asarray(items, dtype=np.int64)
        if all(isinstance(x, str) for x in items):
            return np.asarray(items, dtype=str)
    raise TypeError(f"ids must be all ints or all strings, got dtype {arr.dtype}")


def _timestamp(value: float | int | dt.datetime) -> float:
    """Seconds since the epoch of a number or an aware datetime."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.timestamp()
    return float(value)


@dataclass(frozen=True)
class Interactions:
    """Parallel arrays of interactions: who, what, how strongly and (optionally) when."""

    users: np.ndarray
    items: np.ndarray
    weights: np.ndarray
    timestamps: np.ndarray | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "users", as_id_array(self.users))
        object.__setattr__(self, "items", as_id_array(self.items))
        object.__setattr__(self, "weights", np.asarray(self.weights, dtype=np.float32))
        if self.timestamps is not None:
            object.__setattr__(self, "timestamps", np.asarray(self.timestamps, dtype=np.float64))
        n = len(self.users)
        sizes = {len(self.items), len(self.weights)}
        if self.timestamps is not None:
            sizes.add(len(self.timestamps))
        if sizes != {n}:
            raise ValueError("users, items, weights and timestamps must have the same length")

    @classmethod
    def from_records(cls, records: Iterable[Sequence]) -> Interactions:
        """Build from ``(user, item, weight)`` or ``(user, item, weight, ts)`` tuples.

        ``ts`` is epoch seconds or an aware ``datetime``; every record must have one or none.
        """
        rows = list(records)
        if not rows:
            return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32))
        widths = {len(r) for r in rows}
        if widths not in ({3}, {4}):
            raise ValueError("records must all be (user, item, weight) or (user, item, weight, ts)")
        users = as_id_array([r[0] for r in rows])
        items = as_id_array([r[1] for r in rows])
        weights = np.asarray([float(r[2]) for r in rows], dtype=np.float32)
        ts = None
        if widths == {4}:
            ts = np.asarray([_timestamp(r[3]) for r in rows], dtype=np.float64)
        return cls(users, items, weights, ts)

    def __len__(self) -> int:
        return len(self.users)

    def subset(self, mask: np.ndarray) -> Interactions:
        """The interactions selected by a boolean mask or an index array."""
        ts = None if self.timestamps is None else self.timestamps[mask]
        return Interactions(self.users[mask], self.items[mask], self.weights[mask], ts)


class IdMap:
    """A bijection between external ids and the row / column indices of a matrix."""

    def __init__(self, ids: Iterable[Hashable] | np.ndarray, kind: type[UnknownId] = UnknownId):
        self.ids = as_id_array(ids)
        self._index = {v: i for i, v in enumerate(self.ids.tolist())}
        if len(self._index) != len(self.ids):
            raise ValueError("ids must be unique")
        self._error = kind

    @classmethod
    def from_values(cls, values: np.ndarray, kind: type[UnknownId] = UnknownId) -> IdMap:
        """The distinct ``values`` in order of first appearance."""
        values = as_id_array(values)
        _, first = np.unique(values, return_index=True)
        return cls(values[np.sort(first)], kind)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, value: object) -> bool:
        return value in self._index

    def index(self, value: Hashable) -> int:
        """The index of ``value``; raises the map's ``UnknownId`` subclass when absent."""
        try:
            return self._index[value]
        except (KeyError, TypeError):
            raise self._error(value) from None

    def get(self, value: Hashable, default: int | None = None) -> int | None:
        """The index of ``value`` or ``default``."""
        try:
            return self._index.get(value, default)
        except TypeError:
            return default

    def indices(self, values: Iterable[Hashable] | np.ndarray, missing: int = -1) -> np.ndarray:
        """Indices of many values at once, ``missing`` where a value is unknown."""
        arr = values if isinstance(values, np.ndarray) else list(values)
        seq = arr.tolist() if isinstance(arr, np.ndarray) else arr
        get = self._index.get
        return np.fromiter((get(v, missing) for v in seq), dtype=np.int64, count=len(seq))

    def id_of(self, index: int) -> Id:
        """The external id (a Python int or str) at ``index``."""
        return self.ids[index].item()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IdMap) and np.array_equal(self.ids, other.ids)

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class InteractionMatrix:
    """A user×item CSR matrix of summed strengths and the id maps of its rows and columns.

    ``recency`` is aligned with ``matrix.data``: for each cell, the recency decay of the
    user's latest interaction with that item (all ones when recency weighting is off).
    """

    matrix: sp.csr_matrix
    users: IdMap
    items: IdMap
    recency: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape


def recency_decay(interactions: Interactions, half_life: float | None) -> np.ndarray:
    """Per interaction, ``0.5 ** (later / half_life)`` where ``later`` counts the same user's
    interactions after it (by timestamp, ties by position): the latest one weighs 1.

    All ones when ``half_life`` is None or there are no timestamps.
    """
    n = len(interactions)
    if half_life is None or interactions.timestamps is None or n == 0:
        return np.ones(n, dtype=np.float64)
    users = np.unique(interactions.users, return_inverse=True)[1].ravel()
    order = np.lexsort((np.arange(n), interactions.timestamps, users))
    sorted_users = users[order]
    starts = np.flatnonzero(np.r_[True, sorted_users[1:] != sorted_users[:-1]])
    sizes = np.diff(np.r_[starts, n])
    later = np.empty(n, dtype=np.float64)
    later[order] = np.repeat(starts + sizes - 1, sizes) - np.arange(n)
    return 0.5 ** (later / half_life)


def cells(
    rows: np.ndarray,
    cols: np.ndarray,
    weights: np.ndarray,
    decay: np.ndarray,
    shape: tuple[int, int],
) -> tuple[sp.csr_matrix, np.ndarray]:
    """A CSR matrix summing ``weights`` per (row, col) and the max ``decay`` per stored cell."""
    keys = rows.astype(np.int64) * shape[1] + cols.astype(np.int64)
    unique, inverse = np.unique(keys, return_inverse=True)
    inverse = inverse.ravel()
    data = np.bincount(inverse, weights=weights, minlength=len(unique)).astype(np.float32)
    recency = np.zeros(len(unique), dtype=np.float64)
    np.maximum.at(recency, inverse, decay)
    cell_rows = unique // shape[1]
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(cell_rows, minlength=shape[0]), out=indptr[1:])
    indices = (unique % shape[1]).astype(np.int32)
    return sp.csr_matrix((data, indices, indptr.astype(np.int32)), shape=shape), recency


def build_matrix(
    interactions: Interactions,
    users: IdMap | None = None,
    items: IdMap | None = None,
    *,
    recency_half_life: float | None = None,
) -> InteractionMatrix:
    """Build the CSR matrix of ``interactions``, summing repeated (user, item) pairs.

    Without maps, maps are made from the interactions (ids in order of first appearance).
    With maps (e.g. a model's, to align a test set), interactions with unknown ids are dropped.
    ``recency_half_life``: see :func:`recency_decay` and ``InteractionMatrix.recency``.
    """
    users = users if users is not None else IdMap.from_values(interactions.users, UnknownUser)
    items = items if items is not None else IdMap.from_values(interactions.items, UnknownItem)
    decay = recency_decay(interactions, recency_half_life)
    rows = users.indices(interactions.users)
    cols = items.indices(interactions.items)
    keep = (rows >= 0) & (cols >= 0)
    matrix, recency = cells(
        rows[keep],
        cols[keep],
        interactions.weights[keep].astype(np.float64),
        decay[keep],
        (len(users), len(items)),
    )
    return InteractionMatrix(matrix, users, items, recency)


def with_data(x: sp.csr_matrix, data: np.ndarray) -> sp.csr_matrix:
    """``x``'s sparsity pattern with other values (float32)."""
    return sp.csr_matrix((data.astype(np.float32), x.indices, x.indptr), shape=x.shape)


def binarize(x: sp.csr_matrix) -> sp.csr_matrix:
    """A copy of ``x`` with every stored (positive) value set to 1."""
    out = sp.csr_matrix(x, dtype=np.float32, copy=True)
    out.data[:] = 1.0
    return out


def log_scale(x: sp.csr_matrix, scale: float = 1.0) -> sp.csr_matrix:
    """A copy of ``x`` with values ``log1p(value / scale)``: dampens heavy repeat users."""
    out = sp.csr_matrix(x, dtype=np.float32, copy=True)
    out.data = np.log1p(out.data / scale).astype(np.float32)
    return out


@dataclass(frozen=True)
class Bm25:
    """BM25 weighting of a user×item matrix (users as documents, items as terms).

    The same formula as ``implicit.nearest_neighbours.bm25_weight``; keeping the statistics
    lets a single new row (a user's fresh interactions) be weighted exactly like the
    training rows.
    """

    idf: np.ndarray
    average_length: float
    k1: float = 1.2
    b: float = 0.75

    @classmethod
    def fit(cls, x: sp.csr_matrix, k1: float = 1.2, b: float = 0.75) -> Bm25:
        """Collect item idf and the mean row sum of ``x``."""
        x = sp.csr_matrix(x)
        n_rows = float(x.shape[0])
        counts = np.bincount(x.indices, minlength=x.shape[1])
        idf = math.log(n_rows) - np.log1p(counts) if n_rows else np.zeros(x.shape[1])
        sums = np.asarray(x.sum(axis=1)).ravel()
        average = float(sums.mean()) if len(sums) and sums.mean() > 0 else 1.0
        return cls(idf.astype(np.float64), average, k1, b)

    def transform(self, x: sp.csr_matrix) -> sp.csr_matrix:
        """Weight the rows of ``x`` (same columns as the fitted matrix)."""
        x = sp.csr_matrix(x, dtype=np.float64, copy=True)
        sums = np.asarray(x.sum(axis=1)).ravel()
        norm = (1.0 - self.b) + self.b * sums / self.average_length
        row_norm = np.repeat(norm, np.diff(x.indptr))
        x.data = x.data * (self.k1 + 1.0) / (self.k1 * row_norm + x.data) * self.idf[x.indices]
        return sp.csr_matrix(x, dtype=np.float32)


def bm25_weight(x: sp.csr_matrix, k1: float = 1.2, b: float = 0.75) -> sp.csr_matrix:
    """BM25-weight the rows of a user×item matrix (see :class:`Bm25`)."""
    return Bm25.fit(x, k1, b).transform(x)
