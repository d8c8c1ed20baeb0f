"""One criterion: what it asks, every partnership's level now and in the previous cycle with
scores, and how many plans were at each level in every cycle (the Criterion page, `/criterion`).

Pure functions of a `loaders.Review`, remembered per review (`analysis.memo.per_review`). With
other partnerships' names hidden the page passes the hidden review (`analysis.names.hidden`), so
nothing here needs to know. Levels, cycles and criteria all come from the Review: another scale
(e.g. Excellent / Good / Weak / Poor) works the same way. No streamlit here.
"""
from __future__ import annotations

import pandas as pd

from analysis import national as an
from analysis.common import _criteria, _peer_groups, _scored
from analysis.memo import by_content, per_review
from analysis.peers import previous_cycle as previous_scored_cycle
from loaders.model import NOT_ASSESSED, Review

# direction (as analysis.peers.change) -> the words in tables and sentences
MOVES = {"up": "Moved up", "down": "Moved down", "same": "Same level", "new": "New (no earlier level)",
         "not assessed": "Not assessed"}
MOVE_COLUMNS = ["partnership", "peer_group", "order", "criterion", "name", "previous_cycle", "previous_score",
                "previous_label", "previous_rank", "cycle", "score", "label", "level_rank", "direction"]
LEVEL_COLUMNS = ["cycle", "label", "level", "count", "plans", "share", "source"]
PUBLISHED, SCORES = "Published national figures", "Per-partnership scores"


@per_review
def choices(review: Review) -> dict[str, str]:
    """criterion ID -> "ID. Name" (the ID alone when the name is the ID), in the workbook's order."""
    crit = _criteria(review)
    return {str(c): (f"{c}. {n}" if str(n).strip() and str(n).strip() != str(c) else str(c))
            for c, n in zip(crit["criterion"], crit["name"])}


def pick(review: Review, asked) -> str | None:
    """The criterion to show: `asked` when it is an ID of the workbook (matched ignoring case and a
    trailing full stop), else the first criterion; None when there are none."""
    ids = list(choices(review))
    if not ids:
        return None
    key = str(asked or "").strip().rstrip(".").strip().casefold()
    return next((c for c in ids if c.casefold() == key), ids[0])


@per_review
def details(review: Review, criterion: str) -> dict[str, str]:
    """name, question, group and fully_met_when ("" when the workbook has none) of `criterion`."""
    crit = _criteria(review)
    row = crit[crit["criterion"] == criterion]
    if row.empty:
        return {"name": criterion, "question": "", "group": "", "fully_met_when": ""}
    row = row.iloc[0]

    def get(col):
        value = row[col] if col in row.index else ""
        return "" if value is None or pd.isna(value) else str(value)

    return {"name": get("name") or criterion, "question": get("question"), "group": get("group"),
            "fully_met_when": get("fully_met_when")}


# ---------------------------------------------------------------------------------------------
# every cycle's counts

@per_review
def levels_by_cycle(review: Review, criterion: str) -> pd.DataFrame:
    """Plans at each level of `criterion` in every cycle with figures, oldest first: from the
    per-partnership scores when the cycle has them, else from the published national figures (a
    cycle whose figures leave this criterion out is not listed).

    Columns: cycle, label, level (0 = best; "Not assessed" last), count, plans, share, source
    (`SCORES` or `PUBLISHED`)."""
    frames = []
    for cycle in an.cycles_with_data(review):
        cov = an.coverage(review, cycle)
        part = cov[cov["criterion"] == criterion]
        if part.empty:
            continue
        source = PUBLISHED if str(part["source"].iloc[0]) == "published" else SCORES
        frames.append(part.assign(source=source)[LEVEL_COLUMNS])
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in LEVEL_COLUMNS})
    return pd.concat(frames, ignore_index=True)


@per_review
def missing_cycles(review: Review, criterion: str) -> list[str]:
    """Cycles with published figures only, none of them for `criterion` (oldest first)."""
    shown = set(levels_by_cycle(review, criterion)["cycle"])
    return [c for c in an.cycles_with_data(review) if c not in shown]


@per_review
def levels_sentence(review: Review, criterion: str) -> str:
    """e.g. "8 of 30 plans fully met Resources in 2023-2026, against 10 of 30 in 2020-2023 (the
    published figure)."."""
    frame = levels_by_cycle(review, criterion)
    name = details(review, criterion)["name"]
    if frame.empty:
        return f"There are no scores or published figures for {name} in any cycle."
    best = frame[frame["level"] == 0]
    label = str(best["label"].iloc[-1])
    rows = list(best.itertuples(index=False))
    last = rows[-1]
    tag = " (published figures)" if last.source == PUBLISHED else ""
    sentence = an._met(label, f"{int(last.count)} of {int(last.plans)} plans", name) + f" in {last.cycle}{tag}"
    earlier = [f"{int(r.count)} of {int(r.plans)} in {r.cycle}" + (" (published)" if r.source == PUBLISHED else "")
               for r in reversed(rows[:-1])]
    if earlier:
        sentence += ", against " + an._join(earlier)
    gaps = missing_cycles(review, criterion)
    if gaps:
        sentence += f"; the published figures for {an._join(gaps)} do not include it"
    return sentence + "."


