"""The dashboard's shared UI pieces: with `ui.plans`, the one package besides dashboard.py and views/
that imports streamlit.

- `load()`: the workbook to show (an upload being previewed, else `datasource.locate()`), read and
  checked once per content (cached on its key), with its provenance.
- `sidebar()` / `view()`: the shared selections (cycle, partnership, peer group, hide names). They
  are widgets bound to the URL query (`?cycle=2023-2026&partnership=Fife`), so they survive page
  switches and a copied link reopens the same view. Pages only ask `view()`.
- `chart_card()`: title, plain-English summary, Chart and Data tabs, CSV download (formula-safe),
  a link to the definitions. Every chart on every page goes through it.
- `banner()`, `footer()`, `show_problems()`.
- `text()`, `title()`, `heading()`, `caption()`: every piece of text that may hold workbook text
  reaches the page through these, which show it exactly as written (`literal.for_page`); only the
  dashboard's own words may be bold (`strong`).
- `plan_evidence()`, `plan_search()` and the rest of the plans' pieces live in `ui/plans.py` (issue 21)
  and are named here too.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from urllib.parse import quote, urlencode

import pandas as pd
import streamlit as st

import datasource
import literal
from analysis import warm
from charts import browser
from export import to_safe_csv
from loaders import Review, WorkbookUnreadable, read_workbook
from loaders.model import ILLUSTRATIVE_NOTE

# No control may send a chart or its data to a third party: no plotly logo link, no "Edit in Chart
# Studio" (Streamlit's plotly.js offers it by default: showSendToCloud), no link to plotly.com. The
# app's chart element shows no modebar at all (its own tools replace it); this is what
# st.plotly_chart, its fallback, gets.
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "showSendToCloud": False,
                 "showEditInChartStudio": False, "showTips": False,
                 "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "sendDataToCloud",
                                            "editInChartStudio"]}
# Shown on every page whenever the workbook's About sheet marks it illustrative (Review.illustrative),
# whatever its source: the shipped sample, a published version, a preview, CSP_WORKBOOK.
ILLUSTRATIVE = ("**Illustrative sample data.** Every per-partnership score and date in this workbook is made "
                "up (its About sheet says so). It is not any partnership's real result.")


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
    except Exception as exc:  # e.g. the store's file is damaged: report it, never a traceback or a class name
        from store import StoreError

        return Loaded(_source, None, str(exc) if isinstance(exc, StoreError) else
                      "It could not be read because of a fault in the dashboard. Nothing published has changed; "
                      "please tell the dashboard's team.")


def load() -> Loaded:
    """The workbook this session shows: a previewed upload, else the published data."""
    preview = st.session_state.get("preview")
    if preview is not None:
        return preview
    configure_store()
    source = datasource.locate()
    if source.kind == "unavailable":  # the store's database is not answering and this server has read nothing yet
        return Loaded(source, None, source.notice)
    loaded = _read(source.key, source)
    if loaded.review is None and source.kind == "store":
        verified = datasource.locate(verify=True)  # fall back to the newest intact version
        if verified.key != source.key:
            source, loaded = verified, _read(verified.key, verified)
    if loaded.source != source:  # same bytes under another version (a rollback): keep this provenance
        loaded = Loaded(source, loaded.review, loaded.unreadable)
    return loaded


def configure_store() -> None:
    """Give datasource the store named in secrets (`[connections.store] url`), if any."""
    try:
        url = st.secrets.get("connections", {}).get("store", {}).get("url")
    except Exception:  # no secrets file
        url = None
    datasource.configure_store(url)


def notice(loaded: Loaded) -> None:
    """The store's plain warning, when there is one (its database is not answering), at the top of every page."""
    if loaded.source.notice:
        st.warning(loaded.source.notice, icon=":material/cloud_off:")


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
    peer_withheld: str | None = None  # a peer group too small to compare with while names are hidden
    choices: tuple[str, ...] = ()     # every partnership's real name, for a picker (the sidebar's too)
    # With names hidden: the review as read (to find each plan's file by its real name, never shown)
    # and how a real name and any text are shown (labels for other partnerships' names).
    real_review: Review | None = None
    shown_names: dict | None = None
    scrub: object = None

    def shown(self, text) -> str:
        """Text from outside the workbook (a plan's passage) as this view shows it: other
        partnerships' names are labels while names are hidden."""
        return self.scrub(text) if self.scrub is not None else text

    def shown_name(self, partnership: str) -> str:
        return (self.shown_names or {}).get(partnership, partnership)

    @property
    def source(self) -> datasource.Source:
        return self.loaded.source


