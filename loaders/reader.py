"""Read and check a review workbook (format 1, see ../shared/workbook-format.md).

`read_workbook(path | bytes | binary file)` returns a `Review`: tidy frames plus every problem found,
in one pass. It raises `WorkbookUnreadable` only when the file cannot be read as a workbook at all.

Forgiving about form (sheet and header case, spacing, a trailing full stop, column order, extra
sheets and columns, "ID. Name" criterion headers, labels or scores, "Achieved" wording, day-first
text dates, aliases, "&" for "and"); strict about meaning (duplicates, unknown names, off-scale
scores, dates that are not dates). Every problem names the sheet, the Excel row and the column.

Formats: an Excel workbook (.xlsx) or an OpenDocument spreadsheet (.ods, as LibreOffice Calc saves),
told apart by content, read by python-calamine alike and checked by the same rules with the same
messages (row numbers are the spreadsheet's own in both).

Safety: `loaders.safety` refuses hostile files before python-calamine opens them. python-calamine
reads cell values only: it never runs macros, never evaluates formulas (it reads the value Excel
cached with each formula) and never follows external links, so a formula pointing at another
workbook yields its cached value and nothing is fetched.

Speed: the score grid is handled as arrays (each distinct cell value is checked once), rows as
plain lists, and dates, drafts and cycles are worked out once per distinct cell; rows are looked at
one by one only where there is a problem to report. The sheets are read with python-calamine, Scores
(most of the cells) in a second thread while the other sheets are read and checked, and when large
in two halves at once, one per core (see bench/README.md for the numbers).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
import html
import io
import itertools
import operator
import re
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import python_calamine

from loaders.model import NOT_ASSESSED, SCHEMA, Problem, Review, WorkbookUnreadable, make_frame  # noqa: F401
from loaders.safety import FORMAT_APP, MAX_FILE_BYTES, MAX_SHEET_CELLS, ODS, XLSX, check_bytes

DEFAULT_SCALE = [(2, "Fully met", "yes"), (1, "Partially met", "partly"), (0, "Not met", "no")]
# Words accepted for the three default levels, whichever of them the workbook's Scale uses.
SYNONYMS = [["fully met", "achieved", "fully achieved", "met"],
            ["partially met", "partly achieved", "partially achieved", "partly met"],
            ["not met", "not achieved"]]
EXTENT_WORDS = ["all", "most", "majority", "some", "few", "none"]
MET_WORDS = {"yes": "yes", "y": "yes", "true": "yes", "partly": "partly", "partial": "partly",
             "partially": "partly", "no": "no", "n": "no", "false": "no"}
YES_NO = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False,
          "0": False, "": False}
# The About sheet's Illustrative row: yes or no (blank is not an answer there).
ILLUSTRATIVE_WORDS = {k: v for k, v in YES_NO.items() if k}
TEXT_DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d",
                     "%d %B %Y", "%d %b %Y", "%d-%b-%Y", "%d-%B-%Y"]
CYCLE = re.compile(r"(\d{4})\s*[-–/]\s*(\d{4})")

# sheet: (required, required columns, optional columns)
SHEETS = {
    "Partnerships": (True, ["Partnership"], ["Local authorities", "Health board", "Peer group", "Also known as"]),
    "Criteria": (True, ["ID", "Name"], ["Question", "Group", "Fully met when"]),
    "Scale": (False, ["Score", "Label"], ["Met"]),
    "Cycles": (True, ["Cycle", "Due date"], ["Extended due date", "Review published"]),
    "Submissions": (True, ["Partnership", "Cycle"], ["Submitted", "Draft", "Interim statement", "Feedback issued"]),
    "Scores": (True, ["Partnership", "Cycle"], []),
    "Themes 2019": (False, ["Theme", "Finding"], ["Extent", "Criterion"]),
    "National figures": (False, ["Cycle", "Criterion"], ["Source"]),
    "Plans": (False, ["Partnership", "Cycle"], ["Title", "Link", "Pages"]),
}


# ---------------------------------------------------------------------------------------------
# small helpers

_memo = functools.lru_cache(maxsize=1 << 16, typed=True)   # cells repeat: work out each value once


@_memo
def norm(value) -> str:
    """Header / sheet / label key: case, surrounding and repeated spaces, trailing full stop ignored."""
    text = " ".join(cell_text(value).split()).casefold()
    return text[:-1].rstrip() if text.endswith(".") else text


@_memo
def name_key(value) -> str:
    """Partnership key: case and spacing ignored, "&" the same as "and"."""
    return "".join(str(value).casefold().replace("&", "and").split())


@_memo
def cell_text(value) -> str:
    """A cell as the text an analyst typed: 3.0 -> "3", None/"" -> "", spaces collapsed."""
    if type(value) is str:
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return " ".join(str(value).split())


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def suggest(value: str, choices) -> str:
    """": did you mean 'X'?" for the closest choice, or ""."""
    keyed = {name_key(c): c for c in choices}
    key = name_key(value)
    close = difflib.get_close_matches(key, list(keyed), n=1, cutoff=0.6)
    if not close:
        close = [k for k in keyed if key and (key in k or k in key)][:1]
    return f": did you mean '{keyed[close[0]]}'?" if close else ""


@_memo
def parse_date(value) -> pd.Timestamp | None:
    """A cell -> Timestamp (midnight), None when blank; ValueError when it is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return pd.Timestamp(value.date())
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    if isinstance(value, (bool, dt.time, dt.timedelta)):
        raise ValueError
    if isinstance(value, (int, float)):
        if 20000 <= value <= 80000:  # an Excel date serial whose cell lost its date format
            return pd.Timestamp("1899-12-30") + pd.Timedelta(days=int(value))
        raise ValueError
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", " ".join(str(value).split()), flags=re.I).replace(",", "")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?", text):
        text = text[:10]
    for fmt in TEXT_DATE_FORMATS:
        try:
            return pd.Timestamp(dt.datetime.strptime(text, fmt))
        except ValueError:
            continue
    raise ValueError


def fmt_date(ts) -> str:
    return f"{ts.day} {ts:%B %Y}"


def _split(text: str) -> list[str]:
    return [p.strip() for p in str(text).split(";") if p.strip()]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# ---------------------------------------------------------------------------------------------
# sheets as tables

@dataclass
class Table:
    """One sheet: its header and its non-empty data rows, with Excel row numbers."""
    name: str                  # the sheet's name as written in the workbook
    header_row: int            # Excel row number of the header
    headers: list[str]         # header text by column index
    columns: dict[str, int]    # normalised header -> first column index
    numbers: list[int]         # Excel row number of each data row
    rows: list[list]           # the data rows' cells (all the same length)

    def col(self, name: str) -> int | None:
        return self.columns.get(norm(name))

    def label(self, index: int | None, fallback: str = "") -> str | None:
        """'E (4. Data)': the column letter and its header, as the analyst sees it."""
        if index is None:
            return fallback or None
        header = self.headers[index] if index < len(self.headers) else ""
        return f"{column_letter(index)} ({header})" if header else column_letter(index)

    def values(self, name: str) -> list:
        index = self.col(name)
        return [""] * len(self.rows) if index is None else list(map(operator.itemgetter(index), self.rows))

    def texts(self, name: str) -> list[str]:
        return list(map(cell_text, self.values(name)))


