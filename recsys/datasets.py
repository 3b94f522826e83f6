"""Datasets shipped inside the package (never downloaded at run time)."""

from __future__ import annotations

from importlib import resources

import numpy as np

from recsys.matrix import Interactions


def movielens_100k() -> Interactions:
    """MovieLens 100k: 100,000 ratings (1-5) of 1,682 movies by 943 users, with timestamps.

    Weights are the ratings; users and items are MovieLens' integer ids.  See
    ``recsys/data/ml-100k/README.md`` for the source and the terms of use.
    """
    path = resources.files("recsys") / "data" / "ml-100k" / "u.data"
    with resources.as_file(path) as f:
        raw = np.loadtxt(f, dtype=np.int64, delimiter="\t", ndmin=2)
    return Interactions(raw[:, 0], raw[:, 1], raw[:, 2].astype(np.float32), raw[:, 3])
