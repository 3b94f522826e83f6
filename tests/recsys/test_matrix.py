import datetime as dt

import numpy as np
import pytest
import scipy.sparse as sp
from implicit.nearest_neighbours import bm25_weight as implicit_bm25

from recsys.errors import UnknownItem, UnknownUser
from recsys.matrix import (
    Bm25,
    IdMap,
    Interactions,
    as_id_array,
    binarize,
    bm25_weight,
    build_matrix,
    log_scale,
    recency_decay,
)


def test_build_matrix_sums_repeats_and_maps_ids_in_order_of_appearance():
    inter = Interactions.from_records(
        [("alice", "p1", 1.0), ("bob", "p2", 2.0), ("alice", "p1", 3.0), ("alice", "p3", 1.0)]
    )
    m = build_matrix(inter)
    assert m.shape == (2, 3)
    assert m.users.ids.tolist() == ["alice", "bob"]
    assert m.items.ids.tolist() == ["p1", "p2", "p3"]
    dense = m.matrix.toarray()
    assert dense.tolist() == [[4.0, 0.0, 1.0], [0.0, 2.0, 0.0]]
    assert isinstance(m.matrix, sp.csr_matrix) and m.matrix.dtype == np.float32


def test_build_matrix_with_given_maps_drops_unknown_ids():
    users, items = IdMap([1, 2]), IdMap([10, 20])
    inter = Interactions.from_records([(1, 10, 1.0), (3, 10, 1.0), (2, 30, 1.0), (2, 20, 5.0)])
    m = build_matrix(inter, users, items)
    assert m.matrix.toarray().tolist() == [[1.0, 0.0], [0.0, 5.0]]


def test_records_with_aware_datetimes_become_epoch_seconds():
    when = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    inter = Interactions.from_records([(1, 2, 1.0, when)])
    assert inter.timestamps is not None and inter.timestamps[0] == when.timestamp()
    with pytest.raises(ValueError, match="timezone-aware"):
        Interactions.from_records([(1, 2, 1.0, when.replace(tzinfo=None))])
    with pytest.raises(ValueError):
        Interactions.from_records([(1, 2, 1.0, when), (1, 3, 1.0)])


def test_ids_must_be_all_ints_or_all_strings():
    assert as_id_array([1, 2]).dtype == np.int64
    assert as_id_array(["a", "b"]).dtype.kind == "U"
    with pytest.raises(TypeError):
        as_id_array([1, "a"])


def test_id_map_raises_a_clear_keyerror_subclass():
    items = IdMap(["a", "b"], UnknownItem)
    assert items.index("b") == 1
    with pytest.raises(KeyError) as err:
        items.index("zzz")
    assert isinstance(err.value, UnknownItem)
    assert str(err.value) == "unknown item: 'zzz'"
    assert items.get("zzz") is None
    assert items.indices(["b", "zzz", "a"]).tolist() == [1, -1, 0]
    assert not isinstance(err.value, UnknownUser)


def _random_matrix(seed: int = 0) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    x = sp.random(50, 30, density=0.2, random_state=rng, format="csr", dtype=np.float64)
    x.data = np.ceil(x.data * 5)
    return x


def test_bm25_matches_implicit():
    x = _random_matrix()
    ours = bm25_weight(x, 1.2, 0.75).toarray()
    theirs = implicit_bm25(x, K1=1.2, B=0.75).toarray()
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_bm25_weights_a_new_row_like_a_training_row():
    x = _random_matrix(1)
    stats = Bm25.fit(x)
    full = stats.transform(x).toarray()
    np.testing.assert_allclose(stats.transform(x[7]).toarray()[0], full[7], rtol=1e-6)


def test_binarize_and_log_scale_keep_the_pattern():
    x = sp.csr_matrix(np.array([[0, 3.0], [9.0, 0]]))
    assert binarize(x).toarray().tolist() == [[0, 1], [1, 0]]
    np.testing.assert_allclose(log_scale(x, 3.0).toarray(), [[0, np.log(2)], [np.log(4), 0]])
    assert x.toarray().tolist() == [[0, 3.0], [9.0, 0]]  # inputs untouched


def test_recency_decay_halves_every_half_life_of_newer_interactions():
    # user 1: three interactions out of order in time; user 2: one
    inter = Interactions.from_records(
        [(1, "a", 1.0, 30), (1, "b", 1.0, 10), (2, "a", 1.0, 5), (1, "c", 1.0, 20)]
    )
    np.testing.assert_allclose(recency_decay(inter, 1.0), [1.0, 0.25, 1.0, 0.5])
    np.testing.assert_allclose(recency_decay(inter, None), [1.0, 1.0, 1.0, 1.0])


def test_build_matrix_keeps_each_cells_latest_recency():
    inter = Interactions.from_records([(1, "a", 1.0, 1), (1, "b", 2.0, 2), (1, "a", 3.0, 3)])
    m = build_matrix(inter, recency_half_life=1.0)
    assert m.matrix.toarray().tolist() == [[4.0, 2.0]]
    np.testing.assert_allclose(m.recency, [1.0, 0.5])  # aligned with m.matrix.data
    np.testing.assert_allclose(build_matrix(inter).recency, [1.0, 1.0])
