# Usual tasks. `make install` once, then `make check` before every commit.
PY ?= .venv/bin/python

.PHONY: install demo test lint format typecheck check bench

install:
	python3 -m venv .venv && .venv/bin/pip install "torch==2.13.0" -e ".[dev]"

demo:
	.venv/bin/sciwire demo --out sciwire-demo

test:
	$(PY) -m pytest

lint:
	$(PY) -m ruff check src tests benchmarks
	$(PY) -m ruff format --check src tests benchmarks

format:
	$(PY) -m ruff format src tests benchmarks
	$(PY) -m ruff check --fix src tests benchmarks

typecheck:
	$(PY) -m mypy

check: lint typecheck test

bench:
	$(PY) benchmarks/analyze.py --write
	$(PY) benchmarks/alignment.py --write
