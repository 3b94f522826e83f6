"""PostgreSQL: the rooms, products and users tables themselves, through GIN indexes.

Per table, a row is a candidate when its ``tsvector`` matches every word of the query
(``simple`` configuration), when a word of its title is similar to the query (pg_trgm's
``<%``, the typo path), or when its title contains the query (``ILIKE``, served by the
trigram index; how Chinese text matches). The word-similarity threshold is lowered for
this transaction only, so ``sneker`` still reaches ``sneakers``.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from app.search.backends.base import CANDIDATE_LIMIT, Candidate
from app.search.backends.sqlite import like_pattern
from app.search.query import ResultKind

WORD_SIMILARITY = 0.3

# (kind, table, title column, tsvector expression): the expressions match the migration's
# indexes exactly, or PostgreSQL would not use them.
TABLES = (
    (ResultKind.ROOM, "rooms", "title", "to_tsvector('simple', \"title\" || ' ' || \"category\")"),
    (
        ResultKind.PRODUCT,
        "products",
        "title",
        "to_tsvector('simple', \"title\" || ' ' || \"description\")",
    ),
    (ResultKind.STREAMER, "users", "display_name", "to_tsvector('simple', \"display_name\")"),
)


def _select(n: int, table: str, title: str, vector: str) -> str:
    return (
        f'(SELECT {n} AS kind, "id", GREATEST(ts_rank({vector}, q.words),'
        f' word_similarity(q.text, "{title}")) AS score'
        f' FROM "{table}", q WHERE {vector} @@ q.words OR q.text <% "{title}"'
        f" OR \"{title}\" ILIKE q.pattern ESCAPE '\\' ORDER BY score DESC LIMIT $3)"
    )


class PostgresBackend:
    async def candidates(
        self, db: BaseDBAsyncClient, query: str, limit: int = CANDIDATE_LIMIT
    ) -> list[Candidate]:
        unions = " UNION ALL ".join(
            _select(n, table, title, vector) for n, (_, table, title, vector) in enumerate(TABLES)
        )
        sql = (
            "WITH q AS (SELECT $1::text AS text, plainto_tsquery('simple', $1) AS words,"
            " $2::text AS pattern,"
            f" set_config('pg_trgm.word_similarity_threshold', '{WORD_SIMILARITY}', true) AS s)"
            f" SELECT kind, id FROM ({unions}) AS found ORDER BY score DESC LIMIT $3"
        )
        rows = await db.execute_query_dict(sql, [query, like_pattern(query), limit])
        return [Candidate(TABLES[row["kind"]][0], row["id"]) for row in rows]
