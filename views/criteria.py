"""Criteria coverage: count and share per level, partnership-by-criterion heatmap, change since last cycle."""
import streamlit as st

import ui
from analysis import national as an
from analysis.common import full_phrase
from charts import national as ch

v = ui.view()
review, cycle = v.review, v.cycle
full = full_phrase(review)[1]  # "fully met", or e.g. "rated Excellent" for another scale
ui.title(f"Criteria coverage, {cycle}")
ui.banner(v)
ui.cycle_gap(v, "criteria")

cov = an.coverage(review, cycle)
if cov["source"].iloc[0] == "published":
    st.info(f"**Published totals.** The workbook has no per-partnership scores for {cycle}, so this page "
            "shows the national figures as published. Only the criteria with a published figure are listed.")
check = an.national_check(review, cycle)
if not check.empty:
    st.warning(f"**The published figures and the workbook's scores disagree** for "
               f"{check['criterion'].nunique()} criteria in {cycle}; the charts use the scores. "
               "The differences are listed in the table below.")
    st.dataframe(check.rename(columns={"criterion": "ID", "name": "Criterion", "label": "Level",
                                       "published": "Published", "from_scores": "From scores",
                                       "difference": "Difference"}), hide_index=True)

c1, c2 = st.columns(2)
order_by = c1.radio("Order criteria", ["As in the review", "By share at the best level"],
                    horizontal=True, key="criteria_order", bind="query-params")
measure = c2.radio("Show", ["Number of plans", "Share of plans"], horizontal=True, key="criteria_measure",
                   bind="query-params")
order = an.criterion_order(cov, "workbook" if order_by == "As in the review" else "fully_met")
mine = an.partnership_levels(review, cycle, v.partnership)  # your partnership, marked on the charts
ui.chart_card(f"Plans at each level, per criterion, {cycle}", an.coverage_sentence(review, cycle),
              lambda: ch.coverage_bar(cov, review.labels, x="count" if measure == "Number of plans" else "share",
                                      order=order, mine=v.partnership, mine_levels=mine),
              lambda: an.coverage_table(cov, order), key="criteria-coverage", filename=f"criteria-coverage-{cycle}.csv",
              note=f"◆ marks {v.partnership}'s own level on each criterion." if mine else None,
              on_select="criterion")

heat = an.heatmap_frame(review, cycle)
if not heat.empty:
    ui.chart_card(f"Each partnership's level on each criterion, {cycle}", an.heatmap_sentence(review, cycle),
                  lambda: ch.heatmap(heat, review.labels, mine=v.partnership), lambda: an.heatmap_table(heat),
                  key="criteria-heatmap",
                  note=("Letters in the cells are the first letters of the levels; a dash means not assessed."
                        if len(heat) <= ch.CELL_TEXT_MAX else "This grid is too large for letters in its cells: hover "
                        "over a cell, or use the Data tab, for each partnership's level.")
                  + (f" {v.partnership}'s row is outlined and named ▶ (yours)." if mine else ""),
                  filename=f"partnership-by-criterion-{cycle}.csv", on_select="cell")

change = an.change_since_previous(review, cycle)
if change.empty:
    st.caption(f"There is no earlier cycle with figures to compare {cycle} with.")
else:
    prev = change["previous_cycle"].iloc[0]
    ui.chart_card(f"Change in plans {full} since {prev}", an.change_sentence(review, cycle),
                  lambda: ch.dumbbell(change, label=review.full_label.lower(), order=order),
                  lambda: an.change_table(change, review.full_label),
                  key="criteria-change", filename=f"change-{prev}-to-{cycle}.csv")
ui.footer(v.source)
