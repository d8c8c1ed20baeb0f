"""publishing.py without Streamlit: sign-in within its limits, publish and rollback with their
checks and messages, on a plain dict as the session's state and a real store (both backends for
publish)."""
from __future__ import annotations

import hashlib

import pytest

import auth
import publishing
from builders import workbook_bytes
from loaders import read_workbook
from publishing import ANALYST, CHECKED, CONFIRM, FLASH
from store import Store

HASH = auth.hash_passcode("correct horse")
SECRETS = {"analysts": {"passcode_hash": HASH}}


class _Loaded:
    def __init__(self, review):
        self.review = review


def checked(data: bytes, filename: str = "review.xlsx") -> dict:
    return {"sha": hashlib.sha256(data).hexdigest(), "filename": filename, "data": data,
            "loaded": _Loaded(read_workbook(data)), "keep": True, "previewed": False}


def no_user() -> dict:
    return {}


def test_five_wrong_passcodes_then_even_the_right_one_waits():
    limiter = auth.AttemptLimiter(auth.MemoryFailures(), max_failures=5)
    state: dict = {}
    for _ in range(5):
        state.update(signin_name="Ana", signin_passcode="wrong")
        publishing.sign_in(state, limiter, "ip:203.0.113.9", HASH)
        assert state[FLASH] == ("signin", "error", "That passcode is not right. Check it with your team and try again.")
        assert state["signin_passcode"] == ""  # never kept
    state.update(signin_name="Ana", signin_passcode="correct horse")
    publishing.sign_in(state, limiter, "ip:203.0.113.9", HASH)
    assert state[FLASH] == ("signin", "error", "Too many wrong passcodes from this computer. Try again in 15 minutes.")
    assert ANALYST not in state
    other: dict = {"signin_name": "Bo", "signin_passcode": "correct horse"}
    publishing.sign_in(other, limiter, "ip:203.0.113.10", HASH)  # another computer is not held up
    assert other[ANALYST] == ("Bo", HASH) and FLASH not in other
    assert publishing.analyst("passcode", SECRETS, no_user, other) == "Bo"
    assert publishing.analyst("passcode", {"analysts": {"passcode_hash": "new"}}, no_user, other) is None


@pytest.mark.parametrize("backend", ["folder", "postgresql"])
def test_publish_needs_an_analyst_and_a_confirmation(tmp_path, request, backend):
    store = Store(tmp_path / "store" if backend == "folder" else request.getfixturevalue("postgresql_url"))
    data = workbook_bytes()
    state: dict = {CHECKED: checked(data), "publish_note": "  first cut  "}
    publishing.publish(state, SECRETS, no_user, store, lambda d, f: state[CHECKED])
    assert state[FLASH] == ("publish", "error", "Only a signed-in analyst can publish. Nothing was published.")
    state[ANALYST] = ("Ana", HASH)
    publishing.publish(state, SECRETS, no_user, store, lambda d, f: state[CHECKED])
    assert state[FLASH][2] == "Publishing was not confirmed for this workbook. Nothing was published."
    assert store.versions() == []
    state[CONFIRM] = ("publish", state[CHECKED]["sha"])
    publishing.publish(state, SECRETS, no_user, store, lambda d, f: state[CHECKED])
    assert state[FLASH] == ("publish", "success",
                            "Published as version 1. Everyone sees it from their next page load.")
    v = store.current()
    assert (v.who, v.note, v.filename, store.read_bytes(v)) == ("Ana", "first cut", "review.xlsx", data)
    assert state["publish_note"] == "" and CONFIRM not in state and state[CHECKED]["keep"] is False

    state.update({CONFIRM: ("rollback", 1), "history_version": 1, "rollback_note": "again"})
    publishing.rollback(state, SECRETS, no_user, store)
    assert state[FLASH] == ("history", "success",
                            "Version 2 now shows version 1's workbook to everyone from their next page load.")
    assert store.current().rollback_of == 1


def test_a_store_that_refuses_is_reported_in_plain_words(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    data = workbook_bytes()
    state: dict = {CHECKED: checked(data), ANALYST: ("Ana", HASH), CONFIRM: ("publish", hashlib.sha256(data).hexdigest())}
    publishing.publish(state, SECRETS, no_user, Store(tmp_path / "file" / "store"), lambda d, f: state[CHECKED])
    kind, message = state[FLASH][1:]
    assert kind == "error" and message.startswith("Nothing was published: `The store at ") and "could not be opened" in message


def test_md_shows_typed_text_as_written():
    assert publishing.md("see [this](http://x.org)") == "`see [this](http://x.org)`"
    assert publishing.md("a `b` c") == "``a `b` c``"
    assert publishing.md(":material/home:") == "`:\u2060material/home:`"  # a word joiner: no icon
