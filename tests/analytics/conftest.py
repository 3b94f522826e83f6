"""Analytics fixtures: the recorder never flushes or scans on its own (tests drive it),
and a clock the tests move by hand."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pytest

from app import signals
from app.analytics.recorder import Recorder, get_recorder
from app.settings import Settings
from tests.e2e.conftest import browser  # noqa: F401  (Debian's chromium, for the dashboard test)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, analytics_flush_seconds=3600, analytics_scan_seconds=0)


@dataclass
class Clock:
    """The time every signal carries (``app.signals.now``), set by the test."""

    at: datetime

    def now(self) -> datetime:
        return self.at

    def set(self, start: datetime, seconds: float) -> datetime:
        self.at = start + timedelta(seconds=seconds)
        return self.at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """Stands still at the time of its set-up until the test moves it: what a test emits
    lands in one minute's bucket without waiting out a minute's last seconds."""
    found = Clock(signals.now())
    monkeypatch.setattr(signals, "now", found.now)
    yield found


@pytest.fixture
def recorder(app: object) -> Recorder:
    return get_recorder()
