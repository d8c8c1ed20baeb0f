"""Charts for the national pages: Overview, Criteria coverage and Submission timeline.

Each builder takes a tidy frame from `analysis.national` and returns a plotly Figure in the shared
look (`charts.style.layout`), coloured by `charts.style.level_colours` / `level_patterns`. Figures
are built from plain trace and layout dicts (`charts.style.figure`), without plotly's slow
property-by-property checks; tests/test_national.py builds every chart again through those checks
and requires the same figure.
Titles are set by the page's chart card, not here. Every chart is meant to stay legible at 320 px
wide: horizontal bars with criterion names (wrapped) on the y axis, automargins, short tick labels.
Colour is never the only signal: bar segments carry their counts and a pattern, heatmap cells their
short label, markers a shape.

No streamlit here.
"""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale, sequential

from charts.style import (GRID, HIGHLIGHT, NOT_ASSESSED_COLOUR, OKABE_ITO, PATTERNS, TEXT, _hex, edge_colour, figure,
                          layout, level_colours, level_patterns, merge, text_colour)
from analysis.memo import by_content
from literal import for_chart
from loaders.model import NOT_ASSESSED

# ---------------------------------------------------------------------------------------------
# helpers


def _esc(text) -> str:
    """Workbook text shown by plotly, exactly as written (`literal.for_chart`, the one rule)."""
    return for_chart(text)


def yours(name) -> str:
    """How the chosen partnership's own row or tile is named on a chart: by a mark and in words,
    not by colour alone."""
    return f"▶ {name} (yours)"


def _row_outline(index: int) -> dict:
    """An outline around row `index` of a category y axis (the chosen partnership's row)."""
    return dict(type="rect", xref="paper", x0=0, x1=1, yref="y", y0=index - 0.5, y1=index + 0.5,
                line=dict(color=TEXT, width=2.5), fillcolor="rgba(0,0,0,0)", layer="above")


def wrap(text: str, width: int = 21) -> str:
    """Break a long label into lines of about `width` characters with <br> (for 320 px screens);
    a word longer than `width` may break after a "/"."""
    words, lines, line = [], [], ""
    for word in _esc(text).split():
        if len(word) > width and "/" in word:
            parts = word.split("/")
            words += [p + "/" for p in parts[:-1]] + [parts[-1]]
        else:
            words.append(word)
    for word in words:
        glue = "" if line.endswith("/") else " "
        if line and len(line) + len(glue) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line}{glue}{word}" if line else word
    if line:
        lines.append(line)
    return "<br>".join(lines)


def _message(text: str, height: int = 200) -> go.Figure:
    """An empty chart that says why it is empty."""
    return figure([], merge(layout(height=height), dict(
        annotations=[dict(text=_esc(text), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                          font=dict(size=15))],
        xaxis=dict(visible=False), yaxis=dict(visible=False))))


def _date_text(value) -> str:
    if value is None or pd.isna(value):
        return ""
    ts = pd.Timestamp(value)
    return f"{ts.day} {ts:%B %Y}"


def _levels(labels: list[str], present: list[str], with_not_assessed: bool) -> list[str]:
    """Scale labels in order, then any other labels found in the data, then Not assessed."""
    levels = [lbl for lbl in labels if lbl != NOT_ASSESSED]
    levels += [lbl for lbl in dict.fromkeys(present) if lbl not in levels and lbl != NOT_ASSESSED]
    if with_not_assessed:
        levels.append(NOT_ASSESSED)
    return levels


def short_labels(labels: list[str]) -> dict[str, str]:
    """A short, unique cell text per level: "Fully met" -> "F", "Partially met" -> "P", ...

    First letters; where two collide, longer prefixes (then initials, then numbers). Not assessed
    is always an en dash."""
    labels = [lbl for lbl in labels if lbl != NOT_ASSESSED]
    out: dict[str, str] = {}
    for size in range(1, 4):
        pending = [lbl for lbl in labels if lbl not in out]
        cand = {lbl: (lbl.strip()[:size].strip() or "?").capitalize() for lbl in pending}
        taken = set(out.values())
        for lbl in pending:
            if list(cand.values()).count(cand[lbl]) == 1 and cand[lbl] not in taken:
                out[lbl] = cand[lbl]
    for lbl in labels:
        if lbl not in out:
            initials = "".join(w[0] for w in lbl.split()).upper()
            out[lbl] = initials if initials and initials not in out.values() else str(labels.index(lbl) + 1)
    out[NOT_ASSESSED] = "–"
    return out


def _criterion_axis(frame: pd.DataFrame, order: list[str] | None = None) -> tuple[list[str], dict[str, str]]:
    """Criterion IDs in display order (first = top) and the y-axis text for each (wrapped name;
    "ID. name" when names repeat)."""
    first = frame.drop_duplicates("criterion")
    if order is None:
        sort_col = "order" if "order" in first else "criterion_order"
        ids = first.sort_values(sort_col)["criterion"].astype(str).tolist()
    else:
        known = set(first["criterion"].astype(str))
        ids = [str(c) for c in order if str(c) in known]
        ids += [c for c in first["criterion"].astype(str) if c not in ids]
    names = dict(zip(first["criterion"].astype(str), first["name"].astype(str)))
    repeated = pd.Series(list(names.values())).duplicated(keep=False).any()
    text = {cid: wrap(f"{cid}. {names[cid]}" if repeated else names[cid]) for cid in ids}
    return ids, text


