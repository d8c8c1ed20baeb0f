"""National views: Overview, Criteria coverage and Submission timeline.

Every function takes a `loaders.Review` (and usually a cycle such as "2023-2026") and returns a
tidy DataFrame, a dict or a plain-English sentence. Nothing here is specific to the Scottish
review: criteria, scale levels (labels, order, which is best), cycles and partnerships all come
from the Review, so a workbook with 12 areas, 5 criteria and a four-level scale works the same way.

Conventions
- "Plans in a cycle" are the partnerships with a row in Scores for the cycle or a received plan
  in Submissions for it, in workbook order. A plan without a score for a criterion (blank cell, no
  column for the criterion, or no Scores row at all) counts as "Not assessed" for it.
- The best scale level (order 0, e.g. "Fully met") is what "fully met" means everywhere.
- A cycle with national figures but no per-partnership scores uses the published figures
  (source "published"); only the criteria with a published figure appear in that case.
- The deadline used for a plan is the cycle's extended due date if it has one, else its due date;
  a plan received on or before that day is on time.

No streamlit here.
"""
from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from analysis.memo import by_content, per_review
from loaders.model import NOT_ASSESSED, Review

DEFAULT_LABELS = ["Fully met", "Partially met", "Not met"]

COVERAGE_COLUMNS = ["cycle", "criterion", "name", "order", "label", "level", "count", "plans", "share",
                    "source"]
CHECK_COLUMNS = ["criterion", "name", "label", "published", "from_scores", "difference"]
HEATMAP_COLUMNS = ["partnership", "partnership_order", "criterion", "name", "criterion_order", "score",
                   "label", "level"]
CHANGE_COLUMNS = ["criterion", "name", "order", "previous_cycle", "previous_count", "previous_plans",
                  "previous_share", "cycle", "count", "plans", "share", "change_count", "change"]
CUMULATIVE_COLUMNS = ["date", "received", "cumulative"]
SUBMISSION_COLUMNS = ["partnership", "order", "submitted", "deadline", "days_late", "draft",
                      "interim_statement", "status"]
FULLY_MET_COLUMNS = ["partnership", "order", "aliases", "fully_met", "assessed", "criteria"]

ON_TIME, LATE, NOT_RECEIVED = "On time", "Late", "Not yet received"


# ---------------------------------------------------------------------------------------------
# cycles

@per_review
def _cycles_sorted(review: Review) -> list[str]:
    cycles = review.cycles
    if cycles.empty:
        return []
    return cycles.sort_values(["start_year", "end_year"])["cycle"].astype(str).tolist()


@per_review
def cycles_with_scores(review: Review) -> list[str]:
    """Cycles with at least one score in Scores, oldest first."""
    scored = set(review.scores.loc[review.scores["score"].notna(), "cycle"].astype(str).unique())
    return [c for c in _cycles_sorted(review) if c in scored]


@per_review
def cycles_with_national(review: Review) -> list[str]:
    """Cycles with published national figures, oldest first."""
    published = set(review.national["cycle"].astype(str).unique())
    return [c for c in _cycles_sorted(review) if c in published]


@per_review
def cycles_with_data(review: Review) -> list[str]:
    """Cycles with scores or published national figures (what Criteria coverage can show), oldest first."""
    have = set(cycles_with_scores(review)) | set(cycles_with_national(review))
    return [c for c in _cycles_sorted(review) if c in have]


@per_review
def cycle_holds(review: Review, cycle: str) -> dict[str, bool]:
    """What the workbook holds for `cycle`: per-partnership scores, published national figures,
    submission records, and (for the cycle the 2019 review looked at) the 2019 themes."""
    from analysis.themes import THEMES_REVIEW_YEAR

    subs = review.submissions
    row = review.cycles[review.cycles["cycle"] == cycle]
    reviewed_2019 = bool(len(row)) and int(row["start_year"].iloc[0]) < THEMES_REVIEW_YEAR <= int(row["end_year"].iloc[0])
    return {"scores": cycle in cycles_with_scores(review), "national": cycle in cycles_with_national(review),
            "submissions": bool((subs["cycle"] == cycle).any()),
            "themes": reviewed_2019 and not review.themes.empty}


@per_review
def default_cycle(review: Review) -> str | None:
    """The latest cycle with scores, else the latest with national figures, else the latest cycle."""
    for candidates in (cycles_with_scores(review), cycles_with_national(review), _cycles_sorted(review)):
        if candidates:
            return candidates[-1]
    return None


@per_review
def previous_cycle(review: Review, cycle: str) -> str | None:
    """The latest cycle before `cycle` that has scores or national figures, or None."""
    ordered = _cycles_sorted(review)
    if cycle not in ordered:
        return None
    earlier = ordered[: ordered.index(cycle)]
    have = set(cycles_with_data(review))
    candidates = [c for c in earlier if c in have]
    return candidates[-1] if candidates else None


