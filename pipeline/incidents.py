"""Incident reports and drills, for negativity.

The negativity model learnt tone from social-media posts; a news-style report of a collapse, dead
fish, a medical dispute or cracked housing, told in a flat voice, carries no tone and scored near
zero. For a watch office an incident is negative whatever the tone, and a drill (演练) about the
same incident is not. `incident_verdict` reads the text (character-based like the model, no
jieba) and says which, if either, it is:

- INCIDENT: an incident word that is not denied or prevented right before it (未造成伤亡, 防止
  泄漏, 根治欠薪, 缓解拥堵) and not in a sentence about a drill, training or publicity.
- DRILL: no incident, but a drill / exercise / training word.
- None: neither; the model's score stands.
"""
from __future__ import annotations

import re

INCIDENT, DRILL = "incident", "drill"

# Words that report harm, danger, a dispute or a grievance.
INCIDENT_WORDS = (
    "死鱼", "坍塌", "倒塌", "垮塌", "塌方", "塌陷", "滑坡", "爆炸", "爆燃", "起火", "着火", "失火", "火灾",
    "泄漏", "泄露", "中毒", "伤亡", "遇难", "死亡", "身亡", "丧生", "受伤", "烧伤", "被困", "溺亡", "溺水",
    "追尾", "车祸", "相撞", "撞倒", "侧翻", "翻车", "医疗纠纷", "纠纷", "强拆", "拖欠", "欠薪", "讨薪",
    "体罚", "虐待", "虐童", "发臭", "恶臭", "臭味", "偷排", "冒黑烟", "开裂", "裂缝", "漏水", "被骗",
    "乱收费", "损失严重", "受损", "扰民", "维权", "上访", "群体性",
)
# Right before an incident word, these deny or prevent it: a notice, not an incident.
_DENIALS = ("未", "无", "没有", "没", "不", "防", "防止", "预防", "避免", "杜绝", "严禁", "治理", "减少",
            "缓解", "根治", "整治", "打击", "查处", "举报", "消除", "排查", "应对", "处置")
# In the same sentence, these make the incident word a drill, training or publicity topic.
DRILL_WORDS = ("演练", "演习", "模拟", "培训", "宣传", "科普", "讲解", "知识", "预案", "比赛", "竞赛")
# Phrases in which an incident word is a metaphor, a product or a building material, never the
# incident itself (人气爆炸, 塌房, 防火门). The matcher (topic words), the category rule (安全生产)
# and the incident rule here all skip them.
FIGURATIVE = (
    "人气爆炸", "信息爆炸", "知识爆炸", "流量爆炸", "票房爆炸", "爆炸性", "爆炸头", "颜值爆炸", "爆炸式增长",
    "生意火爆", "防火门", "防火墙", "防火板", "防火涂料", "防火玻璃", "防火卷帘", "阻燃板", "耐火砖", "耐火材料",
    "火灾报警器", "火灾探测器", "防爆", "防泄漏", "防中毒", "塌房", "人设坍塌", "人设崩塌", "心态崩塌",
    "信仰崩塌", "股价坍塌", "流量中毒", "游戏中毒", "中毒太深", "起火锅",
)

_WORDS = re.compile("|".join(sorted(map(re.escape, INCIDENT_WORDS), key=len, reverse=True)))
_DRILL = re.compile("|".join(DRILL_WORDS))
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_DENIAL_REACH = 6  # characters before the incident word looked at (未造成人员伤亡: 未 is 5 before)
_FIGURATIVE_REACH = 4


def incident_verdict(text: str) -> str | None:
    """INCIDENT, DRILL or None for `text` (see the module docstring)."""
    drill_seen = False
    for m in _WORDS.finditer(text):
        start, end = m.span()
        if _figurative(text, start, end):
            continue
        sentence = _sentence(text, start, end)
        if _DRILL.search(sentence):
            drill_seen = True
            continue
        before = text[max(0, start - _DENIAL_REACH):start]
        if any(d in before for d in _DENIALS):
            continue
        return INCIDENT
    return DRILL if drill_seen or _DRILL.search(text) and _drill_topic(text) else None


def _figurative(text: str, start: int, end: int) -> bool:
    window = text[max(0, start - _FIGURATIVE_REACH):end + _FIGURATIVE_REACH]
    return any(f in window for f in FIGURATIVE)


def _sentence(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right = _SENTENCE_END.search(text, end)
    return text[left:right.start() if right else len(text)]


def _drill_topic(text: str) -> bool:
    """A post about an exercise itself ("开展应急演练"), not one that merely mentions training."""
    return bool(re.search(r"(?:演练|演习)", text))
