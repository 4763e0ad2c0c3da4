"""Incident reports, grievances, drills and notices, for negativity.

The negativity model learnt tone from social-media posts; a news-style report of a collapse, dead
fish, a medical dispute or cracked housing, told in a flat voice, carries no tone and scored near
zero, and so did a resident's plain complaint that the water is off or the lights are broken. For
a watch office an incident or a grievance is negative whatever the tone; a drill (演练) about the
same incident is not, and neither is a notice, good news, a story or a figurative use that the
model read as faintly negative because it contains 暴雨, 爆炸 or 哭. `incident_verdict` reads the
text (character-based like the model, no jieba) and says which, if any, it is:

- INCIDENT: an incident or grievance word that is not denied or prevented right before it (未造成
  伤亡, 防止泄漏, 根治欠薪, 缓解拥堵), not the name of a programme right after it (污染防治, 火灾隐患
  排查, 污水处理厂), not a scheduled service stop (计划停水, 停电通知), and not in a sentence about
  a drill, training or publicity.
- DRILL: no incident, but a drill / exercise word.
- QUESTION: no incident, but someone asking when, where or how ("请问回迁房什么时候分?"); or anyone asking for
  a recommendation ("有没有靠谱的修暖气师傅？", "哪家医院儿科好一点"), whatever trouble sends them looking: help
  sought, not a grievance aired.
- DENIED: an incident the post says never happened ("网传…爆炸系谣言", "啥子事都没有，大家不要乱传").
- NOTICE: no incident, but the framing of a notice, forecast, opening, completion, campaign, custom
  or story, a figurative use (人气爆炸, 塌房), an incident word that was denied or prevented, or a
  rescue praised as a good deed (见义勇为).
  Only a faint negative model score is lifted (sentiment.py); a clearly angry post stays negative.
- None: none of these; the model's score stands.
"""
from __future__ import annotations

import re

from pipeline.normalize import fold_dialect

INCIDENT, DRILL, NOTICE, QUESTION, DENIED = "incident", "drill", "notice", "question", "denied"

