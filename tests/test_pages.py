"""AppTest page tests: what Overview, Criteria coverage, Submission timeline, 2019 themes and
Definitions SHOW (numbers, sentences, tables, downloads), on the shipped sample and on workbooks
made up here with tests/builders.py. The Partnership page is in tests/test_partnership_page.py.

Expected values are worked out in each test from its own data (the lists below, the sample's
sheets read with openpyxl, or ../shared/reference/national-figures.csv), not from the analysis
functions the pages call.
"""
from __future__ import annotations

import datetime as dt
import re
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from apptools import (as_text, chart_alt, chart_spec, chart_specs, charts, choose, csv_frame, download, footer, go, media, show_tab,  # noqa: F401
                      metrics, open_app, shown_text, table_with, text, texts, title)
from builders import make_sheets, workbook_bytes

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample-review.xlsx"
NATIONAL_CSV = ROOT.parent / "shared" / "reference" / "national-figures.csv"
ILLUSTRATIVE = "Every per-partnership score and date in this workbook is made up"
CSV_CAVEAT = {"Illustrative": "yes (made-up data)"}  # the last column of an illustrative workbook's CSVs
DATA_PAGES = ["views/overview.py", "views/criteria.py", "views/timeline.py", "views/partnership.py",
              "views/themes.py", "views/definitions.py"]
FM, PM, NM = "Fully met", "Partially met", "Not met"


def sample_sheet(name: str) -> list[dict]:
    """A sheet of the shipped sample as dicts, read with openpyxl (not through the app's loaders)."""
    wb = openpyxl.load_workbook(SAMPLE, read_only=True)
    rows = list(wb[name].iter_rows(values_only=True))
    wb.close()
    return [dict(zip(rows[0], r)) for r in rows[1:] if any(v is not None for v in r)]


def national(cycle: str) -> pd.DataFrame:
    frame = pd.read_csv(NATIONAL_CSV, dtype={"criterion": str})
    return frame[frame["cycle"] == cycle].reset_index(drop=True)


def sample_on_time(cycle: str) -> tuple[int, int, int]:
    """(received, on time, late) for `cycle` from the sample's Submissions and Cycles sheets."""
    row = next(c for c in sample_sheet("Cycles") if c["Cycle"] == cycle)
    deadline = row["Extended due date"] or row["Due date"]
    dates = [s["Submitted"] for s in sample_sheet("Submissions") if s["Cycle"] == cycle and s["Submitted"]]
    on_time = sum(d <= deadline for d in dates)
    return len(dates), on_time, len(dates) - on_time


def headings(at) -> list[str]:
    """Every heading below the title in the main area, in page order: st.header / st.subheader, and the
    h2-h3 that ui.heading writes (chart cards, workbook text)."""
    out = []
    for e in at.main:
        kind = getattr(e, "type", "")
        if kind in ("header", "subheader"):
            out.append(e.value)
        elif kind == "markdown" and re.match(r"<h[23][ >]", str(e.value)):
            out.append(shown_text(e.value))
    return out


def use_workbook(monkeypatch, tmp_path, sheets: dict, name: str = "w.xlsx") -> Path:
    path = tmp_path / name
    workbook_bytes(sheets, path=path)
    monkeypatch.setenv("CSP_WORKBOOK", str(path))
    return path


# ====================================================================== the shipped sample

def test_overview_on_the_sample_2023_2026(media):
    at = open_app()
    assert title(at) == "Children's Services Plans 2023-2026: overview"
    assert at.sidebar.selectbox(key="cycle").value == "2023-2026"  # the default: the latest with scores
    assert ILLUSTRATIVE in text(at.info)
    assert "Data: the shipped sample workbook" in footer(at) and "illustrative" in footer(at)

    partnerships = sample_sheet("Partnerships")
    received, on_time, late = sample_on_time("2023-2026")
    assert (received, on_time + late) == (30, 30)
    assert metrics(at) == {"Partnerships": str(len(partnerships)), "Plans received": "30",
                           "On time": str(on_time), "Late": str(late), "Not yet received": "0"}

    nat = national("2023-2026")
    names = {str(c["ID"]): c["Name"] for c in sample_sheet("Criteria")}
    well = nat[nat["fully_met"] * 3 >= 30 * 2]
    weakest = nat.sort_values("fully_met", kind="stable").head(3)
    assert len(well) == 7
    expected = (f"In 2023-2026, {len(well)} of 16 criteria were fully met by at least two thirds of the 30 "
                "plans; the weakest were "
                + ", ".join(f"{names[c]} ({k})" for c, k in zip(weakest["criterion"][:2], weakest["fully_met"][:2]))
                + f" and {names[weakest['criterion'].iloc[2]]} ({weakest['fully_met'].iloc[2]}).")
    assert expected == ("In 2023-2026, 7 of 16 criteria were fully met by at least two thirds of the 30 plans; "
                        "the weakest were Resources (8), SMART (10) and Manageable/Measurable Priorities (12).")
    shown = texts(at.markdown)
    assert expected in shown
    assert ("7 criteria fully met by at least two thirds of plans: "
            + ", ".join(names[c] for c in well["criterion"]) + ".") in shown
    assert "Least often fully met: Resources (8 of 30), SMART (10 of 30), Manageable/Measurable Priorities (12 of 30)." in shown

    # the criteria card: the national figures; its CSV is the same table
    table = table_with(at, "ID", "Fully met", "Partially met", "Not met")
    assert table["ID"].tolist() == nat["criterion"].tolist()
    assert table["Fully met"].tolist() == nat["fully_met"].tolist()
    name, mime, data = download(at, media, "download-overview-criteria")
    assert (name, mime) == ("criteria-2023-2026.csv", "text/csv")
    pd.testing.assert_frame_equal(csv_frame(data), as_text(table).assign(**CSV_CAVEAT))
    # the tile map's table: every partnership, the count of criteria it fully met
    tiles = table_with(at, "Partnership", "Criteria fully met")
    assert tiles["Partnership"].tolist() == [p["Partnership"] for p in partnerships]
    assert tiles["Criteria assessed"].eq(16).all()
    assert len(charts(at)) == 2


