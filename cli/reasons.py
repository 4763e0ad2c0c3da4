"""One log/console line for an exception: its Chinese reason for duty staff, then the class name
(the code an engineer greps for) and the first line of its message."""
from __future__ import annotations


def reason_text(e: BaseException) -> str:
    """An exception as one log/console line: its Chinese reason where one is known, then the
    class name (the code an engineer greps for) and the first line of its message."""
    from storage.search import IndexUnavailable

    label = {IndexUnavailable: "搜索索引不可用", ConnectionError: "连接失败", TimeoutError: "超时",
             PermissionError: "无权限", OSError: "系统错误"}
    zh = next((v for k, v in label.items() if isinstance(e, k)), None)
    if zh is None and type(e).__module__.startswith("sqlalchemy"):
        zh = "数据库不可用"
    first = (str(e).strip().splitlines() or [""])[0][:300]
    return f"{zh or '出错'} ({type(e).__name__}: {first})"
