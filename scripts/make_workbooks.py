"""Generate the dashboard's sample workbook and the blank template for analysts.

    python scripts/make_workbooks.py            # writes data/sample-review.xlsx, data/template.xlsx and .ods
    python scripts/make_workbooks.py OUT_DIR    # writes them into OUT_DIR instead

Both files follow workbook format 1.1 (../shared/workbook-format.md).

What is real and what is made up
--------------------------------
Published (Scottish Government national review reports, Open Government Licence):
- the counts of plans that fully met / partially met / did not meet each criterion: all 16 rows for
  2023-2026 (Figure 14.1) and the nine rows found published for 2020-2023 (PUBLISHED below);
- the 2019 key themes (THEMES_2019), in the review's own words;
- the 2020-2023 submission facts: deadline extended to 31 March 2021, 11 plans by then, the other 19
  by the end of October 2021, feedback reports to every partnership in December 2021.

Illustrative (made up here, deterministically, to reproduce the published totals):
- every per-partnership score and date, the peer groups, the counts for the seven 2020-2023
  criteria whose rows were not found published (chosen to agree with the report's words, see
  UNPUBLISHED_2020_2023), and the approximate dates marked so in CYCLES.
The sample's About sheet therefore carries the row `Illustrative | yes` (format 1.1), which makes the
dashboard say so wherever that data is shown, also once the sample is published; the template carries
`Illustrative | no` with a yes/no drop-down.

The template is written twice, as template.xlsx (openpyxl) and template.ods (odfpy, for LibreOffice
Calc), with the same drop-down lists (`template_dropdowns`).

The script uses no unseeded randomness and fixes every timestamp inside the files, so two runs
write byte-identical files.
"""
from __future__ import annotations

import io
import random
import re
import sys
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from loaders.writer import DropDown, OdsBook  # noqa: E402
DEFAULT_OUT = REPO / "data"
SAMPLE_NAME = "sample-review.xlsx"
TEMPLATE_NAME = "template.xlsx"
TEMPLATE_ODS_NAME = "template.ods"

# Every timestamp written into the files (document properties and zip entries).
FIXED_TIMESTAMP = datetime(2024, 1, 1, 0, 0, 0)

# --------------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------------

FULL, PARTIAL, NOT_MET = "Fully met", "Partially met", "Not met"
SCALE = [(2, FULL, "yes"), (1, PARTIAL, "partly"), (0, NOT_MET, "no")]

# Partnership, local authorities, health board, peer group (illustrative), also known as.
PARTNERSHIPS = [
    ("Aberdeen City", "Aberdeen City", "NHS Grampian", "Cities", ""),
    ("Aberdeenshire", "Aberdeenshire", "NHS Grampian", "Rural", ""),
    ("Argyll and Bute", "Argyll and Bute", "NHS Highland", "Rural", ""),
    ("Clackmannanshire", "Clackmannanshire", "NHS Forth Valley", "Smaller urban and mixed", ""),
    ("Dumfries and Galloway", "Dumfries and Galloway", "NHS Dumfries and Galloway", "Rural", ""),
    ("East Ayrshire", "East Ayrshire", "NHS Ayrshire and Arran", "Smaller urban and mixed", ""),
    ("East Dunbartonshire", "East Dunbartonshire", "NHS Greater Glasgow and Clyde",
     "Smaller urban and mixed", ""),
    ("East Lothian", "East Lothian", "NHS Lothian", "Smaller urban and mixed", ""),
    ("East Renfrewshire", "East Renfrewshire", "NHS Greater Glasgow and Clyde",
     "Smaller urban and mixed", ""),
    ("City of Edinburgh", "City of Edinburgh", "NHS Lothian", "Cities", "Edinburgh City; Edinburgh"),
    ("Falkirk", "Falkirk", "NHS Forth Valley", "Large urban and mixed", ""),
    ("Fife", "Fife", "NHS Fife", "Large urban and mixed", ""),
    ("Glasgow City", "Glasgow City", "NHS Greater Glasgow and Clyde", "Cities", ""),
    ("Highland", "Highland", "NHS Highland", "Rural", ""),
    ("Inverclyde", "Inverclyde", "NHS Greater Glasgow and Clyde", "Smaller urban and mixed", ""),
    ("Midlothian", "Midlothian", "NHS Lothian", "Smaller urban and mixed", ""),
    ("Moray", "Moray", "NHS Grampian", "Rural", ""),
    ("North Ayrshire", "North Ayrshire", "NHS Ayrshire and Arran", "Smaller urban and mixed", ""),
    ("North Lanarkshire", "North Lanarkshire", "NHS Lanarkshire", "Large urban and mixed", ""),
    ("Orkney Islands", "Orkney Islands", "NHS Orkney", "Islands", "Orkney"),
    ("Renfrewshire", "Renfrewshire", "NHS Greater Glasgow and Clyde", "Large urban and mixed", ""),
    ("Scottish Borders", "Scottish Borders", "NHS Borders", "Rural", ""),
    ("Shetland Islands", "Shetland Islands", "NHS Shetland", "Islands", "Shetland"),
    ("South Ayrshire", "South Ayrshire", "NHS Ayrshire and Arran", "Smaller urban and mixed", ""),
    ("South Lanarkshire", "South Lanarkshire", "NHS Lanarkshire", "Large urban and mixed", ""),
    ("Stirling", "Stirling", "NHS Forth Valley", "Smaller urban and mixed", ""),
    ("Tayside", "Angus; Dundee City; Perth and Kinross", "NHS Tayside", "Large urban and mixed",
     "Tayside Collaborative"),
    ("West Dunbartonshire", "West Dunbartonshire", "NHS Greater Glasgow and Clyde",
     "Smaller urban and mixed", ""),
    ("Na h-Eileanan Siar", "Na h-Eileanan Siar", "NHS Western Isles", "Islands",
     "Western Isles; Outer Hebrides; Comhairle nan Eilean Siar"),
    ("West Lothian", "West Lothian", "NHS Lothian", "Large urban and mixed", ""),
]
PARTNERSHIP_NAMES = [p[0] for p in PARTNERSHIPS]