def test_overview_and_timeline_on_the_sample_2020_2023():
    at = open_app()
    choose(at, "cycle", "2020-2023")
    assert title(at) == "Children's Services Plans 2020-2023: overview"
    received, on_time, late = sample_on_time("2020-2023")
    assert (received, on_time, late) == (30, 11, 19)
    assert metrics(at) == {"Partnerships": "30", "Plans received": "30", "On time": "11", "Late": "19",
                           "Not yet received": "0"}
    assert ILLUSTRATIVE in text(at.info) and "shipped sample" in footer(at)

    go(at, "views/timeline.py")
    assert title(at) == "When plans were received, 2020-2023"
    assert ("11 of 30 plans were received by the extended deadline of 31 March 2021; 19 came later and none "
            "are outstanding.") in texts(at.markdown)
    per = table_with(at, "Partnership", "Status")
    assert per["Status"].value_counts().to_dict() == {"Late": 19, "On time": 11}
    assert per["Deadline"].eq("2021-03-31").all()
    subs = {s["Partnership"]: s["Submitted"] for s in sample_sheet("Submissions") if s["Cycle"] == "2020-2023"}
    assert dict(zip(per["Partnership"], per["Submitted"])) == {p: d.strftime("%Y-%m-%d") for p, d in subs.items()}
    cumulative = table_with(at, "Date", "Plans received so far")
    assert cumulative["Plans received so far"].iloc[-1] == 30
    assert "All plans have been received." in texts(at.markdown)
    assert ILLUSTRATIVE in text(at.info) and "shipped sample" in footer(at)


def test_every_page_on_the_sample_says_it_is_illustrative():
    at = open_app()
    for page in DATA_PAGES:
        go(at, page)
        assert ILLUSTRATIVE in text(at.info), page
        assert "per-partnership scores and dates are illustrative" in footer(at), page
    choose(at, "partnership", "Fife")  # the partnership page with a partnership chosen, too
    go(at, "views/partnership.py")
    assert title(at) == "Fife, 2023-2026"
    assert ILLUSTRATIVE in text(at.info)


def test_criteria_on_the_sample_equals_the_published_figures(media):
    at = open_app("views/criteria.py")
    assert title(at) == "Criteria coverage, 2023-2026"
    assert ILLUSTRATIVE in text(at.info)
    assert not at.warning  # the sample's scores add up to the published figures
    nat = national("2023-2026")
    assert len(nat) == 16
    table = table_with(at, "ID", "Criterion", "Fully met")
    got = table[["ID", "Fully met", "Partially met", "Not met"]].set_axis(
        ["criterion", "fully_met", "partially_met", "not_met"], axis=1)
    pd.testing.assert_frame_equal(got, nat[["criterion", "fully_met", "partially_met", "not_met"]],
                                  check_dtype=False)
    assert table["Not assessed"].eq(0).all()
    assert table["Fully met (%)"].tolist() == [round(100 * k / 30) for k in nat["fully_met"]]
    names = {str(c["ID"]): c["Name"] for c in sample_sheet("Criteria")}
    assert table["Criterion"].tolist() == [names[c] for c in nat["criterion"]]
    name, _, data = download(at, media, "download-criteria-coverage")
    assert name == "criteria-coverage-2023-2026.csv"
    pd.testing.assert_frame_equal(csv_frame(data), as_text(table).assign(**CSV_CAVEAT))
    # the heatmap's table: every partnership by every criterion
    heat = table_with(at, "Partnership", "6a. Children's Services", "15. Links to Plans & Reports")
    assert heat.shape == (30, 17)
    assert (heat["1. Vision"] == FM).sum() == 28 and (heat["12. Resources"] == NM).sum() == 13
    # change since 2020-2023, for the criteria published in both reviews
    change = table_with(at, "Fully met 2020-2023", "Fully met 2023-2026")
    before = national("2020-2023").set_index("criterion")["fully_met"]
    change = change.set_index("ID")
    for criterion, k in before.items():
        assert change.at[criterion, "Fully met 2020-2023"] == k, criterion
    assert change.at["14", "Change (plans)"] == 10 - 5


def test_criteria_order_by_share_fully_met_reorders_chart_and_table(media):
    at = open_app("views/criteria.py")
    workbook_order = national("2023-2026")["criterion"].tolist()
    assert table_with(at, "ID", "Fully met")["ID"].tolist() == workbook_order
    at.radio(key="criteria_order").set_value("By share at the best level").run()
    assert not at.exception
    nat = national("2023-2026")
    by_share = nat.sort_values("fully_met", ascending=False, kind="stable")["criterion"].tolist()
    assert by_share[:3] == ["15", "1", "7"] and by_share[-1] == "12"
    # the chart: the y axis lists criteria bottom to top, so reversed it is the order top down
    spec = chart_specs(at)[0]
    ids = {c["Name"]: str(c["ID"]) for c in sample_sheet("Criteria")}
    labels = [label.replace("<br>", " ").replace("&amp;", "&") for label in spec["layout"]["yaxis"]["categoryarray"]]
    assert [ids[label] for label in reversed(labels)] == by_share
    # the Data tab (the chart's table) and its download follow the chart's order
    table = table_with(at, "ID", "Fully met")
    assert table["ID"].tolist() == by_share
    _, _, data = download(at, media, "download-criteria-coverage")
    assert csv_frame(data)["ID"].tolist() == by_share
    # shares instead of counts: the same table, the chart's x axis in shares
    at.radio(key="criteria_measure").set_value("Share of plans").run()
    assert chart_specs(at)[0]["layout"]["xaxis"]["tickformat"] == ".0%"


def test_criteria_on_the_sample_2020_2023_matches_the_published_criteria():
    at = open_app()
    choose(at, "cycle", "2020-2023")
    go(at, "views/criteria.py")
    assert title(at) == "Criteria coverage, 2020-2023"
    assert not at.warning
    table = table_with(at, "ID", "Fully met").set_index("ID")
    nat = national("2020-2023")
    assert len(nat) == 9 and len(table) == 16  # scores for all 16; published figures for 9
    for r in nat.itertuples():
        assert (table.at[r.criterion, FM], table.at[r.criterion, PM], table.at[r.criterion, NM]) == \
            (r.fully_met, r.partially_met, r.not_met), r.criterion
    # 2017-2020 has neither scores nor published figures: nothing to compare with
    assert "There is no earlier cycle with figures to compare 2020-2023 with." in texts(at.caption)
    assert not [h for h in headings(at) if h.startswith("Change in plans")]


