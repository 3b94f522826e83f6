"""``LIVEMART_NOTIFY_QUEUE``: embedded by default; arq only with a Redis bus, refused at
start otherwise with the variable named."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.settings import SettingsError, load_settings

pytestmark = pytest.mark.nodb


def test_arq_without_a_redis_bus_is_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"LIVEMART_VAR_DIR": str(tmp_path), "LIVEMART_NOTIFY_QUEUE": "arq"})
    assert caught.value.variable == "LIVEMART_NOTIFY_QUEUE"
    assert "redis://" in str(caught.value)


def test_the_queue_and_the_rate_are_checked(tmp_path: Path) -> None:
    base = {"LIVEMART_VAR_DIR": str(tmp_path)}
    with pytest.raises(SettingsError):
        load_settings({**base, "LIVEMART_NOTIFY_QUEUE": "celery"})
    with pytest.raises(SettingsError):
        load_settings({**base, "LIVEMART_NOTIFY_RATE": "-1"})
    assert load_settings(base).notify_queue == "embedded"
    arq = load_settings(
        {
            **base,
            "LIVEMART_NOTIFY_QUEUE": "ARQ",
            "LIVEMART_BROADCAST_URL": "redis://127.0.0.1:6379/0",
            "LIVEMART_NOTIFY_RATE": "400",
        }
    )
    assert arq.notify_queue == "arq" and arq.notify_rate == 400
