# Two commands for a newcomer: `make chat` (set up, seed the demo data, talk to the bot)
# and `make test` (set up, run the whole suite). Everything lives in .venv; nothing global.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The scale-out run: the same suite on PostgreSQL and Redis (servers on this machine).
TEST_PG ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
TEST_REDIS ?= redis://127.0.0.1:6379/15

.PHONY: chat test test-scaleout setup serve lint clean intents

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/sadeeq setup

chat: setup
	$(BIN)/sadeeq chat

serve: setup
	$(BIN)/sadeeq serve

# In CI (CI=true) the suite runs twice: on SQLite, then on PostgreSQL + Redis, where a server
# that cannot be reached is an error, not a skip.
test: $(STAMP)
	$(BIN)/ruff check bot handlers tests bench
	$(BIN)/python -m pytest
ifdef CI
	$(MAKE) test-scaleout
endif

test-scaleout: $(STAMP)
	SADEEQ_TEST_DATABASE_URL=$(TEST_PG) SADEEQ_TEST_REDIS_URL=$(TEST_REDIS) $(BIN)/python -m pytest

# Rebuild the intent model from locales/<lang>/corpus/ (deterministic: same corpus, same file).
intents: $(STAMP)
	$(BIN)/sadeeq intents train

lint: $(STAMP)
	$(BIN)/ruff check bot handlers tests bench

clean:
	rm -rf $(VENV) var .pytest_cache
