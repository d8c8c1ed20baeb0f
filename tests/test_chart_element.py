"""charts/browser.py: the plotly.js the chart element uses, and what the element is sent.
(The element's drawing is tested in a real browser: tests/browser/test_browser_pages.py.)"""
import json
from pathlib import Path

import numpy as np
import plotly.graph_objects as go

from charts import browser


def test_streamlits_plotly_bundle_is_found_by_its_real_name():
    """If a Streamlit upgrade renames its plotly bundle, the charts fall back to st.plotly_chart:
    this fails first, so the upgrade is noticed rather than silently slower."""
    import streamlit

    name = browser.streamlit_plotly_js()
    assert name and name.startswith("PlotlyChart.") and name.endswith(".js")
    assert (Path(streamlit.__file__).parent / "static" / "static" / "js" / name).is_file()


def test_the_loader_imports_that_bundle_once_per_page_beside_streamlits_own_script():
    js = browser.loader_js("PlotlyChart.abc.js")
    assert js.lstrip().startswith("window.cspPlotly = window.cspPlotly ||")    # once per page
    assert "new URL('PlotlyChart.abc.js', app ? app.src" in js                  # Streamlit's static/js/
    assert "window.Plotly" in js and "import(url)" in js
    code = browser.chart_js("PlotlyChart.abc.js")
    assert code.startswith(js) and "Plotly.react(" in code and "newPlot" not in code


def test_the_element_is_sent_plotlys_own_json_and_the_summary():
    fig = go.Figure(go.Heatmap(z=np.arange(6).reshape(2, 3)), layout={"height": 320})
    sent = browser.chart_data(fig, {"displaylogo": False, "responsive": True}, "Six cells, 0 to 5.")
    spec = json.loads(sent["spec"])
    assert spec["layout"]["height"] == 320
    assert spec["data"][0]["z"]["bdata"] and spec["data"][0]["z"]["dtype"]   # numpy as a typed array, compact
    assert sent["config"] == {"displaylogo": False}     # the element follows its width itself
    assert sent["alt"] == "Six cells, 0 to 5."
