"""The plans' UI pieces (issue 21): the Partnership page's evidence per criterion and the search
across plans. A plan's text is untrusted like the workbook's: every passage is shown exactly as
written (literal.for_page), never as Markdown or a link; only the dashboard's own link to the plan is
a link."""
from __future__ import annotations

import os
import re
from pathlib import Path

import streamlit as st

import datasource
import literal
from ui import Html, Loaded, View, _label_key, caption, heading, load, shown_groups, strong, text

# -- the plans (issue 21) ------------------------------------------------------------------------
# A plan's text is untrusted like the workbook's: every passage is shown exactly as written
# (literal.for_page), never as Markdown or a link; only the dashboard's own link to the plan is a link.

STATIC_PLANS = Path(__file__).resolve().parents[1] / "static" / "plans"
PLANS_ILLUSTRATIVE = ("Illustrative: this plan is made up for the sample (every page says so) and its text follows the "
                      "made-up scores. It is not any partnership's real plan.")
PLANS_RANKING = ("Passages are ranked by how much they use the criterion's words (its name, question and "
                 "what a plan that fully meets it shows), rarer words counting more (BM25). A guide to where "
                 "to read, not a judgement: read the plan around them.")
# <mark> is yellow and also bold and underlined: the query's words stand out without colour too.
_MARK = '<mark style="background:#fff2a8;color:inherit;font-weight:700;text-decoration:underline">'


def stored_plans() -> tuple[list, object]:
    """The plans analysts attached (store.StoredPlan, newest first; one small query) and the store
    they are read from; none while the store cannot be read (the shipped sample's plans still show)."""
    from store import Store, StoreError

    store = Store(datasource.store_location())
    try:
        return store.plans(), store
    except StoreError:
        return [], store


def plan_files(v: View, cycle: str | None = None) -> list:
    """The plans (plans.catalogue.PlanFile, by real names) of the view's workbook, of one cycle or all:
    those attached on the Data page, else the sample's made-up ones."""
    from plans import catalogue

    kept, store = stored_plans()
    return catalogue.plan_files(v.real_review or v.review, cycle, stored=kept, read=store.read_plan)


@st.cache_resource(show_spinner=False, max_entries=256)
def _serve(sha: str, _plan) -> bool:
    """Put the plan where Streamlit's static serving finds it (static/plans/<sha256>.pdf, once per
    file: named by its content, it never changes), as its inert copy (plans.served: no scripts, forms
    or actions, which a browser's PDF viewer would run). Raises if that cannot be done (not cached:
    a store that was not answering is asked again next time)."""
    from plans.served import inert_copy

    target = STATIC_PLANS / f"{sha}.pdf"
    if not target.exists():
        data = _plan.read()  # checked against its sha256
        copy = inert_copy(data, _plan.filename or "the plan")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(copy)
        partial.replace(target)
    return True


def _served(sha: str, plan) -> bool:
    """True once the plan's inert copy is served; False while that cannot be done."""
    from plans import PlanError

    try:
        return _serve(sha, plan)
    except (OSError, PlanError):
        return False


def plan_href(v: View, plan, page: int = 1) -> str | None:
    """The address that opens `plan` at `page` in the browser's PDF viewer: the app's own inert copy,
    served by Streamlit (server.enableStaticServing), with #page=N. None while names are hidden for
    another partnership's plan (the plan itself names its partnership), and for the partnership's own
    plan when it names another partnership: the page shows a label where the plan has the name, so
    opening it would say whose the label is."""
    if v.hide_names and (plan.partnership != v.partnership or names_others(v, plan)):
        return None
    if not _served(plan.sha256, plan):
        return None
    return f"app/static/plans/{plan.sha256}.pdf#page={int(page)}"


_NAMES_OTHERS: dict = {}


def names_others(v: View, plan) -> bool:
    """Whether the plan's text names another partnership (or its council or health board) as this
    view hides them; True if its text is not known here."""
    from plans import cached_index

    key = (plan.sha256, v.partnership, tuple(sorted((v.shown_names or {}).items())))
    if key not in _NAMES_OTHERS:
        index = cached_index(plan.sha256)
        if index is None:
            return True
        words = "\n".join(p.text for p in index.text.passages)
        if len(_NAMES_OTHERS) > 256:
            _NAMES_OTHERS.clear()
        _NAMES_OTHERS[key] = v.shown(words) != words
    return _NAMES_OTHERS[key]


def _plan_link(href: str, words: str) -> str:
    # href is the dashboard's own (a sha256 and a page number), never text from a plan or workbook
    return (f'<a href="{literal.for_html(href)}" target="_blank" rel="noopener noreferrer">{literal.for_page(words)}'
            '<span class="csp-new-tab"> (PDF, opens in a new tab)</span></a>')


