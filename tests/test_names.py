"""Hiding other partnerships' names (analysis.names): labels nobody can reverse without the server's
secret, nothing beside a label that narrows it down, free text scrubbed, and every page, chart, table,
download and report made from the hidden review (ui.view), so none can forget.

Every test states its own data through tests/builders.py."""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from analysis import names as NM
from analysis import peers as P
from apptools import (choose, document_text, download_keys, everything, find_names, footer, go, hide_names,  # noqa: F401
                      media, names_and_aliases, open_app, page_strings, table_with, texts, title)
from builders import make_review, make_sheets, workbook_bytes
from charts import peers as C
from loaders import read_workbook
from store import Store
import report

ROOT = Path(__file__).resolve().parents[1]

NOW = "2023-2026"
BIG = ["Fife", "Angus", "Moray", "Highland", "Orkney Islands", "Shetland Islands"]  # 6: shown
CITIES = ["Dundee City", "Perth & Kinross"]                                          # 2: withheld
NAMES = BIG + CITIES
ALIASES = {"Perth & Kinross": "PKC; Perth and Kinross", "Orkney Islands": "Orkney"}


def crafted_sheets() -> dict:
    """A workbook whose free text names other partnerships everywhere it can."""
    sheets = make_sheets(partnerships=NAMES, criteria=["1", "2", "3"],
                         peer_groups={**{p: "Big" for p in BIG}, **{p: "Cities" for p in CITIES}},
                         themes=[["Learning from Dundee City", "Angus and PKC led the way", "some", "1"]],
                         national=[[NOW, "1", 3, 3, 2, "Moray annex, page 4"]])
    for row in sheets["Partnerships"][1:]:
        row[4] = ALIASES.get(row[0], "")
    sheets["Criteria"][2][1] = "Links with Orkney"
    sheets["Criteria"][3][2] = "Does it match Highland's plan?"
    sheets["About"] = [["Prepared with the help of Shetland Islands council."]]
    return sheets


@pytest.fixture(scope="module")
def review():
    r = make_review(crafted_sheets())
    assert r.ok, r.errors
    return r


KEY = NM.label_key(b"s" * 32, "sha:one")


def test_labels_depend_on_the_secret_and_the_version_and_stay_put_within_one():
    names = [f"Area {c}" for c in "ABCDEFGHIJKLMNOP"]
    one = NM.labels(names, "Area A", NM.label_key(b"secret one" * 4, "sha:v1"))
    assert one["Area A"] == "Area A"
    assert sorted(v for k, v in one.items() if k != "Area A") == sorted(f"Partnership {c}" for c in "ABCDEFGHIJKLMNO")
    # the same secret and version: the same labels (a shared link and its downloads agree)
    assert NM.labels(names, "Area A", NM.label_key(b"secret one" * 4, "sha:v1")) == one
    # another secret, or another published version: the letters are dealt afresh
    assert NM.labels(names, "Area A", NM.label_key(b"secret two" * 4, "sha:v1")) != one
    assert NM.labels(names, "Area A", NM.label_key(b"secret one" * 4, "sha:v2")) != one


def test_the_public_list_of_names_does_not_give_the_labels_away():
    """The old labels followed sha256 of public names: anyone could recompute them. Now the order is
    the secret's: across secrets, each name lands on many different letters."""
    names = [f"Area {c}" for c in "ABCDEFGHIJKL"]
    seen = {n: set() for n in names[1:]}
    for i in range(40):
        mapping = NM.labels(names, "Area A", NM.label_key(os.urandom(32), "sha:v"))
        for n in seen:
            seen[n].add(mapping[n])
    assert all(len(labels) >= 5 for labels in seen.values()), seen


def test_the_store_makes_one_secret_and_keeps_it(tmp_path):
    first = Store(tmp_path / "store").label_secret()
    assert len(first) == 32
    assert Store(tmp_path / "store").label_secret() == first  # a restart, another process
    mode = stat.S_IMODE(os.stat(tmp_path / "store" / "label-secret").st_mode)
    assert mode & 0o077 == 0  # readable by the server only
    assert Store(tmp_path / "other").label_secret() != first