# A building ablaze, said without 起火 or 火灾 ("仓库突发大火"; never 大火 alone: "大火烧开，大火收汁" in a recipe).
BLAZES = ("突发大火", "一场大火", "燃起大火", "发生大火")
# Words that report harm, danger, a dispute or a grievance.
INCIDENT_WORDS = (
    *BLAZES,
    "死鱼", "坍塌", "倒塌", "垮塌", "塌方", "塌陷", "滑坡", "爆炸", "爆燃", "起火", "着火", "失火", "火灾",
    "泄漏", "泄露", "中毒", "伤亡", "遇难", "死亡", "身亡", "丧生", "受伤", "烧伤", "被困", "溺亡", "溺水",
    "追尾", "车祸", "相撞", "撞倒", "侧翻", "翻车", "医疗纠纷", "纠纷", "强拆", "拖欠", "欠薪", "讨薪",
    "体罚", "虐待", "虐童", "发臭", "恶臭", "臭味", "偷排", "冒黑烟", "开裂", "裂缝", "漏水", "被骗",
    "乱收费", "损失严重", "受损", "扰民", "维权", "上访", "群体性", "翻沉", "沉没", "出事",
    # Grievances about public services and living conditions (a problem for people, in a plain voice).
    "停水", "停电", "停气", "断水", "断电", "停暖", "停运", "故障", "坏了", "坏掉", "失灵", "不到位",
    "不热", "漏雨", "渗水", "积水", "内涝", "被淹", "滞留", "晚点", "延误", "截留", "克扣", "谈不拢",
    "没人管", "不作为", "刺鼻", "噪音", "污染", "排污", "直排", "偷倒", "乱倒", "废水", "污水", "废气",
    "异味", "堵了", "堵成", "堵死", "拥堵", "堵车", "太久", "太短", "尾水", "尾矿", "无证", "违规", "违法",
    "非法", "争议",
    # Accidents and damage said with other words, and grievances about delay, cheating and filth.
    "落水", "坠落", "坠亡", "摔伤", "砸伤", "撞伤", "触电", "窒息", "失踪", "搜救", "冰雹", "砸烂", "冲毁",
    "一拖再拖", "迟迟不", "缺斤短两", "宰客", "多收", "以次充好", "臭气", "熏天", "粉尘", "扬尘",
    "没发工资", "不发工资", "工资不发", "没拿到钱", "只发了一半", "油污", "腥臭", "发黑", "怪味", "灰尘", "三无",
    "吃出", "刮擦", "剐蹭", "刮蹭", "冒黄烟", "冒烟", "连撞", "被宰", "山火", "林火", "发霉", "过期", "缩水",
    "压价", "办不下来", "摔下", "倒了", "拖了",
    # Services that fail people: crowds, shortages, closures, stalled works, a hotline complaint.
    "挤不上", "缺药", "没医生", "没有医生", "找不到医生", "停办", "投诉", "打了12345", "打过12345", "太低", "又臭",
    "好臭", "太臭", "很臭", "烂尾", "停工", "没交房", "断货", "挂不上", "跑路", "被撤", "压塌",
    "水发黄", "水发白", "堵得", "太贵", "打不通", "撑不下去", "发愁", "敢怒不敢言", "大缝", "卖不出", "才轮到",
    # Promises broken and services that keep failing, said plainly.
    "没人来", "没人来处理", "一直没人", "三天两头", "拖到", "只给一半", "只给了一半", "低了好几", "意见很大",
    # Filth seen, fares and prices forced up, a clinic that denies, a mine shut for safety.
    "扬灰", "漂油花", "漂满", "水葫芦", "苍蝇", "涨价", "不打表", "不认账", "读不起", "没人应", "起疹", "红疹",
    "停产整顿", "刮下来", "砸在", "没开业主大会", "没开过业主大会",
    # Washed away, pushed flat, rotten; sellers and bosses gone; homes late; danger felt on the road.
    "冲垮", "冲断", "推平", "烂了", "联系不上", "没下文", "延期交房", "交房延期", "又延期", "延期了", "一再延期",
    "拒载", "心惊胆战", "不敢吭声",
    # Theft, a crack, a crop left to rot.
    "被盗", "被偷", "被撬", "裂了", "烂在",
    # Pushed flat, passed from desk to desk, left without an answer; a class one cannot skip.
    "被推了", "给推了", "就推了", "踢皮球", "没个说法", "没说法", "不去不行", "不敢不去", "都不同意",
    # A village school closed (the pupils walk for an hour), a vaccine never in stock.
    "撤并", "没货", "约不到",
    # Pay held back.
    "拖着不",
    # Pay half given or never seen; a pupil beaten by classmates; a diploma held hostage to a placement;
    # bleeding after birth (a medical dispute follows); a roof that leaks; a fall that breaks a leg.
    "只发一半", "才给了一半", "才给一半", "一分钱没见", "一分钱都没", "围殴", "霸凌", "不给毕业证",
    "不发毕业证", "大出血", "就漏", "摔断", "摔进", "扔满", "往外排",
    # Teachers paid for extra lessons, no taxi to be had, too few school places.
    "有偿补课", "打不到车", "打不着车", "学位不够", "学位紧张", "收费补课", "一分没见",
    # Canteens that leave pupils hungry; damage by wind and weather.
    "吃不饱", "又贵又少", "刮倒", "损失不小",
    # An appointment not to be had, a card that will not work, a greenhouse overturned.
    "挂不到", "刷不了", "掀翻",
    # Fees kept when a school closes; a diploma withheld.
    "学费不退", "退不了", "拿不到毕业证",
    # Scalded at work, compensation never agreed, oil on the water, canteen prices climbing.
    "烫伤", "没谈拢", "一层油", "越来越贵",
    # Black smoke and dust on everything, pay not settled in full, less than the next place, parents who object.
    "黑烟", "都是灰", "没结清", "少了一大截", "都不服",
    # Still not done, however long ("安置房迟迟住不上", "补偿款迟迟没有到位").
    "迟迟",
    # Cattle stolen, a rash after a drip, no doctor at night, a fall through the ice.
    "让人偷了", "被人偷了", "疹子", "没有大夫", "没大夫", "掉进冰窟窿", "掉冰窟窿", "掉到冰窟窿", "掉进了冰窟窿",
    # A card that will not work at the clinic, a jab never booked, a swimmer who never came up.
    "不能刷", "没约上", "没上来", "路况太差", "路况很差", "路况差",
    # A stench that shuts windows, an outbreak, a fee too high, a wait with no end named ("协调到哪年？").
    "臭得", "粪味", "登革热", "收费太高", "到哪年", "等到什么时候",
    # Smoke that chokes, a child drowned, worms in the food, an appointment got only after days.
    "呛人", "呛得", "烟呛", "太呛", "淹死", "淹了", "有虫", "吃出虫", "才挂上", "才挂到",
    # A wall fallen in, a school shut overnight, a handover put off again, a "voluntary" class one
    # cannot refuse, a flat bought for nothing, people left not knowing.
    "塌了", "塌下来", "突然关门", "突然关停", "又推迟", "推迟交房", "一再推迟", "说是自愿", "这叫自愿", "白买了",
    "心里没底",
    # A jab or a bus never to be had, a rate held too low, goods and deposits not refunded, a fare driven
    # the long way round, cars parked anywhere, classrooms without cooling, parents up in arms.
    "约不上", "等不到", "超标", "不给退", "还不退", "也不退", "没影", "没交付", "被绕路", "绕了一大圈",
    "兜了一大圈", "乱停", "堵上了", "一堵就是", "没空调", "没有空调", "很有意见", "都有意见", "太坑",
    "顾不过来", "直接推了",
    # Muck strewn along the road, no hot water, a jab not to be had, a fare raised on the spot, parcels lost, a
    # smell that makes one dizzy.
    "撒得满路", "撒了一路", "掉了一路", "抛洒", "没热水", "没有热水",
    "打不上", "临时加价", "加钱才", "丢件", "熏晕",
)
# Grievances with a figure or a subject inside: a long wait ("等了五个钟"), a hard service (挂号难);
# each keyed by a string every match of it holds.
_GRIEVANCE_PATTERNS = {
    "等": r"等了[一二两三四五六七八九十半几\d]+(?:个多?|多个?)?(?:钟头?|小时)",
    "难": r"(?:挂号|看病|上学|打车|买票|办事|办证)(?:太|很|真|好|特别)?难",
    "药": r"缺[^，。！？!?,\n]{0,6}?药",
    "堵": r"(?:天天|一直|又|就|总|老|开始|经常|都要?|都得)堵|堵[一二两三四五六七八九十半几\d]+(?:个多?|多个?)?(?:分钟|钟头?|小时|公里)",
    "涨": r"物业费[^，。！？!?,\n]{0,8}?涨",
    # Medicine dearer than elsewhere ("同样的药比医院贵了一半"); a rate held too low ("补偿标准偏低");
    # cars left anywhere (违停, not the cameras that catch them: 违停抓拍).
    "贵": r"药[^。！？!?\n]{0,12}?比[^，。！？!?,\n]{0,10}?贵",
    "偏低": r"(?:补偿|价|标准|评估|工资|收入)[^，。！？!?,\n]{0,6}?偏低",
    "违停": r"违停(?!抓拍|电子眼|治理|整治|罚)",
    # Displeasure said outright (不满; not 不满一年, 不满十八岁, nor the milder 不满意).
    "不满": r"不满(?![一二两三四五六七八九十百千几半\d周意])",
    "截": r"[低少]了一截",
    # Wages owed with the workers between ("欠了十几个工人半年工资"), classmates who beat a pupil,
    # waste let straight out ("粪水直接往沟里排"), coal dust flying and the film it leaves.
    "欠": r"欠了?[^，。！？!?,\n]{0,8}?(?:工资|工钱|薪水)",
    "同学": r"被[^，。！？!?,\n]{0,4}?同学[^，。！？!?,\n]{0,8}?(?:打|围|欺负|殴)",
    "直接": r"直接(?:往[^，。！？!?,\n]{0,4}?)?排",
    "煤灰": r"煤灰[^，。！？!?,\n]{0,4}?[飞飘落扬满堆]",
    "一层": r"一层[黑灰粉]",
    # A village school merged away ("村小合并到镇上"), homes promised and still not handed over.
    "合并": r"(?:小学|村小|学校)[^，。！？!?,\n]{0,6}?(?:被合并|合并到)",
    "还没交": r"(?:安置房|回迁房)[^，。！？!?,\n]{0,6}?还没交",
    "框架": r"还是个?框架",
    "一分": r"一分钱?[^，。！？!?,\n]{0,4}?没(?:有|给)",  # "一分钱补偿也没有"
    # Residents who sign together, and errands run again and again ("跑了三趟都说到货再通知").
    "联名": r"联名[^，。！？!?,\n]{0,8}?(?:反映|写|投诉|上书|举报|信)",
    "趟": r"跑了[两三四五六几]+趟",
    "补": r"补(?:课|习)[^。！？!?\n]{0,12}?收",  # extra lessons charged for ("补课每人收八百", "开补习班，一个月收八百")
    # A promise broken: "说好去年年底交房，现在楼还没封顶", "说好日结，结果月底还在拖".
    "说好": r"说好的?[^。！？!?\n]{0,30}?(?:还没|到现在|现在(?:还|才|又)|[一二两三四五六七八九十几]年了|结果|一分没|只拿到"
          r"|只给|没影|停发|停了|不给了|拖着|[都也]没|没(?:分|发|给|办|兑现|动工))",
    # Paid less than the next village, or others paid more ("每亩比邻村少了四千多", "补的比我家多一截").
    # Waste water let run into a ditch or river ("粪水顺着水沟流进稻田"), barbecue smoke pouring into
    # homes ("油烟直冲卧室"), coal dust over everything ("满村都是煤灰"), pay and compensation still
    # not paid ("工钱还没给", "补偿款到现在还没到手"): each a grievance however flatly told.
    "水": r"(?:粪|污|废|黑|臭|泥|油|脏|洗煤|煤泥)水[^，。！？!?,\n]{0,10}?(?:排进|流进|流到|排到|排入|流入|渗进|冲进"
         r"|往外流|往[^，。！？!?,\n]{0,4}?(?:流|淌|放))",
    "油烟": r"油烟[^，。！？!?,\n]{0,6}?(?:熏|飘|呛|往|直)",
    "灰": r"(?:都是|全是|满天|满地|满屋)[^，。！？!?,\n]{0,2}?(?:煤灰|灰尘|粉尘|灰(?![色白黑蓝绿]))",
    # Hours queued for a doctor, a scan or a jab ("挂号排了一个小时", "一个B超排了三个小时"), an
    # appointment no one can get ("专家号一放就没，老人根本抢不到").
    "排": r"(?:医院|挂号|看病|门诊|急诊|疫苗|[Bb]超|专家号|儿科|打针|看[^，。！？!?\n]{0,3}?科|打车|出租车|上客)[^。！？!?\n]{0,30}?"
         r"排(?:了|队排了)?[一二两三四五六七八九十半几\d]+(?:个多?|多个?)?(?:钟头?|小时|上午|下午|天)",
    "抢不": r"(?:号|票|名额)[^，。！？!?,\n]{0,8}?抢不[着到]|根本抢不[着到]",
    # A village school closed ("村里的小学撤了"), a river turned yellow ("小河就发黄冒泡").
    "撤了": r"(?:小学|村小|学校|教学点)[^，。！？!?,\n]{0,3}?撤了",
    "只": r"只(?:到|给|发|拿到|赔|补)了?[一二两三四五六七八九几]成",  # "补偿款只到了三成"
    "不": r"(?:工钱|工资|薪水|补偿款?)[^，。！？!?,\n]{0,6}?(?:一直|还|迟迟|就是|都)不(?:发|给|结)",  # "工资一直不发"
    "发黄": r"河水?[^，。！？!?,\n]{0,2}?发黄",
    # Shut in a lift for half an hour ("在里面困了四十分钟"), a bus line stopped ("到宿州的那趟早班车怎么停了").
    "困了": r"困了[一二两三四五六七八九十半几\d]+(?:个多?|多个?)?(?:分钟|钟头?|小时)",
    "停了": r"(?:班车|公交|早班车|客车)[^，。！？!?,\n]{0,4}?停了",
    "末班": r"末班[^，。！？!?,\n]{0,8}?(?:太早|就没了|就停了|就收了)",  # the last bus home gone by seven
    "没": r"(?:工钱|工资|薪水|劳务费|补偿款?|补助|补贴)[^，。！？!?,\n]{0,8}?(?:还|一直|迟迟|也|都)?没"
          r"(?:给|发|到|结|拿到|到手|到位)",
    "比": r"比[^，。！？!?,\n]{0,10}?[少低]了?[^，。！？!?,\n]{0,3}?(?:[几好一二两三四五六七八九十\d]+[千百万块元]|一截|不少|一半)"
          r"|比(?:我们|我家)多",
}
# Right before an incident word, these deny or prevent it: a notice, not an incident.
_DENIALS = ("未", "无", "没有", "没", "不", "防", "防止", "预防", "避免", "杜绝", "严禁", "治理", "减少",
            "缓解", "破解", "根治", "整治", "打击", "查处", "举报", "消除", "排查", "应对", "处置", "追回", "讨回", "足额支付")
# Unpaid wages, or the complaint about them, that the post says were recovered or paid ("为86名农民工追回
# 工资", "处理一宗欠薪投诉…已全部发放到位"): a report of a case handled, good news for the watch, not a
# grievance still open.
_WAGE_WORDS = frozenset({"拖欠", "欠薪", "讨薪", "克扣", "没发工资", "不发工资", "工资不发", "没拿到钱", "投诉",
                         "只发一半", "一分钱没见", "一分钱都没"})
_OWED = re.compile("欠|工资|工钱|薪")  # a grievance pattern's match about pay ("欠了十几个工人半年工资")
# A campaign against unpaid wages announced ("启动根治欠薪冬季专项行动…农民工可拨打12345反映欠薪问题"): its
# wage words name what it fights, not a debt someone is owed.
_CAMPAIGN = re.compile("根治欠薪|专项行动|专项整治|集中整治")
_RECOVERED = re.compile("(?<!没)(?<!未)(?<!没有)(?:(?:追回|讨回|足额支付|补发)[^，。！？!?,\n]{0,8}?(?:工资|欠薪|工钱|薪资|劳动报酬)"
                        "|全部发放|发放到位|全部打到|全部到账|全部结清)")
# Right after an incident word, these make it the name of a programme or facility (污染防治, 污水
# 处理厂, 拥堵指数, 火灾隐患排查), not an incident.
_PROGRAMMES = ("防治", "治理", "整治", "防控", "防范", "排查", "普查", "许可", "监测", "处理", "管网", "收集",
               "指数", "隐患", "专项", "攻坚", "预警", "应急", "热线", "渠道", "平台", "线索", "天数",
               "投诉电话", "举报电话", "投诉热线", "举报热线")
