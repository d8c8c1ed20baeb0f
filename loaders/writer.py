"""Write a workbook from plain Python lists: used by the sample generator, the benchmarks and the tests.

`write_workbook({"Partnerships": [["Partnership"], ["Fife"]], ...})` returns the .xlsx bytes (and
writes them to `path` when given). Cells may be str, int, float, bool, date, datetime or None.
"""
from __future__ import annotations

import io
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
