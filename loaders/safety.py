"""Refuse hostile or broken files before any parser sees them: fast, in little memory.

1. The bytes: empty, over the size limit, an OLE container (password-protected .xlsx or old .xls),
   or not a zip at all (CSV, PDF, web page) are refused from the first bytes.
2. The zip's central directory: only the sizes it declares are read, nothing is inflated. Too many
   parts, more than MAX_UNPACKED_BYTES in all, or a part that inflates more than MAX_RATIO times
   (a "zip bomb") are refused. python-calamine's zip reader stops at the declared size, so a part
   that lies about its size fails instead of inflating further.
3. Each worksheet's XML: python-calamine turns a sheet into a dense grid from A1 to the furthest
   cell, so two cells far apart (A1 and XFD1048576: a 5 KB file) make it allocate hundreds of GB
   and abort the whole process (tafia/calamine#693). `sheet_extent` finds the furthest cell
   reference before calamine sees the sheet; a sheet over MAX_SHEET_CELLS is refused.
4. Every XML part's prolog: a document type declaration (<!DOCTYPE ...>, which Excel never writes)
   is refused, whatever it declares: it is how an "entity bomb" (entities defined by entities,
   a few KB that expand to gigabytes) or an external entity would reach a parser.

Reading never runs anything: python-calamine reads cell values only. It never runs macros (VBA
parts are ignored), never evaluates formulas (it reads the value Excel cached with the formula) and
never opens external links (a formula such as ='[other.xlsx]Sheet1'!A1 yields its cached value).

An OpenDocument spreadsheet (.ods, as LibreOffice Calc saves) is a zip too, told by its content (a
`mimetype` member naming it, and no xl/workbook.xml, which python-calamine would read first), and
passes the same steps: 1 and 2 alike; 3 on content.xml, where a row or cell may say it repeats
(table:number-rows-repeated, table:number-columns-repeated) up to Excel's limits, so a 5 KB file
can ask for a grid of 1,048,576 x 16,384 cells: `ods_extent` adds the repeats up before calamine
sees them; 4 alike. An encrypted (password-protected) .ods, whose parts are not XML at all, is
refused by its manifest.
"""
from __future__ import annotations

import io
import posixpath
import re
import xml.parsers.expat
import zipfile

import numpy as np

from loaders.model import WorkbookUnreadable

MAX_FILE_BYTES = 25 * 1024 * 1024          # the upload limit: far above any real review workbook
MAX_UNPACKED_BYTES = 300 * 1024 * 1024     # what the zip may declare in all once inflated
MAX_RATIO = 200                            # inflated / compressed, for any member above 1 MB
MAX_MEMBERS = 5_000
MAX_SHEET_CELLS = 5_000_000                # rows x columns of the grid one sheet makes (A1 to the last cell)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
DAMAGED = ("The file is damaged or incomplete (perhaps cut short while uploading or copying). "
           "Save it again from Excel and retry.")
DOCTYPE = ("Part of the workbook declares its own XML entities (a document type declaration), which Excel "
           "never writes and which files built to attack a program use to expand enormously when read "
           "(an 'entity bomb'); it was not opened. Save the workbook again from Excel.")
PROLOG_CHUNK = 64 * 1024   # a prolog is read this much at a time, up to the first element


XLSX, ODS = "xlsx", "ods"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# what each format is called in messages, and the program that saves it
FORMAT_NAME = {XLSX: "Excel workbook (.xlsx)", ODS: "OpenDocument spreadsheet (.ods)"}
FORMAT_APP = {XLSX: "Excel", ODS: "LibreOffice Calc"}
EITHER = "an Excel workbook (.xlsx) or OpenDocument spreadsheet (.ods)"


def workbook_format(data: bytes) -> str | None:
    """"xlsx" or "ods" by the bytes (not the file name), as python-calamine will read them; None
    when neither (not a zip, or a zip of something else)."""
    if not data.startswith(ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return _zip_format(zf)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError,
            NotImplementedError, RuntimeError):
        return None


