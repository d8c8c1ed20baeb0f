"""Make tests/data/messy-review.xlsx and the .ods LibreOffice Calc itself saves from it.

    python tests/data/make_libreoffice_ods.py      # needs soffice (Debian: libreoffice-calc-nogui)

Both files are checked in, so the tests (tests/test_loaders_ods.py) and CI need no LibreOffice:
this is how they were made, run again only to remake them. The workbook is messy as analysts' are
(headers in odd case and spacing, day-first text dates, an alias, blank rows) and has errors on
known sheets, rows and columns, so the test compares every problem's place as well as the data.
The conversion is LibreOffice's own (filter calc8, "ODF Spreadsheet"):

    soffice --headless --convert-to ods --outdir tests/data tests/data/messy-review.xlsx

tests/data/encrypted-review.ods is the same workbook saved by LibreOffice Calc with the password
"secret" (AES-256, the manifest's manifest:encryption-data), through LibreOffice's own Python
(Debian's python3-uno, so /usr/bin/python3), as `ENCRYPT` below does: `--convert-to` takes no password.
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


# run by /usr/bin/python3 (python3-uno): open the .xlsx in a headless LibreOffice, save it as an
# encrypted .ods ("calc8" with a Password), close LibreOffice
ENCRYPT = """
import subprocess, sys, tempfile, time, uno
from com.sun.star.beans import PropertyValue
def pv(name, value):
    p = PropertyValue(); p.Name, p.Value = name, value; return p
profile = tempfile.mkdtemp()
office = subprocess.Popen(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--invisible",
                           "--accept=socket,host=127.0.0.1,port=20021;urp;"])
resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
    "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
for _ in range(120):
    try:
        ctx = resolver.resolve("uno:socket,host=127.0.0.1,port=20021;urp;StarOffice.ComponentContext")
        break
    except Exception:
        time.sleep(0.5)
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(sys.argv[1]), "_blank", 0, (pv("Hidden", True),))
doc.storeToURL(uno.systemPathToFileUrl(sys.argv[2]), (pv("FilterName", "calc8"), pv("Password", "secret")))
doc.close(True)
try:
    desktop.terminate()
except Exception:
    pass
office.wait(timeout=60)
"""


def main() -> None:
    xlsx = HERE / "messy-review.xlsx"
    workbook_bytes(messy_sheets(), xlsx)
    subprocess.run(["soffice", "--headless", "--convert-to", "ods", "--outdir", str(HERE), str(xlsx)], check=True)
    encrypted = HERE / "encrypted-review.ods"
    subprocess.run(["/usr/bin/python3", "-c", ENCRYPT, str(xlsx), str(encrypted)], check=True)
    print("wrote", xlsx, xlsx.with_suffix(".ods"), "and", encrypted)


if __name__ == "__main__":
    main()
