"""The plans on the pages (AppTest): the Partnership page's evidence per criterion and the Search the
plans page, on the shipped sample's made-up plans; hidden names in both; passages shown as written."""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

import plans
from apptools import choose, find_names, go, hide_names, names_and_aliases, open_app, page_strings
from loaders import read_workbook

ROOT = Path(__file__).resolve().parents[1]
CYCLE = "2023-2026"
SAMPLE = read_workbook(ROOT / "data" / "sample-review.xlsx")
MANIFEST = {(r["partnership"], r["cycle"]): r for r in
            json.loads((ROOT / "data" / "plans" / "plans.json").read_text())["plans"]}
LINK = re.compile(r'<a href="app/static/plans/([0-9a-f]{64})\.pdf#page=(\d+)"')
sys.path.insert(0, str(ROOT / "scripts"))
from plan_text import EVIDENCE  # noqa: E402


def markdown(at) -> list[str]:
    return [m.value for m in at.main.markdown]


def passages(at) -> list[str]:
    return [m for m in markdown(at) if 'class="csp-passage"' in m]


def words_of(html: str) -> str:
    """A passage's text as the page shows it: tags out, entities back."""
    import html as h
    return h.unescape(re.sub(r"<[^>]+>", "", html.split("<blockquote>", 1)[1]))


def partnership_page(name: str = "Fife"):
    at = open_app("views/partnership.py")
    choose(at, "cycle", CYCLE)
    return choose(at, "partnership", name)


def level(partnership: str, criterion: str) -> str:
    s = SAMPLE.scores
    return s[(s.partnership == partnership) & (s.cycle == CYCLE) & (s.criterion == criterion)]["label"].iloc[0]


def test_partnership_page_shows_ranked_passages_with_pages_and_links_to_them():
    at = partnership_page("Fife")
    text = markdown(at)
    assert '<h2 id="plan-evidence">What the plan says on each criterion</h2>' in text
    assert any(c.value.startswith("<p>Illustrative: this plan is made up") for c in at.main.caption)
    fully = next(c for c in EVIDENCE if level("Fife", c) == "Fully met")
    at.selectbox(key="evidence_criterion").select(fully).run()
    shown = passages(at)
    assert len(shown) == 3
    data = (ROOT / "data" / "plans" / MANIFEST[("Fife", CYCLE)]["file"]).read_bytes()
    plan = plans.extract(data)
    for html in shown:
        sha, page = LINK.search(html).groups()
        assert sha == plans.sha256(data)
        assert f"<strong>Page {page}</strong>" in html
        # the passage is on the page its link opens
        assert " ".join(words_of(html).split()) in plan.page_text(int(page))
    # the criterion Fife fully met: the passage written for it comes first
    assert any(sentence in words_of(shown[0]) for sentence in EVIDENCE[fully])
    # static serving finds the plan (its inert copy: the same text) where the link points
    served = (ROOT / "static" / "plans" / f"{sha}.pdf").read_bytes()
    assert plans.extract(served).passages == plan.passages


def test_the_picked_out_criterion_is_the_one_shown():
    at = open_app()
    at.query_params["criterion"] = "12"
    at.switch_page("views/partnership.py").run()
    choose(at, "cycle", CYCLE)
    choose(at, "partnership", "Tayside")
    assert at.selectbox(key="evidence_criterion").value == "12"


def test_a_partnership_without_a_plan_is_told_so():
    at = partnership_page("Moray")
    assert "<p>There is no plan of Moray for 2023-2026 in the dashboard. Analysts attach plans on the Data " \
           "page.</p>" in markdown(at)
    assert not passages(at)


def search(at, words: str = "", criterion: str | None = None, at_level: str | None = None, group: str | None = None):
    if criterion is not None:
        at.selectbox(key="plan_criterion").select(criterion).run()
    if at_level is not None:   # offered once a criterion is chosen
        at.selectbox(key="plan_level").select(at_level).run()
    if group is not None:
        at.selectbox(key="plan_peer").select(group).run()
    at.text_input(key="plan_query").input(words).run()
    assert not at.exception, at.exception
    return at


