"""Chart colours against WCAG 2.2 AA: text on every level colour at least 4.5:1 (1.4.3), every mark at
least 3:1 against the white background (1.4.11), by its colour or by its edge; and no level told
apart by colour alone."""
from __future__ import annotations

import pandas as pd
import pytest

from charts import national as ch
from charts import peers as pc
from charts import style
from loaders.model import NOT_ASSESSED

WHITE = "#ffffff"
SCALES = [[f"Level {i}" for i in range(n)] for n in range(1, 8)]
SCALES.append(["Fully met", "Partially met", "Not met"])


def test_contrast_formula():
    assert style.contrast("#000000", "#ffffff") == pytest.approx(21)
    assert style.contrast("#ffffff", "#ffffff") == pytest.approx(1)
    assert style.contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the known 4.5:1 grey
    assert style.contrast("#0072B2", "#ffffff") == style.contrast("#ffffff", "#0072B2")


@pytest.mark.parametrize("labels", SCALES, ids=[str(len(s)) for s in SCALES])
def test_text_on_every_level_colour_has_4_5_to_1(labels):
    for label, colour in style.level_colours(labels).items():
        ratio = style.contrast(colour, style.text_colour(colour))
        assert ratio >= 4.5, f"{label} {colour}: text {style.text_colour(colour)} only {ratio:.2f}:1"


@pytest.mark.parametrize("labels", SCALES, ids=[str(len(s)) for s in SCALES])
def test_every_level_has_3_to_1_against_white_by_its_colour_or_its_edge(labels):
    for label, colour in style.level_colours(labels).items():
        edge = style.edge_colour(colour)
        own = style.contrast(colour, WHITE)
        assert own >= 3 or style.contrast(edge, WHITE) >= 3, f"{label} {colour}: {own:.2f}:1 and no dark edge"
        if own < 3:
            assert edge == style.EDGE


def test_text_colour_never_below_4_5_for_any_grey():
    for v in range(0, 256, 5):
        colour = f"#{v:02x}{v:02x}{v:02x}"
        assert style.contrast(colour, style.text_colour(colour)) >= 4.5, colour


def test_categorical_and_fixed_colours_have_3_to_1_against_white():
    for colour in style.OKABE_ITO + [style.HIGHLIGHT, style.TEXT, style.EDGE]:
        assert style.contrast(colour, WHITE) >= 3, colour
    for colour in pc.DIRECTION_STYLE.values():
        assert style.contrast(colour[2], WHITE) >= 3, colour
    for colour in ch.STATUS_COLOUR.values():
        assert style.contrast(colour, WHITE) >= 3, colour
    assert style.contrast(style.TEXT, WHITE) >= 4.5


def test_levels_differ_by_pattern_as_well_as_colour():
    for labels in SCALES:
        patterns = style.level_patterns(labels)
        assert len(set(patterns.values())) == len(patterns), patterns
        assert patterns[NOT_ASSESSED] == "."


def _coverage(labels):
    rows = []
    for cid, name in (("1", "Vision"), ("2", "Data")):
        for i, label in enumerate(labels + [NOT_ASSESSED]):
            count = 3 - i if i < 3 else 1
            rows.append(dict(criterion=cid, name=name, order=int(cid), label=label, count=count,
                             share=count / 10, plans=10, source="scores"))
    return pd.DataFrame(rows)


def test_coverage_bars_use_the_checked_colours_edges_and_text():
    labels = ["Fully met", "Partially met", "Not met"]
    fig = ch.coverage_bar(_coverage(labels), labels)
    colours = style.level_colours(labels)
    bars = [t for t in fig.data if t.type == "bar"]
    assert [b.name for b in bars] == labels + [NOT_ASSESSED]
    for bar in bars:
        fill = bar.marker.color
        assert fill == colours[bar.name]
        assert bar.marker.line.color == style.edge_colour(fill)
        assert max(style.contrast(fill, WHITE), style.contrast(bar.marker.line.color, WHITE)) >= 3
        assert style.contrast(fill, bar.textfont.color) >= 4.5
        assert all(str(t).isdigit() for t in bar.text)          # the count, in words, on every segment
        assert bar.marker.pattern.shape or bar.name == labels[0]  # a pattern on all but the best level
