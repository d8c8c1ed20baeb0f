"""Workbook text is shown exactly as written, in a real browser: a workbook whose every text field
carries Markdown, HTML, link, shortcode and typography syntax, on every page. The DOM shows each
piece as written (page text and chart text), and no link, image or formatting comes from it: every
<a> on the page is the app's own.
"""
from __future__ import annotations

import re
from urllib.parse import quote, urlparse

import pytest

from builders import make_sheets, workbook_bytes
from conftest import App, open_page, screenshot

EVIL = "evil.example"
# Partnership names (unique, and different after the reader's normalising of spaces and "&")
PARTNERSHIPS = ["**Bold** & Co", "[Guidance](https://evil.example/p)", "<b>Tag</b><img src=x onerror=alert(1)>",
                ":material/home: :streamlit: :red[Red]", "Arrows -> and -- www.evil.example"]
# Criterion names, questions and groups; themes and findings; sources; About text
CRITERIA = {"1": ("[Guidance](https://evil.example/c)", "Is it *really* <i>there</i>? mail@evil.example"),
            "2": ("`code` and $x^2$ and ~~gone~~", "# Not a heading"),
            "3": ("100%{x} of <script>alert(2)</script>", "> not a quote | a | b |")}
THEME = ("![img](https://evil.example/i.png) theme", "Finding with [a link](http://evil.example/f) & <u>under</u>")
SOURCE = "Source: <a href='https://evil.example/s'>report</a> https://evil.example/raw"
ABOUT = "About: **bold** _it_ https://evil.example/about :smile:"
CYCLES = ["2020-2023", "2023-2026"]


def hostile_sheets() -> dict:
    sheets = make_sheets(partnerships=PARTNERSHIPS, criteria=list(CRITERIA),
                         peer_groups={p: "[Group](https://evil.example/g)" for p in PARTNERSHIPS},
                         themes=[[THEME[0], THEME[1], "some", "1"]],
                         national=[["2023-2026", "1", 2, 2, 1, SOURCE]])
    for row in sheets["Criteria"][1:]:
        row[1], row[2] = CRITERIA[row[0]]
        row[3] = "**Group** <em>x</em>"
    sheets["About"] = [[ABOUT]]
    return sheets


def squash(text: str) -> str:
    """Text without white space: charts wrap long labels into lines (tspans)."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "**report** [x](https:__evil.example).xlsx"
    workbook_bytes(hostile_sheets(), path)
    app = App({"CSP_WORKBOOK": str(path), "CSP_STORE": str(folder / "store")})
    yield app
    app.stop()


# what each page must show, as written (beyond the footer's file name, on every page)
CRITERION_NAMES = [name for name, _ in CRITERIA.values()]
PAGES = [
    ("/", CRITERION_NAMES),
    ("/criteria", CRITERION_NAMES + PARTNERSHIPS),
    ("/timeline", PARTNERSHIPS),
    ("/partnership?partnership=" + quote(PARTNERSHIPS[1]), [PARTNERSHIPS[1]] + CRITERION_NAMES),
    ("/partnership?partnership=" + quote(PARTNERSHIPS[2]), [PARTNERSHIPS[2]]),
    ("/themes", list(THEME) + [CRITERION_NAMES[0]]),
    ("/definitions", [ABOUT]),
]

PAGE_STATE = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const anchors = [...document.querySelectorAll('a')].map(a => ({
        href: a.getAttribute('href') || a.getAttribute('xlink:href') || '', text: a.textContent}));
    const images = [...document.querySelectorAll('img')].map(i => i.getAttribute('src') || '');
    const charts = [...document.querySelectorAll('.csp-chart svg')].map(s => s.textContent).join('\\n');
    const strong = [...main.querySelectorAll('strong, b, em, i, u, code, del, s, blockquote h1, table')]
        .map(e => e.textContent);
    return {text: main.innerText, anchors, images, charts, strong,
            scripts: document.querySelectorAll('script:not([src])').length};
}"""


@pytest.mark.parametrize("path,expected", PAGES, ids=[p for p, _ in PAGES])
def test_workbook_text_is_shown_exactly_as_written(browser, hostile_app, path, expected):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        open_page(page, hostile_app.url + path)
        for expander in page.locator('[data-testid="stExpander"] summary').all():
            expander.click()  # the About note is in one
        page.wait_for_timeout(300)
        # Tables are drawn on a canvas, as data; the page's text and its charts' text are read here.
        state = page.evaluate(PAGE_STATE)
        name = "literal-" + (re.sub(r"\W+", "-", path).strip("-") or "overview")[:40]
        screenshot(page, name)
    finally:
        context.close()
    assert not dialogs, dialogs  # no script from the workbook ran
    shown = squash(state["text"]) + squash(state["charts"])
    for text in expected:
        assert squash(text) in shown, (path, text)
    assert squash("**report** [x](https:__evil.example).xlsx") in squash(state["text"]), "the footer's file name"
    # no link, image or formatting from workbook text
    for a in state["anchors"]:
        assert EVIL not in a["href"] and EVIL not in a["text"], a
        host = urlparse(a["href"]).netloc
        assert host in ("", urlparse(hostile_app.url).netloc), a  # the app's own links only
    assert not [src for src in state["images"] if EVIL in src or src == "x"], state["images"]
    for piece in state["strong"]:  # the app's own bold words may be there; never the workbook's
        for text in ["Bold", "Tag", "really", "there", "code", "gone", "under", "Group", "x"]:
            assert squash(piece) != text, (path, piece)


NOTE = "[note](https://evil.example/n) **bold** www.evil.example mail@evil.example :material/home: -> <b>x</b>"
WHO = "ana@evil.example"
FILENAME = "[f](https:__evil.example).xlsx"
BAD_NAME = "[P](https://evil.example/p) www.evil.example"


def test_the_data_pages_tables_show_notes_names_and_problems_as_written(browser, tmp_path):
    """The version history (who, file, note: typed by analysts) and the list of a workbook's problems
    (which quote its cells) are plain tables whose text is never Markdown: no link, no bold, no icon."""
    from store import Store
    Store(tmp_path / "store").publish(workbook_bytes(make_sheets()), FILENAME, WHO, NOTE)
    sheets = make_sheets()
    sheets["Scores"][3][0] = BAD_NAME          # Excel row 4: not a partnership
    bad = tmp_path / "bad.xlsx"
    workbook_bytes(sheets, bad)
    app = App({"CSP_STORE": str(tmp_path / "store")})
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        open_page(page, app.url + "/data", wait_for_chart=False)
        page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', str(bad))
        page.wait_for_function("() => document.querySelectorAll('table.csp-literal-table').length >= 2",
                               timeout=60000)
        tables = page.locator("table.csp-literal-table")
        cells = [[c.inner_text() for c in row.locator("td").all()] for t in tables.all()
                 for row in t.locator("tbody tr").all()]
        inside = page.evaluate("""() => [...document.querySelectorAll('table.csp-literal-table')].map(t =>
            t.querySelectorAll('a, strong, b, em, img, [data-testid="stIconMaterial"], span.material-symbols-rounded')
             .length)""")
        screenshot(page, "literal-data-tables")
    finally:
        context.close()
        app.stop()
    problems = [row for row in cells if any("is not a partnership" in c for c in row)]
    assert problems and any(f"'{BAD_NAME}' is not a partnership" in c for c in problems[0]), problems
    history = [row for row in cells if WHO in row]
    assert history and NOTE in history[0] and FILENAME in history[0], history
    assert inside == [0] * len(inside), inside  # no link, formatting or icon made from the text