def test_hidden_review_has_no_other_name_anywhere(review):
    hidden = NM.hidden(review, "Fife", KEY)
    others = names_and_aliases(review, "Fife")
    assert {"Dundee City", "PKC", "Perth and Kinross", "Orkney"} <= set(others)
    frames = [getattr(hidden, f) for f in ("partnerships", "criteria", "scale", "cycles", "submissions", "scores",
                                           "themes", "national")]
    text = "\n".join(f.to_csv() for f in frames) + "\n" + hidden.about
    assert find_names([("hidden review", text)], others) == []
    assert "Fife" in text
    # the free text is still there, with labels in place of names
    mapping = NM.labels(review.partnerships["partnership"], "Fife", KEY)
    assert hidden.criteria["name"].iloc[1] == f"Links with {mapping['Orkney Islands']}"
    assert hidden.themes["finding"].iloc[0] == f"{mapping['Angus']} and {mapping['Perth & Kinross']} led the way"
    # "Shetland Islands council" is its council (the Partnerships sheet's "Shetland Islands Council"): its label
    assert hidden.about == f"Prepared with the help of {mapping['Shetland Islands']}."
    # no council, health board or alias beside a label; the chosen partnership keeps its own
    p = hidden.partnerships.set_index("partnership")
    assert p.loc["Fife", "local_authorities"] == "Fife Council"
    assert (p.drop("Fife")[["local_authorities", "health_board", "aliases"]] == "").all().all()
    # listed in label order after Fife, not in the workbook's order
    assert hidden.partnerships["partnership"].tolist() == ["Fife"] + [f"Partnership {c}" for c in "ABCDEFG"]
    # the numbers are the same
    assert P.standing(hidden, NOW, "Fife")["full_count"].tolist() == P.standing(review, NOW, "Fife")["full_count"].tolist()
    # remembered: the analysis of the hidden review is remembered with it
    assert NM.hidden(review, "Fife", KEY) is hidden


def test_a_small_peer_group_is_withheld(review):
    assert NM.MIN_GROUP == 5
    assert NM.withheld(review, "Cities") and not NM.withheld(review, "Big") and not NM.withheld(review, None)
    hidden = NM.hidden(review, "Fife", KEY)
    groups = dict(zip(hidden.partnerships["partnership"], hidden.partnerships["peer_group"]))
    assert sorted(groups.values()).count("Big") == 6 and sorted(groups.values()).count("") == 2
    ranks = P.ranks(hidden, NOW)
    assert set(ranks["peer_group"]) == {"Big", ""}
    # a member of a small group compares with no one while names are hidden
    mine = NM.hidden(review, "Dundee City", KEY)
    assert P.standing(mine, NOW, "Dundee City")["peer_plans"].isna().all()
    assert P.standing(review, NOW, "Dundee City")["peer_plans"].notna().all()


def test_charts_and_report_from_the_hidden_review_name_no_one_else(review):
    hidden = NM.hidden(review, "Fife", KEY)
    others = names_and_aliases(review, "Fife")
    figs = [C.spine(P.standing(hidden, NOW, "Fife"), hidden.labels, "Fife"),
            C.change_chart(P.change(hidden, NOW, "Fife"), hidden.labels, "Fife")]
    for fig in figs:
        assert find_names([("chart", fig.to_json())], others) == []
    doc = report.partnership_report_html(hidden, NOW, "Fife", hide_names=True, provenance="version 2",
                                         show_ranks=True)
    assert find_names([("report", document_text(doc.encode()))], others) == []
    assert "Fife" in doc and "Partnership A" in doc


# ------------------------------------------------------------------------ every page, as a person sees it

PAGES = ["views/overview.py", "views/criteria.py", "views/timeline.py", "views/partnership.py", "views/themes.py",
         "views/definitions.py", "views/criterion.py", "views/plans.py"]


@pytest.fixture
def crafted_app(tmp_path, monkeypatch):
    path = tmp_path / "Review from Dundee City and PKC.xlsx"  # the footer names the file
    workbook_bytes(crafted_sheets(), path)
    monkeypatch.setenv("CSP_WORKBOOK", str(path))
    return read_workbook(path.read_bytes())


def test_every_page_and_download_hides_other_names(crafted_app, media):
    review = crafted_app
    others = names_and_aliases(review, "Fife")
    at = open_app()
    choose(at, "partnership", "Fife")
    at.session_state["show_ranks"] = True
    shown = []
    for page in PAGES:
        go(at, page)
        strings, files = everything(at, media)
        shown += find_names(strings, others) + find_names([(f"{page} downloads", files)], others)
    assert shown, "the same search finds the names while they are shown (so it would find a leak)"

    hide_names(at)
    for page in PAGES:
        go(at, page)
        strings, files = everything(at, media)
        assert find_names(strings, others) == [], page
        assert find_names([(f"{page} downloads", files)], others) == [], page
    go(at, "views/partnership.py")
    assert title(at) == f"Fife, {NOW}"
    ranks = table_with(at, "Rank", "Partnership")
    assert sum(p.startswith("Partnership ") for p in ranks["Partnership"]) == 7
    assert set(ranks["Peer group"]) == {"Big", ""}


