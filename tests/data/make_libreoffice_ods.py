"""Make tests/data/messy-review.xlsx and the .ods LibreOffice Calc itself saves from it.

    python tests/data/make_libreoffice_ods.py      # needs soffice (Debian: libreoffice-calc-nogui)

Both files are checked in, so the tests (tests/test_loaders_ods.py) and CI need no LibreOffice:
this is how they were made, run again only to remake them. The workbook is messy as analysts' are
(headers in odd case and spacing, day-first text dates, an alias, blank rows) and has errors on
known sheets, rows and columns, so the test compares every problem's place as well as the data.
The conversion is LibreOffice's own (filter calc8, "ODF Spreadsheet"):

    soffice --headless --convert-to ods --outdir tests/data tests/data/messy-review.xlsx
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE.parent)]

from builders import make_sheets, workbook_bytes  # noqa: E402


def messy_sheets() -> dict:
    sheets = make_sheets(
        scores={("East", "2023-2026"): ["Fully mett", 5, "Partially met"]},     # two scores off the scale
        submitted={("North", "2020-2023"): "01/04/2020", ("South", "2020-2023"): "3rd March 2020",
                   ("West", "2023-2026"): "31/02/2024"},                     # text dates; one impossible
        themes=[["Vision", "Most plans had one", "most", "1"], ["Data", "Few used data", "only 3", 2]])
    sheets["Partnerships"][0] = ["  PARTNERSHIP ", "Local Authorities.", "health board", "Peer Group", "also known as"]
    sheets["Partnerships"][1][4] = "Northshire; The North"
    sheets["Criteria"][0][0] = "ID."
    scores = sheets["Scores"]
    scores[0] = [" partnership", "CYCLE"] + [f"{c}. Criterion {c}" for c in scores[0][2:]]
    scores[1][0] = "Northshire"                                             # an alias
    scores[3][0] = "Sowth"                                                  # unknown: did you mean South?
    scores[2:2] = [[], [None, None, None]]                                  # blank rows keep row numbers
    sheets["Scores "] = sheets.pop("Scores")                                # a trailing space in a sheet name
    return sheets


def main() -> None:
    xlsx = HERE / "messy-review.xlsx"
    workbook_bytes(messy_sheets(), xlsx)
    subprocess.run(["soffice", "--headless", "--convert-to", "ods", "--outdir", str(HERE), str(xlsx)], check=True)
    print("wrote", xlsx, "and", xlsx.with_suffix(".ods"))


if __name__ == "__main__":
    main()
