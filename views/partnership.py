"""A partnership against all plans and its peer group: standing, change, strengths, timing, report."""
import streamlit as st

import ui
from analysis import peers as pa
from charts import peers as pc
from analysis.names import MIN_GROUP
from report import partnership_report_html

v = ui.view()
review, cycle, me = v.review, v.cycle, v.partnership

if me is None:
    ui.title("Your partnership against its peers")
    ui.banner(v)
    st.markdown("Choose a partnership to see how its plan compares with every plan in Scotland and with "
                "its peer group.")
    st.selectbox("Partnership", list(v.choices), index=None, key="partnership_pick",
                 placeholder="Choose a partnership", on_change=ui.pick_partnership)
    ui.footer(v.source)
    st.stop()

ui.title(f"{me}, {cycle}")
ui.banner(v)
ui.picked_out(v)  # the criterion a click on the heatmap picked out (?criterion=12)
ui.cycle_gap(v, "partnership")
if v.hide_names:
    st.caption("Other partnerships' names are hidden on this page and in its downloads.")
if v.peer_withheld:
    ui.caption(f"Peer group {v.peer_withheld} has fewer than {MIN_GROUP} partnerships, so it is not compared "
               "with while other partnerships' names are hidden: its figures would come close to naming them.")
part = pa.full_phrase(review)[1]  # "fully met", or e.g. "rated Excellent" for another scale

standing = pa.standing(review, cycle, me, v.peer_group)
labels = review.labels
ui.text(pa.headline(review, cycle, me))

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
        ui.caption(caption)
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
    ui.caption(f"There is no earlier cycle with scores to compare {cycle} with.")

st.subheader("When the plan was received")
position = pa.submission_position(review, cycle, me)
ui.text(pa.submission_sentence(position, me))
ui.metric_row([
    # format_date gives "" for a missing date (NaT): shown as a dash
    ("Received", pa.format_date(position["submitted"]) or None, None),
    ("Deadline", pa.format_date(position["deadline"]) or None, None),
    ("Median of all plans", pa.format_date(position["median_submitted"]) or None,
     "Half of the plans received came before this date."),
])

if st.toggle("Show where each partnership ranks (a league table)", key="show_ranks", bind="query-params",
             help="Ranks are hidden by default: the review compares plans with criteria, not with each other."):
    ranks = pa.ranks(review, cycle)
    ui.text(pa.ranks_sentence(ranks, me))
    st.dataframe(ranks.rename(columns={"rank": "Rank", "partnership": "Partnership", "peer_group": "Peer group",
                                       "fully_met": f"Criteria {part}",
                                       "assessed": "Criteria assessed", "tied": "Tied"}), hide_index=True)

ui.plan_evidence(v)

st.subheader("Feedback report")
st.markdown("A self-contained summary of this page for sharing or printing (open it in a browser and "
            "print to PDF)" + (", with other partnerships' names hidden." if v.hide_names else "."))
# built when the button is pressed (a callable), not on every run: ~25 ms per new partnership
provenance = ui.provenance(v.source)
show_ranks = bool(st.session_state.get("show_ranks"))  # read now: the callable runs on the press
st.download_button("Download the report (HTML)",
                   # every choice that shapes this page: cycle, partnership, peer group, hidden names, ranks
                   lambda: partnership_report_html(review, cycle, me, hide_names=v.hide_names,
                                                   provenance=provenance, peer_group=v.peer_group,
                                                   show_ranks=show_ranks).encode("utf-8"),
                   file_name=f"{me}-{cycle}-report.html", mime="text/html", icon=":material/description:",
                   on_click="ignore", key="report")
ui.footer(v.source)
