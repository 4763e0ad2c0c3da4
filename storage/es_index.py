"""The Elasticsearch 8 search index (official `elasticsearch` client). The DSL, the layout and the
bulk retry loop are shared with the OpenSearch backend (search_dsl.py); this module adds the
client, ILM (a policy deletes each monthly index `retention_days` after its creation) and the
mapping of the client's errors to IndexUnavailable. Same contract as EmbeddedIndex (search.py)."""
from __future__ import annotations

import os
from datetime import datetime

from elasticsearch import ApiError, Elasticsearch, NotFoundError, SerializationError, TransportError

from .config import ElasticsearchSettings
from .models import TZ
from .search_dsl import DslIndex, package_json


def make_client(s: ElasticsearchSettings) -> Elasticsearch:
    """A client from settings; credentials come from the environment variables they name."""
    kw: dict = {"request_timeout": s.request_timeout, "max_retries": 2, "retry_on_timeout": True}
    if s.url.startswith("https:"):
        kw["verify_certs"] = s.verify_certs
        if s.ca_certs:
            kw["ca_certs"] = s.ca_certs
    if os.environ.get(s.api_key_env):
        kw["api_key"] = os.environ[s.api_key_env]
    elif os.environ.get(s.username_env):
        kw["basic_auth"] = (os.environ[s.username_env], os.environ.get(s.password_env, ""))
    return Elasticsearch(s.url, **kw)


class ElasticsearchIndex(DslIndex):
    engine = "Elasticsearch"

    make_client = staticmethod(make_client)

    # -- setup (`yqwatch init-index`) -------------------------------------------------------------
    def ilm_policy(self) -> dict:
        return package_json("es_ilm_policy.json", DAYS=str(self.retention_days))

    def ensure(self) -> None:
        """Install the ILM policy and the index template, and make sure the alias exists (by
        creating the current month's index) so searches work before the first document."""
        try:
            self.client.ilm.put_lifecycle(name=self.policy, body=self.ilm_policy())
            self.client.indices.put_index_template(name=self.alias, body=self.template())
            if not self.client.indices.exists_alias(name=self.alias):
                try:
                    self.client.indices.create(index=self.index_name(datetime.now(TZ)))
                except ApiError as e:  # another process created it first
                    if e.error != "resource_already_exists_exception":
                        raise
        except (TransportError, ApiError, SerializationError) as e:
            raise self.unavailable(e) from e

    def drop_all(self) -> None:
        """Remove this prefix's indices, template and policy (tests, decommissioning)."""
        try:
            self.client.options(ignore_status=404).indices.delete(index=f"{self.prefix}-docs-*")
            self.client.options(ignore_status=404).indices.delete_index_template(name=self.alias)
            self.client.options(ignore_status=404).ilm.delete_lifecycle(name=self.policy)
        except (TransportError, ApiError, SerializationError) as e:
            raise self.unavailable(e) from e

    def close(self) -> None:
        self.client.close()

    # -- client calls -----------------------------------------------------------------------------
    def _bulk(self, operations: list[dict]) -> dict:
        try:
            return self.client.bulk(operations=operations, refresh=self._refresh)
        except (TransportError, SerializationError) as e:  # connection refused, timeout, not JSON
            raise self.unavailable(e) from e
        except ApiError as e:  # the whole request refused (429, 5xx, auth)
            raise self.unavailable(f"{e.meta.status} {e.error}") from e

    def _read(self, fn, **kw):
        try:
            return fn(index=self.alias, **kw)
        except NotFoundError:
            return None
        except (TransportError, ApiError, SerializationError) as e:
            raise self.unavailable(e) from e

    def _search(self, body: dict) -> dict | None:
        return self._read(self.client.search, body=body)

    def _count(self, qry: dict) -> int | None:
        resp = self._read(self.client.count, query=qry)
        return resp["count"] if resp is not None else None

    def _delete_ids(self, ids: list[str]) -> None:
        try:
            self.client.options(ignore_status=404).delete_by_query(
                index=self.alias, query={"ids": {"values": ids}}, conflicts="proceed",
                refresh=bool(self._refresh))
        except (TransportError, ApiError, SerializationError) as e:
            raise self.unavailable(e) from e
