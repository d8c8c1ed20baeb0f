"""Partnership page and 2019-themes analysis, charts and the downloadable report (hiding names:
tests/test_names.py).

Every test states its own data through tests/builders.py."""
from __future__ import annotations

import datetime as dt
import json
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))

import pandas as pd
import pytest

from builders import make_review, make_sheets
from analysis import peers as P
from analysis import themes as T
from charts import peers as C
import report

F, PM, N = "Fully met", "Partially met", "Not met"
NAMES = ["Fife", "Tayside", "Glasgow City", "Highland", "Moray"]
CRITERIA = ["1", "2", "3", "4"]
GROUPS = {"Fife": "East", "Tayside": "East", "Glasgow City": "West", "Highland": "North", "Moray": "North"}
NOW, BEFORE = "2023-2026", "2020-2023"
SCORES = {
    ("Fife", NOW): [F, PM, N, PM],
    ("Tayside", NOW): [F, F, PM, F],
    ("Glasgow City", NOW): [PM, F, N, F],
    ("Highland", NOW): [N, F, F, F],
    ("Moray", NOW): [F, PM, None, N],
    ("Fife", BEFORE): [PM, PM, PM, None],
    ("Tayside", BEFORE): [F, F, F, F],
    ("Glasgow City", BEFORE): [F, F, F, F],
    ("Highland", BEFORE): [F, F, F, F],
    ("Moray", BEFORE): [F, F, F, F],
}


def crafted_sheets(peer_groups=GROUPS, scores=SCORES, **kwargs):
    sheets = make_sheets(partnerships=NAMES, criteria=CRITERIA, scores=scores, peer_groups=peer_groups, **kwargs)
    aliases = {"Glasgow City": "Glasgow", "Tayside": "Perth & Kinross; Dundee"}
    for row in sheets["Partnerships"][1:]:
        row[4] = aliases.get(row[0], "")
    return sheets


@pytest.fixture(scope="module")
def review():
    r = make_review(crafted_sheets())
    assert r.ok, r.errors
    return r


def _ids(frame):
    return frame["criterion"].tolist()


# ---------------------------------------------------------------------------------------------
# standing
# ---------------------------------------------------------------------------------------------

def test_standing_counts(review):
    st = P.standing(review, NOW, "Fife").set_index("criterion")
    assert list(st.index) == CRITERIA
    assert st.loc["1", [F, PM, N, "Not assessed"]].tolist() == [3, 1, 1, 0]
    assert st.loc["1", ["label", "higher", "same", "lower"]].tolist() == [F, 0, 2, 2]
    assert st.loc["1", "plans"] == 5 and st.loc["1", "full_share"] == pytest.approx(0.6)
    assert st.loc["2", ["label", "higher", "same", "lower"]].tolist() == [PM, 3, 1, 0]
    # criterion 3: Moray's blank is not a plan assessed
    assert st.loc["3", [F, PM, N, "Not assessed", "plans"]].tolist() == [1, 1, 2, 1, 4]
    assert st.loc["3", ["higher", "same", "lower"]].tolist() == [2, 1, 0]
    assert st.loc["3", "full_share"] == pytest.approx(0.25)
    assert set(st["source"]) == {"scores"}
    # peer group East = Fife and Tayside
    assert (st["peer_group"] == "East").all()
    assert st["peer_plans"].tolist() == [2, 2, 2, 2]
    assert st.loc["1", ["peer_full_count", "peer_higher", "peer_same", "peer_lower"]].tolist() == [2, 0, 1, 0]
    assert st.loc["2", ["peer_full_count", "peer_higher", "peer_same", "peer_lower"]].tolist() == [1, 1, 0, 0]
    assert st["peer_full_share"].tolist() == pytest.approx([1.0, 0.5, 0.0, 0.5])


def test_standing_own_blank_score(review):
    st = P.standing(review, NOW, "Moray").set_index("criterion")
    assert st.loc["3", "label"] == "Not assessed"
    assert pd.isna(st.loc["3", "score"]) and pd.isna(st.loc["3", "higher"]) and pd.isna(st.loc["3", "level_rank"])
    assert st.loc["1", ["higher", "same", "lower"]].tolist() == [0, 2, 2]


