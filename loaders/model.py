"""What the loaders hand to the rest of the app: one `Review` of tidy pandas frames and its problems.

Frames and their columns (every frame exists, possibly empty):

- partnerships: partnership (str, canonical name), local_authorities (str, "; "-joined or ""),
  health_board (str or ""), peer_group (str or ""), aliases (str, "; "-joined or ""), order (int)
- criteria: criterion (str ID such as "6a"), name (str), question (str or ""), group (str or ""),
  order (int, the Criteria sheet's order), fully_met_when (str or "": the optional `Fully met when`
  column, format 1.1: what a plan that fully meets the criterion shows)
- scale: score (int), label (str, canonical), met ("yes" | "partly" | "no"), order (int, 0 = best)
- cycles: cycle (str "YYYY-YYYY"), start_year (int), end_year (int), due_date (Timestamp),
  extended_due_date (Timestamp or NaT), review_published (Timestamp or NaT)
- submissions: partnership, cycle, submitted (Timestamp or NaT = not yet received), draft (bool),
  interim_statement (Timestamp or NaT), feedback_issued (Timestamp or NaT)
- scores: partnership, cycle, criterion, score (Int64, <NA> = not assessed), label (str or <NA>):
  one row per Scores-sheet row and criterion column present in the sheet
- themes: theme, finding, extent (str, lower case, or ""), extent_count (Int64 when extent is a
  count), criterion (str ID or "")
- plans: partnership, cycle, title (str or ""), link (str, a https:// address, or ""), pages (Int64,
  <NA> = not given): the optional Plans sheet (format 1.1), one row per plan
- national: cycle, criterion, label (the workbook's scale label at that position when its scale has
  three levels, as the published columns are best to worst; else the default scale's label),
  count (int), source (str or "")

Every frame has exactly these columns with the dtypes in `SCHEMA` ("str" is pandas' string dtype,
missing = NaN; dates are datetime64[ns], missing = NaT), also when empty (`empty_frame`).

`errors` and `warnings` are lists of `Problem`. A `Review` with errors must not be shown as data.
"""
from __future__ import annotations

import functools

from dataclasses import dataclass, field, asdict

import pandas as pd

NOT_ASSESSED = "Not assessed"
# Said wherever per-partnership data of an illustrative workbook (Review.illustrative) is shown:
# pages, downloads (CSV, PNG), reports. Plain text, no Markdown.
ILLUSTRATIVE_NOTE = ("Illustrative data: every per-partnership score and date in this workbook is made up. "
                     "It is not any partnership's real result.")

_DATE = "datetime64[ns]"
SCHEMA: dict[str, dict[str, str]] = {
    "partnerships": {"partnership": "str", "local_authorities": "str", "health_board": "str",
                     "peer_group": "str", "aliases": "str", "order": "int64"},
    "criteria": {"criterion": "str", "name": "str", "question": "str", "group": "str", "order": "int64",
                 "fully_met_when": "str"},
    "scale": {"score": "int64", "label": "str", "met": "str", "order": "int64"},
    "cycles": {"cycle": "str", "start_year": "int64", "end_year": "int64", "due_date": _DATE,
               "extended_due_date": _DATE, "review_published": _DATE},
    "submissions": {"partnership": "str", "cycle": "str", "submitted": _DATE, "draft": "bool",
                    "interim_statement": _DATE, "feedback_issued": _DATE},
    "scores": {"partnership": "str", "cycle": "str", "criterion": "str", "score": "Int64", "label": "str"},
    "themes": {"theme": "str", "finding": "str", "extent": "str", "extent_count": "Int64", "criterion": "str"},
    "national": {"cycle": "str", "criterion": "str", "label": "str", "count": "int64", "source": "str"},
    "plans": {"partnership": "str", "cycle": "str", "title": "str", "link": "str", "pages": "Int64"},
}


def make_frame(name: str, columns: dict | None = None) -> pd.DataFrame:
    """The frame `name` from {column: list or array}: every column of SCHEMA[name], in order, typed."""
    columns = columns or {}
    n = len(next(iter(columns.values()))) if columns else 0
    return pd.DataFrame({c: pd.array(columns[c] if c in columns else [None] * n, dtype=t)
                         for c, t in SCHEMA[name].items()})


def empty_frame(name: str) -> pd.DataFrame:
    return make_frame(name)


@dataclass(frozen=True)
class Problem:
    sheet: str | None
    row: int | None
    column: str | None
    message: str
    # Which partnership and cycle the row is about, from its own Partnership and Cycle cells as
    # written ("Fife, 2023-2026"): rows of Scores, Submissions and Plans only, else None. It follows
    # from sheet and row, so it takes no part in comparing problems.
    record: str | None = field(default=None, compare=False)

    def as_dict(self) -> dict:
        return asdict(self)

    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


class WorkbookUnreadable(Exception):
    """The file cannot be read as a workbook at all (wrong type, damaged, protected, too large)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Review:
    partnerships: pd.DataFrame
    criteria: pd.DataFrame
    scale: pd.DataFrame
    cycles: pd.DataFrame
    submissions: pd.DataFrame
    scores: pd.DataFrame
    themes: pd.DataFrame
    national: pd.DataFrame
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    about: str = ""
    # The About sheet's `Illustrative` row (format 1.1): every per-partnership score and date is made up.
    illustrative: bool = False
    # The optional Plans sheet (format 1.1): partnership, cycle, title, link, pages.
    plans: pd.DataFrame = field(default_factory=lambda: empty_frame("plans"))

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def labels(self) -> list[str]:
        """Scale labels, best first."""
        return list(self._labels)

    @functools.cached_property
    def _labels(self) -> tuple[str, ...]:
        # asked for many times in every run (a sort each time, ~1 ms); a Review is never modified
        return tuple(self.scale.sort_values("order")["label"])

    @property
    def full_label(self) -> str:
        """The label that counts as fully met (the best level)."""
        return self.labels[0]

    @property
    def criterion_names(self) -> dict[str, str]:
        return dict(zip(self.criteria["criterion"], self.criteria["name"]))
