"""Accessibility statement, in the form UK public bodies publish (the GDS model statement)."""
from pathlib import Path

import streamlit as st

import ui

STATEMENT = Path(__file__).resolve().parents[1] / "docs" / "accessibility-statement.md"

st.title("Accessibility statement")
if ui.shown_illustrative():  # the workbook's About sheet marks its per-partnership data as made up
    st.info(ui.ILLUSTRATIVE, icon=":material/info:")
st.markdown(STATEMENT.read_text(encoding="utf-8"))
ui.footer(ui.load().source)
