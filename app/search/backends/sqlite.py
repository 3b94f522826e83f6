"""SQLite: one FTS5 table with the trigram tokenizer (``search_index``, filled by triggers).

Two ways in, unioned in one statement: a MATCH of any trigram of the query's words (typos
share most trigrams with the right word; FTS5's bm25 orders them) and a LIKE substring of
the whole query (trigram FTS5 serves LIKE from the index for three characters or more, and
scans for shorter ones, such as a two-character Chinese word).
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from app.search.backends.base import CANDIDATE_LIMIT, Candidate
from app.search.query import ResultKind

KINDS = {1: ResultKind.ROOM, 2: ResultKind.PRODUCT, 3: ResultKind.STREAMER}


def match_expression(query: str) -> str | None:
    """An FTS5 expression matching any trigram of the query's words, or None when no word
    has three characters."""
    grams: list[str] = []
    for word in query.split():
        for i in range(len(word) - 2):
            gram = word[i : i + 3]
            if gram not in grams:
                grams.append(gram)
    if not grams:
        return None
    return " OR ".join('"' + gram.replace('"', '""') + '"' for gram in grams)


def like_pattern(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SqliteBackend:
    async def candidates(
        self, db: BaseDBAsyncClient, query: str, limit: int = CANDIDATE_LIMIT
    ) -> list[Candidate]:
        pattern = like_pattern(query)
        substring = (
            'SELECT rowid AS r, -1000.0 AS score FROM "search_index"'
            " WHERE \"title\" LIKE ? ESCAPE '\\' OR \"body\" LIKE ? ESCAPE '\\'"
        )
        params: list[object] = [pattern, pattern]
        expression = match_expression(query)
        if expression is not None:
            sql = (
                f"SELECT r, MIN(score) AS score FROM ({substring} UNION ALL"
                ' SELECT rowid AS r, rank AS score FROM "search_index"'
                ' WHERE "search_index" MATCH ? ORDER BY rank LIMIT ?)'
                " GROUP BY r ORDER BY score LIMIT ?"
            )
            params += [expression, limit, limit]
        else:
            sql = f"{substring} LIMIT ?"
            params.append(limit)
        rows = await db.execute_query_dict(sql, params)
        return [Candidate(KINDS[row["r"] % 4], row["r"] // 4) for row in rows]
