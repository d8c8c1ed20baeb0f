"""An analyst uploads a workbook through the real /data page in the browser (issue 6).

A workbook with errors gets every error in a table with its sheet, row and column, and the published
data stays as it was; a good workbook is reported as usable with what changed."""
from __future__ import annotations

import shutil

import auth
from builders import make_sheets, workbook_bytes
from conftest import ROOT, App, open_page, screenshot, wait_idle

UPLOADER = '[data-testid="stFileUploader"] input[type="file"]'


def _upload(page, path):
    """Choose the file as a user would, then wait for the page's verdict on it."""
    page.set_input_files(UPLOADER, str(path))
    page.wait_for_function(
        "name => document.querySelector('[data-testid=\"stMain\"]').innerText.includes(\"'\" + name + \"'\")",
        arg=path.name, timeout=60000)
    wait_idle(page, delay=500)


def test_a_bad_workbook_is_explained_and_nothing_is_published(sample_app, page, tmp_path):
    sheets = make_sheets()
    sheets["Scores"][3][0] = "Glasgow"           # Excel row 4: not a partnership
    sheets["Submissions"][2][2] = "31/02/2021"    # Excel row 3: not a date
    bad = tmp_path / "bad.xlsx"
    workbook_bytes(sheets, path=bad)
    open_page(page, f"{sample_app.url}/data", wait_for_chart=False)
    _upload(page, bad)
    main = page.locator('[data-testid="stMain"]')
    text = main.inner_text()
    screenshot(page, "data-bad-upload-desktop")
    assert "'bad.xlsx' has 2 error(s)" in text
    assert "'Glasgow' is not a partnership" in text
    assert "'31/02/2021' is not a date" in text
    table = main.locator("table.csp-literal-table").first.inner_text()
    assert "Scores" in table and "Submissions" in table and "4" in table and "3" in table
    assert page.locator('[data-testid="stException"]').count() == 0
    publish = page.get_by_role("button", name="Publish this workbook")
    assert publish.count() == 0 or publish.is_disabled()
    assert "the shipped sample" in main.inner_text()  # still the published data (none: the sample)


def test_a_good_workbook_is_usable_and_shows_what_changed(sample_app, page, tmp_path):
    good = tmp_path / "good.xlsx"
    workbook_bytes(path=good, partnerships=["North", "South", "East"])
    open_page(page, f"{sample_app.url}/data", wait_for_chart=False)
    _upload(page, good)
    text = page.locator('[data-testid="stMain"]').inner_text()
    screenshot(page, "data-good-upload-desktop")
    assert "'good.xlsx' can be used." in text
    assert "What changes against the shipped sample" in text      # nothing published: what viewers see now
    assert page.locator('[data-testid="stException"]').count() == 0


def test_an_ods_saved_by_libreoffice_is_taken_and_its_errors_named(sample_app, page, tmp_path):
    """The browser's file chooser takes an .ods (the uploader's type filter), and LibreOffice Calc's
    own .ods of tests/data/messy-review.xlsx gets the same errors, by sheet, row and column."""
    ods = tmp_path / "messy-review.ods"
    shutil.copy(ROOT / "tests" / "data" / "messy-review.ods", ods)
    open_page(page, f"{sample_app.url}/data", wait_for_chart=False)
    _upload(page, ods)
    main = page.locator('[data-testid="stMain"]')
    text = main.inner_text()
    screenshot(page, "data-ods-upload-desktop")
    assert "'messy-review.ods' has 4 error(s)" in text and "Fix the errors in LibreOffice Calc" in text
    assert "'Sowth' is not a partnership in sheet Partnerships: did you mean 'South'?" in text
    table = main.locator("table.csp-literal-table").first.inner_text()
    assert "Submissions" in table and "C (Submitted)" in table and "A (partnership)" in table
    assert page.locator('[data-testid="stException"]').count() == 0


def _nav(page, title: str):
    """Go to another page as a person does, with the menu (the same browser session)."""
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    wait_idle(page, delay=500)


