"""Words too common to name an event or to be a hot word.

Hand-written for forum, Tieba and local-news text: function words, pronouns, time words,
generic verbs and forum chrome (楼主, 回复, 顶), plus the pipeline's own keyword stopwords so the
two layers never disagree. Single characters are dropped by `content_word`, so only words of two
or more characters are listed. An immutable constant, not state.
"""
from __future__ import annotations

from pipeline.fingerprint import STOPWORDS as _KEYWORD_STOPWORDS

STOPWORDS: frozenset[str] = _KEYWORD_STOPWORDS | frozenset(
    """
    一个 一些 一下 一样 一直 一定 一起 一般 一点 一边 一次 不是 不要 不会 不能 不过 不了 不好
    不到 不用 不知 不知道 不少 之后 之前 之间 也是 也有 也不 了解 什么 今天 今年 今日 他们 以及
    以后 以前 以上 以下 任何 但是 作为 你们 便是 关于 其他 其实 其中 再说 出来 分享 刚刚 别人
    前天 十分 即使 去年 发现 发表 发布 只是 只有 可以 可能 各位 同时 后来 否则 呵呵 哈哈 哪里
    因为 因此 图片 地方 在于 多少 大家 大概 如何 如果 如此 它们 宁可 对于 小编 已经 并且
    并不 帖子 平时 应该 开始 当时 很多 得到 怎么 怎样 怎么办 总是 您好 我们 或者 所以 所有 才能
    或是 有人 有些 有的 有点 朋友 来说 来源 楼上 楼下 楼主 正在 此外 比如 没有 没人
    然后 然而 特别 现在 甚至 由于 看到 看看 真的 知道 确实 种种 突然 等等 简直 经过 结果 而且
    而是 自己 虽然 觉得 认为 记者 许多 论坛 评论 请问 谢谢 转载 转发 还是 还有 还要 这个
    这些 这样 这里 这么 这种 进行 通过 那个 那些 那么 那样 那里 那种 部分 除了 随着 非常 顶顶
    只要 只能 就是 就要 就算 尽管 其余 另外 可是 只见 哪个 哪些 啊啊 回复 回帖 沙发 板凳 地板
    网友 网页 链接 点击 查看 本帖 编辑 最后 最近 目前 昨天 明天 早上 晚上 上午 下午 中午 小时
    分钟 时候 时间 今晚 昨晚 每天 一天 两天 几天 当天 当地 本地 附近 问题 情况 事情 东西 方面
    事件 消息 新闻 报道 视频 照片 原因 表示 据悉 据了解 介绍 相关 有关 工作 要求 希望 感觉 好像
    似乎 还会 已于 为了 为什么 之类 而已 罢了 是否 能否 越来越 还没 没事 大约 左右 这边 那边
    去过 下次 上次 同感 坐等 好多 好几个 一回 几次 半天 不光 不太 值得 好看 支持 顶上去 路过 围观 求助
    """.split()
)


def content_word(word: str) -> bool:
    """True for a word that can carry meaning: two or more characters, not a stopword, not a number
    or punctuation run. Latin words are kept (PX, 5G), bare digits are not."""
    if len(word) < 2 or word in STOPWORDS:
        return False
    return any(ch.isalpha() for ch in word)
