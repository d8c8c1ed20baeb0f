"""The analysts' page /data, driven through the whole app with AppTest and real uploads.

Every test gets its own empty store (CSP_STORE in tmp_path) and no CSP_WORKBOOK, so nothing here
touches data/store. Secrets are always given explicitly (at.secrets), so a developer's own
.streamlit/secrets.toml cannot change what is tested.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
import io
import re
from pathlib import Path

import pytest
import streamlit
from streamlit.runtime.secrets import Secrets
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

import auth
import datasource
import ui
from apptools import csv_frame, download, html_tables, media, shown_text  # noqa: F401 (media is a fixture)
from builders import make_sheets, workbook_bytes
from store import Store

ROOT = Path(__file__).resolve().parents[1]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PASSCODE = "correct horse"
PASSCODE_SECRETS = {"analysts": {"passcode_hash": auth.hash_passcode(PASSCODE)}}
OFF_SECRETS = {"unrelated": {"setting": "value"}}  # a secrets file without [analysts] or [auth]
OIDC_SECRETS = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x",
                         "client_id": "id", "client_secret": "secret",
                         "server_metadata_url": "https://example.org/.well-known/openid-configuration"},
                "analysts": {"emails": ["Ana@Example.org"]}}

GOOD = workbook_bytes()


@pytest.fixture(autouse=True)
def store_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "store"
    monkeypatch.setenv("CSP_STORE", str(folder))
    monkeypatch.delenv("CSP_WORKBOOK", raising=False)
    return folder


def open_page(secrets: dict | None = None, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.secrets.update(OFF_SECRETS if secrets is None else secrets)
    if user is not None:
        at.user = user
    at.run()
    at.switch_page("views/data.py").run()
    assert not at.exception, at.exception
    return at


def upload(at: AppTest, data: bytes, name: str = "review.xlsx", mime: str = XLSX) -> AppTest:
    at.file_uploader(key="upload").set_value((name, data, mime)).run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str):
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r} in {[b.label for b in at.button]}"
    return matches[0]


def publish(at: AppTest) -> AppTest:
    """Publish this workbook, then confirm."""
    button(at, "Publish this workbook").click().run()
    assert not at.exception, at.exception
    assert "for everyone?" in texts(at.warning)
    button(at, "Yes, publish it for everyone").click().run()
    assert not at.exception, at.exception
    return at


def sign_in(at: AppTest, name: str = "Ana Analyst", passcode: str = PASSCODE) -> AppTest:
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_passcode").input(passcode)
    button(at, "Sign in").click().run()
    assert not at.exception, at.exception
    return at


TABLES = {"table-problems": {"Problem"}, "table-scores-changes": {"Criterion", "Change"},
          "table-national-check": {"From the scores"},
          "table-dates-changes": {"Partnership", "Field"}, "table-details-changes": {"Sheet"},
          "table-history": {"Shown now"}}


def table(at: AppTest, key: str):
    """The table shown under `key` (AppTest does not expose a dataframe's key: found by its columns)."""
    for frame in [*(d.value for d in at.dataframe), *html_tables(at)]:
        if TABLES[key] <= set(frame.columns):
            return frame
    raise KeyError(key)


def texts(elements) -> str:
    """What a person reads (apptools.shown_text: code spans and HTML blocks without their markup)."""
    return "\n".join(shown_text(e.value) for e in elements)


def headings(at: AppTest) -> list[str]:
    """The h3 headings ui.heading writes (workbook text in them shown as written)."""
    return [shown_text(e.value) for e in at.main.markdown if str(e.value).startswith("<h3")]


def footer(at: AppTest) -> str:
    return at.caption[-1].value


def versions(folder: Path):
    return Store(folder).versions() if (folder / "versions.sqlite").exists() else []


# ---------------------------------------------------------------- opening the page

def test_page_opens_with_nothing_published_and_publishing_off(store_folder):
    at = open_page()
    assert at.title[0].value == "Data: upload and publish"
    assert "Nothing has been published yet" in texts(at.info)
    off = texts(at.info)
    assert "Publishing is switched off" in off and "python -m auth hash" in off and "passcode_hash" in off
    assert "(.xlsx or .ods, up to 25 MB)" in at.file_uploader(key="upload").label
    assert at.file_uploader(key="upload").allowed_type == [".xlsx", ".ods"]
    assert "up to 25 MB" in texts(at.caption)
    assert button(at, "Publish this workbook").disabled
    assert "shipped sample" in footer(at)
    assert versions(store_folder) == []


def test_no_secrets_file_at_all_means_publishing_off(tmp_path, monkeypatch):
    monkeypatch.setattr(streamlit, "secrets", Secrets())
    with patch_config_options({"secrets.files": [str(tmp_path / "missing" / "secrets.toml")]}):
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        at.run()
        at.switch_page("views/data.py").run()
        assert not at.exception, at.exception
        assert "Publishing is switched off" in texts(at.info)
        upload(at, GOOD)
        assert button(at, "Publish this workbook").disabled


# ---------------------------------------------------------------- checking an upload

def test_good_upload_says_what_it_holds(store_folder):
    at = upload(open_page(), GOOD, "Review 2025.xlsx")
    success = texts(at.success)
    assert "'Review 2025.xlsx' can be used." in success
    assert "4 partnerships, 3 criteria, 2 cycles (2020-2023 and 2023-2026), 24 scores and 8 plans" in success
    assert "would be version 1" in texts(at.markdown)
    assert not at.error


def test_bad_upload_lists_every_error_with_sheet_row_and_column(store_folder):
    sheets = make_sheets(scores={("North", "2023-2026"): ["Fully met", "Brilliant", "Not met"]})
    sheets["Scores"].append(["Glasgw", "2023-2026", "Fully met", "Fully met", "Fully met"])
    sheets["Submissions"][2][2] = "not a date"
    at = open_page(PASSCODE_SECRETS)
    sign_in(at)
    upload(at, workbook_bytes(sheets), "bad.xlsx")
    assert "'bad.xlsx' has 3 error(s)" in texts(at.error)
    problems = table(at, "table-problems")
    assert list(problems.columns) == ["Kind", "Sheet", "Row", "Record", "Column", "Problem"]
    errors = problems[problems["Kind"] == "Error"]
    assert len(errors) == 3
    assert set(errors["Sheet"]) == {"Scores", "Submissions"}
    # each row of Scores and Submissions says whose record it is, from its own cells as written
    records = {(r["Sheet"], int(r["Row"])): r["Record"] for _, r in errors.iterrows()}
    assert records == {("Submissions", 3): "South, 2020-2023", ("Scores", 6): "North, 2023-2026",
                       ("Scores", 10): "Glasgw, 2023-2026"}
    assert errors["Row"].notna().all() and (errors["Column"] != "").all()
    assert any("Glasgw" in p for p in errors["Problem"])
    assert any(b.label == "Download the list of problems (CSV)" for b in at.get("download_button"))
    assert not [b for b in at.button if b.label == "Preview the dashboard with this workbook"]
    publish = button(at, "Publish this workbook")
    assert publish.disabled
    assert "has errors, so it cannot be published" in texts(at.caption)
    assert versions(store_folder) == []


def test_a_long_list_of_errors_is_shown_in_full(store_folder):
    sheets = make_sheets()
    sheets["Scores"] += [[f"Nowhere {i}", "2023-2026", "Fully met", "Fully met", "Fully met"] for i in range(250)]
    at = upload(open_page(), workbook_bytes(sheets), "many.xlsx")
    problems = table(at, "table-problems")
    assert (problems["Kind"] == "Error").sum() == 250
    assert "the download below has them in full" in texts(at.caption)


def test_names_and_notes_are_shown_as_typed_not_as_markdown(store_folder):
    Store(store_folder).publish(GOOD, "my_review [final].xlsx", "ana*bold*", "see [this](http://example.org)")
    at = open_page()
    raw = "\n".join(str(e.value) for e in at.info)
    # each in a code span: Markdown, links, shortcodes and dashes never apply inside one
    assert "`my_review [final].xlsx`" in raw and "`ana*bold*`" in raw and "`see [this](http://example.org)`" in raw
    shown = texts(at.info)
    assert "my_review [final].xlsx" in shown and "by ana*bold*" in shown


def test_csp_workbook_setting_is_explained(store_folder, monkeypatch, tmp_path):
    path = tmp_path / "fixed.xlsx"
    path.write_bytes(GOOD)
    monkeypatch.setenv("CSP_WORKBOOK", str(path))
    at = open_page()
    assert "set by CSP_WORKBOOK (fixed.xlsx)" in texts(at.warning)


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, says", [
    ("notes.xlsx", b"Partnership,Cycle\nNorth,2023-2026\n", "not an Excel workbook"),
    ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "password-protected or in the old .xls"),
    ("cut.xlsx", GOOD[: len(GOOD) // 2], "damaged"),
    ("bomb.xlsx", _zip_bomb(), "zip bomb"),
    ("huge.xlsx", b"PK\x03\x04" + b"\0" * (25 * 1024 * 1024 + 1), "over the limit of 25 MB"),
])
def test_unreadable_upload_gets_a_message_never_a_traceback(store_folder, name, data, says):
    at = open_page(PASSCODE_SECRETS)
    sign_in(at)
    upload(at, data, name, mime="application/octet-stream")
    message = texts(at.error)
    assert f"'{name}' cannot be read." in message and says in message
    assert not at.exception
    assert button(at, "Publish this workbook").disabled
    assert versions(store_folder) == []


def test_changes_against_the_published_version_are_counted_and_listed(store_folder):
    Store(store_folder).publish(GOOD, "v1.xlsx", "ana@example.org", "first")
    changed = workbook_bytes(partnerships=["North", "South", "East", "West", "Fife"],
                             scores={("North", "2023-2026"): ["Fully met", "Fully met", "Not met"]},
                             submitted={("South", "2020-2023"): dt.date(2020, 5, 1)})
    at = upload(open_page(), changed)
    assert "Published now: version 1" in texts(at.info)
    summary = texts(at.markdown)
    assert ("Compared with the published version: 1 partnership added (Fife), 1 score changed, 6 scores added, "
            "1 submission date changed and 2 submission dates added.") in summary
    assert "Partnerships added (1): Fife" in summary
    scores = table(at, "table-scores-changes")
    first = scores.iloc[0].to_dict()
    assert first == {"Partnership": "North", "Cycle": "2023-2026", "Criterion": "2. Criterion 2", "Change": "changed",
                     "Published now": "Partially met", "In this upload": "Fully met"}
    dates = table(at, "table-dates-changes")
    assert dates.iloc[0].to_dict() == {"Partnership": "South", "Cycle": "2020-2023", "Field": "Submitted",
                                       "Change": "changed", "Published now": "27 March 2020",
                                       "In this upload": "1 May 2020"}
    labels = [b.label for b in at.get("download_button")]
    assert "Download the scores that differ (CSV)" in labels
    assert "Download the submission dates that differ (CSV)" in labels


def test_a_changed_deadline_alone_is_listed_not_called_no_change(store_folder):
    Store(store_folder).publish(GOOD, "v1.xlsx", "ana@example.org", "first")
    sheets = make_sheets()
    sheets["Cycles"][2][1] = dt.date(2023, 6, 30)           # 2023-2026 due 1 April 2023 -> 30 June 2023
    at = upload(open_page(), workbook_bytes(sheets))
    summary = texts(at.markdown)
    assert "No changes:" not in summary
    assert "Compared with the published version: 1 other detail differs (Cycles)." in summary
    assert "Other details that differ: 1 changed" in summary
    assert table(at, "table-details-changes").to_dict("records") == [
        {"Sheet": "Cycles", "Item": "2023-2026", "Field": "Due date", "Change": "changed",
         "Published now": "1 April 2023", "In this upload": "30 June 2023"}]
    assert "Download the other details that differ (CSV)" in [b.label for b in at.get("download_button")]


def test_the_published_workbook_again_cannot_be_published_twice(store_folder):
    Store(store_folder).publish(GOOD, "v1.xlsx", "ana@example.org", "first")
    at = open_page(PASSCODE_SECRETS)
    sign_in(at)
    upload(at, GOOD)
    assert texts(at.markdown).count("No changes:") == 1
    assert button(at, "Publish this workbook").disabled
    assert "already the published version (version 1)" in texts(at.caption)


