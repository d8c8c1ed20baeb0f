"""Which PDF is which plan: the Plans sheet's rows matched to files, each known by its sha256.

For now the files are the shipped sample's made-up plans (data/plans/, named by its manifest
plans.json with each file's sha256). They are matched only to a workbook marked Illustrative (the
About sheet's row): a made-up plan must never stand beside real scores. Plans stored with the
published versions can be added as another source of (partnership, cycle) -> bytes; everything
downstream takes bytes and a sha256.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

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
    path: Path

    def read(self) -> bytes:
        """The file's bytes, checked against its sha256 (a file changed on disk is not used)."""
        try:
            data = self.path.read_bytes()
        except OSError:
            raise PlanError(f"The plan of {self.partnership} for {self.cycle} cannot be opened.") from None
        if sha256(data) != self.sha256:
            raise PlanError(f"The plan of {self.partnership} for {self.cycle} has changed since it was added, "
                            "so it is not used.")
        return data


def shipped(folder: Path | None = None) -> dict[tuple[str, str], tuple[Path, str]]:
    """(partnership, cycle) -> (path, sha256) from the folder's manifest (plans.json; default the
    shipped data/plans/); {} without one."""
    folder = SHIPPED if folder is None else folder
    try:
        manifest = json.loads((folder / "plans.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {(r["partnership"], r["cycle"]): (folder / r["file"], r["sha256"]) for r in manifest.get("plans", [])}


def _text(value) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def plan_files(review: Review, cycle: str | None = None, folder: Path | None = None) -> list[PlanFile]:
    """The plans of `review` (its Plans sheet, optionally one cycle's) that have a file, in the
    Partnerships sheet's order. The shipped made-up plans only for an illustrative workbook."""
    if not review.illustrative or review.plans.empty:
        return []
    files = shipped(folder)
    order = {p: i for i, p in enumerate(review.partnerships["partnership"])}
    out = []
    for row in review.plans.itertuples(index=False):
        if cycle is not None and row.cycle != cycle:
            continue
        found = files.get((row.partnership, row.cycle))
        if found is None:
            continue
        pages = None if pd.isna(row.pages) else int(row.pages)
        out.append(PlanFile(row.partnership, row.cycle, _text(row.title), _text(row.link), pages, found[1], found[0]))
    return sorted(out, key=lambda f: (order.get(f.partnership, len(order)), f.cycle))
