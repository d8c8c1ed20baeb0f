"""A large sheet read in two halves at once (loaders.reader._grid_in_halves): the same grid as read
whole, cell for cell, or no halves at all (and the sheet read whole) when the XML is not plain."""
from __future__ import annotations

import datetime as dt
import io
import random
import re
import struct
import threading
import tracemalloc
import zipfile
import zlib

import pandas as pd
import pytest
import python_calamine

from builders import make_sheets, workbook_bytes
from loaders import read_workbook, reader

CELLS = ["Fully met", "Partially met", "Not met", 2, 1, 0, 1.5, "Achieved", None, True, "a & b < c",
         dt.date(2021, 3, 4), dt.datetime(2022, 5, 6, 7, 8), " spaced ", "Excellent"]


@pytest.fixture
def split_all(monkeypatch):
    """Every sheet read in halves, however small."""
    monkeypatch.setattr(reader, "SPLIT_BYTES", (0, 1 << 40))


def scores_sheets(partnerships=60, criteria=12, seed=1) -> dict:
    """A workbook whose Scores mixes every kind of cell, with problems in both halves."""
    rng = random.Random(seed)
    names = [f"Partnership {i:03d}" for i in range(partnerships)]
    crits = [str(i) for i in range(1, criteria + 1)]
    scores = {(p, c): rng.choices(CELLS, k=criteria) for c in ("2020-2023", "2023-2026") for p in names}
    return make_sheets(partnerships=names, criteria=crits, scores=scores)


def grid_whole(data: bytes, name: str) -> list[list]:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        return reader._grid(book, name)
    finally:
        book.close()


def assert_same_grid(got, expected):
    assert got is not None
    assert len(got) == len(expected) and [len(r) for r in got] == [len(r) for r in expected]
    assert got == expected
    assert [[type(c) for c in r] for r in got] == [[type(c) for c in r] for r in expected]