def test_partnership_with_all_scores_blank():
    scores = dict(SCORES)
    scores[("Moray", NOW)] = [None] * 4
    r = make_review(crafted_sheets(scores=scores))
    assert r.ok, r.errors
    st = P.standing(r, NOW, "Moray")
    assert (st["label"] == "Not assessed").all()
    assert st["higher"].isna().all() and st["peer_higher"].isna().all()
    assert st["plans"].tolist() == [4, 4, 4, 4]  # the other four plans still count
    strengths, priorities = P.strengths_priorities(r, NOW, "Moray")
    assert strengths.empty and priorities.empty
    assert P.headline(r, NOW, "Moray") == "Moray has no assessed criteria in 2023-2026."
    ch = P.change(r, NOW, "Moray")
    assert (ch["direction"] == "not assessed").all()
    # and the charts and report still draw
    C.spine(st, r.labels, "Moray").to_json()
    C.change_chart(ch, r.labels, "Moray").to_json()
    assert "Not assessed" in report.partnership_report_html(r, NOW, "Moray", False, "test")


def test_standing_without_peer_groups():
    r = make_review(crafted_sheets(peer_groups={p: "" for p in NAMES}))
    assert r.ok, r.errors
    assert (r.partnerships["peer_group"] == "").all()
    st = P.standing(r, NOW, "Fife")
    assert (st["peer_group"] == "").all()
    assert st["peer_plans"].isna().all() and st["peer_full_share"].isna().all()
    fig = C.spine(st, r.labels, "Fife")
    assert not any("Peer group" in (t.name or "") for t in fig.data)
    doc = report.partnership_report_html(r, NOW, "Fife", False, "test")
    assert "peer group</th>" not in doc and "Peer group:" not in doc


# ---------------------------------------------------------------------------------------------
# change, strengths and priorities, submission, ranks
# ---------------------------------------------------------------------------------------------

def test_change_directions(review):
    ch = P.change(review, NOW, "Fife")
    assert ch["previous_cycle"].unique().tolist() == [BEFORE]
    assert ch["previous_label"].tolist() == [PM, PM, PM, "Not assessed"]
    assert ch["label"].tolist() == [F, PM, N, PM]
    assert ch["direction"].tolist() == ["up", "same", "down", "new"]
    assert P.change(review, NOW, "Moray").set_index("criterion").loc["3", "direction"] == "not assessed"
    assert P.change_sentence(ch, "Fife") == ("Since 2020-2023, Fife moved up on 1 criterion, stayed the same on 1 "
                                             "and moved down on 1; 1 criterion had no earlier level.")
    # the first cycle has nothing before it
    first = P.change(review, BEFORE, "Fife")
    assert (first["previous_cycle"] == "").all()
    assert first["direction"].tolist() == ["new", "new", "new", "not assessed"]
    assert "no earlier cycle" in P.change_sentence(first, "Fife")


def test_strengths_and_priorities(review):
    s, p = P.strengths_priorities(review, NOW, "Fife")
    assert s.empty
    assert _ids(p) == ["2", "4"]  # 3 of 5 plans fully met each; criterion 3 (1 of 4) is not a priority
    assert list(p.columns) == ["criterion", "name", "label", "full_count", "plans", "full_share"]
    s, p = P.strengths_priorities(review, NOW, "Highland")
    assert _ids(s) == ["3"]  # fully met by 1 of 4 plans
    assert _ids(p) == ["1"]  # not met, while 3 of 5 fully met
    assert P.headline(review, NOW, "Highland") == (
        "Highland fully met 3 of 4 criteria in 2023-2026; 1 is a strength that fewer than half of plans "
        "fully met, and 1 is a priority that more than half of plans fully met.")
    assert P.headline(review, NOW, "Fife", name="Fife") == (
        "Fife fully met 1 of 4 criteria in 2023-2026; 2 are priorities that more than half of plans fully met.")


