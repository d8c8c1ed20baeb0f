"""Attaching plans on the Data page: which partnership and cycle an uploaded PDF is the plan of, and
whether it can be used at all. No Streamlit here.

A file is matched by its name: a partnership's name or one of its aliases written in it (any case,
"&" or "and", hyphens, underscores or spaces between words; the longest name that fits wins, so
"North Ayrshire" beats "Ayrshire"), and a cycle written as "2023-2026", "2023-26" or "2023_2026".
Without a cycle in the name, the newest cycle is assumed. The analyst can change either before
anything is kept.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.model import Review
from plans.extract import PlanError, extract


@dataclass
class Attachment:
    filename: str
    data: bytes
    pages: int | None            # None when the file cannot be used
    problem: str | None          # why not, in plain words
    partnership: str | None      # matched by name, or None
    cycle: str | None


def _words(text: str) -> str:
    text = text.casefold().replace("&", " and ")
    return " " + " ".join(re.findall(r"[^\W_]+", text)) + " "


def match_partnership(filename: str, review: Review) -> str | None:
    """The partnership whose name or alias is written in `filename` (the longest that fits), or None."""
    name = _words(filename.rsplit(".", 1)[0])
    best, length = None, 0
    for row in review.partnerships.itertuples(index=False):
        for written in [row.partnership, *[a for a in str(row.aliases or "").split(";") if a.strip()]]:
            words = _words(written)
            if words.strip() and words in name and len(words) > length:
                best, length = row.partnership, len(words)
    return best


def match_cycle(filename: str, review: Review) -> str | None:
    """The cycle written in `filename` ("2023-2026", "2023-26", "2023_2026"), else the newest cycle."""
    cycles = [str(c) for c in review.cycles["cycle"]]
    for first, last in re.findall(r"(?<!\d)(20\d\d)\s*[-_–/ ]\s*(20\d\d|\d\d)(?!\d)", filename):
        for cycle in cycles:
            a, _, b = cycle.partition("-")
            if a == first and (b == last or b[-2:] == last):
                return cycle
    return cycles[-1] if cycles else None


def attachment(data: bytes, filename: str, review: Review) -> Attachment:
    """An uploaded file, checked as a plan (every bad PDF gets its plain message) and matched."""
    try:
        pages = extract(data, filename).pages
        problem = None
    except PlanError as exc:
        pages, problem = None, exc.message
    return Attachment(filename, data, pages, problem, match_partnership(filename, review),
                      match_cycle(filename, review))


def check_choice(a: Attachment, partnerships: list[str], cycles: list[str]) -> str | None:
    """Why `a` cannot be kept as chosen, in plain words; None when it can."""
    if a.problem:
        return a.problem
    if a.partnership not in partnerships:
        return f"Choose whose plan '{a.filename}' is: its name does not say which partnership."
    if a.cycle not in cycles:
        return f"Choose which cycle '{a.filename}' is the plan for."
    return None