def _blank(cells) -> bool:
    if cells and cells[0] != "" and (type(cells[0]) is not str or cells[0].strip()):
        return False                              # the usual case, decided by the first cell
    return not any(c != "" and (type(c) is not str or c.strip()) for c in cells)


def _table(name: str, grid: list[list]) -> Table | None:
    start = next((i for i, cells in enumerate(grid) if not _blank(cells)), None)
    if start is None:
        return None
    headers = [cell_text(c) for c in grid[start]]
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        if header:
            columns.setdefault(norm(header), index)
    # _blank's usual case (a filled first cell) inline: this runs for every row of every sheet
    keep = [i for i, cells in enumerate(grid[start + 1:], start + 1)
            if cells and (type(cells[0]) is not str or cells[0].strip()) or not _blank(cells)]
    return Table(name, start + 1, headers, columns, [i + 1 for i in keep], [grid[i] for i in keep])


# ---------------------------------------------------------------------------------------------
# the reader

def _sheet_names(book: python_calamine.CalamineWorkbook) -> dict[str, str]:
    """Normalised sheet name -> the name as written (the first of two that differ only in case)."""
    return {norm(n): n for n in reversed(book.sheet_names)}


def _grid(book: python_calamine.CalamineWorkbook, actual: str) -> list[list]:
    """The sheet's cells as rows of Python values (list index + 1 = Excel row)."""
    sheet = book.get_sheet_by_name(actual)
    _not_huge(actual, sheet.end or (0, 0))
    return sheet.to_python(skip_empty_area=False)


def _not_huge(actual: str, end: tuple[int, int]) -> None:
    if (end[0] + 1) * (end[1] + 1) > MAX_SHEET_CELLS:   # never build a huge grid in Python
        raise WorkbookUnreadable(f"Sheet {actual} reaches row {end[0] + 1:,} and column "
                                 f"{end[1] + 1:,}, far beyond any review workbook; it was not read.")


# -- a large sheet read in two halves, one per core ---------------------------------------------

# Sheet XML read in halves: at 1 MB (10x) it costs 3 ms more, at 2.3 MB about as much as it saves,
# at 3-8 MB it saves 6-45 ms, at 15 MB (100x) about 90 of 420. Above 64 MB: memory (three copies).
SPLIT_BYTES = (3 << 20, 64 << 20)
COPY_BYTES = 8 << 20                # the other parts each half copies, at most (pictures: not worth it)
_ROW_AT = re.compile(rb'\s*<row r="[1-9][0-9]{0,6}"[^>/]*>')   # a row that starts with its number


def _grid_in_halves(data: bytes, actual: str) -> list[list] | None:
    """`_grid` of a large sheet, its XML cut in two at a row boundary and both halves parsed at once
    (python-calamine lets go of the interpreter lock while it parses: at 100x the 280 ms of Scores
    become two of 130-210 ms, as busy as the other core is), or None when the sheet is small or not
    in the plain form this relies on (the caller then reads it whole).

    Each half is an .xlsx of its own: every part of the workbook but the other worksheets, with the
    sheet's rows up to the cut, or from it. The plain form: one <sheetData>, no comment, CDATA or DTD
    (`<!`), and the row after the cut giving its number, so calamine numbers the second half's rows
    as in the whole sheet (it carries nothing else from row to row). The first half ends with a bare
    </sheetData>: were the cut inside a cell, calamine would reach the end of the XML there and fail.
    The halves fit together only when every cell of the first is above every cell of the second
    (not so when rows are out of order or numbered by position)."""
    cut = _cut(data, actual)
    if cut is None:
        return None
    xml, part, others, head, mid = cut
    whole = memoryview(xml)
    with ThreadPoolExecutor(2, thread_name_prefix="csp-read-ahead-half") as pool:
        first = pool.submit(_read_half, actual, others, part, (whole[:mid], b"</sheetData></worksheet>"), True)
        second = pool.submit(_read_half, actual, others, part, (whole[:head], whole[mid:]), False)
        # checked while the halves are parsed: 7 ms at 100x ("<!", 16 ms, only looked for when there
        # is a "!", found at memory speed)
        plain = xml.count(b"sheetData") == 2 and not (b"!" in xml and b"<!" in xml)
        first, second = first.result(), second.result()
    if not plain or not first or not second or first[1][0] >= second[0][0]:
        return None
    # as calamine pads the whole sheet: from A1, every row as wide as the widest, blanks ""
    (_, end_a, grid), (start_b, end_b, rows_b) = first, second
    width = max(end_a[1], end_b[1]) + 1
    _not_huge(actual, (end_b[0], width - 1))
    if end_a[1] + 1 < width:
        pad = [""] * (width - end_a[1] - 1)
        for row in grid:
            row.extend(pad)
    grid.extend([""] * width for _ in range(start_b[0] - len(grid)))   # empty rows at the cut
    left, right = [""] * start_b[1], [""] * (width - end_b[1] - 1)
    grid.extend((left + row + right for row in rows_b) if left or right else rows_b)
    return grid


