"""Who may publish: passcode hashes, the attempt limiter, publish modes and the hash command."""
from __future__ import annotations

import threading
import tomllib

import pytest

import auth
from auth import AttemptLimiter, check_passcode, email_allowed, hash_passcode, publish_mode


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
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_limiter_blocks_after_five_failures_and_reopens_after_the_window():
    clock = FakeClock()
    lim = AttemptLimiter(clock=clock)
    for _ in range(4):
        lim.record_failure("s1")
        clock.now += 10
    assert lim.allowed("s1") and lim.seconds_until_allowed("s1") == 0
    lim.record_failure("s1")  # fifth failure, at t = 1040
    assert not lim.allowed("s1")
    assert lim.seconds_until_allowed("s1") == 860  # the first failure (t = 1000) expires at 1900
    assert lim.allowed("s2")  # other sessions are not affected
    clock.now = 1899.0
    assert not lim.allowed("s1") and lim.seconds_until_allowed("s1") == 1
    clock.now = 1900.0
    assert lim.allowed("s1") and lim.seconds_until_allowed("s1") == 0
    lim.record_failure("s1")  # sliding window: four recent failures plus this one
    assert not lim.allowed("s1") and lim.seconds_until_allowed("s1") == 10
    clock.now += 10_000
    assert lim.allowed("s1")


def test_limiter_reset_and_custom_limits():
    clock = FakeClock()
    lim = AttemptLimiter(max_failures=2, window_seconds=60, clock=clock)
    lim.record_failure("k")
    lim.record_failure("k")
    assert not lim.allowed("k") and lim.seconds_until_allowed("k") == 60
    lim.reset("k")
    assert lim.allowed("k")
    lim.reset("never seen")  # harmless
    with pytest.raises(ValueError):
        AttemptLimiter(max_failures=0)


def test_limiter_is_thread_safe():
    lim = AttemptLimiter(max_failures=1000, clock=FakeClock())
    threads = [threading.Thread(target=lambda: [lim.record_failure("k") for _ in range(100)])
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for _ in range(199):  # no failure was lost: 999 recorded, still allowed; the 1000th blocks
        lim.record_failure("k")
    assert lim.allowed("k")
    lim.record_failure("k")
    assert not lim.allowed("k")


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
