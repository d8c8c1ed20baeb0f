"""The store of published workbooks: immutable files plus a version history. No streamlit here.

Two backends, one code path (SQLAlchemy Core: every query below runs on both):

- **A folder** (the default, ``CSP_STORE=/some/folder`` or ``data/store``; nothing to install):

  - ``files/<sha256>.xlsx``: the workbook bytes exactly as published, named by their SHA-256.
    A file is written once (temporary name, fsync, atomic rename, fsync of the folder) and never
    changed. An OpenDocument spreadsheet is kept as ``files/<sha256>.ods`` (told by its bytes: the
    ``mimetype`` member an .ods starts with), so the folder says what each file is.
  - ``versions.sqlite``: SQLite in WAL mode, one row per version. Rows are only ever inserted, in
    a single ``BEGIN IMMEDIATE`` transaction that takes the next number; triggers refuse UPDATE and
    DELETE. A rollback is a new row (kind ``rollback``) that points at an older file.
  - ``label-secret``: the labels' secret for hidden names (made once).
  - ``publish.lock``: held shared (flock) by every publish while it writes its temporary file.

- **PostgreSQL** (``CSP_STORE=postgresql://user:password@host/db``, or ``[connections.store] url``
  in secrets): the same ``versions`` and ``failed_signins`` tables, plus ``files`` (sha256, suffix,
  size, the exact bytes as ``bytea``; keyed by sha256, so any immutable file, e.g. a PDF plan, can
  sit there too) and ``settings`` (the label secret). A publish inserts the file row and the version
  row in ONE transaction that first takes a transaction-scoped advisory lock, so numbers are
  consecutive and in order; triggers refuse UPDATE, DELETE and TRUNCATE on versions, files and
  settings, so nothing is rewritten in place even by a client that bypasses this module.

``plans`` (both backends): the plans' PDFs attached on the Data page, one row each (partnership,
cycle, file name, pages, who, when), their bytes kept like a workbook's (``files/<sha256>.pdf``, or a
``files`` row); rows are only inserted (the newest for a partnership and cycle is its plan), and
triggers refuse UPDATE and DELETE.

``failed_signins`` (both backends): one row per wrong passcode (a key, a time), counted by
auth.AttemptLimiter through `record_failure`, `failures_since`, `clear` and `discard`, so sign-in
limits survive a restart and are shared by every process (and every server) on the store.

Crash safety (folder): a publish killed before the rename leaves only a temporary file (ignored, and
removed at the next open of the store or publish once no publish in any process holds
``publish.lock``); killed after the rename but before the commit it leaves an unused but complete
file (reused if the same bytes are published again). PostgreSQL: a killed publish's transaction is
rolled back by the server, file row and all. Either way the previous version stays current.
``current()`` also checks each file's hash and skips a row whose file is missing or damaged, so
viewers fall back to the newest version that is intact; ``read_bytes`` refuses bytes whose sha256
is not the one published.

``python3 -m store migrate --from data/store --to postgresql://...`` copies a folder store into a
database (see `migrate`).
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

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

BUSY_TIMEOUT_MS = 30_000  # a writer waits this long for another writer before giving up
CONNECT_TIMEOUT_SECONDS = 5  # PostgreSQL: how long to wait for the server before saying it is not answering
TMP_PREFIX, TMP_SUFFIX = ".incoming-", ".tmp"
TMP_MAX_AGE_SECONDS = 3600  # without the lock (another publish is writing; no flock): only older ones go
LOCK_NAME = "publish.lock"
PUBLISH_LOCK_KEY = 0x43535001  # PostgreSQL advisory lock taken by every insert of a version
SCHEMA_LOCK_KEY = 0x43535000   # ... and by the creation of the tables

SQLITE_SCHEMA = """
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
CREATE TABLE IF NOT EXISTS plans (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
    filename    TEXT NOT NULL,
    partnership TEXT NOT NULL,
    cycle       TEXT NOT NULL,
    pages       INTEGER NOT NULL CHECK (pages > 0),
    who         TEXT NOT NULL,
    added_at    TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS plans_never_updated BEFORE UPDATE ON plans
BEGIN SELECT RAISE(ABORT, 'plans are never changed'); END;
CREATE TRIGGER IF NOT EXISTS plans_never_deleted BEFORE DELETE ON plans
BEGIN SELECT RAISE(ABORT, 'plans are never deleted'); END;
"""
SCHEMA = SQLITE_SCHEMA  # the name older code and tests know

POSTGRESQL_SCHEMA = r"""
CREATE TABLE IF NOT EXISTS files (
    sha256    text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    suffix    text NOT NULL CHECK (suffix ~ '^\.[a-z0-9]{1,8}$'),
    size      bigint NOT NULL CHECK (size > 0),
    data      bytea NOT NULL,
    stored_at timestamptz NOT NULL DEFAULT now(),
    CHECK (octet_length(data) = size)
);
CREATE TABLE IF NOT EXISTS versions (
    number       integer PRIMARY KEY CHECK (number > 0),
    sha256       text NOT NULL REFERENCES files (sha256),
    filename     text NOT NULL,
    who          text NOT NULL,
    published_at text NOT NULL,
    note         text NOT NULL DEFAULT '',
    summary      text NOT NULL DEFAULT '{}',
    kind         text NOT NULL CHECK (kind IN ('publish', 'rollback')),
    rollback_of  integer REFERENCES versions (number)
);
CREATE TABLE IF NOT EXISTS failed_signins (
    id  bigserial PRIMARY KEY,
    key text NOT NULL,
    at  double precision NOT NULL
);
CREATE INDEX IF NOT EXISTS failed_signins_by_key ON failed_signins (key, at);
CREATE TABLE IF NOT EXISTS settings (
    name  text PRIMARY KEY,
    value bytea NOT NULL
);
CREATE TABLE IF NOT EXISTS plans (
    id          integer PRIMARY KEY CHECK (id > 0),
    sha256      text NOT NULL REFERENCES files (sha256),
    filename    text NOT NULL,
    partnership text NOT NULL,
    cycle       text NOT NULL,
    pages       integer NOT NULL CHECK (pages > 0),
    who         text NOT NULL,
    added_at    text NOT NULL
);
CREATE OR REPLACE FUNCTION csp_never_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%% are never changed or deleted', TG_TABLE_NAME;
END $$;
"""
IMMUTABLE_TABLES = ("versions", "files", "settings", "plans")
POSTGRESQL_TRIGGERS = "".join(
    f"CREATE OR REPLACE TRIGGER {t}_never_changed BEFORE UPDATE OR DELETE ON {t} "
    f"FOR EACH ROW EXECUTE FUNCTION csp_never_changed();\n"
    f"CREATE OR REPLACE TRIGGER {t}_never_truncated BEFORE TRUNCATE ON {t} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION csp_never_changed();\n" for t in IMMUTABLE_TABLES)

# The tables as SQLAlchemy Core sees them: every query is written once against these.
META = sa.MetaData()
VERSIONS = sa.Table(
    "versions", META,
    sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("sha256", sa.Text), sa.Column("filename", sa.Text), sa.Column("who", sa.Text),
    sa.Column("published_at", sa.Text), sa.Column("note", sa.Text), sa.Column("summary", sa.Text),
    sa.Column("kind", sa.Text), sa.Column("rollback_of", sa.Integer))
FAILED = sa.Table("failed_signins", META, sa.Column("id", sa.Integer, primary_key=True),
                  sa.Column("key", sa.Text), sa.Column("at", sa.Float))
FILES = sa.Table("files", META, sa.Column("sha256", sa.Text, primary_key=True), sa.Column("suffix", sa.Text),
                 sa.Column("size", sa.BigInteger), sa.Column("data", sa.LargeBinary))
SETTINGS = sa.Table("settings", META, sa.Column("name", sa.Text, primary_key=True),
                    sa.Column("value", sa.LargeBinary))
PLANS = sa.Table(
    "plans", META, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("sha256", sa.Text), sa.Column("filename", sa.Text), sa.Column("partnership", sa.Text),
    sa.Column("cycle", sa.Text), sa.Column("pages", sa.Integer), sa.Column("who", sa.Text),
    sa.Column("added_at", sa.Text))
COLUMNS = "number, sha256, filename, who, published_at, note, summary, kind, rollback_of"
ROW = [VERSIONS.c[name] for name in COLUMNS.split(", ")]
LATEST = sa.select(*ROW).order_by(VERSIONS.c.number.desc()).limit(1)  # the per-rerun lookup

# Test hook: called with the name of each step of a publish ("file_written" before the rename,
# "file_renamed" before the version row, "row_inserted" inside the transaction before COMMIT,
# "committed"). In PostgreSQL every step but the last is inside the one transaction. Crash tests
# set it in a child process to pause there and be killed. Always None in the app.
_test_hook: Callable[[str], None] | None = None


def _step(name: str) -> None:
    if _test_hook is not None:
        _test_hook(name)


class StoreError(Exception):
    """Anything that went wrong in the store, with a message fit to show to an analyst."""


class StoreUnavailable(StoreError):
    """The store's database did not answer (stopped, unreachable): try again later."""


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


@dataclass(frozen=True)
class StoredPlan:
    """A plan's PDF attached on the Data page: kept as its exact bytes (by sha256), never changed."""
    id: int
    sha256: str
    filename: str
    partnership: str
    cycle: str
    pages: int
    who: str
    added_at: str  # UTC, ISO 8601


PLAN_ROW = [PLANS.c[name] for name in ("id", "sha256", "filename", "partnership", "cycle", "pages", "who", "added_at")]


def _version(row) -> Version:
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
    if data[:4] != b"PK\x03\x04" and b"%PDF-" in data[:1024]:
        return ".pdf"  # a plan (PDF readers allow a little before the header, as plans.extract does)
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


from datasource import is_database_url  # noqa: E402 (one definition; datasource imports no store)


# ------------------------------------------------------------------------------ engines
# One engine (a connection pool) per database per process, however many Store objects are made:
# the app makes one per rerun, so the pool is what keeps the per-rerun lookup one small query.

_ENGINES: dict[str, sa.Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _sqlite_engine(path: str) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we say BEGIN ourselves (below)
        dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        dbapi_connection.execute("PRAGMA synchronous = FULL")

    @sa.event.listens_for(engine, "begin")
    def _begin(connection):
        # A writer takes SQLite's write lock at BEGIN, so two writers never both read the same
        # next number. A reader runs one statement, atomic by itself: no BEGIN (no round trips).
        if connection.get_execution_options().get("write", False):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _postgresql_engine(key: str) -> sa.Engine:
    """Two engines per database: "read" (autocommit: a read is one statement, so no BEGIN and no
    COMMIT round trips; a connection the server dropped is retried once, see Store._read) and
    "write" (transactions; pool_pre_ping replaces a dropped connection before a write begins)."""
    url, kind = key.rsplit("#", 1)
    parsed = sa.engine.make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    options = dict(isolation_level="AUTOCOMMIT") if kind == "read" else dict(pool_pre_ping=True)
    return sa.create_engine(parsed, pool_size=5, max_overflow=10, pool_recycle=3600, **options,
                            connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS,
                                          "application_name": "csp-dashboard"})


def _engine(key: str, make: Callable[[str], sa.Engine]) -> sa.Engine:
    engine = _ENGINES.get(key)
    if engine is None:
        with _ENGINES_LOCK:
            engine = _ENGINES.get(key)
            if engine is None:
                engine = _ENGINES[key] = make(key)
    return engine


def dispose_engines() -> None:
    """Close every pooled connection of this process and forget which stores are set up (tests)."""
    with _ENGINES_LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()
        _SET_UP.clear()


_SET_UP: set[str] = set()  # stores whose tables this process has made sure of (once per process)


def _reason(e: BaseException) -> str:
    """The database's own words, first line, without SQLAlchemy's SQL text and links."""
    orig = getattr(e, "orig", None) or e
    text = str(orig).strip().splitlines()
    return text[0] if text else orig.__class__.__name__


# ------------------------------------------------------------------------------ where files live

class _FolderFiles:
    """Workbook files beside versions.sqlite, named by their sha256 (written before the row)."""

    in_transaction = False

    def __init__(self, folder: str):
        self.folder = folder
        self.files = os.path.join(folder, "files")

    def path(self, sha: str, suffix: str | None = None) -> str:
        """The file of `sha`: with `suffix` where it is written; else the one there is (.xlsx first)."""
        if suffix is None:
            ods = os.path.join(self.files, f"{sha}.ods")
            suffix = ".ods" if os.path.exists(ods) and not os.path.exists(ods[:-4] + ".xlsx") else ".xlsx"
            if suffix == ".xlsx" and os.path.exists(ods[:-4] + ".pdf") and not os.path.exists(ods[:-4] + ".xlsx"):
                suffix = ".pdf"
        return os.path.join(self.files, f"{sha}{suffix}")

    def read(self, _store: "Store", sha: str, number: int) -> bytes:
        path = self.path(sha)
        try:
            with open(path, "rb") as f:
                return f.read()
        except FileNotFoundError:
            raise StoreError(f"The workbook file for version {number} is missing from "
                             f"the store ({path}).") from None
        except OSError as e:
            raise StoreError(f"The workbook file for version {number} could not be "
                             f"read: {e.strerror or e}.") from e

    def matches(self, _store: "Store", sha: str) -> bool:
        try:
            with open(self.path(sha), "rb") as f:
                return _sha256(f.read()) == sha
        except OSError:
            return False

    def put(self, store: "Store", sha: str, data: bytes) -> None:
        """Before the transaction: write the file unless an intact copy is already there."""
        if not self.matches(store, sha):
            try:
                with store._publish_lock(exclusive=False):
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
            os.replace(tmp, self.path(sha, _suffix(data)))
        except BaseException:
            with suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_dir(self.files)

    def put_in(self, con, sha: str, data: bytes) -> None:
        """Inside the transaction: nothing (the file was written before it)."""

    def label_secret(self, store: "Store") -> bytes:
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


class _TableFiles:
    """Workbook files as rows of the `files` table, inserted in the publish's own transaction."""

    in_transaction = True

    def read(self, store: "Store", sha: str, number: int) -> bytes:
        data = store._read(f"read the workbook of version {number}", lambda con: con.execute(
            sa.select(FILES.c.data).where(FILES.c.sha256 == sha)).scalar())
        if data is None:
            raise StoreError(f"The workbook file for version {number} is missing from the store.")
        return bytes(data)

    def matches(self, store: "Store", sha: str) -> bool:
        try:
            return _sha256(self.read(store, sha, 0)) == sha
        except StoreUnavailable:
            raise
        except StoreError:
            return False

    def put(self, store: "Store", sha: str, data: bytes) -> None:
        """Before the transaction: nothing (the row goes in with the version's)."""

    def put_in(self, con, sha: str, data: bytes) -> None:
        from sqlalchemy.dialects.postgresql import insert

        con.execute(insert(FILES).values(sha256=sha, suffix=_suffix(data), size=len(data), data=data)
                    .on_conflict_do_nothing(index_elements=["sha256"]))
        _step("file_written")

    def label_secret(self, store: "Store") -> bytes:
        from sqlalchemy.dialects.postgresql import insert

        with store._db("keep the labels' secret", write=True) as con:
            con.execute(insert(SETTINGS).values(name="label_secret", value=os.urandom(32))
                        .on_conflict_do_nothing(index_elements=["name"]))
            return bytes(con.execute(sa.select(SETTINGS.c.value)
                                     .where(SETTINGS.c.name == "label_secret")).scalar())


# ------------------------------------------------------------------------------ the store

class Store:
    """A store at a folder (str or path) or a PostgreSQL URL (``postgresql://...``)."""

    def __init__(self, location: str | os.PathLike):
        self.is_database = is_database_url(location)
        self._ready = False
        self._init_lock = threading.Lock()
        if self.is_database:
            self.url = str(location)
            self.folder = None
            self.files = None
            self.db_path = None
            self._files = _TableFiles()
        else:
            self.url = None
            self.folder = os.fspath(location)
            self._files = _FolderFiles(self.folder)
            self.files = self._files.files
            self.db_path = os.path.join(self.folder, "versions.sqlite")

    def __repr__(self) -> str:
        if self.is_database:
            return f"Store({sa.engine.make_url(self.url).render_as_string(hide_password=True)!r})"
        return f"Store({self.folder!r})"

    # ----------------------------------------------------------------- reading

    def versions(self) -> list[Version]:
        """Every version, newest first (including any whose file has since gone missing)."""
        rows = self._read("read the version history",
                          lambda con: con.execute(sa.select(*ROW).order_by(VERSIONS.c.number.desc())).all())
        return [_version(r) for r in rows]

    def latest(self) -> Version | None:
        """The newest version's row (one small query: what each rerun asks); its file is not checked."""
        row = self._read("read the newest version", lambda con: con.execute(LATEST).first())
        return None if row is None else _version(row)

    def get(self, number: int) -> Version:
        if isinstance(number, bool) or not isinstance(number, int):
            raise StoreError(f"A version number must be a whole number, not {number!r}.")
        row = self._read(f"read version {number}",
                         lambda con: con.execute(sa.select(*ROW).where(VERSIONS.c.number == number)).first())
        if row is None:
            raise StoreError(f"There is no version {number} in the store.")
        return _version(row)

    def current(self) -> Version | None:
        """The newest version whose file is present and intact; None if nothing was published."""
        for version in self.versions():
            if self._files.matches(self, version.sha256):
                return version
        return None

    def read_bytes(self, version: Version | int) -> bytes:
        """The workbook bytes of a version, after checking they still have the published hash."""
        if not isinstance(version, Version):
            version = self.get(version)
        data = self._files.read(self, version.sha256, version.number)
        if _sha256(data) != version.sha256:
            raise StoreError(f"The workbook file for version {version.number} has been changed "
                             f"or damaged since it was published (its checksum does not match), "
                             f"so it will not be used.")
        return data

    def label_secret(self) -> bytes:
        """The server's secret for the labels of hidden names (analysis.names): 32 random bytes made
        once and kept in the store (a folder's file `label-secret`, readable by the server only; a
        database's `settings` row), so labels hold across restarts and every process and server
        sharing the store deals the same ones."""
        return self._files.label_secret(self)

    # ----------------------------------------------------------------- writing

    def publish(self, data: bytes, filename: str, who: str, note: str = "",
                summary: dict | None = None) -> Version:
        """Store the bytes and record them as the new current version."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise StoreError("Only the bytes of a workbook file can be published.")
        data = bytes(data)
        if not data:
            raise StoreError("The workbook is empty, so there is nothing to publish.")
        fields = self._fields(filename, who, note, summary)  # refuse bad input before writing anything
        sha = _sha256(data)
        self._ensure()
        self._clean_temporary_files()
        self._files.put(self, sha, data)
        return self._insert(sha, data, *fields, "publish", None)

    def rollback(self, number: int, who: str, note: str = "") -> Version:
        """Make an earlier version current again, as a new version pointing at its file."""
        target = self.get(number)
        self.read_bytes(target)  # refuse to roll back to a file that is missing or damaged
        fields = self._fields(target.filename, who, note, target.summary)
        return self._insert(target.sha256, None, *fields, "rollback", target.number)

    # ----------------------------------------------------------------- plans (PDFs)

    def add_plan(self, data: bytes, filename: str, partnership: str, cycle: str, pages: int,
                 who: str) -> StoredPlan:
        """Keep a plan's PDF (exact bytes, by sha256, beside the workbooks) as the plan of
        `partnership` for `cycle`. A later plan for the same pair is a new row that takes its place;
        nothing is changed or deleted. The PDF is checked by the caller (plans.extract)."""
        if not isinstance(data, (bytes, bytearray, memoryview)) or b"%PDF-" not in bytes(data[:1024]):
            raise StoreError("Only the bytes of a PDF file can be kept as a plan.")
        data = bytes(data)
        fields = [str(x or "").strip() for x in (partnership, cycle, who)]
        if not all(fields):
            raise StoreError("A plan needs its partnership, its cycle and who is adding it.")
        if isinstance(pages, bool) or not isinstance(pages, int) or pages < 1:
            raise StoreError("A plan's page count must be a whole number of at least 1.")
        filename = os.path.basename(str(filename or "").replace("\\", "/")).strip() or "plan.pdf"
        sha = _sha256(data)
        self._ensure()
        self._files.put(self, sha, data)
        with self._db("keep the plan", write=True) as con:
            self._take_number(con)  # the same lock as a publish: ids in order, one writer at a time
            number = con.execute(sa.select(sa.func.coalesce(sa.func.max(PLANS.c.id), 0) + 1)).scalar_one()
            self._files.put_in(con, sha, data)
            when = datetime.now(timezone.utc).isoformat(timespec="seconds")
            con.execute(sa.insert(PLANS).values(id=number, sha256=sha, filename=filename, partnership=fields[0],
                                                cycle=fields[1], pages=pages, who=fields[2], added_at=when))
        return StoredPlan(number, sha, filename, fields[0], fields[1], pages, fields[2], when)

    def plans(self) -> list[StoredPlan]:
        """Every plan kept, newest first (one small query)."""
        rows = self._read("read the list of plans",
                          lambda con: con.execute(sa.select(*PLAN_ROW).order_by(PLANS.c.id.desc())).all())
        return [StoredPlan(*row) for row in rows]

    def read_plan(self, plan: StoredPlan) -> bytes:
        """A plan's bytes, after checking they still have the sha256 they were kept with."""
        if self.is_database:
            data = self._read(f"read the plan {plan.filename}", lambda con: con.execute(
                sa.select(FILES.c.data).where(FILES.c.sha256 == plan.sha256)).scalar())
            data = None if data is None else bytes(data)
        else:
            try:
                with open(self._files.path(plan.sha256, ".pdf"), "rb") as f:
                    data = f.read()
            except OSError:
                data = None
        if data is None:
            raise StoreError(f"The plan {plan.filename} is missing from the store.")
        if _sha256(data) != plan.sha256:
            raise StoreError(f"The plan {plan.filename} has been changed or damaged since it was added (its "
                             "checksum does not match), so it will not be used.")
        return data

    # ----------------------------------------------------------------- failed sign-ins
    # The storage of auth.AttemptLimiter (auth.FailureStorage): small methods, no limits here.

    def record_failure(self, key: str, when: float, forget_before: float | None = None) -> int:
        """Add a wrong passcode of `key` at `when` (epoch seconds); return its id (ids only grow).
        Rows of any key at or before `forget_before` are deleted in the same transaction."""
        with self._db("count a wrong passcode", write=True) as con:
            if forget_before is not None:
                con.execute(sa.delete(FAILED).where(FAILED.c.at <= float(forget_before)))
            return con.execute(sa.insert(FAILED).values(key=str(key), at=float(when))
                               .returning(FAILED.c.id)).scalar_one()

    def failures_since(self, key: str, since: float, through: int | None = None) -> list[float]:
        """The times of `key`'s wrong passcodes after `since` (ids up to `through`), oldest first."""
        query = sa.select(FAILED.c.at).where(FAILED.c.key == str(key), FAILED.c.at > float(since))
        if through is not None:
            query = query.where(FAILED.c.id <= int(through))
        return self._read("count wrong passcodes",
                          lambda con: list(con.execute(query.order_by(FAILED.c.at, FAILED.c.id)).scalars()))

    def clear(self, key: str) -> None:
        """Forget every wrong passcode of `key`."""
        with self._db("forget wrong passcodes", write=True) as con:
            con.execute(sa.delete(FAILED).where(FAILED.c.key == str(key)))

    def discard(self, failure_id: int) -> None:
        """Forget the one row `failure_id` (an attempt that was not a failure after all)."""
        with self._db("forget a wrong passcode", write=True) as con:
            con.execute(sa.delete(FAILED).where(FAILED.c.id == int(failure_id)))

    # ----------------------------------------------------------------- internals

    def _path(self, sha: str, suffix: str | None = None) -> str:
        return self._files.path(sha, suffix)

    def _file_matches(self, sha: str) -> bool:
        return self._files.matches(self, sha)

    @staticmethod
    def _fields(filename, who, note, summary) -> tuple[str, str, str, str]:
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
        return filename, who, note, summary_text

    def _take_number(self, con) -> int:
        """Inside a writing transaction: hold the write lock (SQLite: BEGIN IMMEDIATE already did;
        PostgreSQL: an advisory lock until COMMIT), so the next number is ours alone."""
        if self.is_database:
            con.execute(sa.select(sa.func.pg_advisory_xact_lock(PUBLISH_LOCK_KEY)))
        return con.execute(sa.select(sa.func.coalesce(sa.func.max(VERSIONS.c.number), 0) + 1)).scalar_one()

    def _insert(self, sha: str, data: bytes | None, filename: str, who: str, note: str, summary_text: str,
                kind: str, rollback_of: int | None) -> Version:
        with self._db("record the new version", write=True) as con:
            number = self._take_number(con)
            if data is not None:
                self._files.put_in(con, sha, data)
            _step("file_renamed")
            when = datetime.now(timezone.utc).isoformat(timespec="seconds")
            con.execute(sa.insert(VERSIONS).values(
                number=number, sha256=sha, filename=filename, who=who, published_at=when, note=note,
                summary=summary_text, kind=kind, rollback_of=rollback_of))
            _step("row_inserted")
        _step("committed")
        return Version(number, sha, filename, who, when, note, json.loads(summary_text), kind,
                       rollback_of)

    def _engine(self, write: bool = True) -> sa.Engine:
        if self.is_database:
            return _engine(f"{self.url}#{'write' if write else 'read'}", _postgresql_engine)
        return _engine(self.db_path, _sqlite_engine)

    def _read(self, action: str, query: Callable[[sa.Connection], object]):
        """Run one reading statement on a pooled connection; tried once more on a fresh connection
        when the pooled one turns out dead (the database restarted since), so a rerun after the
        database returns just works."""
        self._ensure()
        for attempt in (1, 2):
            try:
                with self._engine(write=False).connect() as con:
                    return query(con)
            except sa_exc.DBAPIError as e:
                if attempt == 1 and e.connection_invalidated:
                    continue
                raise self._error(action, e) from e
            except sa_exc.SQLAlchemyError as e:
                raise self._error(action, e) from e

    @contextmanager
    def _db(self, action: str, write: bool = False) -> Iterator[sa.Connection]:
        """A pooled connection in one transaction: committed when the block ends, rolled back if it
        raises. `write`: SQLite takes its write lock at BEGIN."""
        self._ensure()
        try:
            with self._engine().connect() as con:
                if write:
                    con = con.execution_options(write=True)
                with con.begin():
                    yield con
        except sa_exc.SQLAlchemyError as e:
            raise self._error(action, e) from e

    def _error(self, action: str, e: BaseException) -> StoreError:
        unreachable = isinstance(e, sa_exc.OperationalError) and self.is_database and (
            getattr(e, "connection_invalidated", False) or "connect" in _reason(e).lower()
            or "terminat" in _reason(e).lower() or "closed" in _reason(e).lower()
            or "shutting down" in _reason(e).lower())
        if unreachable:
            return StoreUnavailable(f"Could not {action}: the database of published versions is not "
                                    f"answering just now ({_reason(e)}). Nothing was changed; try again "
                                    f"in a minute.")
        return StoreError(f"Could not {action}: the version database reported \"{_reason(e)}\".")

    def _ensure(self) -> None:
        """Create the folder, files/ and the database on first use; clean old temporary files."""
        if self._ready:
            return
        with self._init_lock:
            if self._ready:
                return
            key = self.url or self.db_path
            if self.is_database:
                if key not in _SET_UP:
                    self._create_postgresql()
            else:
                try:
                    if key not in _SET_UP or not os.path.exists(self.db_path):
                        if key in _SET_UP:  # the folder was removed since: no pooled connection to the old file
                            with _ENGINES_LOCK:
                                stale = _ENGINES.pop(self.db_path, None)
                            if stale is not None:
                                stale.dispose()
                        os.makedirs(self.files, exist_ok=True)
                        self._create_sqlite()
                except (OSError, sqlite3.Error, sa_exc.DBAPIError) as e:
                    raise StoreError(f"The store at {self.folder} could not be opened: {_reason(e)}.") from e
                self._clean_temporary_files()
            _SET_UP.add(key)
            self._ready = True

    def _create_postgresql(self) -> None:
        try:
            with self._engine().begin() as con:
                con.execute(sa.select(sa.func.pg_advisory_xact_lock(SCHEMA_LOCK_KEY)))
                present = con.exec_driver_sql(
                    "SELECT count(*) FROM pg_trigger WHERE tgname = 'plans_never_truncated'").scalar()
                if not present:
                    con.exec_driver_sql(POSTGRESQL_SCHEMA)
                    con.exec_driver_sql(POSTGRESQL_TRIGGERS)
        except sa_exc.SQLAlchemyError as e:
            raise self._error("open the store", e) from e

    def _create_sqlite(self) -> None:
        # Switching to WAL does not wait on the busy handler when another process is creating
        # the database at the same moment, so retry "locked" here for up to the busy timeout.
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            con = self._engine().raw_connection()
            try:
                mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise StoreError(f"The store at {self.folder} cannot use SQLite's WAL mode "
                                     f"(got {mode!r}); put it on a local disk.")
                con.executescript(SQLITE_SCHEMA)
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or time.monotonic() > deadline:
                    raise
            finally:
                con.close()
            time.sleep(0.02)

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

    def _clean_temporary_files(self) -> None:
        """Remove the temporary files of publishes that died (on open and before each publish).

        Only when no publish holds publish.lock (in any process: a live publish's file is never
        touched) are they all removed; while one does, only those over TMP_MAX_AGE_SECONDS old."""
        if self.is_database:
            return
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


# ------------------------------------------------------------------------------ moving a store

def migrate(source: str | os.PathLike, target: str) -> list[str]:
    """Copy the folder store `source` into the PostgreSQL store `target` with its whole history: every
    version with its number, who, when, note, summary, kind and rollback, every file (each checked by
    sha256 as it is read from the folder and again as it is read back from the database), and the
    labels' secret. All in one transaction: on any problem nothing is copied. Versions already in the
    database are compared field by field, so running it twice changes nothing; a database whose
    history differs from the folder's is refused. Failed sign-ins are not copied (they are counts of
    the last 15 minutes). Returns what was done, one line each; raises StoreError with a plain message."""
    src = Store(source)
    if src.is_database:
        raise StoreError("Migrate copies a folder store into a database: --from must be a folder.")
    if not os.path.exists(src.db_path):
        raise StoreError(f"There is no store at {src.folder} (no versions.sqlite there).")
    dst = Store(target)
    if not dst.is_database:
        raise StoreError("Migrate copies a folder store into a database: --to must be a postgresql:// URL.")
    versions = src.versions()[::-1]  # oldest first: a rollback's target goes in before it
    files: dict[str, bytes] = {}
    for v in versions:
        if v.sha256 not in files:
            files[v.sha256] = src.read_bytes(v)  # refuses a missing or damaged file, naming the version
    plans = src.plans()[::-1]
    for plan in plans:
        if plan.sha256 not in files:
            files[plan.sha256] = src.read_plan(plan)  # refuses a missing or damaged PDF, naming it
    secret_path = os.path.join(src.folder, "label-secret")
    secret = None
    if os.path.exists(secret_path):
        with open(secret_path, "rb") as f:
            secret = f.read()
    from sqlalchemy.dialects.postgresql import insert

    copied = same = 0
    with dst._db("copy the store into the database", write=True) as con:
        dst._take_number(con)  # holds the publish lock: no publish through the app meanwhile
        there = {row[0]: _version(row) for row in con.execute(sa.select(*ROW))}
        for v in versions:
            if v.number in there:
                if there[v.number] != v:
                    raise StoreError(f"Version {v.number} in the database is not the folder's version "
                                     f"{v.number} (published {there[v.number].published_at} by "
                                     f"{there[v.number].who}), so nothing was copied: this database has "
                                     f"a history of its own.")
                same += 1
                continue
            dst._files.put_in(con, v.sha256, files[v.sha256])
            con.execute(sa.insert(VERSIONS).values(
                number=v.number, sha256=v.sha256, filename=v.filename, who=v.who, published_at=v.published_at,
                note=v.note, summary=json.dumps(v.summary, sort_keys=True, default=str, ensure_ascii=False),
                kind=v.kind, rollback_of=v.rollback_of))
            copied += 1
        kept = {row[0]: StoredPlan(*row) for row in con.execute(sa.select(*PLAN_ROW))}
        plans_copied = 0
        for plan in plans:
            if plan.id in kept:
                if kept[plan.id] != plan:
                    raise StoreError(f"Plan {plan.id} in the database is not the folder's plan {plan.id}, so "
                                     "nothing was copied: this database has a history of its own.")
                continue
            dst._files.put_in(con, plan.sha256, files[plan.sha256])
            con.execute(sa.insert(PLANS).values(**{c.name: getattr(plan, c.name) for c in PLAN_ROW}))
            plans_copied += 1
        extra = sorted(set(there) - {v.number for v in versions})
        if extra and copied:
            raise StoreError(f"The database already has version(s) {', '.join(map(str, extra))} that the folder "
                             f"does not, so nothing was copied.")
        secret_line = "No labels' secret in the folder (one is made when first needed)."
        if secret is not None:
            con.execute(insert(SETTINGS).values(name="label_secret", value=secret)
                        .on_conflict_do_nothing(index_elements=["name"]))
            kept = bytes(con.execute(sa.select(SETTINGS.c.value).where(SETTINGS.c.name == "label_secret")).scalar())
            if kept != secret:
                raise StoreError("The database already keeps a different labels' secret (for hidden names), so "
                                 "nothing was copied.")
            secret_line = "The labels' secret for hidden names is the folder's."
    for v in versions:  # read back from the database, each checked by its sha256
        dst.read_bytes(v.number)
        if dst.get(v.number) != v:
            raise StoreError(f"Version {v.number} did not read back as it was written.")
    there_now = {p.id: p for p in dst.plans()}
    for plan in plans:
        dst.read_plan(plan)
        if there_now.get(plan.id) != plan:
            raise StoreError(f"Plan {plan.id} did not read back as it was written.")
    return [f"Versions in the folder: {len(versions)}; copied now: {copied}; already in the database: {same}.",
            f"Plans (PDFs) in the folder: {len(plans)}; copied now: {plans_copied}.",
            f"Files checked by sha256 in the folder and read back from the database: {len(files)}.",
            secret_line]


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python3 -m store", description="The store of published workbooks.")
    commands = parser.add_subparsers(dest="command", required=True)
    move = commands.add_parser("migrate", help="copy a folder store into a PostgreSQL database, with its history")
    move.add_argument("--from", dest="source", required=True, help="the store folder, e.g. data/store")
    move.add_argument("--to", dest="target", required=True, help="postgresql://user:password@host/database")
    args = parser.parse_args(argv)
    try:
        for line in migrate(args.source, args.target):
            print(line)
    except StoreError as e:
        print(f"Nothing was copied. {e}", file=sys.stderr)
        return 1
    print("Done. Point the app at the database: CSP_STORE or [connections.store] url in secrets.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
