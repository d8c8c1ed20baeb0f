"""The 2019 review's key themes, followed into later cycles through the criteria that match them.

Pure functions: a `loaders.model.Review` in, a tidy frame of themes, sentences and a Data-tab table out.
The 2019 review published themes in words ("most", "some", a count), not counts per criterion; the
extents are turned into plain words and, where the words pin them, into a band of plans."""
from __future__ import annotations

import re

import pandas as pd

from analysis.common import _cycles_sorted, _national_full_label, _plural, _scored, _share
from analysis.memo import per_review
from loaders.model import Review

# The 2019 review looked at the 2017-2020 plans; "later cycles" are those that start after it.
THEMES_REVIEW_YEAR = 2019


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
