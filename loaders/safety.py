"""Refuse hostile or broken files before any parser sees them: fast, in little memory.

Only the zip's central directory is read here (the sizes it declares); nothing is inflated. The
workbook is then read by python-calamine, which never runs macros and never follows external links.
"""
from __future__ import annotations

import io
import zipfile

from loaders.model import WorkbookUnreadable

MAX_FILE_BYTES = 25 * 1024 * 1024          # the upload limit: far above any real review workbook
MAX_UNPACKED_BYTES = 300 * 1024 * 1024     # what the zip may declare in all once inflated
MAX_RATIO = 200                            # inflated / compressed, for any member above 1 MB
MAX_MEMBERS = 5_000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def check_bytes(data: bytes, *, max_bytes: int = MAX_FILE_BYTES) -> None:
    """Raise WorkbookUnreadable with a plain-English reason when `data` is not a safe .xlsx."""
    if len(data) == 0:
        raise WorkbookUnreadable("The file is empty.")
    if len(data) > max_bytes:
        raise WorkbookUnreadable(
            f"The file is {len(data) / 1024 / 1024:.1f} MB, over the limit of "
            f"{max_bytes / 1024 / 1024:.0f} MB. A review workbook is normally well under 1 MB.")
    if data.startswith(OLE_MAGIC):
        raise WorkbookUnreadable(
            "The file is password-protected or in the old .xls format. Remove the password "
            "(File > Info > Protect Workbook) and save it as an Excel Workbook (.xlsx).")
    if not data.startswith(ZIP_MAGIC):
        kind = _guess_kind(data)
        raise WorkbookUnreadable(f"The file is not an Excel workbook (.xlsx){kind}. "
                                 "Save it from Excel as 'Excel Workbook (.xlsx)'.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WorkbookUnreadable("The file is damaged or incomplete (perhaps cut short while "
                                 "uploading or copying). Save it again from Excel and retry.") from None
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/workbook") for n in names):
        raise WorkbookUnreadable("The file is a zip archive but not an Excel workbook (.xlsx).")
    if len(infos) > MAX_MEMBERS:
        raise WorkbookUnreadable(f"The workbook has {len(infos)} parts, far more than a review "
                                 "workbook should; it was not opened.")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise WorkbookUnreadable("The workbook would expand to an unreasonable size when opened "
                                     "(a 'zip bomb'); it was not opened.")
    if total > MAX_UNPACKED_BYTES:
        raise WorkbookUnreadable(f"The workbook would expand to {total / 1024 / 1024:.0f} MB when "
                                 f"opened, over the limit of {MAX_UNPACKED_BYTES / 1024 / 1024:.0f} MB; "
                                 "it was not opened.")


def _guess_kind(data: bytes) -> str:
    head = data[:512].lstrip()
    if head.startswith(b"%PDF"):
        return ": it is a PDF"
    if head[:1] in (b"<",) and b"html" in head[:200].lower():
        return ": it is a web page"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    if "," in text or "\t" in text:
        return ": it looks like a CSV or text file"
    return ": it looks like a text file"
