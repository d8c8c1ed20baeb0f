"""analysis.memo: results remembered per Review (`per_review`) and per content (`by_content`) must never
be stale, and callers must not be able to change what others get."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import memo


class FakeReview:
    """Any object with a __dict__ can carry a per_review store."""


def counting(fn):
    calls = []

    def wrapped(*args, **kwargs):
        calls.append((args, kwargs))
        return fn(*args, **kwargs)
    wrapped.calls = calls
    wrapped.__name__ = wrapped.__qualname__ = f"counting_{fn.__name__}_{id(calls)}"
    return wrapped


def frame(values=(1, 2, 3), name="a"):
    return pd.DataFrame({name: list(values), "label": ["x", "y", "z"][:len(values)]})


def test_by_content_computes_once_per_content_and_again_when_any_value_changes():
    fn = counting(lambda df, k: df.assign(total=df["a"] * k))
    cached = memo.by_content(fn)
    first = cached(frame(), 2)
    assert cached(frame(), 2).equals(first)                   # another object, same content: a hit
    assert len(fn.calls) == 1
    cached(frame((1, 2, 4)), 2)                               # one value differs
    cached(frame(), 3)                                        # a plain argument differs
    cached(frame(name="b").rename(columns={"b": "a"}).astype({"a": "float64"}), 2)   # same values, other dtype
    assert len(fn.calls) == 4


@pytest.mark.parametrize("change", [
    lambda df: df.set_axis([10, 11, 12]),                     # the index
    lambda df: df.rename(columns={"label": "Label"}),         # a column name
    lambda df: df.astype({"a": "Int64"}),                     # a dtype
    lambda df: df.iloc[::-1],                                 # the order of rows
])
def test_a_fingerprint_sees_every_part_of_a_frame(change):
    assert memo.fingerprint(frame()) == memo.fingerprint(frame())
    assert memo.fingerprint(change(frame())) != memo.fingerprint(frame())


def test_by_content_hands_out_copies_of_frames():
    cached = memo.by_content(counting(lambda df: df.copy()))
    got = cached(frame())
    got.loc[0, "a"] = 99                                      # a caller changing its result
    assert cached(frame()).loc[0, "a"] == 1                   # is not seen by the next caller


def test_by_content_computes_every_time_for_arguments_it_cannot_fingerprint():
    fn = counting(lambda thing: 1)
    cached = memo.by_content(fn)
    cached(object()), cached(object())
    assert len(fn.calls) == 2


def test_per_review_remembers_per_review_and_arguments_and_skips_unhashable_ones():
    fn = counting(lambda review, cycle, extra=None: frame())
    cached = memo.per_review(fn)
    one, two = FakeReview(), FakeReview()
    cached(one, "2023-2026"), cached(one, "2023-2026")
    assert len(fn.calls) == 1
    cached(one, "2020-2023")                                  # another argument
    cached(two, "2023-2026")                                  # another workbook
    assert len(fn.calls) == 3
    cached(one, "2023-2026", extra=frame()), cached(one, "2023-2026", extra=frame())   # a frame: not hashable
    assert len(fn.calls) == 5
    got = cached(one, "2023-2026")
    got.loc[0, "a"] = 99
    assert cached(one, "2023-2026").loc[0, "a"] == 1
    memo.clear(one)
    cached(one, "2023-2026")
    assert len(fn.calls) == 6
