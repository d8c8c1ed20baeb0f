"""Write a workbook from plain Python lists: used by the sample generator, the benchmarks and the tests.

`write_workbook({"Partnerships": [["Partnership"], ["Fife"]], ...})` returns the .xlsx bytes (and
writes them to `path` when given). Cells may be str, int, float, bool, date, datetime or None.

`write_ods(...)` does the same as an OpenDocument spreadsheet (.ods), with odfpy (the package pandas
writes .ods with); `OdsBook` is the same writer with what a finished spreadsheet for people adds:
bold rows, column widths, wrapped columns, drop-down lists (ODF's table:content-validations, as
LibreOffice Calc writes them), the document's title, and fixed timestamps, so the same content gives
the same bytes.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from openpyxl import Workbook


def write_workbook(sheets: Mapping[str, Sequence[Sequence]], path: str | Path | None = None) -> bytes:
    wb = Workbook(write_only=True)
    for name, rows in sheets.items():
        ws = wb.create_sheet(title=name)
        for row in rows:
            ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def write_ods(sheets: Mapping[str, Sequence[Sequence]], path: str | Path | None = None) -> bytes:
    """The .ods of `sheets` (as for write_workbook): each cell typed as LibreOffice types it (string,
    float, boolean, date), a blank cell empty."""
    book = OdsBook()
    for name, rows in sheets.items():
        book.add_sheet(name, rows)
    data = book.to_bytes()
    if path is not None:
        Path(path).write_bytes(data)
    return data


@dataclass(frozen=True)
class DropDown:
    """A drop-down list on a block of cells (data validation), for both writers.

    `source`: the allowed values themselves (a tuple), or a range of another sheet written as Excel
    does ("Partnerships!$A$2:$A$31"). `strict`: refuse other values (else warn, and let them keep it)."""
    sheet: str
    first_col: int          # 1-based, inclusive
    last_col: int
    first_row: int
    last_row: int
    source: tuple[str, ...] | str
    title: str
    prompt: str
    strict: bool = False

    def ods_condition(self) -> str:
        """ODF's (OpenFormula) condition, as LibreOffice writes it:
        of:cell-content-is-in-list("yes";"no") or of:cell-content-is-in-list([$Cycles.$A$2:.$A$12])."""
        if isinstance(self.source, tuple):
            return "of:cell-content-is-in-list(" + ";".join('"' + v.replace('"', '""') + '"' for v in self.source) + ")"
        sheet, cells = self.source.rsplit("!", 1)
        first, _, last = cells.partition(":")
        sheet = sheet.strip("'")
        quoted = sheet if re.fullmatch(r"\w+", sheet) else "'" + sheet.replace("'", "''") + "'"
        return f"of:cell-content-is-in-list([${quoted}.{first}:.{last}])"


_EPOCH = (2024, 1, 1, 0, 0, 0)      # every zip entry's time, so the same content gives the same bytes


class OdsBook:
    """An .ods built sheet by sheet with odfpy."""

    def __init__(self, title: str | None = None, date_format: str = "d mmm yyyy"):
        from odf import dc, number
        from odf.opendocument import OpenDocumentSpreadsheet
        from odf.style import Style, TableCellProperties, TextProperties

        self.doc = doc = OpenDocumentSpreadsheet()
        if title:
            doc.meta.addElement(dc.Title(text=title))
        # a date shown as "1 Apr 2020" (the .xlsx template's "d mmm yyyy")
        date = number.DateStyle(name="date1")
        date.addElement(number.Day())
        date.addElement(number.Text(text=" "))
        date.addElement(number.Month(textual="true"))
        date.addElement(number.Text(text=" "))
        date.addElement(number.Year(style="long"))
        doc.automaticstyles.addElement(date)
        self._date = Style(name="cdate", family="table-cell", datastylename="date1")
        self._bold = Style(name="cbold", family="table-cell")
        self._bold.addElement(TextProperties(fontweight="bold"))
        self._bold.addElement(TableCellProperties(wrapoption="wrap", verticalalign="top"))
        self._big = Style(name="cbig", family="table-cell")
        self._big.addElement(TextProperties(fontweight="bold", fontsize="14pt"))
        self._wrap = Style(name="cwrap", family="table-cell")
        self._wrap.addElement(TableCellProperties(wrapoption="wrap", verticalalign="top"))
        for style in (self._date, self._bold, self._big, self._wrap):
            doc.automaticstyles.addElement(style)
        self._widths: dict[str, object] = {}
        self._validations = None
        self._tables = []

    def _column_style(self, width_cm: float):
        from odf.style import Style, TableColumnProperties

        key = f"{width_cm:.2f}"
        if key not in self._widths:
            style = Style(name=f"co{len(self._widths) + 1}", family="table-column")
            style.addElement(TableColumnProperties(columnwidth=f"{width_cm:.2f}cm"))
            self.doc.automaticstyles.addElement(style)
            self._widths[key] = style
        return self._widths[key]

    def add_sheet(self, name: str, rows: Sequence[Sequence], *, bold_rows: Sequence[int] = (),
                  big_rows: Sequence[int] = (), widths_cm: Sequence[float] | None = None,
                  wrap_cols: Sequence[int] = (), wrap_from_row: int = 0, dropdowns: Sequence[DropDown] = ()) -> None:
        """A sheet of `rows`; `bold_rows`, `big_rows` (a title), `wrap_cols`: 0-based indexes (the
        columns wrap from row `wrap_from_row` on).
        `dropdowns` on this sheet reach past the rows given (blank rows carry them)."""
        from odf.table import Table, TableColumn, TableRow

        table = Table(name=name)
        for width in widths_cm or ():
            table.addElement(TableColumn(stylename=self._column_style(width)))
        cells_with = {}
        for i, d in enumerate(dropdowns):
            vname = self._add_validation(d)
            for r in range(d.first_row, d.last_row + 1):
                for c in range(d.first_col, d.last_col + 1):
                    cells_with[(r, c)] = vname
        last_row = max([len(rows)] + [d.last_row for d in dropdowns])
        last_col = max([len(r) for r in rows] + [d.last_col for d in dropdowns] + [0])
        for r in range(1, last_row + 1):
            row = rows[r - 1] if r <= len(rows) else ()
            tr = TableRow()
            style = self._big if r - 1 in big_rows else self._bold if r - 1 in bold_rows else None
            width = max(len(row), max((c for (rr, c) in cells_with if rr == r), default=0)) if cells_with else len(row)
            for c in range(1, min(width, last_col) + 1):
                value = row[c - 1] if c <= len(row) else None
                wrap = c - 1 in wrap_cols and r - 1 >= wrap_from_row
                tr.addElement(self._cell(value, style or (self._wrap if wrap else None),
                                         cells_with.get((r, c))))
            table.addElement(tr)
        self._tables.append(table)

    def _add_validation(self, d: DropDown) -> str:
        from odf.table import ContentValidation, ContentValidations, ErrorMessage, HelpMessage
        from odf.text import P

        if self._validations is None:
            self._validations = ContentValidations()
        name = f"val{len(self._validations.childNodes) + 1}"
        v = ContentValidation(name=name, condition=d.ods_condition(), allowemptycell="true", displaylist="unsorted",
                              basecelladdress=f"{_ods_sheet(d.sheet)}.{_letters(d.first_col)}{d.first_row}")
        help_ = HelpMessage(title=d.title, display="true")
        help_.addElement(P(text=d.prompt))
        error = ErrorMessage(title=d.title, display="true", messagetype="stop" if d.strict else "warning")
        error.addElement(P(text=d.prompt + ("" if d.strict else " Click OK to keep the value anyway.")))
        v.addElement(help_)
        v.addElement(error)
        self._validations.addElement(v)
        return name

    def _cell(self, value, style=None, validation: str | None = None):
        from odf.table import TableCell
        from odf.text import P

        extra = {"contentvalidationname": validation} if validation else {}
        if style is not None:
            extra["stylename"] = style
        if value is None or value == "":
            return TableCell(**extra)
        if isinstance(value, bool):
            cell = TableCell(valuetype="boolean", booleanvalue="true" if value else "false", **extra)
            text = "TRUE" if value else "FALSE"
        elif isinstance(value, (int, float)):
            cell, text = TableCell(valuetype="float", value=value, **extra), str(value)
        elif isinstance(value, (dt.date, dt.datetime)):
            text = value.isoformat()
            extra.setdefault("stylename", self._date)
            cell = TableCell(valuetype="date", datevalue=text, **extra)
        else:
            cell, text = TableCell(valuetype="string", **extra), str(value)
        for i, line in enumerate(text.split("\n")):
            cell.addElement(P(text=line))
        return cell

    def to_bytes(self) -> bytes:
        if self._validations is not None:
            self.doc.spreadsheet.addElement(self._validations)
        for table in self._tables:
            self.doc.spreadsheet.addElement(table)
        buf = io.BytesIO()
        self.doc.write(buf)
        return _fixed_times(buf.getvalue())


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _ods_sheet(name: str) -> str:
    return name if re.fullmatch(r"\w+", name) else "'" + name.replace("'", "''") + "'"


def _fixed_times(data: bytes) -> bytes:
    """The zip again with every entry's time fixed; `mimetype` first and stored, as ODF asks."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=_EPOCH)
            zi.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()
