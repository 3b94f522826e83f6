"""Candidate finders, one module per database, behind :class:`base.SearchBackend`."""

from __future__ import annotations

from app.search.backends.base import Candidate, SearchBackend


def backend_for(dialect: str) -> SearchBackend:
    """The backend for a Tortoise connection's dialect (``sqlite`` or ``postgres``)."""
    if dialect == "sqlite":
        from app.search.backends.sqlite import SqliteBackend

        return SqliteBackend()
    if dialect == "postgres":
        from app.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    raise ValueError(f"search has no backend for {dialect!r}")


__all__ = ["Candidate", "SearchBackend", "backend_for"]