def _zip_format(zf: zipfile.ZipFile) -> str | None:
    names = set(zf.namelist())
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX
    if "xl/workbook.xml" in names or "mimetype" not in names or "content.xml" not in names:
        return None
    if zf.getinfo("mimetype").file_size > 200:
        return None
    return ODS if _inflate_small(zf, "mimetype").strip() == ODS_MIMETYPE else None


# other OpenDocument files, by their mimetype, as people know them
ODF_OTHERS = {"text": "text document (.odt, as LibreOffice Writer saves)",
              "presentation": "presentation (.odp, as LibreOffice Impress saves)",
              "graphics": "drawing (.odg, as LibreOffice Draw saves)"}


def _other_odf(zf: zipfile.ZipFile) -> str | None:
    """What an OpenDocument file that is not a spreadsheet is ("text document (.odt, ...)"), by its
    mimetype member; None for anything else."""
    try:
        if zf.getinfo("mimetype").file_size > 200:
            return None
        kind = _inflate_small(zf, "mimetype").strip()
    except KeyError:
        return None
    prefix = b"application/vnd.oasis.opendocument."
    if not kind.startswith(prefix) or kind == ODS_MIMETYPE:
        return None
    sub = kind[len(prefix):].decode("ascii", "replace").split("-")[0]
    return ODF_OTHERS.get(sub, "document of another kind")


def _inflate_small(zf: zipfile.ZipFile, name: str) -> bytes:
    with zf.open(name) as part:
        return part.read(zf.getinfo(name).file_size)


def damaged(kind: str | None) -> str:
    return ("The file is damaged or incomplete (perhaps cut short while uploading or copying). "
            f"Save it again from {FORMAT_APP.get(kind, 'Excel or LibreOffice Calc')} and retry.")


def doctype(kind: str | None) -> str:
    app = FORMAT_APP.get(kind, "Excel")
    return (f"Part of the {'spreadsheet' if kind == ODS else 'workbook'} declares its own XML entities "
            f"(a document type declaration), which {app} never writes and which files built to attack a "
            "program use to expand enormously when read (an 'entity bomb'); it was not opened. "
            f"Save the {'spreadsheet' if kind == ODS else 'workbook'} again from {app}.")


def check_bytes(data: bytes, *, max_bytes: int = MAX_FILE_BYTES, scan_sheets: bool = True) -> str:
    """Raise WorkbookUnreadable with a plain-English reason when `data` is not a safe .xlsx or .ods;
    else return its format ("xlsx" or "ods").

    `scan_sheets=False` skips step 3 (the sheets' cell extents: ~10% of reading time at 100x) for
    bytes that already passed it: a published version, whose sha256 the store checks on reading."""
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
        raise WorkbookUnreadable(f"The file is not {EITHER}{_guess_kind(data)}. "
                                 "Save it from Excel as 'Excel Workbook (.xlsx)' or from LibreOffice "
                                 "Calc as 'ODF Spreadsheet (.ods)'.")
    kind = None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            kind = _zip_format(zf)
            _check_zip(zf, kind)
            if kind == ODS:
                _check_ods(zf, scan_sheets)
                return kind
            sheets = _sheet_parts(zf) if scan_sheets else []
            for name in sorted({n for n in zf.namelist() if n.lower().endswith((".xml", ".rels"))}
                               | set(sheets)) if scan_sheets else ():
                if _declares_doctype(zf, name):
                    raise WorkbookUnreadable(DOCTYPE)
            for name in sheets:
                rows, cols = sheet_extent(_stream(zf, name)) or _extent_exact(_stream(zf, name))
                if rows * cols > MAX_SHEET_CELLS:
                    raise WorkbookUnreadable(
                        f"A sheet of the workbook reaches row {rows:,} and column {cols:,}, far "
                        "beyond any review workbook; it was not opened. Delete the stray cells far "
                        "from the data (Ctrl+End shows the last one) and save it again.")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError,
            NotImplementedError, RuntimeError, xml.parsers.expat.ExpatError):
        raise WorkbookUnreadable(damaged(kind)) from None
    return kind


