"""Overview: headline figures, all criteria at a glance, and a tile map of the partnerships."""
import streamlit as st

import ui
from analysis import national as an
from analysis.common import full_phrase
from charts import national as ch

v = ui.view()
review, cycle = v.review, v.cycle
ui.title(f"Children's Services Plans {cycle}: overview")
ui.banner(v)
ui.cycle_gap(v, "overview")

h = an.headline(review, cycle)
ui.text(an.headline_sentence(review, cycle))
deadline = an.format_date(h["deadline"]) if h["deadline"] is not None else "the deadline"
ui.metric_row([
    ("Partnerships", h["partnerships"], "Children's Services Planning Partnerships in the workbook."),
    ("Plans received", h["received"], None if h["received"] is not None else "No submission records for this cycle."),
    ("On time", h["on_time"], f"Received on or before {deadline}."),
    ("Late", h["late"], f"Received after {deadline}."),
    ("Not yet received", h["not_received"], None),
])
full = full_phrase(review)[1]  # "fully met", or e.g. "rated Excellent" for another scale
well, weak = h["well_met"], h["weakest"]
left, right = st.columns(2)
ui.text(ui.strong(f"{len(well)} {'criterion' if len(well) == 1 else 'criteria'} {full} by at least two thirds "
                  "of plans:"), " ", (", ".join(well) if well else "none") + ".", container=left)
ui.text(ui.strong(f"Least often {full}:"), " ",
        (", ".join(f"{n} ({h['weakest_counts'][n]} of {h['plans']})" for n in weak) if weak else "none") + ".",
        container=right)

cov = an.coverage(review, cycle)
mine = an.partnership_levels(review, cycle, v.partnership)  # your partnership, marked on the charts
note = ("These are the published national totals: this cycle has no per-partnership scores in the workbook."
        if h["source"] == "published" else
        f"◆ marks {v.partnership}'s own level on each criterion." if mine else None)
ui.chart_card(f"How many plans met each criterion, {cycle}", an.coverage_sentence(review, cycle),
              (lambda: ch.coverage_bar(cov, review.labels, mine=v.partnership, mine_levels=mine)) if not cov.empty
              else None,
              lambda: an.coverage_table(cov),
              key="overview-criteria", note=note, filename=f"criteria-{cycle}.csv", on_select="criterion")

tiles = an.partnership_fully_met(review, cycle)
if v.hide_names:
    st.info("The map of partnerships is hidden while other partnerships' names are hidden, because a "
            "tile's place on the map would show which partnership it is.")
elif tiles["fully_met"].notna().any():
    ui.chart_card(f"Criteria {full} by each partnership, {cycle}", an.tilemap_sentence(review, cycle),
                  lambda: ch.tile_map(tiles, label=full, mine=v.partnership),
                  lambda: an.tiles_table(tiles, h["full_label"]),
                  key="overview-map",
                  note="Each square is one partnership, placed roughly where it lies in Scotland; darker "
                       f"squares have more criteria {full}. Hover or see the Data tab for names."
                       + (f" {v.partnership}'s square is outlined and marked ▶." if v.partnership else ""),
                  filename=f"partnerships-{cycle}.csv", on_select="partnership")
ui.footer(v.source)
