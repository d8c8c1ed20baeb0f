"""The chart element's own tools in a real browser (charts/browser.py), and the partnership report
as Chromium prints it.

- Nothing on a chart page can send a chart or its data to a third party: no plotly modebar (its
  "Edit in Chart Studio" sent the chart to plotly's cloud), no plotly logo, no link off the app.
- "Download PNG" saves the whole chart with its title, summary, the page's source line and the
  illustrative-data caveat, under the name the card gives its data (criteria-coverage-2023-2026.png).
- "Full screen" is reached with Tab, shows the chart large, and Escape leaves it.
- On a phone (390 px) no control lies over a chart (legends, tiles): the tools sit above it.
- The printed report: the counts in its bars are at least 9pt on paper, and its last page is never
  a lone definition.

Screenshots go to artifacts/screenshots/chart-tools-*.png: look at them.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
from PIL import Image

from conftest import ROOT, open_page, screenshot

CHART_PAGES = ["/", "/criteria", "/timeline", "/partnership?partnership=Fife", "/themes"]
SAMPLE = ROOT / "data" / "sample-review.xlsx"


@lru_cache(maxsize=1)
def sample():
    from loaders import read_workbook

    return read_workbook(SAMPLE.read_bytes())


def default_cycle() -> str:
    from analysis.national import default_cycle as pick

    return pick(sample())


def hover_charts(page) -> None:
    """Point at every chart (a tap on a phone is the same): plotly shows its modebar on hover."""
    charts = page.locator(".csp-chart")
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + min(box["height"] / 2, 200))
        page.wait_for_timeout(150)


OFFSITE = """() => {
    const here = location.origin;
    const links = [...document.querySelectorAll('a[href], area[href], form[action]')]
        .map(a => a.href || a.action).filter(h => h && !h.startsWith(here + '/') && h !== here);
    const buttons = [...document.querySelectorAll('.modebar-btn, .modebar a, .js-plotly-plot a')]
        .map(b => (b.getAttribute('data-title') || b.textContent || '') + ' ' + (b.getAttribute('href') || ''));
    const configs = [...document.querySelectorAll('.csp-chart')].map(el => {
        const c = el._context || {};
        return {sendToCloud: c.showSendToCloud, logo: c.displaylogo, modebar: c.displayModeBar};
    });
    return {links, buttons, configs};
}"""


@pytest.mark.parametrize("path", CHART_PAGES)
def test_no_control_sends_a_chart_or_its_data_elsewhere(shown_page, path):
    """Issue 17, item 5: plotly's modebar offered "Edit in Chart Studio" (a form posting the chart to
    plotly's cloud) and its logo linked to plotly.com. No such control, and no link off the app."""
    page = shown_page(path, "desktop")
    hover_charts(page)
    found = page.evaluate(OFFSITE)
    assert found["configs"], f"{path}: no chart drawn"
    assert found["buttons"] == [], f"{path}: plotly controls on the charts: {found['buttons']}"
    assert found["links"] == [], f"{path}: links off the app: {found['links']}"
    for config in found["configs"]:
        assert config == {"sendToCloud": False, "logo": False, "modebar": False}, (path, config)


def _dark(pixels, box) -> int:
    """How many pixels in `box` (left, top, right, bottom) are not near-white."""
    left, top, right, bottom = box
    return sum(1 for x in range(left, right) for y in range(top, bottom) if min(pixels[x, y][:3]) < 200)


