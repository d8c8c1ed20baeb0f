"""What the pages ask of the plans: evidence per criterion for one plan, and a search across a cycle's
plans filtered by criterion level and peer group. No Streamlit; the pages show what these return."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from loaders.model import Review
from plans.catalogue import PlanFile
from plans.extract import PlanError
from plans.search import Hit, PlanIndex, cached_index, criterion_query, library, plan_index

EVIDENCE_PER_CRITERION = 3
RESULTS = 30          # passages asked for across the plans searched
PER_PLAN = 3          # passages shown per plan, best first


def index_of(plan: PlanFile) -> PlanIndex:
    """The plan extracted and indexed (once per sha256; the file is read only the first time)."""
    return cached_index(plan.sha256) or plan_index(plan.read(), plan.filename or 'the plan', plan.sha256)


def criterion_words(review: Review, criterion: str) -> str:
    """The query for a criterion: its name, question and Fully met when (the Criteria sheet)."""
    row = review.criteria[review.criteria["criterion"] == criterion]
    if row.empty:
        return ""
    r = row.iloc[0]
    return criterion_query(*[("" if pd.isna(r[c]) else str(r[c])) for c in ("name", "question", "fully_met_when")])


def evidence(index: PlanIndex, review: Review, criterion: str, k: int = EVIDENCE_PER_CRITERION) -> list[Hit]:
    """The `k` passages of the plan most likely to bear on `criterion`, best first."""
    words = criterion_words(review, criterion)
    return index.top(words, k=k) if words else []


def plans_at_level(review: Review, cycle: str, criterion: str, label: str) -> set[str]:
    """Partnerships whose plan in `cycle` is at `label` on `criterion`."""
    s = review.scores
    hit = s[(s["cycle"] == cycle) & (s["criterion"] == criterion) & (s["label"] == label)]
    return set(hit["partnership"])


def in_group(review: Review, group: str) -> set[str]:
    p = review.partnerships
    return set(p.loc[p["peer_group"] == group, "partnership"])


@dataclass
class Found:
    plan: PlanFile
    hits: list[Hit]       # its best passages among the results, best first (at most PER_PLAN)
    more: int = 0         # its other passages among the results, not shown


@dataclass
class Search:
    groups: list[Found]            # results grouped by plan, the plan with the best passage first
    searched: int                  # plans searched (after the filters)
    unreadable: list[tuple[PlanFile, str]]   # plans that could not be read, with why


def search(files: list[PlanFile], query: str, allowed: set[str] | None = None, k: int = RESULTS) -> Search:
    """Search the plans in `files` (those of partnerships in `allowed`, or all): the best `k`
    passages across them, grouped by plan (the plan with the best passage first), each plan's best
    PER_PLAN shown."""
    readable, indexes, unreadable = [], [], []
    for f in files:
        try:
            indexes.append(index_of(f))
            readable.append(f)
        except PlanError as exc:
            unreadable.append((f, exc.message))
    keep = {i for i, f in enumerate(readable) if allowed is None or f.partnership in allowed}
    hits = library(indexes).search(query, k=k, plans=keep) if indexes and query.strip() else []
    groups: dict[int, Found] = {}
    for h in hits:
        groups.setdefault(h.plan, Found(readable[h.plan], [])).hits.append(h)
    for g in groups.values():
        g.more, g.hits = max(0, len(g.hits) - PER_PLAN), g.hits[:PER_PLAN]
    return Search(list(groups.values()), len(keep), unreadable)
