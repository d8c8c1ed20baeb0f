"""The 2019 review's key themes, and the criteria that follow them in later cycles."""
import streamlit as st

import ui
from analysis import themes as th
from analysis.common import full_phrase
from charts import peers as pc

v = ui.view()
review = v.review
st.title("The 2019 review's key themes, and since")
ui.banner(v)

rows = th.theme_rows(review)
if rows.empty:
    st.info("This workbook has no Themes 2019 sheet, so there are no 2019 themes to show.")
    ui.footer(v.source)
    st.stop()

cycles = th.theme_cycles(review)
met = full_phrase(review)[1]  # "fully met", or e.g. "rated Excellent" for another scale
how = "fully met that criterion" if met == "fully met" else f"were {met} on that criterion"
st.markdown("The 2019 review of the 2017-2020 plans published themes, not counts per criterion. For each "
            f"theme linked to a later criterion, the chart shows how many plans {how} in each later cycle.")
linked = rows[rows["criterion"] != ""]
ui.chart_card("2019 themes against the criteria that follow them", th.themes_sentence(rows, cycles, met),
              (lambda: pc.themes_chart(rows, cycles, met)) if not linked.empty and cycles else None,
              lambda: th.themes_table(rows, cycles, met), key="themes", filename="themes-2019.csv",
              note="The 2019 extents are the review's words, not numbers: \"all\" is drawn at all plans, "
                   "\"majority\" and \"most\" as a band (more than half), a count as that number; \"some\", "
                   "\"few\" and unstated extents are given in words only.")

st.header("Each theme")
for _, row in rows.iterrows():
    with st.container(border=True):
        ui.heading(row["theme"], level=3)
        ui.text(row["finding"], tag="blockquote")
        ui.text(th.theme_sentence(row, cycles, met))
ui.footer(v.source)
