"""AppTest tests of the Partnership page: choosing a partnership, what the page shows for it
(standing, strengths and priorities, change, timing, ranks, report) and the anonymised view.

The crafted workbook below states every score, so each expected number is worked out by hand in
the comments. With names hidden, every string of the rendered page (text, tables, chart figures),
every CSV download and the HTML report are searched for other partnerships' names and aliases.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pandas as pd
import pytest

from apptools import (everything, as_text, charts, choose, csv_frame, document_text, download, download_keys, find_names,  # noqa: F401
                      go, hide_names, media, metrics, names_and_aliases, open_app, page_strings, show_tab,
                      table_with, text, texts, title)
from builders import make_sheets, workbook_bytes
from analysis import peers as P
from charts import style
from loaders import read_workbook
from report import partnership_report_html

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample-review.xlsx"
PAGE = "views/partnership.py"
FM, PM, NM, NA = "Fully met", "Partially met", "Not met", "Not assessed"

PARTS = ["Fife", "Dundee City", "Perth & Kinross", "Angus", "Falkirk", "Stirling", "Clackmannanshire"]
GROUPS = {"Fife": "Tay", "Dundee City": "Tay", "Perth & Kinross": "Tay",
          "Angus": "Forth", "Falkirk": "Forth", "Stirling": "Forth", "Clackmannanshire": "Forth"}
ALIASES = {"Dundee City": "Dundee", "Perth & Kinross": "Perth and Kinross; PKC"}
NOW = {  # 2023-2026, criteria 1-5 (None = blank, not assessed)
    "Fife": [FM, NM, FM, PM, None],
    "Dundee City": [NM, FM, PM, FM, FM],
    "Perth & Kinross": [PM, FM, PM, FM, FM],
    "Angus": [NM, FM, NM, FM, PM],
    "Falkirk": [PM, FM, PM, FM, FM],
    "Stirling": [NM, PM, PM, PM, NM],
    "Clackmannanshire": [None] * 5,  # a plan not yet received and not scored
}
# 2020-2023 comes from the builder's rotating pattern: Fife (first) has FM, PM, NM, FM, PM.


def crafted(criterion_names: dict[str, str] | None = None) -> dict:
    sheets = make_sheets(partnerships=PARTS, criteria=["1", "2", "3", "4", "5"], peer_groups=GROUPS,
                         scores={(p, "2023-2026"): v for p, v in NOW.items()},
                         submitted={("Fife", "2023-2026"): dt.date(2023, 3, 20),
                                    ("Clackmannanshire", "2023-2026"): None})
    for row in sheets["Partnerships"][1:]:
        row[4] = ALIASES.get(row[0], "")
    for row in sheets["Criteria"][1:]:
        row[1] = (criterion_names or {}).get(row[0], row[1])
    return sheets


@pytest.fixture
def workbook(monkeypatch, tmp_path):
    def use(sheets: dict) -> Path:
        path = tmp_path / "partnerships.xlsx"
        workbook_bytes(sheets, path=path)
        monkeypatch.setenv("CSP_WORKBOOK", str(path))
        return path

    return use


# ====================================================================== choosing a partnership

def test_choose_with_the_pages_own_picker_then_the_sidebar(workbook):
    workbook(crafted())
    at = open_app(PAGE)
    assert title(at) == "Your partnership against its peers"
    picker = at.selectbox(key="partnership_pick")
    assert picker.options == PARTS and picker.value is None
    assert not at.main.dataframe and not charts(at)

    picker.select("Fife").run()
    assert not at.exception
    assert title(at) == "Fife, 2023-2026"
    assert at.sidebar.selectbox(key="partnership").value == "Fife"  # the picker sets the shared selection

    choose(at, "partnership", "Angus")
    assert title(at) == "Angus, 2023-2026"
    assert texts(at.markdown)[1].startswith("Angus fully met 2 of 5 criteria in 2023-2026")  # [0]: the title
    go(at, "views/overview.py")
    go(at, PAGE)
    assert title(at) == "Angus, 2023-2026"  # kept across pages


# ====================================================================== what it shows

def test_standing_strengths_priorities_change_and_timing(workbook, media):
    workbook(crafted())
    at = open_app()
    choose(at, "partnership", "Fife")
    go(at, PAGE)
    assert title(at) == "Fife, 2023-2026"
    assert not at.info  # not the sample
    assert ("Fife fully met 2 of the 4 criteria assessed (of 5) in 2023-2026; 2 are strengths that fewer than "
            "half of plans fully met, and 2 are priorities that more than half of plans fully met.") == texts(at.markdown)[1]

    # Counts per criterion over the 7 plans (Clackmannanshire all blank; Fife blank on 5):
    #   1: FM 1 (Fife)  PM 2  NM 3  blank 1        Tay peers (Fife, Dundee, P&K): FM 1 of 3
    #   2: FM 4  PM 1  NM 1 (Fife)  blank 1        Tay: FM 2 of 3
    #   3: FM 1 (Fife)  PM 4  NM 1  blank 1        Tay: 1 of 3
    #   4: FM 4  PM 2 (Fife, Stirling)  blank 1    Tay: 2 of 3
    #   5: FM 3  PM 1  NM 1  blank 2 (Fife, Clackmannanshire)   Tay: 2 of 2 assessed
    # Shares are of the plans assessed on the criterion.
    standing = table_with(at, "ID", "Fife")
    expected = pd.DataFrame({
        "ID": ["1", "2", "3", "4", "5"], "Criterion": [f"Criterion {i}" for i in range(1, 6)],
        "Fife": [FM, NM, FM, PM, NA],
        f"Plans: {FM}": [1, 4, 1, 4, 3], f"Plans: {PM}": [2, 1, 4, 2, 1], f"Plans: {NM}": [3, 1, 1, 0, 1],
        f"Plans: {NA}": [1, 1, 1, 1, 2],
        "Share of plans fully met (%)": [17, 67, 17, 67, 60],
        "Share of peer group fully met (%)": [33, 67, 33, 67, 100]})
    pd.testing.assert_frame_equal(standing, expected, check_dtype=False)
    assert ("Fife is at the best level (Fully met) on 2 of 5 criteria (1 not assessed). Across all plans, "
            "Criterion 2 was most often at that level (4 of 6 plans) and Criterion 1 least often (1 of 6).") in texts(at.markdown)
    name, mime, data = download(at, media, "download-partnership-standing")
    assert (name, mime) == ("standing-2023-2026.csv", "text/csv")
    pd.testing.assert_frame_equal(csv_frame(data), as_text(standing))

    # strengths: fully met, by fewer than half (1 and 3); priorities: not fully met, by more than half (2 and 4)
    strengths, priorities = [d.value for d in at.main.dataframe if list(d.value.columns[:3]) == ["ID", "Criterion", "Level"]]
    assert strengths.values.tolist() == [["1", "Criterion 1", FM, 1, 6], ["3", "Criterion 3", FM, 1, 6]]
    assert priorities.values.tolist() == [["2", "Criterion 2", NM, 4, 6], ["4", "Criterion 4", PM, 4, 6]]
    assert list(strengths.columns) == ["ID", "Criterion", "Level", "Plans fully met", "Plans"]
    captions = texts(at.caption)
    assert "Criteria Fife fully met that fewer than half of plans did." in captions
    assert "Criteria Fife did not fully meet that more than half of plans did." in captions

    # change since 2020-2023: FM->FM same, PM->NM down, NM->FM up, FM->PM down, PM->blank
    change = table_with(at, "ID", "2020-2023", "2023-2026", "Change")
    assert change[["2020-2023", "2023-2026", "Change"]].values.tolist() == [
        [FM, FM, "same"], [PM, NM, "down"], [NM, FM, "up"], [FM, PM, "down"], [PM, NA, "not assessed"]]
    assert ("Since 2020-2023, Fife moved up on 1 criterion, stayed the same on 1 and moved down on 2; "
            "1 not assessed in 2023-2026.") in texts(at.markdown)

    # timing: received 20 March; the other five received plans came 5 days early (Dundee City), on the
    # day (Perth & Kinross) and 5, 10, 15 days late, so the median of six is 3 April (between 1 and 6 April)
    assert ("Fife's plan was received on 20 March 2023, 12 days before the deadline of 1 April 2023; half of "
            "the 6 plans received had arrived by 3 April 2023.") in texts(at.markdown)
    assert metrics(at) == {"Received": "20 March 2023", "Deadline": "1 April 2023", "Median of all plans": "3 April 2023"}

    # the report: built when the button is pressed (not on every run), its headline and counts
    button = next(b for b in at.get("download_button") if b.key == "report")
    assert button.proto.deferred_file_id and not button.proto.url
    name, mime, data = download(at, media, "report")
    assert (name, mime) == ("Fife-2023-2026-report.html", "text/html")
    report = document_text(data)
    assert "Fife fully met 2 of the 4 criteria assessed (of 5) in 2023-2026" in report
    assert "Data: partnerships.xlsx (set by CSP_WORKBOOK" in report
    assert "1 of 6" in report and "4 of 6" in report and "3 of 5" in report


def test_a_partnership_with_no_scores_and_no_plan(workbook):
    workbook(crafted())
    at = open_app()
    choose(at, "partnership", "Clackmannanshire")
    go(at, PAGE)
    assert title(at) == "Clackmannanshire, 2023-2026"
    md = texts(at.markdown)
    assert md[1] == "Clackmannanshire has no assessed criteria in 2023-2026."  # [0]: the title
    standing = table_with(at, "ID", "Clackmannanshire")
    assert standing["Clackmannanshire"].tolist() == [NA] * 5
    assert standing[f"Plans: {FM}"].tolist() == [1, 4, 1, 4, 3]  # the others are still counted
    assert md.count("None in this cycle.") == 2  # no strengths, no priorities
    assert "Clackmannanshire's plan for 2023-2026 has not been received; the deadline was 1 April 2023." in md
    assert metrics(at) == {"Received": "–", "Deadline": "1 April 2023", "Median of all plans": "3 April 2023"}
    at.toggle(key="show_ranks").set_value(True).run()
    assert "Clackmannanshire has no assessed criteria in this cycle." in texts(at.markdown)
    assert not at.exception


def test_ranks_are_hidden_until_asked_for(workbook):
    workbook(crafted())
    at = open_app()
    choose(at, "partnership", "Fife")
    go(at, PAGE)
    toggle = at.toggle(key="show_ranks")
    assert toggle.value is False
    assert not [d for d in at.main.dataframe if "Rank" in d.value.columns]
    assert not [m for m in texts(at.markdown) if " rank " in m]

    toggle.set_value(True).run()
    assert not at.exception
    # criteria fully met: Dundee City 3, Perth & Kinross 3, Falkirk 3, Fife 2 (of 4 assessed), Angus 2,
    # Stirling 0; Clackmannanshire has none assessed and no rank
    ranks = table_with(at, "Rank", "Partnership")
    assert ranks[["Rank", "Partnership", "Criteria fully met", "Criteria assessed", "Tied"]].values.tolist() == [
        [1, "Dundee City", 3, 5, True], [1, "Falkirk", 3, 5, True], [1, "Perth & Kinross", 3, 5, True],
        [4, "Angus", 2, 5, True], [4, "Fife", 2, 4, True], [6, "Stirling", 0, 5, False]]
    assert "Fife shares rank 4 of 6 with 1 other partnership (2 of 4 criteria at the best level)." in texts(at.markdown)

    at.toggle(key="show_ranks").set_value(False).run()
    assert not [d for d in at.main.dataframe if "Rank" in d.value.columns]


# ====================================================================== the anonymised view

def _show_all(at, keep: str) -> None:
    choose(at, "partnership", keep)
    go(at, PAGE)
    at.toggle(key="show_ranks").set_value(True).run()
    assert not at.exception
    assert title(at).startswith(f"{keep}, ")


def test_hidden_names_on_the_sample(media):
    review = read_workbook(SAMPLE.read_bytes())
    others = names_and_aliases(review, "Fife")
    assert "Edinburgh" in others and "Western Isles" in others  # aliases are searched too

    at = open_app()
    _show_all(at, "Fife")
    # names shown: the same search finds them (so it would find a leak)
    strings, files = everything(at, media)
    assert len(find_names(strings, others)) >= 29  # every other partnership in the ranks table
    assert download_keys(at) == ["download-partnership-standing", "download-partnership-change", "report"]

    hide_names(at)
    assert title(at) == "Fife, 2023-2026"
    assert "Other partnerships' names are hidden on this page and in its downloads." in texts(at.caption)
    strings, files = everything(at, media)
    assert find_names(strings, others) == []
    assert find_names([("downloads", files)], others) == []
    # the league table still lists everyone, under neutral labels
    ranks = table_with(at, "Rank", "Partnership")
    assert len(ranks) == 30 and "Fife" in set(ranks["Partnership"])
    assert sum(p.startswith("Partnership ") for p in ranks["Partnership"]) == 29
    assert "with other partnerships' names hidden" in text(at.markdown)
    assert "Other partnerships' names are hidden." in files


def test_hidden_names_with_aliases_and_names_inside_criteria(workbook, media):
    """Names with "&", aliases, and a criterion whose name mentions another partnership."""
    path = workbook(crafted({"5": "Links with Dundee", "3": "Perth and Kinross style needs assessment"}))
    review = read_workbook(path.read_bytes())
    at = open_app()
    _show_all(at, "Fife")
    others = names_and_aliases(review, "Fife")
    assert {"Perth & Kinross", "Perth and Kinross", "PKC", "Dundee"} <= set(others)
    strings, files = everything(at, media)
    assert find_names(strings, ["Dundee"])  # shown while names are not hidden

    hide_names(at)
    strings, files = everything(at, media)
    assert find_names(strings, others) == []
    assert find_names([("downloads", files)], others) == []
    # the criteria are still there, with the name replaced
    standing = table_with(at, "ID", "Fife")
    assert standing["Criterion"].iloc[4].startswith("Links with ")
    assert standing[f"Plans: {FM}"].tolist() == [1, 4, 1, 4, 3]  # the numbers do not change


# ====================================================================== the report follows the page

def _report(at, media) -> str:
    name, mime, data = download(at, media, "report")
    assert mime == "text/html"
    return data.decode("utf-8")


def _peer_cells(report: str) -> list[str]:
    """The "best level: peer group" cell ("n of m") of each row of the report's criteria table."""
    table = report.split("<h2>Each criterion</h2>", 1)[1].split("</table>", 1)[0]
    return re.findall(r'<td class="num">\d+%<br><span class="muted">(\d+ of \d+)</span></td></tr>', table)


