"""Attaching plans on the Data page (issue 21.1): each PDF checked and matched to a partnership and a
cycle by its name, kept in the store exactly as uploaded by an analyst, listed with its page count,
and then the plan of its partnership on the Partnership page; a bad PDF is refused in plain words and
nothing is kept."""
from __future__ import annotations

from pathlib import Path

import pytest

import auth
from apptools import choose, html_tables, open_app
from builders import make_sheets, workbook_bytes
from loaders import read_workbook
from plans.attach import attachment, match_cycle, match_partnership
from store import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = read_workbook(ROOT / "data" / "sample-review.xlsx")
GLASGOW = (ROOT / "data" / "plans" / "glasgow-city-2023-2026.pdf").read_bytes()  # a made-up plan, 19 pages
PASSCODE = "correct horse"
SECRETS = {"analysts": {"passcode_hash": auth.hash_passcode(PASSCODE)}}


@pytest.mark.parametrize("filename,partnership", [
    ("fife-2023-2026.pdf", "Fife"),
    ("East_Renfrewshire CSP 2023-26.pdf", "East Renfrewshire"),   # the longest name that fits, not Renfrewshire
    ("Renfrewshire CSP.pdf", "Renfrewshire"),
    ("Argyll & Bute plan.pdf", "Argyll and Bute"),
    ("DUMFRIES AND GALLOWAY.pdf", "Dumfries and Galloway"),
    ("Western Isles children's services plan.pdf", "Na h-Eileanan Siar"),  # an alias
    ("na-h-eileanan-siar.pdf", "Na h-Eileanan Siar"),
    ("plan.pdf", None),
    ("fifer.pdf", None),                                          # a whole word, not part of one
])
def test_a_file_is_matched_to_a_partnership_by_its_name(filename, partnership):
    assert match_partnership(filename, SAMPLE) == partnership


@pytest.mark.parametrize("filename,cycle", [("fife-2023-2026.pdf", "2023-2026"), ("fife 2020-23.pdf", "2020-2023"),
                                            ("fife_2020_2023.pdf", "2020-2023"), ("fife.pdf", "2023-2026")])
def test_the_cycle_is_read_from_the_name_else_the_newest(filename, cycle):
    assert match_cycle(filename, SAMPLE) == cycle


def test_a_bad_pdf_is_said_so_in_plain_words():
    a = attachment(b"just some text", "notes.pdf", SAMPLE)
    assert a.pages is None and a.problem.startswith("'notes.pdf' is not a PDF.")
    good = attachment(GLASGOW, "glasgow-city-2023-2026.pdf", SAMPLE)
    assert (good.problem, good.pages, good.partnership, good.cycle) == (None, 19, "Glasgow City", "2023-2026")


def data_page(signed_in: bool = True):
    at = open_app("views/data.py")
    at.secrets.update(SECRETS)
    at.run()
    if signed_in:
        at.text_input(key="signin_name").input("Ana Analyst")
        at.text_input(key="signin_passcode").input(PASSCODE)
        [b for b in at.button if b.label == "Sign in"][0].click().run()
    assert not at.exception, at.exception
    return at


def uploader(at):
    return [u for u in at.file_uploader if u.key.startswith("plan_upload_")][0]


def test_an_analyst_attaches_plans_and_the_partnership_page_uses_it(tmp_path, monkeypatch):
    at = data_page()
    uploader(at).set_value([("moray-2023-2026.pdf", GLASGOW, "application/pdf"),
                            ("notes.pdf", b"not a pdf at all", "application/pdf"),
                            ("unnamed.pdf", GLASGOW, "application/pdf")]).run()
    assert not at.exception, at.exception
    shown = "\n".join(m.value for m in at.main.markdown)
    assert "<strong>notes.pdf</strong>: cannot be kept. 'notes.pdf' is not a PDF." in shown
    assert at.selectbox(key="plan_who_0_moray-2023-2026.pdf").value == "Moray"
    assert at.selectbox(key="plan_cycle_0_moray-2023-2026.pdf").value == "2023-2026"
    assert at.selectbox(key="plan_who_2_unnamed.pdf").value is None      # its name says nobody's
    keep = at.button(key="keep_plans")
    assert keep.label == "Keep 1 plan(s)"                                 # only the matched, readable one
    at.selectbox(key="plan_who_2_unnamed.pdf").select("Highland").run()
    assert at.button(key="keep_plans").label == "Keep 2 plan(s)"
    at.button(key="keep_plans").click().run()
    assert not at.exception, at.exception
    assert "Kept 2 plan(s): `Moray, 2023-2026`; `Highland, 2023-2026`." in "\n".join(s.value for s in at.success)
    kept = Store(tmp_path / "store").plans()
    assert [(p.partnership, p.cycle, p.filename, p.pages, p.who) for p in kept] == [
        ("Highland", "2023-2026", "unnamed.pdf", 19, "Ana Analyst"),
        ("Moray", "2023-2026", "moray-2023-2026.pdf", 19, "Ana Analyst")]
    assert Store(tmp_path / "store").read_plan(kept[1]) == GLASGOW  # exactly as uploaded
    listed = [t for t in html_tables(at) if "Used now" in t.columns][0]
    assert list(listed["Partnership"]) == ["Highland", "Moray"] and list(listed["Pages"]) == [19, 19]
    assert not uploader(at).value                                         # a fresh uploader

    at.switch_page("views/partnership.py").run()
    choose(at, "cycle", "2023-2026")
    choose(at, "partnership", "Moray")                                    # had no plan before
    shown = "\n".join(m.value for m in at.main.markdown)
    assert "(19 pages)" in shown and 'class="csp-passage"' in shown


def test_a_viewer_sees_the_plans_kept_but_cannot_add_any(tmp_path):
    Store(tmp_path / "store").add_plan(GLASGOW, "nowhere.pdf", "Nowhere", "2023-2026", 19, "ana")
    Store(tmp_path / "store").add_plan(GLASGOW, "moray.pdf", "Moray", "2023-2026", 19, "ana")
    at = data_page(signed_in=False)
    assert not [u for u in at.file_uploader if u.key.startswith("plan_upload_")]
    assert "Adding plans needs an analyst: sign in above." in [c.value for c in at.main.caption]
    listed = [t for t in html_tables(at) if "Used now" in t.columns][0]
    assert listed.iloc[0]["File"] == "moray.pdf" and listed.iloc[0]["Used now"] == "Yes"
    assert listed.iloc[1]["File"] == "nowhere.pdf" and listed.iloc[1]["Used now"] == ""  # not in the workbook


def test_two_files_for_the_same_partnership_and_cycle_are_not_both_kept():
    """Two files both matched to Moray, 2023-2026 (the same name twice, or two names): only one could be
    its plan, and keeping both made the later one it without a word. The second is held back, saying why."""
    from plan_pdfs import pdf_bytes

    at = data_page()
    uploader(at).set_value([("moray.pdf", GLASGOW, "application/pdf"),
                            ("moray.pdf", pdf_bytes(["Another plan of Moray. " * 30]), "application/pdf")]).run()
    assert not at.exception, at.exception
    assert at.button(key="keep_plans").label == "Keep 1 plan(s)"
    said = [c.value for c in at.main.caption]
    assert any("'moray.pdf' above is already the plan of Moray for 2023-2026" in c for c in said), said
    assert "<p><strong>moray.pdf</strong>: 1 page, text readable.</p>" in [m.value for m in at.main.markdown]
    at.selectbox(key="plan_cycle_1_moray.pdf").select("2020-2023").run()
    assert at.button(key="keep_plans").label == "Keep 2 plan(s)"
