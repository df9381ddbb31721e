"""Every test here runs examples, scripts, the docs build or a fresh interpreter: all are slow
(``make test-fast`` skips them; ``make test`` runs them)."""
import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


def pytest_collection_modifyitems(items):
    for item in items:
        if os.path.dirname(str(item.path)) == HERE:
            item.add_marker(pytest.mark.slow)
