# The two commands of README.md. Each sets up what it needs first (scripts/setup.sh).
.PHONY: book test setup lint bench

setup:
	@scripts/setup.sh

book: setup
	.venv/bin/bookbuild build

# One test process per core (pytest-xdist): most tests use one core, the layouts are CPU-bound.
# loadfile: a test file stays in one process, so a build its module shares is made once (the
# book the end-to-end tests share is made once per run: tests/conftest.py). Not loadgroup:
# with pytest 9 its xdist_group marks no longer reach the scheduler.
test: setup
	.venv/bin/python -m pytest -n auto --dist loadfile

lint: setup
	.venv/bin/ruff check .
	.venv/bin/mypy

bench: setup
	.venv/bin/python benchmarks/run.py
