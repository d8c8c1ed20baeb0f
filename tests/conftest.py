"""Shared fixtures. Workbooks are built per test with tests/builders.py."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_data(tmp_path, monkeypatch):
    """Every test sees the shipped sample unless it says otherwise, and never the real store."""
    monkeypatch.delenv("CSP_WORKBOOK", raising=False)
    monkeypatch.setenv("CSP_STORE", str(tmp_path / "store"))


@pytest.fixture
def postgresql_url():
    """A new, empty database on the session's throwaway PostgreSQL server (tests/postgres.py)."""
    import pgcluster

    return pgcluster.cluster().new_database()


def pytest_sessionfinish(session, exitstatus):
    import sys

    pgcluster = sys.modules.get("pgcluster")
    if pgcluster is not None:
        pgcluster.shutdown()
