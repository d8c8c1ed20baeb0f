"""One partnership against the rest, and the 2019 themes followed into later cycles.

Pure functions: a `loaders.model.Review` in, tidy pandas frames, dicts and plain-English sentences
out. Nothing here knows about the Scottish review: scale levels (any number, best first), criteria,
cycles and partnerships all come from the Review; peer groups are optional.

Hiding names: `name_map` gives every partnership other than the chosen one a neutral label
("Partnership A", ...) in an order that follows a salted hash of the name, not the alphabet;
`apply_names` puts the labels into any frame, and `scrub_text` replaces other partnerships' names
and aliases in free text (findings, sources, questions).
"""
from __future__ import annotations

import functools
import hashlib
import re
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.memo import by_content, per_review
from loaders.model import NOT_ASSESSED, Review
from loaders.reader import column_letter  # 0 -> A, 25 -> Z, 26 -> AA: the labels of hidden names

# The 2019 review looked at the 2017-2020 plans; "later cycles" are those that start after it.
THEMES_REVIEW_YEAR = 2019
DEFAULT_FULL_LABEL = "Fully met"  # the label the National figures sheet always uses for the best level

__all__ = [
    "anonymise", "name_map", "apply_names", "scrub_text", "scrub_frame", "other_names",
    "previous_cycle", "standing", "change", "strengths_priorities", "submission_position",
    "ranks", "theme_cycles", "theme_rows", "extent_meaning",
    "full_phrase", "headline", "standing_sentence", "change_sentence", "submission_sentence",
    "ranks_sentence", "theme_sentence", "themes_sentence", "format_date",
]


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

def _partnership_names(review_or_frames) -> list[str]:
    if isinstance(review_or_frames, Review):
        frame = review_or_frames.partnerships
    elif isinstance(review_or_frames, Mapping) and "partnerships" in review_or_frames:
        frame = review_or_frames["partnerships"]
    else:
        frame = review_or_frames
    if isinstance(frame, pd.DataFrame):
        return [str(p) for p in frame["partnership"].tolist()]
    if isinstance(frame, pd.Series):
        return [str(p) for p in frame.tolist()]
    return [str(p) for p in frame]


def anonymise(review_or_frames, keep: str) -> dict[str, str]:
    """{real name: shown name} for every partnership: `keep` keeps its name, every other one gets
    "Partnership A", "Partnership B", ... in the order of sha256(keep + name), so the letters follow
    neither the alphabet nor the workbook, and differ from one chosen partnership to another.

    `review_or_frames`: a Review, a dict of frames with "partnerships", the partnerships frame,
    or a list of names."""
    names = list(dict.fromkeys(_partnership_names(review_or_frames)))
    others = [n for n in names if n != keep]
    others.sort(key=lambda n: hashlib.sha256(f"{keep}\x1f{n}".encode("utf-8")).hexdigest())
    mapping = {n: f"Partnership {column_letter(i)}" for i, n in enumerate(others)}
    if keep:
        mapping[keep] = keep
    return mapping


def name_map(review: Review, keep: str, hide: bool = True) -> dict[str, str]:
    """`anonymise(review, keep)` when `hide`, else the identity mapping (every name as it is)."""
    if not hide:
        return {n: n for n in _partnership_names(review)}
    return anonymise(review, keep)


def apply_names(df: pd.DataFrame, mapping: Mapping[str, str], columns: Iterable[str] = ("partnership",)) -> pd.DataFrame:
    """A copy of `df` with partnership names replaced through `mapping` in `columns` (those present),
    and in column headers and the index where they are partnership names (wide tables)."""
    out = df.copy()
    if not mapping:
        return out
    for col in columns:
        if col in out.columns:
            out[col] = out[col].map(lambda v: mapping.get(v, v) if isinstance(v, str) else v)
    if any(isinstance(c, str) and c in mapping for c in out.columns):
        out = out.rename(columns=lambda c: mapping.get(c, c) if isinstance(c, str) else c)
    if not isinstance(out.index, pd.MultiIndex) and any(isinstance(i, str) and i in mapping for i in out.index):
        out.index = pd.Index([mapping.get(i, i) if isinstance(i, str) else i for i in out.index], name=out.index.name)
    return out


def _split_aliases(value) -> list[str]:
    if not isinstance(value, str):
        return []
    return [a.strip() for a in value.split(";") if a.strip()]


def other_names(review: Review, keep: str) -> list[str]:
    """Every name and alias of partnerships other than `keep` (what must not appear when hidden)."""
    return [name for name, repl in _scrub_targets(review, keep, {}) if repl is not None]


def _name_pattern(name: str) -> str:
    tokens = name.split()
    parts = []
    for tok in tokens:
        if tok == "&" or tok.lower() == "and":
            parts.append(r"(?:&|and)")
        else:
            parts.append(re.escape(tok).replace("&", r"\s*(?:&|and)\s*"))
    return r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)"


@functools.lru_cache(maxsize=64)
def _scrub_pattern(targets: tuple[tuple[str, str | None], ...]):
    ordered = sorted((t for t in targets if t[0].strip()), key=lambda t: len(t[0]), reverse=True)
    if not ordered:
        return None, ()
    groups = [f"(?P<g{i}>{_name_pattern(name)})" for i, (name, _) in enumerate(ordered)]
    return re.compile("|".join(groups), flags=re.IGNORECASE), tuple(r for _, r in ordered)


