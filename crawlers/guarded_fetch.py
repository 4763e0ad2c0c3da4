"""One page fetched the way a crawled link must be: every redirect hop checked against the source's
address policy (crawled links are hostile and may point at the office's own network), and the body
cut off at `max_bytes` so a 10 MB page costs no more than the limit. Used by first-sight capture and
by the thread recheck; the spiders fetch through Scrapy and its middlewares instead."""
from __future__ import annotations

from dataclasses import dataclass

import httpx

_MAX_HOPS = 6


@dataclass(frozen=True, slots=True)
class Page:
    url: str
    status: int | None
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    error: str | None = None

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


def fetch_page(client: httpx.Client, url: str, policy, max_bytes: int) -> Page:
    # imported here: they bring Scrapy, which the callers' command-line start does not need
    from crawlers.source_test import check_address
    from crawlers.ssrf import BlockedRequest

    try:
        for _ in range(_MAX_HOPS):  # redirects followed here so each hop passes the address policy
            check_address(policy, url)
            with client.stream("GET", url) as r:
                if r.is_redirect and "location" in r.headers:
                    url = str(r.url.join(r.headers["location"]))
                    continue
                body = bytearray()
                for chunk in r.iter_bytes():
                    body.extend(chunk)
                    if len(body) > max_bytes:
                        return Page(url, r.status_code, tuple(r.headers.multi_items()), error="页面过大")
                return Page(url, r.status_code, tuple(r.headers.multi_items()), bytes(body))
        return Page(url, None, error="重定向过多")
    except BlockedRequest as e:
        return Page(url, None, error=f"地址不允许抓取 ({e})")
    except httpx.HTTPError as e:
        return Page(url, None, error=f"抓取失败 ({type(e).__name__})")