@per_review
def cycle_dates(review: Review, cycle: str) -> dict:
    """due_date, extended_due_date (NaT if none), deadline (the one used), review_published."""
    row = review.cycles[review.cycles["cycle"] == cycle]
    if row.empty:
        return {"due_date": pd.NaT, "extended_due_date": pd.NaT, "deadline": pd.NaT, "review_published": pd.NaT}
    row = row.iloc[0]
    due = pd.Timestamp(row["due_date"]) if pd.notna(row["due_date"]) else pd.NaT
    ext = pd.Timestamp(row["extended_due_date"]) if pd.notna(row["extended_due_date"]) else pd.NaT
    pub = pd.Timestamp(row["review_published"]) if pd.notna(row["review_published"]) else pd.NaT
    return {"due_date": due, "extended_due_date": ext, "deadline": ext if pd.notna(ext) else due,
            "review_published": pub}


# ---------------------------------------------------------------------------------------------
# small helpers

def format_date(value) -> str:
    """31 March 2021 (no leading zero); "" for a missing date."""
    if value is None or pd.isna(value):
        return ""
    ts = pd.Timestamp(value)
    return f"{ts.day} {ts:%B %Y}"


def _join(items: list[str]) -> str:
    items = [str(i) for i in items]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


@per_review
def _partnership_order(review: Review) -> dict[str, int]:
    p = review.partnerships.sort_values("order")
    return {name: i for i, name in enumerate(p["partnership"].astype(str))}


@per_review
def _criteria(review: Review) -> pd.DataFrame:
    c = review.criteria.sort_values("order").reset_index(drop=True)
    return pd.DataFrame({"criterion": c["criterion"].astype(str).tolist(),
                         "name": c["name"].astype(str).tolist(),
                         "order": list(range(len(c)))})


def _level_of(review: Review):
    """label -> level (0 = best); labels outside the review's scale fall back to the default scale."""
    labels = review.labels

    def level(label: str) -> int:
        if label in labels:
            return labels.index(label)
        if label in DEFAULT_LABELS:
            return DEFAULT_LABELS.index(label)
        return len(labels)

    return level


@per_review
def plans_in_cycle(review: Review, cycle: str) -> list[str]:
    """Partnerships with a Scores row or a received plan for `cycle`, in workbook order."""
    scored = set(review.scores.loc[review.scores["cycle"] == cycle, "partnership"].astype(str).unique())
    subs = review.submissions
    received = set(subs.loc[(subs["cycle"] == cycle) & subs["submitted"].notna(), "partnership"].astype(str).unique())
    order = _partnership_order(review)
    members = scored | received
    return sorted(members, key=lambda p: (order.get(p, len(order)), p))


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


# ---------------------------------------------------------------------------------------------
# coverage

def _scores_coverage(review: Review, cycle: str) -> pd.DataFrame:
    plans = plans_in_cycle(review, cycle)
    n = len(plans)
    crit = _criteria(review)
    labels = review.labels
    level = _level_of(review)
    s = review.scores[(review.scores["cycle"] == cycle) & review.scores["score"].notna()]
    label_of_score = dict(zip(review.scale["score"].astype(int), review.scale["label"].astype(str)))
    gap = s["label"].isna()  # a score without its label: the scale's label for it (only those rows)
    lab = s["label"].astype(object).where(~gap, s.loc[gap, "score"].map(lambda v: label_of_score.get(int(v))))
    counted = pd.DataFrame({"criterion": s["criterion"].astype(str).to_numpy(),
                            "label": lab.astype(str).to_numpy(),
                            "partnership": s["partnership"].astype(str).to_numpy()})
    counted = counted[counted["partnership"].isin(plans)]
    counts = counted.groupby(["criterion", "label"]).size().to_dict()
    rows = []
    for c in crit.itertuples(index=False):
        assessed = 0
        for lbl in labels:
            k = int(counts.get((c.criterion, lbl), 0))
            assessed += k
            rows.append((cycle, c.criterion, c.name, c.order, lbl, level(lbl), k, n))
        rows.append((cycle, c.criterion, c.name, c.order, NOT_ASSESSED, len(labels), n - assessed, n))
    out = pd.DataFrame(rows, columns=COVERAGE_COLUMNS[:-2])
    out["share"] = out["count"] / n if n else 0.0
    out["source"] = "scores"
    return out


