"""The plans: ranking on the labelled set, extracting and indexing a 120-page plan, search over 30 plans.

    python3 bench/bench_plans.py          # about a minute; prints its figures (bench/run.py runs it too)

1. Labelled set (scripts/make_plans.labelled_plans: 6 made-up plans of 40 pages, each criterion's
   passage on a known page among distractors on the same topics): for each plan and criterion, the
   top five passages of `PlanIndex.for_criterion` (the query from the sample's Criteria sheet: name,
   question, Fully met when); a hit is a passage on the right page holding a sentence of the passage
   written for that criterion. Target: 0.9 of criteria or more in the top five.
2. One 120-page made-up plan: extract (pypdfium2) and index (bm25s), cold each time; median of 5.
3. Thirty 120-page plans: building the one index over all of them (once per cycle), then a search
   (median of 20 queries: criterion queries and short words, all plans and a third of them).
   Target: a search under 0.3 s.
Figures are medians of wall time on this shared machine; nothing here is asserted.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import plans  # noqa: E402
from loaders import read_workbook  # noqa: E402
from make_plans import labelled_plan, labelled_plans  # noqa: E402

TOP = 5


def criteria():
    review = read_workbook(ROOT / "data" / "sample-review.xlsx")
    return [(r.criterion, r.name, r.question or "", r.fully_met_when or "") for r in review.criteria.itertuples()]


def hit(h: plans.Hit, label) -> bool:
    return h.passage.page == label.page and any(s in h.passage.text for s in label.sentences)


def ranking(n_plans: int = 6, pages: int = 40) -> dict:
    crit = {c[0]: c for c in criteria()}
    ranks = []
    for data, labels in labelled_plans(n_plans, pages):
        index = plans.PlanIndex(plans.extract(data))
        for label in labels:
            _, name, question, when = crit[label.criterion]
            found = index.for_criterion(name, question, when, k=10)
            rank = next((i + 1 for i, h in enumerate(found) if hit(h, label)), None)
            ranks.append((label.criterion, rank))
    n = len(ranks)
    share = {k: sum(1 for _, r in ranks if r and r <= k) / n for k in (1, 3, 5)}
    missed = sorted({c for c, r in ranks if not r or r > TOP})
    return {"criteria": n, "plans": n_plans, "top1": share[1], "top3": share[3], "top5": share[5], "missed": missed}


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    r = ranking()
    print(f"labelled set: {r['criteria']} criteria in {r['plans']} plans; right passage first {r['top1']:.2f}, "
          f"in top 3 {r['top3']:.2f}, in top {TOP} {r['top5']:.2f} (target >= 0.90"
          f"{': met' if r['top5'] >= 0.9 else ': NOT met'}); missed: {', '.join(r['missed']) or 'none'}")

    data, _ = labelled_plan(100, pages=120)
    text = plans.extract(data)
    ex = median_time(lambda: plans.extract(data), 5)
    ix = median_time(lambda: plans.PlanIndex(text), 5)
    print(f"120-page plan ({len(data) / 1024:.0f} KB, {len(text.passages)} passages): extract {ex * 1000:.0f} ms, "
          f"index {ix * 1000:.0f} ms, together {(ex + ix) * 1000:.0f} ms (median of 5)")

    texts = [plans.extract(labelled_plan(200 + i, pages=120)[0]) for i in range(30)]
    build = median_time(lambda: plans.Library(texts), 3)
    library = plans.Library(texts)
    queries = [plans.criterion_query(n, q, w) for _, n, q, w in criteria()][:10] + [
        "family support", "collective budget", "children's rights UNCRC", "joint strategic needs assessment",
        "early intervention", "housing", "indicators", "GIRFEC named person", "vision", "poverty"]
    third = set(range(0, 30, 3))
    times = []
    for i, q in enumerate(queries):
        t = time.perf_counter()
        library.search(q, k=30, plans=third if i % 2 else None)
        times.append(time.perf_counter() - t)
    s = statistics.median(times)
    print(f"30 plans of 120 pages ({sum(len(t.passages) for t in texts)} passages): index built once per cycle in "
          f"{build * 1000:.0f} ms (median of 3); a search {s * 1000:.1f} ms (median of {len(times)}, slowest "
          f"{max(times) * 1000:.1f} ms; target < 300 ms{': met' if s < 0.3 else ': NOT met'})")


if __name__ == "__main__":
    main()
