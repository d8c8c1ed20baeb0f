"""Data: upload and publish (the analysts' page, /data).

1. Check an uploaded workbook with the loaders: every error and warning, or what it holds and what
   it changes against the published version (analysis.changes). Preview the dashboard with it in
   this browser session only (st.session_state["preview"]; ui.banner shows "Stop preview").
2. Publish it with a note, as a new version in the store (store.Store), for everyone.
3. History: every version, a download of each one's exact bytes, rollback (a new version).
4. Publishing and rollback need an analyst (auth.publish_mode: oidc, passcode or off).

The checked upload (bytes, name, check result) is kept in st.session_state[CHECKED], not only in the
uploader, which Streamlit empties when the page is left: it stays until it is published, its preview
is stopped, or it is removed. Publish and rollback ask for a confirmation first (CONFIRM), saying what
changes for viewers.

Thin: reads widgets, calls analysis / store / auth / ui, renders. What sign-in, publish, rollback and
their messages do is in publishing.py (no streamlit there; tested without it); this page hands it the
session's state, the secrets, the store and the client's limit key. Actions that change what the
dashboard shows (publish, rollback, sign-in, preview) run as button callbacks, so the run that
follows already reads the new state (the footer names the new version at once).
"""
from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import streamlit as st

import auth
import datasource
import publishing
import ui
from analysis.changes import PUBLISHED, compare, contents_sentence, national_disagreements
from loaders.safety import MAX_FILE_BYTES
from store import Store, StoreError, Version

LIMIT_MB = MAX_FILE_BYTES // (1024 * 1024)
NOTE_MAX = publishing.NOTE_MAX
TABLE_MAX_ROWS = 200           # problems shown as a plain (wrapping) table up to this many
HISTORY_ROWS = 50              # versions shown in the history table (the CSV has every one)
FLASH, CHECKED, CONFIRM, ANALYST = publishing.FLASH, publishing.CHECKED, publishing.CONFIRM, publishing.ANALYST
SESSION_ID = "_data_session_id"
CHANGE_HEADERS = {"partnership": "Partnership", "cycle": "Cycle", "criterion": "Criterion", "sheet": "Sheet",
                  "item": "Item", "field": "Field", "change": "Change", "old": "Published now",
                  "new": "In this upload"}
