"""Read and check a review workbook (format 1, see ../shared/workbook-format.md).

`read_workbook(path_or_bytes)` returns a `Review`: tidy frames plus every problem found, in one pass.
It raises `WorkbookUnreadable` only when the file cannot be read as a workbook at all.

Forgiving about form (sheet and header case, spacing, a trailing full stop, column order, extra
sheets and columns, "ID. Name" criterion headers, labels or scores, "Achieved" wording, day-first
text dates, aliases, "&" for "and"); strict about meaning (duplicates, unknown names, off-scale
scores, dates that are not dates). Every problem names the sheet, the Excel row and the column.
"""
from __future__ import annotations

import datetime as dt
import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import python_calamine

from loaders.model import NOT_ASSESSED, Problem, Review, WorkbookUnreadable
from loaders.safety import MAX_FILE_BYTES, check_bytes

DEFAULT_SCALE = [(2, "Fully met", "yes"), (1, "Partially met", "partly"), (0, "Not met", "no")]
# Other words for the default labels (the 2020-2023 report's wording), accepted wherever the
# workbook's scale has the canonical label.
LABEL_SYNONYMS = {
    "fully met": ["achieved", "fully achieved", "met"],
    "partially met": ["partly achieved", "partially achieved", "partly met"],
    "not met": ["not achieved"],
}
EXTENT_WORDS = ["all", "most", "majority", "some", "few", "none"]
MET_WORDS = {"yes": "yes", "y": "yes", "true": "yes", "partly": "partly", "partial": "partly",
             "partially": "partly", "no": "no", "n": "no", "false": "no"}
YES_NO = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False,
          "0": False, "": False}
TEXT_DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d",
                     "%d %B %Y", "%d %b %Y", "%d-%b-%Y", "%d-%B-%Y", "%B %Y"]


# ---------------------------------------------------------------------------------------------
# small helpers

def norm(value) -> str:
    """Header / sheet / label key: case, surrounding and repeated spaces, trailing full stop ignored."""
    text = " ".join(str(value).split()).casefold()
    return text[:-1].rstrip() if text.endswith(".") else text


def name_key(value) -> str:
    """Partnership key: case and spacing ignored, "&" the same as "and"."""
    return "".join(str(value).casefold().replace("&", "and").split())


def cell_text(value) -> str:
    """A cell as the text an analyst typed: 3.0 -> "3", None/"" -> ""."""
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


def suggest(value: str, choices: list[str]) -> str:
    """' did you mean 'X'?' for the closest choice, or ''."""
    keyed = {name_key(c): c for c in choices}
    close = difflib.get_close_matches(name_key(value), list(keyed), n=1, cutoff=0.6)
    if not close:
        key = name_key(value)
        close = [k for k in keyed if key and (key in k or k in key)][:1]
    return f": did you mean '{keyed[close[0]]}'?" if close else ""