# Each page's own options that shape what it shows: bound to the URL by the page (bind="query-params")
# and carried by the sidebar's "Copy link". The keys are the widgets' keys and the URL's names.
PAGE_OPTIONS = {"criteria": ("criteria_order", "criteria_measure"), "partnership": ("show_ranks",),
                "criterion": ("criterion", "criterion_group"), "plans": ("plan_query",)}
SHARED = ("cycle", "partnership", "peer", "hide")


def share_query(page_path: str) -> str:
    """The query of a link to this view: the sidebar's choices and the page's own options, the
    cycle always (a link that left out the default cycle would change meaning when a newer cycle is
    published). Values as the URL binding writes them."""
    params = {}
    for key in SHARED + PAGE_OPTIONS.get(page_path, ()):
        # before the page's first run its options are only in the address (their widgets are bound to it)
        value = st.session_state[key] if key in st.session_state else st.query_params.get(key)
        if value is None or value is False or value == "false":
            continue
        params[key] = "true" if value is True else str(value)
    return urlencode(params, quote_via=quote)


_COPY_LINK_HTML = ("<div class='csp-share'><button type='button' class='csp-copy-link'>Copy link to this view</button>"
                   "<span class='csp-copy-status' role='status' aria-live='polite'></span></div>")
_COPY_LINK_JS = """
// The control that opens the sidebar shows "Cycle and choices" (CSS below); its accessible name says
// the same (WCAG 2.5.3), set again whenever Streamlit draws the control anew.
if (!window.cspSidebarLabel) {
  window.cspSidebarLabel = true;
  const label = () => {
    const b = document.querySelector('[data-testid="stExpandSidebarButton"]');
    if (b && b.getAttribute('aria-label') !== 'Cycle and choices') b.setAttribute('aria-label', 'Cycle and choices');
  };
  new MutationObserver(label).observe(document.body, {childList: true, subtree: true});
  label();
}
export default function ({ parentElement, data }) {
  const button = parentElement.querySelector('.csp-copy-link');
  const status = parentElement.querySelector('.csp-copy-status');
  button.onclick = async () => {
    const url = new URL(window.location.href);
    url.search = data.query;
    url.hash = '';
    try {
      await navigator.clipboard.writeText(url.href);
      status.textContent = 'Link copied: it opens this page with these choices.';
    } catch (e) {  // no clipboard (a page not served over https): show the link to copy by hand
      status.textContent = 'Copy this link: ' + url.href;
    }
    button.dataset.link = url.href;
  };
}
"""
_COPY_LINK_CSS = """
.csp-share button { font: inherit; padding: 0.35rem 0.75rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid rgba(49, 51, 63, 0.3); background: #ffffff; color: #31333f; min-height: 2.5rem; }
.csp-share button:hover { border-color: #0072B2; color: #0072B2; }
.csp-share button:focus-visible { outline: 2px solid #0072B2; outline-offset: 2px; }
.csp-share .csp-copy-status { display: block; font-size: 0.875rem; margin-top: 0.25rem; overflow-wrap: anywhere; }
/* The control that opens the sidebar (the cycle and every other choice) says so in words, not by an
   icon alone: on a phone the sidebar starts closed. */
[data-testid="stExpandSidebarButton"] { width: auto; padding-right: 0.5rem; gap: 0.25rem; }
[data-testid="stExpandSidebarButton"]::after { content: "Cycle and choices"; font-size: 0.875rem;
  font-weight: 600; white-space: nowrap; }
"""
_copy_link = st.components.v2.component("csp_copy_link", html=_COPY_LINK_HTML, js=_COPY_LINK_JS,
                                        css=_COPY_LINK_CSS, isolate_styles=False)


