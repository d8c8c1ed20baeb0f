"""National pages (Overview, Criteria coverage, Submission timeline): analysis and charts.

Every test states its own data through tests/builders.py; the last few check the shipped sample
against the published figures."""
from __future__ import annotations

import csv
import datetime as dt
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
sys.path.insert(0, str(pathlib.Path(__file__).parents[1]))

import pandas as pd
import plotly.graph_objects as go
import pytest

from builders import make_review, make_sheets
from analysis import national as N
from charts import national as C
from charts.style import level_colours
from loaders import read_workbook
from loaders.model import NOT_ASSESSED

REPO = pathlib.Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample-review.xlsx"
FIGURES_CSV = REPO.parent / "shared" / "reference" / "national-figures.csv"
F, P, X = "Fully met", "Partially met", "Not met"
LEVELS = [F, P, X]


def review_of(sheets):
    review = read_workbook(__import__("builders").workbook_bytes(sheets))
    assert review.ok, review.errors
    return review


def counts(cov, criterion):
    part = cov[cov["criterion"] == criterion]
    return dict(zip(part["label"], part["count"]))


# ---------------------------------------------------------------------------------------------
# small review: 4 partnerships, 3 criteria, two cycles

SCORES = {
    ("North", "2023-2026"): [F, F, X],
    ("South", "2023-2026"): [F, P, None],   # blank cell: not assessed
    ("East", "2023-2026"): [F, P, X],
    ("West", "2023-2026"): [P, X, F],
    ("North", "2020-2023"): [F, P, P],
    ("South", "2020-2023"): [P, P, P],
    ("East", "2020-2023"): [P, F, X],
    ("West", "2020-2023"): [X, X, X],
}


@pytest.fixture(scope="module")
def small():
    return make_review(scores=SCORES)


def test_cycles_and_default(small):
    assert N.cycles_with_scores(small) == ["2020-2023", "2023-2026"]
    assert N.default_cycle(small) == "2023-2026"
    assert N.previous_cycle(small, "2023-2026") == "2020-2023"
    assert N.previous_cycle(small, "2020-2023") is None


def test_default_cycle_falls_back_to_national_then_latest():
    sheets = make_sheets(cycles=["2020-2023"])
    sheets["Cycles"].append(["2023-2026", dt.date(2023, 4, 1), None, None])
    sheets["Cycles"].append(["2026-2029", dt.date(2026, 4, 1), None, None])
    # scores only in 2020-2023: that is the default, even though later cycles exist
    assert N.default_cycle(review_of(sheets)) == "2020-2023"
    sheets["Scores"] = sheets["Scores"][:1]
    sheets["Submissions"] = sheets["Submissions"][:1]
    sheets["National figures"] = [["Cycle", "Criterion", "Fully met", "Partially met", "Not met"],
                                  ["2023-2026", "1", 2, 1, 1]]
    assert N.default_cycle(review_of(sheets)) == "2023-2026"
    del sheets["National figures"]
    assert N.default_cycle(review_of(sheets)) == "2026-2029"


def test_coverage_counts_and_shares(small):
    cov = N.coverage(small, "2023-2026")
    assert list(cov.columns[:4]) == ["cycle", "criterion", "name", "order"]
    assert {"label", "count", "share", "source", "plans", "level"} <= set(cov.columns)
    assert set(cov["source"]) == {"scores"}
    assert counts(cov, "1") == {F: 3, P: 1, X: 0, NOT_ASSESSED: 0}
    assert counts(cov, "2") == {F: 1, P: 2, X: 1, NOT_ASSESSED: 0}
    assert counts(cov, "3") == {F: 1, P: 0, X: 2, NOT_ASSESSED: 1}
    # levels in scale order then Not assessed, for every criterion
    for _, part in cov.groupby("criterion"):
        assert part["label"].tolist() == LEVELS + [NOT_ASSESSED]
        assert part["count"].sum() == 4
        assert part["share"].sum() == pytest.approx(1.0)
    assert cov.loc[(cov["criterion"] == "1") & (cov["label"] == F), "share"].iloc[0] == pytest.approx(0.75)
    assert cov.drop_duplicates("criterion")["name"].tolist() == ["Criterion 1", "Criterion 2", "Criterion 3"]


def test_criterion_with_no_column_is_not_assessed():
    sheets = make_sheets(scores={("North", "2023-2026"): [F, F, F]})
    # drop criterion 2's column from Scores
    sheets["Scores"] = [row[:3] + row[4:] for row in sheets["Scores"]]
    review = review_of(sheets)
    cov = N.coverage(review, "2023-2026")
    assert counts(cov, "2") == {F: 0, P: 0, X: 0, NOT_ASSESSED: 4}
    frame = N.heatmap_frame(review, "2023-2026")
    assert set(frame.loc[frame["criterion"] == "2", "label"]) == {NOT_ASSESSED}
    assert frame.loc[frame["criterion"] == "2", "score"].isna().all()


