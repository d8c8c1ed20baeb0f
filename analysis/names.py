"""Hiding other partnerships' names (the sidebar's "Hide other partnerships' names", ?hide=true).

One concern, one module, applied once where a page's view is made (`ui.view`): `hidden()` turns
the Review into one in which every partnership but the chosen one is a neutral label, so no page,
chart, table, CSV, PNG or report built from it can forget to hide a name.

- **Labels nobody can reverse.** "Partnership A, B, ..." follow the order of an HMAC-SHA256 of
  each name, keyed by `label_key(secret, version)`: the secret is the server's (secrets.toml
  `[privacy] label_secret`, else one the store generates and keeps), the version is the workbook's
  content key. Without the secret the order is a random permutation: the public list of
  partnerships says nothing about which label is which. Within one version and one chosen
  partnership the labels stay the same (a shared link and its downloads agree); a new version
  deals them afresh.
- **Nothing beside a label narrows it down.** Other partnerships keep no alias, council or health
  board, and their place in the workbook's order is dropped (labels are listed in label order).
  Peer groups are the one grouping shown: a group with fewer than `MIN_GROUP` partnerships is
  withheld (its members show no group, and comparing with it is switched off), since knowing
  which councils form a small group would narrow a label to one or two partnerships.
- **Free text is scrubbed.** Every name and alias of another partnership in the workbook's own
  text (criteria, questions, themes, findings, sources, the About note, scale labels) becomes its
  label; so does the file name and note in the footer (`scrub_text`).

What it does not hide: the chosen partnership's own data, and the data itself. Someone who knows
another partnership's result or submission date from elsewhere can find its row by that value.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import re
from dataclasses import replace
from typing import Iterable, Mapping

import pandas as pd

from analysis.memo import per_review
from loaders.model import Review
from loaders.reader import column_letter  # 0 -> A, 25 -> Z, 26 -> AA: the letters of the labels

# Below this many partnerships, a peer group is withheld while names are hidden (see above).
MIN_GROUP = 5

# What Definitions says about hiding names, in plain words.
PROTECTS = (f"With other partnerships' names hidden, every other partnership is shown as a neutral label "
            "(\"Partnership A\", \"Partnership B\", ...) on every page, chart, table, download and report. "
            "The letters are dealt by a secret kept on the dashboard's server, so the published list of "
            "partnerships cannot be used to work out which label is which. Councils, health boards and other "
            "spellings of those partnerships are left out; their names and councils written in the workbook's "
            "own text and in the plans are replaced by their labels (a health board by \"a health board\"), "
            "and are not searched for in the plans; and a peer group of fewer than "
            f"{MIN_GROUP} partnerships is not shown or compared with. The map of partnerships is hidden.")
DOES_NOT_PROTECT = ("It is for showing a view to others (a screen, a download, a report), not a lock: "
                    "anyone using the dashboard can switch it off, or choose another partnership, and see "
                    "names. It does not hide the figures themselves either: someone who already knows another "
                    "partnership's score or submission date can find that partnership's row by it. Your own "
                    "partnership is always named. The labels change when a new version of the data is "
                    "published, and the Data page is not shown while names are hidden.")


def label_key(secret: bytes, version: str) -> bytes:
    """The key of the labels for one published version (or upload): HMAC(secret, version)."""
    return hmac.new(secret, f"csp-labels\x1f{version}".encode("utf-8"), hashlib.sha256).digest()


LABEL_PREFIXES = ("Partnership", "Other partnership", "Hidden partnership", "Unnamed partnership")


def label_prefix(names: Iterable[str]) -> str:
    """"Partnership" (labels "Partnership A", ...), unless a real name looks like such a label: then
    the first prefix whose labels no real name can be mistaken for."""
    names = [str(n).strip().casefold() for n in names]
    for prefix in LABEL_PREFIXES:
        look = re.compile(re.escape(prefix.casefold()) + r"\s+[a-z]+")
        if not any(look.fullmatch(n) for n in names):
            return prefix
    return "Partnership (hidden)"


def labels(names: Iterable[str], keep: str, key: bytes) -> dict[str, str]:
    """{real name: shown name}: `keep` keeps its name, every other one gets "Partnership A", "B", ...
    in the order of HMAC-SHA256(key, keep + name). Without `key` nobody can tell which is which."""
    names = [str(n) for n in dict.fromkeys(names)]
    others = [n for n in names if n != keep]
    others.sort(key=lambda n: hmac.new(key, f"{keep}\x1f{n}".encode("utf-8"), hashlib.sha256).digest())
    prefix = label_prefix(names)
    mapping = {n: f"{prefix} {column_letter(i)}" for i, n in enumerate(others)}
    if keep:
        mapping[keep] = keep
    return mapping


def _split_aliases(value) -> list[str]:
    if not isinstance(value, str):
        return []
    return [a.strip() for a in value.split(";") if a.strip()]


def other_names(review: Review, keep: str) -> list[str]:
    """Every name and alias of partnerships other than `keep` (what must not appear when hidden)."""
    return [name for name, repl in _scrub_targets(review, keep, {}) if repl is not None]


def _name_pattern(name: str) -> str:
    """A name as a whole-word pattern that also matches the ways people write it: any spacing, "&" or
    "and" (with or without spaces: "Perth&Kinross"), a hyphen, an underscore or a space ("Na h-Eileanan",
    "Na h Eileanan", "glasgow_city"). Case is ignored by the caller."""
    words = [w for w in re.split(r"[\s\-]+|(&)", name) if w]
    parts = [r"(?:&|and)" if w == "&" or w.lower() == "and" else re.escape(w) for w in words]
    gaps = []
    for a, b in zip(parts, parts[1:]):
        gaps.append(r"[\s_]*" if "(?:&|and)" in (a, b) else r"[\s\-_]+")
    pattern = parts[0] if parts else ""
    for gap, part in zip(gaps, parts[1:]):
        pattern += gap + part
    # a whole word between anything but letters: "_" and digits part words in file names
    # ("tayside_csp_2023.pdf", "fife2023.pdf"), as plans.attach reads them
    return r"(?<![^\W\d_])" + pattern + r"(?![^\W\d_])"


@functools.lru_cache(maxsize=64)
def _scrub_pattern(targets: tuple[tuple[str, str | None], ...]):
    ordered = sorted((t for t in targets if t[0].strip()), key=lambda t: len(t[0]), reverse=True)
    if not ordered:
        return None, ()
    groups = [f"(?P<g{i}>{_name_pattern(name)})" for i, (name, _) in enumerate(ordered)]
    return re.compile("|".join(groups), flags=re.IGNORECASE), tuple(r for _, r in ordered)


def _short(name: str) -> list[str]:
    """The short name a city partnership or council goes by in running text: "Glasgow" for "Glasgow
    City", "Edinburgh" for "City of Edinburgh"."""
    name = name.strip()
    if re.fullmatch(r"(?i).+\s+city", name):
        return [re.sub(r"(?i)\s+city$", "", name)]
    if re.fullmatch(r"(?i)city\s+of\s+.+", name):
        return [re.sub(r"(?i)^city\s+of\s+", "", name)]
    return []


