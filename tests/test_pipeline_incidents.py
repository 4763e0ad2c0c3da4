"""Negativity of incident reports told in a flat voice, and of drills (issue 13)."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.incidents import DRILL, INCIDENT, NOTICE, incident_verdict, without_figures
from pipeline.process import Pipeline
from pipeline.sentiment import SentimentModel
from pipeline.topics import load_topics


@pytest.mark.parametrize("text", [
    "柳江区拉堡镇附近河段今早漂着一片死鱼。",
    "13日凌晨，鱼峰区一处老旧民房发生坍塌，一人被困，消防救援人员将其救出。",
    "城中区一小区多栋楼墙体出现裂缝，业主要求开发商给说法。",
    "产妇分娩后大出血，家属质疑医院处置不当，双方发生医疗纠纷。",
    "一工厂锅炉爆炸，未造成人员伤亡，厂房部分受损。",  # the accident happened; only casualties are denied
])
def test_flat_incident_reports_are_negative(text):
    model = SentimentModel.load()
    assert incident_verdict(text) == INCIDENT
    assert model.is_negative(model.score(text))


@pytest.mark.parametrize("text", [
    "市消防救援支队在一栋高层住宅开展灭火演练，模拟火灾情况下的人员疏散。",
    "化工园区今天开展危化品泄漏应急演练，模拟储罐泄漏后的处置流程。",
])
def test_drills_are_not_negative(text):
    model = SentimentModel.load()
    assert incident_verdict(text) == DRILL
    assert not model.is_negative(model.score(text))


@pytest.mark.parametrize("text,verdict", [
    ("市人社局开展根治欠薪冬季专项行动，设立举报电话。", NOTICE),  # prevention, not an incident
    ("这家店最近人气爆炸，排长队。", NOTICE),  # a metaphor
    ("本次事故未造成人员伤亡。", NOTICE),  # denied, nothing else happened
    ("周末和朋友一起火锅。", NOTICE),  # a fragment listed with the figures (起火锅)
    ("周末和朋友一起火车站吃夜市。", NOTICE),  # ... and 一起火车站
    ("菜场门口修鞋的老师傅干了三十年，街坊的鞋坏了都找他。", NOTICE),  # a repairer's story
    ("省气象台预计，明后两天有大到暴雨，请注意防范山洪和城市内涝。", NOTICE),  # a forecast
])
def test_notices_metaphors_and_denials_are_not_incidents(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("人社局今年共受理拖欠农民工工资案件23件，已为86名农民工追回工资137万元。", NOTICE),  # a case handled
    ("包工头拖欠工资半年，工人们说已经全部打到卡上了。", NOTICE),
    ("包工头拖欠工资半年，劳动监察来了也没追回。", INCIDENT),  # not recovered
    ("包工头拖欠工资半年，老板跑了。医保局在追回套取的资金。", INCIDENT),  # something else recovered: the wages are still owed
])
def test_wages_the_post_says_were_recovered_are_a_case_handled(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text", [
    "汇川区一小区停水两天，居民只能拎桶下楼接水。",
    "老城区中华路口的信号灯坏了三天，早晚高峰乱作一团。",
    "村民说去年征地的补偿款到现在还不到位。",
    "一造纸厂的污水直排进河，河面泛着白沫。",
    "每天早上过江都要堵成停车场。",
    "红河乡几个村的自来水三天两头停，一停就是一整天。",
    "说好一天一百五，摘完老板只给一半。",
    "过年前说好的工资又拖到开春，队长电话都不接了。",
    "废弃油井周围一滩滩黑油泥，也没人来处理。",  # not 处理 as a programme's name
])
def test_plain_grievances_about_services_and_living_conditions_are_negative(text):
    model = SentimentModel.load()
    assert incident_verdict(text) == INCIDENT
    assert model.is_negative(model.score(text))


@pytest.mark.parametrize("text", [
    "因管网改造，红花岗区部分区域计划停水12小时。",  # a service stop announced ahead
    "全市开展大气污染防治攻坚行动。",  # a programme's name, not pollution
    "这台空调噪音很小，制冷也快。",  # little of it: praise
    "市气象台发布暴雨蓝色预警，明天有大到暴雨。",  # a forecast
    "景区国庆客流创新高，游客一票难求。",  # good news
    "这家火锅店人气爆炸，排队两小时。",  # a metaphor
])
def test_notices_forecasts_good_news_and_metaphors_are_not_negative(text):
    model = SentimentModel.load()
    assert incident_verdict(text) == NOTICE
    assert not model.is_negative(model.score(text))


def test_a_notice_the_model_finds_clearly_angry_stays_negative():
    model = SentimentModel.load()
    text = "物业贴了张通知就再也不管了，恶心透了，简直气死人！"
    assert incident_verdict(text) == NOTICE
    assert model.is_negative(model.score(text))


def test_broken_as_an_intensifier_is_not_a_grievance():
    model = SentimentModel.load()
    text = "孩子考了满分，全家乐坏了。"
    assert incident_verdict(text) != INCIDENT and not model.is_negative(model.score(text))


@pytest.mark.parametrize("text", ["青溪这家早餐店人气爆炸，每天早上排长队。", "青溪新楼盘全屋用的防火门和阻燃板，质量怎么样？"])
def test_metaphors_and_materials_do_not_grade_a_post_as_a_safety_case(text):
    config = Path(__file__).resolve().parents[1] / "config" / "topics.yaml"
    got = Pipeline(load_topics(config)).analyze({"id": "x", "title": "", "text": text})
    assert got.relevant and got.topics == ("local",)
    assert got.category != "安全生产" and got.severity == "blue"


@pytest.mark.parametrize("text,negative", [
    ("潋江镇一诊所无证给病人输液被查", True),  # a violation is a problem for the public
    ("一选矿厂尾水流进农田", True),
    ("湄潭翠芽新茶上市", False),  # good news
    ("这家米粉让人中毒了，一周吃三次", False),  # a metaphor
    ("郁孤台下那家书店的视频引起火热讨论", False),  # 起火 across a word boundary
])
def test_violations_and_tailings_are_negative_launches_and_metaphors_are_not(text, negative):
    model = SentimentModel.load()
    assert model.is_negative(model.score(text)) is negative


@pytest.mark.parametrize("text,verdict", [
    ("高新区一汽配厂三个月没发工资了", "incident"),  # grievances said plainly
    ("鱼梁洲东边江面有油污", "incident"),
    ("曲师大食堂饭菜里吃出虫子", "incident"),
    ("安居街道几个小区停水两天也没通知", "incident"),  # a stop nobody announced is a grievance
    ("明天安居街道计划停水，请提前储水", "notice"),
    ("任城区人社局为120名农民工追回被拖欠的工资", "notice"),  # wages recovered: good news
])
def test_plain_grievances_and_recovered_wages(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("在锦州吃了三天小串，回沈阳还天天想，感觉中毒了", "notice"),  # a craving
    ("一家五口误食毒蘑菇中毒，送医院抢救", "incident"),
    ("一家三口煤气中毒", "incident"),
])
def test_poisoned_by_a_craving_is_a_figure(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("区医院儿科急诊等了四个多小时才轮到", "incident"),  # a long wait
    ("老人说现在挂号太难，网上号一放就没", "incident"),
    ("打了好多次投诉电话，酒吧还是放到半夜", "incident"),
    ("镇卫生院缺药，老人只能进城买", "incident"),
    ("家门口那条沟又黄又臭，打了12345也没人来", "incident"),  # a hotline complaint
    ("如有疑问请拨打12345热线", None),  # the hotline in a notice
    ("市里出台措施破解看病难", "notice"),
    ("这家早餐店人气爆炸，每天早上排长队", "notice"),  # a queue at a popular shop is praise
    ("社区卫生服务中心缺了半个月降压药", "incident"),
    ("这款保温杯直播间一晚上就卖断货了", "notice"),  # sold out: a success
    ("这家牛巴好吃到中毒，每次都带两斤", "notice"),  # a figure
    ("平安大道早上七点半就开始堵", "incident"),
    ("村民说每亩补偿比下游低了一截", "incident"),
    ("请问在哪办护照，要带户口本吗", "question"),  # a question about a procedure
])
def test_waits_shortages_and_hotline_complaints(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("村头养猪场臭得门都不敢开，苍蝇一大堆", "incident"),  # 不 in the clause before denies nothing after it
    ("笔记本过热没有出现，噪音也小", "notice"),  # a longer denial still reaches over the comma
    ("每天过大桥都要堵二十分钟", "incident"),
    ("小区物业费从一块二涨到一块八，业主都不知道", "incident"),
    ("火车站的出租车都不打表，张嘴就要三十", "incident"),
    ("门票今年不涨价", "notice"),
])
def test_clause_bound_denials_jams_by_the_clock_and_prices_forced_up(text, verdict):
    assert incident_verdict(text) == verdict


def test_the_tone_model_does_not_read_a_metaphor_as_harm():
    model = SentimentModel.load()
    figure = "新开的那个夜市真是人气爆炸，晚上挤都挤不进去，烤串摊排队排到路口"
    assert not model.is_negative(model.score(figure))  # 爆炸 read literally made it clearly negative
    assert without_figures(figure).startswith("新开的那个夜市真是人气，")
    assert without_figures("孩子们乐坏了") == "孩子们乐，"  # the rest of the phrase keeps its tone


@pytest.mark.parametrize("text,verdict", [
    ("一座连着两个村的小桥被洪水冲垮了", "incident"),
    ("卖家收了钱就联系不上了", "incident"),
    ("安置房说好年底交，又延期半年", "incident"),
    ("养殖棚夜里被推平，补偿协议都没签", "incident"),
    ("直播间三小时卖了两万单，这销量简直爆炸", "notice"),  # a figure, with a word between
])
def test_washed_away_pushed_flat_sellers_gone_and_homes_late(text, verdict):
    assert incident_verdict(text) == verdict


def test_tongs_picked_up_at_a_fire_pit_are_no_fire():
    assert incident_verdict("老板拿起火钳往火塘里扒出几个洋芋，烤得焦香") != "incident"


@pytest.mark.parametrize("text,verdict", [
    ("码头镇周四全天停电", "notice"),  # a day ahead
    ("供电所通知：因线路检修，周四8:00至17:00停电", "notice"),
    ("从周一开始停水，到今天三天了", "incident"),  # a day past
    ("停水两天了，没看到任何停水通知", "incident"),  # the notice denied earlier in its clause
    ("停水一整天，一点通知都没有", "incident"),
    ("学校说是管道检修，宿舍停水三天了", "incident"),  # a reason given afterwards, no notice
    ("余江一养殖场被举报粪污直排", "incident"),  # a firm reported for it
    ("家属认为医院处置延误", "incident"),  # the handling itself was late
    ("想住带温泉池的民宿，有没有人推荐一下，别太贵的", "question"),  # a wish in a request
    ("夜里牛栏被撬开，三头黄牛被牵走", "incident"),
    ("桥墩裂了一道缝，大车照样在过", "incident"),
    ("收购价跌了一半，好多果子烂在树上", "incident"),
    ("气象部门提醒，城区低洼路段可能出现积水", "notice"),  # a forecast
])
def test_stops_ahead_reasons_after_the_fact_thefts_cracks_and_forecasts(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("修路征地，每亩补偿比旁边乡镇少了好几千", "incident"),  # paid less than the next village
    ("同一条街前面几户每平米比我们多给三百", "incident"),
    ("补偿还没谈好就被推了，大棚里的菜全毁了", "incident"),  # the denial is of the talks, not the razing
    ("去街道问说等开发商，去开发商那问说等街道，两头踢皮球", "incident"),
    ("说是自愿补课，其实不去不行", "incident"),
])
def test_paid_less_than_neighbours_razed_before_agreement_and_passed_between_desks(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("村小明年要撤并，娃娃要走十几里山路", "incident"),  # a village school closed
    ("社区卫生服务中心的九价疫苗一直约不到，都说没货", "incident"),
    ("网传十堰某化工厂发生爆炸，经核实系企业正常放空燃烧", "denied"),  # a rumour denied
    ("因供水管线维修，明天8时至18时停水，请居民提前储水", "notice"),  # works given as the cause
    ("启动根治欠薪专项行动，欠薪线索可拨打12345", "notice"),
    ("公布投诉电话12333，欢迎监督", "notice"),  # a desk's line
    ("酒吧半夜还在放音乐，打了好多次投诉电话也没用", "incident"),  # a complaint made by phone
    ("处理一宗欠薪投诉，督促企业补发工资62万元，已全部发放到位", "notice"),  # a case handled
    ("通报：空气质量优良天数同比增加18天，重污染天数减少", "notice"),  # a statistic
])
def test_schools_closed_vaccines_out_rumours_denied_works_ahead_and_desk_lines(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("同样的房子，隔壁那家补的比我家多一截", "incident"),  # others paid more
    ("船老板只给了生活费，工资一直拖着不结算", "incident"),
    ("一不小心就会摔下去", "notice"),  # a risk: the 不 before 就 still denies
    ("管理方把管理费涨了一倍，不交就断水断电", "incident"),  # a threat carried out on whoever does not pay
])
def test_others_paid_more_pay_held_back_and_denials_before_then(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("一家养殖场欠了十几个工人半年工资，过年了老板说再等等", "incident"),  # owed, the workers between
    ("说好干完就结，两个月过去了一分钱没见", "incident"),
    ("人社局今年受理拖欠农民工工资案件23件，已为86名农民工追回工资137万元。", "notice"),  # recovered
    ("我家孩子被几个同学堵在厕所里打，脸都青了", "incident"),
    ("养牛场把粪水顺着渠直接往沟里排，夏天整个村子都是臭的", "incident"),
    ("一刮大风露天矿那边的煤灰就飘过来，窗台上一天一层黑", "incident"),
    ("产妇剖宫产后大出血，转院抢救后才保住命", "incident"),
    ("学校安排去外地电子厂顶岗实习，不去就不给毕业证", "incident"),
    # where to turn if it happens, and an inspection that found nothing
    ("农民工遇到拖欠工资可以拨打热线，也可以到劳动监察大队现场投诉", "notice"),
    ("共检查企业十二家，未发现重大隐患，未发生安全事故和人员伤亡", "notice"),
])
def test_pay_owed_pupils_beaten_waste_let_out_coal_dust_and_advice_where_to_turn(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("有老师周末在外面租房给自己班学生有偿补课，一期收几千块", "incident"),
    ("教育部发布通知，严禁中小学利用寒假组织集体补课，严禁在职教师参与有偿补课。", "notice"),  # a rule
    ("国家不是不让假期有偿补课吗，有没有家长一起反映一下", None),  # a rule cited in a complaint: the model's
    ("鄄城县城晚上九点以后基本打不到车，网约车也少", "incident"),
    ("附近小学学位不够，我家孩子被分到五公里外的学校", "incident"),
    ("人社局开展根治欠薪冬季专项行动，公布投诉电话，农民工工资问题可直接举报。", "notice"),  # a line published
    ("我们村的小学今年被合并到镇上了，一年级的孩子每天要走五六里路", "incident"),
    ("拆迁三年了，当时说两年交房，现在安置房还是个框架", "incident"),
])
def test_paid_lessons_rules_taxis_school_places_village_schools_merged_and_homes_not_handed_over(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("高二周末组织补课每人收八百，说是自愿", "incident"),  # lessons charged for
    ("学校食堂一份饭十几块，菜就几片肉，学生说吃不饱", "incident"),
    ("昨晚一阵大风，好几个村的蔬菜大棚被刮倒，损失不小", "incident"),
    ("说好的补偿款到现在一分没见着", "incident"),
    ("萨尔图区教育局公布今年小学学区划分方案，家长可登录网站查询", "notice"),  # a list published
])
def test_lessons_charged_for_hungry_pupils_wind_damage_and_lists_published(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("在市中心医院挂个专家号要等一个星期，现场也挂不到", "incident"),
    ("村里的卫生室说系统升级，医保卡刷不了，老人配药都得自费", "incident"),
    ("昨晚一场大风，好多葡萄大棚被掀翻了", "incident"),
    ("柯桥、上虞出入口在假期首日上午易出现拥堵，请合理安排出行", "notice"),  # a forecast
    ("公布春节前农民工工资支付专项检查投诉电话，接到投诉三个工作日内处理", "notice"),  # a desk's procedure
])
def test_appointments_cards_wind_forecast_jams_and_a_desk_s_procedure(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("一家私立幼儿园上周突然通知关门，这学期学费刚交，园长说学费不退", "incident"),
    ("培训机构突然关门，好多家长交了一年的学费，退不了", "incident"),  # a training school, not a training
    ("安全培训结束后，企业组织了一次消防演练", "drill"),
    ("给了三天通知就拆了，一分钱补偿没有", "incident"),
    ("学校安排到外省电子厂实习，说不去就拿不到毕业证", "incident"),
])
def test_fees_kept_training_schools_compensation_never_paid_and_diplomas_withheld(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("那批回迁房说好去年年底交房，现在楼还没封顶，过渡费也时有时无", "incident"),
    ("在奶茶店兼职了一个月，说好日结，结果老板说月底一起给", "incident"),
    ("被一家所谓的培训公司骗交了几千块培训费，说好安排工作，结果公司人去楼空", "incident"),  # no drill
    ("一家铸造厂今天上午铁水包倾翻，两名工人被烫伤，已送医治疗", "incident"),
    ("老院子腾退，补偿款到现在也没谈拢", "incident"),
    ("社区流感疫苗又没了，跑了三趟都说到货再通知", "incident"),
    ("同一栋楼的孩子不在一个学区，家长联名反映", "incident"),
    ("这款球鞋是和动漫的联名款，限量发售", None),
    ("好几个小作坊晚上烧下脚料，黑烟一股一股的，晾的衣服都是灰", "incident"),
    ("茶季过了两个月工钱还没结清，工人天天去厂门口等", "incident"),
    ("这次修路征地，一亩地补偿比隔壁镇少了一大截", "incident"),
    ("小区明明就在学校对面，却被划到三公里外的学校，家长们都不服", "incident"),
    ("跟几个老同学聚到半夜，说好明年再聚", None),
    ("孩子们终于不用在泥巴地上跑操了，家长都说好", None),
])
def test_promises_broken_scalds_errands_and_residents_who_sign_together(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("邻村一家养猪场把粪水排进灌溉水渠，田里的秧苗都黄了", "incident"),
    ("洗煤厂下雨天煤泥水就顺着路边沟往外流，沟里全是黑泥", "incident"),
    ("楼下烧烤油烟直接往楼上飘，开窗就是一屋子烟味", "incident"),
    ("煤场一刮风满村都是煤灰，村民说反映了好几回", "incident"),
    ("说卖完就结，现在都腊月了工钱还没给", "incident"),
    ("树砍了快一年了，桔树的补偿款到现在还没到手", "incident"),
    ("这款抽油烟机怎么清洗比较方便", None),
    ("千佛崖部分窟龛的风化和渗水得到治理，游客可以近距离参观", "notice"),  # the trouble put right
    ("楼顶渗水一直没得到解决，物业说等维修基金", "incident"),
])
def test_waste_water_barbecue_smoke_coal_dust_pay_still_owed_and_trouble_put_right(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("合作桥乡的征地补偿款到现在还冇发完，村民去问了好几趟", "incident"),  # 冇: 没
    ("带我妈去市人民医院看病，挂号排了一个小时，等医生又是两个小时", "incident"),
    ("中心医院心内科专家号网上一放号就没，老年人根本抢不着", "incident"),
    ("采煤沉陷区的安置房盖好一年多了，迟迟住不上", "incident"),
    ("电厂灰场旁边几个寨子，一刮风就是满天灰", "incident"),
    ("化冻以后粪水顺着沟往下淌，村里井水都不敢喝了", "incident"),
    ("新开的面馆汤头很鲜，周末去排了半小时队", None),  # a queue for noodles is no grievance
    ("今天天上全是灰色的云，像要下雪", None),
    ("本地网红翻车，评论区都在说塌房了", "notice"),  # a person caught out, not a car
    ("我是张家界的医保，在长沙住院，回来要带哪些材料、到哪里去报销？", "notice"),  # a procedure
])
def test_dialect_queues_for_doctors_appointments_never_had_and_procedures_asked(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("市人社局启动根治欠薪冬季专项行动，农民工可拨打12345反映欠薪问题", "notice"),  # a campaign
    ("说好月底结，还有一半工钱没拿到", "incident"),
])
def test_a_campaign_against_unpaid_wages_and_pay_not_had(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("红旗乡有个屯子昨晚一户人家圈里的三头牛让人偷了", "incident"),
    ("徽县一家诊所，我妈输了两天液身上起了一身疹子", "incident"),
    ("临江乡卫生院晚上没有大夫值班，孩子半夜发烧只能打车去市里", "incident"),
    ("昨天一名男子在江段冰面上走，掉进冰窟窿", "incident"),
    ("江边已经有人开始凿冰窟窿冬钓", None),  # a fishing hole
    ("沁水县十里乡我们村的小学撤了，娃娃要去乡里上学", "incident"),
    ("上思县城边那家糖厂一开榨，旁边小河就发黄冒泡", "incident"),
    ("小区电梯卡在两层中间，一位老人在里面困了四十分钟", "incident"),
    ("泗县到宿州的那趟早班车怎么停了？只能拼车", "incident"),
    ("村卫生室一直不能刷医保卡，拿药只能现金", "incident"),
    ("思茅港那段江水急，昨天又有个小伙子下去游泳没上来", "incident"),
    ("两当县要求在建项目开设农民工工资专用账户，并公布了欠薪投诉电话", "notice"),  # a line named
    ("今天六安路况怎么样？要从城东开车去裕安区", "notice"),
    ("今天常德路况太差，一路堵", "incident"),
])
def test_theft_rashes_no_doctor_the_ice_schools_closed_lifts_buses_stopped_and_the_roads(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("老宿舍拆迁协议签了一年，补偿款只到了三成", "incident"),
    ("过渡费也停了，去问就说在协调，协调到哪年？", "incident"),
    ("带老人去医院挂号排了一上午才看上", "incident"),
    ("新开的养猪场一刮南风就臭得开不了窗", "incident"),
    ("镇上这段时间出现了登革热病例，卫生院在灭蚊", "incident"),
    ("在建项目须按月足额发放工资，欠薪可拨打12345或到劳动监察大队投诉", "notice"),  # where to turn
    ("以前的采煤塌陷区变成了南湖，周末到处是跑步的人", "notice"),  # a zone's name
    ("湖里的螃蟹今年鲜到爆炸，朋友圈都刷屏了", "notice"),  # as much as can be
    ("井下作业面发生塌陷，两名矿工被困", "incident"),
])
def test_pay_a_third_paid_waits_without_end_stench_outbreaks_and_where_to_turn(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("米厂的工人说从秋收到现在工资一直不发", "incident"),
    ("工资按月足额发放，一直不拖", None),
])
def test_pay_still_withheld(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("请问皇甫街道那片回迁房什么时候分房？楼看着已经盖好了", "question"),
    ("有没有知道安置房啥时候交房的？签协议时说的是明年", "question"),
    ("请问回迁房什么时候分？说好去年交房，到现在一分补偿都没有", "incident"),  # a grievance asked
    ("初中老师周末在家开补习班，一个月收八百", "incident"),
    ("学区划分调整，买房时说好的学区没了，家长意见很大", "incident"),
    ("请问今年小学的学区划片在哪里能查到？", "question"),
])
def test_a_question_of_when_or_where_extra_lessons_charged_and_parents_objecting(text, verdict):
    assert incident_verdict(text) == verdict


def test_a_question_of_when_is_not_negative():
    model = SentimentModel.load()
    assert not model.is_negative(model.score("请问上城街道回迁房什么时候交房？家里老人天天问，急死了"))


def test_what_a_school_was_reported_for_is_no_denial():
    assert incident_verdict("一所初中被家长举报周末强制补课，每人收费八百") == "incident"
    assert incident_verdict("欢迎群众举报偷排行为") == "notice"


@pytest.mark.parametrize("text,verdict", [
    ("有人说协兴镇出车祸了，我就在镇上，啥子事都没有，大家不要乱传", "denied"),
    ("网传车站街道一化工厂爆炸，经核实系谣言", "denied"),
    ("楼盘打骨折了还卖不动，去年买的亏了十几万，心塌了", "notice"),
])
def test_a_rumour_denied_and_a_heart_that_sank(text, verdict):
    assert incident_verdict(text) == verdict


def test_a_rumour_denied_is_not_negative():
    model = SentimentModel.load()
    assert not model.is_negative(model.score("网传车站街道一化工厂爆炸死了好多人，经核实没有此事，警方提醒不要传播谣言"))


@pytest.mark.parametrize("text,verdict", [
    ("网传城东一家超市着火不实，系对面餐馆排烟", "denied"),
    ("有人发视频说城东一家超市着火，消防部门回应：经核实是隔壁烤肉店排烟，没有火情", "denied"),
    ("城东一家超市着火，经核实已造成两人受伤", "incident"),  # confirmed: it happened
    ("这家店的装修华而不实，价格还贵", None),
])
def test_a_rumour_said_untrue_or_checked_and_found_nothing(text, verdict):
    assert incident_verdict(text) == verdict


@pytest.mark.parametrize("text", [
    "这几天晚上到处烧秸秆，烟呛得县城都能闻见",
    "村外渠里又淹了一个十来岁的娃娃",
    "学校食堂的饭菜里有虫，孩子不敢吃",
    "一到傍晚满街都是烟，呛得小孩直咳嗽，能不能管一管",  # 小孩: who suffers it, not "little of it"
])
def test_choking_smoke_a_drowning_and_worms_in_food_are_incidents(text):
    assert incident_verdict(text) == "incident"


def test_little_of_it_after_an_incident_word_is_still_praise():
    assert incident_verdict("新换的设备噪音很小，邻居都说好") != "incident"


def test_a_rescue_praised_as_a_good_deed_is_no_incident():
    text = "一名快递员路过河边时看到有人落水，跳进河里救起落水儿童，被评为见义勇为先进个人"
    assert incident_verdict(text) == "notice"
    assert incident_verdict("一辆面包车翻进河里，车上三人受伤，被路过的村民救起") == "incident"  # the accident
    model = SentimentModel.load()
    assert not model.is_negative(model.score(text))


@pytest.mark.parametrize("text", [
    "老矿工宿舍一栋平房的后墙昨晚塌了，房子真不能住了",
    "一家民办幼儿园开学没几周突然关门，家长刚交的保教费没退",  # 没几周: how soon, not a denial
    "高三寒假又要补课，说是自愿，不去的班主任挨个打电话",
    "今年学区划片又变了，买的学区房白买了",
])
def test_a_wall_fallen_a_school_shut_soon_after_term_began_and_a_voluntary_class_are_incidents(text):
    assert incident_verdict(text) == "incident"


def test_a_denial_before_an_incident_word_still_denies_it():
    assert incident_verdict("这次暴雨村里的老房子好在没塌下来，大家放心") != "incident"
    assert incident_verdict("这次暴雨村里的老房子塌下来一间") == "incident"


def test_an_incident_word_as_the_object_of_work_planned_against_it_is_a_plan():
    bulletin = ("市生态环境局通报，前三季度全市空气质量优良天数267天，同比增加9天。"
                "下一步将继续推进扬尘和机动车尾气治理。")
    assert incident_verdict(bulletin) == "notice"
    model = SentimentModel.load()
    assert not model.is_negative(model.score(bulletin))
    assert incident_verdict("工地扬尘太大了，推进扬尘治理喊了几年，窗台上还是一层灰") == "incident"


@pytest.mark.parametrize("text", [
    "区消防救援支队对辖区高层住宅开展消防安全检查，重点查看消防通道堵塞、电动车违规充电等问题。",
    "县治水办消息，全县共检查沿河各乡镇企业排污口412个，已完成溯源398个。",
    "下一步将对居民投诉集中的路段开展夜间巡查。",
    "街道本月起对城区河道进行清淤疏浚，完成后将改善夏季河道发臭问题。",
    "市区优良天数比例为84.5%，PM2.5浓度同比下降，臭氧污染仍需重点防控。",
    "上半年全区优良天数比例86.2%，臭氧仍是首要污染物。",
    "夏收期间禁止露天焚烧秸秆，发现偷排问题将依法处理。",
    "老街排水管道改造工程近日完工，雨天积水问题有望得到解决。",
])
def test_the_object_of_an_inspection_a_fix_to_come_or_a_warning_is_no_incident(text):
    assert incident_verdict(text) != "incident"


@pytest.mark.parametrize("text", [
    "消防检查来了几次，楼道里照样堵塞，电动车违规充电没人管",  # an inspection that fixed nothing
    "这几天工地排污直接往河里排，发现的人都说臭",
    "河道清淤两年了，发臭问题还是老样子",
    "孩子的疫苗在社区卫生服务中心一直约不上",
    "站台上等半小时等不到一班公交",
    "征地补偿标准偏低，村民都不愿意签",
    "同样的药比医院贵了一半还多",
    "学校门口这条路天天有人违停",
    "今年学区调整，家长们都很有意见",
    "一片老城区拆迁，部分居民对补偿标准不满",
    "从口岸打车去科技园，司机绕到滨海大道兜了一大圈",
    "小区门口违停越来越多，消防通道都堵上了",
])
def test_grievances_told_plainly_are_incidents(text):
    assert incident_verdict(text) == "incident"


@pytest.mark.parametrize("text", ["孩子不满十八岁不能单独办卡", "这几个路口新装了违停抓拍，大家停车注意点",
                                  "入冬以来气温偏低，供暖期延长十五天"])
def test_under_an_age_a_camera_for_parking_and_a_cold_spell_are_no_grievance(text):
    assert incident_verdict(text) != "incident"


def test_a_craftsman_s_story_is_no_complaint():
    story = "菜市场门口那个修自行车的老师傅还在摆摊，干了三十多年了，补胎五块钱，手艺好又实在，老街坊都找他修"
    assert incident_verdict(story) == "notice"
    assert incident_verdict("修车的老师傅手艺再好，补个胎收了五十也太坑了") == "incident"


@pytest.mark.parametrize("text", [
    "共排查沟渠612条，发现排污问题点位43个，已全部建立整改台账",  # found and logged for rectification
    "对沿江乡镇的43个排污口逐一登记建档，年底前完成整改",
    "民警给学生们讲下河游泳的危险，教孩子们遇到同伴落水怎么呼救",  # a lesson: what to do if it happens
    "夜市街本周五开业，街道说会管好卫生和噪音",  # a promise to keep it in hand
    "下一步将继续抓好工地扬尘、餐饮油烟和机动车尾气治理",  # a list before the remedy
    "国庆第一天晚上去了不夜城，人气真是爆炸，拍照都举不起手机",
    "上半年全市空气质量优良天数为112天，臭氧污染仍是夏季治理重点",
])
def test_what_a_bulletin_logs_a_lesson_teaches_or_a_promise_keeps_in_hand_is_no_incident(text):
    assert incident_verdict(text) != "incident"


@pytest.mark.parametrize("text", [
    "昨天傍晚镇上一家纺织仓库突发大火，浓烟几公里外都看得见",
    "渣土车每天晚上来回跑，车厢不盖，土撒得满路都是",
    "寄宿生说宿舍冬天一直没有热水，洗澡要排很久",
    "孩子该打疫苗了，卫生院说打不上，让回家等通知",
    "售票点说一人两百，上了筏子又临时加价",
    "那股油漆味顺着风飘进来，头都熏晕了",
    "进城的公交末班车晚上七点就没了，下班晚一点只能打车",
])
def test_more_grievances_told_plainly_are_incidents(text):
    assert incident_verdict(text) == "incident"


def test_a_recipe_s_high_flame_is_no_fire():
    assert incident_verdict("排骨焯水后下锅，大火烧开转小火炖四十分钟，最后大火收汁") != "incident"


def test_a_rule_a_notice_states_is_no_negativity_of_its_own():
    notice = ("街道发布禁止露天焚烧秸秆通告\n街道办事处提醒：秋收期间严禁露天焚烧秸秆、垃圾，各村将设立巡查点，"
              "发现焚烧将依法处理。鼓励农户采取秸秆还田和离田收储。")
    assert incident_verdict(notice) == NOTICE
    assert "严禁露天焚烧" not in without_figures(notice) and "禁止露天焚烧" not in without_figures(notice)
    model = SentimentModel.load()
    assert not model.is_negative(model.score(notice))
    # the rule a complaint cites stays a complaint
    complaint = "明明严禁焚烧秸秆，隔壁村天天晚上烧，呛得人睡不着，打电话也没人管"
    assert model.is_negative(model.score(complaint))


@pytest.mark.parametrize("text", [
    "焉耆县城有没有靠谱的修暖气的老师傅？家里暖气片一半热一半凉，找了两个都没修好",
    "刚搬到这边，娃老是感冒发烧，想问问附近哪个医院儿科好一点？大医院排队太久",
    "来阳朔住了半年，身上老起疹子，想问问县里哪家医院的皮肤科医生比较靠谱",
])
def test_asking_for_a_recommendation_is_a_question_whatever_the_trouble(text):
    assert incident_verdict(text) == "question"
    model = SentimentModel.load()
    assert not model.is_negative(model.score(text))


def test_only_a_rule_s_own_words_are_blanked_for_the_tone_model():
    assert without_figures("他说最舍不得的是矿上的兄弟") == "他说最舍不得的是矿上的兄弟"
    assert without_figures("周末也不得安宁，电钻一响就是一天") == "周末也不得安宁，电钻一响就是一天"
    assert without_figures("辖区内禁止露天焚烧垃圾，请居民配合") == "辖区内禁止，请居民配合"
    # a violation found and punished is still news of one
    assert incident_verdict("一家烧烤店被检查时发现使用过期食材，已被责令停业整改并处以罚款") == "incident"


@pytest.mark.parametrize("text", [
    "教育部发布通知，严禁中小学校利用寒暑假组织学生集体补课，违规学校将被通报",  # what a rule threatens
    "偷排企业一律依法查处，欢迎群众举报",
    "应急管理部通报近期几起典型火灾事故，提醒各地加强电动车充电安全管理",  # typical cases sent as a warning
    "应急管理部召开会议，部署冬季安全生产工作，要求严防煤矿、危化品和燃气爆炸事故",  # guarded against
    "生态环境厅部署冬季大气污染治理，重点整治燃煤锅炉、工业废气和扬尘",  # a campaign's targets
    "前三季度空气优良天数增加，下一步继续抓工地扬尘、餐饮油烟和机动车尾气治理",
])
def test_what_a_rule_threatens_a_campaign_targets_or_a_ministry_cites_as_typical_is_no_incident(text):
    assert incident_verdict(text) != "incident"


@pytest.mark.parametrize("text", [
    "那家厂的废气一直排，说是整治了，结果晚上照样冒黑烟",  # the fix failed: the clause after says so
    "小区门口违规停车，交警贴了条也没用，天天堵",
])
def test_a_campaign_that_failed_and_a_breach_told_plainly_are_incidents(text):
    assert incident_verdict(text) == "incident"
