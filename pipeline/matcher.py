"""Locality and topic matching: one Aho-Corasick pass, then jieba only where it can matter.

1. One automaton of the locality terms (and the terms of locality-optional topics) runs over the
   compact text (filler between CJK characters removed, lower-cased). A post is a CANDIDATE when
   it finds a locality term that could count (an unambiguous one, or an ambiguous one together
   with context) or a term of a locality-optional topic. Every other post, the vast majority, is
   irrelevant at the price of that one pass, whatever the number of topics.
2. Candidates are segmented with jieba (all terms are in its dictionary). A hit counts only when
   it starts and ends on token boundaries: "青溪" inside the token "青溪路" does not count.
   Topic terms and look-alikes are therefore found by looking up runs of whole tokens in a dict
   (extending a run only while it is a prefix of some term): one lookup per token, whatever the
   number of topics. (Putting topic terms in the automaton would not be flat: measured here,
   pyahocorasick's scan of an 80-character post slows from 2 µs to 34 µs as the automaton grows
   from 60 to 12,000 words, presumably because CJK trie nodes have thousands of children.)
   Topic evaluation visits only topics with a hit (plus catch-alls), so its cost follows the
   hits, not the number of topics.
3. Locality look-alikes: a locality hit covered by a configured `exclude` term (青溪路) does not
   count, nor does one followed by a road word (路, 大道, 街, 巷, …) that ends on a token boundary:
   "上海宜宾路" is a street in Shanghai, not 宜宾 ("宜宾路况" still counts: 路况 is one token);
   nor one followed by a division word (乡, 镇, 县, 区, 市, 街道) when the longer name is not a
   locality term itself: "大田县屏山乡" is in Fujian, not our 屏山县; nor a district or township
   name placed in another city right after it ("东湖区在南昌"). All are reported in
   `exclusions`: "locality:青溪路", "locality:宜宾路", "locality:屏山乡", "locality:东湖区在南昌".
   Where the post is set: in a post that names another province, city or single-place county and
   no city-level name of ours, our minor names (townships; county names that townships elsewhere
   bear: pipeline/divisions.py) are namesakes ("江苏某地宜阳", "locality:宜阳@江苏"); and a title
   that names another place and nothing of ours sets the whole post there, whatever its body
   says of us (a dish or shop named after us in 北京: "locality:洛阳@北京"), and so does a title
   that names another city before a shop or stall carrying our name ("上海的洛阳水席馆"). A full
   division name before 路段/路上 is the stretch inside it ("奎文区路段"), not a street.
4. A topic term right after a negation ("未造成伤亡", "没有发现异味", "无明显异味": a negation
   token, then at most two bridge tokens such as 造成/发现/明显) does not count towards its topic;
   it is reported in `exclusions` as "negated:伤亡". Negation and bridge words are whole tokens, so
   不断/不明/不停 ("不断发生爆炸", "不明气体泄漏") are not negations. A pollution word right
   before an accident word names what exploded or poisoned ("粉尘爆炸"): "cause:粉尘", not pollution.
5. Incidental mentions: when the title (the text before the first newline) names a topic, a
   topic whose words appear only once, in the body, is dropped ("incidental:<id>"): a post titled
   "…早上堵车" that mentions one 学生 is about traffic, not schools.
6. Ambiguous division names (see pipeline/divisions.py) need context in the same post: an
   unambiguous locality term or an anchor (a name above the configured division) anywhere in it,
   and for everyday words (和平, 长安) right before them ("天津和平区", "天津的和平区"), since
   "世界和平 #天津#" is not about 天津市和平区. A full division name that several places bear
   (招贤镇, 凤凰街道, 鼓楼区; not a kind of area such as 开发区) is ours alone in a post that names no
   other place: a namesake comes with its city ("扬州江都大桥镇").
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain, compress

import ahocorasick

from pipeline.divisions import (DivisionTree, ancestor_names, bearers, common_names, dictionary_names,
                                distinct_county_names, idioms, place_names, province_names, shipped_tree,
                                TOWN_PARTS)
from pipeline.incidents import BLAZES, DEBUNKED, DRILL_WORDS, FIGURATIVE, hooked_on_food, is_drill, sentence_span
from pipeline.normalize import Normalizer, compact
from pipeline.plates import VEHICLE_WORDS, one_car
from pipeline.segment import offsets
from pipeline.topics import TopicsConfig
from pipeline.types import TopicHit
from pipeline.vocabulary import topic_any_terms

ROAD_WORDS = ("大道", "大街", "胡同", "路", "街", "巷", "弄", "道")
# Right after another place, these make it part of a street's or school's name, and such a street or
# school is in ours ("拉萨北京中路", "江苏实验中学"). Not 道: 湖南|道|县.
_NAME_PART_AFTER = frozenset((w,) for w in ("大道", "大街", "路", "街", "巷", "中路", "东路", "西路", "南路", "北路",
                                            "一路", "二路", "三路", "四路", "五路", "六路",
                                            "路口", "街口",  # "新华路北京路口": a crossing of our 北京路
                                            "实验", "实验中学", "实验小学", "实验学校",
                                            "会馆", "大堤"))  # 黄州会馆 in any old town, 沅江大堤: a river's
# The last character of a division's or a landmark's name, which jieba may give to the next word
# ("发展|乡政府" for 发展乡|政府, "贤|山脚下" for 贤山|脚下).
_NAME_TAILS = frozenset(("乡", "镇", "县", "区", "市", "街道", "山", "湖", "河", "江"))
_TOWNSHIP_AFTER = frozenset((w,) for w in ("乡", "镇", "村", "街道"))
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

DIVISION_WORDS = ("街道", "乡", "镇", "县", "区", "市")
_TOWN_LEVELS = ("街道", "镇", "乡")
_ON_IT = frozenset(("上", "下", "里", "边"))  # after a hill, lake or river: on, below, in or by it
# A township's office or its streets in one jieba word ("武侯|街道社区", "屏山|镇政府", "屏山|镇上"): the name before
# it is that township's, as if the level word stood alone.
_TOWN_LEVEL_TOKENS = frozenset({"街道社区", "街道办", "镇政府", "乡政府", "镇党委", "乡党委", "镇上", "镇里"})
# Tokens that start with a road word and still say "on/at that road": "上海柳州路上", "柳州路口".
ROAD_TOKENS = frozenset({"路上", "路口", "路边", "路段", "路旁", "路面", "路东", "路西", "路南", "路北",
                         "街上", "街口", "街边", "街头", "道上", "大道上"})
# Tokens that place what comes before them in the place after them ("东湖区在南昌"): a district or
# township name so placed in another city or province is a namesake there.
_PLACED_IN = frozenset({"在", "位于", "属于", "隶属"})
# Accident words before which a pollution category's substance word names the cause (粉尘爆炸).
_ACCIDENTS = frozenset({"爆炸", "爆燃", "闪爆", "起火", "着火", "中毒", "窒息"})
_POLLUTION = "环境保护"
_FIRES = frozenset({"起火", "着火", "失火", "火灾", "火情", "爆炸", "爆燃", "闪爆", "山火", "林火", *BLAZES})
# Words of a road crash, and nothing else about the road.
_CRASHES = frozenset({"车祸", "交通事故", "相撞", "撞车", "追尾", "侧翻", "翻车", "剐蹭", "刮蹭", "刮擦", "撞倒"})
_SMOKE = frozenset({"浓烟", "黑烟", "烟尘", "呛人", "呛得", "烧焦味"})
_SCHOOL = "教育文体"
_HEALTH = "卫生计生"
_TRAFFIC = "交通运输"
_WAGES = "劳动和社会保障"
_DEMOLITION = "城乡建设"
# Pay owed, docked, half paid or kept, with who and how much between the words ("欠了十几个工人半年工资",
# "扣了一个月工资", "只发一半工资", "三个月工资一分没拿到", "工资还没拿到", "押金和工资都不退", "工资一直拖",
# "工资又晚发了", "半年只拿到一半工资", "工资也扣着", "工资到现在还差一半"); in the north-east pay is 开资 ("每个月只开一半资").
_WAGE_DEBT = re.compile(r"(?:[欠拖](?:了|着)?|不给|(?<![不没未])扣(?:了|掉)?|只发了?|只(?:拿|领)到了?|少发了?)"
                        r"[^，。！？!?,\n]{0,14}?发?(?:工资|工钱|加班费|尾款)"
                        r"|(?:只|少|没|不|才)开[^，。！？!?,\n]{0,4}?资(?![金料格源产本质讯])|开不出资"
                        r"|(?:工资|工钱|加班费|尾款)(?:[^，。！？!?,\n]{0,4}?欠[了着]|[^，。！？!?,\n]{0,8}?"
                        r"(?:(?:一分钱?)?[都也还]?没(?:拿到|给|发|退|结)|都?不退|不给|[都也]?被?(?:扣了|扣光|扣下|扣着|压着)|被扣"
                        r"|还差)"
                        r"|[^，。！？!?,\n]{0,4}?(?:一直|老是|总是|又)?(?:拖|晚发))")
# Money owed for work told by the sum or the months, or fees of hauling and labour kept ("活干完了…欠我八千块",
# "劳务公司已经欠我们三个月钱了", "给我们几个干活的欠了一万多", "司机被拖欠运费快半年了").
_OWED_FOR_WORK = re.compile(r"(?:欠[了着]?(?:我|我们|工人|大家|他们|俺|咱)|干活的?欠了?)[^，。！？!?,\n]{0,8}?"
                            r"[\d一二两三四五六七八九十几百千万半]"
                            r"[^，。！？!?,\n]{0,3}?(?:块|元|万|个月的?钱)|拖欠[^，。！？!?,\n]{0,6}?(?:运费|劳务费|搬运费)")
# Work settled for less than agreed ("摘棉花干了一个多月…结账的时候老板说棉价跌了，只给一半"): pay withheld.
_SHORT_PAID = re.compile(r"(?:干了|做了|摘|打工|兼职|帮工|一天|一小时|按斤)[^。！？!?\n]{0,40}?结账"
                         r"[^。！？!?\n]{0,20}?(?:只给|给一半|扣了|全扣|扣掉|少给|不给)")
# A visitor or hiker hurt in a fall ("一游客下山时摔伤", "驴友走野路时摔下山坡"): an accident at the site, read as 坠落.
_VISITOR_FELL = re.compile(r"(?:游客|驴友|登山的|爬山的)[^。！？!?\n]{0,24}?(?:摔伤|摔下|滚下|踩空|摔断|骨折|跌落|坠崖)")
# Freshmen taught or received at a college ("为新生开展入学安全教育"): a school matter, read as 学生.
_FRESHMEN = re.compile(r"(?:为|给|对|组织)新生(?!儿)|新生(?:入学|报到|军训|开学|安全教育)|入学(?:安全)?教育")
# A lift that dropped or shot up ("电梯突然从六楼下坠到二楼"): an accident, as a fall is.
_LIFT_DROPPED = re.compile(r"电梯[^。！？!?\n]{0,12}?(?:下坠|坠落|溜梯|冲顶|往下掉|掉了下去)")
# Flights cancelled or delayed, trains late: a transport disruption, read as the traffic term 停运.
_SERVICE_DISRUPTED = re.compile(r"航班[^，。！？!?,\n没不未]{0,6}?(?:取消|延误|停飞)"
                                r"|(?:城际|动车|高铁|列车|火车)[^，。！？!?,\n没不未]{0,8}?(?:晚点|延误)")
# A dormitory of a school, a college or a campus: a school matter ("燕山大学西校区宿舍楼又没热水了").
_SCHOOL_DORM = re.compile(r"(?:大学|学院|职院|师专|技校|职专|学校|高中|中学|小学|校区|[一二三四五六七八九十]中)"
                          r"[^，。！？!?,\n]{0,8}?宿舍")
_BUILDERS = re.compile("施工|工地|修楼|盖楼|建楼|重建|木工|钢筋工|班组")  # builders at work: with wages, a wages post
_TEACHERS_PAY = re.compile("绩效工资|财政|公办|在编|编制|乡村老师|乡村教师|代课")
# A new building of a school's ("一所中学新教学楼去年就完工了"): its unpaid workers are builders.
_NEW_BUILDING = re.compile("(?:新建|新修|新盖|新)的?(?:学生|教师|师生)?(?:宿舍楼|教学楼|实验楼|校舍|食堂)")
# Fees of a car park changed or charged ("东广场停车场下月起调整收费标准"); overcharging at a sight's car
# park (景区门口停车乱收费) is a grievance against the sight, not traffic.
_PARKING_FEES = re.compile(r"停车(?:场|位)?[^，。！？!?,\n]{0,8}?(?<!乱)收费")
# A vehicle that ran into another or into people, said with 撞上/撞了 ("货车撞上一辆电动车") or with 把
# ("渣土车跑得飞快，今天早上把一个骑电动车的大姐刮倒了"): a road accident.
_COLLISION = re.compile(r"车[^，。！？!?,\n]{0,6}?撞(?:上|了)|撞(?:上|了)[^，。！？!?,\n]{0,4}?(?:车|行人)"
                        r"|车[^。！？!?\n]{0,20}?把[^，。！？!?,\n]{0,10}?(?:撞倒|刮倒|撞伤|撞飞)"
                        # knocked down by a turning lorry ("半挂车右转刮倒了一辆电动车"), not by the wind (车棚被风刮倒)
                        r"|车(?!棚|库|位)(?:(?!风)[^，。！？!?,\n]){0,8}?(?:刮倒|撞倒)"
                        # a vehicle scraped by or with another ("校车被货车刮了", "校车和三轮车刮了"), not by the wind
                        # nor a shed (车棚被刮倒)
                        r"|车(?!棚|库)[^，。！？!?,\n]{0,6}?(?:被|和|与|跟)(?:(?!风)[^，。！？!?,\n]){0,6}?[刮剐蹭]"
                        # someone on a bike or on foot hit ("有人骑车被撞", "过马路时被电动三轮撞伤")
                        r"|(?:骑车|骑电动车|走路|过马路|行人)[^，。！？!?,\n]{0,6}?被[^，。！？!?,\n]{0,6}?撞")
# Spoil or rubbish tipped into water or left to wash down, water let out green, red or black ("往金沙江倒弃渣",
# "渗黄红色的水", "有人开三轮车来倒生活垃圾", "把煤泥水往河沟里放", "脏水顺着排水沟往河里淌", "臭水直接淌进田里").
_DUMPED = re.compile(r"弃渣|废渣|放绿水|[黄红绿黑酱蓝]色的水|往[^，。！？!?,\n]{0,4}?(?:倒|排)(?:渣|垃圾)|堆满了?(?:生活)?垃圾"
                     r"|有人[^，。！？!?,\n]{0,10}?倒[^，。！？!?,\n]{0,4}?垃圾"  # not 下楼倒垃圾: a chore
                     r"|(?:煤泥|粪|污|废|黑|臭|脏)水[^，。！？!?,\n]{0,10}?(?:往[^，。！？!?,\n]{0,6}?(?:放|淌|流)"
                     r"|(?:淌|流)(?:进|到|入)[^，。！？!?,\n]{0,3}?(?:田|河|沟|塘|江|湖))")
# A river, stream or pond turned yellow, black or green ("小河又变黄了", "河水发黑", "水又白又浑"): not tap water
# (自来水发黄: a supply matter), rice (水稻发黄), nor snow turning a valley white.
_WATER_DISCOLOURED = re.compile(r"(?:河|溪|江|湖|塘|沟|渠|水库|(?<!自来)水(?!稻|果|泥|平|准))[^，。！？!?,\n]{0,3}?"
                                r"(?:发黄|发黑|发白|发绿|发红|变黄|变黑|变绿|变红|变浑|黄汤汤|黑乎乎|又白又浑|又黄又浑|白花花"
                                r"|是黄的|是黑的)"
                                # the water itself red, green, white or blue ("沟里的水是红的"), not a river lit red
                                r"|(?<!自来)水面?[都全]?是(?:红|绿|白|蓝)的")
# Land taken for a road or a project and not paid for, with whose land and how much between the words
# ("修路占了我家两分地，…没有任何补偿", "占了地还没给钱"); not 占地面积, the size of a site.
_LAND_TAKEN = re.compile(r"占[了用]?[^，。！？!?,\n]{0,8}?地(?![方面盘址区铁下位球毯板皮砖])"
                         r"[^。！？!?]{0,40}?(?:补偿|赔偿|给钱|没给|不给|一分钱?[都也]?没)")
# A vehicle slid into a ditch or stuck in a thawing road ("好几台车滑到沟里", "校车打滑溜进边沟", "路翻浆，
# 车陷进去出不来", "村道没路灯，骑摩托的小伙子拐弯没看清掉进河里"): the road's fault, a traffic matter,
# unlike a warning to mind the ice.
_STUCK_ON_ROAD = re.compile(r"车[^，。！？!?,\n]{0,12}?[滑溜栽冲](?:到|进|下|入)[^，。！？!?,\n]{0,3}?沟"
                            r"|骑(?:摩托|电动车|电瓶车|三轮|自行车)[^。！？!?\n]{0,16}?[摔掉栽翻冲](?:到|进|下|入)了?"
                            r"[^，。！？!?,\n]{0,3}?(?:沟|河|塘)"
                            r"|翻浆|车[^，。！？!?,\n]{0,4}?陷(?:进|在|到)")
# A facade, a sign, a wall, a shed or a crane that fell on cars or people, a machine that crushed a worker
# ("外墙皮大块脱落，砸坏楼下两辆车", "广告牌被刮倒，砸中路边停的一台车", "山上掉下落石，砸中一辆越野车",
# "钢棚被大风掀翻，砸到路边一个骑电动车的人", "操作冲床时手被压伤"): an accident of building or work safety,
# unlike hail on crops or a tree blown down.
_STRUCK = re.compile(r"(?:外墙|墙皮|保温层|瓷砖|墙砖|阳台|围墙|院墙|墙体|广告牌|招牌|塔吊|吊车|零件|钢卷|落石|滚石|山石"
                     r"|钢棚|铁皮棚|雨棚|围挡|脚手架|集装箱|龙门吊|空调外机)"
                     r"[^。！？!?\n]{0,24}?(?<!差点)(?<!险些)[砸压](?:坏|中|了|伤|到|扁|凹|在)"
                     r"|(?:机器|冲床|车床|设备)[^。！？!?\n]{0,10}?[压夹绞轧]伤")
# Vehicles that cannot get through or stand blocked ("公交车都过不去", "车子一排排堵在码头", "走不了车"): traffic held up.
_HELD_UP = re.compile(r"车[^，。！？!?,\n]{0,8}?(?:过不去|过不了|走不了|堵在)|过不了车|走不了车|堵在路上")
# Work gone unpaid without a word for pay: a foreman who ran off, the workers' money in limbo, months of work and
# not a cent ("包工头把钱卷走人跑了", "二十几个人的钱没着落", "干了半年一分钱没拿到").
_UNPAID_WORK = re.compile(r"包工头[^，。！？!?,\n]{0,10}?跑|(?:工资|工钱|人的钱)[^，。！？!?,\n]{0,3}?没着落"
                          r"|干了[^，。！？!?,\n]{0,6}?一分钱?没(?:拿到|见)")
# Potholes in a road left unfilled ("杜岭街这几个大坑有半个月了", "村道化冻以后全是大坑", "坑一直没人补").
_POTHOLES = re.compile(r"(?:路|街|道)[^，。！？!?,\n]{0,4}?(?:这几个|好多|全是|到处是|一个个)?大坑"
                       r"|坑[^，。！？!?,\n]{0,6}?(?:没人补|没人修|补一下)")
# A college or school's own event ("荆州职业技术学院本周六举办招生开放日", "仰恩大学新图书馆投入使用",
# "资中一中新校区明年投用"): the institution is the subject, though jieba keeps its name one word.
_SCHOOL_EVENT = re.compile(r"(?:大学|学院|职院|职大|师大|中学|小学|[一二三四五六七八九十]中|校区)[^，。！？!?,\n]{0,8}?"
                           r"(?:开放日|毕业典礼|图书馆|开训|招生|统招线|划片|开学典礼|校庆|建校)"
                           r"|新校区[^，。！？!?,\n]{0,8}?(?:投用|启用|投入使用)")
# A bus, coach or train too crowded to board ("早上那班挤得跟罐头一样", "公交车也挤不上去").
_CROWDED = re.compile(r"(?:公交|大巴|班车|地铁|客车|车厢|那班|这班|车)[^，。！？!?,\n]{0,8}?(?:太挤|挤得|很挤|挤死|挤爆|挤不)")
# Cooking fumes where jieba cut the word apart ("烧烤|摊油|烟熏|人") or made it the hood that blows them at
# homes ("油烟机直接对着居民楼排").
_FUMES = re.compile(r"油烟(?!机)|油烟机[^，。！？!?,\n]{0,6}?(?:对着|冲着|朝着|往)")
# Lorries queuing for kilometres ("口岸出口货车排了几公里长队") or a road the rain washed away so that cars cannot
# pass ("到县城的路被雨水冲坏了半边，车只能单边过"): traffic held up.
_QUEUED = re.compile(r"(?<!观光)(?<!停)车[^，。！？!?,\n]{0,10}?排(?:了|起了?)?[^，。！？!?,\n]{0,6}?(?:长队|长龙|公里)")
_WASHED_OUT = re.compile(r"(?:路|桥|路基|路面)[^，。！？!?,\n]{0,10}?(?:冲坏|冲毁|冲断|冲垮)[^。！？!?\n]{0,20}?车")
# An ambulance that came late, the time between ("打120半个多小时车才到", "救护车四十分钟才到").
_AMBULANCE_LATE = re.compile(r"(?:救护车|[打拨叫]了?120)[^。！？!?\n]{0,16}?(?:才到|才来|还没到|还没来|迟迟)")
# A vehicle office open on Saturdays or at the weekend ("车管所周六上午照常办理驾驶证换证", "车管服务站周六照常
# 办公"): a traffic service notice, unlike a plate or an inspection notice alone.
_VEHICLE_OFFICE_HOURS = re.compile(r"车管(?:所|分所|服务站)[^。！？!?\n]{0,20}?(?:周六|周末)[^。！？!?\n]{0,12}?"
                                   r"(?:办公|办理|业务|上班)")
# (pattern, strings one of which every match holds, the vocabulary term a match counts as, a pattern of
# posts where it does not): owed, docked or kept pay with who and how much between the words, money owed
# for work, work settled short or gone unpaid; a flight or train disrupted; a school's dormitory, or a
# resettlement estate (安置小区, the homes of people moved for demolition), unless builders are at work on it;
# car park fees (counted as 停车收费标准, not 停车收费: a two-word term also matches across a modifier, and
# "停车乱收费" at a sight is no traffic matter); a collision; rubbish or spoil dumped; land taken unpaid; a
# vehicle slid off or stuck; an ambulance late; lorries queuing, vehicles held up or a road washed out; a bus
# too crowded to board; potholes; a vehicle office's weekend hours; a college's own event, unless builders are
# at work there; cooking fumes; a thing that fell on cars or people; a visitor's fall; water discoloured.
_READ_AS = ((_WAGE_DEBT, ("工", "资", "尾款"), "欠工资", None), (_OWED_FOR_WORK, ("欠",), "欠工资", None),
            (_SHORT_PAID, ("结账",), "欠工资", None), (_UNPAID_WORK, ("跑", "没着落", "一分"), "欠工资", None),
            (_SERVICE_DISRUPTED, ("航班", "晚点", "延误"), "停运", None),
            (_SCHOOL_DORM, ("宿舍",), "校区宿舍", _BUILDERS), (re.compile("安置小区"), ("安置小区",), "安置房", _BUILDERS),
            (_PARKING_FEES, ("收费",), "停车收费标准", None), (_COLLISION, ("撞", "刮"), "车祸", None),
            (_DUMPED, ("渣", "色的水", "绿水", "垃圾", "放", "淌", "流"), "倾倒", None), (_LAND_TAKEN, ("占",), "征地", None),
            (_STUCK_ON_ROAD, ("沟", "翻浆", "陷", "骑"), "滑进沟里", None),
            (_AMBULANCE_LATE, ("救护车", "120"), "救护车才到", None),
            (_QUEUED, ("排",), "车辆排长队", None), (_HELD_UP, ("过不", "走不了", "堵在"), "出行受阻", None),
            (_FUMES, ("油烟",), "油烟", None), (_CROWDED, ("挤",), "挤不上", None),
            (_POTHOLES, ("坑",), "全是坑", None), (_VEHICLE_OFFICE_HOURS, ("车管",), "车管所业务", None),
            (_SCHOOL_EVENT, ("开放日", "典礼", "图书馆", "开训", "招生", "统招线", "划片", "校庆", "建校", "投用", "启用",
                             "投入使用"), "院校", _BUILDERS),
            (_WASHED_OUT, ("冲",), "道路损毁", None), (_STRUCK, ("砸", "压", "夹伤", "绞伤", "轧伤"), "砸伤", None),
            (_VISITOR_FELL, ("游客", "驴友", "登山", "爬山"), "坠落", None), (_LIFT_DROPPED, ("电梯",), "坠落", None),
            (_FRESHMEN, ("新生", "入学"), "学生", None),
            (_WATER_DISCOLOURED, ("黄", "黑", "白", "绿", "红", "浑"), "污水", None))
_SENTENCE = r"[^。！？!?\n]*"
_CLAUSE = r"[^。！？!?，,；;\n]*"


def _around(core: str, span: str = _SENTENCE) -> re.Pattern:
    """The sentences (or, with _CLAUSE, the clauses) in which `core` matches."""
    return re.compile(f"{span}(?:{core}){span}")


_SCHOOL_GATE_JAM = re.compile(r"(?:学校|小学|中学|高中|初中|学院|幼儿园|[一二三四五六七八九十]+[中小高])(?:[^，。！？!?,\n]{0,4}?(?:门口|校门)"
                              r"[^。！？!?\n]{0,30}?(?:堵(?!学生|孩子)|车停满|停满)"  # not 堵学生要钱: extortion
                              r"|[^，。！？!?,\n]{0,8}?堵在?校?门口)")
# A sentence telling such a jam.
_JAM_SENTENCE = _around(_SCHOOL_GATE_JAM.pattern)
_SAFETY = "安全生产"
_SCHOOL_WORKERS = frozenset({"老师", "教师", "培训机构", "辅导班", "学生", "大学生"})
_CANTEEN_STAFF = _SCHOOL_WORKERS | {"食堂", "学校", "小学", "中学", "高中", "大学", "学院"}  # a contractor's hands
_STUCK_IN = re.compile("电梯|索道|缆车")
_GASSED = re.compile("中毒|窒息")  # workers gassed in a septic tank: an accident, not pollution
# A subway station, exit or line named to say where something is or how to get there ("地铁口那家水果店",
# "离泰山新村地铁站很近", "地铁3号线可到", "地铁站临时限流"): a landmark.
_TRANSIT_AS_LANDMARK = re.compile("地铁[^,，。!！?？;；\n]{0,8}?[站口线][^,，。!！?？;；\n]{0,6}?(?:附近|旁边|边上|那家|很近|周边|可到|下车|限流)"
                                  # or the way there an event notice suggests ("建议乘公交前往", "建议坐公交过去",
                                  # "交通可以坐公交到镇上"), or a shop's way in from the station ("地铁站出口直达")
                                  "|(?:建议|交通[:：]?)[^,，。!！?？;；\n]{0,6}?(?:乘坐|搭乘|乘|坐)[^,，。!！?？;；\n]{0,4}?(?:公交|地铁)"
                                  "|地铁站?出口直达")
# The clause of a queue that reaches the road ("等车位的车从大门口一直排到马路上").
_QUEUE_TO_ROAD = re.compile(r"[^，。！？!?,；;\n]*排到了?马路")
_VEHICLE = re.compile("(?<!洗)车")  # not a car wash (洗车店)
# A vehicle burning on a road, a bridge or in a tunnel ("隧道里一辆小车起火"): the jam it causes is traffic news.
_VEHICLE_FIRE = re.compile(r"(?:车|隧道|高速|桥)[^，。！？!?,\n]{0,10}?(?:起火|着火|自燃|燃烧|烧)")
# A drain, a pipe or a toilet that keeps clogging ("下水道三天两头堵"), in a post that names no road or vehicle:
# its 堵 is no traffic jam.
_DRAINS = re.compile("下水道|下水管|排水管|管道|马桶|烟道|化粪池")
_ROADS = re.compile("车|路|交通|红绿灯|公交|高峰")
# A smell in food ("孩子说食堂饭菜有股怪味"): a food complaint, no pollution.
_FOOD_SMELL = _around(r"(?:饭菜|饭|菜|食物|肉|奶|面包|外卖|盒饭|餐)(?![城厂场园地])[^。！？!?，,；;\n]{0,3}?"
                      r"(?:怪味|异味|臭味|酸味|馊味)", _CLAUSE)
_SMELLS = frozenset({"怪味", "异味", "臭味", "酸味", "馊味"})
_LEAK_SIGNS = _SMELLS | {"刺鼻", "刺鼻气味", "刺激性气味", "环保"}
# Household rubbish the sanitation service left uncollected ("小区垃圾桶满了好几天没人收，天热发臭"): a
# service complaint, not pollution, when its bins, their smell and flies are all the post says. Not litter
# by water or left by visitors ("湖边…垃圾没人收", "景区垃圾桶早满了", a park's bins), nor a dump on waste ground or one
# left for months ("村口堆了半年的生活垃圾").
_UNCOLLECTED = re.compile(r"垃圾[^。！？!?\n]{0,12}?(?:没人|无人|没)来?(?:收|清|拉|运)|垃圾(?:桶|箱)[^。！？!?，,]{0,3}满")
_LITTER_OUTDOORS = re.compile("[河湖江海溪塘]边|沙滩|岸边|景区|公园|游客|观景台|空地|路边堆了|沟里|半年|几个月|[一两三]年")
_BIN_WORDS = frozenset({"垃圾没人收", "垃圾桶满了", "垃圾堆", "发臭", "臭得", "臭到", "臭气熏天"}) | _SMELLS
# Revellers' noise into the night from a bar, a barbecue or a night market ("烧烤摊划拳喝酒吵到凌晨两点", "店里太吵"), and
# a neighbour's renovation ("楼上装修，每天早上七点就开始打钻"): a nuisance, not pollution, when noise is all the post's
# pollution words say (no 油烟, no dust).
_NUISANCE = re.compile("酒吧|烧烤|夜市|夜宵|宵夜|KTV|ktv|歌厅|划拳|火锅|店里|装修")
_NOISE_WORDS = frozenset({"噪音", "噪声", "太吵", "吵得睡不着", "吵得没法睡", "吵到", "音响吵", "噪音污染"})
# A job advertised with a shuttle to the works ("提供住宿和班车"): a perk, no transport matter.
_HIRING = re.compile("招聘|招工|招人|诚聘")
# A taxi that took the long way to charge more ("司机故意绕了一大圈，平时二十块的路收了四十"): a fare dispute, not
# traffic, unless the taxis refuse fares or cannot be had (拒载, 打车难: the stations' taxi trade, a traffic matter).
_TAXI = re.compile("打车|出租(?![屋房])|黑车|网约车|的士|打的")  # "坐了个出租", not a rented room (出租屋)
_DETOUR = re.compile("绕(?:路|道|了|到|远)")
_FARE_REFUSED = re.compile("拒载|打不[到着上]|打车难|排队")
_TAXI_WORDS = frozenset({"绕路", "绕道", "出租车", "打车", "黑车", "网约车", "的士"})
# A boss who ran off with customers' prepaid money ("补课机构老板跑路，家长预交的学费退不了"): no wages post.
_PREPAID = re.compile("学费|预交|预付|会员卡|充值|课时费|定金")
# Money said unpaid with no word of work ("养殖场被当违建拆了，一分没给"): in a demolition post, compensation.
_UNPAID = frozenset({"一分没给", "不给钱", "没拿到钱", "没发钱", "一分没结", "没结钱", "一分没拿到"})
_WORK = re.compile("工资|工钱|干活|打工|上班|薪|劳务|工人|工地")
# Phrases in which a topic word names something besides its topic, looked over like FIGURATIVE ones:
# a rabies shot after a dog bite is first aid (the bite is the post's subject, not health care); a
# blocked drain, flue or septic tank is no traffic jam, a boat capsized no road accident, a notice's
# "mind the roads" no traffic; a caller posing as the 医保 office is a fraud, not health care; a clogged
# pump and fruit pitted by hail are no road trouble, a scenic area's shuttle (环保车) no pollution, a
# college for the retired (老年大学) no school.
_NOT_THE_SUBJECT = ("打了狂犬疫苗", "打狂犬疫苗", "针狂犬疫苗", "下水道堵了", "下水道又堵了", "下水道堵死", "管道堵了", "马桶堵了",
                    "船侧翻", "留意路况", "注意路况", "烟道堵了", "烟囱堵了", "化粪池堵了", "冒充医保", "泵都堵", "泵堵了",
                    "打得全是坑", "砸得全是坑", "打得坑坑洼洼", "砸得坑坑洼洼", "环保车", "老年大学",
                    "环保产业",  # an industry ranked, not pollution
                    "班列开行",  # freight trains run (中欧班列开行量): trade
                    "直通车")  # a bus the way there ("县城有直通车过去"), not a road opened (通车)
_FRAUD = re.compile("诈骗|骗子|被骗|骗钱|骗了|转账|转钱|安全账户|冒充|自称")
_BLOCKED_ROAD = frozenset({"堵了", "堵死", "阻断交通", "交通阻断", "交通中断", "道路中断", "出行受阻"})
_CLOSURE_WORDS = frozenset({"交通管制", "绕行", "封路", "改道", "限行", "交警"})
_HOME_FROM_SCHOOL = _around("放学", _CLAUSE)
_EVENT_SENTENCE = _around("马拉松|巡游|游行|比赛|赛事|演出|庆典|灯会|开跑|烟花")
# A clause that takes the hurt to hospital: the hospital in it is where they went, not the subject.
_TREATED_SENTENCE = _around("送往|送到|送至|送进|送去|送医|已送|就医|抢救|救治|观察|治疗", _CLAUSE)
# People moved to a school out of harm's way ("十几户转移到了村小学"): the school is the shelter, not the subject.
_SHELTERED = re.compile(r"(?:转移|安置|疏散|撤离|避险)(?:到|至|进|在)了?[^，。！？!?,\n]{0,8}?"
                        r"(?:村小学|学校|小学|中学|村小|教室|校舍)")
# A job's schooling required ("要求高中以上学历"): no school matter.
_SCHOOLING_REQUIRED = re.compile("(?:高中|初中|大专|中专|本科|小学)(?:及|或)?(?:以上)?(?:学历|文化)")
# A free clinic listed with a fair's other stalls ("包饺子比赛和义诊", "义务理发、义诊等活动").
_LISTED_CLINIC = re.compile("义诊[、和及与]|[、和及与]义诊")
# A clause that seeks care ("老人去县医院看病"): in a bus complaint, where the passengers go.
_CARE_TRIP = _around("看病|就医|买药|拿药", _CLAUSE)
_TAXI_TO_CARE = _around("(?:打车|打的)[^，。！？!?,；;\n]{0,12}?(?:医院|看病|就医|急诊)", _CLAUSE)
# A sentence that mourns the dead of a past disaster ("祭奠1942年矿难遇难的矿工", "举行地震遇难同胞悼念活动").
_MEMORIAL_SENTENCE = _around("悼念|缅怀|祭奠|纪念日|纪念馆|周年")
# A sentence that tells of a visit or a ticket: pupils and schools in it are visitors.
_VISIT_SENTENCE = _around("参观|研学|祭扫|游学|写生|半价|免票|门票|纪念活动|献花|默哀|升旗仪式|凭学生证|凭证件")
# Countries whose name sets a post abroad like another province does ("日本五井站" is in 千叶, not a
# township of ours). Not 蒙古: a token of 内蒙古's posts too.
FOREIGN_COUNTRIES = frozenset({
    "日本", "韩国", "朝鲜", "越南", "老挝", "柬埔寨", "泰国", "缅甸", "马来西亚", "新加坡", "印尼", "印度尼西亚",
    "菲律宾", "印度", "巴基斯坦", "尼泊尔", "哈萨克斯坦", "俄罗斯", "乌克兰", "土耳其", "伊朗", "以色列",
    "埃及", "南非", "美国", "加拿大", "墨西哥", "巴西", "阿根廷", "英国", "法国", "德国", "意大利", "西班牙",
    "葡萄牙", "荷兰", "比利时", "瑞士", "奥地利", "瑞典", "挪威", "芬兰", "丹麦", "波兰", "希腊",
    "澳大利亚", "新西兰", "塞尔维亚", "克罗地亚", "匈牙利", "捷克", "斯洛伐克", "罗马尼亚", "保加利亚", "爱尔兰",
    "冰岛", "白俄罗斯", "立陶宛", "拉脱维亚", "爱沙尼亚", "格鲁吉亚", "亚美尼亚", "阿塞拜疆", "乌兹别克斯坦",
    "吉尔吉斯斯坦", "塔吉克斯坦", "蒙古国", "土库曼斯坦", "阿富汗", "孟加拉国", "斯里兰卡", "马尔代夫", "不丹", "沙特",
    "沙特阿拉伯", "阿联酋", "卡塔尔", "科威特", "伊拉克", "叙利亚", "约旦", "黎巴嫩", "也门", "摩洛哥",
    "阿尔及利亚", "突尼斯", "利比亚", "埃塞俄比亚", "肯尼亚", "坦桑尼亚", "尼日利亚", "加纳", "赞比亚", "津巴布韦",
    "莫桑比克", "马达加斯加", "安哥拉", "刚果", "文莱", "斐济", "巴布亚新几内亚", "秘鲁", "智利", "古巴",
    "哥伦比亚", "委内瑞拉", "厄瓜多尔", "玻利维亚", "乌拉圭", "巴拉圭", "巴拿马"})  # not 巴林: 巴林左旗 is ours in 赤峰
# Regions abroad: right before one of our names, a namesake there ("欧洲北海": the North Sea); elsewhere
# in a post only where people come from or goods go ("华侨从欧洲回来"), so not a place that sets it.
_REGIONS_ABROAD = frozenset({"欧洲", "北欧", "西欧", "东欧", "南欧", "非洲", "北美", "南美", "中东", "中亚", "东南亚"})
# Words that bring something to the place after them ("北京专家来洛阳", "游客在洛阳"), and the ends of
# tokens that name a shop, stall or building (面馆, 火烧店, 档口, 阁: "曲阜孔庙<our district>阁").
_FLOWS = frozenset((w,) for w in ("流", "排", "汇", "注"))  # water that flows into a river: no visit
# Place names that are also other words, with the next tokens that make them the word: (whole tokens,
# token beginnings). 包头 is a gang boss (包工头) in south-western speech ("包头说甲方没付款"); after 开江
# (a county in 达州) the northern rivers' spring break-up ("开江前上冰钓鱼", "今年开江了").
_WORD_READINGS = {"包头": (frozenset({"说", "讲", "跑了", "跑路", "欠", "不给", "拖着", "拖"}), ()),
                  "开江": (frozenset(), ("前", "后", "了", "时", "啦", "鱼", "期间"))}
_FROM_MARKS = frozenset({"来的", "牌照", "车牌", "客人", "游客"})  # after another place: who or what came from there
_CAME_TO = frozenset({"到", "来", "赴", "来到", "抵", "抵达", "走进"})  # people who came to one of our places
_MOVED_HERE = frozenset({"在", "来", "到", "赴", "去", "回", "抵", "进", "走进", "来到", "前往", "落户", "扎根", "游", "过去",
                         "过来", "回来", "回到"})
_NAMED_ENDS = ("店", "馆", "档口", "大排档", "大牌档", "摊", "摊位", "餐厅", "饭庄", "铺", "阁", "楼", "寺", "庙", "殿", "塔")
# The past: dynasties and eras, the classics and the words of history writing.
_HISTORY = re.compile("|".join((
    "三国", "演义", "蜀汉", "曹军", "周武王", "先秦", "西周", "东周", "商朝", "周朝", "隋朝", "北宋", "南宋",
    "秦朝", "汉朝", "汉代", "唐朝", "唐代", "宋朝", "宋代", "元朝", "明朝",
    "明代", "清朝", "清代", "春秋", "战国", "朝代", "年间", "古代", "古时", "古人", "古称", "史书", "史记", "记载",
    "历史上", "这段历史", "之战", "守将", "抗倭", "诗人", "写诗", "古诗", "唐诗", "乐府", "诗句", "典故", "封在",
    "封于", "水师", "读史", "赏析", "东汉", "西汉", "东晋", "西晋", "魏晋", "南北朝", "末年", "诗经", "战役", "起义",
    "北伐", "被贬", "贬官", "贬到", "弃官", "出师表", "杂诗", "民间传说", "公元前", "武侠", "金庸", "康熙", "乾隆",
    "雍正", "皇帝", "纪录片", "电视剧", "清宫剧", "称帝", "建都", "列传", "水浒", "课本[里上中]", "课文", "大捷", "正史",
    "十六国", "都城", "那段历史", "出土", "镇馆之宝", "论语", "红楼梦", "西游记", "汉武帝", "秦始皇", "唐太宗",
    "安史之乱", "历史讲座", "封神", "隋唐", "成语", "元代", "辽代", "金代", "清末", "汉书", "三国志",
    "资治通鉴", "封侯", "庄子", "孟子", "甲午", "听评书", "刻本", "出自", "本纪", "汉赋", "古文", "封号", "禅宗",
    "临帖", "碑帖", "字帖", "南朝", "太守",
    # the poets, historians and heroes whose lines and lives name our places
    "李白", "杜甫", "白居易", "苏轼", "苏东坡", "王维", "陆游", "辛弃疾", "李清照", "韩愈", "柳宗元", "欧阳修",
    "王安石", "杜牧", "李商隐", "孟浩然", "王昌龄", "范仲淹", "刘禹锡", "司马迁", "诸葛亮", "曹操", "刘备",
    "关羽", "岳飞", "林则徐", "左宗棠", "努尔哈赤", "遣戍", "迁都", "明史", "宋史", "元史", "清史", "唐史", "文天祥", "岑参", "流放")))
# Right after a dynasty, a thing that still stands: its age, not a story of the past.
_STANDING = re.compile("的?(?:大殿|殿堂|古建筑?|建筑|木构|壁画|彩塑|石刻|古碑|石碑|古桥|石桥|拱桥|古塔|砖塔|古寺|民居|"
                       "老房子|城墙|牌坊|戏台|古井|石窟|造像|佛像|古树|古柏|楼阁)")
# A year before 1980 ("1955年黑油山一号井喷出工业油流"); apart from _HISTORY, whose literal scan it would slow.
_OLD_YEAR = re.compile(r"(?<!\d)(?:1[0-8]\d\d|19[0-7]\d)年")
# Today: a post with any of these is about the present, whatever history it also tells.
_TODAY = re.compile("(?<!在)(?<!即)(?<!就是)(?<!位于)(?:" + "|".join((
    "今天", "今日", "今晚", "今早", "昨天", "昨晚", "明天", "近日", "日前", "今年", "去年", "本周", "本月", "上周",
    "目前", "现在", "如今", "至今", "最近", "记者", "市民", "游客", "网友", "小区", "景区", "开放", "举办", "开幕",
    "活动", "门票", "民警", "通知", "报名", "纪念馆", "预约", "推出", "新增", "入选", "名录", "考古", "发掘", "新发现",
    "今后", "文物部门", "研学", "展演", "演出", "这个月", "这两天", "这几天", "修缮", "新开", "怎么走", "祭扫", "周末", "国庆期间", "国庆假期",
    "带孩子"))
    # not reading or teaching it now: "最近在看唐宋史", "今天历史课讲", "今天给学生讲", "今天来赏析"
    + ")(?!(?:在|又|才|重新|来|给学生|简单)?(?:[看读刷学听背练讲]|赏析|说说|语文|历史课))")
# A plan to go somewhere weighed, then given up for another place (本来想去X，最后去了Y).
_WEIGHED = re.compile("本来|本想|原本|原打算|纠结|犹豫|还是")
_CHOSE_ELSEWHERE = re.compile("(?:最后|后来)[^，。！？!?\n]{0,6}?(?:去了|选了|订了|改去|选择了)")
# After a name that is also a metal, a rank in a game or a membership tier (白银段位, 白银会员).
_RANKS = ("段位", "会员")
# Names that are also everyday words of one field, and the words of that field which, in the same
# sentence, make them that word: 中卫 is a centre back ("国足主力中卫因伤缺席", "业余联赛我踢中卫还是后腰"),
# 攀枝花 the kapok tree ("满山的攀枝花开得通红，当地人说这就是木棉").
_FOOTBALL = re.compile("足球|国足|球队|球员|联赛|中超|英超|西甲|欧冠|转会|后卫|边卫|前锋|后腰|门将|中场|后防|踢")
_WORD_SENSES = {"中卫": _FOOTBALL, "攀枝花": re.compile("木棉")}
# Right before our name, these make it a name given to something, not the place (叫信丰的公司).
_NAMED_AS = frozenset({"叫", "名叫", "名为", "取名", "起名", "品牌", "古称", "旧称", "原名", "古名"})
# A person's role right before a two-character name makes it the person's name (作家陆良, 演员吴川).
_TITLES_AFTER = frozenset({"教授", "先生", "女士", "博士", "院士", "律师", "导演"})  # after a person's name
_PERSON_ROLES = frozenset({"创始人", "董事长", "总裁", "主播", "博主", "网红", "明星", "教练", "作家", "演员", "歌手",
                           "选手", "球员", "运动员", "导演", "主持人", "画家", "诗人", "教授",
                           "博士", "先生", "女士", "记者", "名将", "球星", "同事", "同学", "发小", "室友", "表哥",
                           "表姐", "表弟", "表妹", "堂哥", "堂弟", "班主任", "司机", "网约车司机", "老板", "保安",
                           "律师", "医生", "护士", "民警", "法官", "厨师", "快递员", "快递小哥", "外卖员", "外卖小哥",
                           "骑手"})
# Right before a two-character name of ours, these say the thing is not here (兵马俑不在宝鸡).
_NOT_HERE = frozenset({"不在", "并不在", "不属于"})
# Right before another place in the clause after our name: our people or things act or go there.
_GOES = frozenset({"在", "来", "亮相", "赴"})
# A venue that jieba joins to its city's name ("在|上海博物馆|展出"): that city.
_VENUES = frozenset({"博物馆", "美术馆", "展览馆", "博物院", "科技馆", "会展中心", "国际会展中心", "展览中心", "大剧院"})
_GREETINGS = frozenset({"祝", "祝愿", "祝福", "愿", "恭祝", "大家"})
_WORK_TITLE = re.compile(r"《[^《》\n]{1,30}》")
_BOUGHT_ONLINE = ("网上买的", "网购的", "网上买了", "网购了", "网上下单的", "直播间买的", "直播间买了")
_OPENING_QUOTES = frozenset("“\"'‘「『《")  # 网上买的“…”: the product's name in quotes
# Right before another city in the clause after our name: our team or troupe acts there ("合唱团北京获奖").
_ACTORS = frozenset({"学生", "毕业生", "代表队", "合唱团", "球队", "队员", "选手", "剧团", "艺术团", "辩论队"})
_TO_THE_CAPITAL = frozenset({"进京", "赴京", "晋京"})
# Right before a place in a title, these make it a destination, not where the post is set.
_TOWARDS = frozenset({"至", "到", "往", "开往", "直达", "去", "去往"})
# Right before another place in a title, these make it a partner of ours or where we go ("与北京专家远程会诊", "携手上海").
_PARTNERED = frozenset({"与", "同", "联合", "携手"}) | _TOWARDS
# Right after another place, these make it where a line of ours goes ("新开西安航线").
_LINE_TO = frozenset((w,) for w in ("航线", "航班", "直飞", "班列", "专线", "城际", "动车", "高铁", "班车"))
# Division suffixes: another place's name ending in one may be our name's urban area (阳东|城区, not 东城区).
_SUFFIX_CHARS = ("省", "市", "县", "区", "镇", "乡", "旗")
# Right before a name, these make it what something is called ("被称为钢城"), with one of _CALLED_WORLD between.
_CALLED = frozenset({"称为", "被称为", "称作", "被称作", "号称", "誉为", "被誉为", "人称", "叫做", "被叫做", "叫作", "被叫作"})
_CALLED_WORLD = frozenset({"世界", "中国", "全国", "全球", "亚洲", "国内", "著名", "“", "\"", "「"})
# What a village or township of ours adds to the name the post may also say alone ("冰岛老寨" for our 冰岛村).
_HEAD_TAILS = ("村", "镇", "乡", "寨")
# Right before another place (within two words), these make it a view from here ("对岸就是俄罗斯") or a
# detour from here ("请过江车辆绕行九江长江大桥").
_ACROSS = frozenset({"对岸", "对面", "隔江", "隔河", "绕行", "绕道", "隔壁"})  # "比隔壁番禺低": a neighbour compared
# Right before another place, these send our goods there: the post is not set there ("发往内蒙古").
_SHIPPED_TO = frozenset({"发往", "运往", "销往", "卖往", "卖到", "销到", "运到", "发到", "出口到", "直供"})
_LANDMARK_REACH = 5  # tokens between another place and our landmark ("宝鸡|常羊山|炎帝陵")
_OUR_SERVICES = re.compile("医保|社保|户口|户籍|公积金|异地就医")
# Right after another place in the clause after our name: our institution's branch there.
_BRANCHES = frozenset({"分行", "支行", "分公司", "校区", "分校", "基地", "生产基地", "分院", "工厂", "厂区", "项目",
                       "校友会", "商会", "同乡会", "老乡会", "联谊会"})  # "安徽医科大学北京校友会": its alumni there
# A talk, a concert or a symposium, and the venues that set one in the city named right before them.
_TALK = re.compile("讲座|音乐会|研讨会|报告会")
_TALK_VENUES = frozenset({"书店", "图书馆", "高校", "大学", "博物馆", "省博物馆", "书院", "剧院", "音乐厅"})
# Goods or firms of ours shown at a fair ("赤水竹编亮相杭州文博会", "上海车展上一家车企展台"): the fair's
# city is where the post is set; our place is where the exhibits come from.
_SHOWN = re.compile("亮相|参展|展出|展位|展台|展区")
_FAIRS = ("博会", "交会", "交易会", "博览会", "展会", "车展", "航展", "食品展", "珠宝展", "酒展", "农机展", "画展",
          "美术馆", "艺术馆", "展览馆", "博物馆")  # a fair, or a gallery or museum showing our goods
_BRANCH_WORDS = re.compile("|".join(sorted(_BRANCHES, key=len, reverse=True)))
_SENTENCE_ENDS = frozenset({"。", "！", "？", "!", "?", "\n", "；", ";"})
_LIST_JOINS = frozenset({"、", "和", "及", "与", "以及"})  # between the items of a list
_LIST_ENDS = frozenset({"等", "等地", "等市", "等城市"})  # the end of a list of places
_LIST_WORDS = _LIST_ENDS | _LIST_JOINS - {"以及"}
# Right before a two-character name, a degree adverb or modal makes it an adjective ("一路平顺",
# "开起来很平顺", "都能平顺过冬") and a classifier makes it a common noun ("一条沙河"): no place.
# What a county has (its hospital, seat, government): after 和县, 和 is "and" ("家属和县医院起争执").
_COUNTY_OFFICES = ("医院", "人民医院", "中医院", "城", "里", "政府", "委", "领导", "教育局", "卫健局")
_CLASSIFIERS = frozenset({"一条", "这条", "那条", "一段", "这段", "那段", "一片", "这片", "那片", "大片", "一座", "这座",
                          "那座"})
# Before or after a city named like a river (黑河), these make it the river.
_INTO_WATER = frozenset({"滑进", "掉进", "跳进", "落入", "掉入", "冲进", "流进", "流入"})
_BANKS = frozenset((w,) for w in ("边", "岸边", "畔", "沿岸", "河道", "里"))
_NOT_A_PLACE_BEFORE = frozenset({"很", "挺", "太", "非常", "比较", "更", "最", "特别", "十分", "还算", "一路",
                                 "越来越", "蛮", "能", "能够", "个", "一个", "是个",
                                 "周年"}) | _CLASSIFIERS  # "建国七十五周年大庆": a celebration
# Before a name that is also a word, these make it the word: a shop or a kind ("那家小店", "这种小店"). Before
# any name of ours in a post that names another place, a shop or a firm named after us there ("海口海甸岛新开了
# 一家儋州米烂店", "一家东莞鞋企在越南的工厂"); in a post naming no other place, our name on a shop here
# ("新城那家定西宽粉馆").
_SHOP_CLASSIFIERS = frozenset({"一家", "那家", "这家", "几家", "每家", "哪家", "这种", "那种", "各种"})
# Taking up (引进, 学习) what comes right before our name, and a model, experience or practice right after it
# ("引进寿光大棚种植模式", "学习晋江经验").
_ADOPTING = re.compile(r"(?:引进|推广|学习|借鉴|复制|照搬|推行)[^，。！？!?,\n]{0,4}$")
_MODEL = re.compile(r"[^，。！？!?,\n]{0,6}?(?:模式|经验|做法)")
# Right before another place in a title, these deny the post is set there ("新华街不是张家口那个新华街").
_DENIED = frozenset({"不是", "并非", "而非", "并不是"})
_DEMONSTRATIVES = frozenset({"一", "那", "这", "几", "每", "哪"})  # "那|家|小店"
# Common surnames that are not also prepositions or words placed before a place name (于, 向, 江,
# 金, 石, 高, 龙): a lone one right before a two-character name makes it a person's given name.
_SURNAMES = frozenset("王李张刘陈杨赵吴周徐孙朱胡郭何罗郑梁谢宋唐许韩冯邓曹彭曾肖董袁潘蒋蔡杜程苏魏吕沈姚卢姜崔"
                      "钟谭陆汪贾韦邹孟熊秦邱尹薛闫侯史陶黎贺顾毛郝龚邵严覃戴莫孔汤")
# Before a title ("黄平教授"), surnames that also open many place names (黄石, 林芝, 高平) are surnames too.
_SURNAMES_BEFORE_TITLES = _SURNAMES | frozenset("黄林高马金石白田方叶余任")
# 周 after these is a week ("这周黎坪的红叶"), not a surname.
_WEEKS = frozenset((w, "周") for w in ("这", "上", "下", "本", "每", "那", "一", "两", "几", "整"))
# After or before our name, these make it where people or cars come from (绵阳游客, 台州籍, 老家台州).
_ORIGIN_AFTER = frozenset({"籍", "籍贯", "产地", "游客", "旅客", "旅游团", "旅行团", "牌照", "车牌", "车", "老家",
                           "老乡", "老乡会", "同乡会", "校友", "校友会", "籍人", "籍男子", "籍女子"})
_ORIGIN_BEFORE = frozenset({"老家", "来自", "祖籍", "籍贯"})
# Between another place and our name in a title, these sell or buy our name's product there.
_SHOPS = ("店", "餐馆", "饭馆", "餐厅", "超市", "商场", "市场", "菜场", "档口", "摊", "网购", "网上买", "专卖", "开了家", "新开",
          "展会", "博览会", "展销会", "上架", "一家", "这家", "那家", "早市", "夜市", "集市", "花市", "药店",
          "街头", "街边", "博会")  # "上海街头的滕州菜煎饼": a stall there
_BOUGHT = ("买的", "买了", "买到")  # both lists below start from these
_SOLD_BEFORE = (*_BOUGHT, "买到了", "吃到", "吃到了", "喝到", "喝到了", "购买的", "卖的", "网购的", "买到假的", "买了假的")
# Right before our name (past a measure word or an opening quote), these make it the brand of goods bought
# or of a sign hung ("买了件鄂尔多斯羊绒衫", "买的“福鼎白茶”", "挂着张家口莜面招牌"): where they came from.
_GOODS_BEFORE = (*_BOUGHT, "挂着", "挂的", "假冒", "号称")  # 查获一批假冒绍兴黄酒, 号称诸暨珍珠的项链
_GOODS_SKIPPED = re.compile(r"[“\"'‘「『]|[一两几半\d]?[件盒箱袋包饼斤瓶罐条块套份]")
# After a school word in one token, these make a person of it: "高中同学生日" is a classmate's birthday.
_CLASSMATES = frozenset({"同学", "同学们", "同学会", "同学聚会", "室友", "同桌", "校友"})
# Left parts of a compound token that deny or prevent what the topic word names (无污染, 防火灾).
# One-character rests that make an adjective of the first word (爆炸性, 污染型): not about it.
_ADJECTIVE_SUFFIXES = frozenset({"性", "型", "式", "化", "感", "状", "般", "似"})
# One character after a topic word inside a token that still leaves the word its subject: a noun
# suffix, a place or group (公交车, 公交站, 医院里, 老师们, 医保卡, 拆迁户); not 老师傅 or 追尾巴.
_NOUN_SUFFIXES = frozenset("车站点线路口门场馆楼院所店厂局办处室科部队组会班费款价证卡票户员工们家里内外上下前后旁边")
_COMPOUND_DENIALS = frozenset({"无", "不", "没", "未", "零", "防", "反", "抗", "非", "禁", "免", "阻"})
# Locality roles, weakest last; a term keeps the strongest role it was given.
STRONG, WEAK, COMMON, ANCHOR = 0, 1, 2, 3
OPTIONAL_TOPIC = 4  # automaton only: a term of a locality-optional topic
NEAR = 1  # a COMMON name counts only this many characters after a STRONG name or an ANCHOR
# Full division names that may count alone (_lone_names), unless they name a kind of area every city has.
_TOWN_SUFFIXES = ("镇", "乡", "街道", "区", "县", "市", "旗")
_KINDS_OF_AREA = ("开发区", "开区", "园区", "高新区", "管理区", "景区", "城区")
# Where only a place stands (_placed): after a word of going or being somewhere, or before 一家/城区.
# The candidate check, before segmenting, can only read the character before the name: their last ones.
_GOING_BEFORE = frozenset({"在", "到", "回", "去", "来", "从", "回到", "来到", "去了", "到了"})
_GOING_CHARS = frozenset(w[-1] for w in _GOING_BEFORE)
_PLACE_AFTER = re.compile("一[家所名位个辆条座处户栋幢]|有一?[家所个座处](?!人)|附近|周边|一带(?!一路)|[这那]片(?![子儿])"
                          "|城区|市区|县城|老城|城[东南西北](?![路街门])|本地|这边|那边"
                          "|段(?![子位落])"  # a road's or a river's stretch ("大广高速麻城段", "北运河香河段")
                          # an institution named by its place ("监利一中", "洪湖人民医院", "石首汽车站")
                          "|[一二三四五六七八九]中|实验[小中]|人民医院|中医院|妇幼保健院|[县市]委|汽车站|客运站|火车站|高铁站"
                          "|渔港|港|码头")  # a harbour or pier named by its town ("碣石渔港", "碣石码头")
# What follows a township's name and never a word (_word_towns): not 一家人, 一家亲, 一个, nor 附近 ("码头附近").
# A street name right after it is the town's street ("纸坊兴新街", "下关建设路"), and a station, market or clinic
# named by it is there ("纸坊收费站", "纸坊地铁站").
_WORD_PLACED = re.compile("一[家所座处](?![人亲口子])|城区|老街|街上|这边|那边|这一?片|那一?片|一带(?!一路)"
                          # a headline's "one of" something there ("龙洞一出租屋", "龙洞一男子"); a village, a market
                          # day, a campus, a community, an old town, a bridge, a pier, a road's stretch or a station named
                          # by the town ("石牌村", "高坎大集", "五山校区", "凤城社区", "大圩古镇", "望京站")
                          "|一(?:出租屋|小区|写字楼|工地|工厂|厂房|仓库|民房|居民楼|商铺|餐馆|饭店|男子|女子|老人|货车|产业园|园区)"
                          "|村|大集|集市|校区|社区|古镇|新区|湿地|大桥|码头|段(?![子位落])|站(?![长岗队起着在住])"
                          "|方向"  # where a road or a jam heads ("往凤仪方向", "往经开区方向堵得不行")
                          "|路(?![费况线人过径数子])|街(?![坊])"  # a road named after it: "五山路口" (ours: no other place)
                          "|(?:(?![的一之条这那上下是在和与])[\u4e00-\u9fff]){1,3}?(?:路|街|大道|大街|巷)(?!撒冷)"  # not 耶路撒冷
                          "|收费站|地铁站|汽车站|客运站|火车站|高铁站|菜市场|农贸市场|派出所|卫生院")
# A numeral before 百/千/万 makes a number of our name ("一百色").
_NUMERALS = frozenset({*"一二两三四五六七八九十几数", *"0123456789"})
# In the clause after "去 <another place>", these make it a trip from here (_route).
_ROUTE_WORDS = frozenset({"多久", "多长时间", "小时", "个小时", "半个小时", "分钟", "怎么走", "怎么坐", "坐车", "开车",
                          "高铁", "动车", "大巴", "班车", "航班", "直达", "车程"})
# Whole tokens that negate a following topic term, and the words allowed between them.
NEGATIONS = frozenset({"不", "没", "没有", "并没有", "未", "并未", "尚未", "暂未", "从未", "均未", "未曾",
                       "不曾", "无", "并无", "暂无", "均无", "毫无", "无人", "未见", "未有", "从不", "从没", "从没有",
                       "绝不", "决不", "并不"})
NEGATION_BRIDGES = frozenset({"造成", "发生", "出现", "发现", "有", "存在", "明显", "任何", "人员", "接到",
                              "检出", "闻到", "导致", "引发", "产生", "较大", "重大", "特大", "一般", "以上", "及",
                              "生产", "安全", "因灾", "人身", "和", "或", "与", "以及", "森林", "草原", "道路",
                              "交通", "责任", "一起"})  # "未发生一起较大以上生产安全事故"
# Right after a topic word, these praise it (水质好, 空气质量持续改善): no problem is reported.
_MONITORING = re.compile("通报|发布|监测|数据|天数|达标率|断面|浓度|同比|公报")
_PRAISE = frozenset({"好", "很好", "较好", "良好", "优", "优良", "达标", "改善", "提升", "好转", "变好", "清澈"})
_PRAISE_ADVERBS = frozenset({"也", "很", "较", "更", "都", "持续", "明显", "不断", "进一步", "越来越"})
_FACILITIES = frozenset({"红绿灯", "信号灯", "公交", "公交车", "班车", "校车", "医院", "卫生院", "卫生室", "诊所", "急诊",
                         "学校", "小学", "幼儿园", "食堂"})
_LACKING = frozenset({"没有", "没", "无", "缺"})
_NEGATION_CONTEXT = NEGATIONS | NEGATION_BRIDGES  # what the token before a negated term must be
# Kinds of topic roles.
_ANY, _ALL, _EXCLUDE = range(3)
_NOT_A_PREFIX = object()
# A topic term of two words also counts with a short modifier between them, of up to this many
# tokens and characters ("拖欠|了|工人|的|工资" and "拖欠|员工工资" are 拖欠工资), never a negation or
# punctuation.
_GAP_TOKENS = 3
_GAP_CHARS = 4
# Before a road's name, these make it a figure ("国家走上富强路", "踏上幸福路"), not the road.
_ONTO = frozenset({"走上", "走向", "踏上", "迈上", "奔向", "通往", "走在", "铺就", "铺平"})
_SWALLOWED_REST = 4  # a dictionary word holding a place name: the name plus a word of 2-4 characters
# A province or region named by a direction, which jieba may make of our name's last character and the
# direction after it ("天|河北" for 天河北, 天河's north); not a city so named ("大济南": 大 + 济南).
_DIRECTION_REGIONS = frozenset({"河北", "湖北", "河南", "湖南", "江西", "山西", "广西", "陕西", "山东", "广东",
                                "东北", "西北", "华北", "华南", "西南", "东南", "华东"})
# After a place's name, these make it a street's name ("井冈山|路口", "江西|路边"); not 路上, 路段, 街头 ("去北京路上",
# "京港澳高速湖南路段", "上海街头": the way there, a highway's stretch, its streets).
_ROAD_NAME_ENDS = ROAD_TOKENS - {"路上", "路段", "街上", "街边", "街头", "道上", "大道上"} | {"路", "街", "大道", "大街", "巷"} \
    | {c + "路" for c in "东南西北中一二三四五六七八九"}  # "柳州|东路", "湘潭|二路"
_MEASURES = frozenset("家所座处个名位辆条栋幢间户片块工中")  # after 一: one shop, school, site (工地), 一中


@dataclass(frozen=True, slots=True)
class MatchResult:
    relevant: bool
    locality_terms: tuple[str, ...]
    topic_hits: tuple[TopicHit, ...]
    exclusions: tuple[str, ...]
    tokens: tuple[str, ...] | None  # jieba tokens of the compact text; None when not segmented


class Matcher:
    def __init__(self, topics: TopicsConfig, normalizer: Normalizer,
                 divisions: DivisionTree | None = None) -> None:
        self._topics = topics.topics
        self._optional = {t for t, topic in enumerate(self._topics) if topic.locality == "optional"}
        self._catch_all = {t for t, topic in enumerate(self._topics) if topic.catch_all}

        form = _former(normalizer)
        names = _locality_roles(topics.locality, form, divisions)
        locality, self._minor, self._plates = names.roles, names.minor, names.plates
        counties = self._counties = names.counties
        placeable_towns, shared_towns, word_towns = names.placeable_towns, names.shared_towns, names.word_towns
        # County-level names that are also words (钟祥, 大冶, 安达: jieba tags them as names or
        # abbreviations), and township short forms only ours bear that are weak all the same (碣石, 抽水:
        # words; 瓯北: named like a street), count where only a place stands: "在钟祥吃过", "钟祥一家饭店",
        # "碣石一家制衣厂", "瓯北这边" (_placed).
        placeable_weak_towns = frozenset(t for t in placeable_towns if locality.get(t) == WEAK)
        self._placeable = frozenset(t for t in counties if locality.get(t) == COMMON) | placeable_weak_towns
        # A division's full name that several places in China bear ("招贤镇", "凤凰街道", "鼓楼区") is
        # ours in a post that names no other place: the watch reads our sources, where a namesake comes with
        # its city ("扬州江都大桥镇"). A short form alone is a word as often as a place: it counts only where it
        # stands as one ("观音桥一家火锅店", "在南坪上班", "龙湖这边一个工地"), and only if no word or prefecture-level
        # city bears it (a county elsewhere named so, as 汕头's 龙湖区, is one more namesake).
        # So does a county or district of ours that other counties share a name with ("宝山一所小学", "普陀一所初中"
        # in a watch of 上海), but not one a prefecture-level city bears ("在西安交大一附院": 西安市, not 辽源's 西安区).
        self._shared_names = (frozenset(t for t in shared_towns if locality.get(t) == WEAK)
                              | frozenset(t for t in counties if locality.get(t) == WEAK)) - place_names()
        # A township short form that is a word and that townships elsewhere share (纸坊 "paper mill", 下关) is
        # ours only right before a word that follows nothing but a place ("纸坊城区", "下关一家茶厂", "纸坊这片"),
        # in a post that names no other place: never after a word of going, which a word takes too ("在合作中").
        self._word_towns = frozenset(t for t in word_towns if locality.get(t) in (WEAK, COMMON)) - self._placeable
        # Before a street name, a stall or a station ("大良华盖路附近", "纸坊收费站"): either kind stands as a place, and
        # so does a township short form only ours bears ("上地信息路", "甘家口菜市场门口").
        self._street_placed = self._word_towns | self._shared_names | placeable_weak_towns
        # A 街道's short form that is a road's name (文化路, 花园路) is that road of ours in a post naming no other place.
        self._road_towns = frozenset(t for t in names.road_towns if locality.get(t) in (WEAK, COMMON))
        self._lone_names = frozenset(t for t, role in locality.items() if role == WEAK and len(t) > 2
                                     and t.endswith(_TOWN_SUFFIXES) and not t.endswith(_KINDS_OF_AREA))
        lookalikes = {form(term) for term in topics.locality.exclude}
        topic_roles = _topic_roles(self._topics, form)
        self._words = _dictionary_words(locality, lookalikes, topic_roles)
        # The automaton holds what can make a post a candidate: locality terms (value: term and
        # locality role) and the terms of locality-optional topics (role OPTIONAL_TOPIC).
        self._ac = ahocorasick.Automaton()
        # Look-alikes and topic terms are looked up among the candidate's runs of tokens:
        # term → (is a look-alike, topic roles).
        self._token_terms: dict[str, tuple[bool, tuple]] = {}
        for term in self._words:
            roles = tuple(topic_roles.get(term, ()))
            if term in locality:
                self._ac.add_word(term, (term, locality[term]))
            elif any(r[0] != _EXCLUDE and r[1] in self._optional for r in roles):
                self._ac.add_word(term, (term, OPTIONAL_TOPIC))
            if roles or term in lookalikes:
                self._token_terms[term] = (term in lookalikes, roles)
        self._ac.make_automaton()
        self._loc_roles = locality
        # Our names inside an idiom or a fixed expression ("才高八斗", "东拉西扯"): term → (saying, offset).
        # Not one the operator lists as a name of ours (天下第一关, 抚顺战犯管理所: jieba's fixed expressions).
        self._sayings: dict[str, list[tuple[str, int]]] = {}
        for saying in sorted(set(idioms()) - locality.keys()):
            for i in range(len(saying) - 1):
                for j in range(i + 2, len(saying) + 1):
                    if saying[i:j] in locality:
                        self._sayings.setdefault(saying[i:j], []).append((saying, i))
        # Province and city names that are not ours: one of them right before a county name says
        # the county is in another city ("宁波江北" when we watch 重庆江北区).
        # The locality's own name places it: a terms-only locality named 江北区 keeps the cities
        # a 江北区 lies in (重庆, 宁波) as its own; a fictional one (青溪市) keeps none. Its division paths place
        # it exactly: 浙江省/杭州市/西湖区 keeps 杭州 and 浙江, and "南昌市西湖区" is 南昌's.
        if topics.locality.divisions:
            tree = divisions or shipped_tree()
            ours = frozenset().union(*(tree.names_above(path) for path in topics.locality.divisions))
        else:
            ours = ancestor_names(topics.locality.name.strip())
        self._ours = ours
        # The locality's own name is not "placed elsewhere" by 在: "柳州在北京办推介会" is about 柳州.
        own = topics.locality.name.strip()
        # An autonomous prefecture, a 地区 or a 盟 goes by the start of its name too (伊犁 for 伊犁哈萨克自治州).
        self._own_names = {form(own), form(own[:-2]) if own.endswith("地区") else
                           form(own[:-1]) if own.endswith(("市", "县", "区", "盟")) else form(own)} \
            | {form(t) for t in topics.locality.terms if len(t) > 1 and own.startswith(t)}
        # The operator's terms that no division bears: nicknames (春城, 港城), which other cities share.
        self._nicknames = frozenset(form(t) for t in topics.locality.terms if not bearers(t)) - self._own_names
        self._aliases = frozenset(form(a) for a in topics.locality.aliases) - {""}
        self._other_places = place_names() - locality.keys() - ours
        # Provinces, cities and single-place counties that, named anywhere in a post as a whole word,
        # place its minor names elsewhere. Division names that are everyday words do not, except the
        # cities' (jieba's person tag makes words of 桂林, 大连, 石家庄); the few cities that are
        # words too (白银, 安康) are read as places only inside a clause, not in a greeting
        # ("祝大家安康") or at its end (_names_elsewhere).
        word_cities = self._other_places & common_names()
        self._elsewhere = ((self._other_places | province_names() | distinct_county_names() | FOREIGN_COUNTRIES)
                           - common_names() | word_cities) - locality.keys() - ours
        self._word_cities = frozenset(word_cities)
        self._dictionary_names = dictionary_names() & locality.keys()
        self._figurative: dict[str, list[tuple[str, int]]] = {}
        for phrase in (*FIGURATIVE, *_NOT_THE_SUBJECT):
            for term in topic_roles:
                if term in phrase:
                    self._figurative.setdefault(term, []).append((phrase, phrase.index(term)))
        self._topic_terms_max = max(map(len, topic_roles), default=0)
        # First word of a topic term of two or more words → [(the rest, term, entry)]; looked up
        # only when that first word is a whole token of the post.
        self._gapped: dict[str, dict[str, list[tuple[str, tuple]]]] = {}
        for term, entry in self._token_terms.items():
            if any(role[0] != _EXCLUDE for role in entry[1]):
                for k in range(2, len(term) - 1):
                    self._gapped.setdefault(term[:k], {}).setdefault(term[k:], []).append((term, entry))
        # Every prefix of a term → the term's entry when the prefix is a whole term, else None:
        # one lookup per step of a run of tokens.
        self._prefixes: dict[str, tuple | None] = {
            term[:i]: None for term in self._token_terms for i in range(1, len(term))}
        self._prefixes.update(self._token_terms)
        # What topic evaluation reads of each topic, as plain tuples (no model attribute lookups):
        # (id, name, category, severity, catch_all, locality optional, has `any`, number of `all`).
        self._rules = [(t.id, t.name, t.category, t.severity, t.catch_all, i in self._optional,
                        bool(t.any_), len(t.all_)) for i, t in enumerate(self._topics)]
        self._index = {t.id: i for i, t in enumerate(self._topics)}

    def user_words(self) -> list[str]:
        """Every term, for the segmenter's dictionary (so terms come out as tokens)."""
        return list(self._words)

    def match(self, clean_text: str, segment: Callable[[str], list[str]]) -> MatchResult:
        text, index = compact(clean_text)
        text = _lower(text)
        loc_hits = self._locality_hits(text)
        if not self._is_candidate(loc_hits, text):
            return MatchResult(False, (), (), (), None)
        tokens = self._split_swallowed(tuple(segment(text)), loc_hits, segment)
        if "路况" in text:
            tokens = _road_conditions(tokens)
        if _BRANCH_WORDS.search(text):
            tokens = self._split_branches(tokens)
        starts = offsets(tokens)
        exclusions: list[str] = []
        term_hits = self._token_hits(tokens, starts, text, segment, exclusions)
        # Phrases with words between their parts, longer gaps than a two-word term allows, read as a
        # term of the topics' vocabulary when the operator's topics have that term (_READ_AS).
        for pattern, needles, term, unless in _READ_AS:
            entry = self._token_terms.get(term) if any(n in text for n in needles) else None
            if entry is not None and (m := pattern.search(text)) and not any(t == term for _, _, t, _, _ in term_hits) \
                    and not (unless and unless.search(text)):
                term_hits.append((m.start(), m.end(), term, entry, False))
        title_end = _title_end(clean_text, index)
        loc_terms, loc_relevant = self._locality(loc_hits, term_hits, text, tokens, starts, exclusions, title_end)

        topic_hits = self._topic_hits(term_hits, loc_relevant, index, exclusions, title_end)
        topic_hits = self._drill_topics(topic_hits, text, exclusions)
        topic_hits = self._passing_mentions(topic_hits, text, exclusions)
        if loc_relevant and "门" in text and (gate := _SCHOOL_GATE_JAM.search(text)):
            topic_hits = self._school_gate(topic_hits, _span(*gate.span(), index), text, exclusions)
        relevant = loc_relevant or bool(topic_hits)
        return MatchResult(relevant, loc_terms, topic_hits, tuple(dict.fromkeys(exclusions)), tokens)

    def _topic_hits(self, term_hits, loc_relevant: bool, index, exclusions: list[str],
                    title_end: int = 0) -> tuple[TopicHit, ...]:
        per_topic: dict[int, list] = {}
        starting = {s: term for s, _, term, _, _ in term_hits}
        # Smoke in a post about a fire is the fire's ("冷库起火，浓烟滚滚"), not pollution.
        fire = any(term in _FIRES and not negated for _, _, term, _, negated in term_hits)
        for s, e, term, (_, roles), negated in term_hits:
            if fire and term in _SMOKE:
                exclusions.append(f"fire:{term}")
                roles = [r for r in roles if r[0] == _EXCLUDE or self._rules[r[1]][2] != _POLLUTION]
            if negated:
                exclusions.append(f"negated:{term}")
            # A substance right before an accident word is what exploded or poisoned (粉尘爆炸,
            # 沼气中毒): the accident is the subject, not pollution.
            cause = starting.get(e) in _ACCIDENTS
            if cause and any(self._rules[r[1]][2] == _POLLUTION for r in roles if r[0] != _EXCLUDE):
                exclusions.append(f"cause:{term}")
            for role in roles:
                if negated and role[0] != _EXCLUDE:
                    continue
                if cause and role[0] != _EXCLUDE and self._rules[role[1]][2] == _POLLUTION:
                    continue
                found = per_topic.get(role[1])
                if found is None:
                    found = per_topic[role[1]] = []
                found.append((role, s, e, term))
        out = []
        subject: list[tuple] = []  # per hit in `out`: (catch-all, hits in the title, hits)
        # Only topics with a hit (and catch-alls) are looked at: cost follows hits, not topics.
        for t in sorted(per_topic.keys() | self._catch_all if self._catch_all else per_topic):
            tid, name, category, severity, catch_all, optional, has_any, n_all = self._rules[t]
            if not loc_relevant and (not optional or catch_all):
                continue
            found = per_topic.get(t, ())
            if not catch_all:
                if has_any and not any(role[0] == _ANY for role, *_ in found):
                    continue
                if n_all and len({role[2] for role, *_ in found if role[0] == _ALL}) < n_all:
                    continue
            excluded = next((term for role, _, _, term in found if role[0] == _EXCLUDE), None)
            if excluded is not None:
                exclusions.append(f"{tid}:{excluded}")
                continue
            words: dict[str, tuple[int, int]] = {}
            for role, s, e, term in found:
                if term not in words and role[0] != _EXCLUDE:
                    words[term] = _span(s, e, index)
            out.append(TopicHit(tid, name, category, severity, tuple(words), tuple(words.values())))
            subject.append((catch_all, sum(s < title_end for role, s, _, _ in found if role[0] != _EXCLUDE),
                            sum(role[0] != _EXCLUDE for role, *_ in found)))
        return self._subjects(out, subject, exclusions)

    def _drill_topics(self, hits: tuple[TopicHit, ...], text: str, exclusions: list[str]) -> tuple[TopicHit, ...]:
        """A drill is about none of the subjects it rehearses (a school's evacuation drill, a fire
        drill at a plant): only catch-all topics, and topics matched by a drill word itself, stay."""
        # 演练/演习 first: a drill post names one, and this runs for every post with a topic.
        if ("演练" not in text and "演习" not in text) or all(self._rules[self._index[h.topic_id]][4] for h in hits) \
                or not is_drill(text):
            return hits
        kept = []
        for hit in hits:
            if self._rules[self._index[hit.topic_id]][4] or any(w in DRILL_WORDS for w in hit.words):
                kept.append(hit)
            else:
                exclusions.append(f"drill:{hit.topic_id}")
        return tuple(kept)

    def _school_gate(self, hits: tuple[TopicHit, ...], span: tuple[int, int], text: str,
                     exclusions: list[str]) -> tuple[TopicHit, ...]:
        """A jam at a school's gate at home time is a traffic matter: the traffic topics the post lacks
        are added, with the gate as their word; the school only says where the jam is, so a school
        topic whose words all stand in the sentences telling the jam is dropped."""
        present = {h.category for h in hits}
        added = [TopicHit(tid, name, category, severity, ("校门口拥堵",), (span,))
                 for tid, name, category, severity, catch_all, *_ in self._rules
                 if category == _TRAFFIC and not catch_all and category not in present]
        return self._only_in((*added, *hits), text, exclusions, _SCHOOL, _JAM_SENTENCE, "school-gate")

    def _passing_mentions(self, hits: tuple[TopicHit, ...], text: str, exclusions: list[str]) -> tuple[TopicHit, ...]:
        """Subjects named only in passing, reported in `exclusions`: pupils or a school only as
        visitors or a ticket class ("不少学校组织参观", "门票学生半价") in a post with no other
        subject; road closures only for a race or parade; a hospital only as where the hurt were
        taken ("两人受伤被送往医院"); teachers or students only as who was unpaid; 中毒 as a craving
        for a dish; people stuck in a lift; the subway as a landmark; household bins left uncollected; a
        school that only says when a child was bitten by a dog ("放学路上被狗咬了"), or only where people were moved
        out of harm's way ("转移到了村小学"), or a job's schooling required ("高中以上学历"); a hospital only as where a bus
        complaint's passengers go ("老人去县医院看病只能包车"); a free clinic as one stall of a fair; a building's fire that
        held up the street outside; a leak's smell and the environment staff among its responders."""
        subjects = {h.category for h in hits if not self._rules[self._index[h.topic_id]][4]}
        if subjects == {_SCHOOL}:
            hits = self._only_in(hits, text, exclusions, _SCHOOL, _VISIT_SENTENCE, "visitors")
        # A child bitten by a dog on the way home from school ("小学生放学路上被狗咬了"): the school says when.
        if _SCHOOL in subjects and "狗" in text and "咬" in text:
            hits = self._only_in(hits, text, exclusions, _SCHOOL, _HOME_FROM_SCHOOL, "on-the-way")
        if _SCHOOL in subjects:
            hits = self._only_in(hits, text, exclusions, _SCHOOL, _SHELTERED, "shelter")
            hits = self._only_in(hits, text, exclusions, _SCHOOL, _SCHOOLING_REQUIRED, "requirement")
        # Road closures announced for a race or parade are news of the event, not traffic.
        if subjects == {_TRAFFIC} and all(set(h.words) <= _CLOSURE_WORDS for h in hits if h.category == _TRAFFIC):
            hits = self._only_in(hits, text, exclusions, _TRAFFIC, _EVENT_SENTENCE, "event")
        if subjects - {_SCHOOL, _HEALTH}:
            hits = self._only_in(hits, text, exclusions, _HEALTH, _TREATED_SENTENCE, "treated")
        # Care sought at the end of a trip in a transport complaint ("老人去县医院看病只能包车"): the trip is the
        # subject, unless the title names the care ("县医院门口停车太难").
        if _TRAFFIC in subjects and _HEALTH in subjects:
            title = text.split("\n", 1)[0] if "\n" in text else ""
            if not any(w in title for h in hits if h.category == _HEALTH for w in h.words):
                hits = self._only_in(hits, text, exclusions, _HEALTH, _CARE_TRIP, "trip")
            else:  # ... and a taxi taken to the care a title names ("只能再打车去儿科医院"): the way there
                hits = self._only_in(hits, text, exclusions, _TRAFFIC, _TAXI_TO_CARE, "taxi")
        # The dead of a past disaster mourned: a memorial, not an accident.
        if _SAFETY in subjects:
            hits = self._only_in(hits, text, exclusions, _SAFETY, _MEMORIAL_SENTENCE, "memorial")
        # 医保 beside 社保 is a service desk's counter ("办社保、医保、户口"), not health care; a caller who
        # says he is from the 医保 office ("对方自称医保局，说医保卡被冻结，要转钱到安全账户") is a fraud.
        if _HEALTH in subjects and "社保" in text:
            hits = _without(hits, exclusions, "services", _HEALTH, {"医保"})
        # A free clinic as one stall of a community fair ("包饺子比赛和义诊", "义务理发、义诊等活动"): no health care news.
        if _HEALTH in subjects and _LISTED_CLINIC.search(text):
            hits = _without(hits, exclusions, "fair", _HEALTH, {"义诊"})
        if _HEALTH in subjects and _FRAUD.search(text):
            hits = _without(hits, exclusions, "fraud", _HEALTH, {"医保", "医保局", "医保卡"})
        # Teachers or students unpaid by a tutoring school or a tea shop, or a contractor's canteen
        # hands or builders at a school: a wages post; the school words only say who worked there
        # ("培训机构关门，老师三个月工资没发", "学校食堂临时工被拖欠工资", "小学新楼施工队没发工资",
        # "中学新宿舍楼的工人没拿到工钱"). Not the pay of a public school's teachers ("乡村老师的绩效工资拖了
        # 半年，教育局说财政紧张"): teachers' pay is a school matter too.
        if _WAGES in subjects:
            canteen = _BUILDERS.search(text) or _NEW_BUILDING.search(text) \
                or any("食堂" in h.words for h in hits if h.category == _SCHOOL)
            if canteen or not _TEACHERS_PAY.search(text):
                hits = _without(hits, exclusions, "employer", _SCHOOL,
                                _CANTEEN_STAFF | {"校区宿舍"} if canteen else _SCHOOL_WORKERS)
        # 中毒 as a craving for a dish ("吃了一回驴打滚就中毒了"), nobody sick: no poisoning.
        if _SAFETY in subjects and hooked_on_food(text):
            hits = _without(hits, exclusions, "figurative", _SAFETY, {"中毒"})
        # An accident the post reports as a rumour denied ("网传…爆炸，官方辟谣：系正常放空燃烧", "网传大桥发生
        # 车祸系旧视频"): none happened; a road told only by the crash that never was (and the 交警 who
        # denied it) is no traffic matter.
        if (_SAFETY in subjects or _TRAFFIC in subjects) and DEBUNKED.search(text):
            hits = _dropped(hits, exclusions, "debunked", {h.topic_id for h in hits if h.category == _SAFETY})
            hits = _without(hits, exclusions, "debunked", _TRAFFIC, _CRASHES | {"交警"})
        # People stuck in a lift or a cable car that stopped: a breakdown, neither a safety accident nor
        # a transport service halted.
        if subjects and subjects <= {_SAFETY, _TRAFFIC} and _STUCK_IN.search(text):
            hits = _without(hits, exclusions, "stuck", _SAFETY, {"被困", "困人"})
            hits = _without(hits, exclusions, "stuck", _TRAFFIC, {"停运"})
        # The subway only as a landmark, or a bus or the subway only as the way there: no transport matter.
        if _TRAFFIC in subjects:
            hits = self._only_in(hits, text, exclusions, _TRAFFIC, _TRANSIT_AS_LANDMARK, "landmark")
            # A queue out into the road of people or of waste water, no vehicle in it ("门口排队排到马路上",
            # "洗车店污水直接排到马路上"), unlike cars queuing for a car park ("车一直排到马路上").
            if any("排到马路上" in h.words for h in hits) \
                    and not any(_VEHICLE.search(m.group()) for m in _QUEUE_TO_ROAD.finditer(text)):
                hits = _without(hits, exclusions, "queue", _TRAFFIC, {"排到马路上"})
        # A septic tank where workers were gassed: a work accident, not a pollution post.
        if _SAFETY in subjects and _POLLUTION in subjects and _GASSED.search(text):
            hits = _without(hits, exclusions, "accident", _POLLUTION, {"化粪池"})
        # A leak smelt nearby and the environment staff among its responders ("储罐泄漏，周边闻到刺鼻气味，
        # 消防和环保人员到场处置"): the leak is an accident; its smell and responders make no pollution post.
        if _SAFETY in subjects and _POLLUTION in subjects \
                and any("泄漏" in h.words for h in hits if h.category == _SAFETY):
            hits = _without(hits, exclusions, "leak", _POLLUTION, _LEAK_SIGNS)
        # A smell in food; a drain that keeps clogging; a boss gone with customers' fees; compensation unpaid.
        if _POLLUTION in subjects and all(set(h.words) <= _SMELLS for h in hits if h.category == _POLLUTION):
            hits = self._only_in(hits, text, exclusions, _POLLUTION, _FOOD_SMELL, "food")
        if _POLLUTION in subjects and _UNCOLLECTED.search(text) and not _LITTER_OUTDOORS.search(text):
            hits = _dropped(hits, exclusions, "uncollected", {
                h.topic_id for h in hits if h.category == _POLLUTION and set(h.words) <= _BIN_WORDS})
        if _POLLUTION in subjects and _NUISANCE.search(text):
            hits = _without(hits, exclusions, "nuisance", _POLLUTION, _NOISE_WORDS)
        if _TRAFFIC in subjects and _HIRING.search(text):
            hits = _without(hits, exclusions, "hiring", _TRAFFIC, {"班车", "通勤车", "通勤班车"})
        if _TRAFFIC in subjects and _DETOUR.search(text) and _TAXI.search(text) and not _FARE_REFUSED.search(text):
            hits = _without(hits, exclusions, "fare", _TRAFFIC, _TAXI_WORDS)
        # A notice of water cut off for works that warns of cloudy water after ("恢复供水后水质可能略有浑浊"): no pollution.
        if _POLLUTION in subjects and ("停水" in text or "恢复供水" in text):
            hits = _without(hits, exclusions, "water cut", _POLLUTION, {"水质", "浑浊", "水浑", "发黄"})
        # A building's fire that held up the street outside ("饭店后厨起火…就是门口那段路堵了半天"): the fire is the
        # news; a vehicle burning on a road, a bridge or in a tunnel is a traffic matter too.
        if _SAFETY in subjects and _TRAFFIC in subjects and not _VEHICLE_FIRE.search(text) \
                and any(_FIRES.intersection(h.words) for h in hits if h.category == _SAFETY):
            hits = _without(hits, exclusions, "fire", _TRAFFIC, _jam_words(hits))
        if _TRAFFIC in subjects and _DRAINS.search(text) and not _ROADS.search(text):
            hits = _without(hits, exclusions, "drain", _TRAFFIC, _jam_words(hits))
        if _WAGES in subjects and _PREPAID.search(text) and not _WORK.search(text):
            hits = _without(hits, exclusions, "prepaid", _WAGES, {"老板跑路"})
        if _WAGES in subjects and _DEMOLITION in subjects and not _WORK.search(text):
            hits = _without(hits, exclusions, "compensation", _WAGES, _UNPAID)
        return hits

    @staticmethod
    def _only_in(hits, text: str, exclusions: list[str], category: str, sentences: re.Pattern,
                 label: str) -> tuple[TopicHit, ...]:
        """`hits` without the topics of `category` whose every word stands in such sentences."""
        if not any(h.category == category for h in hits):
            return hits
        spans = [m.span() for m in sentences.finditer(text)]
        if not spans:
            return hits
        # A word the post never spells out (a phrase read as a term: _READ_AS) stands in no such sentence.
        drop = {h.topic_id for h in hits if h.category == category
                and all(w in text for w in h.words)
                and all(any(s <= m.start() and m.end() <= e for s, e in spans)
                        for w in h.words for m in re.finditer(re.escape(w), text))}
        return _dropped(hits, exclusions, label, drop)

    def _subjects(self, out: list[TopicHit], subject: list[tuple], exclusions: list[str]) -> tuple[TopicHit, ...]:
        """A post is about what its title names: when the title names a topic, another topic whose
        words appear only once, in the body, is an incidental mention ("…堵车" with one 学生 in
        the text), not a subject of the post, and is dropped (reported as "incidental:<id>"). A road
        that an accident blocked is a subject however briefly said ("山路塌方，石头把路堵了一半")."""
        if not any(in_title for catch_all, in_title, _ in subject if not catch_all):
            return tuple(out)
        kept = []
        for hit, (catch_all, in_title, hits) in zip(out, subject):
            if catch_all or in_title or hits > 1 or not _BLOCKED_ROAD.isdisjoint(hit.words):
                kept.append(hit)
            else:
                exclusions.append(f"incidental:{hit.topic_id}")
        return tuple(kept)

    def _locality_hits(self, text: str) -> list[tuple[int, int, str, int]]:
        """(start, end exclusive, term, role) of every automaton hit, in order of start."""
        if not len(self._ac):
            return []
        hits = [(last + 1 - len(term), last + 1, term, role) for last, (term, role) in self._ac.iter(text)]
        hits.sort(key=lambda h: h[0])
        return hits

    def _split_swallowed(self, tokens: tuple[str, ...], loc_hits, segment) -> tuple[str, ...]:
        """A locality name that jieba's general dictionary swallowed into a longer word at its start
        ("遵义会议" in "遵义会议会址门口") is cut out, when the rest is itself a word of 2–4
        characters, or 话 (our dialect: "宁波话"), and not a road or division word (青溪路, 青溪镇 stay
        whole: look-alikes); and one whose last character jieba gave to the next word ("发展|乡政府" for
        发展乡|政府, "贤|山脚下") is made whole."""
        starts = None
        split: dict[int, tuple[str, ...]] = {}  # token index → the tokens that replace it
        for s, e, term, role in loc_hits:
            if role not in (STRONG, WEAK, COMMON):
                continue
            if starts is None:
                bounds = offsets(tokens)
                starts = {p: i for i, p in enumerate(bounds[:-1])}
            i = starts.get(s)
            if i is None:
                # our name after the city or province above us in one dictionary word ("上海浦东|机场",
                # "上海浦东新区"): the two names
                k = bisect_left(bounds, s) - 1
                head = tokens[k][:s - bounds[k]]
                if k not in split and self._loc_roles.get(head) == ANCHOR:
                    split[k] = (head, tokens[k][len(head):])
                continue
            if i + 1 < len(tokens) and len(tokens[i]) < len(term) and term.startswith(tokens[i]):
                tail = term[len(tokens[i]):]
                rest = tokens[i + 1][len(tail):]
                # any tail after a lone first character of a strong name, when jieba took the rest for
                # another place ("邵|东城区" for 邵东|城区; not "长|白头发", "汇|川菜馆")
                lone_head = role == STRONG and len(tokens[i]) == 1 and tokens[i + 1] in self._elsewhere
                if (tail in _NAME_TAILS or lone_head) and tokens[i + 1].startswith(tail) \
                        and (2 <= len(rest) <= _SWALLOWED_REST and list(segment(rest)) == [rest]
                             or rest == "段"  # "香|河段" for 香河|段, a stretch of road or river
                             # "虞|山上" for 虞山|上: on our hill, lake or river
                             or role == STRONG and len(tokens[i]) == 1 and tail in "山湖河江" and rest in _ON_IT
                             or lone_head and tokens[i + 1] in _DIRECTION_REGIONS):  # "天|河北": 天河|北, its north
                    split[i], split[i + 1] = (term,), (rest,)
                # a township's name before its road, cut as "五|山路" (五山|路), and a road's name before 上/口,
                # cut as "长江|路上" (长江路|上)
                elif tokens[i + 1].startswith(tail) \
                        and (term in self._minor and rest in ("路", "街") and len(tokens[i]) == 1
                             or term[-1] in "路街" and tokens[i + 1] in ROAD_TOKENS):
                    split[i], split[i + 1] = (term,), (rest,)
                # an alias the operator named, after a lone character, with one character left of the next word
                # ("衡|钢厂" for 衡钢|厂): the operator's name wins; so does its own name with a direction left
                # ("武|安南|洺河" for 武安|南洺河), not any word ("包|头巾", "六|安排", "宜|春耕")
                elif (term in self._aliases or term in self._own_names and rest in "东南西北") \
                        and len(tokens[i]) == 1 and len(rest) == 1 \
                        and tokens[i + 1].startswith(tail):
                    split[i], split[i + 1] = (term,), (rest,)
                continue
            if len(tokens[i]) <= len(term) or not tokens[i].startswith(term) or tokens[i] in self._loc_roles:
                continue  # not a word at all, or one of our own names (呼伦贝尔 is no 呼伦|贝尔)
            rest = tokens[i][len(term):]
            # 一 before a measure word ("汤山一|家温泉酒店", "上坊一|所小学"): "one" of something there
            if not (2 <= len(rest) <= _SWALLOWED_REST or rest == "话"
                    or rest == "一" and i + 1 < len(tokens) and tokens[i + 1][:1] in _MEASURES) \
                    or rest.startswith(ROAD_WORDS) or rest.startswith(DIVISION_WORDS) \
                    or rest in self._token_terms or list(segment(rest)) != [rest]:
                continue
            split[i] = (term, rest)
        self._split_pairs(tokens, loc_hits, split)
        if not split:
            return tokens
        return tuple(chain.from_iterable(split.get(i, (tok,)) for i, tok in enumerate(tokens)))

    @staticmethod
    def _split_pairs(tokens: tuple[str, ...], loc_hits, split: dict[int, tuple[str, ...]]) -> None:
        """Two names of ours written one after the other ("阳东东城镇": the district 阳东 and its 东城镇) that
        jieba cut across ("阳|东东|城镇") are cut back into the two names."""
        names = [(s, e, term) for s, e, term, role in loc_hits if role in (STRONG, WEAK)]
        if len(names) < 2:
            return
        starts = {p: i for i, p in enumerate(offsets(tokens))}
        after: dict[int, tuple[int, str]] = {}
        for s, e, term in names:  # the longest name starting at each place (东城镇, not 东城)
            if e > after.get(s, (0, ""))[0]:
                after[s] = (e, term)
        for s, e, term in names:
            nxt = after.get(e)
            if nxt is None or e in starts or s not in starts or nxt[0] not in starts:
                continue
            first, last = starts[s], starts[nxt[0]]
            if any(k in split for k in range(first, last)):
                continue
            split[first] = (term, nxt[1])
            for k in range(first + 1, last):
                split[k] = ()

    def _token_hits(self, tokens: tuple[str, ...], starts: list[int], text: str, segment,
                    exclusions: list[str]) -> list[tuple[int, int, str, tuple, bool]]:
        """Look-alike and topic terms that are a run of whole tokens: (start, end, term, entry,
        negated), in order of start. Runs start only at a token that begins some term (one C-level
        pass picks those) and are extended only while they are a prefix of some term.
        A topic term also counts inside one compound token: as its head (大学生, 人员伤亡,
        发生爆炸) unless the left part denies it (无污染, 防火灾), or as its first word when the
        rest is a word of its own or one noun character (公交线路, 公交车; not 爆炸性); never inside a
        FIGURATIVE phrase (人气爆炸); and across a split the segmenter made after a lone character
        (追|尾部: 追尾)."""
        hits = []
        prefixes = self._prefixes
        n = len(tokens)
        for i in compress(range(n), map(prefixes.__contains__, tokens)):
            run, j = tokens[i], i
            entry = prefixes[run]
            while True:
                if entry is not None:
                    negated = bool(entry[1]) and self._negated_at(tokens, i)
                    hits.append((starts[i], starts[i] + len(run), run, entry, negated))
                j += 1
                if j == n:
                    break
                run += tokens[j]
                entry = prefixes.get(run, _NOT_A_PREFIX)
                if entry is _NOT_A_PREFIX:
                    break
        if self._topic_terms_max:
            hits += self._compound_hits(tokens, starts, segment)
            hits += self._gapped_hits(tokens, starts, hits)
            hits.sort(key=lambda h: h[0])
        if self._figurative:
            figures: set[str] = set()
            for start, _, term, entry, _ in hits:
                phrase = next((p for p, off in self._figurative.get(term, ())
                               if start >= off and text.startswith(p, start - off)), None) if entry[1] else None
                if phrase is not None:
                    exclusions.append(f"figurative:{phrase}")
                    figures.add(term)
            # A word the post once uses as a figure ("真的让人中毒" … "一周不吃就想，真的中毒了") is
            # that figure wherever else it says it.
            hits = [hit for hit in hits if hit[2] not in figures]
        # A report of monitoring figures is about its subject however good they are ("水质优良,
        # 优良天数增加"); elsewhere a praised word is no complaint ("大闸蟹开捕 … 水质好").
        if hits and not _MONITORING.search(text):
            hits = [hit for hit in hits if not self._praised(hit, tokens, starts, exclusions)]
        return hits

    @staticmethod
    def _praised(hit, tokens, starts, exclusions: list[str]) -> bool:
        """A topic word that the next token praises ("水质好", "空气质量持续改善"): not a problem."""
        end = hit[1]
        j = bisect_left(starts, end)
        if j >= len(tokens) or starts[j] != end:
            return False
        if tokens[j] in _PRAISE_ADVERBS and j + 1 < len(tokens):
            j += 1
        if tokens[j] == "好" and j + 1 < len(tokens) and tokens[j + 1].startswith(("几", "多", "久", "长", "半")):
            return False  # "垃圾桶满了好|几天": for many days, not praise
        if tokens[j] in _PRAISE:
            exclusions.append(f"praised:{hit[2]}")
            return True
        return False

    def _compound_hits(self, tokens: tuple[str, ...], starts: list[int], segment) -> list[tuple]:
        out = []
        terms = self._token_terms
        longest = self._topic_terms_max
        for i, tok in enumerate(tokens):
            size = len(tok)
            if size == 1 and i + 1 < len(tokens) and tok in self._prefixes:  # only a term's first char
                hit = self._split_hit(tokens, starts, i)
                if hit is not None:
                    out.append(hit)
                continue
            if size < 3 or tok in terms:
                continue
            for k in range(min(longest, size - 1), 1, -1):  # head: the token ends with the term
                entry = terms.get(tok[size - k:])
                if entry is not None and entry[1]:
                    left = tok[:size - k]
                    if left not in _COMPOUND_DENIALS and left[-1] not in _COMPOUND_DENIALS:
                        negated = self._negated_at(tokens, i)
                        out.append((starts[i] + size - k, starts[i] + size, tok[size - k:], entry, negated))
                    break
            else:
                for k in range(min(longest, size - 1), 1, -1):  # first word: the rest is a word
                    entry = terms.get(tok[:k])
                    rest = tok[k:]
                    if entry is not None and entry[1] and rest not in _ADJECTIVE_SUFFIXES and rest not in _CLASSMATES \
                            and (rest in _NOUN_SUFFIXES or len(rest) > 1 and list(segment(rest)) == [rest]):
                        negated = self._negated_at(tokens, i)
                        out.append((starts[i], starts[i] + k, tok[:k], entry, negated))
                        break
        return out

    def _negated_at(self, tokens: tuple[str, ...], i: int) -> bool:
        """Whether the term that starts at tokens[i] is denied before it (see _negated)."""
        return i > 0 and tokens[i - 1] in _NEGATION_CONTEXT and _negated(tokens, i, self._token_terms)

    def _gapped_hits(self, tokens: tuple[str, ...], starts: list[int], hits: list[tuple]) -> list[tuple]:
        """Two-word topic terms with a short modifier between their words (see _GAP_TOKENS). The rest
        of a term is looked up by the next tokens (or their tails): cost follows the tokens, not the
        number of terms that start alike."""
        out = []
        n = len(tokens)
        found = None
        for i in compress(range(n), map(self._gapped.__contains__, tokens)):
            if found is None:
                found = {(h[0], h[2]) for h in hits}
            rests = self._gapped[tokens[i]]
            gap = 0
            for j in range(i + 1, min(i + 2 + _GAP_TOKENS, n)):
                tok = tokens[j]
                for cut in range(max(0, 1 - gap), min(len(tok) - 1, _GAP_CHARS - gap + 1)):
                    for term, entry in rests.get(tok[cut:], ()):
                        if (starts[i], term) not in found:
                            found.add((starts[i], term))
                            negated = self._negated_at(tokens, i)
                            out.append((starts[i], starts[j] + len(tok), term, entry, negated))
                gap += len(tok)
                if gap > _GAP_CHARS or tok in NEGATIONS or not tok.isalnum():
                    break
        return out

    def _split_hit(self, tokens: tuple[str, ...], starts: list[int], i: int) -> tuple | None:
        """A topic term the segmenter split: a lone character whose term the next token took the
        rest of ("两车追|尾部受损" → 追尾, "废|水质" → 废水). Only from a lone character: a term
        starting inside a longer token ("一起|火锅") is a fragment, not a split word."""
        nxt = tokens[i + 1]
        for k in range(min(len(nxt) - 1, self._topic_terms_max - 1), 0, -1):
            term = tokens[i] + nxt[:k]
            entry = self._token_terms.get(term)
            if entry is not None and entry[1]:
                negated = self._negated_at(tokens, i)
                return starts[i], starts[i] + len(term), term, entry, negated
        return None

    def _is_candidate(self, loc_hits, text: str) -> bool:
        weak = context = False
        for s, e, term, role in loc_hits:
            if role == STRONG or role == OPTIONAL_TOPIC \
                    or term in self._placeable and (s and text[s - 1] in _GOING_CHARS and role != WEAK
                                                    or _PLACE_AFTER.match(text, e)
                                                    or role != WEAK and "至" in (text[s - 1:s], text[e:e + 1])) \
                    or term in self._shared_names and (s and text[s - 1] in _GOING_CHARS or _PLACE_AFTER.match(text, e)) \
                    or term in self._street_placed and _WORD_PLACED.match(text, e) \
                    or term in self._road_towns:
                return True
            if role == ANCHOR:
                context = True
            else:
                weak = True
                context = context or term in self._lone_names or role == COMMON and _named_next(e, loc_hits)
        return weak and (context or len({term for *_, term, role in loc_hits if role == WEAK}) > 1)

    def _locality(self, loc_hits, term_hits, text, tokens, starts, exclusions,
                  title_end: int = 0) -> tuple[tuple[str, ...], bool]:
        bounds = set(starts)
        lookalikes = [(s, e, term) for s, e, term, (is_lookalike, _), _ in term_hits if is_lookalike]
        index = {p: i for i, p in enumerate(starts[:-1])}
        # Names that the post once puts after another place and before 路上/路口 ("上海柳州路上"):
        # there, and wherever else the post says 柳州路上, they are a street elsewhere.
        streets_elsewhere = {term for s, e, term, _ in loc_hits
                             if (e in index and tokens[index[e]] in ROAD_TOKENS or text.startswith("路", e))
                             and self._after_another_place(tokens, index.get(s))}
        # ... and those it names as a road (湘潭路, not 湘潭路口) in a post that names another city
        # ("青岛这边湘潭路和周边几个路口又堵死了": its title's 湘潭路口 is that road's junction).
        # Another place's name right before a road word is a street of ours named after it ("从江山路口到
        # 井冈山路口"): cities name their streets after other places, so it names no other place.
        # Nor is one that says only where visitors, their cars or a trip here come from ("从西安开车过来两个多小时",
        # "西安来的专家在双龙镇卫生院义诊", "上海牌照的一辆接一辆"): the post is set where they came to.
        # Nor is a word jieba cut across one of our names ("早|上海|虞|北路" for 早上|海虞北路).
        others = {tok for k, tok in enumerate(tokens) if tok in self._elsewhere and not _road_next(tokens, k)
                  and not _came_from(tokens, k) and not _cut_across(starts, k, loc_hits)} \
            if not self._elsewhere.isdisjoint(tokens) else set()
        names_elsewhere = bool(others) and not others <= self._villages_of_ours(tokens)
        if names_elsewhere:
            streets_elsewhere |= {term for s, e, term, _ in loc_hits
                                  if text.startswith("路", e) and not text.startswith(("路口", "路上", "路段"), e)}
        kept = []
        named: set[str] = set()
        # A township word stands as a place only before one ("碣石一家制衣厂", "碣石码头"): "一直在抽水"
        # is pumping, not being in 抽水.
        placed = frozenset(s for s, e, term, role in loc_hits
                           if term in self._placeable and (_PLACE_AFTER.match(text, e) if role == WEAK
                                                           else _placed(tokens, index, text, s, e, self._elsewhere)))
        works = [m.span() for m in _WORK_TITLE.finditer(text)] if "《" in text else []
        # The same title unbracketed elsewhere in the post ("唱了喀什噶尔胡杨 / …唱《喀什噶尔胡杨》") is the work too.
        works += [(m.start() - 1, m.end() + 1) for title in {text[ws + 1:we - 1] for ws, we in works}
                  for m in re.finditer(re.escape(title), text) if text[m.start() - 1:m.start()] != "《"]
        for s, e, term, role in loc_hits:
            if role == OPTIONAL_TOPIC:
                continue
            if s not in bounds:
                # Inside a word jieba made of another place and our name's head ("丹东九连城|镇", "西安凤城|五路"):
                # that place's namesake, here and wherever else the post names it.
                k = bisect_left(starts, s) - 1
                if k >= 0 and text[starts[k]:s] in self._elsewhere and term not in self._own_names:
                    exclusions.append(f"locality:{text[starts[k]:s]}{term}")
                    named.add(term)
                continue
            # Inside an idiom the segmenter cut apart around our name ("才高八|斗", "东拉|西扯"): the saying's.
            saying = next((w for w, k in self._sayings.get(term, ()) if k <= s and text.startswith(w, s - k)), None)
            if saying is not None:
                exclusions.append(f"locality:{saying}")
                continue
            # Our model or experience taken up elsewhere ("引进寿光大棚种植模式", "学习晋江经验"): a name for a way of
            # doing things, not a place the post is set in.
            if _ADOPTING.search(text, max(0, s - 6), s) and (model := _MODEL.match(text, e)):
                exclusions.append(f"locality:{term}{model.group()}")
                continue
            # The head of a longer name of another place ("离石家庄还有一百多公里": 石家庄, not our 离石).
            other = self._overlapping_place(text, s, e)
            if other is not None:
                exclusions.append(f"locality:{term}@{other}")
                continue
            if term in self._plates and (not VEHICLE_WORDS.search(text) or one_car(text, s, e)):
                exclusions.append(f"locality:{term}@非本地车牌")
                continue
            # Inside the title of a book, poem, song or drama ("《忆秦娥·娄山关》", "《幸福之路》"); a work called
            # just that (《天鹅湖》, 《月亮河》) is that work wherever else the post names it.
            work = next((w for w in works if w[0] < s and e <= w[1]), None)
            if work is not None:
                exclusions.append(f"locality:《{term}》")
                if work[1] - work[0] == len(term) + 2:
                    named.add(term)
                continue
            cover = next(((xs, x) for xs, xe, x in lookalikes if xs <= s and e <= xe), None)
            if cover is not None:
                exclusions.append(f"locality:{cover[1]}")
                # "黑山共和国 … 黑山旅游攻略": the country wherever the post says 黑山; our own name too when the
                # look-alike is abroad ("去日本岛根县的松江市 … 松江城": Japan's 松江 throughout).
                if len(term) == 2 and (term not in self._own_names or self._abroad_before(tokens, index.get(cover[0]))):
                    named.add(term)
                continue
            # A road, or another division of the same name ("屏山乡" elsewhere, not our 屏山县).
            suffix = next((w for w in ROAD_WORDS if text.startswith(w, e) and e + len(w) in bounds), None) \
                or next((w for w in DIVISION_WORDS if e in bounds and text.startswith(w, e)
                         and (e + len(w) in bounds or e in index and tokens[index[e]] in _TOWN_LEVEL_TOKENS
                              and not term.endswith(DIVISION_WORDS))
                         and term + w not in self._loc_roles
                         and not self._renamed_town(term, w)
                         and not (term.endswith(("市", "县城")) and w == "区")  # 邢台市|区, 衡阳县城|区: urban area
                         and not (term.endswith("港") and w == "区")), None)  # 妈湾港|区: the port's area
            # "上海柳州路上": 柳州路, a street elsewhere; but with no other place before it, "柳州路口" is
            # a crossing in 柳州 ("在绵阳路口开车最怕加塞"), and a full division name before 路段/路上 is the
            # stretch of road inside that division ("奎文区路段早晚高峰拥堵").
            if suffix is None and e in index and tokens[index[e]] in ROAD_TOKENS \
                    and not term.endswith(DIVISION_WORDS) and term in streets_elsewhere:
                suffix = tokens[index[e]][:-1]
            # An avenue named after us with no other place before it is our own main road (龙岩大道,
            # 凉都大道, 浑江大街): cities name their avenues after themselves, streets after other places.
            if suffix in ("大道", "大街") and not self._after_another_place(tokens, index.get(s), counties=True):
                suffix = None
            # ... and a road named after a township of ours, in a post naming no other place, runs through it
            # ("杜岭街的坑"): cities name streets after other cities and counties, not after their townships.
            if suffix in ROAD_WORDS and not names_elsewhere and term in self._minor and term not in self._counties:
                suffix = None
            if suffix is None and term.endswith("平") and text.startswith(("方米", "方公里", "方千米"), e):
                suffix = "方"  # "每人只有四平方米": a number and 平方米, not 四平
            if suffix is None and term in self._own_names and text.startswith("村", e) and e + 1 in bounds:
                suffix = "村"  # "平遥县襄垣乡白城村": a village named like our city
            if suffix is None and text.startswith(_RANKS, e):
                suffix = next(r for r in _RANKS if text.startswith(r, e))  # "卡在白银段位": a rank, not 白银
            if suffix is None and text.startswith("两国", e):
                suffix = "两国"  # "英德两国": two countries' initials, not 英德
            if suffix is not None:
                exclusions.append(f"locality:{term}{suffix}")
                continue
            sense = _WORD_SENSES.get(term)
            if sense is not None and (m := sense.search(text, *sentence_span(text, s, e))):
                exclusions.append(f"locality:{term}@{m.group()}")
                named.add(term)
                continue
            # A name given to something ("一家叫信丰的物流公司"), a person's given name after a surname or
            # a role ("篮球联赛王崇义砍下三十分", "作家陆良"), or a thing said not to be here: not the place.
            i = index.get(s)
            # A product bought online under our name ("网上买的敖汉小米", "网购的儋州黄皮").
            if i and "".join(t for t in tokens[max(0, i - 4):i] if t not in _OPENING_QUOTES).endswith(_BOUGHT_ONLINE):
                exclusions.append(f"locality:网购{term}")
                named.add(term)
                continue
            if i and tokens[i - 1] in _NAMED_AS and tokens[i - 2:i - 1] not in (("这儿",), ("这里",)):
                exclusions.append(f"locality:{tokens[i - 1]}{term}")  # not "管这儿叫锦县": the place's name
                named.add(term)
                continue
            if i > 1 and tokens[i - 2] in _NAMED_AS and len(tokens[i - 1]) == 1 and tokens[i - 1].isalpha():
                exclusions.append(f"locality:{tokens[i - 2]}{tokens[i - 1]}{term}")  # "一名叫黄贵港的快递小哥"
                named.add(term)
                continue
            if i and len(term) == 2 and role != ANCHOR \
                    and (tokens[i - 1] in _SURNAMES and tokens[i - 2:i] not in _WEEKS or tokens[i - 1] in _PERSON_ROLES
                         or tokens[i - 1] in _NOT_HERE or tokens[i - 1] in _NOT_A_PLACE_BEFORE
                         or tokens[i - 1] in _SHOP_CLASSIFIERS and (names_elsewhere or term in self._dictionary_names)
                         or tokens[i - 1] == "家" and i > 1 and tokens[i - 2] in _DEMONSTRATIVES
                         and term in self._dictionary_names):
                exclusions.append(f"locality:{tokens[i - 1]}{term}")
                named.add(term)
                continue
            j = index.get(e)
            if len(term) == 2 and role != ANCHOR and term[0] in _SURNAMES_BEFORE_TITLES and j is not None \
                    and tokens[j] in _TITLES_AFTER:  # "黄平教授谈乡村振兴": a person
                exclusions.append(f"locality:{term}{tokens[j]}")
                named.add(term)
                continue
            # A nickname of ours right before another city's name is that city's ("春城长春", "港城连云港").
            if term in self._nicknames and j is not None and self._names_elsewhere(tokens, j):
                exclusions.append(f"locality:{term}{tokens[j]}")
                named.add(term)
                continue
            if i and term[0] in "百千万" and tokens[i - 1] in _NUMERALS:  # "一百色的彩铅": a number
                exclusions.append(f"locality:{tokens[i - 1]}{term}")
                continue
            if i and (i > 1 and tokens[i - 1] in ("在", "归") and tokens[i - 2] in ("不", "并不")  # 不|在|青溪
                      or tokens[i - 1] in ("不归", "不属于", "并不属于")):  # "婺源不归景德镇管"
                said = tokens[i - 1] if tokens[i - 1] not in ("在", "归") else tokens[i - 2] + tokens[i - 1]
                exclusions.append(f"locality:{said}{term}")
                named.add(term)
                continue
            # A name another place is called by ("攀枝花被称为钢城", "萨德伯里被称为世界镍都"): that place's.
            if i and self._called_elsewhere(tokens, i):
                exclusions.append(f"locality:称为{term}")
                named.add(term)
                continue
            # Our township's full name right after another county or city that has one of that name too
            # ("句容宝华镇", "会理太平镇"): that county's, wherever the post names it.
            if role != ANCHOR and i and term.endswith(_TOWN_LEVELS) and tokens[i - 1] not in self._loc_roles \
                    and tokens[i - 1] not in self._ours and _names_one_of(tokens[i - 1], ancestor_names(term)):
                exclusions.append(f"locality:{tokens[i - 1]}{term}")
                named.add(term)
                continue
            # Another city's, province's or county's name right before: "宁波江北", "南昌东湖区",
            # "上海柳州路", "江苏台州姜堰" (泰州 mistyped), "邛崃天台山" (a namesake landmark).
            before = tokens[i - 1] if i else None
            # Our city's own name in a run of other cities is a list ("哈尔滨长春四平明天降温"), not a
            # place inside the one before it ("上海遵义商场"; "江苏台州姜堰": 泰州 mistyped).
            if role != ANCHOR and self._after_another_place(tokens, i) \
                    and not (term in self._own_names and self._in_a_list(tokens, i, index.get(e))) \
                    and not (before.endswith(("河", "江")) and text.startswith("段", e)):  # 太子河|溪湖|段: its stretch here
                exclusions.append(f"locality:{before}{term}")
                if term not in self._own_names:
                    named.add(term)  # "苏州金鸡湖 … 金鸡湖两艘游船", "辽宁凤城": that place's namesake throughout
                continue
            # ... or placed in another one right after: "东湖区在南昌", "临江县位于赣州".
            j = index.get(e)
            if j is not None and role != ANCHOR and tokens[j] in _PLACED_IN and j + 1 < len(tokens) \
                    and tokens[j + 1] in self._other_places and term not in self._own_names:
                exclusions.append(f"locality:{term}{tokens[j]}{tokens[j + 1]}")
                continue
            # A city's name before its urban area, cut as "沙湾|市区" (a county's seat is a term: 互助县城).
            if e in bounds or term.endswith("市") and e - 1 in bounds and text.startswith("区", e):
                kept.append((s, e, term, role))
        # A name the post once gives a person, a look-alike or an adjective, or once says is not
        # here, is so wherever else it stands in the post ("襄垣是我朋友 … 我朋友刘襄垣下周结婚",
        # "黄果树瀑布在安顺，不在遵义 … 从遵义怎么走过去").
        kept = [hit for hit in kept if hit[2] not in named or _PLACE_AFTER.match(text, hit[1])]  # 桂平路口 … 桂平城区
        # A trip here weighed and given up for another place ("本来想去三明…最后去了武夷山"): a post
        # about the other place.
        chose = _last_match(_CHOSE_ELSEWHERE, text) if kept and ("最后" in text or "后来" in text) else None
        if chose is not None and all(e <= chose.start() for _, e, term, role in kept
                                     if role != COMMON and term not in self._minor) \
                and _WEIGHED.search(text, 0, chose.start()):
            exclusions += [f"locality:{term}@放弃" for *_, term, _ in kept]
            kept = []
        # The rules below set a post elsewhere, and need another place named in it: most posts name none.
        if not names_elsewhere:
            # A place jieba joined to the next one ("上海浦东") still names somewhere else; a name of ours that starts
            # like another city (中山路街道) does not.
            joined = any(len(tok) > 3 and tok not in self._loc_roles
                         and (tok[:2] in self._elsewhere or tok[:3] in self._elsewhere) for tok in tokens)
            alone = not joined and any(hit[2] in self._lone_names for hit in kept)
            if not joined:  # nor right after a county elsewhere whose name is also a word ("尚志|石头河子附近")
                placed |= {s for s, e, term, _ in kept if (term in self._shared_names and _placed(tokens, index, text, s, e)
                                                           or term in self._street_placed and _WORD_PLACED.match(text, e)
                                                           or term in self._road_towns
                                                           and not (index.get(s) and tokens[index[s] - 1] in _ONTO))
                           and not (index.get(s) and tokens[index[s] - 1] not in self._loc_roles
                                    and bearers(tokens[index[s] - 1]))}
            return self._counted(kept, text, exclusions, alone=alone, placed=placed)
        # A landmark of ours in a clause that first names another place, with nothing moving there
        # between, is that place's namesake ("陕西宝鸡常羊山炎帝陵", "南京钟山风景区的梅花山").
        if self._aliases:
            away = {hit: place for hit in kept if hit[2] in self._aliases
                    and (place := self._landmark_elsewhere(tokens, index.get(hit[0]))) is not None}
            exclusions += [f"locality:{term}@{place}" for (_, _, term, _), place in away.items()]
            away_names = {hit[2] for hit in away}  # "射洪金华山 … 四川射洪的金华山": the namesake throughout
            kept = [hit for hit in kept if hit[2] not in away_names]
        # A post that names another city or province and none of our own city-level names is set
        # there: our township names and shared county names in it are namesakes ("广元旺苍县东河").
        # A post about a service of ours (医保, 社保, 户口) is ours wherever the care is sought
        # ("我是丰宁县的医保，孩子要去北京儿童医院看病"); this and the next two rules look it up
        # last, so only for a post they would set elsewhere.
        # Not when people come to one of our places ("广东医疗专家到米林义诊"): the visit is here.
        came = any(index.get(s) and tokens[index[s] - 1] in _CAME_TO for s, *_ in kept)
        if self._minor and any(role in (STRONG, WEAK) and term in self._minor for *_, term, role in kept) \
                and not any(role in (STRONG, ANCHOR) and term not in self._minor for *_, term, role in kept) \
                and not _OUR_SERVICES.search(text) and not came:
            inside = {k for k, p in enumerate(starts[:-1]) if any(s <= p < e for s, e, *_ in kept)}
            elsewhere = self._first_elsewhere(tokens, inside)
            if elsewhere is not None:
                exclusions += [f"locality:{term}@{elsewhere}" for *_, term, _ in kept if term in self._minor]
                kept = [hit for hit in kept if hit[2] not in self._minor]
        # A county of ours named like a place abroad, after that country in its sentence ("韩国京畿道利川市",
        # "韩国SK海力士宣布扩建位于利川的工厂"), in a post with nothing of ours but county and minor names: abroad.
        if kept and not came and all(term in self._counties or term in self._minor for *_, term, _ in kept):
            abroad = next((place for s, *_ in kept if (place := self._abroad_before(tokens, index.get(s)))), None)
            if abroad is not None:
                exclusions += [f"locality:{term}@{abroad}" for *_, term, _ in kept]
                kept = []
        # A title that names another city or province and nothing of ours but minor names says where
        # the post is set: our names in its body are then a product, a dish or a hometown named
        # after us ("北京一家小馆开业 … 一家<our city>羊杂碎小馆").
        # Not when the body lists our city with others ("福州、宁德、南平等地有暴雨"): news of each.
        if title_end and kept and all(s >= title_end or term in self._minor for s, _, term, _ in kept) \
                and not _OUR_SERVICES.search(text) and not came \
                and not any(term in self._own_names and self._listed(tokens, index.get(s), index.get(e))
                            for s, e, term, _ in kept):
            # the first other place the title names, not as a destination ("增开至银川城际列车", "新开西安航线",
            # "黄岐往广州方向周末堵死")
            # nor as a partner ("与北京专家远程会诊"), nor one the title denies ("新华街不是张家口那个新华街")
            # nor as where our goods go ("蔬菜进了长沙超市"), nor as the head of a name of ours the body gives
            # ("冰岛老寨春茶开采 / 勐库镇冰岛村老寨…": the village 冰岛村, not Iceland)
            heads = {term[:-1] for *_, term, _ in kept if term.endswith(_HEAD_TAILS) and len(term) > 2}
            i = 0
            while i < len(tokens) and starts[i] < title_end \
                    and (not self._names_elsewhere(tokens, i) or i and tokens[i - 1] in _PARTNERED
                         or self._towards(tokens, i) or i and tokens[i - 1] in _DENIED
                         or tokens[i + 1:i + 2] in _LINE_TO or tokens[i] in heads or self._shipped_to(tokens, i)):
                i += 1
            if i < len(tokens) and starts[i] < title_end:
                exclusions += [f"locality:{term}@{tokens[i]}" for *_, term, _ in kept]
                kept = []
        # A title that names another city first and then a shop, stall or building carrying our name sets the
        # post there: "上海的<our city>肉火烧店", "北京新发地的<our county>蔬菜档口". Our name right after
        # a word that moves or places something (来, 在, 到) is a visit here, not a shop elsewhere. A talk or a
        # concert held in another city has our place as its subject, not its setting; a fair there shows our goods.
        held_at = self._shop_named_after_us(tokens, starts, title_end, kept) if title_end and kept else None
        if held_at is None and kept and _TALK.search(text):
            held_at = self._talk_venue_elsewhere(tokens)
        if held_at is None and kept and _SHOWN.search(text):
            held_at = self._fair_elsewhere(tokens)
        if held_at is not None:
            exclusions += [f"locality:{term}@{held_at}" for *_, term, _ in kept]
            kept = []
        # Our name only as where people or cars come from, or as who acts in another place named in
        # the same clause, in a post that names that place: they act there ("绵阳游客在三亚被宰",
        # "台州籍司机在江西追尾", "老家台州的，在杭州租房", "长治学院合唱团在北京获奖"). The city
        # itself acting elsewhere is still news of it ("青溪在北京办推介会"), not its people
        # ("一个遵义朋友在深圳开了家火锅店").
        # Our province's name (an anchor: context only) is no sign of acting here ("天津西藏班"), nor is a name
        # that is also a word where the body does not stand it as a place ("向当地劳动部门投诉").
        # A name in the title that the body repeats is read where the body says it acts ("燕山大学学生获
        # 全国机器人大赛一等奖 / 在北京举行的…大赛上，燕山大学代表队获一等奖").
        in_body = {term for s, _, term, _ in kept if s >= title_end}
        read = [(s, e, term, role) for s, e, term, role in kept
                if role != ANCHOR and (s >= title_end or term not in in_body)]
        # (a name that is also a word is a sign where _counted counts it, "湖北赤壁", "在同仁", or in the title)
        sure = _sure_spans(kept)
        signs = [(s, e, term, role) for s, e, term, role in read
                 if role != COMMON or s < title_end or _stands_as_ours(s, e, sure, placed)]
        if kept and (signs or not read) and all(self._origin_only(tokens, index, s, e)
                                                or (term not in self._own_names or tokens[index.get(e, 0)] != "在")
                                                and self._acting_elsewhere(tokens, index.get(s), bisect_left(starts, e))
                                                for s, e, term, _ in signs) \
                and not _OUR_SERVICES.search(text):
            elsewhere = self._first_elsewhere(tokens)
            if elsewhere is not None:
                exclusions += [f"locality:{term}@{elsewhere}" for *_, term, _ in kept]
                kept = []
        return self._counted(kept, text, exclusions, placed=placed)

    def _renamed_town(self, term: str, level: str) -> bool:
        """Whether term+level is our township or county under a level the data does not give it yet: towns
        become 街道 and 乡 become 镇 ("视高街道" for our 视高镇), counties become cities or districts ("米林市"
        for our 米林县), and no division in China bears that name."""
        return (level in _TOWN_LEVELS and any(term + other in self._loc_roles for other in _TOWN_LEVELS)
                or level in ("市", "区") and any(term + old in self._loc_roles for old in ("县", "旗"))) \
            and not bearers(term + level)

    def _counted(self, kept, text: str, exclusions: list[str], alone: bool = False,
                 placed=frozenset()) -> tuple[tuple[str, ...], bool]:
        """The locality terms that count, and whether the post is ours, from the hits kept. `alone`:
        the post names no other place; `placed`: where a name that is also a word stands as a place."""
        # A post about history or a classic poem, with nothing of today in it, names our places as
        # they were then ("三国演义里邓艾偷渡阴平到了江油", "明朝戚继光在台州抗倭").
        # A history word inside one of our names is not one ("六盘水师范学院" holds 水师).
        # An age given to a thing that stands today is not history either ("唐代的大殿", "清代石桥").
        past = next((m for m in chain(_HISTORY.finditer(text), _OLD_YEAR.finditer(text) if "年" in text else ())
                     if not any(m.start() < e and s < m.end() for s, e, *_ in kept)
                     and not _STANDING.match(text, m.end())), None) if kept else None
        if past is not None and not _TODAY.search(text):
            exclusions += [f"locality:{term}@{past.group()}" for *_, term, _ in kept]
            kept = []
        sure = _sure_spans(kept)
        has_strong = any(role == STRONG for *_, role in kept)
        # Two different ambiguous names of ours vouch for each other ("铁东区 … 郭家店镇"): one
        # namesake elsewhere is likely, two in the same post are not.
        weak_names = {term for *_, term, role in kept if role == WEAK}
        has_context = bool(sure) or any(a not in b and b not in a for a in weak_names for b in weak_names) \
            or alone and not weak_names.isdisjoint(self._lone_names)
        counted: dict[str, None] = {}
        for s, e, term, role in kept:
            if (role == STRONG or (role == WEAK and has_context)
                    or role == COMMON and _stands_as_ours(s, e, sure, placed) or role == WEAK and s in placed):
                counted[term] = None
        if has_strong or counted:
            return tuple(counted), True
        return (), False

    def _first_elsewhere(self, tokens, ours=frozenset()) -> str | None:
        """The first other city, province or county the post names as a place, or None; tokens at
        the indices `ours` are inside one of our own names ("白银蒙古族乡" holds the city 白银). A place
        our name travels to ("灯塔去沈阳的城际公交"), the direction of a road ("往包头方向一度封闭") or a neighbour
        compared ("比隔壁番禺低") is where people go or look, and one visitors come from ("北京过来的游客") where
        they left, not where the post is set."""
        return next((tok for k, tok in enumerate(tokens) if k not in ours and self._names_elsewhere(tokens, k)
                     and not self._shipped_to(tokens, k) and not _ACROSS.intersection(tokens[max(0, k - 2):k])
                     and not (k > 1 and tokens[k - 1] in _TOWARDS and k - 2 in ours)
                     and not self._towards(tokens, k) and not self._come_from(tokens, k)), None)

    def _come_from(self, tokens, k: int) -> bool:
        """Whether tokens[k] is, alone or in a list, where visitors come here from ("好多北京过来的年轻人",
        "周末上海、杭州来的游客不少")."""
        j = k + 1
        while j < len(tokens) and (tokens[j] in _LIST_JOINS or self._names_elsewhere(tokens, j)):
            j += 1
        return tokens[j:j + 1] in (("来",), ("过来",)) and tokens[j + 1:j + 2] == ("的",)

    def _towards(self, tokens, k: int) -> bool:
        """Whether tokens[k] is in the places a road heads for ("往包头方向", "往广州番禺方向")."""
        i = k
        while i and self._names_elsewhere(tokens, i - 1):
            i -= 1
        j = k + 1
        while j < len(tokens) and self._names_elsewhere(tokens, j):
            j += 1
        # jieba glues 往 to a name it does not know ("大沥|黄岐往|广州|荔湾|方向"): still the road's heading.
        return bool(i) and (tokens[i - 1] in _TOWARDS or tokens[i - 1].endswith("往")) and tokens[j:j + 1] == ("方向",)

    def _abroad_before(self, tokens, i: int | None) -> str | None:
        """The foreign country named before tokens[i] in its sentence, not as where goods go, or None."""
        for k in range(i - 1, -1, -1) if i else ():
            if tokens[k] in _SENTENCE_ENDS:
                return None
            if tokens[k] in FOREIGN_COUNTRIES and not self._shipped_to(tokens, k):
                return tokens[k]
        return None

    def _shipped_to(self, tokens, k: int) -> bool:
        """Whether tokens[k] is where our goods are sent: right after 发往 or in a list of places after it
        ("发往内蒙古和俄罗斯")."""
        j = k - 1
        while j >= 0 and (tokens[j] in _LIST_JOINS or self._names_elsewhere(tokens, j)):
            j -= 1
        if j > 0 and tokens[j] == "了":  # "销到了长沙", "进了兰州超市"
            return tokens[j - 1] in _SHIPPED_TO or tokens[j - 1] == "进"
        return j >= 0 and tokens[j] in _SHIPPED_TO

    def _names_elsewhere(self, tokens, k: int) -> bool:
        """Whether tokens[k] names another city, province or county as a place."""
        tok = tokens[k]
        if tok not in self._elsewhere or tokens[k + 1:k + 2] in _NAME_PART_AFTER:  # 中山街, 南京路: a street
            return False
        if tokens[k + 1:k + 2] in _TOWNSHIP_AFTER:  # "白银|乡": a township of that name, not the city
            return False
        if tok in self._villages_of_ours(tokens):
            return False
        if k and (tokens[k - 1] in _CLASSIFIERS or tokens[k - 1].endswith("亩")):  # "那段黑河", "万亩桃园": no city
            return False
        if tok.endswith(("河", "江")) and (k and tokens[k - 1] in _INTO_WATER or tokens[k + 1:k + 2] in _BANKS):
            return False  # "滑进黑河", "黑河边": the river
        if any(t.startswith("援") for t in tokens[k + 1:k + 3]):  # "广东医疗援藏专家": where the aid comes from
            return False
        if tok in _WORD_READINGS and k + 1 < len(tokens):  # "包头|说", "开江|前上|冰": the word, not the place
            whole, beginnings = _WORD_READINGS[tok]
            if tokens[k + 1] in whole or tokens[k + 1].startswith(beginnings):
                return False
        if tok[0] in "和与跟同" and tok.endswith("县") and tokens[k + 1:k + 2] \
                and tokens[k + 1].startswith(_COUNTY_OFFICES):  # "家属和县医院": and the county hospital
            return False
        return tok not in self._word_cities or (
            k + 1 < len(tokens) and _in_clause(tokens[k + 1]) and not (k and tokens[k - 1] in _GREETINGS))

    def _villages_of_ours(self, tokens) -> set[str]:
        """Names the post puts right after one of our townships ("龙池镇|虹口|社区"): a village or community
        of ours, not the place elsewhere that bears the name (上海's 虹口区), wherever the post says it."""
        return {tok for prev, tok in zip(tokens, tokens[1:])
                if prev.endswith(_TOWN_LEVELS) and prev in self._loc_roles}

    def _landmark_elsewhere(self, tokens, i: int | None) -> str | None:
        """The other place that opens the clause of tokens[i] within _LANDMARK_REACH tokens before
        it, with none of our names and no word of moving or being there (到, 在) between; or None."""
        for j in range(i - 1, max(-1, i - 1 - _LANDMARK_REACH), -1) if i else ():
            tok = tokens[j]
            if not _in_clause(tok) or tok in _TOWARDS or tok in self._loc_roles \
                    or tok in _MOVED_HERE and not (tok in ("进", "入") and tokens[j - 1:j] in _FLOWS):  # 污水|流|进|清江
                return None
            if self._names_elsewhere(tokens, j):
                return tok
        return None

    def _overlapping_place(self, text: str, s: int, e: int) -> str | None:
        """Another place's name of three or more characters (no division suffix: 东城区 may be our 东城's
        urban area) that starts at or inside text[s:e] and runs past it (巴彦淖尔 for our 巴彦), or None."""
        for k in range(s, e):
            for n in range(e - k + 1, e - k + 4):
                name = text[k:k + n]
                if len(name) >= 3 and name in self._elsewhere and not name.endswith(_SUFFIX_CHARS):
                    return name
        return None

    def _called_elsewhere(self, tokens, i: int) -> bool:
        """Whether tokens[i] is what another place, named earlier in the sentence, is called: right after
        称为, 号称 or 誉为 (one word such as 世界 between)."""
        k = i - 1
        if tokens[k] in _CALLED_WORLD and k:
            k -= 1
        if tokens[k] not in _CALLED:
            return False
        while k > 0 and tokens[k - 1] not in _SENTENCE_ENDS:
            k -= 1
            if self._names_elsewhere(tokens, k):
                return True
        return False

    def _in_a_list(self, tokens, i: int, j: int | None) -> bool:
        """Whether tokens[i], right after another city, stands in a list of cities: two of them
        before it, or a list word or another city right after it."""
        return (i > 1 and tokens[i - 2] in self._other_places) or (
            j is not None and (tokens[j] in _LIST_WORDS or tokens[j] in self._other_places
                               or tokens[j] in self._elsewhere))

    def _listed(self, tokens, i: int | None, j: int | None) -> bool:
        """Whether tokens[i:j] stands in a list of places: after another one ("福州、|宁德"), or before
        one in a list that ends in 等 ("梧州|、贺州、玉林等市"; not "跟莆田、福清的说法")."""
        if i and i > 1 and tokens[i - 1] in _LIST_JOINS and self._names_elsewhere(tokens, i - 2):
            return True
        return j is not None and j + 1 < len(tokens) and tokens[j] in _LIST_JOINS \
            and self._names_elsewhere(tokens, j + 1) and not _LIST_ENDS.isdisjoint(tokens[j + 2:j + 10])

    def _after_another_place(self, tokens, i: int | None, counties: bool = False) -> bool:
        """Whether the token before tokens[i] names another city, province or county, itself or as
        the place it lies in ("庆阳环县境内的环江"). With `counties`, also a county-level full name that
        several places bear but none of ours ("深圳南山区南海大道": 鹤岗 has a 南山区 too)."""
        if i and tokens[i - 1] == "的" and tokens[i - 2:i - 1] == ("境内",):
            i -= 2
        elif i and tokens[i - 1] == "境内":
            i -= 1
        if not i:
            return False
        before = tokens[i - 1]
        return before in self._other_places or before in self._elsewhere or before in _REGIONS_ABROAD \
            or counties and before.endswith(("区", "县", "旗")) and len(before) > 2 and bearers(before) > 0 \
            and before not in self._loc_roles and before not in TOWN_PARTS

    @staticmethod
    def _origin_only(tokens, index, s: int, e: int) -> bool:
        """Whether the name at s..e says only where someone or something comes from."""
        i, j = index.get(s), index.get(e)
        if j is not None and (tokens[j] in _ORIGIN_AFTER or tokens[j][0] == "籍"
                              or tokens[j] in ("来", "过来", "出来", "运来", "运过来", "产", "出产", "生产", "出土")
                              and tokens[j + 1:j + 2] == ("的",)):
            return True  # 泉州来的旅游团, 说是浦北运来的, 用的都是曹县产的汉服, 我是金水区出来的, 宁乡出土的青铜器
        if not i:
            return False
        if tokens[i - 1] in _ORIGIN_BEFORE or tokens[i - 1] == "是" and i > 1 and tokens[i - 2] in _ORIGIN_BEFORE:
            return True  # 老家台州, 老家是承德的
        k = i  # goods of our brand: "买了件|鄂尔多斯|羊绒衫", not "买了|青溪|的|茶叶" (bought here)
        while k > i - 2 and k > 0 and _GOODS_SKIPPED.fullmatch(tokens[k - 1]):
            k -= 1
        return "".join(tokens[max(0, k - 2):k]).endswith(_GOODS_BEFORE) and j is not None \
            and tokens[j] != "的" and _in_clause(tokens[j])

    def _acting_elsewhere(self, tokens, i: int | None, j: int | None) -> bool:
        """Whether the sentence holding our name (tokens[i:j]) sets it in another city or province: "在"
        that place before it in the sentence ("在贵阳举办的辩论赛上，遵义师范学院夺冠", "…合唱团昨晚在北京
        演出"), or in the clause after it, or coming or gone there ("长治的朋友来深圳玩", "玉溪游客去大理玩"; not
        "去乌鲁木齐的火车" or "去济南要多久": a trip from here; "到" so only away from our name or after 从:
        "学生到厦门服务", "从运城到太原看病", not "宁德到温州一带")."""
        if i is None:
            return False
        start = i  # back to the sentence's start: "在贵阳举办的辩论赛上，遵义师范学院夺冠"
        while start > 0 and tokens[start - 1] not in _SENTENCE_ENDS and i - start < 16:
            start -= 1
        # ... unless the post places our name itself: "在佛山上班，准备在肇庆买房"
        if (not i or tokens[i - 1] != "在") \
                and any(tokens[k] == "在" and tokens[k + 1] in self._elsewhere for k in range(start, i - 1)):
            return True
        for k in range(j, min(j + 8, len(tokens) - 1)):
            if not _in_clause(tokens[k]):
                return False
            if tokens[k] in _TO_THE_CAPITAL \
                    or tokens[k] in _GOES and self._city_or_its_venue(tokens[k + 1]) \
                    and tokens[k + 2:k + 3] not in _NAME_PART_AFTER \
                    or (tokens[k] == "去" or tokens[k] == "到" and (k > j or tokens[i - 1:i] == ("从",))) \
                    and tokens[k + 1] in self._elsewhere \
                    and tokens[(m := self._list_end(tokens, k + 1)):m + 1] != ("的",) \
                    and not _route(tokens, m) \
                    or tokens[k] in _ACTORS and self._names_elsewhere(tokens, k + 1) \
                    or self._branch_there(tokens, k):
                return True
        return False

    def _branch_there(self, tokens, k: int) -> bool:
        """Whether tokens[k] starts the name of a branch in another place, after our institution's name:
        "桂林银行|南宁|分行", "浙大|海宁|国际|校区", "河南大学|郑州|龙子|湖|校区"."""
        if tokens[k] not in self._elsewhere:
            return False
        for m in range(k + 1, min(k + 4, len(tokens))):
            if tokens[m] in _BRANCHES:
                return True
            if not _in_clause(tokens[m]) or tokens[m] in self._elsewhere:
                return False
        return False

    def _split_branches(self, tokens: tuple[str, ...]) -> tuple[str, ...]:
        """A branch jieba made one word with its place ("日照校区", "温江校区") split in two, so the place
        is read like any other: "曲阜师范大学|日照|校区" is the campus in 日照."""
        out: list[str] = []
        for tok in tokens:
            n = next((n for n in (2, 3) if tok[:n] in self._elsewhere and tok[n:] in _BRANCHES), 0)
            out += (tok[:n], tok[n:]) if n else (tok,)
        return tuple(out)

    def _list_end(self, tokens, k: int) -> int:
        """The index after the list of other places that starts at tokens[k] ("上海、成都的航线")."""
        k += 1
        while k + 1 < len(tokens) and tokens[k] in _LIST_JOINS and tokens[k + 1] in self._elsewhere:
            k += 2
        return k

    def _city_or_its_venue(self, tok: str) -> bool:
        return tok in self._elsewhere or any(tok[:n] in self._elsewhere and tok[n:] in _VENUES for n in (2, 3))

    def _talk_venue_elsewhere(self, tokens) -> str | None:
        """The other city a talk or a concert is held in ("北京一家书店周末举办讲座", "上海图书馆举办城市史讲座",
        "欢迎西安市民报名参加", "纪念音乐会在北京举行"), or None: our place is its subject, not where it is."""
        for k, tok in enumerate(tokens[:-1]):
            if tok in self._elsewhere and (not _TALK_VENUES.isdisjoint(tokens[k + 1:k + 4])
                                           or tokens[k + 1] == "市民" or tokens[k - 1:k] == ("在",)
                                           and tokens[k + 1] in ("举行", "举办")):
                return tok
        return None

    def _fair_elsewhere(self, tokens) -> str | None:
        """The other city a trade fair is held in ("杭州|文博会", "上海|国际|食品展", "北京|国际|茶业|博览会"), or None."""
        return next((tok for k, tok in enumerate(tokens)
                     if tok in self._elsewhere and any(t.endswith(_FAIRS) for t in tokens[k + 1:k + 4])), None)

    def _shop_named_after_us(self, tokens, starts, title_end: int, kept) -> str | None:
        """The other place a title names before a shop carrying our name, or None."""
        title = [i for i in range(len(tokens)) if starts[i] < title_end]
        place = next((i for i in title if tokens[i] in self._elsewhere), None)
        ours = [i for i in title if any(s == starts[i] for s, *_ in kept)]
        if place is None or not ours or ours[0] < place:
            return None
        for i in ours:
            if i and tokens[i - 1] in _MOVED_HERE and tokens[i - 2:i] not in (("买", "到"), ("吃", "到"), ("喝", "到")):
                return None  # "来洛阳", not "上海买|到洛阳水席"
            rest = []
            for tok in tokens[i + 1:title[-1] + 1]:
                if not tok.strip() or not tok[0].isalnum():
                    break  # the phrase ends at punctuation
                rest.append(tok)
            # The shop is named within the next three tokens ("肥肠|店后" holds 店), the title sells our name's
            # product there ("上海一家水果店黄岩蜜橘", "在上海网购的绵阳米粉") or has it arrive on its stalls ("北京新发地
            # 章丘大葱到货").
            after = "".join(rest[:3])
            between = "".join(tokens[place + 1:i])
            if not any(end in after for end in (*_NAMED_ENDS, "到货", "上架")) and not between.endswith(_SOLD_BEFORE) \
                    and not any(w in between for w in _SHOPS):
                return None
        return tokens[place]