def test_a_small_own_group_is_not_compared_with_while_names_are_hidden(crafted_app):
    at = open_app("views/partnership.py")
    choose(at, "partnership", "Dundee City")
    standing = table_with(at, "ID", "Dundee City")
    assert any(c.startswith("Share of peer group") for c in standing.columns)
    hide_names(at)
    standing = table_with(at, "ID", "Dundee City")
    assert not any(c.startswith("Share of peer group") for c in standing.columns)
    assert any("Peer group Cities has fewer than 5 partnerships" in t for t in texts(at.caption))


def test_labels_stay_put_on_a_shared_link_and_definitions_says_what_hiding_does(crafted_app):
    def labels_seen() -> list[str]:
        at = open_app("views/partnership.py")
        choose(at, "partnership", "Fife")
        hide_names(at)
        at.toggle(key="show_ranks").set_value(True).run()
        ranks = table_with(at, "Rank", "Partnership")
        return list(zip(ranks["Partnership"], ranks["Criteria fully met"]))

    first = labels_seen()
    assert labels_seen() == first  # the same link, again
    # Definitions says what hiding names does and does not do
    at = open_app("views/definitions.py")
    said = "\n".join(texts(at.markdown))
    assert re.search(r"secret kept on the dashboard's server", said) and "does not hide the figures" in said
    assert "fewer than 5 partnerships" in said


def test_the_data_page_shows_no_workbook_while_names_are_hidden(crafted_app, media):
    """The Data page shows workbooks as they are (file names, names, the workbook to download): with
    names hidden it says so and shows none of it."""
    review = crafted_app
    others = names_and_aliases(review, "Fife")
    at = open_app("views/data.py")
    assert "download-viewers" in download_keys(at)  # the named workbook, while names are shown
    choose(at, "partnership", "Fife")
    hide_names(at)
    assert download_keys(at) == [] and not at.main.get("file_uploader")
    assert "Other partnerships' names are hidden" in texts(at.info)[0]
    assert find_names(page_strings(at, sidebar=False), others) == []


def test_names_written_other_ways_are_scrubbed_too():
    r = make_review(make_sheets(partnerships=["Fife", "Perth & Kinross", "Na h-Eileanan Siar", "Angus"],
                                peer_groups={}))
    mapping = NM.labels(r.partnerships["partnership"], "Fife", KEY)
    text = "Perth&Kinross, perth and kinross, Na h Eileanan Siar, ANGUS; Fifeshire stays"
    out = NM.scrub_text(text, r, "Fife", mapping)
    assert out == (f"{mapping['Perth & Kinross']}, {mapping['Perth & Kinross']}, {mapping['Na h-Eileanan Siar']}, "
                   f"{mapping['Angus']}; Fifeshire stays")


def test_a_partnership_named_like_a_label_gets_labels_it_cannot_be_taken_for():
    names = ["Fife", "Partnership A", "partnership b", "Angus"]
    r = make_review(make_sheets(partnerships=names, peer_groups={}))
    assert r.ok, r.errors
    hidden = NM.hidden(r, "Partnership A", KEY)
    shown = hidden.partnerships["partnership"].tolist()
    assert shown[0] == "Partnership A" and len(set(shown)) == 4
    assert sorted(shown[1:]) == ["Other partnership A", "Other partnership B", "Other partnership C"]
    assert P.standing(hidden, NOW, "Partnership A")["full_count"].notna().all()  # no crash on a doubled name


def test_a_criterion_id_that_is_a_name_is_hidden_in_every_frame():
    sheets = make_sheets(partnerships=["Fife", "Moray", "Angus", "Highland"], criteria=["1", "Moray"], peer_groups={},
                         national=[[NOW, "Moray", 2, 1, 1, ""]])
    r = make_review(sheets)
    assert r.ok, r.errors
    hidden = NM.hidden(r, "Fife", KEY)
    mapping = NM.labels(r.partnerships["partnership"], "Fife", KEY)
    for frame in (hidden.criteria, hidden.scores, hidden.national):
        assert "Moray" not in set(frame["criterion"]) and mapping["Moray"] in set(frame["criterion"])
    assert P.standing(hidden, NOW, "Fife").set_index("criterion").loc[mapping["Moray"], "plans"] == 4


