"""Every page in a real browser, on the shipped sample: it draws, says what it is, says the data is
illustrative, shows no exception, fits a 320 px screen, and keeps the sidebar's choices in the URL.

Screenshots of every page at phone (390 px), desktop (1400 px) and 320 px width go to
artifacts/screenshots/ (a test artefact, never committed): look at them.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from conftest import ROOT, open_page, screenshot, wait_charts, wait_idle

# (path, name for screenshots, words the page title must contain, minimum number of charts)
PAGES = [
    ("/", "overview", "overview", 2),
    ("/criteria", "criteria", "Criteria coverage", 3),
    ("/timeline", "timeline", "When plans were received", 2),
    ("/partnership?partnership=Fife", "partnership", "Fife", 2),
    ("/themes", "themes", "The 2019 review's key themes", 1),
    ("/definitions", "definitions", "Definitions", 0),
    ("/data", "data", "Data: upload and publish", 0),
    ("/accessibility", "accessibility", "Accessibility statement", 0),
]
# Pages whose title names the cycle shown.
CYCLE_IN_TITLE = {"overview", "criteria", "timeline", "partnership"}
ILLUSTRATIVE = "Illustrative sample data"
OTHER_CYCLE = "2020-2023"

# Marks plotly draws for data: bar segments, scatter points and text points, heatmap images.
MARKS = """el => {
    const bars = [...el.querySelectorAll('.barlayer .point path')]
        .filter(p => { const b = p.getBBox(); return b.width > 0 && b.height > 0; }).length;
    return {
        bars,
        points: el.querySelectorAll('.scatterlayer .point').length,
        text: el.querySelectorAll('.scatterlayer .textpoint').length,
        lines: el.querySelectorAll('.scatterlayer .js-line').length,
        heatmaps: el.querySelectorAll('.heatmaplayer image, .hm image').length,
    };
}"""


@lru_cache(maxsize=1)
def default_cycle() -> str:
    from analysis.national import default_cycle as pick
    from loaders import read_workbook

    return pick(read_workbook((ROOT / "data" / "sample-review.xlsx").read_bytes()))


def title(page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text()


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def check_page(page, name: str, words: str, charts: int) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, f"{name}: an exception shows"
    heading = title(page)
    assert words in heading, f"{name}: title {heading!r} lacks {words!r}"
    if name in CYCLE_IN_TITLE:
        assert default_cycle() in heading, f"{name}: title {heading!r} does not name the cycle"
    banner = page.locator('[data-testid="stMain"] [data-testid="stAlert"]', has_text=ILLUSTRATIVE)
    assert banner.count() == 1 and banner.first.is_visible(), f"{name}: no illustrative-sample banner"
    plots = page.locator(".csp-chart")   # the app's chart element (ui.plotly_chart)
    assert plots.count() >= charts, f"{name}: {plots.count()} charts, expected at least {charts}"
    for i in range(plots.count()):
        # the chart's text alternative: a figure named by the card's plain-English summary
        assert plots.nth(i).get_attribute("role") == "figure", f"{name}: chart {i} is not a figure"
        assert (plots.nth(i).get_attribute("aria-label") or "").strip(), f"{name}: chart {i} has no summary"
        plot = plots.nth(i)
        assert plot.locator(".main-svg").count() > 0, f"{name}: chart {i} has no SVG"
        marks = plot.evaluate(MARKS)
        assert sum(marks.values()) > 0, f"{name}: chart {i} draws no data ({marks})"


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("path,name,words,charts", PAGES, ids=[p[1] for p in PAGES])
def test_page(shown_page, path, name, words, charts, size):
    page = shown_page(path, size)
    check_page(page, name, words, charts)
    screenshot(page, f"{name}-{size}")


@pytest.mark.parametrize("path,name,words,charts", PAGES, ids=[p[1] for p in PAGES])
def test_page_fits_320px_without_horizontal_scrolling(shown_page, path, name, words, charts):
    """WCAG 1.4.10 Reflow: at 320 CSS px nothing needs scrolling sideways (tables scroll inside
    themselves, which 1.4.10 allows, so only the page and the main area are measured)."""
    page = shown_page(path, "narrow")
    check_page(page, name, words, charts)
    widths = page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        return {inner: window.innerWidth, doc: document.documentElement.scrollWidth,
                body: document.body.scrollWidth, main: main.scrollWidth, mainClient: main.clientWidth};
    }""")
    assert widths["doc"] <= widths["inner"] + 1, f"{name}: page scrolls sideways at 320 px: {widths}"
    assert widths["body"] <= widths["inner"] + 1, f"{name}: body scrolls sideways at 320 px: {widths}"
    assert widths["main"] <= widths["mainClient"] + 1, f"{name}: main area scrolls sideways at 320 px: {widths}"
    for right in page.locator(".csp-chart .main-svg").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().right)"):
        assert right <= widths["inner"] + 1, f"{name}: a chart runs off the screen at 320 px"
    screenshot(page, f"{name}-320")


def test_wide_screen(shown_page):
    """At 1920 px the charts stretch to the column and still draw."""
    page = shown_page("/criteria", "wide")
    check_page(page, "criteria", "Criteria coverage", 3)
    screenshot(page, "criteria-1920")


