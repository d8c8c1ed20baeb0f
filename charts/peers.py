"""Charts for the partnership page and the 2019-themes page: tidy frame in, plotly figure out.

Every chart is horizontal with the criteria (or themes) on the y axis, so it stays legible on a
320 px wide screen; above each row a line of text says in words what the markers show, so no
meaning rests on colour alone (levels also carry fill patterns, markers carry distinct symbols).
No figure titles: the page's chart card sets them.

Frames come from `analysis.peers` (`standing`, `change`, `theme_rows`); names in them should
come from the view's review, which already has neutral labels when names are hidden (`analysis.names`).
"""
from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go

from charts import style
from analysis.memo import by_content
from literal import for_chart as E  # workbook text, shown as written (the one rule)
from loaders.model import NOT_ASSESSED

ROW_BASE = 52          # px per criterion / theme for the bar, plus LINE_HEIGHT per line of words
LINE_HEIGHT = 16
TEXT_SIZE = 12
WRAP = 16              # characters per line of a y-axis label (keeps the axis narrow on a phone)
WORDS_WIDTH = 32       # characters per line of words above a row (fits 320 px)
OWN_SYMBOL = "diamond"
PEER_SYMBOL = "triangle-down"
CYCLE_SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "hexagon", "star-square", "pentagon"]
DIRECTION_STYLE = {  # direction -> (legend name, symbol, colour, word in the text line)
    "up": ("Moved up", "triangle-right", style.OKABE_ITO[0], "▶ up"),
    "same": ("Same level", "circle", style.TEXT, "● same"),
    "down": ("Moved down", "triangle-left", style.HIGHLIGHT, "◀ down"),
    "new": ("No earlier level", "star", style.OKABE_ITO[2], "★ new"),
    "not assessed": ("Not assessed now", "x", "#7f7f7f", "✕ not assessed"),
}


def _wrap(text: str, width: int = WRAP) -> str:
    """Wrap text (as written: escaped by `E` line by line) for an axis label with <br>; long words may
    break after a "/"."""
    lines = textwrap.wrap(str(text).replace("/", "/\x00 "), width=width, break_long_words=True)
    lines = [line.replace("/\x00 ", "/").replace("\x00", "").strip() for line in lines]
    return "<br>".join(E(line) for line in lines) or E(text)


def _row_name(row) -> str:
    """A row's name as plain text ("1. Vision", or the ID alone): what its hover starts with."""
    name, crit = str(row["name"]), str(row["criterion"])
    return f"{crit}. {name}" if name and name != crit else crit


def _criterion_label(row) -> str:
    name = str(row["name"])
    crit = str(row["criterion"])
    return _wrap(f"{crit}. {name}" if name and name != crit else crit)


def _pct(share) -> str:
    return "n/a" if share is None or pd.isna(share) else f"{round(100 * share)}%"


def _empty(message: str) -> go.Figure:
    return style.figure([], style.merge(style.layout(height=160), dict(
        annotations=[dict(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)],
        xaxis=dict(visible=False), yaxis=dict(visible=False))))


def _fit_words(parts: list[str], width: int = WORDS_WIDTH) -> str:
    """Join `parts` (plain text, escaped here) with " · ", starting a new line (<br>) whenever a line
    would pass `width`."""
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + 3 + len(part) <= width:
            lines[-1] += " · " + part
        else:
            lines.append(part)
    return "<br>".join(E(line) for line in lines)


def _rows_spec(ticktext: list[str], words: list[str], x_left: float, extra: int = 0) -> tuple[dict, dict]:
    """Criteria/themes as rows top to bottom, a line (or lines) of words above each, the height to
    fit: (the words' trace, the layout) as dicts."""
    n = len(ticktext)
    nlines = max((w.count("<br>") + 1 for w in words), default=1)
    ys = list(range(n))
    trace = dict(type="scatter", x=[x_left] * n, y=[y - 0.3 for y in ys], text=list(words), mode="text",
                 textposition="top right", textfont=dict(size=TEXT_SIZE, color=style.TEXT),
                 hoverinfo="skip", showlegend=False, cliponaxis=False, name="words")
    row = ROW_BASE + LINE_HEIGHT * nlines
    top = 0.3 + (LINE_HEIGHT * nlines + 4) / row
    layout = style.merge(style.layout(height=170 + extra + row * n), dict(yaxis=dict(
        tickmode="array", tickvals=ys, ticktext=list(ticktext), tickfont=dict(size=TEXT_SIZE),
        range=[n - 0.5, -top], showgrid=False, zeroline=False, fixedrange=True)))
    return trace, layout


