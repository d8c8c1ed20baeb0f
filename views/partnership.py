import streamlit as st; import ui; v = ui.view(); st.title("TODO")