def _published_coverage(review: Review, cycle: str) -> pd.DataFrame:
    nat = review.national[review.national["cycle"] == cycle]
    if nat.empty:
        return _empty(COVERAGE_COLUMNS)
    crit = _criteria(review)
    names = dict(zip(crit["criterion"], crit["name"]))
    orders = dict(zip(crit["criterion"], crit["order"]))
    level = _level_of(review)
    nat = nat.assign(criterion=nat["criterion"].astype(str), label=nat["label"].astype(str))
    totals = nat.groupby("criterion")["count"].sum()
    n = int(totals.max()) if len(totals) else 0
    # every level of the review's scale (or the published labels when they differ) in order
    present = list(dict.fromkeys(nat["label"]))
    labels = review.labels if set(present) <= set(review.labels) else sorted(present, key=level)
    na_level = max([level(lbl) for lbl in labels] + [len(review.labels) - 1]) + 1
    rows = []
    ids = sorted(totals.index, key=lambda cid: (orders.get(cid, len(orders)), cid))
    for cid in ids:
        sub = nat[nat["criterion"] == cid]
        got = dict(zip(sub["label"], sub["count"].astype(int)))
        for lbl in labels:
            rows.append((cycle, cid, names.get(cid, cid), orders.get(cid, len(orders)), lbl, level(lbl),
                         int(got.get(lbl, 0)), n))
        rows.append((cycle, cid, names.get(cid, cid), orders.get(cid, len(orders)), NOT_ASSESSED, na_level,
                     n - int(totals[cid]), n))
    out = pd.DataFrame(rows, columns=COVERAGE_COLUMNS[:-2])
    out["share"] = out["count"] / n if n else 0.0
    out["source"] = "published"
    return out


@per_review
def coverage(review: Review, cycle: str) -> pd.DataFrame:
    """Per criterion and scale level (in scale order, then "Not assessed"): how many plans.

    Columns: cycle, criterion (ID), name, order (criterion's workbook position), label, level
    (0 = best; "Not assessed" last), count, plans (plans in the cycle), share (count / plans),
    source ("scores" from per-partnership scores, or "published" national figures when the cycle
    has no scores). Counts per criterion sum to `plans`. Empty when the cycle has neither.
    """
    if cycle in cycles_with_scores(review):
        return _scores_coverage(review, cycle)
    return _published_coverage(review, cycle)


def criterion_order(cov: pd.DataFrame, by: str = "workbook") -> list[str]:
    """Criterion IDs of a coverage frame in display order (first = top of a chart).

    by="workbook": the Criteria sheet's order; by="fully_met": most plans fully met first
    (share of the best level; ties in workbook order)."""
    if cov.empty:
        return []
    first = cov.drop_duplicates("criterion").sort_values("order")
    if by == "workbook":
        return first["criterion"].tolist()
    if by != "fully_met":
        raise ValueError(f"by must be 'workbook' or 'fully_met', not {by!r}")
    best = cov[cov["level"] == 0].set_index("criterion")["share"]
    ranked = first.assign(best=first["criterion"].map(best).fillna(0.0))
    return ranked.sort_values(["best", "order"], ascending=[False, True], kind="stable")["criterion"].tolist()


def fully_met(cov: pd.DataFrame) -> pd.DataFrame:
    """One row per criterion of a coverage frame: criterion, name, order, label (the best level),
    count, plans, share."""
    if cov.empty:
        return _empty(["criterion", "name", "order", "label", "count", "plans", "share"])
    best = cov[cov["level"] == 0].sort_values("order")
    return best[["criterion", "name", "order", "label", "count", "plans", "share"]].reset_index(drop=True)


@per_review
def national_check(review: Review, cycle: str) -> pd.DataFrame:
    """Where published national figures and the counts from Scores disagree for `cycle`.

    Columns: criterion, name, label, published, from_scores, difference (published - from_scores);
    one row per disagreeing criterion and level. Empty when they agree or either is missing."""
    nat = review.national[review.national["cycle"] == cycle]
    if nat.empty or cycle not in cycles_with_scores(review):
        return _empty(CHECK_COLUMNS)
    cov = coverage(review, cycle)  # the scores' coverage (the cycle has scores), remembered
    counted = {(r.criterion, r.label): int(r.count) for r in cov.itertuples(index=False)}
    names = review.criterion_names
    orders = dict(zip(_criteria(review)["criterion"], _criteria(review)["order"]))
    level = _level_of(review)
    rows = []
    for r in nat.itertuples(index=False):
        cid, lbl, pub = str(r.criterion), str(r.label), int(r.count)
        got = counted.get((cid, lbl), 0)
        if got != pub:
            rows.append((orders.get(cid, len(orders)), level(lbl), cid, names.get(cid, cid), lbl, pub, got,
                         pub - got))
    if not rows:
        return _empty(CHECK_COLUMNS)
    out = pd.DataFrame(rows, columns=["_o", "_l"] + CHECK_COLUMNS).sort_values(["_o", "_l"])
    return out[CHECK_COLUMNS].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# submissions and timeline

def _submissions(review: Review, cycle: str) -> pd.DataFrame:
    return review.submissions[review.submissions["cycle"] == cycle]