def _scrub_targets(review: Review, keep: str, mapping: Mapping[str, str]) -> tuple:
    targets = []  # (name as written, replacement or None to leave it)
    frame = review.partnerships
    aliases = frame["aliases"].tolist() if "aliases" in frame.columns else [""] * len(frame)
    for partnership, alias in zip(frame["partnership"].tolist(), aliases):
        names = [partnership] + _split_aliases(alias)
        if partnership == keep:
            targets.extend((n, None) for n in names)
        else:
            label = mapping.get(partnership) or "another partnership"
            targets.extend((n, label) for n in names)
    return tuple(targets)


def scrub_text(text, review: Review, keep: str, mapping: Mapping[str, str] | None = None):
    """`text` with every other partnership's name or alias replaced by its neutral label.

    Matching ignores case, spacing and "&" versus "and", and takes whole words only; `keep`'s own
    names and aliases are left alone even when another partnership's name is part of them.
    `mapping` defaults to `anonymise(review, keep)`. Non-strings are returned as they are."""
    if not isinstance(text, str) or not text:
        return text
    mapping = mapping if mapping is not None else anonymise(review, keep)
    pattern, replacements = _scrub_pattern(_scrub_targets(review, keep, mapping))
    if pattern is None:
        return text

    def sub(m: re.Match) -> str:
        repl = replacements[int(m.lastgroup[1:])]
        return m.group(0) if repl is None else repl

    return pattern.sub(sub, text)


def scrub_frame(df: pd.DataFrame, review: Review, keep: str, mapping: Mapping[str, str] | None = None,
                columns: Iterable[str] | None = None) -> pd.DataFrame:
    """A copy of `df` with `scrub_text` applied to every text cell of `columns` (default: every
    column of strings) and with `apply_names` on its "partnership" column: for free-text tables
    (theme findings, sources) when names are hidden."""
    mapping = dict(mapping) if mapping is not None else anonymise(review, keep)
    out = apply_names(df, mapping)
    cols = list(columns) if columns is not None else [
        c for c in out.columns if out[c].map(lambda v: isinstance(v, str)).any()]
    for c in cols:
        if c in out.columns:
            out[c] = out[c].map(lambda v: scrub_text(v, review, keep, mapping) if isinstance(v, str) else v)
    return out


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Standing
# ---------------------------------------------------------------------------------------------

STANDING_FIXED = [
    "criterion", "name", "group", "score", "label", "level_rank",
    "plans", "higher", "same", "lower", "full_count", "full_share",
    "peer_group", "peer_plans", "peer_higher", "peer_same", "peer_lower", "peer_full_count",
    "peer_full_share", "source",
]


