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
