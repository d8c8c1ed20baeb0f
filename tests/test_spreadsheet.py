""""Download the data" (spreadsheet.py): a statistics spreadsheet in .xlsx and .ods, built to the
Government Analysis Function's "Releasing statistics in spreadsheets", read back as a person's
program would (python-calamine, and the files' own XML)."""
from __future__ import annotations

import io
import re
import zipfile

import pandas as pd
import pytest
import python_calamine

import spreadsheet
from apptools import (as_text, choose, download, download_keys, find_names, go, hide_names, media,  # noqa: F401
                      names_and_aliases, open_app, table_with, zip_text)
from builders import make_review, make_sheets
from loaders import read_workbook

KINDS = ["xlsx", "ods"]
CYCLE = "2023-2026"


def read_back(data: bytes) -> dict[str, list[list]]:
    """Every sheet's cells, in order, as python-calamine reads them, from A1 (calamine's grid starts
    at the first filled cell: the empty rows and columns before it are put back)."""
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    out = {}
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        grid = sheet.to_python()
        top, left = sheet.start or (0, 0)
        out[name] = [[""] * (len(grid[0]) + left) for _ in range(top)] + [[""] * left + row for row in grid]
    return out


def table_of(grid: list[list]) -> pd.DataFrame:
    """A sheet's table: the first row with more than one cell filled is its headers, the rows after it its rows."""
    header = next(i for i, row in enumerate(grid) if sum(v != "" for v in row) > 1)
    heads = grid[header]
    width = max(i for i, v in enumerate(heads) if v != "") + 1
    return pd.DataFrame([row[:width] for row in grid[header + 1:]], columns=heads[:width])


def guidance_problems(data: bytes, kind: str) -> list[str]:
    """What breaks "Releasing statistics in spreadsheets" (the rules a program can check)."""
    problems = []
    grids = read_back(data)
    names = list(grids)
    if names[0] != "Cover":
        problems.append(f"the first sheet is {names[0]}, not the cover")
    for name, grid in grids.items():
        if re.fullmatch(r"Sheet\s*\d*", name) or len(name) > 31:
            problems.append(f"sheet name {name!r} does not say what it holds")
        if not grid or not isinstance(grid[0][0], str) or not grid[0][0].strip():
            problems.append(f"{name}: no title in A1")
        if name == "Cover":
            if any(v != "" for row in grid for v in row[1:]):
                problems.append("Cover: text outside column A")
            continue
        header = next((i for i, row in enumerate(grid) if sum(v != "" for v in row) > 1), None)
        if header is None:
            problems.append(f"{name}: no table")
            continue
        for r, row in enumerate(grid[1:header], start=2):
            if any(v != "" for v in row[1:]) or row[0] == "":
                problems.append(f"{name}, row {r}: text above the table is not one line in column A")
        heads = grid[header]
        width = max(i for i, v in enumerate(heads) if v != "") + 1
        if any(not isinstance(h, str) or not h.strip() for h in heads[:width]) or len(set(heads[:width])) < width:
            problems.append(f"{name}: headers not one row of distinct names")
        if header + 1 >= len(grid):
            problems.append(f"{name}: a table without rows")
        for r, row in enumerate(grid[header + 1:], start=header + 2):
            if all(v == "" for v in row):
                problems.append(f"{name}, row {r}: a blank row in the table")
            elif any(v == "" for v in row[:width]):
                problems.append(f"{name}, row {r}: a blank cell in the table")
            if any(v != "" for v in row[width:]):
                problems.append(f"{name}, row {r}: cells beyond the table's headers")
    contents = table_of(grids["Contents"]) if "Contents" in grids else None
    if names[1:2] != ["Contents"] or contents is None:
        problems.append("no table of contents after the cover")
    elif list(contents["Sheet name"]) != [n for n in names if n not in ("Cover", "Contents")]:
        problems.append(f"the contents list {list(contents['Sheet name'])}, the sheets are {names}")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist() if n.endswith(".xml"))
    if re.search(r"<mergeCell\b|number-columns-spanned|number-rows-spanned|covered-table-cell", xml):
        problems.append("merged cells")
    if re.search(r'patternType="solid"|background-color="#(?!ffffff)', xml, re.I):
        problems.append("coloured cells")
    if kind == "xlsx" and re.search(r"<f>|<f ", xml):
        problems.append("a formula")
    return problems