def segmenter_words(topics: TopicsConfig, normalizer: Normalizer,
                    divisions: DivisionTree | None = None) -> list[str]:
    """Matcher(...).user_words() without building the matcher (its automaton, the country's place
    names): all the search box's segmenter needs of the topics."""
    form = _former(normalizer)
    return _dictionary_words(_locality_roles(topics.locality, form, divisions).roles,
                             {form(term) for term in topics.locality.exclude}, _topic_roles(topics.topics, form))


def _former(normalizer: Normalizer) -> Callable[[str], str]:
    """A configured term as the matcher compares it."""
    return lambda term: _lower(normalizer.term(term))


def _dictionary_words(locality, lookalikes, topic_roles) -> list[str]:
    return sorted((locality.keys() | lookalikes | topic_roles.keys()) - {""})


@dataclass(frozen=True)
class _LocalityNames:
    """What the locality config and its division paths give the matcher (see DivisionTerms for the groups)."""
    roles: dict[str, int]  # term → STRONG / WEAK / COMMON / ANCHOR (a term keeps the strongest role given)
    minor: frozenset[str]  # DivisionTerms.minor, less the operator's own terms
    counties: frozenset[str]
    plates: frozenset[str]  # plate prefixes, ours or above us
    placeable_towns: frozenset[str]
    shared_towns: frozenset[str]
    word_towns: frozenset[str]
    road_towns: frozenset[str]


