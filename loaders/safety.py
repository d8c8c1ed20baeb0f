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


def check_bytes(data: bytes, *, max_bytes: int = MAX_FILE_BYTES, scan_sheets: bool = True) -> None:
    """Raise WorkbookUnreadable with a plain-English reason when `data` is not a safe .xlsx.

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
        raise WorkbookUnreadable(f"The file is not an Excel workbook (.xlsx){_guess_kind(data)}. "
                                 "Save it from Excel as 'Excel Workbook (.xlsx)'.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            _check_zip(zf)
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
        raise WorkbookUnreadable(DAMAGED) from None


def _check_zip(zf: zipfile.ZipFile) -> None:
    infos = zf.infolist()
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
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
