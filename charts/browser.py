"""How the charts reach the browser: plotly.js served by the app itself, and a chart element that
updates a drawn chart in place. No streamlit here (`ui.chart_card` mounts the element).

Why not `st.plotly_chart`: when a figure changes, Streamlit's chart element mounts a new chart, a
fresh element that plotly builds from scratch (and draws twice: two `plotly_afterplot` events).
`Plotly.react` on the chart already drawn updates it in place: no new SVG at all (counted in the
browser: 0 new `.main-svg` layers per update, against 9 for a chart built from scratch). On the
Partnership page, A/B with the old code in the same runs: one person's update (to the chart
changed on screen) median 0.63-0.70 -> 0.39-0.40 s, the browser's CPU per update 1.17 -> 0.76 s;
ten browsers on the server's 2 cores, p95 5.8-8.8 -> 4.8-5.9 s (bench/README.md).

plotly.js comes from the installed plotly package (the pinned version in requirements.txt), copied
into `static/` beside dashboard.py, which Streamlit serves at `app/static/` (server.
enableStaticServing in .streamlit/config.toml), compressed: 1.5 MB over the wire, where Streamlit's
own chart code is 4.7 MB. If the copy cannot be made, `ui.chart_card` falls back to st.plotly_chart.
"""
from __future__ import annotations

import importlib.util
import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATIC_PLOTLY = ROOT / "static" / "plotly.min.js"
PLOTLY_URL = "app/static/plotly.min.js"   # relative to the page, so a server.baseUrlPath still works


def _package_plotly() -> Path | None:
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "package_data" / "plotly.min.js"
    return path if path.is_file() else None


def serve_plotly_js(target: Path | None = None) -> bool:
    """Make sure `target` (STATIC_PLOTLY) holds the installed plotly package's plotly.js; True when it does.
    Written to a temporary file and renamed, so a browser (or a second server) never reads half a
    file; nothing is written when it is already the same size and age."""
    target = target or STATIC_PLOTLY
    source = _package_plotly()
    if source is None:
        return target.is_file()
    try:
        have, want = (target.stat() if target.exists() else None), source.stat()
        if have is not None and have.st_size == want.st_size and have.st_mtime_ns == want.st_mtime_ns:
            return True
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".plotly-", delete=False) as tmp:
            tmp.write(source.read_bytes())
        os.chmod(tmp.name, 0o644)   # readable like any other file of the app (a temporary file is 0600)
        os.utime(tmp.name, ns=(want.st_atime_ns, want.st_mtime_ns))
        os.replace(tmp.name, target)
        return True
    except OSError:   # e.g. a read-only install: the charts fall back to st.plotly_chart
        return target.is_file()


# One loader per page: the first caller (the preload in dashboard.py, or the first chart) adds the
# script; every chart waits on the same promise.
LOADER_JS = """
window.cspPlotly = window.cspPlotly || new Promise((resolve, reject) => {
  const script = document.createElement('script');
  script.src = new URL('%s', document.baseURI).href;
  script.onload = () => window.Plotly ? resolve(window.Plotly) : reject(new Error('plotly.js did not load'));
  script.onerror = () => reject(new Error('plotly.js could not be fetched'));
  document.head.appendChild(script);
});
""" % PLOTLY_URL

# The element: draws with Plotly.react (in place when the chart is already there), follows its
# container's width (the sidebar opening or closing, a phone turned), keeps the chart's height
# reserved while plotly.js loads, and says so in words if the chart cannot be drawn.
CHART_JS = LOADER_JS + """
export default function ({ parentElement, data }) {
  const el = parentElement.querySelector('.csp-chart');
  const figure = JSON.parse(data.spec);
  const layout = figure.layout || {};
  el.setAttribute('aria-label', data.alt || '');
  el.style.minHeight = (layout.height || 450) + 'px';
  window.cspPlotly.then(Plotly => Plotly.react(el, figure.data || [], layout, data.config).then(() => {
    if (el.cspWidth === undefined) {
      el.cspWidth = el.offsetWidth;
      el.cspResize = new ResizeObserver(() => {
        if (el.offsetWidth && el.offsetWidth !== el.cspWidth) { el.cspWidth = el.offsetWidth; Plotly.Plots.resize(el); }
      });
      el.cspResize.observe(el);
    }
  })).catch(() => {
    el.textContent = 'This chart could not be drawn in your browser. Its figures are in the Data tab.';
    el.style.minHeight = '';
  });
  return () => { if (el.cspResize) el.cspResize.disconnect(); el.cspResize = el.cspWidth = undefined; };
}
"""

CHART_HTML = "<div class='csp-chart' role='figure'></div>"


def chart_data(fig, config: dict, alt: str) -> dict:
    """What the element is sent: the figure as plotly's own JSON (numpy arrays as typed arrays, as
    st.plotly_chart sends them), the plotly config (the element follows its width itself, so
    plotly's window-resize listener is left off) and the accessible name."""
    import plotly.io   # not at the top: dashboard.py imports this module before the page shell is sent

    return {"spec": plotly.io.to_json(fig, validate=False),
            "config": {k: v for k, v in config.items() if k != "responsive"}, "alt": alt}