NATIONAL_HEADERS = {"cycle": "Cycle", "criterion": "Criterion", "level": "Level", "published": "Published",
                    "from_scores": "From the scores", "difference": "Difference (published minus scores)"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _limiter() -> auth.AttemptLimiter:
    """The failed sign-in limits (auth.AttemptLimiter), kept in the store's database: 5 wrong passcodes
    per client (see _client_key) and 50 from everyone per 15 minutes, across restarts and processes."""
    return _limiter_on(str(datasource.store_location()))


@st.cache_resource(show_spinner=False)
def _limiter_on(folder: str) -> auth.AttemptLimiter:
    return auth.AttemptLimiter(Store(folder), max_failures=5, window_seconds=15 * 60, server_max_failures=50)


# ------------------------------------------------------------------------------------ helpers

def _secrets() -> dict:
    """st.secrets as a plain dict; {} when there is no secrets file (reading it would raise)."""
    try:
        return st.secrets.to_dict()
    except Exception:
        return {}


def _session_id() -> str:
    if SESSION_ID not in st.session_state:
        st.session_state[SESSION_ID] = uuid.uuid4().hex
    return st.session_state[SESSION_ID]


def _client_key() -> str:
    """Who the failed-passcode limit counts against: the client's address (so a reload or a new tab
    gives no fresh tries), from X-Forwarded-For only behind a proxy named in secrets
    ([proxy] trusted = [...]; auth.client_address), else auth.UNKNOWN: one limit shared by every
    client whose address the server does not know (never one per session)."""
    try:
        peer = st.context.ip_address
        forwarded = st.context.headers.get_all("X-Forwarded-For")
    except Exception:
        peer, forwarded = None, []
    return auth.limit_key(auth.client_address(peer, forwarded, auth.trusted_proxies(_secrets())))


def _user() -> dict:
    try:
        return dict(st.user.to_dict())
    except Exception:
        return {}


def _analyst(mode: str, secrets: Mapping) -> str | None:
    """Who is publishing: the allowed email (oidc), the signed-in name (passcode), else None."""
    return publishing.analyst(mode, secrets, _user, st.session_state)


def _refused(mode: str, who: str | None) -> bool:
    """Signed in through the provider but not on the analysts' list (oidc only)."""
    return publishing.refused(mode, who, _user)


_passcode_hash = publishing.passcode_hash
_md = publishing.md
_when = publishing.when
_minutes = publishing.minutes


def _flash(where: str, kind: str, message: str) -> None:
    publishing.flash(st.session_state, where, kind, message)


def _show_flash(where: str) -> None:
    flash = st.session_state.get(FLASH)
    if not flash or flash[0] != where:
        return
    _, kind, message = st.session_state.pop(FLASH)
    if kind == "success":
        st.success(message, icon=":material/check_circle:")
    elif kind == "error":
        st.error(message, icon=":material/error:")
    elif kind == "info":
        st.info(message, icon=":material/info:")


def _store() -> Store:
    return Store(datasource.store_location())


def _store_source(version: Version) -> datasource.Source:
    return datasource.Source("store", f"sha:{version.sha256}", None, version.filename, version.number,
                             version.who, _when(version), version.note)


def _published(versions: list[Version]) -> tuple[Version | None, ui.Loaded | None]:
    """The version viewers see (the newest whose file reads, as ui.load does) and its checked data."""
    if not versions:
        return None, None
    loaded = ui._read(f"sha:{versions[0].sha256}", _store_source(versions[0]))
    if loaded.review is not None:
        return versions[0], loaded
    try:
        current = _store().current()
    except StoreError:
        current = None
    if current is None:
        return versions[0], loaded
    return current, ui._read(f"sha:{current.sha256}", _store_source(current))


def _check(data: bytes, filename: str) -> dict:
    """Read and check an upload once per content; kept in this session with its bytes (see _upload)."""
    sha = hashlib.sha256(data).hexdigest()
    checked = st.session_state.get(CHECKED)
    if checked and checked["sha"] == sha and checked["filename"] == filename:
        return checked
    try:
        loaded = ui.read_upload(data, filename)
    except Exception as exc:  # a bug or a file the loaders did not expect: a message, never a traceback
        loaded = ui.Loaded(datasource.upload_source(data, filename), None,
                           f"It could not be checked ({exc.__class__.__name__}). Save it again from Excel "
                           "as .xlsx (or LibreOffice Calc as .ods) and retry; if that does not help, send the "
                           "file to the dashboard's team.")
    checked = {"sha": sha, "filename": filename, "loaded": loaded, "data": data, "keep": True, "previewed": False}
    st.session_state[CHECKED] = checked
    return checked


def _uploaded() -> tuple[bytes, str] | None:
    file = st.session_state.get("upload")
    if file is None:
        return None
    return file.getvalue(), file.name


def _previewing(checked: dict) -> bool:
    preview = st.session_state.get("preview")
    return preview is not None and preview.source.key == f"sha:{checked['sha']}"


def _upload() -> tuple[dict | None, bool]:
    """(the checked upload, whether it is in the uploader now): the file in the uploader, else the one
    kept from earlier in this session (the uploader is emptied when the page is left). A kept upload
    is let go once it is published or its preview is stopped (here or with the banner on any page)."""
    file = _uploaded()
    checked = _check(*file) if file is not None else st.session_state.get(CHECKED)
    if checked is None:
        return None, False
    if checked.get("previewed") and not _previewing(checked):
        checked["previewed"] = checked["keep"] = False      # its preview was stopped
    if file is None and not checked.get("keep"):
        st.session_state.pop(CHECKED, None)
        st.session_state.pop(CONFIRM, None)
        return None, False
    return checked, file is not None


def _upload_changed() -> None:
    """The uploader changed by hand: a new file replaces the kept one; removing it (x) forgets it."""
    st.session_state.pop(CONFIRM, None)
    if st.session_state.get("upload") is None:
        _forget()
    elif CHECKED in st.session_state:
        st.session_state[CHECKED]["keep"] = True


def _forget() -> None:
    st.session_state.pop(CHECKED, None)
    st.session_state.pop(CONFIRM, None)


def _problems(review) -> pd.DataFrame:
    frames = []
    for kind, problems in (("Error", review.errors), ("Warning", review.warnings)):
        if problems:
            frame = ui.problems_frame(problems)
            frame.insert(0, "Kind", kind)
            # whose record the row is, from its own Partnership and Cycle cells ("Fife, 2023-2026")
            frame.insert(frame.columns.get_loc("Row") + 1, "Record", [p.record or "" for p in problems])
            frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["Kind", "Sheet", "Row", "Record", "Column", "Problem"])
    out = pd.concat(frames, ignore_index=True)
    out["Row"] = out["Row"].astype("Int64")
    return out


def _problems_table(problems: pd.DataFrame) -> None:
    """Every problem in full: a plain table wraps long messages; a very long list scrolls instead."""
    if len(problems) <= TABLE_MAX_ROWS:
        shown = problems.assign(Row=[str(r) if pd.notna(r) else "" for r in problems["Row"]])
        ui.table(shown)
    else:
        st.dataframe(problems, hide_index=True, key="table-problems",
                     column_config={"Kind": st.column_config.TextColumn(width="small"),
                                    "Row": st.column_config.NumberColumn(width="small"),
                                    "Record": st.column_config.TextColumn(width="medium"),
                                    "Problem": st.column_config.TextColumn(width="large")})
        st.caption("Long messages are cut short in this table; the download below has them in full.")


# ------------------------------------------------------------------------------------ actions

def _sign_in(expected_hash: str) -> None:
    publishing.sign_in(st.session_state, _limiter(), _client_key(), expected_hash)


def _sign_out() -> None:
    st.session_state.pop(ANALYST, None)


def _preview(loaded: ui.Loaded) -> None:
    st.session_state["preview"] = loaded
    checked = st.session_state.get(CHECKED)
    if checked is not None and loaded.source.key == f"sha:{checked['sha']}":
        checked["previewed"] = True                        # kept until published or the preview stops
    _flash("check", "info", f"Preview on: every page now shows '{_md(loaded.source.filename)}', in this browser only. "
                   "Choose a page in the menu to look; use **Stop preview** in the banner to go back.")


def _ask(action: str, what) -> None:
    """First step of publish or rollback: the page then says what changes and asks to confirm."""
    st.session_state[CONFIRM] = (action, what)


def _cancel() -> None:
    st.session_state.pop(CONFIRM, None)


def _publish() -> None:
    publishing.publish(st.session_state, _secrets(), _user, _store(), _check)


def _rollback() -> None:
    publishing.rollback(st.session_state, _secrets(), _user, _store())


# ------------------------------------------------------------------------------------ sections

def _status(current: Version | None, published: ui.Loaded | None, store_problem: str | None = None) -> None:
    env = datasource.locate()
    if env.kind == "env":
        st.warning(f"This server shows the workbook set by CSP_WORKBOOK ({_md(env.filename)}) to everyone. Versions "
                   "published here are kept, but viewers see them only once that setting is removed.",
                   icon=":material/warning:")
    if current is None and store_problem:
        pass  # not known: the error below says why
    elif current is None:
        st.info("Nothing has been published yet, so the dashboard shows the shipped sample workbook "
                "(illustrative data).", icon=":material/info:")
    else:
        note = f' Note: "{_md(current.note)}"' if current.note else ""
        st.info(f"**Published now: version {current.number}** ({_md(current.filename)}), published "
                f"{_when(current)} by {_md(current.who)}.{note}", icon=":material/public:")
        if published is not None and published.review is None:
            st.error(f"The published workbook could not be read ({_md(published.unreadable)}), so changes below are "
                     "not compared with it.")
    _viewers_download(env, current)


def _viewers_download(viewers: datasource.Source, current: Version | None) -> None:
    """The workbook viewers see now, exactly as it is, also before anything is published."""
    if viewers.kind == "store" and current is not None:
        data, name = (lambda: _store().read_bytes(current)), f"version-{current.number}-{current.filename}"
    elif viewers.kind in ("sample", "env") and viewers.path and Path(viewers.path).is_file():
        data, name = (lambda: datasource.read_bytes(viewers)), viewers.filename
    else:
        return
    suffix, mime = datasource.file_type(name)
    st.download_button(f"Download the workbook viewers see now ({suffix})", data, file_name=name,
                       key="download-viewers", mime=mime, on_click="ignore", icon=":material/download:",
                       help="Exactly the file the dashboard shows everyone now, to start the next version from.")


def _baseline(current: Version | None, published: ui.Loaded | None) -> tuple[ui.Loaded | None, str]:
    """What an upload is compared with, and its name: the published version; with nothing published,
    what viewers see now (the shipped sample, or the workbook set by CSP_WORKBOOK)."""
    if current is not None:
        return published, PUBLISHED
    viewers = datasource.locate()
    if viewers.kind not in ("sample", "env"):
        return None, PUBLISHED
    name = "the shipped sample" if viewers.is_sample else f"the workbook set by CSP_WORKBOOK ({viewers.filename})"
    return ui._read(viewers.key, viewers), name


def _changes_section(review, published: ui.Loaded | None, against: str, first_version: bool):
    """What the upload changes against `published` (what viewers see now, named `against`); returns the Changes."""
    old = published.review if published is not None and published.review is not None and published.review.ok \
        else None
    key = (st.session_state[CHECKED]["sha"], published.source.key if old is not None else None, against)
    cached = st.session_state.get("_data_changes")
    if cached and cached[0] == key:
        changes = cached[1]
    else:
        changes = compare(old, review, against)
        st.session_state["_data_changes"] = (key, changes)

    ui.heading(f"What changes against {against}", level=3)
    later = " If published, it would be version 1." if first_version and not changes.first else ""
    ui.text(changes.summary + later)
    if changes.first:
        return changes
    lists = []
    for what in ("partnerships", "criteria", "cycles"):
        for kind in ("added", "removed"):
            items = getattr(changes, f"{what}_{kind}")
            if items:
                lists.append(f"{what.capitalize()} {kind} ({len(items)}): {', '.join(items)}")
    if lists:
        ui.text(*[part for line in lists for part in (line, ui.Html("<br>"))][:-1])
    counts = changes.counts
    for frame, what, prefix in ((changes.scores, "Scores", "scores"), (changes.dates, "Submission dates", "dates"),
                                (changes.details, "Other details", "details")):
        if frame.empty:
            continue
        filename = f"{prefix.rstrip('s')}-changes.csv"
        parts = [f"{counts[f'{prefix}_{k}']:,} {k}" for k in ("changed", "added", "removed")
                 if counts[f"{prefix}_{k}"]]
        st.markdown(f"**{what} that differ: {', '.join(parts)}**")
        table = frame.rename(columns={**CHANGE_HEADERS, "old": "Published now" if against == PUBLISHED else
                                      "Shown now"})
        st.dataframe(table, hide_index=True, key=f"table-{prefix}-changes")
        ui.download_csv(table, filename, key=f"download-{prefix}-changes",
                        label=f"Download the {what.lower()} that differ (CSV)",
                        illustrative=review.illustrative or (old is not None and old.illustrative))
    if not changes.scores.empty or not changes.dates.empty or not changes.details.empty:
        st.caption("'—' means the workbook has no row for it; '(blank)' means the row is there but the cell "
                   "is empty.")
    return changes


def _national_section(checked: dict) -> None:
    """National figures that disagree with the scores: the analyst sees them now, before viewers do."""
    if "national" not in checked:
        checked["national"] = national_disagreements(checked["loaded"].review)
    found = checked["national"]
    if found.empty:
        return
    pairs = found[["cycle", "criterion"]].drop_duplicates()
    where = "; ".join(f"{cycle}: {', '.join(group['criterion'])}" for cycle, group in pairs.groupby("cycle", sort=False))
    st.warning(f"**The National figures sheet disagrees with the scores** for {len(pairs)} "
               f"{'criterion' if len(pairs) == 1 else 'criteria'} ({_md(where)}). Once published, the Criteria "
               "coverage page tells every viewer that the published figures and the scores disagree, and its "
               "charts use the scores.\n\n"
               "**What to do**: for each row below, check which is right. If a score is wrong, correct it in "
               "sheet Scores; if a published figure was copied wrongly, correct it in sheet National figures. "
               "Then upload the workbook again.", icon=":material/warning:")
    st.dataframe(found.rename(columns=NATIONAL_HEADERS), hide_index=True, key="table-national-check")


def _check_section(published: ui.Loaded | None, against: str, first_version: bool) -> dict | None:
    st.header("1. Check a workbook", anchor="check")
    st.markdown("Upload a review workbook to check it. Nothing is published yet: you see every problem, or "
                "what the workbook holds and what it would change, and can preview the dashboard with it.")
    st.file_uploader(f"Review workbook (.xlsx or .ods, up to {LIMIT_MB} MB)", type=["xlsx", "ods"], key="upload",
                     max_upload_size=LIMIT_MB, on_change=_upload_changed,
                     help=f"An Excel workbook (.xlsx) or OpenDocument spreadsheet (.ods, as LibreOffice Calc "
                          f"saves) in the review format, no larger than {LIMIT_MB} MB. Old .xls files, CSV "
                          "files and password-protected workbooks cannot be read.")
    st.caption(f"Excel workbooks (.xlsx) or OpenDocument spreadsheets (.ods) only, up to {LIMIT_MB} MB. "
               "Start from the template if you are making a new one.")
    for path, key, where in ((datasource.TEMPLATE, "download-template", "for Excel"),
                             (datasource.TEMPLATE_ODS, "download-template-ods", "for LibreOffice")):
        if path.exists():   # the same template, with the same drop-down lists, in each format
            suffix, mime = datasource.file_type(path.name)
            st.download_button(f"Download the empty template ({suffix}, {where})", path.read_bytes(),
                               file_name=path.name, key=key, on_click="ignore", mime=mime, icon=":material/download:")
    checked, in_uploader = _upload()
    if checked is None:
        return None
    if not in_uploader:
        c1, c2 = st.columns([4, 1], vertical_alignment="center")
        c1.info(f"**Kept from earlier in this session: '{_md(checked['filename'])}'**, checked as below. It stays "
                "here until you publish it, stop its preview or remove it; upload another workbook to replace it.",
                icon=":material/inventory_2:")
        c2.button("Remove this upload", key="forget-upload", on_click=_forget, icon=":material/close:",
                  width="stretch")
    loaded = checked["loaded"]
    review = loaded.review
    if review is None:
        st.error(f"**'{_md(loaded.source.filename)}' cannot be read.** {loaded.unreadable}", icon=":material/error:")
        return checked
    problems = _problems(review)
    if not review.ok:
        warnings = f" and {len(review.warnings)} warning(s)" if review.warnings else ""
        app = datasource.app_for(checked["data"])
        st.error(f"**'{_md(loaded.source.filename)}' has {len(review.errors)} error(s){warnings}, so it cannot be used "
                 f"or published.** Fix the errors in {app} and upload it again. Each problem is listed with its "
                 f"sheet, the row number as {app} shows it, and the column.", icon=":material/error:")
        _problems_table(problems)
        ui.download_csv(problems, "workbook-problems.csv", key="download-problems",
                        label="Download the list of problems (CSV)", illustrative=False)
        return checked
    st.success(f"**'{_md(loaded.source.filename)}' can be used.** {contents_sentence(review)}",
               icon=":material/check_circle:")
    if review.illustrative:
        st.info("**This workbook is marked illustrative (About sheet)**: its per-partnership scores and dates "
                "are made up. Every page, download and report that shows them says so, also once it is "
                "published.", icon=":material/info:")
    if review.warnings:
        with st.expander(f"{len(review.warnings)} warning(s): the workbook can still be used", expanded=True):
            _problems_table(problems)
            ui.download_csv(problems, "workbook-warnings.csv", key="download-problems",
                            label="Download the list of warnings (CSV)", illustrative=False)
    _national_section(checked)
    checked["changes"] = _changes_section(review, published, against, first_version)
    previewing = st.session_state.get("preview")
    if previewing is not None and previewing.source.key == loaded.source.key:
        st.caption("You are previewing this workbook: every page shows it, in this browser only.")
    else:
        st.button("Preview the dashboard with this workbook", key="preview-button", icon=":material/visibility:",
                  on_click=_preview, args=(loaded,),
                  help="Every page shows this workbook instead of the published data, in this browser session "
                       "only, until you stop the preview. Nobody else sees it.")
    _show_flash("check")
    return checked


