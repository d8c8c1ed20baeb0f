"""Shared fixtures. Workbooks are built per test with tests/builders.py."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_data(tmp_path, monkeypatch):
    """Every test sees the shipped sample unless it says otherwise, and never the real store."""
    monkeypatch.delenv("CSP_WORKBOOK", raising=False)
    monkeypatch.setenv("CSP_STORE", str(tmp_path / "store"))
