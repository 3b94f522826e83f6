"""The offline report of ``livemart predict eval``: the purchase model against baselines on
a time split (train on the earliest 70% of impressions, test on the rest).

Metrics: AUC (ranking), log-loss and expected calibration error (ECE: the
impression-weighted gap between predicted and observed purchase rates over 10 equal-width
probability bins). Baselines, each fitted on the training part only:

* base rate — every impression gets the training purchase rate,
* has a cart add — the training purchase rate of impressions with / without a cart add
  earlier in the session,
* popularity — the product's smoothed purchases per impression so far.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.metrics import log_loss, roc_auc_score

from app.predict import model as model_mod
from app.predict.features import FEATURES, Examples, build_examples, time_split
from app.predict.simulator import SimulatedLog, simulate

BINS = 10


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = BINS) -> float:
    """Σ over bins of (share of rows) × |mean predicted − observed rate|."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if len(y) == 0:
        return 0.0
    which = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += mask.mean() * abs(p[mask].mean() - y[mask].mean())
    return float(total)


@dataclass(frozen=True)
class Score:
    name: str
    auc: float
    log_loss: float
    ece: float


@dataclass(frozen=True)
class Report:
    simulated: bool
    train_rows: int
    test_rows: int
    purchase_rate: float
    scores: list[Score]
    click_auc: float
    description: str

    @property
    def model(self) -> Score:
        return self.scores[0]

    @property
    def baselines(self) -> list[Score]:
        return self.scores[1:]

    def beats_baselines(self) -> bool:
        return all(self.model.auc > b.auc for b in self.baselines)

    def text(self) -> str:
        lines = [
            self.description,
            f"time split: {self.train_rows} training impressions, {self.test_rows} test "
            f"impressions (purchase rate {self.purchase_rate:.3f})",
            f"{'predictor':<18} {'AUC':>7} {'log-loss':>9} {'ECE':>7}",
        ]
        for s in self.scores:
            lines.append(f"{s.name:<18} {s.auc:7.3f} {s.log_loss:9.4f} {s.ece:7.4f}")
        lines.append(f"P(click) model AUC on the test part: {self.click_auc:.3f}")
        verdict = "beats" if self.beats_baselines() else "does NOT beat"
        lines.append(
            f"the model {verdict} every baseline on AUC; ECE {self.model.ece:.4f} "
            f"({'calibrated' if self.model.ece < 0.05 else 'NOT calibrated'}: < 0.05 wanted)"
        )
        return "\n".join(lines)


def _score(name: str, y: np.ndarray, p: np.ndarray) -> Score:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    auc = float(roc_auc_score(y, p)) if len(set(y)) > 1 else 0.5
    return Score(name, auc, float(log_loss(y, p, labels=[0, 1])), expected_calibration_error(y, p))


def evaluate(examples: Examples, description: str, simulated: bool) -> Report:
    """Train on the early part of ``examples`` and score model and baselines on the rest."""
    train, test = time_split(examples)
    fitted = model_mod.train(train)
    y = test.purchased
    base = float(train.purchased.mean())
    cart_col = FEATURES.index("has_cart")
    pop_col = FEATURES.index("popularity")
    with_cart = train.X[:, cart_col] > 0
    rate_cart = float(train.purchased[with_cart].mean()) if with_cart.any() else base
    rate_none = float(train.purchased[~with_cart].mean()) if (~with_cart).any() else base
    scores = [
        _score("logistic model", y, fitted.p_purchase(test.X)),
        _score("base rate", y, np.full(len(y), base)),
        _score("has a cart add", y, np.where(test.X[:, cart_col] > 0, rate_cart, rate_none)),
        _score("popularity", y, test.X[:, pop_col]),
    ]
    click_auc = (
        float(roc_auc_score(test.clicked, fitted.p_click(test.X)))
        if len(set(test.clicked)) > 1
        else 0.5
    )
    return Report(simulated, len(train), len(test), float(y.mean()), scores, click_auc, description)


def evaluate_simulated(
    users: int = 2000, products: int = 60, days: int = 14, seed: int = 7
) -> Report:
    """The report on a log from :func:`app.predict.simulator.simulate`."""
    log: SimulatedLog = simulate(users=users, products=products, days=days, seed=seed)
    examples = build_examples(log.events, log.prices, log.flash_windows)
    description = (
        f"SIMULATED DATA: {users} users, {products} products, {days} days, seed {seed}, "
        "behaviour drawn from the probabilities documented in app/predict/simulator.py "
        "(not real shoppers)."
    )
    return evaluate(examples, description, simulated=True)
