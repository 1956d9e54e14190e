# Two commands for a newcomer: `make chat` (set up, seed the demo data, talk to the bot)
# and `make test` (set up, run the whole suite). Everything lives in .venv; nothing global.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: chat test setup serve bench lint clean

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

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check bot handlers tests bench

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache
