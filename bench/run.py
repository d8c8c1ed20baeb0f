"""Every benchmark in one command, with every figure next to its baseline and target:

    python3 bench/run.py                 # about 5-10 minutes on 2 cores
    python3 bench/run.py --skip-reader   # the app benchmarks only
    python3 bench/run.py --only rerun --sizes sample,100x   # passed on to bench/bench_app.py

1. generates the 1x/10x/100x workbooks (bench/generate.py) when missing;
2. runs the reader benchmark (bench/bench_reader.py) when it exists, and shows its output;
   then the plans benchmark (bench/bench_plans.py: ranking on the labelled set, a 120-page plan, a
   search over 30 plans; `python3 bench/bench_plans.py` runs it alone);
3. runs the app benchmarks (bench/bench_app.py: reruns, cold start, memory, ten sessions);
3b. runs the store benchmark (bench/bench_store.py: publish and the per-rerun lookup on the folder
   and on PostgreSQL, side by side; skipped with --skip-store or when PostgreSQL is not installed);
4. writes the latest results into bench/README.md, between <!-- app-bench --> and
   <!-- /app-bench --> (everything else in that file is left as it is).

Nothing here asserts a time: the machine is small and shared, so each figure is shown with a
baseline measured in the same run, and the README says how loaded the machine was.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
README = HERE / "README.md"
START, END = "<!-- app-bench -->", "<!-- /app-bench -->"
PAGES = ["overview", "criteria", "timeline", "partnership", "themes", "definitions"]


# Written under the numbers on every run (what was found and done; see the issue for the profiles).
NOTES = """### What made reruns fast, and what limits the rest

- **Before** (same AppTest measure, machine load 4-7): a rerun took 0.3-2.1 s per page with the
  sample and 0.6-15.6 s at 100x (criteria 15.6 s, partnership 7.7 s, overview 6.4 s); the app's
  first run at 100x took 11 s. Profiles (pyinstrument, `python3 bench/bench_app.py --profile
  100x:criteria`) showed every run recomputing the same frames, each several times per page:
  `cycles_with_scores` iterated 300,000 Arrow strings (1.1 s, called from the sidebar on every
  run), `heatmap_frame` and `standing` looped in Python over cells and criteria, and the heatmap
  chart validated 30,000 cell colours and hover texts one by one in plotly (5 s).
- **Fixes**: `analysis.memo.per_review` keeps each analysis result on the (shared, never modified)
  Review, so a cycle's frames are computed once per workbook; `analysis.warm` computes every cycle
  in a background thread after a workbook is read; `heatmap_frame`, `standing`, `_scored`,
  `ranks` and the CSV escaping are vectorised; `analysis.memo.by_content` builds each chart (and
  CSV, tables) once per distinct data; the heatmap sends numpy arrays and letters cells only up
  to 5,000 cells (at 100x: 30,000 cells a few pixels wide; colours, hover and the Data tab keep
  everything). The partnership report is built when its download button is pressed, and a
  chart card's closed tab is not built at all (the pages hand `ui.chart_card` the figure and the
  table as functions; the hidden Data tab's table used to be made on every new view): the first
  view of a new cycle on Criteria 109-134 -> 61-69 ms with the sample (old and new in turn).
