#!/usr/bin/env bash
# Runs the suite twice: SQLite + in-memory pub/sub, then PostgreSQL + Redis.
# Browser, media and DB-less tests run in the first pass only (they do not depend on the
# DB backend).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
status=0
# Each pass takes under ten minutes here; a stalled run stops instead of eating CI's 90.
PASS_LIMIT=${LIVEMART_TEST_PASS_LIMIT:-2100}

$BIN/ruff check . || status=1
# Type check of app/ media/ recsys/ web/ (the packages and options are in pyproject.toml).
$BIN/mypy || status=1

echo "== pass 1: SQLite + memory broadcaster"
LIVEMART_TEST_DB=sqlite LIVEMART_TEST_BROADCAST=memory timeout -k 30 "$PASS_LIMIT" \
  $BIN/python -m pytest -q -p no:cacheprovider "$@" || status=1

echo "== pass 2: PostgreSQL + Redis broadcaster"
LIVEMART_TEST_DB=postgres LIVEMART_TEST_BROADCAST=redis timeout -k 30 "$PASS_LIMIT" \
  $BIN/python -m pytest -q -p no:cacheprovider -m "not e2e and not media and not nodb" "$@" || status=1

exit $status
