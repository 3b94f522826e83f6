#!/usr/bin/env bash
# Regenerate the initial aerich migrations for SQLite and PostgreSQL from the current
# models. Only for use before the first release; afterwards run `livemart makemigrations`.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
rm -rf migrations/sqlite migrations/postgres
tmp=$(mktemp -d)
LIVEMART_VAR_DIR=$tmp LIVEMART_DATABASE_URL="sqlite://$tmp/mk.db" $BIN/livemart makemigrations >/dev/null
db="lm_mk_$$"
psql -q -h 127.0.0.1 -U postgres -c "create database $db" >/dev/null
LIVEMART_VAR_DIR=$tmp LIVEMART_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" $BIN/livemart makemigrations >/dev/null
psql -q -h 127.0.0.1 -U postgres -c "drop database $db" >/dev/null
rm -rf "$tmp"
ls migrations/*/models