def sidebar(loaded: Loaded, page_path: str = "") -> None:
    """The shared sidebar. Values live in session state under their keys and in the URL; "Copy link"
    gives a link to the view with every choice that shapes it (`share_query`)."""
    review = loaded.review
    if review is None or not review.ok:
        return
    from analysis.national import default_cycle

    cycles = list(review.cycles["cycle"])
    if cycles and st.session_state.get("cycle") not in cycles:  # a new session: the link's cycle, else the default
        asked = st.query_params.get("cycle")
        st.session_state["cycle"] = asked if asked in cycles else default_cycle(review)
    with st.sidebar:
        st.selectbox("Planning cycle", cycles, key="cycle",
                     help="The three-year planning cycle whose plans are shown.")
        if cycles:
            # Kept in the address by hand, not by the widget's URL binding, which drops a value equal
            # to the default: a copied address keeps its cycle when a newer one is published.
            st.query_params["cycle"] = st.session_state["cycle"]
        names = list(review.partnerships["partnership"])
        st.selectbox("Your partnership", names, index=None, key="partnership", bind="query-params",
                     placeholder="Choose a partnership",
                     help="Pick your partnership to see it against its peers on the Partnership page.")
        groups = sorted(g for g in review.partnerships["peer_group"].unique() if g)
        if st.session_state.get("hide"):
            groups = shown_groups(loaded, groups)
        if groups:
            st.selectbox("Peer group", groups, index=None, key="peer", bind="query-params",
                         placeholder="Your partnership's own group",
                         help="Partnerships grouped to compare like with like.")
        st.toggle("Hide other partnerships' names", key="hide", bind="query-params",
                  help="Replace every other partnership's name with a neutral label in charts, "
                       "tables and downloads, so the view can be shown outside the partnership.")
        go_to(loaded)
        unname_plan_query(loaded)
        _copy_link(data={"query": share_query(page_path)}, key="copy-link")


def go_to_targets(loaded: Loaded) -> dict[str, tuple[str, str, str]]:
    """The sidebar's "Go to" choices: "Partnership: Fife" and "Criterion 12: Resources" -> (page,
    session key, value). With other partnerships' names hidden, no partnership is listed (the list
    would name them all) and criteria are named as the hidden review names them."""
    review = loaded.review
    hide = bool(st.session_state.get("hide"))
    if hide:
        from analysis import names

        review = names.hidden(review, st.session_state.get("partnership") or "", _label_key(loaded))
    targets = {}
    if not hide:
        for name in review.partnerships["partnership"]:
            targets[f"Partnership: {name}"] = ("views/partnership.py", "partnership", str(name))
    for cid, name in zip(review.criteria["criterion"], review.criteria["name"]):
        label = f"Criterion {cid}: {name}" if str(name).strip() and str(name).strip() != str(cid) else f"Criterion {cid}"
        targets[label] = ("views/criterion.py", "criterion", str(cid))
    return targets


def go_to(loaded: Loaded) -> None:
    """Search by name: type a partnership's or a criterion's name (options are plain text, never
    Markdown) and its page opens with it chosen, keeping the other choices."""
    targets = go_to_targets(loaded)

    def went() -> None:
        target = targets.get(st.session_state.get("go_to"))
        st.session_state["go_to"] = None
        if target:
            page, key, value = target
            open_view(page, **{key: value})

    st.selectbox("Go to", list(targets), index=None, key="go_to", on_change=went,
                 placeholder="Type a partnership or criterion",
                 help="Type part of a partnership's or a criterion's name, then pick it to open its page.")
    target = st.session_state.pop("_go_to", None)
    if target:  # the choices are in session state (open_view); the address gets the cycle and a criterion
        page, extra = target
        query = {"cycle": st.session_state["cycle"]} if "cycle" in st.session_state else {}
        # The partnership's widget (bound to the address) writes it there; the criterion page keeps
        # its criterion in the address by hand and takes it from there first.
        st.switch_page(page, query_params=query | extra)


def open_view(page: str, *, partnership: str | None = None, criterion: str | None = None) -> None:
    """In a callback ("Go to", a click on a chart, a chart's "Open" picker): choose the partnership
    and/or criterion and open `page` with them, keeping the cycle and every other choice (the sidebar
    switches page on the run that follows, before the old page is drawn again). On the partnership
    page a criterion is one picked out (`picked_out`)."""
    if partnership:
        st.session_state["partnership"] = partnership
    if criterion:
        st.session_state["criterion"] = criterion
    st.session_state["_go_to"] = (page, {"criterion": criterion} if criterion else {})


