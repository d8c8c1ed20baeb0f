"""The Criterion page (/criterion?criterion=12) and the sidebar's "Go to" (search by name): AppTest on
the shipped sample (its counts against ../shared/reference/national-figures.csv, every partnership's
move against the sample's own Scores sheet read with openpyxl), on a workbook with another scale and a
cycle known only from published figures, and with other partnerships' names hidden.

Expected values are worked out here from each test's own data, not from analysis/criterion.py."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from apptools import (choose, find_names, go, hide_names, media, names_and_aliases, open_app, page_strings,  # noqa: F401
                      shown_text, table_with, texts, title)
from builders import make_review, make_sheets, workbook_bytes
from loaders import read_workbook
from test_names import crafted_sheets
from test_pages import national, sample_sheet, use_workbook

FM, PM, NM = "Fully met", "Partially met", "Not met"
RANK = {FM: 0, PM: 1, NM: 2}


def open_criterion(criterion: str | None = None, at=None):
    at = at or open_app()
    if criterion is not None:
        at.query_params["criterion"] = criterion
    return go(at, "views/criterion.py")


def pick(at, criterion: str):
    at.main.selectbox(key="criterion_pick").set_value(criterion).run()
    assert not at.exception, at.exception
    return at


def levels_row(at, cycle: str) -> pd.Series:
    table = table_with(at, "Cycle", "Plans", "From").set_index("Cycle")
    return table.loc[cycle]


# ====================================================================== the sample

def test_every_criterions_counts_equal_the_published_figures():
    """2023-2026: all 16 criteria as published; 2020-2023: the 9 criteria whose figures are published."""
    now, before = national("2023-2026"), national("2020-2023").set_index("criterion")
    at = open_criterion("1")
    for r in now.itertuples():
        pick(at, r.criterion)
        assert title(at).startswith(f"Criterion {r.criterion}: "), title(at)
        row = levels_row(at, "2023-2026")
        assert (row[FM], row[PM], row[NM], row["Plans"]) == (r.fully_met, r.partially_met, r.not_met, 30), r.criterion
        if r.criterion in before.index:
            b = before.loc[r.criterion]
            row = levels_row(at, "2020-2023")
            assert (row[FM], row[PM], row[NM]) == (b.fully_met, b.partially_met, b.not_met), r.criterion
    assert len(before) == 9


def sample_levels(criterion: str, name: str) -> dict[str, dict[str, str]]:
    """cycle -> partnership -> level, from the sample's Scores sheet (its "ID. Name" column)."""
    out: dict[str, dict[str, str]] = {}
    for row in sample_sheet("Scores"):
        out.setdefault(row["Cycle"], {})[row["Partnership"]] = row[f"{criterion}. {name}"]
    return out


def test_criterion_12_on_the_sample_every_partnership_and_its_move(media):
    at = open_criterion("12")
    assert title(at) == "Criterion 12: Resources, 2023-2026"
    crit = {str(c["ID"]): c for c in sample_sheet("Criteria")}["12"]
    md = texts(at.main.markdown)
    assert f"Question: {crit['Question']}" in md
    levels = sample_levels("12", "Resources")
    now, before = levels["2023-2026"], levels["2020-2023"]
    up = sum(RANK[now[p]] < RANK[before[p]] for p in now)
    down = sum(RANK[now[p]] > RANK[before[p]] for p in now)
    same = len(now) - up - down
    sentence = (f"{list(now.values()).count(FM)} of 30 plans fully met Resources in 2023-2026; since 2020-2023, "
                f"{up} moved up, {same} stayed at the same level and {down} moved down.")
    assert sentence in md, md
    assert up and down and same
    table = table_with(at, "Partnership", "Change")
    assert list(table.columns) == ["Partnership", "Peer group", "Level 2023-2026", "Score 2023-2026",
                                   "Level 2020-2023", "Score 2020-2023", "Change"]
    assert sorted(table["Partnership"]) == sorted(now)
    for r in table.itertuples(index=False):
        assert r[2] == now[r.Partnership] and r[4] == before[r.Partnership], r.Partnership
        assert r[3] == 2 - RANK[now[r.Partnership]]  # the sample's scale: 2 fully met, 1 partly, 0 not met
        word = {-1: "Moved up", 0: "Same level", 1: "Moved down"}[
            (RANK[now[r.Partnership]] > RANK[before[r.Partnership]]) - (RANK[now[r.Partnership]] < RANK[before[r.Partnership]])]
        assert r.Change == word, r.Partnership
    # grouped by peer group
    groups = {p["Partnership"]: p["Peer group"] for p in sample_sheet("Partnerships")}
    assert table["Peer group"].tolist() == [groups[p] for p in table["Partnership"]]
    assert table["Peer group"].tolist() == sorted(table["Peer group"])
    # filtered to one peer group: the table, the sentence and the chart follow
    at.main.selectbox(key="criterion_group").set_value("Islands").run()
    islands = [p for p, g in groups.items() if g == "Islands"]
    table = table_with(at, "Partnership", "Change")
    assert sorted(table["Partnership"]) == sorted(islands)
    k = sum(now[p] == FM for p in islands)
    assert any(m.startswith(f"{k} of {len(islands)} plans in peer group Islands fully met Resources in 2023-2026")
               for m in texts(at.main.markdown))


def test_the_previous_cycle_and_a_link_with_another_criterion():
    at = open_app()
    choose(at, "cycle", "2020-2023")
    open_criterion("5", at)
    assert title(at) == "Criterion 5: Manageable/Measurable Priorities, 2020-2023"
    assert at.session_state["criterion"] == "5"
    # 2017-2020 has no scores: every plan is new, and the page says there is nothing to compare with
    assert any(m.endswith("there is no earlier cycle with scores to compare with.") for m in texts(at.main.markdown))
    assert "Change" not in table_with(at, "Partnership", "Level 2020-2023").columns
    # a cycle with nothing for this page: the note, with the picker still there
    choose(at, "cycle", "2017-2020")
    assert "There is nothing to show here for 2017-2020." in " ".join(texts(at.info))
    assert at.main.selectbox(key="criterion_pick").value == "5"


# ====================================================================== another scale, published-only cycle

GOOD = [(2, "Good", "yes"), (1, "Fair", "partly"), (0, "Poor", "no")]
AREAS = ["Ash", "Birch", "Cedar", "Elm", "Fir", "Oak"]
NOW = {"Ash": "Good", "Birch": "Good", "Cedar": "Fair", "Elm": "Poor", "Fir": None, "Oak": "Fair"}
BEFORE = {"Ash": "Fair", "Birch": "Good", "Cedar": "Good", "Elm": "Poor", "Fir": "Poor"}  # Oak: no 2020-2023 plan


def other_scale_sheets() -> dict:
    sheets = make_sheets(partnerships=AREAS, criteria=["A", "B"], cycles=["2017-2020", "2020-2023", "2023-2026"],
                         scale=GOOD, scores={**{(p, "2023-2026"): [v, "Good"] for p, v in NOW.items()},
                                             **{(p, "2020-2023"): [v, "Fair"] for p, v in BEFORE.items()}},
                         national=[["2017-2020", "A", 1, 2, 3, "The 2019 report"]])
    # 2017-2020 is known only from its published figures; Oak had no plan in 2020-2023
    sheets["Scores"] = [r for r in sheets["Scores"] if r[1] != "2017-2020" and (r[0], r[1]) != ("Oak", "2020-2023")]
    sheets["Submissions"] = [r for r in sheets["Submissions"] if (r[0], r[1]) != ("Oak", "2020-2023")]
    sheets["Criteria"][0].append("Fully met when")
    sheets["Criteria"][1].append("Plans set out **how** they <b>do</b> it: https://example.org :smile:")
    sheets["Criteria"][2].append(None)
    return sheets


