"""How the charts reach the browser: a chart element that updates a drawn chart in place, and the
plotly.js it draws with. No streamlit here (`ui.plotly_chart` mounts the element).

Why not `st.plotly_chart`: when a figure changes, Streamlit's chart element mounts a new chart, a
fresh element that plotly builds from scratch (and draws twice: two `plotly_afterplot` events).
`Plotly.react` on the chart already drawn updates it in place: no new SVG at all (counted in the
browser: 0 new `.main-svg` layers per update, against 9 for a chart built from scratch). On the
Partnership page, A/B with the old code in the same runs: one person's update (to the chart
changed on screen) median 0.63-0.70 -> 0.39-0.40 s, the browser's CPU per update 1.17 -> 0.76 s;
ten browsers on the server's 2 cores, p95 5.8-8.8 -> 4.8-5.9 s (bench/README.md).

plotly.js is the one Streamlit already ships: its chart bundle (`static/js/PlotlyChart.*.js`, found
by name in the installed streamlit package) sets `window.Plotly` when it is imported, is served
uncompressed and cached by the browser for a year. Serving plotly.py's own copy from `app/static/`
was tried first: Streamlit gzips those files at level 9 on every request, and that copy (plotly.js
4.1.1) took 1.4-1.8 s to run against 1.2-1.4 s for the bundle; the cold start went from 1.25x to
1.38-1.52x the baseline. If a Streamlit upgrade renames the bundle, `ui.plotly_chart` falls back to
st.plotly_chart (and tests/test_chart_element.py says so); if it stops setting `window.Plotly`, the
browser tests fail.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path


def streamlit_plotly_js() -> str | None:
    """The file name of Streamlit's plotly bundle (e.g. "PlotlyChart.D9Z0_fxz.js"), or None. Found
    without importing streamlit (this module stays free of it)."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "static" / "static" / "js"
    found = sorted(folder.glob("PlotlyChart.*.js"))
    return found[0].name if found else None


def loader_js(bundle: str) -> str:
    """Import Streamlit's plotly bundle once per page (the preload in dashboard.py, or the first
    chart), by the URL of Streamlit's own script, so a server.baseUrlPath still works; every chart
    waits on the same promise of `window.Plotly`."""
    return """
window.cspPlotly = window.cspPlotly || (() => {
  const app = document.querySelector('script[src*="static/js/index"]');
  const url = new URL('%s', app ? app.src : new URL('static/js/', document.baseURI)).href;
  return import(url).then(() => window.Plotly || Promise.reject(new Error('plotly.js did not load')));
})();
""" % bundle


def chart_js(bundle: str) -> str:
    """The chart element's code: the loader, then the element."""
    return loader_js(bundle) + CHART_ELEMENT_JS


# The element: draws with Plotly.react (in place when the chart is already there), follows its
# container's width (the sidebar opening or closing, a phone turned), keeps the chart's height
# reserved while plotly.js loads, and says so in words if the chart cannot be drawn.
CHART_ELEMENT_JS = """
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
