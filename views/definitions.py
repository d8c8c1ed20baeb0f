"""Definitions: each criterion's question, the scale, the sources, and what "illustrative" means."""
import streamlit as st

import ui
from analysis.names import DOES_NOT_PROTECT, PROTECTS
from analysis.reference import criteria_table, scale_table, sources_table

v = ui.view()
st.title("Definitions")
ui.banner(v)

st.header("The review criteria")
st.markdown("Each Children's Services Plan is reviewed against these criteria, in this order.")
st.dataframe(criteria_table(v.review), hide_index=True)

st.header("The scale")
st.markdown("Each criterion is scored at one of these levels. A blank score means the criterion was "
            "**not assessed** for that plan.")
st.dataframe(scale_table(v.review), hide_index=True)

st.header("Where the national figures come from")
sources = sources_table(v.review)
if sources.empty:
    st.markdown("This workbook has no published national figures.")
else:
    st.markdown("Counts of plans per criterion as published in the Scottish Government's national review "
                "reports (Open Government Licence):")
    st.dataframe(sources, hide_index=True, column_config={"Source": st.column_config.TextColumn(width="large")})

st.header("Download the data")
ui.download_data(v)

st.header("What \"illustrative\" means")
st.markdown("The Scottish Government does not publish each partnership's scores: each partnership "
            "received its own feedback report. The shipped sample workbook therefore makes up "
            "per-partnership scores and dates that add up exactly to the published national counts. "
            "They show how the dashboard works; they are not any partnership's real result.")
st.header("What hiding other partnerships' names does")
st.markdown(PROTECTS)
st.markdown(f"**What it does not do.** {DOES_NOT_PROTECT}")
if v.review.about:
    with st.expander("The workbook's own note (its About sheet)"):
        ui.text(v.review.about)
ui.footer(v.source)