def test_another_scale_and_a_cycle_known_only_from_published_figures(monkeypatch, tmp_path):
    use_workbook(monkeypatch, tmp_path, other_scale_sheets())
    at = open_criterion("A")
    assert title(at) == "Criterion A: Criterion A, 2023-2026"
    md = texts(at.main.markdown)
    # the Fully met when text, shown exactly as written, under the scale's own best level
    assert "Good when: Plans set out **how** they <b>do</b> it: https://example.org :smile:" in md
    assert not [m for m in md if "fully met" in m.lower()], md
    table = table_with(at, "Cycle", "Plans", "From")
    assert table["Cycle"].tolist() == ["2017-2020", "2020-2023", "2023-2026"]
    assert table[["Good", "Fair", "Poor", "Not assessed"]].values.tolist() == [[1, 2, 3, 0], [2, 1, 2, 0],
                                                                             [2, 2, 1, 1]]
    assert table["Plans"].tolist() == [6, 5, 6]
    assert table["From"].tolist() == ["Published national figures", "Per-partnership scores", "Per-partnership scores"]
    moves = table_with(at, "Partnership", "Change").set_index("Partnership")
    assert moves["Change"].to_dict() == {"Ash": "Moved up", "Birch": "Same level", "Cedar": "Moved down",
                                         "Elm": "Same level", "Fir": "Not assessed", "Oak": "New (no earlier level)"}
    assert moves.loc["Fir", "Level 2023-2026"] == "Not assessed" and pd.isna(moves.loc["Fir", "Score 2023-2026"])
    assert ("2 of 6 plans were rated Good on Criterion A in 2023-2026; since 2020-2023, 1 moved up, 2 stayed at the "
            "same level, 1 moved down, 1 had no level in 2020-2023 and 1 was not assessed.") in md
    assert ("2 of 6 plans were rated Good on Criterion A in 2023-2026, against 2 of 5 in 2020-2023 and 1 of 6 in "
            "2017-2020 (published).") in md
    # criterion B has no published figure for 2017-2020: the sentence says so, the table leaves it out
    pick(at, "B")
    assert table_with(at, "Cycle", "Plans", "From")["Cycle"].tolist() == ["2020-2023", "2023-2026"]
    assert any(m.endswith("the published figures for 2017-2020 do not include it.") for m in texts(at.main.markdown))
    assert "The workbook does not say what a plan that fully meets this criterion shows" in " ".join(texts(at.caption))
    # the published-only cycle: no partnerships to list, the counts still shown
    choose(at, "cycle", "2017-2020")
    pick(at, "A")
    assert "There are no per-partnership scores for 2017-2020" in " ".join(texts(at.caption))
    assert table_with(at, "Cycle", "Plans", "From")["Cycle"].tolist() == ["2017-2020", "2020-2023", "2023-2026"]


def test_the_fully_met_when_column_is_read_and_optional():
    review = read_workbook(workbook_bytes(other_scale_sheets()))
    assert review.ok, review.errors
    assert review.criteria["fully_met_when"].tolist() == [
        "Plans set out **how** they <b>do</b> it: https://example.org :smile:", ""]
    plain = make_review()
    assert plain.ok and plain.criteria["fully_met_when"].tolist() == ["", "", ""]


# ====================================================================== hidden names

def test_hidden_names_leave_no_other_name_on_the_criterion_page(monkeypatch, tmp_path):
    sheets = crafted_sheets()  # criterion 2 is "Links with Orkney"; peer groups Big (6) and Cities (2)
    use_workbook(monkeypatch, tmp_path, sheets)
    review = make_review(sheets)
    others = names_and_aliases(review, "Fife")
    at = open_app()
    choose(at, "partnership", "Fife")
    open_criterion("2", at)
    assert find_names(page_strings(at), ["Orkney"])  # shown while names are not hidden
    hide_names(at)
    assert not at.exception
    strings = page_strings(at)
    assert find_names(strings, others) == [], find_names(strings, others)
    table = table_with(at, "Partnership", "Change")
    assert "Fife" in table["Partnership"].tolist()
    assert sorted(p for p in table["Partnership"] if p != "Fife") == [f"Partnership {c}" for c in "ABCDEFG"]
    # the small group (Cities) is withheld: not offered as a filter, not shown beside a label
    assert at.main.selectbox(key="criterion_group").options == ["Big"]
    assert "Cities" not in table["Peer group"].tolist()
    # the search offers no partnership while names are hidden, and the criteria as the hidden review names them
    options = at.sidebar.selectbox(key="go_to").options
    assert not [o for o in options if o.startswith("Partnership:")]
    assert "Criterion 2: Links with Orkney" not in options and len(options) == 3


# ====================================================================== search by name

