"""Drill-down (issue 18.2), the Python side: what a click on each mark of the real charts opens
(`ui.drill_target`, given the point as plotly sends it), names never revealed while hidden, and the
keyboard route (the picker under each clickable chart) in AppTest. The clicks themselves, in a real
browser: tests/browser/test_drill_down.py."""
from __future__ import annotations

from pathlib import Path

import pytest

import ui
from analysis import names
from analysis import national as an
from apptools import choose, go, hide_names, open_app
from charts import national as ch
from loaders import read_workbook

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample-review.xlsx"
CYCLE = "2020-2023"


@pytest.fixture(scope="module")
def review():
    return read_workbook(SAMPLE)


def view(review, partnership=None, hide=False) -> ui.View:
    shown = names.hidden(review, partnership or "", b"k" * 32) if hide else review
    return ui.View(None, shown, CYCLE, partnership, None, hide)


def test_every_bar_of_the_coverage_chart_opens_its_own_criterion(review):
    cov = an.coverage(review, CYCLE)
    for order in (None, an.criterion_order(cov, "fully_met")):
        fig = ch.coverage_bar(cov, review.labels, order=order, mine="Fife",
                              mine_levels=an.partnership_levels(review, CYCLE, "Fife"))
        ids = list(reversed(fig.layout.yaxis.categoryarray))  # top first, as the chart lists them
        expected = [str(c) for c in (order or an.criterion_order(cov, "workbook"))]
        for trace in fig.data:  # every level's bars and the diamonds
            for y in trace.y:
                assert ui.drill_target(view(review), "criterion", {"x": 1, "y": y, "curve": 0}) == \
                    ("views/criterion.py", {"criterion": expected[ids.index(y)]})
    assert ui.drill_target(view(review), "criterion", {"x": 1, "y": "Resources"}) == \
        ("views/criterion.py", {"criterion": "12"})
    assert ui.drill_target(view(review), "criterion", {"x": 1, "y": "No such criterion"}) is None
    assert ui.drill_target(view(review), "criterion", None) is None


def test_a_heatmap_cell_opens_its_partnership_with_the_criterion_picked_out(review):
    fig = ch.heatmap(an.heatmap_frame(review, CYCLE), review.labels, mine="Fife")
    rows = list(fig.data[0].y)
    assert "▶ Fife (yours)" in rows
    assert ui.drill_target(view(review, "Fife"), "cell", {"x": "12", "y": "▶ Fife (yours)"}) == \
        ("views/partnership.py", {"partnership": "Fife", "criterion": "12"})
    assert ui.drill_target(view(review, "Fife"), "cell", {"x": "6a", "y": "Orkney Islands"}) == \
        ("views/partnership.py", {"partnership": "Orkney Islands", "criterion": "6a"})
    assert ui.drill_target(view(review), "cell", {"x": "99", "y": "Fife"}) is None


def test_with_names_hidden_a_heatmap_cell_opens_its_criterion_and_never_a_name(review):
    v = view(review, "Fife", hide=True)
    fig = ch.heatmap(an.heatmap_frame(v.review, CYCLE), v.review.labels, mine="Fife")
    for y in fig.data[0].y:
        target = ui.drill_target(v, "cell", {"x": "12", "y": y})
        if y == "▶ Fife (yours)":   # the chosen partnership's own row still opens its page
            assert target == ("views/partnership.py", {"partnership": "Fife", "criterion": "12"})
        else:
            assert target == ("views/criterion.py", {"criterion": "12"}), y
    # a label that happens to be typed like a real name is still not taken for it
    assert ui.drill_target(v, "cell", {"x": "12", "y": "Orkney Islands"}) == ("views/criterion.py", {"criterion": "12"})
    # and the map (hidden while names are) opens nothing
    assert ui.drill_target(v, "partnership", {"x": 0, "y": 0}) is None


def test_every_tile_of_the_map_opens_its_own_partnership(review):
    fig = ch.tile_map(an.partnership_fully_met(review, CYCLE))
    heat = [t for t in fig.data if t.type == "heatmap"][-1]
    seen = 0
    for row, texts in enumerate(heat.hovertext):
        for col, text in enumerate(texts):
            if text:
                name = text.split("</b>")[0].removeprefix("<b>")
                assert ui.drill_target(view(review), "partnership", {"x": col, "y": row}) == \
                    ("views/partnership.py", {"partnership": name})
                seen += 1
    assert seen == len(review.partnerships)
    assert ui.drill_target(view(review), "partnership", {"x": 99, "y": 99}) is None


# ------------------------------------------------------------------ the keyboard route (AppTest)

def test_the_picker_under_a_clickable_chart_opens_its_page_keeping_the_cycle():
    at = open_app()
    choose(at, "cycle", CYCLE)
    go(at, "views/criteria.py")
    picker = at.main.selectbox(key="open-criteria-coverage")
    assert picker.label == "Open a criterion's page" and "Criterion 12: Resources" in picker.options
    picker.select("Criterion 12: Resources").run()
    assert not at.exception
    assert "<h1>Criterion 12: Resources, 2020-2023</h1>" in at.main.markdown[0].value
    go(at, "views/criteria.py")
    at.main.selectbox(key="open-criteria-heatmap").select("Partnership: Fife").run()
    assert not at.exception
    assert at.session_state["partnership"] == "Fife" and "<h1>Fife, 2020-2023</h1>" in at.main.markdown[0].value
    # no chart that opens nothing has a picker
    go(at, "views/criteria.py")
    keys = [s.key for s in at.main.selectbox if str(s.key).startswith("open-")]
    assert sorted(keys) == ["open-criteria-coverage", "open-criteria-heatmap"]


def test_with_names_hidden_the_pickers_list_criteria_only():
    at = open_app()
    hide_names(at)
    go(at, "views/criteria.py")
    picker = at.main.selectbox(key="open-criteria-heatmap")
    assert picker.label == "Open a criterion's page"
    assert picker.options and all(o.startswith("Criterion ") for o in picker.options)
    notes = " ".join(c.value for c in at.main.caption)
    assert "Click or tap a cell to open that criterion's page" in notes and "partnership's page" not in notes
