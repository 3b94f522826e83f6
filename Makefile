# The two commands: `make run` and `make test`. Each does all of its own set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install install-dev browser lint bench migrate seed clean

run: install
	$(BIN)/livemart migrate
	$(BIN)/livemart seed-demo
	$(BIN)/livemart serve --host 127.0.0.1 --port 8000

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

test: install browser
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python -m bench

migrate: install
	$(BIN)/livemart migrate

seed: install
	$(BIN)/livemart seed-demo

clean:
	rm -rf $(VENV) var/livemart.db
