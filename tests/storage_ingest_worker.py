"""Ingest worker for test_storage_kill: writes documents forever and prints "ACK <id>" for each
document only after its transaction committed; drains the outbox into the embedded index now and
then, so a SIGKILL can land in either write."""
from __future__ import annotations

import random
import sys
from pathlib import Path

from storage.embedded_index import EmbeddedIndex
from storage.factory import create_schema, make_engine
from storage.outbox import drain_outbox
from storage.store import Store
from storage_docs import make_doc


def main(db_url: str, index_path: str, seed: int) -> None:
    rng = random.Random(seed)
    store = Store(make_engine(db_url))
    create_schema(store.engine)
    index = EmbeddedIndex(Path(index_path))
    n = 0
    while True:
        batch = []
        for _ in range(rng.randint(1, 8)):
            # mostly new posts of this run, sometimes a re-crawl of an earlier one with more replies
            i = f"{seed}-{n}" if rng.random() < 0.8 or n == 0 else f"{seed}-{rng.randrange(n)}"
            n += 1
            batch.append(make_doc(i, relevant=rng.random() < 0.7, replies=rng.randint(0, 50),
                                  tokens=("青溪", f"词{rng.randint(0, 20)}")))
        store.save_documents(batch, raw_html={d.id: "<p>x</p>" for d in batch})
        print("\n".join(f"ACK {d.id}" for d in batch), flush=True)
        if rng.random() < 0.3:
            drain_outbox(store, index, batch=rng.randint(1, 20))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
