"""`search_backend: opensearch` in watch.yaml: its section, path resolution, errors, the factory."""
from __future__ import annotations

import pytest

from pipeline.config import ConfigError
from storage.config import load_storage_settings
from storage.factory import open_index
from storage.opensearch_index import OpenSearchIndex


def test_opensearch_section_and_factory(tmp_path):
    (tmp_path / "watch.yaml").write_text(
        "storage:\n  search_backend: opensearch\n  opensearch:\n    url: https://os:9200\n"
        "    ca_certs: certs/ca.pem\n    retention_days: 180\n    index_prefix: qx\n", encoding="utf-8")
    s = load_storage_settings(tmp_path)
    assert s.opensearch.ca_certs == str(tmp_path / "certs" / "ca.pem")
    assert (s.opensearch.retention_days, s.opensearch.username_env, s.opensearch.password_env) == \
        (180, "YQ_OS_USER", "YQ_OS_PASSWORD")
    idx = open_index(s)
    try:
        assert isinstance(idx, OpenSearchIndex) and idx.alias == "qx-docs"
        assert idx.ism_policy()["policy"]["states"][0]["transitions"][0]["conditions"] == {"min_index_age": "180d"}
    finally:
        idx.close()


@pytest.mark.parametrize("body, where, what", [
    ("storage:\n  search_backend: opensearch\n", "", "opensearch: required"),
    ("storage:\n  opensearch:\n    url: http://x\n    api_key_env: K\n", ":4", "api_key_env"),  # no API keys in OpenSearch 2
])
def test_errors_name_file_line_and_problem(tmp_path, body, where, what):
    (tmp_path / "watch.yaml").write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_storage_settings(tmp_path)
    assert str(e.value).startswith(f"{tmp_path / 'watch.yaml'}{where}: ") and what in str(e.value)


def test_replicas_setting_reaches_both_templates(tmp_path):
    (tmp_path / "watch.yaml").write_text(
        "storage:\n  search_backend: opensearch\n  opensearch:\n    url: http://os:9200\n    replicas: 0\n"
        "  elasticsearch:\n    url: http://es:9200\n", encoding="utf-8")
    s = load_storage_settings(tmp_path)
    from storage.es_index import ElasticsearchIndex

    os_idx, es_idx = OpenSearchIndex(s.opensearch), ElasticsearchIndex(s.elasticsearch)
    try:
        assert os_idx.template()["template"]["settings"]["index.number_of_replicas"] == 0
        assert "index.number_of_replicas" not in es_idx.template()["template"]["settings"]  # cluster default
    finally:
        os_idx.close()
        es_idx.close()
