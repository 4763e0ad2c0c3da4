"""`yqwatch source test ID`: fetch a source's first list page (and its first thread) once, with the
source's own User-Agent and cookies, and print what the parser extracts — the check an operator
runs after adding a site to sources.yaml. Nothing is stored."""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path

import httpx

from pipeline.config import TZ, ConfigError



def fetch(client: httpx.Client, url: str, limit: int, policy=None) -> tuple[bytes, str | None]:
    """GET `url`, following up to 5 redirects itself so each hop passes the address policy
    (crawlers.ssrf) before anything is sent."""
    for _ in range(6):
        if policy is not None:
            check_address(policy, url)
        with client.stream("GET", url) as r:
            if r.is_redirect and "location" in r.headers:
                url = str(r.url.join(r.headers["location"]))
                continue
            r.raise_for_status()
            body = bytearray()
            for chunk in r.iter_bytes():
                body.extend(chunk)
                if len(body) > limit:
                    raise ValueError(f"page larger than {limit} bytes")
            return bytes(body), r.headers.get("content-type")
    raise ValueError("too many redirects")


def check_address(policy, url: str) -> None:
    """Raise BlockedRequest unless `url`'s host, and every address it resolves to, may be fetched."""
    import socket
    from urllib.parse import urlsplit

    from crawlers.ssrf import BlockedRequest

    why = policy.check_url(url)
    if why:
        raise BlockedRequest(why, url)
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   proto=socket.IPPROTO_TCP)
    except OSError:
        return  # the fetch reports the DNS failure itself
    for *_, sockaddr in infos:
        why = policy.check_address(url, sockaddr[0])
        if why:
            raise BlockedRequest(why, url)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="yqwatch source test")
    ap.add_argument("source_id")
    ap.add_argument("--config", default=os.environ.get("YQ_CONFIG", "config"))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    from crawlers.kinds import site_kind
    from crawlers.settings import login_cookie, scrapy_settings
    from crawlers.sources import load_sources

    try:
        cfg = load_sources(Path(args.config))
        source = cfg.get(args.source_id)
    except ConfigError as e:
        print(f"配置错误: {e}", file=sys.stderr)
        return 2
    except KeyError:
        print(f"未知的信息源: {args.source_id}", file=sys.stderr)
        return 2
    crawling = cfg.crawling_for(source)
    from crawlers.ssrf import AddressPolicy, BlockedRequest

    policy = AddressPolicy.for_source(source)
    headers = scrapy_settings(source, crawling)["DEFAULT_REQUEST_HEADERS"] | {"User-Agent": crawling.user_agent}
    if cookie := login_cookie(source):
        headers["Cookie"] = cookie
    now = datetime.now(TZ)

    parse_body = site_kind(source).parser_for(source)

    def parse(url: str, body: bytes, ctype: str | None):
        if source.encoding:
            ctype = f"text/html; charset={source.encoding}"
        return parse_body(body, url, content_type=ctype, now=now)

    out = []
    try:
        with httpx.Client(headers=headers, timeout=crawling.timeout, follow_redirects=False) as client:
            url = source.start_urls()[0]
            page = parse(url, *fetch(client, url, crawling.max_page_bytes, policy))
            out.append({"url": url, **page.to_json()})
            if page.page_type == "list" and page.items:
                first = page.items[0].url
                out.append({"url": first, **parse(first, *fetch(client, first, crawling.max_page_bytes,
                                                                policy)).to_json()})
    except BlockedRequest as e:
        print(f"已拒绝访问 {e}（不是该信息源的主机，也不在 allowed_hosts 中，或指向内网地址）", file=sys.stderr)
        return 1
    except Exception as e:  # report what failed, in one line, for the operator
        print(f"抓取或解析失败: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    for page in out:
        print(f"== {page['url']}  ({page['page_type']}) 标题: {page['title']}")
        for it in page["items"][:10]:
            print(f"  - {it['title']} | {it['author']} | 回复 {it['replies']} | {it['published_at']} | {it['url']}")
        for p in page["posts"][:5]:
            print(f"  #{p['floor']} {p['author']} {p['published_at']}: {(p['text'] or '')[:60]}")
        print(f"  共 {len(page['items'])} 条目, {len(page['posts'])} 帖; 下一页: {page['next_page']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
