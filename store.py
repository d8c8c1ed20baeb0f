"""The store of published workbooks: immutable files plus a version history. No streamlit here.

Layout of the store folder (created on first use):

- ``files/<sha256>.xlsx``: the workbook bytes exactly as published, named by their SHA-256. A file
  is written once (temporary name, fsync, atomic rename, fsync of the folder) and never changed.
  An OpenDocument spreadsheet is kept as ``files/<sha256>.ods`` (told by its bytes: the ``mimetype``
  member an .ods starts with), so the folder says what each file is.
- ``versions.sqlite``: SQLite in WAL mode, one row per version. Rows are only ever inserted, in a
  single ``BEGIN IMMEDIATE`` transaction that takes the next number; triggers refuse UPDATE and
  DELETE. A rollback is a new row (kind ``rollback``) that points at an older file.
- ``failed_signins``: a table in the same database, one row per wrong passcode (a key, a time),
  counted by auth.AttemptLimiter through `record_failure`, `failures_since`, `clear` and
  `discard`, so sign-in limits survive a restart and are shared by every process on the store.
- ``publish.lock``: held shared (flock) by every publish while it writes its temporary file.

Crash safety: a publish killed before the rename leaves only a temporary file (ignored, and removed
at the next open of the store or publish once no publish in any process holds ``publish.lock``;
the kernel lets go of a killed process's lock); killed after the rename but before the commit it
leaves an unused but complete file (reused if the same bytes are published again). Either way the previous version
stays current. ``current()`` also checks each file's hash and skips a row whose file is missing or
damaged, so viewers fall back to the newest version that is intact.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
import threading
import time
from contextlib import contextmanager, suppress

try:
    import fcntl
except ImportError:  # Windows: leftover temporary files are removed by age only
    fcntl = None
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterator

BUSY_TIMEOUT_MS = 30_000  # a writer waits this long for another writer before giving up
TMP_PREFIX, TMP_SUFFIX = ".incoming-", ".tmp"
TMP_MAX_AGE_SECONDS = 3600  # without the lock (another publish is writing; no flock): only older ones go
LOCK_NAME = "publish.lock"

SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    number       INTEGER PRIMARY KEY,
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
    filename     TEXT NOT NULL,
    who          TEXT NOT NULL,
    published_at TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    summary      TEXT NOT NULL DEFAULT '{}',
    kind         TEXT NOT NULL CHECK (kind IN ('publish', 'rollback')),
    rollback_of  INTEGER REFERENCES versions (number)
);
CREATE TRIGGER IF NOT EXISTS versions_never_updated BEFORE UPDATE ON versions
BEGIN SELECT RAISE(ABORT, 'versions are never changed'); END;
CREATE TRIGGER IF NOT EXISTS versions_never_deleted BEFORE DELETE ON versions
BEGIN SELECT RAISE(ABORT, 'versions are never deleted'); END;
CREATE TABLE IF NOT EXISTS failed_signins (
    id  INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    at  REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS failed_signins_by_key ON failed_signins (key, at);
"""
COLUMNS = "number, sha256, filename, who, published_at, note, summary, kind, rollback_of"

# Test hook: called with the name of each step of a publish ("file_written" before the rename,
# "file_renamed" before the transaction, "row_inserted" inside it before COMMIT, "committed").
# Crash tests set it in a child process to pause there and be killed. Always None in the app.
_test_hook: Callable[[str], None] | None = None


def _step(name: str) -> None:
    if _test_hook is not None:
        _test_hook(name)


class StoreError(Exception):
    """Anything that went wrong in the store, with a message fit to show to an analyst."""


@dataclass(frozen=True)
class Version:
    number: int
    sha256: str
    filename: str
    who: str
    published_at: str  # UTC, ISO 8601, e.g. "2025-11-25T04:11:00+00:00"
    note: str
    summary: dict
    kind: str  # "publish" or "rollback"
    rollback_of: int | None


