""""Download the data": a statistics spreadsheet (.xlsx and .ods) of a cycle. No streamlit here.

Built to the Government Analysis Function's guidance "Releasing statistics in spreadsheets":

- a cover sheet first (title, what the spreadsheet holds, source, contact, the illustrative caveat
  where it applies), then a table of contents listing every other sheet, then notes;
- one table per sheet, its title in cell A1, any text about it in the cells below A1 (column A, one
  line a row), then its headers in one row and its rows straight after: no merged cells, no blank
  rows or columns inside it, no blank cells (a missing value is "[x]", explained in the notes);
- sheet names that say what the sheet holds; numbers stored as numbers and dates as dates; nothing
  said by colour (headers are bold, and the words say everything).

One model (`Book` of `Sheet`s, built by `build`) and two small writers, `to_xlsx` (openpyxl) and
`to_ods` (odfpy, `loaders.writer.OdsBook`), so the two formats hold the same cells.

Hidden names: `build` takes the review the page shows (`ui.view`'s, hidden when names are hidden)
and the provenance line as the footer shows it, so nothing in the file (cells, sheet names, the
document's title and properties) names another partnership. Workbook text is written as text:
a cell that starts with "=" is never a formula.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import os
from dataclasses import dataclass, field

import pandas as pd

from analysis.national import coverage, coverage_table, cycles_with_scores, heatmap_frame, heatmap_table, \
    submission_status
from analysis.reference import criteria_table, scale_table
from loaders import Review
from loaders.model import NOT_ASSESSED

MISSING = "[x]"                      # the guidance's shorthand for a value that is not available
PRODUCT = "CSP Review Dashboard"     # the document's creator (its properties)
CONTACT = ("The analysts who publish the data of this dashboard (see its Data page). Set CSP_CONTACT on "
           "the server to give an email address here.")
OGL = ("Published national figures: the Scottish Government's national reviews of Children's Services Plans, "
       "under the Open Government Licence v3.0.")
MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ods": "application/vnd.oasis.opendocument.spreadsheet"}


@dataclass
class Sheet:
    name: str                                  # meaningful, at most 31 characters
    title: str                                 # cell A1
    lines: list[str] = field(default_factory=list)   # text under the title, one line a row, column A
    table: pd.DataFrame | None = None          # headers in one row, then its rows; None on the cover

    @property
    def header_row(self) -> int:
        """The table's header row, 1-based (after the title and the lines)."""
        return 2 + len(self.lines)


@dataclass
class Book:
    title: str
    sheets: list[Sheet]

    def filename(self, kind: str) -> str:
        return f"{self.slug}.{kind}"

    slug: str = "csp-review-data"


