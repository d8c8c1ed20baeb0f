"""Ranking passages with BM25 (bm25s: numpy only, no model, no service, nothing downloaded).

`PlanIndex` ranks one plan's passages; `Library` ranks the passages of many plans at once (one
index, so scores compare across plans) and can be limited to some of them. Both are built once per
plan (by its sha256) and kept in a small cache in this module: bytes may come from anywhere.
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN

from plans.extract import Passage, PlanError, PlanText, extract

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Words every criterion's question and every plan use: they say nothing about which criterion a
# passage bears on (a criterion's own words such as "data" or "rights" stay).
STOPWORDS = frozenset(STOPWORDS_EN) | {
    "does", "do", "did", "has", "have", "had", "its", "it's", "our", "we", "us", "will", "how", "what", "which",
    "who", "set", "sets", "out", "show", "shows", "describe", "describes", "include", "includes", "use",
    "uses", "plan", "plans", "children's", "services", "service", "cover", "covers", "other", "also",
    "clear", "clearly", "across", "area", "area's", "from", "can", "all", "each", "more",
}


def _fold(word: str) -> str:
    """One form for a word's plural and possessive ("needs", "need's" -> "need"), so a query word
    finds the word as plans write it."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """The words BM25 compares: lower case, stop words out, plurals folded."""
    text = text.lower().replace("’", "'").replace("‘", "'")
    return [_fold(w) for w in _WORD.findall(text) if w not in STOPWORDS]


def criterion_query(name: str, question: str = "", fully_met_when: str = "") -> str:
    """The query for a criterion: its name (twice: the name is the criterion), question and
    `Fully met when` text (the Criteria sheet)."""
    return " ".join(t for t in (name, name, question or "", fully_met_when or "") if t)


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float
    plan: int = 0          # position of its plan in a Library's list


class _Bm25:
    def __init__(self, passages: list[Passage]):
        self.passages = passages
        self.model = bm25s.BM25()
        corpus = [tokens(p.text) or ["\x00"] for p in passages]
        if passages:
            self.model.index(corpus, show_progress=False)

    def top(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        words = tokens(query)
        if not self.passages or not words:
            return []
        k = min(k, len(self.passages))
        docs, scores = self.model.retrieve([words], k=k, show_progress=False, n_threads=1,
                                           weight_mask=mask)
        return [(int(d), float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]


class PlanIndex:
    """One plan's passages, ranked by BM25 against a query."""

    def __init__(self, text: PlanText):
        self.text = text
        self._bm25 = _Bm25(list(text.passages))

    def top(self, query: str, k: int = 3) -> list[Hit]:
        return [Hit(self.text.passages[i], s) for i, s in self._bm25.top(query, k)]

    def for_criterion(self, name: str, question: str = "", fully_met_when: str = "", k: int = 3) -> list[Hit]:
        return self.top(criterion_query(name, question, fully_met_when), k)


class Library:
    """The passages of several plans in one index: a search ranks them all against each other."""

    def __init__(self, texts: list[PlanText]):
        self.texts = texts
        owners, passages = [], []
        for i, t in enumerate(texts):
            owners.extend([i] * len(t.passages))
            passages.extend(t.passages)
        self._owner = np.array(owners, dtype=np.int64)
        self._bm25 = _Bm25(passages)

    def search(self, query: str, k: int = 30, plans: set[int] | None = None) -> list[Hit]:
        """The best `k` passages for `query`, from the plans at positions `plans` (all if None)."""
        mask = None
        if plans is not None:
            if not plans:
                return []
            mask = np.isin(self._owner, sorted(plans)).astype(np.float32)
        return [Hit(self._bm25.passages[i], s, int(self._owner[i])) for i, s in self._bm25.top(query, k, mask)]


def marked(text: str, query: str) -> list[tuple[str, bool]]:
    """`text` cut into pieces, each with whether it is a word of the query (as BM25 compares words):
    for showing the query's words marked."""
    wanted = set(tokens(query))
    pieces: list[tuple[str, bool]] = []
    last = 0
    for m in re.finditer(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?", text):
        if wanted and tokens(m.group(0)) and tokens(m.group(0))[0] in wanted:
            if m.start() > last:
                pieces.append((text[last:m.start()], False))
            pieces.append((m.group(0), True))
            last = m.end()
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces


# -- one extraction and one index per plan, by sha256 -----------------------------------------------

_CACHE_SIZE = 64
_cache: OrderedDict[str, PlanIndex] = OrderedDict()
_lock = threading.Lock()


def plan_index(data: bytes, name: str = "the file", sha: str | None = None) -> PlanIndex:
    """The plan in `data` extracted and indexed, once per sha256 (raises PlanError, never cached).
    `sha`, when given, is where the bytes were filed; they must match it."""
    from plans.extract import sha256

    key = sha if sha is not None else sha256(data)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    index = PlanIndex(extract(data, name))
    if sha is not None and index.text.sha256 != sha:
        raise PlanError(f"'{name}' is not the file it was filed as (its sha256 differs), so it is not used.")
    with _lock:
        _cache[index.text.sha256] = index
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return index


def cached_index(sha: str) -> PlanIndex | None:
    """The plan indexed under `sha`, if it has been: no bytes needed."""
    with _lock:
        return _cache.get(sha)


_libraries: OrderedDict[tuple[str, ...], Library] = OrderedDict()


def library(indexes: list[PlanIndex]) -> Library:
    """One Library over these plans, built once per set of plans (by their sha256s, in order)."""
    key = tuple(i.text.sha256 for i in indexes)
    with _lock:
        if key in _libraries:
            _libraries.move_to_end(key)
            return _libraries[key]
    built = Library([i.text for i in indexes])
    with _lock:
        _libraries[key] = built
        while len(_libraries) > 8:
            _libraries.popitem(last=False)
    return built
