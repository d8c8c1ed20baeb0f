"""plans/: text with page numbers, passages, BM25 ranking, and every kind of bad PDF (no Streamlit)."""
from __future__ import annotations

import pytest

import plans
from plan_pdfs import SCRIPT, VISIBLE, active_pdf, damaged_pdf, not_a_pdf, pdf_bytes, scanned_pdf

PAGES = [
    "Our vision is that every child in the area grows up loved, safe and respected.",
    "Budget. The partners pool a collective budget of 12 million pounds for children's services. "
    "Resources are aligned across health, education and social work.",
    "Monitoring. Progress is measured against a set of indicators reported each year to the board.",
]


def test_extraction_keeps_page_numbers():
    text = plans.extract(pdf_bytes(PAGES), "plan.pdf")
    assert text.pages == 3
    assert text.sha256 == plans.sha256(pdf_bytes(PAGES))
    pages = {p.page for p in text.passages}
    assert pages == {1, 2, 3}
    budget = [p for p in text.passages if "collective budget" in p.text]
    assert [p.page for p in budget] == [2]
    assert "indicators" in text.page_text(3) and "indicators" not in text.page_text(2)


def test_passages_never_cross_a_page_and_stay_short():
    long_page = " ".join(f"Sentence number {i} talks about support for families." for i in range(60))
    passages, blank = plans.split_passages([long_page, "", "Short page."])
    assert blank == [2]
    assert {p.page for p in passages} == {1, 3}
    assert all(len(p.text.split()) <= plans.extract.__globals__["PASSAGE_WORDS"] for p in passages)
    assert len([p for p in passages if p.page == 1]) > 1
    # whole sentences: every passage of page 1 starts a sentence
    assert all(p.text.startswith("Sentence number") for p in passages if p.page == 1)
    assert [p.number for p in passages] == list(range(len(passages)))


def test_ranking_finds_the_passage_for_a_criterion():
    index = plans.PlanIndex(plans.extract(pdf_bytes(PAGES)))
    hits = index.for_criterion("Resources", "Does the plan set out collective budgets and how resources are used "
                               "across partners?")
    assert hits and hits[0].passage.page == 2
    hits = index.for_criterion("Monitoring Indicators", "include indicators to monitor and evaluate progress?")
    assert hits[0].passage.page == 3
    assert index.top("zebra crossing") == []          # nothing in common: nothing, not noise


def test_library_ranks_across_plans_and_filters_by_plan():
    a = plans.extract(pdf_bytes(PAGES))
    b = plans.extract(pdf_bytes(["A collective budget and pooled resources are set out on this page."]))
    library = plans.Library([a, b])
    found = library.search("collective budget")
    assert {h.plan for h in found} == {0, 1}
    assert {h.plan for h in library.search("collective budget", plans={1})} == {1}
    assert library.search("collective budget", plans=set()) == []


def test_query_words_are_marked_as_compared():
    pieces = plans.marked("Needs assessments and DATA, plus other words.", "joint strategic needs assessment data")
    assert [t for t, hit in pieces if hit] == ["Needs", "assessments", "DATA"]
    assert "".join(t for t, _ in pieces) == "Needs assessments and DATA, plus other words."


def test_plan_index_is_built_once_per_sha():
    data = pdf_bytes(PAGES)
    assert plans.plan_index(data, "a.pdf") is plans.plan_index(bytes(data), "b.pdf")


def message(data: bytes, name: str = "x.pdf", **kw) -> str:
    with pytest.raises(plans.PlanError) as err:
        plans.extract(data, name, **kw)
    return err.value.message


def test_encrypted_pdf_gets_a_plain_message():
    text = message(pdf_bytes(PAGES, encrypt="user-secret"))
    assert text.startswith("'x.pdf' is protected by a password")


def test_owner_password_only_is_read():
    """A PDF anyone can open (an owner password only restricts printing or copying) is read."""
    assert plans.extract(pdf_bytes(PAGES, encrypt="")).pages == 3


def test_damaged_pdf_gets_a_plain_message():
    assert "'x.pdf' is damaged" in message(damaged_pdf(pdf_bytes(PAGES)))


def test_scan_without_text_layer_says_so():
    text = message(scanned_pdf(), "scan.pdf")
    assert text.startswith("'scan.pdf' has no text layer: it looks like a scanned image")
    assert "OCR" in text


def test_not_a_pdf_gets_a_plain_message():
    assert message(not_a_pdf(), "plan.xlsx.pdf") == ("'plan.xlsx.pdf' is not a PDF. Save the plan as PDF "
                                                      "(File > Save as > PDF) and try again.")
    assert "is empty" in message(b"")


def test_too_large_gets_a_plain_message():
    data = pdf_bytes(PAGES)
    text = message(data, max_bytes=len(data) - 1)
    assert text.startswith("'x.pdf' is ") and "over the limit" in text


def test_a_part_that_expands_too_far_is_refused_before_it_is_read(monkeypatch):
    """A small file made to expand to gigabytes (a 1 MB PDF expanding to 1 GB took PDFium ~3 GB of
    memory) is refused in plain words by inflating it a MB at a time; a real plan's parts are small."""
    import sys

    from plan_pdfs import bomb_pdf

    monkeypatch.setattr(sys.modules["plans.extract"], "MAX_STREAM_BYTES", 2**20, raising=False)   # 1 MB here, so the test is quick
    assert plans.extract(bomb_pdf(0)).pages == 1
    with pytest.raises(plans.PlanError, match=r"^'big\.pdf' has a part that expands to over 1 MB when read"):
        plans.extract(bomb_pdf(3 * 2**20), "big.pdf")


def test_scripts_links_and_forms_yield_text_only():
    """A PDF with JavaScript (OpenAction, named scripts, page and field actions), a link, a launch
    action and a form field: extraction gives the page's visible text and nothing else; the script's
    source and the field's value are not read, and no action is followed (no JavaScript engine)."""
    text = plans.extract(active_pdf(), "active.pdf")
    assert text.pages == 1
    assert [p.text for p in text.passages] == [VISIBLE]
    joined = " ".join(p.text for p in text.passages)
    assert "alert" not in joined and SCRIPT[:10] not in joined and "FORM FIELD VALUE" not in joined
    linked = plans.extract(pdf_bytes(PAGES, link=True))
    assert " ".join(p.text for p in linked.passages).count("http") == 0


def test_the_copy_a_browser_opens_has_no_scripts_forms_or_actions():
    """plans.served.inert_copy: what a browser's PDF viewer would run or follow is gone (document and
    page scripts, the form and its field, the web link and launch action), the text stays."""
    from plans.served import inert_copy

    copy = inert_copy(active_pdf())
    for token in (b"/JavaScript", b"/OpenAction", b"/AcroForm", b"/Widget", b"/URI", b"/AA", b"/Launch",
                  b"SCRIPT RAN", b"FORM FIELD VALUE"):
        assert token not in copy, token
    assert [p.text for p in plans.extract(copy).passages] == [VISIBLE]
    linked = inert_copy(pdf_bytes(PAGES, link=True))
    assert b"/URI" not in linked and b"/Launch" not in linked
    assert plans.extract(linked).passages == plans.extract(pdf_bytes(PAGES)).passages
    with pytest.raises(plans.PlanError):
        inert_copy(not_a_pdf())