@per_review
def submission_status(review: Review, cycle: str) -> pd.DataFrame:
    """Per partnership (workbook order): partnership, order, submitted, deadline (the deadline used),
    days_late (Int64: days after the deadline, negative = early, <NA> = not received), draft (bool),
    interim_statement, status ("On time" / "Late" / "Not yet received").

    Every partnership is listed when the cycle has any Submissions rows (one without a row counts
    as not yet received); empty when the cycle has none."""
    subs = _submissions(review, cycle)
    if subs.empty:
        return _empty(SUBMISSION_COLUMNS)
    deadline = cycle_dates(review, cycle)["deadline"]
    by_name = {str(r.partnership): r for r in subs.itertuples(index=False)}
    rows = []
    for p in review.partnerships.sort_values("order")["partnership"].astype(str):
        r = by_name.get(p)
        submitted = pd.Timestamp(r.submitted) if r is not None and pd.notna(r.submitted) else pd.NaT
        interim = pd.Timestamp(r.interim_statement) if r is not None and pd.notna(r.interim_statement) else pd.NaT
        draft = bool(r.draft) if r is not None and pd.notna(r.draft) else False
        if pd.isna(submitted):
            days, status = pd.NA, NOT_RECEIVED
        elif pd.isna(deadline):
            days, status = pd.NA, ON_TIME
        else:
            days = int((submitted.normalize() - deadline.normalize()).days)
            status = ON_TIME if days <= 0 else LATE
        rows.append((p, len(rows), submitted, deadline, days, draft, interim, status))
    out = pd.DataFrame(rows, columns=SUBMISSION_COLUMNS)
    out["days_late"] = out["days_late"].astype("Int64")
    for col in ("submitted", "deadline", "interim_statement"):
        out[col] = pd.to_datetime(out[col])
    return out


@per_review
def cumulative_received(review: Review, cycle: str) -> pd.DataFrame:
    """date, received (plans received that day), cumulative (received up to and including that day)."""
    subs = _submissions(review, cycle)
    dates = pd.to_datetime(subs["submitted"]).dropna().dt.normalize()
    if dates.empty:
        return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "received": pd.Series(dtype="int64"),
                             "cumulative": pd.Series(dtype="int64")})
    per_day = dates.value_counts().sort_index()
    out = pd.DataFrame({"date": per_day.index, "received": per_day.to_numpy().astype(int)})
    out["cumulative"] = out["received"].cumsum()
    return out.reset_index(drop=True)


class Timeline(NamedTuple):
    cumulative: pd.DataFrame       # date, received, cumulative
    partnerships: pd.DataFrame     # see submission_status
    not_received: list[str]        # partnerships whose plan is not yet received, workbook order
    due_date: pd.Timestamp
    extended_due_date: pd.Timestamp  # NaT when none
    deadline: pd.Timestamp         # the one used for on time / late
    expected: int                  # plans expected: partnerships listed (0 when no Submissions rows)


@per_review
def timeline(review: Review, cycle: str) -> Timeline:
    """Everything the Submission timeline page needs, as a NamedTuple (unpacks as a tuple too)."""
    per = submission_status(review, cycle)
    dates = cycle_dates(review, cycle)
    missing = per.loc[per["status"] == NOT_RECEIVED, "partnership"].tolist() if not per.empty else []
    return Timeline(cumulative_received(review, cycle), per, missing, dates["due_date"],
                    dates["extended_due_date"], dates["deadline"], len(per))


def received_by(review: Review, cycle: str, date) -> int:
    """Plans for `cycle` received on or before `date` (a date, datetime or text)."""
    day = pd.Timestamp(date).normalize()
    subs = pd.to_datetime(_submissions(review, cycle)["submitted"]).dropna().dt.normalize()
    return int((subs <= day).sum())


# ---------------------------------------------------------------------------------------------
# headline

def _lowest(best: pd.DataFrame, n: int) -> pd.DataFrame:
    if best.empty:
        return best
    ranked = best.sort_values(["share", "order"])
    threshold = ranked["share"].iloc[min(n, len(ranked)) - 1]
    return ranked[ranked["share"] <= threshold + 1e-12]