# Right after one, a phone number makes it a desk's line ("投诉电话12333", "举报电话：12369"), not a complaint made;
# so does a line published, opened or set up ("公布投诉电话", "设立举报热线").
# Right after an incident word, the trouble said put right ("风化和渗水得到治理", "停电已恢复"); not
# "一直没得到解决".
_FIXED_AFTER = re.compile(r"[^，。！？!?,\n没未不]?(?:问题)?(?:有望|将)?(?:得到|已经?|已被|均已)了?(?:治理|修复|解决|根治|整改|排除|处理"
                          r"|疏通|恢复)")
_PHONE_LINE = re.compile(r"电话[：:]?\s*\d")
# A complaint line named after what it takes ("公布了欠薪投诉电话"): the word names the line.
_LINES_NAMED = ("投诉电话", "举报电话", "投诉举报电话", "投诉热线", "举报热线")
_LINE_PUBLISHED = re.compile("(?:公布|开通|设立|公开)[^，,。；;]{0,20}?$")
# Right after 投诉, a time limit makes it a desk's procedure ("接到投诉后24小时内处理"), not a complaint made.
_PROCEDURE = re.compile(r"后?[一二两三四五六七八九十\d]+个?(?:工作日|小时|天|日)内")
# Right after one, these say there is little of it (噪音很小, 故障率低): praise, not a grievance; not
# who suffers it ("呛得小孩直咳嗽").
_SLIGHT = re.compile(r"(?:率|也|都|还|很|较|比较|非常|挺|不算很?)?(?:小(?![孩朋学区伙姑])|低|少|不大|不明显)")
# In the same sentence, these make the incident word a forecast or a warning of what may come.
_ADVISORY = re.compile("气象台|气象部门|天气预报|注意防范|请注意防|谨防|可能出现|易出现"
                       "|(?:遇到|如有|遇有)[^，。！？!?\n]{0,8}?可以?(?:拨打|到|向)"  # where to turn if it happens
                       "|可以?(?:拨打|致电)[^。！？!?\n]{0,20}?(?:投诉|举报|反映)")  # "欠薪可拨打12345投诉"
