"""An analyst uploads a workbook through the real /data page in the browser (issue 6).

A workbook with errors gets every error in a table with its sheet, row and column, and the published
data stays as it was; a good workbook is reported as usable with what changed."""
from __future__ import annotations

from builders import make_sheets, workbook_bytes
from conftest import open_page, screenshot, wait_idle

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
    table = main.locator('[data-testid="stTable"]').first.inner_text()
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
    assert "What changes against the published version" in text
    assert page.locator('[data-testid="stException"]').count() == 0
