"""A simulated shop log whose behaviour is drawn from the probabilities written out here,
for ``livemart predict eval`` and the tests. The data is simulated, and every report
built on it says so.

The world:

* Each user has a hidden *shopping intent* ``u ~ Beta(2, 8)`` and a price band (the median
  price of what they like: one of 1000, 3000, 9000 cents, equally likely). Each session
  adds hidden noise: ``s = u + Normal(0, 0.15)``. The model never sees ``u`` or ``s``.
* Each product has a hidden appeal ``a ~ Beta(2, 5)`` and a price: its band times
  ``Uniform(0.7, 1.4)``. A flash sale runs on a product with probability 0.15 per day, for
  one hour at a random time.
* A user has ``Poisson(1 + 8u)`` sessions over the period, at uniform random times. A
  session shows ``2 + Poisson(3)`` products (picked in proportion to appeal) one every
  ``Exponential(90 s)``; before the first the viewer watches ``Exponential(120 s)``.
* For each product shown (``m`` = 1 when it is in the user's band, else 0; ``f`` = 1
  during its flash sale):

  - P(click) = σ(-2.4 + 3.0·s + 2.0·a + 0.9·m + 0.8·f + 0.25·(clicks so far))
  - P(cart | click) = σ(-1.6 + 3.0·s + 1.0·m + 0.9·f)
  - P(order | cart) = σ(-0.2 + 2.5·s + 0.6·f)
  - P(order | click, no cart: "buy now") = σ(-4.0 + 3.0·s + 0.6·f)

  where σ is the logistic function. Click, cart and order follow the impression by
  ``Exponential(20 s)`` each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from app.predict.features import Event

BANDS = (1000, 3000, 9000)
FLASH_DAILY = 0.15


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@dataclass
class SimulatedLog:
    """The generated events with the catalogue facts the features need."""

    events: list[Event] = field(default_factory=list)
    prices: dict[int, int] = field(default_factory=dict)
    flash_windows: dict[int, list[tuple[datetime, datetime]]] = field(default_factory=dict)
    users: int = 0
    days: int = 0
    seed: int = 0


def simulate(users: int = 600, products: int = 60, days: int = 14, seed: int = 7) -> SimulatedLog:
    """Generate a log with the probabilities in the module docstring (seeded)."""
    rng = np.random.default_rng(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    span = days * 86400.0
    log = SimulatedLog(users=users, days=days, seed=seed)
    appeal = rng.beta(2, 5, size=products)
    band_of = rng.integers(0, len(BANDS), size=products)
    for j in range(products):
        pid = j + 1
        log.prices[pid] = int(BANDS[band_of[j]] * rng.uniform(0.7, 1.4))
        windows = []
        for day in range(days):
            if rng.random() < FLASH_DAILY:
                at = start + timedelta(days=day, seconds=float(rng.uniform(0, 82800)))
                windows.append((at, at + timedelta(hours=1)))
        log.flash_windows[pid] = windows
    pick = appeal / appeal.sum()
    for i in range(users):
        uid = i + 1
        intent = float(rng.beta(2, 8))
        user_band = int(rng.integers(0, len(BANDS)))
        for _ in range(int(rng.poisson(1 + 8 * intent))):
            s = intent + float(rng.normal(0, 0.15))
            t = start + timedelta(seconds=float(rng.uniform(0, span)))
            log.events.append(Event(uid, None, "view", t))
            t += timedelta(seconds=float(rng.exponential(120)))
            clicks = 0
            for j in rng.choice(products, size=2 + int(rng.poisson(3)), p=pick):
                pid = int(j) + 1
                m = 1.0 if band_of[j] == user_band else 0.0
                f = 1.0 if any(a <= t <= b for a, b in log.flash_windows[pid]) else 0.0
                log.events.append(Event(uid, pid, "impression", t))
                at = t
                p_click = sigmoid(
                    -2.4 + 3.0 * s + 2.0 * appeal[j] + 0.9 * m + 0.8 * f + 0.25 * clicks
                )
                if rng.random() < p_click:
                    clicks += 1
                    at += timedelta(seconds=float(rng.exponential(20)))
                    log.events.append(Event(uid, pid, "click", at))
                    if rng.random() < sigmoid(-1.6 + 3.0 * s + 1.0 * m + 0.9 * f):
                        at += timedelta(seconds=float(rng.exponential(20)))
                        log.events.append(Event(uid, pid, "cart", at))
                        bought = rng.random() < sigmoid(-0.2 + 2.5 * s + 0.6 * f)
                    else:
                        bought = rng.random() < sigmoid(-4.0 + 3.0 * s + 0.6 * f)
                    if bought:
                        at += timedelta(seconds=float(rng.exponential(20)))
                        log.events.append(Event(uid, pid, "order", at))
                t += timedelta(seconds=float(rng.exponential(90)))
    log.events.sort(key=lambda e: e.at)
    return log
