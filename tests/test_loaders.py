"""Every rule of workbook format 1 (shared/workbook-format.md), on workbooks each test builds.

Every test runs twice: on an Excel workbook (.xlsx, openpyxl) and on an OpenDocument spreadsheet
(.ods, odfpy) holding the same cells, so both formats meet the same checks with the same messages."""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

import builders
from builders import make_review, make_sheets, workbook_bytes
from loaders import NOT_ASSESSED, Problem, Review, read_workbook
from loaders.model import SCHEMA

C1, C2 = "2020-2023", "2023-2026"


@pytest.fixture(autouse=True, params=["xlsx", "ods"])
def workbook_format(request, monkeypatch):
    """The format every workbook of the test is written in (builders.workbook_bytes)."""
    monkeypatch.setattr(builders, "FORMAT", request.param)
    return request.param


def read(sheets: dict) -> Review:
    return read_workbook(workbook_bytes(sheets))


def only(problems: list[Problem], contains: str = "") -> Problem:
    """The single problem (whose message contains `contains`), failing with the list otherwise."""
    found = [p for p in problems if contains in p.message]
    assert len(found) == 1, "\n".join(map(str, problems))
    return found[0]


def score_of(review: Review, partnership: str, cycle: str, criterion: str):
    s = review.scores
    row = s[(s.partnership == partnership) & (s.cycle == cycle) & (s.criterion == criterion)]
    assert len(row) == 1
    return row.iloc[0]


def rename_header(sheets, sheet, old, new):
    header = sheets[sheet][0]
    header[header.index(old)] = new


def drop_column(sheets, sheet, name):
    index = sheets[sheet][0].index(name)
    for row in sheets[sheet]:
        if len(row) > index:
            del row[index]


# -- a valid workbook ----------------------------------------------------------------------------

def test_default_workbook_reads_clean_with_documented_frames():
    review = make_review()
    assert review.ok and review.errors == [] and review.warnings == []
    for name, columns in SCHEMA.items():
        frame = getattr(review, name)
        assert list(frame.columns) == list(columns), name
        assert [str(t) for t in frame.dtypes] == list(columns.values()), name
    assert list(review.partnerships["partnership"]) == ["North", "South", "East", "West"]
    assert list(review.criteria["criterion"]) == ["1", "2", "3"]
    assert list(review.cycles["cycle"]) == [C1, C2]
    assert review.labels == ["Fully met", "Partially met", "Not met"] and review.full_label == "Fully met"
    assert len(review.submissions) == 8 and len(review.scores) == 24
    assert score_of(review, "North", C1, "1")[["score", "label"]].tolist() == [2, "Fully met"]
    assert review.cycles.loc[0, "due_date"] == pd.Timestamp("2020-04-01")


def test_empty_optional_frames_keep_their_columns_and_types():
    review = make_review()
    for name in ("themes", "national"):
        frame = getattr(review, name)
        assert frame.empty and [str(t) for t in frame.dtypes] == list(SCHEMA[name].values())


def test_sample_workbook_reads_clean(tmp_path):
    from pathlib import Path
    sample = Path(__file__).resolve().parents[1] / "data" / "sample-review.xlsx"
    if not sample.exists():
        pytest.skip("data/sample-review.xlsx not generated yet")
    review = read_workbook(sample)
    assert review.ok, review.errors
    assert len(review.partnerships) > 0 and len(review.scores) > 0


def test_reads_path_bytes_and_file_object(tmp_path):
    data = workbook_bytes(make_sheets())
    path = tmp_path / "w.xlsx"
    path.write_bytes(data)
    with open(path, "rb") as f:
        reviews = [read_workbook(path), read_workbook(str(path)), read_workbook(data), read_workbook(f)]
    for review in reviews:
        pd.testing.assert_frame_equal(review.scores, reviews[0].scores)


# -- forgiving about form --------------------------------------------------------------------------

def test_headers_ignore_case_spacing_trailing_full_stop_and_order():
    plain = make_review()
    sheets = make_sheets()
    rename_header(sheets, "Partnerships", "Partnership", "  PARTNERSHIP. ")
    rename_header(sheets, "Partnerships", "Peer group", "peer   Group")
    rename_header(sheets, "Cycles", "Due date", "Due Date.")
    rename_header(sheets, "Submissions", "Submitted", " submitted ")
    for name in ("Submissions", "Scores", "Criteria"):        # any column order
        sheets[name] = [list(reversed(row)) for row in sheets[name]]
    review = read(sheets)
    assert review.ok and not review.warnings, review.errors + review.warnings
    for name in SCHEMA:
        pd.testing.assert_frame_equal(getattr(review, name), getattr(plain, name), obj=name)


def test_sheet_names_ignore_case_spacing_and_full_stop():
    sheets = make_sheets()
    renamed = {"Scores": "SCORES", "Cycles": "cycles ", "Criteria": "Criteria."}
    sheets = {renamed.get(k, k): v for k, v in sheets.items()}
    review = read(sheets)
    assert review.ok and len(review.scores) == 24


def test_extra_sheets_and_columns_are_ignored():
    sheets = make_sheets()
    sheets["Notes"] = [["Anything"], ["at all", 3]]
    for name in ("Partnerships", "Submissions", "Scores", "Cycles", "Criteria"):
        sheets[name][0].append("Comments")
        for row in sheets[name][1:]:
            row.append("free text")
    review = read(sheets)
    assert review.ok and not review.warnings, review.errors + review.warnings
    pd.testing.assert_frame_equal(review.scores, make_review().scores)