def _cut(data: bytes, actual: str):
    """(the sheet's XML, its zip member, the other parts to copy, where its rows start, where the
    second half starts), or None."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        if max(i.file_size for i in zf.infolist()) < SPLIT_BYTES[0] or len(set(names)) < len(names):
            return None                            # small (the sample: 0.06 ms to find out), or odd
        part = _sheet_part(zf, actual)
        if part is None or not SPLIT_BYTES[0] <= zf.getinfo(part).file_size <= SPLIT_BYTES[1]:
            return None
        copy = [n for n in names if n != part and not (n.startswith("xl/worksheets/") and n.endswith(".xml"))]
        if sum(zf.getinfo(n).file_size for n in copy) > COPY_BYTES:
            return None
        xml, others = _inflate(zf, part), [(n, _inflate(zf, n)) for n in copy]
    # each from its end: a search through the 15 MB of XML at 100x costs 6 ms (`plain` checks there
    # is only the one)
    head, tail = xml.find(b"<sheetData>") + len(b"<sheetData>"), xml.rfind(b"</sheetData>")
    mid = xml.find(b"</row>", (head + tail) // 2, tail) + len(b"</row>")
    if not len(b"<sheetData>") < head < mid <= tail or not _ROW_AT.match(xml, mid):
        return None
    return xml, part, others, head, mid


def _inflate(zf: zipfile.ZipFile, name: str) -> bytes:
    """A part, inflated no further than the size it declares, its CRC checked. (`zf.read` inflates a
    part that says it is smaller than it is up to 2 GB at once before it cuts it short.)"""
    with zf.open(name) as part:
        return part.read(zf.getinfo(name).file_size)


def _sheet_part(zf: zipfile.ZipFile, actual: str) -> str | None:
    """The zip member calamine reads as sheet `actual`, by its rules (name -> r:id -> Target)."""
    def attrs(tag: bytes) -> dict[bytes, str]:
        return {k: html.unescape(v.decode("utf-8", "replace")) for k, v in re.findall(rb'([\w:]+)="([^"]*)"', tag)}
    sheets = [attrs(t) for t in re.findall(rb"<sheet\b[^>]*>", _inflate(zf, "xl/workbook.xml"))]
    rid = next((s.get(b"r:id") for s in sheets if s.get(b"name") == actual), None)
    rels = [attrs(t) for t in re.findall(rb"<Relationship\b[^>]*>", _inflate(zf, "xl/_rels/workbook.xml.rels"))]
    target = next((r.get(b"Target") for r in rels if rid and r.get(b"Id") == rid), None) or ""
    path = target[1:] if target.startswith("/xl/") else target if target.startswith("xl/") else "xl/" + target
    return path if target and path in zf.NameToInfo else None


def _read_half(actual: str, others: list[tuple[str, bytes]], part: str, pieces, from_a1: bool):
    """(first cell, last cell, rows from A1 or from the first cell) of sheet `actual` in an .xlsx of
    `others` and `part` made of `pieces`, stored (no compression to pay for: ~4 ms at 100x, the CRC)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for name, content in others:
            out.writestr(name, content)
        with out.open(part, "w") as f:
            for piece in pieces:
                f.write(piece)
    buf.seek(0)
    book = python_calamine.CalamineWorkbook.from_filelike(buf)
    try:
        sheet = book.get_sheet_by_name(actual)
        if sheet.start is None:
            return None
        _not_huge(actual, sheet.end)
        return sheet.start, sheet.end, sheet.to_python(skip_empty_area=not from_a1)
    finally:
        book.close()


@contextlib.contextmanager
def _reading_ahead(data: bytes, book: python_calamine.CalamineWorkbook, canonical: str = "Scores",
                   kind: str = XLSX):
    """Start reading sheet `canonical` (Scores: ~90% of a workbook's cells) in another thread and
    yield {its name: a Future of its grid}. python-calamine lets go of the interpreter lock while it
    parses a sheet, so the other sheets are read and checked meanwhile (bench/README.md: about 40 ms
    of 420 at 100x). The thread has its own CalamineWorkbook on the same bytes (an open costs ~1 ms),
    only reads, and is waited for on the way out, whatever happened. Problems it meets (a damaged
    sheet, one too large) come out of the Future where the checker asks for the grid, as they would
    have there without it. A large sheet is read in two halves at once (`_grid_in_halves`).

    Only for an .xlsx: python-calamine parses every sheet of an .ods as it opens it (content.xml
    holds them all), so there is nothing left to read ahead."""
    actual = _sheet_names(book).get(norm(canonical)) if kind == XLSX else None
    try:
        ahead = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)) if actual else None
    except Exception:                              # it opened once already; if not, read it here
        ahead = None
    if ahead is None:
        yield {}
        return
    try:
        with ThreadPoolExecutor(1, thread_name_prefix="csp-read-ahead") as pool:
            yield {actual: pool.submit(_grid_ahead, data, ahead, actual)}
    finally:
        ahead.close()


def _grid_ahead(data: bytes, book: python_calamine.CalamineWorkbook, actual: str) -> list[list]:
    """`_grid`, from two halves read at once when the sheet is large, else (and whenever that fails:
    then the sheet read whole says what is wrong with it, if anything) read whole."""
    try:
        grid = _grid_in_halves(data, actual)
    except Exception:
        grid = None
    return _grid(book, actual) if grid is None else grid


