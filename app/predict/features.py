"""Session features, computed the same way from the interaction log and from a simulated log.

An example is one product *impression* (a viewer was shown a product) at time ``t``. Its
features use only what happened before ``t``:

| feature | meaning |
| --- | --- |
| ``watch_minutes`` | minutes since the viewer's first event of this session (capped at 60) |
| ``clicks`` | products the viewer opened this session |
| ``cart_adds`` | cart adds this session |
| ``has_cart`` | any cart add this session (0/1) |
| ``past_purchases`` | purchases before this session (log1p) |
| ``price_match`` | 1 inside the viewer's band (0.5x-2x median past price), else 0; 0.5: none |
| ``flash_sale`` | a flash sale of the product was running at ``t`` (0/1) |
| ``popularity`` | the product's purchases per impression before ``t`` (smoothed) |

Labels: ``clicked`` (opened this product within the session) and ``purchased`` (ordered
this product within the session). A session ends after :data:`SESSION_GAP` of silence.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

import numpy as np

FEATURES = (
    "watch_minutes",
    "clicks",
    "cart_adds",
    "has_cart",
    "past_purchases",
    "price_match",
    "flash_sale",
    "popularity",
)
SESSION_GAP = timedelta(minutes=30)
POP_PRIOR_IMPRESSIONS = 50.0
POP_PRIOR_RATE = 0.02


@dataclass(frozen=True)
class Event:
    """One logged interaction: ``kind`` is impression, click, cart, order, purchase, view…"""

    user_id: int
    product_id: int | None  # None for room events (view, watch, chat…)
    kind: str
    at: datetime


@dataclass
class Examples:
    """Feature rows with their labels and times (for a time split)."""

    X: np.ndarray
    clicked: np.ndarray
    purchased: np.ndarray
    at: np.ndarray  # POSIX seconds
    product_ids: np.ndarray

    def __len__(self) -> int:
        return len(self.at)

    def take(self, mask: np.ndarray) -> Examples:
        return Examples(
            self.X[mask],
            self.clicked[mask],
            self.purchased[mask],
            self.at[mask],
            self.product_ids[mask],
        )


def price_match(price_cents: int | None, past_prices: Sequence[int]) -> float:
    """1 inside the viewer's price band (0.5x-2x their median past price), 0 outside, 0.5
    when there is no history to tell."""
    if not past_prices or price_cents is None:
        return 0.5
    mid = median(past_prices)
    return 1.0 if 0.5 * mid <= price_cents <= 2.0 * mid else 0.0


def vector(
    *,
    watch_minutes: float,
    clicks: int,
    cart_adds: int,
    past_purchases: int,
    price_match: float,
    flash_sale: bool,
    popularity: float,
) -> list[float]:
    """One feature row in :data:`FEATURES` order."""
    return [
        min(60.0, max(0.0, watch_minutes)),
        float(min(clicks, 20)),
        float(min(cart_adds, 10)),
        1.0 if cart_adds > 0 else 0.0,
        math.log1p(past_purchases),
        float(price_match),
        1.0 if flash_sale else 0.0,
        float(popularity),
    ]


def popularity(purchases: float, impressions: float) -> float:
    """Purchases per impression, shrunk toward :data:`POP_PRIOR_RATE`."""
    return (purchases + POP_PRIOR_RATE * POP_PRIOR_IMPRESSIONS) / (
        impressions + POP_PRIOR_IMPRESSIONS
    )


def build_examples(
    events: Iterable[Event],
    prices: dict[int, int],
    flash_windows: dict[int, list[tuple[datetime, datetime]]] | None = None,
) -> Examples:
    """Turn a log into examples, one per impression (events are sorted by time here)."""
    flash_windows = flash_windows or {}
    ordered = sorted(events, key=lambda e: e.at)
    by_user: dict[int, list[Event]] = defaultdict(list)
    for e in ordered:
        by_user[e.user_id].append(e)
    # product popularity up to each moment: walk the whole log once in time order
    pop_at: dict[tuple[int, int, datetime], float] = {}
    shown: dict[int, float] = defaultdict(float)
    bought: dict[int, float] = defaultdict(float)
    for e in ordered:
        if e.product_id is None:
            continue
        if e.kind == "impression":
            pop_at[(e.user_id, e.product_id, e.at)] = popularity(
                bought[e.product_id], shown[e.product_id]
            )
            shown[e.product_id] += 1
        elif e.kind == "order":
            bought[e.product_id] += 1
    rows: list[list[float]] = []
    clicked: list[int] = []
    purchased: list[int] = []
    times: list[float] = []
    pids: list[int] = []
    for user_events in by_user.values():
        past_prices: list[int] = []
        for session in _sessions(user_events):
            start = session[0].at
            clicks = carts = 0
            for i, e in enumerate(session):
                if e.kind == "impression" and e.product_id is not None:
                    later = session[i + 1 :]
                    running = any(a <= e.at <= b for a, b in flash_windows.get(e.product_id, ()))
                    rows.append(
                        vector(
                            watch_minutes=(e.at - start).total_seconds() / 60,
                            clicks=clicks,
                            cart_adds=carts,
                            past_purchases=len(past_prices),
                            price_match=price_match(prices.get(e.product_id), past_prices),
                            flash_sale=running,
                            popularity=pop_at.get((e.user_id, e.product_id, e.at), POP_PRIOR_RATE),
                        )
                    )
                    clicked.append(
                        int(any(x.kind == "click" and x.product_id == e.product_id for x in later))
                    )
                    purchased.append(
                        int(any(x.kind == "order" and x.product_id == e.product_id for x in later))
                    )
                    times.append(e.at.timestamp())
                    pids.append(e.product_id)
                elif e.kind == "click":
                    clicks += 1
                elif e.kind == "cart":
                    carts += 1
            past_prices += [
                prices[e.product_id]
                for e in session
                if e.kind == "order" and e.product_id is not None and e.product_id in prices
            ]
    return Examples(
        np.asarray(rows, dtype=float).reshape(-1, len(FEATURES)),
        np.asarray(clicked, dtype=int),
        np.asarray(purchased, dtype=int),
        np.asarray(times, dtype=float),
        np.asarray(pids, dtype=int),
    )


def _sessions(events: list[Event]) -> list[list[Event]]:
    """Split one user's time-ordered events where they were silent for SESSION_GAP."""
    sessions: list[list[Event]] = []
    for e in events:
        if sessions and e.at - sessions[-1][-1].at <= SESSION_GAP:
            sessions[-1].append(e)
        else:
            sessions.append([e])
    return sessions


def time_split(examples: Examples, train_share: float = 0.7) -> tuple[Examples, Examples]:
    """Train on the earliest ``train_share`` of the examples, test on the rest (by time)."""
    if len(examples) == 0:
        return examples, examples
    cut = float(np.quantile(examples.at, train_share))
    early = examples.at <= cut
    return examples.take(early), examples.take(~early)
