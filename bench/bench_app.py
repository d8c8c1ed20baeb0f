"""The dashboard's own benchmarks (issue 8, "Fast at any size"), each against a baseline measured
in the same run, because this machine is small (2 cores) and noisy:

- rerun:      server time of a rerun after changing the sidebar's cycle, on every page, with
              AppTest (median of several reruns), at each workbook size; baseline: a trivial app
              (one selectbox, one small plotly chart) rerun the same way.
- cold:       cold start to the first chart drawn in headless chromium (a fresh server each time,
              navigation start -> first `.js-plotly-plot .main-svg path`, median); baseline: a
              one-page app with a single plotly chart, measured alternately.
- memory:     the server's peak memory (VmHWM) with the sample after visiting every page.
- concurrent: ten browser sessions at once on the Partnership page, each changing the cycle and
              then the partnership a few times: 95th percentile time to the updated chart. Also the
              same ten sessions against the server alone (Streamlit's websocket protocol, the
              browser's own messages, nothing drawn), as in use, where each browser runs on its
              user's own computer: p95 time until the server has sent the updated chart, plus what
              one browser alone takes to draw an update.

    python3 bench/bench_app.py                       # everything, results as JSON on the last line
    python3 bench/bench_app.py --only rerun --sizes sample,100x --reruns 5
    python3 bench/bench_app.py --profile 100x:criteria   # pyinstrument of one rerun of that page

`bench/run.py` runs this (and the reader benchmark) and writes bench/README.md. Nothing here
asserts times; Debian's /usr/bin/chromium only (never a downloaded browser); loopback only.
"""
from __future__ import annotations

import argparse
import asyncio
import html
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from appserver import AppServer  # noqa: E402  (starts a server, waits for /_stcore/health)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
WORKBOOKS = {"sample": ROOT / "data" / "sample-review.xlsx", "1x": HERE / "out" / "review-1x.xlsx",
             "10x": HERE / "out" / "review-10x.xlsx", "100x": HERE / "out" / "review-100x.xlsx"}
PAGES = ["overview", "criteria", "timeline", "partnership", "themes", "definitions"]
TARGETS_MS = {"sample": 150, "100x": 500}        # rerun server time, per page
COLD_RATIO_TARGET = 1.3
MEMORY_TARGET_MB = 350
CONCURRENT_P95_TARGET_S = 2.0

# The baseline: a trivial one-page app with one selectbox and one small plotly chart.
BASELINE_CYCLES = ["2017-2020", "2020-2023", "2023-2026"]
BASELINE_APP = '''\
import plotly.graph_objects as go
import streamlit as st

cycle = st.sidebar.selectbox("Planning cycle", ["2017-2020", "2020-2023", "2023-2026"], key="cycle")
st.title(f"Baseline, {cycle}")
st.plotly_chart(go.Figure(go.Bar(x=["A", "B", "C"], y=[3, 1, 2], name=cycle)))
'''

# Marks when the first plotly chart has drawn a path (performance.now(): ms since navigation start).
FIRST_CHART_SCRIPT = """
(() => {
  const sel = '.js-plotly-plot .main-svg path';
  const seen = () => {
    if (window.__firstChart === undefined && document.querySelector(sel)) {
      window.__firstChart = performance.now();
      return true;
    }
    return window.__firstChart !== undefined;
  };
  const obs = new MutationObserver(() => { if (seen()) obs.disconnect(); });
  obs.observe(document, {childList: true, subtree: true});
})();
"""

# The run is over (the status widget says nothing runs), the title shows `want`, a chart is drawn,
# and, when `before` is given (the first chart's text before the change), that chart's text differs
# from it: a chart updated in place (charts/browser.py) still shows the old figure for a moment
# after the run is over, so the title and "a chart is drawn" alone would stop the clock too soon.
UPDATED = """([want, before]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') === 'running') return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const h = document.querySelector('[data-testid="stMain"] h1');
  if (!h || !h.textContent.includes(want)) return false;
  const svg = document.querySelector('[data-testid="stMain"] .js-plotly-plot .main-svg');
  return !!(svg && svg.querySelector('path')) && (before == null || svg.textContent !== before);
}"""
FIRST_CHART_TEXT = """() => { const svg = document.querySelector('[data-testid="stMain"] .js-plotly-plot .main-svg');
  return svg ? svg.textContent : null; }"""
