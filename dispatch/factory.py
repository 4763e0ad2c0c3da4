"""The crawl dispatcher a watch.yaml `workers:` section asks for."""
from __future__ import annotations

import os
from pathlib import Path

from dispatch.config import WorkersSettings


def open_dispatcher(config_dir: Path, settings: WorkersSettings, environ=os.environ):
    """Local workers over pipes, or the Redis queue when a Redis URL is configured. Both offer
    `start()` (workers up before the first poll), `submit(source_id, on_done=None)` (queue, no
    overlap per source), `crawl(source_id)` (wait for the summary) and `close()`."""
    url = settings.redis(environ)
    if not url and settings.count == 0:
        from pipeline.config import ConfigError

        raise ConfigError(Path(config_dir) / "watch.yaml", None,
                          f"workers.count 0 needs Redis (workers.redis_url or ${settings.redis_url_env}): "
                          "no worker would run the crawls")
    if url:
        from dispatch.redis_dispatch import RedisDispatcher

        return RedisDispatcher(config_dir, settings, url)
    from dispatch.pool import WorkerPool

    return WorkerPool(config_dir, settings)