def _sign_in_section(mode: str, secrets: Mapping) -> str | None:
    """The analyst's sign-in for the current mode; returns who is signed in (or None)."""
    who = _analyst(mode, secrets)
    if mode == "off":
        st.info("**Publishing is switched off on this server**: no analysts' passcode or sign-in is set up, so "
                "anyone can check and preview a workbook here, but nobody can publish or roll back.\n\n"
                "To switch it on, whoever runs the server:\n"
                "1. runs `python -m auth hash` in the dashboard's folder and types the new passcode twice;\n"
                "2. creates `.streamlit/secrets.toml` in the folder the dashboard runs from, if it is not there "
                "yet, and pastes in the three lines it prints: a `#` comment, `[analysts]` and "
                "`passcode_hash = \"scrypt$…\"` (only the `passcode_hash` line if the file already has "
                "`[analysts]`);\n"
                "3. restarts the dashboard.", icon=":material/lock:")
        return None
    if mode == "oidc":
        user = _user()
        if who:
            c1, c2 = st.columns([3, 1], vertical_alignment="center")
            c1.markdown(f"Signed in as **{_md(who)}** (an analyst).")
            c2.button("Sign out", key="signout", on_click=st.logout, icon=":material/logout:")
            return who
        if user.get("is_logged_in"):
            email = user.get("email")
            account = _md(email) if email else "an account that gives no email address"
            unverified = auth.email_allowed(email, secrets)  # on the list: refused only as unverified
            why = ("whose email your sign-in provider has not verified, so it cannot publish here"
                   if unverified else "which is not on this dashboard's list of analysts")
            st.warning(f"**You cannot publish or roll back versions.** You are signed in as {account}, {why}. "
                       "You can still check and preview a workbook. "
                       "If you should be able to publish, ask whoever runs the dashboard to add your email to "
                       "the list (`[analysts] emails` in its secrets), or sign out and sign in with another "
                       "account.", icon=":material/lock:")
            st.button("Sign out", key="signout", on_click=st.logout, icon=":material/logout:")
            return None
        st.markdown("Publishing and rolling back need an analyst. Sign in with your work account: you go to "
                    "its sign-in page and come back to the dashboard's first page; open this page again to "
                    "publish.")
        section = secrets.get("auth") if isinstance(secrets.get("auth"), Mapping) else {}
        providers = [k for k, v in section.items() if isinstance(v, Mapping)] if "client_id" not in section else []
        if len(providers) > 1:
            for provider in providers:
                st.button(f"Sign in with {provider}", key=f"signin-{provider}", on_click=st.login,
                          args=(provider,), icon=":material/login:")
        else:
            st.button("Sign in", key="signin", on_click=st.login, args=tuple(providers), icon=":material/login:")
        return None
    # passcode
    if who:
        c1, c2 = st.columns([3, 1], vertical_alignment="center")
        c1.markdown(f"Signed in as **{_md(who)}** with the analysts' passcode.")
        c2.button("Sign out", key="signout", on_click=_sign_out, icon=":material/logout:")
        return who
    limiter, key = _limiter(), _client_key()
    wait = limiter.seconds_until_allowed(key)
    st.markdown("Publishing and rolling back need an analyst: type your name (it is recorded with each version) "
                "and the analysts' passcode.")
    expected = _passcode_hash(secrets)
    with st.form("signin-form", border=True, enter_to_submit=True):
        st.text_input("Your name", key="signin_name", max_chars=80, placeholder="e.g. Ana Analyst")
        st.text_input("Analysts' passcode", key="signin_passcode", type="password")
        st.form_submit_button("Sign in", on_click=_sign_in, args=(expected,), disabled=wait > 0,
                              icon=":material/login:")
    if wait > 0:
        st.error(f"Too many wrong passcodes from this browser. Try again in {_minutes(wait)}.",
                 icon=":material/timer:")
    else:
        st.caption("After 5 wrong passcodes, signing in pauses for 15 minutes.")
    return None


