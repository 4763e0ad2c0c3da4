"""A generic source: a site added in sources.yaml with CSS/XPath selectors and no code, crawled in
full by the real spider (list → message pages → stored, incremental on re-crawl)."""
from __future__ import annotations

from html import escape

from test_crawl_support import Site, crawl, open_store, send, write_config

MESSAGES = {
    1: ("东湖区小区停水三天没人管", [("张三", "2024-05-01 10:00", "青溪市东湖区幸福小区停水三天了"),
                              ("物业", "2024-05-01 12:30", "正在抢修 预计明天恢复")]),
    2: ("建议临江县增加公交班次", [("李四", "2024-05-02 09:15", "临江县到青溪市区的公交太少")]),
}

GENERIC = """\
defaults:
  download_delay: 0
  autothrottle: false
sources:
  - id: gov
    name: 青溪市民留言板
    kind: generic
    urls: [{base}/gov/list.html]
    selectors:
      list_item: "ul.msgs > li"
      item_title: "a.t"
      item_url: "a.t"
      item_time: "span.time::text"
      item_replies: "span.n"
      title: "h2.subject"
      post: "//div[@class='reply']"
      post_author: "span.who"
      post_time: "span.when"
      post_text: "div.body"
"""


def gov_site(site: Site, messages: dict) -> None:
    def listing(h):
        rows = "".join(
            f'<li><a class="t" href="msg-{mid}.html?from=list">{escape(title)}</a>'
            f'<span class="time">{replies[0][1]}</span><span class="n">{len(replies) - 1}</span></li>'
            for mid, (title, replies) in messages.items())
        send(h, 200, f"<html><body><ul class='msgs'>{rows}</ul></body></html>".encode())

    def message(mid):
        def serve(h):
            title, replies = messages[mid]
            body = "".join(f'<div class="reply"><span class="who">{escape(a)}</span><span class="when">{t}</span>'
                           f'<div class="body">{escape(x)}</div></div>' for a, t, x in replies)
            send(h, 200, f"<html><body><h2 class='subject'>{escape(title)}</h2>{body}</body></html>".encode())
        return serve

    site.routes["/gov/list.html"] = listing
    for mid in messages:
        site.routes[f"/gov/msg-{mid}.html"] = message(mid)


def test_generic_source_full_crawl(tmp_path):
    messages = {k: (t, list(r)) for k, (t, r) in MESSAGES.items()}
    with Site() as site:
        gov_site(site, messages)
        cfg = write_config(tmp_path, GENERIC.format(base=site.url))
        first = crawl(cfg, "gov")
        assert first["status"] == "ok" and first["items"] == first["new"] == 3, first

        store = open_store(cfg)
        try:
            docs = sorted(store.iter_documents(), key=lambda d: (d.thread_url, d.floor or 0))
        finally:
            store.engine.dispose()
        got = [(d.thread_url.rsplit("/", 1)[-1], d.floor, d.title, d.author, d.text) for d in docs]
        assert got == [
            ("msg-1.html", 1, "东湖区小区停水三天没人管", "张三", "青溪市东湖区幸福小区停水三天了"),
            ("msg-1.html", 2, "东湖区小区停水三天没人管", "物业", "正在抢修 预计明天恢复"),
            ("msg-2.html", None, "建议临江县增加公交班次", "李四", "临江县到青溪市区的公交太少"),  # one post: an article
        ]
        assert docs[0].published_at.isoformat() == "2024-05-01T10:00:00+08:00"

        messages[1][1].append(("张三", "2024-05-03 08:00", "今天终于来水了"))
        site.clear()
        again = crawl(cfg, "gov")
        assert again["items"] == again["new"] == 1  # only the new reply
        assert site.paths() == ["/gov/list.html", "/gov/msg-1.html"]
