"""Schema of `sources.yaml`: which sites to watch and how politely (DESIGN §4)."""
from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pipeline.config import ConfigError, load_yaml, parse_duration

Kind = Literal["forum", "tieba", "news", "feed", "generic"]


class Crawling(BaseModel):
    """Politeness and bounds; defaults suit a real site, the demo config loosens them."""

    model_config = ConfigDict(extra="forbid")
    user_agent: str = "Mozilla/5.0 (compatible; yqwatch/0.1; +https://example.invalid/yqwatch)"
    obey_robots: bool = True
    concurrency_per_domain: int = Field(2, ge=1, le=8)
    download_delay: float = Field(1.0, ge=0)
    autothrottle: bool = True
    timeout: float = Field(20, gt=0)
    retries: int = Field(3, ge=0, le=10)
    max_pages: int = Field(50, ge=1)  # pages per crawl, lists and threads together
    max_list_pages: int = Field(3, ge=1)  # list pages followed per crawl
    max_thread_pages: int = Field(10, ge=1)  # pages of one thread per crawl
    max_page_bytes: int = Field(10 * 1024 * 1024, ge=10_000)
    revisit_hours: float = Field(48, ge=0)  # threads that grew within this window are revisited
    # A crawl still running after this many seconds closes itself (and records what it got) before
    # the crawl workers' crawl_timeout (watch.yaml workers:, default 900 s) would kill it without a record.
    max_crawl_seconds: float = Field(600, gt=0)


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    name: str
    kind: Kind
    urls: list[str] = []
    kw: str | None = None  # Tieba forum name (贴吧名)
    base_url: str = "https://tieba.baidu.com"  # Tieba only
    interval: float = 300.0
    enabled: bool = True
    weight: float = Field(1.0, ge=0, le=5)
    encoding: str | None = None  # force a page encoding when a site lies about it
    cookies_env: str | None = None  # env var holding a Cookie header for sites needing a login
    selectors: dict | None = None  # generic sources only (crawlers.parsers.generic.GenericSelectors)
    # Hosts besides those of `urls` the crawler may follow links to (a CDN, an old domain). A bare
    # name ("img.example.com") or a domain and its subdomains (".example.com"); "host:port" pins a
    # port. Links to any other host, and to private/loopback addresses not configured here or in
    # `urls`, are never fetched (crawlers.ssrf).
    allowed_hosts: list[str] = []
    crawling: Crawling | None = None  # per-source override of the defaults

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, v: str | None) -> str | None:
        from crawlers.encoding import normalize_encoding

        if v is not None and normalize_encoding(v) is None:
            raise ValueError(f"unknown text encoding {v!r} (e.g. gbk, gb18030, utf-8, big5)")
        return v

    @field_validator("interval", mode="before")
    @classmethod
    def _interval(cls, v: int | float | str) -> float:
        return parse_duration(v)

    @model_validator(mode="after")
    def _check(self) -> "Source":
        if self.kind == "tieba":
            if not (self.kw or self.urls):
                raise ValueError("a tieba source needs `kw` (the 贴吧 name) or `urls`")
        elif not self.urls:
            raise ValueError("needs at least one URL in `urls`")
        if self.kind == "generic" and not self.selectors:
            raise ValueError("a generic source needs `selectors`")
        if self.kind != "generic" and self.selectors:
            raise ValueError("`selectors` are only for kind: generic")
        if self.interval < 10:
            raise ValueError("interval must be at least 10 seconds")
        return self

    def start_urls(self) -> list[str]:
        if self.kind == "tieba" and self.kw and not self.urls:
            return [f"{self.base_url.rstrip('/')}/f?kw={quote(self.kw)}&ie=utf-8&pn=0"]
        return list(self.urls)

    @property
    def parser_kind(self) -> str:
        """The parser family for this source's pages."""
        return {"forum": "discuz"}.get(self.kind, self.kind)


class SourcesConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    defaults: Crawling = Crawling()
    sources: list[Source] = []

    @model_validator(mode="after")
    def _unique(self) -> "SourcesConfig":
        seen: set[str] = set()
        for s in self.sources:
            if s.id in seen:
                raise ValueError(f"duplicate source id {s.id!r}")
            seen.add(s.id)
        return self

    def get(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(source_id)

    def crawling_for(self, source: Source) -> Crawling:
        if source.crawling is None:
            return self.defaults
        merged = self.defaults.model_dump() | source.crawling.model_dump(exclude_unset=True)
        return Crawling.model_validate(merged)


def load_sources(config_dir: Path) -> SourcesConfig:
    cfg = load_yaml(Path(config_dir) / "sources.yaml", SourcesConfig)
    for s in cfg.sources:
        if s.kind == "generic":
            _check_selectors(Path(config_dir) / "sources.yaml", s)
    return cfg


def _check_selectors(path: Path, source: Source) -> None:
    from crawlers.parsers.generic import GenericSelectors  # parsers are optional until used

    try:
        GenericSelectors.model_validate(source.selectors)
    except ValueError as e:
        raise ConfigError(path, None, f"source {source.id}: bad selectors: {e}") from None
