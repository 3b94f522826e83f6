import numpy as np

from recsys.matrix import Interactions
from recsys.splits import leave_last_out, ratio_split, split


def test_leave_last_out_holds_out_each_users_latest(ml100k: Interactions):
    train, test = leave_last_out(ml100k)
    assert not (train & test).any() and (train | test).all()
    held = ml100k.subset(test)
    assert len(np.unique(held.users)) == len(held) == len(np.unique(ml100k.users))
    for user, ts in zip(held.users[:50], held.timestamps[:50], strict=True):
        assert ts == ml100k.timestamps[ml100k.users == user].max()


def test_single_interaction_users_stay_in_train():
    inter = Interactions.from_records([(1, 1, 1.0, 5), (2, 1, 1.0, 1), (2, 2, 1.0, 2)])
    _train, test = leave_last_out(inter)
    assert test.tolist() == [False, False, True]


def test_ratio_split_is_per_user_seeded_and_reproducible(ml100k: Interactions):
    _train, test = ratio_split(ml100k, 0.2, seed=3)
    again = ratio_split(ml100k, 0.2, seed=3)[1]
    other = ratio_split(ml100k, 0.2, seed=4)[1]
    assert (test == again).all() and (test != other).any()
    assert abs(test.mean() - 0.2) < 0.01
    for user in np.unique(ml100k.users)[:50]:
        mine = ml100k.users == user
        assert test[mine].sum() == round(mine.sum() * 0.2)


def test_split_returns_interactions(ml100k: Interactions):
    train, test = split(ml100k, "loo")
    assert len(train) + len(test) == len(ml100k)