def test_exactly_half_is_neither_strength_nor_priority():
    scores = {(p, NOW): [F if i < 2 else N] for i, p in enumerate(["A1", "A2", "A3", "A4"])}
    r = make_review(partnerships=["A1", "A2", "A3", "A4"], criteria=["1"], cycles=[NOW], scores=scores)
    for p in ["A1", "A3"]:
        s, pr = P.strengths_priorities(r, NOW, p)
        assert s.empty and pr.empty


def test_submission_position():
    sheets = crafted_sheets(submitted={
        ("Fife", BEFORE): dt.date(2021, 3, 12), ("Tayside", BEFORE): dt.date(2021, 5, 1),
        ("Glasgow City", BEFORE): dt.date(2021, 10, 31), ("Highland", BEFORE): None,
        ("Moray", BEFORE): dt.date(2021, 2, 1)})
    for row in sheets["Cycles"][1:]:
        if row[0] == BEFORE:
            row[2] = dt.date(2021, 3, 31)
    for row in sheets["Submissions"][1:]:
        if row[:2] == ["Fife", BEFORE]:
            row[3] = "yes"
        if row[:2] == ["Highland", BEFORE]:
            row[4] = dt.date(2020, 6, 30)
    r = make_review(sheets)
    assert r.ok, r.errors
    pos = P.submission_position(r, BEFORE, "Fife")
    assert pos["deadline"] == pd.Timestamp("2021-03-31") and pos["due_date"] == pd.Timestamp("2020-04-01")
    assert pos["days_vs_deadline"] == -19 and pos["days_early"] == 19 and pos["days_late"] == 0
    assert pos["median_submitted"] == pd.Timestamp("2021-04-06")  # between 12 March and 1 May
    assert pos["days_vs_median"] == -25
    assert pos["received"] == 4 and pos["plans"] == 5 and pos["received_before"] == 1
    assert pos["draft"] is True and pos["status"] == "on time"
    assert P.submission_sentence(pos, "Fife") == (
        "Fife's plan was received on 12 March 2021 in draft, 19 days before the deadline of 31 March 2021 "
        "(extended from 1 April 2020); half of the 4 plans received had arrived by 6 April 2021.")
    late = P.submission_position(r, BEFORE, "Tayside")
    assert late["status"] == "late" and late["days_late"] == 31 and late["days_early"] == 0
    missing = P.submission_position(r, BEFORE, "Highland")
    assert missing["status"] == "not yet received" and missing["days_vs_deadline"] is None
    assert "interim statement was published on 30 June 2020" in P.submission_sentence(missing, "Highland")


def test_ranks_ties_share_a_rank(review):
    rk = P.ranks(review, NOW)
    assert list(rk.columns) == ["rank", "partnership", "peer_group", "fully_met", "assessed", "tied"]
    got = dict(zip(rk["partnership"], zip(rk["rank"], rk["fully_met"])))
    assert got == {"Tayside": (1, 3), "Highland": (1, 3), "Glasgow City": (3, 2), "Fife": (4, 1), "Moray": (4, 1)}
    assert rk.set_index("partnership").loc["Glasgow City", "tied"] == False  # noqa: E712
    assert P.ranks_sentence(rk, "Fife") == "Fife shares rank 4 of 5 with 1 other partnership (1 of 4 criteria at the best level)."


# ---------------------------------------------------------------------------------------------
# hiding names
# ---------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# 2019 themes
# ---------------------------------------------------------------------------------------------

THEMES = [
    ["Views", "The majority reflected children's views", "majority", "1"],
    ["Governance", "All plans presented governance", "all", "2"],
    ["Edge of care", "Only 3 referred to support for families", "3", "3"],
    ["Disability", "Mentioned in most plans", "most", ""],
    ["Related services", "More was needed", "", "4"],
    ["Third Sector", "Some plans integrated the Third Sector", "some", "2"],
]


def themes_review(**kwargs):
    cycles = ["2017-2020", BEFORE, NOW]
    scores = {(p, BEFORE): [None] * 4 for p in NAMES}  # 2020-2023: published figures only
    scores.update({k: v for k, v in SCORES.items() if k[1] == NOW})
    return make_review(partnerships=NAMES, criteria=CRITERIA, cycles=cycles, scores=scores,
                       themes=THEMES, national=[[BEFORE, "1", 2, 2, 1, "2020-2023 review"],
                                                [BEFORE, "2", 4, 1, 0, "2020-2023 review"]], **kwargs)