def test_a_cycle_without_figures_says_what_exists_and_links_there():
    """2017-2020 in the sample has only the 2019 review's themes: the pages that need scores, figures
    or dates say so, name what the workbook has for that cycle, and link to the page that shows it."""
    at = open_app()
    choose(at, "cycle", "2017-2020")
    for page, needs in (("views/criteria.py", "per-partnership scores or published national figures"),
                        ("views/overview.py", "per-partnership scores or published national figures"),
                        ("views/timeline.py", "submission dates")):
        go(at, page)
        note = text(at.info)
        assert f"There is nothing to show here for 2017-2020.** The workbook has no {needs} for 2017-2020; " \
               "it has the 2019 review's themes." in note, page
        assert "cycles with figures: 2023-2026, 2020-2023" in note
        links = [(e.proto.page, e.proto.label) for e in at.main.get("page_link")]
        assert links == [("themes", "2019 themes for 2017-2020")], page
        assert not at.main.dataframe and not charts(at) and not at.main.metric and not at.exception
        assert ILLUSTRATIVE in text(at.info) and "shipped sample" in footer(at)
    choose(at, "partnership", "Fife")
    go(at, "views/partnership.py")
    assert "There is nothing to show here for 2017-2020." in text(at.info) and not charts(at)
    # a cycle with figures shows its page as before
    choose(at, "cycle", "2020-2023")
    go(at, "views/criteria.py")
    assert charts(at) and "nothing to show" not in text(at.info)


# ====================================================================== national figures

def test_published_figures_for_a_cycle_without_scores(monkeypatch, tmp_path):
    parts = ["North", "South", "East", "West"]
    use_workbook(monkeypatch, tmp_path, make_sheets(
        partnerships=parts, scores={(p, "2020-2023"): [None, None, None] for p in parts},
        national=[("2020-2023", "1", 3, 1, 0, "Report A"), ("2020-2023", "2", 1, 2, 1, "Report A")]))
    at = open_app()
    choose(at, "cycle", "2020-2023")
    go(at, "views/criteria.py")
    assert title(at) == "Criteria coverage, 2020-2023"
    assert "**Published totals.** The workbook has no per-partnership scores for 2020-2023" in text(at.info)
    assert not at.warning
    table = table_with(at, "ID", FM)
    assert table[["ID", FM, PM, NM, "Not assessed"]].values.tolist() == [["1", 3, 1, 0, 0], ["2", 1, 2, 1, 0]]
    assert table[f"{FM} (%)"].tolist() == [75, 25]
    assert ("3 of 4 plans fully met Criterion 1; Criterion 2 was fully met by the fewest (1 of 4) "
            "(published figures for 2 of 3 criteria).") in texts(at.markdown)
    assert [h for h in headings(at) if h.startswith("Plans at each level")]
    assert not [h for h in headings(at) if "Each partnership" in h]  # no per-partnership heatmap
    assert "Data: w.xlsx (set by CSP_WORKBOOK" in footer(at)
    assert not at.info or ILLUSTRATIVE not in text(at.info)  # not the sample: no sample banner
    go(at, "views/overview.py")
    assert [c for c in texts(at.caption) if c.startswith(
        "These are the published national totals: this cycle has no per-partnership scores in the workbook.")]
    assert metrics(at)["Plans received"] == "4"
    go(at, "views/definitions.py")
    sources = table_with(at, "Cycle", "Criteria", "Source")
    assert sources.values.tolist() == [["2020-2023", "1, 2", "Report A"]]


def test_published_figures_that_disagree_with_the_scores(monkeypatch, tmp_path):
    scores = {("North", "2023-2026"): [FM, PM, NM], ("South", "2023-2026"): [PM, NM, FM],
              ("East", "2023-2026"): [NM, FM, PM], ("West", "2023-2026"): [FM, PM, NM]}
    # from the scores: criterion 1 = 2/1/1, criterion 2 = 1/2/1; published: 4/0/0 and 2/1/1
    use_workbook(monkeypatch, tmp_path, make_sheets(
        scores=scores, national=[("2023-2026", "1", 4, 0, 0, "Report B"), ("2023-2026", "2", 2, 1, 1, "Report B")]))
    at = open_app("views/criteria.py")
    assert texts(at.warning) == ["**The published figures and the workbook's scores disagree** for 2 criteria in "
                                 "2023-2026; the charts use the scores. The differences are listed in the table below."]
    check = table_with(at, "Published", "From scores")
    assert check.values.tolist() == [
        ["1", "Criterion 1", FM, 4, 2, 2], ["1", "Criterion 1", PM, 0, 1, -1], ["1", "Criterion 1", NM, 0, 1, -1],
        ["2", "Criterion 2", FM, 2, 1, 1], ["2", "Criterion 2", PM, 1, 2, -1]]
    table = table_with(at, "ID", FM, "Not assessed")  # the coverage card uses the scores
    assert table[["ID", FM, PM, NM]].values.tolist() == [["1", 2, 1, 1], ["2", 1, 2, 1], ["3", 1, 1, 2]]


# ====================================================================== a four-level scale

AREAS = ["Alder", "Birch", "Cedar", "Elm", "Fir", "Hazel", "Holly", "Larch", "Lime", "Maple", "Oak", "Rowan"]
SCALE4 = [(3, "Excellent", "yes"), (2, "Good", "partly"), (1, "Weak", "partly"), (0, "Poor", "no")]
LEVELS4 = [label for _, label, _ in SCALE4]
COLUMNS4 = {  # criterion -> each area's 2023-2026 level, in AREAS order (None = not assessed)
    "A": ["Excellent"] * 9 + ["Good", "Good", "Weak"],
    "B": ["Excellent", "Excellent", "Good", "Good", "Good", "Good", "Weak", "Weak", "Weak", "Weak", "Poor", "Poor"],
    "C": ["Excellent"] * 5 + ["Good"] * 5 + ["Poor", None],
    "D": ["Excellent"] * 8 + ["Weak", "Weak", "Poor", "Poor"],
    "E": ["Excellent", "Good", "Good", "Good", "Weak", "Weak", "Weak", "Poor", "Poor", "Poor", "Poor", "Poor"],
}
DAYS4 = [-30, -20, -10, -5, -3, -2, -1, 0, 1, 5, 20, 40]  # received, days after 1 April 2023
THEMES4 = [("Shared vision", "All plans set out a vision", "all", "A"),
           ("Budgets", "Few plans showed budgets", "few", "E"),
           ("Governance", "Most plans had clear governance", "most", None)]


