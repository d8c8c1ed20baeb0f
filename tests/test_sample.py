"""The shipped sample workbook and template: read with openpyxl only (not the loaders)."""
from __future__ import annotations

import csv
import importlib.util
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample-review.xlsx"
TEMPLATE = REPO / "data" / "template.xlsx"
TEMPLATE_ODS = REPO / "data" / "template.ods"
FIGURES_CSV = Path(__file__).parents[1].parent / "shared/reference/national-figures.csv"
CRITERION_IDS = ["1", "2", "3", "4", "5", "6a", "6b", "7", "8", "9", "10", "11", "12", "13", "14", "15"]
LABELS = ("Fully met", "Partially met", "Not met")


def _load_script():
    spec = importlib.util.spec_from_file_location("make_workbooks", REPO / "scripts" / "make_workbooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _records(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    headers = [str(h).strip() for h in rows[0]]
    return [dict(zip(headers, r)) for r in rows[1:] if any(v is not None for v in r)]


def _cid(value) -> str:
    return str(value).strip()


def _as_date(value) -> date:
    assert isinstance(value, (date, datetime)), f"not a real Excel date: {value!r}"
    return value.date() if isinstance(value, datetime) else value


@pytest.fixture(scope="module")
def sample():
    return load_workbook(SAMPLE)


@pytest.fixture(scope="module")
def published() -> dict[tuple[str, str], tuple[int, int, int]]:
    with FIGURES_CSV.open(newline="", encoding="utf-8") as f:
        return {(r["cycle"], r["criterion"]): (int(r["fully_met"]), int(r["partially_met"]), int(r["not_met"]))
                for r in csv.DictReader(f)}


def _counts(sample, cycle: str) -> dict[str, tuple[int, int, int]]:
    ws = sample["Scores"]
    headers = [str(h) for h in next(ws.iter_rows(max_row=1, values_only=True))]
    column_of = {h.split(".", 1)[0].strip(): i for i, h in enumerate(headers) if "." in h}
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[1] == cycle]
    assert len(rows) == 30
    out = {}
    for cid in CRITERION_IDS:
        c = Counter(r[column_of[cid]] for r in rows)
        assert set(c) <= set(LABELS), (cycle, cid, c)
        out[cid] = (c["Fully met"], c["Partially met"], c["Not met"])
    return out


def test_sheets_follow_the_format(sample):
    for name in ("Partnerships", "Criteria", "Scale", "Cycles", "Submissions", "Scores",
                 "Themes 2019", "National figures", "About"):
        assert name in sample.sheetnames


def test_thirty_partnerships(sample):
    recs = _records(sample["Partnerships"])
    names = [r["Partnership"] for r in recs]
    assert len(names) == 30 == len(set(names))
    assert {"Moray", "Tayside", "City of Edinburgh", "Na h-Eileanan Siar"} <= set(names)
    boards = {r["Partnership"]: r["Health board"] for r in recs}
    assert boards["Clackmannanshire"] == boards["Stirling"] == "NHS Forth Valley"
    assert boards["Argyll and Bute"] == "NHS Highland"
    tayside = next(r for r in recs if r["Partnership"] == "Tayside")
    assert tayside["Local authorities"] == "Angus; Dundee City; Perth and Kinross"
    assert all(r["Peer group"] for r in recs)


def test_sixteen_criteria_with_scores_columns(sample):
    recs = _records(sample["Criteria"])
    assert [_cid(r["ID"]) for r in recs] == CRITERION_IDS
    assert all(r["Question"].startswith("Does the Children's Services Plan ") for r in recs)
    headers = next(sample["Scores"].iter_rows(max_row=1, values_only=True))
    assert list(headers[2:]) == [f"{_cid(r['ID'])}. {r['Name']}" for r in recs]


def test_counts_2023_2026_equal_published(sample, published):
    counts = _counts(sample, "2023-2026")
    rows = {cid: v for (cycle, cid), v in published.items() if cycle == "2023-2026"}
    assert len(rows) == 16
    assert counts == rows


def test_counts_2020_2023_equal_published_rows(sample, published):
    counts = _counts(sample, "2020-2023")
    rows = {cid: v for (cycle, cid), v in published.items() if cycle == "2020-2023"}
    assert len(rows) == 9
    for cid, value in rows.items():
        assert counts[cid] == value, cid