def test_received_plan_without_scores_row_counts_as_not_assessed():
    sheets = make_sheets()
    sheets["Scores"] = [r for r in sheets["Scores"] if not (r[0] == "West" and r[1] == "2023-2026")]
    review = read_workbook(__import__("builders").workbook_bytes(sheets))
    cov = N.coverage(review, "2023-2026")
    assert cov["plans"].iloc[0] == 4
    assert all(counts(cov, c)[NOT_ASSESSED] == 1 for c in ["1", "2", "3"])


def test_criterion_order(small):
    cov = N.coverage(small, "2023-2026")
    assert N.criterion_order(cov) == ["1", "2", "3"]
    # fully met: 1 has 3, 2 and 3 have 1 each (tie kept in workbook order)
    assert N.criterion_order(cov, by="fully_met") == ["1", "2", "3"]
    cov2 = N.coverage(small, "2020-2023")  # fully met: 1 -> 1, 2 -> 1, 3 -> 0
    assert N.criterion_order(cov2, by="fully_met") == ["1", "2", "3"]
    with pytest.raises(ValueError):
        N.criterion_order(cov, by="alphabet")


# ---------------------------------------------------------------------------------------------
# published national figures

NATIONAL_2017 = [["2017-2020", "1", 20, 8, 2, "report"], ["2017-2020", "3", 5, 20, 4, "report"]]


def published_review():
    sheets = make_sheets(national=NATIONAL_2017 + [["2023-2026", "1", 3, 1, 0, "r"],
                                                   ["2023-2026", "2", 2, 2, 0, "r"]],
                         scores=SCORES)
    sheets["Cycles"].insert(1, ["2017-2020", dt.date(2017, 4, 1), None, None])
    return read_workbook(__import__("builders").workbook_bytes(sheets))


def test_published_figures_for_cycle_without_scores():
    review = published_review()
    assert N.cycles_with_scores(review) == ["2020-2023", "2023-2026"]
    assert N.cycles_with_data(review) == ["2017-2020", "2020-2023", "2023-2026"]
    cov = N.coverage(review, "2017-2020")
    assert set(cov["source"]) == {"published"}
    assert N.criterion_order(cov) == ["1", "3"]  # only criteria with a published figure
    assert counts(cov, "1") == {F: 20, P: 8, X: 2, NOT_ASSESSED: 0}
    assert counts(cov, "3") == {F: 5, P: 20, X: 4, NOT_ASSESSED: 1}  # 29 of 30 published
    assert cov["plans"].unique().tolist() == [30]
    assert cov.loc[(cov["criterion"] == "1") & (cov["label"] == F), "share"].iloc[0] == pytest.approx(20 / 30)
    # the scored cycle still uses its scores
    assert set(N.coverage(review, "2023-2026")["source"]) == {"scores"}
    assert "published figures for 2 of 3 criteria" in N.coverage_sentence(review, "2017-2020")
    assert N.coverage_sentence(review, "2017-2020").startswith("20 of 30 plans fully met Criterion 1;")


def test_national_check_finds_disagreement():
    review = published_review()
    check = N.national_check(review, "2023-2026")
    # criterion 1 from scores: F3 P1 N0 = published; criterion 2: F1 P2 N1 vs published F2 P2 N0
    assert list(check.columns[:5]) == ["criterion", "name", "label", "published", "from_scores"]
    rows = {(r.criterion, r.label): (r.published, r.from_scores) for r in check.itertuples()}
    assert rows == {("2", F): (2, 1), ("2", X): (0, 1)}
    assert N.national_check(review, "2017-2020").empty  # no scores to check against
    assert N.national_check(review, "2020-2023").empty  # no published figures


def test_change_since_previous_uses_published_previous_cycle():
    review = published_review()
    ch = N.change_since_previous(review, "2020-2023")
    assert ch["previous_cycle"].unique().tolist() == ["2017-2020"]
    one = ch.set_index("criterion").loc["1"]
    assert (one["previous_count"], one["count"]) == (20, 1)
    assert one["previous_share"] == pytest.approx(20 / 30)
    assert one["share"] == pytest.approx(1 / 4)
    assert one["change"] == pytest.approx(1 / 4 - 20 / 30)
    assert pd.isna(ch.set_index("criterion").loc["2", "previous_share"])  # not published in 2017-2020
    assert N.change_since_previous(review, "2017-2020").empty


# ---------------------------------------------------------------------------------------------
# headline and timeline with an extended deadline

