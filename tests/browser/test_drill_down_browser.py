"""Drill-down in a real browser (issue 18.2): a click on a criterion's bar (Overview, Criteria), a
heatmap cell or a map tile opens the criterion's or the partnership's page, keeping the cycle chosen
first; with names hidden a heatmap cell opens its criterion, never a name; the picker under each
clickable chart does the same by keyboard. Screenshots of the clickable charts at 1400 and 390 px
go to artifacts/screenshots/."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from conftest import open_page, screenshot, wait_idle

CYCLE = "2020-2023"  # not the default: a drill-down that dropped the cycle would show 2023-2026


def h1(page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text().strip()


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def chart(page, card: str):
    return page.locator(f'.st-key-card-{card} .csp-chart').first


# Where a mark is on the page, from the drawn chart's own axes (plotly's _fullLayout), so a test clicks
# the mark itself: `what` picks the point (a criterion's bar, a heatmap cell, a map tile).
POINT = """([el, what]) => {
  const full = el._fullLayout, xa = full.xaxis, ya = full.yaxis, box = el.getBoundingClientRect();
  const data = el.cspFigure.data;
  const flat = s => String(s).replace(/<br>/g, ' ').trim();
  let x, y;
  if (what.bar) {   // the middle of a criterion's whole bar
    const cat = data[0].y.find(c => flat(c) === what.bar);
    const ends = {};
    for (const t of data.filter(t => t.type === 'bar')) t.y.forEach((c, i) => { ends[c] = (ends[c] || 0) + t.x[i]; });
    x = xa.l2p(ends[cat] / 2); y = ya.l2p(ya.d2l(cat));
  } else if (what.cell) {   // heatmap cell: [criterion ID, row index]
    const heat = data.find(t => t.type === 'heatmap');
    const row = typeof what.cell[1] === 'number' ? heat.y[what.cell[1]] : what.cell[1];
    x = xa.l2p(xa.d2l(what.cell[0])); y = ya.l2p(ya.d2l(row));
  } else if (what.tile) {   // a map tile, found by its name in the hover text
    const heat = data.filter(t => t.type === 'heatmap').pop();
    heat.hovertext.forEach((r, i) => r.forEach((t, j) => { if (t.startsWith('<b>' + what.tile + '</b>')) { y = i; x = j; } }));
    x = xa.l2p(x); y = ya.l2p(y);
  }
  return {x: box.left + xa._offset + x, y: box.top + ya._offset + y};
}"""


def click_mark(page, card: str, what: dict):
    el = chart(page, card)
    el.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    spot = page.evaluate(POINT, [el.element_handle(), what])
    page.mouse.move(spot["x"], spot["y"])
    page.wait_for_timeout(300)
    page.mouse.click(spot["x"], spot["y"])


def landed(page, path: str, title: str):
    page.wait_for_url(f"**/{path}**", timeout=30000)
    wait_idle(page)
    page.wait_for_function("t => { const h = document.querySelector('[data-testid=\"stMain\"] h1');"
                           " return h && h.textContent.trim() === t; }", arg=title, timeout=30000)
    assert h1(page) == title


@pytest.mark.parametrize("path, card", [("/", "overview-criteria"), ("/criteria", "criteria-coverage")])
def test_clicking_a_criterions_bar_opens_its_page_in_the_cycle_chosen(page, sample_app, path, card):
    open_page(page, sample_app.url + path + f"?cycle={CYCLE}")
    click_mark(page, card, {"bar": "Resources"})
    landed(page, "criterion", f"Criterion 12: Resources, {CYCLE}")
    assert query(page)["criterion"] == "12" and query(page)["cycle"] == CYCLE


def test_clicking_a_heatmap_cell_opens_the_partnership_with_the_criterion_picked_out(page, sample_app):
    open_page(page, sample_app.url + f"/criteria?cycle={CYCLE}")
    click_mark(page, "criteria-heatmap", {"cell": ["12", "Fife"]})
    landed(page, "partnership", f"Fife, {CYCLE}")
    q = query(page)
    assert q["partnership"] == "Fife" and q["criterion"] == "12" and q["cycle"] == CYCLE
    picked = page.locator(".st-key-picked-out").inner_text()
    assert "Picked out: criterion 12, Resources" in picked and f"Fife's plan: " in picked and CYCLE in picked
    # and its link opens the criterion's page, still in that cycle
    page.locator(".st-key-picked-out a").click()
    landed(page, "criterion", f"Criterion 12: Resources, {CYCLE}")


def test_with_names_hidden_a_heatmap_cell_opens_its_criterion_never_a_name(page, sample_app):
    open_page(page, sample_app.url + f"/criteria?cycle={CYCLE}&hide=true")
    click_mark(page, "criteria-heatmap", {"cell": ["12", 0]})  # the first row: a label
    landed(page, "criterion", f"Criterion 12: Resources, {CYCLE}")
    q = query(page)
    assert "partnership" not in q and q["hide"] == "true" and q["cycle"] == CYCLE
    note = page.locator(".st-key-card-criteria-heatmap").count()
    assert note == 0  # on the criterion page now


def test_clicking_a_tile_on_the_map_opens_that_partnership(page, sample_app):
    open_page(page, sample_app.url + f"/?cycle={CYCLE}")
    click_mark(page, "overview-map", {"tile": "Fife"})
    landed(page, "partnership", f"Fife, {CYCLE}")
    assert query(page)["partnership"] == "Fife" and query(page)["cycle"] == CYCLE


# Counts the app's script runs from now on (stApp's data-test-script-state turning "running").
COUNT_RUNS = """() => {
  window.cspRuns = 0;
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => { if (app.getAttribute('data-test-script-state') === 'running') window.cspRuns++; })
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def test_clickable_marks_show_the_pointer_and_the_note_says_so(page, sample_app):
    open_page(page, sample_app.url + "/criteria")  # 2023-2026: it has a change chart
    page.evaluate(COUNT_RUNS)
    el = chart(page, "criteria-coverage")
    el.scroll_into_view_if_needed()
    spot = page.evaluate(POINT, [el.element_handle(), {"bar": "Resources"}])
    page.mouse.move(spot["x"], spot["y"])
    page.wait_for_function("e => e.classList.contains('csp-pointing')", arg=el.element_handle(), timeout=10000)
    cursor = page.evaluate("([x, y]) => getComputedStyle(document.elementFromPoint(x, y)).cursor",
                           [spot["x"], spot["y"]])
    assert cursor == "pointer"
    card = page.locator(".st-key-card-criteria-coverage").inner_text()
    assert "Click or tap a bar to open that criterion's page" in card
    # a chart that opens nothing says nothing of the kind and shows no pointer
    change = page.locator(".st-key-card-criteria-change")
    assert "Click" not in change.inner_text()
    dot = change.locator(".csp-chart .scatterlayer .points path").first
    dot.scroll_into_view_if_needed()
    box = dot.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => document.querySelector('.hoverlayer .hovertext')", timeout=10000)
    assert "csp-pointing" not in (change.locator(".csp-chart").get_attribute("class") or "")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(1000)
    # hovering a clickable mark, or clicking a chart that opens nothing, runs nothing on the server
    assert page.evaluate("() => window.cspRuns") == 0
    assert "/criteria" in page.url
    screenshot(page, "drill-down-criteria-pointer-desktop")


@pytest.mark.parametrize("card, choice, path, title", [
    ("criteria-coverage", "Criterion 12: Resources", "criterion", f"Criterion 12: Resources, {CYCLE}"),
    ("criteria-heatmap", "Partnership: Fife", "partnership", f"Fife, {CYCLE}"),
])
def test_the_picker_under_a_clickable_chart_opens_the_same_pages_by_keyboard(page, sample_app, card, choice,
                                                                              path, title):
    open_page(page, sample_app.url + f"/criteria?cycle={CYCLE}")
    box = page.locator(f".st-key-card-{card} .st-key-open-{card} input")
    box.focus()
    page.keyboard.type(choice.split(": ")[1])
    page.wait_for_selector(f'[role="option"]:has-text("{choice}")', timeout=10000)
    page.keyboard.press("Enter")
    landed(page, path, title)
    assert query(page)["cycle"] == CYCLE


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_screenshots_of_the_clickable_charts(sized_page, sample_app, size):
    page = sized_page(size)
    for path, name in [("/", "overview"), ("/criteria", "criteria")]:
        open_page(page, sample_app.url + path + f"?cycle={CYCLE}")
        screenshot(page, f"drill-down-{name}-{size}")
