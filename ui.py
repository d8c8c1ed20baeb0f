"""The dashboard's shared UI pieces: the one module besides dashboard.py and views/ that imports streamlit.

- `load()`: the workbook to show (an upload being previewed, else `datasource.locate()`), read and
  checked once per content (cached on its key), with its provenance.
- `sidebar()` / `view()`: the shared selections (cycle, partnership, peer group, hide names). They
  are widgets bound to the URL query (`?cycle=2023-2026&partnership=Fife`), so they survive page
  switches and a copied link reopens the same view. Pages only ask `view()`.
- `chart_card()`: title, plain-English summary, Chart and Data tabs, CSV download (formula-safe),
  a link to the definitions. Every chart on every page goes through it.
- `banner()`, `footer()`, `show_problems()`.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

import datasource
from analysis import warm
from charts import browser
from export import to_safe_csv
from loaders import Review, WorkbookUnreadable, read_workbook

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}
ILLUSTRATIVE = ("**Illustrative sample data.** The counts per criterion reproduce the published national "
                "figures, but every per-partnership score and date in this sample is made up to match "
                "those totals. It is not any partnership's real result.")


@dataclass
class Loaded:
    source: datasource.Source
    review: Review | None          # None when the file could not be read at all
    unreadable: str = ""           # why, when review is None


@st.cache_resource(max_entries=6, show_spinner="Reading the workbook…")
def _read(key: str, _source: datasource.Source) -> Loaded:
    """Read and check a workbook once per content key. The Review is shared between sessions and
    never modified (analysis functions are pure), so no copy is made on each rerun."""
    try:
        data = datasource.read_bytes(_source)
        # Published versions passed every check when uploaded (the store verifies their sha256);
        # the sample is ours. Only those skip the sheet-extent scan.
        review = read_workbook(data, trusted=_source.kind in ("store", "sample"))
        warm.start(review)  # every cycle's analysis, once per workbook, in the background
        return Loaded(_source, review)
    except WorkbookUnreadable as exc:
        return Loaded(_source, None, exc.message)
    except Exception as exc:  # e.g. the store's file is damaged: report it, never a traceback
        return Loaded(_source, None, str(exc) or exc.__class__.__name__)


def load() -> Loaded:
    """The workbook this session shows: a previewed upload, else the published data."""
    preview = st.session_state.get("preview")
    if preview is not None:
        return preview
    source = datasource.locate()
    loaded = _read(source.key, source)
    if loaded.review is None and source.kind == "store":
        verified = datasource.locate(verify=True)  # fall back to the newest intact version
        if verified.key != source.key:
            source, loaded = verified, _read(verified.key, verified)
    if loaded.source != source:  # same bytes under another version (a rollback): keep this provenance
        loaded = Loaded(source, loaded.review, loaded.unreadable)
    return loaded


def read_upload(data: bytes, filename: str) -> Loaded:
    source = datasource.upload_source(data, filename)
    try:
        return Loaded(source, read_workbook(data))
    except WorkbookUnreadable as exc:
        return Loaded(source, None, exc.message)


# -------------------------------------------------------------------------------- selections

@dataclass
class View:
    loaded: Loaded
    review: Review
    cycle: str
    partnership: str | None
    peer_group: str | None
    hide_names: bool

    @property
    def source(self) -> datasource.Source:
        return self.loaded.source


def sidebar(loaded: Loaded) -> None:
    """The shared sidebar. Values live in session state under their keys and in the URL."""
    review = loaded.review
    if review is None or not review.ok:
        return
    from analysis.national import default_cycle

    cycles = list(review.cycles["cycle"])
    with st.sidebar:
        st.selectbox("Planning cycle", cycles, index=cycles.index(default_cycle(review)) if cycles else 0,
                     key="cycle", bind="query-params",
                     help="The three-year planning cycle whose plans are shown.")
        names = list(review.partnerships["partnership"])
        st.selectbox("Your partnership", names, index=None, key="partnership", bind="query-params",
                     placeholder="Choose a partnership",
                     help="Pick your partnership to see it against its peers on the Partnership page.")
        groups = sorted(g for g in review.partnerships["peer_group"].unique() if g)
        if groups:
            st.selectbox("Peer group", groups, index=None, key="peer", bind="query-params",
                         placeholder="Your partnership's own group",
                         help="Partnerships grouped to compare like with like.")
        st.toggle("Hide other partnerships' names", key="hide", bind="query-params",
                  help="Replace every other partnership's name with a neutral label in charts, "
                       "tables and downloads, so the view can be shown outside the partnership.")


def view() -> View:
    """The current data and selections, for a page. Stops the page when there is nothing to show."""
    loaded = st.session_state.get("_loaded") or load()
    if loaded.review is None or not loaded.review.ok:
        show_problems(loaded)
        footer(loaded.source)
        st.stop()
    review = loaded.review
    cycles = list(review.cycles["cycle"])
    cycle = st.session_state.get("cycle")
    if cycle not in cycles:
        from analysis.national import default_cycle
        cycle = default_cycle(review)
    partnership = st.session_state.get("partnership")
    if partnership not in set(review.partnerships["partnership"]):
        partnership = None
    peer = st.session_state.get("peer") or None
    if partnership and not peer:
        own = review.partnerships.set_index("partnership").at[partnership, "peer_group"]
        peer = own or None
    return View(loaded, review, cycle, partnership, peer, bool(st.session_state.get("hide", False)))


# -------------------------------------------------------------------------------- page furniture

def banner(v: View) -> None:
    if v.source.kind == "upload":
        def stop_preview() -> None:
            st.session_state.pop("preview", None)

        text, stop = st.columns([5, 1], vertical_alignment="center")
        text.warning(f"**Preview of your upload '{v.source.filename}'.** Only you can see this; nothing "
                     "is published until you publish it on the Data page.", icon=":material/visibility:")
        stop.button("Stop preview", key="stop-preview", on_click=stop_preview, icon=":material/visibility_off:",
                    help="Go back to the published data.", width="stretch")
    if v.source.is_sample:
        st.info(ILLUSTRATIVE, icon=":material/info:")


def footer(source: datasource.Source) -> None:
    st.divider()
    st.caption(source.describe())


def show_problems(loaded: Loaded) -> None:
    if loaded.review is None:
        st.error(f"**The workbook {loaded.source.filename} cannot be read.** {loaded.unreadable}")
        return
    review = loaded.review
    st.error(f"**The workbook {loaded.source.filename} has {len(review.errors)} error(s), so its data is "
             "not shown.** Fix them in Excel and upload it again; each is listed below with its sheet, "
             "row and column.")
    st.dataframe(problems_frame(review.errors), hide_index=True)


def problems_frame(problems) -> pd.DataFrame:
    return pd.DataFrame([{"Sheet": p.sheet or "", "Row": p.row, "Column": p.column or "", "Problem": p.message}
                         for p in problems], columns=["Sheet", "Row", "Column", "Problem"])


def download_csv(frame: pd.DataFrame, filename: str, key: str, label: str = "Download this table (CSV)") -> None:
    st.download_button(label, to_safe_csv(frame), file_name=filename, mime="text/csv", key=key,
                       icon=":material/download:", on_click="ignore")


def chart_card(title: str, summary: str, fig, data, *, key: str, note: str | None = None,
               filename: str | None = None) -> None:
    """The one chart card: title, summary sentence, Chart and Data tabs, download, definitions link.

    `fig` (a figure or None) and `data` (a frame) may each be a function of no arguments, called only
    when its tab is open: the Data tab is closed on most views, and its table then is not made at all
    (~20-35 ms per card the first time a cycle is shown, and fingerprinting on every rerun)."""
    with st.container(border=True, key=f"card-{key}"):
        st.header(title, anchor=key)  # h2: each card is a section of the page (its h1), WCAG 1.3.1
        st.markdown(summary)
        # Only the open tab is built and sent (on_change="rerun"): a hidden table costs the server its
        # serialisation and the browser the table code (1.2 MB of JavaScript) on every first visit.
        chart_tab, data_tab = st.tabs(["Chart", "Data"], key=f"tabs-{key}", on_change="rerun")
        if chart_tab.open:
            fig = fig() if callable(fig) else fig
            with chart_tab:
                if fig is None:
                    st.caption("No chart: there is nothing to show for this selection.")
                else:
                    plotly_chart(fig, key=f"chart-{key}", alt=summary)
        if data_tab.open:
            data = data() if callable(data) else data
            with data_tab:
                st.dataframe(data, hide_index=True, key=f"table-{key}")
                download_csv(data, filename or f"{key}.csv", key=f"download-{key}")
        if note:
            st.caption(note)
        st.page_link("views/definitions.py", label="Definitions and sources",  # short: one line at 320 px
                     icon=":material/menu_book:")


_PLOTLY_BUNDLE = browser.streamlit_plotly_js()
_chart_element = (st.components.v2.component("csp_chart", html=browser.CHART_HTML,
                                             js=browser.chart_js(_PLOTLY_BUNDLE), isolate_styles=False)
                  if _PLOTLY_BUNDLE else None)


def plotly_chart(fig, *, key: str, alt: str) -> None:
    """A plotly figure, drawn by the app's own chart element (`charts.browser`: updated in place,
    where st.plotly_chart mounts a new chart built from scratch), or by st.plotly_chart if Streamlit's
    plotly bundle cannot be found (a Streamlit upgrade that renames it)."""
    if _chart_element is not None:
        _chart_element(data=browser.chart_data(fig, PLOTLY_CONFIG, alt), key=key)
    else:
        st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG, theme=None, alt=alt)


def names(v: View) -> dict[str, str] | None:
    """{real name: shown name} when other partnerships' names are hidden, else None."""
    if not v.hide_names:
        return None
    from analysis.peers import anonymise

    return anonymise(v.review, v.partnership or "")


def shown(v: View, frame: pd.DataFrame, columns=("partnership", "Partnership")) -> pd.DataFrame:
    """The frame with hidden names replaced (a no-op when names are shown)."""
    mapping = names(v)
    if mapping is None:
        return frame
    from analysis.peers import apply_names

    return apply_names(frame, mapping, columns)


def metric_row(items: list[tuple[str, object, str | None]]) -> None:
    """A row of headline figures: (label, value, help)."""
    columns = st.columns(len(items))
    for column, (label, value, help_text) in zip(columns, items):
        column.metric(label, "–" if value is None else value, help=help_text, border=True)


def pick_partnership() -> None:
    """on_change for a page's own partnership picker: make it the shared selection."""
    st.session_state["partnership"] = st.session_state.get("partnership_pick")