def extended_review(missing=()):
    submitted = {
        ("North", "2020-2023"): dt.date(2020, 3, 1),    # before the due date
        ("South", "2020-2023"): dt.date(2020, 9, 1),    # after due, before the extended deadline
        ("East", "2020-2023"): dt.date(2021, 3, 31),    # on the extended deadline day
        ("West", "2020-2023"): dt.date(2021, 6, 1),     # late
    }
    for p in missing:
        submitted[(p, "2020-2023")] = None
    sheets = make_sheets(submitted=submitted, scores=SCORES)
    for row in sheets["Cycles"][1:]:
        if row[0] == "2020-2023":
            row[2] = dt.date(2021, 3, 31)
    sheets["Submissions"] = [r for r in sheets["Submissions"]
                             if not (r[0] == "South" and r[1] == "2020-2023")] + [
        ["South", "2020-2023", dt.date(2020, 9, 1), "yes", dt.date(2020, 5, 1), None]]
    return read_workbook(__import__("builders").workbook_bytes(sheets))


def test_headline_on_time_and_late_with_extended_deadline(small):
    review = extended_review()
    h = N.headline(review, "2020-2023")
    assert (h["partnerships"], h["received"], h["on_time"], h["late"], h["not_received"]) == (4, 4, 3, 1, 0)
    assert h["deadline"] == pd.Timestamp("2021-03-31")
    assert h["plans"] == 4 and h["source"] == "scores" and h["criteria"] == 3
    # 2020-2023 fully met: criterion 1 -> 1, 2 -> 1, 3 -> 0; none by two thirds of plans
    assert h["well_met"] == []
    assert h["weakest"] == ["Criterion 3", "Criterion 1", "Criterion 2"]  # 3 lowest, lowest first
    h2 = N.headline(small, "2023-2026")
    # 2023-2026 default due dates: North -10, South -5, East 0, West +5 days
    assert (h2["on_time"], h2["late"], h2["not_received"]) == (3, 1, 0)
    assert h2["well_met"] == ["Criterion 1"]  # 3 of 4 >= two thirds
    assert h2["weakest"] == ["Criterion 2", "Criterion 3", "Criterion 1"]


def test_headline_weakest_includes_ties():
    sheets = make_sheets(criteria=["1", "2", "3", "4", "5"],
                         scores={(p, "2023-2026"): [F, X, X, X, X] for p in ["North", "South", "East", "West"]})
    h = N.headline(review_of(sheets), "2023-2026")
    assert h["weakest"] == ["Criterion 2", "Criterion 3", "Criterion 4", "Criterion 5"]
    assert h["well_met"] == ["Criterion 1"]


def test_timeline_and_received_by():
    review = extended_review(missing=["West"])
    t = N.timeline(review, "2020-2023")
    cum, per, missing = t.cumulative, t.partnerships, t.not_received
    assert cum["cumulative"].tolist() == [1, 2, 3]
    assert cum["received"].sum() == 3
    assert cum["date"].tolist() == [pd.Timestamp(d) for d in ("2020-03-01", "2020-09-01", "2021-03-31")]
    assert missing == ["West"]
    assert t.expected == 4
    assert t.extended_due_date == pd.Timestamp("2021-03-31")
    rows = per.set_index("partnership")
    assert rows.loc["North", "status"] == "On time" and rows.loc["North", "days_late"] == -395
    assert rows.loc["East", "days_late"] == 0 and rows.loc["East", "status"] == "On time"
    assert rows.loc["West", "status"] == "Not yet received" and pd.isna(rows.loc["West", "days_late"])
    assert bool(rows.loc["South", "draft"]) and rows.loc["South", "interim_statement"] == pd.Timestamp("2020-05-01")
    assert (rows["deadline"] == pd.Timestamp("2021-03-31")).all()
    assert per["partnership"].tolist() == ["North", "South", "East", "West"]  # workbook order
    assert N.received_by(review, "2020-2023", dt.date(2021, 3, 31)) == 3
    assert N.received_by(review, "2020-2023", "2021-03-30") == 2
    assert N.received_by(review, "2020-2023", dt.date(2019, 1, 1)) == 0
    s = N.timeline_sentence(review, "2020-2023")
    assert s == ("3 of 4 plans were received by the extended deadline of 31 March 2021; none came later "
                 "and 1 is outstanding.")


def test_timeline_sentence_without_extension(small):
    assert N.timeline_sentence(small, "2023-2026") == (
        "3 of 4 plans were received by the deadline of 1 April 2023; 1 came later and none are outstanding.")


