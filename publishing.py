"""What the Data page does besides drawing it: who is an analyst, signing in with the passcode
(within the limits on wrong passcodes), publishing and rolling back, and the one-time messages that
report each ("flash": (section, kind, message), shown once next to the control that did it).

No streamlit here. Each action takes the session's state (st.session_state on the page, a dict in
tests: any MutableMapping), the secrets, the store and whatever the page reads from Streamlit (the
signed-in user, the client's limit key) as arguments; views/data.py passes them in and draws.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, MutableMapping

import auth
import datasource
from analysis.changes import contents
from store import Store, StoreError, Version

NOTE_MAX = 200
FLASH = "_data_flash"          # (section, kind, message) shown once after an action
CHECKED = "_data_checked"      # {"sha", "filename", "loaded", "data", "keep", "previewed"}: the checked upload
CONFIRM = "_data_confirm"      # ("publish", sha) or ("rollback", version number) waiting for "Yes"
ANALYST = "_data_analyst"      # (name typed at passcode sign-in, the passcode hash it was checked against)


def flash(state: MutableMapping, where: str, kind: str, message: str) -> None:
    """A message about an action, shown once next to the control that did it."""
    state[FLASH] = (where, kind, message)


def md(text) -> str:
    """Text typed by someone (file name, name, note, workbook text) for a message that Streamlit shows as
    Markdown (an alert): an inline code span, shown exactly as written. Backslash escapes are not enough:
    Streamlit's Markdown still makes links of bare addresses, icons of :shortcodes: and dashes of "--"
    in escaped text, but never inside code. Its Material icons are read from the raw text, so a
    ":material/" gets a word joiner (U+2060, invisible) after the colon."""
    text = re.sub(r":(?=material/)", ":\u2060", str(text).replace("\r", " ").replace("\n", " "))
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text[:1] == "`" or text[-1:] == "`" or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def when(version: Version) -> str:
    return version.published_at[:16].replace("T", " ") + " UTC"


def minutes(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def passcode_hash(secrets: Mapping) -> str:
    analysts = secrets.get("analysts")
    return str(analysts.get("passcode_hash") or "") if isinstance(analysts, Mapping) else ""


def analyst(mode: str, secrets: Mapping, user: Callable[[], dict], state: MutableMapping) -> str | None:
    """Who is publishing: the allowed email (oidc), the signed-in name (passcode), else None."""
    if mode == "oidc":
        profile = user()
        email = profile.get("email")
        if profile.get("is_logged_in") and auth.email_allowed(email, secrets, profile.get("email_verified")):
            return str(email)
        return None
    if mode == "passcode":
        name, checked_against = state.get(ANALYST) or (None, None)
        # a new passcode (a changed hash in secrets.toml) signs everyone out
        return name if name and checked_against == passcode_hash(secrets) else None
    return None


def refused(mode: str, who: str | None, user: Callable[[], dict]) -> bool:
    """Signed in through the provider but not an analyst (not on the list, or unverified): oidc only."""
    return mode == "oidc" and who is None and bool(user().get("is_logged_in"))


def sign_in(state: MutableMapping, limiter: auth.AttemptLimiter, key: str, expected_hash: str) -> None:
    """Check the name and passcode typed in the form (state "signin_name", "signin_passcode") against
    `expected_hash`, within the limits `limiter` keeps for the client `key`; signed in: state[ANALYST]."""
    name = (state.get("signin_name") or "").strip()
    passcode = state.get("signin_passcode") or ""
    state["signin_passcode"] = ""  # never keep the passcode in the form
    busy = "Too many wrong passcodes have been typed on this server in the last 15 minutes, so signing in " \
           "is paused for everyone for {}. Ask whoever runs the server if this is unexpected."
    mine = ("Too many wrong passcodes from this computer. Try again in {}." if key != auth.UNKNOWN else
            "Too many wrong passcodes from computers this server cannot tell apart, this one among them. "
            "Try again in {}.")
    if wait := limiter.seconds_until_allowed(key):
        flash(state, "signin", "error", mine.format(minutes(wait)))
        return
    if wait := limiter.server_seconds_until_allowed():
        flash(state, "signin", "error", busy.format(minutes(wait)))
        return
    if not name:
        flash(state, "signin", "error", "Type your name: it is recorded with every version you publish or roll back.")
        return
    if not passcode:
        flash(state, "signin", "error", "Type the analysts' passcode.")
        return
    try:
        attempt = limiter.begin(key)  # counted as a wrong passcode until it proves right
        if attempt is None:           # sessions racing this one used up the tries
            wait = limiter.seconds_until_allowed(key)
            flash(state, "signin", "error", mine.format(minutes(wait)) if wait
                  else busy.format(minutes(limiter.server_seconds_until_allowed())))
            return
        if auth.check_passcode(passcode, expected_hash):
            limiter.succeeded(attempt)
            state[ANALYST] = (name, expected_hash)  # the page then says who is signed in
            return
    except auth.LimitUnavailable:
        flash(state, "signin", "error", "Signing in is not possible just now: the server could not keep count of "
              "wrong passcodes in its store. Try again later, or ask whoever runs the server to check the "
              "store (its folder or database).")
        return
    flash(state, "signin", "error", "That passcode is not right. Check it with your team and try again.")


def publish(state: MutableMapping, secrets: Mapping, user: Callable[[], dict], store: Store,
            check: Callable[[bytes, str], dict]) -> None:
    """Publish the checked upload. Everything is checked again here: the button is only a request."""
    who = analyst(auth.publish_mode(secrets), secrets, user, state)
    confirmed = state.pop(CONFIRM, None)
    if not who:
        flash(state, "publish", "error", "Only a signed-in analyst can publish. Nothing was published.")
        return
    kept = state.get(CHECKED)
    if kept is None:
        flash(state, "publish", "error", "There is no uploaded workbook to publish.")
        return
    if confirmed != ("publish", kept["sha"]):
        flash(state, "publish", "error", "Publishing was not confirmed for this workbook. Nothing was published.")
        return
    data, filename = kept["data"], kept["filename"]
    checked = check(data, filename)
    review = checked["loaded"].review
    if review is None or not review.ok:
        flash(state, "publish", "error", "This workbook has errors, so it cannot be published. Nothing was published.")
        return
    note = (state.get("publish_note") or "").strip()[:NOTE_MAX]
    try:
        version = store.publish(data, datasource.with_suffix(data, filename), who, note, contents(review))
    except StoreError as exc:
        flash(state, "publish", "error", f"Nothing was published: {md(exc)}")
        return
    preview = state.get("preview")
    if preview is not None and preview.source.key == f"sha:{version.sha256}":
        state.pop("preview", None)  # it is now the published data
    checked["keep"] = checked["previewed"] = False           # published: no longer kept once the page is left
    state["publish_note"] = ""
    flash(state, "publish", "success", f"Published as version {version.number}. Everyone sees it from their next page load.")


def rollback(state: MutableMapping, secrets: Mapping, user: Callable[[], dict], store: Store) -> None:
    """Make the version chosen in the history (state "history_version") current again, once confirmed."""
    who = analyst(auth.publish_mode(secrets), secrets, user, state)
    number = state.get("history_version")
    confirmed = state.pop(CONFIRM, None)
    if not who:
        flash(state, "history", "error", "Only a signed-in analyst can roll back. Nothing was changed.")
        return
    if number is None:
        return
    if confirmed != ("rollback", number):
        flash(state, "history", "error", "The rollback was not confirmed for this version. Nothing was changed.")
        return
    note = (state.get("rollback_note") or "").strip()[:NOTE_MAX]
    try:
        version = store.rollback(int(number), who, note)
    except StoreError as exc:
        flash(state, "history", "error", f"Nothing was changed: {md(exc)}")
        return
    state["rollback_note"] = ""
    flash(state, "history", "success", f"Version {version.number} now shows version {number}'s workbook to "
          "everyone from their next page load.")
