"""The plans in a real browser: a passage's page link opens the plan's PDF at that page (the href is
the app's static copy with #page=N, and the server gives back the plan's pages as a PDF);
axe finds nothing on the Search the plans page and the Partnership page's evidence, desktop and phone.
Screenshots go to artifacts/screenshots/."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import plans

from conftest import open_page, screenshot, wait_idle
from test_accessibility import scan

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = {r["partnership"]: r for r in json.loads((ROOT / "data" / "plans" / "plans.json").read_text())["plans"]}


def test_a_page_link_opens_the_plan_at_that_page(page, sample_app):
    open_page(page, sample_app.url + "/partnership?cycle=2023-2026&partnership=Fife&criterion=12")
    page.get_by_role("heading", name="What the plan says on each criterion").scroll_into_view_if_needed()
    passage = page.locator(".csp-passage").first
    shown_page = re.search(r"Page (\d+)", passage.locator("strong").first.inner_text()).group(1)
    link = passage.get_by_role("link", name=re.compile(f"Open the plan at page {shown_page}"))
    href = link.evaluate("a => a.href")      # the address the browser follows
    fife = MANIFEST["Fife"]
    assert re.fullmatch(re.escape(sample_app.url) + rf"/app/static/plans/{fife['sha256']}\.pdf#page={shown_page}", href)
    assert link.get_attribute("target") == "_blank" and "noopener" in link.get_attribute("rel")
    # follow it: what the server gives for that address is the plan, as a PDF
    response = page.request.get(href.split("#")[0])
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    # the plan's own pages and text (its inert copy: plans/served.py)
    served = plans.extract(response.body())
    assert served.passages == plans.extract((ROOT / "data" / "plans" / fife["file"]).read_bytes()).passages
    # and a click opens it in a new tab at that address (the browser's PDF viewer takes #page=N)
    with page.context.expect_page() as opened:
        link.click()
    new = opened.value
    new.wait_for_load_state("commit")
    assert new.url == href


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_search_page_axe_and_screenshot(shown_page, size):
    page = shown_page("/plans?cycle=2023-2026&plan_query=family+support", size)
    wait_idle(page)
    page.wait_for_selector(".csp-passage mark", timeout=60000)
    assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip() == "Search the plans, 2023-2026"
    assert page.locator('[data-testid="stMain"] h2').count() >= 5   # one per plan
    screenshot(page, f"plans-search-{size}")
    problems = scan(page, f"plans-search-{size}")
    assert not problems, f"plans search at {size} width:\n" + "\n".join(problems)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_partnership_evidence_axe_and_screenshot(shown_page, size):
    page = shown_page("/partnership?cycle=2023-2026&partnership=Fife&criterion=11", size)
    page.get_by_role("heading", name="What the plan says on each criterion").scroll_into_view_if_needed()
    assert page.locator(".csp-passage").count() == 3
    screenshot(page, f"partnership-evidence-{size}")
    problems = scan(page, f"partnership-evidence-{size}")
    assert not problems, f"partnership evidence at {size} width:\n" + "\n".join(problems)


def test_hidden_names_in_search_results_as_the_browser_shows_them(page, sample_app):
    """With names hidden, the results name Fife only: other plans are labels, with no link, and the
    neighbours their passages name are labels too."""
    open_page(page, sample_app.url + "/plans?cycle=2023-2026&partnership=Fife&hide=true"
                                      "&plan_query=share+learning+Strategic+Leads+Network", wait_for_chart=False)
    page.wait_for_selector(".csp-passage", timeout=60000)
    main = page.locator('[data-testid="stMain"]')
    text = main.inner_text()
    others = [p for p in MANIFEST if p != "Fife"] + ["Orkney", "Tayside Collaborative"]
    assert [n for n in others if n in text] == []
    headings = [h.strip() for h in main.locator("h2").all_inner_texts()]
    assert "Fife" in headings and sum(h.startswith("Partnership ") for h in headings) >= 3
    # no plan can be opened: the others name their partnerships, Fife's own names Tayside where the page
    # shows a label (opening it would say whose the label is)
    assert main.locator("a[href*='static/plans']").count() == 0
    assert "it names other partnerships, shown here as labels" in text
    screenshot(page, "plans-search-hidden-desktop")


def test_with_names_hidden_a_name_in_a_shared_search_link_is_taken_out(page, sample_app):
    """A link with names hidden that searches 'Tayside': the address, the box and the page say
    'family support' only (searching the name listed only Tayside's plan, under its label); the
    same for a name typed in the box."""
    open_page(page, sample_app.url + "/plans?cycle=2023-2026&partnership=Fife&hide=true"
                                      "&plan_query=Tayside+family+support", wait_for_chart=False)
    page.wait_for_selector(".csp-passage", timeout=60000)
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    box = page.get_by_role("textbox", name="Search the plans for")
    assert "tayside" not in main.inner_text().lower() and "tayside" not in page.url.lower()
    assert box.input_value() == "family support" and "names are taken out of the search" in main.inner_text()
    box.fill("Highland budget")                     # typed, too
    box.press("Enter")
    page.wait_for_function("() => !location.search.includes('family')", timeout=60000)
    wait_idle(page)
    assert "highland" not in main.inner_text().lower() and "highland" not in page.url.lower()
    assert box.input_value() == "budget"


@pytest.mark.parametrize("width", [1400, 390])
def test_an_analyst_attaches_a_plan_and_its_page_link_opens_it(browser, tmp_path, width):
    """Issue 21.1 as a person meets it: sign in on the Data page, choose a PDF in the plans' file chooser,
    see it matched by its name, keep it; Moray (no plan before) then has passages whose link opens it."""
    from test_upload import _PasscodeApp

    (ROOT / "artifacts").mkdir(exist_ok=True)
    plan = tmp_path / "moray-2023-2026.pdf"
    plan.write_bytes((ROOT / "data" / "plans" / MANIFEST["Glasgow City"]["file"]).read_bytes())
    app = _PasscodeApp(tmp_path / "run", "open sesame")
    context = browser.new_context(viewport={"width": width, "height": 1000})
    page = context.new_page()
    try:
        open_page(page, f"{app.url}/data", wait_for_chart=False)
        page.get_by_label("Your name").fill("Ana Analyst")
        page.get_by_label("Analysts' passcode").fill("open sesame")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.body.innerText.includes('Signed in as')", timeout=60000)
        wait_idle(page, delay=300)
        chooser = page.locator('[data-testid="stFileUploader"]').filter(has_text="Plans (PDF")
        chooser.locator('input[type="file"]').set_input_files(str(plan))
        page.wait_for_function("() => document.body.innerText.includes('19 pages, text readable')", timeout=60000)
        wait_idle(page, delay=300)
        main = page.locator('[data-testid="stMain"]')
        screenshot(page, f"data-plans-attach-{'phone' if width < 500 else 'desktop'}")
        keep = page.get_by_role("button", name="Keep 1 plan(s)")
        keep.focus()
        page.keyboard.press("Enter")                                   # by keyboard
        page.wait_for_function("() => document.body.innerText.includes('Kept 1 plan(s)')", timeout=60000)
        wait_idle(page, delay=300)
        assert "Moray, 2023-2026" in main.inner_text()
        listed = page.locator("table.csp-literal-table").last.inner_text()
        assert "moray-2023-2026.pdf" in listed and "Ana Analyst" in listed and "19" in listed
        open_page(page, f"{app.url}/partnership?cycle=2023-2026&partnership=Moray")
        link = page.locator(".csp-passage").first.get_by_role("link", name=re.compile("Open the plan at page"))
        response = page.request.get(link.evaluate("a => a.href").split("#")[0])
        assert response.status == 200 and response.headers["content-type"].startswith("application/pdf")
        assert plans.extract(response.body()).passages == plans.extract(plan.read_bytes()).passages
    finally:
        context.close()
        app.stop()
