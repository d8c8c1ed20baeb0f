"""CSP Review Dashboard: entry point. Page config, navigation, the shared sidebar; nothing else.

Run with `streamlit run dashboard.py`. The data path: workbook -> loaders -> analysis -> charts -> pages.
"""
import streamlit as st

import ui

st.set_page_config(page_title="CSP Review Dashboard", page_icon=":material/child_care:", layout="wide",
                   initial_sidebar_state="auto")

pages = {
    "Explore": [
        st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview",
                default=True),
        st.Page("views/criteria.py", title="Criteria coverage", icon=":material/checklist:", url_path="criteria"),
        st.Page("views/timeline.py", title="Submission timeline", icon=":material/event:", url_path="timeline"),
        st.Page("views/partnership.py", title="Partnership", icon=":material/compare_arrows:",
                url_path="partnership"),
        st.Page("views/themes.py", title="2019 themes", icon=":material/history:", url_path="themes"),
    ],
    "About": [
        st.Page("views/definitions.py", title="Definitions", icon=":material/menu_book:", url_path="definitions"),
        st.Page("views/data.py", title="Data: upload and publish", icon=":material/upload_file:", url_path="data"),
        st.Page("views/accessibility.py", title="Accessibility", icon=":material/accessibility:",
                url_path="accessibility"),
    ],
}
# One flat list: Streamlit draws sectioned navigation as <div> headings inside its <ul>, which is
# invalid list markup for screen readers (axe "list"/"listitem", WCAG 1.3.1). See docs/accessibility.md.
page = st.navigation([p for section in pages.values() for p in section])

loaded = ui.load()
st.session_state["_loaded"] = loaded
with st.sidebar:
    st.markdown("**CSP Review Dashboard**  \nScotland's reviews of Children's Services Plans")
ui.sidebar(loaded)
page.run()
