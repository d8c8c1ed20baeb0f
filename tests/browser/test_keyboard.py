"""Keyboard only (WCAG 2.1.1, 2.4.3, 2.4.7): every sidebar control is reached with Tab in a sensible
order and works without a mouse; each chart's text alternative (its Data tab) opens from the keyboard."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from conftest import open_page, wait_idle

OTHER_CYCLE = "2020-2023"

FOCUSED = """() => {
    const e = document.activeElement;
    return {tag: e.tagName, role: e.getAttribute('role'), label: e.getAttribute('aria-label') || '',
            text: (e.innerText || '').trim().slice(0, 60), testid: e.getAttribute('data-testid') || '',
            inSidebar: !!e.closest('[data-testid="stSidebar"]'), inMain: !!e.closest('[data-testid="stMain"]'),
            expanded: e.getAttribute('aria-expanded'), selected: e.getAttribute('aria-selected'),
            value: e.value === undefined ? null : e.value, checked: e.checked === undefined ? null : e.checked,
            outline: getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth,
            shadow: getComputedStyle(e).boxShadow};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_until(page, predicate, limit: int = 60, key: str = "Tab") -> dict:
    """Press Tab until the focused element satisfies `predicate`; fail after `limit` presses."""
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        f = focused(page)
        seen.append(f["label"] or f["text"] or f["tag"])
        if predicate(f):
            return f
    raise AssertionError(f"not reached with {key} in {limit} presses; focus went: {seen}")


def cycle_box(f) -> bool:
    return f["role"] == "combobox" and f["label"] == "Planning cycle"


def test_tab_order_through_the_sidebar(page, sample_app):
    """Skip link, page links, then cycle, partnership, peer group, hide toggle and Go to, then the page."""
    open_page(page, sample_app.url + "/criteria")
    order = []
    for _ in range(40):
        page.keyboard.press("Tab")
        f = focused(page)
        order.append(f)
        if f["inMain"]:
            break
    names = [f["label"] or f["text"] for f in order]
    assert order[0]["testid"] == "stSkipToContent", names  # first stop: skip to the main content
    controls = [f["label"] for f in order if f["role"] in ("combobox", "switch")]
    assert controls == ["Planning cycle", "Your partnership", "Peer group", "Hide other partnerships' names",
                        "Go to"], names
    links = [f["text"] for f in order if f["testid"] == "stSidebarNavLink"]
    assert len(links) == 10 and "Criteria coverage" in links[1] and "Criterion" in links[2], links
    first_control = next(i for i, f in enumerate(order) if f["role"] == "combobox")
    last_link = max(i for i, f in enumerate(order) if f["testid"] == "stSidebarNavLink")
    assert last_link < first_control, names  # page links, then the choices
    assert order[-1]["inMain"], f"Tab never reached the page itself: {names}"


def test_skip_link_moves_focus_to_the_main_content(page, sample_app):
    open_page(page, sample_app.url + "/timeline")
    page.keyboard.press("Tab")
    assert focused(page)["testid"] == "stSkipToContent"
    page.keyboard.press("Enter")
    f = tab_until(page, lambda f: True, limit=1)
    assert f["inMain"], f


def test_change_the_cycle_with_the_keyboard_only(page, sample_app):
    open_page(page, sample_app.url + "/criteria")
    box = tab_until(page, cycle_box)
    assert box["value"] != OTHER_CYCLE
    assert box["outline"] != "none 0px" or box["shadow"] != "none", "no visible focus indicator"
    page.keyboard.press("ArrowDown")                      # open the list
    page.get_by_role("listbox").wait_for(state="visible")
    for _ in range(5):                                    # move to the other cycle
        active = page.evaluate("""() => { const id = document.activeElement.getAttribute('aria-activedescendant');
                                          return id ? document.getElementById(id).textContent.trim() : ''; }""")
        if active == OTHER_CYCLE:
            break
        page.keyboard.press("ArrowUp")
    assert active == OTHER_CYCLE
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => location.search.includes('cycle={OTHER_CYCLE}')", timeout=10000)
    wait_idle(page)
    assert parse_qs(urlparse(page.url).query).get("cycle") == [OTHER_CYCLE]
    assert page.locator('[data-testid="stMain"] h1').first.inner_text() == f"Criteria coverage, {OTHER_CYCLE}"


def test_choose_a_partnership_and_hide_names_with_the_keyboard_only(page, sample_app):
    open_page(page, sample_app.url + "/partnership", wait_for_chart=False)
    tab_until(page, lambda f: f["role"] == "combobox" and f["label"] == "Your partnership")
    page.keyboard.type("Fif")                             # type to filter the list
    page.get_by_role("option", name="Fife", exact=True).wait_for(state="visible")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('partnership=Fife')", timeout=10000)
    wait_idle(page)
    assert page.locator('[data-testid="stMain"] h1').first.inner_text().startswith("Fife")

    switch = tab_until(page, lambda f: f["role"] == "switch")
    assert switch["label"] == "Hide other partnerships' names" and switch["checked"] is False
    page.keyboard.press("Space")
    page.wait_for_function("() => location.search.includes('hide=true')", timeout=10000)
    wait_idle(page)
    assert page.get_by_role("switch", name="Hide other partnerships' names").is_checked()
    assert page.get_by_text("Other partnerships' names are hidden on this page").is_visible()


def test_data_tab_opens_with_the_keyboard(page, sample_app):
    """The chart's text alternative: Tab to the card's tabs, arrow to Data, and the table shows; the
    table and its download are then reachable with Tab."""
    open_page(page, sample_app.url + "/")
    chart = page.locator(".csp-chart").first
    assert chart.get_attribute("role") == "figure" and chart.get_attribute("aria-label"), "chart has no text alternative"
    tab = tab_until(page, lambda f: f["role"] == "tab")
    assert tab["text"] == "Chart" and tab["selected"] == "true"
    page.keyboard.press("ArrowRight")
    f = focused(page)
    if f["selected"] != "true":                           # manual activation, if the tabs use it
        page.keyboard.press("Enter")
        f = focused(page)
    assert f["role"] == "tab" and f["text"] == "Data" and f["selected"] == "true", f
    tabs = page.locator('[data-testid="stTabs"]').first
    table = tabs.locator('[data-testid="stDataFrame"]').first
    table.wait_for(state="visible")
    wait_idle(page)
    assert not tabs.locator(".csp-chart").first.is_visible()
    # the table is built by a rerun when the tab opens: the keyboard user's place is kept
    f = focused(page)
    assert f["role"] == "tab" and f["text"] == "Data" and f["selected"] == "true", f
    # Streamlit's table toolbar, then the table (a few Tab stops inside it), then the card's download
    reached = tab_until(page, lambda f: "Download this table" in f["text"], limit=30)
    assert "CSV" in reached["text"]