_Q = "Does the Children's Services Plan "
# ID, short name (as the 2023-2026 report uses them), question, group.
CRITERIA = [
    ("1", "Vision", _Q + "set out a clear, ambitious and shared vision of what it will achieve?",
     "Evidence and priorities"),
    ("2", "National Performance Framework",
     _Q + "reflect the relevant outcomes of the National Performance Framework?",
     "Evidence and priorities"),
    ("3", "Joint Strategic Needs Assessment",
     _Q + "rest on a robust, evidence-based joint strategic needs assessment of the area's children?",
     "Evidence and priorities"),
    ("4", "Data",
     _Q + "analyse quantitative and qualitative data on service performance and child wellbeing?",
     "Evidence and priorities"),
    ("5", "Manageable/Measurable Priorities",
     _Q + "set a manageable number of measurable priorities linked to the joint strategic needs "
     "assessment?", "Evidence and priorities"),
    ("6a", "Children's Services", _Q + "cover the services provided directly to children?",
     "Scope of services"),
    ("6b", "Related Services",
     _Q + "cover related services (adult, housing and community services that affect children's "
     "wellbeing)?", "Scope of services"),
    ("7", "Prevention & Early Intervention",
     _Q + "describe primary prevention and early intervention?", "Scope of services"),
    ("8", "GIRFEC",
     _Q + "describe how Getting it right for every child (GIRFEC) practice is maintained?",
     "Approach"),
    ("9", "Children's Rights", _Q + "use children's rights (the UNCRC) to shape the plan?",
     "Approach"),
    ("10", "Engagement & Ownership",
     _Q + "show ongoing engagement with staff, children, young people, families and the wider "
     "community?", "Approach"),
    ("11", "Family Support", _Q + "set out a local strategy for whole family support?", "Approach"),
    ("12", "Resources",
     _Q + "set out collective budgets and how resources are used across partners?",
     "Resources, measurement and links"),
    ("13", "Monitoring Indicators",
     _Q + "include indicators to monitor and evaluate progress?", "Resources, measurement and links"),
    ("14", "SMART",
     _Q + "set out aims and actions that are specific, measurable, achievable, relevant and "
     "time-related (SMART)?", "Resources, measurement and links"),
    ("15", "Links to Plans & Reports",
     _Q + "show links to other national and local plans, reports and strategies?",
     "Resources, measurement and links"),
]
CRITERION_IDS = [c[0] for c in CRITERIA]
SCORE_HEADERS = [f"{cid}. {name}" for cid, name, _, _ in CRITERIA]

CYCLE_1720, CYCLE_2023, CYCLE_2326 = "2017-2020", "2020-2023", "2023-2026"
# Cycle, due date, extended due date, review published.
CYCLES = [
    (CYCLE_1720, date(2017, 4, 1), None, date(2019, 6, 28)),     # review date approximate
    (CYCLE_2023, date(2020, 4, 1), date(2021, 3, 31), date(2022, 6, 30)),  # review date approximate
    (CYCLE_2326, date(2023, 4, 1), None, date(2024, 6, 28)),     # review date approximate
]

# Titles and addresses of the national review reports.
TITLE_2326 = ("Scotland's children's services plans 2023-2026 review: improving outcomes for children, "
              "young people and families")
