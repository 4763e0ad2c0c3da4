"""decode_body: HTTP charset, then meta/XML declaration (verified), then detection."""
from __future__ import annotations

import bz2
import codecs
import random
import re
from pathlib import Path

import pytest

from crawlers.encoding import (DecodeError, decode, decode_body, declared_encodings, normalize_encoding,
                               replaced_bytes)

TEXT = "青溪市东湖区化工厂夜间偷排污水，附近居民投诉异味严重，希望有关部门尽快处理。"


def page(meta: str, body: str = TEXT) -> str:
    return f'<html><head><meta charset="{meta}"><title>t</title></head><body><p>{body}</p></body></html>'


@pytest.mark.parametrize("raw,content_type,expected_encoding", [
    (page("utf-8").encode("utf-8"), None, "utf-8"),
    (codecs.BOM_UTF8 + page("utf-8").encode("utf-8"), None, "utf-8-sig"),
    (codecs.BOM_UTF8 + page("gbk").encode("utf-8"), None, "utf-8-sig"),          # BOM beats a lying meta
    (page("gbk").encode("gbk"), None, "gb18030"),
    (page("gb2312").encode("gb18030"), None, "gb18030"),
    (page("gbk").encode("utf-8"), None, "utf-8"),                                  # meta lies: bytes are UTF-8
    (page("utf-8").encode("gbk"), None, "gb18030"),                                # meta lies: bytes are GBK
    (page("utf-8").encode("gbk"), "text/html; charset=GBK", "gb18030"),            # HTTP header first
    (page("gbk").encode("utf-8"), "text/html; charset=gb2312", "utf-8"),           # header lies as well
    (page("big5", "中文測試，繁體內容。").encode("big5"), None, "big5hkscs"),
    (page("x").encode("utf-16"), None, "utf-16"),
])
def test_decodes_without_mojibake(raw, content_type, expected_encoding):
    text, encoding = decode_body(raw, content_type)
    assert encoding == expected_encoding
    assert ("中文測試" in text) or (TEXT in text)
    assert "\ufffd" not in text


def test_big5_made_from_python():
    text, encoding = decode_body('<meta charset="big5">'.encode() + "中文".encode("big5"))
    assert text.endswith("中文") and encoding == "big5hkscs"


def test_undeclared_gbk_is_detected():
    text, encoding = decode_body(("<html><body>" + TEXT * 3 + "</body></html>").encode("gbk"))
    assert TEXT in text and encoding == "gb18030"


def test_xml_declaration_counts_as_declaration():
    raw = f'<?xml version="1.0" encoding="gb2312"?><rss><title>{TEXT}</title></rss>'.encode("gb2312")
    assert declared_encodings(raw) == ["gb18030"]
    assert TEXT in decode_body(raw)[0]


def test_truncated_multibyte_tail_is_tolerated():
    raw = page("utf-8").encode("utf-8") + "中".encode("utf-8")[:2]   # body cut mid-character by a size cap
    text, encoding = decode_body(raw)
    assert encoding == "utf-8" and TEXT in text


def test_empty_body():
    assert decode_body(b"") == ("", "utf-8")


@pytest.mark.parametrize("raw", [
    random.Random(7).randbytes(20000),
    b"\x00\x01\x02\x03" * 5000,
    b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40,
])
def test_binary_bodies_raise_decode_error(raw):
    with pytest.raises(DecodeError):
        decode_body(raw)


@pytest.mark.parametrize("name", [
    "discuz/discuz7_list_2017_hipda_gbkmeta_utf8bytes.html",
    "news/news_article_2019_163_dy_gbmeta_utf8bytes.html",
    "news/news_article_2019_people_gbmeta_utf8bytes.html",
    "news/news_list_2020_163_rolling_gbmeta_utf8bytes.html",
])
def test_real_pages_with_lying_meta(real_fixtures, name):
    raw = (real_fixtures / name).read_bytes()
    assert any(e == "gb18030" for e in declared_encodings(raw))
    assert decode_body(raw)[1] == "utf-8"


@pytest.mark.parametrize("name", [
    "discuz/discuz_thread_2015_1point3acres_gbk_p1.html",
    "news/news_article_2009_sina_gb2312.html",
    "feeds/feed_rss2_2005_w3cn_gb2312.xml",
])
def test_real_gbk_pages(real_fixtures, name):
    text, encoding = decode_body((real_fixtures / name).read_bytes())
    assert encoding == "gb18030" and "\ufffd" not in text