def test_2020_2023_seven_criteria_fully_met_by_21_or_more(sample):
    counts = _counts(sample, "2020-2023")
    strong = {cid for cid, (fully, _, _) in counts.items() if fully >= 21}
    assert strong == {"1", "6a", "7", "8", "9", "11", "15"}
    assert 8 <= counts["6b"][1] <= 12  # about a third partially met related services


def test_national_figures_sheet_matches_csv(sample, published):
    recs = _records(sample["National figures"])
    got = {(r["Cycle"], _cid(r["Criterion"])): (r["Fully met"], r["Partially met"], r["Not met"])
           for r in recs}
    assert got == published
    assert all(r["Source"] and "same as above" not in r["Source"] for r in recs)


def test_submission_dates_2020_2023(sample):
    recs = [r for r in _records(sample["Submissions"]) if r["Cycle"] == "2020-2023"]
    assert len(recs) == 30
    submitted = [_as_date(r["Submitted"]) for r in recs]
    assert sum(d <= date(2021, 3, 31) for d in submitted) == 11
    assert sum(date(2021, 4, 1) <= d <= date(2021, 10, 31) for d in submitted) == 19
    assert all(_as_date(r["Feedback issued"]).strftime("%Y-%m") == "2021-12" for r in recs)
    assert any(r["Draft"] == "yes" for r in recs)
    interims = [_as_date(r["Interim statement"]) for r in recs if r["Interim statement"] is not None]
    assert len(interims) >= 3 and all(d.year == 2020 for d in interims)


def test_submissions_2023_2026_and_none_for_2017_2020(sample):
    recs = _records(sample["Submissions"])
    assert not [r for r in recs if r["Cycle"] == "2017-2020"]
    later = [r for r in recs if r["Cycle"] == "2023-2026"]
    assert len(later) == 30
    submitted = [_as_date(r["Submitted"]) for r in later]
    on_time = sum(d <= date(2023, 4, 1) for d in submitted)
    assert 20 <= on_time < 30


def test_about_says_illustrative(sample):
    text = " ".join(str(c) for row in sample["About"].iter_rows(values_only=True) for c in row if c)
    assert "illustrative" in text.lower()
    assert "scripts/make_workbooks.py" in text


def test_sample_is_marked_illustrative_and_the_template_is_not(sample):
    """Format 1.1's About row: the sample's made-up per-partnership data says so wherever it goes."""
    rows = [tuple(c for c in row if c is not None) for row in sample["About"].iter_rows(values_only=True)]
    assert [r for r in rows if r and str(r[0]).strip().lower() == "illustrative"] == [("Illustrative", "yes")]
    template = load_workbook(TEMPLATE)["About"]
    rows = [tuple(c for c in row if c is not None) for row in template.iter_rows(values_only=True)]
    assert [r for r in rows if r and str(r[0]).strip().lower() == "illustrative"] == [("Illustrative", "no")]
    assert any(dv.formula1 == '"yes,no"' and "B2" in str(dv.sqref) for dv in template.data_validations.dataValidation)


def test_themes_2019(sample):
    recs = _records(sample["Themes 2019"])
    assert len(recs) >= 7
    assert any(r["Criterion"] in (None, "") for r in recs)
    assert any(str(r["Extent"]) == "3" for r in recs)


def test_template_has_drop_downs():
    wb = load_workbook(TEMPLATE)
    assert "How to fill in" in wb.sheetnames
    for sheet in ("Submissions", "Scores"):
        dvs = wb[sheet].data_validations.dataValidation
        formulas = [dv.formula1 for dv in dvs]
        assert all(dv.type == "list" for dv in dvs)
        assert any(f.startswith("Partnerships!") for f in formulas), sheet
        assert any(f.startswith("Cycles!") for f in formulas), sheet
    assert any(dv.formula1 == '"yes,no"' for dv in wb["Submissions"].data_validations.dataValidation)
    assert any("Fully met" in dv.formula1 for dv in wb["Scores"].data_validations.dataValidation)
    headers = next(wb["Scores"].iter_rows(max_row=1, values_only=True))
    assert len(headers) == 18 and headers[2] == "1. Vision"
    assert len(_records(wb["Partnerships"])) == 30
    assert len(_records(wb["Criteria"])) == 16
    assert not _records(wb["Submissions"]) and not _records(wb["Scores"])


def _values(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb}