def view() -> View:
    """The current data and selections, for a page. Stops the page when there is nothing to show.

    With other partnerships' names hidden, the view's review is `analysis.names.hidden`'s (every
    other partnership a neutral label, free text scrubbed) and so is its source's file name and
    note: every page, chart, table, download and report is made from it, so none can forget."""
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
    hide = bool(st.session_state.get("hide", False))
    choices = tuple(review.partnerships["partnership"])
    if not hide:
        return View(loaded, review, cycle, partnership, peer, False, choices=choices, real_review=review)
    from analysis import names

    keep = partnership or ""
    shown_review = names.hidden(review, keep, _label_key(loaded))
    source = hidden_source(loaded, keep)
    # the group's name as the hidden review writes it (a group named after a partnership is scrubbed too)
    mapping = names.labels(review.partnerships["partnership"], keep, _label_key(loaded))
    shown_peer = names.scrub_text(peer, review, keep, mapping) if peer else None
    hidden = {"real_review": review, "shown_names": mapping,
              "scrub": lambda text: names.scrub_text(text, review, keep, mapping)}
    if names.withheld(review, peer):
        return View(Loaded(source, shown_review, loaded.unreadable), shown_review, cycle, partnership, None, True,
                    shown_peer, choices, **hidden)
    return View(Loaded(source, shown_review, loaded.unreadable), shown_review, cycle, partnership, shown_peer, True,
                None, choices, **hidden)


def shown_groups(loaded: Loaded, groups: list[str]) -> list[str]:
    """The peer groups offered while names are hidden: not one too small to show (analysis.names
    MIN_GROUP), nor one whose name holds another partnership's name."""
    from analysis import names

    review, keep = loaded.review, st.session_state.get("partnership") or ""
    mapping = names.labels(review.partnerships["partnership"], keep, _label_key(loaded))
    return [g for g in groups if not names.withheld(review, g) and names.scrub_text(g, review, keep, mapping) == g]


def _label_key(loaded: Loaded) -> bytes:
    from analysis import names

    from store import StoreUnavailable

    try:
        secret = label_secret(str(datasource.store_location()))
    except StoreUnavailable:  # while the database is not answering: this process's own, for now
        secret = _PROCESS_SECRET
    return names.label_key(secret, loaded.source.key)


_PROCESS_SECRET = os.urandom(32)


def hidden_source(loaded: Loaded, keep: str) -> datasource.Source:
    """The provenance line's file name, publisher and note with other partnerships' names replaced
    by their labels (the footer, with names hidden)."""
    from analysis import names

    if loaded.review is None or not loaded.review.ok:
        return loaded.source
    mapping = names.labels(loaded.review.partnerships["partnership"], keep, _label_key(loaded))
    return replace(loaded.source, **{f: names.scrub_text(getattr(loaded.source, f), loaded.review, keep, mapping)
                                     for f in ("filename", "who", "note")})


@st.cache_resource(show_spinner=False)
def label_secret(store_folder: str) -> bytes:
    """The server's secret for the labels of hidden names: `[privacy] label_secret` in secrets.toml,
    else the one the store keeps (made once, at random), else (no writable store) one for this
    server process. Never sent to a browser."""
    try:
        configured = st.secrets.get("privacy", {}).get("label_secret")
    except Exception:  # no secrets file
        configured = None
    if configured:
        return str(configured).encode("utf-8")
    try:
        from store import Store, StoreUnavailable
        return Store(store_folder).label_secret()
    except StoreUnavailable:  # not cached (it raises): the database's secret is asked again next time
        raise
    except Exception:
        return os.urandom(32)


# -------------------------------------------------------------------------------- page furniture

# What each page needs of a cycle to show anything: any of these (analysis.national.cycle_holds).
PAGE_NEEDS = {"overview": ("scores", "national"), "criteria": ("scores", "national"), "timeline": ("submissions",),
              "partnership": ("scores", "national"), "criterion": ("scores", "national")}
_WHERE = [("scores", "views/overview.py", "Overview"), ("scores", "views/criteria.py", "Criteria coverage"),
          ("national", "views/criteria.py", "Criteria coverage"), ("submissions", "views/timeline.py", "Submission timeline"),
          ("scores", "views/partnership.py", "Partnership"), ("themes", "views/themes.py", "2019 themes")]
_WHAT = {"scores": "per-partnership scores", "national": "published national figures",
         "submissions": "submission dates", "themes": "the 2019 review's themes"}


