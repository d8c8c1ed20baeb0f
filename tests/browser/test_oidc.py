"""Signing analysts in through a real OpenID Connect provider (st.login; issue 19.3), end to end in
Chromium, against oidc-provider-mock started here on a free port (its sign-in page takes any subject,
which it gives as the email claim).

Two copies of the dashboard share what the README says every copy must share: one secrets text (the
[auth] section: cookie secret, client id and secret, the provider's address; the analysts' list) and
one store. They are reached, as behind a load balancer, through one address: a small TCP proxy here
that sends every new connection to the copy it is set to. One address is needed: Streamlit puts the
origin of `redirect_uri` into its signed sign-in cookie and honours the cookie only on a connection
from that same origin (scheme, host and port), so a copy reached on an address of its own does not
see a sign-in made through another address, even with the same cookie secret.
"""
from __future__ import annotations

import re
import secrets as random
import socket
import threading
import warnings

import pytest

import authlib.deprecate  # noqa: F401  (it makes its warnings "always" when first imported)

with warnings.catch_warnings():   # the mock provider uses Authlib APIs Authlib has deprecated: not ours
    warnings.simplefilter("ignore", DeprecationWarning)
    from oidc_provider_mock import run_server_in_thread

from builders import workbook_bytes
from conftest import App, open_page, screenshot, wait_idle
from test_accessibility import scan
from test_upload import _upload
from store import Store

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:authlib.oidc.core.grants._legacy")

ANALYST = "ana.analyst@example.gov.scot"
OUTSIDER = "sam.someone@example.com"


class SwitchProxy:
    """A TCP proxy on a free loopback port: each new connection goes to the port `target` names.
    `send_to(port)` changes the target and closes the connections already open (a browser keeps
    its connections alive, and so would stay with the old copy)."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.target: int | None = None
        self.connections: dict[int, int] = {}       # target port: connections sent there
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def send_to(self, port: int) -> None:
        with self._lock:
            self.target = port
            for sock in self._open:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self._open.clear()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                port = self.target
                self.connections[port] = self.connections.get(port, 0) + 1
            try:
                upstream = socket.create_connection(("127.0.0.1", port))
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            with self._lock:
                self._open.discard(source)
                self._open.discard(sink)
            source.close()

    def close(self):
        self.listener.close()
        self.send_to(None)


def _secrets_text(public_url: str, provider_url: str) -> str:
    """What every copy is given: the same cookie secret, client, provider and analysts' list."""
    return f"""
[auth]
redirect_uri = "{public_url}/oauth2callback"
cookie_secret = "{random.token_hex(32)}"
client_id = "csp-dashboard"
client_secret = "{random.token_hex(16)}"
server_metadata_url = "{provider_url}/.well-known/openid-configuration"

[analysts]
emails = ["{ANALYST.upper()}"]  # the list is read without regard to case
"""