def four_level_sheets() -> dict:
    due = dt.date(2023, 4, 1)
    return make_sheets(
        partnerships=AREAS, criteria=list(COLUMNS4), scale=SCALE4,
        scores={(a, "2023-2026"): [COLUMNS4[c][i] for c in COLUMNS4] for i, a in enumerate(AREAS)},
        submitted={(a, "2023-2026"): due + dt.timedelta(days=DAYS4[i]) for i, a in enumerate(AREAS)},
        themes=THEMES4)


def test_four_level_scale_on_every_page(monkeypatch, tmp_path, media):
    use_workbook(monkeypatch, tmp_path, four_level_sheets(), "four.xlsx")
    counts = {c: {lvl: col.count(lvl) for lvl in LEVELS4} | {"Not assessed": col.count(None)}
              for c, col in COLUMNS4.items()}
    excellent = {c: counts[c]["Excellent"] for c in COLUMNS4}  # A 9, B 2, C 5, D 8, E 1

    # ---- overview
    at = open_app()
    assert not at.exception
    assert title(at) == "Children's Services Plans 2023-2026: overview"
    assert not at.info  # not the sample
    assert metrics(at) == {"Partnerships": "12", "Plans received": "12", "On time": str(sum(d <= 0 for d in DAYS4)),
                           "Late": str(sum(d > 0 for d in DAYS4)), "Not yet received": "0"}
    assert metrics(at)["On time"] == "8"
    assert ("In 2023-2026, 2 of 5 criteria were rated Excellent in at least two thirds of the 12 plans; the weakest "
            "were Criterion E (1), Criterion B (2) and Criterion C (5).") in texts(at.markdown)
    assert "2 criteria rated Excellent by at least two thirds of plans: Criterion A, Criterion D." in texts(at.markdown)
    assert ("Least often rated Excellent: Criterion E (1 of 12), Criterion B (2 of 12), Criterion C (5 of 12)."
            in texts(at.markdown))
    table = table_with(at, "ID", "Excellent")
    assert list(table.columns) == ["ID", "Criterion", *LEVELS4, "Not assessed",
                                   *[f"{lvl} (%)" for lvl in LEVELS4], "Not assessed (%)"]
    for row in table.itertuples(index=False):
        expect = counts[row.ID]
        assert [getattr(row, lvl) for lvl in LEVELS4] == [expect[lvl] for lvl in LEVELS4], row.ID
        assert row[6] == expect["Not assessed"]
        assert list(row[7:]) == [round(100 * expect[lvl] / 12) for lvl in [*LEVELS4, "Not assessed"]], row.ID
    tiles = table_with(at, "Partnership", "Criteria assessed")
    per_area = [sum(COLUMNS4[c][i] == "Excellent" for c in COLUMNS4) for i in range(12)]
    assert tiles.iloc[:, 1].tolist() == per_area
    assert tiles["Criteria assessed"].tolist() == [5] * 11 + [4]  # Rowan was not assessed on C
    assert "Criteria rated Excellent by each partnership, 2023-2026" in headings(at)
    assert "Fully met" not in "".join(headings(at))

    # ---- criteria coverage
    go(at, "views/criteria.py")
    table = table_with(at, "ID", "Excellent")
    assert table["Excellent"].tolist() == list(excellent.values())
    assert "9 of 12 plans were rated Excellent on Criterion A; Criterion E was rated Excellent least often (1 of 12)." \
        in texts(at.markdown)
    heat = table_with(at, "Partnership", "A. Criterion A", "E. Criterion E")
    assert heat["Partnership"].tolist() == AREAS
    assert heat["C. Criterion C"].tolist() == [v or "Not assessed" for v in COLUMNS4["C"]]
    at.radio(key="criteria_order").set_value("By share at the best level").run()
    assert table_with(at, "ID", "Excellent")["ID"].tolist() == ["A", "D", "C", "B", "E"]
    # change since 2020-2023 (the builder's rotating pattern gives each criterion 3 Excellent of 12)
    change = table_with(at, "Change (plans)")
    assert list(change.columns[2:6]) == ["Excellent 2020-2023", "Plans 2020-2023", "Excellent 2023-2026",
                                         "Plans 2023-2026"]
    assert change["Excellent 2020-2023"].tolist() == [3] * 5
    assert change.set_index("ID")["Change (plans)"].to_dict() == {c: k - 3 for c, k in excellent.items()}

    # ---- timeline
    go(at, "views/timeline.py")
    assert "8 of 12 plans were received by the deadline of 1 April 2023; 4 came later and none are outstanding." \
        in texts(at.markdown)
    per = table_with(at, "Partnership", "Status")
    assert per["Status"].tolist() == ["On time" if d <= 0 else "Late" for d in DAYS4]
    assert per["Days late (negative = early)"].tolist() == DAYS4

    # ---- partnership (Cedar: Excellent on A, C, D; Good on B and E)
    choose(at, "partnership", "Cedar")
    go(at, "views/partnership.py")
    assert title(at) == "Cedar, 2023-2026"
    assert ("Cedar was rated Excellent on 3 of 5 criteria in 2023-2026; 1 is a strength that fewer than half of "
            "plans were rated Excellent.") in texts(at.markdown)
    standing = table_with(at, "ID", "Cedar")
    assert standing["Cedar"].tolist() == [COLUMNS4[c][2] for c in COLUMNS4]
    for lvl in [*LEVELS4, "Not assessed"]:
        assert standing[f"Plans: {lvl}"].tolist() == [counts[c][lvl] for c in COLUMNS4], lvl
    # the share of plans assessed: C was assessed for 11 plans
    assert standing["Share of plans excellent (%)"].tolist() == [75, 17, 45, 67, 8]
    strengths = table_with(at, "Level", "Plans")
    assert strengths[["ID", "Level"]].values.tolist() == [["C", "Excellent"]]
    assert strengths.columns.tolist() == ["ID", "Criterion", "Level", "Plans rated Excellent", "Plans"]
    assert strengths[["Plans rated Excellent", "Plans"]].values.tolist() == [[5, 11]]
    captions = texts(at.caption)
    assert "Criteria where Cedar was rated Excellent and fewer than half of plans were." in captions
    assert "Criteria where Cedar was not rated Excellent and more than half of plans were." in captions
    assert "None in this cycle." in texts(at.markdown)  # no priorities
    _, _, data = download(at, media, "report")
    assert "Cedar" in data.decode() and "Excellent" in data.decode()

    # ---- themes: every theme, the one without a criterion too
    go(at, "views/themes.py")
    assert [h for h in headings(at) if h in {t[0] for t in THEMES4}] == [t[0] for t in THEMES4]
    md = texts(at.markdown)
    assert "All plans set out a vision" in md and "Most plans had clear governance" in md
    assert any(m.startswith("2019: Shared vision: all plans.") and "9 of 12 plans in 2023-2026" in m for m in md)
    assert "2019: Governance: more than half of plans (the review said 'most')." in md
    # the scale's own words, never "fully met" (text, chart summary, table, chart)
    assert ("2019: Shared vision: all plans. Criterion A (Criterion A) was rated Excellent by 3 of 12 plans in "
            "2020-2023; 9 of 12 plans in 2023-2026.") in md
    assert ("2 of 3 themes from the 2019 review follow a criterion into later cycles. In 2023-2026, those "
            "criteria were rated Excellent by between 1 and 9 of 12 plans.") in md
    assert any(m.endswith("the chart shows how many plans were rated Excellent on that criterion in each "
                          "later cycle.") for m in md)
    assert "fully met" not in json.dumps(chart_specs(at)).lower()
    assert not [m for m in md if "fully met" in m.lower()], [m for m in md if "fully met" in m.lower()]
    assert "Fully met" not in "".join(headings(at))
    themes = table_with(at, "Theme", "2019 finding")
    assert themes["Theme"].tolist() == [t[0] for t in THEMES4]
    assert "2023-2026: plans rated Excellent" in themes.columns

    # ---- definitions
    go(at, "views/definitions.py")
    scale = table_with(at, "Level", "Score", "Meaning")
    assert scale.values.tolist() == [["Excellent", 3, "counts as met"], ["Good", 2, "counts as partly met"],
                                     ["Weak", 1, "counts as partly met"], ["Poor", 0, "counts as not met"]]
    crit = table_with(at, "Criterion", "Question the reviewer asks")
    assert crit["Criterion"].tolist() == list(COLUMNS4)
    assert "This workbook has no published national figures." in texts(at.markdown)
    assert not at.exception


