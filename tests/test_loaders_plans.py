"""The optional Plans sheet (workbook format 1.1): partnership, cycle, title, link, pages. Every test
runs on an .xlsx and an .ods holding the same cells, like tests/test_loaders.py."""
from __future__ import annotations

import pandas as pd
import pytest

import builders
from builders import make_sheets, workbook_bytes
from loaders import Problem, read_workbook
from loaders.model import SCHEMA

C1, C2 = "2020-2023", "2023-2026"
HEADER = ["Partnership", "Cycle", "Title", "Link", "Pages"]


@pytest.fixture(autouse=True, params=["xlsx", "ods"])
def workbook_format(request, monkeypatch):
    monkeypatch.setattr(builders, "FORMAT", request.param)
    return request.param


def read(plans_rows, header=HEADER, name="Plans"):
    sheets = make_sheets()
    sheets[name] = [header] + plans_rows
    return read_workbook(workbook_bytes(sheets))


def only(problems, contains=""):
    found = [p for p in problems if contains in p.message]
    assert len(found) == 1, "\n".join(map(str, problems))
    return found[0]


def test_no_plans_sheet_is_fine_and_gives_an_empty_typed_frame():
    review = read_workbook(workbook_bytes(make_sheets()))
    assert review.ok and review.plans.empty
    assert list(review.plans.columns) == list(SCHEMA["plans"])
    assert [str(t) for t in review.plans.dtypes] == list(SCHEMA["plans"].values())


def test_plans_are_read_with_forgiving_names_headers_and_cycles():
    review = read([["north", "2023 - 2026", "North Plan 2023-2026", "https://www.example.gov.uk/north.pdf", 84],
                   ["South", C1, None, None, None],
                   [None, None, None, None, None]],                       # empty row skipped
                  header=[" partnership ", "CYCLE", "Title.", "link", "Pages"], name="plans ")
    assert review.ok, review.errors
    rows = review.plans.astype(object).where(review.plans.notna(), None).to_dict("records")
    assert rows == [
        {"partnership": "North", "cycle": C2, "title": "North Plan 2023-2026",
         "link": "https://www.example.gov.uk/north.pdf", "pages": 84},
        {"partnership": "South", "cycle": C1, "title": "", "link": "", "pages": None},
    ]


def test_title_link_and_pages_are_optional_columns():
    review = read([["North", C2]], header=["Partnership", "Cycle"])
    assert review.ok and review.plans["partnership"].tolist() == ["North"]


def test_unknown_partnership_and_cycle_name_sheet_row_and_column():
    review = read([["Nroth", C2, "t", None, None], ["South", "2029-2032", "t", None, None]])
    assert only(review.errors, "Nroth") == Problem(
        "Plans", 2, "A (Partnership)", "'Nroth' is not a partnership in sheet Partnerships: did you mean 'North'?")
    cycle = only(review.errors, "2029-2032")
    assert (cycle.sheet, cycle.row, cycle.column) == ("Plans", 3, "B (Cycle)")
    assert cycle.record == "South, 2029-2032"


def test_a_partnership_and_cycle_twice_is_an_error():
    review = read([["North", C2, "a", None, None], ["North", C2, "b", None, None]])
    assert only(review.errors) == Problem("Plans", 3, "A (Partnership)",
                                          f"North appears twice for cycle {C2} (first in row 2).")


@pytest.mark.parametrize("link", ["http://www.example.gov.uk/plan.pdf", "javascript:alert(1)", "www.example.gov.uk",
                                  "https://", "https://exa mple.gov.uk/x", "ftp://example.gov.uk/plan.pdf",
                                  "file:///C:/plans/plan.pdf"])
def test_a_link_that_is_not_https_is_an_error(link):
    problem = only(read([["North", C2, "t", link, None]]).errors)
    assert (problem.sheet, problem.row, problem.column) == ("Plans", 2, "D (Link)")
    assert problem.message.startswith(f"Link '{link}' is not a public web address starting with https://")


@pytest.mark.parametrize("pages", ["many", 0, -3, 12.5])
def test_pages_must_be_a_whole_number(pages):
    problem = only(read([["North", C2, "t", None, pages]]).errors)
    assert (problem.sheet, problem.row, problem.column) == ("Plans", 2, "E (Pages)")
    assert problem.message.startswith("Pages '") and "is not a number of pages" in problem.message


def test_every_problem_at_once():
    review = read([["Zzyzx", C2, "t", "http://x.org", "many"], ["North", C2, "t", None, 10]])
    assert len(review.errors) == 3
    assert {p.column for p in review.errors} == {"A (Partnership)", "D (Link)", "E (Pages)"}


def test_sample_has_a_plans_sheet_for_its_made_up_plans():
    from pathlib import Path
    import json

    root = Path(__file__).resolve().parents[1]
    review = read_workbook(root / "data" / "sample-review.xlsx")
    manifest = json.loads((root / "data" / "plans" / "plans.json").read_text())
    assert review.ok and review.illustrative
    assert sorted(zip(review.plans["partnership"], review.plans["cycle"])) == sorted(
        (r["partnership"], r["cycle"]) for r in manifest["plans"])
    assert (review.plans["link"].fillna("") == "").all()       # made up: no public web address


def test_hidden_names_relabel_plans_and_drop_other_partnerships_links():
    from analysis import names

    review = read([["North", C2, "North's plan", "https://north.example.gov.uk/plan.pdf", 3],
                   ["South", C2, "Plan of South, with North", "https://south.example.gov.uk/plan.pdf", 4]])
    shown = names.hidden(review, "North", b"k" * 32)
    rows = dict(zip(shown.plans["partnership"], zip(shown.plans["title"], shown.plans["link"])))
    assert rows["North"] == ("North's plan", "https://north.example.gov.uk/plan.pdf")
    (label,) = [p for p in rows if p != "North"]
    assert label.startswith("Partnership ")
    assert rows[label] == (f"Plan of {label}, with North", "")   # its name a label, its address gone
