"""Per-workbook warm-up: every cycle's analysis, computed once in the background after a read.

The pages remember what they compute on the Review (`analysis.memo.per_review`), so a cycle's
frames are computed once per workbook whoever asks first. Without a warm-up the first person to
pick a cycle pays for it (a second or so with 300 partnerships x 100 criteria x 10 cycles); with
it, a background thread has usually done so before anyone asks. Best effort: it never raises, and
a page computes whatever is not ready yet itself. No streamlit here.
"""
from __future__ import annotations

import threading

from analysis import common as C
from analysis import national as N
from analysis import themes as T

_PER_CYCLE = (
    N.coverage, N.coverage_sentence, N.headline, N.headline_sentence, N.national_check, N.heatmap_frame,
    N.heatmap_sentence, N.partnership_fully_met, N.tilemap_sentence, N.change_since_previous,
    N.change_sentence, N.timeline, N.timeline_sentence, T._full_counts, C._level_counts,
)


def warm_up(review) -> None:
    """Compute each cycle's frames and sentences (the default cycle first, then newest first)."""
    try:
        cycles = list(reversed(N.cycles_with_data(review)))
        cycles += [c for c in reversed(N._cycles_sorted(review)) if c not in cycles]
        default = N.default_cycle(review)
        if default in cycles:
            cycles.remove(default)
            cycles.insert(0, default)
        for cycle in cycles:
            for fn in _PER_CYCLE:
                fn(review, cycle)
        T.theme_cycles(review)
        T.theme_rows(review)
    except Exception:  # best effort: whatever failed here is computed (and reported) by the page
        pass


DELAY_SECONDS = 1.0


def start(review, delay: float = DELAY_SECONDS) -> threading.Thread | None:
    """Warm `review` up in a daemon thread, after `delay` seconds: the page that read the workbook
    computes what it shows first itself, without a thread competing for the interpreter lock
    (nothing for an unreadable or invalid workbook)."""
    if review is None or not getattr(review, "ok", False):
        return None
    thread = threading.Timer(delay, warm_up, args=(review,))
    thread.name, thread.daemon = "csp-warm-up", True
    thread.start()
    return thread