def test_a_previewed_upload_is_still_there_after_visiting_another_page(sample_app, page, tmp_path):
    good = tmp_path / "kept.xlsx"
    workbook_bytes(path=good, partnerships=["North", "South", "East"])
    open_page(page, f"{sample_app.url}/data", wait_for_chart=False)
    _upload(page, good)
    page.get_by_role("button", name="Preview the dashboard with this workbook").click()
    wait_idle(page, delay=500)
    _nav(page, "Criteria coverage")
    main = page.locator('[data-testid="stMain"]')
    assert "Preview of your upload 'kept.xlsx'" in main.inner_text()
    _nav(page, "Data: upload and publish")
    page.wait_for_function("() => document.querySelector('[data-testid=\"stMain\"]').innerText"
                           ".includes('Kept from earlier in this session')", timeout=60000)
    text = main.inner_text()
    screenshot(page, "data-kept-upload-desktop")
    assert "Kept from earlier in this session: 'kept.xlsx'" in text
    assert "'kept.xlsx' can be used." in text
    assert "Upload and check a workbook above first." not in text
    assert "You are previewing this workbook" in text
    assert page.locator('[data-testid="stException"]').count() == 0
    # the page's own control lets it go, by keyboard too
    forget = page.get_by_role("button", name="Remove this upload")
    forget.focus()
    page.keyboard.press("Enter")
    wait_idle(page, delay=500)
    assert "Kept from earlier" not in main.inner_text()


class _PasscodeApp(App):
    """The dashboard run from a folder of its own whose .streamlit/secrets.toml sets an analysts'
    passcode (Streamlit reads secrets from the folder it is started in), with an empty store."""

    def __init__(self, folder, passcode: str):
        (folder / ".streamlit").mkdir(parents=True)
        shutil.copy(ROOT / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
        (folder / ".streamlit" / "secrets.toml").write_text(
            f'[analysts]\npasscode_hash = "{auth.hash_passcode(passcode)}"\n')
        self.log = open(ROOT / "artifacts" / "server-passcode.log", "w")
        super(App, self).__init__(ROOT / "dashboard.py", folder,
                                  {"CSP_STORE": str(folder / "store"), "CSP_WORKBOOK": ""}, stdout=self.log)


def test_publish_by_keyboard_asks_first_and_says_what_changes(browser, tmp_path):
    (ROOT / "artifacts").mkdir(exist_ok=True)
    app = _PasscodeApp(tmp_path / "run", "open sesame")
    try:
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        good = tmp_path / "new.xlsx"
        workbook_bytes(path=good, partnerships=["North", "South", "East"])
        open_page(page, f"{app.url}/data", wait_for_chart=False)
        _upload(page, good)
        page.get_by_label("Your name").fill("Ana Analyst")
        page.get_by_label("Analysts' passcode").fill("open sesame")
        page.keyboard.press("Enter")                                   # the form submits on Enter
        page.wait_for_function("() => document.body.innerText.includes('Signed in as')", timeout=60000)
        wait_idle(page, delay=300)
        page.get_by_role("button", name="Publish this workbook").focus()
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.body.innerText.includes('for everyone?')", timeout=60000)
        wait_idle(page, delay=300)
        main = page.locator('[data-testid="stMain"]')
        text = main.inner_text()
        screenshot(page, "data-confirm-publish-desktop")
        assert "Publish 'new.xlsx' for everyone?" in text
        assert "as version 1, instead of the shipped sample workbook" in text
        assert "Published as version 1" not in text
        # the next control after the publish button is the confirmation
        page.get_by_role("button", name="Publish this workbook").focus()
        for _ in range(5):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.innerText").strip().endswith("publish it for everyone"):
                break
        assert page.evaluate("() => document.activeElement.innerText").strip().endswith("publish it for everyone")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.body.innerText.includes('Published as version 1')", timeout=60000)
        assert page.locator('[data-testid="stException"]').count() == 0
        page.context.close()
    finally:
        app.stop()