def _version(row: tuple) -> Version:
    number, sha, filename, who, when, note, summary, kind, rollback_of = row
    try:
        summary = json.loads(summary)
    except ValueError:
        summary = {}
    return Version(number, sha, filename, who, when, note, summary, kind, rollback_of)


# An OpenDocument spreadsheet starts with its zip member "mimetype", stored, holding this (ODF 1.2,
# part 3, 3.3): a fixed place in the first bytes, so the store tells one without opening the zip.
ODS_HEAD = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"


def _suffix(data: bytes) -> str:
    return ".ods" if data[:4] == b"PK\x03\x04" and data[30:30 + len(ODS_HEAD)] == ODS_HEAD else ".xlsx"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fsync_dir(path: str) -> None:
    if os.name != "posix":  # directories cannot be opened for fsync on Windows
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Store:
    def __init__(self, folder: str | os.PathLike):
        self.folder = os.fspath(folder)
        self.files = os.path.join(self.folder, "files")
        self.db_path = os.path.join(self.folder, "versions.sqlite")
        self._ready = False
        self._init_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Store({self.folder!r})"

    # ----------------------------------------------------------------- reading

    def versions(self) -> list[Version]:
        """Every version, newest first (including any whose file has since gone missing)."""
        with self._db("read the version history") as con:
            rows = con.execute(f"SELECT {COLUMNS} FROM versions ORDER BY number DESC").fetchall()
        return [_version(r) for r in rows]

    def get(self, number: int) -> Version:
        if isinstance(number, bool) or not isinstance(number, int):
            raise StoreError(f"A version number must be a whole number, not {number!r}.")
        with self._db(f"read version {number}") as con:
            row = con.execute(f"SELECT {COLUMNS} FROM versions WHERE number = ?", (number,)).fetchone()
        if row is None:
            raise StoreError(f"There is no version {number} in the store.")
        return _version(row)

    def current(self) -> Version | None:
        """The newest version whose file is present and intact; None if nothing was published."""
        for version in self.versions():
            if self._file_matches(version.sha256):
                return version
        return None

    def read_bytes(self, version: Version | int) -> bytes:
        """The workbook bytes of a version, after checking they still have the published hash."""
        if not isinstance(version, Version):
            version = self.get(version)
        path = self._path(version.sha256)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise StoreError(f"The workbook file for version {version.number} is missing from "
                             f"the store ({path}).") from None
        except OSError as e:
            raise StoreError(f"The workbook file for version {version.number} could not be "
                             f"read: {e.strerror or e}.") from e
        if _sha256(data) != version.sha256:
            raise StoreError(f"The workbook file for version {version.number} has been changed "
                             f"or damaged since it was published (its checksum does not match), "
                             f"so it will not be used.")
        return data

    def label_secret(self) -> bytes:
        """The server's secret for the labels of hidden names (analysis.names): 32 random bytes made
        once and kept in the store's folder (file `label-secret`, readable by the server only), so
        labels hold across restarts and every process sharing the store deals the same ones."""
        path = os.path.join(self.folder, "label-secret")
        try:
            with open(path, "rb") as f:
                secret = f.read()
            if len(secret) >= 32:
                return secret
        except FileNotFoundError:
            pass
        os.makedirs(self.folder, exist_ok=True)
        tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, os.urandom(32))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # the first process to make one wins; the others read it
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        with open(path, "rb") as f:
            return f.read()

    # ----------------------------------------------------------------- writing

    def publish(self, data: bytes, filename: str, who: str, note: str = "",
                summary: dict | None = None) -> Version:
        """Store the bytes and record them as the new current version."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise StoreError("Only the bytes of a workbook file can be published.")
        data = bytes(data)
        if not data:
            raise StoreError("The workbook is empty, so there is nothing to publish.")
        sha = _sha256(data)
        self._ensure()
        self._clean_temporary_files()
        if not self._file_matches(sha):
            self._write_file(sha, data)
        _step("file_renamed")
        return self._insert(sha, filename, who, note, summary, "publish", None)

    def rollback(self, number: int, who: str, note: str = "") -> Version:
        """Make an earlier version current again, as a new version pointing at its file."""
        target = self.get(number)
        self.read_bytes(target)  # refuse to roll back to a file that is missing or damaged
        return self._insert(target.sha256, target.filename, who, note, target.summary,
                            "rollback", target.number)

    # ----------------------------------------------------------------- failed sign-ins
    # The storage of auth.AttemptLimiter (auth.FailureStorage): small methods, no limits here.

    def record_failure(self, key: str, when: float, forget_before: float | None = None) -> int:
        """Add a wrong passcode of `key` at `when` (epoch seconds); return its id (ids only grow).
        Rows of any key at or before `forget_before` are deleted in the same transaction."""
        with self._db("count a wrong passcode") as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                if forget_before is not None:
                    con.execute("DELETE FROM failed_signins WHERE at <= ?", (float(forget_before),))
                failure_id = con.execute("INSERT INTO failed_signins (key, at) VALUES (?, ?)",
                                         (str(key), float(when))).lastrowid
                con.execute("COMMIT")
            finally:
                if con.in_transaction:
                    con.rollback()
        return failure_id

    def failures_since(self, key: str, since: float, through: int | None = None) -> list[float]:
        """The times of `key`'s wrong passcodes after `since` (ids up to `through`), oldest first."""
        query = "SELECT at FROM failed_signins WHERE key = ? AND at > ?"
        args: tuple = (str(key), float(since))
        if through is not None:
            query, args = query + " AND id <= ?", args + (int(through),)
        with self._db("count wrong passcodes") as con:
            return [row[0] for row in con.execute(query + " ORDER BY at, id", args)]

    def clear(self, key: str) -> None:
        """Forget every wrong passcode of `key`."""
        with self._db("forget wrong passcodes") as con:
            con.execute("DELETE FROM failed_signins WHERE key = ?", (str(key),))

    def discard(self, failure_id: int) -> None:
        """Forget the one row `failure_id` (an attempt that was not a failure after all)."""
        with self._db("forget a wrong passcode") as con:
            con.execute("DELETE FROM failed_signins WHERE id = ?", (int(failure_id),))

    # ----------------------------------------------------------------- internals

    def _path(self, sha: str, suffix: str | None = None) -> str:
        """The file of `sha`: with `suffix` where it is written; else the one there is (.xlsx first)."""
        if suffix is None:
            ods = os.path.join(self.files, f"{sha}.ods")
            suffix = ".ods" if os.path.exists(ods) and not os.path.exists(ods[:-4] + ".xlsx") else ".xlsx"
        return os.path.join(self.files, f"{sha}{suffix}")

    def _file_matches(self, sha: str) -> bool:
        try:
            with open(self._path(sha), "rb") as f:
                return _sha256(f.read()) == sha
        except OSError:
            return False

    @contextmanager
    def _publish_lock(self, exclusive: bool) -> Iterator[bool]:
        """Hold publish.lock: shared by every publish while its temporary file exists (waits while
        a cleaning holds it), exclusive by a cleaning only if nobody publishes (yields False then,
        without waiting). flock: released by the kernel when its process dies, however it dies;
        each call opens the file afresh, so threads of one process exclude each other too."""
        if fcntl is None:
            yield not exclusive
            return
        fd = os.open(os.path.join(self.folder, LOCK_NAME), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB if exclusive else fcntl.LOCK_SH)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)  # lets go of the lock

    def _write_file(self, sha: str, data: bytes) -> None:
        try:
            with self._publish_lock(exclusive=False):
                self._write_locked(sha, data)
        except OSError as e:
            raise StoreError(f"The workbook file could not be saved in the store: "
                             f"{e.strerror or e}.") from e

    def _write_locked(self, sha: str, data: bytes) -> None:
        fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=TMP_SUFFIX, dir=self.files)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)  # mkstemp makes it private; published files are readable
            _step("file_written")
            os.replace(tmp, self._path(sha, _suffix(data)))
        except BaseException:
            with suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_dir(self.files)

    def _insert(self, sha: str, filename: str, who: str, note: str, summary: dict | None,
                kind: str, rollback_of: int | None) -> Version:
        who = (who or "").strip() if isinstance(who, str) else ""
        if not who:
            raise StoreError("Say who is publishing: the name or email cannot be empty.")
        filename = os.path.basename(str(filename or "").replace("\\", "/")).strip() or "workbook.xlsx"
        note = "" if note is None else str(note)
        if summary is None:
            summary = {}
        if not isinstance(summary, dict):
            raise StoreError("The summary of a version must be a dictionary.")
        try:
            summary_text = json.dumps(summary, sort_keys=True, default=str, ensure_ascii=False)
        except (TypeError, ValueError) as e:
            raise StoreError(f"The summary could not be saved: {e}.") from e
        with self._db("record the new version") as con:
            con.execute("BEGIN IMMEDIATE")  # take the write lock now: numbers cannot collide
            try:
                number = con.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM versions").fetchone()[0]
                when = datetime.now(timezone.utc).isoformat(timespec="seconds")
                con.execute(f"INSERT INTO versions ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (number, sha, filename, who, when, note, summary_text, kind, rollback_of))
                _step("row_inserted")
                con.execute("COMMIT")
            finally:
                if con.in_transaction:
                    con.rollback()
        _step("committed")
        return Version(number, sha, filename, who, when, note, json.loads(summary_text), kind,
                       rollback_of)

    @contextmanager
    def _db(self, action: str) -> Iterator[sqlite3.Connection]:
        """A fresh connection per operation (safe across threads and processes)."""
        self._ensure()
        try:
            con = sqlite3.connect(self.db_path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            try:
                con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                con.execute("PRAGMA synchronous = FULL")
                yield con
            finally:
                con.close()
        except sqlite3.Error as e:
            raise StoreError(f"Could not {action}: the version database reported "
                             f"\"{e}\".") from e

    def _ensure(self) -> None:
        """Create the folder, files/ and the database on first use; clean old temporary files."""
        if self._ready:
            return
        with self._init_lock:
            if self._ready:
                return
            try:
                os.makedirs(self.files, exist_ok=True)
                self._create_database()
            except (OSError, sqlite3.Error) as e:
                raise StoreError(f"The store at {self.folder} could not be opened: {e}.") from e
            self._clean_temporary_files()
            self._ready = True

    def _create_database(self) -> None:
        # Switching to WAL does not wait on the busy handler when another process is creating
        # the database at the same moment, so retry "locked" here for up to the busy timeout.
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            con = sqlite3.connect(self.db_path, timeout=BUSY_TIMEOUT_MS / 1000,
                                  isolation_level=None)
            try:
                con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise StoreError(f"The store at {self.folder} cannot use SQLite's WAL mode "
                                     f"(got {mode!r}); put it on a local disk.")
                con.executescript(SCHEMA)
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or time.monotonic() > deadline:
                    raise
            finally:
                con.close()
            time.sleep(0.02)

    def _clean_temporary_files(self) -> None:
        """Remove the temporary files of publishes that died (on open and before each publish).

        Only when no publish holds publish.lock (in any process: a live publish's file is never
        touched) are they all removed; while one does, only those over TMP_MAX_AGE_SECONDS old."""
        try:
            with self._publish_lock(exclusive=True) as nobody_publishing:
                cutoff = None if nobody_publishing else time.time() - TMP_MAX_AGE_SECONDS
                with os.scandir(self.files) as entries:
                    for entry in entries:
                        if entry.name.startswith(TMP_PREFIX) and entry.name.endswith(TMP_SUFFIX):
                            with suppress(OSError):
                                if cutoff is None or entry.stat().st_mtime < cutoff:
                                    os.unlink(entry.path)
        except OSError:  # a read-only store, say: leftovers are harmless, only untidy
            pass