class _Checker:
    def __init__(self, book: python_calamine.CalamineWorkbook, ahead: dict[str, Future] | None = None,
                 kind: str = XLSX):
        self.book = book
        self.app = FORMAT_APP[kind]               # the program messages tell people to save it from
        self.ahead = dict(ahead or {})             # sheet name -> its grid, being read in another thread
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.sheet_names = _sheet_names(book)
        self.scored: dict[tuple, tuple] = {}      # (cycle, criterion) -> count per scale label in Scores
        self.present: dict[str, dict[str, set]] = {}  # sheet -> cycle -> partnerships with a row
        self.usable: set[str] = set()             # sheets read without a fatal problem
        self.records: dict[str, list] = {}        # sheet as named -> [Table, {row number: index} or None]

    def error(self, sheet, row, column, message):
        self.errors.append(Problem(sheet, row, column, message, self.record(sheet, row)))

    def warn(self, sheet, row, column, message):
        self.warnings.append(Problem(sheet, row, column, message, self.record(sheet, row)))

    def record(self, sheet, row) -> str | None:
        """'Fife, 2023-2026': the Partnership and Cycle cells of a data row of a RECORD_SHEETS sheet, as written."""
        entry = self.records.get(sheet) if row is not None else None
        if entry is None:
            return None
        t, index = entry
        if index is None:                         # built once, on the sheet's first problem
            index = entry[1] = dict(zip(t.numbers, range(len(t.numbers))))
        i = index.get(row)
        if i is None:
            return None
        cells = [cell_text(t.rows[i][c]) for c in (t.col("Partnership"), t.col("Cycle")) if c is not None]
        return ", ".join(c for c in cells if c) or None

    def grid(self, actual: str) -> list[list]:
        ahead = self.ahead.pop(actual, None)
        return ahead.result() if ahead is not None else _grid(self.book, actual)

    def table(self, canonical: str) -> Table | None:
        """The sheet as a Table, or None (after reporting why) when it cannot be used."""
        required, needed, optional = SHEETS[canonical]
        actual = self.sheet_names.get(norm(canonical))
        if actual is None:
            if required:
                self.error(canonical, None, None, f"The workbook has no sheet called '{canonical}'. It is required.")
            return None
        try:
            grid = self.grid(actual)
        except WorkbookUnreadable:
            raise
        except Exception as exc:  # a damaged sheet: report it, keep checking the others
            self.error(actual, None, None, f"Sheet {actual} could not be read: its contents are damaged or "
                                           f"not laid out as {self.app} writes them. Save the workbook "
                                           f"again from {self.app}.")
            return None
        table = _table(actual, grid)
        if table is None:
            if required:
                self.error(actual, None, None, f"Sheet {actual} is empty: it needs a header row "
                                               f"({', '.join(needed)}) and rows of data.")
            return None
        known = {norm(c) for c in needed + optional}
        for index, header in enumerate(table.headers):
            first = table.columns.get(norm(header))
            if header and norm(header) in known and first != index:
                self.error(actual, table.header_row, table.label(index),
                           f"Column '{header}' appears twice in the header row (also column {column_letter(first)}).")
        missing = [c for c in needed if table.col(c) is None]
        for column in missing:
            self.error(actual, table.header_row, column, f"Sheet {actual} has no column '{column}' in its "
                                                         f"header row (row {table.header_row}). It is required.")
        if not missing:
            self.usable.add(canonical)
        if canonical in RECORD_SHEETS:
            self.records[actual] = [table, None]
        return None if missing else table

    def required_texts(self, t: Table, column: str) -> list[str]:
        values = t.texts(column)
        if not all(values):                       # the rows one by one only when one is empty
            for row, value in zip(t.numbers, values):
                if not value:
                    self.error(t.name, row, t.label(t.col(column)), f"{column} is empty. It is required.")
        return values

    def dates(self, t: Table, column: str, required: bool = False) -> np.ndarray:
        """The column as datetime64[ns] (NaT: blank or not a date), each problem reported.

        Each distinct cell is parsed once (True, 1 and 1.0 share an entry, as none of them is a
        date), then the rows are looked at one by one only when some cell is not a usable date."""
        values = t.values(column)
        distinct = dict.fromkeys(values)
        for value in distinct:
            try:
                ts = parse_date(value)
            except ValueError:
                ts = _NOT_A_DATE
            if ts is not None and ts is not _NOT_A_DATE and not DATE_YEARS[0] <= ts.year <= DATE_YEARS[1]:
                ts = _FAR_YEAR                    # e.g. 01/01/2300: a typing slip (and beyond datetime64[ns])
            distinct[value] = ts
        stamps = list(distinct.values())
        if any(ts is _NOT_A_DATE or ts is _FAR_YEAR or (required and ts is None) for ts in stamps):
            index = t.col(column)
            for row, value in zip(t.numbers, values):
                ts = distinct[value]
                if ts is _NOT_A_DATE:
                    self.error(t.name, row, t.label(index), f"{column} '{cell_text(value)}' is not a date. Use a "
                               "date cell, or text such as 31/03/2021 (day first) or 2021-03-31.")
                elif ts is _FAR_YEAR:
                    self.error(t.name, row, t.label(index), f"{column} '{cell_text(value)}' is not a date in "
                               f"{DATE_YEARS[0]}-{DATE_YEARS[1]}. Check the year.")
                elif ts is None and required:
                    self.error(t.name, row, t.label(index), f"{column} is empty. It is required.")
        # as datetime64[ns]: nanoseconds since 1970 (NaT is the smallest int64)
        table = np.array([ts.value if isinstance(ts, pd.Timestamp) else _NAT for ts in stamps],
                         dtype=np.int64).view("datetime64[ns]")
        codes = dict(zip(distinct, range(len(distinct))))
        return table[np.fromiter(map(codes.__getitem__, values), np.intp, len(values))]

    def unique(self, t: Table, column: str, numbers: list[int], keys: list, shown: list[str], what: str) -> None:
        first: dict = {}
        for row, key, text in zip(numbers, keys, shown):
            if key in ("", None):
                continue
            if key in first:
                self.error(t.name, row, t.label(t.col(column)), f"{what} '{text}' appears twice (first in row {first[key]}).")
            else:
                first[key] = row


RECORD_SHEETS = ("Scores", "Submissions", "Plans")  # a problem in a row says whose record it is (Problem.record)
_NOT_A_DATE = object()     # a cell that is not a date, in Checker.dates
_FAR_YEAR = object()       # a date whose year is outside DATE_YEARS
DATE_YEARS = (1900, 2199)  # any date in a review workbook; datetime64[ns] itself ends in 2262
_NAT = np.iinfo(np.int64).min


