"""Chinese text for the reason keys a crawl records (CrawlRun.reasons; keys in crawlers/reasons.py),
so duty staff read 「线程页已删除」 where engineers grep `thread_gone`. The key stays beside the text."""
from __future__ import annotations

_EXACT = {
    "timeout": "请求超时", "too_large": "页面过大", "truncated": "下载不完整", "truncated_html": "页面不完整",
    "connection_refused": "连接被拒绝", "connection_lost": "连接中断", "dns": "域名解析失败",
    "redirect_loop": "重定向循环", "robots": "robots.txt 禁止", "binary": "非网页内容",
    "duplicate_page": "重复页面", "ignored": "请求被忽略", "page_budget_exhausted": "页数达到本轮上限",
    "list_page_limit": "列表页数达到上限", "thread_page_limit": "帖子页数达到上限",
    "thread_without_posts": "帖子页无楼层", "list_empty": "列表页无内容",
    "stale_thread_page": "旧页码失效，已从第一页重读", "thread_gone": "帖子已删除",
    "crawl_deadline": "抓取超时自行结束", "killed": "抓取进程中止", "decode:replaced_bytes": "个别字节无法解码",
    "blocked:offsite": "站外链接已拦截", "blocked:private_address": "内网地址已拦截",
    "blocked:scheme": "非 HTTP 链接已拦截", "parse_bound:bytes": "页面超长已截断",
    "parse_bound:attributes": "标签属性过多已剔除",
}
_PREFIX = {"http_": "HTTP 状态", "parse:": "解析失败", "bad_field:": "字段异常已丢弃",
           "storage_rejected:": "入库被拒", "crawl_record:": "抓取记录写入失败"}


def reason_label(key: str) -> str:
    """`thread_gone` → 「帖子已删除 (thread_gone)」; an unknown key is shown as it is."""
    text = _EXACT.get(key) or next((t for p, t in _PREFIX.items() if key.startswith(p)), None)
    return f"{text} ({key})" if text else key


def reasons_line(reasons: dict[str, int]) -> str:
    """A crawl's reasons, most frequent first, for one log or alert line."""
    return "，".join(f"{reason_label(k)}×{n}" for k, n in sorted(reasons.items(), key=lambda kv: -kv[1]))
