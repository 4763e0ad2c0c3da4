# Two commands on a fresh machine (Python 3.11 + make): `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup run test demo-sites bench data clean

$(STAMP): pyproject.toml setup.py pipeline/_native.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test,postgres]"
	touch $(STAMP)

setup: $(STAMP)

## The watch on the bundled demo sites, SQLite and the embedded index (Ctrl-C to stop).
run: setup
	$(BIN)/yqwatch run --demo

## The whole test suite.
test: setup
	$(BIN)/python -m pytest -q

demo-sites: setup
	$(BIN)/yqwatch demo-sites

## Benchmarks (minutes; figures go to bench/README.md by hand).
bench: setup
	$(BIN)/python bench/run_all.py

## Rebuild the package data from ../shared (divisions, lexicons, trained models).
data: setup
	$(BIN)/pip install -q -e ".[train]"
	$(BIN)/python scripts/build_divisions.py
	$(BIN)/python scripts/train_sentiment.py
	$(BIN)/python scripts/train_category.py
	$(BIN)/python scripts/build_topic_vocabulary.py

clean:
	rm -rf $(VENV) var build *.egg-info pipeline/_native*.so
