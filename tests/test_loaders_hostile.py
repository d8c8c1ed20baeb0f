"""Hostile and broken files are refused with a clear message, fast and in little memory."""
from __future__ import annotations

import io
import re
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from builders import make_sheets, ods_bytes, workbook_bytes
from loaders import WorkbookUnreadable, read_workbook
from loaders.safety import MAX_FILE_BYTES, MAX_SHEET_CELLS, ODS_MIMETYPE, OLE_MAGIC, _extent_exact, sheet_extent

REPO = Path(__file__).resolve().parents[1]
# what a message to an analyst must never hold: a Python class name (XmlError, BadZipFile,
# zipfile.LargeZipFile: CamelCase, or a word ending in Error/Exception) or a traceback
CLASS_NAME = re.compile(r"\b[A-Z][a-z0-9]+[A-Z]\w*|\b\w+(?:Error|Exception)\b|Traceback|\w\.\w+\(")


# the names of programs and formats people know, which look like class names to CLASS_NAME
PRODUCT_NAMES = re.compile(r"\b(?:OpenDocument|LibreOffice)\b")


def assert_plain(message: str) -> None:
    assert not CLASS_NAME.search(PRODUCT_NAMES.sub("", message)), f"not plain words: {message!r}"


def refused(data, **kwargs) -> str:
    with pytest.raises(WorkbookUnreadable) as info:
        read_workbook(data, **kwargs)
    message = info.value.message
    assert message and message[0].isupper() and message.endswith("."), message
    assert_plain(message)
    return message


def shown(data) -> list[str]:
    """Every message an analyst is shown for the file: why it is unreadable, or its problems."""
    try:
        review = read_workbook(data)
    except WorkbookUnreadable as e:
        return [e.message]
    return [p.message for p in [*review.errors, *review.warnings]]


def rezip(data: bytes, change) -> bytes:
    """The workbook with some parts rewritten: change(name, bytes) -> bytes (or None to drop)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = change(info.filename, zin.read(info.filename))
            if body is not None:
                zout.writestr(info.filename, body)
    return out.getvalue()


def with_sheet_xml(sheet_data: str, sheets: dict | None = None) -> bytes:
    """A valid workbook whose first sheet's <sheetData> is replaced by `sheet_data`."""
    data = workbook_bytes(sheets or {"Scores": [["x"]]})
    return rezip(data, lambda name, body: re.sub(rb"<sheetData>.*</sheetData>|<sheetData\s*/>",
                                                 f"<sheetData>{sheet_data}</sheetData>".encode(), body, flags=re.S)
                 if name == "xl/worksheets/sheet1.xml" else body)


# -- not a workbook at all ------------------------------------------------------------------------