def groups(at) -> list[str]:
    return [re.sub("<[^>]+>", "", m) for m in markdown(at) if m.startswith("<h2")]


def search_page():
    at = open_app("views/plans.py")
    return choose(at, "cycle", CYCLE)


def test_search_groups_results_by_plan_with_pages_and_marks_the_words():
    at = search(search_page(), "collective budget")
    assert sorted(groups(at)) == sorted(p for p, c in MANIFEST)
    shown = passages(at)
    assert shown and all(LINK.search(p) for p in shown)
    marked = re.findall(r"<mark[^>]*>([^<]+)</mark>", "".join(shown))
    assert {m.lower() for m in marked} <= {"collective", "budget", "budgets"} and "budget" in {m.lower() for m in marked}
    # marked visibly without colour too: bold and underlined
    assert 'font-weight:700;text-decoration:underline' in shown[0]
    assert markdown(at)[1].startswith("<p>") and "passages in 6 plans, searching all 6 plans" in markdown(at)[1]


def test_search_filtered_by_criterion_level_and_peer_group():
    at = search(search_page(), "family support", criterion="11", at_level="Fully met")
    expected = {p for p, c in MANIFEST if level(p, "11") == "Fully met"}
    assert expected and set(groups(at)) <= expected
    assert f"searching {len(expected)} of 6 plans" in " ".join(markdown(at))
    at = search(search_page(), "family support", group="Islands")
    assert set(groups(at)) == {"Orkney Islands"}


def test_a_criterion_alone_searches_with_its_own_words():
    """How peers who fully met criterion 12 wrote about it: no words typed, the criterion's own."""
    at = search(search_page(), "", criterion="12", at_level="Fully met")
    expected = {p for p, c in MANIFEST if level(p, "12") == "Fully met"}
    assert set(groups(at)) == expected
    assert any(EVIDENCE["12"][0].split(":")[0] in words_of(p) for p in passages(at))


def test_passages_are_shown_exactly_as_written(monkeypatch, tmp_path):
    """A plan whose text holds Markdown, HTML and a web address: the page shows the characters."""
    from plan_pdfs import pdf_bytes
    from plans import catalogue

    hostile = "Family support **bold** <b>tag</b> [link](https://evil.example) https://evil.example :material/home:"
    data = pdf_bytes([hostile + " family support again."])
    (tmp_path / "fife.pdf").write_bytes(data)
    (tmp_path / "plans.json").write_text(json.dumps({"plans": [
        {"partnership": "Fife", "cycle": CYCLE, "file": "fife.pdf", "sha256": plans.sha256(data)}]}))
    monkeypatch.setattr(catalogue, "SHIPPED", tmp_path)
    at = search(search_page(), "family support")
    (html,) = passages(at)
    body = html.split("<blockquote>", 1)[1]
    assert "<b>" not in body and "&lt;b&gt;tag&lt;/b&gt;" in body and "**bold**" in body
    assert "&#58;material/home&#58;" in body or "&#58;material/home:" in body
    assert body.count("<a ") == 0                        # no link made of the plan's text


def test_with_names_hidden_an_own_plan_that_names_no_other_partnership_can_be_opened():
    from plan_pdfs import pdf_bytes
    from store import Store

    data = pdf_bytes(["Family support in our own area, with our own council. " * 20])
    Store(os.environ["CSP_STORE"]).add_plan(data, "moray.pdf", "Moray", CYCLE, 1, "ana")
    at = partnership_page("Moray")
    hide_names(at)
    assert {m.group(1) for m in map(LINK.search, markdown(at)) if m} == {plans.sha256(data)}
    assert "it names other partnerships" not in " ".join(c.value for c in at.main.caption)


