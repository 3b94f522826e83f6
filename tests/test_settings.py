from pathlib import Path

import pytest

from app.settings import SettingsError, load_settings


def test_defaults_work(tmp_path: Path) -> None:
    settings = load_settings({"LIVEMART_VAR_DIR": str(tmp_path / "v")})
    assert settings.database_url == "sqlite://var/livemart.db"
    assert settings.broadcast_url == "memory://"
    assert Path(settings.ffmpeg).is_file()
    # The secret key is generated once and kept.
    assert (
        load_settings({"LIVEMART_VAR_DIR": str(tmp_path / "v")}).secret_key == settings.secret_key
    )
    assert len(settings.secret_key) >= 32


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://x"),
        ("BROADCAST_URL", "kafka://x"),
        ("FFMPEG", "/nonexistent/ffmpeg"),
        ("SECRET_KEY", "short"),
        ("DEBUG", "maybe"),
        ("RTMP_PORT", "99999"),
        ("ORDER_TTL_SECONDS", "soon"),
        ("ORDER_SWEEP_SECONDS", "0"),
        ("CARD_CALLBACK", "sometimes"),
        ("CARD_CALLBACK_DELAY", "-1"),
        ("CLOSER_TICK_SECONDS", "nan"),
        ("PAYMENTS_OUTBOX_SECONDS", "0"),
        ("RECS_TRAIN_MINUTES", "-5"),
        ("ANALYTICS_FLUSH_SECONDS", "0.001"),
        ("ANALYTICS_SCAN_SECONDS", "often"),
    ],
)
def test_wrong_value_names_the_variable(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings({"LIVEMART_VAR_DIR": str(tmp_path), f"LIVEMART_{name}": value})
    assert f"LIVEMART_{name}" in str(info.value)


def test_postgresql_scheme_is_normalised(tmp_path: Path) -> None:
    s = load_settings(
        {"LIVEMART_VAR_DIR": str(tmp_path), "LIVEMART_DATABASE_URL": "postgresql://u@h/db"}
    )
    assert s.database_url == "postgres://u@h/db"
    assert s.dialect == "postgres"


def test_every_knob_is_a_typed_field(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "LIVEMART_VAR_DIR": str(tmp_path),
            "LIVEMART_DATA_DIR": str(tmp_path / "data"),
            "LIVEMART_ORDER_TTL_SECONDS": "60",
            "LIVEMART_ORDER_SWEEP_SECONDS": "0.5",
            "LIVEMART_CARD_CALLBACK": "Manual",
            "LIVEMART_CARD_CALLBACK_DELAY": "0",
            "LIVEMART_CLOSER_TICK_SECONDS": "2",
            "LIVEMART_PAYMENTS_OUTBOX_SECONDS": "10",
            "LIVEMART_RECS_TRAIN_MINUTES": "0",
            "LIVEMART_ANALYTICS_FLUSH_SECONDS": "1",
            "LIVEMART_ANALYTICS_SCAN_SECONDS": "0",
        }
    )
    assert settings.data_dir == tmp_path / "data"
    assert (settings.order_ttl_seconds, settings.order_sweep_seconds) == (60.0, 0.5)
    assert (settings.card_callback, settings.card_callback_delay) == ("manual", 0.0)
    assert settings.closer_tick_seconds == 2.0 and settings.payments_outbox_seconds == 10.0
    assert settings.recs_train_minutes == 0.0
    assert (settings.analytics_flush_seconds, settings.analytics_scan_seconds) == (1.0, 0.0)
    assert not hasattr(settings, "extra")
    (tmp_path / "a-file").write_text("")
    with pytest.raises(SettingsError, match="LIVEMART_DATA_DIR"):
        load_settings(
            {"LIVEMART_VAR_DIR": str(tmp_path), "LIVEMART_DATA_DIR": str(tmp_path / "a-file")}
        )
