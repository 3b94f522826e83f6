"""Shared fixtures: ML-100k and a small, quickly trained served model."""

from __future__ import annotations

import pytest

from recsys.datasets import movielens_100k
from recsys.matrix import Interactions
from recsys.model import HybridParams, Recommender, train

#: Small but real params: trains on ML-100k in well under a second.
FAST = HybridParams(factors=16, n_models=2, iterations=8, knn_k=20)


@pytest.fixture(scope="session")
def ml100k() -> Interactions:
    return movielens_100k()


@pytest.fixture(scope="session")
def model(ml100k: Interactions) -> Recommender:
    return train(ml100k, FAST, num_threads=2)
