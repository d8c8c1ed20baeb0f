"""A partnership against all plans and its peer group: standing, change, strengths, timing, report."""
from dataclasses import replace

import streamlit as st

import ui
from analysis import peers as pa
from charts import peers as pc
from report import partnership_report_html

v = ui.view()
review, cycle, me = v.review, v.cycle, v.partnership

if me is None:
    st.title("Your partnership against its peers")
    ui.banner(v)
    st.markdown("Choose a partnership to see how its plan compares with every plan in Scotland and with "
                "its peer group.")
    st.selectbox("Partnership", list(review.partnerships["partnership"]), index=None, key="partnership_pick",
                 placeholder="Choose a partnership", on_change=ui.pick_partnership)
    ui.footer(v.source)
    st.stop()

st.title(f"{me}, {cycle}")
ui.banner(v)
if v.hide_names:
    st.caption("Other partnerships' names are hidden on this page and in its downloads.")
    # criterion text can name a partnership too (e.g. "Links with Dundee"): hide those names as well
    review = replace(review, criteria=pa.scrub_frame(review.criteria, review, me, ui.names(v),
                                                     columns=["name", "question", "group"]))
part = pa.full_phrase(review)[1]  # "fully met", or e.g. "rated Excellent" for another scale

standing = pa.standing(review, cycle, me, v.peer_group)
labels = review.labels
st.markdown(pa.headline(review, cycle, me))

ui.chart_card(f"{me} on each criterion, against all plans, {cycle}",
              pa.standing_sentence(standing, me, review.full_label),
              lambda: pc.spine(standing, labels, me), lambda: pa.standing_table(standing, labels, me),
              key="partnership-standing", filename=f"standing-{cycle}.csv",
              note=f"Bars show how many plans were at each level; the diamond marks {me}'s own level"
                   + (", the triangle the share of its peer group fully meeting it." if v.peer_group else "."))

strengths, priorities = pa.strengths_priorities(review, cycle, me)
default_scale = part == "fully met"
lists = [
    ("Strengths", strengths, f"Criteria {me} fully met that fewer than half of plans did." if default_scale else
     f"Criteria where {me} was {part} and fewer than half of plans were."),
    ("Priorities", priorities, f"Criteria {me} did not fully meet that more than half of plans did." if default_scale
     else f"Criteria where {me} was not {part} and more than half of plans were."),
]
for column, (heading, frame, caption) in zip(st.columns(2), lists):
    with column:
        st.subheader(heading)
        st.caption(caption)
        if frame.empty:
            st.markdown("None in this cycle.")
        else:
            st.dataframe(pa.criteria_list_table(frame, part), hide_index=True)

change = pa.change(review, cycle, me)
if pa.previous_cycle(review, cycle) and not change.empty:
    ui.chart_card(f"{me}: change since {change['previous_cycle'].iloc[0]}", pa.change_sentence(change, me),
                  lambda: pc.change_chart(change, labels, me), lambda: pa.change_table(change),
                  key="partnership-change",
                  filename=f"change-{cycle}.csv")
else:
    st.caption(f"There is no earlier cycle with scores to compare {cycle} with.")

st.subheader("When the plan was received")
position = pa.submission_position(review, cycle, me)
st.markdown(pa.submission_sentence(position, me))
ui.metric_row([
    # format_date gives "" for a missing date (NaT): shown as a dash
    ("Received", pa.format_date(position["submitted"]) or None, None),
    ("Deadline", pa.format_date(position["deadline"]) or None, None),
    ("Median of all plans", pa.format_date(position["median_submitted"]) or None,
     "Half of the plans received came before this date."),
])

if st.toggle("Show where each partnership ranks (a league table)", key="show_ranks",
             help="Ranks are hidden by default: the review compares plans with criteria, not with each other."):
    ranks = pa.ranks(review, cycle, names=ui.names(v))
    ranks = ui.shown(v, ranks)
    st.markdown(pa.ranks_sentence(ranks, me))
    st.dataframe(ranks.rename(columns={"rank": "Rank", "partnership": "Partnership", "peer_group": "Peer group",
                                       "fully_met": f"Criteria {part}",
                                       "assessed": "Criteria assessed", "tied": "Tied"}), hide_index=True)

st.subheader("Feedback report")
st.markdown("A self-contained summary of this page for sharing or printing (open it in a browser and "
            "print to PDF)" + (", with other partnerships' names hidden." if v.hide_names else "."))
# built when the button is pressed (a callable), not on every run: ~25 ms per new partnership
provenance = v.source.describe()
st.download_button("Download the report (HTML)",
                   lambda: partnership_report_html(review, cycle, me, hide_names=v.hide_names,
                                                   provenance=provenance).encode("utf-8"),
                   file_name=f"{me}-{cycle}-report.html", mime="text/html", icon=":material/description:",
                   on_click="ignore", key="report")
ui.footer(v.source)