# Right after 坏了, these take the broken thing to a repairer ("鞋坏了都找他"): a story, not a grievance.
_TAKEN_FOR_REPAIR = re.compile("[都就也]?(?:找他|找她|找师傅|拿给他|拿过去|拿去修|送去修|送过去)")
_PROGRAMME_GAP = 1  # characters allowed between the word and the programme (污染的防治)
# Service stops that are announced ahead (计划停水, 明天将停电, 停水通知) are notices.
_SCHEDULABLE = ("停水", "停电", "停气", "断水", "断电", "停暖", "停运")
# Right before the stop: a plan or a day ahead ("计划停水", "明天停电", "周四全天停电"; not "从周一开始停水").
_SCHEDULED_BEFORE = re.compile("计划|将|拟|预计|定于|暂定|明天|明日|下周|(?<!从)(?:本?周|星期)[一二三四五六日天]")
_SCHEDULED_IN_SENTENCE = ("通知", "公告", "预告", "告知")
# In the same sentence, these make the incident word a drill, training or publicity topic.
DRILL_WORDS = ("演练", "演习", "模拟", "培训", "宣传", "科普", "讲解", "知识", "预案", "比赛", "竞赛")
# The framing of a notice, forecast, opening, completion, campaign, custom or story.
NOTICE_WORDS = (
    "通知", "公告", "通告", "公示", "预告", "预报", "预警", "气象台", "请绕行", "绕行", "优化调整", "调整", "听证",
    "开幕", "开业", "开园", "开馆", "开跑", "开赛", "开通", "通车", "投产", "竣工", "完工", "交房",
    "交钥匙", "下线", "揭牌", "签约", "落成", "启用", "上线", "上市", "引进", "演出", "延长", "发布会", "新品",
    "创新高", "客流", "游客",
    "公布", "开展", "部署", "行动", "讲座", "宣讲", "义诊", "评选", "宣传", "志愿", "习俗", "婚俗", "民俗", "风俗",
    "非遗", "典故", "礼节", "俗话", "谚语", "成语", "诗词", "赏析", "手艺",
    # Questions asking the way, the procedure or a tip: no grievance in them.
    "请问", "问一下", "想问", "求推荐", "推荐一下", "要不要", "在哪办", "哪里补办",
    # How a bill from a hospital elsewhere is paid back ("在长沙住院张家界医保怎么报销"): a procedure.
    "怎么报", "咋报销", "咋个报销", "要带哪些材料", "需要备案", "先备案", "提前备案", "能报多少",
    # The state of the roads asked about or announced ("今天六安路况怎么样", "国庆假期路况提示").
    "路况",
)
# Phrases in which an incident word is a metaphor, a product or a building material, never the
# incident itself (人气爆炸, 塌房, 防火门). The matcher (topic words), the category rule (安全生产)
# and the incident rule here all skip them.
FIGURATIVE = (
    "人气爆炸", "真是爆炸", "真的爆炸", "信息爆炸", "知识爆炸", "票房爆炸", "爆炸性", "爆炸头", "颜值爆炸", "爆炸式增长",
    "生意火爆", "防火门", "防火墙", "防火板", "防火涂料", "防火玻璃", "防火卷帘", "防溺水", "阻燃板", "耐火砖",
    "耐火材料",
    "火灾报警器", "火灾探测器", "防爆", "防泄漏", "防中毒", "塌房", "人设坍塌", "人设崩塌", "心态崩塌",
    "信仰崩塌", "股价坍塌", "流量中毒", "游戏中毒", "中毒太深", "让人中毒", "起火锅", "起火热",
    "车祸现场", "到爆炸",  # 辣到爆炸, 鲜到爆炸, 火到爆炸: as much as can be
    "追尾巴", "一起火车站", "红绿灯笼", "感觉中毒", "感觉已经中毒", "喝中毒", "订单爆炸", "中毒舌", "卖断货",
    "原地爆炸", "生意爆炸", "学生意", "香味爆炸", "热度爆炸", "简直爆炸", "起火钳", "拿起火把", "举起火把", "点起火把", "起火盆",
    "朋友圈爆炸", "量爆炸", "玩失踪", "火爆炸",  # 量爆炸: 销量, 流量, 播放量, 单量
    "够人工钱", "工钱都不够",  # the cost of hired hands (不够人工钱), not a wage owed
    # Canteens that are not a school's, a ticket class, a classmate's birthday (同学|生日): not schools.
    "社区食堂", "老年食堂", "长者食堂", "老人食堂", "爱心食堂", "职工食堂", "员工食堂", "单位食堂", "机关食堂",
    "学生半价", "学生票", "学生证", "同学生日",
    # 坏了 as an intensifier (乐坏了: delighted), not something broken.
    "乐坏了", "高兴坏了", "开心坏了", "笑坏了", "美坏了", "馋坏了", "累坏了", "饿坏了", "急坏了", "吓坏了", "气坏了",
    # A person caught out (网红翻车), not a car overturned.
    "网红翻车", "主播翻车", "明星翻车", "人设翻车",
    # A heart that sank (房子亏了十几万，心塌了), not a building.
    "心塌了",
    # A zone named after old subsidence (采煤塌陷区, now lakes and parks), not a collapse.
    "塌陷区", "沉陷区",
)


def _alternation(words, not_after: dict[str, str] | None = None) -> re.Pattern:
    """Longest first; a word in `not_after` does not match where its pattern follows it."""
    not_after = not_after or {}
    return re.compile("|".join(re.escape(w) + (f"(?!{not_after[w]})" if w in not_after else "")
                               for w in sorted(words, key=len, reverse=True)))


_WORDS = _alternation(INCIDENT_WORDS)
# Kept apart from the word alternation, which a pattern in it makes several times slower to scan; each
# looked for only in posts holding its key.
_GRIEVANCES = {key: re.compile(pattern) for key, pattern in _GRIEVANCE_PATTERNS.items()}
# A training school, company or fee is no training session ("培训机构关门，学费退不了", "骗交培训费").
_NOT_A_DRILL_AFTER = {"培训": "机构|班|学校|中心|公司|费"}
_DRILL = _alternation(DRILL_WORDS, _NOT_A_DRILL_AFTER)
_NOTICE = _alternation(NOTICE_WORDS)
_FIGURATIVE = _alternation(FIGURATIVE)
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
# A notice word, or works given as the cause ("因线路检修"), in the sentence, unless the post says there
# was no notice ("停水两天也没通知", "没看到任何停水通知", "一点通知都没有"): no denial earlier in its clause
# or right after it.
_ANNOUNCED = re.compile("|".join(_SCHEDULED_IN_SENTENCE) + "|因[^，,。；;]{0,6}?(?:检修|维修|改造|施工|切改|迁改)")
_NONE_BEFORE = re.compile("[没未不无][^，,；;：:]*$")
_NONE_AFTER = re.compile("[都也]?[没无]")
# A rumour of an incident denied ("网传化工厂爆炸，官方辟谣：系正常放空燃烧", "网传商场着火不实", "经核实是
# 楼下烧烤店排烟，没有火情", "网传湖里有人落水 实为假人"): nothing happened.
DEBUNKED = re.compile("辟谣|谣言|传谣|系[^，,。]{0,4}?正常|(?<!华而)(?<![冰还])不实(?!在)|不要乱传|别乱传|没有此事|子虚乌有"
                      "|核实[^。！？!?\n]{0,24}?(?:没有|并?未发生|并无|无)(?:发生)?(?:任何)?(?:火情|火灾|起火|爆炸|事故|此事)"
                      "|(?:网传|传言|传闻)[^。！？!?\n]{0,24}?(?:实为|实则|其实是|原来是)")