@per_review
def headline(review: Review, cycle: str, weakest: int = 3) -> dict:
    """Headline figures for the Overview.

    Keys: cycle, partnerships (in the workbook), plans (plans in the coverage denominator),
    source ("scores" | "published" | None), received, on_time, late, not_received (None when the
    cycle has no Submissions rows), due_date, extended_due_date, deadline, full_label (e.g.
    "Fully met"), criteria (criteria with figures), well_met (names of criteria fully met by at
    least two thirds of plans, workbook order), weakest (names with the lowest share fully met:
    the `weakest` lowest, ties included, lowest first), weakest_counts (name -> count fully met).
    """
    dates = cycle_dates(review, cycle)
    per = submission_status(review, cycle)
    cov = coverage(review, cycle)
    best = fully_met(cov)
    if per.empty:
        received = on_time = late = not_received = None
    else:
        status = per["status"]
        received = int((status != NOT_RECEIVED).sum())
        on_time = int((status == ON_TIME).sum())
        late = int((status == LATE).sum())
        not_received = int((status == NOT_RECEIVED).sum())
    plans = int(best["plans"].iloc[0]) if not best.empty else 0
    well = best[best["count"] * 3 >= best["plans"] * 2] if plans else best.iloc[0:0]
    low = _lowest(best, weakest) if plans else best.iloc[0:0]
    return {
        "cycle": cycle,
        "partnerships": int(len(review.partnerships)),
        "plans": plans,
        "source": None if cov.empty else str(cov["source"].iloc[0]),
        "received": received,
        "on_time": on_time,
        "late": late,
        "not_received": not_received,
        "due_date": dates["due_date"],
        "extended_due_date": dates["extended_due_date"],
        "deadline": dates["deadline"],
        "full_label": review.full_label if len(review.scale) else DEFAULT_LABELS[0],
        "criteria": int(len(best)),
        "well_met": well["name"].tolist(),
        "weakest": low["name"].tolist(),
        "weakest_counts": dict(zip(low["name"], low["count"].astype(int))),
    }


# ---------------------------------------------------------------------------------------------
# per partnership

@per_review
def heatmap_frame(review: Review, cycle: str) -> pd.DataFrame:
    """Partnership x criterion for a heatmap, one row per cell.

    Columns: partnership, partnership_order (workbook order), criterion, name, criterion_order,
    score (Int64, <NA> = not assessed), label ("Not assessed" when blank or missing), level
    (0 = best, len(scale) = not assessed). Rows for the plans in the cycle only; empty for a
    cycle without per-partnership scores."""
    if cycle not in cycles_with_scores(review):
        return _empty(HEATMAP_COLUMNS)
    plans = plans_in_cycle(review, cycle)
    order = _partnership_order(review)
    crit = _criteria(review)
    labels = review.labels
    label_of_score = dict(zip(review.scale["score"].astype(int), review.scale["label"].astype(str)))
    s = review.scores[(review.scores["cycle"] == cycle) & review.scores["score"].notna()]
    # vectorised (a 300 x 100 grid is 30,000 cells): the last score of each plan and criterion wins
    got = pd.DataFrame({"partnership": s["partnership"].astype(str).to_numpy(),
                        "criterion": s["criterion"].astype(str).to_numpy(),
                        "score": s["score"].astype("Int64").array,
                        "label": s["label"].astype(object).where(s["label"].notna(),
                                                                 s["score"].map(label_of_score)).to_numpy()})
    got = got.drop_duplicates(["partnership", "criterion"], keep="last")
    got["label"] = got["label"].where(got["label"].notna(), NOT_ASSESSED).astype(str)
    n_crit = len(crit)
    grid = pd.DataFrame({"partnership": [p for p in plans for _ in range(n_crit)],
                         "criterion": crit["criterion"].tolist() * len(plans)})
    grid = grid.merge(got, on=["partnership", "criterion"], how="left")
    label = grid["label"].where(grid["label"].notna(), NOT_ASSESSED)
    level_of = {lbl: i for i, lbl in reversed(list(enumerate(labels)))}
    out = pd.DataFrame({
        "partnership": grid["partnership"].tolist(),
        "partnership_order": [order.get(p, len(order)) for p in grid["partnership"].tolist()],
        "criterion": grid["criterion"].tolist(),
        "name": crit["name"].tolist() * len(plans),
        "criterion_order": crit["order"].tolist() * len(plans),
        "score": grid["score"].astype("Int64").array,
        "label": label.tolist(),
        "level": [level_of.get(lbl, len(labels)) for lbl in label.tolist()],
    }, columns=HEATMAP_COLUMNS)
    return out


@per_review
def partnership_levels(review: Review, cycle: str, partnership: str | None) -> dict[str, str]:
    """{criterion: level} of `partnership`'s plan in `cycle` ("Not assessed" for a blank score); {}
    when it has no scores then (or no partnership is chosen): what marks "yours" on the charts."""
    if not partnership:
        return {}
    sc = review.scores
    own = sc[(sc["cycle"] == cycle) & (sc["partnership"] == partnership)]
    return {str(c): (str(lbl) if isinstance(lbl, str) else NOT_ASSESSED) for c, lbl in zip(own["criterion"], own["label"])}