# The same test, waited for in the page without polling: re-checked only when the page changes.
# (Playwright's wait_for_function re-runs its test on every animation frame, which makes every
# waiting page draw 60 frames a second: ten waiting pages then cost the machine a core by
# themselves, for the baseline as much as for the dashboard.)
WHEN_UPDATED = "([want, before]) => new Promise(resolve => { const ok = " + UPDATED + """;
  if (ok([want, before])) { resolve(true); return; }
  const obs = new MutationObserver(() => { if (ok([want, before])) { obs.disconnect(); resolve(true); } });
  obs.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})"""
TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"
MARK_PRESS = """() => { window.__pressed = null;
  document.addEventListener('pointerdown', () => { window.__pressed = performance.now(); },
                            {capture: true, once: true}); }"""
# ms from the press to two frames after the update was seen (the chart painted)
SINCE_PRESS = """() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(
  () => r(performance.now() - window.__pressed))))"""


def log(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def p95(values) -> float:
    """Nearest-rank 95th percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def baseline_script(folder: Path) -> Path:
    path = folder / "baseline_app.py"
    path.write_text(BASELINE_APP, encoding="utf-8")
    return path


def sample_facts(path: Path) -> tuple[list[str], list[str], str]:
    """(partnerships, cycles with scores newest first, default cycle) of a workbook."""
    from analysis.national import cycles_with_scores, default_cycle
    from loaders import read_workbook

    review = read_workbook(path.read_bytes())
    return (review.partnerships["partnership"].astype(str).tolist(), cycles_with_scores(review)[::-1],
            default_cycle(review))


# ================================================================================== reruns (AppTest)

def _profiled_runner(state: dict):
    """Patch AppTest's script runner so one run can be profiled (the script runs in its own thread)."""
    from streamlit.testing.v1 import local_script_runner as lsr

    original = lsr.LocalScriptRunner._run_script_thread

    def run(self):
        if not state.get("on"):
            return original(self)
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        profiler.start()
        try:
            return original(self)
        finally:
            profiler.stop()
            state["profiler"] = profiler

    lsr.LocalScriptRunner._run_script_thread = run


def _timed_run(at) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"the app raised: {at.exception[0].value}")
    return elapsed


def baseline_reruns(script: Path, n: int) -> list[float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script), default_timeout=120)
    at.run()
    options = at.selectbox(key="cycle").options
    times = []
    for i in range(n):
        at.selectbox(key="cycle").select(options[(i + 1) % len(options)])
        times.append(_timed_run(at))
    return times


def _wait_for_warm_up(timeout: float = 300) -> float:
    """Wait for the app's background per-workbook warm-up (analysis.warm) to finish; seconds waited."""
    began = time.perf_counter()
    for thread in threading.enumerate():
        if thread.name == "csp-warm-up":
            thread.join(timeout)
    return time.perf_counter() - began


def dashboard_reruns(size: str, n: int, pages=PAGES, profile_page: str | None = None, new: int = 3) -> dict:
    """Per page: "first_view" (s, its first run), "new_cycle" (s per rerun switching to a cycle the
    page has not shown yet, up to `new`), "pages" (s per rerun switching back and forth between the
    two newest cycles with scores: the target figure). "first": s of the app's first run (reads the
    workbook), "warm_up": s the background warm-up still took after that run."""
    from streamlit.testing.v1 import AppTest

    path = WORKBOOKS[size]
    partnerships, cycles, _ = sample_facts(path)
    os.environ["CSP_WORKBOOK"] = str(path)
    state: dict = {}
    if profile_page:
        _profiled_runner(state)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    first = _timed_run(at)   # reads and checks the workbook (cached per content) and draws the overview
    warm_up = _wait_for_warm_up()   # as on a server that has been up for a little while
    at.sidebar.selectbox(key="partnership").select(partnerships[0])
    _timed_run(at)
    out = {"first": first, "warm_up": warm_up, "pages": {}, "new_cycle": {}, "first_view": {}}
    pair = (cycles * 2)[:2]
    for page in pages:
        at.switch_page(f"views/{page}.py")
        out["first_view"][page] = _timed_run(at)   # the page's first run
        shown = {at.sidebar.selectbox(key="cycle").value}
        fresh = []
        for cycle in [c for c in cycles if c not in shown][:new]:
            at.sidebar.selectbox(key="cycle").select(cycle)
            fresh.append(_timed_run(at))
        out["new_cycle"][page] = fresh
        times = []
        for i in range(n):
            at.sidebar.selectbox(key="cycle").select(pair[(i + 1) % 2])
            state["on"] = bool(profile_page == page) and i == n - 1
            times.append(_timed_run(at))
            if state.pop("on", False):
                print(state["profiler"].output_text(unicode=True, color=False))
        out["pages"][page] = times
        log(f"  rerun {size:>6} {page:<12} median {1000 * median(times):6.0f} ms "
            f"({', '.join(f'{1000 * t:.0f}' for t in times)}); new cycle "
            f"{', '.join(f'{1000 * t:.0f}' for t in fresh) or '-'} ms")
    log(f"  {size}: first run {first:.2f} s, background warm-up done {warm_up:.2f} s later")
    return out


