# The two commands of README.md. Each sets up what it needs first (scripts/setup.sh).
.PHONY: book test setup lint bench

setup:
	@scripts/setup.sh

book: setup
	.venv/bin/bookbuild build

# One test process per core (pytest-xdist): most tests use one core, the layouts are CPU-bound.
# loadgroup: the tests that share a module's build stay in one process (tests/conftest.py).
test: setup
	.venv/bin/python -m pytest -n auto --dist loadgroup

lint: setup
	.venv/bin/ruff check .
	.venv/bin/mypy

bench: setup
	.venv/bin/python benchmarks/run.py