@per_review
def partnership_fully_met(review: Review, cycle: str) -> pd.DataFrame:
    """Per partnership (all of them, workbook order) for the tile map.

    Columns: partnership, order, aliases ("; "-joined, for matching map positions), fully_met
    (Int64: criteria at the best level; <NA> when the partnership has no scores this cycle),
    assessed (criteria with a score), criteria (criteria in the workbook)."""
    p = review.partnerships.sort_values("order")
    n_crit = int(len(review.criteria))
    frame = heatmap_frame(review, cycle)
    full = review.full_label if len(review.scale) else None
    if frame.empty:
        assessed_by, full_by = {}, {}
    else:
        assessed_by = frame[frame["label"] != NOT_ASSESSED].groupby("partnership").size().to_dict()
        full_by = frame[frame["label"] == full].groupby("partnership").size().to_dict()
    rows = []
    for i, r in enumerate(p.itertuples(index=False)):
        name = str(r.partnership)
        assessed = int(assessed_by.get(name, 0))
        fm = int(full_by.get(name, 0)) if assessed else pd.NA
        aliases = "" if pd.isna(r.aliases) else str(r.aliases)
        rows.append((name, i, aliases, fm, assessed, n_crit))
    out = pd.DataFrame(rows, columns=FULLY_MET_COLUMNS)
    out["fully_met"] = out["fully_met"].astype("Int64")
    return out


# ---------------------------------------------------------------------------------------------
# change since the previous cycle

@per_review
def change_since_previous(review: Review, cycle: str) -> pd.DataFrame:
    """Per criterion: plans fully met in the previous cycle with data (scores or published) and in
    this one, and the change.

    Columns: criterion, name, order, previous_cycle, previous_count, previous_plans,
    previous_share, cycle, count, plans, share, change_count (count - previous_count), change
    (share - previous_share, a fraction). Criteria with figures in only one of the two cycles have
    <NA>/NaN on the other side. Empty when there is no previous cycle or no figures for this one."""
    prev = previous_cycle(review, cycle)
    now = fully_met(coverage(review, cycle))
    if prev is None or now.empty:
        return _empty(CHANGE_COLUMNS)
    before = fully_met(coverage(review, prev))
    crit = _criteria(review)
    merged = crit.merge(before[["criterion", "count", "plans", "share"]].rename(
        columns={"count": "previous_count", "plans": "previous_plans", "share": "previous_share"}),
        on="criterion", how="left").merge(now[["criterion", "count", "plans", "share"]], on="criterion",
                                          how="left")
    merged = merged[merged["count"].notna() | merged["previous_count"].notna()].copy()
    for col in ("previous_count", "previous_plans", "count", "plans"):
        merged[col] = merged[col].astype("Int64")
    for col in ("previous_share", "share"):
        merged[col] = merged[col].astype(float)
    merged["previous_cycle"] = prev
    merged["cycle"] = cycle
    merged["change_count"] = (merged["count"] - merged["previous_count"]).astype("Int64")
    merged["change"] = merged["share"] - merged["previous_share"]
    return merged[CHANGE_COLUMNS].sort_values("order").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# sentences (plain English, one each, computed from the data)

def _is_default(label: str) -> bool:
    return label.strip().casefold() == "fully met"


def _best_label(review: Review) -> str:
    return review.full_label if len(review.scale) else DEFAULT_LABELS[0]


def _met(label: str, n_plans_phrase: str, what: str) -> str:
    """"<n plans> fully met <what>" or "<n plans> were rated <label> on <what>"."""
    if _is_default(label):
        return f"{n_plans_phrase} fully met {what}"
    return f"{n_plans_phrase} {'was' if n_plans_phrase.endswith(' plan') else 'were'} rated {label} on {what}"


@per_review
def coverage_sentence(review: Review, cycle: str) -> str:
    """e.g. "28 of 30 plans fully met Vision; Resources was fully met by the fewest (8 of 30)."."""
    cov = coverage(review, cycle)
    best = fully_met(cov)
    if best.empty or not int(best["plans"].iloc[0]):
        return f"There are no scores or published figures for {cycle}."
    n = int(best["plans"].iloc[0])
    label = str(best["label"].iloc[0])
    top = best[best["count"] == best["count"].max()]
    low = best[best["count"] == best["count"].min()]
    k_top = int(top["count"].iloc[0])
    each_top = " each" if len(top) > 1 else ""
    sentence = _met(label, f"{k_top} of {n} plans", _join(top["name"].tolist())) + each_top
    if len(low) < len(best):
        k = int(low["count"].iloc[0])
        each = " each" if len(low) > 1 else ""
        names = _join(low["name"].tolist())
        if _is_default(label):
            sentence += (f"; {names} {_plural(len(low), 'was', 'were')} fully met by the fewest "
                         f"({k} of {n}{each})")
        else:
            sentence += f"; {names} {_plural(len(low), 'was', 'were')} rated {label} least often ({k} of {n}{each})"
    total = int(len(review.criteria))
    if str(cov["source"].iloc[0]) == "published" and len(best) < total:
        sentence += f" (published figures for {len(best)} of {total} criteria)"
    return sentence + "."


