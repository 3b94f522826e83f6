"""Data shipped inside the ``app`` package: the aerich migrations and the GraphQL contract.

The design keeps them in the top-level ``migrations/`` and ``graphql/`` folders.  In a source
checkout ``app/migrations`` and ``app/graphql`` are links to those folders; the wheel holds
copies of them (package data, see ``pyproject.toml``).  Either way they are read through
:mod:`importlib.resources`, so an installed livemart runs without the source tree.  Commands
that *write* them (``makemigrations``, ``export-schema``) write to a checkout's top-level
folders and refuse to write into an installed package.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

MIGRATIONS = "migrations"
GRAPHQL = "graphql"
SCHEMA_FILE = "schema.graphql"


class NotACheckout(RuntimeError):
    """A command that writes the migrations or the contract runs from an installed package."""


def _resource(*parts: str) -> Traversable:
    found = resources.files("app")
    for part in parts:
        found = found / part
    return found


def checkout_root() -> Path | None:
    """The source checkout this ``app`` package runs from (its ``app/migrations`` is the link to
    the top-level ``migrations/``), or None for an installed package."""
    link = _resource(MIGRATIONS)
    if isinstance(link, Path) and link.is_symlink():
        root = link.parent.parent
        if link.resolve() == (root / MIGRATIONS).resolve():
            return root
    return None


def _copy_tree(source: Traversable, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        if entry.is_dir():
            _copy_tree(entry, target / entry.name)
        else:
            (target / entry.name).write_bytes(entry.read_bytes())


@contextmanager
def migrations_dir(dialect: str) -> Iterator[Path]:
    """The aerich migrations of ``dialect`` (``sqlite`` or ``postgres``) as a real directory,
    which aerich needs: the package's own folder, or a temporary copy when the package is not
    on the file system (a zip)."""
    resource = _resource(MIGRATIONS, dialect)
    if not resource.is_dir():
        raise FileNotFoundError(f"the package holds no {MIGRATIONS}/{dialect} folder")
    if isinstance(resource, Path):
        yield resource
        return
    with tempfile.TemporaryDirectory(prefix="livemart-migrations-") as tmp:
        copy = Path(tmp) / dialect
        _copy_tree(resource, copy)
        yield copy


def checkout_migrations_dir(dialect: str) -> Path:
    """The checkout's ``migrations/<dialect>`` folder, for writing new migrations."""
    root = checkout_root()
    if root is None:
        raise NotACheckout(
            "makemigrations writes to a source checkout's migrations/ folder; this livemart is "
            "an installed package (run it from a checkout: pip install -e .)"
        )
    return root / MIGRATIONS / dialect


def schema_sdl() -> str:
    """The published GraphQL contract (``graphql/schema.graphql``) as the package holds it."""
    return _resource(GRAPHQL, SCHEMA_FILE).read_text(encoding="utf-8")


def checkout_schema_file() -> Path:
    """The checkout's ``graphql/schema.graphql``, for ``livemart export-schema``."""
    root = checkout_root()
    if root is None:
        raise NotACheckout(
            "export-schema writes a source checkout's graphql/schema.graphql; this livemart is "
            "an installed package: pass --output FILE"
        )
    return root / GRAPHQL / SCHEMA_FILE
