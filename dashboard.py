"""CSP Review Dashboard: entry point. Page config, navigation, the shared sidebar; nothing else.

Run with `streamlit run dashboard.py`. The data path: workbook -> loaders -> analysis -> charts -> pages.
"""
import streamlit as st

from charts.browser import loader_js, streamlit_plotly_js

st.set_page_config(page_title="CSP Review Dashboard", page_icon=":material/child_care:", layout="wide",
                   initial_sidebar_state="auto")

# The default page is served at / only, yet reserves its own pathname; "home" leaves /overview free for
# overview_by_name below.
overview = st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", url_path="home", default=True)
pages = {
    "Explore": [
        overview,
        st.Page("views/criteria.py", title="Criteria coverage", icon=":material/checklist:", url_path="criteria"),
        st.Page("views/criterion.py", title="Criterion", icon=":material/rule:", url_path="criterion"),
        st.Page("views/timeline.py", title="Submission timeline", icon=":material/event:", url_path="timeline"),
        st.Page("views/partnership.py", title="Partnership", icon=":material/compare_arrows:",
                url_path="partnership"),
        st.Page("views/plans.py", title="Search the plans", icon=":material/search:", url_path="plans"),
        st.Page("views/themes.py", title="2019 themes", icon=":material/history:", url_path="themes"),
    ],
    "About": [
        st.Page("views/definitions.py", title="Definitions", icon=":material/menu_book:", url_path="definitions"),
        st.Page("views/data.py", title="Data: upload and publish", icon=":material/upload_file:", url_path="data"),
        st.Page("views/accessibility.py", title="Accessibility", icon=":material/accessibility:",
                url_path="accessibility"),
    ],
}


def overview_by_name() -> None:
    """/overview: never drawn; the switch below happens first."""


# One flat list: Streamlit draws sectioned navigation as <div> headings inside its <ul>, which is
# invalid list markup for screen readers (axe "list"/"listitem", WCAG 1.3.1). See docs/accessibility.md.
page = st.navigation([p for section in pages.values() for p in section]
                     + [st.Page(overview_by_name, title="Overview", url_path="overview", visibility="hidden")])
if page.url_path == "overview":
    # /overview (typed or shared) opens the Overview, which Streamlit serves at / only, instead of a "Page
    # not found" box, with the link's choices (?cycle=...): before the sidebar's widgets bind them.
    st.switch_page(overview, query_params=st.query_params.to_dict())
CHART_PAGES = {"", "criteria", "criterion", "timeline", "partnership", "themes"}  # "": the default page (Overview)


def preload_chart_code() -> None:
    """Start the browser loading plotly.js (Streamlit's 4.7 MB plotly bundle, which it otherwise
    asks for only when the first chart arrives) now, while the server imports pandas and reads the
    workbook: a few tenths of a second sooner to the first chart on a cold start (bench/README.md).
    Once per session, on pages with charts. If a Streamlit upgrade renames the bundle, nothing is
    preloaded and the charts are st.plotly_chart's (charts/browser.py)."""
    if st.session_state.get("_chart_code_preloaded") or getattr(page, "url_path", None) not in CHART_PAGES:
        return
    st.session_state["_chart_code_preloaded"] = True
    bundle = streamlit_plotly_js()
    if bundle:
        with st.sidebar:  # a script only: nothing is drawn
            st.html(f"<script>{loader_js(bundle)}</script>", unsafe_allow_javascript=True)


preload_chart_code()

# The shell above reaches the browser before these imports (pandas and the rest: about 0.5 s).
import ui  # noqa: E402

loaded = ui.load()
st.session_state["_loaded"] = loaded
ui.notice(loaded)
with st.sidebar:
    st.markdown("**CSP Review Dashboard**  \nScotland's reviews of Children's Services Plans")
ui.sidebar(loaded, page.url_path)
page.run()
