"""The OpenSearch 2 search index (`opensearch-py` client; the Elasticsearch 8 client refuses
OpenSearch by its product check, so this is a backend of its own). It sends the same DSL and uses
the same index template as the Elasticsearch backend (search_dsl.py); retention is an ISM policy
whose `ism_template` attaches it to every new monthly index, instead of ILM. A cluster without the
Index Management plugin (a bare node) still works: the policy is skipped with a warning and old
monthly indices are then the operator's to delete. Same contract as EmbeddedIndex (search.py)."""
from __future__ import annotations

import logging
import os
from datetime import datetime

from opensearchpy import ConflictError, NotFoundError, OpenSearch, SerializationError, TransportError

from .config import OpenSearchSettings
from .models import TZ
from .search_dsl import DslIndex, package_json

log = logging.getLogger(__name__)

_ILM_SETTING = "index.lifecycle.name"  # an Elasticsearch setting: OpenSearch rejects it

# The client logs every failed attempt at WARNING with a full traceback; an outage reaches callers
# as one IndexUnavailable (the console and CLI word it in Chinese), so keep the client's log quiet
# unless the operator configured that logger.
if logging.getLogger("opensearch").level == logging.NOTSET:
    logging.getLogger("opensearch").setLevel(logging.ERROR)


def make_client(s: OpenSearchSettings) -> OpenSearch:
    """A client from settings; credentials come from the environment variables they name."""
    kw: dict = {"timeout": s.request_timeout, "max_retries": 2, "retry_on_timeout": True}
    if s.url.startswith("https:"):
        kw["verify_certs"] = s.verify_certs
        if s.ca_certs:
            kw["ca_certs"] = s.ca_certs
    if os.environ.get(s.username_env):
        kw["http_auth"] = (os.environ[s.username_env], os.environ.get(s.password_env, ""))
    return OpenSearch([s.url], **kw)


# Besides HTTP errors: an answer that is not JSON (a proxy's error page) is an outage too.
_CLIENT_ERRORS = (TransportError, SerializationError)


def _detail(e: Exception) -> str:
    return f"{e.status_code} {e.error}" if isinstance(e, TransportError) else str(e)


def _status(e: TransportError) -> int:
    return e.status_code if isinstance(e.status_code, int) else 0  # "N/A": no HTTP answer at all


class OpenSearchIndex(DslIndex):
    engine = "OpenSearch"

    make_client = staticmethod(make_client)

    # -- setup (`yqwatch init-index`) -------------------------------------------------------------
    def template(self) -> dict:
        body = super().template()
        del body["template"]["settings"][_ILM_SETTING]
        return body

    def ism_policy(self) -> dict:
        return package_json("os_ism_policy.json", DAYS=str(self.retention_days), PREFIX=self.prefix)

    def _policy_path(self) -> str:
        return f"/_plugins/_ism/policies/{self.policy}"

    def _put_policy(self) -> bool:
        """Install or update the ISM policy; False when the cluster has no ISM plugin."""
        tr = self.client.transport
        try:
            tr.perform_request("PUT", self._policy_path(), body=self.ism_policy())
        except ConflictError:  # it exists: update it in place (ISM wants the current seq_no)
            cur = tr.perform_request("GET", self._policy_path())
            tr.perform_request("PUT", self._policy_path(), body=self.ism_policy(),
                               params={"if_seq_no": cur["_seq_no"], "if_primary_term": cur["_primary_term"]})
        except TransportError as e:
            if _status(e) in (400, 404, 405) and "no handler" in str(e.error) + str(e.info):
                log.warning("OpenSearch %s 未安装 Index Management (ISM) 插件: 按月索引不会自动删除",
                            self.url)
                return False
            raise
        return True

    def ensure(self) -> None:
        """Install the ISM policy and the index template, and make sure the alias exists (by
        creating the current month's index) so searches work before the first document."""
        try:
            self._put_policy()
            self.client.indices.put_index_template(name=self.alias, body=self.template())
            if not self.client.indices.exists_alias(name=self.alias):
                try:
                    self.client.indices.create(index=self.index_name(datetime.now(TZ)))
                except TransportError as e:  # another process created it first
                    if e.error != "resource_already_exists_exception":
                        raise
        except _CLIENT_ERRORS as e:
            raise self.unavailable(_detail(e)) from e

    def drop_all(self) -> None:
        """Remove this prefix's indices, template and policy (tests, decommissioning)."""
        try:
            self.client.indices.delete(index=f"{self.prefix}-docs-*", ignore=404)
            self.client.indices.delete_index_template(name=self.alias, ignore=404)
            self.client.transport.perform_request("DELETE", self._policy_path(), params={"ignore": [400, 404]})
        except _CLIENT_ERRORS as e:
            raise self.unavailable(_detail(e)) from e

    def close(self) -> None:
        self.client.close()

    # -- client calls -----------------------------------------------------------------------------
    def _bulk(self, operations: list[dict]) -> dict:
        params = {"refresh": self._refresh} if self._refresh else {}
        try:
            return self.client.bulk(body=operations, **params)
        except _CLIENT_ERRORS as e:  # connection refused / timeout, or the whole request refused
            raise self.unavailable(_detail(e)) from e

    def _read(self, fn, body: dict) -> dict | None:
        try:
            return fn(index=self.alias, body=body)
        except NotFoundError:
            return None
        except _CLIENT_ERRORS as e:
            raise self.unavailable(_detail(e)) from e

    def _search(self, body: dict) -> dict | None:
        return self._read(self.client.search, body)

    def _count(self, qry: dict) -> int | None:
        resp = self._read(self.client.count, {"query": qry})
        return resp["count"] if resp is not None else None

    def _delete_ids(self, ids: list[str]) -> None:
        try:
            self.client.delete_by_query(index=self.alias, body={"query": {"ids": {"values": ids}}},
                                        conflicts="proceed", refresh=bool(self._refresh), ignore=404)
        except _CLIENT_ERRORS as e:
            raise self.unavailable(_detail(e)) from e
