"""Page furniture that lands inside extracted post text: video-player controls, photo captions and
login prompts injected into the body. `strip_chrome` drops those lines so the text that reaches the
pipeline (and the duty console) starts with what the author wrote."""
from __future__ import annotations

import re

from lxml import etree

from crawlers.parsers.dom import text_of

# Lines that are player or site furniture wherever they appear: nobody writes them as prose.
_CHROME_LINE = re.compile(
    r"^(?:"
    r"play(?:\s*video)?|pause|mute|unmute|fullscreen|loaded:?\s*\d.*|\d{1,2}:\d{2}(?::\d{2})?\s*/\s*\d{1,2}:\d{2}(?::\d{2})?"
    r"|play\s*video\s*\d{1,2}:\d{2}.*"
    r"|(?:如果)?(?:视频)?无法(?:正常)?播放[,，]?\s*请(?:点击|点此|点)(?:此处|这里).*"
    r"|您的浏览器(?:暂)?不支持.{0,20}(?:播放|视频|video).*"
    r"|视频加载中.{0,10}|点击播放|点击(?:图片)?查看(?:大图|原图)|点击图片(?:进入下一页|查看下一张)"
    r"|(?:请|您需要)?\s*登录\s*(?:后)?(?:才(?:可以|能))?(?:查看|下载|评论|回复|发表).{0,30}"
    r"|(?:立即)?登录\s*[|｜/]\s*(?:立即)?注册.{0,20}|没有(?:帐|账)号[?？]?\s*(?:立即)?注册.{0,20}"
    r"|扫一扫.{0,20}|扫码(?:关注|下载|阅读).{0,30}|打开(?:APP|app|客户端).{0,20}"
    r")$",
    re.I,
)
# Photo captions and credits: only stripped at the start of the text, where a lead photo puts them
# before the first paragraph (inside the story "图为" lines are legitimate context).
_CAPTION_LINE = re.compile(
    r"^(?:[▲△▼↑]\s*.{0,80}|\d{1,3}\s*/\s*\d{1,3}"  # gallery counters "1/10"
    r"|[(（]?\s*原标题\s*[:：].{0,80}"  # "（原标题：…）" stamps before the story"
    r"|图为.{0,80}|(?:图|摄影|图片|视频|图文)\s*[/:：].{0,30}|[(（]?\s*(?:图片|图像|照片|视频)?来源\s*[:：].{0,30}[)）]?"
    r"|[(（【\[]\s*(?:资料图|图片|视频|供图|摄影)[^)）】\]]{0,30}[)）】\]]|资料图(?:片)?.{0,30}"
    r"|.{0,60}[(（]\s*(?:[^)）]{0,20}(?:摄|供图)|资料图片?)\s*[)）])$"
)
_MAX_LEADING = 8
_IMAGE = "\u2063[图]\u2063"  # a line text_of never produces: where an image stood
_LABEL_ONLY = re.compile(r"^(?:图集|组图|高清组图|高清大图|视频|图片|点击查看|原标题)$")
_SENTENCE_END = re.compile(r"[。！？!?…」”]$")
_MAX_CAPTION = 40  # leading junk lines looked at; a body never starts with more furniture than that


def strip_chrome(text: str) -> str:
    """`text` without player controls and login prompts (any line) and without the photo captions
    that precede the first real paragraph."""
    lines = [line for line in text.split("\n") if not _CHROME_LINE.match(line.strip())]
    start = 0
    while start < min(len(lines), _MAX_LEADING) and _CAPTION_LINE.match(lines[start].strip()):
        start += 1
    if start == len(lines):  # nothing but captions: keep them, they are all the text there is
        start = 0
    return "\n".join(lines[start:])


def body_text(block: etree._Element, skip=()) -> str:
    """`text_of(block)` without page furniture: short lines right after a leading image (its
    caption, e.g. "爱戴领奖", "共享充电宝。视觉中国 资料") and the chrome `strip_chrome` drops. The
    tree is marked only while the text is read, then restored."""
    images = [img for img in block.iter("img")]
    tails = [img.tail for img in images]
    for img in images:
        img.tail = f"\n{_IMAGE}\n{img.tail or ''}"
    try:
        text = text_of(block, skip=skip)
    finally:
        for img, tail in zip(images, tails):
            img.tail = tail
    return strip_chrome(_drop_leading_captions(text.split("\n")))


def _drop_leading_captions(lines: list[str]) -> str:
    out: list[str] = []
    prose = False  # once the story's first real paragraph is out, captions are left alone
    after_image = False
    for line in lines:
        if line == _IMAGE:
            after_image = True
            continue
        short = len(line) <= _MAX_CAPTION and not _SENTENCE_END.search(line)
        if not prose and (_LABEL_ONLY.match(line) or (after_image and (short or _CAPTION_LINE.match(line)))):
            continue  # an image's caption, or a gallery label, before the story
        if not prose and not short:
            prose = True
        after_image = after_image and not prose
        out.append(line)
    return "\n".join(out)