@per_review
def change_sentence(review: Review, cycle: str) -> str:
    """e.g. "24 of 30 plans fully met Family Support, up from 21 in 2020-2023; 9 of 16 criteria rose
    and 5 fell." for the criterion whose share fully met changed most."""
    ch = change_since_previous(review, cycle)
    if ch.empty:
        return f"There is no earlier cycle with figures to compare {cycle} with."
    both = ch[ch["change"].notna()]
    prev = str(ch["previous_cycle"].iloc[0])
    if both.empty:
        return f"No criterion has figures for both {prev} and {cycle}."
    label = _best_label(review)
    size = both["change"].abs().round(9)
    pick = both.loc[size[size == size.max()].index[0]]  # the biggest change; ties in workbook order
    count, plans, before = int(pick["count"]), int(pick["plans"]), int(pick["previous_count"])
    if pick["change"] > 0:
        direction = f"up from {before}"
    elif pick["change"] < 0:
        direction = f"down from {before}"
    else:
        direction = f"the same as the {before}"
    if int(pick["previous_plans"]) != plans:
        direction += f" of {int(pick['previous_plans'])}"
    sentence = f"{_met(label, f'{count} of {plans} plans', str(pick['name']))}, {direction} in {prev}"
    if len(both) > 1:
        rose = int((both["change"] > 0).sum())
        fell = int((both["change"] < 0).sum())
        sentence += f"; {rose} of {len(both)} criteria rose and {fell} fell"
    return sentence + "."


@per_review
def timeline_sentence(review: Review, cycle: str) -> str:
    """e.g. "11 of 30 plans were received by the extended deadline of 31 March 2021; 19 came later
    and none are outstanding."."""
    t = timeline(review, cycle)
    if t.partnerships.empty:
        return f"There are no submission records for {cycle}."
    status = t.partnerships["status"]
    on_time = int((status == ON_TIME).sum())
    late = int((status == LATE).sum())
    missing = int((status == NOT_RECEIVED).sum())
    which = "the extended deadline" if pd.notna(t.extended_due_date) else "the deadline"
    when = f" of {format_date(t.deadline)}" if pd.notna(t.deadline) else ""
    first = f"{on_time} of {t.expected} plans {_plural(on_time, 'was', 'were')} received by {which}{when}"
    later = "none came later" if late == 0 else f"{late} came later"
    outstanding = ("none are outstanding" if missing == 0
                   else f"{missing} {_plural(missing, 'is', 'are')} outstanding")
    return f"{first}; {later} and {outstanding}."


@per_review
def headline_sentence(review: Review, cycle: str) -> str:
    """e.g. "In 2023-2026, 7 of 16 criteria were fully met by at least two thirds of the 30 plans;
    the weakest were Resources (8), SMART (10) and Manageable/Measurable Priorities (12)."."""
    h = headline(review, cycle)
    if not h["plans"]:
        return f"There are no scores or published figures for {cycle}."
    k, total = len(h["well_met"]), h["criteria"]
    label = h["full_label"]
    how = "fully met by" if _is_default(label) else f"rated {label} in"
    sentence = (f"In {cycle}, {k} of {total} {_plural(total, 'criterion', 'criteria')} "
                f"{_plural(k, 'was', 'were')} {how} at least two thirds of the {h['plans']} plans")
    weak = [f"{name} ({h['weakest_counts'][name]})" for name in h["weakest"]]
    if weak:
        sentence += f"; the weakest {_plural(len(weak), 'was', 'were')} {_join(weak)}"
    return sentence + "."


@per_review
def heatmap_sentence(review: Review, cycle: str) -> str:
    """e.g. "Across 30 plans and 16 criteria, 60% of scores were Fully met, 30% Partially met and
    10% Not met."."""
    frame = heatmap_frame(review, cycle)
    if frame.empty:
        return f"There are no per-partnership scores for {cycle}."
    plans = frame["partnership"].nunique()
    crits = frame["criterion"].nunique()
    total = len(frame)
    parts = []
    for lbl in review.labels + [NOT_ASSESSED]:
        k = int((frame["label"] == lbl).sum())
        if lbl == NOT_ASSESSED and k == 0:
            continue
        parts.append((lbl if lbl != NOT_ASSESSED else NOT_ASSESSED.lower(), round(100 * k / total)))
    text = [f"{parts[0][1]}% of scores were {parts[0][0]}"] + [f"{pct}% {lbl}" for lbl, pct in parts[1:]]
    return (f"Across {plans} {_plural(plans, 'plan', 'plans')} and {crits} "
            f"{_plural(crits, 'criterion', 'criteria')}, {_join(text)}.")


@per_review
def tilemap_sentence(review: Review, cycle: str) -> str:
    """e.g. "Each plan fully met between 3 and 16 of the 16 criteria; 16 of 30 fully met 11 or more."."""
    frame = partnership_fully_met(review, cycle)
    scored = frame[frame["fully_met"].notna()]
    if scored.empty:
        return f"There are no per-partnership scores for {cycle}."
    label = _best_label(review)
    n = int(frame["criteria"].iloc[0])
    counts = scored["fully_met"].astype(int)
    lo, hi, k = int(counts.min()), int(counts.max()), len(scored)
    crits = _plural(n, "criterion", "criteria")
    verb = "fully met" if _is_default(label) else f"had {label} on"
    if lo == hi:
        who = "The plan" if k == 1 else f"All {k} plans"
        return f"{who} {verb} {lo} of the {n} {crits}."
    median = int(counts.median())
    at_least = int((counts >= median).sum())
    return (f"Each plan {verb} between {lo} and {hi} of the {n} {crits}; "
            f"{at_least} of {k} {verb} {median} or more.")