def bench_reruns(sizes: list[str], n: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CSP_STORE"] = str(Path(tmp) / "store")
        script = baseline_script(Path(tmp))
        base: list[float] = baseline_reruns(script, n)
        result = {"sizes": {}, "n": n}
        for size in sizes:
            log(f"rerun: {size} ({WORKBOOKS[size].name})")
            result["sizes"][size] = dashboard_reruns(size, n)
            base += baseline_reruns(script, n)   # the baseline again, next to each size
        result["baseline"] = base
        log(f"  baseline rerun median {1000 * median(base):.0f} ms")
        return result


# ================================================================================== browser

class Server(AppServer):
    """A fresh streamlit server on a free loopback port (no file watcher: nothing changes)."""

    def __init__(self, script: Path, cwd: Path, env: dict[str, str]):
        super().__init__(script, cwd, env, extra_args=("--server.fileWatcherType", "none"))

    def peak_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")


def _dashboard_env(store: Path) -> dict[str, str]:
    return {"CSP_WORKBOOK": "", "CSP_STORE": str(store)}


async def _first_chart_ms(browser, url: str) -> float:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = await context.new_page()
        await page.add_init_script(FIRST_CHART_SCRIPT)
        await page.goto(url, wait_until="commit", timeout=60000)
        handle = await page.wait_for_function("() => window.__firstChart", timeout=60000)
        return float(await handle.json_value())
    finally:
        await context.close()


async def _cold(browser, baseline: Path, store: Path, repeats: int) -> dict:
    times = {"baseline": [], "dashboard": []}
    for i in range(repeats):
        order = ["baseline", "dashboard"] if i % 2 == 0 else ["dashboard", "baseline"]
        for which in order:
            if which == "baseline":
                server = Server(baseline, baseline.parent, {})
            else:
                server = Server(ROOT / "dashboard.py", ROOT, _dashboard_env(store))
            try:
                times[which].append(await _first_chart_ms(browser, server.url + "/") / 1000)
            finally:
                server.stop()
            log(f"  cold {which:<9} {times[which][-1]:.2f} s")
    return times


async def _wait_ready(page, want: str, timeout: float = 60000) -> None:
    await page.wait_for_function(UPDATED, arg=[want, None], timeout=timeout)
    await page.evaluate(TWO_FRAMES)


async def _visit_all(browser, url: str, partnership: str) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = await context.new_page()
        for path, want in [("/", "overview"), ("/criteria", "Criteria coverage"),
                           ("/timeline", "When plans were received"),
                           (f"/partnership?partnership={urllib.request.quote(partnership)}", partnership),
                           ("/themes", "2019 review"), ("/definitions", "Definitions"),
                           ("/data", "Data"), ("/accessibility", "Accessibility")]:
            await page.goto(url + path, timeout=60000)
            await page.wait_for_function(
                """([want]) => { const h = document.querySelector('[data-testid="stMain"] h1');
                   const app = document.querySelector('[data-testid="stApp"]');
                   return h && h.textContent.includes(want) && app
                          && app.getAttribute('data-test-script-state') !== 'running'; }""",
                arg=[want], timeout=60000)
            await page.wait_for_timeout(300)
    finally:
        await context.close()


async def _open_choice(page, label: str, value: str):
    """Open the sidebar select `label` and type `value`: the option to click, ready."""
    box = page.locator(f'[data-testid="stSidebar"] input[aria-label="{label}"]')
    await box.click()
    await box.fill(value)
    option = page.get_by_role("option", name=value, exact=True)
    await option.wait_for(state="visible", timeout=30000)
    return option


def _dashboard_plan(i: int, partnerships: list[str], cycles: list[str], rounds: int):
    """Session i on the Partnership page: (first path, its title, [(select label, value, title after)])."""
    me, cycle = partnerships[i % len(partnerships)], cycles[0]
    path = f"/partnership?partnership={urllib.request.quote(me)}&cycle={cycle}"
    first, steps = f"{me}, {cycle}", []
    for _ in range(rounds):
        cycle = cycles[(cycles.index(cycle) + 1) % len(cycles)]
        steps.append(("Planning cycle", cycle, f"{me}, {cycle}"))
        me = partnerships[(partnerships.index(me) + 3 + i) % len(partnerships)]
        steps.append(("Your partnership", me, f"{me}, {cycle}"))
    return path, first, steps


def _baseline_plan(i: int, cycles: list[str], rounds: int):
    """Session i on the baseline app: as many cycle changes as a dashboard session makes changes."""
    cycle = BASELINE_CYCLES[0]
    steps = []
    for _ in range(2 * rounds):
        cycle = BASELINE_CYCLES[(BASELINE_CYCLES.index(cycle) + 1) % len(BASELINE_CYCLES)]
        steps.append(("Planning cycle", cycle, f"Baseline, {cycle}"))
    return "/", f"Baseline, {BASELINE_CYCLES[0]}", steps


async def _session(browser, url: str, i: int, plan, start: asyncio.Event, ready: list, think: float,
                   done: list, finish: asyncio.Event, chart_changes: bool) -> list[float]:
    """`chart_changes`: every step changes the first chart's text (the dashboard's plans; the
    baseline app's chart is the same in every cycle), so the clock stops only when it has."""
    path, first, steps = plan
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    times: list[float] = []
    try:
        page = await context.new_page()
        await page.goto(url + path, timeout=60000)
        await _wait_ready(page, first)
        ready.append(i)
        await start.wait()
        for label, value, want in steps:
            option = await _open_choice(page, label, value)
            before = await page.evaluate(FIRST_CHART_TEXT) if chart_changes else None
            # timed in the page: from pressing the option to the updated chart painted
            await page.evaluate(MARK_PRESS)
            await option.click()
            await asyncio.wait_for(page.evaluate(WHEN_UPDATED, [want, before]), timeout=30)
            times.append(await page.evaluate(SINCE_PRESS) / 1000)
            # a person reads the new chart before the next choice (deterministic 0.5-1.5 x think)
            await asyncio.sleep(think * (0.5 + ((7 * i + len(times)) % 5) / 4))
        done.append(i)
        await finish.wait()   # pages stay open until every session is done (their CPU is counted)
    finally:
        await context.close()
    return times


def _cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the chromium processes and by the server (from /proc)."""
    tick, out = os.sysconf("SC_CLK_TCK"), {"browser": 0.0, "server": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used = (int(fields[11]) + int(fields[12])) / tick
        if int(pid) == server_pid:
            out["server"] += used
        elif b"chrom" in cmd:
            out["browser"] += used
    return out


async def _concurrent(browser, server: Server, sessions: int, plans, think: float, chart_changes: bool) -> dict:
    """Every session at once; {"times": [s], "seconds": wall, "cpu": {"browser": s, "server": s}}."""
    start, ready, finish, done = asyncio.Event(), [], asyncio.Event(), []
    tasks = [asyncio.create_task(_session(browser, server.url, i, plans[i], start, ready, think, done, finish,
                                          chart_changes))
             for i in range(sessions)]
    deadline = time.monotonic() + 120
    while len(ready) < sessions and time.monotonic() < deadline and not any(t.done() for t in tasks):
        await asyncio.sleep(0.1)
    before, began = _cpu_seconds(server.proc.pid), time.monotonic()
    start.set()
    deadline = time.monotonic() + 300
    while len(done) < sessions and time.monotonic() < deadline and not any(t.done() for t in tasks):
        await asyncio.sleep(0.05)
    after, seconds = _cpu_seconds(server.proc.pid), time.monotonic() - began
    finish.set()
    results = await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
    return {"times": [t for session in results for t in session], "seconds": seconds,
            "cpu": {k: after[k] - before[k] for k in after}}


# ---------------------------------------------------------------- the server alone, ten sessions

class _Session:
    """One session spoken to in Streamlit's own websocket protocol, as the browser speaks it (the
    same BackMsg a browser sends when a select box changes; widget ids read from the page's own
    elements), without drawing anything: what the server alone takes to answer ten sessions, on
    the machine's two cores, with no browser competing for them."""

    def __init__(self, url: str, path: str):
        page, _, self.query = path.lstrip("/").partition("?")
        self.url, self.page, self.page_hash = url, page, ""
        self.first_query = self.query
        self.values: dict[str, object] = {}      # widget id -> its value, as the browser would send it
        self.ids: dict[str, str] = {}            # widget label -> id
        self.keys: dict[str, str] = {}           # widget id -> the query parameter it is bound to
        self.ws = None

    async def __aenter__(self):
        import websockets

        self.ws = await websockets.connect(self.url.replace("http", "ws", 1) + "/_stcore/stream",
                                           subprotocols=["streamlit"], max_size=None, origin=self.url)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    def _states(self):
        from streamlit.proto.WidgetStates_pb2 import WidgetStates

        states = WidgetStates()
        for wid, value in self.values.items():
            w = states.widgets.add(id=wid)
            if isinstance(value, bool):
                w.bool_value = value
            elif value is not None:                  # None: a select box with nothing chosen
                w.string_value = value
        return states

    def _first_value(self, what: str, el):
        """A widget's value when the page first shows it (from the address, else its default)."""
        if what == "checkbox":
            return el.default
        chosen = dict(urllib.parse.parse_qsl(self.first_query)).get(el.query_param_key)
        if chosen:
            return chosen
        return el.options[el.default] if el.HasField("default") else None

    async def rerun(self, choices: dict[str, str], want: str) -> tuple[float, float]:
        """Send the rerun a browser sends when `choices` ({label: value}) are made; (s to the
        updated chart under a title with `want`, s to the run's end)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        rs = msg.rerun_script
        rs.query_string = self.query
        if self.page_hash:
            rs.page_script_hash = self.page_hash
            self.values.update({self.ids[label]: value for label, value in choices.items()})
            # the browser writes bound widgets' values into the address before it reruns
            self.query = urllib.parse.urlencode(
                [(self.keys[w], v) for w, v in self.values.items() if self.keys.get(w) and v not in (None, False)],
                quote_via=urllib.parse.quote)
            rs.widget_states.CopyFrom(self._states())
        else:
            rs.page_name = self.page
        rs.context_info.timezone, rs.context_info.locale = "UTC", "en-GB"
        began, titled, chart = time.perf_counter(), False, None
        await self.ws.send(msg.SerializeToString())
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await self.ws.recv())
            kind = fwd.WhichOneof("type")
            if kind == "navigation":                 # the page this run showed: the next rerun's page
                self.page_hash = fwd.navigation.page_script_hash
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                el = fwd.delta.new_element
                what = el.WhichOneof("type")
                if what in ("selectbox", "checkbox"):
                    widget = getattr(el, what)
                    self.ids[widget.label] = widget.id
                    self.keys[widget.id] = widget.query_param_key
                    if widget.id not in self.values:
                        self.values[widget.id] = self._first_value(what, widget)
                elif what == "heading" and want in el.heading.body:
                    titled = True
                elif (what == "markdown" and el.markdown.body.startswith("<h1>")     # ui.title
                      and html.escape(want, quote=False) in el.markdown.body):
                    titled = True
                elif what in ("plotly_chart", "bidi_component") and titled and chart is None:  # ui.plotly_chart
                    chart = time.perf_counter() - began
            elif kind == "script_finished":
                end = time.perf_counter() - began
                if chart is None:
                    raise RuntimeError(f"no chart under a title with {want!r} in the answer")
                return chart, end


async def _protocol_session(url: str, i: int, plan, start: asyncio.Event, ready: list, think: float,
                            done: list) -> list[tuple[float, float]]:
    path, first, steps = plan
    times = []
    async with _Session(url, path) as session:
        await session.rerun({}, first)
        ready.append(i)
        await start.wait()
        for label, value, want in steps:
            times.append(await session.rerun({label: value}, want))
            await asyncio.sleep(think * (0.5 + ((7 * i + len(times)) % 5) / 4))
    done.append(i)
    return times


async def _server_idle(pid: int, timeout: float = 60) -> float:
    """Wait until the server has used under 5% of a core for half a second (the background warm-up
    of every cycle's analysis, analysis.warm, is over); seconds waited."""
    began = time.monotonic()
    last = _cpu_seconds(pid)["server"]
    while time.monotonic() - began < timeout:
        await asyncio.sleep(0.5)
        now = _cpu_seconds(pid)["server"]
        if now - last < 0.025:
            break
        last = now
    return time.monotonic() - began


async def _protocol_concurrent(server: Server, sessions: int, plans, think: float) -> dict:
    """Every session at once, server only; {"chart": [s], "end": [s], "seconds", "cpu": {...}}."""
    start, ready, done = asyncio.Event(), [], []
    tasks = [asyncio.create_task(_protocol_session(server.url, i, plans[i], start, ready, think, done))
             for i in range(sessions)]
    while len(ready) < sessions and not any(t.done() for t in tasks):
        await asyncio.sleep(0.05)
    await _server_idle(server.proc.pid)   # as a server up for a while: the workbook's warm-up is over
    before, client_before, began = _cpu_seconds(server.proc.pid), time.process_time(), time.monotonic()
    start.set()
    results = await asyncio.wait_for(asyncio.gather(*tasks), timeout=300)
    seconds = time.monotonic() - began
    after = _cpu_seconds(server.proc.pid)
    pairs = [t for session in results for t in session]
    return {"chart": [c for c, _ in pairs], "end": [e for _, e in pairs], "seconds": seconds,
            "cpu": {"server": after["server"] - before["server"],
                    "clients": time.process_time() - client_before}}


async def _server_benches(sessions: int, rounds: int, think: float) -> dict:
    """Ten sessions against the server alone (fresh server), then the same changes by one session."""
    partnerships, cycles, _ = sample_facts(WORKBOOKS["sample"])
    plans = [_dashboard_plan(i, partnerships, cycles, rounds) for i in range(sessions)]
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(ROOT / "dashboard.py", ROOT, _dashboard_env(Path(tmp) / "store"))
        try:
            log(f"server alone: {sessions} protocol sessions x {rounds} rounds")
            ten = await _protocol_concurrent(server, sessions, plans, think)
            solo = _joined([await _protocol_concurrent(server, 1, plans[k:k + 1], think) for k in range(SOLO_PLANS)])
        finally:
            server.stop()
    log(f"  to the updated chart: p95 {p95(ten['chart']):.2f} s, median {median(ten['chart']):.2f} s; "
        f"run over: p95 {p95(ten['end']):.2f} s; server cores {ten['cpu']['server'] / ten['seconds']:.2f}")
    return {"protocol": ten, "protocol_solo": solo}


SOLO_PLANS = 2          # one session alone repeats the first two sessions' changes, one after the other


def _joined(runs: list[dict]) -> dict:
    """Runs one after another as one run: their lists joined, their seconds and CPU added up."""
    out = {key: [v for run in runs for v in run[key]] for key, value in runs[0].items() if isinstance(value, list)}
    out["seconds"] = sum(run["seconds"] for run in runs)
    out["cpu"] = {k: sum(run["cpu"][k] for run in runs) for k in runs[0]["cpu"]}
    return out


async def _at_once_then_alone(browser, server: Server, plans, think: float, what: str,
                              chart_changes: bool) -> tuple[dict, dict]:
    """Every session at once, then the first SOLO_PLANS sessions' changes by one session alone: what
    a person sees when the browser has a machine to itself (as it would on their own computer)."""
    got = await _concurrent(browser, server, len(plans), plans, think, chart_changes)
    alone = _joined([await _concurrent(browser, server, 1, plans[k:k + 1], think, chart_changes)
                     for k in range(SOLO_PLANS)])
    log(f"  {what}: p95 {p95(got['times']):.2f} s, median {median(got['times']):.2f} s; cores used by chromium "
        f"{got['cpu']['browser'] / got['seconds']:.2f}, server {got['cpu']['server'] / got['seconds']:.2f}")
    return got, alone


async def _browser_benches(only: set[str], repeats: int, sessions: int, rounds: int, think: float) -> dict:
    from playwright.async_api import async_playwright

    partnerships, cycles, _ = sample_facts(WORKBOOKS["sample"])
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        baseline = baseline_script(tmp)
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            try:
                if "cold" in only:
                    log("cold start (fresh server each time)")
                    out["cold"] = await _cold(browser, baseline, tmp / "store-cold", repeats)
                if only & {"memory", "concurrent"}:
                    server = Server(ROOT / "dashboard.py", ROOT, _dashboard_env(tmp / "store"))
                    try:
                        if "memory" in only:
                            await _visit_all(browser, server.url, partnerships[0])
                            out["memory_mb"] = server.peak_mb()
                            log(f"  memory after every page: {out['memory_mb']:.0f} MB")
                        if "concurrent" in only:
                            log(f"concurrent: {sessions} sessions x {rounds} rounds")
                            plans = [_dashboard_plan(i, partnerships, cycles, rounds) for i in range(sessions)]
                            got, out["solo_run"] = await _at_once_then_alone(browser, server, plans, think, "dashboard",
                                                                             chart_changes=True)
                            out["concurrent"], out["concurrent_run"] = got["times"], got
                            out["memory_after_concurrent_mb"] = server.peak_mb()
                    finally:
                        server.stop()
                if "concurrent" in only:   # the same load on the baseline app
                    server = Server(baseline, baseline.parent, {})
                    try:
                        plans = [_baseline_plan(i, cycles, rounds) for i in range(sessions)]
                        got, out["solo_baseline_run"] = await _at_once_then_alone(browser, server, plans, think,
                                                                                   "baseline app", chart_changes=False)
                        out["concurrent_baseline"], out["concurrent_baseline_run"] = got["times"], got
                    finally:
                        server.stop()
            finally:
                await browser.close()
    return out


# ================================================================================== summary

def summarise(raw: dict) -> dict:
    """Medians, ratios and pass/fail from the raw timings."""
    out: dict = {}
    rr = raw.get("rerun")
    if rr:
        base = median(rr["baseline"])
        out["rerun"] = {"baseline_ms": 1000 * base, "n": rr["n"], "sizes": list(rr["sizes"]), "pages": {}}
        for page in PAGES:
            row = {}
            for size, res in rr["sizes"].items():
                ms = 1000 * median(res["pages"][page])
                row[size] = {"ms": ms, "ratio": ms / (1000 * base), "first_view_ms": 1000 * res["first_view"][page],
                             "new_cycle_ms": 1000 * median(res["new_cycle"][page]) if res["new_cycle"][page] else None,
                             "target_ms": TARGETS_MS.get(size),
                             "ok": None if size not in TARGETS_MS else ms < TARGETS_MS[size]}
            out["rerun"]["pages"][page] = row
        out["rerun"]["first_run_s"] = {size: res["first"] for size, res in rr["sizes"].items()}
        out["rerun"]["warm_up_s"] = {size: res["warm_up"] for size, res in rr["sizes"].items()}
    cold = raw.get("cold")
    if cold:
        b, d = median(cold["baseline"]), median(cold["dashboard"])
        pairs = sorted(x / y for x, y in zip(cold["dashboard"], cold["baseline"]))   # each pair ran back to back
        out["cold"] = {"baseline_s": b, "dashboard_s": d, "ratio": d / b, "target_ratio": COLD_RATIO_TARGET,
                       "ok": d / b <= COLD_RATIO_TARGET, "repeats": len(cold["dashboard"]),
                       "pair_ratio_median": median(pairs), "pair_ratio_range": (pairs[0], pairs[-1]),
                       "baseline_all_s": cold["baseline"], "dashboard_all_s": cold["dashboard"]}
    if "memory_mb" in raw:
        out["memory"] = {"peak_mb": raw["memory_mb"], "target_mb": MEMORY_TARGET_MB,
                         "ok": raw["memory_mb"] < MEMORY_TARGET_MB,
                         "after_concurrent_mb": raw.get("memory_after_concurrent_mb")}
    if raw.get("concurrent"):
        c = raw["concurrent"]
        out["concurrent"] = {"p95_s": p95(c), "median_s": median(c), "max_s": max(c), "samples": len(c),
                             "sessions": raw.get("sessions"), "target_s": CONCURRENT_P95_TARGET_S,
                             "ok": p95(c) < CONCURRENT_P95_TARGET_S}
        for key, name in (("concurrent_run", "cores"), ("concurrent_baseline_run", "baseline_cores")):
            run = raw.get(key)
            if run:
                out["concurrent"][name] = {k: v / run["seconds"] for k, v in run["cpu"].items()}
        # CPU seconds per update (all sessions' chromium processes; the server), and one session alone
        for key, name in (("concurrent_run", "per_update"), ("concurrent_baseline_run", "baseline_per_update"),
                          ("solo_run", "solo"), ("solo_baseline_run", "solo_baseline")):
            run = raw.get(key)
            if run and run["times"]:
                out["concurrent"][name] = {**{k: v / len(run["times"]) for k, v in run["cpu"].items()},
                                           "median_s": median(run["times"]), "max_s": max(run["times"])}
        b = raw.get("concurrent_baseline")
        if b:
            out["concurrent"].update(baseline_p95_s=p95(b), baseline_median_s=median(b), ratio=p95(c) / p95(b))
    pr, pr_solo = raw.get("protocol"), raw.get("protocol_solo")
    if pr:
        n = len(pr["chart"])
        sv = {"p95_s": p95(pr["chart"]), "median_s": median(pr["chart"]), "max_s": max(pr["chart"]),
              "end_p95_s": p95(pr["end"]), "end_median_s": median(pr["end"]), "samples": n,
              "server_cpu_per_update_s": pr["cpu"]["server"] / n, "server_cores": pr["cpu"]["server"] / pr["seconds"],
              "client_cores": pr["cpu"]["clients"] / pr["seconds"], "target_s": CONCURRENT_P95_TARGET_S}
        if pr_solo:
            sv.update(solo_median_s=median(pr_solo["chart"]), solo_end_median_s=median(pr_solo["end"]),
                      solo_server_cpu_per_update_s=pr_solo["cpu"]["server"] / len(pr_solo["chart"]))
        browser_solo = raw.get("solo_run")
        if pr_solo and browser_solo and browser_solo["times"]:
            # what one browser adds on its own computer: its p95 update alone, less the server's part
            sv["browser_solo_p95_s"] = p95(browser_solo["times"])
            sv["browser_own_s"] = sv["browser_solo_p95_s"] - median(pr_solo["chart"])
            sv["estimate_p95_s"] = sv["p95_s"] + sv["browser_own_s"]
            sv["ok"] = sv["estimate_p95_s"] < CONCURRENT_P95_TARGET_S
        out["concurrent_server"] = sv
    return out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="rerun,cold,memory,concurrent",
                    help="comma-separated: rerun, cold, memory, concurrent")
    ap.add_argument("--sizes", default="sample,1x,10x,100x", help="workbooks for the rerun benchmark")
    ap.add_argument("--reruns", type=int, default=7, help="timed reruns per page and size")
    ap.add_argument("--repeats", type=int, default=8, help="cold starts of each app")
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3, help="cycle + partnership changes per session")
    ap.add_argument("--think", type=float, default=1.0,
                    help="seconds a session waits after each update before its next choice (0.5-1.5x)")
    ap.add_argument("--profile", metavar="SIZE:PAGE", help="print a pyinstrument profile of one rerun")
    ap.add_argument("--json", metavar="FILE", help="also write the raw and summary results here")
    args = ap.parse_args(argv)

    if args.profile:
        size, page = args.profile.split(":")
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["CSP_STORE"] = str(Path(tmp) / "store")
            dashboard_reruns(size, 4, pages=[page], profile_page=page)
        return {}

    only = {w.strip() for w in args.only.split(",") if w.strip()}
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    missing = [s for s in sizes if not WORKBOOKS[s].exists()]
    if missing:
        raise SystemExit(f"missing workbooks {missing}: run python3 bench/generate.py first")
    raw: dict = {"sessions": args.sessions, "rounds": args.rounds, "think": args.think}
    if "rerun" in only:
        raw["rerun"] = bench_reruns(sizes, args.reruns)
    if "concurrent" in only:      # the server alone first: no browser needed
        raw.update(asyncio.run(_server_benches(args.sessions, args.rounds, args.think)))
    if only & {"cold", "memory", "concurrent"}:
        if not CHROMIUM.exists():
            log(f"browser benchmarks skipped: no {CHROMIUM} (apt-get install chromium)")
        else:
            raw.update(asyncio.run(_browser_benches(only, args.repeats, args.sessions, args.rounds, args.think)))
    result = {"raw": raw, "summary": summarise(raw), "when": time.strftime("%Y-%m-%d %H:%M"),
              "cpus": os.cpu_count()}
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    print(json.dumps(result["summary"], default=str))
    return result


if __name__ == "__main__":
    main()
