"""Who may publish: passcode hashes, failed sign-in limits (the limiter, the client's address, the
sign-in form), publish modes and the hash command."""
from __future__ import annotations

import ipaddress
import multiprocessing as mp
import re
import sys
import threading
import tomllib
import types
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import auth
import datasource
from auth import AttemptLimiter, check_passcode, email_allowed, hash_passcode, publish_mode
from store import Store

ROOT = Path(__file__).resolve().parents[1]
SPAWN = mp.get_context("spawn")  # fresh interpreters, as separate server processes would be


@pytest.fixture(autouse=True)
def _plain_main(monkeypatch):
    """Spawned children must not re-run dashboard.py, which AppTest installs as __main__."""
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))


# ---------------------------------------------------------------- passcodes

def test_hash_and_check_passcode():
    stored = hash_passcode("correct horse")
    scheme, salt, digest = stored.split("$")
    assert scheme == "scrypt" and len(bytes.fromhex(salt)) == 16 and len(bytes.fromhex(digest)) == 32
    assert check_passcode("correct horse", stored)
    assert not check_passcode("correct horse ", stored)
    assert not check_passcode("Correct horse", stored)
    assert not check_passcode("", stored)


def test_hash_is_salted_and_deterministic_for_a_given_salt():
    assert hash_passcode("pass") != hash_passcode("pass")  # fresh random salt each time
    salt = bytes(range(16))
    assert hash_passcode("pass", salt) == hash_passcode("pass", salt)
    assert hash_passcode("pass", salt).startswith("scrypt$000102030405060708090a0b0c0d0e0f$")
    with pytest.raises(ValueError):
        hash_passcode("")


@pytest.mark.parametrize("stored", ["", "plain text", "scrypt$zz$00", "bcrypt$00$" + "00" * 32,
                                    "scrypt$$" + "00" * 32, "scrypt$0011$abcd", None, "a$b$c$d"])
def test_malformed_stored_hash_never_matches(stored):
    assert check_passcode("anything", stored) is False


def test_unicode_passcode():
    stored = hash_passcode("pâsscødé ✓")
    assert check_passcode("pâsscødé ✓", stored) and not check_passcode("passcode", stored)


# ---------------------------------------------------------------- attempt limiter

class FakeClock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture(params=["memory", "store"])
def storage(request, tmp_path):
    """Every limiter test runs on both storages: in memory and the store's SQLite table."""
    return auth.MemoryFailures() if request.param == "memory" else Store(tmp_path / "store")


def test_limiter_blocks_after_five_failures_and_reopens_after_the_window(storage):
    clock = FakeClock()
    t0 = clock.now
    lim = AttemptLimiter(storage, clock=clock)
    for _ in range(4):
        lim.record_failure("s1")
        clock.now += 10
    assert lim.allowed("s1") and lim.seconds_until_allowed("s1") == 0
    lim.record_failure("s1")  # fifth failure, at t0 + 40
    assert not lim.allowed("s1")
    assert lim.seconds_until_allowed("s1") == 860  # the first failure (t0) expires at t0 + 900
    assert lim.allowed("s2")  # other clients are not affected
    clock.now = t0 + 899
    assert not lim.allowed("s1") and lim.seconds_until_allowed("s1") == 1
    clock.now = t0 + 900
    assert lim.allowed("s1") and lim.seconds_until_allowed("s1") == 0
    lim.record_failure("s1")  # sliding window: four recent failures plus this one
    assert not lim.allowed("s1") and lim.seconds_until_allowed("s1") == 10
    clock.now += 10_000
    assert lim.allowed("s1")


def test_limiter_reset_and_custom_limits(storage):
    clock = FakeClock()
    lim = AttemptLimiter(storage, max_failures=2, window_seconds=60, clock=clock)
    lim.record_failure("k")
    lim.record_failure("k")
    assert not lim.allowed("k") and lim.seconds_until_allowed("k") == 60
    lim.reset("k")
    assert lim.allowed("k")
    lim.reset("never seen")  # harmless
    with pytest.raises(ValueError):
        AttemptLimiter(max_failures=0)
    with pytest.raises(ValueError):
        AttemptLimiter(server_max_failures=0)


