"""Browser tests: the real server, driven by Playwright in Debian's /usr/bin/chromium.

Like Streamlit's own e2e_playwright tests, each test starts the app, waits for /_stcore/health, then
drives the page by its data-testid attributes. Under CI=true a missing browser is a failure, never a
silent skip. Screenshots go to artifacts/screenshots/ (not committed).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

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


class App:
    """A running dashboard server."""

    def __init__(self, env: dict[str, str] | None = None):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(ROOT / "artifacts" / f"server-{self.port}.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(self.port),
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1).read() == b"ok":
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"The dashboard did not start on port {self.port}")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
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


def open_page(page, url: str, *, wait_for_chart: bool = True):
    """Go to a URL and wait until the app has finished running and charts are drawn."""
    page.goto(url)
    page.wait_for_selector('[data-testid="stMain"]', timeout=30000)
    wait_idle(page)
    if wait_for_chart:
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30000)
    return page


def wait_idle(page, timeout: float = 30000):
    """Wait until the app's script run is over (the status widget shows no 'Running')."""
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
               && document.querySelector('[data-testid="stApp"]')
               && document.querySelector('[data-testid="stApp"]').getAttribute('data-test-script-state') !== 'running'""",
        timeout=timeout)
    page.wait_for_timeout(300)
