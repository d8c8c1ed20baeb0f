"""Facts about a review that the peer, theme and name modules share: criteria and cycles in order,
scores with their level rank, level counts, peer groups, and how to say "fully met" for a scale.

Pure functions of a `loaders.model.Review`, remembered per review (`analysis.memo.per_review`)."""
from __future__ import annotations

import pandas as pd

from analysis.memo import per_review
from loaders.model import Review

DEFAULT_FULL_LABEL = "Fully met"  # the label the National figures sheet always uses for the best level


@per_review
def _criteria(review: Review) -> pd.DataFrame:
    crit = review.criteria
    if "order" in crit.columns:
        crit = crit.sort_values("order", kind="stable")
    return crit.reset_index(drop=True)


def _level_rank(review: Review) -> dict[str, int]:
    """label -> position, 0 = best."""
    return {lab: i for i, lab in enumerate(review.labels)}


@per_review
def _cycles_sorted(review: Review) -> list[str]:
    cyc = review.cycles
    if cyc.empty:
        return []
    key = "start_year" if "start_year" in cyc.columns else "cycle"
    return cyc.sort_values(key, kind="stable")["cycle"].tolist()


def _cycle_row(review: Review, cycle: str):
    rows = review.cycles[review.cycles["cycle"] == cycle]
    return rows.iloc[0] if len(rows) else None


@per_review
def _scored(review: Review, cycle: str) -> pd.DataFrame:
    """Scores for `cycle` with a `rank` column (0 best, <NA> when not assessed). Once per workbook."""
    sc = review.scores
    sc = sc[sc["cycle"] == cycle].copy()
    ranks = _level_rank(review)
    sc["rank"] = sc["label"].astype(object).map(ranks).astype("Float64").astype("Int64")
    return sc


@per_review
def _level_counts(review: Review, cycle: str, partnerships: frozenset | None = None) -> dict[str, list[int]]:
    """criterion -> [rows at level 0, ..., level k-1, rows not assessed] among the `cycle`'s scores
    (of `partnerships` only, when given). Vectorised: once per cycle, not once per criterion."""
    sc = _scored(review, cycle)
    if partnerships is not None:
        sc = sc[sc["partnership"].isin(partnerships)]
    if sc.empty:
        return {}
    k = len(review.labels)
    rank = sc["rank"].fillna(k).astype(int).to_numpy()
    table = (pd.DataFrame({"criterion": sc["criterion"].to_numpy(), "rank": rank})
             .groupby(["criterion", "rank"]).size().unstack(fill_value=0)
             .reindex(columns=range(k + 1), fill_value=0))
    return {c: [int(v) for v in row] for c, row in zip(table.index, table.to_numpy())}


def _national_full_label(review: Review) -> str:
    labels = set(review.national["label"]) if not review.national.empty else set()
    return review.full_label if review.full_label in labels else DEFAULT_FULL_LABEL


def _peer_group_of(review: Review, partnership: str) -> str:
    return _peer_groups(review).get(partnership, "")


@per_review
def _peer_groups(review: Review) -> dict[str, str]:
    """partnership -> its peer group ("" when none); the first row of a name counts."""
    p = review.partnerships
    if "peer_group" not in p.columns:
        return {}
    out: dict[str, str] = {}
    for name, group in zip(p["partnership"], p["peer_group"]):
        out.setdefault(name, group if isinstance(group, str) else "")
    return out


def _peers(review: Review, group: str) -> set[str]:
    return set(_group_members(review, group)) if group else set()


@per_review
def _group_members(review: Review, group: str) -> frozenset:
    p = review.partnerships
    return frozenset(p.loc[p["peer_group"] == group, "partnership"])


def _share(n, d):
    if d is None or pd.isna(d) or d == 0 or n is None or pd.isna(n):
        return float("nan")
    return float(n) / float(d)


def format_date(value) -> str:
    """12 March 2021; "" for missing."""
    if value is None or pd.isna(value):
        return ""
    ts = pd.Timestamp(value)
    return f"{ts.day} {ts:%B %Y}"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def full_phrase(review: Review) -> tuple[str, str]:
    """How to say "fully met" for this scale: (active verb, passive participle).

    Default scale -> ("fully met", "fully met"); another scale, e.g. best level "Excellent" ->
    ("was rated Excellent on", "rated Excellent")."""
    full = review.full_label
    if full.strip().lower() == "fully met":
        return "fully met", "fully met"
    return f"was rated {full} on", f"rated {full}"