def test_the_report_follows_the_peer_group_chosen_in_the_sidebar(media):
    """Highland's own group is Rural; with Cities chosen, the page compares with Cities, and so must
    the downloaded report (it said Rural and used Rural's figures)."""
    review = read_workbook(SAMPLE.read_bytes())
    at = open_app()
    choose(at, "partnership", "Highland")
    choose(at, "peer", "Cities")
    go(at, PAGE)
    cycle = title(at).split(", ", 1)[1]
    page_shares = table_with(at, "ID", "Highland")["Share of peer group fully met (%)"].tolist()

    cities = P.standing(review, cycle, "Highland", "Cities")
    rural = P.standing(review, cycle, "Highland", "Rural")
    expected = [f"{int(c)} of {int(n)}" for c, n in zip(cities["peer_full_count"], cities["peer_plans"])]
    assert expected != [f"{int(c)} of {int(n)}" for c, n in zip(rural["peer_full_count"], rural["peer_plans"])]

    report = _report(at, media)
    words = document_text(report.encode())
    assert "Peer group: Cities (3 partnerships" in words
    assert "Peer group: Rural" not in words
    assert _peer_cells(report) == expected
    # the same percentages as the page's table
    shares = re.findall(r'<td class="num">(\d+)%<br><span class="muted">\d+ of \d+</span></td></tr>',
                        report.split("<h2>Each criterion</h2>", 1)[1].split("</table>", 1)[0])
    assert [int(s) for s in shares] == [int(s) for s in page_shares]

    choose(at, "peer", "Islands")          # another choice, another report
    assert "Peer group: Islands (3 partnerships" in document_text(_report(at, media).encode())