def _publish_section(mode: str, secrets: Mapping, checked: dict | None, current: Version | None) -> str | None:
    """Sign-in, note and the publish button; returns who is signed in as an analyst (or None)."""
    st.header("2. Publish", anchor="publish")
    st.markdown("Publishing makes the checked workbook the new version that everyone sees. Each publish is kept "
                "as its own version, exactly as uploaded, and can be rolled back.")
    who = _sign_in_section(mode, secrets)
    _show_flash("signin")
    if _refused(mode, who):
        return None                     # signed in, not an analyst: no publish controls at all
    reason = None
    if mode == "off":
        reason = "Publishing is switched off on this server (see above)."
    elif checked is None:
        reason = "Upload and check a workbook above first."
    elif checked["loaded"].review is None:
        reason = "This file cannot be read, so it cannot be published."
    elif not checked["loaded"].review.ok:
        reason = "This workbook has errors, so it cannot be published. Fix them and upload it again."
    elif current is not None and current.sha256 == checked["sha"]:
        reason = f"This workbook is already the published version (version {current.number})."
    elif who is None:
        reason = "Sign in as an analyst above to publish."
    if mode != "off":
        st.text_input("Note for this version (what changed and why)", key="publish_note", max_chars=NOTE_MAX,
                      placeholder="e.g. Added the 2023-2026 scores", disabled=reason is not None)
    asked = reason is None and st.session_state.get(CONFIRM) == ("publish", checked["sha"])
    st.button("Publish this workbook", key="publish-button", type="primary", icon=":material/publish:",
              on_click=_ask, args=("publish", checked["sha"] if checked else None), disabled=reason is not None,
              help="Asks you to confirm first, saying what changes for viewers.")
    if asked:
        _confirm_publish(checked, current)
    _show_flash("publish")
    if reason:
        st.caption(reason)
    return who


def _viewers_now(current: Version | None) -> str:
    if current is not None:
        return f"version {current.number} ('{_md(current.filename)}')"
    return "the shipped sample workbook" if datasource.locate().is_sample else "the workbook they see now"


def _env_note() -> str:
    env = datasource.locate()
    if env.kind != "env":
        return ""
    return (f"\n\nThis server shows the workbook set by CSP_WORKBOOK ({_md(env.filename)}) to viewers: they see "
            "this change only once that setting is removed.")


def _confirm_publish(checked: dict, current: Version | None) -> None:
    """Second step of publishing: what changes for viewers, then Yes or Cancel (both reachable by Tab)."""
    changes = checked.get("changes")
    summary = f" {_md(changes.summary)}" if changes is not None and not changes.first else ""
    number = 1 if current is None else current.number + 1
    st.warning(f"**Publish '{_md(checked['filename'])}' for everyone?** From their next page load, every viewer "
               f"sees it, as version {number}, instead of {_viewers_now(current)}.{summary}{_env_note()}",
               icon=":material/campaign:")
    c1, c2 = st.columns(2)
    c1.button("Yes, publish it for everyone", key="confirm-publish", type="primary", on_click=_publish,
              icon=":material/check:", width="stretch")
    c2.button("Cancel", key="cancel-publish", on_click=_cancel, icon=":material/close:", width="stretch")


def _confirm_rollback(chosen: Version, current: Version | None) -> None:
    """Second step of a rollback: what changes for viewers, then Yes or Cancel."""
    summary = ""
    key = (current.sha256 if current is not None else None, chosen.sha256)
    cached = st.session_state.get("_data_rollback_changes")
    if cached and cached[0] == key:
        summary = cached[1]
    elif current is not None:
        old = ui._read(f"sha:{current.sha256}", _store_source(current)).review
        new = ui._read(f"sha:{chosen.sha256}", _store_source(chosen)).review
        if old is not None and new is not None and old.ok and new.ok:
            summary = " " + _md(compare(old, new, f"version {current.number}, shown now").summary)
        st.session_state["_data_rollback_changes"] = (key, summary)
    st.warning(f"**Show version {chosen.number} to everyone again?** From their next page load, every viewer sees "
               f"version {chosen.number}'s workbook ('{_md(chosen.filename)}', published {_when(chosen)} by "
               f"{_md(chosen.who)}) instead of {_viewers_now(current)}.{summary} This adds a new version; nothing "
               f"is deleted.{_env_note()}", icon=":material/campaign:")
    c1, c2 = st.columns(2)
    c1.button(f"Yes, show version {chosen.number} to everyone", key="confirm-rollback", type="primary",
              on_click=_rollback, icon=":material/check:", width="stretch")
    c2.button("Cancel", key="cancel-rollback", on_click=_cancel, icon=":material/close:", width="stretch")