# ---------------------------------------------------------------- who may publish

def test_publish_with_the_passcode_creates_version_1(store_folder):
    at = open_page(PASSCODE_SECRETS)
    upload(at, GOOD, "Review 2025.xlsx")
    assert button(at, "Publish this workbook").disabled  # not signed in yet
    assert "Sign in as an analyst" in texts(at.caption)
    sign_in(at, "Ana Analyst")
    assert "Signed in as **Ana Analyst** with the analysts' passcode." in texts(at.markdown)
    assert not [t for t in at.text_input if t.key == "signin_passcode"]  # the form is gone once signed in
    at.text_input(key="publish_note").input("First cut of the 2023-2026 scores")
    publish(at)

    [version] = versions(store_folder)
    assert version.number == 1 and version.kind == "publish"
    assert version.who == "Ana Analyst" and version.filename == "Review 2025.xlsx"
    assert version.note == "First cut of the 2023-2026 scores"
    assert version.sha256 == hashlib.sha256(GOOD).hexdigest()
    assert Store(store_folder).read_bytes(1) == GOOD  # exactly as uploaded
    assert version.summary == {"partnerships": 4, "criteria": 3, "cycles": 2, "plans_received": 8,
                               "scores": 24, "warnings": 0}
    assert "Published as version 1" in texts(at.success)
    assert "version 1 (Review 2025.xlsx)" in footer(at) and "Ana Analyst" in footer(at)
    history = table(at, "table-history")
    assert list(history["Version"]) == [1] and history.iloc[0]["Shown now"] == "Yes"

    # another viewer's fresh session sees it too
    viewer = open_page()
    assert "version 1 (Review 2025.xlsx)" in footer(viewer)


def test_a_new_passcode_signs_everyone_out(store_folder):
    at = open_page(PASSCODE_SECRETS)
    sign_in(at)
    upload(at, GOOD)
    assert not button(at, "Publish this workbook").disabled
    at.secrets["analysts"] = {"passcode_hash": auth.hash_passcode("a new one")}
    at.run()
    assert button(at, "Publish this workbook").disabled
    assert [t for t in at.text_input if t.key == "signin_passcode"]


def test_a_name_is_required_to_sign_in(store_folder):
    at = open_page(PASSCODE_SECRETS)
    sign_in(at, name="  ")
    assert "Type your name" in texts(at.error)
    upload(at, GOOD)
    assert button(at, "Publish this workbook").disabled


def test_wrong_passcode_is_refused_and_nothing_is_published(store_folder):
    at = open_page(PASSCODE_SECRETS)
    upload(at, GOOD)
    sign_in(at, passcode="wrong")
    assert "That passcode is not right" in texts(at.error)
    assert button(at, "Publish this workbook").disabled
    with pytest.raises(Exception):
        button(at, "Publish this workbook").click()  # a disabled button cannot be pressed
    assert versions(store_folder) == []


def test_five_wrong_passcodes_pause_signing_in(store_folder):
    at = open_page(PASSCODE_SECRETS)
    for _ in range(4):
        sign_in(at, passcode="wrong")
        assert "That passcode is not right" in texts(at.error)
    sign_in(at, passcode="wrong")
    assert "Try again in 15 minutes" in texts(at.error)
    assert button(at, "Sign in").disabled  # even the right passcode cannot be tried now
    assert "Try again in 15 minutes" in texts(at.error)
    upload(at, GOOD)
    assert button(at, "Publish this workbook").disabled
    assert versions(store_folder) == []


def test_publishing_off_has_no_way_to_publish(store_folder):
    at = upload(open_page(OFF_SECRETS), GOOD)
    assert button(at, "Publish this workbook").disabled
    assert "switched off" in texts(at.caption)
    assert not [t for t in at.text_input if t.key in ("signin_passcode", "publish_note")]
    assert versions(store_folder) == []


def test_oidc_analyst_on_the_list_publishes_as_their_email(store_folder):
    at = open_page(OIDC_SECRETS, user={"is_logged_in": True, "email": "ana@example.org"})
    assert "Signed in as **ana@example.org**" in texts(at.markdown)
    upload(at, GOOD)
    publish(at)
    [version] = versions(store_folder)
    assert version.who == "ana@example.org"


