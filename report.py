"""The downloadable partnership report: one self-contained HTML document that prints well on A4.

No external assets and no JavaScript: the distribution of all plans per criterion is drawn as a small
inline SVG bar, everything else is tables and text, so a report for 16 criteria stays a few tens of
kilobytes. Every piece of workbook text is escaped (`literal.for_html`). With names hidden, the
Review given is the hidden one (`analysis.names.hidden`, made once where the page's view is made),
so the report shows exactly the labels the page shows.
"""
from __future__ import annotations

import datetime as dt
import html

import pandas as pd

from analysis import peers as P
from analysis.memo import per_review
from charts import style
from literal import for_html
from loaders.model import ILLUSTRATIVE_NOTE, NOT_ASSESSED, Review

CSS = """
@page { size: A4; margin: 15mm 14mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Source Sans", Arial, sans-serif; color: #262730; font-size: 11pt; line-height: 1.4;
       max-width: 190mm; margin: 0 auto; padding: 12px; }
h1 { font-size: 19pt; margin: 0 0 4px; }
h2 { font-size: 13.5pt; margin: 20px 0 6px; border-bottom: 2px solid #0072B2; padding-bottom: 2px;
     break-after: avoid; page-break-after: avoid; }
p { margin: 4px 0 8px; }
.sub { font-size: 12pt; margin: 0 0 6px; }
.prov { font-size: 9.5pt; color: #444; border-left: 4px solid #E69F00; padding: 4px 8px; background: #fff8e8; }
.headline { font-size: 12.5pt; font-weight: 600; margin: 12px 0; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 10px; font-size: 10pt; }
th, td { border-bottom: 1px solid #d5d5d5; padding: 4px 5px; text-align: left; vertical-align: top; }
th { background: #f0f2f6; font-weight: 600; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.num, th.num { text-align: right; white-space: nowrap; }
.level { display: inline-block; padding: 1px 6px; border-radius: 3px; border: 1px solid #999;
         white-space: nowrap; font-size: 9.5pt; }
.crit-id { font-weight: 600; }
.muted { color: #595959; font-size: 9.5pt; }
.legend span { margin-right: 10px; white-space: nowrap; }
.sw { display: inline-block; width: 11px; height: 11px; border: 1px solid #777; vertical-align: -1px; margin-right: 3px; }
/* drawn at its own size (never scaled down), so its counts stay at least 9pt */
svg.dist { display: block; max-width: none; overflow: visible; }
td.dist { width: 160px; }
.scroll { overflow-x: auto; }
ul { margin: 4px 0 8px 18px; padding: 0; }
dl dt { font-weight: 600; margin-top: 6px; }
dl dd { margin: 0 0 4px 0; }
footer { margin-top: 20px; font-size: 9pt; color: #595959; border-top: 1px solid #d5d5d5; padding-top: 6px;
         break-before: avoid; page-break-before: avoid; break-inside: avoid; }
h3 { break-after: avoid; page-break-after: avoid; }
dt { break-after: avoid; page-break-after: avoid; }
p, li, dd { orphans: 2; widows: 2; }
/* the last section is kept whole, so the last printed page never holds a lone definition */
section.last { break-inside: avoid; page-break-inside: avoid; }
@media print {
  body { padding: 0; max-width: none; font-size: 10pt; }
  a { color: inherit; text-decoration: none; }
  h2 { margin-top: 14px; }
  section { break-inside: auto; }
}
"""

DIRECTION_WORDS = {"up": "▲ moved up", "same": "● same level", "down": "▼ moved down",
                   "new": "★ no earlier level", "not assessed": "✕ not assessed"}


class _Text:
    """Escapes workbook text (`literal.for_html`). Names need no hiding here: with names hidden, the
    Review given is already the hidden one (`analysis.names.hidden`, made where the view is made)."""

    def __init__(self, review: Review, keep: str, hide: bool):
        self.review, self.keep, self.hide = review, keep, hide

    def plain(self, value) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return ""
        return str(value)

    def __call__(self, value) -> str:
        return for_html(self.plain(value))


def _pct(share) -> str:
    return "–" if share is None or pd.isna(share) else f"{round(100 * share)}%"