# Someone saved and praised for it ("快递员跳进河里救起落水儿童，被评为见义勇为先进个人"): a story of a
# good deed, not of the danger it ended.
_RESCUED = re.compile("救起|救上|救下|救人|救出")
_PRAISED = re.compile("见义勇为|点赞|表彰|锦旗|好市民|英雄|义举|授予|评为|称号|感谢信")
_EATING = re.compile("吃|喝")
_SICK = re.compile("医院|呕吐|腹泻|腹痛|送医|就医|抢救|误食|昏迷|身亡|死亡|症状|煤气|一氧化碳|农药|食物中毒|毒蘑菇|不适|住院|急诊")
_CLAUSE_ENDS = "，,；;。！？!?\n"
_CLAUSE_BREAK = re.compile(f"[{_CLAUSE_ENDS}]")
# Anywhere earlier in the clause, these forbid it ("严禁组织学生参加有偿补课", "不让在职老师有偿补课").
_FORBIDDEN = re.compile("严禁|禁止|不得|不准|不许|不让")
# An incident word as the object of work planned against it ("下一步将继续推进扬尘和机动车尾气治理",
# "加强噪音污染整治", "继续抓工地扬尘、餐饮油烟和机动车尾气治理"): a plan in a bulletin, not something that happened.
_PLANNED_AGAINST = re.compile("(?:推进|加强|抓好?|做好|深化|强化|落实|开展|部署)[^，。！？；,;!?\n]{0,10}$")
_REMEDY_AFTER = re.compile("[^，。！？；,;!?\n]{0,16}?(?:治理|管控|管理|监管|整治|防治|攻坚)")
# ... or of an inspection ("重点查看消防通道堵塞、电动车违规充电等问题", "全县共检查沿河企业排污口412个",
# "将对居民投诉集中的路段开展夜间巡查"), or of a fix to come ("完成后将改善河道发臭问题", "臭氧污染仍需重点防控",
# "臭氧污染仍是夏季治理重点"), or a warning of what will happen to whoever does it ("发现偷排问题将依法处理"): a
# bulletin, not an event.
_INSPECTED_BEFORE = re.compile("(?:重点|开展|进行|专项|逐一|全面|共)[^，。！？；,;!?\n]{0,8}?"
                               "(?:检查|查看|排查|巡查|核查|摸排|督查|清查|查)[^，。！？；,;!?\n发]{0,14}$")
_INSPECTED_AFTER = re.compile("[^，。！？；,;!?\n]{0,12}?(?:开展|进行)[^，。！？；,;!?\n]{0,6}?(?:检查|巡查|排查|整治|治理)")
_WILL_FIX = re.compile("(?:将|会|可以?|能够?|有望|以)(?:彻底)?(?:改善|解决|缓解|消除|根治|减少|管好|管住|控制)"
                       "[^，。！？；,;!?\n]{0,10}$")
_STILL_TO_FIX = re.compile("[^，。！？；,;!?\n]{0,4}?(?:仍需|仍要|还需|需要|亟需|有待|仍是|依然是)[^，。！？；,;!?\n]{0,4}?"
                           "(?:防控|治理|整治|管控|改善|解决)")
_WARNED = re.compile("发现[^，。！？；,;!?\n]{0,4}$")
_PUNISHED_AFTER = re.compile("[^。！？；;!?\n]{0,10}?(?:依法|严肃|从严|严厉)(?:处理|查处|处罚|追究)")
# ... or of a problem an inspection found and logged for rectification ("发现排污问题点位43个，已全部建立整改
# 台账", "43个排污口逐一登记建档"), or of a lesson in what to do if it happens ("遇到同伴落水怎么呼救").
_RECTIFIED_AFTER = re.compile("(?:问题|隐患)[^。！？；;!?\n]{0,14}?(?:整改|销号)")
_LOGGED_AFTER = re.compile("口?(?:逐一|全部|统一)(?:登记|建档|编号|排查|整改)")
_IF_BEFORE = re.compile("(?:遇到|遇上|万一|一旦|如果|假如|如遇)[^，。！？；,;!?\n]{0,8}$")
_WHAT_TO_DO_AFTER = re.compile("[^，。！？；,;!?\n]{0,6}?(?:怎么|如何|怎样)")
# ... or what a rule threatens to punish ("违规学校将被通报", "偷排企业一律依法查处"), what a campaign puts right or
# guards against ("重点整治燃煤锅炉、工业废气和扬尘", "严防燃气爆炸事故"), or the typical cases a ministry sends out
# as a warning ("通报近期几起典型火灾事故").
_THREATENED_AFTER = re.compile("[^，。！？；,;!?\n]{0,6}?(?:将被|将予以|将依法|一律)(?:严肃|依法|从严)?"
                               "(?:通报|处理|查处|处罚|追责|问责|取缔|曝光)")