def test_empty_rows_are_skipped_and_row_numbers_stay_excel_rows():
    sheets = make_sheets()
    sheets["Scores"].insert(3, [])                 # Excel row 4 is blank
    sheets["Scores"].insert(4, [None, "", None])   # and so is row 5
    sheets["Scores"][6][3] = "Excellent"           # list index 6 is Excel row 7
    review = read(sheets)
    problem = only(review.errors)
    assert (problem.sheet, problem.row, problem.column) == ("Scores", 7, "D (2)")
    assert len(review.scores) == 24


def test_header_below_blank_rows_counts_rows_from_the_top():
    sheets = make_sheets()
    sheets["Submissions"] = [[], []] + sheets["Submissions"]   # header in Excel row 3
    sheets["Submissions"][5][2] = "not a date"                   # Excel row 6
    problem = only(read(sheets).errors)
    assert (problem.sheet, problem.row, problem.column) == ("Submissions", 6, "C (Submitted)")


@pytest.mark.parametrize("headers", [
    ["1", "2", "3"],
    ["1. Criterion 1", "2. Criterion 2", "3. Criterion 3"],
    [1, 2, 3],                                   # numeric header cells
    [1.0, "2.", "Criterion 3"],
    ["Criterion 1", "2: Something", "3 - Else"],
])
def test_criterion_headers_id_only_or_id_and_name(headers):
    sheets = make_sheets()
    sheets["Scores"][0] = ["Partnership", "Cycle"] + headers
    review = read(sheets)
    assert review.ok and not review.warnings, review.errors + review.warnings
    pd.testing.assert_frame_equal(review.scores, make_review().scores)


def test_criterion_headers_do_not_confuse_1_and_10_and_6a():
    ids = ["1", "6a", "6b", "10"]
    sheets = make_sheets(criteria=ids, scores={("North", C1): ["Fully met", "Not met", "Partially met", 0]})
    sheets["Scores"][0] = ["Partnership", "Cycle", "10. Ten", "6B. Bee", "6a Aye", "1. One"]
    for row in sheets["Scores"][1:]:
        row[2:] = list(reversed(row[2:]))
    review = read(sheets)
    assert review.ok, review.errors
    labels = {c: score_of(review, "North", C1, c)["label"] for c in ids}
    assert labels == {"1": "Fully met", "6a": "Not met", "6b": "Partially met", "10": "Not met"}


def test_unknown_numbered_column_in_scores_is_a_warning():
    sheets = make_sheets()
    sheets["Scores"][0].append("16. Extra")
    for row in sheets["Scores"][1:]:
        row.append("Fully met")
    review = read(sheets)
    assert review.ok
    warning = only(review.warnings)
    assert (warning.sheet, warning.row, warning.column) == ("Scores", 1, "F (16. Extra)")


@pytest.mark.parametrize("cell,label,score", [
    ("Fully met", "Fully met", 2), ("  fully MET ", "Fully met", 2), (2, "Fully met", 2),
    (2.0, "Fully met", 2), ("2", "Fully met", 2), (1, "Partially met", 1), (0, "Not met", 0),
    ("Achieved", "Fully met", 2), ("Partly achieved", "Partially met", 1), ("Not achieved", "Not met", 0),
    ("not achieved.", "Not met", 0),
])
def test_score_cells_hold_labels_or_numbers(cell, label, score):
    review = make_review(scores={("North", C1): [cell, cell, cell]})
    assert review.ok, review.errors
    assert score_of(review, "North", C1, "2")[["label", "score"]].tolist() == [label, score]


def test_blank_score_cell_is_not_assessed():
    review = make_review(scores={("North", C1): [None, "", "Fully met"]})
    assert review.ok
    row = score_of(review, "North", C1, "1")
    assert pd.isna(row["score"]) and pd.isna(row["label"])
    assert NOT_ASSESSED == "Not assessed"


def test_custom_four_level_scale():
    scale = [(3, "Excellent", "yes"), (2, "Good", "yes"), (1, "Adequate", "partly"), (0, "Weak", "no")]
    review = make_review(scale=scale, scores={("North", C1): ["Excellent", 1, "weak"],
                                              ("South", C1): ["Good", "Fully met", None]})
    assert review.labels == ["Excellent", "Good", "Adequate", "Weak"]
    assert list(review.scale["met"]) == ["yes", "yes", "partly", "no"]
    assert [score_of(review, "North", C1, c)["label"] for c in "123"] == ["Excellent", "Adequate", "Weak"]
    problem = only(review.errors)
    assert (problem.sheet, problem.row, problem.column) == ("Scores", 3, "D (2)")
    assert "'Fully met' is not on the scale" in problem.message and "Excellent, Good, Adequate, Weak" in problem.message


def test_scale_in_report_wording_accepts_the_other_wording():
    scale = [(2, "Achieved", "yes"), (1, "Partly achieved", "partly"), (0, "Not achieved", "no")]
    review = make_review(scale=scale, scores={("North", C1): ["Fully met", "Partially met", "not met"]})
    assert review.ok, review.errors
    assert [score_of(review, "North", C1, c)["label"] for c in "123"] == ["Achieved", "Partly achieved", "Not achieved"]