def test_cycle_without_submissions():
    review = published_review()
    t = N.timeline(review, "2017-2020")
    assert t.cumulative.empty and t.partnerships.empty and t.not_received == []
    h = N.headline(review, "2017-2020")
    assert h["received"] is None and h["source"] == "published" and h["plans"] == 30
    assert "no submission records" in N.timeline_sentence(review, "2017-2020")
    assert isinstance(C.submission_points(t.partnerships), go.Figure)
    assert isinstance(C.timeline_cumulative(t.cumulative, t.due_date, t.extended_due_date), go.Figure)


# ---------------------------------------------------------------------------------------------
# per partnership

def test_heatmap_frame_and_partnership_fully_met(small):
    frame = N.heatmap_frame(small, "2023-2026")
    assert len(frame) == 12
    assert frame.drop_duplicates("partnership")["partnership"].tolist() == ["North", "South", "East", "West"]
    cell = frame.set_index(["partnership", "criterion"])
    assert cell.loc[("South", "3"), "label"] == NOT_ASSESSED
    assert cell.loc[("West", "3"), "label"] == F and cell.loc[("West", "3"), "score"] == 2
    fm = N.partnership_fully_met(small, "2023-2026").set_index("partnership")
    assert fm["fully_met"].to_dict() == {"North": 2, "South": 1, "East": 1, "West": 1}
    assert fm["assessed"].to_dict() == {"North": 3, "South": 2, "East": 3, "West": 3}
    assert set(fm["criteria"]) == {3}
    assert N.heatmap_frame(published_review(), "2017-2020").empty
    assert N.partnership_fully_met(published_review(), "2017-2020")["fully_met"].isna().all()


# ---------------------------------------------------------------------------------------------
# sentences

def test_sentences_have_the_right_numbers(small):
    assert N.coverage_sentence(small, "2023-2026") == (
        "3 of 4 plans fully met Criterion 1; Criterion 2 and Criterion 3 were fully met by the fewest (1 of 4 each).")
    assert N.change_sentence(small, "2023-2026") == (
        "3 of 4 plans fully met Criterion 1, up from 1 in 2020-2023; 2 of 3 criteria rose and 0 fell.")
    assert "no earlier cycle" in N.change_sentence(small, "2020-2023")
    assert N.headline_sentence(small, "2023-2026") == (
        "In 2023-2026, 1 of 3 criteria was fully met by at least two thirds of the 4 plans; the weakest were "
        "Criterion 2 (1), Criterion 3 (1) and Criterion 1 (3).")
    assert N.heatmap_sentence(small, "2023-2026") == (
        "Across 4 plans and 3 criteria, 42% of scores were Fully met, 25% Partially met, 25% Not met and "
        "8% not assessed.")
    assert N.tilemap_sentence(small, "2023-2026") == (
        "Each plan fully met between 1 and 2 of the 3 criteria; 4 of 4 fully met 1 or more.")
    assert N.format_date(pd.Timestamp("2021-03-31")) == "31 March 2021"
    assert N.format_date(dt.date(2023, 4, 1)) == "1 April 2023"


# ---------------------------------------------------------------------------------------------
# another review: 12 areas, 5 criteria, a four-level scale

FOUR = [(3, "Excellent", "yes"), (2, "Good", "partly"), (1, "Adequate", "partly"), (0, "Weak", "no")]
AREAS = [f"Area {c}" for c in "ABCDEFGHIJKL"]
CRITS = ["A1", "A2", "B1", "B2", "C"]


@pytest.fixture(scope="module")
def four():
    labels = [row[1] for row in FOUR]
    scores = {(a, "2024-2027"): [labels[(i * 3 + j) % 4] for j in range(5)] for i, a in enumerate(AREAS)}
    scores[("Area A", "2024-2027")] = ["Excellent", None, "Weak", "Good", "Excellent"]
    sheets = make_sheets(partnerships=AREAS, criteria=CRITS, cycles=["2021-2024", "2024-2027"], scale=FOUR,
                         scores=scores)
    return review_of(sheets)


