"""Who may publish: passcode hashing, failed sign-in limits, the client's address and the publish
mode. No streamlit.

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
import ipaddress
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Callable, Protocol, Union

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
IPNetwork = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]

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


# ---------------------------------------------------------------- failed sign-in limits
#
# Every wrong passcode is a row (key, time) kept by a storage object: the store (store.Store, the
# same SQLite database as the published versions, so limits survive a restart and every server
# process on that store shares them) or, in tests, MemoryFailures. Two kinds of key count:
#
# - the client's: "ip:<address>" (an IPv6 client by its /64, which one household or server usually
#   holds whole), or UNKNOWN for every client whose address the server does not know (local
#   connections, a reverse proxy that is not trusted): all of those share one limit;
# - SERVER: every failure from anyone, for the server-wide cap.

UNKNOWN = "unknown"   # the one key shared by every client whose address is not known
SERVER = "server"     # the key every failure is also counted under (the server-wide cap)


class FailureStorage(Protocol):
    """Where failed attempts are kept (store.Store; MemoryFailures in tests)."""

    def record_failure(self, key: str, when: float, forget_before: float | None = None) -> int:
        """Add a failure of `key` at `when` (seconds since the epoch); return its id, larger than
        every earlier one. Failures older than `forget_before` (any key) may be deleted."""

    def failures_since(self, key: str, since: float, through: int | None = None) -> list[float]:
        """The times of `key`'s failures after `since` (with an id up to `through`), oldest first."""

    def clear(self, key: str) -> None:
        """Forget every failure of `key`."""

    def discard(self, failure_id: int) -> None:
        """Forget the one failure with this id (an attempt that turned out not to be one)."""


class MemoryFailures:
    """FailureStorage in this process's memory (tests; a store-less tool). Thread-safe."""

    def __init__(self):
        self._rows: dict[int, tuple[str, float]] = {}
        self._next = 1
        self._lock = threading.Lock()

    def record_failure(self, key: str, when: float, forget_before: float | None = None) -> int:
        with self._lock:
            if forget_before is not None:
                self._rows = {i: r for i, r in self._rows.items() if r[1] > forget_before}
            failure_id, self._next = self._next, self._next + 1
            self._rows[failure_id] = (key, when)
            return failure_id

    def failures_since(self, key: str, since: float, through: int | None = None) -> list[float]:
        with self._lock:
            return sorted(t for i, (k, t) in self._rows.items()
                          if k == key and t > since and (through is None or i <= through))

    def clear(self, key: str) -> None:
        with self._lock:
            self._rows = {i: r for i, r in self._rows.items() if r[0] != key}

    def discard(self, failure_id: int) -> None:
        with self._lock:
            self._rows.pop(failure_id, None)


class LimitUnavailable(Exception):
    """The failures could not be counted (the store cannot be read or written): refuse to check."""


@dataclass(frozen=True)
class Attempt:
    """One passcode check, counted as a failure from the start (see AttemptLimiter.begin)."""
    key: str
    ids: tuple[int, ...]


class AttemptLimiter:
    """At most `max_failures` failures per client key and `server_max_failures` from everyone within
    any `window_seconds` (sliding), counted in `storage` (see FailureStorage).

    An attempt is counted before the passcode is checked (`begin`), and its place among the
    failures decides whether it may go ahead: so sessions racing one another, in one process or
    several, get no more tries between them than one would alone. `clock`: seconds since the
    epoch (failures are kept across restarts, so not a monotonic clock).
    """

    def __init__(self, storage: FailureStorage | None = None, max_failures: int = 5,
                 window_seconds: float = 900, server_max_failures: int = 50,
                 clock: Callable[[], float] = time.time):
        if max_failures < 1 or server_max_failures < 1 or window_seconds <= 0:
            raise ValueError("max_failures and server_max_failures must be at least 1 and "
                             "window_seconds positive.")
        self.storage = MemoryFailures() if storage is None else storage
        self.max_failures, self.server_max_failures = max_failures, server_max_failures
        self.window, self._clock = window_seconds, clock

    def _call(self, method: str, *args):
        try:
            return getattr(self.storage, method)(*args)
        except Exception as e:  # the store's own errors, a full disk, a locked database
            raise LimitUnavailable(str(e)) from e

    def _wait(self, key: str, limit: int) -> float:
        now = self._clock()
        try:
            times = self._call("failures_since", key, now - self.window)
        except LimitUnavailable:
            return 0.0  # only what the page says; `begin` refuses to check a passcode then
        if len(times) < limit:
            return 0.0
        # allowed again once all but limit - 1 of the failures have left the window
        return max(0.0, times[len(times) - limit] + self.window - now)

    def seconds_until_allowed(self, key: str) -> float:
        """0 when this client may try now; else how long until its oldest failures expire. For
        what the page says: 0 when the failures cannot be read (`begin` then refuses)."""
        return self._wait(key, self.max_failures)

    def server_seconds_until_allowed(self) -> float:
        """The same for the server-wide cap: 0 unless everyone's failures reached it."""
        return self._wait(SERVER, self.server_max_failures)

    def allowed(self, key: str) -> bool:
        return self.seconds_until_allowed(key) == 0 and self.server_seconds_until_allowed() == 0

    def begin(self, key: str) -> Attempt | None:
        """Count an attempt as a failure now, before its passcode is checked; None (and nothing
        counted) when it is over the client's or the server's limit, counting every attempt begun
        before it, by any session of any process. Call `succeeded` if the passcode was right."""
        now = self._clock()
        since = now - self.window
        mine = self._call("record_failure", key, now, since)
        try:
            everyone = self._call("record_failure", SERVER, now)
        except LimitUnavailable:
            self._call("discard", mine)
            raise
        if (len(self._call("failures_since", key, since, mine)) > self.max_failures
                or len(self._call("failures_since", SERVER, since, everyone)) > self.server_max_failures):
            self._call("discard", mine)
            self._call("discard", everyone)
            return None
        return Attempt(key, (mine, everyone))

    def succeeded(self, attempt: Attempt) -> None:
        """The passcode was right: the attempt was no failure, and the client starts afresh (the
        server-wide count keeps the client's earlier failures)."""
        for failure_id in attempt.ids:
            self._call("discard", failure_id)
        self._call("clear", attempt.key)

    def record_failure(self, key: str) -> None:
        """Count one failure of `key` (and of the server), whatever the limits say."""
        now = self._clock()
        self._call("record_failure", key, now, now - self.window)
        self._call("record_failure", SERVER, now)

    def reset(self, key: str) -> None:
        """Forget the failures of `key` (not those counted towards the server-wide cap)."""
        self._call("clear", key)