def test_oidc_user_not_on_the_list_cannot_publish(store_folder):
    Store(store_folder).publish(GOOD, "first.xlsx", "ana@example.org", "first")
    at = open_page(OIDC_SECRETS, user={"is_logged_in": True, "email": "eve@example.org"})
    assert "You cannot publish or roll back versions" in texts(at.warning)
    assert "not on this dashboard's list of analysts" in texts(at.warning)
    upload(at, workbook_bytes(partnerships=["North", "South", "East"]))
    # no publish or rollback controls at all, only the way out
    assert not [b for b in at.button if b.key in ("publish-button", "rollback-button")]
    assert not [t for t in at.text_input if t.key in ("publish_note", "rollback_note")]
    assert button(at, "Sign out")
    assert len(versions(store_folder)) == 1


def test_oidc_user_on_the_list_whose_email_is_unverified_cannot_publish_and_is_told_why(store_folder):
    at = open_page(OIDC_SECRETS, user={"is_logged_in": True, "email": "ana@example.org", "email_verified": False})
    assert "whose email your sign-in provider has not verified" in texts(at.warning)
    assert "not on this dashboard's list" not in texts(at.warning)
    upload(at, GOOD)
    assert not [b for b in at.button if b.key in ("publish-button", "rollback-button")]
    assert versions(store_folder) == []


def test_oidc_signed_out_user_is_offered_sign_in(store_folder):
    at = open_page(OIDC_SECRETS, user={"is_logged_in": False})
    assert button(at, "Sign in")
    upload(at, GOOD)
    assert button(at, "Publish this workbook").disabled


# ---------------------------------------------------------------- history and rollback

