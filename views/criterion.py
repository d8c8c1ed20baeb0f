"""One criterion: its question and what fully meeting it shows, every partnership's level against
the previous cycle, and the plans at each level in every cycle (`/criterion?criterion=12`)."""
import streamlit as st

import ui
from analysis import criterion as ac
from charts import criterion as cc

v = ui.view()
review, cycle = v.review, v.cycle
options = ac.choices(review)
# The criterion is kept in the address by hand (?criterion=12, its ID), not by the picker's URL
# binding, which would write the picker's text ("12. Resources"); in session state under "criterion"
# (not a widget's key, so it is kept while other pages are shown); the address wins (a link, "Go to").
chosen = ac.pick(review, st.query_params.get("criterion") or st.session_state.get("criterion"))
st.session_state["criterion"] = chosen
if chosen:
    st.query_params["criterion"] = chosen
    st.session_state["criterion_pick"] = chosen


def picked() -> None:
    st.session_state["criterion"] = st.session_state["criterion_pick"]
    st.query_params["criterion"] = st.session_state["criterion_pick"]


info = ac.details(review, chosen) if chosen else {"name": "", "question": "", "fully_met_when": ""}
ui.title(f"Criterion {chosen}: {info['name']}, {cycle}" if chosen else "Criterion")
ui.banner(v)
if not options:
    st.info("The workbook has no criteria.")
    ui.footer(v.source)
    st.stop()
st.selectbox("Criterion", list(options), format_func=options.get, key="criterion_pick", on_change=picked,
             help="Type a criterion's number or name to find it.")
ui.cycle_gap(v, "criterion")

if info["question"]:
    ui.text(ui.strong("Question: "), info["question"])
if info["fully_met_when"]:
    ui.text(ui.strong(f"{review.full_label} when: "), info["fully_met_when"])
else:
    ui.caption("The workbook does not say what a plan that fully meets this criterion shows "
               "(the Criteria sheet's Fully met when column).")

# every partnership now against the previous cycle with scores
groups = ac.peer_groups(review)
group = None
if groups:
    group = st.selectbox("Peer group", groups, index=None, key="criterion_group", placeholder="All partnerships",
                         bind="query-params",
                         help="Show only the partnerships of one peer group.")
moved = ac.moves(review, cycle, chosen, group)
if moved.empty and not group:
    ui.caption(f"There are no per-partnership scores for {cycle}: the counts below are the published figures.")
else:
    prev = str(moved["previous_cycle"].iloc[0]) if not moved.empty else ""
    ui.chart_card(f"{info['name']}: each partnership's level, {cycle}" + (f" against {prev}" if prev else ""),
                  ac.moves_sentence(moved, review, cycle, chosen, group),
                  (lambda: cc.moves_chart(ac.chart_frame(moved), review.labels, mine=v.partnership))
                  if not moved.empty else None,
                  lambda: ac.moves_table(moved), key="criterion-moves",
                  note="Rows are grouped by peer group. An open circle marks the earlier level; the symbol the "
                       "level now (▶ moved up, ◀ moved down, ● same, ★ no earlier level)." if prev else None,
                  filename=f"criterion-{chosen}-{cycle}.csv")

levels = ac.levels_by_cycle(review, chosen)
ui.chart_card(f"{info['name']}: plans at each level, every cycle", ac.levels_sentence(review, chosen),
              lambda: cc.levels_bar(levels, review.labels, ac.PUBLISHED), lambda: ac.levels_table(levels),
              key="criterion-levels", filename=f"criterion-{chosen}-every-cycle.csv",
              note="Cycles marked (published) are known only from the published national figures."
              if (levels["source"] == ac.PUBLISHED).any() else None)
ui.footer(v.source)
