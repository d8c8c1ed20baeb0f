"""One palette and one look for every chart.

Scale levels are data (the workbook's Scale sheet), so colours are assigned by position in the
ordered list of levels, not by name: the best level is dark blue, the worst light yellow (cividis,
which is safe for every common kind of colour blindness), with "Not assessed" grey. Colour is never
the only signal: each level also gets a fill pattern and every bar carries its label text.

Contrast (WCAG 2.2 AA, checked by tests/test_style.py): text on a level colour (`text_colour`) has at
least 4.5:1; every mark has at least 3:1 against the white background (1.4.11), either by its own
colour or, for the light levels and "Not assessed", by a dark edge (`edge_colour`). The Okabe-Ito
hues are darkened where needed to reach 3:1 on white.
"""
from __future__ import annotations

import functools

import plotly.graph_objects as go
from plotly.colors import sample_colorscale, unlabel_rgb, hex_to_rgb

from loaders.model import NOT_ASSESSED

FONT = "Source Sans, Arial, sans-serif"
TEXT = "#262730"
GRID = "#d5d5d5"
NOT_ASSESSED_COLOUR = "#d9d9d9"
# Okabe-Ito, for categorical series that are not scale levels (e.g. "this partnership", "peers").
# Orange (#E69F00), sky blue (#56B4E9), reddish purple (#CC79A7) and yellow (#F0E442) are darkened
# (same hue and saturation, less lightness) to reach 3:1 against white (WCAG 1.4.11).
OKABE_ITO = ["#0072B2", "#BD8300", "#009E73", "#CA73A3", "#1D96DB", "#D55E00", "#9C920C", "#000000"]
EDGE = "#595959"  # the edge of a light mark: 7:1 on white
HIGHLIGHT = "#D55E00"  # one partnership picked out against the rest
PATTERNS = ["", "/", "x", "\\", "+", "|", "-"]   # scale levels; "." is kept for "Not assessed"


def level_colours(labels: list[str]) -> dict[str, str]:
    """Colour per scale label, best first in `labels`; NOT_ASSESSED is always grey."""
    return dict(_level_colours(tuple(labels)))


@functools.lru_cache(maxsize=64)        # sampling the colour scale costs ~2 ms; charts ask per build
def _level_colours(labels: tuple[str, ...]) -> dict[str, str]:
    n = len(labels)
    points = [0.05 + 0.9 * i / max(n - 1, 1) for i in range(n)] if n > 1 else [0.05]
    # cividis runs dark blue (0) -> yellow (1); the best level gets the darkest colour.
    colours = sample_colorscale("Cividis", points)
    out = {label: _hex(c) for label, c in zip(labels, colours)}
    out[NOT_ASSESSED] = NOT_ASSESSED_COLOUR
    return out


def level_patterns(labels: list[str]) -> dict[str, str]:
    out = {label: PATTERNS[i % len(PATTERNS)] for i, label in enumerate(labels)}
    out[NOT_ASSESSED] = "."
    return out


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    r, g, b = (c / 255 for c in hex_to_rgb(colour))
    return sum(w * (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
               for w, c in zip((0.2126, 0.7152, 0.0722), (r, g, b)))


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with `background` (a #rrggbb colour). The worse of
    the two choices is at least 4.58:1, so text on any fill passes WCAG 1.4.3."""
    return "#000000" if contrast(background, "#000000") >= contrast(background, "#ffffff") else "#ffffff"


def edge_colour(fill: str, background: str = "#ffffff") -> str:
    """The outline for a mark filled with `fill`: the background colour (a thin gap between
    neighbouring segments) when the fill itself has 3:1 against the background, else EDGE, so that
    the mark's boundary has 3:1 (WCAG 1.4.11)."""
    return background if contrast(fill, background) >= 3 else EDGE


def layout(*, height: int | None = None, legend_title: str | None = None) -> dict:
    """The shared look as a plotly layout: readable font, white background, legend on top, tight
    margins, light grid lines on the (single) x and y axes."""
    axis = dict(gridcolor=GRID, zerolinecolor=GRID, automargin=True)
    legend = dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0)
    if legend_title:
        legend["title"] = dict(text=legend_title)
    out = dict(font=dict(family=FONT, size=14, color=TEXT), paper_bgcolor="#ffffff", plot_bgcolor="#ffffff",
               margin=dict(l=10, r=10, t=40, b=10), legend=legend, hoverlabel=dict(font=dict(family=FONT, size=14)),
               xaxis=dict(axis), yaxis=dict(axis))
    if height:
        out["height"] = height
    return out


def merge(base: dict, *updates: dict) -> dict:
    """`base` updated in place by each of `updates`, nested dicts merged (as fig.update_layout does)."""
    for update in updates:
        for key, value in update.items():
            if isinstance(value, dict) and isinstance(base.get(key), dict):
                merge(base[key], value)
            else:
                base[key] = value
    return base


def figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure from plain trace and layout dicts, without plotly's property-by-property checks:
    building a chart through go.Bar(...) and fig.update_*() costs 35-50 ms each time, from dicts
    about 2 ms, and the Partnership page builds two new charts for every partnership a person
    picks. The checks are not lost: tests/test_peers.py builds every such chart again through
    plotly's checks (go.Figure(fig.to_dict())) and requires the same figure."""
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def _hex(colour: str) -> str:
    if colour.startswith("#"):
        return colour
    r, g, b = (int(float(v)) for v in unlabel_rgb(colour))
    return f"#{r:02x}{g:02x}{b:02x}"