def _locality_roles(loc, form, divisions: DivisionTree | None) -> _LocalityNames:
    """The locality terms' roles and the groups of division names (DivisionTerms) the matcher's rules read."""
    roles: dict[str, int] = {}
    minor: set[str] = set()
    counties: set[str] = set()
    plates: set[str] = set()
    placeable_towns: set[str] = set()
    shared_towns: set[str] = set()
    word_towns: set[str] = set()
    road_towns: set[str] = set()

    def add(term: str, role: int) -> None:
        t = form(term)
        if t and role < roles.get(t, ANCHOR + 1):
            roles[t] = role

    for term in (*loc.terms, *loc.aliases):
        add(term, STRONG)
    if loc.divisions:
        tree = divisions or shipped_tree()
        for path in loc.divisions:
            expanded = tree.expand(path)
            for role, names in ((STRONG, expanded.strong), (WEAK, expanded.weak), (COMMON, expanded.common),
                                (ANCHOR, expanded.anchors)):
                for name in names:
                    add(name, role)
            minor.update(form(name) for name in expanded.minor)
            counties.update(form(name) for name in expanded.counties)
            placeable_towns.update(form(name) for name in expanded.placeable_towns)
            shared_towns.update(form(name) for name in expanded.shared_towns)
            word_towns.update(form(name) for name in expanded.word_towns)
            road_towns.update(form(name) for name in expanded.road_towns)
            # Our plate is as sure as our name, and as easily somewhere else: "成都一辆川E小车追尾"
            # (minor: another place named in the post sets it there).
            for role, codes in ((STRONG, expanded.plates), (ANCHOR, expanded.plates_above)):
                for code in codes:
                    add(code, role)
                plates.update(form(code) for code in codes)
            minor.update(form(code) for code in expanded.plates)
    # A county's seat goes by its name and 县城 ("在互助县城订了个包间"): as sure as the county's name.
    # Not after 新, 富 or 和: "新县城", "最富县城", "和县城" are a new seat, a rich one, "and the seat".
    for term in [t for t, role in roles.items()
                 if role == STRONG and t.endswith("县") and (len(t) > 2 or t[0] not in "新富和")]:
        add(term + "城", STRONG)
    return _LocalityNames(roles, frozenset(minor - {form(term) for term in (*loc.terms, *loc.aliases)}),
                          *map(frozenset, (counties, plates, placeable_towns, shared_towns, word_towns, road_towns)))


