"""Search across plans: every plan of a cycle, filtered by criterion level and peer group."""
import ui

v = ui.view()
ui.title(f"Search the plans, {v.cycle}")
ui.banner(v)
if v.hide_names:
    ui.caption("Other partnerships' names are hidden in the results: their plans show as labels and cannot be opened.")
ui.plan_search(v)
ui.footer(v.source)