# ====================================================================== timeline

def test_timeline_statuses_and_plans_not_yet_received(monkeypatch, tmp_path):
    parts = ["North", "South", "East", "West", "Central"]
    due = dt.date(2023, 4, 1)
    submitted = {("North", "2023-2026"): due - dt.timedelta(days=3), ("South", "2023-2026"): due,
                 ("East", "2023-2026"): due + dt.timedelta(days=1), ("West", "2023-2026"): None,
                 ("Central", "2023-2026"): None}
    sheets = make_sheets(partnerships=parts, submitted=submitted)
    sheets["Submissions"][-5][3] = "yes"  # North's 2023-2026 plan was published in draft
    use_workbook(monkeypatch, tmp_path, sheets)
    at = open_app("views/timeline.py")
    assert title(at) == "When plans were received, 2023-2026"
    assert "2 of 5 plans were received by the deadline of 1 April 2023; 1 came later and 2 are outstanding." \
        in texts(at.markdown)
    per = as_text(table_with(at, "Partnership", "Status"))
    assert per[["Partnership", "Submitted", "Days late (negative = early)", "Draft", "Status"]].values.tolist() == [
        ["North", "2023-03-29", "-3", "yes", "On time"], ["South", "2023-04-01", "0", "no", "On time"],
        ["East", "2023-04-02", "1", "no", "Late"], ["West", "", "", "no", "Not yet received"],
        ["Central", "", "", "no", "Not yet received"]]
    cumulative = table_with(at, "Date", "Plans received so far")
    assert cumulative.values.tolist() == [["2023-03-29", 1, 1], ["2023-04-01", 1, 2], ["2023-04-02", 1, 3]]
    assert "2 plan(s) not yet received: West, Central." in texts(at.markdown)
    go(at, "views/overview.py")
    assert metrics(at) == {"Partnerships": "5", "Plans received": "3", "On time": "2", "Late": "1",
                           "Not yet received": "2"}

    # with other partnerships' names hidden, the list and the table name nobody
    at.sidebar.toggle(key="hide").set_value(True).run()
    go(at, "views/timeline.py")
    missing = [m for m in texts(at.markdown) if "not yet received:" in m]
    assert len(missing) == 1 and missing[0].startswith("2 plan(s) not yet received: Partnership ")
    shown = table_with(at, "Partnership", "Status")["Partnership"].tolist()
    assert all(p.startswith("Partnership ") for p in shown) and len(set(shown)) == 5
    assert not [p for p in parts if p in missing[0]]


# ====================================================================== problems

def test_an_ods_with_errors_is_shown_with_advice_for_libreoffice(monkeypatch, tmp_path):
    from builders import ods_bytes

    sheets = make_sheets(scores={("North", "2023-2026"): ["Brilliant", FM, NM]})
    path = tmp_path / "broken.ods"
    path.write_bytes(ods_bytes(sheets))
    monkeypatch.setenv("CSP_WORKBOOK", str(path))
    at = open_app("views/criteria.py")
    assert "Fix them in LibreOffice Calc and upload it again" in at.error[0].value
    assert table_with(at, "Sheet", "Row", "Column", "Problem")["Row"].tolist() == [6]


