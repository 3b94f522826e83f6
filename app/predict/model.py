"""The purchase model: two logistic regressions (scikit-learn) over standardised
:data:`~app.predict.features.FEATURES`: P(click) and P(purchase in this session).

Saved as plain JSON numbers (no pickle) in a versioned store with an atomic ``current``
pointer: :class:`PredictStore` is the recommender's :class:`recsys.ModelStore` layout
(``v000001/meta.json`` + ``current``), so versions, activation, pruning and readers that
see either the old model or the new one, never half, are the same code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from app.predict.features import FEATURES, Examples
from recsys.errors import NoModel
from recsys.store import ModelStore, write_json

FORMAT = 1


@dataclass(frozen=True)
class Logistic:
    """A fitted logistic regression over standardised features."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def predict(self, X: np.ndarray) -> np.ndarray:
        z = (np.asarray(X, dtype=float) - np.asarray(self.mean)) / np.asarray(self.scale)
        return 1.0 / (1.0 + np.exp(-(z @ np.asarray(self.coef) + self.intercept)))

    @classmethod
    def fit(cls, X: np.ndarray, y: np.ndarray) -> Logistic:
        # scikit-learn is imported when a model is trained, not when the app starts
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        scaler = StandardScaler().fit(X)
        scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
        lr = LogisticRegression(C=1.0, max_iter=1000)
        lr.fit((X - scaler.mean_) / scale, y)
        return cls(
            tuple(float(v) for v in scaler.mean_),
            tuple(float(v) for v in scale),
            tuple(float(v) for v in lr.coef_[0]),
            float(lr.intercept_[0]),
        )


@dataclass
class PurchaseModel:
    """P(click) and P(purchase) for feature rows; ``info`` says what it was trained on."""

    click: Logistic
    purchase: Logistic
    info: dict[str, Any] = field(default_factory=dict)

    def p_click(self, X: np.ndarray) -> np.ndarray:
        return self.click.predict(X)

    def p_purchase(self, X: np.ndarray) -> np.ndarray:
        return self.purchase.predict(X)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "features": list(FEATURES),
            "click": self.click.__dict__,
            "purchase": self.purchase.__dict__,
            "info": self.info,
        }

    @classmethod
    def from_json(cls, meta: dict[str, Any]) -> PurchaseModel:
        if meta.get("format") != FORMAT or tuple(meta.get("features", ())) != FEATURES:
            raise ValueError("unsupported purchase model format")

        def one(d: dict[str, Any]) -> Logistic:
            return Logistic(
                tuple(d["mean"]), tuple(d["scale"]), tuple(d["coef"]), float(d["intercept"])
            )

        return cls(one(meta["click"]), one(meta["purchase"]), dict(meta.get("info", {})))


class TooLittleData(ValueError):
    """The log has too few examples (or only one class) to train on."""


def train(examples: Examples, **info: Any) -> PurchaseModel:
    """Fit both models on ``examples`` (sync: call it from a worker thread)."""
    if len(examples) < 20 or len(set(examples.purchased)) < 2 or len(set(examples.clicked)) < 2:
        raise TooLittleData("need impressions with and without clicks and purchases")
    return PurchaseModel(
        Logistic.fit(examples.X, examples.clicked),
        Logistic.fit(examples.X, examples.purchased),
        {
            "trained_at": datetime.now(UTC).isoformat(),
            "examples": len(examples),
            "purchase_rate": float(examples.purchased.mean()),
            **info,
        },
    )


class PredictStore(ModelStore):
    """Versions of :class:`PurchaseModel` (``meta.json`` only) with the recommender store's
    atomic ``current`` pointer."""

    def save(self, model: Any, *, activate: bool = True) -> str:
        return self.save_version(
            lambda folder: write_json(folder / "meta.json", model.to_json()), activate=activate
        )

    def load(self, version: str | None = None) -> Any:
        name = version or self.current()
        if name is None:
            raise NoModel(f"no purchase model saved in {self.root}")
        path = self.root / name / "meta.json"
        if not path.is_file():
            raise NoModel(f"no purchase model version {name!r} in {self.root}")
        model = PurchaseModel.from_json(json.loads(path.read_text()))
        model.info["version"] = name
        return model
