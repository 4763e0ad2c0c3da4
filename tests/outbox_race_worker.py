"""Worker for test_storage_concurrency's outbox race: in one process, writer threads save
documents (new ones and re-crawls with more replies) while drainer threads deliver the outbox
into a shared embedded index, for a few seconds. Prints the number of documents it wrote."""
from __future__ import annotations

import random
import sys
import threading
import time
from pathlib import Path

from storage.embedded_index import EmbeddedIndex
from storage.factory import create_schema, make_engine
from storage.outbox import drain_outbox
from storage.store import Store
from storage_docs import make_doc


def race(store: Store, index: EmbeddedIndex, prefix: str, *, writers: int, drainers: int,
         seconds: float) -> int:
    stop = time.monotonic() + seconds
    written = [0] * writers
    errors: list[BaseException] = []

    def write(w: int) -> None:
        rng = random.Random(f"{prefix}{w}")
        n = 0
        while time.monotonic() < stop:
            batch = []
            for _ in range(rng.randint(1, 6)):
                i = f"{prefix}w{w}-{n if rng.random() < 0.85 or n == 0 else rng.randrange(n)}"
                n += 1
                batch.append(make_doc(i, relevant=rng.random() < 0.7, replies=n,
                                      tokens=("青溪", f"词{rng.randint(0, 9)}")))
            store.save_documents(batch)
            written[w] += len(batch)
            time.sleep(rng.random() * 0.01)  # bursts, as crawls write: the queue often runs empty

    def drain(d: int) -> None:
        rng = random.Random(f"{prefix}d{d}")
        while time.monotonic() < stop:
            drain_outbox(store, index, batch=rng.randint(1, 12))

    def guarded(fn, k):
        try:
            fn(k)
        except BaseException as e:  # reported by the caller
            errors.append(e)

    threads = [threading.Thread(target=guarded, args=(write, w)) for w in range(writers)]
    threads += [threading.Thread(target=guarded, args=(drain, d)) for d in range(drainers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return sum(written)


def main(db_url: str, index_path: str, prefix: str, seconds: float) -> None:
    store = Store(make_engine(db_url))
    create_schema(store.engine)
    index = EmbeddedIndex(Path(index_path))
    try:
        print(race(store, index, prefix, writers=1, drainers=2, seconds=seconds), flush=True)
    finally:
        index.close()
        store.engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]))
