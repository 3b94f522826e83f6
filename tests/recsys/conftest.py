"""Shared fixtures: ML-100k (from the data directory `make data` fills) and a small, quickly
trained served model."""

from __future__ import annotations

import pytest

from recsys.datasets import DatasetMissing, movielens_100k
from recsys.matrix import Interactions
from recsys.model import HybridParams, Recommender, train
from tests.support import data_dir

#: Small but real params: trains on ML-100k in well under a second.
FAST = HybridParams(factors=16, n_models=2, iterations=8, knn_k=20)


@pytest.fixture(scope="session")
def ml100k() -> Interactions:
    """MovieLens-100k; a missing copy fails (never skips) and says how to get it."""
    try:
        return movielens_100k(data_dir())
    except DatasetMissing as exc:
        pytest.fail(f"{exc}\n(`make test` runs `make data` first)", pytrace=False)


@pytest.fixture(scope="session")
def model(ml100k: Interactions) -> Recommender:
    return train(ml100k, FAST, num_threads=2)