def build(review: Review, cycle: str, source_line: str, *, hidden: bool = False) -> Book:
    """The spreadsheet of `cycle`: the counts per criterion, the published national figures, each
    partnership's levels and submission, the criteria and the scale; `source_line` is the footer's
    provenance (with names hidden, `ui.provenance` of the hidden source)."""
    made_up = bool(review.illustrative)
    caveat = " (illustrative: made-up data) [note 1]" if made_up else ""
    tables: list[Sheet] = []
    number = 0

    def add(name: str, title: str, table: pd.DataFrame, lines: list[str]) -> None:
        nonlocal number
        number += 1
        tables.append(Sheet(name, f"Table {number}: {title}", ["This worksheet contains one table."] + lines,
                            _no_blanks(table)))

    cov = coverage(review, cycle)
    if not cov.empty:
        from_scores = cycle in cycles_with_scores(review)
        what = ("counted from each partnership's scores" if from_scores else
                "as published in the national review (no per-partnership scores for this cycle)")
        add("Criteria coverage", f"Plans at each level of each criterion, {cycle}" + (caveat if from_scores else ""),
            coverage_table(cov), [f"Number of plans at each level, {what}; then the same as a share of the "
                                  f"{int(cov['plans'].max())} plans (per cent, rounded) [note 2]."])
    published = _published(review)
    if not published.empty:
        add("Published figures", "Published national figures, every cycle",
            published, ["Counts of plans per criterion as the Scottish Government's national review reports "
                        "published them [note 3]."])
    levels = heatmap_frame(review, cycle)
    if not levels.empty:
        wide = heatmap_table(levels).replace("", NOT_ASSESSED)
        groups = dict(zip(review.partnerships["partnership"].astype(str), review.partnerships["peer_group"]))
        wide.insert(1, "Peer group", [groups.get(str(p)) or MISSING for p in wide["Partnership"]])
        add("Partnership levels", f"Each partnership's level on each criterion, {cycle}{caveat}", wide,
            ["One row per plan reviewed in the cycle; a criterion's column is headed by its ID and name [note 2]."])
    subs = submission_status(review, cycle)
    if not subs.empty:
        add("Submissions", f"When each partnership's plan arrived, {cycle}{caveat}", _submissions(subs),
            ["Days late counts the days from the deadline to the plan's arrival, negative when it arrived "
             "early [note 4]."])
    add("Criteria", "The review criteria", criteria_table(review).rename(columns={"Criterion": "ID"}),
        ["Each plan is reviewed against these criteria, in this order."])
    add("Scale", "The scale", scale_table(review), ["The levels a criterion is scored at, best first."])

    notes = _notes(made_up, hidden)
    notes_sheet = Sheet("Notes", "Notes", ["This worksheet contains one table. Tables refer to these notes by "
                                           "their number, e.g. [note 1]."],
                        pd.DataFrame({"Note number": [f"note {i}" for i in range(1, len(notes) + 1)],
                                      "Note text": notes}))
    contents = Sheet("Contents", "Table of contents", ["This worksheet contains one table."],
                     pd.DataFrame({"Sheet name": [s.name for s in (notes_sheet, *tables)],
                                   "Table title": [s.title for s in (notes_sheet, *tables)]}))
    title = f"Children's Services Plans review: data for {cycle}"
    cover_lines = [
        f"What it holds: for the planning cycle {cycle}, how many plans met each review criterion, each "
        "partnership's level on each criterion and when its plan arrived, the published national figures of "
        "every cycle, and the criteria and scale. The table of contents lists every table.",
    ]
    if made_up:
        cover_lines.append("Illustrative data: every per-partnership score and date in this spreadsheet is made "
                           "up. It is not any partnership's real result [note 1].")
    if hidden:
        cover_lines.append("Other partnerships' names are hidden: each is shown as a neutral label, "
                           "such as Partnership A [note 5].")
    source = source_line[len("Data: "):] if source_line.startswith("Data: ") else source_line
    cover_lines += [f"Source: {source}", OGL, f"Contact: {os.environ.get('CSP_CONTACT') or CONTACT}",
                    f"Made: {dt.date.today():%-d %B %Y}, by the {PRODUCT}."]
    cover = Sheet("Cover", title, cover_lines)
    return Book(title, [cover, contents, notes_sheet, *tables], slug=f"csp-review-data-{cycle}")


def _notes(made_up: bool, hidden: bool) -> list[str]:
    notes = [
        ("Illustrative data: every per-partnership score and date in this spreadsheet is made up, to show how "
         "the dashboard works; the counts per criterion add up to the published national figures. It is not any "
         "partnership's real result." if made_up else
         "The workbook this spreadsheet comes from does not mark its data as illustrative."),
        f"'{NOT_ASSESSED}': the plan had no score on that criterion (a blank in the review workbook). A cycle's "
        "counts per criterion add up to the number of plans in it.",
        "The national figures are the counts the national review reports published; where the workbook also has "
        "each partnership's scores, the dashboard's counts come from those scores.",
        f"'{MISSING}': not available, e.g. a plan not yet received has no submission date.",
    ]
    if hidden:
        notes.append("Other partnerships' names are hidden: each is a neutral label ('Partnership A', ...) dealt "
                     "by a secret kept on the dashboard's server; their councils, health boards and other "
                     "spellings are left out, and small peer groups are not shown.")
    return notes


def _published(review: Review) -> pd.DataFrame:
    nat = review.national
    if nat.empty:
        return pd.DataFrame()
    names = dict(zip(review.criteria["criterion"].astype(str), review.criteria["name"].astype(str)))
    order = {c: i for i, c in enumerate(review.criteria.sort_values("order")["criterion"].astype(str))}
    wide = nat.assign(criterion=nat["criterion"].astype(str)).pivot_table(
        index=["cycle", "criterion"], columns="label", values="count", aggfunc="sum", observed=True)
    labels = [lbl for lbl in review.labels if lbl in wide.columns] + [c for c in wide.columns if c not in review.labels]
    wide = wide.reindex(columns=labels).reset_index()
    sources = nat.assign(criterion=nat["criterion"].astype(str)).drop_duplicates(["cycle", "criterion"])
    wide = wide.merge(sources[["cycle", "criterion", "source"]], on=["cycle", "criterion"], how="left")
    wide = wide.sort_values(["cycle", "criterion"], key=lambda s: s.map(order) if s.name == "criterion" else s)
    out = pd.DataFrame({"Cycle": wide["cycle"], "ID": wide["criterion"], "Criterion": wide["criterion"].map(names)})
    for lbl in labels:
        out[lbl] = wide[lbl].astype("Int64")
    out["Source"] = wide["source"]
    return out.reset_index(drop=True)


