"""Where a crawl may send requests: the crawler must never become a proxy into the office network.

A page is hostile; its links (and its redirects) may point at `http://localhost:8080/admin?...`,
a router, a cloud metadata endpoint. Rules, checked for every request including redirects and
robots.txt fetches:
1. the host is one of the source's own (`urls`, a Tieba `base_url`) or listed in `allowed_hosts`;
2. after DNS resolution the address is public, unless the source itself is configured on that
   host and port (the demo sites and tests run on 127.0.0.1) or the operator listed the host.
Resolution goes through the reactor's resolver, whose cache the connection then uses, so a name
that re-binds to 127.0.0.1 between the check and the connect is not a way around rule 2.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from crawlers.sources import Source

_DEFAULT_PORTS = {"http": 80, "https": 443}


class BlockedRequest(IgnoreRequest):
    """A request the address policy refused; `reason` is its crawl reason key."""

    def __init__(self, reason: str, url: str):
        super().__init__(f"{reason}: {url}")
        self.reason = reason


def _netloc(url: str) -> tuple[str, int] | None:
    parts = urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    try:
        port = parts.port or _DEFAULT_PORTS[parts.scheme]
    except ValueError:  # a port out of range
        return None
    return parts.hostname.lower().rstrip("."), port


def is_public(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


@dataclass(frozen=True)
class AddressPolicy:
    own: frozenset[str]  # hosts of the source's URLs
    listed: frozenset[str]  # allowed_hosts entries without a port: any port, private allowed
    domains: tuple[str, ...]  # allowed_hosts ".example.com": the domain and subdomains, public only
    pinned: frozenset[tuple[str, int]]  # (host, port) that may be private: configured there

    @classmethod
    def for_source(cls, source: Source) -> "AddressPolicy":
        own, listed, domains, pinned = set(), set(), [], set()
        for url in [*source.start_urls(), *([source.base_url] if source.kind == "tieba" else [])]:
            loc = _netloc(url)
            if loc:
                own.add(loc[0])
                pinned.add(loc)
        for entry in source.allowed_hosts:
            entry = entry.strip().lower().rstrip(".")
            host, sep, port = entry.rpartition(":")
            if entry.startswith(("*.", ".")):
                domains.append("." + entry.lstrip("*."))
            elif sep and port.isdigit() and "]" not in port:
                own.add(host.strip("[]"))
                pinned.add((host.strip("[]"), int(port)))
            else:
                listed.add(entry.strip("[]"))
        return cls(frozenset(own), frozenset(listed), tuple(domains), frozenset(pinned))

    def _listed(self, host: str) -> bool:
        return host in self.listed or any(host.endswith(d) or host == d[1:] for d in self.domains)

    def check_url(self, url: str) -> str | None:
        """The reason key when `url` must not be fetched by its host alone, else None."""
        loc = _netloc(url)
        if loc is None:
            return "blocked:scheme"
        if loc[0] in self.own or self._listed(loc[0]):
            return None
        return "blocked:offsite"

    def check_address(self, url: str, address: str) -> str | None:
        """The reason key when `url`, resolved to `address`, must not be fetched, else None."""
        if is_public(address):
            return None
        loc = _netloc(url)
        if loc is None:
            return "blocked:scheme"
        if loc in self.pinned or loc[0] in self.listed:  # a wildcard domain never vouches for private
            return None
        return "blocked:private_address"


class AddressGuardMiddleware:
    """Downloader middleware enforcing the spider's `address_policy` on every request."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request, spider=None):
        policy: AddressPolicy | None = getattr(self.crawler.spider, "address_policy", None)
        if policy is None:
            return None
        why = policy.check_url(request.url)
        if why:
            raise BlockedRequest(why, request.url)
        host = urlsplit(request.url).hostname or ""
        address = await _resolve(host)
        why = address is not None and policy.check_address(request.url, address)
        if why:
            raise BlockedRequest(why, request.url)
        return None


async def _resolve(host: str) -> str | None:
    """The address the download will connect to (the reactor's cached resolver); None when the
    name does not resolve (the download then fails with its own DNS error)."""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host.strip("[]")
    except ValueError:
        pass
    from twisted.internet import reactor
    from scrapy.utils.defer import maybe_deferred_to_future

    try:
        return await maybe_deferred_to_future(reactor.resolve(host))
    except Exception:  # noqa: BLE001 - any resolver failure: the download reports it
        return None