def test_theme_rows():
    r = themes_review()
    assert r.ok, r.errors
    assert T.theme_cycles(r) == [BEFORE, NOW]
    tr = T.theme_rows(r).set_index("theme")
    assert list(tr.index) == [t[0] for t in THEMES]
    assert tr["extent_meaning"].tolist() == ["more than half of plans", "all plans", "3 plans",
                                             "more than half of plans", "not stated", "some plans"]
    assert tr.loc["Edge of care", "extent_count"] == 3
    assert tr.loc["Views", ["extent_low", "extent_high"]].tolist() == [2.5, 5.0]
    assert tr.loc["Governance", ["extent_low", "extent_high"]].tolist() == [5.0, 5.0]
    assert tr.loc["Edge of care", ["extent_low", "extent_high"]].tolist() == [3.0, 3.0]
    assert tr.loc[["Related services", "Third Sector"], "extent_low"].isna().all()
    # a theme without criterion is still listed, with no figures
    assert tr.loc["Disability", "criterion"] == "" and tr.loc["Disability", "criterion_name"] == ""
    assert pd.isna(tr.loc["Disability", "2023-2026 fully met"])
    # 2020-2023 from the published figures, 2023-2026 from the scores
    assert tr.loc["Views", ["2020-2023 fully met", "2020-2023 plans", "2020-2023 source"]].tolist() == [2, 5, "published"]
    assert tr.loc["Governance", ["2020-2023 fully met", "2020-2023 plans"]].tolist() == [4, 5]
    assert pd.isna(tr.loc["Edge of care", "2020-2023 fully met"])  # nothing published for criterion 3
    assert tr.loc["Views", ["2023-2026 fully met", "2023-2026 plans", "2023-2026 source"]].tolist() == [3, 5, "scores"]
    assert tr.loc["Edge of care", ["2023-2026 fully met", "2023-2026 plans"]].tolist() == [1, 4]
    assert tr.loc["Views", "2023-2026 share"] == pytest.approx(0.6)
    assert tr.loc["Views", "criterion_name"] == "Criterion 1"
    assert T.themes_sentence(T.theme_rows(r), T.theme_cycles(r)) == (
        "5 of 6 themes from the 2019 review follow a criterion into later cycles. In 2023-2026, those "
        "criteria were fully met by between 1 and 3 of 5 plans.")
    row = T.theme_rows(r).iloc[0]
    assert T.theme_sentence(row, T.theme_cycles(r)) == (
        "2019: Views: more than half of plans (the review said 'majority'). Criterion 1 (Criterion 1) was "
        "fully met by 2 of 5 plans in 2020-2023; 3 of 5 plans in 2023-2026.")


def test_theme_rows_without_themes_sheet():
    r = make_review(partnerships=NAMES, criteria=CRITERIA, scores=SCORES)
    tr = T.theme_rows(r)
    assert tr.empty
    assert list(tr.columns)[:10] == T.THEME_FIXED
    assert "2023-2026 fully met" in tr.columns
    assert T.themes_sentence(tr, T.theme_cycles(r)) == "The workbook has no themes from the 2019 review."
    fig = C.themes_chart(tr, T.theme_cycles(r))
    assert "No 2019 themes" in fig.to_json()


def test_themes_chart_draws_only_what_2019_said():
    r = themes_review()
    tr, cycles = T.theme_rows(r), T.theme_cycles(r)
    fig = C.themes_chart(tr, cycles)
    traces = {t.name: t for t in fig.data if t.name}
    band = traces["2019: more than half of plans (range)"]
    assert list(band.base) == [2.5] and list(band.x) == [2.5]  # Views only: Disability has no criterion
    stars = traces["2019: as the review said it"]
    assert sorted(stars.x) == [3.0, 5.0]  # 'all' at all plans, '3' at 3; 'some' and blank: no marker
    assert stars.marker.symbol == "star"
    assert list(traces["2023-2026: plans fully met"].x) == [3, 3, 1, 3, 3]
    assert traces["2020-2023: plans fully met"].marker.symbol != traces["2023-2026: plans fully met"].marker.symbol
    words = next(t for t in fig.data if getattr(t, "mode", None) == "text").text
    assert words[4].startswith("2019: some plans")
    assert words[3].startswith("2019: not stated")
    assert len(fig.layout.yaxis.ticktext) == 5