URL_2326 = ("https://www.gov.scot/publications/improving-outcomes-children-young-people-families-"
            "review-scotlands-childrens-services-plans-2023-2026/pages/")
TITLE_2023 = ("Improving outcomes for children, young people and families: review of Children's "
              "Services Plans and strategic engagement activity")
URL_2023 = ("https://www.gov.scot/publications/improving-outcomes-children-young-people-families-"
            "review-childrens-services-plans-2020-2023-strategic-engagement-activity/pages/")


def _src_2326(figure: str | None, page: int) -> str:
    fig = f", {figure}" if figure else ""
    return f"{TITLE_2326}{fig} ({URL_2326}{page})"


def _src_2023(page: int) -> str:
    return f"{TITLE_2023} ({URL_2023}{page})"


# Published counts (Fully met, Partially met, Not met) and where they were published. These are the
# rows of shared/reference/national-figures.csv; tests/test_sample.py checks them against it.
PUBLISHED = {
    CYCLE_2326: {
        "1": (28, 0, 2), "2": (13, 8, 9), "3": (13, 15, 2), "4": (16, 13, 1), "5": (12, 17, 1),
        "6a": (22, 8, 0), "6b": (19, 9, 2), "7": (27, 3, 0), "8": (23, 7, 0), "9": (24, 5, 1),
        "10": (15, 14, 1), "11": (24, 6, 0), "12": (8, 9, 13), "13": (15, 6, 9), "14": (10, 18, 2),
        "15": (29, 1, 0),
    },
    CYCLE_2023: {
        "1": (29, 0, 1), "2": (16, 11, 3), "3": (18, 8, 4), "5": (11, 19, 0), "8": (27, 3, 0),
        "10": (14, 16, 0), "12": (10, 9, 11), "13": (17, 1, 12), "14": (5, 25, 0),
    },
}
PUBLISHED_SOURCES = {
    CYCLE_2326: {cid: _src_2326("Figure 14.1", 16) for cid in CRITERION_IDS},
    CYCLE_2023: {
        "1": f"{_src_2326(None, 5)} and {_src_2023(7)}",
        "2": _src_2326("Figure 9.1", 11),
        "3": _src_2326("Figure 5.1", 7),
        "5": _src_2326("Figure 6.1", 8),
        "8": _src_2326(None, 12),
        "10": _src_2326("Figure 4.1", 6),
        "12": _src_2023(11),
        "13": _src_2326(None, 10),
        "14": _src_2326("Figure 13.1", 15),
    },
}

# ILLUSTRATIVE counts for the 2020-2023 criteria whose rows were not found published. They agree
# with the 2020-2023 report's words: exactly seven criteria were fully met by 21 or more plans
# (1, 6a, 7, 8, 9, 11, 15; 1 and 8 are published), so 4 and 6b fall below 21, and about a third of
# plans needed more on related services (6b: 10 of 30 partially met).
UNPUBLISHED_2020_2023 = {
    "4": (17, 11, 2), "6a": (24, 6, 0), "6b": (20, 10, 0), "7": (25, 5, 0), "9": (22, 8, 0),
    "11": (21, 9, 0), "15": (27, 3, 0),
}

# The key themes of the 2019 review of the 2017-2020 plans (seed 000), in the review's words.
# Theme, finding, extent, criterion it follows in later cycles ("" = none).
THEMES_2019 = [
    ("Views of children, young people and families",
     "The majority of CSPs reflected the views of children, young people and families; Better "
     "demonstration of how those views influenced the priorities, aims and actions of the local CSP "
     "was needed", "majority", "10"),
    ("Governance and accountability",
     "The majority of Plans clearly presented governance and accountability mechanisms",
     "majority", ""),
    ("Joint strategic needs assessment",
     "The majority of CSPPs completed a joint strategic needs assessment (JSNA) to inform "
     "development of their Plan; but greater alignment between the identified needs and the CSP's "
     "stated priorities, actions and services was required", "majority", "3"),
    ("Looked after and care experienced children",
     "All Plans addressed the needs of looked after/care experienced children and young people",
     "all", "6a"),
    ("Families on the edges of care",
     "Only 3 [Plans] referred to provision of support for families on the edges of care (Part 12)",
     3, "11"),
    ("Disability and complex health needs",
     "Disability/complex health needs were mentioned in most CSPs, but not often as a strategic "
     "priority", "most", ""),
    ("Third Sector",
     "All Plans included reference to the Third Sector, but with variation in the extent to which "
     "Third Sector organisations were integrated in the development of the Plans' priorities and "
     "actions, use of data to identify needs, and in strategic planning and local delivery of "
     "services", "all", "10"),
    ("Related services",
     "Greater reference to the contribution of 'related services' to Children's Services Planning "
     "was required, including clearer links between children's and adult services through "
     "transitions, and in the support provided to parents/carers by adult services in relation to "
     "mental health needs, or addressing drug and alcohol use", "", "6b"),
]
THEMES_SOURCE = (f"{TITLE_2023}, section 2 Background, 'Context since the 2019 review of Children's "
                 f"Services Plans' ({URL_2023}4)")

