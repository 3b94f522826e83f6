"""The published API contract and the migrations must match the code."""

from pathlib import Path

from app.api.schema import sdl
from app.cli import SCHEMA_PATH
from app.db import pending_model_changes


def test_schema_file_matches_code() -> None:
    assert SCHEMA_PATH.exists(), "run `livemart export-schema`"
    assert SCHEMA_PATH.read_text() == sdl(), (
        "graphql/schema.graphql drifted from the code: run `livemart export-schema`"
    )


async def test_models_have_no_unmigrated_changes(database_url: str) -> None:
    name = await pending_model_changes(database_url)
    assert name is None, "models changed without a migration: run `livemart makemigrations`"


def test_every_operation_file_is_valid() -> None:
    from app.api.schema import schema
    from graphql import parse, validate

    files = sorted((Path(SCHEMA_PATH).parent / "operations").glob("*.graphql"))
    assert files
    for path in files:
        errors = validate(schema._schema, parse(path.read_text()))
        assert not errors, f"{path.name}: {errors}"