def _history_section(versions: list[Version], current: Version | None, who: str | None, mode: str) -> None:
    st.header("3. Version history", anchor="history")
    if not versions:
        st.markdown("Nothing has been published yet.")
        return
    rows = [{
        "Version": v.number,
        "Shown now": "Yes" if current is not None and v.number == current.number else "",
        "Published (UTC)": v.published_at[:16].replace("T", " "),
        "By": v.who,
        "File": v.filename,
        "Note": v.note,
        "Kind": f"Rollback to version {v.rollback_of}" if v.kind == "rollback" else "Publish",
        "Partnerships": v.summary.get("partnerships"),
        "Cycles": v.summary.get("cycles"),
        "Scores": v.summary.get("scores"),
        "Warnings": v.summary.get("warnings"),
    } for v in versions]
    table = pd.DataFrame(rows)
    for column in ("Partnerships", "Cycles", "Scores", "Warnings"):
        table[column] = pd.array(table[column], dtype="Int64")
    st.markdown(f"{len(versions)} version(s), newest first. A rollback is a new version that shows an older "
                "version's workbook again; nothing is ever changed or deleted.")
    shown = table.head(HISTORY_ROWS).astype({c: "string" for c in ("Partnerships", "Cycles", "Scores", "Warnings")})
    ui.table(shown)  # a plain table wraps notes instead of cutting them; its text shown as written
    if len(table) > HISTORY_ROWS:
        st.caption(f"The newest {HISTORY_ROWS} versions are shown; the download has all {len(table)}.")
    ui.download_csv(table, "version-history.csv", key="download-history", label="Download the history (CSV)",
                    illustrative=False)

    st.subheader("Download or roll back a version")
    by_number = {v.number: v for v in versions}
    st.selectbox("Version", list(by_number), key="history_version",
                 format_func=lambda n: f"Version {n}: {by_number[n].filename}, {_when(by_number[n])}")
    chosen = by_number.get(st.session_state.get("history_version"), versions[0])
    try:
        data = _store().read_bytes(chosen)
    except StoreError as exc:
        st.error(str(exc), icon=":material/error:")
    else:
        name = datasource.with_suffix(data, f"version-{chosen.number}-{chosen.filename}")
        suffix, mime = datasource.file_type(name)
        st.download_button(f"Download version {chosen.number}'s workbook ({suffix})", data,
                           file_name=name, key="download-version", mime=mime,
                           on_click="ignore", icon=":material/download:")
    if mode == "off" or _refused(mode, who):
        return
    reason = None
    if current is not None and chosen.sha256 == current.sha256:
        reason = f"Version {chosen.number}'s workbook is what everyone sees now."
    elif who is None:
        reason = "Sign in as an analyst above to roll back."
    st.text_input("Note for the rollback (why)", key="rollback_note", max_chars=NOTE_MAX,
                  disabled=reason is not None, placeholder="e.g. Version 4 had the wrong cycle dates")
    asked = reason is None and st.session_state.get(CONFIRM) == ("rollback", chosen.number)
    st.button(f"Show version {chosen.number} to everyone again", key="rollback-button", on_click=_ask,
              args=("rollback", chosen.number), disabled=reason is not None, icon=":material/history:",
              help="Asks you to confirm first. Adds a new version that points at this version's workbook; "
                   "nothing is deleted.")
    if asked:
        _confirm_rollback(chosen, current)
    _show_flash("history")
    if reason:
        st.caption(reason)


# ------------------------------------------------------------------------------------ plans (issue 21)

PLAN_UPLOAD = "plan_upload_round"   # bumped after plans are kept: a fresh, empty uploader


def _plan_attachments(files, review) -> list:
    """Each uploaded PDF checked and matched once (by name and content) for this session."""
    from plans.attach import attachment

    memo = st.session_state.setdefault("_plan_checked", {})
    out = []
    for f in files:
        data = f.getvalue()
        key = (f.name, hashlib.sha256(data).hexdigest())
        if key not in memo:
            memo[key] = attachment(data, f.name, review)
        out.append(memo[key])
    return out


def _keep_plans(kept: list, who: str) -> None:
    """on_click of "Keep these plans": each usable one stored; the rest say why not."""
    done, failed = [], []
    for a in kept:
        try:
            _store().add_plan(a.data, a.filename, a.partnership, a.cycle, a.pages, who)
            done.append(f"{a.partnership}, {a.cycle}")
        except StoreError as exc:
            failed.append(str(exc))
    said = (f"Kept {len(done)} plan(s): " + "; ".join(_md(d) for d in done)
            + ". Each shows on its partnership's page and in Search the plans." if done else "")
    if failed:
        said += (" " if said else "") + "Not kept: " + " ".join(_md(f) for f in failed)
    _flash("plans", "error" if failed and not done else "success", said)
    st.session_state[PLAN_UPLOAD] = st.session_state.get(PLAN_UPLOAD, 0) + 1
    st.session_state.pop("_plan_checked", None)