# --------------------------------------------------------------------------------------------------
# Illustrative per-partnership values
# --------------------------------------------------------------------------------------------------


def _rng(*parts: str) -> random.Random:
    """A generator seeded from text: the same sequence on every run and every machine."""
    return random.Random("csp-sample:" + ":".join(parts))


def _weekday_between(rng: random.Random, first: date, last: date) -> date:
    span = (last - first).days
    while True:
        day = first + timedelta(days=rng.randint(0, span))
        if day.weekday() < 5:
            return day


def counts_for(cycle: str) -> dict[str, tuple[int, int, int]]:
    """Counts per criterion that the illustrative scores of a cycle reproduce."""
    counts = dict(PUBLISHED[cycle])
    if cycle == CYCLE_2023:
        counts.update(UNPUBLISHED_2020_2023)
    return {cid: counts[cid] for cid in CRITERION_IDS}


def illustrative_scores() -> dict[str, dict[str, dict[str, str]]]:
    """cycle -> partnership -> criterion -> label, matching counts_for(cycle) exactly.

    Each partnership gets a seeded 'strength' (carried partly into the next cycle); for each
    criterion the partnerships are ranked by strength plus a larger seeded noise, and the top
    `fully` get Fully met, the next `partially` Partially met, the rest Not met. So stronger plans
    tend to do better, but who is at the bottom changes from criterion to criterion.
    """
    strength_rng = _rng("strength")
    strength = {p: strength_rng.gauss(0.0, 1.0) for p in PARTNERSHIP_NAMES}
    result: dict[str, dict[str, dict[str, str]]] = {}
    for cycle in (CYCLE_2023, CYCLE_2326):
        if cycle == CYCLE_2326:
            drift = _rng("strength-drift")
            strength = {p: 0.6 * strength[p] + 0.8 * drift.gauss(0.0, 1.0) for p in PARTNERSHIP_NAMES}
        by_p: dict[str, dict[str, str]] = {p: {} for p in PARTNERSHIP_NAMES}
        for cid, (fully, partially, not_met) in counts_for(cycle).items():
            assert fully + partially + not_met == len(PARTNERSHIP_NAMES), (cycle, cid)
            noise = _rng("scores", cycle, cid)
            key = {p: 0.7 * strength[p] + noise.gauss(0.0, 1.0) for p in PARTNERSHIP_NAMES}
            ranked = sorted(PARTNERSHIP_NAMES, key=lambda p: (-key[p], p))
            for i, p in enumerate(ranked):
                by_p[p][cid] = FULL if i < fully else PARTIAL if i < fully + partially else NOT_MET
        result[cycle] = by_p
    return result


def illustrative_submissions() -> list[tuple]:
    """Rows (partnership, cycle, submitted, draft, interim statement, feedback issued)."""
    rows: dict[tuple[str, str], tuple] = {}

    # 2020-2023: 11 plans by the extended deadline of 31 March 2021 and 19 from 1 April to
    # 31 October 2021 (published); which partnership and which day are illustrative.
    rng = _rng("submissions", CYCLE_2023)
    order = PARTNERSHIP_NAMES[:]
    rng.shuffle(order)
    early, late = order[:11], order[11:]
    early_dates = [date(2020, 4, 1), _weekday_between(rng, date(2020, 4, 1), date(2020, 6, 30)),
                   date(2021, 3, 31)]
    early_dates += [_weekday_between(rng, date(2020, 9, 1), date(2021, 3, 30)) for _ in range(8)]
    late_dates = [_weekday_between(rng, date(2021, 4, 1), date(2021, 10, 29)) for _ in range(19)]
    with_interim = set(rng.sample(late, 8))
    drafts = set(rng.sample(early[3:], 2) + rng.sample(late, 2))
    feedback = date(2021, 12, 15)  # December 2021 is published; the day is illustrative
    for p, submitted in zip(early + late, early_dates + late_dates):
        interim = _weekday_between(rng, date(2020, 7, 20), date(2020, 12, 18)) if p in with_interim else None
        rows[(p, CYCLE_2023)] = (p, CYCLE_2023, submitted, "yes" if p in drafts else "no", interim,
                                 feedback)

    # 2023-2026: illustrative; most on time for 1 April 2023, six late.
    rng = _rng("submissions", CYCLE_2326)
    order = PARTNERSHIP_NAMES[:]
    rng.shuffle(order)
    on_time, late = order[:24], order[24:]
    for p in on_time:
        rows[(p, CYCLE_2326)] = (p, CYCLE_2326, _weekday_between(rng, date(2023, 2, 20),
                                                                 date(2023, 3, 31)), "no", None, None)
    for p in late:
        rows[(p, CYCLE_2326)] = (p, CYCLE_2326, _weekday_between(rng, date(2023, 4, 3),
                                                                 date(2023, 9, 29)), "no", None, None)

    return [rows[(p, c)] for c in (CYCLE_2023, CYCLE_2326) for p in PARTNERSHIP_NAMES]