def test_go_to_opens_a_criterion_or_a_partnership_keeping_the_cycle():
    at = open_app()
    choose(at, "cycle", "2020-2023")
    options = at.sidebar.selectbox(key="go_to").options
    names = [p["Partnership"] for p in sample_sheet("Partnerships")]
    crits = [f"Criterion {c['ID']}: {c['Name']}" for c in sample_sheet("Criteria")]
    assert options == [f"Partnership: {n}" for n in names] + crits
    at.sidebar.selectbox(key="go_to").select("Criterion 12: Resources").run()
    assert not at.exception
    assert title(at) == "Criterion 12: Resources, 2020-2023"
    assert at.sidebar.selectbox(key="go_to").value is None  # ready for the next search
    at.sidebar.selectbox(key="go_to").select("Partnership: Fife").run()
    assert title(at) == "Fife, 2020-2023" and at.session_state["partnership"] == "Fife"
    # from another page to another criterion: the criterion page opens on it
    at.sidebar.selectbox(key="go_to").select("Criterion 6a: Children's Services").run()
    assert title(at) == "Criterion 6a: Children's Services, 2020-2023"
    assert at.sidebar.selectbox(key="partnership").value == "Fife"


def copy_link_query(at) -> str:
    """The query the sidebar's "Copy link to this view" copies."""
    import json

    found = [c for c in at.get("bidi_component") if c.proto.component_name == "csp_copy_link"]
    return json.loads(found[0].proto.json)["query"]


def test_the_address_and_copy_link_carry_the_criterion():
    at = open_criterion("12")
    assert at.query_params["criterion"] in ("12", ["12"])
    at.main.selectbox(key="criterion_pick").set_value("5").run()
    assert at.query_params["criterion"] in ("5", ["5"]) and title(at).startswith("Criterion 5: ")
    # away and back by the page links (which drop the page's own query): the criterion is kept, and
    # put back into the address
    go(at, "views/overview.py")
    del at.query_params["criterion"]
    go(at, "views/criterion.py")
    assert title(at).startswith("Criterion 5: ")
    assert at.query_params["criterion"] in ("5", ["5"])
    at.run()  # the sidebar's link is made before the page runs: the next run's carries the page's choice
    assert "criterion=5" in copy_link_query(at)
    # a peer group in the address filters the page, and the link carries it
    at = open_app()
    at.query_params.update({"criterion": "12", "criterion_group": "Islands"})
    go(at, "views/criterion.py")
    assert sorted(table_with(at, "Partnership", "Change")["Peer group"].unique()) == ["Islands"]
    at.run()
    assert "criterion_group=Islands" in copy_link_query(at)
    # an ID written another way, or one the workbook does not have
    assert title(open_criterion("12.")).startswith("Criterion 12: ")
    assert title(open_criterion("99")).startswith("Criterion 1: ")


def test_the_charts_pass_plotlys_checks_and_their_hover_names_each_mark():
    """Built from plain dicts (charts.style.figure): plotly's own checks must accept them; every marker's
    hover names its partnership, every bar's its cycle, level and count."""
    import plotly.graph_objects as go

    from analysis import criterion as ac
    from charts import criterion as cc

    review = read_workbook(workbook_bytes(other_scale_sheets()))
    moves = ac.chart_frame(ac.moves(review, "2023-2026", "A"))
    fig = cc.moves_chart(moves, review.labels)
    assert go.Figure(fig.to_dict()).to_dict()["data"] == fig.to_dict()["data"]
    hovers = [t for trace in fig.to_dict()["data"] if trace.get("mode") == "markers" for t in trace["text"]]
    assert "<b>Ash</b><br>2023-2026: Good (moved up)" in hovers and "<b>Ash</b><br>2020-2023: Fair" in hovers
    assert all(re.match(r"<b>(.+?)</b><br>", h)[1] in AREAS for h in hovers)
    bars = cc.levels_bar(ac.levels_by_cycle(review, "A"), review.labels, ac.PUBLISHED).to_dict()
    go.Figure(bars)
    good = next(t for t in bars["data"] if t["name"] == "Good")
    assert good["y"] == ["2017-2020 (published)", "2020-2023", "2023-2026"] and good["x"] == [1, 2, 2]
    assert "Good: %{customdata[1]} of %{customdata[3]} plans" in good["hovertemplate"]
    assert good["customdata"][0][:2] == ["2017-2020", 1]
