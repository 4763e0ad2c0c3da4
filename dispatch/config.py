"""The `workers:` section of watch.yaml: how crawls are run."""
from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from pipeline.config import load_yaml


class WorkersSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    count: int = Field(1, ge=0, le=64)  # crawl worker processes this host starts (0: Redis hosts only)
    slots: int = Field(128, ge=1, le=512)  # crawls one worker runs at once (most wait on the network)
    max_crawls: int = Field(20_000, ge=1)  # a worker is replaced after this many crawls (a start costs ~3 CPU-s)
    max_rss_mb: float = Field(600, ge=100)  # …or once its resident memory passes this
    crawl_timeout: float = Field(900, ge=10)  # a crawl running longer is abandoned (its worker restarted)
    redis_url: str | None = None  # several crawl hosts share due crawls through this Redis
    redis_url_env: str = "YQ_REDIS_URL"  # …or the URL (it may hold a password) from this variable
    lease_seconds: float = Field(60, ge=1)  # a dead worker's crawl is taken over after this
    key_prefix: str = Field("yq", pattern=r"^[A-Za-z0-9_.:-]+$")  # Redis keys (several watches, one Redis)

    def redis(self, environ=os.environ) -> str | None:
        return self.redis_url or environ.get(self.redis_url_env) or None


def load_workers_settings(config_dir: Path) -> WorkersSettings:
    return load_yaml(Path(config_dir) / "watch.yaml", WorkersSettings, section="workers", required=False)
