"""The live OpenSearch node for the search tests (not a test module).

`scripts/ci_opensearch.sh` resolves OpenSearch 2.19 from Maven Central, starts one node and prints
YQ_OS_URL. Without it the live tests skip with one line; with YQ_REQUIRE_OPENSEARCH=1 (CI) they
fail instead, so a broken node cannot pass silently."""
from __future__ import annotations

import json
import os
import urllib.request
import uuid

import pytest

REQUIRED = os.environ.get("YQ_REQUIRE_OPENSEARCH") == "1"


def unavailable(reason: str):
    if REQUIRED:
        pytest.fail(f"YQ_REQUIRE_OPENSEARCH=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def opensearch_url() -> str:
    """YQ_OS_URL of a reachable node (skips or fails with the reason otherwise)."""
    url = os.environ.get("YQ_OS_URL")
    if not url:
        unavailable("live OpenSearch run needs YQ_OS_URL: eval \"$(bash scripts/ci_opensearch.sh)\" "
                    "(Java 17 + Maven)")
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            info = json.load(r)
    except OSError as e:
        unavailable(f"OpenSearch at YQ_OS_URL={url} not reachable: {e}")
    if info.get("version", {}).get("distribution") != "opensearch":
        unavailable(f"YQ_OS_URL={url} is not an OpenSearch node")
    return url


def live_index(url: str | None = None, **kw):
    """An OpenSearchIndex with its own random prefix, reading its writes (refresh=wait_for)."""
    from storage.config import OpenSearchSettings
    from storage.opensearch_index import OpenSearchIndex

    return OpenSearchIndex(OpenSearchSettings(url=url or opensearch_url(),
                                              index_prefix=f"yqt-{uuid.uuid4().hex[:8]}"),
                           refresh=True, **kw)