def cycle_gap(v: View, page: str) -> None:
    """If the chosen cycle holds nothing this page can show, say what the workbook does hold for it,
    with links to the pages that show that, and stop the page (instead of empty charts)."""
    from analysis.national import cycle_holds, cycles_with_data

    holds = cycle_holds(v.review, v.cycle)
    if any(holds[need] for need in PAGE_NEEDS[page]):
        return
    have = [_WHAT[k] for k, there in holds.items() if there]
    st.info(f"**There is nothing to show here for {v.cycle}.** The workbook has no "
            + " or ".join(_WHAT[n] for n in PAGE_NEEDS[page]) + f" for {v.cycle}"
            + (f"; it has {', '.join(have)}." if have else ", nor anything else about that cycle.")
            + " Choose another cycle in the sidebar"
            + (f" (cycles with figures: {', '.join(reversed(cycles_with_data(v.review)))})" if cycles_with_data(v.review)
               else "") + ", or see:", icon=":material/info:")
    seen = set()
    for what, target, label in _WHERE:
        if holds[what] and target not in seen and not target.endswith(f"/{page}.py"):
            seen.add(target)
            st.page_link(target, label=f"{label} for {v.cycle}", icon=":material/arrow_forward:")
    footer(v.source)
    st.stop()


def banner(v: View) -> None:
    if v.source.kind == "upload":
        def stop_preview() -> None:
            st.session_state.pop("preview", None)

        text, stop = st.columns([5, 1], vertical_alignment="center")
        text.warning(f"**Preview of your upload '{v.source.filename}'.** Only you can see this; nothing "
                     "is published until you publish it on the Data page.", icon=":material/visibility:")
        stop.button("Stop preview", key="stop-preview", on_click=stop_preview, icon=":material/visibility_off:",
                    help="Go back to the published data.", width="stretch")
    if v.review is not None and v.review.illustrative:
        st.info(ILLUSTRATIVE, icon=":material/info:")


def shown_illustrative(source: datasource.Source | None = None) -> bool:
    """Whether the workbook this session shows (the one from `source`, when given) is illustrative."""
    loaded = st.session_state.get("_loaded") or load()
    if source is not None and loaded.source.key != source.key:
        return False
    return loaded.review is not None and loaded.review.illustrative


def provenance(source: datasource.Source) -> str:
    """The line that says which data is shown (the footer; a downloaded PNG's source line): with
    names hidden, other partnerships' names in its file name or note are replaced by their labels."""
    loaded = st.session_state.get("_loaded")
    if st.session_state.get("hide") and loaded is not None and loaded.source.key == source.key:
        source = hidden_source(loaded, st.session_state.get("partnership") or "")
    return source.describe(illustrative=shown_illustrative(source))


def footer(source: datasource.Source) -> None:
    st.divider()
    caption(provenance(source))


def show_problems(loaded: Loaded) -> None:
    if loaded.source.kind == "unavailable":
        return  # its notice (ui.notice) says it all
    if loaded.review is None:
        st.error("**The workbook cannot be read.**", icon=":material/error:")
        text(strong("File: "), loaded.source.filename, " ", loaded.unreadable)
        return
    review = loaded.review
    app = "LibreOffice Calc" if datasource.file_type(loaded.source.filename)[0] == ".ods" else "Excel"
    st.error(f"**The workbook has {len(review.errors)} error(s), so its data is not shown.** Fix them in "
             f"{app} and upload it again; each is listed below with its sheet, row and column.",
             icon=":material/error:")
    text(strong("File: "), loaded.source.filename)
    st.dataframe(problems_frame(review.errors), hide_index=True)


def problems_frame(problems) -> pd.DataFrame:
    return pd.DataFrame([{"Sheet": p.sheet or "", "Row": p.row, "Column": p.column or "", "Problem": p.message}
                         for p in problems], columns=["Sheet", "Row", "Column", "Problem"])


def download_csv(frame: pd.DataFrame, filename: str, key: str, label: str = "Download this table (CSV)",
                 illustrative: bool | None = None) -> None:
    """A formula-safe CSV download. When the data is illustrative (by default: when the workbook shown
    is), every row carries it in a last column (export.to_safe_csv)."""
    if illustrative is None:
        illustrative = shown_illustrative()
    st.download_button(label, to_safe_csv(frame, illustrative=illustrative), file_name=filename, mime="text/csv",
                       key=key, icon=":material/download:", on_click="ignore")


