# The two commands: `make run` and `make test`. Each does all of its own set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# MovieLens-100k for the recommender's tests, benchmarks and `livemart recsys eval`.
DATA_DIR ?= $(or $(LIVEMART_DATA_DIR),var/data)

.PHONY: run test install install-dev browser data lint bench migrate seed clean i18n

run: install
	$(BIN)/livemart migrate
	$(BIN)/livemart seed-demo
	LIVEMART_DEMO_CHAT_SECONDS=4 $(BIN)/livemart serve --host 127.0.0.1 --port 8000

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# GroupLens' terms forbid shipping MovieLens: it comes from RecBole's PyPI wheel, once.
data: install
	$(BIN)/python scripts/fetch_data.py $(DATA_DIR)

test: install browser data
	LIVEMART_DATA_DIR=$(DATA_DIR) bash scripts/test.sh

# Catalogs: extract every string marked in Python and templates (babel.cfg), merge it into
# the zh_CN catalog (translate the new empty entries there), compile the .mo files the wheel
# ships. tests/i18n fails while an entry is untranslated or a .mo is stale.
I18N_DIR := app/i18n/translations
I18N_KEYWORDS := -k lazy_gettext -k UserError:2 -k NotFound:1 -k PermissionDenied:1 -k ChatRejected:2 -k HTTPException:2
i18n: install
	@mkdir -p var
	$(BIN)/pybabel extract -F babel.cfg $(I18N_KEYWORDS) --no-location --sort-output --no-wrap \
		--project livemart -o var/messages.pot .
	$(BIN)/pybabel update -i var/messages.pot -d $(I18N_DIR) -l zh_CN --no-wrap \
		--no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d $(I18N_DIR) --statistics

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: install data
	$(BIN)/python -m bench

migrate: install
	$(BIN)/livemart migrate

seed: install
	$(BIN)/livemart seed-demo

clean:
	rm -rf $(VENV) var/livemart.db