def with_part(data: bytes, edit, name="Scores") -> bytes:
    """`data` with the XML of sheet `name` passed through `edit` (bytes -> bytes)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    part = reader._sheet_part(src, name)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == part:
                content, before = edit(content), content
                assert content != before
            out.writestr(info.filename, content)
    return buf.getvalue()


def cut_of(data: bytes, name="Scores") -> int:
    """The Excel row the second half starts with."""
    xml, _, _, _, mid = reader._cut(data, name)
    return int(re.match(rb'\s*<row r="(\d+)"', xml[mid:])[1])


def threads_left() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("csp-read-ahead")]


# -- the same grid -----------------------------------------------------------------------------------

def test_every_sheet_read_in_halves_equals_the_whole(split_all):
    data = workbook_bytes(scores_sheets())
    for name in python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names:
        assert_same_grid(reader._grid_in_halves(data, name), grid_whole(data, name))
    assert threads_left() == []


def as_excel_writes_it(data: bytes) -> bytes:
    """`data` (openpyxl writes text inline) with its text in xl/sharedStrings.xml, as Excel writes it."""
    src, strings = zipfile.ZipFile(io.BytesIO(data)), {}

    def shared(m):
        return b'%s t="s"><v>%d</v></c>' % (m[1], strings.setdefault(m[2], len(strings)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            content = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                content = re.sub(rb'(<c r="[A-Z]+\d+") t="inlineStr"><is><t>([^<]*)</t></is></c>', shared, content)
            elif info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"</Relationships>", b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type='
                                          b'"http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                                          b'sharedStrings" /></Relationships>')
            elif info.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType='
                                          b'"application/vnd.openxmlformats-officedocument.spreadsheetml.'
                                          b'sharedStrings+xml"/></Types>')
            out.writestr(info.filename, content)
        out.writestr("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                     b'main">' + b"".join(b"<si><t>%s</t></si>" % t for t in strings) + b"</sst>")
    return buf.getvalue()


def test_shared_strings_and_dates_as_excel_writes_them(split_all):
    """Excel keeps text in xl/sharedStrings.xml and dates as numbers styled as dates (xl/styles.xml):
    both halves need those parts."""
    sheets = scores_sheets()
    sheets["Scores"][-1][2] = dt.date(2024, 1, 2)
    data = as_excel_writes_it(workbook_bytes(sheets))
    grid = reader._grid_in_halves(data, "Scores")
    assert_same_grid(grid, grid_whole(data, "Scores"))
    assert grid[1][0] == "Partnership 000" and grid[-1][2] == dt.date(2024, 1, 2)
    assert read_workbook(data).errors == read_workbook(workbook_bytes(sheets)).errors


@pytest.mark.parametrize("where", ["first half wider", "second half wider", "second half from column C",
                                   "empty rows at the cut", "gap between the halves"])
def test_halves_of_different_shapes_are_padded_as_the_whole_sheet_is(split_all, where):
    rows = [[f"r{i}", i, "x"] for i in range(300)]
    if where == "first half wider":
        rows[3] += [None] * 6 + ["far"]
    elif where == "second half wider":
        rows[290] += [None] * 6 + ["far"]
    elif where == "second half from column C":
        rows[150:] = [[None, None, f"r{i}", i] for i in range(150, 300)]
    elif where == "empty rows at the cut":
        rows[120:180] = [[] for _ in range(60)]
    else:
        rows[120:180] = [[None, None, None] for _ in range(60)]
    data = workbook_bytes({"Scores": rows})
    assert 120 < cut_of(data) < 180 or where not in ("empty rows at the cut", "gap between the halves")
    assert_same_grid(reader._grid_in_halves(data, "Scores"), grid_whole(data, "Scores"))


def test_a_cut_after_the_first_row(split_all):
    """The middle of the XML inside the first row: the first half is that row alone."""
    data = workbook_bytes({"Scores": [["x" * 20000, "header"]] + [[f"r{i}", i] for i in range(100)]})
    assert cut_of(data) == 2
    assert_same_grid(reader._grid_in_halves(data, "Scores"), grid_whole(data, "Scores"))


def test_read_workbook_the_same_in_halves_as_whole(monkeypatch):
    sheets = scores_sheets(partnerships=80)
    sheets["Scores"][100][1] = "Nowhere"                              # an unknown cycle, second half
    sheets["Scores"][5][0] = "Nobody"                                 # an unknown partnership, first half
    data = workbook_bytes(sheets)
    monkeypatch.setattr(reader, "SPLIT_BYTES", (1 << 40, 1 << 41))   # never split
    whole, whole_trusted = read_workbook(data), read_workbook(data, trusted=True)
    monkeypatch.setattr(reader, "SPLIT_BYTES", (0, 1 << 40))         # always split
    calls = []
    real = reader._grid_in_halves
    monkeypatch.setattr(reader, "_grid_in_halves", lambda *a: calls.append(a[1]) or real(*a))
    for split, alone in ((read_workbook(data), whole), (read_workbook(data, trusted=True), whole_trusted)):
        assert split.errors == alone.errors and split.warnings == alone.warnings and split.about == alone.about
        assert {"Scores"} <= {p.sheet for p in split.errors} and len(split.errors) > 10
        for name in ("partnerships", "criteria", "scale", "cycles", "submissions", "scores", "themes", "national"):
            pd.testing.assert_frame_equal(getattr(split, name), getattr(alone, name))
    assert calls == ["Scores", "Scores"] and threads_left() == []


def test_small_sheets_are_read_whole():
    """Under SPLIT_BYTES (3 MB of XML: about 60 times the sample's Scores) nothing changes."""
    data = workbook_bytes(scores_sheets())
    assert reader._cut(data, "Scores") is None and reader._grid_in_halves(data, "Scores") is None


# -- odd forms: read whole ------------------------------------------------------------------------------

def _rows_out_of_order(xml: bytes) -> bytes:
    """Row 2 moved to the end of the XML: calamine still places it second."""
    row2 = re.search(rb'<row r="2".*?</row>', xml)[0]
    return xml.replace(row2, b"").replace(b"</sheetData>", row2 + b"</sheetData>")


def _no_row_numbers(xml: bytes) -> bytes:
    return re.sub(rb'<row r="\d+"', b"<row", xml)


def _cell_of_row_3_at_the_end(xml: bytes) -> bytes:
    """A cell numbered for row 3 written in the last row: in the first half's rows by number."""
    last = xml.rindex(b"</row>")
    return xml[:last] + b'<c r="Z3" t="n"><v>7</v></c>' + xml[last:]


def _cdata(xml: bytes) -> bytes:
    return xml.replace(b"<t>r7</t>", b"<t><![CDATA[r7]]></t>")


def _comment(xml: bytes) -> bytes:
    return xml.replace(b"</row>", b"</row><!-- a comment -->", 1)


def _sheet_data_named_in_a_cell(xml: bytes) -> bytes:
    return xml.replace(b"<t>r7</t>", b"<t>sheetData</t>")


def _cut_inside_a_tag(xml: bytes) -> bytes:
    """The first </row> after the middle written inside a cell's attribute value (single quotes)."""
    head, tail = xml.index(b"<sheetData>") + 11, xml.index(b"</sheetData>")
    at = xml.index(b"<c ", (head + tail) // 2)
    assert at < xml.index(b"</row>", (head + tail) // 2)
    return xml[:at] + b"<c x='</row><row r=\"2\">' " + xml[at + 3:]


@pytest.mark.parametrize("edit", [_rows_out_of_order, _no_row_numbers, _cell_of_row_3_at_the_end, _cdata,
                                  _comment, _sheet_data_named_in_a_cell, _cut_inside_a_tag])
def test_odd_forms_are_read_whole(split_all, edit):
    rows = [[f"r{i}", i, "x"] for i in range(300)]
    data = with_part(workbook_bytes({"Scores": rows, "Other": [["a"]]}), edit)
    try:
        halves = reader._grid_in_halves(data, "Scores")
    except Exception:                           # a half calamine cannot read (the cut inside a tag)
        halves = None
    assert halves is None
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        whole = reader._grid(book, "Scores")
    except Exception as exc:                    # the whole sheet fails as well: the same way ahead
        with pytest.raises(type(exc)):
            reader._grid_ahead(data, book, "Scores")
    else:
        assert_same_grid(reader._grid_ahead(data, book, "Scores"), whole)
    assert threads_left() == []


def test_a_cut_at_the_last_row_is_no_cut(split_all):
    """The middle of the XML inside the last row: nothing after it to make a second half of."""
    data = workbook_bytes({"Scores": [[f"r{i}", i] for i in range(100)] + [["x" * 20000]]})
    assert reader._cut(data, "Scores") is None


def test_a_half_that_fails_means_the_sheet_is_read_whole(split_all, monkeypatch):
    data = workbook_bytes(scores_sheets())
    expected = grid_whole(data, "Scores")
    real = reader._read_half
    monkeypatch.setattr(reader, "_read_half", lambda *a: real(*a) if a[-1] else 1 / 0)   # the second fails
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert_same_grid(reader._grid_ahead(data, book, "Scores"), expected)
    assert threads_left() == []


@pytest.mark.parametrize("wide", ["every row", "the first rows only"])
def test_a_sheet_too_large_is_refused_when_read_in_halves_too(split_all, monkeypatch, wide):
    sheets = make_sheets(partnerships=[f"P{i}" for i in range(30)], criteria=[str(i) for i in range(1, 21)])
    if wide == "the first rows only":                       # each half fits, the two together do not
        sheets["Scores"][4:] = [row[:3] for row in sheets["Scores"][4:]]
    monkeypatch.setattr(reader, "MAX_SHEET_CELLS", 40 * 23)   # Scores: 61 rows x 22 columns
    data = workbook_bytes(sheets)
    assert reader._cut(data, "Scores") is not None
    with pytest.raises(reader.WorkbookUnreadable, match="Sheet Scores reaches row 61 and column 22"):
        read_workbook(data, trusted=True)
    assert threads_left() == []


def test_a_part_that_lies_about_its_size_is_inflated_no_further(split_all):
    """A part that says 1,000 bytes but inflates to 100 MB (its CRC that of the first 1,000, so the
    zip checks pass): the halves copy the 1,000 bytes, as calamine would read them, and the memory
    stays small (zipfile's read() would inflate all of it at once)."""
    data = workbook_bytes(scores_sheets())
    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as out:
        out.writestr("xl/custom.xml", b" " * (100 << 20))
    lying = bytearray(buf.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(lying))).getinfo("xl/custom.xml")
    central = lying.rindex(b"PK\x01\x02")                          # the last entry: this part's
    for at, size_at in ((info.header_offset + 14, info.header_offset + 22), (central + 16, central + 24)):
        struct.pack_into("<I", lying, at, zlib.crc32(b" " * 1000))
        struct.pack_into("<I", lying, size_at, 1000)
    lying = bytes(lying)
    tracemalloc.start()
    try:
        grid = reader._grid_in_halves(lying, "Scores")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert_same_grid(grid, grid_whole(data, "Scores"))
    assert peak < 20 << 20