def _level_badge(label: str, colours: dict, t: _Text) -> str:
    colour = colours.get(label, style.NOT_ASSESSED_COLOUR)
    return (f'<span class="level" style="background:{colour};color:{style.text_colour(colour)}">'
            f"{t(label)}</span>")


# The bar of all plans' levels: drawn at its own size (CSS never scales it), counts at 12 px (9pt).
DIST_WIDTH, DIST_BAR, COUNT_PX = 150, 18, 12


def _text_px(text: str) -> float:
    """About how wide `text` is at COUNT_PX in Arial (digits are 0.556 em)."""
    return 0.6 * COUNT_PX * len(text)


def _spread(centres: list[float], widths: list[float], width: float, gap: float = 4.0) -> list[float]:
    """Centres moved apart as little as needed so that labels of these widths do not overlap, all
    inside 0..width (left to right, then back from the right edge)."""
    xs = list(centres)
    for i in range(len(xs)):
        low = widths[i] / 2 if i == 0 else xs[i - 1] + (widths[i - 1] + widths[i]) / 2 + gap
        xs[i] = max(xs[i], low)
    for i in reversed(range(len(xs))):
        high = width - widths[i] / 2 if i == len(xs) - 1 else xs[i + 1] - (widths[i + 1] + widths[i]) / 2 - gap
        xs[i] = min(xs[i], high)
    return xs


def _dist_svg(row, labels: list[str], colours: dict, t: _Text, width: int = DIST_WIDTH,
              height: int = DIST_BAR) -> str:
    """A stacked bar of all plans' levels for one criterion, in the page chart's order: the best
    level on the right, the others to its left (next-best nearest). Each count is written on its
    segment when it fits there, else under the bar below its segment (with a tick to it)."""
    total = sum(int(row[lab]) for lab in labels)
    if total == 0:
        return '<span class="muted">no figures</span>'
    parts, under, x = [], [], 0.0
    for lab in reversed(labels):          # labels are best first; drawn worst first, best last
        n = int(row[lab])
        if n == 0:
            continue
        w = width * n / total
        colour = colours[lab]
        parts.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" fill="{colour}" '
                     f'stroke="#ffffff" stroke-width="1"><title>{t(lab)}: {n}</title></rect>')
        if w >= _text_px(str(n)) + 4:
            parts.append(f'<text x="{x + w / 2:.1f}" y="{height / 2 + COUNT_PX * 0.36:.1f}" font-size="{COUNT_PX}" '
                         f'text-anchor="middle" fill="{style.text_colour(colour)}">{n}</text>')
        else:
            under.append((x + w / 2, str(n)))
        x += w
    full_height = height
    if under:
        full_height = height + 6 + COUNT_PX
        xs = _spread([c for c, _ in under], [_text_px(n) for _, n in under], width)
        for (centre, n), at in zip(under, xs):
            parts.append(f'<line x1="{centre:.1f}" y1="{height}" x2="{at:.1f}" y2="{height + 3}" '
                         'stroke="#262730" stroke-width="1"/>')
            parts.append(f'<text x="{at:.1f}" y="{full_height - 1}" font-size="{COUNT_PX}" text-anchor="middle" '
                         f'fill="#262730">{n}</text>')
    summary = "; ".join(f"{t(lab)} {int(row[lab])}" for lab in labels)
    return (f'<svg class="dist" role="img" width="{width}" height="{full_height}" '
            f'viewBox="0 0 {width} {full_height}" xmlns="http://www.w3.org/2000/svg">'
            f'<title>{summary}</title>{"".join(parts)}</svg>')


def _legend(labels: list[str], colours: dict, t: _Text) -> str:
    """The bars' key, in the bars' own order: left to right, best level last (on the right)."""
    items = "".join(f'<span><i class="sw" style="background:{colours[lab]}"></i>{t(lab)}</span>'
                    for lab in reversed(labels))
    return f'<p class="legend muted">Bars, left to right (best level on the right): {items}</p>'


def _date(value) -> str:
    return P.format_date(value) or "–"