def _topic_roles(topics, form) -> dict[str, list[tuple]]:
    """Topic term → [(_ANY, topic) | (_ALL, topic, group) | (_EXCLUDE, topic), ...]."""
    roles: dict[str, list[tuple]] = {}
    for t, topic in enumerate(topics):
        for term in topic_any_terms(topic):
            roles.setdefault(form(term), []).append((_ANY, t))
        for g, group in enumerate(topic.all_):
            for term in group:
                roles.setdefault(form(term), []).append((_ALL, t, g))
        for term in topic.exclude:
            roles.setdefault(form(term), []).append((_EXCLUDE, t))
    return roles


def _negated(tokens: tuple[str, ...], i: int, terms=frozenset()) -> bool:
    """Whether a negation token precedes tokens[i], with at most five bridge tokens between
    ("未发生较大及以上生产安全事故", "未发生因灾伤亡"); other topic terms bridge a negated list
    ("未发生火灾和人员伤亡事故"). A facility said to be lacking ("路口没有红绿灯",
    "村里没有卫生室") is the complaint itself, not a denial."""
    if tokens[i] in _FACILITIES and tokens[i - 1] in _LACKING:
        return False
    for j in range(i - 1, max(i - 7, -1), -1):
        # (and 未 that jieba glued to the word before: "防火|期未|发生…火灾")
        if tokens[j] in NEGATIONS or len(tokens[j]) == 2 and tokens[j][1] == "未":
            return True
        if tokens[j] not in NEGATION_BRIDGES and tokens[j] not in terms:
            return False
    return False