_REMEDIED_BEFORE = re.compile("(?:重点|集中|专项)(?:整治|治理|管控|清理|取缔)[^，。！？；,;!?\n]{0,12}$"
                              "|(?:严防|防范|预防|防止|谨防|杜绝|遏制)[^，。！？；,;!?\n]{0,12}$")
_CASES_NOTIFIED = re.compile("(?:通报|曝光)[^，。！？；,;!?\n]{0,8}典型[^，。！？；,;!?\n]{0,4}$")
# The main pollutant a bulletin names ("首要污染物为臭氧"): a figure of the air, not pollution done.
_NAMED_POLLUTANT = re.compile("(?:首要|主要)$")
_RULES = frozenset({"严禁", "禁止", "不得"})  # the words of a rule itself; the others, of people citing one
# What a rule forbids, after its word ("严禁|露天焚烧秸秆、垃圾"; not 舍不得, 不得不, 不得安宁).
_RULE_CLAUSE = re.compile("(?<=严禁|禁止)[^，。！？；,;!?\n]+|(?<=(?<![舍恨巴怪由记顾免])不得)(?![不了安劲已])[^，。！？；,;!?\n]+")
# Anywhere earlier in the clause, these deny all it lists ("未发生火灾和人员伤亡", "没有造成…").
_NOT_HAPPENED = re.compile("(?:未|没有?)(?:发生|造成)")
_DENIAL_REACH = 6  # characters before the incident word looked at (未造成人员伤亡: 未 is 5 before)
_FIGURATIVE_REACH = 4


def incident_verdict(text: str) -> str | None:
    """INCIDENT, DRILL, NOTICE or None for `text` (see the module docstring)."""
    text = fold_dialect(text)
    if ("推荐" in text or "靠谱" in text or "哪" in text) and _RECOMMENDATION.search(text):  # each form holds one
        return QUESTION
    drill_seen = softened = False
    debunked = praised = None  # looked for once, when an incident word is first found
    for m in _incident_matches(text):
        start, end = m.span()
        if _figurative(text, start, end):
            softened = True  # "好吃到中毒": a figure (NOTICE)
            continue
        sentence = _sentence(text, start, end)
        if _DRILL.search(sentence):
            drill_seen = True
            continue
        if _ADVISORY.search(sentence):  # "…有大到暴雨，请注意防范山洪和城市内涝": a forecast
            softened = True
            continue
        clause_start = _clause_start(text, start)
        if forbidden := _FORBIDDEN.search(text, clause_start, start):
            # "严禁在职教师参与有偿补课": a rule (a notice); "不是不让有偿补课吗": a rule a complaint cites
            softened = softened or forbidden.group() in _RULES
            continue
        if _worked_against(text, clause_start, start, end):
            softened = True
            continue
        if debunked is None:
            debunked = DEBUNKED.search(text) is not None
            praised = _RESCUED.search(text) is not None and _PRAISED.search(text) is not None
        if debunked or praised or _denied(text, start, end, m.group(), clause_start):
            softened = True
            continue
        return INCIDENT
    if drill_seen or _DRILL.search(text) and _drill_topic(text):
        return DRILL
    if _ASKED.search(text):
        return QUESTION
    if debunked:
        return DENIED
    if softened or _NOTICE.search(text) or _FIGURATIVE.search(text):
        return NOTICE
    return None


def _worked_against(text: str, clause_start: int, start: int, end: int) -> bool:
    """Whether the incident word at text[start:end] names what a bulletin plans, inspects, logs, means to fix,
    targets, guards against, warns against or threatens to punish, a typical case it cites, the main pollutant it
    reports or what a lesson teaches to do if it happens, rather than something that happened."""
    return bool(_PLANNED_AGAINST.search(text, clause_start, start) and _REMEDY_AFTER.match(text, end)
                or _INSPECTED_BEFORE.search(text, clause_start, start)
                or "对" in text[clause_start:start] and _INSPECTED_AFTER.match(text, end)
                or _WILL_FIX.search(text, clause_start, start) or _STILL_TO_FIX.match(text, end)
                or _WARNED.search(text, clause_start, start) and (_PUNISHED_AFTER.match(text, end)
                                                                  or _RECTIFIED_AFTER.match(text, end))
                or _LOGGED_AFTER.match(text, end) or _THREATENED_AFTER.match(text, end)
                or _REMEDIED_BEFORE.search(text, clause_start, start) or _CASES_NOTIFIED.search(text, clause_start, start)
                or _IF_BEFORE.search(text, clause_start, start) and _WHAT_TO_DO_AFTER.match(text, end)
                or text.startswith("物", end) and _NAMED_POLLUTANT.search(text, max(0, start - 2), start))


# Someone asking for a recommendation: a craftsman, a shop, a hospital, a place to stay.
_RECOMMENDATION = re.compile("有没有[^，。？?！!]{0,6}靠谱|求推荐|推荐一下|推荐[一几][个家位下]|哪里有[^，。？?！!]{0,8}靠谱"
                             "|哪家[^，。？?！!]{0,12}(?:好吃|正宗|靠谱|好一点|比较好|条件好|地道|最好)"
                             "|哪个[^，。？?！!]{0,12}(?:好一点|比较好|靠谱)")
# Someone asking when, where or how ("请问回迁房什么时候分房？", "请问学区划片在哪里能查到？"), with no
# grievance said: a question.
_ASKED = re.compile("(?:请问|有没有知道|有谁知道|有没有人知道|想问一下|问一下)[^。！？!?\n]{0,30}?"
                    "(?:什么时候|啥时候|哪天|在哪|哪里|怎么查|怎么办|怎么弄|怎么报|多少钱|对口)")


