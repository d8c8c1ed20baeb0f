"""AppTest tests of the Partnership page: choosing a partnership, what the page shows for it
(standing, strengths and priorities, change, timing, ranks, report) and the anonymised view.

The crafted workbook below states every score, so each expected number is worked out by hand in
the comments. With names hidden, every string of the rendered page (text, tables, chart figures),
every CSV download and the HTML report are searched for other partnerships' names and aliases.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from apptools import (as_text, charts, choose, csv_frame, document_text, download, download_keys, find_names,  # noqa: F401
                      go, hide_names, media, metrics, names_and_aliases, open_app, page_strings, show_tab,
                      table_with, text, texts)
from builders import make_sheets, workbook_bytes
from loaders import read_workbook

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample-review.xlsx"
PAGE = "views/partnership.py"
FM, PM, NM, NA = "Fully met", "Partially met", "Not met", "Not assessed"

PARTS = ["Fife", "Dundee City", "Perth & Kinross", "Angus", "Falkirk", "Stirling", "Clackmannanshire"]
GROUPS = {"Fife": "Tay", "Dundee City": "Tay", "Perth & Kinross": "Tay",
          "Angus": "Forth", "Falkirk": "Forth", "Stirling": "Forth", "Clackmannanshire": "Forth"}
ALIASES = {"Dundee City": "Dundee", "Perth & Kinross": "Perth and Kinross; PKC"}
NOW = {  # 2023-2026, criteria 1-5 (None = blank, not assessed)
    "Fife": [FM, NM, FM, PM, None],
    "Dundee City": [NM, FM, PM, FM, FM],
    "Perth & Kinross": [PM, FM, PM, FM, FM],
    "Angus": [NM, FM, NM, FM, PM],
    "Falkirk": [PM, FM, PM, FM, FM],
    "Stirling": [NM, PM, PM, PM, NM],
    "Clackmannanshire": [None] * 5,  # a plan not yet received and not scored
}
# 2020-2023 comes from the builder's rotating pattern: Fife (first) has FM, PM, NM, FM, PM.


def crafted(criterion_names: dict[str, str] | None = None) -> dict:
    sheets = make_sheets(partnerships=PARTS, criteria=["1", "2", "3", "4", "5"], peer_groups=GROUPS,
                         scores={(p, "2023-2026"): v for p, v in NOW.items()},
                         submitted={("Fife", "2023-2026"): dt.date(2023, 3, 20),
                                    ("Clackmannanshire", "2023-2026"): None})
    for row in sheets["Partnerships"][1:]:
        row[4] = ALIASES.get(row[0], "")
    for row in sheets["Criteria"][1:]:
        row[1] = (criterion_names or {}).get(row[0], row[1])
    return sheets


@pytest.fixture
def workbook(monkeypatch, tmp_path):
    def use(sheets: dict) -> Path:
        path = tmp_path / "partnerships.xlsx"
        workbook_bytes(sheets, path=path)
        monkeypatch.setenv("CSP_WORKBOOK", str(path))
        return path

    return use


# ====================================================================== choosing a partnership

def test_choose_with_the_pages_own_picker_then_the_sidebar(workbook):
    workbook(crafted())
    at = open_app(PAGE)
    assert at.title[0].value == "Your partnership against its peers"
    picker = at.selectbox(key="partnership_pick")
    assert picker.options == PARTS and picker.value is None
    assert not at.main.dataframe and not charts(at)

    picker.select("Fife").run()
    assert not at.exception
    assert at.title[0].value == "Fife, 2023-2026"
    assert at.sidebar.selectbox(key="partnership").value == "Fife"  # the picker sets the shared selection

    choose(at, "partnership", "Angus")
    assert at.title[0].value == "Angus, 2023-2026"
    assert texts(at.markdown)[0].startswith("Angus fully met 2 of 5 criteria in 2023-2026")
    go(at, "views/overview.py")
    go(at, PAGE)
    assert at.title[0].value == "Angus, 2023-2026"  # kept across pages


# ====================================================================== what it shows

def test_standing_strengths_priorities_change_and_timing(workbook, media):
    workbook(crafted())
    at = open_app()
    choose(at, "partnership", "Fife")
    go(at, PAGE)
    assert at.title[0].value == "Fife, 2023-2026"
    assert not at.info  # not the sample
    assert ("Fife fully met 2 of the 4 criteria assessed (of 5) in 2023-2026; 2 are strengths that fewer than "
            "half of plans fully met, and 2 are priorities that more than half of plans fully met.") == texts(at.markdown)[0]

    # Counts per criterion over the 7 plans (Clackmannanshire all blank; Fife blank on 5):
    #   1: FM 1 (Fife)  PM 2  NM 3  blank 1        Tay peers (Fife, Dundee, P&K): FM 1 of 3
    #   2: FM 4  PM 1  NM 1 (Fife)  blank 1        Tay: FM 2 of 3
    #   3: FM 1 (Fife)  PM 4  NM 1  blank 1        Tay: 1 of 3
    #   4: FM 4  PM 2 (Fife, Stirling)  blank 1    Tay: 2 of 3
    #   5: FM 3  PM 1  NM 1  blank 2 (Fife, Clackmannanshire)   Tay: 2 of 2 assessed
    # Shares are of the plans assessed on the criterion.
    standing = table_with(at, "ID", "Fife")
    expected = pd.DataFrame({
        "ID": ["1", "2", "3", "4", "5"], "Criterion": [f"Criterion {i}" for i in range(1, 6)],
        "Fife": [FM, NM, FM, PM, NA],
        f"Plans: {FM}": [1, 4, 1, 4, 3], f"Plans: {PM}": [2, 1, 4, 2, 1], f"Plans: {NM}": [3, 1, 1, 0, 1],
        f"Plans: {NA}": [1, 1, 1, 1, 2],
        "Share of plans fully met (%)": [17, 67, 17, 67, 60],
        "Share of peer group fully met (%)": [33, 67, 33, 67, 100]})
    pd.testing.assert_frame_equal(standing, expected, check_dtype=False)
    assert ("Fife is at the best level (Fully met) on 2 of 5 criteria (1 not assessed). Across all plans, "
            "Criterion 2 was most often at that level (4 of 6 plans) and Criterion 1 least often (1 of 6).") in texts(at.markdown)
    name, mime, data = download(at, media, "download-partnership-standing")
    assert (name, mime) == ("standing-2023-2026.csv", "text/csv")
    pd.testing.assert_frame_equal(csv_frame(data), as_text(standing))

    # strengths: fully met, by fewer than half (1 and 3); priorities: not fully met, by more than half (2 and 4)
    strengths, priorities = [d.value for d in at.main.dataframe if list(d.value.columns[:3]) == ["ID", "Criterion", "Level"]]
    assert strengths.values.tolist() == [["1", "Criterion 1", FM, 1, 6], ["3", "Criterion 3", FM, 1, 6]]
    assert priorities.values.tolist() == [["2", "Criterion 2", NM, 4, 6], ["4", "Criterion 4", PM, 4, 6]]
    assert list(strengths.columns) == ["ID", "Criterion", "Level", "Plans fully met", "Plans"]
    captions = texts(at.caption)
    assert "Criteria Fife fully met that fewer than half of plans did." in captions
    assert "Criteria Fife did not fully meet that more than half of plans did." in captions

    # change since 2020-2023: FM->FM same, PM->NM down, NM->FM up, FM->PM down, PM->blank
    change = table_with(at, "ID", "2020-2023", "2023-2026", "Change")
    assert change[["2020-2023", "2023-2026", "Change"]].values.tolist() == [
        [FM, FM, "same"], [PM, NM, "down"], [NM, FM, "up"], [FM, PM, "down"], [PM, NA, "not assessed"]]
    assert ("Since 2020-2023, Fife moved up on 1 criterion, stayed the same on 1 and moved down on 2; "
            "1 not assessed in 2023-2026.") in texts(at.markdown)

    # timing: received 20 March; the other five received plans came 5 days early (Dundee City), on the
    # day (Perth & Kinross) and 5, 10, 15 days late, so the median of six is 3 April (between 1 and 6 April)
    assert ("Fife's plan was received on 20 March 2023, 12 days before the deadline of 1 April 2023; half of "
            "the 6 plans received had arrived by 3 April 2023.") in texts(at.markdown)
    assert metrics(at) == {"Received": "20 March 2023", "Deadline": "1 April 2023", "Median of all plans": "3 April 2023"}

    # the report: built when the button is pressed (not on every run), its headline and counts
    button = next(b for b in at.get("download_button") if b.key == "report")
    assert button.proto.deferred_file_id and not button.proto.url
    name, mime, data = download(at, media, "report")
    assert (name, mime) == ("Fife-2023-2026-report.html", "text/html")
    report = document_text(data)
    assert "Fife fully met 2 of the 4 criteria assessed (of 5) in 2023-2026" in report
    assert "Data: partnerships.xlsx (set by CSP_WORKBOOK" in report
    assert "1 of 6" in report and "4 of 6" in report and "3 of 5" in report


def test_a_partnership_with_no_scores_and_no_plan(workbook):
    workbook(crafted())
    at = open_app()
    choose(at, "partnership", "Clackmannanshire")
    go(at, PAGE)
    assert at.title[0].value == "Clackmannanshire, 2023-2026"
    md = texts(at.markdown)
    assert md[0] == "Clackmannanshire has no assessed criteria in 2023-2026."
    standing = table_with(at, "ID", "Clackmannanshire")
    assert standing["Clackmannanshire"].tolist() == [NA] * 5
    assert standing[f"Plans: {FM}"].tolist() == [1, 4, 1, 4, 3]  # the others are still counted
    assert md.count("None in this cycle.") == 2  # no strengths, no priorities
    assert "Clackmannanshire's plan for 2023-2026 has not been received; the deadline was 1 April 2023." in md
    assert metrics(at) == {"Received": "–", "Deadline": "1 April 2023", "Median of all plans": "3 April 2023"}
    at.toggle(key="show_ranks").set_value(True).run()
    assert "Clackmannanshire has no assessed criteria in this cycle." in texts(at.markdown)
    assert not at.exception


def test_ranks_are_hidden_until_asked_for(workbook):
    workbook(crafted())
    at = open_app()
    choose(at, "partnership", "Fife")
    go(at, PAGE)
    toggle = at.toggle(key="show_ranks")
    assert toggle.value is False
    assert not [d for d in at.main.dataframe if "Rank" in d.value.columns]
    assert not [m for m in texts(at.markdown) if " rank " in m]

    toggle.set_value(True).run()
    assert not at.exception
    # criteria fully met: Dundee City 3, Perth & Kinross 3, Falkirk 3, Fife 2 (of 4 assessed), Angus 2,
    # Stirling 0; Clackmannanshire has none assessed and no rank
    ranks = table_with(at, "Rank", "Partnership")
    assert ranks[["Rank", "Partnership", "Criteria fully met", "Criteria assessed", "Tied"]].values.tolist() == [
        [1, "Dundee City", 3, 5, True], [1, "Falkirk", 3, 5, True], [1, "Perth & Kinross", 3, 5, True],
        [4, "Angus", 2, 5, True], [4, "Fife", 2, 4, True], [6, "Stirling", 0, 5, False]]
    assert "Fife shares rank 4 of 6 with 1 other partnership (2 of 4 criteria at the best level)." in texts(at.markdown)

    at.toggle(key="show_ranks").set_value(False).run()
    assert not [d for d in at.main.dataframe if "Rank" in d.value.columns]


# ====================================================================== the anonymised view

def _everything(at, media) -> tuple[list, str]:
    """Every string on the page, and the text of every download (CSV and the HTML report)."""
    strings = page_strings(at)
    show_tab(at, "Data")  # the cards' CSV downloads are in their Data tabs
    files = []
    for key in download_keys(at):
        name, mime, data = download(at, media, key)
        files.append(document_text(data) if mime == "text/html" else data.decode("utf-8-sig"))
    return strings, "\n".join(files)


def _show_all(at, keep: str) -> None:
    choose(at, "partnership", keep)
    go(at, PAGE)
    at.toggle(key="show_ranks").set_value(True).run()
    assert not at.exception
    assert at.title[0].value.startswith(f"{keep}, ")


def test_hidden_names_on_the_sample(media):
    review = read_workbook(SAMPLE.read_bytes())
    others = names_and_aliases(review, "Fife")
    assert "Edinburgh" in others and "Western Isles" in others  # aliases are searched too

    at = open_app()
    _show_all(at, "Fife")
    # names shown: the same search finds them (so it would find a leak)
    strings, files = _everything(at, media)
    assert len(find_names(strings, others)) >= 29  # every other partnership in the ranks table
    assert download_keys(at) == ["download-partnership-standing", "download-partnership-change", "report"]

    hide_names(at)
    assert at.title[0].value == "Fife, 2023-2026"
    assert "Other partnerships' names are hidden on this page and in its downloads." in texts(at.caption)
    strings, files = _everything(at, media)
    assert find_names(strings, others) == []
    assert find_names([("downloads", files)], others) == []
    # the league table still lists everyone, under neutral labels
    ranks = table_with(at, "Rank", "Partnership")
    assert len(ranks) == 30 and "Fife" in set(ranks["Partnership"])
    assert sum(p.startswith("Partnership ") for p in ranks["Partnership"]) == 29
    assert "with other partnerships' names hidden" in text(at.markdown)
    assert "Other partnerships' names are hidden." in files


def test_hidden_names_with_aliases_and_names_inside_criteria(workbook, media):
    """Names with "&", aliases, and a criterion whose name mentions another partnership."""
    path = workbook(crafted({"5": "Links with Dundee", "3": "Perth and Kinross style needs assessment"}))
    review = read_workbook(path.read_bytes())
    at = open_app()
    _show_all(at, "Fife")
    others = names_and_aliases(review, "Fife")
    assert {"Perth & Kinross", "Perth and Kinross", "PKC", "Dundee"} <= set(others)
    strings, files = _everything(at, media)
    assert find_names(strings, ["Dundee"])  # shown while names are not hidden

    hide_names(at)
    strings, files = _everything(at, media)
    assert find_names(strings, others) == []
    assert find_names([("downloads", files)], others) == []
    # the criteria are still there, with the name replaced
    standing = table_with(at, "ID", "Fife")
    assert standing["Criterion"].iloc[4].startswith("Links with ")
    assert standing[f"Plans: {FM}"].tolist() == [1, 4, 1, 4, 3]  # the numbers do not change