def _lower(text: str) -> str:
    """Lower-case without changing the length (spans must stay valid)."""
    low = text.lower()
    return low if len(low) == len(text) else text.translate(_ASCII_LOWER)


def _without(hits, exclusions: list[str], label: str, category: str, words) -> tuple[TopicHit, ...]:
    """`hits` without the topics of `category` matched by none but `words`."""
    return _dropped(hits, exclusions, label,
                    {h.topic_id for h in hits if h.category == category and set(h.words) <= words})


def _jam_words(hits) -> set[str]:
    """The words of `hits` that say something is blocked (堵了, 堵成, 拥堵)."""
    return {w for h in hits for w in h.words if "堵" in w}


def _dropped(hits, exclusions: list[str], label: str, drop: set[str]) -> tuple[TopicHit, ...]:
    """`hits` without the topics in `drop`, each reported as "label:<id>"."""
    exclusions += [f"{label}:{tid}" for tid in drop]
    return tuple(h for h in hits if h.topic_id not in drop)


def _last_match(pattern: re.Pattern, text: str) -> re.Match | None:
    """The last match of `pattern` in `text`, or None."""
    last = None
    for last in pattern.finditer(text):
        pass
    return last


def _sure_spans(kept) -> list[tuple[int, int]]:
    """Where the post surely names us: our strong names and anchors, and a county name that is also a
    word right before another name of ours ("洪湖螺山渡口": each vouches for the other)."""
    return [(s, e) for s, e, _, role in kept
            if role in (STRONG, ANCHOR) or role == COMMON and _named_next(e, kept)]