def _check_zip(zf: zipfile.ZipFile, kind: str | None) -> None:
    infos = zf.infolist()
    if kind is None:
        other = _other_odf(zf)
        if other:
            raise WorkbookUnreadable(f"The file is an OpenDocument {other}, not a spreadsheet. Put the data in "
                                     "LibreOffice Calc and save it as 'ODF Spreadsheet (.ods)'.")
        raise WorkbookUnreadable(f"The file is a zip archive but not {EITHER}.")
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


# -- OpenDocument ------------------------------------------------------------------------------------

TABLE_NS = b"urn:oasis:names:tc:opendocument:xmlns:table:1.0"
ODS_FAST_BYTES = 64 << 20          # content.xml larger than this is scanned streamed (expat), not at once
ENCRYPTED = ("The spreadsheet is password-protected. Open it in LibreOffice Calc, save it again with "
             "File > Save As, 'Save with password' unticked, as .ods, and retry.")


def _check_ods(zf: zipfile.ZipFile, scan_sheets: bool) -> None:
    names = set(zf.namelist())
    if "META-INF/manifest.xml" in names:
        if zf.getinfo("META-INF/manifest.xml").file_size > 1 << 20:
            raise WorkbookUnreadable(damaged(ODS))
        if b"encryption-data" in _inflate_small(zf, "META-INF/manifest.xml"):
            raise WorkbookUnreadable(ENCRYPTED)
    if not scan_sheets:
        return
    for name in sorted(n for n in names if n.lower().endswith((".xml", ".rdf"))):
        if _declares_doctype(zf, name):
            raise WorkbookUnreadable(doctype(ODS))
    size = zf.getinfo("content.xml").file_size
    extents = (ods_extent(_inflate_small(zf, "content.xml")) if size <= ODS_FAST_BYTES else None) \
        or _ods_extent_exact(_stream(zf, "content.xml"))
    for rows, cols in extents:
        if rows * cols > MAX_SHEET_CELLS:
            raise WorkbookUnreadable(
                f"A sheet of the spreadsheet reaches row {rows:,} and column {cols:,}, far beyond any "
                "review workbook; it was not opened. Delete the stray cells far from the data "
                "(Ctrl+End shows the last one) and save it again.")


def _word(text: bytes, offset: int = 0) -> int:
    return int.from_bytes(text[offset:offset + 8].ljust(8, b"\0"), "little")


_TA, _CO = _word(b"table:ta"), _word(b"table:co")
_BLE_ROW, _BLE_CELL, _VERED_TA = _word(b"ble-row\0"), _word(b"ble-cell"), _word(b"vered-ta")
_END_ROW = (_word(b"/table:t"), _word(b"able-row"))
_LOW7 = np.uint64((1 << 56) - 1)
_REPEATED = re.compile(rb"number-(rows|columns)-repeated\s*=\s*[\"']\+?([0-9]+)")


