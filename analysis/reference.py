"""Definitions: what each criterion asks, what each scale level means, where figures were published."""
from __future__ import annotations

import pandas as pd

from loaders import Review

MET_WORDS = {"yes": "counts as met", "partly": "counts as partly met", "no": "counts as not met"}


def criteria_table(review: Review) -> pd.DataFrame:
    frame = review.criteria.sort_values("order")
    return pd.DataFrame({"Criterion": frame["criterion"], "Name": frame["name"],
                         "Question the reviewer asks": frame["question"], "Group": frame["group"]})


def scale_table(review: Review) -> pd.DataFrame:
    frame = review.scale.sort_values("order")
    return pd.DataFrame({"Level": frame["label"], "Score": frame["score"],
                         "Meaning": frame["met"].map(MET_WORDS)})


def sources_table(review: Review) -> pd.DataFrame:
    """One row per cycle and source of the published national figures."""
    national = review.national
    if national.empty:
        return pd.DataFrame(columns=["Cycle", "Criteria", "Source"])
    rows = (national.drop_duplicates(["cycle", "criterion"])
            .groupby(["cycle", "source"], sort=False)["criterion"]
            .agg(lambda c: ", ".join(c)).reset_index())
    return rows.rename(columns={"cycle": "Cycle", "criterion": "Criteria", "source": "Source"})[
        ["Cycle", "Criteria", "Source"]]