def _stands_as_ours(s: int, e: int, sure, placed) -> bool:
    """Whether our name that is also a word, at text[s:e], stands as ours: it is one of the `sure` spans,
    follows one closely ("湖北赤壁"), or stands where only a place does (`placed`: "在同仁")."""
    return (s, e) in sure or s in placed or any(0 <= s - se <= NEAR for _, se in sure)


def _names_one_of(token: str, names: frozenset[str]) -> bool:
    """Whether token is one of `names`, or the short form of one with its level ("石柱县" for
    石柱土家族自治县, whose short form is 石柱)."""
    return token in names or len(token) > 2 and token[-1] in "县市区旗" and token[:-1] in names


def _named_next(e: int, hits) -> bool:
    """Whether another name of ours (not a word-like one) starts right at e: a county name that is also
    a word is the county right before one of its places ("洪湖|螺山渡口")."""
    return any(s == e and role in (STRONG, WEAK) for s, _, _, role in hits)


def _placed(tokens, index, text: str, s: int, e: int, places=frozenset()) -> bool:
    """Whether the name at text[s:e] stands where only a place does: right after a word of going or
    being somewhere ("在钟祥吃过", "回钟祥过年"), before "一家"/"城区" ("钟祥一家饭店关门"), or at one end
    of a route whose other end is one of `places` ("同仁至西宁高速", "西宁至同仁班车"). Division names
    that are also words (钟祥, 大冶, 同仁: jieba tags them as names or abbreviations) count there."""
    i, j = index.get(s), index.get(e)
    return bool(i) and (tokens[i - 1] in _GOING_BEFORE or i > 1 and tokens[i - 1] == "至" and tokens[i - 2] in places) \
        or _PLACE_AFTER.match(text, e) is not None \
        or j is not None and tokens[j] == "至" and j + 1 < len(tokens) and tokens[j + 1] in places