def test_an_attempt_counts_before_the_check_and_a_right_one_starts_afresh(storage):
    clock = FakeClock()
    lim = AttemptLimiter(storage, max_failures=3, clock=clock)
    for _ in range(2):
        assert lim.begin("k") is not None  # two wrong passcodes: each begun attempt stays a failure
    right = lim.begin("k")
    assert right is not None and not lim.allowed("k")  # counted while its passcode is checked
    lim.succeeded(right)
    assert lim.allowed("k") and lim.seconds_until_allowed("k") == 0
    assert len(storage.failures_since(auth.SERVER, 0)) == 2  # the server still counts the two
    for _ in range(3):
        assert lim.begin("k") is not None
    assert lim.begin("k") is None  # refused, and not counted
    assert len(storage.failures_since("k", 0)) == 3


def test_server_wide_cap_stops_many_clients(storage):
    clock = FakeClock()
    lim = AttemptLimiter(storage, max_failures=5, server_max_failures=50, clock=clock)
    for n in range(50):  # 50 clients, one wrong passcode each: none reaches its own limit
        assert lim.begin(f"ip:198.51.100.{n}") is not None
        clock.now += 1
    assert lim.seconds_until_allowed("ip:203.0.113.1") == 0  # a new client's own limit is untouched
    assert not lim.allowed("ip:203.0.113.1") and lim.begin("ip:203.0.113.1") is None
    assert lim.server_seconds_until_allowed() == 900 - 50  # the oldest leaves the window then
    clock.now += 900 - 50
    assert lim.server_seconds_until_allowed() == 0 and lim.begin("ip:203.0.113.1") is not None


def test_racing_attempts_get_no_more_tries_than_one_alone(storage):
    lim = AttemptLimiter(storage, max_failures=5, clock=FakeClock())
    barrier, allowed = threading.Barrier(8), []

    def attempt():
        barrier.wait()
        for _ in range(3):
            allowed.append(lim.begin("k") is not None)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert allowed.count(True) == 5 and len(allowed) == 24


def test_limits_survive_a_restart(tmp_path):
    """A new Store and limiter on the same folder (the server restarted) still block the client."""
    clock = FakeClock()
    first = AttemptLimiter(Store(tmp_path / "store"), clock=clock)
    for _ in range(5):
        first.record_failure("ip:203.0.113.7")
    assert not first.allowed("ip:203.0.113.7")
    after = AttemptLimiter(Store(tmp_path / "store"), clock=clock)
    assert not after.allowed("ip:203.0.113.7") and after.seconds_until_allowed("ip:203.0.113.7") == 900
    assert after.begin("ip:203.0.113.7") is None
    assert after.allowed("ip:203.0.113.8")


def _attempts_in_a_process(folder, barrier, results):
    lim = AttemptLimiter(Store(folder), max_failures=5)
    barrier.wait()
    results.put(sum(lim.begin("unknown") is not None for _ in range(6)))


def test_two_processes_on_one_store_share_the_count(tmp_path):
    folder = str(tmp_path / "store")
    Store(folder).versions()  # created
    barrier, results = SPAWN.Barrier(2), SPAWN.Queue()
    procs = [SPAWN.Process(target=_attempts_in_a_process, args=(folder, barrier, results))
             for _ in range(2)]
    for p in procs:
        p.start()
    got = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    assert sum(got) == 5, got  # five tries between both servers, not five each