def test_the_sidebar_offers_no_small_or_named_peer_group_while_names_are_hidden(tmp_path, monkeypatch):
    groups = {**{p: "Big" for p in ["Fife", "Angus", "Moray", "Highland", "Orkney"]},
              **{p: "Dundee and friends" for p in ["Dundee", "Perth", "Stirling", "Falkirk", "Clackmannan"]},
              "Islay": "Small", "Arran": "Small"}
    path = tmp_path / "w.xlsx"
    workbook_bytes(make_sheets(partnerships=list(groups), peer_groups=groups), path)
    monkeypatch.setenv("CSP_WORKBOOK", str(path))
    at = open_app()
    assert at.sidebar.selectbox(key="peer").options == ["Big", "Dundee and friends", "Small"]
    hide_names(at)
    assert at.sidebar.selectbox(key="peer").options == ["Big"]


def test_names_in_file_names_are_scrubbed_between_underscores_and_digits(tmp_path, monkeypatch):
    """A file name parts its words with "_" or digits ("tayside_csp_2023.pdf", as plans.attach reads
    it): with names hidden the footer's file name shows a label there, not the name."""
    r = make_review(make_sheets(partnerships=["Fife", "Glasgow City", "Tayside"], peer_groups={}))
    mapping = NM.labels(r.partnerships["partnership"], "Fife", KEY)
    out = NM.scrub_text("tayside_csp_2023.pdf, glasgow_city2023.xlsx, fife_x, Taysider", r, "Fife", mapping)
    assert out == f"{mapping['Tayside']}_csp_2023.pdf, {mapping['Glasgow City']}2023.xlsx, fife_x, Taysider"
    path = tmp_path / "csp_review_tayside_2023.xlsx"
    path.write_bytes((ROOT / "data" / "sample-review.xlsx").read_bytes())
    monkeypatch.setenv("CSP_WORKBOOK", str(path))
    at = open_app()
    choose(at, "partnership", "Fife")
    assert "tayside" in footer(at)
    hide_names(at)
    assert "tayside" not in footer(at).lower() and "csp_review_Partnership " in footer(at)


def test_councils_and_health_boards_are_scrubbed_and_a_board_named_as_a_partnership_stays_its_label():
    sheets = make_sheets(partnerships=["Fife", "Argyll and Bute", "Highland", "Tayside"], peer_groups={})
    for row in sheets["Partnerships"][1:]:
        if row[0] == "Argyll and Bute":
            row[2] = "Highland"                               # its board written as another partnership's name
        if row[0] == "Tayside":
            row[1] = "Angus; Dundee City"
    r = make_review(sheets)
    assert r.ok, r.errors
    m = NM.labels(r.partnerships["partnership"], "Fife", KEY)
    out = NM.scrub_text("Highland; Dundee City Council; NHS Tayside; Fife Council; NHS Fife", r, "Fife", m)
    assert out == f"{m['Highland']}; {m['Tayside']} Council; a health board; Fife Council; NHS Fife"


def test_a_city_s_short_name_is_scrubbed_too():
    """Plans say "Glasgow" and "Dundee", not "Glasgow City" and "Dundee City": with names hidden the short
    name of another city partnership or council is its label; the chosen partnership's own stays."""
    sheets = make_sheets(partnerships=["Fife", "Glasgow City", "Tayside", "City of Edinburgh", "Aberdeenshire"],
                         peer_groups={})
    for row in sheets["Partnerships"][1:]:
        if row[0] == "Tayside":
            row[1] = "Angus; Dundee City"
    r = make_review(sheets)
    m = NM.labels(r.partnerships["partnership"], "Fife", KEY)
    out = NM.scrub_text("Glasgow's children, Dundee, Edinburgh and Aberdeenshire; Fife", r, "Fife", m)
    assert out == (f"{m['Glasgow City']}'s children, {m['Tayside']}, {m['City of Edinburgh']} and "
                   f"{m['Aberdeenshire']}; Fife")
    mine = NM.labels(r.partnerships["partnership"], "Glasgow City", KEY)
    assert NM.scrub_text("Glasgow's children", r, "Glasgow City", mine) == "Glasgow's children"
