"""Shared fixtures. Workbooks are built per test with tests/builders.py."""
from __future__ import annotations

import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.pages_manager import PagesManager


class _NavigationPagesManager(PagesManager):
    """AppTest resets PagesManager.uses_pages_directory before every run, and because this project
    keeps its pages in a folder called pages/ it then runs the entry script in Streamlit's legacy
    multipage mode, which drops the shared sidebar after switch_page. The app uses st.navigation
    (which turns that mode off in the real server), so tests turn it off too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


app_test_module.PagesManager = _NavigationPagesManager


@pytest.fixture(autouse=True)
def _isolated_data(tmp_path, monkeypatch):
    """Every test sees the shipped sample unless it says otherwise, and never the real store."""
    monkeypatch.delenv("CSP_WORKBOOK", raising=False)
    monkeypatch.setenv("CSP_STORE", str(tmp_path / "store"))
