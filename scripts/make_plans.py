"""Write made-up Children's Services Plans as PDFs: the sample's plans and a labelled set.

    python scripts/make_plans.py            # writes data/plans/*.pdf and data/plans/plans.json

Every page of every plan says ILLUSTRATIVE: the plans are written here from the made-up text of
scripts/plan_text.py, no real plan is copied. A sample plan's text follows the partnership's
illustrative scores in the sample workbook (a criterion it fully met gets the passage written for
it, one it partly met a shorter version, one it did not meet a line that only touches on it).

The labelled set (`labelled_plans`, used by tests/test_plans_labelled.py and bench/bench_plans.py)
is a list of made-up plans in which the passage written for each criterion sits on a known page
among distractor text on the same topics. Writing needs fpdf2 (requirements-dev.txt); the sample's
PDFs are checked in, so running the dashboard does not. Two runs write byte-identical files.
"""
from __future__ import annotations

import hashlib
import json
import random
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import make_workbooks as mw  # noqa: E402
from plan_text import DISTRACTORS, EVIDENCE, FILLER, NEAR_MISS, WEAK  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
PLANS_DIR = REPO / "data" / "plans"
MANIFEST = "plans.json"
FIXED = datetime(2024, 1, 1, tzinfo=timezone.utc)
CYCLE = mw.CYCLE_2326
# The partnerships whose made-up plans ship with the sample, and the neighbour each plan mentions
# (so hidden names have another partnership's name to hide inside a plan's text).
SAMPLE = {"Fife": "Tayside", "Tayside": "Fife", "Highland": "Orkney Islands", "Orkney Islands": "Highland",
          "Glasgow City": "West Lothian", "West Lothian": "Glasgow City"}
BANNER = "ILLUSTRATIVE: a made-up plan for the CSP Review Dashboard's sample. It is not {p}'s real plan."


