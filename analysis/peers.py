"""One partnership against the rest: its standing on each criterion, change since its previous
cycle, strengths and priorities, when its plan arrived, and (when asked for) ranks.

Pure functions: a `loaders.model.Review` in, tidy pandas frames, dicts and plain-English sentences
out. Nothing here knows about the Scottish review: scale levels (any number, best first), criteria,
cycles and partnerships all come from the Review; peer groups are optional. With names hidden, the
Review given is already the hidden one (`analysis.names.hidden`)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.common import (_criteria, _cycle_row, _cycles_sorted, _level_counts, _peer_group_of, _peers, _plural,
                             _scored, _share, format_date, full_phrase)
from analysis.memo import by_content, per_review
from loaders.model import NOT_ASSESSED, Review

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

def ranks(review: Review, cycle: str) -> pd.DataFrame:
    """Partnerships assessed in `cycle` by number of criteria at the best level; ties share a rank.

    Columns: rank (int, 1 = most), partnership, peer_group, fully_met, assessed (criteria assessed),
    tied (bool). Sorted by rank, then by name (with names hidden, the review's names are the
    neutral labels, so the order within a tie gives nothing away)."""
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
    out = out.sort_values(["rank", "partnership"], kind="stable").reset_index(drop=True)
    out["fully_met"] = out["fully_met"].astype(int)
    out["assessed"] = out["assessed"].astype(int)
    return out[cols]


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