@pytest.mark.parametrize("data,words", [
    (b"Partnership,Cycle\nFife,2020-2023\n", "looks like a CSV"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "it is a PDF"),
    (b"<!DOCTYPE html><html><body>Sign in</body></html>", "web page"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not an Excel workbook"),
])
def test_not_a_zip(data, words):
    message = refused(data)
    assert "not an Excel workbook (.xlsx)" in message and words in message


def test_empty_file():
    assert refused(b"") == "The file is empty."


def test_zip_that_is_not_a_workbook():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")       # a .docx, say
    assert refused(buf.getvalue()) == ("The file is a zip archive but not an Excel workbook (.xlsx) or "
                                       "OpenDocument spreadsheet (.ods).")


def test_truncated_file():
    data = workbook_bytes(make_sheets())
    for cut in (len(data) // 2, len(data) - 30, 100):
        assert "damaged or incomplete" in refused(data[:cut])


def test_password_protected_workbook():
    # Excel saves an encrypted .xlsx as an OLE compound file: the same 8 bytes as an old .xls
    ole = OLE_MAGIC + bytes(504) + b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e"
    assert "password-protected" in refused(ole)


def test_file_over_the_size_limit(tmp_path):
    data = workbook_bytes(make_sheets())
    assert "over the limit" in refused(data, max_bytes=len(data) - 1)
    big = tmp_path / "big.xlsx"
    with open(big, "wb") as f:                 # sparse: 30 MB on paper, nothing read
        f.truncate(MAX_FILE_BYTES + 5 * 1024 * 1024)
    tracemalloc.start()
    try:
        assert "over the limit of 25 MB" in refused(big)
        assert tracemalloc.get_traced_memory()[1] < 1024 * 1024
    finally:
        tracemalloc.stop()
    with open(big, "rb") as f:                 # a file object is read only up to the limit
        assert "over the limit" in refused(f)


def test_missing_file_and_directory(tmp_path):
    assert "cannot be opened" in refused(tmp_path / "nope.xlsx")
    assert "cannot be opened" in refused(tmp_path)


# -- zip bombs ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A workbook-shaped zip with a sheet of 128 MB of zeros: about 130 KB compressed."""
    buf = io.BytesIO()
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            for _ in range(128):
                f.write(chunk)
    return buf.getvalue()


def test_decompression_bomb_is_refused_without_inflating(bomb):
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    try:
        assert "zip bomb" in refused(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * 1024 * 1024, f"peak {peak} bytes: the bomb was inflated"


def test_parts_declaring_too_much_in_all_are_refused():
    buf = io.BytesIO()
    noise = bytes(range(256)) * 4096                # 1 MB that barely compresses
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", noise)
    data = bytearray(buf.getvalue())
    # declare 400 MB for the sheet in the central directory (what is read before anything else)
    entry = data.rindex(b"PK\x01\x02")
    data[entry + 24:entry + 28] = (400 << 20).to_bytes(4, "little")
    tracemalloc.start()
    try:
        message = refused(bytes(data))
        assert tracemalloc.get_traced_memory()[1] < 2 * 1024 * 1024
    finally:
        tracemalloc.stop()
    assert "zip bomb" in message or "would expand to" in message


def part_of(sheets: dict, sheet: str) -> str:
    return f"xl/worksheets/sheet{list(sheets).index(sheet) + 1}.xml"


def test_part_lying_about_its_size_is_not_read_past_it():
    sheets = make_sheets()
    raw, name = bytearray(workbook_bytes(sheets)), part_of(sheets, "Scores").encode()
    entry = next(i for i in range(len(raw)) if raw[i:i + 4] == b"PK\x01\x02" and raw[i + 46:i + 46 + len(name)] == name)
    raw[entry + 24:entry + 28] = (200).to_bytes(4, "little")   # declare 200 bytes: it holds more
    try:
        review = read_workbook(bytes(raw))
    except WorkbookUnreadable as e:
        assert "damaged" in e.message
        return
    assert any(p.sheet == "Scores" and "could not be read" in p.message for p in review.errors)


# -- XML entities: an "entity bomb" (billion laughs) and its relatives ------------------------------

LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(2, 10)).replace("&lol1;", "&lol;")
          + "]>")


def with_entities(part: str, prolog: str = LAUGHS, use: str = "&lol9;") -> bytes:
    """A valid workbook whose `part` gets `prolog` before its root element and, in a sheet, `use`
    in place of its first inline text."""
    sheets = make_sheets()
    target = part_of(sheets, part) if part in sheets else part

    def change(name, body):
        if name != target:
            return body
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", body)
        body = re.sub(rb"<t>[^<]*</t>", f"<t>{use}</t>".encode(), body, count=1)
        return b'<?xml version="1.0" encoding="UTF-8"?>' + prolog.encode() + body
    return rezip(workbook_bytes(sheets), change)


@pytest.mark.parametrize("part", ["Scores", "Partnerships", "xl/workbook.xml", "xl/styles.xml",
                                  "[Content_Types].xml", "xl/_rels/workbook.xml.rels"])
def test_entity_bomb_is_refused_in_plain_words(part):
    message = refused(with_entities(part))
    assert "entity bomb" in message and "Save the workbook again from Excel" in message


def test_a_doctype_behind_a_long_comment_is_refused_too():
    prolog = "<!--" + "padding " * 20_000 + "-->" + '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    assert "entity bomb" in refused(with_entities("Scores", prolog, "&e;"))


def test_an_undefined_entity_is_reported_in_plain_words():
    messages = shown(with_entities("Scores", prolog="", use="&lol9;"))  # no DTD: calamine meets it
    assert any("Sheet Scores could not be read" in m for m in messages), messages
    for m in messages:
        assert_plain(m)


def hostile_files() -> dict[str, bytes]:
    """The broken and hostile files of this module that need no isolation, by name."""
    good = workbook_bytes(make_sheets())
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    sheets = make_sheets()
    lying, name = bytearray(good), part_of(sheets, "Scores").encode()
    entry = next(i for i in range(len(lying)) if lying[i:i + 4] == b"PK\x01\x02"
                 and lying[i + 46:i + 46 + len(name)] == name)
    lying[entry + 24:entry + 28] = (200).to_bytes(4, "little")
    return {"csv": b"Partnership,Cycle\nFife,2020-2023\n", "pdf": b"%PDF-1.7\n1 0 obj",
            "html": b"<!DOCTYPE html><html><body>Sign in</body></html>", "png": b"\x89PNG\r\n\x1a\n\x00",
            "empty": b"", "docx": other_zip.getvalue(), "truncated": good[:len(good) // 2],
            "cut short": good[:-30], "ole": OLE_MAGIC + bytes(600), "lying size": bytes(lying),
            "entity bomb": with_entities("Scores"), "undefined entity": with_entities("Scores", "", "&x;"),
            "sheet not xml": rezip(good, lambda n, b: b"\x00\xff not xml" if n == part_of(sheets, "Scores") else b),
            "workbook part not xml": rezip(good, lambda n, b: b"<workbook>&bad;" if n == "xl/workbook.xml" else b),
            "styles not xml": rezip(good, lambda n, b: b"<styleSheet>&bad;" if n == "xl/styles.xml" else b)}


@pytest.mark.parametrize("name", list(hostile_files()))
def test_no_message_about_a_hostile_file_shows_a_class_name(name):
    messages = shown(hostile_files()[name])
    assert messages
    for message in messages:
        assert_plain(message)


# -- far-flung cells: calamine would allocate rows x columns and abort ------------------------------

def run_isolated(code: str) -> subprocess.CompletedProcess:
    """Run `code` in a child with a 2 GB address-space cap, so a regression fails instead of crashing us."""
    prelude = "import resource; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
    return subprocess.run([sys.executable, "-c", prelude + code], cwd=REPO, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("sheet_data", [
    '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
    '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',                      # Excel's last cell
    "<row r='1'><c r='A1'><v>1</v></c><c r = 'XFD1048576'><v>1</v></c></row>",    # other quoting
    '<row r="1"><c r="A1"><v>1</v></c><c r="A1" r="ZZZ999999"><v>1</v></c></row>',  # the last r wins
    '<row r="1"><c r="A1"><v>1</v></c></row><row r="9999999"><c><v>1</v></c></row>',
    '<row r=""><c r="XFD"><v>1</v></c></row>' * 400,       # rows placed by position (r="" counts on)
    '<row r="0"><c r="XFD"><v>1</v></c></row>' * 400,
])
def test_far_flung_cells_are_refused_before_calamine_sees_them(sheet_data):
    data = with_sheet_xml(sheet_data)
    result = run_isolated(
        "import sys\nfrom loaders import read_workbook, WorkbookUnreadable\n"
        f"data = {data!r}\n"
        "try:\n    read_workbook(data)\nexcept WorkbookUnreadable as e:\n    print('REFUSED', e.message)\n")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "REFUSED" in result.stdout and "far beyond any review workbook" in result.stdout
    assert_plain(result.stdout)


@pytest.mark.parametrize("xml,expected", [
    (b'<x><row r="7"><c r="AB12"/><c r="C9"/></row></x>', (12, 28)),
    (b'<x><row r="2"><c r="xfd3"/></row></x>', (3, 16384)),
    (b"<x><row r='1'><c r='B1'/><c/><c/></row><row><c/></row></x>", (2, 4)),
    (b'<x xmlns:x="urn:x"><x:row r="1"><x:c r="C1"/><x:c/></x:row></x>', (1, 4)),
    (b'<x><row r="1"><c s="1" r="D1"/></row></x>', (1, 4)),
    (b'<x><row r="1"><c r="A1" x:r="ZZ99" xmlns:x="urn:x"/></row></x>', (1, 1)),   # x:r is not r
    (b'<x><row r="1"><c r="A1"><f>A1="B"</f><v>1</v></c></row></x>', (1, 1)),
    (b'<x><row r="1"><c r="A1"/><c r="7"/><c r=""/><c r="A1:"/></row></x>', (1, 4)),  # placed after the last
])
def test_sheet_extent_fast_and_exact_agree(xml, expected):
    assert _extent_exact(xml) == expected
    assert sheet_extent(xml) in (expected, None)   # None: the fast path hands over to the exact one


def test_sheet_extent_sees_a_prefixed_cell_split_between_chunks():
    xml = b'<x xmlns:x="urn:x"><row r="1"><c r="A1"/><x:c/></row></x>'
    cut = xml.index(b":c/>")
    for at in range(cut - 2, cut + 4):
        assert sheet_extent([xml[:at], xml[at:]]) is None      # handed over to the exact path


def test_sheet_extent_in_chunks_of_changing_sizes_matches_whole():
    # the scan reuses one buffer for every chunk: a short chunk after a long one must not see the
    # long one's leftover bytes, nor a long one after short ones be cut
    xml = ("<x>" + "".join(f'<row r="{r}"><c r="B{r}"/><c r="{"ZZ" if r == 40 else "C"}{r}"/></row>'
                           for r in range(1, 80)) + "</x>").encode()
    for sizes in ([2000, 7, 1, 300, 5000], [1, 2, 3, 4000, 10, 9000], [len(xml) - 3, 1, 1, 1]):
        chunks, at = [], 0
        for size in sizes * 20:
            chunks.append(xml[at:at + size])
            at += size
        assert b"".join(chunks) == xml
        assert sheet_extent(chunks) == sheet_extent(xml) == _extent_exact(xml) == (79, 702)


def test_sheet_extent_in_chunks_matches_whole():
    xml = ("<x>" + "".join(f'<row r="{r}"><c r="B{r}"><v>1</v></c><c r="AA{r}"/></row>' for r in range(1, 3000)) + "</x>").encode()
    chunks = [xml[i:i + 1000] for i in range(0, len(xml), 1000)]
    assert sheet_extent(chunks) == sheet_extent(xml) == _extent_exact(xml) == (2999, 27)


# -- nothing in a workbook runs or is fetched ------------------------------------------------------

def test_external_link_formula_reads_its_cached_value_only():
    sheets = make_sheets()
    data = workbook_bytes(sheets)

    def change(name, body):
        if name == part_of(sheets, "Scores"):       # Scores: C2 becomes a formula into another workbook
            return re.sub(rb'<c r="C2"[^>]*>.*?</c>', b'<c r="C2" t="str"><f>[1]Sheet1!$A$1</f><v>Not met</v></c>',
                          body, count=1, flags=re.S)
        if name == "xl/_rels/workbook.xml.rels":
            return body.replace(b"</Relationships>", b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.'
                                b'org/officeDocument/2006/relationships/externalLink" '
                                b'Target="externalLinks/externalLink1.xml"/></Relationships>')
        return body
    data = rezip(data, change)
    with zipfile.ZipFile(io.BytesIO(data), "a") as zf:
        zf.writestr("xl/externalLinks/externalLink1.xml",
                    '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><externalBook '
                    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/></externalLink>')
        zf.writestr("xl/externalLinks/_rels/externalLink1.xml.rels",
                    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
                    'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
                    'Target="http://127.0.0.1:9/never-fetched.xlsx" TargetMode="External"/></Relationships>')
        zf.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not run")
    review = read_workbook(data)
    assert review.ok, review.errors
    s = review.scores
    assert s[(s.partnership == "North") & (s.cycle == "2020-2023") & (s.criterion == "1")]["label"].tolist() == ["Not met"]


def test_reader_documents_what_it_never_does():
    import loaders.reader
    import loaders.safety
    for module in (loaders.reader, loaders.safety):
        doc = module.__doc__.lower()
        assert "never runs macros" in doc and "external links" in doc and "cached" in doc


def test_trusted_skips_only_the_sheet_scan(monkeypatch):
    """trusted=True (published versions, the sample) skips the sheet-extent scan and nothing else."""
    from loaders import safety
    from builders import workbook_bytes

    calls = []
    real = safety.sheet_extent
    monkeypatch.setattr(safety, "sheet_extent", lambda chunks: calls.append(1) or real(chunks))
    data = workbook_bytes()
    assert read_workbook(data).ok and calls
    calls.clear()
    assert read_workbook(data, trusted=True).ok and not calls
    with pytest.raises(WorkbookUnreadable):
        read_workbook(b"not,a,workbook\n", trusted=True)


def _random_sheet(rng) -> bytes:
    """A worksheet's XML in many of the forms calamine accepts: r values of any shape (letters only,
    digits only, empty, trailing junk, long), rows and cells with and without r, other attributes
    before and after, prefixed elements, <col>/<cols> and rich-text <r> runs, odd spacing."""
    clean = rng.random() < 0.5     # half the sheets: only the usual A1-style references

    def ref():
        if clean:
            return rng.choice(["A", "B", "XF", "XFD", "AZ"]) + str(rng.choice([1, 2, 9, 10, 99, 1048576,
                                                                               rng.randint(1, 9_999_999)]))
        letters = "".join(rng.choice("ABCXYZabz") for _ in range(rng.choice([0, 1, 1, 2, 3, 4])))
        digits = "".join(rng.choice("0123456789") for _ in range(rng.choice([0, 1, 1, 2, 3, 7, 8])))
        return rng.choice([letters + digits] * 6 + [letters, digits, "", letters + digits + ":", "A1B2"])

    def attrs(with_r):
        parts = [f's="{rng.randint(0, 9)}"'] if rng.random() < 0.3 else []
        if with_r:
            parts.insert(0 if clean else rng.randint(0, len(parts)), f'r="{ref()}"')
        if rng.random() < 0.15:
            parts.append('t="s"')
        return "".join((" " + rng.choice(["", " "]) if rng.random() < 0.1 else " ") + p for p in parts)

    out = ['<worksheet xmlns="urn:main" xmlns:x="urn:main"><cols><col min="1" max="3"/></cols><sheetData>']
    for _ in range(rng.randint(0, 12)):
        row = "row" if clean else rng.choice(["row", "row", "row", "x:row"])
        out.append(f"<{row}{attrs(clean or rng.random() < 0.8)}>")
        for _ in range(rng.randint(0, 6)):
            c = "c" if clean else rng.choice(["c"] * 8 + ["x:c"])
            body = rng.choice(["", "<v>1</v>", '<is><r><t>A1="B"</t></r></is>', "<f>SUM(A1:B2)</f><v>3</v>"])
            with_r = clean or rng.random() < 0.85
            out.append(f"<{c}{attrs(with_r)}>{body}</{c}>" if body or rng.random() < 0.5 else f"<{c}{attrs(with_r)}/>")
        out.append(f"</{row}>")
    out.append("</sheetData></worksheet>")
    return "".join(out).encode()


def test_sheet_extent_is_never_smaller_than_calamines_on_random_sheets():
    """The fast scan must never report a smaller extent than the exact one (that would let a huge
    sheet through to calamine); handing over (None) or over-counting is allowed. Seeded, so a
    failure repeats; random chunk splits too, since a sheet arrives in pieces."""
    import random

    rng = random.Random(20261125)
    checked = 0
    for _ in range(3000):
        xml = _random_sheet(rng)
        exact = _extent_exact(xml)
        cuts = sorted(rng.sample(range(1, len(xml)), k=min(3, len(xml) - 1)))
        chunks = [xml[a:b] for a, b in zip([0, *cuts], [*cuts, len(xml)])]
        for fast in (sheet_extent(xml), sheet_extent(chunks)):
            if fast is None:
                continue
            checked += 1
            if exact[0] * exact[1] > MAX_SHEET_CELLS:      # the exact path stops early: refused
                assert fast[0] * fast[1] > MAX_SHEET_CELLS, (xml, fast, exact)
            else:
                assert fast[0] >= exact[0] and fast[1] >= exact[1], (xml, fast, exact)
    assert checked > 1000   # the fast path really answered for most sheets, not only handed over


# -- OpenDocument spreadsheets (.ods): a zip too, refused alike -------------------------------------

ENCRYPTED_ODS = REPO / "tests" / "data" / "encrypted-review.ods"   # LibreOffice Calc saved it with a password


def ods_rezip(data: bytes, change) -> bytes:
    """rezip for an .ods: its mimetype member stays first and stored, as ODF asks."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = change(info.filename, zin.read(info.filename))
            if body is not None:
                zout.writestr(info.filename, body, compress_type=zipfile.ZIP_STORED if info.filename == "mimetype"
                              else zipfile.ZIP_DEFLATED)
    return out.getvalue()


def ods_with_rows(rows_xml: str) -> bytes:
    """A valid .ods whose first sheet ends with `rows_xml` (table:table-row elements)."""
    return ods_rezip(ods_bytes(make_sheets()), lambda n, b: b.replace(b"</table:table>", rows_xml.encode() + b"</table:table>", 1)
                     if n == "content.xml" else b)


def test_ods_zip_bomb_is_refused_without_inflating():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("mimetype", ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        with zf.open("content.xml", "w", force_zip64=True) as f:
            for _ in range(128):
                f.write(bytes(1 << 20))
    tracemalloc.start()
    try:
        assert "zip bomb" in refused(buf.getvalue())
        assert tracemalloc.get_traced_memory()[1] < 2 * 1024 * 1024
    finally:
        tracemalloc.stop()


def test_ods_that_libreoffice_saved_with_a_password_is_refused_by_its_manifest():
    data = ENCRYPTED_ODS.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert b"<manifest:encryption-data" in zf.read("META-INF/manifest.xml")
    message = refused(data)
    assert message.startswith("The spreadsheet is password-protected.")
    assert "LibreOffice Calc" in message and "'Save with password' unticked" in message


@pytest.mark.parametrize("cut", ["half", "end", "start"])
def test_damaged_or_truncated_ods(cut):
    data = ods_bytes(make_sheets())
    damaged = {"half": data[:len(data) // 2], "end": data[:-30], "start": data[:100]}[cut]
    assert "damaged or incomplete" in refused(damaged)


def test_ods_whose_content_is_not_xml_names_libreoffice():
    data = ods_rezip(ods_bytes(make_sheets()), lambda n, b: b"\x00\xff not xml" if n == "content.xml" else b)
    message = refused(data)
    assert "damaged or incomplete" in message and "Save it again from LibreOffice Calc" in message


def test_ods_with_an_entity_bomb_is_refused():
    def change(name, body):
        if name != "content.xml":
            return body
        body = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", body).replace(b"<text:p>North</text:p>", b"<text:p>&lol9;</text:p>", 1)
        return b'<?xml version="1.0" encoding="UTF-8"?>' + LAUGHS.encode() + body
    message = refused(ods_rezip(ods_bytes(make_sheets()), change))
    assert "entity bomb" in message and "Save the spreadsheet again from LibreOffice Calc" in message


@pytest.mark.parametrize("rows_xml", [
    # a million rows of 16,384 filled cells, written in 200 bytes
    '<table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384" '
    'office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>',
    # one stray cell far down and far right, after a million empty rows
    '<table:table-row table:number-rows-repeated="1000000"><table:table-cell/></table:table-row><table:table-row>'
    '<table:table-cell table:number-columns-repeated="16000"/><table:table-cell office:value-type="string">'
    '<text:p>x</text:p></table:table-cell></table:table-row>',
])
def test_ods_repeated_rows_and_columns_bomb_is_refused_before_calamine_sees_it(rows_xml):
    data = ods_with_rows(rows_xml)
    assert len(data) < 10_000
    result = run_isolated(
        "from loaders import read_workbook, WorkbookUnreadable\n"
        f"data = {data!r}\n"
        "try:\n    read_workbook(data)\nexcept WorkbookUnreadable as e:\n    print('REFUSED', e.message)\n")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "REFUSED" in result.stdout and "far beyond any review workbook" in result.stdout
    assert_plain(result.stdout)


def test_ods_with_libreoffices_empty_rows_to_the_sheets_end_is_read():
    """LibreOffice writes a sheet out to its last row with repeated empty rows and cells: not a bomb."""
    data = ods_with_rows('<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
                         'table:number-columns-repeated="16384"/></table:table-row>')
    assert read_workbook(data).ok


def test_ods_over_the_size_limit():
    data = ods_bytes(make_sheets())
    message = refused(data, max_bytes=len(data) - 1)
    assert "over the limit" in message


@pytest.mark.parametrize("mimetype,words", [
    (b"application/vnd.oasis.opendocument.text", "text document (.odt"),
    (b"application/vnd.oasis.opendocument.presentation", "presentation (.odp"),
    (b"application/x-something-else", "zip archive but not an Excel workbook (.xlsx) or OpenDocument spreadsheet"),
    (None, "zip archive but not an Excel workbook (.xlsx) or OpenDocument spreadsheet"),
])
def test_ods_with_the_wrong_mimetype(mimetype, words):
    data = ods_rezip(ods_bytes(make_sheets()), lambda n, b: mimetype if n == "mimetype" else b)
    assert words in refused(data)


def test_no_message_about_a_hostile_ods_shows_a_class_name():
    good = ods_bytes(make_sheets())
    for data in (ENCRYPTED_ODS.read_bytes(), good[:len(good) // 2],
                 ods_rezip(good, lambda n, b: b"<x>&bad;" if n == "content.xml" else b),
                 ods_rezip(good, lambda n, b: None if n == "content.xml" else b)):
        messages = shown(data)
        assert messages
        for message in messages:
            assert_plain(message)
    # a broken styles.xml holds no data: the sheets are read as they are (python-calamine reads content.xml)
    assert shown(ods_rezip(good, lambda n, b: b"<x>&bad;" if n == "styles.xml" else b)) == []


def _random_content(rng) -> bytes:
    """An .ods content.xml in many of the forms calamine accepts: repeated rows and cells (empty or
    filled, at a row's end or not), covered cells, text and value attributes, empty rows at a table's
    end, several tables, odd spacing around '=' and single quotes (which hand over to the exact path)."""
    quote = "'" if rng.random() < 0.1 else '"'
    eq = " = " if rng.random() < 0.05 else "="

    def rep(which, big=False):
        if rng.random() < 0.4:
            n = rng.choice([1, 2, 3, 50, 1024, 16384, 1048576] if big else [1, 2, 3, 7, 200])
            return f" table:number-{which}-repeated{eq}{quote}{n}{quote}"
        return ""

    out = ['<?xml version="1.0" encoding="UTF-8"?><office:document-content '
           'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>']
    for t in range(rng.randint(1, 3)):
        out.append(f'<table:table table:name="S{t}">')
        for _ in range(rng.randint(0, 8)):
            out.append(f"<table:table-row{rep('rows', big=True)}>")
            for _ in range(rng.randint(0, 5)):
                tag = rng.choice(["table:table-cell"] * 6 + ["table:covered-table-cell"])
                kind = rng.choice(["empty", "empty", "text", "value", "string"])
                attrs = rep("columns", big=True)
                if kind == "value":
                    attrs += ' office:value-type="float" office:value="1"'
                elif kind == "string":
                    attrs += ' office:value-type="string"'
                body = "<text:p>x</text:p>" if kind in ("text", "string") or (kind == "value" and rng.random() < .5) else ""
                out.append(f"<{tag}{attrs}>{body}</{tag}>" if body or rng.random() < 0.5 else f"<{tag}{attrs}/>")
            out.append("</table:table-row>")
        out.append("</table:table>")
    out.append("</office:spreadsheet></office:body></office:document-content>")
    return "".join(out).encode()


def test_ods_extent_is_never_smaller_than_the_exact_one_on_random_content():
    """The fast .ods scan must never report less than the exact (expat) one: that would let a
    repeated-rows bomb through to calamine. Handing over (None) or counting more is allowed."""
    import random

    from loaders.safety import _ods_extent_exact, ods_extent

    rng = random.Random(20261206)
    answered = 0
    for _ in range(2000):
        xml = _random_content(rng)
        exact = _ods_extent_exact([xml])
        fast = ods_extent(xml)
        if fast is None:
            continue
        answered += 1
        if any(r * c > MAX_SHEET_CELLS for r, c in exact):           # the exact path stops early: refused
            assert any(r * c > MAX_SHEET_CELLS for r, c in fast), (xml, fast, exact)
        else:   # every table that reaches anywhere is matched by one the fast scan says reaches as far
            for er, ec in exact:
                assert er * ec == 0 or any(fr >= er and fc >= ec for fr, fc in fast), (xml, fast, exact)
    assert answered > 1000