def test_scale_sheet_order_and_met_default_from_position():
    review = make_review(scale=[(0, "Bad", None), (2, "Best", None), (1, "Middle", None)])
    assert review.labels == ["Best", "Middle", "Bad"]
    assert list(review.scale["met"]) == ["yes", "partly", "no"]
    assert list(review.scale["order"]) == [0, 1, 2]


@pytest.mark.parametrize("cell,expected", [
    ("03/04/2021", "2021-04-03"),            # day first, as in the UK
    ("3/4/2021", "2021-04-03"),
    ("03/04/21", "2021-04-03"),
    ("2021-04-03", "2021-04-03"),            # ISO
    ("3 April 2021", "2021-04-03"),
    ("3rd Apr 2021", "2021-04-03"),
    (dt.date(2021, 4, 3), "2021-04-03"),     # a real Excel date
    (dt.datetime(2021, 4, 3, 14, 30), "2021-04-03"),
    (44289, "2021-04-03"),                   # a date whose cell lost its date format
])
def test_dates_day_first_text_iso_or_real(cell, expected):
    sheets = make_sheets(cycles=["2020-2023"], submitted={("North", C1): cell})
    sheets["Cycles"][1][2] = dt.date(2021, 3, 31)          # extended deadline
    review = read(sheets)
    assert review.ok and not review.warnings, review.errors + review.warnings
    subs = review.submissions.set_index("partnership")
    assert subs.loc["North", "submitted"] == pd.Timestamp(expected)


def test_blank_submitted_is_not_yet_received():
    review = make_review(submitted={("North", C1): None})
    assert review.ok and not review.warnings
    assert pd.isna(review.submissions.set_index(["partnership", "cycle"]).loc[("North", C1), "submitted"])


@pytest.mark.parametrize("written", ["north", "  NORTH ", "No rth", "Northshire", "The North"])
def test_partnership_names_match_ignoring_case_spacing_and_aliases(written):
    sheets = make_sheets()
    sheets["Partnerships"][1][4] = "Northshire; The North"      # Also known as
    sheets["Scores"][1][0] = written
    sheets["Submissions"][1][0] = written
    review = read(sheets)
    assert review.ok, review.errors
    assert set(review.scores["partnership"]) == {"North", "South", "East", "West"}
    assert score_of(review, "North", C1, "1")["label"] == "Fully met"
    assert review.partnerships.set_index("partnership").loc["North", "aliases"] == "Northshire; The North"


def test_ampersand_matches_and():
    names = ["Dumfries and Galloway", "Argyll & Bute", "Fife", "Moray"]
    sheets = make_sheets(partnerships=names)
    sheets["Scores"][1][0] = "Dumfries & Galloway"
    sheets["Submissions"][2][0] = "argyll and bute"
    review = read(sheets)
    assert review.ok and not review.warnings, review.errors + review.warnings
    assert set(review.scores["partnership"]) == set(names)


def test_partnership_columns_are_tidy():
    sheets = make_sheets()
    sheets["Partnerships"][1][1] = " Angus;Dundee City ;; Perth and Kinross"
    review = read(sheets)
    row = review.partnerships.iloc[0]
    assert row["local_authorities"] == "Angus; Dundee City; Perth and Kinross"
    assert row["health_board"] == "NHS North" and row["peer_group"] == "Group A" and row["order"] == 0


# -- strict about meaning: errors ------------------------------------------------------------------

def test_unknown_partnership_suggests_the_closest_name():
    names = ["Glasgow City", "Edinburgh", "Fife", "Highland"]
    sheets = make_sheets(partnerships=names)
    sheets["Scores"][2][0] = "Glasgow"           # Excel row 3
    problem = only(read(sheets).errors)
    assert problem == Problem("Scores", 3, "A (Partnership)",
                              "'Glasgow' is not a partnership in sheet Partnerships: did you mean 'Glasgow City'?")


def test_unknown_partnership_without_a_close_match():
    sheets = make_sheets()
    sheets["Submissions"][1][0] = "Zzyzx"
    problem = only(read(sheets).errors)
    assert problem.message == "'Zzyzx' is not a partnership in sheet Partnerships."
    assert (problem.sheet, problem.row, problem.column) == ("Submissions", 2, "A (Partnership)")


@pytest.mark.parametrize("sheet", ["Partnerships", "Criteria", "Cycles", "Submissions", "Scores"])
def test_missing_required_sheet(sheet):
    review = make_review(drop=[sheet])
    problem = only(review.errors)       # and nothing else: rows that name it are not errors too
    assert problem == Problem(sheet, None, None, f"The workbook has no sheet called '{sheet}'. It is required.")


def test_missing_optional_sheets_are_fine():
    review = make_review(drop=["Scale"])
    assert review.ok and review.labels == ["Fully met", "Partially met", "Not met"]


@pytest.mark.parametrize("sheet,column", [
    ("Partnerships", "Partnership"), ("Criteria", "ID"), ("Criteria", "Name"), ("Cycles", "Cycle"),
    ("Cycles", "Due date"), ("Submissions", "Partnership"), ("Submissions", "Cycle"),
    ("Scores", "Partnership"), ("Scores", "Cycle"),
])
def test_missing_required_column(sheet, column):
    sheets = make_sheets()
    drop_column(sheets, sheet, column)
    problem = only(read(sheets).errors)
    assert problem == Problem(sheet, 1, column, f"Sheet {sheet} has no column '{column}' in its header row "
                                                "(row 1). It is required.")