- **Cold start** (the overview on a fresh server): first the browser fetched and ran Streamlit's
  plotly code (4.7 MB, loaded only when the first chart arrives) and the table code (1.2 MB) for
  the cards' hidden Data tabs. Fixed: each card builds only its open tab (`st.tabs(on_change=
  "rerun")`), `dashboard.py` sends the page shell before importing pandas, and on chart pages it
  asks the browser to start loading the plotly code at once (a `<script>` importing the same module
  Streamlit would, found by name; nothing happens if a Streamlit upgrade renames it): 1.53x the
  baseline before, 1.2-1.4x after (medians of 4-8 starts, in seven runs). What is left (this
  session: Chrome's CPU profiler on both apps, marks in the script, the websocket frames): the
  browser's main thread sits idle about 1.1 s waiting for the server on the dashboard and 0.5 s on
  the baseline; the rest of the browser's work differs by ~0.3 s (the plotly code and drawing 1.0
  s against 0.74, React and Markdown for the extra elements). The server's first run starts when
  the browser opens its websocket (~1 s after navigation, as for the baseline) and spends most of
  its extra time importing pandas (0.37 s on a quiet machine, up to 1.5 s on a busy one), which
  the baseline, a plotly graph_objects chart, never loads; then plotly's one-time set-up of the
  first figure (~85 ms, both apps) and the overview. Streamlit runs no code of ours before the
  first browser connects unless the app becomes an `st.App` with a lifespan hook; `streamlit run
  dashboard.py` does find such an app, so this was tried: `app = st.App(__file__, lifespan=...)`
  importing pandas, plotly and the app's modules in a thread at server start. The first run then
  started with everything imported and ended ~2 s before the first chart was drawn, yet the first
  chart came later: 10 starts of each, alternating, 1.36x the baseline against 1.15x for the
  plain script (medians 4.86 against 4.13 s): the browser, not the server, sets this time, and the
  import competes with it for the two cores. Not adopted. Starting the background warm-up 4 s
  after the first read instead of 1 s (so it would not run while the browser draws) made no
  difference either: 1.26x against 1.18x, 10 starts each.
  The national charts are now built from dicts (first chart of a process 120-190 -> 86-142 ms;
  Overview's first view of a new cycle 178 -> 52-63 ms).
- **Ten sessions, the server** (this session): the server alone was the bottleneck too, which the
  browser measure hid. Driving ten sessions through Streamlit's websocket protocol (no browser)
  put the server at 0.93 of a core (the GIL: all it can use for script runs) with 0.32 s of CPU per
  update, updated chart p95 1.55 s and whole page p95 3.7 s. py-spy on the server: Streamlit's
  `gc.collect(2)` after every script run (`runner.postScriptGC`) was about half of all its CPU,
  plotly's property checks while building the two charts for each new partnership most of the
  rest, then the report (built on every run for the download button) and strengths/priorities
  taking every column of a frame by mask. Fixed: `postScriptGC = false` (.streamlit/config.toml;
  peak memory is still measured above), the spine and change charts built from plain dicts
  (`charts.style.figure`: 42 -> 7 ms and 36 -> 6 ms; a test rebuilds each through plotly's checks
  and requires the same figure), the report built only when its button is pressed (a callable
  given to `st.download_button`), strengths/priorities by position, `standing` without a groupby
  or per-cell lookups (11 -> 5 ms), the scale's labels sorted once per workbook. Now about 0.07 s
  of server CPU per update and about half a core. Later: frames fingerprinted by their pickle
  (3-4 -> 0.4 ms each) and the page's sentences and tables remembered (a rerun 38 -> 24 ms); a
  new partnership and cycle still costs ~0.08 s of CPU, spread thinly over pandas calls (py-spy
  --gil). gc.freeze() after the warm-up was tried (a full collection took 60-70 ms) and made no
  difference to the p95, so it was left out. The p95 is set by the first change,
  which all ten sessions make in the same instant (each a cycle none has shown yet): ten runs
  share the GIL and the tenth ends about 1 s later; later changes take about 0.1 s.
- **Ten sessions, the browsers**: with all ten browsers on the server's own 2 cores, the browsers
  set the time. Each update of the Partnership page costs its browser about 0.9-1.4 s of CPU
  (the baseline app about 0.4 s); found by removing parts of the page one at a time: Streamlit's
  shell and the selectbox interaction about 0.4 s, the standing chart about 0.35 s, the change
  chart about 0.15 s, the rest about 0.3 s. Streamlit gives a plotly chart a new element id
  whenever its figure changes, so every changed chart is unmounted and mounted again and drawn
  twice (two `plotly_afterplot` events per chart per update); a stable id (tried by giving the
  chart a key-only id) makes Streamlit 1.67 keep showing the old figure. Fixed: the charts are now
  the app's own element (`charts/browser.py`, a Streamlit v2 component), which calls
  `Plotly.react` on the chart already drawn, with the plotly.js inside Streamlit's own plotly
  bundle: no new SVG per update (0 new `.main-svg` layers against 9 for a chart built from
  scratch). Plotly.js alone, in a bare page: the standing chart 145-180 ms from scratch, 88 ms in
  place. (plotly.py's own plotly.js served from `app/static/` was tried first: Streamlit gzips
  those files at level 9 on every request and that copy ran slower, so the cold start went from
  1.25x to 1.38-1.52x; with Streamlit's bundle it is where it was.) A/B, old and new code in turn in the same runs, twice, with the
  clock stopped only when the first chart's text has changed (it used to stop at the new title
  and any drawn chart, too soon for a chart updated in place): one session alone, median
  0.63-0.70 -> 0.39-0.40 s and p95 0.79-0.94 -> 0.53-0.63 s; chromium CPU per update 1.17 ->
  0.76 s; ten sessions p95 5.80-8.75 -> 4.79-5.91 s. What is left per update is Streamlit redrawing
  the page's other elements (React and its styles, ~0.3 s of the main thread) and the selectbox
  interaction itself. Ten browsers need more than the 2 cores for this load, and the queue for
  them, not the server, sets that p95; even the one-chart baseline app is near 2 s there. A page
  with only the Partnership page's two charts (st.plotly_chart, no other element) measured
  3.5-4.5 s there (with the earlier clock). In use each browser runs on its own computer: the estimate above adds one
  browser's own drawing time to the server's p95 under ten sessions.
""".splitlines()


def ensure_workbooks() -> None:
    sys.path[:0] = [str(HERE)]
    import generate  # bench/generate.py (owned by the reader benchmark)

    for size in generate.SIZES:
        for kind in generate.KINDS:
            path = generate.OUT / f"review-{size}.{kind}"
            if not path.exists():
                print(f"generating {path.relative_to(ROOT)} ...", flush=True)
                generate.generate(size, kind)


def run_reader(name: str = "bench_reader.py", title: str = "Reading and checking") -> str | None:
    script = HERE / name
    if not script.exists():
        print(f"(no bench/{name}: skipped)")
        return None
    print(f"\n== {title} (bench/{name})", flush=True)
    proc = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True)
    out = proc.stdout.rstrip()
    print(out)
    if proc.returncode:
        print(proc.stderr[-2000:], file=sys.stderr)
        out += f"\n({name} exited with {proc.returncode})"
    return out


def run_plans() -> str:
    print("\n== The plans (bench/bench_plans.py)", flush=True)
    proc = subprocess.run([sys.executable, str(HERE / "bench_plans.py")], cwd=ROOT, capture_output=True, text=True)
    out = proc.stdout.rstrip()
    print(out)
    if proc.returncode:
        print(proc.stderr[-2000:], file=sys.stderr)
        out += f"\n(bench_plans.py exited with {proc.returncode})"
    return out


def run_app(extra: list[str]) -> dict:
    print("\n== The app (bench/bench_app.py)", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "app.json"
        subprocess.run([sys.executable, str(HERE / "bench_app.py"), "--json", str(out), *extra], cwd=ROOT,
                       stdout=subprocess.DEVNULL, check=True)
        return json.loads(out.read_text())


def _ok(flag) -> str:
    return "" if flag is None else (" ✔" if flag else " ✘ missed")


def _cores(cores: dict | None) -> str:
    return "" if not cores else f"{cores['browser']:.2f} / {cores['server']:.2f}"


def tables(result: dict) -> list[str]:
    """The results as Markdown lines (also printed)."""
    s, lines = result["summary"], []
    rr = s.get("rerun")
    if rr:
        sizes, base = rr["sizes"], rr["baseline_ms"]
        lines += ["### Rerun after changing the cycle: server time (AppTest)",
                  "",
                  f"Median of {rr['n']} reruns per page switching between the two newest cycles with scores, "
                  f"after the page's first run. Baseline: a one-page app with one selectbox and one small "
                  f"plotly chart, rerun the same way in the same run: **{base:.0f} ms**. In brackets: times "
                  f"the baseline. Targets: under 150 ms with the sample, under 500 ms at 100x.",
                  "",
                  "| page | " + " | ".join(sizes) + " | target |",
                  "|---|" + "---:|" * len(sizes) + "---|"]
        for page in PAGES:
            row = rr["pages"].get(page)
            if not row:
                continue
            cells = [f"{row[z]['ms']:.0f} ms ({row[z]['ratio']:.1f}x){_ok(row[z]['ok'])}" for z in sizes]
            lines.append(f"| {page} | " + " | ".join(cells) + " | <150 ms sample, <500 ms 100x |")
        lines += ["",
                  "The first time a page shows a cycle it has not shown before (median of up to 3; what the "
                  "first person to pick that cycle waits for the charts to be built; the analysis is already "
                  "done by the per-workbook warm-up), and the page's very first run:",
                  "",
                  "| page | " + " | ".join(f"{z} new cycle / first run" for z in sizes) + " |",
                  "|---|" + "---:|" * len(sizes)]
        for page in PAGES:
            row = rr["pages"].get(page)
            if not row:
                continue
            cells = [(f"{row[z]['new_cycle_ms']:.0f}" if row[z].get("new_cycle_ms") is not None else "–")
                     + f" / {row[z]['first_view_ms']:.0f} ms" for z in sizes]
            lines.append(f"| {page} | " + " | ".join(cells) + " |")
        lines += ["", "First run of the app (reads and checks the workbook, draws the overview), then how much "
                      "longer the background warm-up of every cycle's analysis took: "
                  + "; ".join(f"{z} {rr['first_run_s'][z]:.2f} s + {rr['warm_up_s'][z]:.2f} s" for z in sizes) + ".",
                  ""]
    cold = s.get("cold")
    if cold:
        lines += ["### Cold start to the first chart (headless chromium)", "",
                  f"A fresh server each time, navigation start to the first `.js-plotly-plot .main-svg path`, "
                  f"median of {cold['repeats']} each, alternating:", "",
                  "| app | first chart | ratio | target |", "|---|---:|---:|---|",
                  f"| baseline: one page, one plotly chart | {cold['baseline_s']:.2f} s | 1.00 | |",
                  f"| dashboard, sample, overview | {cold['dashboard_s']:.2f} s | {cold['ratio']:.2f} | "
                  f"≤ {cold['target_ratio']}x{_ok(cold['ok'])} |", ""]
        if "pair_ratio_median" in cold:
            lo, hi = cold["pair_ratio_range"]
            lines += [f"Each pair (the two apps back to back): dashboard / baseline median "
                      f"{cold['pair_ratio_median']:.2f}, from {lo:.2f} to {hi:.2f}. All runs, in seconds: baseline "
                      + ", ".join(f"{t:.2f}" for t in cold["baseline_all_s"]) + "; dashboard "
                      + ", ".join(f"{t:.2f}" for t in cold["dashboard_all_s"]) + ".", ""]
    mem = s.get("memory")
    if mem:
        after = mem.get("after_concurrent_mb")
        lines += ["### Peak memory of the server (sample)", "",
                  f"VmHWM after visiting every page: **{mem['peak_mb']:.0f} MB** (target under "
                  f"{mem['target_mb']} MB{_ok(mem['ok'])})"
                  + (f"; {after:.0f} MB after the ten sessions below." if after else "."), ""]
    conc = s.get("concurrent")
    if conc:
        raw = result["raw"]
        lines += ["### Ten browser sessions at once (sample, Partnership page)", "",
                  f"{conc['sessions']} pages in one headless chromium, each changing the cycle and then the "
                  f"partnership {raw.get('rounds')} times, reading each update for "
                  f"{0.5 * raw.get('think', 1):.1f}-{1.5 * raw.get('think', 1):.1f} s before the next choice; timed "
                  f"in the page from pressing the option to the updated chart painted ({conc['samples']} updates):",
                  "", "| app | p95 | median | max | cores used: chromium / server | target |",
                  "|---|---:|---:|---:|---|---|",
                  f"| dashboard, Partnership page | {conc['p95_s']:.2f} s | {conc['median_s']:.2f} s | "
                  f"{conc['max_s']:.2f} s | {_cores(conc.get('cores'))} | p95 < {conc['target_s']:.0f} s{_ok(conc['ok'])} |"]
        if "baseline_p95_s" in conc:
            lines += [f"| baseline app, same load (cycle changes) | {conc['baseline_p95_s']:.2f} s | "
                      f"{conc['baseline_median_s']:.2f} s | | {_cores(conc.get('baseline_cores'))} | "
                      f"dashboard p95 = {conc['ratio']:.1f}x baseline |"]
        lines += ["", "The sessions' browser runs on the same 2 cores as the server: the cores column says "
                      "how much of the machine each used while the sessions ran.", ""]
        rows = [(label, conc.get(key)) for label, key in (
            ("dashboard, ten sessions", "per_update"), ("baseline, ten sessions", "baseline_per_update"),
            ("dashboard, one session alone", "solo"), ("baseline, one session alone", "solo_baseline"))]
        if any(v for _, v in rows):
            lines += ["CPU time per update (choosing the option, the rerun, the redraw) and, for one session "
                      "alone, the time to the updated chart:", "",
                      "| run | chromium CPU per update | server CPU per update | time to updated chart (median / max) |",
                      "|---|---:|---:|---:|"]
            for label, v in rows:
                if v:
                    lines.append(f"| {label} | {v['browser']:.2f} s | {v['server']:.3f} s | "
                                 f"{v['median_s']:.2f} / {v['max_s']:.2f} s |")
            lines.append("")
    sv = s.get("concurrent_server")
    if sv:
        lines += ["### The same ten sessions, the server alone", "",
                  "Each session speaks Streamlit's own websocket protocol as its browser would (the same rerun "
                  "messages, with the widget ids read from the page's elements) and draws nothing, so the "
                  "server has the machine's 2 cores to itself, as in use, where each person's browser runs on "
                  "their own computer. Timed from sending the change to the server sending the chart under the "
                  "new title (and to the end of the run); a fresh server, the same plans as above:", "",
                  "| run | p95 | median | max | server CPU per update | server cores used |",
                  "|---|---:|---:|---:|---:|---:|",
                  f"| ten sessions: updated chart sent | {sv['p95_s']:.2f} s | {sv['median_s']:.2f} s | "
                  f"{sv['max_s']:.2f} s | {sv['server_cpu_per_update_s']:.3f} s | {sv['server_cores']:.2f} |",
                  f"| ten sessions: whole page sent | {sv['end_p95_s']:.2f} s | {sv['end_median_s']:.2f} s | | | |"]
        if "solo_median_s" in sv:
            lines.append(f"| one session alone: updated chart sent | | {sv['solo_median_s']:.2f} s | | "
                         f"{sv['solo_server_cpu_per_update_s']:.3f} s | |")
        lines += ["", f"The ten clients themselves used {sv['client_cores']:.2f} of a core."]
        if "estimate_p95_s" in sv:
            lines += ["", f"**What a person sees with ten sessions at once**, each browser on its own computer: the "
                          f"server's p95 above plus one browser's own drawing time for an update (the p95 of one "
                          f"browser session alone, {sv['browser_solo_p95_s']:.2f} s, less the server's "
                          f"{sv['solo_median_s']:.2f} s): **{sv['estimate_p95_s']:.2f} s** (target p95 < "
                          f"{sv['target_s']:.0f} s{_ok(sv['ok'])})."]
        lines.append("")
    return lines


def write_readme(lines: list[str], reader: str | None, result: dict, load: str, seconds: float,
                 plans: str | None = None, store: str | None = None) -> None:
    block = [START, "## Latest run (written by `python3 bench/run.py`)", "",
             f"{result['when']}, {result['cpus']} CPUs, load average before the run {load}; the whole run took "
             f"{seconds / 60:.1f} min. The machine is shared: compare each figure with its baseline.", ""]
    if reader is not None:
        block += ["### Reading and checking (`bench/bench_reader.py`, its output as printed)", "", "```",
                  reader, "```", ""]
    if plans is not None:
        block += ["### The plans (`bench/bench_plans.py`, its output as printed)", "", "```", plans, "```", ""]
    if store is not None:
        block += ["### The store, folder and PostgreSQL (`bench/bench_store.py`, its output as printed)", "",
                  store, ""]
    block += lines + NOTES + [END]
    text = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        text = head + "\n".join(block) + tail
    else:
        text = text.rstrip() + "\n\n" + "\n".join(block) + "\n"
    README.write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--skip-reader", action="store_true", help="do not run bench/bench_reader.py")
    ap.add_argument("--skip-plans", action="store_true", help="do not run bench/bench_plans.py")
    ap.add_argument("--skip-store", action="store_true", help="do not run bench/bench_store.py")
    ap.add_argument("--no-readme", action="store_true", help="print only; leave bench/README.md alone")
    args, extra = ap.parse_known_args()
    began = time.perf_counter()
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"
    ensure_workbooks()
    reader = None if args.skip_reader else run_reader()
    plans = None if args.skip_plans else run_plans()
    store = None if args.skip_store else run_reader("bench_store.py", "The store, folder and PostgreSQL")
    result = run_app(extra)
    lines = tables(result)
    print("\n" + "\n".join(lines))
    seconds = time.perf_counter() - began
    if not args.no_readme:
        write_readme(lines, reader, result, load, seconds, plans, store)
        print(f"\nwritten: {README.relative_to(ROOT)} (between {START} and {END})")
    print(f"total {seconds / 60:.1f} min")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