# ---------------------------------------------------------------- the client's address

def trusted_proxies(secrets: Mapping) -> tuple[IPNetwork, ...]:
    """The reverse proxies whose X-Forwarded-For header is believed: ``[proxy] trusted = [...]`` in
    secrets.toml, addresses or networks (``"127.0.0.1"``, ``"10.0.0.0/8"``). None by default:
    then the header is ignored (any client can write one). Entries that are not addresses are
    skipped."""
    entries = _section(secrets, "proxy").get("trusted") or []
    if isinstance(entries, str):
        entries = [entries]
    networks = []
    for entry in entries if isinstance(entries, (list, tuple)) else []:
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            continue
    return tuple(networks)


_LOOPBACK = (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))


def _address(text: str) -> IPAddress | None:
    """An address as written in X-Forwarded-For: plain, or with a port ("1.2.3.4:80", "[::1]:80")."""
    text = text.strip().strip('"')
    for candidate in (text, text.rsplit(":", 1)[0] if text.count(":") == 1 else "",
                      text[1:text.find("]")] if text.startswith("[") and "]" in text else ""):
        try:
            ip = ipaddress.ip_address(candidate)
        except ValueError:
            continue
        return ip.ipv4_mapped or ip if ip.version == 6 else ip
    return None


def _is_trusted(ip: IPAddress, trusted: Iterable[IPNetwork]) -> bool:
    return any(ip.version == net.version and ip in net for net in trusted)


def client_address(peer: str | None, forwarded_for: Iterable[str],
                   trusted: Iterable[IPNetwork]) -> IPAddress | None:
    """The client's address, or None when it is not known.

    `peer`: the connection's address as Streamlit gives it (``st.context.ip_address``: None for a
    local connection, from 127.0.0.1 or ::1). `forwarded_for`: the values of every X-Forwarded-For
    header, in order. `trusted`: trusted_proxies(). Only when the peer is a trusted proxy is the
    header read, right to left (each proxy appends the address it saw), skipping trusted proxies:
    the first address that is not one is the client. Anything left of it was written by the client
    and is never believed. A value that is not an address there makes the client unknown.
    """
    trusted = tuple(trusted)
    ip = _address(peer) if isinstance(peer, str) and peer else None
    if ip is not None:
        peer_trusted = _is_trusted(ip, trusted)
    else:  # a local connection (or none at all): trusted when a loopback proxy is
        peer_trusted = any(_is_trusted(lo, trusted) for lo in _LOOPBACK)
    if not peer_trusted:
        return ip
    hops = [hop for value in forwarded_for if isinstance(value, str) for hop in value.split(",")]
    for hop in reversed(hops):
        if not hop.strip():
            continue
        hop_ip = _address(hop)
        if hop_ip is None:
            return None
        if not _is_trusted(hop_ip, trusted):
            return hop_ip
    return None


def limit_key(address: IPAddress | None) -> str:
    """The key a client's failures count under: its address (an IPv6 one by its /64), or UNKNOWN,
    one key for every client whose address is not known."""
    if address is None:
        return UNKNOWN
    if address.version == 6:
        return f"ip:{ipaddress.ip_network((address, 64), strict=False)}"
    return f"ip:{address}"


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


def email_allowed(email: str | None, secrets: Mapping, verified=None) -> bool:
    """True when the email is in ``[analysts] emails`` (case and surrounding spaces ignored) and the
    provider has not said it is unverified (its ``email_verified`` claim, `verified`, false or
    "false"; a provider that sends no such claim is trusted to vouch for its emails)."""
    if not isinstance(email, str) or not email.strip():
        return False
    if verified is False or (isinstance(verified, str) and verified.strip().casefold() == "false"):
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