def _plans_section(who: str | None, mode: str) -> None:
    from plans import MAX_PLAN_BYTES
    from plans.attach import check_choice

    st.header("4. Plans", anchor="plans")
    st.markdown("The plans the scores were made on, as PDFs: their passages show on each partnership's page, "
                "beside its scores, and in Search the plans. Each file is kept exactly as uploaded, with who "
                "added it and when; a newer file for the same partnership and cycle takes its place, and "
                "nothing is deleted.")
    try:
        kept = _store().plans()
    except StoreError as exc:
        st.error(f"The plans kept cannot be read just now: {_md(exc)}", icon=":material/error:")
        return
    _show_flash("plans")
    loaded = st.session_state.get("_loaded")
    review = loaded.review if loaded is not None else None
    if kept:
        ok = review is not None and review.ok
        known = (set(review.partnerships["partnership"]), set(map(str, review.cycles["cycle"]))) if ok else None
        seen, rows = set(), []
        for p in kept:
            # the plan a page uses: the newest of its pair, for a partnership and cycle the workbook has
            used = (p.partnership, p.cycle) not in seen and known is not None and \
                p.partnership in known[0] and p.cycle in known[1]
            rows.append({"Partnership": p.partnership, "Cycle": p.cycle, "File": p.filename, "Pages": str(p.pages),
                         "Added (UTC)": p.added_at[:16].replace("T", " "), "By": p.who,
                         "Used now": "Yes" if used else ""})
            seen.add((p.partnership, p.cycle))
        ui.table(pd.DataFrame(rows))
    else:
        st.markdown("No plans have been added yet.")
    if who is None:
        st.caption("Adding plans needs an analyst: sign in above." if mode != "off" else
                   "Adding plans is switched off on this server, like publishing (see above).")
        return
    if review is None or not review.ok:
        st.caption("Plans are matched to the partnerships of the published workbook, which cannot be read now.")
        return
    files = st.file_uploader(f"Plans (PDF, up to {MAX_PLAN_BYTES // 2**20} MB each)", type=["pdf"],
                             accept_multiple_files=True, key=f"plan_upload_{st.session_state.get(PLAN_UPLOAD, 0)}",
                             max_upload_size=MAX_PLAN_BYTES // 2**20,
                             help="One or many plans at once. Each is matched to a partnership and cycle by its file "
                                  "name (e.g. fife-2023-2026.pdf); change the match below if it is wrong.")
    if not files:
        return
    partnerships = list(review.partnerships["partnership"])
    cycles = [str(c) for c in review.cycles["cycle"]]
    ready, first = [], {}   # (partnership, cycle) -> the file above that is its plan
    for i, a in enumerate(_plan_attachments(files, review)):
        with st.container(border=True):
            if a.problem:
                ui.text(ui.strong(a.filename), ": cannot be kept. ", a.problem)
                continue
            ui.text(ui.strong(a.filename), f": {a.pages} page{'s' if a.pages != 1 else ''}, text readable.")
            left, right = st.columns(2)
            a.partnership = left.selectbox(
                "Whose plan", partnerships, key=f"plan_who_{i}_{a.filename}",
                index=partnerships.index(a.partnership) if a.partnership in partnerships else None,
                placeholder="Choose the partnership")
            a.cycle = right.selectbox("Cycle", cycles, key=f"plan_cycle_{i}_{a.filename}",
                                      index=cycles.index(a.cycle) if a.cycle in cycles else None)
            why = check_choice(a, partnerships, cycles)
            if not why and (a.partnership, a.cycle) in first:   # only one of them could be its plan
                why = (f"'{first[a.partnership, a.cycle]}' above is already the plan of {a.partnership} for {a.cycle}: "
                       "choose another partnership or cycle for this one, or leave it out.")
            if why:
                ui.caption(why)
            else:
                first[a.partnership, a.cycle] = a.filename
                ready.append(a)
    st.button(f"Keep {len(ready)} plan(s)", key="keep_plans", type="primary", disabled=not ready,
              on_click=_keep_plans, args=(ready, who), icon=":material/upload_file:")


# ------------------------------------------------------------------------------------ page

st.title("Data: upload and publish")
st.markdown("For the analysts who keep the review data. Anyone can check a workbook and preview the dashboard "
            "with it; publishing it for everyone needs an analyst.")
if st.session_state.get("hide"):
    # This page shows workbooks as they are (file names, every partnership's name, the workbook itself
    # to download): none of it can be shown while other partnerships' names are hidden.
    st.info("**Other partnerships' names are hidden**, and this page shows workbooks as they are, with every "
            "partnership's name, so it is not shown now. Switch off \"Hide other partnerships' names\" in the "
            "sidebar to check, publish or download a workbook.", icon=":material/visibility_off:")
    ui.footer(st.session_state["_loaded"].source if "_loaded" in st.session_state else datasource.locate())
    st.stop()
preview = st.session_state.get("preview")
if preview is not None:
    ui.banner(ui.View(preview, preview.review, "", None, None, False))
elif ui.shown_illustrative():
    st.info(ui.ILLUSTRATIVE, icon=":material/info:")  # the data shown is illustrative, like every page says

secrets = _secrets()
mode = auth.publish_mode(secrets)
try:
    versions = _store().versions()
    store_problem = None
except StoreError as exc:
    versions, store_problem = [], str(exc)
current, published = _published(versions)
_status(current, published, store_problem)
if store_problem:
    st.error(f"The store of published versions cannot be opened: {_md(store_problem)}", icon=":material/error:")

baseline, against = _baseline(current, published)
checked = _check_section(baseline, against, current is None)
who = _publish_section(mode, secrets, checked, current)
_history_section(versions, current, who, mode)
_plans_section(who, mode)
if (shown := st.session_state.get("_loaded")) is not None and shown.review is not None and shown.review.ok:
    st.header("Download the data", anchor="download-data")
    ui.download_data(ui.view())   # the data this session shows, as a statistics spreadsheet
ui.footer(st.session_state["_loaded"].source if "_loaded" in st.session_state else datasource.locate())
st.session_state.pop(FLASH, None)  # a message whose section was not shown this time is dropped