def _scrub_targets(review: Review, keep: str, mapping: Mapping[str, str]) -> tuple:
    """(name as written, replacement or None to leave it): every partnership's name and aliases, and
    its councils and health board (a plan's text names them: "Dundee City Council" tells whose it is),
    and a city's short name ("Glasgow", "Dundee").
    Another partnership's council becomes its label, a health board "a health board" (one board may
    serve several partnerships); the chosen partnership's own names, councils and board stay."""
    memo = review.__dict__.setdefault("_scrub_targets_memo", {})   # read once per review, partnership, labels
    key = (keep, tuple(sorted(mapping.items())))
    if key not in memo:
        if len(memo) > 256:
            memo.clear()
        memo[key] = _targets(review, keep, mapping)
    return memo[key]


def _targets(review: Review, keep: str, mapping: Mapping[str, str]) -> tuple:
    targets, own = [], set()
    frame = review.partnerships
    column = lambda name: frame[name].tolist() if name in frame.columns else [""] * len(frame)  # noqa: E731
    rows = list(zip(frame["partnership"].tolist(), column("aliases"), column("local_authorities"),
                    column("health_board")))
    for partnership, alias, councils, board in rows:
        if partnership == keep:
            own = {n.casefold() for n in [partnership, *_split_aliases(alias), *_split_aliases(councils),
                                           *_split_aliases(board), *_short(partnership),
                                           *(n for c in _split_aliases(councils) for n in _short(c))]}
            targets.extend((n, None) for n in own)
    # a council or board written as a partnership's name ("Highland") is that partnership's name
    skip = own | {n.casefold() for partnership, alias, _, _ in rows for n in [partnership, *_split_aliases(alias)]}
    for partnership, alias, councils, board in rows:
        if partnership == keep:
            continue
        label = mapping.get(partnership) or "another partnership"
        targets.extend((n, label) for n in [partnership, *_split_aliases(alias)])
        for n, shown in [*((n, label) for n in _split_aliases(councils)), *((n, label) for n in _short(partnership)),
                         *((n, label) for c in _split_aliases(councils) for n in _short(c)),
                         *((n, "a health board") for n in _split_aliases(board))]:
            if n.casefold() not in skip:
                skip.add(n.casefold())   # once: a board serves several partnerships
                targets.append((n, shown))
    return tuple(targets)


