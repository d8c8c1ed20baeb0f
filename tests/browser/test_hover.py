"""Pointing at a mark shows what is drawn there: on every chart of every page, in a real browser.

For each chart the real mouse is moved (page.mouse.move) onto a handful of marks per trace: bar
segments, scatter points, heatmap cells (placed by the axes' tick labels) and tiles. The hover label
the person then sees (plotly's `.hoverlayer` text) must name

- the category the mark sits on: the tick label at the mark's height (the partnership's row of the
  heatmap, the criterion of a bar) and, for the heatmap, the criterion of its column; and
- the value drawn there: the heatmap cell's letter (read through its legend, "F  Fully met"), a bar
  segment's level (its legend entry, by colour) and the count printed on it, a point's series (its
  legend entry) and its position on a numeric axis (a share, days, a date, a count), a tile's
  abbreviation and number.

Everything is read from the page as drawn (tick labels, legend, text on the marks, pixel positions),
never from the figure's JSON: a figure that is right in JSON can still hover wrongly (issue 17: the
heatmap's rows were mirrored in the hover). Three workbooks, one server each: the shipped sample, a
workbook with another scale (Excellent/Good/Adequate/Weak) and a large generated one (bench/generate.py:
60 partnerships, 24 criteria, every sheet). The criteria page is also photographed with the mouse over
a heatmap cell, at desktop and phone width (artifacts/screenshots/criteria-heatmap-hover-*.png).
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import sys

import pytest

from conftest import ARTIFACTS, ROOT, App, open_page

sys.path.insert(0, str(ROOT / "bench"))

# ------------------------------------------------------------------------------------ workbooks

FOUR_SCALE = [(3, "Excellent", "yes"), (2, "Good", "partly"), (1, "Adequate", "partly"), (0, "Weak", "no")]
FOUR_AREAS = ["Aberdeen City", "Birchwood", "Cedar Vale", "Dunmore", "Elm Glen", "Fife", "Glenholm",
              "Hazelbank", "Ivybridge", "Juniper Park", "Kilbride", "Larchfield", "Moray", "Northfield"]
FOUR_CRITERIA = ["A1", "A2", "B1", "B2", "C", "D"]


def four_level_sheets() -> dict:
    """14 areas, 6 criteria, a four-level scale with every level and a not-assessed cell in use,
    two scored cycles (for the change charts), themes, and published figures for an earlier cycle."""
    from builders import make_sheets

    labels = [label for _, label, _ in FOUR_SCALE]
    cycles = ["2017-2020", "2020-2023", "2023-2026"]
    scores = {(a, c): [labels[(3 * i + j + k) % 4] for j in range(len(FOUR_CRITERIA))]
              for k, c in enumerate(cycles) for i, a in enumerate(FOUR_AREAS)}
    scores[(FOUR_AREAS[3], "2023-2026")][2] = None
    due = dt.date(2023, 4, 1)
    submitted = {(a, "2023-2026"): due + dt.timedelta(days=7 * i - 40) for i, a in enumerate(FOUR_AREAS)}
    themes = [("Shared vision", "All plans set out a vision", "all", "A1"),
              ("Budgets", "Few plans showed budgets", "few", "C"),
              ("Governance", "Most plans had clear governance", "most", "B2"),
              ("Data", "Four plans used data well", "4", "D")]
    national = [["2017-2020", c, 6, 5, 3, "Review 2020"] for c in FOUR_CRITERIA]
    sheets = make_sheets(partnerships=FOUR_AREAS, criteria=FOUR_CRITERIA, cycles=cycles, scale=FOUR_SCALE,
                         scores=scores, submitted=submitted, themes=themes, national=national)
    # 2017-2020 has published figures only: no scores or submissions
    for name in ("Scores", "Submissions"):
        sheets[name] = [row for row in sheets[name] if row[1] != "2017-2020"]
    return sheets


def large_sheets() -> dict:
    """bench/generate.py's workbook with 60 partnerships, 3 scored cycles and 24 criteria (its 10x,
    100 x 5 x 40, takes twice as long here and finds nothing more)."""
    from generate import sheets_for

    return sheets_for(60, 3, 24)


# workbook name -> (the sheets, or None for the shipped sample; the partnership for its page)
BOOKS = {"sample": (None, "Fife"), "four-level": (four_level_sheets, "Dunmore"),
         "large": (large_sheets, "Partnership 002")}

# every chart of every page: card key -> page path ({p} = the workbook's partnership)
CHARTS = {
    "overview-criteria": "/", "overview-map": "/",
    "criteria-coverage": "/criteria", "criteria-heatmap": "/criteria", "criteria-change": "/criteria",
    "timeline-cumulative": "/timeline", "timeline-partnerships": "/timeline",
    "partnership-standing": "/partnership?partnership={p}", "partnership-change": "/partnership?partnership={p}",
    "themes": "/themes",
}
# Charts whose hover does not say which row (criterion or theme) it belongs to get a strict xfail
# here, so the test says so when one is fixed. None now: every hover starts with its row's name.
NAMES_NO_ROW: dict[str, str] = {}
MARKS_PER_TRACE = 3


class Server:
    """One server at a time: the one for the workbook asked for (the others are stopped)."""

    def __init__(self, tmp_path_factory, browser):
        self.factory, self.browser = tmp_path_factory, browser
        self.book = self.app = self.context = self.review = None
        self.pages: dict[str, object] = {}

    def page(self, book: str, path: str):
        if book != self.book:
            self.close()
            folder = self.factory.mktemp(f"hover-{book}")
            make, _ = BOOKS[book]
            workbook = folder / f"{book}.xlsx"
            if make is None:
                shutil.copy(ROOT / "data" / "sample-review.xlsx", workbook)
            else:
                from builders import workbook_bytes

                workbook_bytes(make(), workbook)
            (folder / "store").mkdir()
            self.app = App({"CSP_WORKBOOK": str(workbook), "CSP_STORE": str(folder / "store")})
            from loaders import read_workbook

            self.review = read_workbook(workbook.read_bytes())
            self.context = self.browser.new_context(viewport={"width": 1400, "height": 1000})
            self.book = book
        if path not in self.pages:
            page = self.context.new_page()
            open_page(page, self.app.url + path)
            self.pages[path] = page
        return self.pages[path]

    def close(self):
        if self.context:
            self.context.close()
        if self.app:
            self.app.stop()
        self.book = self.app = self.context = None
        self.pages = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory, browser):
    s = Server(tmp_path_factory, browser)
    yield s
    s.close()


# ------------------------------------------------------------------------------- what is drawn

# Runs in the page on one chart element (`el`). `pick` lists the marks to point at (a handful per
# trace) and keeps them on the element; `locate` scrolls one into view and says where it is and what
# is drawn around it. Positions are the viewport's (for page.mouse).
DRAWN = r"""
(el, [what, index]) => {
  const mid = e => { const b = e.getBoundingClientRect(); return {x: b.x + b.width / 2, y: b.y + b.height / 2, w: b.width, h: b.height}; };
  const lines = t => { const ls = [...t.querySelectorAll('tspan.line')];
    return (ls.length ? ls.map(l => l.textContent) : [t.textContent]).map(s => s.replace(/\s+/g, ' ').trim()).filter(Boolean); };
  const ticks = axis => [...el.querySelectorAll(`.${axis}axislayer-above .${axis}tick text`)]
    .map(t => ({e: t, lines: lines(t)})).filter(t => t.lines.length);
  const heat = el.querySelector('.hm image, .heatmaplayer image');
  const hoverable = () => [...el.querySelectorAll('.barlayer .point path, .scatterlayer .points .point')]
    .map(e => ({...mid(e), bar: !!e.closest('.barlayer')})).filter(b => b.w > 0 && b.h > 0);
  if (what === 'pick') {
    const marks = [];
    // first, middle, last, then quarters and eighths (spares for marks that cannot be pointed at alone)
    const some = list => { const n = list.length;
      return [...new Set([0, n >> 1, n - 1, n >> 2, (3 * n) >> 2, n >> 3, (3 * n) >> 3, (5 * n) >> 3, (7 * n) >> 3])].filter(i => i >= 0 && i < n).map(i => list[i]); };
    let trace = 0;                                   // marks of one trace share a number
    const rows = ticks('y'), cols = ticks('x');
    if (heat && rows.length && cols.length) {        // a grid: cells where the tick labels are
      const r = rows.length - 1, c = cols.length - 1, m = r >> 1, n = c >> 1;
      for (const [i, j] of [[0, 0], [0, c], [m, n], [r, 0], [r, c], [1, 1]])
        if (i <= r && j <= c) marks.push({kind: 'cell', trace: trace++, row: rows[i].e, col: cols[j].e});
    } else if (heat) {                               // a tile map: the tiles' text
      for (const group of el.querySelectorAll('.scatterlayer .trace')) {
        trace += 1;
        for (const t of some([...group.querySelectorAll('.textpoint')])) marks.push({kind: 'tile', trace, e: t});
      }
    }
    for (const group of el.querySelectorAll('.barlayer .trace')) {
      const segs = [...group.querySelectorAll('.point')].filter(p => {
        const b = p.querySelector('path').getBBox(); return b.width > 3 && b.height > 3; });
      trace += 1;
      for (const p of some(segs)) marks.push({kind: 'bar', trace, e: p.querySelector('path'), point: p});
    }
    for (const group of el.querySelectorAll('.scatterlayer .trace')) {
      trace += 1;
      for (const p of some([...group.querySelectorAll('.points .point')])) marks.push({kind: 'point', trace, e: p});
    }
    el.cspMarks = marks;
    return marks.length;
  }
  // locate
  const m = el.cspMarks[index];
  const anchor = m.kind === 'cell' ? m.row : m.e;
  anchor.scrollIntoView({block: 'center', inline: 'nearest'});
  let at;
  if (m.kind === 'cell') at = {x: mid(m.col).x, y: mid(m.row).y};
  else { const b = mid(m.e); at = {x: b.x, y: b.y}; }
  const plot = mid(el.querySelector('.nsewdrag'));
  const inside = Math.abs(at.x - plot.x) < plot.w / 2 - 1 && Math.abs(at.y - plot.y) < plot.h / 2 - 1
    && at.y > 0 && at.y < window.innerHeight && at.x > 0 && at.x < window.innerWidth;
  // another mark where the mouse is: the label may be that one's (for a person too). Plotly picks the
  // nearest point, so points only clash when drawn on top of each other; a point over a bar wins.
  const near = hoverable().filter(b => Math.hypot(b.x - at.x, b.y - at.y) < (m.kind === 'bar' && !b.bar ? 12 : 3)).length;
  const colour = fill => {                         // a pattern fill: its background colour
    const id = (fill || '').match(/url\("?#([^")]+)"?\)/);
    const rect = id && el.querySelector(`pattern[id="${id[1]}"] rect`);
    // a pattern without a background: its name (the legend's copy is the same name with "-legend")
    return rect ? rect.getAttribute('fill') : id ? 'pattern ' + id[1].replace('-legend-', '-') : fill; };
  const style = e => e ? {fill: colour(e.style.fill), stroke: e.style.stroke, d: e.getAttribute('d')} : null;
  const legend = [...el.querySelectorAll('.legend .traces')].map(g => ({
      name: lines(g.querySelector('.legendtext')).join(' '), ...style(g.querySelector('.legendpoints path'))}));
  const tickAt = axis => ticks(axis).map(t => ({lines: t.lines, ...mid(t.e)}));
  let text = null;
  if (m.kind === 'bar') { const t = m.point.querySelector('text'); text = t ? lines(t) : null; }
  if (m.kind === 'tile') text = lines(m.e.querySelector('text') || m.e);
  if (m.kind === 'cell') {                          // the letter drawn nearest the cell's centre
    let best = null, dist = Infinity;
    for (const t of el.querySelectorAll('.scatterlayer .textpoint')) {
      const b = mid(t), d = Math.hypot(b.x - at.x, b.y - at.y);
      if (d < dist) { dist = d; best = t; }
    }
    const step = ticks('y').length > 1 ? Math.abs(mid(ticks('y')[1].e).y - mid(ticks('y')[0].e).y) : 20;
    text = best && dist < step / 2 ? lines(best) : null;
  }
  return {kind: m.kind, trace: m.trace, x: at.x, y: at.y, inside, near: m.kind === 'cell' || m.kind === 'tile' ? 0 : near - 1,
          mark: style(m.kind === 'cell' || m.kind === 'tile' ? null : m.e), text, legend,
          xticks: tickAt('x'), yticks: tickAt('y')};
}
"""

HOVER = r"""el => [...el.querySelectorAll('.hoverlayer .hovertext, .hoverlayer .axistext')].map(g =>
    [...g.querySelectorAll('text')].flatMap(t => { const ls = [...t.querySelectorAll('tspan.line')];
      return (ls.length ? ls.map(l => l.textContent) : [t.textContent]); })
    .map(s => s.replace(/\s+/g, ' ').trim()).filter(Boolean))"""


def chart(page, key: str):
    return page.locator(f".st-key-card-{key} .csp-chart").first


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2212", "-")).strip()


def hover_at(page, el, x: float, y: float) -> list[list[str]]:
    """Move the mouse off the chart, then onto (x, y); the hover labels shown, as lists of lines."""
    page.mouse.move(2, 2)
    try:
        el.evaluate("el => new Promise(r => { const t0 = Date.now(); (function wait() {"
                    " if (!el.querySelector('.hoverlayer .hovertext') || Date.now() - t0 > 1000) r();"
                    " else requestAnimationFrame(wait); })(); })")
        page.mouse.move(x, y)
        el.evaluate("el => new Promise(r => { const t0 = Date.now(); (function wait() {"
                    " if (el.querySelector('.hoverlayer .hovertext') || Date.now() - t0 > 2000) r();"
                    " else requestAnimationFrame(wait); })(); })")
        return el.evaluate(HOVER)
    finally:
        page.mouse.move(2, 2)


def nearest(ticks: list[dict], value: float, axis: str) -> str | None:
    """The tick label at a pixel position: the nearest, if within half the distance between ticks."""
    if not ticks:
        return None
    pos = sorted(t[axis] for t in ticks)
    gaps = [b - a for a, b in zip(pos, pos[1:]) if b - a > 1]
    half = (min(gaps) if gaps else 40) / 2
    best = min(ticks, key=lambda t: abs(t[axis] - value))
    return " ".join(best["lines"]) if abs(best[axis] - value) < half else None


def numeric_axis(ticks: list[dict], axis: str):
    """A pixel -> value function from the tick labels (numbers, "20%"), with the labels' span; None
    when the labels are not increasing numbers (e.g. a diverging axis labelled by size)."""
    points = []
    for t in ticks:
        text = norm(" ".join(t["lines"])).replace(",", "").rstrip("%")
        if re.fullmatch(r"-?\d+(\.\d+)?", text):
            points.append((t[axis], float(text)))
    points.sort()
    if len(points) < 2 or any(b[1] * (1 if axis == "x" else -1) <= a[1] * (1 if axis == "x" else -1)
                              for a, b in zip(points, points[1:])):
        return None
    (p0, v0), (p1, v1) = points[0], points[-1]
    return (lambda px: v0 + (px - p0) * (v1 - v0) / (p1 - p0)), abs(v1 - v0)


MONTHS = {m: i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                                      "Nov", "Dec"], 1)}


def date_axis(ticks: list[dict]):
    """A pixel -> date function from plotly's date tick labels ("Jan 29<br>2023", "Feb 12", "Mar 2023";
    the year is written on the first tick and where it changes)."""
    ticks = sorted(ticks, key=lambda t: t["x"])
    years = [next((int(s) for s in t["lines"] if re.fullmatch(r"\d{4}", s)), None) for t in ticks]
    words = [next((s for s in t["lines"] if not re.fullmatch(r"\d{4}", s)), "") for t in ticks]
    year = next((y for y in years if y), None)
    points = []
    for t, y, w in zip(ticks, years, words):
        year = y or year
        found = re.fullmatch(r"([A-Z][a-z]{2})(?: (\d{1,2}))?", w)
        if found and year:
            points.append((t["x"], dt.date(year, MONTHS[found[1]], int(found[2] or 1))))
    if len(points) < 2:
        return None
    (p0, d0), (p1, d1) = points[0], points[-1]
    return (lambda px: d0 + dt.timedelta(days=(px - p0) * (d1 - d0).days / (p1 - p0))), (d1 - d0).days


def legend_of(mark: dict) -> str | None:
    """The legend entry drawn like the mark (same fill and edge; then same shape)."""
    same = [g for g in mark["legend"] if g.get("fill") == mark["mark"]["fill"] and g.get("stroke") == mark["mark"]["stroke"]]
    if len(same) > 1:
        same = [g for g in same if g.get("d") == mark["mark"]["d"]] or same
    if len(same) != 1 and mark["kind"] == "bar":
        same = [g for g in mark["legend"] if g.get("fill") == mark["mark"]["fill"]]
    return same[0]["name"] if len(same) == 1 else None


def key_phrase(name: str) -> str:
    """What a hover must repeat of a legend entry: "Late (draft)" -> "Late", "2023-2026: moved up" ->
    "2023-2026", "Fife (its level)" -> "Fife"."""
    return re.split(r":| \(", name, maxsplit=1)[0].strip()


def names_row(text: str, tick: str) -> bool:
    """The hover names the row: its tick label, or its name without an "ID. " in front."""
    found = re.fullmatch(r"\S+\. (.+)", tick)
    squash = lambda t: re.sub(r"\s+", "", t)  # noqa: E731 (a wrapped tick label breaks lines after a "/")
    return squash(tick) in squash(text) or bool(found and squash(found[1]) in squash(text))


def problems(key: str, mark: dict, labels: list[list[str]], review) -> list[str]:
    """What is wrong with the hover labels shown for a mark (empty: all good)."""
    if not labels:
        return ["no hover label"]
    lines = labels[0]
    text = norm(" ".join(lines))
    ycat = nearest(mark["yticks"], mark["y"], "y")
    xcat = nearest(mark["xticks"], mark["x"], "x")
    out = []

    if key == "criteria-heatmap":
        if ycat is None or xcat is None:
            return []   # a row or column without a tick label: nothing to compare with
        letters = {g["name"].split(None, 1)[0]: g["name"].split(None, 1)[1] for g in mark["legend"]
                   if len(g["name"].split(None, 1)) == 2}
        if lines[0] != ycat:
            out.append(f"names partnership {lines[0]!r}, the row is {ycat!r}")
        if len(lines) < 2 or not lines[1].startswith(f"{xcat}. "):
            out.append(f"names criterion {lines[1:2]}, the column is {xcat!r}")
        if mark["text"]:
            level = letters.get(mark["text"][0])
            if level is None or lines[-1] != level:
                out.append(f"says {lines[-1]!r}, the cell shows {mark['text'][0]!r} ({level})")
        return out

    if key == "overview-map":
        from charts.national import tile_layout

        tiles = tile_layout(review.partnerships).set_index("partnership")["abbreviation"]
        abbr, shown = (mark["text"] + ["", ""])[:2]
        if tiles.get(lines[0]) != abbr:
            out.append(f"names {lines[0]!r} ({tiles.get(lines[0])}), the tile shows {abbr!r}")
        wanted = "No scores this cycle" if shown == "–" else f"{shown} of "
        if not any(line.startswith(wanted) for line in lines[1:]):
            out.append(f"says {lines[1:]}, the tile shows {shown!r}")
        return out

    if key == "timeline-cumulative":
        when, span = date_axis(mark["xticks"]) or (None, 0)
        count, size = numeric_axis(mark["yticks"], "y") or (None, 0)
        said = re.match(r"(\d{1,2}) ([A-Z][a-z]+) (\d{4})$", lines[0])
        if when and said:
            day = dt.datetime.strptime(lines[0], "%d %B %Y").date()
            if abs((day - when(mark["x"])).days) > max(2, 0.02 * span):
                out.append(f"says {lines[0]!r}, the point is at {when(mark['x'])}")
        elif when:
            out.append(f"gives no date: {lines}")
        got = re.search(r"(\d+) received so far", text)
        if count and (not got or abs(int(got[1]) - count(mark["y"])) > max(0.6, 0.02 * size)):
            out.append(f"says {text!r}, the point is at {count(mark['y']):.1f} plans")
        return out

    # the others: one row per criterion, partnership or theme
    if ycat is None:
        return []
    if not names_row(text, ycat):
        out.append(f"does not name the row {ycat!r}: {text!r}")
    series = legend_of(mark)
    if series is None:
        out.append("the mark matches no legend entry")
    elif mark["kind"] == "bar" and mark["text"]:
        if f"{series}: {mark['text'][0]} of" not in text:
            out.append(f"says {text!r}, the segment is {series!r} with {mark['text'][0]} printed on it")
    elif key_phrase(series) not in text:
        out.append(f"says {text!r}, the mark is {series!r}")
    if mark["kind"] != "point":
        return out
    if key == "partnership-change" and xcat and xcat not in text:
        out.append(f"says {text!r}, the point is at level {xcat!r}")
    axis = numeric_axis(mark["xticks"], "x")
    if axis is None:
        return out
    at, span = axis
    value, tolerance = at(mark["x"]), 0.02 * span + 0.5
    if key == "criteria-change":
        got = re.search(r"\((\d+)%\)", text)
        said = int(got[1]) if got else None
    elif key == "timeline-partnerships":
        got = re.search(r"(\d+) days? (after|before)", text)
        said = (int(got[1]) * (1 if got[2] == "after" else -1) if got else
                0 if "on the deadline day" in text else None)
    elif key == "themes" and series.endswith(f"plans {review_met(review)}"):
        got = re.search(r"(\d+) of \d+ plans", text)
        said = int(got[1]) if got else None
    else:
        return out
    if said is None or abs(said - value) > tolerance:
        out.append(f"says {text!r}, the point is at {value:.1f} on the x axis")
    return out


def review_met(review) -> str:
    from analysis.peers import full_phrase

    return full_phrase(review)[1]


# ------------------------------------------------------------------------------------ the tests

PARAMS = [pytest.param(book, key, id=f"{book}-{key}",
                       marks=[pytest.mark.xfail(strict=True, reason=NAMES_NO_ROW[key])] if key in NAMES_NO_ROW else [])
          for book in BOOKS for key in CHARTS]


@pytest.mark.parametrize("book,key", PARAMS)
def test_hover_names_what_is_drawn_under_the_mouse(server, book, key):
    page = server.page(book, CHARTS[key].format(p=BOOKS[book][1]))
    assert page.locator(f".st-key-card-{key} .csp-chart").count() == 1, f"{book}: no chart {key} on {CHARTS[key]}"
    el = chart(page, key)
    count = el.evaluate(DRAWN, ["pick", 0])
    assert count > 0, f"{book} {key}: no marks to point at"
    checked, wrong, covered = {}, [], set()
    for i in range(count):
        mark = el.evaluate(DRAWN, ["locate", i])
        checked.setdefault(mark["trace"], 0)
        if mark["inside"] and mark["near"] > 0:
            covered.add(mark["trace"])  # drawn on another mark by design (a "same level" symbol in its ring)
        if not mark["inside"] or mark["near"] > 0 or checked.get(mark["trace"], 0) >= MARKS_PER_TRACE:
            continue
        labels = hover_at(page, el, mark["x"], mark["y"])
        found = problems(key, mark, labels, server.review)
        checked[mark["trace"]] += 1
        wrong += [f"{mark['kind']} at ({mark['x']:.0f}, {mark['y']:.0f}): {p}" for p in found]
    # a trace none of whose marks could be pointed at: a failure, unless each of them sits on another mark
    missed = [trace for trace, n in checked.items() if n == 0 and trace not in covered]
    assert not missed, f"{book} {key}: no mark of trace(s) {missed} could be pointed at alone"
    assert not wrong, f"{book} {key}: the hover does not say what is drawn:\n" + "\n".join(wrong)


@pytest.mark.parametrize("size,width,height", [("desktop", 1400, 1000), ("phone", 390, 844)])
def test_heatmap_hover_screenshot(browser, sample_app, size, width, height):
    """The criteria page with the mouse over a heatmap cell (a picture to look at), and the label right."""
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        open_page(page, sample_app.url + "/criteria")
        el = chart(page, "criteria-heatmap")
        el.evaluate(DRAWN, ["pick", 0])
        mark = el.evaluate(DRAWN, ["locate", 2])          # a cell in the middle of the grid
        page.mouse.move(mark["x"], mark["y"])
        page.wait_for_selector(".st-key-card-criteria-heatmap .hoverlayer .hovertext", timeout=5000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"criteria-heatmap-hover-{size}.png"))
        from loaders import read_workbook

        review = read_workbook((ROOT / "data" / "sample-review.xlsx").read_bytes())
        assert problems("criteria-heatmap", mark, el.evaluate(HOVER), review) == []
    finally:
        context.close()
