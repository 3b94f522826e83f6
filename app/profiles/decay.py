"""Time decay of tag weights, price bands and the words a title is tagged with."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

#: A tag's weight halves every this long without new activity.
HALF_LIFE = timedelta(days=14)

#: Price bands in minor units: (key, lowest price in the band).
PRICE_BANDS: tuple[tuple[str, int], ...] = (
    ("under_20", 0),
    ("20_50", 2_000),
    ("50_100", 5_000),
    ("100_250", 10_000),
    ("250_plus", 25_000),
)
PRICE_BAND_LABELS = {
    "under_20": "under 20",
    "20_50": "20 – 50",
    "50_100": "50 – 100",
    "100_250": "100 – 250",
    "250_plus": "250 and more",
}

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
STOPWORDS = frozenset(
    """the and for with new live show shop sale deal deals drop from our your you this that
    today night day week set pack edition best top just all one two more big mini
    """.split()
)
MAX_TOPICS_PER_TITLE = 4


def utc(at: datetime) -> datetime:
    """``at`` as an aware UTC time (SQLite reads times back naive)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def factor(elapsed: timedelta) -> float:
    """How much of a weight is left after ``elapsed`` (1 for no time or negative time)."""
    seconds = elapsed.total_seconds()
    if seconds <= 0:
        return 1.0
    return float(0.5 ** (seconds / HALF_LIFE.total_seconds()))


def decayed(weight: float, since: datetime, at: datetime) -> float:
    """``weight`` measured at ``since``, as it stands at ``at``."""
    return weight * factor(at - since)


def add(weight: float, since: datetime, delta: float, at: datetime) -> tuple[float, datetime]:
    """A tag worth ``weight`` at ``since`` after ``delta`` is added at ``at``: the new
    (weight, time it is measured at); an event older than the tag is decayed instead."""
    if at >= since:
        return decayed(weight, since, at) + delta, at
    return weight + decayed(delta, at, since), since


def price_band(price_cents: int) -> str:
    """The band a price falls in."""
    band = PRICE_BANDS[0][0]
    for key, floor in PRICE_BANDS:
        if price_cents >= floor:
            band = key
    return band


def topics(title: str) -> list[str]:
    """The words of a title that say what it is about (lowercase, no stop words)."""
    found: list[str] = []
    for word in _WORD.findall(title.lower()):
        if word not in STOPWORDS and word not in found:
            found.append(word[:40])
        if len(found) >= MAX_TOPICS_PER_TITLE:
            break
    return found