def test_limiter_refuses_to_check_when_it_cannot_count(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    lim = AttemptLimiter(Store(tmp_path / "file" / "store"))
    assert lim.seconds_until_allowed("k") == 0  # what the page shows: the form stays
    with pytest.raises(auth.LimitUnavailable):
        lim.begin("k")


# ---------------------------------------------------------------- the client's address

TRUSTED = auth.trusted_proxies({"proxy": {"trusted": ["127.0.0.1", "10.0.0.0/8", "not an address"]}})


def addr(peer, xff, trusted=TRUSTED):
    found = auth.client_address(peer, xff if isinstance(xff, list) else [xff], trusted)
    return None if found is None else str(found)


def test_trusted_proxies_come_only_from_the_proxy_section():
    assert [str(n) for n in TRUSTED] == ["127.0.0.1/32", "10.0.0.0/8"]
    assert auth.trusted_proxies({}) == ()
    assert auth.trusted_proxies({"proxy": {"trusted": "::1"}}) == (ipaddress.ip_network("::1"),)
    assert auth.trusted_proxies({"proxy": "127.0.0.1"}) == ()


def test_forwarded_for_is_ignored_without_a_trusted_proxy():
    # a local connection (st.context.ip_address is None) or a direct one: the header is the client's own
    assert addr(None, "203.0.113.9", trusted=()) is None
    assert addr("198.51.100.4", "203.0.113.9", trusted=()) == "198.51.100.4"
    # configured, but the connection does not come from the trusted proxy: still ignored
    assert addr("198.51.100.4", "203.0.113.9") == "198.51.100.4"


def test_forwarded_for_from_a_trusted_proxy_is_read_right_to_left():
    assert addr(None, "203.0.113.9") == "203.0.113.9"             # a proxy on this host (loopback)
    assert addr("10.1.2.3", "203.0.113.9") == "203.0.113.9"       # a proxy in a trusted network
    assert addr(None, "6.6.6.6, 203.0.113.9") == "203.0.113.9"    # a forged entry on the left is not believed
    assert addr(None, "6.6.6.6, 203.0.113.9, 10.0.0.5") == "203.0.113.9"  # trusted hops are skipped
    assert addr(None, ["6.6.6.6", "203.0.113.9, 10.0.0.5"]) == "203.0.113.9"  # several headers, in order
    assert addr(None, "203.0.113.9:4711") == "203.0.113.9"
    assert addr(None, "[2001:db8::1]:443") == "2001:db8::1"
    assert addr(None, "6.6.6.6, garbage") is None                 # not an address where the client is
    assert addr(None, []) is None and addr(None, "10.0.0.5, 127.0.0.1") is None  # only proxies


def test_limit_keys():
    assert auth.limit_key(None) == auth.UNKNOWN
    assert auth.limit_key(ipaddress.ip_address("203.0.113.9")) == "ip:203.0.113.9"
    a = auth.limit_key(ipaddress.ip_address("2001:db8:1:2::1"))
    assert a == "ip:2001:db8:1:2::/64" == auth.limit_key(ipaddress.ip_address("2001:db8:1:2:ffff::9"))
    assert addr("::ffff:203.0.113.9", [], trusted=()) == "203.0.113.9"  # an IPv4 client over IPv6


# ---------------------------------------------------------------- the sign-in form (AppTest)

PASSCODE = "correct horse"
PASSCODE_SECRETS = {"analysts": {"passcode_hash": hash_passcode(PASSCODE)}}


def open_data_page(secrets: dict = PASSCODE_SECRETS) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.secrets.update(secrets)
    at.run()
    at.switch_page("views/data.py").run()
    assert not at.exception, at.exception
    return at


def sign_in(at: AppTest, passcode: str, name: str = "Ana Analyst") -> AppTest:
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_passcode").input(passcode)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception, at.exception
    return at


def errors(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in at.error)


def signed_in(at: AppTest) -> bool:
    return any("Signed in as" in str(m.value) for m in at.markdown)


def fails_five_times(secrets: dict = PASSCODE_SECRETS) -> None:
    at = open_data_page(secrets)
    for _ in range(5):
        sign_in(at, "wrong")
    assert "Try again in" in errors(at)


def test_a_new_session_gets_no_fresh_tries_when_the_address_is_unknown():
    """Two sessions the server cannot tell apart (no address: a local connection) share one limit,
    so a reload does not give five more tries; nor does restarting the server."""
    fails_five_times()
    again = open_data_page()  # a reload: a new session
    assert "Try again in 15 minutes" in errors(again)
    assert next(b for b in again.button if b.label == "Sign in").disabled
    st.cache_resource.clear()  # a restart: nothing kept in memory
    after = open_data_page()
    assert "Try again in 15 minutes" in errors(after)
    with pytest.raises(Exception):
        sign_in(after, PASSCODE)  # a disabled button cannot be pressed
    assert not signed_in(after)


class FakeClient:
    """What the server knows of a browser's connection: its address and its request's headers."""

    def __init__(self, forwarded_for: str, remote_ip: str = "127.0.0.1"):
        self.headers = [("X-Forwarded-For", forwarded_for)]
        self.cookies, self.remote_ip = {}, remote_ip


@pytest.fixture
def behind_proxy(monkeypatch):
    """Connections come from a proxy on this host; `use(xff)` sets the X-Forwarded-For it sends."""
    import streamlit.runtime.context as context

    client = {"now": FakeClient("203.0.113.1")}
    monkeypatch.setattr(context, "_get_client_context", lambda: client["now"])
    return lambda xff: client.update(now=FakeClient(xff))


TRUSTING = {**PASSCODE_SECRETS, "proxy": {"trusted": ["127.0.0.1", "::1"]}}


def test_forwarded_for_keys_the_limit_only_when_the_proxy_is_trusted(behind_proxy):
    behind_proxy("203.0.113.1")
    fails_five_times(TRUSTING)
    behind_proxy("6.6.6.6, 203.0.113.1")  # the same client, forging an address: still blocked
    assert "Try again in" in errors(open_data_page(TRUSTING))
    behind_proxy("203.0.113.2")           # another client behind the trusted proxy: its own tries
    other = open_data_page(TRUSTING)
    assert "Try again in" not in errors(other)
    assert signed_in(sign_in(other, PASSCODE))


def test_forwarded_for_is_ignored_without_the_setting(behind_proxy):
    behind_proxy("203.0.113.1")
    fails_five_times()
    behind_proxy("203.0.113.2")  # anyone can write the header: it earns no fresh tries
    assert "Try again in" in errors(open_data_page())


def test_the_server_wide_cap_says_so_in_plain_words(behind_proxy):
    lim = AttemptLimiter(Store(datasource.store_folder()))
    for n in range(50):  # fifty other clients, one wrong passcode each
        lim.record_failure(f"ip:198.51.100.{n}")
    behind_proxy("203.0.113.1")
    at = sign_in(open_data_page(TRUSTING), PASSCODE)  # even the right passcode is not checked now
    assert not signed_in(at)
    message = errors(at)
    assert "paused for everyone" in message and "minutes" in message
    assert not re.search(r"[A-Z][a-z]+[A-Z]\w*(Error|Exception)|Traceback", message)


# ---------------------------------------------------------------- modes and emails

OIDC = {"auth": {"redirect_uri": "https://x/oauth2callback", "client_id": "id"},
        "analysts": {"emails": ["Ana.Smith@Example.org", " bo@example.org "],
                     "passcode_hash": "scrypt$00$00"}}


@pytest.mark.parametrize("secrets, mode", [
    (OIDC, "oidc"),
    ({"analysts": {"passcode_hash": hash_passcode("x", b"0" * 16)}}, "passcode"),
    ({}, "off"),
    ({"analysts": {}}, "off"),
    ({"analysts": {"passcode_hash": "  "}}, "off"),
    ({"analysts": "not a table"}, "off"),
])
def test_publish_mode(secrets, mode):
    assert publish_mode(secrets) == mode


def test_publish_mode_when_secrets_cannot_be_read():
    class Broken(dict):  # st.secrets raises when secrets.toml is missing
        def __contains__(self, key):
            raise FileNotFoundError("no secrets.toml")
    assert publish_mode(Broken()) == "off"


def test_an_email_the_provider_says_is_unverified_is_not_an_analyst():
    assert email_allowed("ana.smith@example.org", OIDC, verified=True)
    assert email_allowed("ana.smith@example.org", OIDC, verified="true")
    assert not email_allowed("ana.smith@example.org", OIDC, verified=False)
    assert not email_allowed("ana.smith@example.org", OIDC, verified="false")  # as some providers send it


def test_email_allowed_ignores_case_and_spaces():
    assert email_allowed("ana.smith@example.org", OIDC)
    assert email_allowed("  ANA.SMITH@EXAMPLE.ORG ", OIDC)
    assert email_allowed("bo@example.org", OIDC)
    assert not email_allowed("eve@example.org", OIDC)
    assert not email_allowed("", OIDC) and not email_allowed(None, OIDC)
    assert not email_allowed("ana.smith@example.org", {"auth": {}})  # no allow-list: nobody
    assert email_allowed("Solo@x.org", {"analysts": {"emails": "solo@x.org"}})  # a lone string


# ---------------------------------------------------------------- python -m auth hash

def test_hash_command_prints_toml(monkeypatch, capsys):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "s3cret code")
    assert auth.main(["hash"]) == 0
    parsed = tomllib.loads(capsys.readouterr().out)
    assert check_passcode("s3cret code", parsed["analysts"]["passcode_hash"])
    assert publish_mode(parsed) == "passcode"


def test_hash_command_refuses_mismatch_empty_and_bad_usage(monkeypatch, capsys):
    answers = iter(["one", "two"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert auth.main(["hash"]) == 1
    out = capsys.readouterr()
    assert out.out == "" and "do not match" in out.err
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "")
    assert auth.main(["hash"]) == 1
    assert auth.main([]) == 2 and "Usage" in capsys.readouterr().err
