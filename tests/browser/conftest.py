"""Browser tests: the real server, driven by Playwright in Debian's /usr/bin/chromium.

Like Streamlit's own e2e_playwright tests, each test starts the app, waits for /_stcore/health, then
drives the page by its data-testid attributes. Under CI=true a missing browser is a failure, never a
silent skip. Screenshots go to artifacts/screenshots/ (not committed).
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from appserver import AppServer

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def _need_browser():
    if CHROMIUM.exists():
        return
    message = f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)."
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


class App(AppServer):
    """A running dashboard server; its output goes to artifacts/server-*.log."""

    def __init__(self, env: dict[str, str] | None = None, extra_args: tuple[str, ...] = ()):
        (ROOT / "artifacts").mkdir(exist_ok=True)
        self.log = open(ROOT / "artifacts" / f"server-{time.time_ns()}.log", "w")
        super().__init__(ROOT / "dashboard.py", ROOT, env, stdout=self.log, extra_args=extra_args)

    def stop(self):
        super().stop()
        self.log.close()


@pytest.fixture(scope="session")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def sample_app(tmp_path_factory):
    """The dashboard on the shipped sample, with an empty store of its own."""
    (ROOT / "artifacts").mkdir(exist_ok=True)
    app = App({"CSP_STORE": str(tmp_path_factory.mktemp("store")), "CSP_WORKBOOK": ""})
    yield app
    app.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    p = context.new_page()
    yield p
    context.close()


# Viewport widths the browser tests look at: phone (390), the WCAG 1.4.10 reflow width (320),
# desktop (1400) and a wide screen (1920).
WIDTHS = {"phone": (390, 844), "narrow": (320, 720), "desktop": (1400, 1000), "wide": (1920, 1080)}


@pytest.fixture
def sized_page(browser):
    """A factory: sized_page("phone") gives a page in its own context at that viewport."""
    contexts = []

    def make(size: str):
        width, height = WIDTHS[size]
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def shown_page(browser, sample_app):
    """shown_page("/criteria", "phone"): that page of the sample app, loaded once per session at that
    viewport and shared by the tests that only look at it (page checks, axe scans, screenshots).
    Tests that click or type use `page` or `sized_page` instead."""
    contexts, pages = {}, {}

    def get(path: str, size: str):
        if (path, size) not in pages:
            if size not in contexts:
                width, height = WIDTHS[size]
                contexts[size] = browser.new_context(viewport={"width": width, "height": height})
            page = contexts[size].new_page()
            open_page(page, sample_app.url + path)
            pages[(path, size)] = page
        return pages[(path, size)]

    yield get
    for context in contexts.values():
        context.close()


def screenshot(page, name: str) -> Path:
    """A full-page screenshot in artifacts/screenshots/ (a test artefact, never committed)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # The document never scrolls: Streamlit's main area does. Make the viewport as tall as that
    # area for the shot (the width, and so the layout, stays the same), then put it back.
    size = page.viewport_size
    tall = page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        return Math.max(main ? main.scrollHeight : 0, document.documentElement.scrollHeight);
    }""")
    try:
        if tall > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": min(tall, 20000)})
            page.wait_for_timeout(400)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
        page.wait_for_timeout(200)
    return path


def open_page(page, url: str, *, wait_for_chart: bool = True):
    """Go to a URL and wait until the app has finished running and its charts are drawn."""
    page.goto(url)
    page.wait_for_selector('[data-testid="stMain"]', timeout=60000)
    wait_idle(page)
    if wait_for_chart:
        wait_charts(page)
    return page


# The stApp element carries data-test-script-state: "initial" before the first run, "running"
# during a run, then "notRunning" (Streamlit's own e2e helper wait_for_app_run waits for that,
# after data-test-connection-state="CONNECTED"). A check for "not 'running'" alone passes at once,
# in the "initial" state before anything is drawn. The status widget is no signal: it also shows
# "File change. Rerun" whenever a source file is saved while the server runs.
IDLE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app
        && app.getAttribute('data-test-connection-state') === 'CONNECTED'
        && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stSkeleton"]');
}"""


def wait_idle(page, timeout: float = 60000, *, delay: int = 250):
    """Wait until the app's script run is over. `delay` ms first, so that a rerun just triggered by a
    click or a key has time to start (the state is still "notRunning" until the server answers)."""
    if delay:
        page.wait_for_timeout(delay)
    try:
        page.wait_for_function(IDLE, timeout=timeout)
    except Exception as exc:  # say what the app was doing
        state = page.evaluate("""() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return {script: app && app.getAttribute('data-test-script-state'),
                    connection: app && app.getAttribute('data-test-connection-state'),
                    status: !!document.querySelector('[data-testid="stStatusWidget"]'),
                    skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
                    visible: document.visibilityState};
        }""")
        raise AssertionError(f"{page.url}: the app did not become idle: {state}") from exc
    page.wait_for_timeout(200)


def wait_charts(page, timeout: float = 60000):
    """Wait until every chart element on the page (ui.plotly_chart's) has drawn its SVG."""
    page.wait_for_function(
        """() => {
            const charts = document.querySelectorAll('.csp-chart');
            return [...charts].every(c => c.querySelector('.main-svg'));
        }""", timeout=timeout)
