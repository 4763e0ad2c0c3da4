"""Chinese search quality on a live OpenSearch node: recall@20 of the console's searches on the
demo corpus, with the embedded index as the reference (figures go to bench/RESULTS_storage.md).

For each query (console-style: topic words, places, named things, two-word combinations, segmented
by the pipeline's tokenizer), recall@20 = |top 20 on OpenSearch ∩ top 20 embedded| / |top 20
embedded|, averaged over queries with at least one hit; for newest-first and best-first order.
Needs a node: eval "$(bash scripts/ci_opensearch.sh)"; .venv/bin/python bench/search_recall.py
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from search_demo_corpus import console_queries, demo_documents, query_terms  # noqa: E402
from storage.config import OpenSearchSettings  # noqa: E402
from storage.embedded_index import EmbeddedIndex  # noqa: E402
from storage.opensearch_index import OpenSearchIndex  # noqa: E402
from storage.types import SearchQuery  # noqa: E402


def main() -> int:
    url = os.environ.get("YQ_OS_URL")
    if not url:
        print("needs YQ_OS_URL (scripts/ci_opensearch.sh)", file=sys.stderr)
        return 2
    docs = demo_documents()
    live = OpenSearchIndex(OpenSearchSettings(url=url, index_prefix=f"yqbench-{uuid.uuid4().hex[:6]}"),
                           refresh=True)
    with tempfile.TemporaryDirectory() as tmp:
        embedded = EmbeddedIndex(Path(tmp) / "index.sqlite")
        try:
            for idx in (embedded, live):
                idx.ensure()
                for i in range(0, len(docs), 250):
                    idx.bulk_index(docs[i:i + 250])
            queries = console_queries()
            for sort in ("time", "score"):
                recalls, exact, total_agree = [], 0, 0
                for q in queries:
                    query = SearchQuery(terms=query_terms(q), sort=sort, limit=20, highlight=False)
                    want, got = embedded.search(query), live.search(query)
                    total_agree += want.total == got.total
                    ref = [h.id for h in want.hits]
                    if not ref:
                        continue
                    top = [h.id for h in got.hits]
                    recalls.append(len(set(ref) & set(top)) / len(ref))
                    exact += ref == top
                print(f"sort={sort}: {len(queries)} queries ({len(recalls)} with hits) on {len(docs)} demo docs: "
                      f"recall@20 mean {statistics.mean(recalls):.3f}, min {min(recalls):.3f}; "
                      f"identical top-20 lists {exact}/{len(recalls)}; equal totals {total_agree}/{len(queries)}")
        finally:
            live.drop_all()
            live.close()
            embedded.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