def test_four_level_scale_everywhere(four):
    assert four.labels == ["Excellent", "Good", "Adequate", "Weak"]
    cyc = N.default_cycle(four)
    assert cyc == "2024-2027"
    cov = N.coverage(four, cyc)
    assert cov["label"].unique().tolist() == ["Excellent", "Good", "Adequate", "Weak", NOT_ASSESSED]
    for _, part in cov.groupby("criterion"):
        assert part["count"].sum() == 12
    assert counts(cov, "A2")[NOT_ASSESSED] == 1
    best = N.fully_met(cov)
    assert best["label"].unique().tolist() == ["Excellent"]
    # area i, criterion j -> labels[(3i + j) % 4]: 3 Excellent per criterion (Area A's override keeps them)
    assert dict(zip(best["criterion"], best["count"])) == {c: 3 for c in CRITS}
    frame = N.heatmap_frame(four, cyc)
    assert len(frame) == 60 and frame["partnership"].nunique() == 12
    h = N.headline(four, cyc)
    assert h["full_label"] == "Excellent" and h["plans"] == 12 and h["criteria"] == 5
    assert h["on_time"] + h["late"] == 12
    ch = N.change_since_previous(four, cyc)
    assert len(ch) == 5 and ch["previous_cycle"].unique().tolist() == ["2021-2024"]
    fm = N.partnership_fully_met(four, cyc)
    assert fm["fully_met"].sum() == best["count"].sum()
    t = N.timeline(four, cyc)
    assert t.cumulative["cumulative"].iloc[-1] == 12
    for fn in (N.coverage_sentence, N.change_sentence, N.timeline_sentence, N.headline_sentence,
               N.heatmap_sentence, N.tilemap_sentence):
        text = fn(four, cyc)
        assert isinstance(text, str) and text.endswith(".") and "fully met" not in text
    assert "rated Excellent" in N.coverage_sentence(four, cyc)
    # charts
    figs = [C.coverage_bar(cov, four.labels), C.coverage_bar(cov, four.labels, x="share"),
            C.heatmap(frame, four.labels), C.dumbbell(ch, label="Excellent"),
            C.timeline_cumulative(t.cumulative, t.due_date, t.extended_due_date, t.expected),
            C.submission_points(t.partnerships), C.tile_map(fm)]
    for fig in figs:
        assert isinstance(fig, go.Figure)
        fig.to_json()
    bar = figs[0]
    assert [tr.name for tr in bar.data] == ["Excellent", "Good", "Adequate", "Weak", NOT_ASSESSED]
    colours = level_colours(four.labels)
    assert [tr.marker.color for tr in bar.data] == [colours[k] for k in four.labels + [NOT_ASSESSED]]
    assert len({tr.marker.pattern.shape for tr in bar.data}) == 5
    cells = [tr for tr in figs[2].data if tr.name == "cell text"][0]
    assert set(cells.text) == {"E", "G", "A", "W", "–"}


def test_tile_map_places_unknown_areas_in_rows(four):
    fm = N.partnership_fully_met(four, "2024-2027")
    layout = C.tile_layout(fm)
    assert layout["tile"].isna().all()
    assert layout[["col", "row"]].apply(tuple, axis=1).is_unique
    assert layout["row"].min() == 0 and layout["col"].max() == 3  # 12 areas in a 4-wide block
    assert layout["abbreviation"].is_unique
    assert list(zip(layout["col"], layout["row"]))[:5] == [(0, 0), (1, 0), (2, 0), (3, 0), (0, 1)]


# ---------------------------------------------------------------------------------------------
# charts on the small review

def test_coverage_bar_traces_text_and_hover(small):
    cov = N.coverage(small, "2023-2026")
    fig = C.coverage_bar(cov, small.labels, order=N.criterion_order(cov, "fully_met"))
    assert [tr.name for tr in fig.data] == LEVELS + [NOT_ASSESSED]
    for tr in fig.data:
        assert tr.orientation == "h" and tr.type == "bar"
        assert len(tr.text) == 3 and all(t != "" for t in tr.text)
        assert "customdata[0]" in tr.hovertemplate and "customdata[2]" in tr.hovertemplate
    fully = fig.data[0]
    assert list(fully.x) == [3, 1, 1] and list(fully.text) == ["3", "1", "1"]
    assert fig.layout.barmode == "stack"
    assert list(fig.layout.yaxis.categoryarray) == ["Criterion 3", "Criterion 2", "Criterion 1"]  # first at top
    assert fig.layout.yaxis.automargin and fig.layout.title.text is None
    share = C.coverage_bar(cov, small.labels, x="share")
    assert list(share.data[0].x) == pytest.approx([0.75, 0.25, 0.25])
    assert list(share.data[0].text) == ["3", "1", "1"]  # the text is still the count
    # no Not assessed trace when every plan is assessed
    assert [tr.name for tr in C.coverage_bar(N.coverage(small, "2020-2023"), small.labels).data] == LEVELS


def test_heatmap_chart(small):
    frame = N.heatmap_frame(small, "2023-2026")
    fig = C.heatmap(frame, small.labels)
    heat = fig.data[0]
    assert heat.type == "heatmap"
    assert list(heat.x) == ["1", "2", "3"] and list(heat.y) == ["North", "South", "East", "West"]
    assert fig.layout.xaxis.type == "category"
    assert list(heat.z[0]) == [0, 0, 2]  # North: F F N
    cells = [tr for tr in fig.data if tr.name == "cell text"][0]
    assert list(cells.text[:3]) == ["F", "F", "N"] and cells.text[5] == "–"
    legend = [tr.name for tr in fig.data if tr.showlegend]
    assert legend == ["F  Fully met", "P  Partially met", "N  Not met", "–  Not assessed"]
    assert "South" in heat.hovertext[1][2] and NOT_ASSESSED in heat.hovertext[1][2]