# --------------------------------------------------------------------------------------------------
# Sheets as lists of rows
# --------------------------------------------------------------------------------------------------

PARTNERSHIP_HEADERS = ["Partnership", "Local authorities", "Health board", "Peer group", "Also known as"]
CRITERIA_HEADERS = ["ID", "Name", "Question", "Group"]
SCALE_HEADERS = ["Score", "Label", "Met"]
CYCLE_HEADERS = ["Cycle", "Due date", "Extended due date", "Review published"]
SUBMISSION_HEADERS = ["Partnership", "Cycle", "Submitted", "Draft", "Interim statement", "Feedback issued"]
SCORES_HEADERS = ["Partnership", "Cycle"] + SCORE_HEADERS
THEME_HEADERS = ["Theme", "Finding", "Extent", "Criterion"]
NATIONAL_HEADERS = ["Cycle", "Criterion", "Fully met", "Partially met", "Not met", "Source"]


def _id_cell(cid: str):
    """Criterion IDs as an analyst would type them: numbers for 1-15, text for 6a and 6b."""
    return int(cid) if cid.isdigit() else cid


def reference_sheets() -> dict[str, list[list]]:
    """The sheets that are the same in the sample and the template."""
    national = [NATIONAL_HEADERS]
    for cycle in (CYCLE_2326, CYCLE_2023):
        for cid in CRITERION_IDS:
            if cid in PUBLISHED[cycle]:
                national.append([cycle, _id_cell(cid), *PUBLISHED[cycle][cid],
                                 PUBLISHED_SOURCES[cycle][cid]])
    return {
        "Partnerships": [PARTNERSHIP_HEADERS] + [list(p) for p in PARTNERSHIPS],
        "Criteria": [CRITERIA_HEADERS] + [[_id_cell(c[0]), *c[1:]] for c in CRITERIA],
        "Scale": [SCALE_HEADERS] + [list(s) for s in SCALE],
        "Cycles": [CYCLE_HEADERS] + [list(c) for c in CYCLES],
        "Themes 2019": [THEME_HEADERS] + [[t, f, e, _id_cell(c) if c else None]
                                          for t, f, e, c in THEMES_2019],
        "National figures": national,
    }


