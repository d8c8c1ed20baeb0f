"""`python3 -m store migrate`: a folder store copied into PostgreSQL with its history, checked by
sha256; a second run changes nothing; a damaged folder or a database with a history of its own is
refused with nothing copied."""
from __future__ import annotations

import subprocess
import sys

import psycopg

import store
from store import Store

ROOT = store.__file__.rsplit("/", 1)[0]
PDF = b"%PDF-1.7 a made-up plan"
ODS = b"PK\x03\x04" + b"\x00" * 26 + store.ODS_HEAD + b" and the rest of an .ods"


def migrate(folder, url) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "store", "migrate", "--from", str(folder), "--to", url],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def folder_store(tmp_path) -> Store:
    s = Store(tmp_path / "store")
    s.publish(b"first workbook", "first.xlsx", "ana@example.org", "first", {"partnerships": 31})
    s.publish(ODS, "second.ods", "bo@example.org", "second, from Calc")
    s.rollback(1, "lead@example.org", "back to the first")
    s.add_plan(PDF, "fife.pdf", "Fife", "2023-2026", 19, "ana@example.org")
    s.label_secret()
    return s


def test_a_folder_store_moves_with_its_history_and_twice_changes_nothing(tmp_path, postgresql_url):
    folder = folder_store(tmp_path)
    done = migrate(folder.folder, postgresql_url)
    assert done.returncode == 0, done.stderr
    assert "Versions in the folder: 3; copied now: 3; already in the database: 0." in done.stdout
    assert "Files checked by sha256 in the folder and read back from the database: 3." in done.stdout
    assert "Plans (PDFs) in the folder: 1; copied now: 1." in done.stdout
    db = Store(postgresql_url)
    assert db.versions() == folder.versions()  # numbers, who, when, notes, summaries, rollbacks
    assert db.current().rollback_of == 1 and db.read_bytes(3) == b"first workbook" and db.read_bytes(2) == ODS
    assert db.label_secret() == folder.label_secret()
    assert db.plans() == folder.plans() and db.read_plan(db.plans()[0]) == PDF
    with psycopg.connect(postgresql_url) as con:
        assert sorted(con.execute("SELECT suffix, size FROM files").fetchall()) == [
            (".ods", len(ODS)), (".pdf", len(PDF)), (".xlsx", 14)]

    again = migrate(folder.folder, postgresql_url)
    assert again.returncode == 0, again.stderr
    assert "copied now: 0; already in the database: 3." in again.stdout
    assert "Plans (PDFs) in the folder: 1; copied now: 0." in again.stdout
    assert db.versions() == folder.versions()
    assert db.publish(b"next", "next.xlsx", "ana@example.org").number == 4  # numbering carries on


def test_a_damaged_folder_is_refused_and_nothing_is_copied(tmp_path, postgresql_url):
    folder = folder_store(tmp_path)
    with open(folder._path(folder.get(2).sha256), "r+b") as f:
        f.write(b"XX")
    done = migrate(folder.folder, postgresql_url)
    assert done.returncode == 1
    assert done.stderr.strip() == ("Nothing was copied. The workbook file for version 2 has been changed or damaged "
                                   "since it was published (its checksum does not match), so it will not be used.")
    assert Store(postgresql_url).versions() == []


def test_a_database_with_its_own_history_is_refused(tmp_path, postgresql_url):
    folder = folder_store(tmp_path)
    Store(postgresql_url).publish(b"another history", "other.xlsx", "eve@example.org")
    done = migrate(folder.folder, postgresql_url)
    assert done.returncode == 1 and "Version 1 in the database is not the folder's version 1" in done.stderr
    assert len(Store(postgresql_url).versions()) == 1