def parse_date(value):
    """A cell -> pd.Timestamp, None when blank; raises ValueError when it is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return pd.Timestamp(value).normalize()
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, (int, float)):
        if 20000 <= value <= 80000:  # an Excel date serial whose cell lost its date format
            return pd.Timestamp("1899-12-30") + pd.Timedelta(days=int(value))
        raise ValueError
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", " ".join(str(value).split()), flags=re.I)
    text = text.replace(",", "")
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


# ---------------------------------------------------------------------------------------------
# sheets as tables

@dataclass
class Table:
    """One sheet: its header row and its non-empty data rows, with Excel row numbers."""
    name: str                      # the sheet's name as written in the workbook
    header_row: int                # Excel row number of the header
    columns: dict[str, int]        # normalised header -> 0-based column index
    headers: list[str]             # header text as written, by column index
    rows: list[tuple[int, list]] = field(default_factory=list)   # (Excel row, cells)

    def col(self, key: str) -> int | None:
        return self.columns.get(key)

    def label(self, index: int) -> str:
        header = self.headers[index] if index < len(self.headers) else ""
        return f"{column_letter(index)} ({header})" if header else column_letter(index)

    def values(self, index: int | None) -> list:
        if index is None:
            return [""] * len(self.rows)
        return [cells[index] if index < len(cells) else "" for _, cells in self.rows]


def _table(name: str, grid: list[list]) -> Table | None:
    start = None
    for i, cells in enumerate(grid):
        if any(c != "" and c is not None and str(c).strip() != "" for c in cells):
            start = i
            break
    if start is None:
        return None
    headers = [cell_text(c) for c in grid[start]]
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = norm(header)
        if key and key not in columns:
            columns[key] = index
    table = Table(name, start + 1, columns, headers)
    for i in range(start + 1, len(grid)):
        cells = grid[i]
        if any(c != "" and c is not None and (not isinstance(c, str) or c.strip()) for c in cells):
            table.rows.append((i + 1, cells))
    return table


# ---------------------------------------------------------------------------------------------
# the reader

class _Checker:
    def __init__(self, book: python_calamine.CalamineWorkbook):
        self.book = book
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.sheet_names = {norm(n): n for n in book.sheet_names}

    def error(self, sheet, row, column, message):
        self.errors.append(Problem(sheet, row, column, message))

    def warn(self, sheet, row, column, message):
        self.warnings.append(Problem(sheet, row, column, message))

    # -- sheets ----------------------------------------------------------------------------------
    def table(self, canonical: str, required: bool, columns: list[str]) -> Table | None:
        actual = self.sheet_names.get(norm(canonical))
        if actual is None:
            if required:
                self.error(canonical, None, None,
                           f"The workbook has no sheet called '{canonical}'. It is required.")
            return None
        try:
            grid = self.book.get_sheet_by_name(actual).to_python(skip_empty_area=False)
        except Exception as exc:  # a damaged sheet: report it, keep checking the others
            self.error(actual, None, None, f"The sheet could not be read ({exc.__class__.__name__}).")
            return None
        table = _table(actual, grid)
        if table is None:
            if required:
                self.error(actual, None, None, f"Sheet {actual} is empty: it needs a header row "
                                               f"({', '.join(columns)}) and at least one row.")
            return None
        seen: dict[str, int] = {}
        for index, header in enumerate(table.headers):
            key = norm(header)
            if key in seen and key in [norm(c) for c in columns]:
                self.error(actual, table.header_row, table.label(index),
                           f"Column '{header}' appears twice (also in column {column_letter(seen[key])}).")
            seen.setdefault(key, index)
        for column in columns:
            if norm(column) not in table.columns:
                self.error(actual, table.header_row, column,
                           f"Sheet {actual} has no column '{column}' in its header row "
                           f"(row {table.header_row}). It is required.")
        return table

    def texts(self, table: Table, column: str, required: bool) -> list[str]:
        """The column's cells as text; required cells that are blank are errors."""
        index = table.col(norm(column))
        values = [cell_text(v) for v in table.values(index)]
        if required and index is not None:
            for (row, _), value in zip(table.rows, values):
                if not value:
                    self.error(table.name, row, table.label(index), f"{column} is empty. It is required.")
        return values

    def dates(self, table: Table, column: str, required: bool = False) -> list:
        index = table.col(norm(column))
        out = []
        for (row, _), value in zip(table.rows, table.values(index)):
            try:
                ts = parse_date(value)
            except ValueError:
                self.error(table.name, row, table.label(index),
                           f"'{cell_text(value)}' is not a date. Use a date cell, or text such as "
                           "31/03/2021 (day first) or 2021-03-31.")
                ts = None
            if ts is None and required and index is not None and cell_text(value) == "":
                self.error(table.name, row, table.label(index), f"{column} is empty. It is required.")
            out.append(ts if ts is not None else pd.NaT)
        return out

    def unique(self, table: Table, column: str, keys: list[str], what: str):
        index = table.col(norm(column))
        first: dict[str, int] = {}
        for (row, _), key, in zip(table.rows, keys):
            if not key:
                continue
            if key in first:
                self.error(table.name, row, table.label(index) if index is not None else column,
                           f"{what} '{key}' appears twice (first in row {first[key]}).")
            else:
                first[key] = row


