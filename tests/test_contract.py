"""The published API contract and the migrations must match the code."""

from app.api.schema import sdl
from app.db import pending_model_changes
from app.packaged import checkout_schema_file, schema_sdl


def test_schema_file_matches_code() -> None:
    assert checkout_schema_file().exists(), "run `livemart export-schema`"
    assert schema_sdl() == checkout_schema_file().read_text()  # the package reads the file
    assert schema_sdl() == sdl(), (
        "graphql/schema.graphql drifted from the code: run `livemart export-schema`"
    )


async def test_models_have_no_unmigrated_changes(database_url: str) -> None:
    name = await pending_model_changes(database_url)
    assert name is None, "models changed without a migration: run `livemart makemigrations`"


def test_every_operation_file_is_valid() -> None:
    from app.api.schema import schema
    from graphql import parse, validate

    files = sorted((checkout_schema_file().parent / "operations").glob("*.graphql"))
    assert files
    for path in files:
        errors = validate(schema._schema, parse(path.read_text()))
        assert not errors, f"{path.name}: {errors}"
