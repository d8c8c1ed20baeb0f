"""Two copies of the dashboard on one PostgreSQL database (issue 19), as behind a load balancer: a
version published through one is shown by the other on its next rerun, and wrong passcodes typed on
one count on the other (the sign-in limits live in the same store)."""
from __future__ import annotations

import shutil

import auth
from builders import workbook_bytes
from conftest import ROOT, App, open_page, wait_idle
from test_upload import _upload

PASSCODE = "open sesame"
FOOTER = "() => [...document.querySelectorAll('[data-testid=\"stCaptionContainer\"]')].map(e => e.innerText).join(' ')"


class _Copy(App):
    """One copy of the dashboard, run from a folder of its own with the shared secrets and store."""

    def __init__(self, folder, url: str, name: str):
        (folder / ".streamlit").mkdir(parents=True)
        shutil.copy(ROOT / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
        (folder / ".streamlit" / "secrets.toml").write_text(
            f'[analysts]\npasscode_hash = "{auth.hash_passcode(PASSCODE)}"\n\n[connections.store]\nurl = "{url}"\n')
        self.log = open(ROOT / "artifacts" / f"server-copy-{name}.log", "w")
        # the store comes from the secrets' [connections.store], as a deployment gives it
        super(App, self).__init__(ROOT / "dashboard.py", folder, {"CSP_STORE": "", "CSP_WORKBOOK": ""},
                                  stdout=self.log)


def _sign_in(page, passcode: str) -> None:
    page.get_by_label("Your name").fill("Ana Analyst")
    page.get_by_label("Analysts' passcode").fill(passcode)
    page.keyboard.press("Enter")
    wait_idle(page, delay=500)


def test_two_copies_share_versions_and_sign_in_limits(browser, tmp_path, postgresql_url):
    (ROOT / "artifacts").mkdir(exist_ok=True)
    one = _Copy(tmp_path / "one", postgresql_url, "one")
    two = _Copy(tmp_path / "two", postgresql_url, "two")
    try:
        viewer = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        open_page(viewer, two.url)
        assert "the shipped sample workbook" in viewer.evaluate(FOOTER)

        analyst = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        good = tmp_path / "shared.xlsx"
        workbook_bytes(path=good, partnerships=["North", "South", "East"])
        open_page(analyst, f"{one.url}/data", wait_for_chart=False)
        _upload(analyst, good)
        _sign_in(analyst, PASSCODE)
        analyst.get_by_role("button", name="Publish this workbook").click()
        analyst.get_by_role("button", name="Yes, publish it for everyone").click()
        analyst.wait_for_function("() => document.body.innerText.includes('Published as version 1')", timeout=60000)

        # the viewer on the other copy: its next rerun (any click; here the sidebar's cycle) shows version 1
        viewer.keyboard.press("r")  # Streamlit's own "rerun" key
        viewer.wait_for_function(f"() => ({FOOTER})().includes('version 1 (shared.xlsx)')", timeout=60000)

        # five wrong passcodes through copy one ...
        guesser = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        open_page(guesser, f"{one.url}/data", wait_for_chart=False)
        for _ in range(5):
            _sign_in(guesser, "wrong guess")
        assert "That passcode is not right" in guesser.locator('[data-testid="stMain"]').inner_text()
        # ... and even the right one is refused on copy two (every local client shares one count)
        other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        open_page(other, f"{two.url}/data", wait_for_chart=False)
        _sign_in(other, PASSCODE)
        text = other.locator('[data-testid="stMain"]').inner_text()
        assert "Too many wrong passcodes" in text and "Signed in as" not in text
        for p in (viewer, analyst, guesser, other):
            p.context.close()
    finally:
        one.stop()
        two.stop()