def test_missing_required_column_in_optional_sheets():
    sheets = make_sheets(national=[[C1, "1", 1, 2, 1, "x"]], themes=[["T", "F", "all", "1"]])
    drop_column(sheets, "National figures", "Not met")
    drop_column(sheets, "Themes 2019", "Finding")
    review = read(sheets)
    assert {(p.sheet, p.column) for p in review.errors} == {("National figures", "Not met"), ("Themes 2019", "Finding")}


def test_duplicate_partnership():
    sheets = make_sheets()
    sheets["Partnerships"].append(["north ", "", "", "", ""])     # Excel row 6, same name in other case
    problem = only(read(sheets).errors)
    assert problem == Problem("Partnerships", 6, "A (Partnership)", "Partnership 'north' appears twice (first in row 2).")


def test_duplicate_criterion_id():
    sheets = make_sheets()
    sheets["Criteria"].append([2, "Again", "", ""])                 # Excel row 5
    problem = only(read(sheets).errors)
    assert problem == Problem("Criteria", 5, "A (ID)", "Criterion ID '2' appears twice (first in row 3).")


def test_duplicate_cycle():
    sheets = make_sheets()
    sheets["Cycles"].append([C2, dt.date(2023, 4, 1), None, None])  # Excel row 4
    problem = only(read(sheets).errors)
    assert problem == Problem("Cycles", 4, "A (Cycle)", f"Cycle '{C2}' appears twice (first in row 3).")


@pytest.mark.parametrize("sheet", ["Submissions", "Scores"])
def test_duplicate_partnership_and_cycle(sheet):
    sheets = make_sheets()
    sheets[sheet].append(list(sheets[sheet][3]))                    # South 2020-2023 again, Excel row 10
    sheets[sheet][-1][0] = "SOUTH"
    review = read(sheets)
    problem = only(review.errors)
    assert problem == Problem(sheet, 10, "A (Partnership)", f"South appears twice for cycle {C1} (first in row 3).")
    assert len(review.scores) == 24 and len(review.submissions) == 8      # the first row is kept


def test_score_not_on_the_scale_suggests_the_label():
    review = make_review(scores={("East", C2): ["Fully mett", 5, "Partially met"]})
    errors = review.errors
    assert len(errors) == 2
    assert errors[0] == Problem("Scores", 8, "C (1)", "'Fully mett' is not on the scale: did you mean 'Fully met'? "
                                "Use one of Fully met, Partially met, Not met (or 2, 1, 0), or leave it blank if not assessed.")
    assert (errors[1].row, errors[1].column) == (8, "D (2)") and errors[1].message.startswith("'5' is not on the scale.")


@pytest.mark.parametrize("cell,text", [(True, "TRUE"), (False, "FALSE")])
def test_score_that_is_true_or_false_is_an_error(cell, text):
    # pandas counts True as 1 and False as 0: the cell must not quietly become a score of 1 or 0,
    # also when real 1s and 0s are in the same column
    review = make_review(scores={("East", C2): [cell, 1, 0], ("West", C2): [1, cell, None]})
    errors = review.errors
    assert len(errors) == 2, errors
    choices = "Use one of Fully met, Partially met, Not met (or 2, 1, 0), or leave it blank if not assessed."
    assert errors[0] == Problem("Scores", 8, "C (1)", f"{text} is a true/false value, not a score. {choices}")
    assert (errors[1].row, errors[1].column, errors[1].message) == (9, "D (2)", errors[0].message)
    scores = {(p, c): score_of(review, p, C2, c)["score"] for p in ("East", "West") for c in ("1", "2", "3")}
    assert [scores[k] for k in [("East", "2"), ("East", "3"), ("West", "1")]] == [1, 0, 1]
    assert all(pd.isna(scores[k]) for k in [("East", "1"), ("West", "2"), ("West", "3")])


@pytest.mark.parametrize("cell", ["31/02/2021", "soon", "2021-13-01", "12/25/2021", True, 12])
def test_date_that_is_not_a_date(cell):
    review = make_review(submitted={("West", C2): cell})
    problem = only(review.errors)
    assert (problem.sheet, problem.row, problem.column) == ("Submissions", 9, "C (Submitted)")
    assert problem.message.startswith("Submitted '") and "is not a date" in problem.message


@pytest.mark.parametrize("cell", ["01/01/2300", "31/03/0021", "2262-04-12", "1899-12-31"])
def test_date_with_a_year_far_off_is_a_problem_not_a_crash(cell):
    """Dates nanoseconds cannot hold (pandas' datetime64[ns] ends in 2262) once stopped the whole
    read with an exception; any year outside 1900-2199 is now a problem at its cell."""
    review = make_review(submitted={("West", C2): cell})
    assert only(review.errors) == Problem("Submissions", 9, "C (Submitted)",
                                          f"Submitted '{cell}' is not a date in 1900-2199. Check the year.")
    sheets = make_sheets()
    sheets["Cycles"][1][1] = cell
    problem = only(read(sheets).errors)
    assert (problem.sheet, problem.row, problem.column) == ("Cycles", 2, "B (Due date)")


