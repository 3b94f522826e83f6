"""In a checkout the package's migrations and contract are the top-level folders; every model
module is required."""

from __future__ import annotations

from pathlib import Path

import pytest
from tortoise.exceptions import ConfigurationError

from app import db
from app.packaged import checkout_migrations_dir, checkout_root, migrations_dir, schema_sdl
from tests.support import ROOT


def test_a_checkout_reads_and_writes_the_top_level_folders() -> None:
    assert checkout_root() == ROOT
    for dialect in ("sqlite", "postgres"):
        with migrations_dir(dialect) as location:
            assert location.resolve() == (ROOT / "migrations" / dialect).resolve()
        assert checkout_migrations_dir(dialect) == ROOT / "migrations" / dialect
    assert schema_sdl() == (ROOT / "graphql" / "schema.graphql").read_text()


async def test_a_missing_model_module_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "MODEL_MODULES", [*db.MODEL_MODULES, "app.nowhere.models"])
    with pytest.raises(ConfigurationError, match=r"app\.nowhere\.models"):
        await db.init_db(f"sqlite://{tmp_path / 'x.db'}")
    await db.close_db()
