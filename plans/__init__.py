"""The plans themselves: text with page numbers, passages ranked per criterion, search across plans.

No Streamlit here. A plan is identified by its sha256 and its bytes may come from anywhere (the
shipped sample's folder, the versioned store): every entry point takes bytes.

- `extract(data, name)` -> PlanText (pages, passages with page numbers), or PlanError
- `plan_index(data, name)` -> PlanIndex, extracted and indexed once per sha256
- `PlanIndex.for_criterion(name, question, fully_met_when)` -> the passages most likely to bear on it
- `Library([PlanText, ...]).search(query, plans=...)` -> passages of many plans, ranked together
"""
from plans.extract import (MAX_PAGES, MAX_PLAN_BYTES, Passage, PlanError, PlanText, extract, page_texts,  # noqa: F401
                           sha256, split_passages)
from plans.search import (Hit, Library, PlanIndex, cached_index, criterion_query, library, marked,  # noqa: F401
                          plan_index, tokens)