def test_the_report_shows_the_ranks_when_the_page_does(media):
    at = open_app()
    choose(at, "partnership", "Fife")
    go(at, PAGE)
    assert "Where each partnership ranks" not in _report(at, media)

    at.toggle(key="show_ranks").set_value(True).run()
    page_ranks = table_with(at, "Rank", "Partnership")
    sentence = next(m for m in texts(at.markdown) if m.startswith("Fife ") and " rank " in m)
    report = _report(at, media)
    assert "<h2>Where each partnership ranks</h2>" in report
    assert sentence in document_text(report.encode())
    rows = re.findall(r'<tr><td class="num">(\d+)(?: \(tied\))?</td><td>(?:<strong>)?([^<]+)', report)
    assert [(int(r), html.unescape(p)) for r, p in rows] == list(zip(page_ranks["Rank"], page_ranks["Partnership"]))

    at.toggle(key="show_ranks").set_value(False).run()
    assert "Where each partnership ranks" not in _report(at, media)


def test_the_reports_data_line_is_the_footers_once(media):
    at = open_app()
    choose(at, "partnership", "Fife")
    go(at, PAGE)
    report = document_text(_report(at, media).encode())
    assert "Data: Data:" not in report
    assert "Data: the shipped sample workbook." in report


# ---------------------------------------------------------------------- the report's bars

