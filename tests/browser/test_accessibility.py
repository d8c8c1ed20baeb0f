"""axe-core (bundled by axe-playwright-python) on every page of the sample, at desktop (1400 px) and
phone (390 px) width, plus the states a page only reaches by interaction (a chart's Data tab open, the
sidebar opened on a phone, the partnership picker before a choice).

Strict: any violation fails, whatever its impact, unless it is in ALLOWED: a violation that comes
from Streamlit's own markup, cannot be fixed from the app, and is listed with its reason in
docs/accessibility.md. An entry matches one rule on the elements matching one CSS selector only.
"""
from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import ARTIFACTS, open_page, wait_idle
from test_browser_pages import PAGES

# (axe rule id, CSS selector of the element it may fire on): see docs/accessibility.md.
ALLOWED = [
    # Streamlit's file uploader drop zone is a <section role="presentation" aria-label=...>:
    # a presentational element with an ARIA attribute. Its Browse button is a real, labelled
    # button, so keyboard and screen-reader users lose nothing. Impact "minor".
    ("presentation-role-conflict", '[data-testid="stFileUploaderDropzone"]'),
]

_axe = Axe()


def scan(page, where: str) -> list[str]:
    """Run axe on the page; the violations not allowed, one line each (also saved as JSON)."""
    results = _axe.run(page, options={"resultTypes": ["violations"]})
    violations = results.response["violations"]
    ARTIFACTS.parent.joinpath("axe").mkdir(parents=True, exist_ok=True)
    ARTIFACTS.parent.joinpath("axe", f"{where}.json").write_text(json.dumps(violations, indent=1))
    problems = []
    for violation in violations:
        for node in violation["nodes"]:
            target = node["target"][0] if node["target"] else ""
            if isinstance(target, list):  # inside a shadow root or frame: never allowed
                target = ""
            allowed = any(rule == violation["id"] and target and page.evaluate(
                "([t, s]) => { const e = document.querySelector(t); return !!e && e.matches(s); }", [target, selector])
                for rule, selector in ALLOWED)
            if not allowed:
                problems.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -- "
                                f"{node['html'][:160]} -- {node['failureSummary'][:300]}")
    return problems


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("path,name", [p[:2] for p in PAGES], ids=[p[1] for p in PAGES])
def test_axe_every_page(shown_page, path, name, size):
    page = shown_page(path, size)
    problems = scan(page, f"{name}-{size}")
    assert not problems, f"{name} at {size} width:\n" + "\n".join(problems)


def test_axe_data_tab_open(page, sample_app):
    """The Data tab of a chart card: the table and its download button."""
    open_page(page, sample_app.url + "/criteria")
    page.get_by_role("tab", name="Data").first.click()
    page.locator('[data-testid="stDataFrame"]').first.wait_for(state="visible")
    page.wait_for_timeout(500)
    problems = scan(page, "criteria-data-tab")
    assert not problems, "\n".join(problems)


def test_axe_sidebar_open_on_a_phone(sized_page, sample_app):
    page = sized_page("phone")
    open_page(page, sample_app.url + "/timeline")
    page.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button').first.click()
    page.locator('[data-testid="stSidebar"] input[aria-label="Planning cycle"]').wait_for(state="visible")
    page.wait_for_timeout(500)
    problems = scan(page, "timeline-phone-sidebar")
    assert not problems, "\n".join(problems)


def test_axe_partnership_picker_and_hidden_names(page, sample_app):
    open_page(page, sample_app.url + "/partnership", wait_for_chart=False)
    problems = scan(page, "partnership-picker")
    open_page(page, sample_app.url + "/partnership?partnership=Fife&hide=true")
    problems += scan(page, "partnership-hidden-names")
    page.locator('[data-testid="stCheckbox"] label', has_text="Show where each partnership ranks").click()
    wait_idle(page)
    assert page.get_by_role("switch", name="Show where each partnership ranks").is_checked()
    problems += scan(page, "partnership-ranks")
    assert not problems, "\n".join(problems)
