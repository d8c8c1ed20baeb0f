"""Helpers for the AppTest page tests (tests/test_pages.py, tests/test_partnership_page.py).

- `open_app()` runs dashboard.py (the real entry point, with its navigation and sidebar).
- `media` (a fixture) records the files the app serves, so `download(at, media, key)` returns what
  a download button would really give the user (AppTest shows only the button's URL).
- `page_strings(at)` collects every piece of text in the rendered element tree: titles, markdown,
  captions, metrics, alerts, tab and expander labels, every cell and header of every table, and
  every string inside every plotly figure (hover text, axis labels, legend). `find_names` looks
  for names in them, as whole words, ignoring case.

Each chart card builds only its open tab (Chart or Data). `show_tab(at, "Data")` opens every card's
Data tab the way a user does (the tab's state, then a rerun); `table_with` and `download` do that
themselves when the table or button they look for is in a closed Data tab, and `charts` goes back
to the Chart tabs. `page_strings` reads both tabs of every card.
"""
from __future__ import annotations

import html
from html.parser import HTMLParser
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import streamlit.testing.v1.app_test as app_test_module
from google.protobuf import text_format
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard.py")


def open_app(page: str | None = None) -> AppTest:
    """The app after its first run, optionally switched to `page` (e.g. "views/criteria.py")."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    if page:
        go(at, page)
    return at


def go(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def choose(at: AppTest, key: str, value) -> AppTest:
    """Pick `value` in the sidebar selectbox `key` ("cycle", "partnership", "peer")."""
    at.sidebar.selectbox(key=key).select(value).run()
    assert not at.exception, at.exception
    return at


def hide_names(at: AppTest, on: bool = True) -> AppTest:
    at.sidebar.toggle(key="hide").set_value(on).run()
    assert not at.exception, at.exception
    return at


# ------------------------------------------------------------------------------ what is shown

def card_tabs(at: AppTest) -> dict[str, str]:
    """{tab widget key: open tab} for every chart card on the page."""
    return {k: v for k, v in at.session_state.items() if str(k).startswith("tabs-")}


def show_tab(at: AppTest, label: str) -> AppTest:
    """Open `label` ("Chart" or "Data") in every chart card, then rerun (if anything changed)."""
    tabs = card_tabs(at)
    if any(v != label for v in tabs.values()):
        for key in tabs:
            at.session_state[key] = label
        at.run()
        assert not at.exception, at.exception
    return at

def shown_text(value) -> str:
    """What a person reads of a markdown element: the HTML blocks that `ui.text` and friends write
    (`literal.for_page`) without their tags and entities, code spans without their backticks."""
    s = re.sub(r"<br>", "\n", str(value))
    s = re.sub(r"(`+) ?(.*?) ?\1", r"\2", s)  # a code span (views/data.py `_md`) shows its text as written
    return html.unescape(re.sub(r"<[^>]+>", "", s))


def texts(elements) -> list[str]:
    return [shown_text(e.value) for e in elements]


def title(at: AppTest) -> str:
    """The page's title (its h1, written by `ui.title`), as a person reads it."""
    for e in at.main.markdown:
        if str(e.value).startswith("<h1>"):
            return shown_text(e.value)
    return at.title[0].value if len(at.title) else ""


def text(elements) -> str:
    return "\n".join(texts(elements))


def footer(at: AppTest) -> str:
    return shown_text(at.main.caption[-1].value)


def table_with(at: AppTest, *columns: str) -> pd.DataFrame:
    """The one table on the page that has all of `columns` (AppTest does not expose a table's key),
    opening the cards' Data tabs if it is not on the page as it stands."""
    found = [d.value for d in at.main.dataframe if all(c in d.value.columns for c in columns)]
    if not found and card_tabs(at):
        show_tab(at, "Data")
        found = [d.value for d in at.main.dataframe if all(c in d.value.columns for c in columns)]
    assert len(found) == 1, f"{len(found)} tables with {columns}: {[list(d.value.columns) for d in at.main.dataframe]}"
    return found[0]


