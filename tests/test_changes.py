"""analysis.changes: what an upload holds and what it changes against the published version."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis.changes import (BLANK, DATE_COLUMNS, DETAIL_COLUMNS, NATIONAL_COLUMNS, NO_ROW, SCORE_COLUMNS, compare,
                              contents, contents_sentence, criterion_label, national_disagreements)
from builders import make_review, make_sheets
from loaders import NOT_ASSESSED


@pytest.fixture(scope="module")
def base():
    return make_review()


def _submission_row(sheets: dict, partnership: str, cycle: str) -> list:
    for row in sheets["Submissions"][1:]:
        if row[0] == partnership and row[1] == cycle:
            return row
    raise KeyError((partnership, cycle))


# ---------------------------------------------------------------- nothing to compare with / no change

def test_first_publish_lists_everything_as_new(base):
    ch = compare(None, base)
    assert ch.first and ch.changed
    assert ch.partnerships_added == ["North", "South", "East", "West"]
    assert ch.cycles_added == ["2020-2023", "2023-2026"]
    assert ch.criteria_added == ["1. Criterion 1", "2. Criterion 2", "3. Criterion 3"]
    assert ch.partnerships_removed == [] and ch.cycles_removed == []
    assert ch.scores.empty and list(ch.scores.columns) == SCORE_COLUMNS
    assert ch.dates.empty and list(ch.dates.columns) == DATE_COLUMNS
    assert ch.details.empty and list(ch.details.columns) == DETAIL_COLUMNS
    assert ch.summary == "There is nothing to compare with: this workbook would be version 1."


def test_same_workbook_has_no_changes(base):
    ch = compare(base, make_review())
    assert not ch.first and not ch.changed
    assert all(v == 0 for v in ch.counts.values())
    assert ch.scores.empty and ch.dates.empty and ch.details.empty
    assert ch.summary.startswith("No changes:")


def test_other_words_for_the_same_label_are_not_a_change(base):
    sheets = make_sheets()
    for row in sheets["Scores"][1:]:
        row[2:] = [{"Fully met": "Achieved", "Partially met": "Partly achieved", "Not met": "Not achieved"}[c]
                   for c in row[2:]]
    ch = compare(base, make_review(sheets))
    assert not ch.changed, ch.summary


def test_compare_does_not_modify_its_inputs(base):
    new = make_review(scores={("North", "2023-2026"): ["Not met", "Not met", "Not met"]})
    before_old, before_new = base.scores.copy(), new.scores.copy()
    compare(base, new)
    pd.testing.assert_frame_equal(base.scores, before_old)
    pd.testing.assert_frame_equal(new.scores, before_new)


# ---------------------------------------------------------------- scores

def test_a_changed_score_is_listed_with_old_and_new_label(base):
    # default pattern: North (i=0) in every cycle is Fully met, Partially met, Not met
    new = make_review(scores={("North", "2023-2026"): ["Fully met", "Fully met", "Not met"]})
    ch = compare(base, new)
    assert ch.scores.to_dict("records") == [
        {"partnership": "North", "cycle": "2023-2026", "criterion": "2. Criterion 2", "change": "changed",
         "old": "Partially met", "new": "Fully met"}]
    assert ch.counts["scores"] == ch.counts["scores_changed"] == 1
    assert ch.summary == "Compared with the published version: 1 score changed."


def test_a_blank_score_shows_as_not_assessed(base):
    new = make_review(scores={("South", "2020-2023"): [None, "Not met", "Fully met"]})
    ch = compare(base, new)
    row = ch.scores.iloc[0]
    assert (row["partnership"], row["criterion"], row["old"], row["new"]) == \
        ("South", "1. Criterion 1", "Partially met", NOT_ASSESSED)
    assert len(ch.scores) == 1


def test_a_new_empty_criterion_column_is_not_a_score_change(base):
    sheets = make_sheets(criteria=["1", "2", "3", "4"])
    for row in sheets["Scores"][1:]:
        row[-1] = None
    ch = compare(base, make_review(sheets))
    assert ch.criteria_added == ["4. Criterion 4"] and ch.criteria_removed == []
    assert ch.scores.empty
    assert ch.summary == "Compared with the published version: 1 criterion added (4. Criterion 4)."


def test_a_new_criterion_with_scores_lists_them_as_added(base):
    ch = compare(base, make_review(criteria=["1", "2", "3", "4"]))
    assert ch.criteria_added == ["4. Criterion 4"]
    assert set(ch.scores["change"]) == {"added"} and set(ch.scores["criterion"]) == {"4. Criterion 4"}
    assert len(ch.scores) == 8  # 4 partnerships x 2 cycles
    assert set(ch.scores["old"]) == {NO_ROW}


def test_scores_list_changed_then_added_then_removed_in_workbook_order(base):
    new = make_review(partnerships=["North", "South", "East", "Fife"],
                      scores={("South", "2023-2026"): ["Not met", "Not met", "Fully met"]})
    ch = compare(base, new)
    assert list(ch.scores["change"].drop_duplicates()) == ["changed", "added", "removed"]
    changed = ch.scores[ch.scores["change"] == "changed"]
    assert list(changed["criterion"]) == ["1. Criterion 1"]  # South 2023-2026 was Partially met, Not met, Fully met
    added = ch.scores[ch.scores["change"] == "added"]
    assert set(added["partnership"]) == {"Fife"} and len(added) == 6
    assert list(added["cycle"]) == ["2020-2023"] * 3 + ["2023-2026"] * 3
    assert set(added["old"]) == {NO_ROW}
    removed = ch.scores[ch.scores["change"] == "removed"]
    assert set(removed["partnership"]) == {"West"} and set(removed["new"]) == {NO_ROW}
    c = ch.counts
    assert (c["scores_changed"], c["scores_added"], c["scores_removed"]) == (1, 6, 6)


# ---------------------------------------------------------------- partnerships and cycles

def test_partnerships_added_and_removed(base):
    ch = compare(base, make_review(partnerships=["North", "South", "East", "Fife", "Angus"]))
    assert ch.partnerships_added == ["Fife", "Angus"]
    assert ch.partnerships_removed == ["West"]
    assert ch.summary.startswith("Compared with the published version: 2 partnerships added (Fife and Angus), "
                                 "1 partnership removed (West), ")


def test_cycles_added_and_removed(base):
    ch = compare(base, make_review(cycles=["2023-2026", "2026-2029"]))
    assert ch.cycles_added == ["2026-2029"]
    assert ch.cycles_removed == ["2020-2023"]
    assert ch.counts["cycles_added"] == ch.counts["cycles_removed"] == 1
    assert set(ch.scores.loc[ch.scores["change"] == "added", "cycle"]) == {"2026-2029"}
    assert set(ch.scores.loc[ch.scores["change"] == "removed", "cycle"]) == {"2020-2023"}
    assert "1 cycle added (2026-2029), 1 cycle removed (2020-2023)" in ch.summary


def test_long_lists_of_names_are_shortened_in_the_summary(base):
    names = ["North", "South", "East", "West"] + [f"Area {i}" for i in range(1, 9)]
    ch = compare(base, make_review(partnerships=names))
    assert len(ch.partnerships_added) == 8  # the lists themselves are complete
    assert "8 partnerships added (Area 1, Area 2, Area 3, Area 4, Area 5 and 3 more)" in ch.summary


# ---------------------------------------------------------------- submission dates

def test_changed_dates_are_listed_with_old_and_new(base):
    sheets = make_sheets(submitted={("South", "2020-2023"): dt.date(2020, 5, 1),
                                    ("North", "2023-2026"): None})
    row = _submission_row(sheets, "East", "2023-2026")
    row[3], row[4], row[5] = "yes", dt.date(2023, 2, 1), dt.date(2023, 9, 30)
    ch = compare(base, make_review(sheets))
    records = ch.dates.to_dict("records")
    assert records == [
        {"partnership": "North", "cycle": "2023-2026", "field": "Submitted", "change": "changed",
         "old": "22 March 2023", "new": BLANK},
        {"partnership": "South", "cycle": "2020-2023", "field": "Submitted", "change": "changed",
         "old": "27 March 2020", "new": "1 May 2020"},
        {"partnership": "East", "cycle": "2023-2026", "field": "Draft", "change": "changed",
         "old": "no", "new": "yes"},
        {"partnership": "East", "cycle": "2023-2026", "field": "Interim statement", "change": "changed",
         "old": BLANK, "new": "1 February 2023"},
        {"partnership": "East", "cycle": "2023-2026", "field": "Feedback issued", "change": "changed",
         "old": BLANK, "new": "30 September 2023"},
    ]
    assert ch.scores.empty
    assert ch.counts["dates"] == ch.counts["dates_changed"] == 5
    assert ch.summary == "Compared with the published version: 5 submission details changed."


def test_only_dates_changed_says_dates(base):
    ch = compare(base, make_review(submitted={("West", "2020-2023"): dt.date(2020, 4, 20)}))
    assert ch.summary == "Compared with the published version: 1 submission date changed."


def test_dates_of_a_new_partnership_are_added_blank_ones_left_out(base):
    new = make_review(partnerships=["North", "South", "East", "West", "Fife"],
                      submitted={("Fife", "2023-2026"): None})
    ch = compare(base, new)
    assert ch.dates.to_dict("records") == [
        {"partnership": "Fife", "cycle": "2020-2023", "field": "Submitted", "change": "added",
         "old": NO_ROW, "new": "11 April 2020"}]


# ---------------------------------------------------------------- every other sheet

NATIONAL = [["2020-2023", "1", 10, 15, 5, "Review report 2022"], ["2020-2023", "2", 20, 8, 2, "Review report 2022"]]
THEMES = [["Early help", "Plans described early help", "most", "1"], ["Data", "Plans used data", "some", ""]]


def test_the_sample_against_itself_has_no_changes():
    from loaders import read_workbook
    from datasource import SAMPLE

    ch = compare(read_workbook(SAMPLE), read_workbook(SAMPLE))
    assert not ch.changed and ch.details.empty, ch.details


def test_a_changed_deadline_is_not_reported_as_no_changes(base):
    sheets = make_sheets()
    sheets["Cycles"][2][1] = dt.date(2023, 6, 30)      # 2023-2026: due 1 April 2023 -> 30 June 2023
    sheets["Cycles"][2][2] = dt.date(2023, 9, 30)      # and an extended due date where there was none
    ch = compare(base, make_review(sheets))
    assert ch.changed
    assert ch.details.to_dict("records") == [
        {"sheet": "Cycles", "item": "2023-2026", "field": "Due date", "change": "changed",
         "old": "1 April 2023", "new": "30 June 2023"},
        {"sheet": "Cycles", "item": "2023-2026", "field": "Extended due date", "change": "changed",
         "old": BLANK, "new": "30 September 2023"}]
    assert ch.counts["details"] == ch.counts["details_changed"] == 2
    assert ch.summary == "Compared with the published version: 2 other details differ (Cycles)."


def test_national_figures_themes_peer_groups_and_names_are_compared():
    old = make_review(national=NATIONAL, themes=THEMES)
    national = [list(r) for r in NATIONAL[:1]] + [["2023-2026", "1", 12, 14, 4, "Review report 2025"]]
    national[0][2] = 11                                 # 2020-2023 criterion 1: Fully met 10 -> 11
    themes = [list(THEMES[0]), ["Data", "Plans used data", "most", ""]]
    sheets = make_sheets(national=national, themes=themes,
                         peer_groups={"North": "Group C", "South": "Group B", "East": "Group A", "West": "Group B"})
    sheets["Criteria"][2][1] = "A clearer name"         # criterion 2
    ch = compare(old, make_review(sheets))
    got = ch.details.to_dict("records")
    assert {"sheet": "Partnerships", "item": "North", "field": "Peer group", "change": "changed",
            "old": "Group A", "new": "Group C"} in got
    assert {"sheet": "Criteria", "item": "2. A clearer name", "field": "Name", "change": "changed",
            "old": "Criterion 2", "new": "A clearer name"} in got
    assert {"sheet": "Themes 2019", "item": "Data", "field": "Extent", "change": "changed",
            "old": "some", "new": "most"} in got
    assert {"sheet": "National figures", "item": "2020-2023, 1. Criterion 1", "field": "Fully met",
            "change": "changed", "old": "10", "new": "11"} in got
    removed = [r for r in got if r["change"] == "removed"]
    added = [r for r in got if r["change"] == "added"]
    assert {(r["item"], r["field"], r["old"], r["new"]) for r in removed} == {
        ("2020-2023, 2. A clearer name", "Fully met", "20", NO_ROW),
        ("2020-2023, 2. A clearer name", "Partially met", "8", NO_ROW),
        ("2020-2023, 2. A clearer name", "Not met", "2", NO_ROW)}
    assert {(r["item"], r["field"], r["new"]) for r in added} == {
        ("2023-2026, 1. Criterion 1", "Fully met", "12"), ("2023-2026, 1. Criterion 1", "Partially met", "14"),
        ("2023-2026, 1. Criterion 1", "Not met", "4")}
    assert len(got) == 10
    assert ch.summary == ("Compared with the published version: 10 other details differ (Partnerships, Criteria, "
                          "Themes 2019 and National figures).")


def test_a_changed_scale_is_listed_level_by_level():
    old = make_review()
    new = make_review(scale=[(2, "Fully met", "yes"), (1, "Partly met", "partly"), (0, "Not met", "no")],
                      scores={(p, c): ["Fully met", "Partly met", "Not met"] for p in ("North", "South", "East", "West")
                              for c in ("2020-2023", "2023-2026")})
    scale_rows = [r for r in compare(old, new).details.to_dict("records") if r["sheet"] == "Scale"]
    assert scale_rows == [{"sheet": "Scale", "item": "Level 2 (1 = best)", "field": "Label", "change": "changed",
                           "old": "Partially met", "new": "Partly met"}]


# ---------------------------------------------------------------- what a workbook holds

def test_contents_counts_and_sentence():
    review = make_review(scores={("North", "2020-2023"): [None, None, "Fully met"]},
                         submitted={("South", "2023-2026"): None})
    assert contents(review) == {"partnerships": 4, "criteria": 3, "cycles": 2, "plans_received": 7,
                                "scores": 22, "warnings": len(review.warnings)}
    sentence = contents_sentence(review)
    assert sentence.startswith("It holds 4 partnerships, 3 criteria, 2 cycles (2020-2023 and 2023-2026), "
                               "22 scores and 7 plans received")
    assert sentence.endswith(".")


def test_contents_mentions_warnings():
    review = make_review(submitted={("South", "2023-2026"): dt.date(2026, 1, 1)})  # far after the due date
    assert review.ok and review.warnings
    assert "warning" in contents_sentence(review)


# ---------------------------------------------------------------- what viewers see now; criteria by name

def test_the_summary_names_what_viewers_see_now(base):
    new = make_review(scores={("North", "2023-2026"): ["Fully met", "Fully met", "Not met"]})
    assert compare(base, new, "the shipped sample").summary == "Compared with the shipped sample: 1 score changed."
    assert compare(base, make_review(), "the shipped sample").summary.startswith(
        "No changes: the shipped sample holds the same")


def test_criteria_are_named_by_id_and_name_and_removed_ones_by_their_old_name():
    old = make_review(criteria=["1", "2", "3", "4"])
    sheets = make_sheets()
    sheets["Criteria"][1][1] = "Resources"
    ch = compare(old, make_review(sheets))
    assert ch.criteria_removed == ["4. Criterion 4"]
    assert set(ch.scores["criterion"]) == {"4. Criterion 4"}             # its scores, removed
    assert "1 criterion removed (4. Criterion 4)" in ch.summary
    assert {"sheet": "Criteria", "item": "1. Resources", "field": "Name", "change": "changed",
            "old": "Criterion 1", "new": "Resources"} in ch.details.to_dict("records")
    assert criterion_label("12", "Resources") == "12. Resources"
    assert criterion_label("6a", "") == criterion_label("6a", None) == criterion_label("6a", "6a") == "6a"


def test_national_figures_that_disagree_with_the_scores_are_listed_by_cycle_criterion_and_level():
    # scores in 2023-2026, criterion 1 (default pattern): Fully met 2, Partially met 1, Not met 1
    national = [["2020-2023", "1", 10, 15, 5, "r"],                       # 30 published, 4 plans scored
                ["2023-2026", "1", 2, 1, 1, "r"],                          # agrees
                ["2023-2026", "2", 3, 1, 0, "r"]]
    review = make_review(national=national)
    got = national_disagreements(review)
    assert list(got.columns) == NATIONAL_COLUMNS
    assert [tuple(r) for r in got.itertuples(index=False)] == [
        ("2020-2023", "1. Criterion 1", "Fully met", 10, 2, 8),
        ("2020-2023", "1. Criterion 1", "Partially met", 15, 1, 14),
        ("2020-2023", "1. Criterion 1", "Not met", 5, 1, 4),
        ("2023-2026", "2. Criterion 2", "Fully met", 3, 1, 2),         # 2023-2026 criterion 1 agrees: not listed
        ("2023-2026", "2. Criterion 2", "Partially met", 1, 2, -1),
        ("2023-2026", "2. Criterion 2", "Not met", 0, 1, -1)]
    assert national_disagreements(make_review()).empty
