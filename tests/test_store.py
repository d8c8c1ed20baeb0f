"""The store: publish, read, current, history, rollback, tampering, concurrency and crashes.

Tests that take `where` run on both backends: a folder (SQLite and files) and PostgreSQL (a new
database on the tests' own server, tests/pgcluster.py)."""
from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import signal
import sqlite3
import sys
import threading
import time
from datetime import datetime, timezone

import pytest

import store
from store import Store, StoreError, Version

SPAWN = mp.get_context("spawn")  # fresh interpreters, as separate app processes would be


@pytest.fixture(autouse=True)
def _plain_main(monkeypatch):
    """A spawned child re-runs the parent's __main__ module. After an AppTest run in the same pytest
    process that is dashboard.py (Streamlit's script runner installs the script as __main__), which
    the children must not run: give them a __main__ with no file."""
    import types

    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))


@pytest.fixture(params=["folder", "postgresql"])
def where(request, tmp_path) -> str:
    """Where a store is: a folder, or a PostgreSQL URL."""
    if request.param == "folder":
        return str(tmp_path / "store")
    return request.getfixturevalue("postgresql_url")


def raw_sql(s: Store):
    """A plain connection to the store's database that bypasses this module (SQLite or psycopg)."""
    if s.is_database:
        import psycopg

        return psycopg.connect(s.url, autocommit=True)
    return sqlite3.connect(s.db_path, isolation_level=None)


def tamper(s: Store, v: Version, data: bytes) -> None:
    """Change a published file's bytes behind the store's back (the database owner switching its
    triggers off, for PostgreSQL: what a person with the server's keys could do)."""
    if not s.is_database:
        with open(file_of(s, v), "wb") as f:
            f.write(data)
        return
    with raw_sql(s) as con:
        con.execute("ALTER TABLE files DISABLE TRIGGER USER")
        con.execute("UPDATE files SET data = %s WHERE sha256 = %s", (data, v.sha256))
        con.execute("ALTER TABLE files ENABLE TRIGGER USER")


def publish(s: Store, text: str, who: str = "ana@example.org", **kw) -> Version:
    kw.setdefault("note", f"note {text}")
    kw.setdefault("summary", {"text": text})
    return s.publish(text.encode(), f"{text}.xlsx", who, **kw)


def file_of(s: Store, v: Version) -> str:
    return os.path.join(s.files, f"{v.sha256}.xlsx")


# ---------------------------------------------------------------- basics

def test_created_lazily_in_wal_mode(tmp_path):
    folder = tmp_path / "deep" / "store"
    s = Store(folder)
    assert not folder.exists()
    assert s.current() is None and s.versions() == []
    assert (folder / "files").is_dir() and (folder / "versions.sqlite").is_file()
    with s._db("check") as con:
        assert con.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert con.exec_driver_sql("PRAGMA busy_timeout").scalar() == store.BUSY_TIMEOUT_MS


def test_publish_stores_bytes_exactly_and_returns_the_version(where):
    s = Store(where)
    data = bytes(range(256)) * 100 + b"\r\n\x00end"  # every byte value, CRLF and NUL survive
    v = s.publish(data, "Review 2025.xlsx", "ana@example.org", "first cut", {"partnerships": 31})
    assert v == Version(1, hashlib.sha256(data).hexdigest(), "Review 2025.xlsx", "ana@example.org",
                        v.published_at, "first cut", {"partnerships": 31}, "publish", None)
    assert datetime.fromisoformat(v.published_at).utcoffset() == timezone.utc.utcoffset(None)
    if not s.is_database:
        with open(file_of(s, v), "rb") as f:
            assert f.read() == data
    else:
        with raw_sql(s) as con:
            assert con.execute("SELECT data, suffix, size FROM files").fetchall() == [(data, ".xlsx", len(data))]
    assert s.read_bytes(v) == data and s.read_bytes(1) == data
    assert Store(where).get(1) == v  # a new Store on the folder reads the same row back
    with pytest.raises(Exception):
        v.number = 2  # frozen