def _bars(report: str) -> list[str]:
    return re.findall(r'<svg class="dist".*?</svg>', report, flags=re.DOTALL)


def test_the_reports_bars_put_the_best_level_where_its_words_and_the_page_chart_do():
    """The page's chart has the best level on the right; the report's key said "best level on the
    left" over bars drawn with it on the left. Words, drawing and page now agree: on the right."""
    review = read_workbook(SAMPLE.read_bytes())
    colours = style.level_colours(review.labels)
    report = partnership_report_html(review, "2023-2026", "Fife")
    legend = re.search(r'<p class="legend muted">(.*?)</p>', report).group(1)
    assert "best level on the right" in legend and "on the left" not in legend
    keyed = re.findall(r"</i>([^<]+)</span>", legend)
    assert keyed == list(reversed(review.labels))                  # the key reads left to right, like the bars
    for svg in _bars(report):
        rects = [(float(x), fill) for x, fill in re.findall(r'<rect x="([\d.]+)"[^>]*fill="([^"]+)"', svg)]
        order = [fill for _, fill in sorted(rects)]
        assert order[-1] == colours[review.full_label], svg   # the best level is the right-most segment
        assert order == [colours[lab] for lab in reversed(review.labels) if colours[lab] in order]


def test_every_count_in_the_reports_bars_is_written_at_9pt_or_more():
    """Small segments had no number, or one too small to read once the bar was shrunk to its column.
    Each count is now written (on its segment, or under the bar when the segment is narrow) at 12 px
    (9pt) in a bar drawn at its own size (tests/browser/test_chart_tools.py measures it in print)."""
    review = read_workbook(SAMPLE.read_bytes())
    report = partnership_report_html(review, "2023-2026", "Highland")
    standing = P.standing(review, "2023-2026", "Highland")
    bars = _bars(report)
    assert len(bars) == len(standing)
    narrow = 0
    for svg, (_, row) in zip(bars, standing.iterrows()):
        counts = sorted(int(row[lab]) for lab in review.labels if int(row[lab]))
        written = re.findall(r'<text[^>]*font-size="([\d.]+)"[^>]*>(\d+)</text>', svg)
        assert sorted(int(n) for _, n in written) == counts, svg
        assert all(float(size) >= 12 for size, _ in written), svg
        width = re.search(r'<svg[^>]* width="(\d+)"[^>]*viewBox="0 0 (\d+) ', svg)
        assert width.group(1) == width.group(2)                    # drawn 1:1, not scaled down
        narrow += '<line' in svg
    assert narrow >= 3          # the sample has several 1s and 2s among 30 plans: written under their bars
    assert "width: 100%" not in report.split("svg.dist", 1)[1].split("}", 1)[0]
