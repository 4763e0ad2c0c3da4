"""Why a page gave nothing: stable reason keys for CrawlRun.reasons (source health, `yqwatch sources`).

Keys: http_<status>, timeout, too_large, truncated, connection_refused, connection_lost, dns,
redirect_loop, robots, binary, truncated_html, duplicate_page, plus the spider's own bound and
parse keys (page_budget_exhausted, thread_page_limit, thread_without_posts, parse:..., ...).

Hostile input (none of these is a fetch error; the rest of the crawl goes on):
- bad_field:<field>:<type>    a post/item dropped: a field that is not text (crawlers.parsers.clean)
- parse_bound:bytes           a page cut to MAX_PARSE_BYTES before parsing (crawlers.parsers.bounds)
- parse_bound:attributes      a page whose tags with too many attributes lost them
- decode:replaced_bytes       one per undecodable byte replaced with U+FFFD (crawlers.encoding)
- blocked:offsite             a link or redirect to a host not the source's nor in allowed_hosts
- blocked:private_address     a request resolving to a loopback/private/link-local address the
                              source is not configured on (crawlers.ssrf); blocked:scheme likewise
- stale_thread_page           a known thread's stored page answered 404/410: re-read from page 1
- thread_gone                 ... and its first page too: the thread was removed
- storage_rejected:<error>    one post the database refused while its batch-mates were stored
- crawl_deadline              the crawl closed itself after max_crawl_seconds (what it got is kept)
- killed                      (a record's only reason) the crawl process died before closing
- crawl_record:<error>        the crawl's own record could not be written (also `record_error`
                              in the `python -m crawlers.run` summary, and a line on stderr)"""
from __future__ import annotations

import re

from twisted.internet import defer, error
from twisted.python.failure import Failure

_SNIFF = 4096
_HTML_END = re.compile(rb"</html\s*>", re.I)
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])  # C0 controls but \t \n \v \f \r
_BINARY_TYPES = ("image/", "audio/", "video/", "font/", "application/octet-stream", "application/zip",
                 "application/pdf", "application/x-gzip", "application/gzip")


def _scrapy_exceptions() -> dict[str, str]:
    """Scrapy ≥ 2.19 wraps download failures in its own types; older versions raise Twisted's."""
    import scrapy.exceptions as se

    names = {"DownloadTimeoutError": "timeout", "DownloadCancelledError": "too_large",
             "ResponseDataLossError": "truncated", "DownloadConnectionRefusedError": "connection_refused",
             "CannotResolveHostError": "dns"}
    return {name: reason for name, reason in names.items() if hasattr(se, name)}


_BY_NAME = _scrapy_exceptions() | {
    "TimeoutError": "timeout", "TCPTimedOutError": "timeout", "ConnectionRefusedError": "connection_refused",
    "DNSLookupError": "dns", "ConnectionLost": "connection_lost", "ConnectionDone": "connection_lost",
    "ResponseNeverReceived": "connection_lost",
}


def failure_reason(failure: Failure) -> str:
    """The reason key of a request's errback failure."""
    exc = failure.value
    msg = str(exc).lower()
    if failure.check(defer.CancelledError) or "max size" in msg:
        return "too_large"  # the only cancellation we cause is DOWNLOAD_MAXSIZE
    if type(exc).__name__ == "IgnoreRequest":
        if "robots" in msg:
            return "robots"
        if "redirect" in msg:
            return "redirect_loop"
        return "ignored"
    if type(exc).__name__ == "ResponseFailed" and any("DataLoss" in type(r.value).__name__
                                                      for r in getattr(exc, "reasons", [])):
        return "truncated"
    for cls in type(exc).__mro__:
        if cls.__name__ in _BY_NAME:
            return _BY_NAME[cls.__name__]
    if failure.check(error.ConnectError):
        return "connection_refused"
    return type(exc).__name__


def is_binary(body: bytes, content_type: str | None) -> bool:
    """A body no HTML or feed parser should see: images, archives, random bytes served as HTML."""
    ctype = (content_type or "").lower()
    if ctype.startswith(_BINARY_TYPES):
        return True
    head = body[:_SNIFF]
    if b"\x00" in head:
        return True
    control = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return control > len(head) // 20


def is_truncated_html(body: bytes) -> bool:
    """An HTML page that stops before `</html>` (cut off upstream although HTTP said complete)."""
    return not _HTML_END.search(body, max(0, len(body) - 65536)) and not _HTML_END.search(body)
