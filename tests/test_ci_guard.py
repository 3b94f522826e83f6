"""Under CI=true a missing PostgreSQL or Redis fails the run instead of skipping a pass."""

from __future__ import annotations

import pytest

from tests import conftest


def test_ci_stops_the_run_when_a_service_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "CI", True)
    monkeypatch.setattr(conftest, "postgres_available", lambda: True)
    monkeypatch.setattr(conftest, "redis_available", lambda: False)
    with pytest.raises(pytest.exit.Exception, match=r"Redis on 127\.0\.0\.1:6379 not reachable"):
        conftest.pytest_sessionstart(None)  # type: ignore[arg-type]
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        conftest.unavailable("Redis is not reachable")


def test_outside_ci_a_missing_service_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "CI", False)
    monkeypatch.setattr(conftest, "redis_available", lambda: False)
    conftest.pytest_sessionstart(None)  # type: ignore[arg-type]
    with pytest.raises(pytest.skip.Exception, match="Redis is not reachable"):
        conftest.unavailable("Redis is not reachable")