def test_required_date_is_required():
    sheets = make_sheets()
    sheets["Cycles"][1][1] = None
    problem = only(read(sheets).errors)
    assert problem == Problem("Cycles", 2, "B (Due date)", "Due date is empty. It is required.")


@pytest.mark.parametrize("sheet", ["Submissions", "Scores"])
def test_cycle_not_in_cycles(sheet):
    sheets = make_sheets()
    sheets[sheet][4][1] = "2026-2029"                                # Excel row 5
    problem = only(read(sheets).errors)
    assert problem == Problem(sheet, 5, "B (Cycle)", f"Cycle '2026-2029' is not in sheet Cycles (cycles there: {C1}, {C2}).")


def test_badly_written_cycle():
    sheets = make_sheets()
    sheets["Cycles"].append(["2026", dt.date(2026, 4, 1), None, None])
    problem = only(read(sheets).errors)
    assert problem == Problem("Cycles", 4, "A (Cycle)", "Cycle '2026' must be written as two years, e.g. 2020-2023.")


def test_cycle_written_with_other_dash_matches():
    sheets = make_sheets()
    sheets["Scores"][1][1] = "2020 – 2023"
    assert read(sheets).ok


def test_blank_required_cell():
    sheets = make_sheets()
    sheets["Submissions"][2][0] = None
    problem = only(read(sheets).errors)
    assert problem == Problem("Submissions", 3, "A (Partnership)", "Partnership is empty. It is required.")


def test_draft_must_be_yes_or_no():
    sheets = make_sheets()
    sheets["Submissions"][1][3] = "maybe"
    sheets["Submissions"][2][3] = "YES"
    sheets["Submissions"][3][3] = True
    review = read(sheets)
    assert only(review.errors) == Problem("Submissions", 2, "D (Draft)", "Draft 'maybe' must be yes or no.")
    assert review.submissions["draft"].tolist()[:3] == [False, True, True]


def test_alias_used_by_two_partnerships():
    sheets = make_sheets()
    sheets["Partnerships"][1][4] = "Middle"
    sheets["Partnerships"][2][4] = "middle"
    problem = only(read(sheets).errors)
    assert (problem.sheet, problem.row, problem.column) == ("Partnerships", 3, "E (Also known as)")
    assert "'middle' is already the name or another name of 'North'" in problem.message


def test_scale_sheet_errors():
    review = make_review(scale=[(2, "Top", "yes"), ("two", "Mid", "partly"), (1.5, "Odd", "no"),
                                (0, "Top", "no"), (-1, "Low", "sometimes")])
    messages = [(p.row, p.column, p.message) for p in review.errors if p.sheet == "Scale"]
    assert messages == [
        (3, "A (Score)", "Score 'two' must be a whole number such as 2."),
        (4, "A (Score)", "Score '1.5' must be a whole number such as 2."),
        (6, "C (Met)", "Met 'sometimes' must be yes, partly or no."),
        (5, "B (Label)", "Label 'Top' appears twice (first in row 2)."),
    ]


def test_empty_required_sheet():
    sheets = make_sheets()
    sheets["Criteria"] = []
    problem = only(read(sheets).errors, "empty")
    assert problem == Problem("Criteria", None, None, "Sheet Criteria is empty: it needs a header row (ID, Name) "
                                                      "and rows of data.")


def test_duplicate_column_in_header():
    sheets = make_sheets()
    sheets["Submissions"][0][5] = "submitted"
    problem = only(read(sheets).errors)
    assert problem == Problem("Submissions", 1, "F (submitted)",
                              "Column 'submitted' appears twice in the header row (also column C).")


def test_criterion_with_two_columns():
    sheets = make_sheets()
    sheets["Scores"][0][4] = "2. Again"
    problem = only(read(sheets).errors)
    assert problem == Problem("Scores", 1, "E (2. Again)", "Criterion 2 has two columns (also column D).")


def test_themes_2019():
    review = make_review(themes=[["Vision", "Most plans had one", "most", "1"], ["Data", "Few used data", "only 3", 2],
                                 ["Other", "Text", "lots", "99"]])
    assert review.themes[["theme", "extent", "criterion"]].values.tolist() == [
        ["Vision", "most", "1"], ["Data", "only 3", "2"], ["Other", "lots", ""]]
    assert review.themes["extent_count"].isna().tolist() == [True, False, True]
    assert review.themes["extent_count"][1] == 3
    assert [(p.row, p.column) for p in review.errors] == [(4, "C (Extent)"), (4, "D (Criterion)")]
    assert review.errors[0].message == "Extent 'lots' must be one of all, most, majority, some, few, none or a number such as 3."
    assert review.errors[1].message == "Criterion '99' is not an ID in sheet Criteria."