@pytest.fixture(scope="module")
def sample():
    from datasource import SAMPLE

    return read_workbook(SAMPLE)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("cycle", ["2023-2026", "2020-2023", "2017-2020"])
def test_both_formats_follow_the_guidance(sample, kind, cycle):
    data = spreadsheet.write(spreadsheet.build(sample, cycle, "Data: the shipped sample workbook."), kind)
    assert guidance_problems(data, kind) == []
    grids = read_back(data)
    assert grids["Cover"][0][0] == f"Children's Services Plans review: data for {cycle}"
    cover = "\n".join(row[0] for row in grids["Cover"])
    assert "Source: the shipped sample workbook." in cover and "Contact:" in cover
    assert "Open Government Licence" in cover
    if cycle == "2017-2020":          # only themes in the sample: no per-partnership tables at all
        assert "Partnership levels" not in grids and "Published figures" in grids


def test_the_checker_finds_what_breaks_the_guidance(sample):
    """The checker above, against files that break each rule it checks."""
    book = spreadsheet.build(sample, CYCLE, "x")
    good = spreadsheet.to_xlsx(book)
    from openpyxl import load_workbook

    def broken(change) -> list[str]:
        wb = load_workbook(io.BytesIO(good))
        change(wb)
        buf = io.BytesIO()
        wb.save(buf)
        return guidance_problems(buf.getvalue(), "xlsx")
    assert "merged cells" in broken(lambda wb: wb["Scale"].merge_cells("A5:B5"))
    assert broken(lambda wb: wb["Scale"].insert_rows(6)) == ["Scale, row 6: a blank row in the table"]
    assert broken(lambda wb: setattr(wb["Scale"]["B5"], "value", None)) == ["Scale, row 5: a blank cell in the table"]
    assert "the first sheet is Contents, not the cover" in broken(lambda wb: wb.move_sheet("Cover", 1))
    assert broken(lambda wb: setattr(wb["Scale"]["A1"], "value", None)) == ["Scale: no title in A1"]
    assert any("the contents list" in p for p in broken(lambda wb: wb.create_sheet("Extra").append(["Extra", "table"])))
    assert broken(lambda wb: setattr(wb["Scale"]["B4"], "value", None)) == ["Scale: headers not one row of distinct names"]
    from openpyxl.styles import PatternFill
    assert broken(lambda wb: setattr(wb["Scale"]["A5"], "fill", PatternFill("solid", fgColor="FF0000"))) == \
        ["coloured cells"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_download_reads_back_to_the_numbers_the_pages_show(kind, media):
    at = open_app("views/criteria.py")
    shown = as_text(table_with(at, "ID", "Criterion", "Fully met (%)"))
    levels = as_text(table_with(at, "Partnership", "1. Vision"))
    go(at, "views/definitions.py")
    name, mime, data = download(at, media, f"download-data-{kind}")
    assert name == f"csp-review-data-{CYCLE}.{kind}" and mime == spreadsheet.MIME[kind]
    grids = read_back(data)
    counts = table_of(grids["Criteria coverage"])
    assert list(counts.columns) == list(shown.columns)
    number_columns = [c for c in counts.columns if c not in ("ID", "Criterion")]
    assert all(isinstance(v, (int, float)) for c in number_columns for v in counts[c])   # numbers, not text
    assert as_text(counts.astype({c: int for c in number_columns})).equals(shown)
    per = table_of(grids["Partnership levels"]).drop(columns="Peer group")
    assert as_text(per).equals(levels.replace("", "Not assessed"))
    assert len(per) == 30
    published = table_of(grids["Published figures"])
    fig = published[(published["Cycle"] == CYCLE) & (published["ID"] == "12")].iloc[0]
    assert (fig["Fully met"], fig["Partially met"], fig["Not met"]) == (8, 9, 13)   # as published (Figure 14.1)
    subs = table_of(grids["Submissions"])
    assert subs["Submitted"].map(type).isin([__import__("datetime").date]).sum() == 30   # dates stored as dates


@pytest.mark.parametrize("kind", KINDS)
def test_the_illustrative_caveat_goes_with_it_and_only_where_it_applies(sample, kind):
    made_up = read_back(spreadsheet.write(spreadsheet.build(sample, CYCLE, "x"), kind))
    assert any(r[0].startswith("Illustrative data: every per-partnership score and date") for r in made_up["Cover"])
    for sheet in ("Criteria coverage", "Partnership levels", "Submissions"):
        assert "(illustrative: made-up data) [note 1]" in made_up[sheet][0][0]
    notes = table_of(made_up["Notes"])
    assert notes.iloc[0]["Note text"].startswith("Illustrative data")
    real = make_review(make_sheets())
    assert real.ok and not real.illustrative
    text = "\n".join(str(v) for grid in read_back(spreadsheet.write(spreadsheet.build(real, CYCLE, "x"), kind)).values()
                     for row in grid for v in row)
    assert "made-up" not in text and "made up" not in text


@pytest.mark.parametrize("kind", KINDS)
def test_workbook_text_is_written_as_text_never_a_formula(kind, monkeypatch):
    import builders

    monkeypatch.setattr(builders, "FORMAT", "ods")      # an .ods keeps "=..." as the text typed
    sheets = make_sheets()
    sheets["Criteria"][1][1] = '=HYPERLINK("https://example.org","click")'
    sheets["Criteria"][2][1] = "@SUM(1+1)"
    review = make_review(sheets)
    data = spreadsheet.write(spreadsheet.build(review, CYCLE, "x"), kind)
    criteria = table_of(read_back(data)["Criteria"])
    assert list(criteria["Name"][:2]) == ['=HYPERLINK("https://example.org","click")', "@SUM(1+1)"]
    xml = zip_text(data)
    assert "<f>" not in xml and "table:formula" not in xml


@pytest.mark.parametrize("kind", KINDS)
def test_a_control_character_in_workbook_text_does_not_stop_the_download(kind):
    """Text with a control character (an .xlsx keeps one as _x0001_; text pasted from a PDF has them):
    the .xlsx writer refused it (IllegalCharacterError, a broken download); both formats write U+FFFD."""
    from dataclasses import replace

    review = make_review(make_sheets())
    criteria = review.criteria.copy()
    criteria.loc[0, "name"] = "Vis\x01ion\x1f"
    data = spreadsheet.write(spreadsheet.build(replace(review, criteria=criteria), CYCLE, "x"), kind)
    assert table_of(read_back(data)["Criteria"])["Name"].iloc[0] == "Vis\ufffdion\ufffd"


@pytest.mark.parametrize("kind", KINDS)
def test_with_names_hidden_no_other_partnership_is_named_anywhere_in_the_file(sample, kind, media):
    others = names_and_aliases(sample, "Fife")
    at = open_app("views/definitions.py")
    choose(at, "partnership", "Fife")
    _, _, data = download(at, media, f"download-data-{kind}")
    assert find_names([("file", zip_text(data))], others), "the search finds names while they are shown"
    hide_names(at)
    name, _, data = download(at, media, f"download-data-{kind}")
    text = zip_text(data)          # every sheet, the document's properties and metadata, every part
    assert find_names([("file", name + "\n" + text)], others) == []
    levels = table_of(read_back(data)["Partnership levels"])
    assert "Fife" in set(levels["Partnership"]) and sum(p.startswith("Partnership ") for p in levels["Partnership"]) == 29
    assert "Other partnerships' names are hidden" in text


def test_the_data_page_offers_the_data_too(media):
    at = open_app("views/data.py")
    assert {"download-data-xlsx", "download-data-ods"} <= set(download_keys(at))
    _, _, data = download(at, media, "download-data-ods")
    assert "Criteria coverage" in read_back(data)