def read_workbook(source: str | Path | bytes | BinaryIO, *, max_bytes: int = MAX_FILE_BYTES,
                  trusted: bool = False) -> Review:
    """Read and check a workbook from a path, bytes or a binary file object.

    `trusted=True` is for bytes that already passed every safety check unchanged (a published
    version, verified by its sha256; the shipped sample): it skips the sheet-extent scan only."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            if path.stat().st_size > max_bytes:
                raise WorkbookUnreadable(f"The file is {path.stat().st_size / 1024 / 1024:.1f} MB, over the "
                                         f"limit of {max_bytes / 1024 / 1024:.0f} MB.")
            data = path.read_bytes()
        except OSError as exc:
            raise WorkbookUnreadable(f"The file {path} cannot be opened ({exc.strerror or exc}).") from None
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        data = source.read(max_bytes + 1)
        if not isinstance(data, bytes):
            raise WorkbookUnreadable("The upload could not be read as a file.")
    kind = check_bytes(data, max_bytes=max_bytes, scan_sheets=not trusted)
    app, suffix = FORMAT_APP[kind], "." + kind
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise WorkbookUnreadable("The workbook is password-protected. Remove the password and save "
                                 f"it again as {suffix}.") from None
    except Exception:
        what = "an OpenDocument spreadsheet" if kind == ODS else "an Excel workbook"
        raise WorkbookUnreadable(f"The file is damaged and cannot be read as {what}. "
                                 f"Open it in {app}, save it again as {suffix} and retry.") from None
    try:
        with _reading_ahead(data, book, kind=kind) as ahead:
            return _check(_Checker(book, ahead, kind))
    finally:
        book.close()


def _check(ck: _Checker) -> Review:
    partnerships, resolve = _partnerships(ck)
    criteria = _criteria(ck)
    scale, label_of = _scale(ck)
    cycles = _cycles(ck)
    submissions = _submissions(ck, resolve, cycles)
    scores = _scores(ck, resolve, cycles, criteria, scale, label_of)
    themes = _themes(ck, criteria)
    national = _national(ck, cycles, criteria, scale)
    _coverage(ck, partnerships)
    plans = _plans(ck, resolve, cycles)
    about, illustrative = _about(ck)
    return Review(partnerships, criteria, scale, cycles, submissions, scores, themes, national,
                  ck.errors, ck.warnings, about, illustrative, plans)


# -- Partnerships ----------------------------------------------------------------------------

def _partnerships(ck: _Checker):
    t = ck.table("Partnerships")
    lookup: dict[str, str] = {}
    if t is None:
        return make_frame("partnerships"), _resolver(lookup)
    names = ck.required_texts(t, "Partnership")
    ck.unique(t, "Partnership", t.numbers, [name_key(n) for n in names], names, "Partnership")
    aliases = [_split(v) for v in t.texts("Also known as")]
    for name in names:
        if name:
            lookup.setdefault(name_key(name), name)
    for row, name, alias_list in zip(t.numbers, names, aliases):
        for alias in alias_list:
            key = name_key(alias)
            if lookup.get(key, name) != name:
                ck.error(t.name, row, t.label(t.col("Also known as")),
                         f"Also known as '{alias}' is already the name or another name of '{lookup[key]}'.")
            elif name:
                lookup[key] = name
    keep = [i for i, n in enumerate(names) if n and lookup.get(name_key(n)) == n and names.index(n) == i]
    authorities, boards, groups = t.texts("Local authorities"), t.texts("Health board"), t.texts("Peer group")
    frame = make_frame("partnerships", {
        "partnership": [names[i] for i in keep],
        "local_authorities": ["; ".join(_split(authorities[i])) for i in keep],
        "health_board": [boards[i] for i in keep], "peer_group": [groups[i] for i in keep],
        "aliases": ["; ".join(aliases[i]) for i in keep], "order": list(range(len(keep)))})
    return frame, _resolver(lookup)


def _resolver(lookup: dict[str, str]):
    choices = sorted(set(lookup.values()))
    find = functools.cache(lambda value: lookup.get(name_key(value)))

    def resolve(ck: _Checker, t: Table, row: int, value: str) -> str | None:
        name = find(value)
        if name is None and "Partnerships" in ck.usable:
            ck.error(t.name, row, t.label(t.col("Partnership")),
                     f"'{value}' is not a partnership in sheet Partnerships{suggest(value, choices) or '.'}")
        return name
    resolve.find = find
    return resolve


# -- Criteria --------------------------------------------------------------------------------

def _criteria(ck: _Checker) -> pd.DataFrame:
    t = ck.table("Criteria")
    if t is None:
        return make_frame("criteria")
    ids = [i[:-1].rstrip() if i.endswith(".") else i for i in ck.required_texts(t, "ID")]
    names = ck.required_texts(t, "Name")
    keys = [norm(i) for i in ids]
    ck.unique(t, "ID", t.numbers, keys, ids, "Criterion ID")
    keep = [i for i, k in enumerate(keys) if k and keys.index(k) == i]
    questions, groups, full = t.texts("Question"), t.texts("Group"), t.texts("Fully met when")
    return make_frame("criteria", {"criterion": [ids[i] for i in keep], "name": [names[i] for i in keep],
                                   "question": [questions[i] for i in keep], "group": [groups[i] for i in keep],
                                   "order": list(range(len(keep))),
                                   "fully_met_when": [full[i] for i in keep]})


def _criterion_matcher(criteria: pd.DataFrame):
    """header or cell text -> criterion ID: '3', '3.', '3. Joint...', 'Criterion 3', or the name."""
    by_id = {norm(c): c for c in criteria["criterion"]}
    by_name = {norm(n): c for c, n in zip(criteria["criterion"], criteria["name"])}
    longest_first = sorted(by_id, key=len, reverse=True)

    @functools.cache
    def match(text) -> str | None:
        key = norm(text)
        if not key:
            return None
        if key in by_id or key in by_name:
            return by_id.get(key) or by_name[key]
        key = re.sub(r"^criterion\s*", "", key)
        for k in longest_first:
            if key.startswith(k) and (len(key) == len(k) or key[len(k)] in " .:)-–"):
                return by_id[k]
        return None
    return match


# -- Scale -----------------------------------------------------------------------------------

def _scale(ck: _Checker):
    t = ck.table("Scale")
    rows = []
    if t is not None:
        labels = ck.required_texts(t, "Label")
        for row, score, label, met in zip(t.numbers, t.texts("Score"), labels, t.texts("Met")):
            try:
                value = float(score)
                if not value.is_integer():
                    raise ValueError
            except ValueError:
                ck.error(t.name, row, t.label(t.col("Score")), f"Score '{score}' must be a whole number such as 2."
                         if score else "Score is empty. It is required.")
                continue
            if met and met.casefold() not in MET_WORDS:
                ck.error(t.name, row, t.label(t.col("Met")), f"Met '{met}' must be yes, partly or no.")
            if label:
                rows.append((int(value), label, MET_WORDS.get(met.casefold(), ""), row))
        numbers = [r[3] for r in rows]
        ck.unique(t, "Score", numbers, [r[0] for r in rows], [str(r[0]) for r in rows], "Score")
        ck.unique(t, "Label", numbers, [norm(r[1]) for r in rows], [r[1] for r in rows], "Label")
        if not rows and not any(p.sheet == t.name for p in ck.errors):
            ck.error(t.name, None, None, "Sheet Scale has no levels. Fill it in or delete the sheet.")
    if not rows:
        rows = [(s, label, m, None) for s, label, m in DEFAULT_SCALE]
    rows = sorted({r[0]: r for r in reversed(rows)}.values(), key=lambda r: -r[0])     # first of each score
    rows = [r for i, r in enumerate(rows) if norm(r[1]) not in {norm(s[1]) for s in rows[:i]}]  # and label
    n = len(rows)
    scale = make_frame("scale", {
        "score": [r[0] for r in rows], "label": [r[1] for r in rows],
        "met": [r[2] or ("yes" if i == 0 else "no" if i == n - 1 else "partly") for i, r in enumerate(rows)],
        "order": list(range(n)),
    })
    label_of: dict[str, str] = {}
    for score, label in zip(scale["score"], scale["label"]):
        label_of.setdefault(norm(label), label)
        label_of.setdefault(str(score), label)
    for score, label in zip(scale["score"], scale["label"]):
        for words in SYNONYMS:
            if norm(label) in words:
                for word in words:
                    label_of.setdefault(word, label)
    return scale, label_of


# -- Cycles ----------------------------------------------------------------------------------

def _cycles(ck: _Checker) -> pd.DataFrame:
    t = ck.table("Cycles")
    if t is None:
        return make_frame("cycles")
    cycles = []
    for row, text in zip(t.numbers, ck.required_texts(t, "Cycle")):
        match = CYCLE.fullmatch(text)
        if text and (not match or int(match[2]) <= int(match[1])):
            ck.error(t.name, row, t.label(t.col("Cycle")), f"Cycle '{text}' must be written as two years, e.g. 2020-2023.")
            match = None
        cycles.append(f"{match[1]}-{match[2]}" if match else "")
    ck.unique(t, "Cycle", t.numbers, cycles, cycles, "Cycle")
    due, extended, published = ck.dates(t, "Due date", True), ck.dates(t, "Extended due date"), ck.dates(t, "Review published")
    keep = sorted((i for i, c in enumerate(cycles) if c and cycles.index(c) == i), key=lambda i: cycles[i])
    return make_frame("cycles", {
        "cycle": [cycles[i] for i in keep], "start_year": [int(cycles[i][:4]) for i in keep],
        "end_year": [int(cycles[i][5:]) for i in keep], "due_date": due[keep],
        "extended_due_date": extended[keep], "review_published": published[keep]})


@_memo
def _cycle_of(text: str, known: tuple) -> str | None:
    match = CYCLE.fullmatch(text)
    cycle = f"{match[1]}-{match[2]}" if match else None
    return cycle if cycle in known else None


def _cycles_of(texts: list[str], known: tuple) -> list:
    """_cycle_of for each text, worked out once per distinct text ("" -> None)."""
    found = {text: _cycle_of(text, known) if text else None for text in dict.fromkeys(texts)}
    return list(map(found.__getitem__, texts))


def _keys(ck: _Checker, t: Table, resolve, cycles: pd.DataFrame) -> list:
    """(partnership, cycle) per row; None for rows with an unknown or blank one, or a repeat."""
    known = tuple(cycles["cycle"])
    p_texts, c_texts = ck.required_texts(t, "Partnership"), ck.required_texts(t, "Cycle")
    names = list(map(resolve.find, p_texts))
    found = _cycles_of(c_texts, known)
    out, first = list(zip(names, found)), {}
    if None not in names and None not in found and len(set(out)) == len(out):
        return out                                # the usual case: every row known, no repeat
    for i, (p, c) in enumerate(out):
        row = t.numbers[i]
        if p is None or c is None:
            if p is None and p_texts[i]:
                resolve(ck, t, row, p_texts[i])                  # reports the unknown name
            if c is None and c_texts[i] and "Cycles" in ck.usable:
                ck.error(t.name, row, t.label(t.col("Cycle")),
                         f"Cycle '{c_texts[i]}' is not in sheet Cycles (cycles there: {', '.join(known) or 'none'}).")
            out[i] = None
        elif first.setdefault((p, c), row) != row:
            ck.error(t.name, row, t.label(t.col("Partnership")),
                     f"{p} appears twice for cycle {c} (first in row {first[(p, c)]}).")
            out[i] = None
    return out


# -- Submissions -----------------------------------------------------------------------------

def _submissions(ck: _Checker, resolve, cycles: pd.DataFrame) -> pd.DataFrame:
    t = ck.table("Submissions")
    if t is None:
        return make_frame("submissions")
    keys = _keys(ck, t, resolve, cycles)
    submitted, interim, feedback = ck.dates(t, "Submitted"), ck.dates(t, "Interim statement"), ck.dates(t, "Feedback issued")
    values = t.values("Draft")
    texts = {value: _draft_text(value) for value in dict.fromkeys(values)}   # each distinct cell once
    if any(text not in YES_NO for text in texts.values()):       # (True and 1 share one: both yes)
        for row, value in zip(t.numbers, values):
            if _draft_text(value) not in YES_NO:
                ck.error(t.name, row, t.label(t.col("Draft")), f"Draft '{cell_text(value)}' must be yes or no.")
    flags = {value: YES_NO.get(text, False) for value, text in texts.items()}
    drafts = np.fromiter(map(flags.__getitem__, values), bool, len(values))
    keep = np.array([i for i, k in enumerate(keys) if k], dtype=np.intp)
    partnership_names, cycle_names = [keys[i][0] for i in keep], [keys[i][1] for i in keep]
    frame = make_frame("submissions", {
        "partnership": partnership_names, "cycle": cycle_names, "submitted": submitted[keep],
        "draft": drafts[keep], "interim_statement": interim[keep], "feedback_issued": feedback[keep]})
    _present(ck, t.name, partnership_names, cycle_names)
    # dates far from the cycle: probably typed month first, or the wrong year
    limits = {c: (pd.Timestamp(start, 1, 1), ext if pd.notna(ext) else due) for c, start, due, ext in
              zip(cycles["cycle"], cycles["start_year"], cycles["due_date"], cycles["extended_due_date"])}
    limits = {c: (start, deadline, deadline + pd.DateOffset(years=1)) for c, (start, deadline) in limits.items()}
    # compared as arrays (NaT compares false both ways, as pd.isna skipped it); rows warned in order
    sub, cycle_at = frame["submitted"].to_numpy(), {c: k for k, c in enumerate(limits)}
    at = np.fromiter(map(cycle_at.__getitem__, cycle_names), np.intp, len(cycle_names))
    early = sub < np.array([v[0].value for v in limits.values()], np.int64).view("datetime64[ns]")[at]
    late = sub > np.array([v[2].value for v in limits.values()], np.int64).view("datetime64[ns]")[at]
    for j in np.flatnonzero(early | late):
        i, cycle, ts = keep[j], cycle_names[j], pd.Timestamp(sub[j])
        if early[j]:
            ck.warn(t.name, t.numbers[i], t.label(t.col("Submitted")),
                    f"Submitted {fmt_date(ts)} is before cycle {cycle} starts. Check the date "
                    "(day first: 03/04/2021 is 3 April).")
        else:
            ck.warn(t.name, t.numbers[i], t.label(t.col("Submitted")),
                    f"Submitted {fmt_date(ts)} is more than a year after the deadline of "
                    f"{fmt_date(limits[cycle][1])}. Check the date.")
    return frame


def _draft_text(value) -> str:
    return str(value).casefold() if isinstance(value, bool) else cell_text(value).casefold()


def _present(ck: _Checker, sheet: str, partnerships: list, cycles: list) -> None:
    """Which partnerships have a row in `sheet`, by cycle: one array comparison per cycle."""
    codes, uniques = pd.factorize(np.array(cycles, dtype=object))
    names = np.array(partnerships, dtype=object)
    ck.present[sheet] = {cycle: set(names[codes == k]) for k, cycle in enumerate(uniques)}


# -- Scores ----------------------------------------------------------------------------------

def _scores(ck: _Checker, resolve, cycles, criteria, scale, label_of) -> pd.DataFrame:
    t = ck.table("Scores")
    if t is None:
        return make_frame("scores")
    match = _criterion_matcher(criteria)
    crit_cols: dict[str, int] = {}
    for index, header in enumerate(t.headers):
        if index in (t.col("Partnership"), t.col("Cycle")) or not header:
            continue
        crit = match(header)
        if crit is None:
            if re.match(r"\d", header) and "Criteria" in ck.usable:
                ck.warn(t.name, t.header_row, t.label(index),
                        f"Column '{header}' does not match any criterion ID in sheet Criteria; it was ignored.")
        elif crit in crit_cols:
            ck.error(t.name, t.header_row, t.label(index),
                     f"Criterion {crit} has two columns (also column {column_letter(crit_cols[crit])}).")
        else:
            crit_cols[crit] = index
    for crit, name in zip(criteria["criterion"], criteria["name"]):
        if crit not in crit_cols:
            ck.warn(t.name, t.header_row, None,
                    f"Criterion {crit} ({name}) has no column in sheet Scores: it is shown as not assessed.")
    keys = _keys(ck, t, resolve, cycles)
    crits = [c for c in criteria["criterion"] if c in crit_cols]
    if not crits or not t.rows:
        return make_frame("scores")
    # every score cell at once: factorized, so each distinct value is looked up once
    idx = [crit_cols[c] for c in crits]
    n_cols, labels = len(idx), list(scale["label"])
    pick = operator.itemgetter(*idx) if n_cols > 1 else (lambda cells: (cells[idx[0]],))

    def level_of_value(value) -> int:           # position in `labels`; -1 blank; -2 not on the scale
        text = cell_text(value)
        label = label_of.get(norm(text)) if text else None
        return -1 if not text else -2 if label is None else labels.index(label)
    cells = np.fromiter(itertools.chain.from_iterable(map(pick, t.rows)), object, len(t.rows) * n_cols)
    codes, uniques = pd.factorize(cells, use_na_sentinel=False)
    level = np.array([level_of_value(v) for v in uniques], dtype=np.intp)[codes]
    # an Excel TRUE or FALSE cell: factorize takes True for 1 and False for 0, so look inside those two
    for code, value in enumerate(uniques):
        if type(value) in (bool, int, float) and value in (0, 1):
            where = np.flatnonzero(codes == code)
            if pd.api.types.infer_dtype(cells[where], skipna=False) not in ("floating", "integer",
                                                                            "mixed-integer-float"):
                is_bool = np.fromiter((type(v) is bool for v in cells[where]), bool, len(where))
                numbers = cells[where[~is_bool]]
                level[where[~is_bool]] = level_of_value(numbers[0]) if len(numbers) else -1
                level[where[is_bool]] = -3
    bad = np.flatnonzero(level <= -2)
    if len(bad):
        choices = ", ".join(labels) + " (or " + ", ".join(str(s) for s in scale["score"]) + ")"
        for cell in bad:
            r, c = divmod(int(cell), n_cols)
            value = t.rows[r][idx[c]]
            if type(value) is bool:
                ck.error(t.name, t.numbers[r], t.label(idx[c]),
                         f"{str(value).upper()} is a true/false value, not a score. Use one of {choices}, "
                         "or leave it blank if not assessed.")
                continue
            text = cell_text(value)
            ck.error(t.name, t.numbers[r], t.label(idx[c]),
                     f"'{text}' is not on the scale{suggest(text, labels) or '.'} Use one of {choices}, "
                     "or leave it blank if not assessed.")
        level[bad] = -1
    rows = np.array([i for i, k in enumerate(keys) if k], dtype=np.intp)
    level = level.reshape(len(t.rows), n_cols)[rows].ravel()
    assessed = level >= 0
    partnership_names = [keys[i][0] for i in rows]
    cycle_names = [keys[i][1] for i in rows]
    _present(ck, t.name, partnership_names, cycle_names)
    # counts per cycle, criterion and level, for the check against National figures
    cycle_codes, cycle_index = pd.factorize(np.array(cycle_names, dtype=object))
    each_crit = np.tile(np.arange(n_cols), len(rows))
    cell = (np.repeat(cycle_codes, n_cols) * n_cols + each_crit) * len(labels) + level
    counts = np.bincount(cell[assessed], minlength=len(cycle_index) * n_cols * len(labels))
    ck.scored = dict(zip(itertools.product(cycle_index, crits), map(tuple, counts.reshape(-1, len(labels)).tolist())))
    # string columns taken from their few distinct values (label -1: none)
    return make_frame("scores", {
        "partnership": pd.array(partnership_names, dtype="str").take(np.arange(len(rows)).repeat(n_cols)),
        "cycle": pd.array(cycle_index, dtype="str").take(cycle_codes.repeat(n_cols)),
        "criterion": pd.array(crits, dtype="str").take(each_crit),
        "score": pd.arrays.IntegerArray(scale["score"].to_numpy()[np.where(assessed, level, 0)], ~assessed),
        "label": pd.array(labels, dtype="str").take(level, allow_fill=True),
    })


# -- Themes 2019 -----------------------------------------------------------------------------

def _themes(ck: _Checker, criteria: pd.DataFrame) -> pd.DataFrame:
    t = ck.table("Themes 2019")
    if t is None:
        return make_frame("themes")
    themes, findings = ck.required_texts(t, "Theme"), ck.required_texts(t, "Finding")
    match, ids = _criterion_matcher(criteria), list(criteria["criterion"])
    extents, counts, crits = [], [], []
    for row, extent, crit in zip(t.numbers, t.texts("Extent"), t.texts("Criterion")):
        word, count = extent.casefold(), None
        if word and word not in EXTENT_WORDS:
            stripped = re.sub(r"^(only|just)\s+", "", word)
            if stripped.isdigit():
                count = int(stripped)
            else:
                ck.error(t.name, row, t.label(t.col("Extent")),
                         f"Extent '{extent}' must be one of {', '.join(EXTENT_WORDS)} or a number such as 3.")
        found = match(crit) if crit else ""
        if found is None and "Criteria" in ck.usable:
            ck.error(t.name, row, t.label(t.col("Criterion")),
                     f"Criterion '{crit}' is not an ID in sheet Criteria{suggest(crit, ids) or '.'}")
        extents.append(word)
        counts.append(count)
        crits.append(found or "")
    keep = [i for i, theme in enumerate(themes) if theme]
    return make_frame("themes", {"theme": [themes[i] for i in keep], "finding": [findings[i] for i in keep],
                                 "extent": [extents[i] for i in keep], "extent_count": [counts[i] for i in keep],
                                 "criterion": [crits[i] for i in keep]})


# -- National figures ------------------------------------------------------------------------

def _national(ck: _Checker, cycles, criteria, scale) -> pd.DataFrame:
    t = ck.table("National figures")
    if t is None:
        return make_frame("national")
    # the three published columns, best first, under either wording
    level_cols = []
    for words, default in zip(SYNONYMS, (r[1] for r in DEFAULT_SCALE)):
        index = next((t.columns[w] for w in words if w in t.columns), None)
        if index is None:
            ck.error(t.name, t.header_row, default, f"Sheet {t.name} has no column '{default}' in its header "
                                                    f"row (row {t.header_row}). It is required.")
        level_cols.append(index)
    if None in level_cols:
        return make_frame("national")
    same_scale = len(scale) == 3
    labels = list(scale["label"]) if same_scale else [r[1] for r in DEFAULT_SCALE]
    match, ids, known = _criterion_matcher(criteria), list(criteria["criterion"]), tuple(cycles["cycle"])
    cycle_texts, crit_texts = ck.required_texts(t, "Cycle"), ck.required_texts(t, "Criterion")
    sources = t.texts("Source")
    found_cycles, found_crits = _cycles_of(cycle_texts, known), list(map(match, crit_texts))  # match("") is None
    count_texts = [list(map(cell_text, map(operator.itemgetter(i), t.rows))) for i in level_cols]
    counts = list(zip(*([int(text) if text.isdigit() else None for text in texts] for texts in count_texts)))
    check_cycles, check_crits = "Cycles" in ck.usable, "Criteria" in ck.usable
    keep, first = [], {}
    for i, (row, cycle, found, row_counts) in enumerate(zip(t.numbers, found_cycles, found_crits, counts)):
        if cycle is None or found is None or None in row_counts:   # report this row's problems, in order
            cyc, crit = cycle_texts[i], crit_texts[i]
            if cyc and cycle is None and check_cycles:
                ck.error(t.name, row, t.label(t.col("Cycle")), f"Cycle '{cyc}' is not in sheet Cycles "
                                                              f"(cycles there: {', '.join(known) or 'none'}).")
            if crit and found is None and check_crits:
                ck.error(t.name, row, t.label(t.col("Criterion")),
                         f"Criterion '{crit}' is not an ID in sheet Criteria{suggest(crit, ids) or '.'}")
            for index, texts in zip(level_cols, count_texts):
                text = texts[i]
                if not text.isdigit():
                    ck.error(t.name, row, t.label(index), f"{t.headers[index]} '{text}' must be a whole number of "
                                                          "plans (0 or more)." if text else f"{t.headers[index]} is "
                                                          "empty. It is required (0 if none).")
            continue
        if first.setdefault((cycle, found), row) != row:
            ck.error(t.name, row, t.label(t.col("Criterion")),
                     f"Criterion {found} appears twice for cycle {cycle} (first in row {first[(cycle, found)]}).")
            continue
        keep.append(i)
    # three rows per kept row, one per level, best first
    frame = make_frame("national", {
        "cycle": np.repeat(np.array([found_cycles[i] for i in keep], dtype=object), 3),
        "criterion": np.repeat(np.array([found_crits[i] for i in keep], dtype=object), 3),
        "label": labels * len(keep),
        "count": np.array([counts[i] for i in keep], dtype=np.int64).reshape(-1),
        "source": np.repeat(np.array([sources[i] for i in keep], dtype=object), 3)} if keep else None)
    # published figures against the counts from Scores, for cycles and criteria scored here
    differ = {}
    for i in keep if same_scale else []:
        cycle, crit = found_cycles[i], found_crits[i]
        scored = ck.scored.get((cycle, crit))
        if scored is not None and scored != counts[i]:
            differ[(cycle, crit)] = [(index, f"{label} {count} published, {n} in Scores") for label, index, count, n
                                     in zip(labels, level_cols, counts[i], scored) if count != n]
    for (cycle, crit), diffs in differ.items():
        ck.warn(t.name, first[(cycle, crit)], t.label(diffs[0][0]), f"For {cycle} criterion {crit} the published "
                f"figures disagree with sheet Scores: {'; '.join(d for _, d in diffs)}.")
    return frame



# -- Plans -----------------------------------------------------------------------------------

_WEB_ADDRESS = re.compile(r"https://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?", re.IGNORECASE)


def _plans(ck: _Checker, resolve, cycles: pd.DataFrame) -> pd.DataFrame:
    """The optional Plans sheet (format 1.1): one row per plan, partnership and cycle once each; a
    Link must be a https:// address, Pages a whole number."""
    t = ck.table("Plans")
    if t is None:
        return make_frame("plans")
    keys = _keys(ck, t, resolve, cycles)
    titles, links = t.texts("Title"), t.texts("Link")
    if t.col("Link") is not None:
        for row, link in zip(t.numbers, links):
            if link and not _WEB_ADDRESS.fullmatch(link):
                ck.error(t.name, row, t.label(t.col("Link")),
                         f"Link '{link}' is not a public web address starting with https:// (such as "
                         "https://www.example.gov.uk/plan.pdf). Give the plan's https:// address, or leave it empty.")
    pages: list = []
    for row, value in zip(t.numbers, t.values("Pages")):
        text = cell_text(value)
        number = None
        if text:
            try:
                as_float = float(text.replace(",", ""))
                number = int(as_float) if as_float.is_integer() and 1 <= as_float <= 100_000 else None
            except ValueError:
                pass
            if number is None:
                ck.error(t.name, row, t.label(t.col("Pages")),
                         f"Pages '{text}' is not a number of pages. Use a whole number such as 84, or leave it empty.")
        pages.append(number)
    keep = [i for i, k in enumerate(keys) if k]
    return make_frame("plans", {
        "partnership": [keys[i][0] for i in keep], "cycle": [keys[i][1] for i in keep],
        "title": [titles[i] for i in keep], "link": [links[i] for i in keep], "pages": [pages[i] for i in keep]})