# ---------------------------------------------------------------------------------------------
# charts
# ---------------------------------------------------------------------------------------------

def test_spine_chart(review):
    st = P.standing(review, NOW, "Fife")
    fig = C.spine(st, review.labels, "Fife")
    bars = [t for t in fig.data if t.type == "bar"]
    assert [b.name for b in bars] == review.labels
    assert list(bars[0].x) == pytest.approx([60, 60, 25, 60])           # best level to the right
    assert list(bars[2].x) == pytest.approx([-20, 0, -50, -20])         # others to the left
    assert [b.marker.pattern.shape for b in bars] == ["", "/", "x"]     # not by colour alone
    own = next(t for t in fig.data if t.name == "Fife (its level)")
    assert own.marker.symbol == "diamond"
    assert own.x[0] == pytest.approx(30) and own.x[1] == pytest.approx(-20)  # centre of its segment
    words = next(t for t in fig.data if getattr(t, "mode", None) == "text").text
    assert words[0].startswith("◆ Fife: Fully met") and "peers: 100% Fully met" in words[0]
    peer = next(t for t in fig.data if (t.name or "").startswith("Peer group"))
    assert peer.marker.symbol == "triangle-down" and list(peer.x) == pytest.approx([100, 50, 0, 50])
    assert fig.layout.title.text is None
    assert list(fig.layout.yaxis.ticktext)[0] == "1. Criterion 1"


def test_change_chart(review):
    fig = C.change_chart(P.change(review, NOW, "Fife"), review.labels, "Fife")
    by_name = {t.name: t for t in fig.data if t.name}
    assert by_name["2023-2026: moved up"].marker.symbol == "triangle-right"
    assert by_name["2023-2026: moved down"].marker.symbol == "triangle-left"
    assert by_name["2020-2023 (before)"].marker.symbol == "circle-open"
    assert list(by_name["2023-2026: moved up"].y) == [0]
    words = next(t for t in fig.data if getattr(t, "mode", None) == "text").text
    assert words[0] == "▶ up: Partially met → Fully met"
    assert words[2] == "◀ down: Partially met → Not met"
    assert list(fig.layout.xaxis.ticktext) == ["Not<br>assessed", "Not met", "Partially<br>met", "Fully met"]


def test_four_level_scale():
    scale = [(3, "Excellent", "yes"), (2, "Good", "yes"), (1, "Adequate", "partly"), (0, "Weak", "no")]
    E, G, A, W = (s[1] for s in scale)
    scores = {("North", NOW): [E, G, A], ("South", NOW): [G, G, W], ("East", NOW): [W, E, A],
              ("West", NOW): [E, A, None], ("North", BEFORE): [G, G, E]}
    r = make_review(scale=scale, scores=scores)
    assert r.ok, r.errors
    assert r.labels == [E, G, A, W]
    st = P.standing(r, NOW, "North").set_index("criterion")
    assert st.loc["1", [E, G, A, W]].tolist() == [2, 1, 0, 1]
    assert st.loc["2", ["label", "higher", "same", "lower"]].tolist() == [G, 1, 1, 1]
    s, p = P.strengths_priorities(r, NOW, "North")
    assert _ids(s) == [] and _ids(p) == []
    s, p = P.strengths_priorities(r, NOW, "East")
    assert _ids(s) == ["2"] and _ids(p) == []
    assert P.headline(r, NOW, "North").startswith("North was rated Excellent on 1 of 3 criteria in 2023-2026")
    assert P.change(r, NOW, "North")["direction"].tolist() == ["up", "same", "down"]
    fig = C.spine(P.standing(r, NOW, "North"), r.labels, "North")
    assert [t.name for t in fig.data if t.type == "bar"] == [E, G, A, W]
    fig = C.change_chart(P.change(r, NOW, "North"), r.labels)
    assert list(fig.layout.xaxis.ticktext)[-4:] == ["Weak", "Adequate", "Good", "Excellent"]
    doc = report.partnership_report_html(r, NOW, "North", False, "four levels")
    assert "Excellent" in doc and "Weak" in doc