def test_a_workbook_with_errors_shows_them_on_every_page(monkeypatch, tmp_path):
    sheets = make_sheets(scores={("North", "2023-2026"): ["Brilliant", FM, NM]})
    sheets["Submissions"].append(["Nowhere", "2023-2026", dt.date(2023, 3, 1), "no", None, None])
    use_workbook(monkeypatch, tmp_path, sheets, "broken.xlsx")
    at = open_app()
    assert not at.sidebar.selectbox  # no selections for data that is not shown
    for page in DATA_PAGES:
        go(at, page)
        assert len(at.error) == 1, page
        assert at.error[0].value.startswith("**The workbook has 2 error(s), so its data is not shown.**")
        assert "File: broken.xlsx" in texts(at.main.markdown)
        problems = table_with(at, "Sheet", "Row", "Column", "Problem")
        assert problems["Sheet"].tolist() == ["Submissions", "Scores"], page
        assert problems["Row"].tolist() == [10, 6]  # Excel's row numbers: header row 1
        assert problems["Column"].iloc[0].startswith("A") and problems["Column"].iloc[1].startswith("C")
        assert "'Nowhere'" in problems["Problem"].iloc[0] and "'Brilliant'" in problems["Problem"].iloc[1]
        assert not charts(at) and len(at.main.dataframe) == 1 and not at.main.metric, page
        assert "broken.xlsx (set by CSP_WORKBOOK" in footer(at)
        assert not at.exception


@pytest.mark.parametrize("name", ["notes.txt", "notes.xlsx"])
def test_an_unreadable_file_gives_a_clear_message(monkeypatch, tmp_path, name):
    path = tmp_path / name
    path.write_text("partnership,score\nNorth,2\n", encoding="utf-8")
    monkeypatch.setenv("CSP_WORKBOOK", str(path))
    at = open_app()
    for page in DATA_PAGES:
        go(at, page)
        assert not at.exception
        assert len(at.error) == 1
        assert at.error[0].value == "**The workbook cannot be read.**"
        message = text(at.main.markdown)
        assert f"File: {name} " in message
        assert "not an Excel workbook" in message
        assert not charts(at) and not at.main.dataframe and not at.sidebar.selectbox


# ====================================================================== themes and definitions

def test_themes_on_the_sample_lists_every_theme_and_finding(media):
    at = open_app("views/themes.py")
    themes = sample_sheet("Themes 2019")
    assert len(themes) == 8
    assert title(at) == "The 2019 review's key themes, and since"
    assert [h for h in headings(at) if h in {t["Theme"] for t in themes}] == [t["Theme"] for t in themes]
    md = texts(at.markdown)
    for t in themes:
        assert t["Finding"] in md, t["Theme"]
    quotes = [e.value for e in at.main.markdown if str(e.value).startswith("<blockquote>")]
    assert len(quotes) == 8  # each finding is a quotation
    linked = [t for t in themes if t["Criterion"] is not None]
    assert any(f"{len(linked)} of 8 themes from the 2019 review follow a criterion into later cycles." in m for m in md)
    # a theme without a criterion is listed, with the review's words and no figures
    assert "2019: Governance and accountability: more than half of plans (the review said 'majority')." in md
    # a linked theme gives the criterion's published count for 2023-2026 (criterion 6a: 22 of 30)
    nat = national("2023-2026").set_index("criterion")["fully_met"]
    assert any(m.startswith("2019: Looked after and care experienced children: all plans.")
               and f"{nat['6a']} of 30 plans in 2023-2026" in m for m in md)
    table = table_with(at, "Theme", "2019 finding")
    assert table["Theme"].tolist() == [t["Theme"] for t in themes]
    assert table["2019 finding"].tolist() == [t["Finding"] for t in themes]
    _, _, data = download(at, media, "download-themes")
    assert csv_frame(data)["Theme"].tolist() == [t["Theme"] for t in themes]
    assert ILLUSTRATIVE in text(at.info)


def test_themes_without_a_themes_sheet(monkeypatch, tmp_path):
    use_workbook(monkeypatch, tmp_path, make_sheets())  # no Themes 2019 sheet
    at = open_app("views/themes.py")
    assert texts(at.info) == ["This workbook has no Themes 2019 sheet, so there are no 2019 themes to show."]
    assert not charts(at) and not at.main.dataframe and not at.exception


def test_definitions_show_every_criterion_question():
    at = open_app("views/definitions.py")
    criteria = sample_sheet("Criteria")
    table = table_with(at, "Criterion", "Question the reviewer asks")
    assert table["Criterion"].tolist() == [str(c["ID"]) for c in criteria]
    assert table["Name"].tolist() == [c["Name"] for c in criteria]
    assert table["Question the reviewer asks"].tolist() == [c["Question"] for c in criteria]
    assert table_with(at, "Level", "Score")["Level"].tolist() == [FM, PM, NM]
    sources = table_with(at, "Cycle", "Source")
    assert set(sources["Cycle"]) == {"2020-2023", "2023-2026"}
    assert ILLUSTRATIVE in text(at.info)


# ====================================================================== selections

def test_selections_survive_page_switches():
    at = open_app("views/criteria.py")
    choose(at, "cycle", "2020-2023")
    assert title(at) == "Criteria coverage, 2020-2023"
    go(at, "views/timeline.py")
    assert title(at) == "When plans were received, 2020-2023"
    assert at.sidebar.selectbox(key="cycle").value == "2020-2023"
    go(at, "views/overview.py")
    assert title(at) == "Children's Services Plans 2020-2023: overview"
    choose(at, "partnership", "Highland")
    go(at, "views/partnership.py")
    assert title(at) == "Highland, 2020-2023"
    go(at, "views/themes.py")
    go(at, "views/partnership.py")
    assert title(at) == "Highland, 2020-2023"
    assert at.sidebar.selectbox(key="partnership").value == "Highland"


def test_a_copied_link_reopens_the_same_view():
    """The selections are bound to the address (?cycle=...&partnership=...&hide=true). AppTest does
    not write widget changes back into at.query_params, so this checks the reading side: an address
    with the selections opens the view they describe."""
    from streamlit.testing.v1 import AppTest

    from apptools import APP

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"cycle": "2020-2023", "partnership": "Fife", "hide": "true"})
    at.run()
    go(at, "views/partnership.py")
    assert title(at) == "Fife, 2020-2023"
    assert at.sidebar.selectbox(key="cycle").value == "2020-2023"
    assert at.sidebar.toggle(key="hide").value is True
    assert "Other partnerships' names are hidden on this page and in its downloads." in texts(at.caption)


