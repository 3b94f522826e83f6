"""The offline report on a simulated log: the model beats every baseline on AUC and is
calibrated; the store swaps versions atomically."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from app.predict import features
from app.predict.evaluate import evaluate_simulated, expected_calibration_error
from app.predict.model import PredictStore, TooLittleData, train
from app.predict.simulator import simulate

pytestmark = pytest.mark.nodb


def test_model_beats_baselines_and_is_calibrated_on_simulated_data() -> None:
    report = evaluate_simulated(users=1000, products=40, days=10, seed=4)
    assert report.simulated and "SIMULATED DATA" in report.text()
    assert [s.name for s in report.baselines] == ["base rate", "has a cart add", "popularity"]
    for baseline in report.baselines:
        assert report.model.auc > baseline.auc, (baseline, report.model)
    assert report.model.ece < 0.05
    assert report.click_auc > 0.55


def test_features_use_only_the_past() -> None:
    log = simulate(users=40, products=10, days=3, seed=1)
    examples = features.build_examples(log.events, log.prices, log.flash_windows)
    assert len(examples) == sum(e.kind == "impression" for e in log.events)
    assert examples.X.shape[1] == len(features.FEATURES)
    # an impression's own cart add comes after it: the first impression of a session has none
    first = examples.X[:, features.FEATURES.index("watch_minutes")] == 0
    assert (examples.X[first, features.FEATURES.index("cart_adds")] == 0).all()
    early, late = features.time_split(examples)
    assert early.at.max() <= late.at.min()


def test_expected_calibration_error() -> None:
    y = np.array([0, 0, 0, 1] * 50)
    assert expected_calibration_error(y, np.full(200, 0.25)) == pytest.approx(0.0)
    assert expected_calibration_error(y, np.full(200, 0.75)) == pytest.approx(0.5)


def test_too_little_data_is_refused() -> None:
    log = simulate(users=2, products=3, days=1, seed=1)
    with pytest.raises(TooLittleData):
        train(features.build_examples(log.events[:5], log.prices))


def test_store_swaps_versions_atomically(tmp_path: Path) -> None:
    log = simulate(users=80, products=15, days=4, seed=2)
    examples = features.build_examples(log.events, log.prices, log.flash_windows)
    store = PredictStore(tmp_path / "purchase")
    first = store.save(train(examples, tag="first"))
    assert store.current() == first and store.load().info["tag"] == "first"
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:  # loads while versions are written: always a whole model
        while not stop.is_set():
            try:
                model = store.load()
                assert model.info["tag"] in {"first", "next"}
                model.p_purchase(examples.X[:3])
            except BaseException as exc:
                errors.append(exc)
                return

    thread = threading.Thread(target=reader)
    thread.start()
    for _ in range(15):
        store.save(train(examples, tag="next"))
    stop.set()
    thread.join()
    assert not errors
    assert store.load().info["tag"] == "next" and len(store.versions()) == 16
    store.activate(first)  # roll back
    assert store.load().info["version"] == first
    assert len(store.prune(3)) == 12 and first in store.versions()  # current kept
