"""The copy of a plan the dashboard hands to a browser: the same pages and text, without anything
that acts. A browser's PDF viewer (Chromium's included) runs a PDF's JavaScript and follows its
actions; the copy a person opens from the dashboard has none: no document or page scripts (OpenAction,
additional actions, named JavaScript), no form (AcroForm, its fields and their scripts), no embedded
files, and no link or bookmark that does more than go to a page of the same plan (web addresses,
launching programs, other files, submitting or importing data are removed). Written with pypdf.
"""
from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject

from plans.extract import PlanError

_DROP_FROM_CATALOG = ("/OpenAction", "/AA", "/AcroForm", "/URI")
_DROP_FROM_NAMES = ("/JavaScript", "/EmbeddedFiles")
# annotations that are forms, media or files: never kept
_ACTIVE_SUBTYPES = {"/Widget", "/FileAttachment", "/Screen", "/Movie", "/Sound", "/RichMedia", "/3D"}


def _inert_action(action) -> bool:
    """An action that only goes to a page of this document, with nothing chained after it."""
    action = action.get_object() if action is not None else None
    return isinstance(action, DictionaryObject) and action.get("/S") == "/GoTo" and "/Next" not in action


def _keep_annotation(annotation) -> bool:
    a = annotation.get_object()
    if not isinstance(a, DictionaryObject) or a.get("/Subtype") in _ACTIVE_SUBTYPES or "/AA" in a:
        return False
    return "/A" not in a or _inert_action(a["/A"])


def _outline_items(first):
    item = first.get_object() if first is not None else None
    seen = set()
    while isinstance(item, DictionaryObject) and id(item) not in seen:
        seen.add(id(item))
        yield item
        if "/First" in item:
            yield from _outline_items(item["/First"])
        item = item.get("/Next")
        item = item.get_object() if item is not None else None


def inert_copy(data: bytes, name: str = "the file") -> bytes:
    """`data` (a PDF that `plans.extract` has read) without scripts, forms, embedded files or actions
    other than going to one of its own pages. Raises PlanError if the file cannot be rewritten."""
    try:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        root = writer._root_object
        for key in _DROP_FROM_CATALOG:
            root.pop(NameObject(key), None)
        names = root.get("/Names")
        if names is not None:
            names = names.get_object()
            for key in _DROP_FROM_NAMES:
                names.pop(NameObject(key), None)
        outlines = root.get("/Outlines")
        if outlines is not None:
            for item in _outline_items(outlines.get_object().get("/First")):
                if "/A" in item and not _inert_action(item["/A"]):
                    del item["/A"]
        for page in writer.pages:
            page.pop(NameObject("/AA"), None)
            if "/Annots" in page:
                kept = [a for a in page["/Annots"].get_object() if _keep_annotation(a)]
                page[NameObject("/Annots")] = ArrayObject(kept)
        # what was cut goes; an object only something cut referred to goes on a later pass
        for _ in range(50):
            before = sum(o is not None for o in writer._objects)
            writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
            if sum(o is not None for o in writer._objects) == before:
                break
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except Exception:
        raise PlanError(f"'{name}' could not be prepared for opening in a browser.") from None