def test_heatmap_handles_30_by_16():
    names = [f"Partnership {i:02d}" for i in range(30)]
    crits = [str(i) for i in range(1, 17)]
    review = review_of(make_sheets(partnerships=names, criteria=crits))
    fig = C.heatmap(N.heatmap_frame(review, "2023-2026"), review.labels)
    assert len(fig.data[0].z) == 30 and len(fig.data[0].z[0]) == 16
    assert len(fig.data[1].text) == 480
    assert fig.layout.height >= 30 * 20


def test_dumbbell(small):
    fig = C.dumbbell(N.change_since_previous(small, "2023-2026"))
    named = {tr.name: tr for tr in fig.data}
    assert {"2020-2023", "2023-2026"} <= set(named)
    assert named["2020-2023"].marker.symbol == "circle" and named["2023-2026"].marker.symbol == "diamond"
    assert list(named["2023-2026"].x) == pytest.approx([0.75, 0.25, 0.25])
    assert list(named["2020-2023"].x) == pytest.approx([0.25, 0.25, 0.0])
    assert named["change"].mode == "lines"
    empty = C.dumbbell(N.change_since_previous(small, "2020-2023"))
    assert "No earlier cycle" in empty.layout.annotations[0].text


def test_timeline_charts():
    review = extended_review(missing=["West"])
    t = N.timeline(review, "2020-2023")
    fig = C.timeline_cumulative(t.cumulative, t.due_date, t.extended_due_date, total=t.expected)
    line = fig.data[0]
    assert line.line.shape == "hv" and list(line.y) == [0, 1, 2, 3]
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "1 April 2020" in texts and "31 March 2021" in texts and "4 plans expected" in texts
    vertical = [s for s in fig.layout.shapes if s.x0 == s.x1]
    assert sorted(s.x0 for s in vertical) == ["2020-04-01", "2021-03-31"]
    total = [s for s in fig.layout.shapes if s.y0 == s.y1 == 4]
    assert total and total[0].line.dash == "dash"
    pts = C.submission_points(t.partnerships)
    names = [tr.name for tr in pts.data]
    assert names == ["On time", "On time (draft)"]
    symbols = {tr.name: tr.marker.symbol for tr in pts.data}
    assert symbols == {"On time": "circle", "On time (draft)": "circle-open"}
    draft = [tr for tr in pts.data if tr.name == "On time (draft)"][0]
    assert list(draft.y) == ["South"] and "Interim statement 1 May 2020" in draft.hovertext[0]
    assert any("Not yet received: West" in a.text for a in pts.layout.annotations)
    late = C.submission_points(N.timeline(extended_review(), "2020-2023").partnerships)
    assert [tr.marker.symbol for tr in late.data if tr.name == "Late"] == ["triangle-right"]
    assert list(late.data[-1].x) == [62]
    by_date = C.submission_points(t.partnerships, x="date")
    assert isinstance(by_date, go.Figure)


def test_tile_map_scottish_positions():
    names = ["Shetland", "Orkney Islands", "Western Isles", "Highland", "Edinburgh City", "Dumfries & Galloway",
             "Glasgow City", "Scottish Borders", "Aberdeen City", "Somewhere Else"]
    frame = pd.DataFrame({"partnership": names, "order": range(10), "aliases": [""] * 10,
                          "fully_met": pd.array([10, 9, 8, 7, 6, 5, 4, 3, 2, None], dtype="Int64"),
                          "assessed": [16] * 9 + [0], "criteria": [16] * 10})
    layout = C.tile_layout(frame).set_index("partnership")
    pos = {n: (layout.loc[n, "col"], layout.loc[n, "row"]) for n in names}
    grid = C.TILE_POSITIONS
    assert len(grid) == 30 and len(set(grid.values())) == 30
    # Shetland top right; Orkney below it; the Western Isles far left near the top
    assert pos["Shetland"][1] == 0 and pos["Shetland"][0] == max(c for c, r in grid.values() if r <= 1)
    assert pos["Orkney Islands"][1] == 1
    assert pos["Western Isles"][0] == 0 and pos["Western Isles"][1] <= 1
    assert pos["Edinburgh City"] == grid["City of Edinburgh"]
    assert pos["Dumfries & Galloway"] == grid["Dumfries and Galloway"]
    assert pos["Scottish Borders"][1] == max(r for c, r in grid.values())
    assert pos["Somewhere Else"][1] > max(r for c, r in grid.values())  # extra row below
    assert layout.loc["Shetland", "abbreviation"] == "SHE"
    fig = C.tile_map(frame)
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.xaxis.visible is False
    text = [tr for tr in fig.data if tr.name == "tile text"][0]
    assert "<b>SHE</b><br>10" in text.text and any(t.endswith("–") for t in text.text)
    heat = [tr for tr in fig.data if tr.type == "heatmap" and tr.showscale is not False][0]
    assert heat.zmax == 16
    assert "Shetland" in " ".join(h for row in heat.hovertext for h in row)