# ---------------------------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------------------------

def test_report_content(review):
    doc = report.partnership_report_html(review, NOW, "Fife", hide_names=False,
                                         provenance="Illustrative sample, not real scores")
    assert doc.startswith("<!DOCTYPE html>") and doc.rstrip().endswith("</html>")
    assert len(doc.encode()) < 300_000
    for heading in ("Each criterion", "Strengths and priorities", "Submission", "Change since the previous cycle",
                    "Sources of the national figures", "Definitions"):
        assert f"<h2>{heading}</h2>" in doc
    assert "Illustrative sample, not real scores" in doc
    assert "@media print" in doc and "size: A4" in doc
    assert not re.search(r"""(?:src|href)=["']https?://""", doc) and "<script" not in doc  # nothing external
    assert "Fife fully met 1 of 4 criteria in 2023-2026; 2 are priorities" in doc
    assert "60%" in doc and "3 of 5" in doc                     # national share, criterion 1
    assert "100%" in doc and "2 of 2" in doc                    # peer share, criterion 1
    assert "computed from the per-partnership scores" in doc
    assert "▲ moved up" in doc and "▼ moved down" in doc


def test_report_escapes_workbook_text():
    sheets = crafted_sheets()
    sheets["Criteria"][1][1] = "<script>alert(1)</script> & more"
    r = make_review(sheets)
    doc = report.partnership_report_html(r, NOW, "Fife", False, "<i>v1</i>")
    assert "<script>" not in doc and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in doc
    assert "&lt;i&gt;v1&lt;/i&gt;" in doc


def test_standing_falls_back_to_published_figures():
    r = themes_review()  # 2020-2023 has blank scores and published figures for criteria 1 and 2
    st = P.standing(r, BEFORE, "Fife").set_index("criterion")
    assert st.loc["1", [F, PM, N, "plans", "full_count", "source"]].tolist() == [2, 2, 1, 5, 2, "published"]
    assert st.loc["3", ["plans", "source"]].tolist() == [0, ""] and pd.isna(st.loc["3", "full_share"])
    assert (st["label"] == "Not assessed").all() and st["peer_plans"].isna().all()
    C.spine(st.reset_index(), r.labels, "Fife").to_json()
    doc = report.partnership_report_html(r, BEFORE, "Fife", False, "")
    assert "Published figures (used for criteria without scores), criteria 1, 2: 2020-2023 review" in doc


def test_charts_built_from_dicts_pass_plotlys_own_checks(review):
    """The spine and change charts are built from plain dicts without plotly's property checks
    (charts.style.figure, for speed). Built again through those checks they must come out the same:
    a misspelt property or a wrong value raises here, and nothing is coerced differently."""
    import plotly.graph_objects as go
    import plotly.io as pio

    from loaders import read_workbook

    sample_path = pathlib.Path(__file__).parents[1] / "data" / "sample-review.xlsx"
    sample = read_workbook(sample_path.read_bytes(), trusted=True)
    figures = [C._empty("Nothing to show.")]
    for r, who, group in ((review, ["Fife", "Highland"], "West"),
                          (sample, ["Fife", "Highland", "Orkney Islands"], "Islands")):
        for cycle in r.cycles["cycle"]:
            for me in who:
                figures.append(C.spine.__wrapped__(P.standing(r, cycle, me), r.labels, me))
                figures.append(C.spine.__wrapped__(P.standing(r, cycle, me, group), r.labels, me))
                figures.append(C.change_chart.__wrapped__(P.change(r, cycle, me), r.labels, me))
                figures.append(C.change_chart.__wrapped__(P.change(r, cycle, me), r.labels))
    assert len(figures) > 40
    for fig in figures:
        checked = go.Figure(fig.to_dict())              # raises on anything plotly would refuse
        assert json.loads(pio.to_json(checked)) == json.loads(pio.to_json(fig, validate=False))
