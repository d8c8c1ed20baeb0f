"""Work done once per workbook: `per_review` remembers a function's result on the Review itself;
`by_content` remembers a pure function of frames (a chart, a table) by the content of its arguments.

A `loaders.Review` is never modified once read (every analysis function is pure), and the app
shares one Review per workbook content between all sessions (ui.load caches it), so a frame
derived from it (coverage of a cycle, the partnership x criterion grid, ...) can be computed once
and reused by every rerun, page and session showing that workbook. A new workbook is a new Review,
so nothing stale is ever served. No streamlit here.

Results are handed out as shallow copies of their frames (pandas copy-on-write makes those
behave as copies: a caller that changes one changes only its own), so callers may do as they
like with them. Each Review keeps at most MAX_ENTRIES results (least recently used dropped).

`by_content` is for chart builders (charts/), whose plotly figures cost tens of milliseconds each
to build even for a small workbook: the same frames give the same figure, built once. A figure is
handed out as it is (copying one costs as much as building it): callers must not modify it.
"""
from __future__ import annotations

import functools
import hashlib
import pickle
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


def _remembered(cache: OrderedDict, key, limit: int, compute):
    """cache[key], computing it (outside the lock) when absent; least recently used beyond `limit` dropped."""
    with _LOCK:
        hit = cache.get(key, _MISSING)
        if hit is not _MISSING:
            cache.move_to_end(key)
            return hit
    hit = compute()
    with _LOCK:
        cache[key] = hit
        while len(cache) > limit:
            cache.popitem(last=False)
    return hit


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
            hash(key)
        except TypeError:       # unhashable arguments
            return fn(review, *args, **kwargs)
        return _fresh(_remembered(store, key, MAX_ENTRIES, lambda: fn(review, *args, **kwargs)))

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


# ------------------------------------------------------------------------------------ by content

CONTENT_MAX_ENTRIES = 96
_CONTENT: OrderedDict = OrderedDict()


def fingerprint(value):
    """A hashable digest of `value`'s content: frames and series by their pickle (values, index,
    columns, dtypes, name, attrs: equal bytes mean equal content, so a hit is never stale; two equal
    frames laid out differently in memory may pickle differently, which only costs a recompute);
    scalars, lists, tuples and dicts of them by value. TypeError for anything else.

    Pickling a small frame costs ~0.4 ms where pandas' hash_pandas_object took ~3-4 ms (16 rows x
    24 columns), and 5 ms where it took 7 for the 100x heatmap's 30,000 rows (bench/README.md)."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # e.g. an unpicklable object in a cell or in attrs
            raise TypeError(f"no fingerprint for this {type(value).__name__}") from exc
        return (type(value).__name__, hashlib.blake2b(data, digest_size=16).hexdigest())
    if value is None or isinstance(value, (str, bytes, bool, int, float, pd.Timestamp)) or value is pd.NaT:
        return (type(value).__name__, repr(value))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(fingerprint(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((repr(k), fingerprint(v)) for k, v in value.items())))
    if pd.api.types.is_scalar(value):      # numpy numbers, pd.NA
        return (type(value).__name__, repr(value))
    raise TypeError(f"no fingerprint for {type(value).__name__}")


def by_content(fn):
    """Decorator for a pure function of frames and plain values: computed once per distinct content
    of its arguments (process-wide, least recently used of CONTENT_MAX_ENTRIES dropped). Frames are
    handed out as copies; anything else (e.g. a plotly figure) as the same object: do not modify it."""
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            key = (name, fingerprint(args), fingerprint(kwargs))
        except TypeError:
            return fn(*args, **kwargs)
        return _fresh(_remembered(_CONTENT, key, CONTENT_MAX_ENTRIES, lambda: fn(*args, **kwargs)))

    wrapper.uncached = fn
    return wrapper
