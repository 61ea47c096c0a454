# The two commands of README.md. Each sets up what it needs first (scripts/setup.sh).
.PHONY: book test setup lint bench

setup:
	@scripts/setup.sh

book: setup
	.venv/bin/bookbuild build

test: setup
	.venv/bin/python -m pytest

lint: setup
	.venv/bin/ruff check .
	.venv/bin/mypy

bench: setup
	.venv/bin/python benchmarks/run.py