class _TableParser(HTMLParser):
    """The cells of the tables `ui.table` writes, as a person reads them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def html_tables(at: AppTest) -> list[pd.DataFrame]:
    """Every table `ui.table` drew on the page (an HTML table in a markdown element), its cells as
    shown; a column of whole numbers reads as numbers."""
    out = []
    for e in at.main.markdown:
        if 'class="csp-literal-table"' in str(e.value):
            parser = _TableParser()
            parser.feed(str(e.value))
            frame = pd.DataFrame(parser.rows[1:], columns=parser.rows[0])
            for column in frame.columns:
                if len(frame) and frame[column].str.fullmatch(r"-?\d+").all():
                    frame[column] = frame[column].astype(int)
            out.append(frame)
    return out


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.main.metric}


def charts(at: AppTest) -> list:
    """The page's charts, with every card's Chart tab open: the app's own chart elements
    (`ui.plotly_chart`), and any st.plotly_chart (its fallback)."""
    show_tab(at, "Chart")
    return [c for c in at.get("bidi_component") if c.proto.component_name == "csp_chart"] + list(at.get("plotly_chart"))


def chart_spec(chart) -> dict:
    """A chart's plotly figure, as sent to the browser."""
    if chart.type == "plotly_chart":
        return json.loads(chart.proto.spec)
    return json.loads(json.loads(chart.proto.json)["spec"])


def chart_alt(chart) -> str:
    """A chart's accessible name (its summary sentence)."""
    return chart.proto.alt if chart.type == "plotly_chart" else json.loads(chart.proto.json)["alt"]


def chart_specs(at: AppTest) -> list[dict]:
    return [chart_spec(c) for c in charts(at)]


# ------------------------------------------------------------------------------ downloads

@pytest.fixture
def media(monkeypatch) -> list[MemoryMediaFileStorage]:
    """Every media store AppTest creates (one per run); the last one holds the latest run's files."""
    stores: list[MemoryMediaFileStorage] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stores.append(self)

    class Manager(MediaFileManager):                 # runs a button's deferred callable, as a click does
        def __init__(self, storage):
            super().__init__(storage)
            storage.manager = self

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Recording)
    monkeypatch.setattr(app_test_module, "MediaFileManager", Manager)
    return stores


def download_keys(at: AppTest) -> list[str]:
    return [b.key for b in at.get("download_button")]


def download(at: AppTest, media: list, key: str):
    """(file name, mime type, bytes) that the download button `key` serves after the latest run."""
    buttons = [b for b in at.get("download_button") if b.key == key]
    if not buttons and card_tabs(at):
        show_tab(at, "Data")
        buttons = [b for b in at.get("download_button") if b.key == key]
    assert buttons, f"no download button {key!r} in {download_keys(at)}"
    proto = buttons[0].proto
    url = proto.url
    if proto.HasField("deferred_file_id"):             # data given as a callable: built on the click
        url = media[-1].manager.execute_deferred(proto.deferred_file_id)
    served = media[-1].get_file(url.rsplit("/", 1)[-1])
    return served.filename, served.mimetype, served.content