def _latin(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def write_pdf(title: str, partnership: str, pages: list[list[str]]) -> bytes:
    """A PDF with one page per list of paragraphs; every page carries the ILLUSTRATIVE banner."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED)
    pdf.set_title(_latin(f"ILLUSTRATIVE - {title}"))
    pdf.set_author("CSP Review Dashboard (made-up sample)")
    pdf.set_auto_page_break(False)
    for number, paragraphs in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 9)
        pdf.multi_cell(0, 5, _latin(BANNER.format(p=partnership)))
        pdf.ln(4)
        pdf.set_font("Helvetica", size=10)
        for paragraph in paragraphs:
            if paragraph.startswith("# "):
                pdf.set_font("Helvetica", "B", 13)
                pdf.multi_cell(0, 7, _latin(paragraph[2:]))
                pdf.set_font("Helvetica", size=10)
            else:
                pdf.multi_cell(0, 5, _latin(paragraph))
            pdf.ln(3)
        pdf.set_y(-15)
        pdf.set_font("Helvetica", "I", 8)
        pdf.cell(0, 5, _latin(f"ILLUSTRATIVE - {title} - page {number}"), align="C")
    return bytes(pdf.output())


def _fill(rng: random.Random, p: str, q: str, n: int) -> list[str]:
    """`n` paragraphs of filler and distractors, two or three sentences each."""
    out = []
    for _ in range(n):
        pool = FILLER if rng.random() < 0.5 else DISTRACTORS
        out.append(" ".join(s.format(p=p, q=q) for s in rng.sample(pool, rng.randint(2, 3))))
    return out


# -- the sample's plans ------------------------------------------------------------------------------

HEADINGS = {"1": "Our vision", "2": "National outcomes", "3": "What we know about our children",
            "4": "Evidence", "5": "Our priorities", "6a": "Services for children", "6b": "Services for adults and families",
            "7": "Acting early", "8": "How we work", "9": "Rights", "10": "Listening to children and families",
            "11": "Supporting families", "12": "Money and resources", "13": "Measuring progress",
            "14": "Our delivery plan", "15": "How this plan fits with others"}


def sample_plan(partnership: str, levels: dict[str, str]) -> tuple[str, list[list[str]]]:
    """A made-up plan's title and pages: the text for each criterion follows its level."""
    q = SAMPLE[partnership]
    rng = random.Random(f"plan:{partnership}:{CYCLE}")
    title = f"{partnership} Children's Services Plan {CYCLE}"
    pages = [[f"# {title}", "ILLUSTRATIVE. This plan is made up for the dashboard's sample; no real plan is copied.",
              f"Published by the {partnership} Children's Services Partnership (made up)."],
             ["# Introduction", *_fill(rng, partnership, q, 4)]]
    order = list(EVIDENCE)
    for cid in order:
        level = levels.get(cid)
        if level == mw.FULL:
            body = [" ".join(EVIDENCE[cid]).format(p=partnership, q=q)]
        elif level == mw.PARTIAL:
            body = [" ".join(EVIDENCE[cid][:1] + WEAK[cid]).format(p=partnership, q=q)]
        else:
            body = [" ".join(WEAK[cid]).format(p=partnership, q=q)]
        filler = _fill(rng, partnership, q, 3)
        at = rng.randint(0, len(filler))
        pages.append([f"# {HEADINGS[cid]}", *filler[:at], *body, *filler[at:]])
    pages.append(["# Glossary", *_fill(rng, partnership, q, 3)])
    return title, pages


def write_sample(out: Path = PLANS_DIR) -> list[dict]:
    """Write the sample's plans and their manifest (plans.json); return the manifest's rows."""
    scores = mw.illustrative_scores()[CYCLE]
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for partnership in SAMPLE:
        title, pages = sample_plan(partnership, scores[partnership])
        data = write_pdf(title, partnership, pages)
        name = partnership.lower().replace(" ", "-") + f"-{CYCLE}.pdf"
        (out / name).write_bytes(data)
        rows.append({"partnership": partnership, "cycle": CYCLE, "title": title, "file": name,
                     "sha256": hashlib.sha256(data).hexdigest(), "pages": len(pages)})
    (out / MANIFEST).write_text(json.dumps({"illustrative": True, "plans": rows}, indent=2) + "\n", encoding="utf-8")
    return rows


def plans_sheet_rows() -> list[list]:
    """The sample workbook's Plans sheet: one row per made-up plan. No Link: a made-up plan has no
    public web address (the dashboard serves the shipped PDF itself)."""
    scores = mw.illustrative_scores()[CYCLE]
    return [[p, CYCLE, f"{p} Children's Services Plan {CYCLE}", None, len(sample_plan(p, scores[p])[1])]
            for p in SAMPLE]


# -- the labelled set --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Label:
    criterion: str
    page: int
    sentences: tuple[str, ...]   # the passage written for the criterion, sentence by sentence


def labelled_plan(seed: int, pages: int = 40, partnership: str = "Made-up Partnership") -> tuple[bytes, list[Label]]:
    """A made-up plan of `pages` pages: each criterion's passage on a page chosen at random, every
    page full of filler and distractors on the same topics: for each criterion a near miss (its words,
    not what it asks for) on another page, and weak lines that only touch on some criteria."""
    rng = random.Random(f"labelled:{seed}")
    q = "Another Partnership"
    chosen = rng.sample(range(2, pages + 1), len(EVIDENCE))
    page_of = dict(zip(EVIDENCE, chosen))
    body: list[list[str]] = [[f"# {partnership} plan {seed} (made up)", *_fill(rng, partnership, q, 3)]]
    body += [_fill(rng, partnership, q, 5) for _ in range(pages - 1)]
    labels = []
    for cid, page in page_of.items():
        sentences = tuple(s.format(p=partnership, q=q) for s in EVIDENCE[cid])
        body[page - 1].insert(rng.randint(0, len(body[page - 1])), " ".join(sentences))
        labels.append(Label(cid, page, sentences))
    for cid, page in page_of.items():          # each criterion's near miss, on another page
        other = rng.choice([n for n in range(2, pages + 1) if n != page])
        body[other - 1].insert(rng.randint(0, len(body[other - 1])), NEAR_MISS[cid])
    for cid in rng.sample(list(WEAK), 8):        # weak lines, on other pages, for some criteria
        page = rng.randint(2, pages)
        body[page - 1].append(WEAK[cid][0].format(p=partnership, q=q))
    return write_pdf(f"{partnership} plan {seed}", partnership, body), labels


def labelled_plans(n: int = 6, pages: int = 40) -> list[tuple[bytes, list[Label]]]:
    return [labelled_plan(seed, pages) for seed in range(n)]


if __name__ == "__main__":
    for row in write_sample(Path(sys.argv[1]) if len(sys.argv) > 1 else PLANS_DIR):
        print(f"wrote {row['file']} ({row['pages']} pages)")