def test_cells_checked_once_per_distinct_value_are_reported_on_every_row():
    # the reader checks each distinct cell once, then goes back to the rows: every row with a bad
    # cell is reported, in order, with its own text (TRUE and 1 are equal to Python, not here)
    sheets = make_sheets()
    for row, submitted, draft in zip(sheets["Submissions"][1:6], ["soon", True, 1, "soon", dt.date(2019, 1, 1)],
                                     ["maybe", True, 1, "maybe", "no"]):
        row[2], row[3] = submitted, draft
    sheets["Submissions"][6][2] = dt.date(2019, 1, 1)              # the same early date again
    review = read(sheets)
    assert [(p.row, p.column, p.message.split(".")[0]) for p in review.errors] == [
        (2, "C (Submitted)", "Submitted 'soon' is not a date"), (3, "C (Submitted)", "Submitted 'True' is not a date"),
        (4, "C (Submitted)", "Submitted '1' is not a date"), (5, "C (Submitted)", "Submitted 'soon' is not a date"),
        (2, "D (Draft)", "Draft 'maybe' must be yes or no"), (5, "D (Draft)", "Draft 'maybe' must be yes or no"),
    ]
    assert [(p.row, p.message[:42]) for p in review.warnings] == [
        (6, "Submitted 1 January 2019 is before cycle 2"), (7, "Submitted 1 January 2019 is before cycle 2")]
    subs = review.submissions
    assert subs["draft"].tolist()[:6] == [False, True, True, False, False, False]
    assert subs["submitted"].isna().tolist()[:6] == [True, True, True, True, False, False]
    assert subs["submitted"].tolist()[4] == pd.Timestamp("2019-01-01")


def test_national_figures_disagreeing_on_several_rows_are_warned_in_row_order():
    # defaults: criterion 3 is (1, 1, 2) in both cycles, criterion 1 in 2020-2023 is (2, 1, 1)
    review = make_review(national=[[C2, "3", 1, 1, 2, ""], [C2, "3", 0, 0, 0, ""], [C1, "2", 4, 0, 0, ""],
                                   [C1, "1", 2, 1, 1, ""], [C1, "3", 1, 9, 2, "x"]])
    assert [p.row for p in review.errors] == [3]                     # the repeat, not compared
    assert [(p.row, p.column) for p in review.warnings] == [(4, "C (Fully met)"), (6, "D (Partially met)")]
    assert review.warnings[1].message.endswith("disagree with sheet Scores: Partially met 9 published, 1 in Scores.")
    assert review.national["count"].tolist() == [1, 1, 2, 4, 0, 0, 2, 1, 1, 1, 9, 2]
    assert review.national["source"].tolist()[-3:] == ["x"] * 3


def test_national_figures_read_and_checked():
    # defaults: criterion 1 in 2020-2023 is Fully met, Partially met, Not met, Fully met (2, 1, 1)
    national = [[C1, "1", 2, 1, 1, "Report"], ["2017-2020", "1", 1, 1, 1, ""], [C1, "2", "x", 1, None, ""],
                [C1, "9", 1, 1, 1, ""], [C1, "1", 2, 1, 1, ""]]
    review = make_review(national=national)
    assert len(review.national) == 3
    assert review.national[["cycle", "criterion", "label", "count", "source"]].values.tolist()[0] == \
        [C1, "1", "Fully met", 2, "Report"]
    assert [(p.row, p.column, p.message) for p in review.errors] == [
        (3, "A (Cycle)", f"Cycle '2017-2020' is not in sheet Cycles (cycles there: {C1}, {C2})."),
        (4, "C (Fully met)", "Fully met 'x' must be a whole number of plans (0 or more)."),
        (4, "E (Not met)", "Not met is empty. It is required (0 if none)."),
        (5, "B (Criterion)", "Criterion '9' is not an ID in sheet Criteria."),
        (6, "B (Criterion)", f"Criterion 1 appears twice for cycle {C1} (first in row 2)."),
    ]
    assert review.warnings == []


def test_national_figures_in_report_wording_map_onto_the_scale():
    sheets = make_sheets(national=[[C1, "1", 2, 1, 1, ""]])
    sheets["National figures"][0][2:5] = ["Achieved", "Partly achieved", "Not achieved"]
    review = read(sheets)
    assert review.ok and not review.warnings
    assert list(review.national["label"]) == ["Fully met", "Partially met", "Not met"]


def test_all_errors_reported_in_one_pass():
    sheets = make_sheets(partnerships=["Glasgow City", "Fife", "Moray", "Angus"])
    sheets["Partnerships"].append(["Fife", "", "", "", ""])        # 1 duplicate partnership
    sheets["Scores"][1][0] = "Glasgow"                              # 2 unknown name
    sheets["Scores"][2][3] = "Excellent"                            # 3 score not on the scale
    sheets["Submissions"][3][2] = "31/31/2021"                      # 4 not a date
    sheets["Submissions"][4][1] = "2029-2032"                       # 5 cycle not in Cycles
    review = read(sheets)
    assert [(p.sheet, p.row, p.column) for p in review.errors] == [
        ("Partnerships", 6, "A (Partnership)"), ("Submissions", 5, "B (Cycle)"), ("Submissions", 4, "C (Submitted)"),
        ("Scores", 2, "A (Partnership)"), ("Scores", 3, "D (2)")], review.errors
    assert not review.ok


# -- warnings ---------------------------------------------------------------------------------------

def test_partnership_without_submission_or_scores_for_a_cycle():
    sheets = make_sheets()
    sheets["Submissions"] = [r for r in sheets["Submissions"] if r[:2] != ["West", C2]]
    sheets["Scores"] = [r for r in sheets["Scores"] if r[:2] not in (["East", C1], ["West", C1])]
    review = read(sheets)
    assert review.ok
    assert review.warnings == [
        Problem("Submissions", None, "Partnership", f"Cycle {C2} has no row for 1 partnership: West."),
        Problem("Scores", None, "Partnership", f"Cycle {C1} has no row for 2 partnerships: East, West."),
    ]