ABOUT_LINES = [
    "About this workbook",
    "This is the sample workbook shipped with the CSP Review Dashboard. It follows workbook format 1.1 "
    "and shows what a filled-in review workbook looks like. Generated by scripts/make_workbooks.py; "
    "do not edit by hand.",
    "The row 'Illustrative | yes' above marks every per-partnership score and date in this workbook as "
    "made up: the dashboard then says so on every page, download and report that shows them, wherever "
    "the workbook comes from (shipped, published or previewed). A workbook of real results has 'no' "
    "there, or no such row.",
    "PUBLISHED (real figures, Scottish Government, Open Government Licence):",
    "- National figures: the number of Scotland's 30 Children's Services Plans that fully met, "
    "partially met and did not meet each review criterion. All 16 rows for the 2023-2026 plans come "
    f"from '{TITLE_2326}', Figure 14.1. The nine rows for the 2020-2023 plans come from '{TITLE_2023}' "
    "and from the 2020-2023 columns the 2023-2026 report prints beside its own. Each row's Source "
    "column gives the page.",
    f"- Themes 2019: the key themes of the 2019 review of the 2017-2020 plans, quoted from '{TITLE_2023}' "
    "(section 2, Background). Their quantities are the review's words (majority, all, most, only 3), "
    "not counts. The Criterion column, linking each theme to a later criterion, is our judgement.",
    "- Submissions 2020-2023: because of COVID-19 the deadline was extended to 31 March 2021; 11 plans "
    "were submitted by 31 March 2021 and the remaining 19 by the end of October 2021; feedback reports "
    "went to every partnership in December 2021. The sample reproduces these counts.",
    "- Cycles: the due dates 1 April 2017, 1 April 2020 and 1 April 2023 and the extended due date "
    "31 March 2021 are published facts. The review publication dates are APPROXIMATE: only the year "
    "is taken from the reports (2019, 2022 and 2024); the day and month are placeholders.",
    "ILLUSTRATIVE (made up, not any partnership's real result):",
    "- Scores: every per-partnership score in the Scores sheet is illustrative. The scores were made "
    "up, with a fixed seed, so that the counts per criterion reproduce the published national "
    "figures exactly. Per-partnership results are not published: each partnership received its own "
    "feedback report.",
    "- For 2020-2023 the counts of seven criteria (4, 6a, 6b, 7, 9, 11 and 15) were not found "
    "published. Their illustrative counts agree with the 2020-2023 report's words: exactly seven "
    "criteria (1, 6a, 7, 8, 9, 11 and 15) were fully met by 21 or more plans, so 4 and 6b by fewer, "
    "and about a third of plans (10) partially met 6b. These seven rows are therefore not in "
    "National figures.",
    "- Submissions: every per-partnership date (submitted, interim statement, feedback issued), "
    "which plans were drafts, and which partnerships submitted early or late are illustrative. "
    "Feedback issued is 15 December 2021 for all 2020-2023 plans (the month is published, the day "
    "is not); it is left blank for 2023-2026.",
    "- Peer groups: the groups in the Partnerships sheet (Cities, Large urban and mixed, Smaller "
    "urban and mixed, Rural, Islands) are illustrative, for trying out like-with-like comparison; "
    "they are not an official classification.",
    "- 2017-2020 has no submissions or scores: the 2019 review published themes, not counts per "
    "criterion.",
    "- Plans: the six plans in the Plans sheet are made up (scripts/make_plans.py writes them into "
    "data/plans/, every page marked ILLUSTRATIVE); no real plan is copied. Their text follows the "
    "illustrative scores.",
]


PLANS_HEADERS = ["Partnership", "Cycle", "Title", "Link", "Pages"]