def test_current_versions_and_get(where):
    s = Store(where)
    v1, v2, v3 = (publish(s, t) for t in ("a", "b", "c"))
    assert [v.number for v in (v1, v2, v3)] == [1, 2, 3]
    assert s.current() == v3 == s.latest()
    assert s.versions() == [v3, v2, v1]
    assert s.get(2) == v2
    assert s.read_bytes(s.current()) == b"c"
    with pytest.raises(StoreError, match="no version 9"):
        s.get(9)
    with pytest.raises(StoreError, match="whole number"):
        s.get("2")


def test_same_bytes_twice_share_one_file(where):
    s = Store(where)
    v1, v2 = publish(s, "same", note="one"), publish(s, "same", note="two")
    assert (v1.number, v2.number) == (1, 2) and v1.sha256 == v2.sha256
    if s.is_database:
        with raw_sql(s) as con:
            assert con.execute("SELECT sha256 FROM files").fetchall() == [(v1.sha256,)]
    else:
        assert os.listdir(s.files) == [f"{v1.sha256}.xlsx"]
    assert s.current().note == "two"


def test_filename_keeps_only_the_name_and_inputs_are_checked(where):
    s = Store(where)
    assert s.publish(b"x", r"C:\Users\ana\Review.xlsx", "ana", "").filename == "Review.xlsx"
    assert s.publish(b"y", "../../etc/Review.xlsx", "ana", "").filename == "Review.xlsx"
    assert s.publish(b"z", "", "ana", "").filename == "workbook.xlsx"
    for bad in [dict(data=b""), dict(data="text"), dict(who=" "), dict(summary=[1])]:
        args = dict(data=b"ok", filename="f.xlsx", who="ana", note="", summary={}) | bad
        with pytest.raises(StoreError):
            s.publish(**args)
    assert len(s.versions()) == 3  # nothing recorded by the refused publishes


