"""Which PDF is which plan: a partnership's plan for a cycle, each file known by its sha256.

Two sources of files:

- plans an analyst attached on the Data page, kept in the store beside the published workbooks
  (store.StoredPlan: exact bytes by sha256; the newest for a partnership and cycle is its plan).
  They stand beside any workbook, with the Plans sheet's title and web address where it names them;
- the shipped sample's made-up plans (data/plans/, named by its manifest plans.json with each file's
  sha256), for the pairs no stored plan covers, matched only to a workbook marked Illustrative (the
  About sheet's row) and named in its Plans sheet: a made-up plan must never stand beside real scores.

Everything downstream takes bytes and a sha256.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from loaders.model import Review
from plans.extract import PlanError, sha256

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "plans"


@dataclass(frozen=True)
class PlanFile:
    partnership: str
    cycle: str
    title: str
    link: str            # the Plans sheet's public web address, or ""
    pages: int | None    # the Plans sheet's Pages, if given
    sha256: str
    path: Path | None    # a shipped file; None for a plan kept in the store
    filename: str = ""   # the file's own name
    load: Callable[[], bytes] | None = field(default=None, compare=False, repr=False)  # a stored plan's bytes

    def read(self) -> bytes:
        """The file's bytes, checked against its sha256 (a file changed since it was added is not used)."""
        try:
            data = self.load() if self.load is not None else self.path.read_bytes()
        except Exception:  # a missing file, a store not answering: the plan cannot be opened now
            raise PlanError(f"The plan of {self.partnership} for {self.cycle} cannot be opened just now.") from None
        if sha256(data) != self.sha256:
            raise PlanError(f"The plan of {self.partnership} for {self.cycle} has changed since it was added, "
                            "so it is not used.")
        return data


def shipped(folder: Path | None = None) -> dict[tuple[str, str], tuple[Path, str]]:
    """(partnership, cycle) -> (path, sha256) from the folder's manifest (plans.json; default the
    shipped data/plans/); {} without one. Read once per version of the manifest, not on every rerun."""
    folder = SHIPPED if folder is None else folder
    try:
        stamp = (folder / "plans.json").stat().st_mtime_ns
    except OSError:
        return {}
    return _manifest(folder, stamp)


@functools.lru_cache(maxsize=8)
def _manifest(folder: Path, _stamp: int) -> dict[tuple[str, str], tuple[Path, str]]:
    try:
        manifest = json.loads((folder / "plans.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {(r["partnership"], r["cycle"]): (folder / r["file"], r["sha256"]) for r in manifest.get("plans", [])}


def _text(value) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def plan_files(review: Review, cycle: str | None = None, folder: Path | None = None, stored: list | None = None,
               read: Callable | None = None) -> list[PlanFile]:
    """The plans of `review`'s partnerships (optionally of one cycle) that have a file, in the
    Partnerships sheet's order: the newest stored plan of each partnership and cycle (`stored`, a
    list of store.StoredPlan newest first, their bytes from `read(plan)`), else, for an illustrative
    workbook, the shipped made-up plan its Plans sheet names."""
    order = {p: i for i, p in enumerate(review.partnerships["partnership"])}
    sheet = {(row.partnership, row.cycle): row for row in review.plans.itertuples(index=False)}
    out: dict[tuple[str, str], PlanFile] = {}
    for kept in stored or []:
        pair = (kept.partnership, kept.cycle)
        if pair in out or kept.partnership not in order or (cycle is not None and kept.cycle != cycle):
            continue
        row = sheet.get(pair)
        out[pair] = PlanFile(kept.partnership, kept.cycle, _text(row.title) if row is not None else "",
                             _text(row.link) if row is not None else "", kept.pages, kept.sha256, None,
                             kept.filename, (lambda kept=kept: read(kept)) if read is not None else None)
    if review.illustrative and not review.plans.empty:
        files = shipped(folder)
        for pair, row in sheet.items():
            found = files.get(pair)
            if found is None or pair in out or (cycle is not None and row.cycle != cycle):
                continue
            pages = None if pd.isna(row.pages) else int(row.pages)
            out[pair] = PlanFile(row.partnership, row.cycle, _text(row.title), _text(row.link), pages, found[1],
                                 found[0], found[0].name)
    return sorted(out.values(), key=lambda f: (order.get(f.partnership, len(order)), f.cycle))