def plans_rows() -> list[list]:
    """The sample's Plans sheet (format 1.1): the made-up plans scripts/make_plans.py writes into
    data/plans/ (no Link: a made-up plan has no public web address)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from make_plans import plans_sheet_rows

    return plans_sheet_rows()


def sample_sheets() -> dict[str, list[list]]:
    ref = reference_sheets()
    scores = illustrative_scores()
    score_rows = [SCORES_HEADERS]
    for cycle in (CYCLE_2023, CYCLE_2326):
        for p in PARTNERSHIP_NAMES:
            score_rows.append([p, cycle] + [scores[cycle][p][cid] for cid in CRITERION_IDS])
    return {
        "About": [[ABOUT_LINES[0]], ["Illustrative", "yes"]] + [[line] for line in ABOUT_LINES[1:]],
        "Partnerships": ref["Partnerships"],
        "Criteria": ref["Criteria"],
        "Scale": ref["Scale"],
        "Cycles": ref["Cycles"],
        "Submissions": [SUBMISSION_HEADERS] + [list(r) for r in illustrative_submissions()],
        "Scores": score_rows,
        "Themes 2019": ref["Themes 2019"],
        "National figures": ref["National figures"],
        "Plans": [PLANS_HEADERS] + plans_rows(),
    }


HOW_TO_HEADERS = ["Step", "Sheet", "What to do"]
HOW_TO = [
    ("All", "Fill in two sheets: Submissions and Scores. The other sheets are already filled in; "
            "change them only when something has changed (a new cycle, a renamed partnership)."),
    ("All", "Keep the sheet names and the header row as they are. You may reorder columns and add "
            "your own columns or sheets: the dashboard ignores what it does not know."),
    ("All", "Type dates day first, as in the UK (03/04/2026 is 3 April 2026), or as 2026-04-03, or "
            "use real Excel dates."),
    ("Submissions", "Add one row per partnership and cycle. Choose the Partnership and the Cycle "
                    "from the drop-down lists."),
    ("Submissions", "Submitted: the date the plan was received. Leave it blank if the plan has not "
                    "arrived yet."),
    ("Submissions", "Draft: choose yes if the plan was published in draft pending governance "
                    "sign-off, otherwise no."),
    ("Submissions", "Interim statement: the date of any interim statement published while the plan "
                    "was delayed. Feedback issued: the date the feedback report was sent. Leave "
                    "either blank if there was none."),
    ("Scores", "Add one row per partnership and cycle, choosing the Partnership and the Cycle from "
               "the drop-down lists."),
    ("Scores", "Under each criterion choose Fully met, Partially met or Not met. Leave a cell blank "
               "if the criterion was not assessed. (Achieved, Partly achieved and Not achieved, or "
               "the scores 2, 1 and 0, are accepted too.)"),
    ("Partnerships", "The 30 Children's Services Planning Partnerships. Other spellings in 'Also "
                     "known as' are accepted in Submissions and Scores (for example Edinburgh for "
                     "City of Edinburgh). Peer groups are illustrative: replace them with your own "
                     "if you use peer comparison."),
    ("Cycles", "To add a new cycle, add a row under the last one with the Cycle (YYYY-YYYY, e.g. "
               "2026-2029) and its Due date. It then appears in the Cycle drop-down lists."),
    ("Criteria", "The 16 review criteria, in the order the dashboard shows them. Each Scores column "
                 "is headed 'ID. Name'; the dashboard reads the ID before the full stop."),
    ("Scale", "What each score means. Leave it as it is unless the review uses another scale."),
    ("About", "Notes about the workbook, one paragraph per row, shown on the Definitions page. Leave "
              "Illustrative as no for real results; choose yes only if every per-partnership score "
              "and date is made up (for training or a demonstration): the dashboard then says so "
              "wherever they are shown."),
    ("Themes 2019", "The published key themes of the 2019 review of the 2017-2020 plans. No need "
                    "to change."),
    ("National figures", "The published counts per criterion. The dashboard uses them to check "
                         "the counts from Scores; add rows when a new national review is "
                         "published."),
    ("Plans", "Optional: one row per plan, with its Partnership and Cycle (from the lists), its Title, its "
              "public web address (Link, https:// only) and its number of Pages. Attach the plans' PDFs on "
              "the dashboard's Data page."),
    ("All", "Save as an Excel Workbook (.xlsx), or in LibreOffice Calc as an ODF Spreadsheet (.ods), and "
            "upload it. The dashboard lists every problem it "
            "finds with its sheet, row and column, so they can all be fixed in one go."),
]
TEMPLATE_ROWS = 500  # rows of Submissions and Scores that carry drop-down lists


def template_sheets() -> dict[str, list[list]]:
    ref = reference_sheets()
    return {
        "How to fill in": [HOW_TO_HEADERS] + [[i, s, t] for i, (s, t) in enumerate(HOW_TO, start=1)],
        "Partnerships": ref["Partnerships"],
        "Criteria": ref["Criteria"],
        "Scale": ref["Scale"],
        "Cycles": ref["Cycles"],
        "Submissions": [SUBMISSION_HEADERS],
        "Scores": [SCORES_HEADERS],
        "Themes 2019": ref["Themes 2019"],
        "National figures": ref["National figures"],
        "Plans": [PLANS_HEADERS],
        "About": TEMPLATE_ABOUT,
    }


TEMPLATE_ABOUT = [
    ["About this workbook"],
    ["Illustrative", "no"],
    ["Write notes about this workbook here, one paragraph per row; the dashboard shows them on its "
     "Definitions page. Keep the Illustrative row above: no for real results, yes only if every "
     "per-partnership score and date is made up."],
]


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------

WRAP_COLUMNS = {"Question", "Finding", "Source", "What to do", "About this workbook"}
DATE_FORMAT = "d mmm yyyy"


def _width(rows: list[list], col: int, header: bool = True) -> float:
    """Column `col`'s (1-based) width in Excel's characters: wide and wrapped for long text."""
    head = str(rows[0][col - 1]) if col - 1 < len(rows[0]) else ""
    if head in WRAP_COLUMNS or not header:
        return 100 if not header else 70
    values = [r[col - 1] for r in rows[1:] if col - 1 < len(r) and r[col - 1] is not None]
    lengths = [len(head) if ". " not in head else min(len(head), 24)]
    lengths += [11 if isinstance(v, date) else len(str(v)) for v in values]
    return min(max(lengths) + 3, 45)


def _fill(ws, rows: list[list], header: bool = True) -> None:
    for row in rows:
        ws.append(row)
    headers = [str(h) for h in rows[0]]
    if header:
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
    for col, head in enumerate(headers, start=1):
        letter = get_column_letter(col)
        width = _width(rows, col, header)
        if head in WRAP_COLUMNS or not header:
            for r in range(1 if not header else 2, len(rows) + 1):
                ws.cell(row=r, column=col).alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[letter].width = width
        for r in range(2, len(rows) + 1):
            cell = ws.cell(row=r, column=col)
            if isinstance(cell.value, (date, datetime)):
                cell.number_format = DATE_FORMAT
            elif isinstance(cell.value, str) and len(cell.value) > 40:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _build(sheets: dict[str, list[list]]) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(title=name)
        _fill(ws, rows, header=name != "About")
        if name == "About":
            ws["A1"].font = Font(bold=True, size=14)
    wb.properties.creator = "scripts/make_workbooks.py"
    wb.properties.lastModifiedBy = "scripts/make_workbooks.py"
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    return wb


def template_dropdowns() -> list[DropDown]:
    """The template's drop-down lists, the same in its .xlsx and its .ods."""
    last = TEMPLATE_ROWS + 1
    partnership = ("Partnership", "Choose a partnership from the list.")
    cycle = ("Cycle", "Choose a cycle from the list (add new cycles in Cycles).")
    partnerships = f"Partnerships!$A$2:$A${len(PARTNERSHIPS) + 1}"
    cycles = "Cycles!$A$2:$A$12"  # room for new cycles under the three given
    out = []
    for sheet in ("Submissions", "Scores", "Plans"):
        out.append(DropDown(sheet, 1, 1, 2, last, partnerships, *partnership))
        out.append(DropDown(sheet, 2, 2, 2, last, cycles, *cycle))
    out.append(DropDown("Submissions", 4, 4, 2, last, ("yes", "no"), "Draft",
                        "Choose yes if the plan was published in draft, otherwise no.", strict=True))
    out.append(DropDown("Scores", 3, 2 + len(CRITERIA), 2, last, tuple(label for _, label, _ in SCALE), "Score",
                        "Choose Fully met, Partially met or Not met; leave blank if not assessed."))
    out.append(DropDown("About", 2, 2, 2, 2, ("yes", "no"), "Illustrative",
                        "Choose no for real results; yes only if every per-partnership score and date is made up.",
                        strict=True))
    return out