@pytest.fixture(scope="module")
def deployment(browser, tmp_path_factory):
    """(proxy, copy 1, copy 2, store): two dashboard servers behind one address, on one store."""
    folder = tmp_path_factory.mktemp("oidc")
    with run_server_in_thread() as provider:
        proxy = SwitchProxy()
        text = _secrets_text(proxy.url, f"http://localhost:{provider.server_port}")
        started = []
        try:
            # each copy its own file with the same text, as on two machines; --secrets.files also
            # keeps a developer's own .streamlit/secrets.toml out of the test
            for n in (1, 2):
                (folder / f"secrets-{n}.toml").write_text(text)
            env = {"CSP_STORE": str(folder / "store"), "CSP_WORKBOOK": ""}
            threads = [threading.Thread(target=lambda n=n: started.append(
                (n, App(env, extra_args=("--secrets.files", str(folder / f"secrets-{n}.toml"))))))
                for n in (1, 2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            copies = [app for _, app in sorted(started, key=lambda s: s[0])]
            assert len(copies) == 2, "a dashboard copy did not start"
            proxy.send_to(copies[0].port)
            yield proxy, copies[0], copies[1], Store(folder / "store")
        finally:
            proxy.close()
            for _, app in started:
                app.stop()


def _text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def _wait_text(page, text: str):
    page.wait_for_function("t => document.querySelector('[data-testid=\"stMain\"]')?.innerText.includes(t)",
                           arg=text, timeout=60000)
    wait_idle(page, delay=300)


def _sign_in(page, url: str, subject: str, on_provider_page=lambda: None):
    """On the Data page: Sign in, the provider's page, back on the dashboard, then Data again."""
    open_page(page, f"{url}/data", wait_for_chart=False)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector('input[name="sub"]', timeout=60000)       # the provider's own page
    assert page.url.startswith("http://localhost:")
    on_provider_page()
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**", timeout=60000)
    assert page.url == f"{url}/"          # Streamlit brings everyone back to the first page, as the page says
    open_page(page, f"{url}/data", wait_for_chart=False)


def test_an_analyst_signs_in_publishes_and_is_signed_in_on_the_other_copy(deployment, browser, tmp_path):
    proxy, one, two, store = deployment
    proxy.send_to(one.port)
    number = len(store.versions()) + 1
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        open_page(page, f"{proxy.url}/data", wait_for_chart=False)
        text = _text(page)
        assert "Sign in with your work account" in text
        assert page.get_by_role("button", name="Publish this workbook").is_disabled()
        screenshot(page, "data-oidc-signed-out-desktop")

        _sign_in(page, proxy.url, ANALYST)
        _wait_text(page, "Signed in as")
        assert f"Signed in as {ANALYST} (an analyst)" in _text(page)
        good = tmp_path / "from-copy-1.xlsx"
        workbook_bytes(path=good, partnerships=["North", "South", "East"])
        _upload(page, good)
        page.get_by_label("Note for this version (what changed and why)").fill("Published through copy 1")
        page.get_by_role("button", name="Publish this workbook").click()
        _wait_text(page, "for everyone?")
        page.get_by_role("button", name="Yes, publish it for everyone").click()
        _wait_text(page, f"Published as version {number}")
        history = page.locator('table.csp-literal-table').last.inner_text()
        assert ANALYST in history and "from-copy-1.xlsx" in history and "Published through copy 1" in history
        screenshot(page, "data-oidc-published-desktop")

        # The load balancer now sends this browser to copy 2: same cookie, no new sign-in.
        before = proxy.connections.get(one.port, 0)
        proxy.send_to(two.port)
        open_page(page, f"{proxy.url}/data", wait_for_chart=False)
        _wait_text(page, "Signed in as")
        text = _text(page)
        assert proxy.connections.get(one.port, 0) == before and proxy.connections[two.port] > 0
        assert f"Signed in as {ANALYST} (an analyst)" in text
        assert f"Published now: version {number} (from-copy-1.xlsx)" in text   # the shared store's newest
        assert page.get_by_role("button", name="Sign out").count() == 1
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not scan(page, "data-oidc-signed-in-desktop")
        page.set_viewport_size({"width": 390, "height": 844})
        screenshot(page, "data-oidc-signed-in-copy-2-phone")

        # Copy 2 on an address of its own is another origin: the sign-in does not hold there.
        open_page(page, f"{two.url}/data", wait_for_chart=False)
        assert "Sign in with your work account" in _text(page) and "(an analyst)" not in _text(page)
    finally:
        context.close()
        proxy.send_to(one.port)


def test_someone_not_on_the_list_is_refused_in_plain_words(deployment, browser):
    """This sign-in begins on copy 1 and comes back from the provider to copy 2: the sign-in's own
    state is in a cookie signed with the shared secret, so no copy needs to be the same one."""
    proxy, one, two, store = deployment
    proxy.send_to(one.port)
    if not store.versions():          # something to roll back to, had this test run alone
        store.publish(workbook_bytes(), "first.xlsx", ANALYST, "first")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        open_page(page, f"{proxy.url}/data", wait_for_chart=False)
        screenshot(page, "data-oidc-signed-out-phone")
        before = proxy.connections.get(two.port, 0)
        _sign_in(page, proxy.url, OUTSIDER, on_provider_page=lambda: proxy.send_to(two.port))
        assert proxy.connections.get(two.port, 0) > before
        _wait_text(page, "You cannot publish")
        text = _text(page)
        assert "You cannot publish or roll back versions." in text
        assert f"You are signed in as {OUTSIDER}, which is not on this dashboard's list of analysts." in text
        assert "(an analyst)" not in text
        assert "3. Version history" in text and "Download or roll back a version" in text
        assert page.get_by_role("button", name="Publish this workbook").count() == 0
        assert page.get_by_role("button", name=re.compile("to everyone again")).count() == 0
        assert page.get_by_label("Note for this version (what changed and why)").count() == 0
        assert page.get_by_role("button", name="Sign out").count() == 1
        assert page.locator('[data-testid="stException"]').count() == 0
        screenshot(page, "data-oidc-refused-phone")
        assert not scan(page, "data-oidc-refused-phone")
        page.set_viewport_size({"width": 1400, "height": 1000})
        screenshot(page, "data-oidc-refused-desktop")
    finally:
        context.close()
