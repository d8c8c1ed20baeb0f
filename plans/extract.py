"""A PDF's text, page by page, and its passages: what the rest of `plans` ranks and shows.

Text only: pypdfium2 (PDFium, the PDF engine of Chromium) reads the text layer. Its builds carry no
JavaScript engine (no V8, no XFA) and nothing here asks for forms, links or actions, so a plan's
scripts, links and forms never run: they are not even looked at. Bad input raises `PlanError` with a
message a person understands; nothing else happens.
"""
from __future__ import annotations

import hashlib
import re
import threading
import zlib
from dataclasses import dataclass

import pypdfium2 as pdfium

# A plan is 60-120 pages, a few MB; a 50 MB file or 2,000 pages is not a plan.
MAX_PLAN_BYTES = 50 * 1024 * 1024
MAX_PAGES = 2000
# Fewer visible characters than this per page, on average: there is no text layer (a scan).
MIN_CHARS_PER_PAGE = 20
# A passage is a few sentences of one page: about this many words at most.
PASSAGE_WORDS = 80

# A compressed part (stream) that expands past this is refused before PDFium reads it: a small file made
# to expand to gigabytes (a "decompression bomb") would take the server's memory. Text, fonts and other
# parts of a real plan expand to a few MB each; images are not looked at (text is read without them).
MAX_STREAM_BYTES = 256 * 1024 * 1024
_STREAM = re.compile(rb"(?<!end)stream\r?\n")

# PDFium is not thread-safe and Streamlit runs each session in its own thread (pypdfium2's docs).
_PDFIUM = threading.Lock()


class PlanError(Exception):
    """A file that cannot be used as a plan; `message` says why in plain words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Passage:
    page: int      # 1-based, as a PDF viewer numbers pages
    text: str      # the words as extracted, white space made single
    number: int    # its position in the plan, 0-based


@dataclass(frozen=True)
class PlanText:
    sha256: str
    pages: int
    passages: tuple[Passage, ...]
    blank_pages: tuple[int, ...]   # pages with no text (images, scanned inserts), 1-based

    def page_text(self, page: int) -> str:
        return " ".join(p.text for p in self.passages if p.page == page)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def _expands_too_far(data: bytes) -> bool:
    """Whether a Flate-compressed stream of `data` (not an image) expands past MAX_STREAM_BYTES,
    found by inflating it a MB at a time (never all at once)."""
    for m in _STREAM.finditer(data):
        head = data[max(0, m.start() - 4096):m.start()]
        head = head[head.rfind(b"obj") + 1:]                 # this object's dictionary
        if b"/Fl" not in head or b"/Image" in head:
            continue
        end = data.find(b"endstream", m.end())
        rest, size, inflate = data[m.end():end if end >= 0 else len(data)], 0, zlib.decompressobj()
        try:
            while rest and not inflate.eof:
                size += len(inflate.decompress(rest, 1 << 20))
                rest = inflate.unconsumed_tail
                if size > MAX_STREAM_BYTES:
                    return True
        except zlib.error:
            continue
    return False


def page_texts(data: bytes, name: str = "the file", *, max_bytes: int = MAX_PLAN_BYTES) -> list[str]:
    """Each page's text, in page order. Raises PlanError for a file that is not a usable PDF."""
    shown = f"'{name}'"
    if len(data) > max_bytes:
        raise PlanError(f"{shown} is {_mb(len(data))}, over the limit of {max_bytes / 1024 / 1024:.0f} MB for a plan.")
    if not data:
        raise PlanError(f"{shown} is empty.")
    if b"%PDF-" not in data[:1024]:
        raise PlanError(f"{shown} is not a PDF. Save the plan as PDF (File > Save as > PDF) and try again.")
    if _expands_too_far(data):
        raise PlanError(f"{shown} has a part that expands to over {MAX_STREAM_BYTES // 2**20} MB when read, far more "
                        "than a plan's text needs: it may be damaged. Save or export it again as PDF and try again.")
    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            text = str(exc).lower()
            if "password" in text or "security" in text:
                raise PlanError(f"{shown} is protected by a password or encryption, so its text cannot be "
                                "read. Save a copy without the password and try again.") from None
            raise PlanError(f"{shown} is damaged and cannot be read as a PDF. Save or export it again "
                            "as PDF and try again.") from None
        try:
            count = len(pdf)
            if count == 0:
                raise PlanError(f"{shown} has no pages.")
            if count > MAX_PAGES:
                raise PlanError(f"{shown} has {count:,} pages, over the limit of {MAX_PAGES:,} for a plan.")
            texts = []
            for i in range(count):
                page = pdf[i]
                try:
                    textpage = page.get_textpage()
                    texts.append(textpage.get_text_range())
                    textpage.close()
                finally:
                    page.close()
        except pdfium.PdfiumError:
            raise PlanError(f"{shown} is damaged: some of its pages cannot be read. Save or export it again "
                            "as PDF and try again.") from None
        finally:
            pdf.close()
    if sum(len("".join(t.split())) for t in texts) < MIN_CHARS_PER_PAGE * len(texts):
        raise PlanError(f"{shown} has no text layer: it looks like a scanned image of the pages, so there is no "
                        "text to search. The dashboard does not read text from images (no OCR): export the plan "
                        "from the document it was written in, or run it through OCR first.")
    return texts


_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+(?=[\"'‘“(\[]?[A-Z0-9•\-–])")


def split_passages(texts: list[str], words: int = PASSAGE_WORDS) -> tuple[list[Passage], list[int]]:
    """Passages of at most about `words` words, whole sentences where possible, never across pages;
    and the pages with no text."""
    passages: list[Passage] = []
    blank: list[int] = []
    for page, text in enumerate(texts, start=1):
        flat = " ".join(text.split())
        if not flat:
            blank.append(page)
            continue
        chunk: list[str] = []
        size = 0
        for sentence in _SENTENCE_END.split(flat):
            pieces = sentence.split()
            # a "sentence" longer than a passage (a table, a list without full stops) is cut by words
            for start in range(0, len(pieces), words):
                part = pieces[start:start + words]
                if chunk and size + len(part) > words:
                    passages.append(Passage(page, " ".join(chunk), len(passages)))
                    chunk, size = [], 0
                chunk.extend(part)
                size += len(part)
        if chunk:
            passages.append(Passage(page, " ".join(chunk), len(passages)))
    return passages, blank


def extract(data: bytes, name: str = "the file", *, max_bytes: int = MAX_PLAN_BYTES) -> PlanText:
    """A plan's text, split into passages that keep their page number. Raises PlanError."""
    texts = page_texts(data, name, max_bytes=max_bytes)
    passages, blank = split_passages(texts)
    return PlanText(sha256(data), len(texts), tuple(passages), tuple(blank))