def ods_extent(content: bytes) -> list[tuple[int, int]] | None:
    """(rows, columns) of each table of an .ods content.xml, at least as many as python-calamine's
    grid of it will have; None when the XML is not in the usual form (the caller then runs
    `_ods_extent_exact`, expat).

    A row counts its table:number-rows-repeated and a cell its table:number-columns-repeated; the
    empty cells that end each row, and the empty rows that end each table, count nothing (LibreOffice
    writes the sheet out to Excel's limits with them; calamine drops them). Everything else counts,
    so this may say more than calamine's grid, never less. The usual form (what LibreOffice, Excel
    and odfpy write): the table namespace bound once, to the prefix table, and no comment, CDATA or
    DTD (`<!`) that could hide a tag. Vectorised over the '<' of the XML: 30 ms for 33 MB (100x)."""
    if (content.count(TABLE_NS) != 1 or content.count(b"xmlns:table=") != 1
            or b'xmlns:table="' + TABLE_NS + b'"' not in content or b"<!" in content):
        return None
    n = len(content)
    a = np.frombuffer(content + b" " * 40, np.uint8)
    lt = np.flatnonzero(a[:n] == 60)
    words = _view(a, "<u8")
    w1, w2 = words[lt + 1], words[lt + 9]
    after = lambda k: _delim(a[lt + k])                                     # noqa: E731
    is_table = (w1 == _TA) & ((w2 & np.uint64(0xFFFFFF)) == _word(b"ble")) & after(12)
    is_row = (w1 == _TA) & ((w2 & _LOW7) == _BLE_ROW) & after(16)
    is_cell = ((w1 == _TA) & (w2 == _BLE_CELL) & after(17)) | \
              ((w1 == _CO) & (w2 == _VERED_TA) & (words[lt + 17] == _BLE_CELL) & after(25))
    tables, rows, cells = lt[is_table], lt[is_row], lt[is_cell]
    row_n = np.ones(len(rows), np.int64)
    cell_n = np.ones(len(cells), np.int64)
    found = [(m.start(), m[1] == b"rows", int(m[2])) for m in _REPEATED.finditer(content)]
    if found:
        gt = np.flatnonzero(a[:n] == 62)                   # only needed here (~15% of the scan at 100x)
        pos, of_rows, count = (np.array(c) for c in zip(*found))
        tag = np.searchsorted(lt, pos) - 1                 # the '<' of the tag each is written in
        ok = tag >= 0
        pos, of_rows, count, tag = pos[ok], of_rows[ok], count[ok], tag[ok]
        in_tag = np.searchsorted(gt, lt[tag]) == np.searchsorted(gt, pos)    # not in text
        rep_rows = in_tag & of_rows & is_row[tag]
        row_n[np.searchsorted(rows, lt[tag[rep_rows]])] = count[rep_rows]
        rep_cells = in_tag & ~of_rows & is_cell[tag]
        tag, count = tag[rep_cells], count[rep_cells]
        # an empty cell that ends its row (<table:table-cell .../> then </table:table-row>) counts 0
        end = gt[np.searchsorted(gt, lt[tag])]
        nxt = lt[np.minimum(tag + 1, len(lt) - 1)]
        maybe = (a[end - 1] == 47) & (nxt > end) & (words[nxt + 1] == _END_ROW[0]) & (words[nxt + 9] == _END_ROW[1])
        for k in np.flatnonzero(maybe).tolist():
            lo, hi, following = int(lt[tag[k]]), int(end[k]), int(nxt[k])
            if b"value" not in content[lo:hi] and (following == hi + 1 or not content[hi + 1:following].strip()):
                count[k] = 0
        cell_n[np.searchsorted(cells, lt[tag])] = count
    # each cell's row, each row's table (rows before any table, cells before any row: ignored)
    cell_row = np.searchsorted(rows, cells) - 1
    keep = cell_row >= 0
    width = np.bincount(cell_row[keep], weights=cell_n[keep], minlength=len(rows)).astype(np.int64)
    row_table = np.searchsorted(tables, rows) - 1
    out = []
    bounds = [*tables.tolist(), n]
    for t in range(len(tables)):
        members = np.flatnonzero(row_table == t)
        if not len(members):
            continue
        last = len(members)
        while last:                                        # the empty rows that end the table
            r = members[last - 1]
            stop = rows[r + 1] if r + 1 < len(rows) else bounds[t + 1]
            segment = content[rows[r]:stop]
            if b"value" in segment or b"<text:" in segment:
                break
            last -= 1
        counted = members[:last]
        out.append((int(row_n[counted].sum()), int(width[counted].max(initial=0))))
    return out