def test_tile_map_uses_aliases_column():
    frame = pd.DataFrame({"partnership": ["Comhairle"], "order": [0], "aliases": ["Thing; Na h-Eileanan Siar"],
                          "fully_met": pd.array([3], dtype="Int64"), "assessed": [5], "criteria": [5]})
    assert C.tile_layout(frame)["tile"].tolist() == ["Na h-Eileanan Siar"]


def test_short_labels_and_wrap():
    assert C.short_labels(LEVELS) == {F: "F", P: "P", X: "N", NOT_ASSESSED: "–"}
    short = C.short_labels(["Strong", "Some", "Limited", "None"])
    assert len(set(short.values())) == 5
    assert C.wrap("Manageable/Measurable Priorities") == "Manageable/Measurable<br>Priorities"
    assert C.wrap("a <b> c") == "a &lt;b&gt; c"


def test_no_streamlit_in_pure_modules():
    for module in (N, C):
        source = pathlib.Path(module.__file__).read_text()
        assert "import streamlit" not in source and "from streamlit" not in source


def test_empty_inputs_give_message_figures(small):
    for fig in (C.coverage_bar(N.coverage(small, "1999-2002"), small.labels),
                C.heatmap(N.heatmap_frame(small, "1999-2002"), small.labels),
                C.timeline_cumulative(pd.DataFrame(columns=["date", "received", "cumulative"]), None, None)):
        assert len(fig.data) == 0 and fig.layout.annotations


# ---------------------------------------------------------------------------------------------
# the shipped sample against the published figures

@pytest.fixture(scope="module")
def sample():
    if not SAMPLE.exists():
        pytest.skip("data/sample-review.xlsx not generated yet")
    review = read_workbook(SAMPLE)
    assert review.ok, review.errors
    return review


def test_sample_received_by_extended_deadline(sample):
    assert N.received_by(sample, "2020-2023", dt.date(2021, 3, 31)) == 11
    assert N.received_by(sample, "2020-2023", dt.date(2021, 10, 31)) == 30
    h = N.headline(sample, "2020-2023")
    assert (h["on_time"], h["late"], h["not_received"]) == (11, 19, 0)
    assert N.timeline_sentence(sample, "2020-2023") == (
        "11 of 30 plans were received by the extended deadline of 31 March 2021; 19 came later and none "
        "are outstanding.")


def test_sample_coverage_matches_published_figures(sample):
    with FIGURES_CSV.open(newline="", encoding="utf-8") as f:
        published = [r for r in csv.DictReader(f)]
    for cycle in ("2023-2026", "2020-2023"):
        cov = N.coverage(sample, cycle)
        rows = [r for r in published if r["cycle"] == cycle]
        for r in rows:
            got = counts(cov, r["criterion"])
            assert (got[F], got[P], got[X], got[NOT_ASSESSED]) == (
                int(r["fully_met"]), int(r["partially_met"]), int(r["not_met"]), 0), (cycle, r["criterion"])
    cov = N.coverage(sample, "2023-2026")
    assert len(cov["criterion"].unique()) == 16 and set(cov["plans"]) == {30}
    assert N.national_check(sample, "2023-2026").empty
    assert N.coverage_sentence(sample, "2023-2026") == (
        "29 of 30 plans fully met Links to Plans & Reports; Resources was fully met by the fewest (8 of 30).")


def test_sample_tile_map_places_every_partnership(sample):
    layout = C.tile_layout(N.partnership_fully_met(sample, "2023-2026"))
    assert layout["tile"].notna().all() and layout["tile"].is_unique
    assert layout["row"].max() == max(r for c, r in C.TILE_POSITIONS.values())


# ---------------------------------------------------------------------------------------------
# every chart, built from dicts, against plotly's own checks

