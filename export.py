"""Downloads that are safe to open in Excel. No streamlit here.

A text cell starting with = + - @ (or a tab or carriage return) could run as a formula when the CSV
is opened in a spreadsheet (CSV injection); such cells are prefixed with a single quote. Numbers and
dates are left as they are.

Data from an illustrative workbook (its About sheet's `Illustrative` row, `Review.illustrative`) gets
one more, last column, `Illustrative`, reading "yes (made-up data)" on every row. The file stays a
plain table (a comment line or a trailing note row would break readers and column types), and the
caveat stays with every row that is filtered, sorted or copied out of it.
"""
from __future__ import annotations

import pandas as pd

from analysis.memo import by_content

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ILLUSTRATIVE_COLUMN = "Illustrative"
ILLUSTRATIVE_VALUE = "yes (made-up data)"


def escape_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@by_content
def to_safe_csv(frame: pd.DataFrame, illustrative: bool = False) -> bytes:
    """The frame as UTF-8 CSV (with a byte-order mark so Excel reads accents), formula-safe; with
    `illustrative`, a last column that says the data is made up on every row."""
    safe = frame.copy()
    if illustrative:
        name = ILLUSTRATIVE_COLUMN
        while name in safe.columns:             # never overwrite a column of the data
            name += " (note)"
        safe[name] = ILLUSTRATIVE_VALUE
    safe.columns = [escape_cell(str(c)) for c in safe.columns]
    for column in safe.columns:
        if isinstance(safe[column].dtype, pd.StringDtype):  # vectorised: a big table has 30,000 cells
            risky = safe[column].str.startswith(FORMULA_START, na=False)
            if risky.any():
                safe[column] = safe[column].where(~risky, "'" + safe[column])
        elif safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(escape_cell)
    return safe.to_csv(index=False).encode("utf-8-sig")