def _ods_extent_exact(chunks) -> list[tuple[int, int]]:
    """ods_extent for any form: expat, namespaces resolved, streamed (the slow path). A cell counts
    as filled when it has an attribute naming a value or any element inside it."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    ns = TABLE_NS.decode() + " "
    out: list[list[int]] = []
    state = {"row_n": 1, "col": 0, "width": 0, "filled": False, "cell": None, "rows": 0}

    def repeats(attrs, which):
        value = attrs.get(f"{ns}number-{which}-repeated", "1").strip().lstrip("+")
        return int(value) if value.isdigit() else 1

    def start(name, attrs):
        cell = state["cell"]
        if cell is not None:
            cell[1] = True                                # an element inside a cell: filled
        if not name.startswith(ns):
            return
        local = name[len(ns):]
        if local == "table":
            out.append([0, 0])
            state["rows"] = 0
        elif local == "table-row":
            state.update(row_n=repeats(attrs, "rows"), col=0, width=0, filled=False)
        elif local in ("table-cell", "covered-table-cell"):
            state["cell"] = [repeats(attrs, "columns"), any("value" in k for k in attrs)]

    def end(name):
        if not name.startswith(ns) or not out:
            return
        local = name[len(ns):]
        if local in ("table-cell", "covered-table-cell") and state["cell"] is not None:
            n, filled = state["cell"]
            state["cell"] = None
            state["col"] += n
            if filled:
                state["width"], state["filled"] = state["col"], True
        elif local == "table-row":
            state["rows"] += state["row_n"]
            if state["filled"]:
                out[-1][0] = state["rows"]
                out[-1][1] = max(out[-1][1], state["width"])
            if out[-1][0] * out[-1][1] > MAX_SHEET_CELLS:
                raise _Stop

    def no_doctype(*_):
        raise xml.parsers.expat.ExpatError("content.xml may not declare a DTD")

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.StartDoctypeDeclHandler = no_doctype
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Stop:
        return [_TOO_FAR]
    return [tuple(t) for t in out]


def _sheet_parts(zf: zipfile.ZipFile) -> list[str]:
    """Every part calamine could read as a worksheet: xl/worksheets/* and every relationship target."""
    names = set(zf.namelist())
    parts = {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    if "xl/_rels/workbook.xml.rels" in names:
        def attr(tag, name):
            m = re.search(rb"\b" + name + rb"""\s*=\s*["']([^"']*)""", tag)
            return m[1].decode("utf-8", "replace") if m else ""
        sheet_ids = {attr(tag, rb"(?:\w+:)?id")
                     for tag in re.findall(rb"<(?:\w+:)?sheet\b[^>]*>", zf.read("xl/workbook.xml"))}
        for tag in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", zf.read("xl/_rels/workbook.xml.rels")):
            if attr(tag, rb"Id") in sheet_ids:
                target = attr(tag, rb"Target")
                parts.update(p for p in (target.lstrip("/"), posixpath.normpath("xl/" + target)) if p in names)
    return sorted(parts)


# -- how far a worksheet reaches ---------------------------------------------------------------------

def _ws(b):
    return (b == 32) | (b == 9) | (b == 10) | (b == 13)


def _delim(b):
    return _ws(b) | (b == 62) | (b == 47)


_TOO_FAR = (10**9, 10**9)
CHUNK = 1 << 20
_BACK = 16      # bytes kept from the previous chunk, so a mark can look behind itself
_PAD = 32       # bytes a mark may look ahead: the last _PAD bytes of a chunk are scanned with the next


def _view(a: np.ndarray, dtype: str) -> np.ndarray:
    """The bytes `a` as overlapping integers, one starting at every byte: view[i] is a[i:i + size]."""
    dtype = np.dtype(dtype)
    return np.ndarray((len(a) - dtype.itemsize + 1,), dtype, a, 0, (1,))


def sheet_extent(chunks) -> tuple[int, int] | None:
    """(last row, last column) any cell of a worksheet reaches, as calamine would place it.

    `chunks`: the worksheet XML as bytes or an iterable of byte chunks (streamed from the zip, so
    memory stays small). This fast path (numpy over each chunk) handles what Excel, LibreOffice and
    openpyxl write: every <row> and <c> has r="..." as its first attribute. For anything else (cells
    without r, namespace prefixes, spaces around '=', single quotes) it returns None and the caller
    runs `_extent_exact` (expat) instead.
    """
    if isinstance(chunks, (bytes, bytearray)):
        chunks = [bytes(chunks)]
    carry, rows, cols = b" " * _BACK, 0, 0
    # one buffer and one scratch array for every chunk: fresh megabytes for each chunk cost a page
    # fault every 4 KB (at 100x, thousands per sheet: about half the scan's time, measured)
    buf, flags = bytearray(), np.empty(0, bool)
    for chunk in [*chunks, None]:
        data = b" " * _PAD if chunk is None else chunk
        n = len(carry) + len(data)
        stop = n - _PAD                        # marks from `stop` on wait for the next chunk
        if stop <= _BACK and chunk is not None:
            carry += data                      # a tiny chunk: wait for more
            continue
        if len(buf) < n:
            buf, flags = bytearray(n), np.empty(n, bool)
        buf[:len(carry)], buf[len(carry):n] = carry, data
        carry = bytes(buf[stop - _BACK:n])
        found = _scan(np.frombuffer(buf, np.uint8, n), buf, _BACK, stop, flags)
        if found is None:
            return None
        rows, cols = max(rows, found[0]), max(cols, found[1])
    return rows, cols


_PREFIXED = re.compile(rb":(?:c|row)[\s>/]")    # <x:c ...>: calamine reads it as a cell too
_LT_C, _LT_R = (int.from_bytes(s, "little") for s in (b"<c", b"<r"))
_C_R, _ROW_R = int.from_bytes(b'<c r="', "little") << 16, int.from_bytes(b'<row r="', "little")
_BYTES = 0x0101010101010101                      # one in every byte of a uint64


def _prefixed(buf: bytes, lo: int, hi: int) -> bool:
    """Whether a prefixed <x:c or <x:row starts in buf[lo:hi] (it may end past hi)."""
    pos = buf.find(b":", lo, hi)
    for _ in range(32):                            # usually no colon at all, or a few: look at each
        if pos < 0:
            return False
        if _PREFIXED.match(buf, pos):
            return True
        pos = buf.find(b":", pos + 1, hi)
    return _PREFIXED.search(buf, pos, hi + 8) is not None


def _count_pairs(buf: bytes, lo: int, hi: int, flags: np.ndarray) -> int:
    """How many '<c' and '<r' start in buf[lo:hi] (two-byte words at even, then odd, offsets)."""
    n = 0
    for first in (lo, lo + 1):
        words = np.frombuffer(buf, "<u2", (hi - first + 1) // 2, first)
        for word in (_LT_C, _LT_R):
            n += np.count_nonzero(np.equal(words, word, out=flags[:len(words)]))
    return n


def _scan(a, buf, lo, hi, flags):
    """(rows, cols) the marks starting in a[lo:hi] reach; None when the XML is not in the usual form.

    a[lo - _BACK:lo] repeats the end of the previous chunk and a[hi:hi + _PAD] the start of the next;
    `flags`: scratch space, at least len(a) booleans."""
    # every '=' from a little before lo to a little after hi (tags split between chunks are seen whole)
    eq = np.flatnonzero(np.equal(a[lo - 8:hi + 8], 61, out=flags[:hi - lo + 16])) + (lo - 8)
    before = a[eq - 1]
    if _ws(before).any() or (a[eq + 1] != 34).any() or _prefixed(buf, lo - 8, hi):
        return None                                # name = "v", name='v', <x:c>: not the usual form
    # every attribute named exactly r (calamine ignores x:r and takes the last of two r's)
    req = eq[before == 114]
    req = req[_ws(a[req - 2])]
    # every <c...> and <r...> tag starting in [lo, hi) must be <c r="..."> or <row r="...">: counted
    # (a tag is one of those when the bytes before its r=" say so), and only when the counts differ
    # (<col>, <cols>, rich text <r>) looked at one by one
    head = _view(a, "<u8")[req - 6]                # the 6 bytes before r's '=' and the 2 after
    c_first = np.count_nonzero(((head & ~np.uint64(0xFFFF)) == _C_R) & (req - 4 >= lo) & (req - 4 < hi))
    row_first = np.count_nonzero((head == _ROW_R) & (req - 6 >= lo) & (req - 6 < hi))
    if c_first + row_first != _count_pairs(buf, lo, hi, flags):
        lt = np.flatnonzero(a[lo:hi] == 60) + lo
        lt = lt[(a[lt + 1] == 99) | (a[lt + 1] == 114)]
        is_c = (a[lt + 1] == 99) & _delim(a[lt + 2])
        is_row = (a[lt + 1] == 114) & (a[lt + 2] == 111) & (a[lt + 3] == 119) & _delim(a[lt + 4])
        after = lt + np.where(is_row, 4, 2)        # the byte after the element's name
        r_first = (a[after] == 32) & (a[after + 1] == 114) & (a[after + 2] == 61)
        if ((is_c | is_row) & ~r_first).any():
            return None                            # a <c> or <row> without r="..." first
    # a cell's r with no letters (r="7", r=""): calamine's exact placement differs; the slow path
    if len(req):
        n_letters_ok = ((head == _ROW_R) | (((a[req + 2] | 32) - 97) < 26)).all()
        if not n_letters_ok:
            return None
    return _refs(a, req + 2)


def _refs(a, start):
    """(max row, max column) of the r values starting at `start`; _TOO_FAR when one is not a cell
    reference calamine could place (up to 3 letters, then up to 7 digits: calamine fails on others
    rather than allocates). Each value is a few integer operations on its first 8 bytes (one load,
    first byte lowest, every byte classified at once): the largest row and column are found by
    comparing keys that order as the numbers do, and only the largest are worked out exactly."""
    if not len(start):
        return 0, 0
    x = _view(a, "<u8")[start]                     # the value's first 8 bytes, first byte lowest
    y = x ^ (_BYTES * 34)
    quote = (y - _BYTES) & ~y & (_BYTES * 128)     # the lowest set byte is the first '"'
    if not quote.all():
        return _refs_long(a, start)                # a value of 8 bytes or more
    value = ((quote & -quote) >> _U7) - _ONE       # 0xFF in each byte before the quote
    # letters: (byte | 32) in a..z, for all 8 bytes at once (no byte carries into the next)
    low7 = (x | (_BYTES * 32)) & (_BYTES * 127)
    letter = (low7 + _BYTES * 0x1F) & ~(low7 + _BYTES * 0x05) & ~x & (_BYTES * 128)
    other = ~letter & (_BYTES * 128)               # the lowest set byte ends the leading letters
    letters = ((other & -other) >> _U7) - _ONE    # 0xFF in each leading letter byte
    if (letters > 0xFFFFFF).any():
        return _TOO_FAR                            # 4 letters or more (7 digits at most always fit)
    # row: the bytes after the letters, each minus '0' (0..9 when a digit); first byte lowest
    digits = value ^ letters
    d = (x & digits) ^ (digits & (_BYTES * 48))
    if ((d & (_BYTES * 0xF0)) | ((d + _BYTES * 0x76) & (_BYTES * 128))).any():
        return None                                # r="A1:": calamine places it as the slow path does
    if not d.all():
        return None                                # r="", r="B", r="0": placed by position, as the slow path does
    # keys that order as the numbers do: the digits last lowest; (how many letters, the letters)
    row_key = d.byteswap() >> (_U64 - np.bitwise_count(value).astype(np.uint64))
    col_key = (letters << _U24) | (((x | (_BYTES * 32)) & letters).byteswap() >> _U40)
    row = int(row_key.max()).to_bytes(8, "big")
    col = int(col_key.max())
    n_letters = (col >> 24).bit_count() // 8
    col = (col & 0xFFFFFF).to_bytes(3, "big")[:n_letters]
    return (sum(d * 10 ** k for k, d in enumerate(reversed(row))),
            sum((c - 96) * 26 ** k for k, c in enumerate(reversed(col))))


_ONE, _U7, _U24, _U40, _U64 = (np.uint64(n) for n in (1, 7, 24, 40, 64))


def _refs_long(a, start):
    """_refs for values of any length: byte by byte."""
    byte = [a[start + k] for k in range(12)]
    length = np.full(len(start), 12)
    for k in range(11, -1, -1):
        length = np.where(byte[k] == 34, k, length)
    alpha = [((b | 32) - 97) < 26 for b in byte[:4]]            # uint8 arithmetic wraps
    n_letters = alpha[0] * (1 + alpha[1] * (1 + alpha[2] * (1 + alpha[3].astype(np.int32))))
    n_digits = length - n_letters
    if (length > 10).any() or (n_letters > 3).any() or (n_digits > 7).any():
        return _TOO_FAR
    letter = [((b | 32) - 96).astype(np.int32) for b in byte[:3]]
    col = np.where(n_letters == 3, (letter[0] * 26 + letter[1]) * 26 + letter[2],
                   np.where(n_letters == 2, letter[0] * 26 + letter[1], np.where(n_letters == 1, letter[0], 0)))
    end, row = start + length - 1, np.zeros(len(start), np.int32)
    for j in range(7):                               # the digits, last first
        digit = np.where(j < n_digits, a[end - j].astype(np.int32) - 48, 0)
        if ((digit < 0) | (digit > 9)).any():
            return None                            # r="A1:": calamine places it as the slow path does
        row += digit * 10 ** j
    if not row.all():
        return None                                # r="", r="B", r="0": placed by position, as the slow path does
    return int(row.max(initial=0)), int(col.max(initial=0))


def _stream(zf: zipfile.ZipFile, name: str):
    with zf.open(name) as part:
        while chunk := part.read(CHUNK):
            yield chunk


def _ref(ref: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"([A-Za-z]*)([0-9]*)", ref)
    if not m:
        return None
    if len(m[1]) > 3 or len(m[2]) > 7:
        return _TOO_FAR
    col = 0
    for ch in m[1].upper():
        col = col * 26 + ord(ch) - 64
    return (int(m[2]) if m[2] else 0), col


def _extent_exact(chunks) -> tuple[int, int]:
    """The slow path: expat, placing rows and cells as calamine does (last r wins, else next)."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    state = {"row": 0, "col": 0, "rows": 0, "cols": 0}

    def start(name, attrs):
        local = name.rsplit(" ", 1)[-1]
        if local not in ("row", "c"):
            return
        ref = _ref(attrs["r"]) if "r" in attrs else None
        if local == "row":
            state["row"] = ref[0] if ref and ref[0] else state["row"] + 1
            state["col"] = 0
        else:
            if ref and ref[1]:
                state["row"] = max(state["row"], ref[0])
                state["col"] = ref[1]
            else:
                state["col"] += 1
        state["rows"] = max(state["rows"], state["row"])
        state["cols"] = max(state["cols"], state["col"])
        if state["rows"] * state["cols"] > MAX_SHEET_CELLS:
            raise _Stop

    def no_doctype(*_):
        raise xml.parsers.expat.ExpatError("a worksheet may not declare a DTD")

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = no_doctype
    try:
        for chunk in [chunks] if isinstance(chunks, bytes) else chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Stop:
        return _TOO_FAR
    return state["rows"], state["cols"]


class _Stop(Exception):
    pass


class _Doctype(Exception):
    pass


def _declares_doctype(zf: zipfile.ZipFile, name: str) -> bool:
    """Whether the part declares a DTD before its first element. Expat reads only the prolog, a
    chunk at a time, and stops at the declaration's start, before any entity in it is defined."""
    parser = xml.parsers.expat.ParserCreate()

    def doctype(*_):
        raise _Doctype

    def element(*_):
        raise _Stop

    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = element
    try:
        with zf.open(name) as part:
            while chunk := part.read(PROLOG_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Doctype:
        return True
    except (_Stop, xml.parsers.expat.ExpatError):
        return False            # an element came first; or not XML at all: its reader says so
    return False


def _guess_kind(data: bytes) -> str:
    head = data[:512].lstrip()
    if head.startswith(b"%PDF"):
        return ": it is a PDF"
    if head[:1] == b"<" and b"html" in head[:200].lower():
        return ": it is a web page"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    if "," in text or "\t" in text or ";" in text:
        return ": it looks like a CSV or text file"
    return ": it looks like a text file"