def passage(v: View, hit, href: str | None, query: str | None = None) -> None:
    """One passage of a plan: its page, a link that opens the plan there, and its text exactly as
    written (other partnerships' names as labels while names are hidden), the query's words marked."""
    from plans import marked

    page = hit.passage.page
    words = v.shown(hit.passage.text)
    if query:
        body = "".join(f"{_MARK}{literal.for_page(t)}</mark>" if hit_word else literal.for_page(t)
                       for t, hit_word in marked(words, query))
    else:
        body = literal.for_page(words)
    head = f"<strong>Page {page}</strong>" + (" · " + _plan_link(href, f"Open the plan at page {page}") if href else "")
    st.markdown(f'<div class="csp-passage"><p>{head}</p><blockquote>{body}</blockquote></div>',
                unsafe_allow_html=True)


def plan_evidence(v: View) -> None:
    """The Partnership page's section on the plan: for the criterion chosen, the passages of the
    partnership's plan most likely to bear on it, ranked, each with its page and a link there."""
    from analysis.national import partnership_levels
    from plans import PlanError
    from plans import evidence as ev

    heading("What the plan says on each criterion", anchor="plan-evidence")
    mine = [f for f in plan_files(v, v.cycle) if f.partnership == v.partnership]
    if not mine:
        text(f"There is no plan of {v.partnership} for {v.cycle} in the dashboard. Analysts attach plans on the "
             "Data page.")
        return
    plan = mine[0]
    try:
        index = ev.index_of(plan)
    except PlanError as exc:
        text(exc.message)
        return
    if plan.path is not None:   # the sample's made-up plan (an attached one is whatever was attached)
        caption(PLANS_ILLUSTRATIVE)
    href = plan_href(v, plan, 1)
    title_words = v.shown(plan.title) or f"{v.partnership}'s plan, {v.cycle}"
    text(strong(title_words), f" ({index.text.pages} page{'s' if index.text.pages != 1 else ''})",
         Html(" · " + _plan_link(href, "Open the plan")) if href else "")
    if href is None and v.hide_names and names_others(v, plan):
        caption("The plan cannot be opened while other partnerships' names are hidden: it names other "
                "partnerships, shown here as labels.")
    if plan.link:
        caption("Published at ", Html(f"<code>{literal.for_page(plan.link)}</code>"))
    crit = v.review.criteria
    ids = [str(c) for c in crit["criterion"]]
    names = dict(zip(ids, crit["name"].astype(str)))
    levels = partnership_levels(v.review, v.cycle, v.partnership)
    asked = str(st.query_params.get("criterion") or "")
    if st.session_state.get("evidence_criterion") not in ids:
        st.session_state["evidence_criterion"] = asked if asked in ids else ids[0]
    cid = st.selectbox("Criterion", ids, key="evidence_criterion",
                       format_func=lambda c: f"{c}. {names[c]}" + (f" ({levels[c]})" if levels.get(c) else ""),
                       help="The passages of the plan most likely to bear on this criterion.")
    hits = ev.evidence(index, v.review, cid)
    level = levels.get(cid)
    text(f"Criterion {cid}, {names[cid]}: ", f"{v.partnership}'s plan: {level} in {v.cycle}. " if level else "",
         (f"The {len(hits)} passages most likely to bear on it, best first:" if len(hits) > 1 else
          "The one passage that bears on it:") if hits else
         "No passage of the plan uses this criterion's words.")
    for hit in hits:
        passage(v, hit, plan_href(v, plan, hit.passage.page))
    caption(PLANS_RANKING)


def _unnamed_words(loaded: Loaded, words: str) -> str:
    """`words` without other partnerships' names, councils and health boards (names hidden)."""
    from analysis import names

    review = loaded.review
    if not words or review is None or not review.ok:
        return words
    keep = st.session_state.get("partnership")
    keep = keep if keep in set(review.partnerships["partnership"]) else ""
    mapping = names.labels(review.partnerships["partnership"], keep, _label_key(loaded))
    shown = names.scrub_text(words, review, keep, mapping)
    if shown == words:
        return words
    put = {label for real, label in mapping.items() if real != keep} | {"a health board", "another partnership"}
    pattern = r"(?<!\w)(?:" + "|".join(re.escape(n) for n in sorted(put, key=len, reverse=True)) + r")(?!\w)"
    return " ".join(re.sub(pattern, " ", shown).split())


def unname_plan_query(loaded: Loaded) -> None:
    """With names hidden, Search the plans' words without other partnerships' names, councils and
    health boards (before the sidebar's link and the page use them): results for a name would say
    which label is whose, and the page, its box and its address would show the name. (On a page's
    first load Streamlit gives the box the address's words whatever is set here: `plan_search`
    then runs the page again once, when this takes effect.)"""
    asked = str(st.session_state.get("plan_query", st.query_params.get("plan_query", "")) or "")
    if not st.session_state.get("hide") or (unnamed := _unnamed_words(loaded, asked)) == asked:
        return
    st.session_state["plan_query"] = st.session_state["_plan_query_unnamed"] = unnamed
    try:   # the address too, until the box is bound to it (then the box's value is the address's)
        if "plan_query" in st.query_params:
            st.query_params["plan_query"] = unnamed
    except st.errors.StreamlitAPIException:
        pass