# ---------------------------------------------------------------------------------------------
# tables for the Data tabs (plain column names, one row per thing a reader looks up)

@by_content
def coverage_table(cov: pd.DataFrame, order: list[str] | None = None) -> pd.DataFrame:
    """Criterion by level: count and share (%) of plans, in the chart's criterion order (`order`,
    criterion IDs top first, as given to the chart; default the workbook's order)."""
    if cov.empty:
        return pd.DataFrame(columns=["ID", "Criterion"])
    levels = list(dict.fromkeys(cov.sort_values("level")["label"]))
    counts = cov.pivot_table(index=["order", "criterion", "name"], columns="label", values="count",
                             aggfunc="sum", observed=True).reindex(columns=levels).fillna(0).astype(int)
    shares = (cov.pivot_table(index=["order", "criterion", "name"], columns="label", values="share",
                              aggfunc="sum", observed=True).reindex(columns=levels).fillna(0) * 100).round(0)
    out = counts.copy()
    for level in levels:
        out[f"{level} (%)"] = shares[level].astype(int)
    out = out.reset_index().sort_values("order").drop(columns="order")
    if order:
        position = {cid: i for i, cid in enumerate(order)}
        out = out.sort_values("criterion", key=lambda ids: ids.map(position).fillna(len(position)), kind="stable")
    out.columns.name = None
    return out.reset_index(drop=True).rename(columns={"criterion": "ID", "name": "Criterion"})


@by_content
def heatmap_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Partnership by criterion, each cell the level's label (blank = not assessed). A criterion's
    column is headed by its ID and name, "12. Resources" (its ID alone when it has no other name),
    so the table reads without the Definitions page beside it."""
    if frame.empty:
        return pd.DataFrame(columns=["Partnership"])
    wide = frame.pivot_table(index=["partnership_order", "partnership"], columns="criterion_order",
                             values="label", aggfunc="first", observed=True)
    first = frame.drop_duplicates("criterion_order").set_index("criterion_order")
    heads = {}
    for order, cid, name in zip(first.index, first["criterion"].astype(str), first["name"].fillna("").astype(str)):
        heads[order] = f"{cid}. {name}" if name.strip() and name.strip() != cid else cid
    wide.columns = [heads[c] for c in wide.columns]
    out = wide.reset_index().drop(columns="partnership_order").rename(columns={"partnership": "Partnership"})
    return out.fillna("")


def change_table(change: pd.DataFrame, label: str = "Fully met") -> pd.DataFrame:
    """`label`: the best level's name for the column headers (e.g. "Excellent 2020-2023")."""
    if change.empty:
        return pd.DataFrame(columns=["ID", "Criterion"])
    prev, cur = change["previous_cycle"].iloc[0], change["cycle"].iloc[0]
    return pd.DataFrame({
        "ID": change["criterion"], "Criterion": change["name"],
        f"{label} {prev}": change["previous_count"].astype(int),
        f"Plans {prev}": change["previous_plans"].astype(int),
        f"{label} {cur}": change["count"].astype(int), f"Plans {cur}": change["plans"].astype(int),
        "Change (plans)": change["change_count"].astype(int),
        "Change (percentage points)": (change["change"] * 100).round(0).astype(int),
    })


def submissions_table(per: pd.DataFrame) -> pd.DataFrame:
    if per.empty:
        return pd.DataFrame(columns=["Partnership", "Submitted", "Deadline", "Days late", "Status"])
    return pd.DataFrame({
        "Partnership": per["partnership"],
        "Submitted": per["submitted"].dt.strftime("%Y-%m-%d").fillna(""),
        "Deadline": per["deadline"].dt.strftime("%Y-%m-%d").fillna(""),
        "Days late (negative = early)": per["days_late"],
        "Draft": per["draft"].map({True: "yes", False: "no"}),
        "Interim statement": per["interim_statement"].dt.strftime("%Y-%m-%d").fillna(""),
        "Status": per["status"],
    })


def cumulative_table(cum: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Date": cum["date"].dt.strftime("%Y-%m-%d"), "Plans received that day": cum["received"],
                         "Plans received so far": cum["cumulative"]})


def tiles_table(frame: pd.DataFrame, full_label: str) -> pd.DataFrame:
    return pd.DataFrame({"Partnership": frame["partnership"],
                         f"Criteria {full_label.lower()}": frame["fully_met"],
                         "Criteria assessed": frame["assessed"]})
