"""Search over rooms, products and streamers.

:mod:`app.search.service` is the facade (validation, ranking, filters, one page of hits);
:mod:`app.search.backends` holds one module per database that finds the candidates with
that database's own full-text machinery (SQLite FTS5 trigram, PostgreSQL tsvector +
pg_trgm). The indexes follow writes without the services doing anything: SQLite by triggers
on the indexed tables, PostgreSQL by expression indexes on them (see the ``search``
migrations).
"""