def plan_search(v: View) -> None:
    """The search across plans: every plan of the cycle, or only those at a level on a criterion
    and of a peer group; results grouped by plan, with pages, passages and the query's words marked."""
    from plans import evidence as ev

    real = v.real_review or v.review
    files = plan_files(v, v.cycle)
    if not files:
        text(f"There are no plans for {v.cycle} in the dashboard. Analysts attach plans on the Data page.")
        return
    made_up = {f.sha256 for f in files if f.path is not None}   # the sample's; an attached plan is not made up
    if made_up and len(made_up) == len({f.sha256 for f in files}):
        caption("Illustrative: these plans are made up for the sample (every page says so) and their text follows "
                "the made-up scores. They are not any partnership's real plan.")
    elif made_up:
        caption("Illustrative: the plans marked so are made up for the sample; the others were attached on the "
                "Data page.")
    query = st.text_input("Search the plans for", key="plan_query", bind="query-params", max_chars=200,
                          placeholder="e.g. family support, collective budget",
                          help="Words to find. Leave empty and choose a criterion to search with its own words.")
    if v.hide_names and (unnamed := _unnamed_words(st.session_state.get("_loaded") or load(), query)) != query:
        # the box took the address's words on the page's first load: run again, once, with them taken out
        if st.session_state.get("_plan_query_rerun") != query:
            st.session_state["_plan_query_rerun"] = query
            st.rerun()
        query = st.session_state["_plan_query_unnamed"] = unnamed
    if v.hide_names and st.session_state.get("_plan_query_unnamed") == query:
        caption("Other partnerships' names are taken out of the search while their names are hidden.")
    crit = v.review.criteria
    ids = [str(c) for c in crit["criterion"]]
    names = dict(zip(ids, crit["name"].astype(str)))
    # the level is offered once a criterion is chosen (a disabled picker's label is too faint to read)
    chosen = st.session_state.get("plan_criterion") in ids
    columns = st.columns(3 if chosen else 2)
    with columns[0]:
        cid = st.selectbox("Only plans scored on criterion", ids, index=None, key="plan_criterion",
                           format_func=lambda c: f"{c}. {names[c]}", placeholder="Any criterion")
    level = None
    if chosen:
        with columns[1]:
            level = st.selectbox("At level", v.review.labels, key="plan_level",
                                 help="Only plans at this level on the criterion are searched.")
    with columns[-1]:
        groups = sorted(g for g in real.partnerships["peer_group"].dropna().unique() if g)
        if v.hide_names:
            groups = shown_groups(st.session_state.get("_loaded") or load(), groups)
        group = st.selectbox("Peer group", groups, index=None, key="plan_peer", placeholder="All peer groups")
    allowed = None
    if cid is not None and level is not None:
        allowed = ev.plans_at_level(real, v.cycle, cid, level)
    if group:
        members = ev.in_group(real, group)
        allowed = members if allowed is None else allowed & members
    words = query.strip() or (ev.criterion_words(v.review, cid) if cid is not None else "")
    if not words:
        text(f"{len(files)} plans for {v.cycle}. Type words to search them, or choose a criterion.")
        return
    found = ev.search(files, words, allowed)
    for plan, why in found.unreadable:
        text(f"{v.shown_name(plan.partnership)}: ", v.shown(why))
    where = f"{found.searched} of {len(files)} plans" if allowed is not None else f"all {len(files)} plans"
    said = "its words" if not query.strip() else "the words"
    count = sum(len(g.hits) + g.more for g in found.groups)
    text(f"{count} passages in {len(found.groups)} plans, searching {where} with {said}: " if count else
         f"No passage uses {said}, searching {where}: ", Html(f"<code>{literal.for_page(words)}</code>"))
    for group_found in found.groups:
        plan = group_found.plan
        with st.container(border=True):
            heading(v.shown_name(plan.partnership))
            first = plan_href(v, plan, 1)
            if plan.title:
                text(v.shown(plan.title), Html(" · " + _plan_link(first, "Open the plan")) if first else "")
            if first is None and v.hide_names and (plan.partnership != v.partnership or names_others(v, plan)):
                caption("This plan cannot be opened while other partnerships' names are hidden: the plan itself "
                        "names its partnership." if plan.partnership != v.partnership else
                        "This plan cannot be opened while other partnerships' names are hidden: it names other "
                        "partnerships, shown here as labels.")
            if plan.path is not None and len(made_up) < len({f.sha256 for f in files}):
                caption(PLANS_ILLUSTRATIVE)
            for hit in group_found.hits:
                passage(v, hit, plan_href(v, plan, hit.passage.page), query=words)
            if group_found.more:
                caption(f"{group_found.more} more of its passages are among the results: its best "
                        f"{len(group_found.hits)} are shown.")
