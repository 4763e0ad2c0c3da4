"""Build pipeline/data/topic_vocabulary.json: the standard words of each topic category.

An operator's topic lists the words they thought of; posts use many more for the same subject
(a collapse is 坍塌, 倒塌 or 垮塌; a clinic is a 诊所 or a 卫生院). The watch ships, per category of
the example topics, the words by which such posts name their subject, and adds them to every topic
of that category (pipeline/vocabulary.py; `standard_terms: false` in topics.yaml turns it off).

Where the words come from:
1. SEEDS below: the incident and complaint vocabulary of each category, written by hand (general
   knowledge of how such reports are worded), one subject per category as in the example topics.
2. The level-3 subjects of ../shared/data/topics/gov_messages_tipdm2020/taxonomy.csv under the
   category's branches that are a short compound ending in a seed word (大气污染, 水污染, 房屋拆迁):
   the same subject said more narrowly. (Whole subjects such as 希望工程 or 货物运输 are headings
   of a government desk, not words by which a post names an incident.)
3. A check on the labelled government messages (train.csv only; test.csv is never read): a seed or
   taxonomy word that occurs in at least MIN_SEEN training messages but mostly (share below
   MIN_SHARE) in messages of other categories names no subject of its own and is dropped; the
   script prints what it drops.
The product reads only the JSON this writes, never ../shared.

Usage: .venv/bin/python scripts/build_topic_vocabulary.py [--shared DIR] [--out FILE]
"""
from __future__ import annotations

import argparse
import csv
import json
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIN_SEEN = 5  # fewer training messages say too little about a word to drop it
MIN_SHARE = 0.5