def scrub_text(text, review: Review, keep: str, mapping: Mapping[str, str]):
    """`text` with every other partnership's name or alias replaced by its label in `mapping`.

    Matching ignores case, spacing and "&" versus "and", and takes whole words only; `keep`'s own
    names and aliases are left alone even when another partnership's name is part of them.
    Non-strings are returned as they are."""
    if not isinstance(text, str) or not text:
        return text
    pattern, replacements = _scrub_pattern(_scrub_targets(review, keep, mapping))
    if pattern is None:
        return text

    def sub(m: re.Match) -> str:
        repl = replacements[int(m.lastgroup[1:])]
        return m.group(0) if repl is None else repl

    return pattern.sub(sub, text)


# Columns that are keys between frames, not scrubbed as text: renamed (partnership) or left as they
# are (cycles are "YYYY-YYYY"). Criterion IDs are scrubbed like text (the same way in every frame, so
# they still match): an ID may be a name.
_KEYS = {"partnership", "cycle"}


def _scrub_columns(frame: pd.DataFrame, scrub) -> pd.DataFrame:
    """Every text column of `frame` but the keys, through `scrub` (once per distinct value)."""
    out = frame.copy()
    for col in out.columns:
        if col in _KEYS or not (pd.api.types.is_string_dtype(out[col]) or out[col].dtype == object):
            continue
        fixed = {v: scrub(v) for v in out[col].dropna().unique() if isinstance(v, str)}
        if any(k != v for k, v in fixed.items()):
            out[col] = out[col].map(lambda v: fixed.get(v, v) if isinstance(v, str) else v).astype(out[col].dtype)
    return out


def group_sizes(review: Review) -> dict[str, int]:
    """peer group -> number of partnerships in it (groups named in the Partnerships sheet)."""
    groups = review.partnerships["peer_group"].fillna("")
    return {g: int(n) for g, n in groups[groups != ""].value_counts().items()}


def withheld(review: Review, group: str | None) -> bool:
    """Whether peer group `group` is too small to show or compare with while names are hidden."""
    return bool(group) and group_sizes(review).get(group, 0) < MIN_GROUP


@per_review
def hidden(review: Review, keep: str, key: bytes) -> Review:
    """The Review as pages show it with other partnerships' names hidden (see the module's notes):
    every other partnership renamed to its label in every frame and listed in label order after
    `keep`, without aliases, councils or health boards; a peer group of fewer than MIN_GROUP
    partnerships withheld from every member (the chosen one's too, so nothing is compared with it); every other text field scrubbed of other partnerships' names.
    `keep` may be "" (no partnership chosen: every partnership is a label). Remembered per review,
    partnership and key, so the analysis of the hidden review is remembered too."""
    mapping = labels(review.partnerships["partnership"], keep, key)

    def scrub(text):
        return scrub_text(text, review, keep, mapping)

    def rename(frame: pd.DataFrame) -> pd.DataFrame:
        out = _scrub_columns(frame, scrub)
        if "partnership" in out.columns:
            out["partnership"] = out["partnership"].map(lambda v: mapping.get(v, v)).astype(frame["partnership"].dtype)
        return out

    sizes = group_sizes(review)
    p = review.partnerships.copy()
    others = p["partnership"] != keep
    small = p["peer_group"].fillna("").map(lambda g: bool(g) and sizes.get(g, 0) < MIN_GROUP).astype(bool)
    for col in ("aliases", "local_authorities", "health_board"):
        p.loc[others, col] = ""
    p.loc[small, "peer_group"] = ""  # the chosen partnership's too: comparing with its small group is off
    p = rename(p)
    position = {label: i for i, label in enumerate(sorted(
        (v for k, v in mapping.items() if k != keep), key=lambda v: (len(v), v)))}
    p["order"] = p["partnership"].map(lambda n: -1 if n == keep else position.get(n, len(position)))
    p = p.sort_values("order", kind="stable").reset_index(drop=True)
    p["order"] = pd.array(range(len(p)), dtype="int64")
    plans = review.plans.copy()
    plans.loc[plans["partnership"] != keep, "link"] = ""   # a plan's web address names its partnership
    return replace(review, partnerships=p, criteria=rename(review.criteria), scale=rename(review.scale),
                   plans=rename(plans),
                   submissions=rename(review.submissions), scores=rename(review.scores),
                   themes=rename(review.themes), national=rename(review.national),
                   errors=[], warnings=[], about=scrub(review.about))