def partnership_report_html(review: Review, cycle: str, partnership: str, hide_names: bool = False,
                            provenance: str = "", peer_group: str | None = None,
                            show_ranks: bool = False) -> str:
    """A self-contained HTML report on `partnership`'s plan in `cycle` (A4, prints well, no
    external assets), following every choice that shapes the Partnership page: `peer_group` (the
    group chosen to compare with; None: its own), `hide_names` (no other partnership's name or alias
    appears) and `show_ranks` (the league table, when the page shows it). `provenance`: the footer's
    data line (`Source.describe()`, e.g. "Data: version 3 (...)"), printed as it is.
    Built once per workbook, choice and day (the page offers it on every rerun)."""
    return _report_html(review, cycle, partnership, bool(hide_names), provenance, dt.date.today(),
                        peer_group or None, bool(show_ranks))


@per_review
def _report_html(review: Review, cycle: str, partnership: str, hide_names: bool, provenance: str,
                 today: dt.date, peer_group: str | None = None, show_ranks: bool = False) -> str:
    t = _Text(review, partnership, hide_names)
    labels = review.labels
    colours = style.level_colours(labels)
    best = review.full_label
    verb, part = P.full_phrase(review)
    st = P.standing(review, cycle, partnership, peer_group)
    strengths, priorities = P.strengths_priorities(review, cycle, partnership, st)
    ch = P.change(review, cycle, partnership)
    pos = P.submission_position(review, cycle, partnership)
    own_group = P._peer_group_of(review, partnership)
    group = peer_group or own_group
    has_peers = bool(group) and st["peer_full_share"].notna().any()
    prow = review.partnerships[review.partnerships["partnership"] == partnership]
    las = prow.iloc[0]["local_authorities"] if len(prow) else ""
    out: list[str] = []
    w = out.append

    title = f"Children's Services Plan review: {t.plain(partnership)}, {t.plain(cycle)}"
    w("<!DOCTYPE html>")
    w('<html lang="en-GB"><head><meta charset="utf-8">')
    w('<meta name="viewport" content="width=device-width, initial-scale=1">')
    w(f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>")
    w("<header>")
    w(f"<h1>{t(partnership)}</h1>")
    w(f'<p class="sub">Review of the Children\'s Services Plan for {t(cycle)}</p>')
    if provenance:
        w(f'<p class="prov">{t(provenance)}</p>')
    if review.illustrative:
        w(f'<p class="prov">{html.escape(ILLUSTRATIVE_NOTE)}</p>')
    facts = []
    if isinstance(las, str) and las:
        facts.append(f"Local authorities: {t(las)}")
    if group:
        members = int((review.partnerships["peer_group"] == group).sum())
        chosen = (f", chosen for this comparison; its own group is {t(own_group) or 'none'}"
                  if group != own_group else "")
        facts.append(f"Peer group: {t(group)} ({members} partnerships{chosen})")
    if facts:
        w(f'<p class="muted">{" · ".join(facts)}</p>')
    w("</header>")

    w(f'<p class="headline">{t(P.headline(review, cycle, partnership, standing_frame=st))}</p>')

    # Per criterion
    w("<section><h2>Each criterion</h2>")
    src = set(st["source"])
    note = ("Counts of all plans come from the scores in the workbook."
            if src <= {"scores", ""} else
            "Where the workbook has no scores for a criterion, counts of all plans are the published figures.")
    w(f'<p class="muted">Its level on each criterion, how all plans were assessed, and the share of plans '
      f"{html.escape(part)} nationally{' and in its peer group' if has_peers else ''}. {note}</p>")
    w(_legend(labels, colours, t))
    w('<div class="scroll"><table><thead><tr><th>Criterion</th><th>Its level</th><th>All plans</th>'
      f'<th class="num">{t(best)}: all plans</th>'
      + (f'<th class="num">{t(best)}: peer group</th>' if has_peers else "") + "</tr></thead><tbody>")
    for _, r in st.iterrows():
        nat = (f"{_pct(r['full_share'])}<br><span class=\"muted\">{int(r['full_count'])} of {int(r['plans'])}</span>"
               if r["plans"] else "–")
        peer = ""
        if has_peers:
            peer = (f"{_pct(r['peer_full_share'])}<br><span class=\"muted\">{int(r['peer_full_count'])} of "
                    f"{int(r['peer_plans'])}</span>" if not pd.isna(r["peer_full_share"]) else "–")
            peer = f'<td class="num">{peer}</td>'
        w(f'<tr><td><span class="crit-id">{t(r["criterion"])}.</span> {t(r["name"])}</td>'
          f"<td>{_level_badge(r['label'], colours, t)}</td>"
          f'<td class="dist">{_dist_svg(r, labels, colours, t)}</td>'
          f'<td class="num">{nat}</td>{peer}</tr>')
    w("</tbody></table></div></section>")

    # Strengths and priorities
    w("<section><h2>Strengths and priorities</h2>")
    w(f'<p class="muted">Strengths: criteria this plan {html.escape(part)} that fewer than half of plans '
      f"{html.escape(part)}. Priorities: criteria it did not meet at that level that more than half of plans did.</p>")
    for title_, frame, empty in (("Strengths", strengths, "None this cycle."),
                                 ("Priorities", priorities, "None this cycle.")):
        w(f"<h3>{title_}</h3>")
        if frame.empty:
            w(f"<p>{empty}</p>")
            continue
        w("<ul>")
        for _, r in frame.iterrows():
            extra = f"its level: {t(r['label'])}; " if title_ == "Priorities" else ""
            w(f"<li><strong>{t(r['criterion'])}. {t(r['name'])}</strong>: {extra}"
              f"{int(r['full_count'])} of {int(r['plans'])} plans ({_pct(r['full_share'])}) {html.escape(part)}</li>")
        w("</ul>")
    w("</section>")

    # Submission
    w("<section><h2>Submission</h2>")
    w(f"<p>{t(P.submission_sentence(pos, partnership))}</p>")
    rows = [("Received", _date(pos["submitted"]) + (" (draft)" if pos["draft"] else "")),
            ("Due date", _date(pos["due_date"]))]
    if not pd.isna(pos["extended_due_date"]):
        rows.append(("Extended deadline", _date(pos["extended_due_date"])))
    if pos["days_vs_deadline"] is not None:
        d = pos["days_vs_deadline"]
        rows.append(("Against the deadline", "on the day" if d == 0 else
                     f"{abs(d)} day{'s' if abs(d) != 1 else ''} {'early' if d < 0 else 'late'}"))
    rows.append(("Median date of all plans received", f"{_date(pos['median_submitted'])} "
                 f"({pos['received']} of {pos['plans']} received)"))
    if pos["days_vs_median"] is not None:
        d = pos["days_vs_median"]
        rows.append(("Against the median", "the same day" if d == 0 else
                     f"{abs(d)} day{'s' if abs(d) != 1 else ''} {'earlier' if d < 0 else 'later'}"))
    if not pd.isna(pos["interim_statement"]):
        rows.append(("Interim statement", _date(pos["interim_statement"])))
    if not pd.isna(pos["feedback_issued"]):
        rows.append(("Feedback issued", _date(pos["feedback_issued"])))
    rows.append(("Status", pos["status"]))
    w("<table><tbody>" + "".join(f"<tr><th>{html.escape(k)}</th><td>{t(v)}</td></tr>" for k, v in rows)
      + "</tbody></table>")
    w("</section>")

    # Change
    w("<section><h2>Change since the previous cycle</h2>")
    w(f"<p>{t(P.change_sentence(ch, partnership))}</p>")
    prev = ch["previous_cycle"].iloc[0] if len(ch) else ""
    if prev:
        w(f'<div class="scroll"><table><thead><tr><th>Criterion</th><th>{t(prev)}</th><th>{t(cycle)}</th>'
          "<th>Change</th></tr></thead><tbody>")
        for _, r in ch.iterrows():
            w(f'<tr><td><span class="crit-id">{t(r["criterion"])}.</span> {t(r["name"])}</td>'
              f"<td>{_level_badge(r['previous_label'], colours, t)}</td>"
              f"<td>{_level_badge(r['label'], colours, t)}</td>"
              f"<td>{html.escape(DIRECTION_WORDS.get(r['direction'], r['direction']))}</td></tr>")
        w("</tbody></table></div>")
    w("</section>")

    if show_ranks:   # shown on the page: the person asked for the league table
        ranks = P.ranks(review, cycle)   # with names hidden, the Review's names already are labels
        w("<section><h2>Where each partnership ranks</h2>")
        w(f"<p>{t(P.ranks_sentence(ranks, partnership))}</p>")
        w('<p class="muted">Partnerships by the number of criteria at the best level; partnerships with '
          "the same number share a rank. The review compares plans with criteria, not with each other.</p>")
        if len(ranks):
            w('<div class="scroll"><table><thead><tr><th class="num">Rank</th><th>Partnership</th>'
              f'<th>Peer group</th><th class="num">Criteria {html.escape(part)}</th>'
              '<th class="num">Criteria assessed</th></tr></thead><tbody>')
            for _, r in ranks.iterrows():
                own = r["partnership"] == partnership
                cell = f"<strong>{t(r['partnership'])}</strong>" if own else t(r["partnership"])
                w(f'<tr><td class="num">{int(r["rank"])}{" (tied)" if r["tied"] else ""}</td><td>{cell}</td>'
                  f'<td>{t(r["peer_group"])}</td><td class="num">{int(r["fully_met"])}</td>'
                  f'<td class="num">{int(r["assessed"])}</td></tr>')
            w("</tbody></table></div>")
        w("</section>")

    # Sources
    w("<section><h2>Sources of the national figures</h2><ul>")
    sc = review.scores
    scored_plans = sc.loc[(sc["cycle"] == cycle) & sc["score"].notna(), "partnership"].nunique()
    if scored_plans:
        w(f"<li>Counts of all plans for {t(cycle)}: computed from the per-partnership scores in the "
          f"workbook ({scored_plans} plans with scores).</li>")
    nat = review.national[review.national["cycle"] == cycle] if not review.national.empty else review.national
    if len(nat):
        used = set(st.loc[st["source"] == "published", "criterion"])
        for source, g in nat.groupby(nat["source"].fillna("").astype(str), sort=False):
            crits = ", ".join(t(c) for c in dict.fromkeys(g["criterion"]))
            role = "used for criteria without scores" if used & set(g["criterion"]) else "a check on the scores"
            where = t(source) if source else "source not stated"
            w(f"<li>Published figures ({role}), criteria {crits}: {where}</li>")
    if not scored_plans and not len(nat):
        w("<li>The workbook has no scores or published figures for this cycle.</li>")
    w("</ul></section>")

    # Definitions
    w('<section class="last"><h2>Definitions</h2>')
    w("<table><thead><tr><th>Level</th><th class=\"num\">Score</th><th>Counts as met</th></tr></thead><tbody>")
    for _, r in review.scale.sort_values("order").iterrows():
        w(f"<tr><td>{_level_badge(r['label'], colours, t)}</td><td class=\"num\">{int(r['score'])}</td>"
          f"<td>{t(r['met'])}</td></tr>")
    w(f"<tr><td>{_level_badge(NOT_ASSESSED, colours, t)}</td><td class=\"num\">–</td>"
      "<td>the score was left blank: not counted in any share</td></tr>")
    w("</tbody></table><dl>")
    defs = [
        (f"Share {part}", f"plans at the best level ({best}) divided by the plans assessed on that criterion."),
        ("Peer group", "partnerships the review groups together to compare like with like."),
        ("Strength", f"a criterion this plan {part} that fewer than half of all plans {part}."),
        ("Priority", f"a criterion this plan did not meet at the best level that more than half of all plans {part}."),
        ("Deadline", "the due date, or the extended due date when the cycle has one."),
        ("Median date", "the middle submission date of all plans received: half had arrived by then."),
        ("Change", "this plan's level compared with its level in the previous cycle that has scores."),
    ]
    for k, v in defs:
        w(f"<dt>{t(k)}</dt><dd>{t(v)}</dd>")
    w("</dl></section>")

    w(f"<footer>Prepared {P.format_date(today)}"
      + (f" · {t(provenance)}" if provenance else "")
      + (" · Other partnerships' names are hidden." if hide_names else "") + "</footer>")
    w("</body></html>")
    return "\n".join(out)
