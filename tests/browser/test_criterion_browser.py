"""The Criterion page in a real browser: a link to /criterion?criterion=12 opens criterion 12 with its
title, axe finds nothing at desktop and phone width, the search in the sidebar gets there by typing,
and the sidebar's "Copy link" carries the criterion. Screenshots go to artifacts/screenshots/."""
from __future__ import annotations

import pytest

from conftest import open_page, screenshot, wait_idle
from test_accessibility import scan


def h1(page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text().strip()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_link_opens_the_criterion_and_axe_finds_nothing(shown_page, size):
    page = shown_page("/criterion?criterion=12", size)
    assert h1(page) == "Criterion 12: Resources, 2023-2026"
    main = page.locator('[data-testid="stMain"]')
    assert main.get_by_text("8 of 30 plans fully met Resources in 2023-2026", exact=False).count() >= 1
    assert page.locator(".csp-chart .main-svg").count() >= 2  # both charts drawn
    screenshot(page, f"criterion-12-{size}")
    problems = scan(page, f"criterion-{size}")
    assert not problems, f"criterion at {size} width:\n" + "\n".join(problems)


def test_typing_a_name_in_go_to_opens_its_page(page, sample_app):
    open_page(page, sample_app.url + "/timeline?cycle=2020-2023")
    box = page.locator('[data-testid="stSidebar"] input[aria-label="Go to"]')
    box.click()
    box.fill("Resources")
    page.get_by_role("option", name="Criterion 12: Resources").click()
    page.wait_for_url("**/criterion**", timeout=30000)
    wait_idle(page)
    page.wait_for_function("() => document.querySelector('[data-testid=\"stMain\"] h1')")
    assert h1(page) == "Criterion 12: Resources, 2020-2023"
    assert "criterion=12" in page.url and "cycle=2020-2023" in page.url
    # and to a partnership
    box = page.locator('[data-testid="stSidebar"] input[aria-label="Go to"]')
    box.click()
    box.fill("Fife")
    page.get_by_role("option", name="Partnership: Fife").click()
    page.wait_for_url("**/partnership**", timeout=30000)
    wait_idle(page)
    page.wait_for_function("() => { const h = document.querySelector('[data-testid=\"stMain\"] h1');"
                           " return h && h.textContent.includes('Fife'); }")
    assert h1(page) == "Fife, 2020-2023"
