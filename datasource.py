"""Where the data comes from, decided in one place, with its provenance.

Order: the workbook named by CSP_WORKBOOK (read only); else the newest published version in the
store (`store_location()`: CSP_STORE, else `[connections.store] url` in secrets, else the folder
data/store); else the shipped sample data/sample-review.xlsx.

`locate()` is cheap (a stat, or one small query on a pooled connection) and runs on every rerun, so a
newly published version reaches every viewer on their next rerun; the bytes are read, and the
workbook parsed, only when `Source.key` changes (the app caches on it). No streamlit here.

When the store's database does not answer, `locate()` gives the last version this process found
(with a `notice` saying so), or, if it has found none since it started, a source of kind
"unavailable" (no data: the sample would be taken for the published figures).
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from loaders.model import WorkbookUnreadable

ROOT = Path(__file__).resolve().parent
SAMPLE = ROOT / "data" / "sample-review.xlsx"
TEMPLATE = ROOT / "data" / "template.xlsx"
TEMPLATE_ODS = ROOT / "data" / "template.ods"     # the same, for LibreOffice Calc


@dataclass(frozen=True)
class Source:
    kind: str                  # "env", "store", "sample" or "upload"
    key: str                   # changes whenever the content may have changed (cache key)
    path: str | None = None    # file to read (env, sample, store)
    filename: str = ""
    version: int | None = None
    who: str = ""
    when: str = ""
    note: str = ""
    notice: str = ""           # a plain warning to show with the data (e.g. the store is not answering)

    @property
    def is_sample(self) -> bool:
        return self.kind == "sample"

    def describe(self, illustrative: bool = False) -> str:
        """One line for the footer: which data this page shows. `illustrative`: the workbook's About
        sheet marks its per-partnership data as made up (the shipped sample's line always says so)."""
        if self.kind == "sample":
            return ("Data: the shipped sample workbook. Counts per criterion are the published national "
                    "figures; per-partnership scores and dates are illustrative.")
        caveat = " Its per-partnership scores and dates are illustrative (made up)." if illustrative else ""
        if self.kind == "env":
            return f"Data: {self.filename} (set by CSP_WORKBOOK, not published through this dashboard).{caveat}"
        if self.kind == "unavailable":
            return "Data: the published versions cannot be reached just now."
        if self.kind == "upload":
            return f"Preview of your upload {self.filename}: not published, seen only in this browser session.{caveat}"
        return f"Data: version {self.version} ({self.filename}), published {self.when} by {self.who}.{caveat}"


def read_bytes(source: Source) -> bytes:
    """The workbook's bytes (the store checks them against their sha256)."""
    if source.kind == "store":
        from store import Store

        return Store(store_location()).read_bytes(source.version)
    try:
        return Path(source.path).read_bytes()
    except FileNotFoundError:
        where = " (named by CSP_WORKBOOK)" if source.kind == "env" else ""
        raise WorkbookUnreadable(f"The file {source.path}{where} does not exist.") from None
    except OSError as exc:
        raise WorkbookUnreadable(f"The file {source.path} cannot be opened ({exc.strerror}).") from None


_from_secrets: str | None = None  # `[connections.store] url`, given by ui at each run (configure_store)
_last_found: dict[str, Source] = {}  # per store: the last version locate() found there


def configure_store(url: str | None) -> None:
    """The store named in secrets (`[connections.store] url = "postgresql://..."`, st.connection's
    convention); CSP_STORE, when set, wins."""
    global _from_secrets
    _from_secrets = str(url).strip() if url else None


def is_database_url(location) -> bool:
    """A PostgreSQL URL (the store's second backend), not a folder. Here rather than in store.py so
    that finding the store does not import SQLAlchemy (a cold start with the folder store never does)."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgresql+psycopg://",
                                                              "postgres://"))


def store_location() -> str | Path:
    """Where published versions are: a PostgreSQL URL (a str) or a folder (a Path)."""
    location = os.environ.get("CSP_STORE") or _from_secrets
    if location and is_database_url(location):
        return location
    return Path(location or ROOT / "data" / "store")


store_folder = store_location  # the older name


def unavailable_notice(version: int | None) -> str:
    if version is None:
        return ("The published data cannot be reached just now: the database that keeps it is not answering. "
                "Nothing published is lost; this page shows it again by itself once the database is back "
                "(reload in a minute).")
    return (f"The database of published versions is not answering just now, so this page shows version "
            f"{version}, the last one this server read; a newer one may have been published since. It "
            f"updates by itself once the database is back.")


def locate(verify: bool = False) -> Source:
    """The source to show. `verify=True` also checks the newest version's file (slower: it hashes
    the file), for when reading the newest version failed."""
    env = os.environ.get("CSP_WORKBOOK")
    if env:
        path = Path(env)
        try:
            stat = path.stat()
            stamp = f"{stat.st_mtime_ns}:{stat.st_size}"
        except OSError:
            stamp = "missing"
        return Source("env", f"env:{path}:{stamp}", str(path), path.name)
    location = store_location()
    if isinstance(location, str) or (location / "versions.sqlite").exists():
        from store import Store, StoreUnavailable

        store = Store(location)
        try:
            version = store.current() if verify else store.latest()
        except StoreUnavailable:
            last = _last_found.get(str(location))
            if last is None:
                return Source("unavailable", "unavailable", notice=unavailable_notice(None))
            return Source(**{**last.__dict__, "notice": unavailable_notice(last.version)})
        if version is not None:
            found = Source("store", f"sha:{version.sha256}", None, version.filename, version.number, version.who,
                           version.published_at[:16].replace("T", " ") + " UTC", version.note)
            _last_found[str(location)] = found
            return found
    stat = SAMPLE.stat()
    return Source("sample", f"sample:{stat.st_mtime_ns}:{stat.st_size}", str(SAMPLE), SAMPLE.name)


# A workbook file's type, by the suffix its name ends with: (suffix, MIME type). An upload's bytes
# decide its format (loaders.safety.workbook_format); `with_suffix` makes its name say the same.
FILE_TYPES = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              ".ods": "application/vnd.oasis.opendocument.spreadsheet"}


def file_type(filename: str) -> tuple[str, str]:
    """(".ods", its MIME type) for a name ending .ods (any case); else the .xlsx pair."""
    suffix = ".ods" if str(filename).lower().endswith(".ods") else ".xlsx"
    return suffix, FILE_TYPES[suffix]


def with_suffix(data: bytes, filename: str) -> str:
    """`filename` ending with the suffix of the format its bytes are in (kept when it already does,
    or when the bytes are neither format), e.g. an OpenDocument spreadsheet uploaded as "Review.xlsx"
    is kept as "Review.ods", so its downloads are named and typed as what they are."""
    from loaders.safety import workbook_format

    kind = workbook_format(data)
    if kind is None or str(filename).lower().endswith("." + kind):
        return filename
    stem = str(filename)
    if stem.lower().endswith((".xlsx", ".ods")):
        stem = stem[:stem.rfind(".")]
    return f"{stem or 'workbook'}.{kind}"


def app_for(data: bytes) -> str:
    """The program to name in messages about these bytes: "LibreOffice Calc" for an .ods, else "Excel"."""
    from loaders.safety import FORMAT_APP, XLSX, workbook_format

    return FORMAT_APP[workbook_format(data) or XLSX]


def upload_source(data: bytes, filename: str) -> Source:
    return Source("upload", "sha:" + hashlib.sha256(data).hexdigest(), None, filename)
