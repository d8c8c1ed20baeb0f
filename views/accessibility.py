"""Accessibility statement, in the form UK public bodies publish (the GDS model statement)."""
from pathlib import Path

import streamlit as st

import ui

STATEMENT = Path(__file__).resolve().parents[1] / "docs" / "accessibility-statement.md"

st.title("Accessibility statement")
if ui.load().source.is_sample:
    st.info(ui.ILLUSTRATIVE, icon=":material/info:")
st.markdown(STATEMENT.read_text(encoding="utf-8"))
ui.footer(ui.load().source)
