# Two commands for a newcomer: `make chat` (set up, seed the demo data, talk to the bot)
# and `make test` (set up, run the whole suite). Everything lives in .venv; nothing global.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The make targets keep their database in the repository (./var); an installed `sadeeq` uses
# the user's data directory instead (see README, "Settings"). Override on the command line.
DATABASE_URL ?= sqlite:///$(CURDIR)/var/sadeeq.sqlite
RUN := SADEEQ_DATABASE_URL=$${SADEEQ_DATABASE_URL:-$(DATABASE_URL)}
ARGS ?=

# The scale-out run: the same suite on PostgreSQL and Redis (servers on this machine).
TEST_PG ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
TEST_REDIS ?= redis://127.0.0.1:6379/15
# The suite runs on this many processes (pytest-xdist); 0 runs it in one, as a debugger wants.
PYTEST_WORKERS ?= 2

.PHONY: chat test test-scaleout smoke setup serve lint format i18n constraints clean intents

# Installed with the pinned versions of constraints.txt (the set the suite last passed with).
$(STAMP): pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)
	$(RUN) $(BIN)/sadeeq setup

chat: setup
	$(RUN) $(BIN)/sadeeq chat $(ARGS)

serve: setup
	$(RUN) $(BIN)/sadeeq serve $(ARGS)

# In CI (CI=true) the suite runs twice, on SQLite, then on PostgreSQL + Redis, where a server
# that cannot be reached is an error, not a skip; then the wheel is built, installed and run
# from outside the repository (tools/smoke).
test: $(STAMP)
	$(BIN)/ruff check bot handlers tests bench
	$(BIN)/ruff format --check bot handlers tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS)
ifdef CI
	$(MAKE) test-scaleout
	$(MAKE) smoke
endif

test-scaleout: $(STAMP)
	SADEEQ_TEST_DATABASE_URL=$(TEST_PG) SADEEQ_TEST_REDIS_URL=$(TEST_REDIS) $(BIN)/python -m pytest -n $(PYTEST_WORKERS)

# Rebuild the intent model from locales/<lang>/corpus/ (deterministic: same corpus, same file).
intents: $(STAMP)
	$(BIN)/sadeeq intents train

# The operator's path: wheel, new virtualenv, run from another directory (committed tree only).
smoke:
	PYTHON=$(PY) tools/smoke

# Type checking: mypy over bot and handlers (settings in pyproject.toml, [tool.mypy]).
lint: $(STAMP)
	$(BIN)/ruff check bot handlers tests bench
	$(BIN)/ruff format --check bot handlers tests bench
	$(BIN)/mypy

# One formatter for the whole tree (ruff format, the settings in pyproject.toml).
format: $(STAMP)
	$(BIN)/ruff format bot handlers tests bench tools setup.py

# Catalogs: extract the messages into locales/<domain>.pot, update every locales/<lang>/
# LC_MESSAGES/<domain>.po from it, compile the .mo files (see locales/README.md).
i18n: $(STAMP)
	$(BIN)/python tools/catalogs.py

constraints: $(STAMP)
	{ sed -n '1,2p' constraints.txt; $(BIN)/pip freeze --exclude-editable | grep -v -i '^sadeeq'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) var .pytest_cache