# ====================================================================== start-up

def _preload_scripts(at) -> list[str]:
    return [h.proto.body for h in at.sidebar.get("html") if "window.cspPlotly" in h.proto.body]


def test_chart_pages_preload_streamlits_plotly_code_once():
    """The first run on a chart page asks the browser for Streamlit's plotly bundle (by its real
    file name), which the app's chart element draws with; later runs and pages without charts do
    not."""
    from streamlit.testing.v1 import AppTest

    from apptools import APP
    from charts import browser

    at = open_app()
    scripts = _preload_scripts(at)
    assert len(scripts) == 1, scripts
    assert browser.streamlit_plotly_js() in scripts[0]
    assert charts(at) and all(c.type == "bidi_component" for c in charts(at))
    at.run()
    assert _preload_scripts(at) == []            # once per session

    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("views/definitions.py").run()
    assert title(at) == "Definitions" and _preload_scripts(at) == []


def test_without_streamlits_plotly_bundle_the_charts_are_st_plotly_charts(monkeypatch):
    """If a Streamlit upgrade renames its plotly bundle, nothing is preloaded and every chart is
    drawn by st.plotly_chart instead, with the same figure and summary."""
    import ui
    from charts import browser

    at = open_app("views/criteria.py")
    own = [(chart_spec(c), chart_alt(c)) for c in charts(at)]
    monkeypatch.setattr(browser, "streamlit_plotly_js", lambda: None)
    monkeypatch.setattr(ui, "_chart_element", None)
    at = open_app("views/criteria.py")
    assert _preload_scripts(at) == []
    fallback = charts(at)
    assert fallback and all(c.type == "plotly_chart" for c in fallback)
    assert [(chart_spec(c), chart_alt(c)) for c in fallback] == own


def test_a_cards_closed_tab_is_not_built(monkeypatch):
    """The Data tab's table (and, with the Data tab open, the chart) is made only when its tab is
    open: most people never open the Data tab, and its table cost the server on every new view."""
    from analysis import national as an_mod
    from charts import national as ch_mod

    made = []
    for module, name in ((an_mod, "heatmap_table"), (ch_mod, "heatmap")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _real=real, _name=name, **k: made.append(_name) or _real(*a, **k))
    at = open_app("views/criteria.py")
    assert made == ["heatmap"]
    made.clear()
    show_tab(at, "Data")
    assert made == ["heatmap_table"]
    assert "Partnership" in table_with(at, "Partnership").columns   # the table is there, and complete


# ====================================================================== illustrative data (About sheet)
# Whether per-partnership data is made up is the workbook's own `Illustrative` row (format 1.1), not
# where the workbook came from: the caveat follows the data into a published version, a preview and
# CSP_WORKBOOK, and into CSV downloads and the report; a workbook of real results has none.

ALL_PAGES = DATA_PAGES + ["views/accessibility.py", "views/data.py"]
PASSCODE = "correct horse"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def illustrative_sheets(flag: str | None = "yes") -> dict:
    sheets = make_sheets()
    sheets["About"] = [["A workbook for trying the dashboard out"]] + ([["Illustrative", flag]] if flag else [])
    return sheets


def open_as_analyst() -> "AppTest":
    """The app on the Data page, signed in with the analysts' passcode (as in tests/test_data_page.py)."""
    import auth
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.secrets.update({"analysts": {"passcode_hash": auth.hash_passcode(PASSCODE)}})
    at.run()
    go(at, "views/data.py")
    at.text_input(key="signin_name").input("Ana Analyst")
    at.text_input(key="signin_passcode").input(PASSCODE)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception, at.exception
    return at


def publish(at, data: bytes, name: str):
    """Check and publish a workbook on the Data page, as an analyst does."""
    go(at, "views/data.py")
    at.file_uploader(key="upload").set_value((name, data, XLSX)).run()
    next(b for b in at.button if b.label == "Publish this workbook").click().run()
    assert not at.exception, at.exception
    if "Published as version" not in text(at.success):      # the page asks to confirm first
        next(b for b in at.button if b.label.lower().startswith(("yes", "confirm"))).click().run()
        assert not at.exception, at.exception
    assert "Published as version" in text(at.success)
    return at


def about_text(at) -> str:
    """The Definitions page's element that shows the workbook's About text."""
    found = [str(e.value) for e in [*at.main.get("markdown"), *at.main.get("text")]
             if "A workbook for trying the dashboard out" in str(e.value)]
    assert len(found) == 1, found
    return found[0]


def caveat_on_every_page(at) -> dict[str, tuple[bool, bool]]:
    """{page: (the banner says illustrative, the footer says illustrative)}, Partnership with Fife or North."""
    names = set(at.sidebar.selectbox(key="partnership").options)
    choose(at, "partnership", "Fife" if "Fife" in names else "North")
    seen = {}
    for page in ALL_PAGES:
        go(at, page)
        seen[page] = (ILLUSTRATIVE in text(at.info), "illustrative" in footer(at).lower())
    return seen


def test_publishing_the_sample_keeps_the_caveat_and_a_real_workbook_has_none(media):
    at = open_as_analyst()
    publish(at, SAMPLE.read_bytes(), "sample-review.xlsx")
    assert "version 1 (sample-review.xlsx)" in footer(at)
    assert caveat_on_every_page(at) == {page: (True, True) for page in ALL_PAGES}
    go(at, "views/criteria.py")
    _, _, data = download(at, media, "download-criteria-coverage")
    assert csv_frame(data).columns[-1] == "Illustrative" and set(csv_frame(data)["Illustrative"]) == {"yes (made-up data)"}
    viewer = open_app()                                    # anyone else's fresh session, too
    assert "version 1 (sample-review.xlsx)" in footer(viewer) and ILLUSTRATIVE in text(viewer.info)

    # a real workbook (no Illustrative row) published over it: the caveat goes, everywhere
    go(at, "views/data.py")
    at.file_uploader(key="upload").set_value(("real.xlsx", workbook_bytes(), XLSX)).run()
    assert any(m.startswith("Compared with the published version: this workbook is not marked illustrative "
                            "(About sheet) where the published version is") for m in texts(at.markdown))
    assert "This workbook is marked illustrative" not in text(at.info)
    publish(at, workbook_bytes(), "real.xlsx")
    assert caveat_on_every_page(at) == {page: (False, False) for page in ALL_PAGES}
    go(at, "views/criteria.py")
    _, _, data = download(at, media, "download-criteria-coverage")
    assert "Illustrative" not in csv_frame(data).columns