def read_workbook(source: str | Path | bytes | BinaryIO, *, max_bytes: int = MAX_FILE_BYTES) -> Review:
    """Read and check a workbook from a path, bytes or a binary file object."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise WorkbookUnreadable(f"The file {path} cannot be opened ({exc.strerror}).") from None
        if size > max_bytes:
            raise WorkbookUnreadable(f"The file is {size / 1024 / 1024:.1f} MB, over the limit of "
                                     f"{max_bytes / 1024 / 1024:.0f} MB.")
        data = path.read_bytes()
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        data = source.read()
    check_bytes(data, max_bytes=max_bytes)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise WorkbookUnreadable("The workbook is password-protected. Remove the password and save "
                                 "it again as .xlsx.") from None
    except Exception:
        raise WorkbookUnreadable("The file is damaged and cannot be read as an Excel workbook. "
                                 "Open it in Excel, save it again as .xlsx and retry.") from None
    try:
        return _check(_Checker(book))
    finally:
        book.close()


def _check(ck: _Checker) -> Review:
    partnerships, resolve = _partnerships(ck)
    criteria = _criteria(ck)
    scale, label_of = _scale(ck)
    cycles = _cycles(ck)
    cycle_keys = {c: c for c in cycles["cycle"]}
    submissions = _submissions(ck, resolve, cycle_keys, cycles)
    scores = _scores(ck, resolve, cycle_keys, criteria, scale, label_of)
    themes = _themes(ck, criteria)
    national = _national(ck, cycle_keys, criteria, scale, scores)
    _coverage_warnings(ck, partnerships, submissions, scores)
    about = _about(ck)
    return Review(partnerships, criteria, scale, cycles, submissions, scores, themes, national,
                  ck.errors, ck.warnings, about)


# -- Partnerships ----------------------------------------------------------------------------

def _partnerships(ck: _Checker):
    cols = ["partnership", "local_authorities", "health_board", "peer_group", "aliases", "order"]
    t = ck.table("Partnerships", True, ["Partnership"])
    lookup: dict[str, str] = {}
    if t is None or t.col("partnership") is None:
        return pd.DataFrame(columns=cols), _resolver(lookup)
    names = ck.texts(t, "Partnership", True)
    ck.unique(t, "Partnership", [name_key(n) if n else "" for n in names], "Partnership")
    aliases = [_split(v) for v in ck.texts(t, "Also known as", False)]
    alias_col = t.label(t.col("also known as")) if t.col("also known as") is not None else "Also known as"
    for name in names:
        if name:
            lookup.setdefault(name_key(name), name)
    for (row, _), name, alias_list in zip(t.rows, names, aliases):
        for alias in alias_list:
            key = name_key(alias)
            if key in lookup and lookup[key] != name:
                ck.error(t.name, row, alias_col,
                         f"Also known as '{alias}' is already the name or alias of '{lookup[key]}'.")
            elif name:
                lookup[key] = name
    frame = pd.DataFrame({
        "partnership": names,
        "local_authorities": ["; ".join(_split(v)) for v in ck.texts(t, "Local authorities", False)],
        "health_board": ck.texts(t, "Health board", False),
        "peer_group": ck.texts(t, "Peer group", False),
        "aliases": ["; ".join(a) for a in aliases],
    })
    frame = frame[frame["partnership"] != ""].drop_duplicates("partnership").reset_index(drop=True)
    frame["order"] = range(len(frame))
    return frame[cols], _resolver(lookup)


def _resolver(lookup: dict[str, str]):
    choices = sorted(set(lookup.values()))

    def resolve(ck: _Checker, sheet: str, row: int, column: str, value: str) -> str | None:
        name = lookup.get(name_key(value))
        if name is None:
            ck.error(sheet, row, column,
                     f"'{value}' is not a partnership in sheet Partnerships{suggest(value, choices)}"
                     if choices else f"'{value}' is not a partnership in sheet Partnerships.")
        return name
    return resolve


def _split(text: str) -> list[str]:
    return [p.strip() for p in str(text).split(";") if p.strip()]


# -- Criteria --------------------------------------------------------------------------------

def _criteria(ck: _Checker) -> pd.DataFrame:
    cols = ["criterion", "name", "question", "group", "order"]
    t = ck.table("Criteria", True, ["ID", "Name"])
    if t is None or t.col("id") is None:
        return pd.DataFrame(columns=cols)
    ids = ck.texts(t, "ID", True)
    names = ck.texts(t, "Name", True)
    ck.unique(t, "ID", [norm(i) for i in ids], "Criterion ID")
    frame = pd.DataFrame({"criterion": ids, "name": names,
                          "question": ck.texts(t, "Question", False), "group": ck.texts(t, "Group", False)})
    frame["key"] = frame["criterion"].map(norm)
    frame = frame[frame["criterion"] != ""].drop_duplicates("key").drop(columns="key").reset_index(drop=True)
    frame["order"] = range(len(frame))
    return frame[cols]


# -- Scale -----------------------------------------------------------------------------------

def _scale(ck: _Checker):
    t = ck.table("Scale", False, ["Score", "Label"])
    rows = []
    if t is not None and t.col("score") is not None and t.col("label") is not None:
        met_index = t.col("met")
        for (row, cells), score, label, met in zip(t.rows, t.values(t.col("score")), ck.texts(t, "Label", True),
                                                   t.values(met_index)):
            try:
                value = float(cell_text(score))
                if not value.is_integer():
                    raise ValueError
            except ValueError:
                ck.error(t.name, row, t.label(t.col("score")),
                         f"Score '{cell_text(score)}' is not a whole number.")
                continue
            met_text = cell_text(met).casefold()
            if met_text and met_text not in MET_WORDS:
                ck.error(t.name, row, t.label(met_index), f"Met '{cell_text(met)}' must be yes, partly or no.")
            rows.append((int(value), label, MET_WORDS.get(met_text, ""), row))
        ck.unique(t, "Score", [str(r[0]) for r in rows], "Score")
        ck.unique(t, "Label", [norm(r[1]) for r in rows], "Label")
        if not rows and not any(p.sheet == t.name for p in ck.errors):
            ck.error(t.name, None, None, "Sheet Scale has no levels. Fill it in or delete the sheet.")
    if not rows:
        rows = [(s, l, m, None) for s, l, m in DEFAULT_SCALE]
    rows.sort(key=lambda r: -r[0])
    n = len(rows)
    scale = pd.DataFrame({
        "score": [r[0] for r in rows],
        "label": [r[1] for r in rows],
        "met": [r[2] or ("yes" if i == 0 else "no" if i == n - 1 else "partly") for i, r in enumerate(rows)],
        "order": range(n),
    })
    label_of: dict[str, str] = {}
    for score, label in zip(scale["score"], scale["label"]):
        label_of[norm(label)] = label
        label_of[str(score)] = label
        for synonym in LABEL_SYNONYMS.get(norm(label), []):
            label_of.setdefault(synonym, label)
    return scale, label_of


# -- Cycles ----------------------------------------------------------------------------------

def _cycles(ck: _Checker) -> pd.DataFrame:
    cols = ["cycle", "start_year", "end_year", "due_date", "extended_due_date", "review_published"]
    t = ck.table("Cycles", True, ["Cycle", "Due date"])
    if t is None or t.col("cycle") is None:
        return pd.DataFrame(columns=cols)
    index = t.col("cycle")
    cycles, starts, ends = [], [], []
    for (row, _), text in zip(t.rows, ck.texts(t, "Cycle", True)):
        match = re.fullmatch(r"(\d{4})\s*[-–/]\s*(\d{4})", text)
        if text and (not match or int(match[2]) <= int(match[1])):
            ck.error(t.name, row, t.label(index), f"Cycle '{text}' must be written as two years, "
                                                 "e.g. 2020-2023.")
        cycles.append(f"{match[1]}-{match[2]}" if match else "")
        starts.append(int(match[1]) if match else 0)
        ends.append(int(match[2]) if match else 0)
    ck.unique(t, "Cycle", cycles, "Cycle")
    frame = pd.DataFrame({
        "cycle": cycles, "start_year": starts, "end_year": ends,
        "due_date": pd.to_datetime(pd.Series(ck.dates(t, "Due date", required=True), dtype="object")),
        "extended_due_date": pd.to_datetime(pd.Series(ck.dates(t, "Extended due date"), dtype="object")),
        "review_published": pd.to_datetime(pd.Series(ck.dates(t, "Review published"), dtype="object")),
    })
    frame = frame[frame["cycle"] != ""].drop_duplicates("cycle")
    return frame.sort_values("start_year").reset_index(drop=True)[cols]


def _keys(ck: _Checker, t: Table, resolve, cycle_keys: dict[str, str]):
    """Resolve the Partnership and Cycle of every row; (partnership, cycle) or None per row."""
    p_index, c_index = t.col("partnership"), t.col("cycle")
    out = []
    for (row, _), p_text, c_text in zip(t.rows, ck.texts(t, "Partnership", True), ck.texts(t, "Cycle", True)):
        p = resolve(ck, t.name, row, t.label(p_index), p_text) if p_text else None
        c = None
        if c_text:
            match = re.fullmatch(r"(\d{4})\s*[-–/]\s*(\d{4})", c_text)
            c = cycle_keys.get(f"{match[1]}-{match[2]}") if match else None
            if c is None:
                known = ", ".join(cycle_keys) or "none"
                ck.error(t.name, row, t.label(c_index),
                         f"Cycle '{c_text}' is not in sheet Cycles (cycles there: {known}).")
        out.append((p, c) if p and c else None)
    first: dict[tuple, int] = {}
    for (row, _), key in zip(t.rows, out):
        if key is None:
            continue
        if key in first:
            ck.error(t.name, row, t.label(p_index),
                     f"{key[0]} appears twice for cycle {key[1]} (first in row {first[key]}).")
        else:
            first[key] = row
    return out, first


# -- Submissions -----------------------------------------------------------------------------

def _submissions(ck: _Checker, resolve, cycle_keys, cycles: pd.DataFrame) -> pd.DataFrame:
    cols = ["partnership", "cycle", "submitted", "draft", "interim_statement", "feedback_issued"]
    t = ck.table("Submissions", True, ["Partnership", "Cycle"])
    if t is None or t.col("partnership") is None or t.col("cycle") is None:
        return pd.DataFrame(columns=cols)
    keys, first = _keys(ck, t, resolve, cycle_keys)
    submitted = ck.dates(t, "Submitted")
    interim = ck.dates(t, "Interim statement")
    feedback = ck.dates(t, "Feedback issued")
    draft_index = t.col("draft")
    drafts = []
    for (row, _), value in zip(t.rows, t.values(draft_index)):
        text = cell_text(value).casefold() if not isinstance(value, bool) else str(value).casefold()
        if text not in YES_NO:
            ck.error(t.name, row, t.label(draft_index), f"Draft '{cell_text(value)}' must be yes or no.")
        drafts.append(YES_NO.get(text, False))
    by_cycle = cycles.set_index("cycle")
    rows = []
    for (row, _), key, sub, draft, inter, feed in zip(t.rows, keys, submitted, drafts, interim, feedback):
        if key is None or first.get(key) != row:
            continue
        if not pd.isna(sub) and key[1] in by_cycle.index:
            info = by_cycle.loc[key[1]]
            deadline = info["extended_due_date"] if not pd.isna(info["extended_due_date"]) else info["due_date"]
            col = t.label(t.col("submitted"))
            if sub < pd.Timestamp(int(info["start_year"]), 1, 1):
                ck.warn(t.name, row, col, f"Submitted {fmt_date(sub)} is before cycle {key[1]} starts. "
                                          "Check the date (day first: 03/04/2021 is 3 April).")
            elif not pd.isna(deadline) and sub > deadline + pd.DateOffset(years=1):
                ck.warn(t.name, row, col, f"Submitted {fmt_date(sub)} is more than a year after the "
                                          f"deadline of {fmt_date(deadline)}. Check the date.")
        rows.append((key[0], key[1], sub, draft, inter, feed))
    frame = pd.DataFrame(rows, columns=cols)
    for c in ("submitted", "interim_statement", "feedback_issued"):
        frame[c] = pd.to_datetime(frame[c])
    frame["draft"] = frame["draft"].astype(bool)
    return frame


# -- Scores ----------------------------------------------------------------------------------

def _criterion_for_header(header: str, criteria: pd.DataFrame) -> str | None:
    key = norm(header)
    if not key:
        return None
    by_id = {norm(c): c for c in criteria["criterion"]}
    if key in by_id:
        return by_id[key]
    match = re.match(r"^(?:criterion\s*)?([0-9]+[a-z]?)(?:[\s.:)\-–]+(.*))?$", key)
    if match and match[1] in by_id:
        return by_id[match[1]]
    by_name = {norm(n): c for c, n in zip(criteria["criterion"], criteria["name"])}
    return by_name.get(key)


def _scores(ck: _Checker, resolve, cycle_keys, criteria, scale, label_of) -> pd.DataFrame:
    cols = ["partnership", "cycle", "criterion", "score", "label"]
    empty = pd.DataFrame({c: pd.Series(dtype="Int64" if c == "score" else "object") for c in cols})
    t = ck.table("Scores", True, ["Partnership", "Cycle"])
    if t is None or t.col("partnership") is None or t.col("cycle") is None:
        return empty
    # which column holds which criterion
    crit_cols: list[tuple[str, int]] = []
    seen: dict[str, int] = {}
    for index, header in enumerate(t.headers):
        if index in (t.col("partnership"), t.col("cycle")):
            continue
        crit = _criterion_for_header(header, criteria)
        if crit is None:
            if header and re.match(r"^\s*\d", header):
                ck.warn(t.name, t.header_row, t.label(index),
                        f"Column '{header}' does not match any criterion ID in sheet Criteria; it was ignored.")
            continue
        if crit in seen:
            ck.error(t.name, t.header_row, t.label(index),
                     f"Criterion {crit} has two columns (also column {column_letter(seen[crit])}).")
            continue
        seen[crit] = index
        crit_cols.append((crit, index))
    order = {c: i for i, c in enumerate(criteria["criterion"])}
    crit_cols.sort(key=lambda x: order[x[0]])
    names = dict(zip(criteria["criterion"], criteria["name"]))
    for crit in criteria["criterion"]:
        if crit not in seen:
            ck.warn(t.name, t.header_row, None,
                    f"Criterion {crit} ({names[crit]}) has no column in sheet Scores: it is shown as not assessed.")
    keys, first = _keys(ck, t, resolve, cycle_keys)
    keep = [i for i, ((row, _), key) in enumerate(zip(t.rows, keys)) if key is not None and first.get(key) == row]
    if not crit_cols or not t.rows:
        return empty
    # the grid of score cells, checked value by value only once per distinct value
    width = max(index for _, index in crit_cols) + 1
    grid = np.empty((len(t.rows), len(crit_cols)), dtype=object)
    col_idx = [index for _, index in crit_cols]
    for r, (_, cells) in enumerate(t.rows):
        if len(cells) < width:
            cells = list(cells) + [""] * (width - len(cells))
        grid[r] = [cells[i] for i in col_idx]
    flat = grid.ravel()
    codes, uniques = pd.factorize(pd.Series(flat, dtype=object), use_na_sentinel=False)
    score_by_label = dict(zip(scale["label"], scale["score"]))
    unique_label, bad = [], set()
    for u, value in enumerate(uniques):
        text = cell_text(value)
        if text == "":
            unique_label.append(None)
            continue
        label = label_of.get(norm(text))
        if label is None:
            bad.add(u)
        unique_label.append(label)
    if bad:
        choices = ", ".join(scale["label"]) + " (or " + ", ".join(str(s) for s in scale["score"]) + ")"
        bad_cells = np.isin(codes, list(bad)).reshape(grid.shape).nonzero()
        for r, c in zip(*bad_cells):
            row = t.rows[r][0]
            text = cell_text(grid[r, c])
            hint = suggest(text, list(scale["label"]))
            ck.error(t.name, row, t.label(col_idx[c]),
                     f"'{text}' is not on the scale{hint or '.'} Use one of {choices}, or leave it blank "
                     "if not assessed.")
    labels = np.array(unique_label, dtype=object)[codes].reshape(grid.shape)[keep]
    n_rows, n_cols = labels.shape
    flat_labels = labels.ravel()
    frame = pd.DataFrame({
        "partnership": np.repeat(np.array([keys[i][0] for i in keep], dtype=object), n_cols),
        "cycle": np.repeat(np.array([keys[i][1] for i in keep], dtype=object), n_cols),
        "criterion": np.tile(np.array([c for c, _ in crit_cols], dtype=object), n_rows),
        "score": pd.Series(flat_labels, dtype=object).map(score_by_label).astype("Int64").array,
        "label": pd.Series(flat_labels, dtype=object).where(pd.notna(flat_labels), None).array,
    })
    return frame[cols]


# -- Themes 2019 -----------------------------------------------------------------------------

def _themes(ck: _Checker, criteria: pd.DataFrame) -> pd.DataFrame:
    cols = ["theme", "finding", "extent", "extent_count", "criterion"]
    t = ck.table("Themes 2019", False, ["Theme", "Finding"])
    if t is None or t.col("theme") is None or t.col("finding") is None:
        return pd.DataFrame({c: pd.Series(dtype="Int64" if c == "extent_count" else "object") for c in cols})
    themes = ck.texts(t, "Theme", True)
    findings = ck.texts(t, "Finding", True)
    extents, counts, crits = [], [], []
    e_index, c_index = t.col("extent"), t.col("criterion")
    ids = list(criteria["criterion"])
    for (row, _), extent, crit in zip(t.rows, ck.texts(t, "Extent", False), ck.texts(t, "Criterion", False)):
        word = extent.casefold()
        count = None
        if word and word not in EXTENT_WORDS:
            stripped = re.sub(r"^(only|just)\s+", "", word)
            if stripped.isdigit():
                count = int(stripped)
            else:
                ck.error(t.name, row, t.label(e_index),
                         f"Extent '{extent}' must be one of {', '.join(EXTENT_WORDS)} or a number such as 3.")
        extents.append(word)
        counts.append(count)
        found = _criterion_for_header(crit, criteria) if crit else ""
        if crit and found is None:
            ck.error(t.name, row, t.label(c_index),
                     f"Criterion '{crit}' is not an ID in sheet Criteria{suggest(crit, ids) or '.'}")
        crits.append(found or "")
    frame = pd.DataFrame({"theme": themes, "finding": findings, "extent": extents,
                          "extent_count": pd.array(counts, dtype="Int64"), "criterion": crits})
    return frame[frame["theme"] != ""].reset_index(drop=True)[cols]


# -- National figures ------------------------------------------------------------------------

NATIONAL_COLUMNS = ["Fully met", "Partially met", "Not met"]


def _national(ck: _Checker, cycle_keys, criteria, scale, scores) -> pd.DataFrame:
    cols = ["cycle", "criterion", "label", "count", "source"]
    t = ck.table("National figures", False, ["Cycle", "Criterion"] + NATIONAL_COLUMNS)
    if t is None or any(t.col(norm(c)) is None for c in ["Cycle", "Criterion"] + NATIONAL_COLUMNS):
        return pd.DataFrame(columns=cols)
    # published columns map onto the workbook's scale by position when it has three levels
    labels = list(scale["label"]) if len(scale) == 3 else NATIONAL_COLUMNS
    ids = list(criteria["criterion"])
    rows, seen = [], {}
    for i, ((row, _), cyc, crit, source) in enumerate(zip(t.rows, ck.texts(t, "Cycle", True),
                                                          ck.texts(t, "Criterion", True),
                                                          ck.texts(t, "Source", False))):
        match = re.fullmatch(r"(\d{4})\s*[-–/]\s*(\d{4})", cyc)
        cycle = cycle_keys.get(f"{match[1]}-{match[2]}") if match else None
        if cyc and cycle is None:
            ck.error(t.name, row, t.label(t.col("cycle")), f"Cycle '{cyc}' is not in sheet Cycles.")
        found = _criterion_for_header(crit, criteria) if crit else None
        if crit and found is None:
            ck.error(t.name, row, t.label(t.col("criterion")),
                     f"Criterion '{crit}' is not an ID in sheet Criteria{suggest(crit, ids) or '.'}")
        counts = []
        for column in NATIONAL_COLUMNS:
            index = t.col(norm(column))
            value = t.rows[i][1][index] if index < len(t.rows[i][1]) else ""
            text = cell_text(value)
            if not re.fullmatch(r"\d+", text):
                ck.error(t.name, row, t.label(index), f"{column} '{text}' must be a whole number of plans "
                                                      "(0 or more).")
                counts.append(None)
            else:
                counts.append(int(text))
        if cycle is None or found is None or None in counts:
            continue
        if (cycle, found) in seen:
            ck.error(t.name, row, t.label(t.col("criterion")),
                     f"Criterion {found} appears twice for cycle {cycle} (first in row {seen[(cycle, found)]}).")
            continue
        seen[(cycle, found)] = row
        for label, count in zip(labels, counts):
            rows.append((cycle, found, label, count, source))
    frame = pd.DataFrame(rows, columns=cols)
    if not frame.empty and not scores.empty:
        counted = scores.dropna(subset=["label"]).groupby(["cycle", "criterion", "label"]).size()
        cycles_scored = set(scores["cycle"])
        for (cycle, crit), row in seen.items():
            if cycle not in cycles_scored:
                continue
            published = frame[(frame["cycle"] == cycle) & (frame["criterion"] == crit)]
            diffs = [f"{lbl} {cnt} published, {int(counted.get((cycle, crit, lbl), 0))} in Scores"
                     for lbl, cnt in zip(published["label"], published["count"])
                     if cnt != int(counted.get((cycle, crit, lbl), 0))]
            if diffs:
                ck.warn(t.name, row, None, f"For {cycle} criterion {crit} the published figures disagree "
                                           f"with sheet Scores: {'; '.join(diffs)}.")
    return frame


# -- coverage warnings and About -------------------------------------------------------------

def _coverage_warnings(ck: _Checker, partnerships, submissions, scores):
    everyone = list(partnerships["partnership"])
    for sheet, frame in (("Submissions", submissions), ("Scores", scores)):
        if frame.empty:
            continue
        for cycle, group in frame.groupby("cycle", sort=False):
            missing = [p for p in everyone if p not in set(group["partnership"])]
            if missing:
                ck.warn(ck.sheet_names.get(norm(sheet), sheet), None, "Partnership",
                        f"Cycle {cycle} has no row for {len(missing)} partnership(s): {', '.join(missing)}.")


def _about(ck: _Checker) -> str:
    actual = ck.sheet_names.get("about")
    if actual is None:
        return ""
    try:
        grid = ck.book.get_sheet_by_name(actual).to_python()
    except Exception:
        return ""
    lines = [" ".join(cell_text(c) for c in row if cell_text(c)) for row in grid]
    return "\n".join(line for line in lines if line)
