"""The store's PostgreSQL database not answering, under the whole app (AppTest): at start, and
stopped and started again while a session runs. Viewers keep the last version this process read,
with a plain notice; analysts are refused publishing in plain words; nothing is half-written; the
app comes back by itself when the database does."""
from __future__ import annotations

import socket

from streamlit.testing.v1 import AppTest

import pgcluster
from apptools import shown_text
from builders import workbook_bytes
from store import Store
from test_data_page import PASSCODE_SECRETS, ROOT, button, sign_in, texts, upload


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def footer(at: AppTest) -> str:
    return shown_text(at.caption[-1].value)


def app(secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.secrets.update(secrets or {"unrelated": {"setting": "value"}})
    return run(at)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_database_unreachable_at_start_says_so_and_shows_no_figures(monkeypatch):
    monkeypatch.setenv("CSP_STORE", f"postgresql://csp@127.0.0.1:{closed_port()}/csp")
    at = app()
    warning = texts(at.warning)
    assert "The published data cannot be reached just now" in warning
    assert "reload in a minute" in warning
    assert footer(at) == "Data: the published versions cannot be reached just now."
    assert not at.error  # no "cannot be read" box, no traceback
    assert "sample" not in " ".join(m.value for m in at.markdown).lower()  # the sample is not passed off as published
    at.switch_page("views/data.py")
    run(at)
    assert "not answering just now" in texts(at.error)  # the analysts' page says why
    assert "Nothing has been published yet" not in texts(at.info)  # not known while it cannot ask


def test_database_stopped_and_started_under_a_running_app(monkeypatch, postgresql_url):
    monkeypatch.setenv("CSP_STORE", postgresql_url)
    store = Store(postgresql_url)
    store.publish(workbook_bytes(), "first.xlsx", "ana@example.org", "first")
    at = app(PASSCODE_SECRETS)
    assert footer(at).startswith("Data: version 1 (first.xlsx)")
    assert not at.warning
    at.switch_page("views/data.py")
    run(at)
    sign_in(at)
    upload(at, workbook_bytes(partnerships=["North", "South", "East"]), "second.xlsx")

    cluster = pgcluster.cluster()
    cluster.stop()
    try:
        button(at, "Publish this workbook").click()
        run(at)
        confirm = [b for b in at.button if b.label == "Yes, publish it for everyone"]
        if confirm:
            confirm[0].click()
            run(at)
        shown = texts(at.error)
        assert "not answering just now" in shown and "Nothing was changed" in shown  # the analyst's refusal
        assert "Published as version" not in texts(at.success)
        at.switch_page("views/overview.py")
        run(at)
        assert footer(at).startswith("Data: version 1 (first.xlsx)")  # the last version this copy read
        assert "shows version 1, the last one this server read" in texts(at.warning)
    finally:
        cluster.start()
    run(at)  # the database is back: the next rerun needs nothing else
    assert not at.warning
    assert [v.number for v in store.versions()] == [1]  # nothing half-written
    store.publish(workbook_bytes(partnerships=["North", "South"]), "third.xlsx", "bo@example.org", "third")
    run(at)
    assert footer(at).startswith("Data: version 2 (third.xlsx)")