def test_an_illustrative_workbook_says_so_in_pages_csvs_and_the_report(monkeypatch, tmp_path, media):
    import html

    from loaders.model import ILLUSTRATIVE_NOTE

    use_workbook(monkeypatch, tmp_path, illustrative_sheets("yes"))   # not the sample: CSP_WORKBOOK
    at = open_app()
    assert caveat_on_every_page(at) == {page: (True, True) for page in ALL_PAGES}
    go(at, "views/overview.py")
    table = table_with(at, "ID", "Fully met", "Partially met", "Not met")
    _, _, data = download(at, media, "download-overview-criteria")
    pd.testing.assert_frame_equal(csv_frame(data), as_text(table).assign(**CSV_CAVEAT))
    go(at, "views/partnership.py")
    _, _, data = download(at, media, "report")
    report = html.unescape(data.decode("utf-8"))
    assert ILLUSTRATIVE_NOTE in report
    assert report.index(ILLUSTRATIVE_NOTE) < report.index("Each criterion")   # near the top
    go(at, "views/definitions.py")
    assert "Illustrative" not in about_text(at)                  # a setting, not a paragraph of About


def test_a_workbook_marked_not_illustrative_has_no_caveat(monkeypatch, tmp_path, media):
    from apptools import document_text
    from loaders.model import ILLUSTRATIVE_NOTE

    use_workbook(monkeypatch, tmp_path, illustrative_sheets("no"))
    at = open_app()
    assert caveat_on_every_page(at) == {page: (False, False) for page in ALL_PAGES}
    go(at, "views/partnership.py")
    _, _, data = download(at, media, "report")
    assert ILLUSTRATIVE_NOTE not in document_text(data)
    go(at, "views/definitions.py")
    assert "Illustrative" not in about_text(at)


def test_the_data_page_says_an_upload_is_illustrative_before_publishing():
    from datasource import store_folder
    from store import Store

    Store(store_folder()).publish(workbook_bytes(), "real.xlsx", "ana@example.org", "real results")
    at = open_app("views/data.py")
    assert ILLUSTRATIVE not in text(at.info)                 # real data is published: no caveat
    at.file_uploader(key="upload").set_value(("training.xlsx", workbook_bytes(illustrative_sheets("yes")), XLSX)).run()
    assert not at.exception, at.exception
    assert "**This workbook is marked illustrative (About sheet)**" in text(at.info)
    summary = "\n".join(texts(at.markdown))
    assert ("Compared with the published version: this workbook is marked illustrative (About sheet: its "
            "per-partnership scores and dates are made up) where the published version is not") in summary
    details = table_with(at, "Sheet", "Item", "Field")
    assert details[["Sheet", "Field", "Published now", "In this upload"]].values.tolist() == [
        ["About", "Illustrative", "no", "yes"]]
    at.file_uploader(key="upload").set_value(("real-again.xlsx", workbook_bytes(illustrative_sheets("no")), XLSX)).run()
    assert "marked illustrative" not in text(at.info) and "marked illustrative" not in "\n".join(texts(at.markdown))


def test_your_partnership_is_marked_on_every_chart_by_a_mark_and_in_words():
    """Issue 18: once chosen, Fife is picked out on the Overview's bars and map, the heatmap's row, the
    timeline's point and the criterion page, by a marker or an outline and in words, not by colour."""
    from loaders import read_workbook

    review = read_workbook((Path(__file__).parents[1] / "data" / "sample-review.xlsx").read_bytes())
    sc = review.scores[(review.scores["partnership"] == "Fife") & (review.scores["cycle"] == "2023-2026")]
    fife = dict(zip(sc["criterion"], sc["label"]))
    at = open_app()
    bars, tiles = (chart_spec(c) for c in charts(at))
    assert not [t for t in bars["data"] if "yours" in str(t.get("name"))]  # nothing marked before a choice
    choose(at, "partnership", "Fife")
    bars, tiles = (chart_spec(c) for c in charts(at))
    diamonds = next(t for t in bars["data"] if t.get("name") == "◆ Fife (yours): its level")
    assert diamonds["marker"]["symbol"] == "diamond" and len(diamonds["y"]) == len(fife)
    assert sorted(d[1] for d in diamonds["customdata"]) == sorted(f"Fife: {lbl}" for lbl in fife.values())
    assert "◆ marks Fife's own level on each criterion." in text(at.caption)
    assert tiles["layout"]["shapes"][0]["line"]["width"] == 3
    assert any(t.startswith("<b>▶") for tr in tiles["data"] if tr.get("mode") == "text" for t in tr["text"])
    assert "Fife's square is outlined and marked ▶." in text(at.caption)

    go(at, "views/criteria.py")
    heat = next(chart_spec(c) for c in charts(at) if chart_spec(c)["data"][0]["type"] == "heatmap")
    rows = heat["layout"]["yaxis"]["categoryarray"]
    assert "▶ Fife (yours)" in rows and "Fife" not in rows
    outline = heat["layout"]["shapes"][0]
    assert outline["y0"] == rows.index("▶ Fife (yours)") - 0.5 and outline["line"]["width"] == 2.5
    assert "Fife's row is outlined and named ▶ (yours)." in text(at.caption)

    go(at, "views/timeline.py")
    points = chart_spec(charts(at)[1])
    assert "▶ Fife (yours)" in points["layout"]["yaxis"]["categoryarray"]
    assert any(s.get("type") == "rect" for s in points["layout"]["shapes"])
    assert "Fife's plan is the outlined row, named ▶ (yours)." in text(at.caption)

    at.session_state["criterion"] = "12"
    go(at, "views/criterion.py")
    moves = chart_spec(charts(at)[0])
    assert any("▶ Fife (yours)" in t for t in moves["layout"]["yaxis"]["ticktext"])