def _national_figures(review) -> list[go.Figure]:
    """Every national chart for every cycle of `review` (and one without data), with the arguments
    the pages pass: count and share, both criterion orders, names shown and hidden, both x axes."""
    from analysis.common import full_phrase
    from analysis.names import hidden, label_key

    keep = str(review.partnerships["partnership"].iloc[0])    # its name stays, the others are hidden
    hidden_review = hidden(review, keep, label_key(b"k" * 32, "v"))
    figures = []
    for cycle in review.cycles["cycle"].tolist() + ["1999-2002"]:
        cov = N.coverage(review, cycle)
        figures.append(C.coverage_bar.__wrapped__(cov, review.labels))
        mine = N.partnership_levels(review, cycle, keep)   # your partnership marked: diamonds, outlines
        figures.append(C.coverage_bar.__wrapped__(cov, review.labels, mine=keep, mine_levels=mine))
        orders = [None] if cov.empty else [N.criterion_order(cov, "workbook"), N.criterion_order(cov, "fully_met")]
        for x in ("count", "share"):
            for order in orders:
                figures.append(C.coverage_bar.__wrapped__(cov, review.labels, x=x, order=order))
        heat = N.heatmap_frame(review, cycle)
        figures.append(C.heatmap.__wrapped__(heat, review.labels))
        figures.append(C.heatmap.__wrapped__(heat, review.labels, mine=keep))
        if not heat.empty:      # as the Criteria page shows it with names hidden
            figures.append(C.heatmap.__wrapped__(N.heatmap_frame(hidden_review, cycle), review.labels))
        change = N.change_since_previous(review, cycle)
        figures.append(C.dumbbell.__wrapped__(change))
        for order in orders:
            figures.append(C.dumbbell.__wrapped__(change, label=review.full_label.lower(), order=order))
        t = N.timeline(review, cycle)
        figures.append(C.timeline_cumulative.__wrapped__(t.cumulative, t.due_date, t.extended_due_date,
                                                         total=t.expected))
        figures.append(C.timeline_cumulative.__wrapped__(t.cumulative, None, t.extended_due_date))
        figures.append(C.submission_points.__wrapped__(N.timeline(hidden_review, cycle).partnerships))
        figures.append(C.submission_points.__wrapped__(t.partnerships, x="date"))
        figures.append(C.submission_points.__wrapped__(t.partnerships, mine=keep))
        figures.append(C.submission_points.__wrapped__(t.partnerships, sort="workbook", height=500))
        figures.append(C.tile_map.__wrapped__(N.partnership_fully_met(review, cycle), label=full_phrase(review)[1]))
        figures.append(C.tile_map.__wrapped__(N.partnership_fully_met(review, cycle), mine=keep))
    return figures


def test_charts_built_from_dicts_pass_plotlys_own_checks(small, sample, monkeypatch):
    """Every national chart is built from plain dicts without plotly's property checks
    (charts.style.figure, for speed). Built again through those checks it must come out the same:
    a misspelt property or a wrong value raises here, and nothing is coerced differently."""
    import json

    import plotly.io as pio

    figures = [C._message("Nothing to show.")]
    for review in (small, extended_review(missing=["West"]), sample):
        figures += _national_figures(review)
    tiles = pd.DataFrame({"partnership": ["Shetland", "Somewhere Else"], "order": [0, 1], "aliases": ["", ""],
                          "fully_met": pd.array([3, None], dtype="Int64"), "assessed": [5, 0], "criteria": [5, 5]})
    figures.append(C.tile_map.__wrapped__(tiles))
    monkeypatch.setattr(C, "CELL_TEXT_MAX", 10)     # a grid too large to letter: no cell text, a legend title
    unlettered = C.heatmap.__wrapped__(N.heatmap_frame(small, "2023-2026"), small.labels)
    assert [tr.name for tr in unlettered.data].count("cell text") == 0 and unlettered.layout.legend.title.text
    figures.append(unlettered)
    assert len(figures) > 100
    for fig in figures:
        checked = go.Figure(fig.to_dict())              # raises on anything plotly would refuse
        assert json.loads(pio.to_json(checked)) == json.loads(pio.to_json(fig, validate=False))


def test_heatmap_table_heads_each_criterion_with_its_id_and_name():
    """The heatmap's Data tab names the criteria ("12. Resources"), not bare IDs (issue 17), in the
    workbook's order, with the names exactly as written; a name that is only the ID is not doubled."""
    sheets = make_sheets(partnerships=["North", "South"], criteria=["12", "3b", "7"],
                         scores={("North", "2023-2026"): ["Fully met", None, "Not met"]})
    for row, name in zip(sheets["Criteria"][1:], ["Resources", "Data <b>and</b> evidence", "7"]):
        row[1] = name
    table = N.heatmap_table(N.heatmap_frame(review_of(sheets), "2023-2026"))
    assert list(table.columns) == ["Partnership", "12. Resources", "3b. Data <b>and</b> evidence", "7"]
    assert table.iloc[0].tolist() == ["North", "Fully met", "Not assessed", "Not met"]
    assert table["Partnership"].tolist() == ["North", "South"]