def _add_validations(wb: Workbook) -> None:
    for d in template_dropdowns():
        formula = d.source if isinstance(d.source, str) else '"' + ",".join(d.source) + '"'
        v = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False,
                           showErrorMessage=True, showInputMessage=True, errorStyle="stop" if d.strict else "warning")
        v.errorTitle = v.promptTitle = d.title
        v.error = d.prompt + (" Click Yes to keep the value anyway." if not d.strict else "")
        v.prompt = d.prompt
        v.add(f"{get_column_letter(d.first_col)}{d.first_row}:{get_column_letter(d.last_col)}{d.last_row}")
        wb[d.sheet].add_data_validation(v)
    sub = wb["Submissions"]
    for col in (3, 5, 6):
        for r in range(2, TEMPLATE_ROWS + 2):
            sub.cell(row=r, column=col).number_format = DATE_FORMAT


def _deterministic_bytes(wb: Workbook) -> bytes:
    """Save, then rewrite the zip with fixed timestamps so identical content gives identical bytes."""
    buf = io.BytesIO()
    wb.save(buf)
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)
    return out.getvalue()


def build_sample() -> bytes:
    return _deterministic_bytes(_build(sample_sheets()))


def build_template() -> bytes:
    wb = _build(template_sheets())
    _add_validations(wb)
    return _deterministic_bytes(wb)


CM_PER_CHARACTER = 0.19     # Excel's column width unit (a digit of the default font) in centimetres


def build_template_ods() -> bytes:
    """The template as an OpenDocument spreadsheet (.ods, for LibreOffice Calc): the same sheets,
    cells and drop-down lists as template.xlsx (ODF content validations), bold headers, the same widths."""
    book = OdsBook(title="Children's Services Plans review workbook: template")
    dropdowns = template_dropdowns()
    for name, rows in template_sheets().items():
        header = name != "About"
        width = max(len(r) for r in rows)
        heads = [str(h) for h in rows[0]]
        book.add_sheet(name, rows, bold_rows=(0,) if header else (), big_rows=() if header else (0,),
                       widths_cm=[_width(rows, c, header) * CM_PER_CHARACTER for c in range(1, width + 1)],
                       wrap_cols=[i for i, h in enumerate(heads) if h in WRAP_COLUMNS or not header],
                       dropdowns=[d for d in dropdowns if d.sheet == name])
    return book.to_bytes()


def main(out_dir: str | Path | None = None) -> tuple[Path, Path, Path]:
    """Write sample-review.xlsx, template.xlsx and template.ods into out_dir (default: the repo's data/)."""
    out = Path(out_dir) if out_dir is not None else DEFAULT_OUT
    out.mkdir(parents=True, exist_ok=True)
    sample, template, template_ods = out / SAMPLE_NAME, out / TEMPLATE_NAME, out / TEMPLATE_ODS_NAME
    sample.write_bytes(build_sample())
    template.write_bytes(build_template())
    template_ods.write_bytes(build_template_ods())
    return sample, template, template_ods


if __name__ == "__main__":
    for path in main(sys.argv[1] if len(sys.argv) > 1 else None):
        print(f"wrote {path}")
