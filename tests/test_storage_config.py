"""storage.config: defaults, path resolution against the config dir, one-line errors."""
from __future__ import annotations

import pytest

from pipeline.config import ConfigError
from storage.config import load_storage_settings
from storage.factory import open_index, open_store


def test_defaults_resolve_relative_to_config_dir(tmp_path):
    cfg = tmp_path / "config"
    cfg.mkdir()
    s = load_storage_settings(cfg)
    assert s.database_url == f"sqlite:///{tmp_path / 'var' / 'yqwatch.db'}"
    assert s.index_path == str(tmp_path / "var" / "index.sqlite")
    assert s.search_backend == "embedded" and s.raw_retention_days == 30


def test_section_values_and_es_settings(tmp_path, monkeypatch):
    (tmp_path / "watch.yaml").write_text(
        "locality: 青溪市\nstorage:\n  database_url: postgresql+psycopg://yq@db/yq\n"
        "  search_backend: elasticsearch\n  elasticsearch:\n    url: https://es:9200\n"
        "    ca_certs: certs/ca.pem\n    retention_days: 90\n", encoding="utf-8")
    s = load_storage_settings(tmp_path)
    assert s.database_url == "postgresql+psycopg://yq@db/yq"
    assert s.elasticsearch.ca_certs == str(tmp_path / "certs" / "ca.pem")
    assert s.elasticsearch.retention_days == 90 and s.elasticsearch.index_prefix == "yqwatch"


@pytest.mark.parametrize("body, where, what", [
    ("storage:\n  databse_url: x\n", ":2", "unknown key"),
    ("storage:\n  search_backend: solr\n", ":2", "search_backend"),
    ("storage:\n  search_backend: elasticsearch\n", "", "elasticsearch: required"),
    ("storage:\n  elasticsearch:\n    url: http://x\n    index_prefix: Bad Prefix\n", ":4", "index_prefix"),
])
def test_errors_name_file_line_and_problem(tmp_path, body, where, what):
    (tmp_path / "watch.yaml").write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_storage_settings(tmp_path)
    assert str(e.value).startswith(f"{tmp_path / 'watch.yaml'}{where}: ") and what in str(e.value)


def test_factory_opens_embedded_backend(tmp_path):
    (tmp_path / "watch.yaml").write_text("storage:\n  database_url: sqlite:///data/x.db\n"
                                         "  index_path: data/ix.sqlite\n", encoding="utf-8")
    s = load_storage_settings(tmp_path)
    store, index = open_store(s), open_index(s)
    index.ensure()
    assert (tmp_path / "data" / "ix.sqlite").exists()
    assert store.engine.url.database == str(tmp_path / "data" / "x.db")
    index.close()
    store.engine.dispose()
