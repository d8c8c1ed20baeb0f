"""Start a Streamlit server on a free loopback port and wait for /_stcore/health, as Streamlit's own
e2e tests do. Shared by the browser tests (tests/browser/conftest.py) and the benchmarks (bench/)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


class AppServer:
    def __init__(self, script: Path, cwd: Path, env: dict[str, str] | None = None, *, stdout=subprocess.DEVNULL,
                 extra_args: tuple[str, ...] = (), timeout: float = 60):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(self.port),
             "--browser.gatherUsageStats", "false", *extra_args],
            cwd=cwd, stdout=stdout, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1).read() == b"ok":
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{Path(script).name} did not start on port {self.port}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