# -- hostile bytes and declarations (issue 10) -------------------------------------------------

GBK_THREAD = "discuz/discuz_thread_2015_1point3acres_gbk_p1.html"


@pytest.mark.parametrize("damage", ["middle", "tail", "both"])
def test_stray_bytes_in_a_gbk_page_are_replaced_and_counted(real_fixtures, damage):
    raw = (real_fixtures / GBK_THREAD).read_bytes()
    good, _ = decode_body(raw)
    mid = raw.index("根据原来学长".encode("gbk"))
    if damage in ("middle", "both"):
        raw = raw[:mid] + b"\xff" + raw[mid:]
    if damage in ("tail", "both"):
        raw += b"\xff\xff"
    d = decode(raw)
    assert d.encoding == "gb18030" and 1 <= d.replaced <= 3
    assert "根据原来学长" in d.text and d.text.replace("\ufffd", "")[:5000] == good[:5000]
    assert replaced_bytes(raw, d.encoding) == d.replaced


def test_stray_byte_in_undeclared_gbk_and_in_utf8(real_fixtures):
    body = ("<html><body>" + TEXT * 40 + "</body></html>").encode("gbk")
    d = decode(body[:300] + b"\xff" + body[300:])
    assert d.encoding == "gb18030" and d.replaced == 1 and TEXT in d.text
    raw = (real_fixtures / "news/news_article_2019_sina.html").read_bytes()
    d = decode(raw[:40000] + b"\xff" + raw[40000:], "text/html; charset=utf-8")
    assert d.encoding == "utf-8" and d.replaced == 1


def test_many_bad_bytes_are_still_binary(real_fixtures):
    raw = bytearray((real_fixtures / GBK_THREAD).read_bytes())
    raw[::50] = b"\xff" * len(raw[::50])  # 2% of the bytes: not "a few"
    with pytest.raises(DecodeError):
        decode(bytes(raw))


@pytest.mark.parametrize("label", ["bz2", "zlib", "base64", "rot13", "rot_13", "hex", "uu", "quopri",
                                   "zlib_codec", "unicode_escape", "utf-7", "punycode", "idna", "undefined"])
def test_codecs_that_are_no_page_encoding_are_refused(real_fixtures, label):
    assert normalize_encoding(label) is None
    raw = (real_fixtures / "news/news_article_2019_sina.html").read_bytes()
    hostile = re.sub(rb'charset="?[\w-]+"?', f'charset="{label}"'.encode(), raw, count=1)
    assert hostile != raw
    assert declared_encodings(hostile, f"text/html; charset={label}") == []
    text, encoding = decode_body(hostile, f"text/html; charset={label}")
    assert encoding == "utf-8" and "新浪" in text


def test_a_declared_bz2_bomb_is_not_inflated():
    bomb = b'<html><head><meta charset="bz2"></head><body>' + bz2.compress(b"A" * 50_000_000) + b"</body></html>"
    assert len(bomb) < 1000
    try:
        text, _ = decode_body(bomb, "text/html; charset=bz2")
    except DecodeError:
        return
    assert len(text) <= len(bomb)


def test_sources_yaml_refuses_a_non_text_encoding(tmp_path):
    from crawlers.sources import load_sources
    from pipeline.config import ConfigError

    (tmp_path / "sources.yaml").write_text(
        "sources:\n  - id: a\n    name: A\n    kind: news\n    urls: [http://127.0.0.1/]\n    encoding: bz2\n",
        encoding="utf-8")
    with pytest.raises(ConfigError, match="sources.yaml:.*encoding"):
        load_sources(tmp_path)


def test_a_gbk_page_declaring_no_charset_is_read_as_chinese_not_as_a_single_byte_codec():
    # A real 网易汽车 page saved with no <meta charset> (only <script charset="gb2312">): the
    # detector's single-byte guess decodes every byte too, but gives no Chinese at all.
    page = Path(__file__).parent / "fixtures" / "heldout" / "pages" / "news_b6_rcy_163auto_passat_nocharset.html"
    d = decode(page.read_bytes())
    assert d.encoding in ("gb18030", "gbk", "gb2312")
    assert "上汽大众全新帕萨特官图发布" in d.text