def download_data(v: View, key: str = "download-data") -> None:
    """"Download the data": the cycle's statistics spreadsheet (`spreadsheet.py`: cover, contents, notes,
    one table a sheet) as .xlsx and as .ods, made on the click from the view's review (hidden when
    names are hidden, with the illustrative caveat when it applies)."""
    import spreadsheet

    source_line = provenance(v.source)   # read now: a click's callable runs outside the script

    def made(kind: str):
        return lambda: spreadsheet.write(spreadsheet.build(v.review, v.cycle, source_line, hidden=v.hide_names), kind)

    text(f"The figures of {v.cycle} (counts per criterion, each partnership's levels and submission), the published "
         "national figures, the criteria and the scale, as a spreadsheet with a cover sheet, contents and notes.")
    for kind, where in (("xlsx", "Excel"), ("ods", "LibreOffice Calc")):
        st.download_button(f"Download the data ({where}, .{kind})", made(kind), file_name=f"csp-review-data-{v.cycle}.{kind}",
                           mime=spreadsheet.MIME[kind], key=f"{key}-{kind}", on_click="ignore",
                           icon=":material/download:")


def chart_card(title: str, summary: str, fig, data, *, key: str, note: str | None = None,
               filename: str | None = None, on_select: str | None = None) -> None:
    """The one chart card: title, summary sentence, Chart and Data tabs, download, definitions link.

    `fig` (a figure or None) and `data` (a frame) may each be a function of no arguments, called only
    when its tab is open: the Data tab is closed on most views, and its table then is not made at all
    (~20-35 ms per card the first time a cycle is shown, and fingerprinting on every rerun).

    `on_select` makes the chart clickable (drill-down, `drill_target`): "criterion" (a criterion's
    bar opens its page), "partnership" (a tile of the map opens the partnership's page) or "cell" (a
    heatmap cell opens the partnership's page with that criterion picked out; with names hidden, the
    criterion's page). The note says so, and a picker under it does the same by keyboard."""
    if on_select:
        hidden_cell = on_select == "cell" and st.session_state.get("hide")  # a row is a label: its criterion opens
        said = CLICKS["criterion"].replace("a bar", "a cell") if hidden_cell else CLICKS[on_select]
        note = f"{note} {said}" if note else said
    with st.container(border=True, key=f"card-{key}"):
        heading(title, anchor=key)  # h2: each card is a section of the page (its h1), WCAG 1.3.1
        text(summary)
        # Only the open tab is built and sent (on_change="rerun"): a hidden table costs the server its
        # serialisation and the browser the table code (1.2 MB of JavaScript) on every first visit.
        chart_tab, data_tab = st.tabs(["Chart", "Data"], key=f"tabs-{key}", on_change="rerun")
        if chart_tab.open:
            fig = fig() if callable(fig) else fig
            with chart_tab:
                if fig is None:
                    st.caption("No chart: there is nothing to show for this selection.")
                else:
                    # what a downloaded PNG carries besides the chart: the footer's source line, and
                    # the caveat when the workbook's data is illustrative
                    loaded = st.session_state.get("_loaded") or load()
                    made_up = bool(loaded.review is not None and loaded.review.illustrative)
                    image = {"title": title, "summary": summary, "filename": browser.png_filename(filename, key),
                             "source": provenance(loaded.source),
                             "caveat": ILLUSTRATIVE_NOTE if made_up else ""}
                    plotly_chart(fig, key=f"chart-{key}", alt=summary, image=image, on_select=on_select)
        if data_tab.open:
            data = data() if callable(data) else data
            with data_tab:
                st.dataframe(data, hide_index=True, key=f"table-{key}")
                download_csv(data, filename or f"{key}.csv", key=f"download-{key}")
        if note:
            caption(note)
        if on_select:
            open_picker(on_select, key)
        st.page_link("views/definitions.py", label="Definitions and sources",  # short: one line at 320 px
                     icon=":material/menu_book:")


_PLOTLY_BUNDLE = browser.streamlit_plotly_js()
_chart_element = (st.components.v2.component("csp_chart", html=browser.CHART_HTML, css=browser.CHART_CSS,
                                             js=browser.chart_js(_PLOTLY_BUNDLE), isolate_styles=False)
                  if _PLOTLY_BUNDLE else None)