def test_criterion_without_a_scores_column():
    sheets = make_sheets()
    drop_column(sheets, "Scores", "2")
    review = read(sheets)
    assert review.ok
    assert review.warnings == [Problem("Scores", 1, None, "Criterion 2 (Criterion 2) has no column in sheet Scores: "
                                                          "it is shown as not assessed.")]
    assert "2" not in set(review.scores["criterion"])


def test_national_figures_disagreeing_with_scores():
    review = make_review(national=[[C1, "1", 2, 1, 1, ""], [C2, "3", 3, 0, 1, ""], ["2020-2023", "2", 1, 2, 1, ""]])
    assert review.ok
    # defaults: criterion 3 in 2023-2026 is Not met, Fully met, Partially met, Not met (1, 1, 2)
    assert review.warnings == [Problem("National figures", 3, "C (Fully met)", f"For {C2} criterion 3 the published figures "
                                       "disagree with sheet Scores: Fully met 3 published, 1 in Scores; Partially met "
                                       "0 published, 1 in Scores; Not met 1 published, 2 in Scores.")]


def test_national_figures_for_a_cycle_without_scores_are_not_compared():
    sheets = make_sheets(cycles=[C1, C2, "2017-2020"], national=[["2017-2020", "1", 9, 9, 9, ""]])
    sheets["Submissions"] = [r for r in sheets["Submissions"] if r[1] != "2017-2020"]
    sheets["Scores"] = [r for r in sheets["Scores"] if r[1] != "2017-2020"]
    review = read(sheets)
    assert review.ok and review.warnings == []
    assert list(review.cycles["cycle"]) == ["2017-2020", C1, C2]


@pytest.mark.parametrize("date,extended,words", [
    (dt.date(2019, 12, 31), None, "is before cycle 2020-2023 starts"),
    (dt.date(2021, 4, 2), None, "more than a year after the deadline of 1 April 2020"),
    (dt.date(2022, 4, 1), dt.date(2021, 3, 31), "more than a year after the deadline of 31 March 2021"),
])
def test_submission_date_far_from_the_cycle(date, extended, words):
    sheets = make_sheets(submitted={("East", C1): date})
    sheets["Cycles"][1][2] = extended
    review = read(sheets)
    assert review.ok
    warning = only(review.warnings)
    assert (warning.sheet, warning.row, warning.column) == ("Submissions", 4, "C (Submitted)")
    assert words in warning.message


def test_submission_dates_within_the_cycle_are_fine():
    sheets = make_sheets(submitted={("East", C1): dt.date(2020, 1, 1), ("West", C1): dt.date(2021, 3, 31)})
    assert read(sheets).warnings == []


# -- every problem says where it is, in plain English ----------------------------------------------

def test_every_problem_names_sheet_row_and_column_in_plain_english():
    sheets = make_sheets(national=[[C1, "1", 9, 9, 9, ""]], themes=[["T", None, "lots", "x"]])
    sheets["Scores"][1][2] = "Great"
    sheets["Scores"][2][0] = "Nowhere"
    sheets["Submissions"][1][2] = "yesterday"
    sheets["Submissions"][2][3] = "perhaps"
    sheets["Criteria"].append(["1", "Dup", "", ""])
    sheets["Cycles"].append(["20-23", dt.date(2020, 1, 1), None, None])
    sheets["Submissions"] = [r for r in sheets["Submissions"] if r[:2] != ["West", C2]]
    review = read(sheets)
    assert len(review.errors) >= 8 and len(review.warnings) >= 2
    for problem in review.errors + review.warnings:
        assert problem.sheet in make_sheets(national=[], themes=[])
        assert problem.column or "has no column in sheet Scores" in problem.message, problem
        if "has no row for" not in problem.message:
            assert isinstance(problem.row, int) and problem.row >= 1, problem
        text = problem.message
        assert text[0].isupper() or text[0] == "'", text
        assert text.endswith((".", "?")), text
        assert not re.search(r"\b(nan|None|NaT|Traceback|Exception|KeyError|dtype)\b", text), text
        assert problem.where().startswith(f"sheet {problem.sheet}")


def test_problem_where_and_as_dict():
    p = Problem("Scores", 7, "E (4. Data)", "Bad.")
    assert p.where() == "sheet Scores, row 7, column E (4. Data)"
    assert p.as_dict() == {"sheet": "Scores", "row": 7, "column": "E (4. Data)", "message": "Bad.", "record": None}


def test_about_sheet_is_read_as_text():
    sheets = make_sheets()
    sheets["About"] = [["About this workbook"], [], ["Made", "by hand", 2024]]
    assert read(sheets).about == "About this workbook\nMade by hand 2024"


# -- the About sheet's Illustrative row (format 1.1) -------------------------------------------------

def test_illustrative_row_sets_the_flag_and_is_not_about_text():
    sheets = make_sheets()
    sheets["About"] = [["About this workbook"], ["Illustrative", "yes"], ["Made by hand"]]
    review = read(sheets)
    assert review.ok and review.illustrative is True
    assert review.about == "About this workbook\nMade by hand"