@per_review
def _standing(review: Review, cycle: str, partnership: str, peer_group: str | None = None) -> pd.DataFrame:
    """One row per criterion (criteria order): where `partnership` stands among all plans in `cycle`.

    Columns: criterion, name, group, score (Int64), label (its scale label, or "Not assessed"),
    level_rank (Int64, 0 = best level); one count column per scale label (named by the label, best
    first) and "Not assessed" (plans with a blank score); plans (plans assessed on the criterion),
    higher / same / lower (how many OTHER plans scored better / the same / worse; <NA> when this
    plan is not assessed), full_count and full_share (plans at the best level, share of plans
    assessed, 0-1); peer_group ("" when none), peer_plans, peer_higher, peer_same, peer_lower,
    peer_full_count, peer_full_share (the same among its peer group, itself included in the
    counts and shares but not in higher/same/lower; <NA>/NaN without a peer group); source
    ("scores", "published" when the cycle has no scores for the criterion and the counts come from
    National figures, or "" when neither). `peer_group` compares with another group than its own.
    """
    labels = review.labels
    full = review.full_label
    crit = _criteria(review)
    sc = _scored(review, cycle)
    group = peer_group or _peer_group_of(review, partnership)
    peers = _peers(review, group)
    nat = review.national
    nat = nat[nat["cycle"] == cycle] if not nat.empty else nat
    nat_ok = not nat.empty and set(nat["label"]) <= set(labels)

    # counts per criterion and level, once per cycle (and peer group), not one filter per criterion
    k = len(labels)
    zero = [0] * (k + 1)
    every = _level_counts(review, cycle)
    mine = sc[sc["partnership"] == partnership]
    # its own rows, as plain values: counts per criterion and level (k = not assessed), first rank/score
    own_counts: dict[str, list[int]] = {}
    own_first: dict[str, tuple] = {}
    for crit_id, rank, score in zip(mine["criterion"].tolist(), mine["rank"].tolist(), mine["score"].tolist()):
        own_counts.setdefault(crit_id, [0] * (k + 1))[k if pd.isna(rank) else int(rank)] += 1
        own_first.setdefault(crit_id, (rank, score))
    peer_counts = _level_counts(review, cycle, frozenset(peers)) if peers else {}
    in_peers = partnership in peers

    def _sum(values) -> int:
        return int(sum(values))

    rows = []
    for c in crit.itertuples(index=False):
        allc = every.get(c.criterion, zero)
        ownc = own_counts.get(c.criterion, zero)
        own_rank, own_score = own_first.get(c.criterion, (pd.NA, pd.NA))
        own_label = labels[int(own_rank)] if not pd.isna(own_rank) else NOT_ASSESSED
        n_assessed = _sum(allc[:k])
        row = {
            "criterion": c.criterion,
            "name": c.name,
            "group": getattr(c, "group", "") or "",
            "score": own_score,
            "label": own_label,
            "level_rank": own_rank,
        }
        counts = {lab: int(allc[i]) for i, lab in enumerate(labels)}
        n_blank = int(allc[k])
        source = "scores" if n_assessed else ""
        if not n_assessed and nat_ok:
            nc = nat[nat["criterion"] == c.criterion]
            if len(nc):
                counts = {lab: int(nc.loc[nc["label"] == lab, "count"].sum()) for lab in labels}
                source = "published"
        row.update(counts)
        row[NOT_ASSESSED] = n_blank
        plans = sum(counts.values())
        row["plans"] = plans
        others = [a - b for a, b in zip(allc[:k], ownc[:k])]   # every other plan assessed, per level
        if pd.isna(own_rank):
            row["higher"] = row["same"] = row["lower"] = pd.NA
        else:
            r = int(own_rank)
            row["higher"], row["same"], row["lower"] = _sum(others[:r]), int(others[r]), _sum(others[r + 1:])
        row["full_count"] = counts.get(full, 0)
        row["full_share"] = _share(row["full_count"], plans)
        row["peer_group"] = group
        if peers and source == "scores":
            pa = peer_counts.get(c.criterion, zero)[:k]                       # the group, itself included
            po = [a - b for a, b in zip(pa, ownc[:k])] if in_peers else pa    # the group without itself
            row["peer_plans"] = _sum(pa)
            if pd.isna(own_rank):
                row["peer_higher"] = row["peer_same"] = row["peer_lower"] = pd.NA
            else:
                r = int(own_rank)
                row["peer_higher"], row["peer_same"], row["peer_lower"] = _sum(po[:r]), int(po[r]), _sum(po[r + 1:])
            row["peer_full_count"] = int(pa[0]) if k else 0
            row["peer_full_share"] = _share(row["peer_full_count"], row["peer_plans"])
        else:
            for key in ("peer_plans", "peer_higher", "peer_same", "peer_lower", "peer_full_count"):
                row[key] = pd.NA
            row["peer_full_share"] = float("nan")
        row["source"] = source
        rows.append(row)

    columns = (STANDING_FIXED[:6] + list(labels) + [NOT_ASSESSED] + STANDING_FIXED[6:])
    nullable = {"score", "level_rank", "higher", "same", "lower", "peer_plans", "peer_higher",
                "peer_same", "peer_lower", "peer_full_count"}
    whole = set(labels) | {NOT_ASSESSED, "plans", "full_count"}
    data = {}
    for col in columns:       # each column built with its type (converting afterwards cost ~5 ms)
        values = [row[col] for row in rows]
        if col in nullable:
            data[col] = pd.array(values, dtype="Int64")
        elif col in ("full_share", "peer_full_share"):
            data[col] = np.array(values, dtype=float)
        elif col in whole:
            data[col] = np.array(values, dtype=int)
        else:
            data[col] = values
    return pd.DataFrame(data, columns=columns)


def standing(review: Review, cycle: str, partnership: str, peer_group: str | None = None) -> pd.DataFrame:
    # one remembered result whether the own group is asked for by name or left out (the report does)
    return _standing(review, cycle, partnership, peer_group or _peer_group_of(review, partnership))


standing.__doc__ = _standing.__doc__


# ---------------------------------------------------------------------------------------------
# Change since the previous cycle
# ---------------------------------------------------------------------------------------------

@per_review
def previous_cycle(review: Review, cycle: str) -> str:
    """The latest cycle before `cycle` that has any assessed score, or "" when none."""
    order = _cycles_sorted(review)
    if cycle not in order:
        return ""
    sc = review.scores
    scored_cycles = set(sc.loc[sc["score"].notna(), "cycle"].unique()) if not sc.empty else set()
    for c in reversed(order[: order.index(cycle)]):
        if c in scored_cycles:
            return c
    return ""


CHANGE_COLUMNS = ["criterion", "name", "previous_cycle", "previous_score", "previous_label",
                  "previous_rank", "cycle", "score", "label", "level_rank", "direction"]