def test_a_chart_downloads_whole_as_a_png_with_its_title_source_and_caveat(page, sample_app):
    from loaders.model import ILLUSTRATIVE_NOTE

    open_page(page, sample_app.url + "/criteria")
    card = page.locator(".st-key-card-criteria-coverage")
    chart = card.locator(".csp-chart")
    button = card.get_by_role("button", name=re.compile(r"^Download PNG"))
    with page.expect_download(timeout=30000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == f"criteria-coverage-{default_cycle()}.png"

    drawn = chart.evaluate("el => el.cspLastPng")
    title = card.locator("h2").first.inner_text().strip()
    summary = chart.get_attribute("aria-label")
    source = page.locator('[data-testid="stMain"]').get_by_text(re.compile(r"^Data: ")).last.inner_text().strip()
    text = " ".join(drawn["lines"])
    assert text.startswith(f"{title} {summary} ")                 # title, then the card's summary
    assert source in text                                         # the footer's source line
    assert sample().illustrative and text.endswith(ILLUSTRATIVE_NOTE)   # the caveat: the sample is illustrative

    image = Image.open(download.path()).convert("RGB")
    assert image.size == (drawn["width"], drawn["height"])
    scale, top = drawn["scale"], round(drawn["chartTop"] * drawn["scale"])
    width, height = drawn["chartWidth"] * scale, drawn["chartHeight"] * scale
    assert width == image.width and image.height > top + height + 40 * scale   # room below for source and caveat
    px = image.load()
    assert _dark(px, (0, 0, image.width, top)) > 2000                 # title and summary are drawn above
    assert _dark(px, (0, top + height, image.width, image.height)) > 2000   # source and caveat below
    assert _dark(px, (0, top, image.width, top + height)) > 100000    # the chart itself
    # whole: nothing of the chart runs into its left or right edge (an axis label cut off)
    edge = 8 * scale
    assert _dark(px, (0, top, edge, top + height)) == 0, "the chart touches its left edge: clipped"
    assert _dark(px, (width - edge, top, width, top + height)) == 0, "the chart touches its right edge: clipped"


def test_every_chart_downloads_under_its_own_name(page, sample_app):
    open_page(page, sample_app.url + "/partnership?partnership=Highland&peer=Cities")
    names = []
    buttons = page.get_by_role("button", name=re.compile(r"^Download PNG"))
    assert buttons.count() == page.locator(".csp-chart").count() == 2
    for i in range(buttons.count()):
        with page.expect_download(timeout=30000) as info:
            buttons.nth(i).click()
        names.append(info.value.suggested_filename)
    cycle = default_cycle()
    assert names == [f"standing-{cycle}.png", f"change-{cycle}.png"]


def test_full_screen_from_the_keyboard_and_escape_to_leave(page, sample_app):
    open_page(page, sample_app.url + "/criteria")
    card = page.locator(".st-key-card-criteria-coverage")
    card.get_by_role("tab", name="Chart").focus()
    for _ in range(12):        # Tab from the card's tabs reaches its tools
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('csp-full-open')"):
            break
    else:
        raise AssertionError("the Full screen button is not reached with Tab from the card's tabs")
    button = card.locator(".csp-full-open")
    assert button.evaluate("b => b === document.activeElement")
    assert button.get_attribute("aria-label").startswith("Full screen")
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.csp-full[open]")
    dialog.locator(".main-svg").first.wait_for(timeout=30000)
    viewport = page.viewport_size
    size = dialog.locator(".main-svg").first.bounding_box()
    assert size["width"] > 0.85 * viewport["width"] and size["height"] > 0.7 * viewport["height"], size
    assert dialog.get_by_role("heading").inner_text() == card.locator("h2").first.inner_text()
    assert page.evaluate("() => !!document.activeElement.closest('dialog.csp-full')")   # focus moved into it
    screenshot(page, "chart-tools-full-screen-1400")

    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('dialog.csp-full[open]')", timeout=5000)
    assert button.evaluate("b => b === document.activeElement")                     # and back to the button


TOOLS_OVER_CHARTS = """() => {
    const visible = e => {
        const s = getComputedStyle(e), r = e.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
            && parseFloat(s.opacity || '1') > 0.05
            && (!e.parentElement || parseFloat(getComputedStyle(e.parentElement).opacity || '1') > 0.05);
    };
    const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    const out = [];
    for (const chart of document.querySelectorAll('.csp-chart')) {
        const drawing = [...chart.querySelectorAll('.main-svg')].map(s => s.getBoundingClientRect());
        const card = chart.closest('[data-testid="stVerticalBlock"]') || document;
        for (const c of card.querySelectorAll('.modebar-btn, .modebar, .csp-tool, button, a')) {
            if (chart.contains(c) && !c.closest('.modebar')) continue;   // plotly's own legend items etc.
            if (!visible(c)) continue;
            const r = c.getBoundingClientRect();
            if (drawing.some(d => overlap(r, d))) out.push((c.getAttribute('data-title') || c.textContent || c.className).trim());
        }
    }
    return out;
}"""


@pytest.mark.parametrize("path,name", [("/", "overview"), ("/criteria", "criteria"),
                                        ("/partnership?partnership=Fife", "partnership")])
def test_on_a_phone_no_control_covers_a_chart(sized_page, sample_app, path, name):
    """Issue 17: at 390 px plotly's modebar (shown on a tap) covered legends and map tiles. The
    tools now sit above the chart: no control overlaps any chart's drawing, even after a tap."""
    page = sized_page("phone")
    open_page(page, sample_app.url + path)
    hover_charts(page)
    assert page.locator(".csp-tool").count() >= 2
    assert page.evaluate(TOOLS_OVER_CHARTS) == []
    screenshot(page, f"chart-tools-{name}-390")


def test_chart_page_at_desktop_width(shown_page):
    page = shown_page("/criteria", "desktop")
    assert page.evaluate(TOOLS_OVER_CHARTS) == []
    screenshot(page, "chart-tools-criteria-1400")


# ====================================================================== the printed report

A4_CONTENT_PX = (297 - 30) / 25.4 * 96    # the page's height inside the report's 15 mm margins


def _report(**choices) -> str:
    from report import partnership_report_html

    return partnership_report_html(sample(), choices.pop("cycle", default_cycle()), choices.pop("partnership"),
                                   provenance="Data: the shipped sample workbook.", **choices)


def _pages(page, html: str, spacer: float = 0) -> int:
    """How many A4 pages Chromium prints `html` on, with a block `spacer` px tall added at the end."""
    if spacer:
        html = html.replace("</body>", f'<div style="height:{spacer:.0f}px;break-inside:avoid"></div></body>')
    page.set_content(html)
    pdf = page.pdf(prefer_css_page_size=True)
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


REPORTS = [dict(partnership="Highland", peer_group="Cities", show_ranks=True),
           dict(partnership="Highland"),
           dict(partnership="Fife", show_ranks=True),
           dict(partnership="Fife", cycle="2020-2023")]


@pytest.mark.parametrize("choices", REPORTS, ids=lambda c: "-".join(str(v) for v in c.values()))
def test_the_reports_last_printed_page_is_more_than_a_leftover(browser, choices):
    """The last page held a single definition (or only the footer). Measured in Chromium's own PDF:
    the tallest block that still fits on the last page is the free room there; what is printed on
    it is the rest, and it must be more than a leftover line or two (the definitions, kept whole,
    are about 300 px)."""
    html = _report(**choices)
    page = browser.new_page()
    try:
        pages = _pages(page, html)
        low, high = 0.0, A4_CONTENT_PX         # free room on the last page: at least low, less than high
        while high - low > 6:
            middle = (low + high) / 2
            low, high = (middle, high) if _pages(page, html, middle) == pages else (low, middle)
        used = A4_CONTENT_PX - low
        assert used > 200, f"{choices}: the last of {pages} pages holds only {used:.0f} px"
    finally:
        page.close()


def test_the_counts_in_the_reports_bars_print_at_9pt_or_more(browser):
    page = browser.new_page(viewport={"width": 700, "height": 1000})   # about A4's width inside its margins
    try:
        page.set_content(_report(partnership="Highland", peer_group="Cities"))
        page.emulate_media(media="print")
        sizes = page.evaluate("""() => [...document.querySelectorAll('svg.dist')].flatMap(svg => {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return [...svg.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')) * scale);
        })""")
        assert len(sizes) >= 16 * 2
        assert min(sizes) >= 12 - 0.01, f"counts printed at {min(sizes):.1f} px (9pt is 12 px)"
        # and the table still fits the page's width
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 700
    finally:
        page.close()