def _rows(fig: go.Figure, ticktext: list[str], words: list[str], x_left: float, extra: int = 0) -> None:
    """`_rows_spec` applied to a figure built with plotly's objects."""
    trace, layout = _rows_spec(ticktext, words, x_left, extra)
    fig.add_trace(go.Scatter({k: v for k, v in trace.items() if k != "type"}))
    fig.update_layout(layout)


# ---------------------------------------------------------------------------------------------
# Spine: distribution of all plans per criterion, the partnership's own level marked
# ---------------------------------------------------------------------------------------------

@by_content
def spine(standing_frame: pd.DataFrame, labels: list[str], partnership_label: str,
          peer_label: str = "Peer group") -> go.Figure:
    """Diverging stacked bars: per criterion, the share of plans at the best level to the right of
    zero and at each other level to the left (next-best nearest zero), counts as bar text. The
    partnership's own level is a diamond in the middle of its level's segment; when a peer group
    exists, a downward triangle marks the peer group's share at the best level. Above each bar,
    words: "◆ Fife: Fully met · ▼ peers: 50% Fully met".

    `standing_frame`: `analysis.peers.standing(...)`; `labels`: review.labels (best first)."""
    st = standing_frame.reset_index(drop=True)
    if st.empty:
        return _empty("No criteria to show.")
    labels = list(labels)
    best = labels[0]
    colours = style.level_colours(labels)
    patterns = style.level_patterns(labels)
    n = len(st)
    ys = list(range(n))
    rows = st.to_dict("records")         # plain dicts: per-cell lookups in a DataFrame are slow
    plans = st["plans"].astype(float).where(st["plans"] > 0)
    shares = {lab: (st[lab].astype(float) / plans * 100).fillna(0.0) for lab in labels}

    data = []
    for i, lab in enumerate(labels):
        share = shares[lab]
        counts = st[lab].astype(int)
        colour = colours[lab]
        data.append(dict(
            type="bar", y=ys, x=(share if i == 0 else -share).to_numpy(), orientation="h", name=E(lab),
            width=0.5,
            marker=dict(color=colour, line=dict(color=style.edge_colour(colour), width=1),
                        pattern=dict(shape=patterns[lab], fgcolor=style.text_colour(colour), fillmode="overlay", size=6, solidity=0.15)),
            text=[str(c) if c else "" for c in counts], textposition="inside", insidetextanchor="end",
            textfont=dict(color=style.text_colour(colour), size=TEXT_SIZE),
            customdata=[list(c) for c in zip(counts.tolist(), st["plans"].astype(int).tolist(),
                                             [round(s) for s in share], [E(_row_name(row)) for row in rows])],
            hovertemplate=(f"<b>%{{customdata[3]}}</b><br>{E(lab)}: %{{customdata[0]}} of %{{customdata[1]}} plans "
                           f"(%{{customdata[2]}}%)<extra></extra>"),
        ))

    # The partnership's own level: centre of its segment.
    own_x, own_text, own_hover = [], [], []
    for r in range(n):
        rank = rows[r]["level_rank"]
        label = rows[r]["label"]
        if pd.isna(rank):
            x = 0.0
        else:
            k = int(rank)
            if k == 0:
                x = shares[best].iat[r] / 2
            else:
                x = -(sum(shares[labels[j]].iat[r] for j in range(1, k)) + shares[labels[k]].iat[r] / 2)
        own_x.append(float(x))
        own_text.append([f"◆ {partnership_label}: {label}"])  # words: escaped by _fit_words
        own_hover.append(f"<b>{E(_row_name(rows[r]))}</b><br>" + E(f"{partnership_label}: {label}"))
    data.append(dict(
        type="scatter", x=own_x, y=ys, mode="markers", name=E(f"{partnership_label} (its level)"),
        marker=dict(symbol=OWN_SYMBOL, size=15, color=style.HIGHLIGHT, line=dict(color="#ffffff", width=2)),
        text=own_hover, hovertemplate="%{text}<extra></extra>", cliponaxis=False))

    has_peers = "peer_full_share" in st and st["peer_full_share"].notna().any()
    words = list(own_text)
    if has_peers:
        group = next((g for g in st.get("peer_group", []) if isinstance(g, str) and g), "")
        name = f"{peer_label}{': ' + group if group else ''}"
        px, py, ph = [], [], []
        for r in range(n):
            share = rows[r]["peer_full_share"]
            if pd.isna(share):
                continue
            px.append(100 * float(share))
            py.append(r - 0.28)
            ph.append(f"<b>{E(_row_name(rows[r]))}</b><br>" + E(f"{name}: {_pct(share)} {best} "
                      f"({int(rows[r]['peer_full_count'])} of {int(rows[r]['peer_plans'])} plans)"))
            words[r].append(f"▼ peers: {_pct(share)} {best}")
        data.append(dict(
            type="scatter", x=px, y=py, mode="markers", name=_wrap(f"{name}, share {best}", WORDS_WIDTH),  # fits a phone legend
            marker=dict(symbol=PEER_SYMBOL, size=12, color=style.TEXT, line=dict(color="#ffffff", width=1)),
            text=ph, hovertemplate="%{text}<extra></extra>", cliponaxis=False))
    left_extent = max(sum(shares[lab].iat[r] for lab in labels[1:]) for r in range(n))
    right_extent = max(shares[best].max(), 100 * st["peer_full_share"].max() if has_peers else 0)
    lo = -max(25.0, math.ceil(left_extent / 25) * 25)
    hi = max(25.0, math.ceil(right_extent / 25) * 25)
    ticks = [v for v in range(-100, 101, 25) if lo <= v <= hi]
    data.append(dict(  # the zero line, drawn per bar so it does not cross the words
        type="scatter", x=[v for _ in range(n) for v in (0, 0, None)],
        y=[v for r in range(n) for v in (r - 0.3, r + 0.3, None)],
        mode="lines", line=dict(color=style.TEXT, width=1.5), hoverinfo="skip", showlegend=False))
    words_trace, layout = _rows_spec([_criterion_label(row) for row in rows],
                                     [_fit_words(w) for w in words], lo - 2)
    style.merge(layout, dict(
        barmode="relative", bargap=0.3, hovermode="closest", legend=dict(traceorder="normal"),
        xaxis=dict(range=[lo - 2, hi + 2], tickmode="array", tickvals=ticks,
                   ticktext=[f"{abs(v)}%" if v % 50 == 0 else "" for v in ticks], fixedrange=True,
                   title=dict(text=E(f"◀ other levels · share of plans · {best} ▶"), font=dict(size=TEXT_SIZE)))))
    return style.figure(data + [words_trace], layout)