def _road_conditions(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """A place's name and 路况 that jieba cut as a road and 况 ("松原路|况" for 松原|路况): the name and 路况."""
    out = list(tokens)
    for i in range(len(out) - 1, 0, -1):
        if out[i] == "况" and len(out[i - 1]) > 1 and out[i - 1].endswith("路"):
            out[i - 1:i + 1] = [out[i - 1][:-1], "路况"]
    return tuple(out)


def _cut_across(starts: list[int], k: int, loc_hits) -> bool:
    """Whether a strong name of ours starts inside token k and runs past its end."""
    return any(role == STRONG and starts[k] < s < starts[k + 1] < e for s, e, _, role in loc_hits)


def _road_next(tokens, k: int) -> bool:
    """Whether tokens[k] is followed by a road word ("井冈山|路口", "柳州|路"): a street's name."""
    return k + 1 < len(tokens) and tokens[k + 1] in _ROAD_NAME_ENDS


def _came_from(tokens, k: int) -> bool:
    """Whether tokens[k], a place, is only where people, cars or a trip come from: before 来的, 牌照 or 客人
    ("西安来的专家", "上海牌照的车", "上海客人"), after 来了 ("来了西安的专家"), or after 从 with 过来 later in
    its clause ("从西安开车过来")."""
    if tokens[k + 1:k + 2] and tokens[k + 1] in _FROM_MARKS or tokens[k + 1:k + 3] == ("来", "的") \
            or (k and tokens[k - 1] in ("来了", "请来") or tokens[max(0, k - 2):k] == ("来", "了")) \
            and tokens[k + 1:k + 2] == ("的",):  # "卫生院来了西安的专家"
        return True
    if k and tokens[k - 1] == "从":
        for tok in tokens[k + 1:k + 8]:
            if not _in_clause(tok):
                return False
            if tok in ("过来", "赶来", "赶过来"):
                return True
    return False


def _route(tokens, k: int) -> bool:
    """Whether the clause from tokens[k] asks the way or the time it takes ("从滨州去济南是不是就
    半个小时了"): a trip from here, not people acting there."""
    for tok in tokens[k:k + 8]:
        if not _in_clause(tok):
            return False
        if tok in _ROUTE_WORDS:
            return True
    return False


def _in_clause(token: str) -> bool:
    """Whether a token continues a clause (punctuation and line breaks end one)."""
    return bool(token.strip()) and token[0].isalnum()


def _title_end(clean_text: str, index: list[int] | None) -> int:
    """Where the title ends in the compact text: the pipeline joins title and text with a newline;
    0 when there is none (no title, or a post that is all text)."""
    end = clean_text.find("\n")
    if end <= 0:
        return 0
    return end if index is None else bisect_left(index, end)


def _span(start: int, end: int, index: list[int] | None) -> tuple[int, int]:
    """Map a compact-text span to the clean text."""
    if index is None:
        return start, end
    return index[start], index[end - 1] + 1
