"""The interface of a search backend: find what may match, cheaply and over-inclusively.

A backend only recalls candidates with its database's indexes (one SQL statement, or a
fixed few); :mod:`app.search.scoring` and the facade decide what matches and in which
order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from tortoise.backends.base.client import BaseDBAsyncClient

from app.search.query import ResultKind

# The most candidates a backend returns for one query (ranked by its own text score).
CANDIDATE_LIMIT = 300


@dataclass(frozen=True)
class Candidate:
    kind: ResultKind
    id: int


class SearchBackend(Protocol):
    async def candidates(
        self, db: BaseDBAsyncClient, query: str, limit: int = CANDIDATE_LIMIT
    ) -> list[Candidate]:
        """Rooms, products and users whose indexed text may match the normalised ``query``."""
        ...