def csv_frame(data: bytes) -> pd.DataFrame:
    """A downloaded CSV read back (it starts with a byte-order mark for Excel); every cell as text."""
    assert data.startswith(b"\xef\xbb\xbf"), data[:20]
    import io

    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A displayed table with every cell as the text a CSV would hold (missing -> "")."""
    out = frame.copy()
    for column in out.columns:
        out[column] = [("" if pd.isna(v) else str(v)) for v in out[column]]
    out.columns = [str(c) for c in out.columns]
    return out.reset_index(drop=True)


# ------------------------------------------------------------------------------ every string

def _json_strings(value, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            out.append(str(k))
            _json_strings(v, out)
    elif isinstance(value, list):
        for v in value:
            _json_strings(v, out)


def _clean(s: str) -> str:
    """Markup and entities out, so a name split by <br> or written as &amp; is still found."""
    s = re.sub(r"<[^>]*>", " ", s)
    return html.unescape(s)


def page_strings(at: AppTest, *, sidebar: bool = True) -> list[tuple[str, str]]:
    """(element type, text) for every element of the main area (and the sidebar), every table cell
    and header, and every string in every chart's figure. The sidebar's partnership selectbox gives
    only its chosen value: its option list necessarily names every partnership. Both tabs of every
    chart card are read (the page is rerun with the other tab open, then put back)."""
    before = card_tabs(at)
    out = _strings(at, sidebar)
    if before:
        show_tab(at, "Data" if "Chart" in before.values() else "Chart")
        out += _strings(at, sidebar)
        for key, label in before.items():
            at.session_state[key] = label
        at.run()
    return out


def _strings(at: AppTest, sidebar: bool) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    roots = [at.main] + ([at.sidebar] if sidebar else [])
    for root in roots:
        for node in root:
            if isinstance(node, Block):
                proto = getattr(node, "proto", None)
                if proto is not None:
                    out.append(("block:" + node.type, text_format.MessageToString(proto, as_utf8=True)))
                continue
            kind = node.type
            if kind == "dataframe":
                frame = node.value
                out.append(("table header", " | ".join(map(str, frame.columns))))
                out.append(("table index", " | ".join(map(str, frame.index))))
                for row in frame.astype(str).itertuples(index=False):
                    out.append(("table", " | ".join(row)))
            elif kind == "plotly_chart" or (kind == "bidi_component" and node.proto.component_name == "csp_chart"):
                found: list[str] = []
                _json_strings(chart_spec(node), found)
                out.extend(("chart", s) for s in found)
                out.append(("chart alt", chart_alt(node)))
            elif kind == "selectbox" and node.key == "partnership":
                out.append(("partnership selectbox", str(node.value)))
            else:
                out.append((kind, text_format.MessageToString(node.proto, as_utf8=True)))
    return [(k, _clean(s)) for k, s in out]


def name_pattern(names) -> re.Pattern:
    names = sorted({n for n in names if n}, key=len, reverse=True)
    # whole words between anything but letters: a name between underscores or digits ("tayside_2023.pdf") counts
    return re.compile("|".join(r"(?<![^\W\d_])" + r"[\s_]+".join(map(re.escape, n.split())) + r"(?![^\W\d_])"
                               for n in names),
                      flags=re.IGNORECASE)


def find_names(strings, names) -> list[tuple[str, str, str]]:
    """(where, name found, context) for every whole-word occurrence of any of `names`."""
    pattern = name_pattern(names)
    hits = []
    for where, s in strings:
        for m in pattern.finditer(s):
            hits.append((where, m.group(0), s[max(0, m.start() - 60): m.end() + 30]))
    return hits


def document_text(data: bytes) -> str:
    """An HTML download as text: tags out, entities decoded (and the raw markup kept as well)."""
    raw = data.decode("utf-8")
    return raw + "\n" + _clean(raw)


SPREADSHEETS = {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "application/vnd.oasis.opendocument.spreadsheet"}


def zip_text(data: bytes) -> str:
    """A spreadsheet download (.xlsx, .ods: a zip) as text: every part's name and XML (cells, sheet
    names, document properties, styles), raw and with tags out and entities decoded."""
    import io
    import zipfile

    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            raw = zf.read(name).decode("utf-8", "replace")
            out += [name, raw, _clean(raw)]
    return "\n".join(out)


def everything(at: AppTest, media) -> tuple[list, str]:
    """Every string on the page (`page_strings`), and the file name and text of every download (the
    cards' CSVs, opened in their Data tabs, the HTML report, the data as spreadsheets, every part of
    them): what a name search must not find."""
    strings = page_strings(at)
    show_tab(at, "Data")
    files = []
    for key in download_keys(at):
        name, mime, data = download(at, media, key)
        text = (document_text(data) if mime == "text/html" else zip_text(data) if mime in SPREADSHEETS
                else data.decode("utf-8-sig"))
        files.append(name + "\n" + text)
    return strings, "\n".join(files)


def names_and_aliases(review, keep: str) -> list[str]:
    """Every other partnership's name and alias, straight from the Partnerships sheet's columns."""
    out = []
    for name, aliases in zip(review.partnerships["partnership"], review.partnerships["aliases"]):
        if name == keep:
            continue
        out.append(name)
        out.extend(a.strip() for a in str(aliases or "").split(";") if a.strip())
    return out