def test_history_lists_versions_and_downloads_exact_bytes(store_folder, monkeypatch):
    store = Store(store_folder)
    second = workbook_bytes(partnerships=["North", "South", "East"])
    store.publish(GOOD, "first.xlsx", "ana@example.org", "first")
    store.publish(second, "second.xlsx", "bo@example.org", "second")
    downloads = {}
    real = streamlit.download_button

    def spy(label, data, *args, **kwargs):
        downloads[kwargs.get("key")] = (data, kwargs.get("file_name"))
        return real(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", spy)
    at = open_page()
    history = table(at, "table-history")
    assert list(history["Version"]) == [2, 1]
    assert list(history["By"]) == ["bo@example.org", "ana@example.org"]
    assert list(history["Note"]) == ["second", "first"]
    assert list(history["Shown now"]) == ["Yes", ""]
    assert list(history["Partnerships"]) == ["", ""]  # published without a summary
    assert downloads["download-version"] == (second, "version-2-second.xlsx")
    at.selectbox(key="history_version").select(1).run()
    assert downloads["download-version"] == (GOOD, "version-1-first.xlsx")
    assert not [b for b in at.button if b.label.startswith("Show version")]  # publishing is off


def test_rollback_creates_version_3_pointing_at_version_1(store_folder):
    store = Store(store_folder)
    v1 = store.publish(GOOD, "first.xlsx", "ana@example.org", "first", {"partnerships": 4})
    store.publish(workbook_bytes(partnerships=["North", "South", "East"]), "second.xlsx", "ana@example.org")
    at = open_page(PASSCODE_SECRETS)
    assert "version 2 (second.xlsx)" in footer(at)
    assert button(at, "Show version 2 to everyone again").disabled  # it is already shown
    sign_in(at, "Bo")
    at.selectbox(key="history_version").select(1).run()
    at.text_input(key="rollback_note").input("Version 2 lost West")
    button(at, "Show version 1 to everyone again").click().run()
    assert not at.exception, at.exception
    assert len(store.versions()) == 2                              # nothing yet: it asks first
    ask = texts(at.warning)
    assert "Show version 1 to everyone again?" in ask
    assert "instead of version 2 ('second.xlsx')" in ask
    assert "Compared with version 2, shown now: 1 partnership added (West)" in ask
    button(at, "Yes, show version 1 to everyone").click().run()
    assert not at.exception, at.exception

    v3 = store.get(3)
    assert (v3.kind, v3.rollback_of, v3.sha256, v3.who, v3.note) == \
        ("rollback", 1, v1.sha256, "Bo", "Version 2 lost West")
    assert v3.summary == {"partnerships": 4}
    assert [v.number for v in store.versions()] == [3, 2, 1]
    assert "Version 3 now shows version 1's workbook" in texts(at.success)
    history = table(at, "table-history")
    assert list(history["Version"]) == [3, 2, 1]
    assert history.iloc[0]["Kind"] == "Rollback to version 1"
    assert "version 3 (first.xlsx)" in footer(at)


def test_rollback_needs_an_analyst(store_folder):
    store = Store(store_folder)
    store.publish(GOOD, "first.xlsx", "ana@example.org")
    store.publish(workbook_bytes(partnerships=["North", "South", "East"]), "second.xlsx", "ana@example.org")
    at = open_page(PASSCODE_SECRETS)
    at.selectbox(key="history_version").select(1).run()
    assert button(at, "Show version 1 to everyone again").disabled
    assert "Sign in as an analyst above to roll back." in texts(at.caption)
    assert len(store.versions()) == 2


# ---------------------------------------------------------------- preview

def test_preview_shows_the_upload_on_every_page_until_stopped(store_folder):
    at = upload(open_page(), GOOD, "mine.xlsx")
    button(at, "Preview the dashboard with this workbook").click().run()
    assert not at.exception
    assert at.session_state["preview"].source.kind == "upload"
    assert "Preview of your upload 'mine.xlsx'" in texts(at.warning)
    assert "Preview of your upload mine.xlsx" in footer(at)
    assert versions(store_folder) == []  # nothing published

    at.switch_page("views/overview.py").run()
    assert not at.exception
    if "ui.banner" in (ROOT / "views" / "overview.py").read_text():
        assert "Preview of your upload 'mine.xlsx'" in texts(at.warning)
        button(at, "Stop preview").click().run()
    else:  # the overview page is still being written; stop from the data page instead
        at.switch_page("views/data.py").run()
        button(at, "Stop preview").click().run()
    assert not at.exception
    assert "preview" not in at.session_state
    assert "Preview of your upload" not in texts(at.warning)


def test_banner_offers_stop_preview_on_any_page():
    script = "import ui\nv = ui.view()\nui.banner(v)\nui.footer(v.source)\n"
    at = AppTest.from_string(script, default_timeout=60)
    at.session_state["preview"] = ui.read_upload(GOOD, "mine.xlsx")
    at.run()
    assert not at.exception
    assert "Preview of your upload 'mine.xlsx'" in texts(at.warning)
    button(at, "Stop preview").click().run()
    assert not at.exception
    assert "preview" not in at.session_state
    assert not at.warning
    assert "shipped sample" in at.caption[-1].value


# ---------------------------------------------------------------- the checked upload is kept

def away_and_back(at: AppTest, page: str = "views/criteria.py") -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, at.exception
    at.switch_page("views/data.py").run()
    assert not at.exception, at.exception
    return at


def test_a_previewed_upload_stays_when_the_page_is_left_until_it_is_published(store_folder):
    at = open_page(PASSCODE_SECRETS)
    sign_in(at)
    upload(at, GOOD, "mine.xlsx")
    button(at, "Preview the dashboard with this workbook").click().run()
    away_and_back(at)
    assert at.file_uploader(key="upload").value is None             # Streamlit emptied the uploader
    assert "Preview of your upload 'mine.xlsx'" in texts(at.warning)
    assert "Kept from earlier in this session: 'mine.xlsx'" in texts(at.info)
    assert "'mine.xlsx' can be used." in texts(at.success)
    assert "Upload and check a workbook above first." not in texts(at.caption)
    assert not button(at, "Publish this workbook").disabled
    publish(at)
    [version] = versions(store_folder)
    assert (version.filename, version.sha256) == ("mine.xlsx", hashlib.sha256(GOOD).hexdigest())
    assert Store(store_folder).read_bytes(1) == GOOD
    assert "Published as version 1" in texts(at.success)
    away_and_back(at)                                               # published: no longer kept
    assert "Kept from earlier" not in texts(at.info)
    assert "Upload and check a workbook above first." in texts(at.caption)


def test_stopping_the_preview_on_another_page_lets_the_kept_upload_go(store_folder):
    at = upload(open_page(PASSCODE_SECRETS), GOOD, "mine.xlsx")
    button(at, "Preview the dashboard with this workbook").click().run()
    at.switch_page("views/criteria.py").run()
    button(at, "Stop preview").click().run()
    assert not at.exception, at.exception
    at.switch_page("views/data.py").run()
    assert "Kept from earlier" not in texts(at.info) and "preview" not in at.session_state
    assert "Upload and check a workbook above first." in texts(at.caption)


def test_an_upload_not_previewed_stays_too_and_can_be_removed(store_folder):
    at = away_and_back(upload(open_page(), GOOD, "mine.xlsx"), "views/overview.py")
    assert "Kept from earlier in this session: 'mine.xlsx'" in texts(at.info)
    assert "would be version 1" in texts(at.markdown)
    button(at, "Remove this upload").click().run()
    assert not at.exception, at.exception
    assert "Kept from earlier" not in texts(at.info) and not at.success
    assert not [b for b in at.button if b.label == "Preview the dashboard with this workbook"]


def test_a_new_upload_replaces_the_kept_one(store_folder):
    at = away_and_back(upload(open_page(), GOOD, "first.xlsx"))
    other = workbook_bytes(partnerships=["North", "South", "East"])
    upload(at, other, "second.xlsx")
    assert "Kept from earlier" not in texts(at.info)
    assert "'second.xlsx' can be used." in texts(at.success) and "'first.xlsx'" not in texts(at.success)
    away_and_back(at)
    assert "Kept from earlier in this session: 'second.xlsx'" in texts(at.info)


# ---------------------------------------------------------------- confirming, what viewers see now

def test_publish_asks_first_saying_what_changes_and_cancel_publishes_nothing(store_folder):
    at = upload(sign_in(open_page(PASSCODE_SECRETS)), GOOD, "mine.xlsx")
    button(at, "Publish this workbook").click().run()
    assert not at.exception, at.exception
    ask = texts(at.warning)
    assert "Publish 'mine.xlsx' for everyone?" in ask
    assert "sees it, as version 1, instead of the shipped sample workbook" in ask
    assert "Compared with the shipped sample: " in ask
    assert versions(store_folder) == []
    button(at, "Cancel").click().run()
    assert not at.exception, at.exception
    assert "for everyone?" not in texts(at.warning)
    assert not button(at, "Publish this workbook").disabled
    assert versions(store_folder) == []


def test_the_first_publish_is_compared_with_the_shipped_sample(store_folder):
    sheets = make_sheets(partnerships=["Fife", "North"], criteria=["1", "12"])
    sheets["Criteria"][2][1] = "Resources"
    at = upload(open_page(), workbook_bytes(sheets))
    assert "What changes against the shipped sample" in headings(at)
    summary = texts(at.markdown)
    assert "1 partnership added (North), 29 partnerships removed" in summary
    assert "Compared with the shipped sample: " in summary and "If published, it would be version 1." in summary
    assert re.search(r"Criteria removed \(\d+\): 2\. National Performance Framework, 3\. Joint Strategic", summary)
    scores = table(at, "table-scores-changes")
    assert "Shown now" in scores.columns and "Published now" not in scores.columns
    fife = scores[(scores["Partnership"] == "Fife") & (scores["Criterion"] == "12. Resources")]
    assert len(fife) >= 1                                               # criteria named, not bare numbers


def test_the_first_publish_is_compared_with_the_csp_workbook_when_it_is_set(store_folder, monkeypatch, tmp_path):
    path = tmp_path / "fixed.xlsx"
    path.write_bytes(workbook_bytes(partnerships=["North", "South", "East"]))
    monkeypatch.setenv("CSP_WORKBOOK", str(path))
    at = upload(open_page(), GOOD)
    assert "What changes against the workbook set by CSP_WORKBOOK (fixed.xlsx)" in headings(at)
    assert "1 partnership added (West)" in texts(at.markdown)


def test_the_workbook_viewers_see_now_can_be_downloaded_before_and_after_publishing(store_folder, media):
    at = open_page()
    name, mime, data = download(at, media, "download-viewers")
    assert (name, data) == (datasource.SAMPLE.name, datasource.SAMPLE.read_bytes())
    assert mime.endswith("spreadsheetml.sheet")
    Store(store_folder).publish(GOOD, "v1.xlsx", "ana@example.org", "first")
    at = open_page()
    assert download(at, media, "download-viewers")[::2] == ("version-1-v1.xlsx", GOOD)


def test_problem_rows_name_their_record_in_the_download_too(store_folder, media):
    sheets = make_sheets()
    sheets["Scores"][6][3] = "Brilliant"                                 # Excel row 7: South, 2023-2026
    at = upload(open_page(), workbook_bytes(sheets), "bad.xlsx")
    rows = csv_frame(download(at, media, "download-problems")[2])
    assert list(rows.columns)[:6] == ["Kind", "Sheet", "Row", "Record", "Column", "Problem"]
    assert rows.loc[rows["Row"] == "7", "Record"].tolist() == ["South, 2023-2026"]


def test_national_figures_that_disagree_are_shown_to_the_analyst_before_publishing(store_folder):
    # scores, 2023-2026 criterion 2 (default pattern): Fully met 1, Partially met 2, Not met 1
    national = [["2023-2026", "2", 3, 1, 0, "Review report 2025"]]
    at = upload(open_page(), workbook_bytes(make_sheets(national=national)), "nat.xlsx")
    assert "'nat.xlsx' can be used." in texts(at.success)
    warning = texts(at.warning)
    assert "The National figures sheet disagrees with the scores** for 1 criterion (2023-2026: 2. Criterion 2)" in warning
    assert "sheet Scores" in warning and "sheet National figures" in warning and "upload the workbook again" in warning
    found = table(at, "table-national-check")
    assert found.to_dict("records") == [
        {"Cycle": "2023-2026", "Criterion": "2. Criterion 2", "Level": level, "Published": published,
         "From the scores": scored, "Difference (published minus scores)": published - scored}
        for level, published, scored in (("Fully met", 3, 1), ("Partially met", 1, 2), ("Not met", 0, 1))]
    agree = upload(open_page(), GOOD)
    assert "disagrees with the scores" not in texts(agree.warning)


def test_an_ods_is_published_and_downloaded_as_an_ods(store_folder, media):
    """Versions keep the file's own format: its exact bytes, named and typed .ods, even when the
    upload's name said .xlsx."""
    from builders import ods_bytes

    ods = ods_bytes(make_sheets())
    at = open_page(PASSCODE_SECRETS)
    upload(at, ods, "Review 2025.xlsx", mime=XLSX)                 # named .xlsx, but an OpenDocument spreadsheet
    sign_in(at)
    publish(at)
    [version] = versions(store_folder)
    assert version.filename == "Review 2025.ods"
    assert Store(store_folder).read_bytes(1) == ods
    name, mime, data = download(at, media, "download-version")
    assert (name, mime, data) == ("version-1-Review 2025.ods", "application/vnd.oasis.opendocument.spreadsheet", ods)
    assert [b.label for b in at.get("download_button") if b.key == "download-version"] == \
        ["Download version 1's workbook (.ods)"]
    name, mime, data = download(at, media, "download-viewers")
    assert name.endswith(".ods") and mime == "application/vnd.oasis.opendocument.spreadsheet" and data == ods


def test_the_template_is_offered_as_xlsx_and_as_ods(store_folder, media):
    at = open_page()
    labels = {b.key: b.label for b in at.get("download_button")}
    assert labels["download-template"] == "Download the empty template (.xlsx, for Excel)"
    assert labels["download-template-ods"] == "Download the empty template (.ods, for LibreOffice)"
    assert download(at, media, "download-template") == (
        "template.xlsx", XLSX, (ROOT / "data" / "template.xlsx").read_bytes())
    assert download(at, media, "download-template-ods") == (
        "template.ods", "application/vnd.oasis.opendocument.spreadsheet", (ROOT / "data" / "template.ods").read_bytes())