def _submissions(per: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Partnership": per["partnership"], "Status": per["status"],
        "Submitted": per["submitted"], "Deadline": per["deadline"],
        "Days late (negative = early)": per["days_late"],
        "Draft": per["draft"].map({True: "yes", False: "no"}),
        "Interim statement": per["interim_statement"],
    })


def _value(v):
    """A cell's value as both writers take it: int, float, str, date; a missing one "[x]"."""
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return MISSING
    if isinstance(v, pd.Timestamp):
        return v.date()
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):      # numpy scalars
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, (int, float, str, dt.date)) and not isinstance(v, bool):
        return v
    return str(v)


def _no_blanks(table: pd.DataFrame) -> pd.DataFrame:
    """No blank cell: an empty string or a missing value becomes "[x]"."""
    out = table.astype(object).where(table.notna(), MISSING)
    return out.map(lambda v: MISSING if isinstance(v, str) and not v.strip() else v)


def rows(sheet: Sheet) -> list[list]:
    """The sheet's cells, row by row, as written: title, lines, headers, rows."""
    out = [[sheet.title], *([line] for line in sheet.lines)]
    if sheet.table is not None:
        out.append([str(c) for c in sheet.table.columns])
        out += [[_value(v) for v in r] for r in sheet.table.itertuples(index=False)]
    return out


def _widths(sheet: Sheet) -> list[float]:
    """Each column's width in characters: its longest header or value, within 10-60 (the lines above
    the table run on over the empty cells to their right; on the cover they wrap in a wide column A)."""
    if sheet.table is None:
        return [100]
    grid = rows(sheet)[sheet.header_row - 1:]
    out = []
    for c in range(len(grid[0])):
        longest = max(len(str(r[c])) if not isinstance(r[c], dt.date) else 11 for r in grid)
        out.append(float(min(max(longest + 2, 10), 60)))
    return out


def to_xlsx(book: Book) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for sheet in book.sheets:
        ws = wb.create_sheet(title=sheet.name)
        widths = _widths(sheet)
        for r, row in enumerate(rows(sheet), start=1):
            lines = 1      # a wrapped cell's lines: the row is made tall enough (not every program fits it)
            for c, value in enumerate(row, start=1):
                if isinstance(value, str):   # a control character cannot be in a cell: U+FFFD, as the .ods has
                    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"             # workbook text, never a formula
                elif isinstance(value, dt.date):
                    cell.number_format = "d mmm yyyy"
                if r == 1:
                    cell.font = Font(bold=True, size=14)
                elif r == sheet.header_row and sheet.table is not None:
                    cell.font = Font(bold=True)
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                elif isinstance(value, str) and (sheet.table is None or r > sheet.header_row) and len(value) > 60:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                    lines = max(lines, math.ceil(len(value) / (0.9 * widths[min(c, len(widths)) - 1])))
            if lines > 1:
                ws.row_dimensions[r].height = 15 * lines
        for c, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = width
    props = wb.properties
    props.title, props.creator, props.lastModifiedBy = book.title, PRODUCT, PRODUCT
    props.subject = props.description = props.keywords = props.category = None
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_ods(book: Book) -> bytes:
    from loaders.writer import OdsBook

    ods = OdsBook(title=book.title)
    for sheet in book.sheets:
        grid = rows(sheet)
        body = grid[sheet.header_row:] if sheet.table is not None else grid
        long = sorted({c for row in body for c, v in enumerate(row) if isinstance(v, str) and len(v) > 60})
        ods.add_sheet(sheet.name, grid, big_rows=(0,),
                      bold_rows=(sheet.header_row - 1,) if sheet.table is not None else (),
                      widths_cm=[w * 0.19 for w in _widths(sheet)], wrap_cols=long,
                      wrap_from_row=sheet.header_row if sheet.table is not None else 1)
    return ods.to_bytes()


def write(book: Book, kind: str) -> bytes:
    return to_xlsx(book) if kind == "xlsx" else to_ods(book)