@pytest.mark.parametrize("label, value, expected", [
    ("Illustrative", "yes", True), ("ILLUSTRATIVE", "Yes", True), (" illustrative. ", "Y", True),
    ("Illustrative:", "TRUE", True), ("Illustrative", True, True),
    ("Illustrative", "no", False), ("illustrative", "N", False), ("Illustrative", "false", False),
    ("Illustrative", False, False)])
def test_illustrative_row_reads_yes_and_no_forgivingly(label, value, expected):
    sheets = make_sheets()
    sheets["About"] = [[label, value]]
    review = read(sheets)
    assert review.ok, review.errors
    assert review.illustrative is expected and review.about == ""


def test_illustrative_row_may_start_in_a_later_column():
    sheets = make_sheets()
    sheets["About"] = [[None, "Illustrative", None, "yes"]]
    assert read(sheets).illustrative is True


def test_no_about_sheet_or_no_row_means_real_data():
    assert make_review().illustrative is False
    sheets = make_sheets()
    sheets["About"] = [["Scores are made up for illustration"], ["Illustrative data, see above"]]
    review = read(sheets)
    assert review.ok and review.illustrative is False
    assert review.about == "Scores are made up for illustration\nIllustrative data, see above"


@pytest.mark.parametrize("row, column, shown", [(["Illustrative", "maybe"], "B", "'maybe'"),
                                                (["Illustrative"], "B", "blank"),
                                                ([None, "Illustrative", "sort of"], "C", "'sort of'")])
def test_illustrative_row_with_another_value_is_an_error_with_its_place(row, column, shown):
    sheets = make_sheets()
    sheets["About"] = [["About this workbook"], [], row]
    review = read(sheets)
    assert not review.ok and review.illustrative is False
    problem = only(review.errors, "Illustrative")
    assert (problem.sheet, problem.row, problem.column) == ("About", 3, column)
    assert f"Illustrative is {shown}: it must be yes" in problem.message


def test_two_illustrative_rows_are_an_error():
    sheets = make_sheets()
    sheets["About"] = [["Illustrative", "yes"], ["Illustrative", "no"]]
    problem = only(read(sheets).errors, "second Illustrative row")
    assert (problem.sheet, problem.row, problem.column) == ("About", 2, "A")
    assert "the first is row 1" in problem.message


# -- reading Scores ahead, in another thread -------------------------------------------------------

def _read_in_one_thread(data: bytes) -> Review:
    """What read_workbook does, without the read-ahead: every sheet read where it is checked."""
    import io

    import python_calamine

    from loaders import reader

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        return reader._check(reader._Checker(book))
    finally:
        book.close()


def _read_ahead_threads() -> list[str]:
    import threading

    return [t.name for t in threading.enumerate() if t.name.startswith("csp-read-ahead")]


def test_reading_scores_ahead_changes_nothing():
    """Problems on every sheet, before and after Scores: the same frames and the same problems in the
    same order as reading every sheet in turn, and no thread left behind."""
    sheets = make_sheets(partnerships=["North", "South", "East", "West"], criteria=["1", "2", "3"])
    sheets["Partnerships"].append(["North", "again", "", "", ""])      # a repeat, before Scores
    sheets["Submissions"][2][2] = "not a date"
    sheets["Scores"][1][3] = "Excellent"                               # off the scale, in Scores
    sheets["Scores"][3][2] = "Nowhere"                                 # an unknown cycle
    sheets["National figures"] = [["Cycle", "Criterion", "Fully met", "Partially met", "Not met", "Source"],
                                  [C2, "1", 9, 9, 9, "made up"]]        # totals that disagree, after Scores
    data = workbook_bytes(sheets)
    ahead, alone = read_workbook(data), _read_in_one_thread(data)
    assert [p.sheet for p in ahead.errors][:2] == ["Partnerships", "Submissions"]
    assert {"Partnerships", "Submissions", "Scores"} <= {p.sheet for p in ahead.errors}
    assert "National figures" in {p.sheet for p in ahead.warnings}
    assert ahead.errors == alone.errors and ahead.warnings == alone.warnings
    for name in ("partnerships", "criteria", "scale", "cycles", "submissions", "scores", "national"):
        pd.testing.assert_frame_equal(getattr(ahead, name), getattr(alone, name))
    assert _read_ahead_threads() == []


def test_a_scores_sheet_too_large_is_refused_from_the_read_ahead_too(monkeypatch):
    """The grid-size guard applies to the sheet read ahead: its refusal reaches the caller as it would
    without the thread (here a trusted read, which skips the byte scan, with a lowered limit)."""
    from loaders import reader

    sheets = make_sheets(partnerships=[f"P{i}" for i in range(30)], criteria=[str(i) for i in range(1, 21)])
    monkeypatch.setattr(reader, "MAX_SHEET_CELLS", 40 * 23)   # Scores: 61 rows x 22 columns; the rest far less
    with pytest.raises(reader.WorkbookUnreadable, match="Sheet Scores reaches row 61"):
        read_workbook(workbook_bytes(sheets), trusted=True)
    assert _read_ahead_threads() == []


def test_a_workbook_without_scores_reads_without_a_thread():
    review = read(make_sheets(drop=("Scores",)))
    assert "The workbook has no sheet called 'Scores'. It is required." in [p.message for p in review.errors]
    assert review.scores.empty and _read_ahead_threads() == []
