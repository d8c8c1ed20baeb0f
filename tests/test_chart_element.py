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
    image = {"title": "Six cells", "summary": "Six cells, 0 to 5.", "source": "Data: x.xlsx", "caveat": "",
             "filename": "cells-2023-2026.png"}
    sent = browser.chart_data(fig, {"displaylogo": False, "responsive": True}, "Six cells, 0 to 5.", image)
    spec = json.loads(sent["spec"])
    assert spec["layout"]["height"] == 320
    assert spec["data"][0]["z"]["bdata"] and spec["data"][0]["z"]["dtype"]   # numpy as a typed array, compact
    # the element follows its width itself, and its own tools replace plotly's modebar
    assert sent["config"] == {"displaylogo": False, "displayModeBar": False}
    assert sent["alt"] == "Six cells, 0 to 5."
    assert sent["image"] == image                       # what a downloaded PNG carries besides the chart


def test_no_plotly_control_can_send_a_chart_to_plotlys_cloud():
    """Streamlit's plotly.js offers "Edit in Chart Studio" (showSendToCloud) and a plotly.com logo
    link by default; the config turns both off (for st.plotly_chart, the fallback), and the element
    shows no modebar at all."""
    import ui

    assert ui.PLOTLY_CONFIG["showSendToCloud"] is False and ui.PLOTLY_CONFIG["displaylogo"] is False
    assert {"sendDataToCloud", "editInChartStudio"} <= set(ui.PLOTLY_CONFIG["modeBarButtonsToRemove"])
    sent = browser.chart_data(go.Figure(), ui.PLOTLY_CONFIG, "")["config"]
    assert sent["displayModeBar"] is False and sent["showSendToCloud"] is False
    assert "plotly.com" not in browser.CHART_ELEMENT_JS + browser.CHART_HTML


def test_the_png_is_named_for_what_the_card_shows():
    assert browser.png_filename("criteria-coverage-2023-2026.csv", "criteria-coverage") == "criteria-coverage-2023-2026.png"
    assert browser.png_filename(None, "themes") == "themes.png"


def test_the_tools_are_buttons_above_the_chart_not_on_it():
    """Keyboard-reachable buttons, before (above) the figure, so on a phone they cover nothing."""
    html = browser.CHART_HTML
    assert html.index("csp-png") < html.index("csp-chart") and html.index("csp-full-open") < html.index("csp-chart")
    assert html.count("<button type='button'") == 2
    assert "showModal()" in browser.CHART_ELEMENT_JS          # full screen: a modal dialog, Escape closes it


def test_no_error_screen_link_sends_the_error_off_the_site():
    """Streamlit's error screen offers links that search Google and ask ChatGPT with the error's text:
    nothing may leave the deployment from this dashboard (issue 17), so they are switched off."""
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorLinks"] is False
    assert config["client"]["showErrorDetails"] == "none"
