"""Workbook in, validated pandas frames out. See loaders/reader.py and ../shared/workbook-format.md."""
from loaders.model import NOT_ASSESSED, Problem, Review, WorkbookUnreadable
from loaders.reader import read_workbook

__all__ = ["NOT_ASSESSED", "Problem", "Review", "WorkbookUnreadable", "read_workbook"]