# ---------------------------------------------------------------------------------------------
# Change since the previous cycle: a dumbbell over the ordinal levels
# ---------------------------------------------------------------------------------------------

@by_content
def change_chart(change_frame: pd.DataFrame, labels: list[str], partnership_label: str | None = None) -> go.Figure:
    """Per criterion: an open circle at the previous cycle's level and a symbol at this cycle's
    level (▶ moved up, ◀ moved down, ● same, ★ no earlier level, ✕ not assessed), joined by a
    line. Levels run worst (left) to best (right); "Not assessed" sits at the far left. Above each
    row, words: "▶ up: Partially met → Fully met" (the legend names the two cycles).

    `change_frame`: `analysis.peers.change(...)`; `labels`: review.labels (best first)."""
    cf = change_frame.reset_index(drop=True)
    if cf.empty:
        return _empty("No criteria to compare.")
    labels = list(labels)
    nlev = len(labels)
    pos = {lab: nlev - 1 - i for i, lab in enumerate(labels)}  # worst 0 ... best n-1
    pos[NOT_ASSESSED] = -1
    prev_cycle = cf["previous_cycle"].iloc[0] or ""
    cycle = cf["cycle"].iloc[0]
    show_na = (cf["label"] == NOT_ASSESSED).any() or (prev_cycle and (cf["previous_label"] == NOT_ASSESSED).any())
    n = len(cf)
    ys = list(range(n))
    rows = cf.to_dict("records")
    who = f"{partnership_label}: " if partnership_label else ""

    data = []
    if prev_cycle:
        lx, ly = [], []
        for r in range(n):
            lx += [pos[rows[r]["previous_label"]], pos[rows[r]["label"]], None]
            ly += [r, r, None]
        data.append(dict(type="scatter", x=lx, y=ly, mode="lines", line=dict(color=style.GRID, width=4),
                         hoverinfo="skip", showlegend=False))
        data.append(dict(
            type="scatter", x=[pos[v] for v in cf["previous_label"]], y=ys, mode="markers",
            name=f"{prev_cycle} (before)",
            marker=dict(symbol="circle-open", size=18, color="#595959", line=dict(width=2.5)),
            text=[f"<b>{E(_row_name(row))}</b><br>" + E(f"{who}{prev_cycle}: {row['previous_label']}")
                  for row in rows],
            hovertemplate="%{text}<extra></extra>", cliponaxis=False))
    for direction, (name, symbol, colour, _) in DIRECTION_STYLE.items():
        sel = cf.index[cf["direction"] == direction].tolist()
        if not sel:
            continue
        data.append(dict(
            type="scatter", x=[pos[rows[r]["label"]] for r in sel], y=sel, mode="markers",
            name=f"{cycle}: {name.lower()}",
            marker=dict(symbol=symbol, size=15, color=colour, line=dict(color="#ffffff", width=1)),
            text=[f"<b>{E(_row_name(rows[r]))}</b><br>" + E(f"{who}{cycle}: {rows[r]['label']} ({name.lower()})")
                  for r in sel],
            hovertemplate="%{text}<extra></extra>", cliponaxis=False))

    words = []
    for r in range(n):
        direction = rows[r]["direction"]
        word = DIRECTION_STYLE.get(direction, ("", "", "", direction))[3]
        before, now = rows[r]["previous_label"], rows[r]["label"]
        if direction in ("up", "down"):
            words.append(_fit_words([f"{word}: {before} → {now}"]))
        elif direction == "not assessed" and prev_cycle and before != NOT_ASSESSED:
            words.append(_fit_words([word, f"was {before}"]))
        else:
            words.append(_fit_words([f"{word}: {now}"]))
    left = -1.45 if show_na else -0.45

    ticks = ([-1] if show_na else []) + list(range(nlev))
    tick_text = ([NOT_ASSESSED] if show_na else []) + [labels[nlev - 1 - p] for p in range(nlev)]
    words_trace, layout = _rows_spec([_criterion_label(row) for row in rows], words, left, extra=20)
    style.merge(layout, dict(xaxis=dict(
        tickmode="array", tickvals=ticks, ticktext=[_wrap(t, 9) for t in tick_text], tickangle=0,
        tickfont=dict(size=11), range=[left, nlev - 0.55], fixedrange=True, showgrid=True,
        title=dict(text="level (best on the right)", font=dict(size=TEXT_SIZE)))))
    return style.figure(data + [words_trace], layout)


