"""Accessibility statement, in the form UK public bodies publish (the GDS model statement)."""
from pathlib import Path

import streamlit as st

import ui

STATEMENT = Path(__file__).resolve().parents[1] / "docs" / "accessibility-statement.md"

st.title("Accessibility statement")
st.markdown(STATEMENT.read_text(encoding="utf-8"))
ui.footer(ui.load().source)