def test_script_is_deterministic_and_shipped_files_are_current(tmp_path):
    script = _load_script()
    first = script.main(tmp_path / "a")
    second = script.main(tmp_path / "b")
    for a, b in zip(first, second):
        if a.suffix == ".xlsx":
            assert _values(a) == _values(b)
            assert a.read_bytes() == b.read_bytes()
        else:   # odfpy declares every namespace it has met in this process: compare the XML, not its bytes
            assert _ods_parts(a) == _ods_parts(b)
    assert _values(first[0]) == _values(SAMPLE)
    assert _values(first[1]) == _values(TEMPLATE)
    assert _ods_parts(first[2]) == _ods_parts(TEMPLATE_ODS)


def _ods_parts(path: Path) -> dict[str, object]:
    """Each part of an .ods: an XML part as its elements (tag, attributes, text), others as bytes."""
    import zipfile
    from xml.etree import ElementTree

    with zipfile.ZipFile(path) as zf:
        return {name: [(e.tag, sorted(e.attrib.items()), e.text, e.tail)
                       for e in ElementTree.fromstring(zf.read(name)).iter()] if name.endswith(".xml")
                else zf.read(name) for name in zf.namelist()}


# -- the template as an OpenDocument spreadsheet (.ods) ----------------------------------------------

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _ods_validations() -> tuple[dict[str, dict], dict[str, dict[str, str]]]:
    """template.ods's content validations {name: attributes, with "prompt" and "error_type"}, and
    {sheet: {cell such as "A2": validation name}} for the cells that carry one."""
    import zipfile
    from xml.etree import ElementTree

    with zipfile.ZipFile(TEMPLATE_ODS) as zf:
        root = ElementTree.fromstring(zf.read("content.xml"))
    found = {}
    for v in root.iter(f"{TABLE}content-validation"):
        attrs = {k.split("}")[1]: a for k, a in v.attrib.items()}
        attrs["prompt"] = "".join(v.find(f"{TABLE}help-message").itertext())
        attrs["error_type"] = v.find(f"{TABLE}error-message").get(f"{TABLE}message-type")
        found[attrs["name"]] = attrs
    cells: dict[str, dict[str, str]] = {}
    for table in root.iter(f"{TABLE}table"):
        sheet = cells.setdefault(table.get(f"{TABLE}name"), {})
        for r, row in enumerate(table.iter(f"{TABLE}table-row"), start=1):
            for c, cell in enumerate(row.iter(f"{TABLE}table-cell")):
                if cell.get(f"{TABLE}content-validation-name"):
                    sheet[f"{chr(65 + c)}{r}"] = cell.get(f"{TABLE}content-validation-name")
    return found, cells


def test_the_ods_template_reads_clean_and_holds_what_the_xlsx_holds():
    import python_calamine

    from loaders import read_workbook

    review = read_workbook(TEMPLATE_ODS)
    assert review.ok and not review.warnings and review.errors == []
    assert len(review.partnerships) == 30 and len(review.criteria) == 16 and not review.illustrative

    def grids(path):
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        return {name: [r for r in book.get_sheet_by_name(name).to_python() if any(v != "" for v in r)]
                for name in book.sheet_names}
    assert grids(TEMPLATE_ODS) == grids(TEMPLATE)


def test_the_ods_template_has_the_drop_down_lists():
    validations, cells = _ods_validations()
    conditions = {v["condition"] for v in validations.values()}
    assert "of:cell-content-is-in-list([$Partnerships.$A$2:.$A$31])" in conditions
    assert "of:cell-content-is-in-list([$Cycles.$A$2:.$A$12])" in conditions
    assert 'of:cell-content-is-in-list("yes";"no")' in conditions
    assert 'of:cell-content-is-in-list("Fully met";"Partially met";"Not met")' in conditions

    def condition(sheet, cell):
        return validations[cells[sheet][cell]]["condition"]
    for sheet in ("Submissions", "Scores"):
        for row in (2, 501):                      # the first and last of the 500 rows that carry them
            assert "Partnerships" in condition(sheet, f"A{row}") and "Cycles" in condition(sheet, f"B{row}")
        assert f"A502" not in cells[sheet] and "A1" not in cells[sheet]   # not on the header
    assert condition("Submissions", "D2") == 'of:cell-content-is-in-list("yes";"no")'
    assert all("Fully met" in condition("Scores", f"{col}300") for col in "CDEFGHIJKLMNOPQR")
    assert condition("About", "B2") == 'of:cell-content-is-in-list("yes";"no")'
    draft = validations[cells["Submissions"]["D2"]]
    assert draft["error_type"] == "stop" and "published in draft" in draft["prompt"]
    assert validations[cells["Scores"]["A2"]]["error_type"] == "warning"
    assert all(v["allow-empty-cell"] == "true" for v in validations.values())