@by_content
def levels_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Cycle by level: number of plans, then the plans in the cycle and where the figures come from."""
    if frame.empty:
        return pd.DataFrame(columns=["Cycle"])
    levels = list(dict.fromkeys(frame.sort_values("level", kind="stable")["label"]))
    wide = frame.pivot_table(index="cycle", columns="label", values="count", aggfunc="sum",
                             observed=True).reindex(columns=levels).fillna(0).astype(int)
    order = list(dict.fromkeys(frame["cycle"]))
    wide = wide.reindex(order)
    wide.columns.name = None
    out = wide.reset_index().rename(columns={"cycle": "Cycle"})
    first = frame.drop_duplicates("cycle").set_index("cycle")
    out["Plans"] = [int(first.at[c, "plans"]) for c in order]
    out["From"] = [str(first.at[c, "source"]) for c in order]
    return out


# ---------------------------------------------------------------------------------------------
# every partnership, this cycle against the previous one

def peer_groups(review: Review) -> list[str]:
    """The peer groups of the review's partnerships (sorted; withheld groups are "" and left out)."""
    return sorted({g for g in _peer_groups(review).values() if g})


@per_review
def moves(review: Review, cycle: str, criterion: str, group: str | None = None) -> pd.DataFrame:
    """Every plan of `cycle` (of peer group `group` only, when given): its level on `criterion` and
    its level in the latest earlier cycle with scores, and the direction ("up", "down", "same",
    "new": no earlier level, "not assessed": no level now), as `analysis.peers.change` says them.

    Columns `MOVE_COLUMNS`; rows by peer group (partnerships without one last), then workbook order.
    Empty when `cycle` has no per-partnership scores."""
    if cycle not in an.cycles_with_scores(review):
        return pd.DataFrame({c: pd.Series(dtype="object") for c in MOVE_COLUMNS})
    labels = review.labels
    prev = previous_scored_cycle(review, cycle)
    name = details(review, criterion)["name"]
    groups = _peer_groups(review)
    order = an._partnership_order(review)

    def by_partnership(c: str) -> pd.DataFrame:
        sc = _scored(review, c)
        sc = sc[(sc["criterion"] == criterion) & sc["score"].notna()]
        return sc.drop_duplicates("partnership", keep="last").set_index("partnership")

    now = by_partnership(cycle)
    before = by_partnership(prev) if prev else by_partnership("\x00none")
    rows = []
    for p in an.plans_in_cycle(review, cycle):
        g = groups.get(p, "")
        if group and g != group:
            continue
        r_now = now["rank"].get(p, pd.NA)
        r_prev = before["rank"].get(p, pd.NA)
        if pd.isna(r_now):
            direction = "not assessed"
        elif pd.isna(r_prev):
            direction = "new"
        else:
            direction = "up" if r_now < r_prev else "down" if r_now > r_prev else "same"
        rows.append((p, g, order.get(p, len(order)), criterion, name, prev or "",
                     before["score"].get(p, pd.NA), labels[int(r_prev)] if not pd.isna(r_prev) else NOT_ASSESSED,
                     r_prev, cycle, now["score"].get(p, pd.NA),
                     labels[int(r_now)] if not pd.isna(r_now) else NOT_ASSESSED, r_now, direction))
    out = pd.DataFrame(rows, columns=MOVE_COLUMNS)
    for col in ("previous_score", "previous_rank", "score", "level_rank"):
        out[col] = out[col].astype("Int64")
    out["_g"] = out["peer_group"].eq("")
    return out.sort_values(["_g", "peer_group", "order"], kind="stable").drop(columns="_g").reset_index(drop=True)


def moves_sentence(frame: pd.DataFrame, review: Review, cycle: str, criterion: str, group: str | None = None) -> str:
    """e.g. "8 of 30 plans fully met Resources in 2023-2026; since 2020-2023, 7 moved up, 15 stayed at
    the same level and 8 moved down."."""
    name = details(review, criterion)["name"]
    who = f"peer group {group}" if group else ""
    if frame.empty:
        return (f"There are no plans in {who} with scores for {cycle}." if group
                else f"There are no per-partnership scores for {cycle}.")
    label = review.full_label
    n = len(frame)
    k = int((frame["label"] == label).sum())
    plans = f"{k} of {n} plans" + (f" in {who}" if group else "")
    sentence = f"{an._met(label, plans, name)} in {cycle}"
    prev = str(frame["previous_cycle"].iloc[0])
    if not prev:
        return sentence + f"; there is no earlier cycle with scores to compare with."
    counts = frame["direction"].value_counts()
    parts = [f"{int(counts.get('up', 0))} moved up", f"{int(counts.get('same', 0))} stayed at the same level",
             f"{int(counts.get('down', 0))} moved down"]
    if counts.get("new", 0):
        parts.append(f"{int(counts['new'])} had no level in {prev}")
    if counts.get("not assessed", 0):
        parts.append(f"{int(counts['not assessed'])} {'was' if counts['not assessed'] == 1 else 'were'} not assessed")
    return sentence + f"; since {prev}, " + an._join(parts) + "."


@by_content
def moves_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per partnership: peer group, level and score now, level and score before, the move."""
    if frame.empty:
        return pd.DataFrame(columns=["Partnership", "Peer group"])
    cycle, prev = str(frame["cycle"].iloc[0]), str(frame["previous_cycle"].iloc[0])
    out = {"Partnership": frame["partnership"].tolist(), "Peer group": frame["peer_group"].tolist(),
           f"Level {cycle}": frame["label"].tolist(), f"Score {cycle}": frame["score"].astype("Int64")}
    if prev:
        out |= {f"Level {prev}": frame["previous_label"].tolist(),
                f"Score {prev}": frame["previous_score"].astype("Int64"),
                "Change": [MOVES[d] for d in frame["direction"]]}
    return pd.DataFrame(out)


def chart_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`moves` in the shape `charts.peers.change_chart` draws (one row per partnership)."""
    return frame.assign(criterion=frame["partnership"], name=frame["partnership"])