def test_unusable_folder_is_a_store_error(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(StoreError, match="could not be opened"):
        Store(tmp_path / "file" / "store").versions()


# ---------------------------------------------------------------- history and rollback

def test_rollback_adds_a_row_and_history_only_grows(where):
    s = Store(where)
    v1, v2 = publish(s, "a", summary={"n": 1}), publish(s, "b")
    before = s.versions()
    r = s.rollback(1, "lead@example.org", "b had a typo")
    assert (r.number, r.kind, r.rollback_of, r.sha256) == (3, "rollback", 1, v1.sha256)
    assert (r.filename, r.summary, r.who, r.note) == ("a.xlsx", {"n": 1}, "lead@example.org",
                                                      "b had a typo")
    assert s.current() == r and s.read_bytes(r) == b"a"
    assert s.versions()[1:] == before  # older rows untouched
    r2 = s.rollback(2, "lead@example.org", "back again")
    assert s.current() == r2 and s.read_bytes(r2) == b"b"
    assert [v.number for v in s.versions()] == [4, 3, 2, 1]
    with pytest.raises(StoreError, match="no version 7"):
        s.rollback(7, "lead", "")


def test_rows_cannot_be_updated_or_deleted(where):
    """The database itself refuses to change history, whoever asks (raw SQL, not this module)."""
    s = Store(where)
    publish(s, "a")
    statements = ["UPDATE versions SET note = 'edited'", "DELETE FROM versions"]
    if s.is_database:
        statements += ["UPDATE files SET data = 'x'::bytea", "DELETE FROM files", "TRUNCATE versions CASCADE",
                       "TRUNCATE files CASCADE", "UPDATE settings SET value = 'x'::bytea", "DELETE FROM settings"]
        s.label_secret()
    with raw_sql(s) as con:
        for statement in statements:
            with pytest.raises(Exception, match="never (changed|deleted)"):
                con.execute(statement)
    assert s.get(1).note == "note a" and s.read_bytes(1) == b"a"


# ---------------------------------------------------------------- damaged or missing files

def test_tampered_file_is_caught_and_current_falls_back(where):
    s = Store(where)
    v1, v2 = publish(s, "good"), publish(s, "newer")
    tamper(s, v2, b"newes")  # same length, different bytes
    with pytest.raises(StoreError, match="^The workbook file for version 2 has been changed or damaged since it "
                                         "was published .its checksum does not match., so it will not be used.$"):
        s.read_bytes(v2)
    assert s.current() == v1
    with pytest.raises(StoreError, match="changed or damaged"):
        s.rollback(2, "lead", "")
    if s.is_database:
        tamper(s, v1, b"gooX")
        assert s.current() is None and len(s.versions()) == 2
        return
    os.remove(file_of(s, v1))
    with pytest.raises(StoreError, match="missing"):
        s.read_bytes(v1)
    assert s.current() is None  # nothing intact is left
    assert len(s.versions()) == 2  # but the history is still all there


def test_publishing_the_same_bytes_repairs_a_damaged_file(tmp_path):
    s = Store(tmp_path)
    v1 = publish(s, "abc")
    with open(file_of(s, v1), "wb") as f:
        f.write(b"xyz")
    assert s.current() is None
    v2 = publish(s, "abc")
    assert s.current() == v2 and s.read_bytes(v1) == b"abc"


def temporary_files(s: Store) -> list[str]:
    return sorted(n for n in os.listdir(s.files) if n.startswith(store.TMP_PREFIX))


def leave_temporary_file(s: Store, name: str) -> str:
    path = os.path.join(s.files, f"{store.TMP_PREFIX}{name}{store.TMP_SUFFIX}")
    with open(path, "wb") as f:
        f.write(b"half a workbook")
    return path


def test_leftover_temporary_files_are_removed_at_the_next_open(tmp_path):
    s = Store(tmp_path)
    v1 = publish(s, "a")
    leave_temporary_file(s, "young")
    old = leave_temporary_file(s, "old")
    stale = time.time() - store.TMP_MAX_AGE_SECONDS - 60
    os.utime(old, (stale, stale))
    s2 = Store(tmp_path)  # the server starts again: no publish is running, so none is in use
    assert s2.current() == v1
    assert temporary_files(s2) == []


def test_leftover_temporary_files_are_removed_at_the_next_publish(tmp_path):
    s = Store(tmp_path)
    publish(s, "a")  # the store is open: its cleaning at open is done
    leave_temporary_file(s, "left by a publish that died")
    assert temporary_files(s)
    publish(s, "b")
    assert temporary_files(s) == []


def _publish_and_wait(folder, paused, go):
    def hook(name):
        if name == "file_written":
            paused.set()
            go.wait(120)

    store._test_hook = hook
    Store(folder).publish(b"slow workbook", "slow.xlsx", "slow@example.org", "", {})


@pytest.mark.parametrize("how", ["process", "thread"])
def test_a_publish_in_progress_keeps_its_temporary_file(tmp_path, how, monkeypatch):
    """Opening the store or publishing while another publish (another server process, or another
    session's thread in this one) is writing its file leaves that file alone: it completes."""
    s = Store(tmp_path)
    publish(s, "a")
    if how == "process":
        paused, go = SPAWN.Event(), SPAWN.Event()
        writer = SPAWN.Process(target=_publish_and_wait, args=(str(tmp_path), paused, go))
    else:
        paused, go = threading.Event(), threading.Event()
        monkeypatch.setattr(store, "_test_hook", None)
        writer = threading.Thread(target=_publish_and_wait, args=(str(tmp_path), paused, go))
    writer.start()
    try:
        assert paused.wait(120), "the writer never reached the step"
        store._test_hook = None  # this thread publishes without pausing
        in_progress = temporary_files(s)
        assert len(in_progress) == 1
        stale = leave_temporary_file(s, "stale")
        old = time.time() - store.TMP_MAX_AGE_SECONDS - 60
        os.utime(stale, (old, old))
        other = Store(tmp_path)
        assert other.current().number == 1  # opened (cleaned what it could)
        publish(other, "b")
        assert temporary_files(other) == in_progress  # the stale one went; the live one stayed
    finally:
        go.set()
        writer.join(120)
    if how == "process":
        assert writer.exitcode == 0
    assert [v.filename for v in Store(tmp_path).versions()] == ["slow.xlsx", "b.xlsx", "a.xlsx"]
    assert temporary_files(s) == []


# ---------------------------------------------------------------- failed sign-ins

def test_failed_signins_are_kept_in_the_database(where):
    s = Store(where)
    a = s.record_failure("ip:203.0.113.1", 100.0)
    b = s.record_failure("ip:203.0.113.1", 110.0)
    c = s.record_failure("unknown", 120.0)
    assert a < b < c
    assert s.failures_since("ip:203.0.113.1", 0) == [100.0, 110.0]
    assert s.failures_since("ip:203.0.113.1", 100.0) == [110.0]  # strictly after
    assert s.failures_since("ip:203.0.113.1", 0, through=a) == [100.0]
    assert Store(where).failures_since("unknown", 0) == [120.0]  # kept across a restart
    s.discard(a)
    assert s.failures_since("ip:203.0.113.1", 0) == [110.0]
    s.clear("ip:203.0.113.1")
    assert s.failures_since("ip:203.0.113.1", 0) == [] and s.failures_since("unknown", 0) == [120.0]
    d = s.record_failure("unknown", 200.0, forget_before=120.0)  # old rows of every key go
    assert d > c and s.failures_since("unknown", 0) == [200.0]
    assert publish(s, "still a store").number == 1


def test_an_older_store_gets_the_table_on_open(tmp_path):
    s = Store(tmp_path)
    publish(s, "a")
    with raw_sql(s) as con:
        con.execute("DROP TABLE failed_signins")
    store.dispose_engines()
    again = Store(tmp_path)
    again.record_failure("k", 1.0)
    assert again.failures_since("k", 0) == [1.0] and again.versions()[0].number == 1


# ---------------------------------------------------------------- concurrency

def _publish_many(folder, who, count, barrier):
    s = folder if isinstance(folder, Store) else Store(folder)
    barrier.wait()
    for i in range(count):
        s.publish(f"{who} {i}".encode(), f"{who}-{i}.xlsx", who, f"{i}", {"i": i})


def check_consecutive(s: Store, writers: list[str], count: int) -> None:
    versions = s.versions()[::-1]
    assert [v.number for v in versions] == list(range(1, len(writers) * count + 1))
    for v in versions:
        assert s.read_bytes(v) == f"{v.who} {v.note}".encode()
    for who in writers:  # each writer's versions are in the order it published them
        assert [int(v.note) for v in versions if v.who == who] == list(range(count))


def test_two_processes_publishing_at_once(where):
    folder = where  # not created yet: both processes also race to create it
    barrier = SPAWN.Barrier(2)
    procs = [SPAWN.Process(target=_publish_many, args=(folder, who, 10, barrier))
             for who in ("p1", "p2")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    check_consecutive(Store(folder), ["p1", "p2"], 10)


def test_threads_sharing_one_store(where):
    s = Store(where)
    barrier = threading.Barrier(4)
    threads = [threading.Thread(target=_publish_many, args=(s, f"t{n}", 5, barrier))
               for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check_consecutive(s, [f"t{n}" for n in range(4)], 5)


# ---------------------------------------------------------------- crashes

def _publish_and_hang(folder, step, paused):
    def hook(name):
        if name == step:
            paused.set()
            time.sleep(600)  # the parent kills us here

    store._test_hook = hook
    Store(folder).publish(b"new workbook", "new.xlsx", "crash@example.org", "", {})


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("step, survives", [
    ("file_written", False),  # temporary file written and fsynced, not yet renamed
    ("file_renamed", False),  # final file in place, no row yet
    ("row_inserted", False),  # inside BEGIN IMMEDIATE, holding the write lock, before COMMIT
    ("committed", True),      # row committed
])
def test_killed_during_publish(where, step, survives):
    s = Store(where)
    v1 = publish(s, "old workbook")
    paused = SPAWN.Event()
    child = SPAWN.Process(target=_publish_and_hang, args=(where, step, paused))
    child.start()
    try:
        assert paused.wait(120), "the child never reached the step"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.join(120)
    assert child.exitcode == -signal.SIGKILL

    after = Store(where)
    if after.is_database:
        with raw_sql(after) as con:  # the killed transaction left nothing behind, file row included
            assert con.execute("SELECT count(*) FROM files").fetchone()[0] == (2 if survives else 1)
    else:
        with after._db("check") as con:
            assert con.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert temporary_files(after) == []  # a temporary file it left is removed at once, not in an hour
    current = after.current()
    if survives:
        assert (current.number, after.read_bytes(current)) == (2, b"new workbook")
    else:
        assert current == v1 and after.read_bytes(current) == b"old workbook"
        assert after.versions() == [v1]
    nxt = publish(after, "after the crash")
    assert nxt.number == current.number + 1 and after.current() == nxt
    assert [v.number for v in after.versions()] == list(range(nxt.number, 0, -1))


# ---------------------------------------------------------------- OpenDocument spreadsheets

def test_an_ods_version_keeps_its_bytes_and_its_suffix(tmp_path):
    from builders import ods_bytes, workbook_bytes

    s = Store(tmp_path)
    ods, xlsx = ods_bytes({"Partnerships": [["Partnership"], ["Fife"]]}), workbook_bytes()
    v1 = s.publish(ods, "Review.ods", "ana@example.org")
    v2 = s.publish(xlsx, "Review.xlsx", "ana@example.org")
    assert sorted(os.listdir(s.files)) == sorted([f"{v1.sha256}.ods", f"{v2.sha256}.xlsx"])
    assert s.read_bytes(1) == ods and s.read_bytes(2) == xlsx
    v3 = s.rollback(1, "ana@example.org")                     # a rollback points at the same .ods
    assert s.read_bytes(v3) == ods and v3.filename == "Review.ods"
    assert store._suffix(ods) == ".ods" and store._suffix(xlsx) == ".xlsx"


# ---------------------------------------------------------------- plans (PDFs, issue 21)

PDF_A = b"%PDF-1.7\n made-up plan A"
PDF_B = b"%PDF-1.7\n made-up plan B, a newer upload"


def test_plans_are_kept_exactly_listed_newest_first_and_never_changed(where):
    s = Store(where)
    a = s.add_plan(PDF_A, "C:\\plans\\fife.pdf", "Fife", "2023-2026", 19, "ana@example.org")
    publish(s, "a workbook")  # workbooks and plans share the files, not their numbers
    b = s.add_plan(PDF_B, "fife-v2.pdf", "Fife", "2023-2026", 20, "bo@example.org")
    assert (a.id, b.id, a.filename, a.pages, a.who) == (1, 2, "fife.pdf", 19, "ana@example.org")
    assert s.plans() == [b, a]
    assert s.read_plan(a) == PDF_A and s.read_plan(b) == PDF_B
    if not s.is_database:
        assert os.path.exists(os.path.join(s.files, f"{a.sha256}.pdf"))  # the folder says what it is
    with raw_sql(s) as con:
        for statement in ["UPDATE plans SET partnership = 'Tayside'", "DELETE FROM plans"]:
            with pytest.raises(Exception, match="never (changed|deleted)"):
                con.execute(statement)
    assert s.plans() == [b, a]


def test_a_plan_that_is_not_a_pdf_or_lacks_its_pair_is_refused_and_nothing_kept(where):
    s = Store(where)
    for args, message in [((b"PK\x03\x04 a zip", "x.pdf", "Fife", "2023-2026", 3, "ana"), "Only the bytes of a PDF"),
                          ((PDF_A, "x.pdf", "", "2023-2026", 3, "ana"), "needs its partnership"),
                          ((PDF_A, "x.pdf", "Fife", "2023-2026", 0, "ana"), "page count"),
                          ((PDF_A, "x.pdf", "Fife", "2023-2026", 3, " "), "who is adding")]:
        with pytest.raises(StoreError, match=message):
            s.add_plan(*args)
    assert s.plans() == []


def test_a_damaged_plan_is_refused_when_read(where):
    s = Store(where)
    plan = s.add_plan(PDF_A, "fife.pdf", "Fife", "2023-2026", 19, "ana")
    if s.is_database:
        with raw_sql(s) as con:
            con.execute("ALTER TABLE files DISABLE TRIGGER USER")
            con.execute("UPDATE files SET data = %s WHERE sha256 = %s", (PDF_A[:-1] + b"X", plan.sha256))
            con.execute("ALTER TABLE files ENABLE TRIGGER USER")
    else:
        with open(os.path.join(s.files, f"{plan.sha256}.pdf"), "wb") as f:
            f.write(PDF_A[:-1] + b"X")
    with pytest.raises(StoreError, match="^The plan fife.pdf has been changed or damaged since it was added"):
        s.read_plan(plan)