# category → (taxonomy level-2 branches read in step 2, seed words of step 1). The government data's
# category that a seed is checked against is the taxonomy's level 1 of those branches.
SEEDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "环境保护": (("环境污染",), (
        "污染", "排污", "排污口", "排口", "雨污混接", "偷排", "直排", "乱排", "排放超标", "废水", "污水", "废气", "黑烟",
        "粉尘", "扬尘", "灰尘",
        "烟尘", "异味", "臭味", "恶臭", "发臭", "臭气", "死鱼", "噪音", "噪声", "雾霾", "空气质量",
        "水质", "油污", "垃圾焚烧", "重金属", "环保", "尾水", "尾矿", "刺鼻", "臭鸡蛋味", "油漆味", "喷漆味",
        "化工味", "烧焦味", "浓烟", "呛人", "呛得", "烧秸秆", "焚烧秸秆", "偷倒", "乱倒", "倾倒", "建筑垃圾",
        "粪水", "粪污", "尘土飞扬", "死猪", "黑水", "臭得", "优良天数", "熏得", "灰大", "冒黑水", "油烟", "煤灰",
        "非法采矿", "乱采乱挖", "盗采", "太吵", "吵得睡不着", "吵得没法睡", "打桩声", "乱扔垃圾", "垃圾成堆", "满地垃圾",
        "全是垃圾", "臭气熏天", "又浑又臭", "鸭粪", "化粪池", "灰尘大", "灰尘也大", "灰太大", "蓝藻", "农药瓶", "尾矿库", "装修垃圾", "成了垃圾场", "沥青味",
        "味太冲", "渗黄水", "焦糊味", "油泥", "黄水", "一层灰", "全是灰",
        "扬灰", "降尘", "吵到", "音响吵", "垃圾堆", "烧垃圾", "垃圾没人收", "漂油花", "怪味", "烟太大", "水葫芦", "漂满",
        "黑灰", "露天烧", "倒泥浆", "烧锯末", "冒黄烟", "原油味", "硫磺味", "泡沫浮球", "烂渔网", "漂着",
        "超低排放", "绿沫", "尾渣", "垃圾中转站", "煤烟味", "烧散煤", "矿井水",
        "挖砂", "洗砂", "采砂", "直接排进", "往河里排", "往江里排", "还在打桩", "半夜打桩",
        "腥臭", "都是灰", "满天灰", "往河里放", "一层粉", "废油", "废机油", "煤泥水",
        "臭到", "粪味", "烧废塑料", "烧塑料", "塑料瓶", "泡沫块", "骚臭", "硫磺味儿", "偷偷挖沙", "采沙", "洗沙", "浑得像泥浆",
        # water muddied like soup, rubbish left or thrown about by visitors, red dust from a steel works
        "水浑得", "像泥汤", "垃圾越来越多", "游客扔的", "垃圾扔得", "红灰",
        "化学味", "满天黑灰", "烧棉秆", "烧甘蔗叶", "烧稻草", "烧麦秆", "灰蒙蒙",
        "不盖篷布", "焚烧垃圾", "味道太冲", "烧麦草", "又黑又臭", "落地油",
        # bins left overflowing, picnic and camping litter
        "垃圾桶满了", "一次性餐盒",
        # a straw-burning ban's notice, plastic burnt at night
        "禁烧", "焦塑料", "矿泉水瓶",
        # water run red, rust-coloured, muddy or foaming; coal dust and coal spilt; a fishmeal or pulp mill's smell
        "红褐色", "锈色", "黄泥水", "白沫", "电石渣", "煤面子", "撒煤", "烂鱼味", "酸味")),
    "安全生产": (("安全生产", "劳动保护"), (
        "爆炸", "爆燃", "闪爆", "起火", "着火", "失火", "火灾", "火情", "坍塌", "倒塌", "垮塌", "塌方", "塌陷",
        "泄漏", "中毒", "伤亡", "遇难", "被困", "倾覆", "翻沉", "沉没", "失踪", "落水", "透水", "触电", "坠落",
        "坠亡", "砸伤", "轧伤", "烧伤", "窒息", "烧炭取暖", "食物中毒", "呕吐", "腹泻", "上吐下泻", "塌了", "煤气味", "燃气味", "溺亡", "冒顶", "落石",
        "安全事故", "生产事故", "安全隐患", "燃气泄漏", "危化品", "山体滑坡", "滑坡", "泥石流", "瓦斯超限", "烫伤", "山火", "林火",
        "突发大火", "一场大火", "燃起大火", "发生大火", "溺水", "淹死", "塔吊倾倒",
        "塔吊倒塌", "顶板", "拉肚子", "肚子疼", "墙倒了", "机械伤害", "伤害事故",
        "挖断燃气", "压塌", "压伤", "绞伤", "坠崖", "身亡", "漏气", "野泳", "被卷进", "熏得头晕", "冰裂", "掉进水里", "飞石", "被水冲走", "翻护栏",
        "滚下台阶", "作坊炸了", "雷击火", "挖破燃气", "燃气管道被挖破", "垮了", "离岸流", "荒火", "下落不明", "崩伤", "掉进冰窟", "掉冰窟", "掉进冰窟窿", "掉冰窟窿", "断裂掉落", "引燃", "被冲走",
        # someone fallen into a river from a ferry, a zip line or its bank, or swept into the sea; an avalanche
        "落江", "坠江", "滑落江中", "落入江中", "掉入江中", "掉进江中", "掉进江里", "雪崩", "被浪卷", "卷进海里",
        # a safety campaign's notice (安全生产大检查, 燃气安全专项检查)
        "安全生产大检查", "燃气安全检查", "燃气安全专项检查", "燃气安全入户检查", "燃气安全入户排查", "安全专项检查", "安全大检查",
        "消防安全检查", "防火安全检查", "安全专项排查", "消防检查", "安全排查", "消防安全排查", "安全隐患排查", "消防安全隐患排查",
        # a swimmer who never came up, a boat overturned
        "没上来", "没再上来", "游船侧翻", "船翻了", "翻船")),
    "城乡建设": (("国有土地上房屋征收与补偿", "集体土地上房屋拆迁与补偿"), (
        "拆迁", "强拆", "征地", "征收", "补偿款", "补偿标准", "安置房", "回迁房", "棚改", "棚户区",
        "还建房", "还建小区",  # 武汉's word for the resettlement housing given back to those moved
        "旧改", "旧城改造", "拆迁户", "征拆", "征收公告", "房屋征收", "土地征收", "征收补偿",
        "强行拆除", "被拆了", "给拆了", "回迁", "拆违", "违建", "违章建筑", "就被推了", "来推了", "给推了", "被铲车推", "青苗补偿", "补偿还没谈拢",
        "补偿没谈拢", "推平", "旧村改造", "城中村改造", "城市更新计划", "纳入城市更新", "计划改造老旧小区", "征迁", "要拆了", "是不是要拆", "被推了", "直接推了", "连夜推了",
        "签约率", "说拆", "老城改造", "被征", "田被占", "迁坟", "征收价格", "地被征",
        # pulled down before compensation was agreed; a valuation too low; whether a place is to be requisitioned
        "没谈好就", "没谈妥就", "没谈好补偿", "补偿还没谈好", "补偿没谈好", "补偿还没谈妥", "协议还没签",
        "评估价太低", "评估价低", "搬迁补偿", "会不会征收", "要征收", "整体征收", "征收工作",
        "动迁")),  # 上海's word for moving people out of what is pulled down
    "劳动和社会保障": ((), (
        "欠薪", "讨薪", "拖欠工资", "工资不发", "农民工工资", "工钱", "欠工资", "讨要工资", "工资拖欠",
        "拖欠工钱", "不发工资", "没开支", "没开工资", "工程款", "克扣", "克扣工资", "工资没发", "没发工资", "工资被拖欠",
        "工资没拿到", "没拿到工资", "拿不到工资", "老板跑路", "工资没结", "没结工资", "工钱没结", "工钱没给",
        "工资没给", "不给工资", "讨要工钱", "要工钱", "没开资", "没发钱", "工钱拖着", "拖着不给钱", "工资被拖", "工资没着落", "乱扣钱", "扣工资", "名目扣钱", "无故扣钱",
        "工资只发", "试用期不给钱", "不给结钱", "工资不给", "试用期不算工资", "工钱还没结", "工资还没结",
        "只拿到生活费", "只发生活费", "只给生活费", "被扣钱", "理由扣钱", "一分没给", "不给钱", "拖着不结账", "提成被扣", "工资拖了", "没按月发", "一分没结",
        "没结钱", "押工资", "押一个月工资", "押两个月工资", "血汗钱", "不给结账", "没结账", "工资全扣", "工资压", "工资一分都不给", "没拿工资", "没领到工资", "没拿到钱", "返费", "一分没拿到", "工资拿不到", "降薪",
        # months gone unpaid, pay owed, pay given as an IOU
        "没工资", "欠了工资", "被欠了工资", "拖了工资", "打白条")),
    "交通运输": (("出租车管理", "客货运输", "交通运输", "交通管理"), (
        "车祸", "堵车", "拥堵", "公交", "追尾", "红绿灯", "信号灯", "出租车", "的士", "网约车", "打车",
        "黑车", "交通事故", "相撞", "撞车", "侧翻", "翻车", "剐蹭", "刮蹭", "刮碰", "刮了一下", "剐了一下", "地铁", "交警", "限行",
        "停车难", "停车太难", "乱停车", "路况", "刮擦", "全是坑", "坑连着坑", "违停", "违章停车", "坑坑洼洼", "堵了", "堵成", "堵得", "很堵", "太堵", "班车", "客车",
        # a road or a bridge opened (直通车, a bus the way there, is none: pipeline/matcher.py)
        "通车",
        "客运", "停运",
        "快速公交", "brt", "超员", "超载", "坑洼", "路烂", "绿灯", "封路", "封闭施工", "封闭养护", "急弯", "交通管制", "绕行", "改道",
        "路太烂", "路很烂", "停满车", "停满了车", "出行受阻", "交通中断", "道路中断", "翻下山坡", "拓宽改造",
        "路面拓宽", "阻断交通", "交通阻断", "撞断", "改单行", "单行线", "轮渡", "停车场爆满", "恢复通车", "恢复通行", "完工通车", "挤不上",
        "封了半幅", "封半幅", "翻下沟", "翻进沟", "泥坑", "全是水坑", "占道经营",
        "占了半条路", "堵死", "闯红灯", "绕道", "绕路", "绕山路", "排到马路上", "中巴车", "收班",
        # a jam told by how long or how often it lasts
        "堵一", "堵两", "堵二", "堵三", "堵四", "堵五", "堵半", "堵十", "堵几", "天天堵", "又堵", "都堵", "还是堵",
        "都要堵", "都得堵", "一堵就", "挖开", "修了一半", "压烂", "压得稀烂", "堵上了", "撞上护栏", "撞上了护栏", "撞护栏",
        "渡船停航", "渡船停了", "停渡", "通村公路", "路基", "车刮倒", "车挂倒",
        "翻进水沟", "半封闭", "收费站封闭", "直达大巴", "栽进沟里", "撞倒", "路边停车位", "停车泊位", "滑进沟里", "滑进路边沟",
        "侧滑进", "堵到", "差点撞上", "差点撞到", "差点撞着", "排了好几公里",
        "两趟车", "差点刮到", "掉沟里", "摔进沟", "冲到沟里", "停车收费标准",
        # Cantonese for a jam (塞车, 塞成停车场); a tricycle or a bike that went off the road into a ditch;
        # drivers told to take another road (改走)
        "塞车", "塞成", "翻沟里", "栽沟里", "栽到沟里", "翻到沟里", "改走", "车辆排长队", "道路损毁", "蹭了护栏", "刮了护栏",
        # the airport coach, an airport's timetable for the season (冬春航季), a road under traffic control
        "机场大巴", "航季", "交通管控",
        # a railway's new timetable and the trains it runs (调整运行图, 开行动车); a road full of potholes
        "运行图", "开行", "坑太多", "都是坑",
        # a rider knocked down by a turning or reversing vehicle; the tram
        "剐倒", "碰倒", "蹭倒", "有轨电车",
        # an airport's season timetable, a road jammed at the same hour every day, speed limits and cameras,
        # vehicles held up by snow
        "航班计划", "就堵", "限速", "测速", "到处是坑", "车辆受阻",
        # a vehicle office's opening hours (车管所周六照常办理业务)
        "车管所业务")),
    "教育文体": (("教育行政管理", "教育收费", "考试招生", "教师队伍和待遇", "教育体制", "失学辍学"), (
        "学校", "学生", "老师", "教师", "班主任", "食堂", "学区", "补课", "中学", "小学", "幼儿园", "高中",
        "初中", "大学", "高校", "高考", "中考", "招生", "校园", "校方", "学费", "培训机构", "辅导班", "补习班", "家长会",
        "体罚", "辍学", "晚自习", "院校", "并校", "撤并", "村小", "校车", "师生", "校庆", "建校", "校友", "校长", "教室", "课堂", "新生报到",
        "迎新", "双选会", "校区宿舍", "住校", "上高一", "上高二", "上高三", "上初一", "上初二", "上初三", "小升初", "考研", "学位申请")),
    "卫生计生": (("医患纠纷", "医政监管", "公共卫生"), (
        "医院", "医生", "看病", "医保", "疫苗", "诊所", "卫生院", "卫生室", "患者", "病人", "护士", "医护",
        "医务人员", "医疗纠纷", "医患", "挂号", "专家号", "门诊", "急诊", "住院", "手术", "体检", "非法行医",
        "医疗事故", "输液", "药店", "药房", "药品", "过期药", "假药", "处方药", "卫健", "义诊", "产检", "保健院", "b超", "救护车才到", "救护车才来",
        "等救护车", "120等", "牙科", "看牙", "村医", "儿科", "卫生服务中心")),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "pipeline" / "data" / "topic_vocabulary.json")
    args = ap.parse_args()
    gov = args.shared / "data/topics/gov_messages_tipdm2020"
    with open(gov / "taxonomy.csv", encoding="utf-8", newline="") as f:
        taxonomy = list(csv.DictReader(f))
    with open(gov / "train.csv", encoding="utf-8", newline="") as f:
        messages = [(row["label"], row["text"]) for row in csv.DictReader(f)]
    vocabulary: dict[str, list[str]] = {}
    for category, (branches, seeds) in SEEDS.items():
        level1 = {row["level1"] for row in taxonomy if row["level2"] in branches} or {category}
        words = dict.fromkeys(seeds)
        for row in taxonomy:
            subject = row["level3"]
            if row["level2"] in branches and subject != "其他" and _is_term(subject, seeds):
                words.setdefault(subject)
        kept = []
        for word in words:
            seen = Counter(label for label, text in messages if word in text)
            total = sum(seen.values())
            share = sum(seen[c] for c in level1) / total if total else 1.0
            if total >= MIN_SEEN and share < MIN_SHARE:
                print(f"{category}: dropped {word} ({share:.0%} of {total} training messages in {'/'.join(sorted(level1))})")
                continue
            kept.append(word)
        vocabulary[category] = kept
    data = {"format": "yqwatch-topic-vocabulary-1",
            "source": "scripts/build_topic_vocabulary.py seeds; gov_messages_tipdm2020 taxonomy.csv and train.csv",
            "vocabulary": vocabulary}
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{args.out}: " + ", ".join(f"{c} {len(w)}" for c, w in vocabulary.items()))


def _is_term(subject: str, seeds: tuple[str, ...]) -> bool:
    """A taxonomy subject usable as a word: a short compound ending in a seed, not a 其他 heading."""
    return len(subject) <= 5 and not subject.startswith("其他") \
        and any(subject.endswith(s) and subject != s for s in seeds)


if __name__ == "__main__":
    main()