def _incident_matches(text: str):
    yield from _WORDS.finditer(text)
    for key, pattern in _GRIEVANCES.items():
        if key in text:
            yield from pattern.finditer(text)


def is_drill(text: str) -> bool:
    """A post about a drill or exercise itself (演练, 演习), with no incident reported."""
    return incident_verdict(text) == DRILL and _drill_topic(text)


def _denied(text: str, start: int, end: int, word: str, clause_start: int) -> bool:
    """Denied or prevented before, a programme's name after, a service stop announced ahead, a broken
    thing taken to a repairer, or wages the post says were recovered."""
    # Not denials after all: a firm reported for it (被举报偷排), a delay in the handling itself (处置延误).
    # (read a little further back, so that "被家长举报" is dropped whole)
    before = _REPORTED_FOR.sub("", text[max(0, start - _DENIAL_REACH - 6):start])[-_DENIAL_REACH:]
    if word == "延误":
        before = before.removesuffix("处置")
    # A one-character denial counts only within the clause ("门都不敢开，苍蝇一大堆" denies nothing);
    # a longer one reaches back over a comma ("没有出现，噪音也小"). A denial before 就 belongs to what
    # was not done first ("没谈好就被推了", "不交就断水断电"), unless only a risk follows ("一不小心就会摔下去").
    clause = _SOON_AFTER.sub("", _CLAUSE_BREAK.split(before)[-1])
    _, then, rest = clause.rpartition("就")
    if then and not rest.startswith(("会", "可能", "要")):
        clause = rest
    if any(d in (clause if len(d) == 1 else before) for d in _DENIALS):
        return True
    if _NOT_HAPPENED.search(text, clause_start, start):  # "未发生安全事故和人员伤亡"
        return True
    if before.endswith("别") and not before.endswith("特别"):  # "推荐一家，别太贵的": a wish
        return True
    if any(text.startswith(_PROGRAMMES, end + gap) for gap in range(_PROGRAMME_GAP + 1)):
        return True
    if _PHONE_LINE.match(text, end) or text.startswith(_LINES_NAMED, end) \
            or text.startswith(("电话", "热线"), end) \
            and _LINE_PUBLISHED.search(text, clause_start, start):
        return True
    if _SLIGHT.match(text, end) or _FIXED_AFTER.match(text, end):
        return True
    if word == "投诉" and _PROCEDURE.match(text, end):
        return True
    if word == "坏了" and _TAKEN_FOR_REPAIR.match(text, end):  # "鞋坏了都找他": a repairer's story
        return True
    # "为86名农民工追回工资": a case handled; "开展根治欠薪专项行动": a campaign
    if (word in _WAGE_WORDS or _OWED.search(word)) and (_RECOVERED.search(text) or _CAMPAIGN.search(text)):
        return True
    return word in _SCHEDULABLE and _scheduled(text, start, end, before)


# "开学没几周突然关门", "买了没多久就坏了": how soon it happened, not that it did not.
_SOON_AFTER = re.compile("没(?:几|多久|多长时间|两[天周月年])")
_REPORTED_FOR = re.compile("被[^，,。；;]{0,4}?举报")  # "被家长举报周末强制补课": what they were reported for


def _clause_start(text: str, start: int) -> int:
    return max(text.rfind(c, 0, start) for c in _CLAUSE_ENDS) + 1


def _scheduled(text: str, start: int, end: int, before: str) -> bool:
    """A service stop announced ahead (计划停水, 明天停电, 停水通知, 因线路检修停电)."""
    if _SCHEDULED_BEFORE.search(before):
        return True
    sentence = _sentence(text, start, end)
    return any(not _NONE_BEFORE.search(sentence[:m.start()])
               and not _NONE_AFTER.match(sentence, m.end()) for m in _ANNOUNCED.finditer(sentence))


def without_figures(text: str) -> str:
    """`text` with the incident words inside its figurative phrases blanked ("人气爆炸" reads "人气，",
    "乐坏了" reads "乐，"), and the clauses that state a rule ("严禁露天焚烧秸秆、垃圾") blanked, for the tone
    model: a metaphor's 爆炸 is no evidence of harm, nor is the act a rule forbids; the rest keeps its tone."""
    text = _FIGURATIVE.sub(lambda m: _WORDS.sub("，", m.group()), text)  # one scan; no figure, no copy
    return _RULE_CLAUSE.sub("", text) if "严禁" in text or "禁止" in text or "不得" in text else text


def _figurative(text: str, start: int, end: int) -> bool:
    window = text[max(0, start - _FIGURATIVE_REACH):end + _FIGURATIVE_REACH]
    return any(f in window for f in FIGURATIVE) or text.startswith("中毒", start) and hooked_on_food(text)


def hooked_on_food(text: str) -> bool:
    """Whether 中毒 in `text` is a craving for food or drink ("吃了三天小串，感觉中毒了"): eating or
    drinking is told and nobody is sick, poisoned by gas or taken to hospital."""
    return bool(_EATING.search(text)) and not _SICK.search(text)


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The start and end of the sentence holding text[start:end]."""
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right = _SENTENCE_END.search(text, end)
    return left, right.start() if right else len(text)


def _sentence(text: str, start: int, end: int) -> str:
    left, right = sentence_span(text, start, end)
    return text[left:right]


def _drill_topic(text: str) -> bool:
    """A post about an exercise itself ("开展应急演练"), not one that merely mentions training."""
    return bool(re.search(r"(?:演练|演习)", text))
