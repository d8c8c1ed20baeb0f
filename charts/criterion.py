"""Charts for the Criterion page: one criterion's levels in every cycle, and every partnership's move.

The moves chart is `charts.peers.change_chart` with partnerships for rows (the frame from
`analysis.criterion.chart_frame`), each marker's hover starting with its partnership's name.
No streamlit here.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analysis.memo import by_content
from charts.national import _distinct, _levels, _message, _nice_step, yours
from charts.peers import change_chart
from charts.style import NOT_ASSESSED_COLOUR, edge_colour, figure, layout, level_colours, level_patterns, merge, text_colour
from literal import for_chart as E
from loaders.model import NOT_ASSESSED


@by_content
def levels_bar(frame: pd.DataFrame, labels: list[str], published: str = "") -> go.Figure:
    """A stacked horizontal bar per cycle (newest at the top) from `analysis.criterion.levels_by_cycle`:
    one segment per level, best first (leftmost), each with its count as text and its level's pattern.
    A cycle known only from published figures says so on its axis label ("2020-2023 (published)")
    and in its hover (`published`: the words for such a source)."""
    if frame is None or frame.empty:
        return _message("No scores or published figures for this criterion.")
    has_na = bool(frame.loc[frame["label"] == NOT_ASSESSED, "count"].sum() > 0)
    levels = _levels(labels, frame["label"].tolist(), has_na)
    colours = level_colours([lbl for lbl in levels if lbl != NOT_ASSESSED])
    patterns = _distinct(level_patterns([lbl for lbl in levels if lbl != NOT_ASSESSED]))
    first = frame.drop_duplicates("cycle")
    cycles = first["cycle"].astype(str).tolist()
    src = dict(zip(first["cycle"].astype(str), first["source"].astype(str)))
    plans = dict(zip(first["cycle"].astype(str), first["plans"].astype(int)))
    ytext = {c: E(c) + (" (published)" if src[c] == published else "") for c in cycles}
    data = []
    for lbl in levels:
        part = frame[frame["label"] == lbl].drop_duplicates("cycle")
        count_of = dict(zip(part["cycle"].astype(str), part["count"].astype(int)))
        share_of = dict(zip(part["cycle"].astype(str), part["share"].astype(float)))
        counts = [int(count_of.get(c, 0)) for c in cycles]
        colour = colours.get(lbl, NOT_ASSESSED_COLOUR)
        data.append(dict(
            type="bar", name=E(lbl), orientation="h", y=[ytext[c] for c in cycles], x=counts,
            text=[str(k) for k in counts], textposition="inside", insidetextanchor="middle", textangle=0,
            textfont=dict(color=text_colour(colour)),
            marker=dict(color=colour, line=dict(color=edge_colour(colour), width=1),
                        pattern=dict(shape=patterns.get(lbl, ""), fgcolor=text_colour(colour), fillmode="overlay",
                                     fgopacity=0.25, size=8, solidity=0.2)),
            customdata=[[E(c), k, float(share_of.get(c, 0.0)), plans[c], E(src[c].lower())]
                        for c, k in zip(cycles, counts)],
            hovertemplate=("<b>%{customdata[0]}</b><br>" + E(lbl)
                           + ": %{customdata[1]} of %{customdata[3]} plans (%{customdata[2]:.0%})"
                           + "<br>from %{customdata[4]}<extra></extra>"),
        ))
    top = max(plans.values()) if plans else 0
    return figure(data, merge(layout(height=max(220, 110 + 56 * len(cycles))), dict(
        barmode="stack", bargap=0.3, legend=dict(traceorder="normal"),
        xaxis=dict(title=dict(text="Plans"), range=[0, max(top, 1)], dtick=_nice_step(top)),
        yaxis=dict(type="category", categoryorder="array", categoryarray=[ytext[c] for c in cycles],
                   showgrid=False))))


@by_content
def moves_chart(frame: pd.DataFrame, labels: list[str], mine: str | None = None) -> go.Figure:
    """Every partnership's level before (open circle) and now (a symbol per move), one row each, from
    `analysis.criterion.chart_frame`; the hover names the partnership, the cycle and the level.
    `mine`: the chosen partnership, its row named "▶ Fife (yours)"."""
    if mine is not None and (frame["partnership"] == mine).any():
        shown = frame["partnership"].map(lambda p: yours(p) if p == mine else p)
        frame = frame.assign(criterion=shown, name=shown)
    return change_chart(frame, labels)  # rows are partnerships: each hover starts with the row's name
