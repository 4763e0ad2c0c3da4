"""The crawl dispatcher a watch.yaml `workers:` section asks for."""
from __future__ import annotations

import os
from pathlib import Path

from dispatch.config import WorkersSettings


def open_dispatcher(config_dir: Path, settings: WorkersSettings, environ=os.environ):
    """Local workers over pipes, or the Redis queue when a Redis URL is configured. Both offer
    `submit(source_id, on_done=None)` (queue, no overlap per source), `crawl(source_id)` (wait for
    the summary) and `close()`."""
    url = settings.redis(environ)
    if url:
        from dispatch.redis_dispatch import RedisDispatcher

        return RedisDispatcher(config_dir, settings, url)
    from dispatch.pool import WorkerPool

    return WorkerPool(config_dir, settings)
