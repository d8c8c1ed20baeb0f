"""An .ods that LibreOffice Calc itself saved reads as the .xlsx it was saved from.

tests/data/messy-review.xlsx is messy as analysts' workbooks are (odd headers, a sheet name with a
trailing space, day-first text dates, an alias, blank rows) and has errors on known sheets, rows and
columns; tests/data/messy-review.ods is LibreOffice's own conversion of it (see
tests/data/make_libreoffice_ods.py). Both are checked in: no LibreOffice is needed to run this."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from loaders import read_workbook
from loaders.safety import ODS, XLSX, workbook_format

DATA = Path(__file__).resolve().parent / "data"
XLSX_FILE, ODS_FILE = DATA / "messy-review.xlsx", DATA / "messy-review.ods"
FRAMES = ("partnerships", "criteria", "scale", "cycles", "submissions", "scores", "themes", "national")


@pytest.fixture(scope="module")
def both():
    return read_workbook(XLSX_FILE), read_workbook(ODS_FILE)


def test_the_ods_was_written_by_libreoffice_calc():
    assert workbook_format(ODS_FILE.read_bytes()) == ODS and workbook_format(XLSX_FILE.read_bytes()) == XLSX
    with zipfile.ZipFile(ODS_FILE) as zf:
        assert b"LibreOffice" in zf.read("meta.xml")           # <meta:generator>LibreOffice/...
        assert b"table:number-columns-repeated" in zf.read("content.xml")   # Calc's own compression


def test_same_data_in_every_frame(both):
    xlsx, ods = both
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(ods, name), getattr(xlsx, name), obj=name)
    assert (ods.about, ods.illustrative) == (xlsx.about, xlsx.illustrative)


def test_messy_input_read_alike(both):
    _, ods = both
    subs = ods.submissions.set_index(["partnership", "cycle"])["submitted"]
    assert subs[("North", "2020-2023")] == pd.Timestamp(2020, 4, 1)     # "01/04/2020", day first
    assert subs[("South", "2020-2023")] == pd.Timestamp(2020, 3, 3)     # "3rd March 2020"
    scores = ods.scores
    assert "North" in set(scores["partnership"])                          # the alias "Northshire"
    assert set(ods.partnerships["partnership"]) == {"North", "South", "East", "West"}


def test_same_problems_at_the_same_sheet_row_and_column(both):
    xlsx, ods = both
    assert not ods.ok
    assert ods.errors == xlsx.errors and ods.warnings == xlsx.warnings
    places = {(p.sheet, p.row, p.column) for p in ods.errors}
    assert {("Submissions", 9, "C (Submitted)"), ("Scores ", 6, "A (partnership)"),
            ("Scores ", 10, "C (1. Criterion 1)"), ("Scores ", 10, "D (2. Criterion 2)")} <= places
    assert any("did you mean 'South'" in p.message for p in ods.errors)