def plotly_chart(fig, *, key: str, alt: str, image: dict | None = None, on_select: str | None = None) -> None:
    """A plotly figure, drawn by the app's own chart element (`charts.browser`: updated in place,
    where st.plotly_chart mounts a new chart built from scratch; its toolbar downloads the chart as
    a PNG carrying `image`'s title, summary, source and caveat, and shows it full screen), or by
    st.plotly_chart if Streamlit's plotly bundle cannot be found (a Streamlit upgrade that renames it).
    With `on_select` (chart_card's), a click on a mark opens what it stands for (`clicked`); the
    browser sends nothing, and nothing reruns, until a mark is clicked."""
    if _chart_element is not None:
        data = browser.chart_data(fig, PLOTLY_CONFIG, alt, image, select=bool(on_select))
        if on_select:
            _chart_element(data=data, key=key, on_select_change=lambda: clicked(on_select, key))
        else:
            _chart_element(data=data, key=key)
    else:
        name = (image or {}).get("filename", f"{key}.png")[:-4]
        st.plotly_chart(fig, key=key, config={**PLOTLY_CONFIG, "toImageButtonOptions": {"filename": name}},
                        theme=None, alt=alt)


# Drill-down: what a click on a chart opens, said in the card's note (chart_card's on_select).
CLICKS = {
    "criterion": "Click or tap a bar to open that criterion's page, or choose one below.",
    "partnership": "Click or tap a square to open that partnership's page, or choose one below.",
    "cell": "Click or tap a cell to open that partnership's page with the criterion picked out, or choose a page "
            "below.",
}


def drill_target(v: View, kind: str, point) -> tuple[str, dict[str, str]] | None:
    """What a click on a mark of a clickable chart opens: (page, {"partnership": ..., "criterion":
    ...}), or None. `point` is what the browser sent: the mark's x and y category as the chart wrote
    them (charts.national: a criterion's bar is its wrapped name, a heatmap cell is (criterion ID,
    partnership), a map tile is (column, row)). With names hidden a heatmap row is a label, not a
    partnership: the cell opens its criterion (the chosen partnership's own row still opens its page)."""
    if not isinstance(point, dict):
        return None
    from charts.national import wrap, yours

    review = v.review
    ids = [str(c) for c in review.criteria["criterion"]]
    x, y = point.get("x"), point.get("y")
    if kind == "criterion":
        by_text: dict[str, str] = {}
        for cid, name in zip(ids, review.criteria["name"].astype(str)):
            by_text.setdefault(wrap(f"{cid}. {name}"), cid)  # the form used when names repeat
        for cid, name in zip(ids, review.criteria["name"].astype(str)):
            by_text.setdefault(wrap(name), cid)
        cid = by_text.get(str(y))
        return ("views/criterion.py", {"criterion": cid}) if cid else None
    if kind == "cell":
        cid = str(x)
        if cid not in ids:
            return None
        rows = {}
        for name in review.partnerships["partnership"].astype(str):
            rows[literal.for_chart(name)] = name
            rows[literal.for_chart(yours(name))] = name
        who = rows.get(str(y))
        if who and (not v.hide_names or who == v.partnership):
            return "views/partnership.py", {"partnership": who, "criterion": cid}
        return "views/criterion.py", {"criterion": cid}
    if kind == "partnership" and not v.hide_names:  # the map is not shown with names hidden
        from analysis.national import partnership_fully_met
        from charts.national import tile_layout

        tiles = tile_layout(partnership_fully_met(review, v.cycle))
        hit = tiles[(tiles["col"] == x) & (tiles["row"] == y)]
        return ("views/partnership.py", {"partnership": str(hit["partnership"].iloc[0])}) if len(hit) else None
    return None


def clicked(kind: str, key: str) -> None:
    """on_select_change of a clickable chart: open what the clicked mark stands for (`drill_target`)."""
    result = st.session_state.get(key)
    point = getattr(result, "select", None) if result is not None else None
    target = drill_target(view(), kind, point)  # the view as the page last drew it (choices unchanged)
    if target:
        open_view(target[0], **target[1])


def open_picker(kind: str, key: str) -> None:
    """The keyboard and screen-reader route to what a click on a chart opens: a picker of the
    criteria ("criterion"), the partnerships ("partnership") or both ("cell"), as "Go to" lists them
    (with names hidden, criteria only); choosing one opens its page, keeping the other choices."""
    loaded = st.session_state.get("_loaded") or load()
    pages = {"criterion": {"views/criterion.py"}, "partnership": {"views/partnership.py"},
             "cell": {"views/criterion.py", "views/partnership.py"}}[kind]
    options = {label: t for label, t in go_to_targets(loaded).items() if t[0] in pages}
    if not options:
        return
    kinds = {t[0] for t in options.values()}
    label = ("Open a partnership's or a criterion's page" if len(kinds) > 1 else
             "Open a partnership's page" if "views/partnership.py" in kinds else "Open a criterion's page")
    widget = f"open-{key}"

    def went() -> None:
        target = options.get(st.session_state.get(widget))
        st.session_state[widget] = None
        if target:
            page, name, value = target
            open_view(page, **{name: value})

    st.selectbox(label, list(options), index=None, key=widget, on_change=went,
                 placeholder="Type a name, then pick it", help="Opens its page, keeping the cycle and your choices.")