# ---------------------------------------------------------------------------------------------
# Criteria coverage: stacked horizontal bars


@by_content
def coverage_bar(cov: pd.DataFrame, labels: list[str], x: str = "count", order: list[str] | None = None,
                 height: int | None = None, mine: str | None = None,
                 mine_levels: dict[str, str] | None = None) -> go.Figure:
    """Stacked horizontal bar per criterion from `analysis.national.coverage`.

    One trace per scale level in scale order (best first, leftmost), then "Not assessed" when any
    plan is not assessed. x is "count" (plans) or "share". `order` is a list of criterion IDs, top
    first (e.g. `criterion_order(cov, "fully_met")`); default the workbook's order. Every segment
    shows its count as text and has its level's pattern; the hover gives name, level, count, share.
    `mine` and `mine_levels` ({criterion: level}): the chosen partnership, whose own level on each
    criterion is a diamond in the middle of that level's segment ("◆ Fife (yours): its level").
    """
    if cov is None or cov.empty:
        return _message("No scores or published figures for this cycle.")
    if x not in ("count", "share"):
        raise ValueError("x must be 'count' or 'share'")
    has_na = bool(cov.loc[cov["label"] == NOT_ASSESSED, "count"].sum() > 0)
    levels = _levels(labels, cov["label"].tolist(), has_na)
    colours = level_colours([lbl for lbl in levels if lbl != NOT_ASSESSED])
    patterns = _distinct(level_patterns([lbl for lbl in levels if lbl != NOT_ASSESSED]))
    ids, ytext = _criterion_axis(cov, order)
    plans = cov.drop_duplicates("criterion").set_index("criterion")["plans"]
    plans_of = dict(zip(plans.index, plans))
    names = [_esc(n) for n in cov.drop_duplicates("criterion").set_index("criterion")["name"].reindex(ids)]
    data, segment = [], {}   # segment: (level, criterion) -> (start, width) along x
    start = dict.fromkeys(ids, 0.0)
    for lbl in levels:
        part = cov[cov["label"] == lbl].drop_duplicates("criterion")
        count_of, share_of = dict(zip(part["criterion"], part["count"])), dict(zip(part["criterion"], part["share"]))
        counts = [int(count_of.get(cid, 0)) for cid in ids]
        shares = [float(share_of.get(cid, 0.0)) for cid in ids]
        colour = colours.get(lbl, NOT_ASSESSED_COLOUR)
        for cid, width in zip(ids, counts if x == "count" else shares):
            segment[(lbl, cid)] = (start[cid], float(width))
            start[cid] += float(width)
        data.append(dict(
            type="bar",
            name=_esc(lbl),
            orientation="h",
            y=[ytext[cid] for cid in ids],
            x=counts if x == "count" else shares,
            text=[str(k) for k in counts],
            textposition="inside",
            insidetextanchor="middle",
            textangle=0,
            textfont=dict(color=text_colour(colour)),
            marker=dict(color=colour, line=dict(color=edge_colour(colour), width=1),
                        pattern=dict(shape=patterns.get(lbl, ""), fgcolor=text_colour(colour), fillmode="overlay",
                                     fgopacity=0.25, size=8, solidity=0.2)),
            customdata=[[n, k, s, int(plans_of.get(cid, 0))] for n, k, s, cid in zip(names, counts, shares, ids)],
            hovertemplate=("<b>%{customdata[0]}</b><br>" + _esc(lbl)
                           + ": %{customdata[1]} of %{customdata[3]} plans (%{customdata[2]:.0%})<extra></extra>"),
        ))
    if mine and mine_levels:
        marked = [cid for cid in ids if segment.get((mine_levels.get(cid), cid), (0, 0))[1] > 0]
        data.append(dict(
            type="scatter", mode="markers", name=_esc(f"◆ {mine} (yours): its level"),
            x=[_diamond_x(*segment[(mine_levels[cid], cid)], total=float(plans.max()) if x == "count" else 1.0)
               for cid in marked],
            y=[ytext[cid] for cid in marked],
            marker=dict(symbol="diamond", size=13, color=HIGHLIGHT, line=dict(color="#ffffff", width=2)),
            customdata=[[_esc(f"{cid}. {n}" if n != cid else cid), _esc(f"{mine}: {mine_levels[cid]}")]
                        for cid, n in zip(marked, cov.drop_duplicates("criterion").set_index("criterion")["name"]
                                          .reindex(marked).astype(str))],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>", cliponaxis=False))
    n = len(ids)
    top = int(plans.max()) if len(plans) else 0
    if x == "count":
        xaxis = dict(title=dict(text="Plans"), range=[0, max(top, 1)], dtick=_nice_step(top))
    else:
        xaxis = dict(title=dict(text="Share of plans"), range=[0, 1], tickformat=".0%")
    return figure(data, merge(layout(height=height or max(260, 90 + 44 * n)), dict(
        barmode="stack", bargap=0.25, legend=dict(traceorder="normal"), xaxis=xaxis,
        yaxis=dict(type="category", categoryorder="array", categoryarray=[ytext[cid] for cid in reversed(ids)],
                   showgrid=False))))


def _diamond_x(start: float, width: float, total: float) -> float:
    """Where a partnership's diamond goes in its level's segment: near the segment's left end when the
    segment is wide enough (its count is written in the middle), else in the middle."""
    return start + 0.04 * total if width >= 0.12 * total else start + width / 2


def _distinct(patterns: dict[str, str]) -> dict[str, str]:
    """style.level_patterns gives a fourth level the same dot pattern as Not assessed; keep them apart."""
    used = [p for lbl, p in patterns.items() if lbl != NOT_ASSESSED]
    if patterns.get(NOT_ASSESSED) in used:
        free = [p for p in PATTERNS if p and p not in used]
        patterns = {**patterns, NOT_ASSESSED: free[0] if free else patterns[NOT_ASSESSED]}
    return patterns


def _nice_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500):
        if top / step <= 4:
            return step
    return max(1, top // 5)


# ---------------------------------------------------------------------------------------------
# Heatmap: partnership x criterion

# Beyond this many cells (e.g. 300 partnerships x 100 criteria) a cell is a few pixels wide: its
# letter would not fit, and tens of thousands of text marks make the chart slow to send and draw.
# Colours, the hover and the Data tab (every cell) remain.
CELL_TEXT_MAX = 5000


@by_content
def heatmap(frame: pd.DataFrame, labels: list[str], height: int | None = None, mine: str | None = None) -> go.Figure:
    """Partnership x criterion grid from `analysis.national.heatmap_frame`.

    Discrete colour per level (style.level_colours), the level's short text in each cell ("F",
    "P", "N", "–" for not assessed) in a contrasting colour, and a hover with partnership,
    criterion and level. Criterion IDs on the x axis (names in the hover), partnerships top to
    bottom in workbook order. The legend explains the short texts ("F  Fully met"). `mine`: the
    chosen partnership, whose row is named "▶ Fife (yours)" and outlined."""
    if frame is None or frame.empty:
        return _message("No per-partnership scores for this cycle.")
    has_na = bool((frame["label"] == NOT_ASSESSED).any())
    levels = _levels(labels, frame["label"].tolist(), True)
    shown = [lbl for lbl in levels if lbl != NOT_ASSESSED or has_na]
    colours = level_colours([lbl for lbl in levels if lbl != NOT_ASSESSED])
    short = short_labels(levels)
    index = {lbl: i for i, lbl in enumerate(levels)}
    k = len(levels)

    parts = frame.drop_duplicates("partnership").sort_values("partnership_order")["partnership"].astype(str).tolist()
    crit = frame.drop_duplicates("criterion").sort_values("criterion_order")
    ids = crit["criterion"].astype(str).tolist()
    names = dict(zip(ids, crit["name"].astype(str)))
    # the grid of labels, partnerships x criteria (vectorised: 300 x 100 is 30,000 cells)
    cells = pd.DataFrame({"partnership": frame["partnership"].astype(str).to_numpy(),
                          "criterion": frame["criterion"].astype(str).to_numpy(),
                          "label": frame["label"].astype(str).to_numpy()})
    grid = (cells.drop_duplicates(["partnership", "criterion"], keep="last")
            .pivot(index="partnership", columns="criterion", values="label")
            .reindex(index=parts, columns=ids).to_numpy(dtype=object))
    grid[pd.isna(grid)] = NOT_ASSESSED
    flat = grid.ravel().tolist()

    ylab = {p: _esc(yours(p) if p == mine else p) for p in parts}
    z = np.array([index[lbl] for lbl in flat], dtype=int).reshape(grid.shape)
    row_text = [f"<b>{ylab[p]}</b><br>" for p in parts]
    col_text = [f"{_esc(cid)}. {_esc(names[cid])}<br>" for cid in ids]
    esc = {lbl: _esc(lbl) for lbl in levels}
    hover = np.array([[r + c + esc[lbl] for c, lbl in zip(col_text, row)] for r, row in zip(row_text, grid.tolist())],
                     dtype=object)

    scale = []
    for i, lbl in enumerate(levels):
        colour = colours.get(lbl, NOT_ASSESSED_COLOUR)
        scale += [[i / k, colour], [(i + 1) / k, colour]]
    data = [dict(
        type="heatmap",
        x=ids, y=[ylab[p] for p in parts], z=z, zmin=-0.5, zmax=k - 0.5, colorscale=scale, showscale=False,
        xgap=1, ygap=1, hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", name="",
    )]
    lettered = len(flat) <= CELL_TEXT_MAX
    if lettered:  # the short text in each cell (beyond CELL_TEXT_MAX cells they would not fit, or be read)
        on = {lbl: text_colour(colours.get(lbl, NOT_ASSESSED_COLOUR)) for lbl in levels}
        data.append(dict(
            type="scatter",
            x=ids * len(parts), y=[ylab[p] for p in parts for _ in ids], mode="text",
            text=[short[lbl] for lbl in flat], textfont=dict(color=[on[lbl] for lbl in flat], size=12),
            hoverinfo="skip", showlegend=False, name="cell text",
        ))
    for lbl in shown:  # legend entries: a coloured square and the short text per level
        data.append(dict(
            type="scatter",
            x=[None], y=[None], mode="markers", name=f"{short[lbl]}  {_esc(lbl)}",
            marker=dict(symbol="square", size=14, color=colours.get(lbl, NOT_ASSESSED_COLOUR),
                        line=dict(color=TEXT, width=0.5)),
            hoverinfo="skip", showlegend=True,
        ))
    legend = dict(traceorder="normal")
    if not lettered:
        legend["title"] = dict(text=f"{len(flat):,} cells, too many to letter: hover a cell or see the Data tab. ")
    return figure(data, merge(layout(height=height or max(260, 110 + 24 * len(parts))), dict(
        xaxis=dict(type="category", categoryorder="array", categoryarray=ids, showgrid=False,
                   tickangle=0, title=dict(text="Criterion"), range=[-0.5, len(ids) - 0.5]),
        # rows top to bottom in `parts` order by a reversed range, not a reversed categoryarray: with
        # y, z and the hover text in the same order as the axis, the hover names the row drawn under
        # the mouse (a reversed categoryarray mirrored the hover: tests/browser/test_hover.py)
        yaxis=dict(type="category", categoryorder="array", categoryarray=[ylab[p] for p in parts],
                   showgrid=False, range=[len(parts) - 0.5, -0.5]),
        legend=legend), dict(shapes=[_row_outline(parts.index(mine))]) if mine in parts else {}))


# ---------------------------------------------------------------------------------------------
# Dumbbell: previous vs current share fully met


@by_content
def dumbbell(change: pd.DataFrame, label: str = "fully met", order: list[str] | None = None,
             height: int | None = None) -> go.Figure:
    """Per criterion, the share of plans fully met in the previous cycle (circle) and this one
    (diamond), joined by a line; from `analysis.national.change_since_previous`. The legend names
    the two cycles; the hover gives counts and shares."""
    if change is None or change.empty:
        return _message("No earlier cycle to compare with.")
    prev_cycle = str(change["previous_cycle"].iloc[0])
    cycle = str(change["cycle"].iloc[0])
    ids, ytext = _criterion_axis(change, order)
    rows = change.drop_duplicates("criterion").set_index("criterion").to_dict("index")
    lx, ly = [], []
    for cid in ids:
        a, b = rows[cid]["previous_share"], rows[cid]["share"]
        if pd.notna(a) and pd.notna(b):
            lx += [float(a), float(b), None]
            ly += [ytext[cid], ytext[cid], None]
    data = [dict(type="scatter", x=lx, y=ly, mode="lines", line=dict(color=GRID, width=3), hoverinfo="skip",
                 showlegend=False, name="change")]
    # the circle is drawn larger, so it still rings the diamond when the two shares are equal
    for which, name, symbol, colour, size in (("previous_", prev_cycle, "circle", OKABE_ITO[1], 16),
                                              ("", cycle, "diamond", OKABE_ITO[0], 12)):
        keep = [cid for cid in ids if pd.notna(rows[cid][f"{which}share"])]
        counts = [int(rows[cid][f"{which}count"]) for cid in keep]
        plans = [int(rows[cid][f"{which}plans"]) for cid in keep]
        shares = [float(rows[cid][f"{which}share"]) for cid in keep]
        data.append(dict(
            type="scatter", name=_esc(name), x=shares, y=[ytext[cid] for cid in keep], mode="markers",
            marker=dict(symbol=symbol, size=size, color=colour, line=dict(color="#ffffff", width=1)),
            customdata=[[_esc(rows[cid]["name"]), k, n] for cid, k, n in zip(keep, counts, plans)],
            hovertemplate=(f"<b>%{{customdata[0]}}</b><br>{_esc(name)}: %{{customdata[1]}} of "
                           f"%{{customdata[2]}} plans {_esc(label)} (%{{x:.0%}})<extra></extra>"),
        ))
    return figure(data, merge(layout(height=height or max(260, 90 + 40 * len(ids))), dict(
        xaxis=dict(title=dict(text=f"Plans {_esc(label)} (%)"), range=[-0.03, 1.03], tickformat=".0%"),
        yaxis=dict(type="category", categoryorder="array", categoryarray=[ytext[cid] for cid in reversed(ids)]),
        legend=dict(traceorder="normal"))))


# ---------------------------------------------------------------------------------------------
# Submission timeline


def _vline(when, text: str, row: float, dash: str = "dot", anchor: str = "left") -> tuple[dict, dict]:
    """A vertical line at a date with a label, as (shape, annotation) dicts (plotly's add_vline's
    annotation fails with datetime x). `anchor` "left" puts the text right of the line, "right"
    left of it."""
    x = pd.Timestamp(when).strftime("%Y-%m-%d")
    shape = dict(type="line", x0=x, x1=x, y0=0, y1=1, xref="x", yref="paper",
                 line=dict(color=TEXT, width=1.5, dash=dash))
    note = dict(x=x, y=row, xref="x", yref="paper", text=text, showarrow=False, xanchor=anchor,
                yanchor="top", xshift=4 if anchor == "left" else -4, align=anchor,
                bgcolor="rgba(255,255,255,0.85)", font=dict(size=12))
    return shape, note


def _anchor(when, lo, hi) -> str:
    """Text to the right of a line in the left half of the x range, else to its left."""
    span = (hi - lo).total_seconds() or 1.0
    return "left" if (pd.Timestamp(when) - lo).total_seconds() / span < 0.5 else "right"


@by_content
def timeline_cumulative(cum: pd.DataFrame, due_date, extended_due_date=None, total: int | None = None,
                        height: int | None = None) -> go.Figure:
    """Step line of plans received over time (from `analysis.national.cumulative_received` or
    `timeline(...).cumulative`), a dotted vertical line and label for the due date and the
    extended deadline, and the plans expected (`total`, default the last cumulative count) as a
    dashed horizontal line."""
    if cum is None or cum.empty:
        return _message("No plans received for this cycle.")
    cum = cum.sort_values("date")
    dates = pd.to_datetime(cum["date"])
    total = int(total if total is not None else cum["cumulative"].max())
    marks = [d for d in (due_date, extended_due_date) if d is not None and pd.notna(d)]
    start = min([dates.min()] + [pd.Timestamp(d) for d in marks]) - pd.Timedelta(days=14)
    xs = [start] + dates.tolist()
    ys = [0] + cum["cumulative"].astype(int).tolist()
    got = [0] + cum["received"].astype(int).tolist()
    data = [dict(
        type="scatter", x=xs, y=ys, mode="lines+markers", line=dict(shape="hv", color=OKABE_ITO[0], width=3),
        marker=dict(size=6, color=OKABE_ITO[0]), name="Plans received",
        customdata=[[_date_text(d), g] for d, g in zip(xs, got)],
        hovertemplate="%{customdata[0]}<br>%{customdata[1]} received that day<br>"
                      "%{y} received so far<extra></extra>",
        showlegend=False,
    )]
    lo, hi = start, max([dates.max()] + [pd.Timestamp(d) for d in marks])
    lines = []
    if due_date is not None and pd.notna(due_date):
        lines.append(_vline(due_date, f"Due<br>{_date_text(due_date)}", 1.0, anchor=_anchor(due_date, lo, hi)))
    if extended_due_date is not None and pd.notna(extended_due_date):
        row = 0.87 if due_date is not None and pd.notna(due_date) else 1.0
        lines.append(_vline(extended_due_date, f"Extended to<br>{_date_text(extended_due_date)}", row, dash="dash",
                            anchor=_anchor(extended_due_date, lo, hi)))
    shapes = [shape for shape, _ in lines] + [dict(type="line", x0=0, x1=1, y0=total, y1=total, xref="paper",
                                                   yref="y", line=dict(color=TEXT, width=1, dash="dash"))]
    notes = [note for _, note in lines] + [dict(
        x=0, y=total, xref="paper", yref="y", text=f"{total} plans expected", showarrow=False, xanchor="left",
        yanchor="top", xshift=2, yshift=-2, font=dict(size=12), bgcolor="rgba(255,255,255,0.85)")]
    return figure(data, merge(layout(height=height or 360), dict(
        shapes=shapes, annotations=notes,
        yaxis=dict(title=dict(text="Plans"), range=[0, max(total, 1) * 1.45], rangemode="tozero"),
        xaxis=dict(type="date"))))


STATUS_SYMBOL = {"On time": "circle", "Late": "triangle-right"}
STATUS_COLOUR = {"On time": OKABE_ITO[0], "Late": OKABE_ITO[1]}


@by_content
def submission_points(per: pd.DataFrame, x: str = "days", sort: str = "date",
                      height: int | None = None, mine: str | None = None) -> go.Figure:
    """Each received plan as a point (from `timeline(...).partnerships` / `submission_status`).

    x="days": days after the deadline used (negative = early), with the deadline at 0; x="date":
    the date received, with a line at each deadline. Marker shape shows the status (circle = on
    time, triangle = late) and whether the plan was a draft (open marker); the hover gives
    partnership, dates, days, draft and interim statement. Plans not yet received are listed under
    the chart. sort="date" (earliest at the top) or "workbook". `mine`: the chosen partnership, whose
    row is named "▶ Fife (yours)" and outlined."""
    if per is None or per.empty:
        return _message("No submission records for this cycle.")
    got = per[per["status"] != "Not yet received"].copy()
    missing = per.loc[per["status"] == "Not yet received", "partnership"].astype(str).tolist()
    if got.empty:
        return _message(f"No plans received yet ({len(missing)} outstanding).")
    got = got.sort_values(["submitted", "order"] if sort == "date" else ["order"])
    order = got["partnership"].astype(str).tolist()
    ylab = {p: _esc(yours(p) if p == mine else p) for p in order}
    data = []
    for status in ("On time", "Late"):
        for draft in (False, True):
            part = got[(got["status"] == status) & (got["draft"].astype(bool) == draft)]
            if part.empty:
                continue
            symbol = STATUS_SYMBOL[status] + ("-open" if draft else "")
            name = status + (" (draft)" if draft else "")
            hover = []
            for r in part.itertuples(index=False):
                days = r.days_late
                if pd.isna(days):
                    when = ""
                elif days > 0:
                    when = f"{int(days)} day{'s' if days != 1 else ''} after the deadline"
                elif days < 0:
                    when = f"{-int(days)} day{'s' if days != -1 else ''} before the deadline"
                else:
                    when = "on the deadline day"
                lines = [f"<b>{ylab[str(r.partnership)]}</b>", f"{status}{': ' + when if when else ''}",
                         f"Received {_date_text(r.submitted)}", f"Deadline {_date_text(r.deadline)}"]
                if draft:
                    lines.append("Published in draft")
                if pd.notna(r.interim_statement):
                    lines.append(f"Interim statement {_date_text(r.interim_statement)}")
                hover.append("<br>".join(lines))
            xs = part["days_late"].astype(float).tolist() if x == "days" else pd.to_datetime(part["submitted"]).tolist()
            data.append(dict(
                type="scatter", name=name, x=xs, y=part["partnership"].astype(str).map(ylab).tolist(), mode="markers",
                marker=dict(symbol=symbol, size=11, color=STATUS_COLOUR[status],
                            line=dict(color=STATUS_COLOUR[status], width=2)),
                hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
            ))
    if x == "days":
        shapes = [dict(type="line", x0=0, x1=0, y0=0, y1=1, xref="x", yref="paper",
                       line=dict(color=TEXT, width=1.5, dash="dot"))]
        notes = [dict(x=0, y=1, xref="x", yref="paper", text="Deadline", showarrow=False, xanchor="left",
                      yanchor="top", xshift=4, bgcolor="rgba(255,255,255,0.8)", font=dict(size=12))]
        xaxis = dict(title=dict(text="Days late (negative = early)"), zeroline=False)
    else:
        deadlines = [_vline(d, f"Deadline<br>{_date_text(d)}", 1.0)
                     for d in pd.to_datetime(got["deadline"]).dropna().unique()]
        shapes, notes = [shape for shape, _ in deadlines], [note for _, note in deadlines]
        xaxis = dict(type="date", title=dict(text="Date received"))
    h = height or max(260, 110 + 22 * len(order) + (40 if missing else 0))
    look = merge(layout(height=h), dict(
        xaxis=xaxis,
        yaxis=dict(type="category", categoryorder="array", categoryarray=[ylab[p] for p in reversed(order)],
                   showgrid=True),
        legend=dict(traceorder="normal")))
    if missing:
        notes.append(dict(text=wrap("Not yet received: " + ", ".join(missing), 48), x=0, xref="paper",
                          y=0, yref="paper", yanchor="top", yshift=-50, xanchor="left", align="left",
                          showarrow=False, font=dict(size=12)))
        merge(look, dict(margin=dict(b=90)))
    if mine in order:
        shapes = shapes + [_row_outline(len(order) - 1 - order.index(mine))]
    if shapes:
        look["shapes"] = shapes
    if notes:
        look["annotations"] = notes
    return figure(data, look)


# ---------------------------------------------------------------------------------------------
# Tile map


# (column, row) of each Scottish partnership on a rough grid of Scotland; row 0 is the top.
TILE_POSITIONS: dict[str, tuple[int, int]] = {
    "Shetland Islands": (5, 0),
    "Na h-Eileanan Siar": (0, 1),
    "Orkney Islands": (4, 1),
    "Highland": (2, 2),
    "Moray": (3, 2),
    "Aberdeenshire": (4, 2),
    "Aberdeen City": (5, 2),
    "Argyll and Bute": (1, 3),
    "Stirling": (2, 3),
    "Clackmannanshire": (3, 3),
    "Tayside": (4, 3),
    "West Dunbartonshire": (1, 4),
    "East Dunbartonshire": (2, 4),
    "Falkirk": (3, 4),
    "Fife": (4, 4),
    "Inverclyde": (0, 5),
    "Renfrewshire": (1, 5),
    "Glasgow City": (2, 5),
    "North Lanarkshire": (3, 5),
    "West Lothian": (4, 5),
    "City of Edinburgh": (5, 5),
    "East Lothian": (6, 5),
    "North Ayrshire": (1, 6),
    "East Renfrewshire": (2, 6),
    "South Lanarkshire": (3, 6),
    "Midlothian": (5, 6),
    "South Ayrshire": (1, 7),
    "East Ayrshire": (2, 7),
    "Dumfries and Galloway": (3, 7),
    "Scottish Borders": (5, 7),
}

TILE_ABBREVIATIONS: dict[str, str] = {
    "Shetland Islands": "SHE", "Na h-Eileanan Siar": "WIS", "Orkney Islands": "ORK", "Highland": "HIG",
    "Moray": "MOR", "Aberdeenshire": "ABS", "Aberdeen City": "ABC", "Argyll and Bute": "AGB",
    "Stirling": "STI", "Clackmannanshire": "CLK", "Tayside": "TAY", "West Dunbartonshire": "WDB",
    "East Dunbartonshire": "EDB", "Falkirk": "FAL", "Fife": "FIF", "Inverclyde": "INV",
    "Renfrewshire": "REN", "Glasgow City": "GLA", "North Lanarkshire": "NLK", "West Lothian": "WLO",
    "City of Edinburgh": "EDI", "East Lothian": "ELO", "North Ayrshire": "NAY", "East Renfrewshire": "ERF",
    "South Lanarkshire": "SLK", "Midlothian": "MLO", "South Ayrshire": "SAY", "East Ayrshire": "EAY",
    "Dumfries and Galloway": "DGW", "Scottish Borders": "BOR",
}

# Other names the same partnerships go by (matched like the names: case, spacing, & = and).
TILE_ALIASES: dict[str, str] = {
    "Edinburgh City": "City of Edinburgh", "Edinburgh": "City of Edinburgh",
    "City of Edinburgh Council": "City of Edinburgh",
    "Orkney": "Orkney Islands", "Shetland": "Shetland Islands",
    "Western Isles": "Na h-Eileanan Siar", "Outer Hebrides": "Na h-Eileanan Siar",
    "Western Isles/Outer Hebrides": "Na h-Eileanan Siar", "Eilean Siar": "Na h-Eileanan Siar",
    "Comhairle nan Eilean Siar": "Na h-Eileanan Siar", "Na h-Eileanan an Iar": "Na h-Eileanan Siar",
    "Dumfries & Galloway": "Dumfries and Galloway", "Borders": "Scottish Borders",
    "Glasgow": "Glasgow City", "Aberdeen": "Aberdeen City", "Argyll & Bute": "Argyll and Bute",
    "Tayside Collaborative": "Tayside", "Angus, Dundee and Perth & Kinross": "Tayside",
    "Perth and Kinross": "Tayside", "Highland Council": "Highland",
}


def name_key(name) -> str:
    """Names match ignoring case, spacing and punctuation, with '&' the same as 'and'."""
    text = str(name).casefold().replace("&", " and ")
    return re.sub(r"[^0-9a-z]+", "", text)


_TILE_LOOKUP: dict[str, str] = {name_key(n): n for n in TILE_POSITIONS}
_TILE_LOOKUP.update({name_key(a): n for a, n in TILE_ALIASES.items()})


def tile_for(name: str, aliases: str | list[str] = "") -> str | None:
    """The TILE_POSITIONS name for a partnership (by its name, then its aliases), or None."""
    if isinstance(aliases, str):
        aliases = [a for a in aliases.split(";")] if aliases else []
    for candidate in [name] + [a.strip() for a in aliases if a and str(a).strip()]:
        found = _TILE_LOOKUP.get(name_key(candidate))
        if found:
            return found
    return None


def abbreviate(name: str) -> str:
    """3 or 4 capital letters for a name not in TILE_ABBREVIATIONS: initials of 2+ words, else its start."""
    words = [w for w in re.split(r"[^0-9A-Za-z]+", str(name)) if w and w.casefold() not in ("and", "of", "the")]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:3].upper()
    if len(words) == 2:
        return (words[0][0] + words[1][:2]).upper()
    return "".join(w[0] for w in words[:4]).upper()


def tile_layout(frame: pd.DataFrame) -> pd.DataFrame:
    """Tile positions for a partnership frame (partnership, optional aliases, in workbook order).

    Columns: partnership, tile (TILE_POSITIONS name or None), col, row, abbreviation. Partnerships
    not on the Scottish grid go into extra rows below it in workbook order, so any workbook works."""
    names = frame["partnership"].astype(str).tolist()
    aliases = frame["aliases"].fillna("").astype(str).tolist() if "aliases" in frame else [""] * len(names)
    placed, used, rest = {}, set(), []
    for name, alias in zip(names, aliases):
        tile = tile_for(name, alias)
        if tile and tile not in used:
            used.add(tile)
            placed[name] = (tile, *TILE_POSITIONS[tile])
        else:
            rest.append(name)
    if placed:
        width = max(c for _, c, _ in placed.values()) + 1
        first_row = max(r for _, _, r in placed.values()) + 2
    else:
        width = max(1, math.ceil(math.sqrt(len(rest))))
        first_row = 0
    for i, name in enumerate(rest):
        placed[name] = (None, i % width, first_row + i // width)
    rows, seen = [], set()
    for name in names:
        tile, col, row = placed[name]
        abbr = TILE_ABBREVIATIONS.get(tile) if tile else abbreviate(name)
        base, n = abbr, 2
        while abbr in seen:
            abbr = f"{base[:3]}{n}"
            n += 1
        seen.add(abbr)
        rows.append((name, tile, col, row, abbr))
    return pd.DataFrame(rows, columns=["partnership", "tile", "col", "row", "abbreviation"])


def _cividis_best_dark() -> list[list]:
    """Cividis reversed: the most criteria met is darkest, like the best scale level in level_colours."""
    colours = list(reversed(sequential.Cividis))
    return [[i / (len(colours) - 1), c] for i, c in enumerate(colours)]


@by_content
def tile_map(frame: pd.DataFrame, label: str = "fully met", height: int | None = None,
             mine: str | None = None) -> go.Figure:
    """A tile grid map of Scotland from `analysis.national.partnership_fully_met`: one square per
    partnership, roughly where it lies (TILE_POSITIONS; others in extra rows below).

    Colour = number of criteria fully met (cividis, more = darker, with a colour bar), the tile
    shows its abbreviation and that number; the hover gives the full name, count and criteria
    assessed. Tiles without scores are grey with a dash. `mine`: the chosen partnership, whose tile
    is outlined, marked "▶" and named "(yours)" in its hover."""
    if frame is None or frame.empty:
        return _message("No partnerships.")
    tiles = tile_layout(frame)
    data = frame.set_index(frame["partnership"].astype(str))
    n_crit = int(frame["criteria"].max()) if "criteria" in frame and len(frame) else 0
    ncols = int(tiles["col"].max()) + 1
    nrows = int(tiles["row"].max()) + 1
    scale = _cividis_best_dark()
    zmax = max(n_crit, 1)

    z = [[None] * ncols for _ in range(nrows)]
    zgrey = [[None] * ncols for _ in range(nrows)]
    hover = [[""] * ncols for _ in range(nrows)]
    tx, ty, tt, tc = [], [], [], []
    records = data[~data.index.duplicated(keep="first")].to_dict("index")
    colour_of: dict[int, str] = {}
    shapes = []
    for r in tiles.itertuples(index=False):
        rec = records[r.partnership]
        who = yours(r.partnership) if r.partnership == mine else r.partnership
        value = rec["fully_met"]
        assessed = int(rec["assessed"]) if "assessed" in rec and pd.notna(rec["assessed"]) else 0
        if pd.notna(value):
            value = int(value)
            z[r.row][r.col] = value
            if value not in colour_of:
                colour_of[value] = _hex(sample_colorscale(scale, [value / zmax])[0])
            colour = colour_of[value]
            hover[r.row][r.col] = (f"<b>{_esc(who)}</b><br>{value} of {n_crit} criteria {_esc(label)}"
                                   f"<br>{assessed} assessed")
            shown = str(value)
        else:
            zgrey[r.row][r.col] = 0
            colour = NOT_ASSESSED_COLOUR
            hover[r.row][r.col] = f"<b>{_esc(who)}</b><br>No scores this cycle"
            shown = "–"
        tx.append(r.col)
        ty.append(r.row)
        tt.append(f"<b>{'▶' if r.partnership == mine else ''}{_esc(r.abbreviation)}</b><br>{shown}")
        if r.partnership == mine:
            shapes.append(dict(type="rect", x0=r.col - 0.5, x1=r.col + 0.5, y0=r.row - 0.5, y1=r.row + 0.5,
                               xref="x", yref="y", line=dict(color=TEXT, width=3), layer="above"))
        tc.append(text_colour(colour))

    traces = []
    cols, rows_ = list(range(ncols)), list(range(nrows))
    if any(v is not None for row in zgrey for v in row):
        traces.append(dict(
            type="heatmap", x=cols, y=rows_, z=zgrey, zmin=0, zmax=1,
            colorscale=[[0, NOT_ASSESSED_COLOUR], [1, NOT_ASSESSED_COLOUR]], showscale=False, xgap=3, ygap=3,
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", name="No scores",
        ))
    traces.append(dict(
        type="heatmap", x=cols, y=rows_, z=z, zmin=0, zmax=zmax, colorscale=scale, xgap=3, ygap=3,
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", name=f"Criteria {label}",
        colorbar=dict(orientation="h", title=dict(text=f"Criteria {_esc(label)}", side="top"),
                      thickness=12, len=0.9, x=0.5, xanchor="center", y=-0.02, yanchor="top",
                      tickfont=dict(size=12)),
    ))
    traces.append(dict(type="scatter", x=tx, y=ty, mode="text", text=tt, textfont=dict(color=tc, size=11),
                       hoverinfo="skip", showlegend=False, name="tile text"))
    return figure(traces, merge(layout(height=height or (100 + 46 * nrows)), dict(
        xaxis=dict(visible=False, range=[-0.5, ncols - 0.5], constrain="domain", showgrid=False),
        yaxis=dict(visible=False, range=[nrows - 0.5, -0.5], scaleanchor="x", scaleratio=1,
                   constrain="domain", showgrid=False),
        showlegend=False, margin=dict(l=5, r=5, t=10, b=70)), dict(shapes=shapes) if shapes else {}))
