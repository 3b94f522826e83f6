"""Train / test splits of interactions for offline evaluation and tuning."""

from __future__ import annotations

from typing import Literal

import numpy as np

from recsys.matrix import Interactions

Method = Literal["loo", "ratio"]


def _user_codes(interactions: Interactions) -> np.ndarray:
    """Dense integer codes of the users (any id type)."""
    return np.unique(interactions.users, return_inverse=True)[1].ravel()


def leave_last_out(interactions: Interactions) -> tuple[np.ndarray, np.ndarray]:
    """Boolean (train, test) masks: each user's last interaction by timestamp is the test.

    Equal timestamps are ordered by position (the later row is later).  Users with a single
    interaction keep it in train.
    """
    if interactions.timestamps is None:
        raise ValueError("leave-last-out needs timestamps")
    users = _user_codes(interactions)
    order = np.lexsort((np.arange(len(users)), interactions.timestamps, users))
    sorted_users = users[order]
    last = np.r_[sorted_users[1:] != sorted_users[:-1], True]
    first = np.r_[True, sorted_users[1:] != sorted_users[:-1]]
    test = np.zeros(len(users), dtype=bool)
    test[order[last & ~first]] = True
    return ~test, test


def ratio_split(
    interactions: Interactions, test_fraction: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Boolean (train, test) masks: a seeded random ``test_fraction`` of each user's rows.

    Every user with at least two interactions gets at least one test row and keeps at least
    one train row.
    """
    users = _user_codes(interactions)
    keys = np.random.default_rng(seed).random(len(users))
    order = np.lexsort((keys, users))
    sorted_users = users[order]
    starts = np.flatnonzero(np.r_[True, sorted_users[1:] != sorted_users[:-1]])
    sizes = np.diff(np.r_[starts, len(users)])
    rank = np.arange(len(users)) - np.repeat(starts, sizes)
    n_test = np.rint(sizes * test_fraction).astype(np.int64)
    n_test = np.where(sizes >= 2, np.clip(n_test, 1, sizes - 1), 0)
    test = np.zeros(len(users), dtype=bool)
    test[order[rank < np.repeat(n_test, sizes)]] = True
    return ~test, test


def split(
    interactions: Interactions, method: Method, seed: int = 0
) -> tuple[Interactions, Interactions]:
    """(train, test) interactions by ``"loo"`` (leave-last-out) or ``"ratio"`` (80/20)."""
    if method == "loo":
        train, test = leave_last_out(interactions)
    elif method == "ratio":
        train, test = ratio_split(interactions, 0.2, seed)
    else:
        raise ValueError(f"unknown split method {method!r}")
    return interactions.subset(train), interactions.subset(test)