def picked_out(v: View) -> None:
    """On the partnership page opened from a heatmap cell (?criterion=12): that criterion, the
    partnership's level on it in the cycle, and a link to the criterion's page."""
    cid = st.query_params.get("criterion")
    if not cid or not v.partnership:
        return
    crit = v.review.criteria
    row = crit[crit["criterion"].astype(str) == str(cid)]
    if row.empty:
        return
    from analysis.national import partnership_levels

    name = str(row["name"].iloc[0])
    level = partnership_levels(v.review, v.cycle, v.partnership).get(str(cid))
    with st.container(border=True, key="picked-out"):
        said = (f"{v.partnership}'s plan: {level} in {v.cycle}." if level else
                f"{v.partnership} has no score on it in {v.cycle}.")
        text(strong(f"Picked out: criterion {cid}" + (f", {name}" if name.strip() and name != str(cid) else "")),
             ". ", said)
        st.page_link("views/criterion.py", label="Open this criterion's page: every partnership on it",
                     query_params={"criterion": str(cid), "cycle": v.cycle}, icon=":material/rule:")


class Html(str):
    """HTML the dashboard itself wrote (never workbook text): passed through by `text` as it is."""


def strong(words) -> Html:
    """Bold words, as the dashboard's own emphasis; the words themselves are shown as written."""
    return Html(f"<strong>{literal.for_page(words)}</strong>")


def _html(parts) -> str:
    return "".join(p if isinstance(p, Html) else literal.for_page(p) for p in parts)


def text(*parts, tag: str = "p", container=None) -> None:
    """A paragraph of text shown exactly as written: strings (workbook text, sentences that hold
    it) are escaped by the one rule (`literal.for_page`), `strong(...)` parts are bold. Markdown,
    HTML, links and shortcodes in the strings are shown as characters, never applied."""
    (container or st).markdown(f"<{tag}>{_html(parts)}</{tag}>", unsafe_allow_html=True)


def title(*parts) -> None:
    """The page's h1, shown as written."""
    text(*parts, tag="h1")


def heading(*parts, level: int = 2, anchor: str | None = None) -> None:
    """A section heading (h2 by default), shown as written; `anchor` gives it an id for links."""
    ident = f' id="{literal.for_html(anchor)}"' if anchor else ""
    st.markdown(f"<h{level}{ident}>{_html(parts)}</h{level}>", unsafe_allow_html=True)


def caption(*parts, container=None) -> None:
    """Small print (a caption), shown as written."""
    (container or st).caption(f"<p>{_html(parts)}</p>", unsafe_allow_html=True)


def table(frame: pd.DataFrame, *, caption: str | None = None) -> None:
    """A plain table whose every cell, header and caption is shown exactly as written (`st.table`
    draws its cells as Markdown: a note or problem holding a web address would become a link).
    Long text wraps inside its cell; empty cells (None, NaN) are left blank."""
    def cell(value) -> str:
        return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else literal.for_page(value)
    head = "".join(f'<th scope="col">{literal.for_page(c)}</th>' for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False, name=None))
    label = f"<caption>{literal.for_page(caption)}</caption>" if caption else ""
    # a wide table scrolls sideways inside its own box on a phone (and by keyboard: it takes focus)
    st.markdown(f'<div class="csp-table-scroll" tabindex="0" style="overflow-x:auto">'
                f'<table class="csp-literal-table">{label}<thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
                "</table></div>", unsafe_allow_html=True)


def metric_row(items: list[tuple[str, object, str | None]]) -> None:
    """A row of headline figures: (label, value, help)."""
    columns = st.columns(len(items))
    for column, (label, value, help_text) in zip(columns, items):
        column.metric(label, "–" if value is None else value, help=help_text, border=True)


def pick_partnership() -> None:
    """on_change for a page's own partnership picker: make it the shared selection."""
    st.session_state["partnership"] = st.session_state.get("partnership_pick")


from ui.plans import (passage, plan_evidence, plan_files, plan_href, plan_search,  # noqa: E402,F401
                      stored_plans, unname_plan_query)
