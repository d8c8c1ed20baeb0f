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

The element's own tools (a toolbar above the chart, so nothing covers a legend or a tile on a phone;
plotly's modebar is off, and with it every control that could send a chart to plotly's cloud):
- "Download PNG": the whole chart (drawn again by Plotly.toImage at a fixed 1000 px width, legend
  and axis labels inside) with the card's title and summary above it, and the page's source line
  and the illustrative-data caveat (when it applies) below it, composed on a canvas and saved under
  the name the card gives (`criteria-coverage-2023-2026.png`). Workbook text is drawn as canvas
  text, never as markup.
- "Full screen": the chart drawn large in a modal <dialog> (keyboard reachable; Escape or Close
  leaves it, and the focus goes back to the button).
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
# reserved while plotly.js loads, and says so in words if the chart cannot be drawn. Its tools
# (PNG, full screen) use the latest figure and texts it was sent.
CHART_ELEMENT_JS = """
// An image of an SVG cannot use the page's web fonts: the PNG is laid out and drawn in a font every
// browser has, so what plotly measures (legend, axis labels, margins) is what the image shows.
const CSP_FONT = 'Arial, "Liberation Sans", Helvetica, sans-serif';
const CSP_PNG_WIDTH = 1000;

function cspWrap(ctx, text, width) {
  const lines = [];
  for (const para of String(text || '').split('\\n')) {
    let line = '';
    for (const word of para.split(/\\s+/).filter(Boolean)) {
      const next = line ? line + ' ' + word : word;
      if (line && ctx.measureText(next).width > width) { lines.push(line); line = word; } else { line = next; }
    }
    if (line) lines.push(line);
  }
  return lines;
}

function cspImage(url) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('image'));
    img.src = url;
  });
}

async function cspPng(el) {
  const Plotly = await window.cspPlotly;
  const fig = el.cspFigure, meta = el.cspMeta || {};
  const W = CSP_PNG_WIDTH, H = (fig.layout && fig.layout.height) || 450, pad = 24, scale = 2;
  const base = fig.layout || {}, margin = base.margin || {};
  const layout = Object.assign({}, base, {width: W, height: H, autosize: false,
    font: Object.assign({}, base.font, {family: CSP_FONT}),
    margin: Object.assign({}, margin, {l: (margin.l ?? 80) + 12, r: (margin.r ?? 80) + 16})});
  const url = await Plotly.toImage({data: fig.data || [], layout: layout, config: {}},
                                   {format: 'png', width: W, height: H, scale: scale});
  const chart = await cspImage(url);
  if (document.fonts && document.fonts.ready) await document.fonts.ready;
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  const text = W - 2 * pad;
  const block = (font, colour, lineHeight, value) => {
    ctx.font = font;
    return {font: font, colour: colour, lineHeight: lineHeight, lines: cspWrap(ctx, value, text)};
  };
  const head = [block('600 22px ' + CSP_FONT, '#0b0c0c', 28, meta.title),
                block('16px ' + CSP_FONT, '#0b0c0c', 22, meta.summary)];
  const foot = [block('13px ' + CSP_FONT, '#31333f', 18, meta.source),
                block('600 13px ' + CSP_FONT, '#8a4b00', 18, meta.caveat)];
  const size = blocks => blocks.reduce((h, b) => h + b.lines.length * b.lineHeight + (b.lines.length ? 6 : 0), 0);
  const headH = size(head), footH = size(foot);
  const total = pad + headH + 8 + H + 12 + footH + pad;
  canvas.width = W * scale;
  canvas.height = Math.ceil(total * scale);
  ctx.scale(scale, scale);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, W, total);
  ctx.textBaseline = 'top';
  const draw = (blocks, y) => {
    for (const b of blocks) {
      ctx.font = b.font;
      ctx.fillStyle = b.colour;
      for (const line of b.lines) { ctx.fillText(line, pad, y + (b.lineHeight - 16) / 2); y += b.lineHeight; }
      if (b.lines.length) y += 6;
    }
    return y;
  };
  let y = draw(head, pad) + 8;
  const chartTop = y;
  ctx.drawImage(chart, 0, y, W, H);
  y += H + 12;
  ctx.fillStyle = '#d5d5d5';
  ctx.fillRect(pad, y - 6, W - 2 * pad, 1);
  draw(foot, y);
  const blob = await new Promise(resolve => canvas.toBlob(resolve, 'image/png'));
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = meta.filename || 'chart.png';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60000);
  // what was drawn, for the browser tests (they also open the file itself)
  el.cspLastPng = {filename: link.download, width: canvas.width, height: canvas.height, scale: scale,
                   chartTop: chartTop, chartWidth: W, chartHeight: H, lines: head.concat(foot).flatMap(b => b.lines)};
}

async function cspFullScreen(root, el, opener) {
  let dialog = root.querySelector('dialog.csp-full');
  if (!dialog) {
    dialog = document.createElement('dialog');
    dialog.className = 'csp-full';
    const head = document.createElement('div');
    head.className = 'csp-full-head';
    const title = document.createElement('h2');
    title.id = 'csp-full-title-' + Math.random().toString(36).slice(2);
    dialog.setAttribute('aria-labelledby', title.id);
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'csp-tool';
    close.textContent = 'Close (Esc)';
    close.onclick = () => dialog.close();
    head.append(title, close);
    const plot = document.createElement('div');
    plot.className = 'csp-full-plot';
    plot.setAttribute('role', 'figure');
    dialog.append(head, plot);
    dialog.addEventListener('close', () => {
      window.cspPlotly.then(Plotly => Plotly.purge(plot));
      if (dialog.cspOpener) dialog.cspOpener.focus();
    });
    root.appendChild(dialog);
  }
  const meta = el.cspMeta || {}, fig = el.cspFigure;
  dialog.cspOpener = opener;
  dialog.querySelector('h2').textContent = meta.title || '';
  const plot = dialog.querySelector('.csp-full-plot');
  plot.setAttribute('aria-label', el.getAttribute('aria-label') || '');
  dialog.showModal();
  const Plotly = await window.cspPlotly;
  const room = dialog.clientHeight - dialog.querySelector('.csp-full-head').offsetHeight - 40;
  const height = Math.max((fig.layout && fig.layout.height) || 450, room);
  plot.style.height = height + 'px';
  const layout = Object.assign({}, fig.layout, {height: height, autosize: true});
  delete layout.width;
  await Plotly.react(plot, fig.data || [], layout, Object.assign({}, el.cspConfig, {responsive: true}));  // purged on close
}

// A clickable chart (data.select): a click on a mark sends the point (its x and y category, its
// trace) to Python once, as a trigger (ui.plotly_chart's on_select), which opens the matching page;
// the pointer shows while the mouse is on a mark. Bound again after every draw (a fresh plot drops
// its listeners); a chart that is not clickable sends nothing.
function cspClicks(el) {
  el.cspOnClick = el.cspOnClick || (ev => {
    const p = ev && ev.points && ev.points[0];
    if (!p || !el.cspSelect) return;
    el.cspSelect('select', {x: p.x ?? null, y: p.y ?? null, curve: p.curveNumber ?? null});
  });
  el.cspOnHover = el.cspOnHover || (() => { if (el.cspSelect) el.classList.add('csp-pointing'); });
  el.cspOnUnhover = el.cspOnUnhover || (() => el.classList.remove('csp-pointing'));
  for (const [name, fn] of [['plotly_click', el.cspOnClick], ['plotly_hover', el.cspOnHover],
                            ['plotly_unhover', el.cspOnUnhover]]) {
    if (el.removeListener) el.removeListener(name, fn);
    el.on(name, fn);
  }
}

export default function ({ parentElement, data, setTriggerValue }) {
  const el = parentElement.querySelector('.csp-chart');
  const figure = JSON.parse(data.spec);
  const layout = figure.layout || {};
  el.cspFigure = figure;
  el.cspConfig = data.config;
  el.cspMeta = data.image || {};
  el.cspSelect = data.select ? setTriggerValue : null;
  if (!data.select) el.classList.remove('csp-pointing');
  el.setAttribute('aria-label', data.alt || '');
  el.style.minHeight = (layout.height || 450) + 'px';
  const title = el.cspMeta.title || '';
  const png = parentElement.querySelector('.csp-png'), full = parentElement.querySelector('.csp-full-open');
  png.setAttribute('aria-label', 'Download PNG' + (title ? ': ' + title : ''));
  full.setAttribute('aria-label', 'Full screen' + (title ? ': ' + title : ''));
  png.onclick = () => {
    png.disabled = true;
    cspPng(el).catch(() => { png.textContent = 'PNG not available'; }).finally(() => { png.disabled = false; });
  };
  full.onclick = () => { cspFullScreen(parentElement, el, full); };
  window.cspPlotly.then(Plotly => Plotly.react(el, figure.data || [], layout, data.config).then(() => {
    cspClicks(el);
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

# The tools sit above the chart, outside the plot area: on a phone nothing covers a legend or a tile.
CHART_HTML = ("<div class='csp-tools' role='toolbar' aria-label='Chart tools'>"
              "<button type='button' class='csp-tool csp-png'>Download PNG</button>"
              "<button type='button' class='csp-tool csp-full-open' aria-haspopup='dialog'>Full screen</button>"
              "</div><div class='csp-chart' role='figure'></div>")

CHART_CSS = """
.csp-tools { display: flex; justify-content: flex-end; flex-wrap: wrap; gap: 0.5rem; margin: 0 0 0.25rem; }
.csp-tool { font: inherit; font-size: 0.875rem; line-height: 1.4; color: inherit; background: #ffffff;
            border: 1px solid rgba(49, 51, 63, 0.3); border-radius: 0.5rem; padding: 0.125rem 0.625rem;
            cursor: pointer; min-height: 2rem; }
