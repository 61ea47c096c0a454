"""End-to-end tests: each builds real PDFs and reads them back, so the folder is slow."""

import pytest


@pytest.hookimpl(tryfirst=True)  # before -m "not slow" deselects
def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.slow)
