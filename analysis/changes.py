"""What an uploaded workbook holds, and what it changes against the published version.

`compare(old, new, against)` takes two checked `loaders.Review`s (old is what viewers see now: the
published version, else the shipped sample or the CSP_WORKBOOK workbook, named by `against` in the
summary; None when there is nothing to compare with) and returns `Changes`: partnerships, criteria
and cycles added or removed, every score that changed
(partnership, cycle, criterion, old label -> new label), every submission date that changed
(partnership, cycle, field, old -> new) and every other detail that differs (a partnership's peer
group, a criterion's name, a cycle's deadline, the scale, a 2019 theme, a national figure, the About
sheet's Illustrative row: sheet, item, field, old -> new), with counts and a one-sentence summary (which
says first when the workbook's Illustrative flag changes). `contents(review)`
gives the counts stored with a published version; `national_disagreements(review)` lists where the
National figures sheet and the counts from Scores disagree, for the analyst to fix before publishing.
Criteria are named as a person reads them, ID and name ("12. Resources"), in every list and table.
No streamlit here.

Conventions
- A blank score ("Not assessed") and no score row at all count as the same value, so a new,
  empty criterion column is not a change; a score that appears where there was none is "added",
  one that disappears with its row is "removed", anything else that differs is "changed".
- In Submissions a blank date and a missing row also count as the same; Draft counts as a field
  too ("yes"/"no"), because it changes what the timeline shows.
- In the change tables "—" means the workbook has no row for that partnership and cycle, and
  "(blank)" means the row is there but the cell is empty.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from loaders.model import NOT_ASSESSED, Review

SCORE_COLUMNS = ["partnership", "cycle", "criterion", "change", "old", "new"]
DATE_COLUMNS = ["partnership", "cycle", "field", "change", "old", "new"]
DETAIL_COLUMNS = ["sheet", "item", "field", "change", "old", "new"]
NATIONAL_COLUMNS = ["cycle", "criterion", "level", "published", "from_scores", "difference"]
PUBLISHED = "the published version"
NO_ROW = "—"
BLANK = "(blank)"
DATE_FIELDS = {"submitted": "Submitted", "draft": "Draft", "interim_statement": "Interim statement",
               "feedback_issued": "Feedback issued"}
CHANGE_ORDER = {"changed": 0, "added": 1, "removed": 2}


@dataclass
class Changes:
    first: bool                                  # nothing published: nothing to compare with
    partnerships_added: list[str] = field(default_factory=list)
    partnerships_removed: list[str] = field(default_factory=list)
    criteria_added: list[str] = field(default_factory=list)
    criteria_removed: list[str] = field(default_factory=list)
    cycles_added: list[str] = field(default_factory=list)
    cycles_removed: list[str] = field(default_factory=list)
    scores: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SCORE_COLUMNS))
    dates: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=DATE_COLUMNS))
    details: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=DETAIL_COLUMNS))
    summary: str = ""
    against: str = PUBLISHED                     # what the upload is compared with, as the summary says

    @property
    def counts(self) -> dict[str, int]:
        def n(frame: pd.DataFrame, change: str) -> int:
            return int((frame["change"] == change).sum())

        return {
            "partnerships_added": len(self.partnerships_added),
            "partnerships_removed": len(self.partnerships_removed),
            "criteria_added": len(self.criteria_added),
            "criteria_removed": len(self.criteria_removed),
            "cycles_added": len(self.cycles_added),
            "cycles_removed": len(self.cycles_removed),
            "scores": len(self.scores),
            "scores_changed": n(self.scores, "changed"),
            "scores_added": n(self.scores, "added"),
            "scores_removed": n(self.scores, "removed"),
            "dates": len(self.dates),
            "dates_changed": n(self.dates, "changed"),
            "dates_added": n(self.dates, "added"),
            "dates_removed": n(self.dates, "removed"),
            "details": len(self.details),
            "details_changed": n(self.details, "changed"),
            "details_added": n(self.details, "added"),
            "details_removed": n(self.details, "removed"),
        }

    @property
    def changed(self) -> bool:
        """True when anything differs (always True for a first publish)."""
        return self.first or any(self.counts.values())


# ---------------------------------------------------------------------------------------------
# small helpers

def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _join(items: list[str]) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _names(items: list[str], most: int = 5) -> str:
    """'A, B and C'; beyond `most` names, 'A, B, C, D, E and 3 more'."""
    if len(items) <= most:
        return _join(items)
    return _join(list(items[:most]) + [f"{len(items) - most} more"])


def format_date(value) -> str:
    """3 April 2021 (no leading zero); "" for a missing date."""
    if value is None or pd.isna(value):
        return ""
    ts = pd.Timestamp(value)
    return f"{ts.day} {ts:%B %Y}"


def _in_order(frame: pd.DataFrame, column: str, order_column: str = "order") -> list[str]:
    if frame.empty:
        return []
    if order_column in frame.columns:
        frame = frame.sort_values(order_column, kind="stable")
    return [str(v) for v in frame[column]]


def _cycles(review: Review) -> list[str]:
    cycles = review.cycles
    if cycles.empty:
        return []
    return cycles.sort_values(["start_year", "end_year"], kind="stable")["cycle"].astype(str).tolist()


def _added(old: list[str], new: list[str]) -> list[str]:
    before = set(old)
    return [x for x in new if x not in before]


def criterion_label(criterion: str, name) -> str:
    """'12. Resources': a criterion as a person reads it (the ID alone when it has no other name)."""
    criterion, name = str(criterion), "" if name is None or pd.isna(name) else str(name).strip()
    return f"{criterion}. {name}" if name and name != criterion else criterion


def _labeller(*reviews: Review | None):
    """criterion ID -> 'ID. Name', the name from the first review that has the criterion."""
    names: dict[str, str] = {}
    for review in reviews:
        if review is not None:
            for cid, name in zip(review.criteria["criterion"].astype(str), review.criteria["name"]):
                names.setdefault(cid, name)
    return lambda cid: criterion_label(cid, names.get(str(cid)))


# ---------------------------------------------------------------------------------------------
# what a workbook holds

def contents(review: Review) -> dict[str, int]:
    """Counts to store with a published version and show in the history."""
    submitted = review.submissions["submitted"] if "submitted" in review.submissions else pd.Series()
    return {
        "partnerships": len(review.partnerships),
        "criteria": len(review.criteria),
        "cycles": len(review.cycles),
        "plans_received": int(submitted.notna().sum()),
        "scores": int(review.scores["score"].notna().sum()) if "score" in review.scores else 0,
        "warnings": len(review.warnings),
    }


def contents_sentence(review: Review) -> str:
    """'4 partnerships, 3 criteria, 2 cycles (2020-2023 and 2023-2026), 24 scores and 8 plans received.'"""
    c = contents(review)
    cycles = _cycles(review)
    cycle_text = _plural(c["cycles"], "cycle") + (f" ({_names(cycles)})" if cycles else "")
    text = (f"It holds {_plural(c['partnerships'], 'partnership')}, {_plural(c['criteria'], 'criterion', 'criteria')}, "
            f"{cycle_text}, {_plural(c['scores'], 'score')} and {_plural(c['plans_received'], 'plan')} received")
    if c["warnings"]:
        text += f", with {_plural(c['warnings'], 'warning')} (listed below)"
    return text + "."


# ---------------------------------------------------------------------------------------------
# the comparison

def _order_maps(old: Review, new: Review) -> tuple[dict, dict, dict]:
    """Sort keys for partnerships, cycles and criteria: the new workbook's order, then the old's."""
    def order(items_new: list[str], items_old: list[str]) -> dict[str, int]:
        merged = list(dict.fromkeys(list(items_new) + list(items_old)))
        return {x: i for i, x in enumerate(merged)}

    partnerships = order(_in_order(new.partnerships, "partnership"), _in_order(old.partnerships, "partnership"))
    cycles = order(_cycles(new), _cycles(old))
    criteria = order(_in_order(new.criteria, "criterion"), _in_order(old.criteria, "criterion"))
    return partnerships, cycles, criteria


def _sorted(frame: pd.DataFrame, sort_keys: dict[str, dict], columns: list[str]) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=columns)
    keys = pd.DataFrame({col: frame[col].map(lambda v, m=m: m.get(v, len(m))) for col, m in sort_keys.items()})
    keys["_change"] = frame["change"].map(CHANGE_ORDER)
    order = keys.sort_values(["_change"] + list(sort_keys), kind="stable").index
    return frame.loc[order, columns].reset_index(drop=True)


def _score_changes(old: Review, new: Review, orders: tuple[dict, dict, dict]) -> pd.DataFrame:
    key = ["partnership", "cycle", "criterion"]

    def side(review: Review) -> pd.DataFrame:
        frame = review.scores
        if frame.empty:
            return pd.DataFrame(columns=key + ["label"])
        frame = frame[key + ["label"]].astype({"partnership": str, "cycle": str, "criterion": str})
        return frame.drop_duplicates(key, keep="first")

    merged = side(old).merge(side(new), on=key, how="outer", suffixes=("_old", "_new"), indicator=True)
    if merged.empty:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    # blank and no row are the same value; compared column-wise (a loop over 300,000 cells took 1.4 s)
    before, after = merged["label_old"].astype(object), merged["label_new"].astype(object)
    missing_before, missing_after = before.isna().to_numpy(), after.isna().to_numpy()
    same = (before.to_numpy() == after.to_numpy()) & ~missing_before & ~missing_after
    merged = merged[~(same | (missing_before & missing_after))]
    if merged.empty:
        return pd.DataFrame(columns=SCORE_COLUMNS)

    def shown(labels: pd.Series, present: pd.Series) -> list[str]:
        return [(str(lab) if pd.notna(lab) else NOT_ASSESSED) if here else NO_ROW
                for lab, here in zip(labels, present)]

    in_old = merged["_merge"].isin(["both", "left_only"])
    in_new = merged["_merge"].isin(["both", "right_only"])
    out = pd.DataFrame({
        "partnership": merged["partnership"].astype(str),
        "cycle": merged["cycle"].astype(str),
        "criterion": merged["criterion"].astype(str),
        "change": ["changed" if (a and b) else ("added" if b else "removed") for a, b in zip(in_old, in_new)],
        "old": shown(merged["label_old"], in_old),
        "new": shown(merged["label_new"], in_new),
    })
    partnerships, cycles, criteria = orders
    return _sorted(out, {"partnership": partnerships, "cycle": cycles, "criterion": criteria}, SCORE_COLUMNS)


def _cell(column: str, value) -> tuple[object, str]:
    """(comparable value, text shown) for one cell of any sheet: blanks are one value; Draft is
    yes/no (blank = no); dates are compared by day."""
    if column == "draft":
        flag = bool(value) if value is not None and not (isinstance(value, float) and pd.isna(value)) else False
        return flag, "yes" if flag else "no"
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return None, BLANK
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        ts = pd.Timestamp(value).normalize()
        return ts, format_date(ts)
    if isinstance(value, (int, float, np.integer, np.floating)) and float(value).is_integer():
        return int(value), f"{int(value):,}"
    return str(value), str(value)


def _differences(before: dict, after: dict, fields, listed: bool = True):
    """(key, change, column, old text, new text) for every field that differs between two {key: row}
    maps, the new version's keys first; a key in one map only is "added" or "removed" (left out
    unless `listed`), its missing side shown as NO_ROW."""
    for k in dict.fromkeys(list(after) + list(before)):
        row_old, row_new = before.get(k), after.get(k)
        if (row_old is None or row_new is None) and not listed:
            continue
        change = "changed" if (row_old is not None and row_new is not None) else (
            "added" if row_new is not None else "removed")
        for column in fields:
            value_old, text_old = _cell(column, None if row_old is None else row_old[column])
            value_new, text_new = _cell(column, None if row_new is None else row_new[column])
            if value_old != value_new:
                yield (k, change, column, text_old if row_old is not None else NO_ROW,
                       text_new if row_new is not None else NO_ROW)


def _date_changes(old: Review, new: Review, orders: tuple[dict, dict, dict]) -> pd.DataFrame:
    key = ["partnership", "cycle"]
    fields = [c for c in DATE_FIELDS if c in old.submissions.columns and c in new.submissions.columns]

    def side(review: Review) -> dict[tuple[str, str], dict]:
        frame = review.submissions
        if frame.empty:
            return {}
        frame = frame.drop_duplicates(key, keep="first")
        return {(str(r["partnership"]), str(r["cycle"])): r for r in frame[key + fields].to_dict("records")}

    rows = [{"partnership": k[0], "cycle": k[1], "field": DATE_FIELDS[column], "change": change,
             "old": text_old, "new": text_new}
            for k, change, column, text_old, text_new in _differences(side(old), side(new), fields)]
    if not rows:
        return pd.DataFrame(columns=DATE_COLUMNS)
    out = pd.DataFrame(rows, columns=DATE_COLUMNS)
    partnerships, cycles, _ = orders
    field_order = {label: i for i, label in enumerate(DATE_FIELDS.values())}
    return _sorted(out, {"partnership": partnerships, "cycle": cycles, "field": field_order}, DATE_COLUMNS)


# Every other sheet, field by field: (sheet as the workbook names it, frame, key columns, the item as
# shown, {column: field as shown}, whether rows only in one version are listed: partnerships,
# criteria and cycles added or removed are listed by name already, so only the ones in both are).
def _detail_specs(review: Review, label=str) -> list:
    themes = review.themes.copy()
    themes["repeat"] = themes.groupby("theme", sort=False).cumcount() if not themes.empty else []
    national = review.national.copy()
    nat_source = national.drop_duplicates(["cycle", "criterion"]) if not national.empty else national
    return [
        ("Partnerships", review.partnerships, ["partnership"], lambda k: k[0],
         {"local_authorities": "Local authorities", "health_board": "Health board", "peer_group": "Peer group",
          "aliases": "Also known as"}, False),
        ("Criteria", review.criteria, ["criterion"], lambda k: label(k[0]),
         {"name": "Name", "question": "Question", "group": "Group"}, False),
        ("Scale", review.scale, ["order"], lambda k: f"Level {int(k[0]) + 1} (1 = best)",
         {"score": "Score", "label": "Label", "met": "Met"}, True),
        ("Cycles", review.cycles, ["cycle"], lambda k: k[0],
         {"due_date": "Due date", "extended_due_date": "Extended due date",
          "review_published": "Review published"}, False),
        ("Themes 2019", themes, ["theme", "repeat"], lambda k: k[0] + (f" (row {int(k[1]) + 1} of the theme)" if k[1] else ""),
         {"finding": "Finding", "extent": "Extent", "criterion": "Criterion"}, True),
        ("National figures", national, ["cycle", "criterion", "label"], lambda k: f"{k[0]}, {label(k[1])}",
         {"count": "{label}"}, True),
        ("National figures", nat_source, ["cycle", "criterion"], lambda k: f"{k[0]}, {label(k[1])}",
         {"source": "Source"}, False),
    ]


def _detail_changes(old: Review, new: Review) -> pd.DataFrame:
    rows = []
    label = _labeller(new, old)
    for spec_old, spec_new in zip(_detail_specs(old, label), _detail_specs(new, label)):
        sheet, _, key, item, fields, listed = spec_new

        def side(frame: pd.DataFrame) -> dict[tuple, dict]:
            cols = [c for c in key + list(fields) if c in frame.columns]
            if frame.empty or len(cols) < len(key) + len(fields):
                return {}
            return {tuple(r[c] for c in key): r for r in frame[cols].to_dict("records")}

        rows += [{"sheet": sheet, "item": item(k), "field": fields[column].format(label=k[-1]),
                  "change": change, "old": text_old, "new": text_new}
                 for k, change, column, text_old, text_new in _differences(side(spec_old[1]), side(spec_new[1]),
                                                                           fields, listed)]
    if old.illustrative != new.illustrative:     # the About sheet's Illustrative row (format 1.1)
        rows.append({"sheet": "About", "item": "Illustrative", "field": "Illustrative", "change": "changed",
                     "old": "yes" if old.illustrative else "no", "new": "yes" if new.illustrative else "no"})
    return pd.DataFrame(rows, columns=DETAIL_COLUMNS)


def _summary(ch: Changes) -> str:
    if ch.first:
        return "There is nothing to compare with: this workbook would be version 1."
    c = ch.counts
    parts = []
    for what, one, many in (("partnerships", "partnership", "partnerships"), ("criteria", "criterion", "criteria"),
                            ("cycles", "cycle", "cycles")):
        added, removed = getattr(ch, f"{what}_added"), getattr(ch, f"{what}_removed")
        if added:
            parts.append(f"{_plural(len(added), one, many)} added ({_names(added)})")
        if removed:
            parts.append(f"{_plural(len(removed), one, many)} removed ({_names(removed)})")
    for kind in ("changed", "added", "removed"):
        if c[f"scores_{kind}"]:
            parts.append(f"{_plural(c[f'scores_{kind}'], 'score')} {kind}")
    drafts = bool((ch.dates["field"] == DATE_FIELDS["draft"]).any())
    what = "submission detail" if drafts else "submission date"
    for kind in ("changed", "added", "removed"):
        if c[f"dates_{kind}"]:
            parts.append(f"{_plural(c[f'dates_{kind}'], what)} {kind}")
    flag = (ch.details["sheet"] == "About") & (ch.details["item"] == "Illustrative")
    if flag.any():
        parts.insert(0, "this workbook is marked illustrative (About sheet: its per-partnership scores and dates "
                        f"are made up) where {ch.against} is not" if ch.details.loc[flag, "new"].iloc[0] == "yes"
                     else f"this workbook is not marked illustrative (About sheet) where {ch.against} is, so "
                          "its per-partnership data will be shown as real")
    others = ch.details[~flag]
    if len(others):
        sheets = list(dict.fromkeys(others["sheet"]))
        parts.append(f"{_plural(len(others), 'other detail')} {'differs' if len(others) == 1 else 'differ'} "
                     f"({_join(sheets)})")
    if not parts:
        return (f"No changes: {ch.against} holds the same partnerships, criteria, scale, cycles, "
                "submissions, scores, 2019 themes and national figures.")
    return f"Compared with {ch.against}: " + _join(parts) + "."


def compare(old: Review | None, new: Review, against: str = PUBLISHED) -> Changes:
    """What `new` changes against `old`, what viewers see now (`against` names it in the summary:
    "the published version", "the shipped sample"); None when there is nothing to compare with."""
    label = _labeller(new, old)
    if old is None:
        changes = Changes(first=True,
                          partnerships_added=_in_order(new.partnerships, "partnership"),
                          criteria_added=[label(c) for c in _in_order(new.criteria, "criterion")],
                          cycles_added=_cycles(new))
        changes.summary = _summary(changes)
        return changes
    orders = _order_maps(old, new)
    p_old, p_new = _in_order(old.partnerships, "partnership"), _in_order(new.partnerships, "partnership")
    k_old, k_new = _in_order(old.criteria, "criterion"), _in_order(new.criteria, "criterion")
    c_old, c_new = _cycles(old), _cycles(new)
    changes = Changes(
        first=False,
        partnerships_added=_added(p_old, p_new), partnerships_removed=_added(p_new, p_old),
        criteria_added=[label(c) for c in _added(k_old, k_new)],
        criteria_removed=[label(c) for c in _added(k_new, k_old)],
        cycles_added=_added(c_old, c_new), cycles_removed=_added(c_new, c_old),
        scores=_score_changes(old, new, orders),
        dates=_date_changes(old, new, orders),
        details=_detail_changes(old, new),
        against=against,
    )
    scores = changes.scores                      # criteria named, each distinct ID worked out once
    scores["criterion"] = scores["criterion"].map({c: label(c) for c in scores["criterion"].unique()})
    changes.summary = _summary(changes)
    return changes


# ---------------------------------------------------------------------------------------------
# national figures against the scores, before publishing

def national_disagreements(review: Review) -> pd.DataFrame:
    """Every cycle, criterion and level where the National figures sheet and the counts from Scores
    disagree (what Criteria coverage would flag to viewers once published).

    Columns NATIONAL_COLUMNS: cycle, criterion ("12. Resources"), level (scale label), published,
    from_scores, difference (published - from_scores); cycles oldest first, then criteria and levels
    in workbook order. Empty when they agree, or a cycle has no scores or no published figures."""
    from analysis.national import cycles_with_national, national_check

    frames = []
    for cycle in cycles_with_national(review):
        check = national_check(review, cycle)
        if not check.empty:
            frames.append(pd.DataFrame({
                "cycle": cycle,
                "criterion": [criterion_label(c, n) for c, n in zip(check["criterion"], check["name"])],
                "level": check["label"].astype(str).to_numpy(),
                "published": check["published"].astype(int).to_numpy(),
                "from_scores": check["from_scores"].astype(int).to_numpy(),
                "difference": check["difference"].astype(int).to_numpy()}))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in NATIONAL_COLUMNS})
    return pd.concat(frames, ignore_index=True)[NATIONAL_COLUMNS]