.csp-tool:hover { border-color: #0072B2; color: #0072B2; }
.csp-tool:focus-visible { outline: 2px solid #0072B2; outline-offset: 2px; }
.csp-tool:disabled { cursor: progress; opacity: 0.7; }
.csp-chart.csp-pointing .nsewdrag, .csp-chart.csp-pointing .draglayer, .csp-chart.csp-pointing .draglayer * {
  cursor: pointer !important; }
dialog.csp-full { width: calc(100vw - 2rem); height: calc(100vh - 2rem); max-width: none; max-height: none;
                  margin: auto; padding: 0.75rem 1rem; border: 0; border-radius: 0.5rem; box-sizing: border-box;
                  overflow: auto; background: #ffffff; color: #0b0c0c; }
dialog.csp-full::backdrop { background: rgba(0, 0, 0, 0.6); }
.csp-full-head { display: flex; justify-content: space-between; align-items: flex-start; gap: 1rem;
                 margin-bottom: 0.5rem; }
.csp-full-head h2 { font-size: 1.375rem; margin: 0; padding: 0; line-height: 1.3; }
.csp-full-head .csp-tool { white-space: nowrap; }
@media (max-width: 640px) {
  dialog.csp-full { width: 100vw; height: 100vh; border-radius: 0; padding: 0.5rem; }
}
"""


def png_filename(csv_filename: str | None, key: str) -> str:
    """The PNG's name, from the card's CSV name (criteria-coverage-2023-2026.csv ->
    criteria-coverage-2023-2026.png), else from its key."""
    stem = csv_filename[:-4] if csv_filename and csv_filename.lower().endswith(".csv") else (csv_filename or key)
    return f"{stem}.png"


def chart_data(fig, config: dict, alt: str, image: dict | None = None, select: bool = False) -> dict:
    """What the element is sent: the figure as plotly's own JSON (numpy arrays as typed arrays, as
    st.plotly_chart sends them), the plotly config (the element follows its width itself, so
    plotly's window-resize listener is left off; its own toolbar replaces plotly's modebar), the
    accessible name, and what a downloaded PNG carries besides the chart (`image`: title, summary,
    source, caveat, filename); `select`: a click on a mark is sent back (ui.plotly_chart's on_select)."""
    import plotly.io   # not at the top: dashboard.py imports this module before the page shell is sent

    sent = {k: v for k, v in config.items() if k != "responsive"}
    sent["displayModeBar"] = False
    return {"spec": plotly.io.to_json(fig, validate=False), "config": sent, "alt": alt, "image": image or {},
            "select": bool(select)}