def test_hidden_names_in_search_results_and_evidence():
    review = SAMPLE
    at = search_page()
    choose(at, "partnership", "Fife")
    search(at, "neighbouring partnership share learning Strategic Leads Network")
    assert find_names(page_strings(at), ["Tayside"])      # the plans name their neighbours
    hide_names(at)
    assert not at.exception
    strings = page_strings(at)
    others = names_and_aliases(review, "Fife")
    assert find_names(strings, others) == [], find_names(strings, others)
    shown = groups(at)
    assert "Fife" in shown and any(g.startswith("Partnership ") for g in shown)
    # other partnerships' plans cannot be opened (the plan names its partnership); nor can Fife's own,
    # which names Tayside where the page shows a label (opening it would say whose the label is)
    assert not [p for p in passages(at) if LINK.search(p)]
    assert "it names other partnerships, shown here as labels" in " ".join(c.value for c in at.main.caption)
    # the Partnership page's evidence: Fife's plan, Tayside named in it becomes a label
    go(at, "views/partnership.py")
    at.selectbox(key="evidence_criterion").select("15").run()
    strings = page_strings(at)
    assert find_names(strings, others) == [], find_names(strings, others)


def test_hidden_names_cover_the_councils_and_health_boards_a_plan_names():
    """A real plan names its councils and health board ("Dundee City Council", "NHS Tayside"): with
    names hidden they tell whose plan it is as surely as its name, so they go too (the viewer's own stay)."""
    from plan_pdfs import pdf_bytes
    from store import Store

    words = ("Angus Council, Dundee City Council, Perth and Kinross Council and NHS Tayside share family support. "
             "NHS Fife and Fife Council share family support too.")
    data = pdf_bytes([words])
    Store(os.environ["CSP_STORE"]).add_plan(data, "tayside.pdf", "Tayside", CYCLE, 1, "ana")
    at = search_page()
    choose(at, "partnership", "Fife")
    hide_names(at)
    search(at, "family support")
    (shown,) = [words_of(p) for p in passages(at) if "share family support" in words_of(p)]
    for named in ("Angus", "Dundee", "Perth", "Kinross", "Tayside"):
        assert named not in shown, shown
    assert "Council, Partnership " in shown and "a health board share" in shown and "NHS Fife and Fife Council" in shown


@pytest.mark.parametrize("by", ["typed", "address"])
def test_with_names_hidden_another_partnership_s_name_is_not_searched_for(by):
    """Searching 'Tayside' with names hidden listed only Tayside's plan under its label, and the page
    and its address said 'Tayside': the name is taken out of the words (also from a shared link)."""
    if by == "typed":
        at = search_page()
        choose(at, "partnership", "Fife")
        hide_names(at)
        search(at, "Tayside family support")
        assert at.text_input(key="plan_query").value == "family support"
        search(at, "Tayside Partnership Approach Dundee City")     # a label is a whole word: "Approach" stays
        assert at.text_input(key="plan_query").value == "Partnership Approach"
        search(at, "Tayside family support")
    else:
        from apptools import APP
        from streamlit.testing.v1 import AppTest
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params.update({"cycle": CYCLE, "partnership": "Fife", "hide": "true",
                                "plan_query": "Tayside family support"})
        at.run()
        go(at, "views/plans.py")
    strings = page_strings(at)
    assert find_names(strings, names_and_aliases(SAMPLE, "Fife")) == []
    assert at.text_input(key="plan_query").value == "family support"
    assert "Other partnerships' names are taken out of the search" in " ".join(c.value for c in at.main.caption)
    assert "<code>family support</code>" in " ".join(markdown(at)) and len(groups(at)) > 1


def test_a_plan_attached_beside_the_sample_is_not_called_made_up():
    """With the illustrative sample published, a plan attached on the Data page (a real one) was
    captioned 'made up for the sample ... not any partnership's real plan'; only the sample's are."""
    from plan_pdfs import pdf_bytes
    from store import Store

    Store(os.environ["CSP_STORE"]).add_plan(pdf_bytes(["Family support in Moray, a real plan. " * 20]),
                                            "moray.pdf", "Moray", CYCLE, 1, "ana")
    made_up = "this plan is made up for the sample"
    at = partnership_page("Moray")
    assert "(1 page)" in " ".join(markdown(at))
    assert not [c.value for c in at.main.caption if made_up in c.value]
    at = partnership_page("Fife")
    assert [c.value for c in at.main.caption if made_up in c.value]
    at = search(search_page(), "family support")
    said = [c.value for c in at.main.caption]
    assert not any("these plans are made up" in c for c in said)
    assert sum(made_up in c for c in said) == len(MANIFEST)           # under each of the sample's, not Moray's