# ---------------------------------------------------------------------------------------------
# 2019 themes followed into later cycles
# ---------------------------------------------------------------------------------------------

@by_content
def themes_chart(theme_rows: pd.DataFrame, cycles: list[str], met: str = "fully met") -> go.Figure:
    """For each theme with a criterion: that criterion's count of plans fully met in each later
    cycle (one marker shape per cycle, joined by a thin line), and what the 2019 review said:
    "all" as a star at all plans, "most"/"majority" as a shaded band from just over half to all,
    a count as a star at that count; "some", "few" or no extent only in words (no number is drawn
    that the review did not give). Above each row, words: "2019: more than half of plans ·
    2020-2023: 18 of 30 · 2023-2026: 24 of 30".

    `theme_rows`: `analysis.peers.theme_rows(review)`; `cycles`: `analysis.peers.theme_cycles(review)`."""
    from analysis.themes import theme_cycle_columns  # analysis is pure; no cycle of imports at load

    tr = theme_rows[theme_rows["criterion"].astype(str) != ""].reset_index(drop=True) if len(theme_rows) else theme_rows
    if tr is None or tr.empty:
        return _empty("No 2019 themes are linked to a criterion.")
    n = len(tr)
    all_plans = int(tr["all_plans"].max()) if "all_plans" in tr and tr["all_plans"].notna().any() else 0
    xmax = all_plans
    for c in cycles:
        col = theme_cycle_columns(c)["plans"]
        if col in tr and tr[col].notna().any():
            xmax = max(xmax, int(tr[col].max()))
    xmax = max(xmax, 1)

    fig = go.Figure()
    # 2019: bands for most / majority (a range), stars for all / a count / none (a point).
    band = tr[tr["extent_low"].notna() & (tr["extent_high"] > tr["extent_low"])]
    if len(band):
        fig.add_trace(go.Bar(
            y=band.index.tolist(), x=(band["extent_high"] - band["extent_low"]).tolist(),
            base=band["extent_low"].tolist(), orientation="h", width=0.55,
            name="2019: more than half of plans (range)",
            marker=dict(color="#c8c8c8", line=dict(color="#7f7f7f", width=1),
                        pattern=dict(shape="/", fgcolor="#7f7f7f", size=8, solidity=0.2)),
            hovertext=[f"<b>{E(f'{t} (criterion {c})')}</b><br>" + E(f"2019: {e} (more than half of plans)")
                       for t, c, e in zip(band["theme"], band["criterion"], band["extent"])],
            hovertemplate="%{hovertext}<extra></extra>"))
    point = tr[tr["extent_low"].notna() & (tr["extent_high"] == tr["extent_low"])]
    if len(point):
        fig.add_trace(go.Scatter(
            x=point["extent_low"].tolist(), y=point.index.tolist(), mode="markers",
            name="2019: as the review said it",
            marker=dict(symbol="star", size=16, color="#7f7f7f", line=dict(color=style.TEXT, width=1)),
            hovertext=[f"<b>{E(f'{t} (criterion {c})')}</b><br>" + E(f"2019: {m}")
                       for t, c, m in zip(point["theme"], point["criterion"], point["extent_meaning"])],
            hovertemplate="%{hovertext}<extra></extra>", cliponaxis=False))

    # Later cycles: one shape and colour per cycle, joined per theme by a thin line.
    present = [c for c in cycles if theme_cycle_columns(c)["count"] in tr]
    if len(present) > 1:
        lx, ly = [], []
        for r in range(n):
            pts = [tr.at[r, theme_cycle_columns(c)["count"]] for c in present]
            pts = [p for p in pts if not pd.isna(p)]
            if len(pts) > 1:
                lx += [int(p) for p in pts] + [None]
                ly += [r] * len(pts) + [None]
        if lx:
            fig.add_trace(go.Scatter(x=lx, y=ly, mode="lines", line=dict(color="#7f7f7f", width=1.5),
                                     hoverinfo="skip", showlegend=False))
    for i, c in enumerate(present):
        names = theme_cycle_columns(c)
        sel = tr.index[tr[names["count"]].notna()].tolist()
        if not sel:
            continue
        fig.add_trace(go.Scatter(
            x=[int(tr.at[r, names["count"]]) for r in sel], y=sel, mode="markers",
            name=E(f"{c}: plans {met}"),
            marker=dict(symbol=CYCLE_SYMBOLS[i % len(CYCLE_SYMBOLS)], size=13,
                        color=style.OKABE_ITO[i % len(style.OKABE_ITO)], line=dict(color="#ffffff", width=1)),
            hovertext=[f"<b>{E(str(tr.at[r, 'theme']) + ' (criterion ' + str(tr.at[r, 'criterion']) + ')')}</b><br>" + E(f"{c}: {int(tr.at[r, names['count']])} of {int(tr.at[r, names['plans']])} plans {met}"
                         f" criterion {tr.at[r, 'criterion']}"
                         f"{' (' + str(tr.at[r, 'criterion_name']) + ')' if tr.at[r, 'criterion_name'] else ''}")
                       + "<br>" + ("published figure" if tr.at[r, names['source']] == 'published'
                                   else "counted from the scores")
                       for r in sel],
            hovertemplate="%{hovertext}<extra></extra>", cliponaxis=False))

    words = []
    for r in range(n):
        parts = [f"2019: {tr.at[r, 'extent_meaning']}"]
        for c in present:
            names = theme_cycle_columns(c)
            v = tr.at[r, names["count"]]
            if not pd.isna(v):
                parts.append(f"{c}: {int(v)} of {int(tr.at[r, names['plans']])}")
        words.append(_fit_words(parts))

    if all_plans:
        fig.add_vline(x=all_plans / 2, line=dict(color="#7f7f7f", width=1, dash="dot"))
        fig.add_vline(x=all_plans, line=dict(color="#7f7f7f", width=1, dash="dot"))
    ticktext = [f"{_wrap(t)}<br>{E(f'(criterion {crit})')}" for t, crit in zip(tr["theme"], tr["criterion"])]
    fig.update_xaxes(range=[0, xmax * 1.04], fixedrange=True,
                     title=dict(text=f"{E(f'plans {met}')}<br>(dotted lines: half and all plans)", font=dict(size=TEXT_SIZE)))
    _rows(fig, ticktext, words, 0, extra=20)
    fig.update_layout(barmode="overlay", hovermode="closest")
    return fig
