"""A link carries everything that shapes the view: the sidebar's choices, the cycle even when it is the
default one (a link must not change meaning when a newer cycle is published), and the page's own
options. "Copy link to this view" in the sidebar, on every page, copies such a link; opening it
shows the same view."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from conftest import open_page, wait_idle


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def test_the_address_carries_the_default_cycle(page, sample_app):
    open_page(page, sample_app.url + "/criteria")
    page.wait_for_function("() => location.search.includes('cycle=')", timeout=10000)
    assert query(page.url)["cycle"] == ["2023-2026"], page.url


def test_copy_link_carries_page_options_and_reopens_the_same_view(browser, sample_app):
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        open_page(page, sample_app.url + "/criteria?partnership=Fife")
        main = page.locator('[data-testid="stMain"]')
        main.get_by_text("Share of plans", exact=True).click()
        wait_idle(page)
        main.get_by_text("By share at the best level", exact=True).click()
        wait_idle(page)
        # the address bar follows the page's options
        page.wait_for_function("() => location.search.includes('criteria_measure=')", timeout=10000)
        assert query(page.url)["criteria_order"] == ["By share at the best level"], page.url
        # the button: a real button in the sidebar, reached by keyboard like any other
        button = page.locator('[data-testid="stSidebar"] button.csp-copy-link')
        assert button.inner_text() == "Copy link to this view"
        button.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.querySelector('.csp-copy-status').textContent.length > 0")
        assert page.locator(".csp-copy-status").inner_text().startswith("Link copied")
        link = page.evaluate("navigator.clipboard.readText()")
        got = query(link)
        assert urlparse(link).path.endswith("/criteria")
        assert got == {"cycle": ["2023-2026"], "partnership": ["Fife"], "criteria_order": ["By share at the best level"],
                       "criteria_measure": ["Share of plans"]}, link

        other = context.new_page()
        open_page(other, link)
        main = other.locator('[data-testid="stMain"]')
        assert main.get_by_role("radio", name="Share of plans").is_checked()
        assert main.get_by_role("radio", name="By share at the best level").is_checked()
        assert other.locator('[data-testid="stMain"] h1').first.inner_text() == "Criteria coverage, 2023-2026"
        assert "Share of plans" in other.locator(".csp-chart .xtitle").first.text_content()
    finally:
        context.close()


def test_copy_link_on_the_partnership_page_keeps_ranks_and_hidden_names(browser, sample_app):
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        open_page(page, sample_app.url + "/partnership?partnership=Highland&cycle=2020-2023&peer=Cities&hide=true"
                  "&show_ranks=true")
        page.locator('[data-testid="stSidebar"] button.csp-copy-link').click()
        page.wait_for_function("() => document.querySelector('.csp-copy-status').textContent.length > 0")
        got = query(page.evaluate("navigator.clipboard.readText()"))
        assert got == {"cycle": ["2020-2023"], "partnership": ["Highland"], "peer": ["Cities"], "hide": ["true"],
                       "show_ranks": ["true"]}, got
    finally:
        context.close()


def test_on_a_phone_the_control_that_opens_the_choices_says_so(sized_page, sample_app):
    page = sized_page("phone")
    open_page(page, sample_app.url + "/criteria")
    control = page.locator('[data-testid="stExpandSidebarButton"]')
    page.wait_for_function("""() => { const b = document.querySelector('[data-testid="stExpandSidebarButton"]');
                                      return b && b.getAttribute('aria-label') === 'Cycle and choices'; }""")
    shown = page.evaluate("""() => getComputedStyle(
        document.querySelector('[data-testid="stExpandSidebarButton"]'), '::after').content""")
    assert shown == '"Cycle and choices"'
    page.get_by_role("button", name="Cycle and choices").click()
    cycle = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first
    cycle.wait_for(state="visible")
    assert "Planning cycle" in cycle.inner_text()
    assert control.count() == 0 or not control.is_visible()