@per_review
def change(review: Review, cycle: str, partnership: str) -> pd.DataFrame:
    """One row per criterion: `partnership`'s level in the previous cycle (see `previous_cycle`)
    and in `cycle`.

    Columns: criterion, name, previous_cycle ("" when none), previous_score, previous_label
    ("Not assessed" when blank or absent), previous_rank (Int64, 0 best), cycle, score, label,
    level_rank, direction: "up" (a better level), "same", "down" (a worse level), "new" (no
    previous level to compare with), or "not assessed" (no level in `cycle`)."""
    labels = review.labels
    prev = previous_cycle(review, cycle)
    now = _scored(review, cycle)
    now = now[now["partnership"] == partnership].set_index("criterion")
    before = _scored(review, prev) if prev else _scored(review, "\x00none")
    before = before[before["partnership"] == partnership].set_index("criterion")
    rows = []
    for c in _criteria(review).itertuples(index=False):
        r_now = now["rank"].get(c.criterion, pd.NA) if len(now) else pd.NA
        r_prev = before["rank"].get(c.criterion, pd.NA) if len(before) else pd.NA
        if pd.isna(r_now):
            direction = "not assessed"
        elif pd.isna(r_prev):
            direction = "new"
        elif r_now < r_prev:
            direction = "up"
        elif r_now > r_prev:
            direction = "down"
        else:
            direction = "same"
        rows.append({
            "criterion": c.criterion,
            "name": c.name,
            "previous_cycle": prev,
            "previous_score": before["score"].get(c.criterion, pd.NA) if len(before) else pd.NA,
            "previous_label": labels[int(r_prev)] if not pd.isna(r_prev) else NOT_ASSESSED,
            "previous_rank": r_prev,
            "cycle": cycle,
            "score": now["score"].get(c.criterion, pd.NA) if len(now) else pd.NA,
            "label": labels[int(r_now)] if not pd.isna(r_now) else NOT_ASSESSED,
            "level_rank": r_now,
            "direction": direction,
        })
    out = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    for col in ["previous_score", "previous_rank", "score", "level_rank"]:
        out[col] = out[col].astype("Int64")
    return out


# ---------------------------------------------------------------------------------------------
# Strengths and priorities
# ---------------------------------------------------------------------------------------------

SP_COLUMNS = ["criterion", "name", "label", "full_count", "plans", "full_share"]


