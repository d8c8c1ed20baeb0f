"""Work done once per workbook: `per_review` remembers a function's result on the Review itself.

A `loaders.Review` is never modified once read (every analysis function is pure), and the app
shares one Review per workbook content between all sessions (ui.load caches it), so a frame
derived from it (coverage of a cycle, the partnership x criterion grid, ...) can be computed once
and reused by every rerun, page and session showing that workbook. A new workbook is a new Review,
so nothing stale is ever served. No streamlit here.

Results are handed out as shallow copies of their frames (pandas copy-on-write makes those
behave as copies: a caller that changes one changes only its own), so callers may do as they
like with them. Each Review keeps at most MAX_ENTRIES results (least recently used dropped).
"""
from __future__ import annotations

import functools
import threading
from collections import OrderedDict

import pandas as pd

MAX_ENTRIES = 512
_LOCK = threading.Lock()
_ATTR = "_per_review_memo"


def _store(review) -> OrderedDict | None:
    try:
        found = review.__dict__.get(_ATTR)
    except AttributeError:      # an object without __dict__: no memo
        return None
    if found is None:
        with _LOCK:
            found = review.__dict__.setdefault(_ATTR, OrderedDict())
    return found


def _fresh(value):
    """What a caller gets: frames and series as shallow (copy-on-write) copies, containers rebuilt."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=False)
    if isinstance(value, tuple) and hasattr(value, "_fields"):   # a NamedTuple
        return type(value)(*(_fresh(v) for v in value))
    if isinstance(value, tuple):
        return tuple(_fresh(v) for v in value)
    if isinstance(value, list):
        return [_fresh(v) for v in value]
    if isinstance(value, dict):
        return {k: _fresh(v) for k, v in value.items()}
    if isinstance(value, set):
        return set(value)
    return value


def per_review(fn):
    """Decorator for `fn(review, *args, **kwargs)` with hashable args: computed once per Review and
    arguments. Unhashable arguments (e.g. a dict) simply skip the memo. `fn.uncached` is the original."""
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(review, *args, **kwargs):
        store = _store(review)
        if store is None:
            return fn(review, *args, **kwargs)
        key = (name, args, tuple(sorted(kwargs.items())) if kwargs else ())
        try:
            with _LOCK:
                hit = store.get(key, _MISSING)
                if hit is not _MISSING:
                    store.move_to_end(key)
        except TypeError:       # unhashable arguments
            return fn(review, *args, **kwargs)
        if hit is _MISSING:
            hit = fn(review, *args, **kwargs)
            with _LOCK:
                store[key] = hit
                while len(store) > MAX_ENTRIES:
                    store.popitem(last=False)
        return _fresh(hit)

    wrapper.uncached = fn
    return wrapper


class _Missing:
    pass


_MISSING = _Missing()


def clear(review) -> None:
    """Forget everything remembered for `review` (tests, or after changing a Review by hand)."""
    store = _store(review)
    if store is not None:
        with _LOCK:
            store.clear()
