"""A throwaway PostgreSQL server for the tests: initdb in a temporary folder, pg_ctl start on a free
loopback port (as the `postgres` user, or `nobody`, when the tests run as root: PostgreSQL refuses
to run as root), one new database per test. `.ci/run` installs Debian's `postgresql` when the
binaries are missing; then `python3 -m pytest` alone starts this. Under CI=true a test that needs
it fails when it cannot be started; elsewhere it is skipped with the reason."""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from itertools import count
from pathlib import Path

import pytest


def binaries() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres: on PATH, else Debian's newest
    /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                        key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, durable: bool = False):
        """`durable`: fsync as a real server does (the benchmarks); tests run without it."""
        self.durable = durable
        self.bin = binaries()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (no initdb/pg_ctl on PATH or in "
                               "/usr/lib/postgresql/*/bin); `bash .ci/run` installs Debian's postgresql")
        self.user = None
        if os.geteuid() == 0:
            for name in ("postgres", "nobody"):
                try:
                    self.user = pwd.getpwnam(name)
                    break
                except KeyError:
                    continue
        self.root = Path(tempfile.mkdtemp(prefix="csp-pg-"))
        self.data = self.root / "data"
        if self.user is not None:
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
        self.port = _free_port()
        self._run("initdb", "-D", str(self.data), "-U", "csp", "-A", "trust", "--no-sync", "-E", "UTF8")
        self.start()
        self._names = count(1)

    def _run(self, program: str, *args: str) -> None:
        result = subprocess.run([str(self.bin / program), *args], capture_output=True, text=True, timeout=120,
                                user=self.user.pw_uid if self.user else None,
                                group=self.user.pw_gid if self.user else None, cwd=self.root)
        if result.returncode:
            raise RuntimeError(f"{program} failed: {result.stdout}{result.stderr}")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-l", str(self.root / "log"), "start", "-o",
                  f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200"
                  + ("" if self.durable else " -c fsync=off -c full_page_writes=off"))

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-m", "fast", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://csp@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg

        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def close(self) -> None:
        try:
            self.stop()
        except Exception:
            pass
        shutil.rmtree(self.root, ignore_errors=True)


_cluster: Cluster | None = None
_failure: str | None = None


def cluster() -> Cluster:
    """The session's cluster, started on first use (pytest.fail under CI=true when it cannot be)."""
    global _cluster, _failure
    if _cluster is None and _failure is None:
        try:
            _cluster = Cluster()
        except Exception as exc:  # not installed, cannot start: say why
            _failure = str(exc)
    if _cluster is None:
        message = f"needs PostgreSQL: {_failure}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return _cluster


def shutdown() -> None:
    global _cluster
    if _cluster is not None:
        _cluster.close()
        _cluster = None


def wait_until(predicate, timeout: float = 30.0, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()