@per_review
def strengths_priorities(review: Review, cycle: str, partnership: str,
                         standing_frame: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(strengths, priorities), each with columns criterion, name, label, full_count, plans,
    full_share, in criteria order.

    strengths: criteria `partnership` fully met (best level) that fewer than half of the plans
    assessed fully met; priorities: criteria it was assessed on but did not fully meet that more
    than half of the plans assessed fully met."""
    st = standing_frame if standing_frame is not None else standing(review, cycle, partnership)
    rank = st["level_rank"].to_numpy(dtype=float, na_value=np.nan)
    plans, full_count = st["plans"].to_numpy(), st["full_count"].to_numpy()
    assessed = ~np.isnan(rank) & (plans > 0)
    # only the six columns are taken (taking every column of the frame cost ~1 ms a call)
    strengths = st[SP_COLUMNS].iloc[np.flatnonzero(assessed & (rank == 0) & (full_count * 2 < plans))]
    priorities = st[SP_COLUMNS].iloc[np.flatnonzero(assessed & (rank != 0) & (full_count * 2 > plans))]
    return strengths.reset_index(drop=True), priorities.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Submission
# ---------------------------------------------------------------------------------------------

@per_review
def submission_position(review: Review, cycle: str, partnership: str) -> dict:
    """When `partnership`'s plan for `cycle` arrived, against the deadline and the other plans.

    Keys: partnership, cycle, submitted (Timestamp or NaT), due_date, extended_due_date (NaT when
    none), deadline (the extended date if any, else the due date), days_vs_deadline (int, negative
    = early; None when not received), days_early, days_late (ints >= 0, None when not received),
    median_submitted (median date of all received plans for the cycle, NaT when none),
    days_vs_median (int, negative = before the median), received (plans received), plans (plans
    with a submission row), received_before (plans received strictly earlier), draft (bool),
    interim_statement, feedback_issued (Timestamp or NaT), status: "on time", "late",
    "not yet received" or "no record" (no submission row)."""
    crow = _cycle_row(review, cycle)
    due = crow["due_date"] if crow is not None else pd.NaT
    ext = crow["extended_due_date"] if crow is not None and "extended_due_date" in crow else pd.NaT
    deadline = ext if not pd.isna(ext) else due
    subs = review.submissions[review.submissions["cycle"] == cycle]
    received = subs["submitted"].dropna()
    median = pd.Timestamp(received.median()).normalize() if len(received) else pd.NaT
    own = subs[subs["partnership"] == partnership]
    out = {
        "partnership": partnership, "cycle": cycle, "submitted": pd.NaT,
        "due_date": due, "extended_due_date": ext if not pd.isna(ext) else pd.NaT, "deadline": deadline,
        "days_vs_deadline": None, "days_early": None, "days_late": None,
        "median_submitted": median, "days_vs_median": None,
        "received": int(len(received)), "plans": int(len(subs)), "received_before": None,
        "draft": False, "interim_statement": pd.NaT, "feedback_issued": pd.NaT,
        "status": "no record",
    }
    if own.empty:
        return out
    r = own.iloc[0]
    out["draft"] = bool(r.get("draft", False)) if not pd.isna(r.get("draft", False)) else False
    out["interim_statement"] = r.get("interim_statement", pd.NaT)
    out["feedback_issued"] = r.get("feedback_issued", pd.NaT)
    sub = r["submitted"]
    if pd.isna(sub):
        out["status"] = "not yet received"
        return out
    sub = pd.Timestamp(sub)
    out["submitted"] = sub
    out["received_before"] = int((received < sub).sum())
    if not pd.isna(deadline):
        d = (sub.normalize() - pd.Timestamp(deadline).normalize()).days
        out["days_vs_deadline"] = int(d)
        out["days_early"] = int(max(0, -d))
        out["days_late"] = int(max(0, d))
        out["status"] = "late" if d > 0 else "on time"
    else:
        out["status"] = "on time"
    if not pd.isna(median):
        out["days_vs_median"] = int((sub.normalize() - median).days)
    return out


# ---------------------------------------------------------------------------------------------
# Ranks (shown only when asked for)
# ---------------------------------------------------------------------------------------------

def ranks(review: Review, cycle: str, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Partnerships assessed in `cycle` by number of criteria at the best level; ties share a rank.

    Columns: rank (int, 1 = most), partnership, peer_group, fully_met, assessed (criteria assessed),
    tied (bool). Sorted by rank, then by shown name: pass `names` (from `name_map`) so that the
    order within a tie does not give away real names."""
    sc = _scored(review, cycle)
    sc = sc[sc["rank"].notna()]
    cols = ["rank", "partnership", "peer_group", "fully_met", "assessed", "tied"]
    if sc.empty:
        return pd.DataFrame(columns=cols)
    g = sc.groupby("partnership")["rank"]
    out = pd.DataFrame({"fully_met": (sc["rank"] == 0).astype(int).groupby(sc["partnership"]).sum(),
                        "assessed": g.size()}).reset_index()
    pg = dict(zip(review.partnerships["partnership"], review.partnerships["peer_group"]))
    out["peer_group"] = out["partnership"].map(lambda p: pg.get(p, "") or "")
    out["rank"] = out["fully_met"].rank(method="min", ascending=False).astype(int)
    out["tied"] = out.duplicated("rank", keep=False)
    if names:
        out = apply_names(out, names)
    out = out.sort_values(["rank", "partnership"], kind="stable").reset_index(drop=True)
    out["fully_met"] = out["fully_met"].astype(int)
    out["assessed"] = out["assessed"].astype(int)
    return out[cols]


# ---------------------------------------------------------------------------------------------
# 2019 themes
# ---------------------------------------------------------------------------------------------

_EXTENT_WORDS = {
    "all": "all plans",
    "most": "more than half of plans",
    "majority": "more than half of plans",
    "the majority": "more than half of plans",
    "some": "some plans",
    "few": "a few plans",
    "a few": "a few plans",
    "none": "no plans",
}


def extent_meaning(extent, count=None) -> str:
    """Plain words for a 2019 extent: all -> "all plans"; most/majority -> "more than half of
    plans"; some -> "some plans"; few -> "a few plans"; none -> "no plans"; a count -> "3 plans";
    blank -> "not stated"; anything else as written."""
    if count is not None and not pd.isna(count):
        return _plural(int(count), "plan")
    text = extent.strip().lower() if isinstance(extent, str) else ""
    if not text:
        return "not stated"
    if text in _EXTENT_WORDS:
        return _EXTENT_WORDS[text]
    m = re.fullmatch(r"(?:only\s+)?(\d+)", text)
    if m:
        return _plural(int(m.group(1)), "plan")
    return text


def _extent_bounds(extent, count, all_plans):
    """(low, high) in plans, only where the review's words pin them: all, most/majority (low is
    half, exclusive), none, a count. (None, None) otherwise."""
    text = extent.strip().lower() if isinstance(extent, str) else ""
    if count is None or pd.isna(count):
        m = re.fullmatch(r"(?:only\s+)?(\d+)", text)
        count = int(m.group(1)) if m else None
    if count is not None:
        return float(count), float(count)
    if text == "all" and all_plans:
        return float(all_plans), float(all_plans)
    if text in ("most", "majority", "the majority") and all_plans:
        return all_plans / 2, float(all_plans)
    if text == "none":
        return 0.0, 0.0
    return None, None


@per_review
def theme_cycles(review: Review) -> list[str]:
    """Cycles after the 2019 review that have assessed scores or national figures, oldest first."""
    cyc = review.cycles
    if cyc.empty:
        return []
    later = cyc[cyc["start_year"] >= THEMES_REVIEW_YEAR] if "start_year" in cyc.columns else cyc
    have = set(review.scores.loc[review.scores["score"].notna(), "cycle"].unique()) if not review.scores.empty else set()
    if not review.national.empty:
        have |= set(review.national["cycle"])
    return [c for c in _cycles_sorted(review) if c in set(later["cycle"]) and c in have]


THEME_FIXED = ["theme", "finding", "extent", "extent_meaning", "extent_count", "extent_low",
               "extent_high", "all_plans", "criterion", "criterion_name"]


def theme_cycle_columns(cycle: str) -> dict[str, str]:
    """Names of the per-cycle columns of `theme_rows`."""
    return {"count": f"{cycle} fully met", "plans": f"{cycle} plans", "share": f"{cycle} share",
            "source": f"{cycle} source"}


@per_review
def _full_counts(review: Review, cycle: str) -> dict[str, tuple[int, int, str]]:
    """criterion -> (plans at best level, plans assessed, source) for `cycle`: from scores when
    the criterion has any assessed score, else from National figures."""
    out = {}
    sc = _scored(review, cycle)
    sc = sc[sc["rank"].notna()]
    for crit, g in sc.groupby("criterion"):
        out[crit] = (int((g["rank"] == 0).sum()), int(len(g)), "scores")
    nat = review.national
    if not nat.empty:
        full = _national_full_label(review)
        nat = nat[nat["cycle"] == cycle]
        for crit, g in nat.groupby("criterion"):
            if crit in out:
                continue
            out[crit] = (int(g.loc[g["label"] == full, "count"].sum()), int(g["count"].sum()), "published")
    return out


@per_review
def theme_rows(review: Review) -> pd.DataFrame:
    """One row per 2019 theme (Themes 2019 order).

    Columns: theme, finding, extent (as written, lower case), extent_meaning (plain words, see
    `extent_meaning`), extent_count (Int64, when the extent is a count), extent_low / extent_high
    (float plans, only for all / most / majority / none / a count: where the 2019 words place the
    theme on a count-of-plans axis; NaN otherwise), all_plans (number of partnerships: what "all"
    means on that axis), criterion (ID or ""), criterion_name ("" when none); then for each cycle
    of `theme_cycles(review)`: "<cycle> fully met" (Int64), "<cycle> plans" (Int64, plans counted),
    "<cycle> share" (float 0-1), "<cycle> source" ("scores", "published" or "").
    Empty (with these columns) when the workbook has no Themes 2019 sheet."""
    cycles = theme_cycles(review)
    cols = list(THEME_FIXED)
    for c in cycles:
        cols += list(theme_cycle_columns(c).values())
    themes = review.themes
    if themes is None or themes.empty:
        return pd.DataFrame(columns=cols)
    names = review.criterion_names
    all_plans = int(len(review.partnerships))
    counts = {c: _full_counts(review, c) for c in cycles}
    rows = []
    for t in themes.itertuples(index=False):
        crit = t.criterion if isinstance(t.criterion, str) else ""
        count = getattr(t, "extent_count", pd.NA)
        count = pd.NA if count is None or pd.isna(count) else int(count)
        low, high = _extent_bounds(t.extent, None if pd.isna(count) else count, all_plans)
        row = {
            "theme": t.theme, "finding": t.finding,
            "extent": t.extent if isinstance(t.extent, str) else "",
            "extent_meaning": extent_meaning(t.extent, None if pd.isna(count) else count),
            "extent_count": count,
            "extent_low": float("nan") if low is None else low,
            "extent_high": float("nan") if high is None else high,
            "all_plans": all_plans,
            "criterion": crit, "criterion_name": names.get(crit, "") if crit else "",
        }
        for c in cycles:
            names_c = theme_cycle_columns(c)
            got = counts[c].get(crit) if crit else None
            if got:
                row[names_c["count"]], row[names_c["plans"]], row[names_c["source"]] = got
                row[names_c["share"]] = _share(got[0], got[1])
            else:
                row[names_c["count"]] = pd.NA
                row[names_c["plans"]] = pd.NA
                row[names_c["share"]] = float("nan")
                row[names_c["source"]] = ""
        rows.append(row)
    out = pd.DataFrame(rows, columns=cols)
    out["extent_count"] = out["extent_count"].astype("Int64")
    for c in cycles:
        n = theme_cycle_columns(c)
        out[n["count"]] = out[n["count"]].astype("Int64")
        out[n["plans"]] = out[n["plans"]].astype("Int64")
        out[n["share"]] = out[n["share"]].astype(float)
    return out


# ---------------------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------------------

@per_review
def headline(review: Review, cycle: str, partnership: str, name: str | None = None,
             standing_frame: pd.DataFrame | None = None) -> str:
    """E.g. "Fife fully met 11 of 16 criteria in 2023-2026; 3 are strengths that fewer than half of
    plans fully met, and 2 are priorities that more than half of plans fully met." `name` is how
    to show the partnership (defaults to its name)."""
    name = name or partnership
    st = standing_frame if standing_frame is not None else standing(review, cycle, partnership)
    verb, part = full_phrase(review)
    total = len(st)
    assessed = int(st["level_rank"].notna().sum())
    if assessed == 0:
        return f"{name} has no assessed criteria in {cycle}."
    full = int((st["level_rank"] == 0).sum())
    of = f"{full} of {_plural(total, 'criterion', 'criteria')}" if assessed == total else \
        f"{full} of the {assessed} criteria assessed (of {total})"
    s, p = strengths_priorities(review, cycle, partnership, st)
    text = f"{name} {verb} {of} in {cycle}"
    extra = []
    if len(s):
        extra.append(f"{len(s)} {'is a strength' if len(s) == 1 else 'are strengths'} that fewer than "
                     f"half of plans {'were ' + part if part != 'fully met' else 'fully met'}")
    if len(p):
        extra.append(f"{len(p)} {'is a priority' if len(p) == 1 else 'are priorities'} that more than "
                     f"half of plans {'were ' + part if part != 'fully met' else 'fully met'}")
    if extra:
        text += "; " + ", and ".join(extra)
    return text + "."


@by_content
def standing_sentence(standing_frame: pd.DataFrame, partnership_label: str, full_label: str = "Fully met") -> str:
    """Summary for the spine chart, e.g. "Fife is at the best level (Fully met) on 11 of 16
    criteria. Nationally, Resources was the least often fully met (8 of 30 plans)."""
    st = standing_frame
    if st.empty:
        return "There are no criteria to show."
    full = int((st["level_rank"] == 0).sum())
    assessed = int(st["level_rank"].notna().sum())
    text = f"{partnership_label} is at the best level ({full_label}) on {full} of {_plural(len(st), 'criterion', 'criteria')}"
    if assessed < len(st):
        text += f" ({len(st) - assessed} not assessed)"
    text += "."
    have = st[st["plans"] > 0]
    if len(have):
        low = have.sort_values(["full_share", "full_count"], kind="stable").iloc[0]
        high = have.sort_values(["full_share", "full_count"], ascending=False, kind="stable").iloc[0]
        text += (f" Across all plans, {high['name']} was most often at that level "
                 f"({int(high['full_count'])} of {int(high['plans'])} plans) and {low['name']} least often "
                 f"({int(low['full_count'])} of {int(low['plans'])}).")
    return text


@by_content
def change_sentence(change_frame: pd.DataFrame, partnership_label: str) -> str:
    """E.g. "Since 2020-2023, Fife moved up on 3 criteria, stayed the same on 10 and moved down on 2."."""
    cf = change_frame
    if cf.empty:
        return "There are no criteria to compare."
    prev = cf["previous_cycle"].iloc[0]
    if not prev:
        return f"There is no earlier cycle with scores to compare {partnership_label} with."
    n = cf["direction"].value_counts()
    parts = [f"moved up on {_plural(int(n.get('up', 0)), 'criterion', 'criteria')}",
             f"stayed the same on {int(n.get('same', 0))}",
             f"moved down on {int(n.get('down', 0))}"]
    text = f"Since {prev}, {partnership_label} " + ", ".join(parts[:2]) + " and " + parts[2]
    extra = []
    if n.get("new", 0):
        extra.append(f"{_plural(int(n['new']), 'criterion', 'criteria')} had no earlier level")
    if n.get("not assessed", 0):
        extra.append(f"{int(n['not assessed'])} not assessed in {cf['cycle'].iloc[0]}")
    if extra:
        text += "; " + " and ".join(extra)
    return text + "."


def submission_sentence(position: dict, partnership_label: str) -> str:
    """E.g. "Fife's plan was received on 12 March 2021, 19 days before the deadline of 31 March 2021
    (extended from 1 April 2020); half of the 30 plans received had arrived by 30 April 2021."""
    p = position
    name = partnership_label
    deadline = format_date(p["deadline"])
    ext = "" if pd.isna(p["extended_due_date"]) else f" (extended from {format_date(p['due_date'])})"
    if p["status"] == "no record":
        return f"There is no submission record for {name} in {p['cycle']}."
    if p["status"] == "not yet received":
        text = f"{name}'s plan for {p['cycle']} has not been received"
        if deadline:
            text += f"; the deadline was {deadline}{ext}"
        text += "."
        if not pd.isna(p["interim_statement"]):
            text += f" An interim statement was published on {format_date(p['interim_statement'])}."
        return text
    text = f"{name}'s plan was received on {format_date(p['submitted'])}"
    if p["draft"]:
        text += " in draft"
    d = p["days_vs_deadline"]
    if d is not None:
        if d < 0:
            text += f", {_plural(-d, 'day')} before the deadline of {deadline}{ext}"
        elif d == 0:
            text += f", on the deadline of {deadline}{ext}"
        else:
            text += f", {_plural(d, 'day')} after the deadline of {deadline}{ext}"
    if not pd.isna(p["median_submitted"]):
        text += (f"; half of the {p['received']} plans received had arrived by "
                 f"{format_date(p['median_submitted'])}")
    return text + "."


def ranks_sentence(ranks_frame: pd.DataFrame, partnership_label: str) -> str:
    """E.g. "Fife shares rank 3 of 30 with 2 other partnerships (11 criteria fully met)."."""
    r = ranks_frame[ranks_frame["partnership"] == partnership_label]
    if r.empty:
        return f"{partnership_label} has no assessed criteria in this cycle."
    row = r.iloc[0]
    ties = int((ranks_frame["rank"] == row["rank"]).sum()) - 1
    text = f"{partnership_label} {'shares' if ties else 'has'} rank {int(row['rank'])} of {len(ranks_frame)}"
    if ties:
        text += f" with {_plural(ties, 'other partnership')}"
    return text + f" ({int(row['fully_met'])} of {int(row['assessed'])} criteria at the best level)."


def theme_sentence(row, cycles: list[str], met: str = "fully met") -> str:
    """One theme: "In 2019 the review found more than half of plans (the majority) ...; the matching
    criterion, Children's Rights, was fully met by 24 of 30 plans in 2023-2026."; `met`: how to say
    "fully met" for the scale (`full_phrase(review)[1]`, e.g. "rated Excellent")."""
    meaning = row["extent_meaning"]
    extent = row["extent"] or ""
    if meaning == "not stated":
        said = "the extent was not stated"
    elif extent in ("most", "majority", "the majority"):
        said = f"{meaning} (the review said '{extent}')"
    else:
        said = meaning
    text = f"2019: {row['theme']}: {said}."
    if row["criterion"]:
        got = []
        for c in cycles:
            n = theme_cycle_columns(c)
            if n["count"] in row and not pd.isna(row[n["count"]]):
                got.append(f"{int(row[n['count']])} of {int(row[n['plans']])} plans in {c}")
        if got:
            text += f" Criterion {row['criterion']} ({row['criterion_name']}) was {met} by " + "; ".join(got) + "."
        else:
            text += f" Criterion {row['criterion']} ({row['criterion_name']}) has no figures in later cycles yet."
    return text


def themes_sentence(theme_frame: pd.DataFrame, cycles: list[str], met: str = "fully met") -> str:
    """Summary for the themes chart, e.g. "5 of 7 themes from the 2019 review follow a criterion
    into later cycles. In 2023-2026 those criteria were fully met by between 8 and 28 plans."."""
    tf = theme_frame
    if tf.empty:
        return "The workbook has no themes from the 2019 review."
    linked = tf[tf["criterion"] != ""]
    text = (f"{len(linked)} of {_plural(len(tf), 'theme')} from the 2019 review "
            f"{'follows' if len(linked) == 1 else 'follow'} a criterion into later cycles.")
    if not len(linked) or not cycles:
        return text
    latest = None
    for c in reversed(cycles):
        col = theme_cycle_columns(c)["count"]
        if col in linked and linked[col].notna().any():
            latest = c
            break
    if latest is None:
        return text + " None of those criteria has figures for a later cycle yet."
    n = theme_cycle_columns(latest)
    vals = linked[linked[n["count"]].notna()]
    lo, hi = int(vals[n["count"]].min()), int(vals[n["count"]].max())
    plans = int(vals[n["plans"]].max())
    span = f"{lo}" if lo == hi else f"between {lo} and {hi}"
    return text + (f" In {latest}, {'that criterion was' if len(vals) == 1 else 'those criteria were'} "
                   f"{met} by {span} of {plans} plans.")


# ---------------------------------------------------------------------------------------------
# Tables for the Data tabs
# ---------------------------------------------------------------------------------------------

@by_content
def standing_table(standing_frame: pd.DataFrame, labels: list[str], partnership_label: str) -> pd.DataFrame:
    """Per criterion: the partnership's level, how many plans were at each level, share fully met
    nationally and in the peer group (when there is one)."""
    sf = standing_frame
    out = pd.DataFrame({"ID": sf["criterion"], "Criterion": sf["name"], partnership_label: sf["label"]})
    for label in list(labels) + [NOT_ASSESSED]:
        if label in sf.columns:
            out[f"Plans: {label}"] = sf[label].astype("Int64")
    out[f"Share of plans {labels[0].lower()} (%)"] = (sf["full_share"] * 100).round(0).astype("Int64")
    if "peer_full_share" in sf.columns and sf["peer_full_share"].notna().any():
        out[f"Share of peer group {labels[0].lower()} (%)"] = (sf["peer_full_share"] * 100).round(0).astype("Int64")
    return out


@by_content
def change_table(change_frame: pd.DataFrame) -> pd.DataFrame:
    cf = change_frame
    if cf.empty:
        return pd.DataFrame(columns=["ID", "Criterion"])
    prev, cur = cf["previous_cycle"].iloc[0] or "previous cycle", cf["cycle"].iloc[0]
    return pd.DataFrame({"ID": cf["criterion"], "Criterion": cf["name"], prev: cf["previous_label"].fillna(""),
                         cur: cf["label"].fillna(""), "Change": cf["direction"]})


@by_content
def criteria_list_table(frame: pd.DataFrame, met: str = "fully met") -> pd.DataFrame:
    """Strengths or priorities: criterion, the partnership's level, how many plans fully met it.
    `met`: how to say "fully met" for the scale (`full_phrase(review)[1]`, e.g. "rated Excellent")."""
    return pd.DataFrame({"ID": frame["criterion"], "Criterion": frame["name"], "Level": frame["label"],
                         f"Plans {met}": frame["full_count"].astype("Int64"),
                         "Plans": frame["plans"].astype("Int64")})


def themes_table(rows: pd.DataFrame, cycles: list[str], met: str = "fully met") -> pd.DataFrame:
    if rows.empty:
        return pd.DataFrame(columns=["Theme", "2019 finding", "2019 extent", "Criterion"])
    out = pd.DataFrame({"Theme": rows["theme"], "2019 finding": rows["finding"],
                        "2019 extent (the review's words)": rows["extent"].replace("", "not stated"),
                        "What that means": rows["extent_meaning"],
                        "Criterion": [f"{c} {n}".strip() for c, n in zip(rows["criterion"], rows["criterion_name"])]})
    for cycle in cycles:
        cols = theme_cycle_columns(cycle)
        out[f"{cycle}: plans {met}"] = rows[cols["count"]]
        out[f"{cycle}: plans"] = rows[cols["plans"]]
    return out