# -- coverage warnings and About -------------------------------------------------------------

def _coverage(ck: _Checker, partnerships):
    everyone = list(partnerships["partnership"])
    for sheet, by_cycle in ck.present.items():
        for cycle, present in sorted(by_cycle.items()):
            missing = [p for p in everyone if p not in present]
            if missing:
                ck.warn(sheet, None, "Partnership",
                        f"Cycle {cycle} has no row for {_plural(len(missing), 'partnership')}: {', '.join(missing)}.")


def _about(ck: _Checker) -> tuple[str, bool]:
    """The About sheet: its text (one paragraph per row) and its `Illustrative` row (format 1.1), a
    row whose first filled cell is `Illustrative` and whose next filled cell is yes or no. That row
    is a setting, not a paragraph: it is left out of the text."""
    actual = ck.sheet_names.get("about")
    if actual is None:
        return "", False
    try:
        grid = ck.grid(actual)
    except WorkbookUnreadable:
        raise
    except Exception:
        return "", False
    lines, illustrative, first = [], False, None
    for number, row in enumerate(grid, 1):                    # list index + 1 = Excel row
        filled = [(i, c) for i, c in enumerate(row) if cell_text(c)]
        if filled and norm(filled[0][1]).rstrip(":").rstrip() == "illustrative":
            where, value = (filled[1] if len(filled) > 1 else (filled[0][0] + 1, ""))
            flag = ILLUSTRATIVE_WORDS.get(norm(value))
            if first is not None:
                ck.error(actual, number, column_letter(filled[0][0]),
                         f"The About sheet has a second Illustrative row (the first is row {first}): keep one.")
            elif flag is None:
                shown = f"'{cell_text(value)}'" if cell_text(value) else "blank"
                ck.error(actual, number, column_letter(where),
                         f"Illustrative is {shown}: it must be yes (every per-partnership score and date is "
                         "made up) or no (the data is real).")
            else:
                first, illustrative = number, flag
            continue
        line = " ".join(cell_text(c) for _, c in filled)
        if line:
            lines.append(line)
    return "\n".join(lines), illustrative
