"""Who may publish: passcode hashing, a failed-attempt limiter and the publish mode. No streamlit.

Modes, read from `.streamlit/secrets.toml` (``st.secrets``):

- ``oidc``: an ``[auth]`` section exists (``st.login`` is configured); an analyst is a signed-in
  user whose email is in ``[analysts] emails = [...]`` (compared without regard to case).
- ``passcode``: ``[analysts] passcode_hash = "scrypt$..."``; make one with ``python -m auth hash``.
- ``off``: neither; nobody can publish.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping
from typing import Callable

SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_LEN = 2**14, 8, 1, 32


def _scrypt(passcode: str, salt: bytes) -> bytes:
    return hashlib.scrypt(passcode.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R,
                          p=SCRYPT_P, dklen=SCRYPT_LEN)


def hash_passcode(passcode: str, salt: bytes | None = None) -> str:
    """A salted scrypt hash, encoded as ``scrypt$<salt hex>$<hash hex>``."""
    if not isinstance(passcode, str) or not passcode:
        raise ValueError("The passcode cannot be empty.")
    salt = os.urandom(16) if salt is None else bytes(salt)
    return f"scrypt${salt.hex()}${_scrypt(passcode, salt).hex()}"


def check_passcode(passcode: str, stored: str) -> bool:
    """True when the passcode matches the stored hash; False for anything malformed."""
    if not isinstance(passcode, str) or not passcode or not isinstance(stored, str):
        return False
    try:
        scheme, salt_hex, hash_hex = stored.strip().split("$")
        salt, expected = bytes.fromhex(salt_hex), bytes.fromhex(hash_hex)
    except ValueError:
        return False
    if scheme != "scrypt" or not salt or len(expected) != SCRYPT_LEN:
        return False
    return hmac.compare_digest(_scrypt(passcode, salt), expected)


class AttemptLimiter:
    """At most `max_failures` failed attempts per key within any `window_seconds` (sliding).

    In memory and thread-safe; the app keys it by session. `clock` returns seconds (monotonic).
    """

    def __init__(self, max_failures: int = 5, window_seconds: float = 900,
                 clock: Callable[[], float] = time.monotonic):
        if max_failures < 1 or window_seconds <= 0:
            raise ValueError("max_failures must be at least 1 and window_seconds positive.")
        self.max_failures, self.window, self._clock = max_failures, window_seconds, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        """The key's failures still inside the window (caller holds the lock)."""
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def allowed(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, self._clock())) < self.max_failures

    def record_failure(self, key: str) -> None:
        with self._lock:
            now = self._clock()
            self._recent(key, now)
            self._failures.setdefault(key, deque()).append(now)

    def reset(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def seconds_until_allowed(self, key: str) -> float:
        """0 when allowed now; otherwise how long until enough old failures leave the window."""
        with self._lock:
            now = self._clock()
            times = self._recent(key, now)
            if len(times) < self.max_failures:
                return 0.0
            # Allowed again once all but max_failures - 1 of the failures have expired.
            unblocking = times[len(times) - self.max_failures]
            return max(0.0, unblocking + self.window - now)


def _section(secrets: Mapping, name: str) -> Mapping:
    try:
        value = secrets.get(name)
    except Exception:  # st.secrets raises if secrets.toml is missing or unreadable
        return {}
    return value if isinstance(value, Mapping) else {}


def publish_mode(secrets: Mapping) -> str:
    """'oidc' if st.login is configured, 'passcode' if a passcode hash is set, else 'off'."""
    try:
        if "auth" in secrets:
            return "oidc"
    except Exception:
        return "off"
    hashed = _section(secrets, "analysts").get("passcode_hash")
    return "passcode" if isinstance(hashed, str) and hashed.strip() else "off"


def email_allowed(email: str | None, secrets: Mapping) -> bool:
    """True when the email is in ``[analysts] emails`` (case and surrounding spaces ignored)."""
    if not isinstance(email, str) or not email.strip():
        return False
    emails = _section(secrets, "analysts").get("emails") or []
    if isinstance(emails, str):
        emails = [emails]
    wanted = email.strip().casefold()
    return any(isinstance(e, str) and e.strip().casefold() == wanted for e in emails)


def main(argv: list[str] | None = None) -> int:
    """``python -m auth hash``: ask for a passcode twice and print the secrets.toml lines."""
    import getpass

    argv = sys.argv[1:] if argv is None else argv
    if argv != ["hash"]:
        print("Usage: python -m auth hash\n"
              "Asks for the analysts' passcode and prints the lines for .streamlit/secrets.toml.",
              file=sys.stderr)
        return 2
    first = getpass.getpass("Analysts' passcode: ")
    if not first:
        print("The passcode cannot be empty.", file=sys.stderr)
        return 1
    if getpass.getpass("Same passcode again: ") != first:
        print("The two passcodes do not match; nothing was printed.", file=sys.stderr)
        return 1
    print("# Paste into .streamlit/secrets.toml (if it already has [analysts], add only the"
          " passcode_hash line)")
    print("[analysts]")
    print(f'passcode_hash = "{hash_passcode(first)}"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
