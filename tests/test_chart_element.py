"""charts/browser.py: plotly.js put where Streamlit serves it, and what the chart element is sent.
(The element's drawing is tested in a real browser: tests/browser/test_browser_pages.py.)"""
import json
import os

import numpy as np
import plotly.graph_objects as go

from charts import browser


def test_plotly_js_is_copied_once_whole_and_readable(tmp_path):
    target = tmp_path / "static" / "plotly.min.js"
    assert browser.serve_plotly_js(target)
    source = browser._package_plotly()
    assert target.read_bytes() == source.read_bytes()
    assert target.stat().st_mode & 0o044 == 0o044          # readable by the server whoever runs it
    assert not list(target.parent.glob(".plotly-*"))       # no temporary file left behind
    stamp = target.stat().st_mtime_ns
    os.utime(target, ns=(stamp, stamp))
    assert browser.serve_plotly_js(target) and target.stat().st_mtime_ns == stamp   # already there: left alone


def test_a_stale_copy_is_replaced(tmp_path):
    target = tmp_path / "plotly.min.js"
    target.write_text("/* plotly.js v1 */")
    assert browser.serve_plotly_js(target)
    assert target.read_bytes() == browser._package_plotly().read_bytes()


def test_where_static_cannot_be_written_it_says_so(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):      # root ignores the mode: use a path under a file instead
            target = tmp_path / "a-file" / "plotly.min.js"
            (tmp_path / "a-file").write_text("")
        else:
            target = folder / "plotly.min.js"
        assert browser.serve_plotly_js(target) is False and not target.exists()
    finally:
        folder.chmod(0o755)


def test_the_element_is_sent_plotlys_own_json_and_the_summary():
    fig = go.Figure(go.Heatmap(z=np.arange(6).reshape(2, 3)), layout={"height": 320})
    sent = browser.chart_data(fig, {"displaylogo": False, "responsive": True}, "Six cells, 0 to 5.")
    spec = json.loads(sent["spec"])
    assert spec["layout"]["height"] == 320
    assert spec["data"][0]["z"]["bdata"] and spec["data"][0]["z"]["dtype"]   # numpy as a typed array, compact
    assert sent["config"] == {"displaylogo": False}     # the element follows its width itself
    assert sent["alt"] == "Six cells, 0 to 5."


def test_the_element_loads_plotly_js_from_the_served_copy_relative_to_the_page():
    assert browser.PLOTLY_URL == "app/static/plotly.min.js"
    assert f"new URL('{browser.PLOTLY_URL}', document.baseURI)" in browser.CHART_JS
    assert browser.LOADER_JS in browser.CHART_JS         # one loader, shared with dashboard.py's preload
    assert "Plotly.react(" in browser.CHART_JS and "newPlot" not in browser.CHART_JS
