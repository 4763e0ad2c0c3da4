"""The `storage:` section of watch.yaml (DESIGN §4). Secrets are read from environment variables
whose NAMES are configured here, never from YAML."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import make_url

from pipeline.config import ConfigError, load_yaml


class _EngineSettings(BaseModel):
    """What an Elasticsearch 8 and an OpenSearch 2 cluster both need."""
    model_config = ConfigDict(extra="forbid")

    url: str
    index_prefix: str = Field("yqwatch", pattern=r"^[a-z0-9][a-z0-9_-]*$")
    ca_certs: str | None = None
    verify_certs: bool = True
    retention_days: int = Field(365, ge=1)  # ILM / ISM deletes a monthly index this long after creation
    replicas: int | None = Field(None, ge=0)  # per monthly index; None: the cluster's default (1). 0 on one node
    request_timeout: float = Field(30.0, gt=0)


class ElasticsearchSettings(_EngineSettings):
    api_key_env: str = "YQ_ES_API_KEY"
    username_env: str = "YQ_ES_USER"
    password_env: str = "YQ_ES_PASSWORD"


class OpenSearchSettings(_EngineSettings):
    username_env: str = "YQ_OS_USER"  # the security plugin's internal users (no API keys in OpenSearch 2)
    password_env: str = "YQ_OS_PASSWORD"


class StorageSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    database_url: str = "sqlite:///../var/yqwatch.db"
    search_backend: Literal["embedded", "elasticsearch", "opensearch"] = "embedded"
    index_path: str = "../var/index.sqlite"
    elasticsearch: ElasticsearchSettings | None = None
    opensearch: OpenSearchSettings | None = None
    raw_retention_days: int = Field(30, ge=1)


def _resolve_db_url(url: str, base: Path) -> str:
    u = make_url(url)
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:" \
            and not Path(u.database).is_absolute():
        u = u.set(database=str((base / u.database).resolve()))
    return u.render_as_string(hide_password=False)


def _resolve_path(p: str, base: Path) -> str:
    return str((base / p).resolve()) if not Path(p).is_absolute() else p


def load_storage_settings(config_dir: Path) -> StorageSettings:
    """Section `storage` of config_dir/watch.yaml (missing file or section: defaults), with
    relative SQLite paths resolved against the config directory."""
    config_dir = Path(config_dir)
    path = config_dir / "watch.yaml"
    s = load_yaml(path, StorageSettings, section="storage", required=False)
    for backend in ("elasticsearch", "opensearch"):
        if s.search_backend == backend and getattr(s, backend) is None:
            raise ConfigError(path, None, f"storage.{backend}: required when search_backend is {backend}")
    try:
        db = _resolve_db_url(s.database_url, config_dir)
    except Exception as e:  # sqlalchemy.exc.ArgumentError: not a URL at all
        raise ConfigError(path, None, f"storage.database_url: {e}") from None
    engines = {}
    for backend in ("elasticsearch", "opensearch"):
        e = getattr(s, backend)
        if e is not None and e.ca_certs:
            e = e.model_copy(update={"ca_certs": _resolve_path(e.ca_certs, config_dir)})
        engines[backend] = e
    return s.model_copy(update={"database_url": db, "index_path": _resolve_path(s.index_path, config_dir),
                                **engines})
