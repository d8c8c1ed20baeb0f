"""Submission timeline: plans received over time against the deadlines, and each partnership's date."""
import streamlit as st

import ui
from analysis import national as an
from charts import national as ch

v = ui.view()
review, cycle = v.review, v.cycle
ui.title(f"When plans were received, {cycle}")
ui.banner(v)
ui.cycle_gap(v, "timeline")

t = an.timeline(review, cycle)
if t.partnerships.empty:
    st.warning(f"There are no submission records for {cycle}. Choose another cycle in the sidebar.")
    ui.footer(v.source)
    st.stop()

sentence = an.timeline_sentence(review, cycle)
ui.chart_card(f"Plans received over time, {cycle}", sentence,
              lambda: ch.timeline_cumulative(t.cumulative, t.due_date, t.extended_due_date, total=t.expected),
              lambda: an.cumulative_table(t.cumulative), key="timeline-cumulative", filename=f"plans-received-{cycle}.csv")

per = t.partnerships
ui.chart_card(f"Each partnership's plan against the deadline, {cycle}",
              f"Each point is one plan: days before (left) or after (right) the deadline of "
              f"{an.format_date(t.deadline)}. Open shapes are plans published in draft.",
              lambda: ch.submission_points(per, mine=v.partnership), lambda: an.submissions_table(per),
              key="timeline-partnerships",
              note=f"{v.partnership}'s plan is the outlined row, named ▶ (yours)."
              if v.partnership in set(per["partnership"]) else None,
              filename=f"submissions-{cycle}.csv")

st.header("Not yet received")
missing = t.not_received
ui.text("All plans have been received." if not missing else
        f"{len(missing)} plan(s) not yet received: " + ", ".join(missing) + ".")
ui.footer(v.source)
