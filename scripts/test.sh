#!/usr/bin/env bash
# Runs the suite twice, side by side: SQLite + in-memory pub/sub, and PostgreSQL + Redis.
# Browser, media and DB-less tests run in the first pass only (they do not depend on the
# DB backend). The passes share nothing (their own databases; the first publishes in
# memory, the second on Redis) and each keeps about one core busy, so on CI's two cores
# running them together takes about half the time of one after the other.
# LIVEMART_TEST_SERIAL=1 runs them one after the other, printing as they go.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
status=0
# A stalled pass stops instead of eating CI's 90 minutes.
PASS_LIMIT=${LIVEMART_TEST_PASS_LIMIT:-3600}
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT

$BIN/ruff check . || status=1
# Type check of app/ media/ recsys/ web/ (the packages and options are in pyproject.toml).
$BIN/mypy || status=1

pass_one() {
  LIVEMART_TEST_DB=sqlite LIVEMART_TEST_BROADCAST=memory timeout -k 30 "$PASS_LIMIT" \
    $BIN/python -m pytest -q -p no:cacheprovider "$@"
}

pass_two() {
  LIVEMART_TEST_DB=postgres LIVEMART_TEST_BROADCAST=redis timeout -k 30 "$PASS_LIMIT" \
    $BIN/python -m pytest -q -p no:cacheprovider -m "not e2e and not media and not nodb" "$@"
}

if [ "${LIVEMART_TEST_SERIAL:-0}" = 1 ]; then
  echo "== pass 1: SQLite + memory broadcaster"
  pass_one "$@" || status=1
  echo "== pass 2: PostgreSQL + Redis broadcaster"
  pass_two "$@" || status=1
  exit $status
fi

echo "== passes 1 (SQLite + memory broadcaster) and 2 (PostgreSQL + Redis) side by side"
pass_one "$@" >"$LOGS/one" 2>&1 &
one=$!
pass_two "$@" >"$LOGS/two" 2>&1 &
two=$!
wait $one || status=1
echo "== pass 1: SQLite + memory broadcaster"
cat "$LOGS/one"
wait $two || status=1
echo "== pass 2: PostgreSQL + Redis broadcaster"
cat "$LOGS/two"
exit $status
