import os
import threading

import numpy as np
import pytest

from recsys.errors import NoModel
from recsys.model import Recommender
from recsys.store import ModelStore, load_latest, save_model


def test_empty_store_has_no_model(tmp_path):
    store = ModelStore(tmp_path / "models")
    assert store.current() is None and store.versions() == []
    with pytest.raises(NoModel):
        store.load()
    with pytest.raises(FileNotFoundError):  # NoModel is a FileNotFoundError
        load_latest(tmp_path / "models")


def test_save_load_round_trip(tmp_path, model: Recommender):
    version = save_model(tmp_path, model)
    assert version == "v000001"
    loaded = load_latest(tmp_path)
    assert loaded.info["version"] == version
    assert loaded.params == model.params
    assert loaded.items == model.items and loaded.users == model.users
    np.testing.assert_array_equal(loaded.user_factors, model.user_factors)
    for user in (1, 500, "stranger"):
        assert loaded.recommend(user, 10, exclude={50}) == model.recommend(user, 10, exclude={50})
    assert loaded.similar_items(1) == model.similar_items(1)
    loaded.recalculate_user("x", {50: 1.0})  # fold-in works after loading


def test_versions_and_atomic_pointer_swap(tmp_path, model: Recommender):
    store = ModelStore(tmp_path)
    v1 = store.save(model)
    v2 = store.save(model, activate=False)
    assert store.versions() == [v1, v2]
    assert store.current() == v1  # saved but not activated
    store.activate(v2)
    assert (tmp_path / "current").read_text().strip() == v2
    store.activate(v1)  # roll back
    assert store.load().info["version"] == v1
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".")]  # no temp leftovers
    with pytest.raises(NoModel):
        store.activate("v000099")


def test_incomplete_versions_are_ignored(tmp_path, model: Recommender):
    store = ModelStore(tmp_path)
    v1 = store.save(model)
    (tmp_path / ".tmp-crashed").mkdir()  # a writer that died mid-save
    (tmp_path / "v000002").mkdir()  # renamed dir without files cannot happen, but be safe
    assert store.versions() == [v1]
    assert store.current() == v1
    (tmp_path / "current").unlink()
    assert store.current() == v1  # falls back to the newest complete version


def test_concurrent_saves_get_distinct_versions(tmp_path, model: Recommender):
    store = ModelStore(tmp_path)
    names: list[str] = []
    threads = [threading.Thread(target=lambda: names.append(store.save(model))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(names) == store.versions() and len(set(names)) == 4
    assert store.current() in names


def test_prune_keeps_the_newest_and_the_current(tmp_path, model: Recommender):
    store = ModelStore(tmp_path)
    versions = [store.save(model) for _ in range(4)]
    store.activate(versions[0])
    removed = store.prune(keep=2)
    assert removed == [versions[1]]
    assert store.versions() == [versions[0], versions[2], versions[3]]
