"""One palette and one look for every chart.

Scale levels are data (the workbook's Scale sheet), so colours are assigned by position in the
ordered list of levels, not by name: the best level is dark blue, the worst light yellow (cividis,
which is safe for every common kind of colour blindness), with "Not assessed" grey. Colour is never
the only signal: each level also gets a fill pattern and every bar carries its label text.
"""
from __future__ import annotations

from plotly.colors import sample_colorscale, unlabel_rgb, label_rgb, hex_to_rgb

from loaders.model import NOT_ASSESSED

FONT = "Source Sans, Arial, sans-serif"
TEXT = "#262730"
GRID = "#d5d5d5"
NOT_ASSESSED_COLOUR = "#d9d9d9"
# Okabe-Ito, for categorical series that are not scale levels (e.g. "this partnership", "peers").
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
HIGHLIGHT = "#D55E00"  # one partnership picked out against the rest
PATTERNS = ["", "/", "x", "\\", "+", "|", "-"]   # scale levels; "." is kept for "Not assessed"


def level_colours(labels: list[str]) -> dict[str, str]:
    """Colour per scale label, best first in `labels`; NOT_ASSESSED is always grey."""
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


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with `background` (a #rrggbb colour)."""
    r, g, b = (c / 255 for c in hex_to_rgb(background))
    lum = sum(w * (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
              for w, c in zip((0.2126, 0.7152, 0.0722), (r, g, b)))
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


def base_layout(fig, *, height: int | None = None, legend_title: str | None = None):
    """Apply the shared look: readable font, white background, legend on top, tight margins."""
    fig.update_layout(
        font=dict(family=FONT, size=14, color=TEXT),
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0,
                    title=dict(text=legend_title) if legend_title else None),
        hoverlabel=dict(font=dict(family=FONT, size=14)),
    )
    if height:
        fig.update_layout(height=height)
    fig.update_xaxes(gridcolor=GRID, zerolinecolor=GRID, automargin=True)
    fig.update_yaxes(gridcolor=GRID, zerolinecolor=GRID, automargin=True)
    return fig


def _hex(colour: str) -> str:
    if colour.startswith("#"):
        return colour
    r, g, b = (int(float(v)) for v in unlabel_rgb(colour))
    return f"#{r:02x}{g:02x}{b:02x}"