def test_cycle_from_the_url_survives_navigation(page, sample_app):
    open_page(page, f"{sample_app.url}/?cycle={OTHER_CYCLE}")
    assert OTHER_CYCLE in title(page)
    page.locator('[data-testid="stSidebarNav"] a', has_text="Criteria coverage").click()
    page.wait_for_url(re.compile(r"/criteria"))
    wait_idle(page)
    wait_charts(page)
    assert query(page).get("cycle") == [OTHER_CYCLE], page.url
    assert title(page) == f"Criteria coverage, {OTHER_CYCLE}"
    page.locator('[data-testid="stSidebarNav"] a', has_text="Submission timeline").click()
    page.wait_for_url(re.compile(r"/timeline"))
    wait_idle(page)
    assert query(page).get("cycle") == [OTHER_CYCLE], page.url
    assert OTHER_CYCLE in title(page)


def test_overview_by_its_name_opens_the_overview_with_the_links_choices(page, sample_app):
    """/overview is what people type or share for the first page; Streamlit serves that page at / only
    (and said "Page not found" here before)."""
    page.goto(f"{sample_app.url}/overview?cycle={OTHER_CYCLE}")
    page.wait_for_url(re.compile(r"^[^?]*://[^/]+/\?"), timeout=60000)   # the switch to / has happened
    # then that page's run: its charts exist and are drawn (the redirecting run draws none)
    page.wait_for_selector(".csp-chart .main-svg", timeout=60000)
    wait_idle(page)
    wait_charts(page)
    assert urlparse(page.url).path == "/", page.url
    assert query(page).get("cycle") == [OTHER_CYCLE], page.url
    assert page.get_by_text("Page not found").count() == 0
    check_page(page, "overview by name", "overview", 2)
    assert OTHER_CYCLE in title(page)


def test_choosing_a_cycle_in_the_sidebar_updates_the_url(page, sample_app):
    open_page(page, sample_app.url + "/criteria")
    assert default_cycle() in title(page)
    page.locator('[data-testid="stSidebar"] input[aria-label="Planning cycle"]').click()
    page.get_by_role("option", name=OTHER_CYCLE, exact=True).click()
    page.wait_for_function(f"() => location.search.includes('cycle={OTHER_CYCLE}')", timeout=10000)
    wait_idle(page)
    assert query(page).get("cycle") == [OTHER_CYCLE], page.url
    assert title(page) == f"Criteria coverage, {OTHER_CYCLE}"


def test_the_partnership_report_downloads_when_its_button_is_pressed(page, sample_app):
    """The report is built on the press (the button holds a callable), so the server must answer the
    press with the file: a self-contained HTML page about the partnership and cycle shown."""
    open_page(page, f"{sample_app.url}/partnership?partnership=Fife&cycle={OTHER_CYCLE}")
    assert title(page) == f"Fife, {OTHER_CYCLE}"
    button = page.get_by_role("button", name="Download the report (HTML)")
    with page.expect_download(timeout=20000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == f"Fife-{OTHER_CYCLE}-report.html"
    html = Path(download.path()).read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "Fife" in html and OTHER_CYCLE in html and "illustrative" in html.lower()


def _pick_partnership(page, name: str) -> None:
    box = page.locator('[data-testid="stSidebar"] input[aria-label="Your partnership"]')
    box.click()
    box.fill(name)
    page.get_by_role("option", name=name, exact=True).click()


def test_a_chart_is_updated_in_place_when_the_partnership_changes(page, sample_app):
    """The app's chart element redraws a changed chart with Plotly.react on the chart already drawn
    (charts/browser.py): its SVG stays the same element and shows the new partnership, where
    st.plotly_chart mounted a new chart and built it from scratch."""
    open_page(page, f"{sample_app.url}/partnership?partnership=Fife")
    chart = page.locator(".csp-chart").first
    assert "Fife" in chart.inner_text()
    chart.locator(".main-svg").first.evaluate("svg => { svg.dataset.before = 'yes'; }")
    _pick_partnership(page, "Clackmannanshire")
    page.wait_for_function("() => document.querySelector('[data-testid=\"stMain\"] h1')"
                           ".textContent.includes('Clackmannanshire')", timeout=30000)
    wait_idle(page)
    page.wait_for_function("() => document.querySelector('.csp-chart').textContent.includes('Clackmannanshire')",
                           timeout=30000)
    assert chart.locator(".main-svg").first.get_attribute("data-before") == "yes", "the chart was built anew"
    assert "Fife" not in chart.inner_text()
    assert sum(chart.evaluate(MARKS).values()) > 0


def test_a_chart_follows_its_columns_width_when_the_sidebar_closes(page, sample_app):
    """Nothing but the container changes width when the sidebar is closed (the window does not), and
    the charts still fill it: the element watches its own width."""
    open_page(page, sample_app.url + "/criteria")
    chart = page.locator(".csp-chart").first
    svg_width = "c => c.querySelector('.main-svg').getBoundingClientRect().width"
    before = chart.evaluate(svg_width)
    page.locator('[data-testid="stSidebar"]').hover()   # the close button shows on hover
    page.locator('[data-testid="stSidebarCollapseButton"] button').click()
    page.wait_for_function(f"before => ({svg_width})(document.querySelector('.csp-chart')) > before + 100",
                           arg=before, timeout=10000)
    after = chart.evaluate(svg_width)
    assert abs(after - chart.evaluate("c => c.getBoundingClientRect().width")) < 2, (before, after)
