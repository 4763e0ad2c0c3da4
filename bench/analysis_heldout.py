"""Relevance, topics and negativity on hand-labelled evaluation sets kept out of tuning.

Sets (bench/analysis_sets/NAME/posts.tsv, labelled by bench/analysis_sets/LABELS.md before the
product was run on them):
  qingxi  — posts like the demo's, about the fictional 青溪市, with the shipped config/topics.yaml
  liuzhou — a second city (广西 柳州市) configured as an operator would (its own topics.yaml:
            a `divisions:` path, landmark aliases, the example topics)
  baotou  — a third city (内蒙古 包头市), written and labelled after qingxi and liuzhou had been
            used in tuning, committed before the product was first run on it (blind once; its
            misses were read in round 3)
  weifang — a fourth city (山东 潍坊市), written and labelled in round 3 with the example topics
            (standard_terms) and committed before the product was first run on it (blind once;
            its misses were read in round 4)
  yichang — a fifth city (湖北 宜昌市), written and labelled in round 4 before any product change
            of that round, committed before the product was first run on it (blind once; its
            misses were read in round 5)
  mianyang, taizhou — a sixth and seventh city (四川 绵阳市, 浙江 台州市), written and labelled in
            round 5 by helpers who never read the product's code, committed before the product
            was first run on them (blind once; their misses were read in round 5)
  quanzhou — an eighth city (福建 泉州市), written like them, committed before the product was
            first run on it (blind once, after round 5's changes from reading 绵阳 and 台州; its
            misses were then read)
  ganzhou — a ninth city (江西 赣州市), written like them, committed before the product was first
            run on it, after every round-5 change (blind once; its misses were read in round 6)
  anqing, yueyang — a tenth and eleventh city (安徽 安庆市, 湖南 岳阳市), written like them,
            committed before the product was first run on them, after every round-6 change (blind
            once; their misses were read in round 7)
  qiqihar, baoji — a thirteenth and twelfth city (黑龙江 齐齐哈尔市, 陕西 宝鸡市), written like
            them, committed before the product was first run on them, after every round-7 change
            (blind once; their misses were read in round 8)
  zhanjiang, qujing — a fourteenth and fifteenth city (广东 湛江市, 云南 曲靖市), written like
            them, committed before the product was first run on them, after every round-8 change
            (blind once; their misses were read in round 9)
  xingtai, changzhi — a sixteenth and seventeenth city (河北 邢台市, 山西 长治市), written like
            them, committed before the product was first run on them, after every round-9 change
            (blind once; their misses were read in round 10)
  nanyang, zunyi, jinzhou — an eighteenth to twentieth city (河南 南阳市, 贵州 遵义市, 辽宁 锦州市),
            written like them, committed before the product was first run on them, first run after
            every round-10 change (blind once; their misses were read in round 11)
  yancheng, tianshui, siping — a twenty-first to twenty-third city (江苏 盐城市, 甘肃 天水市,
            吉林 四平市), written and committed with them, first run after round 11 (blind once;
            their misses were read in round 12, as were those of nanyang, zunyi and jinzhou in round 11)
  xiangyang, guilin, jining — a twenty-fourth to twenty-sixth city (湖北 襄阳市, 广西 桂林市,
            山东 济宁市), written like them, first run after round 12 (blind once; read in round 13)
  shizuishan, danzhou, chengde — a twenty-seventh to twenty-ninth city (宁夏 石嘴山市, 海南 儋州市,
            河北 承德市), written with them, first run after round 13 (blind once; read in round 14)
  chifeng, nanchong, jiujiang — a thirtieth to thirty-second city (内蒙古 赤峰市, 四川 南充市,
            江西 九江市), written like them, first run after round 14 (blind once; read in round 15)
  changde, fuyang, mudanjiang — a thirty-third to thirty-fifth city (湖南 常德市, 安徽 阜阳市,
            黑龙江 牡丹江市), written like them, first run after round 15 (blind once; read in round 16)
  shaoguan, lishui, hanzhong — a thirty-sixth to thirty-eighth city (广东 韶关市, 浙江 丽水市,
            陕西 汉中市), written like them, first run after round 16 (blind once; read in round 17)
  zhenjiang, kaifeng, liupanshui — a thirty-ninth to forty-first city (江苏 镇江市, 河南 开封市,
            贵州 六盘水市), written like them, first run after round 17 (blind once; read in round 18)
  longyan, yuncheng, zhuzhou — a forty-second to forty-fourth city (福建 龙岩市, 山西 运城市,
            湖南 株洲市), written like them, first run after round 18 (blind once; read in round 19)
  haidong, yulin, huangshi — a forty-fifth to forty-seventh city (青海 海东市, 广西 玉林市,
            湖北 黄石市), written like them, first run after round 19 (blind once; read in round 20)
  dandong, yuxi, zhangye — a forty-eighth to fiftieth city (辽宁 丹东市, 云南 玉溪市,
            甘肃 张掖市), written like them, first run after round 20 (blind once; read in round 21)
  baishan, wuzhong, sanya — a fifty-first to fifty-third city (吉林 白山市, 宁夏 吴忠市,
            海南 三亚市), written like them, first run after round 21 (blind once; read in round 22)
  karamay, tongren, dezhou — a fifty-fourth to fifty-sixth city (新疆 克拉玛依市, 贵州 铜仁市,
            山东 德州市), written like them, first run after round 22 (blind once; read in round 23)
  quzhou, yibin, putian — a fifty-seventh to fifty-ninth city (浙江 衢州市, 四川 宜宾市,
            福建 莆田市), written like them, first run after round 23 (blind once; read in round 24)
  tongliao, shangqiu, meizhou — a sixtieth to sixty-second city (内蒙古 通辽市, 河南 商丘市,
            广东 梅州市), written like them, first run after round 24 (blind once; read in round 25)
  shangrao, suihua, pingliang — a sixty-third to sixty-fifth city (江西 上饶市, 黑龙江 绥化市,
            甘肃 平凉市), written like them, first run after round 25 (blind once; read in round 26)
  linfen, jingmen, luan — a sixty-sixth to sixty-eighth city (山西 临汾市, 湖北 荆门市,
            安徽 六安市), written like them, first run after round 26 (blind once; read in round 27)
  baise, jian, hebi — a sixty-ninth to seventy-first city (广西 百色市, 江西 吉安市,
            河南 鹤壁市), written like them, first run after round 27 (blind once; read in round 28)
  binzhou, loudi, wulanchabu — a seventy-second to seventy-fourth city (山东 滨州市, 湖南 娄底市,
            内蒙古 乌兰察布市), written like them, first run after round 28 (blind once; read in round 29)
  xinzhou, hechi, luohe — a seventy-fifth to seventy-seventh city (山西 忻州市, 广西 河池市,
            河南 漯河市), written like them, first run after round 29 (blind once; read in round 30)
  zhaotong, suqian, jiuquan — a seventy-eighth to eightieth city (云南 昭通市, 江苏 宿迁市,
            甘肃 酒泉市), written like them, first run after round 30 (blind once; read in round 31)
  jieyang, rizhao, jingdezhen — an eighty-first to eighty-third city (广东 揭阳市, 山东 日照市,
            江西 景德镇市), written like them, first run after round 31 (blind once; read in round 32)
  anshun, hami, xianning — an eighty-fourth to eighty-sixth city (贵州 安顺市, 新疆 哈密市,
            湖北 咸宁市), written like them, first run after round 32 (blind once; read in round 33)
  tonghua, huangshan, beihai — an eighty-seventh to eighty-ninth city (吉林 通化市, 安徽 黄山市,
            广西 北海市), written like them, first run after round 33 (blind once; read in round 34)
  yanan, huaihua, bazhong — a ninetieth to ninety-second city (陕西 延安市, 湖南 怀化市,
            四川 巴中市), written like them, first run after round 34 (blind once; read in round 35)
  lhasa, sanming, yongzhou — a ninety-third to ninety-fifth city (西藏 拉萨市, 福建 三明市,
            湖南 永州市), written like them, first run after round 35 (blind once; read in round 36)
  ordos, ningde, zhangjiakou — a ninety-sixth to ninety-eighth city (内蒙古 鄂尔多斯市, 福建 宁德市,
            河北 张家口市), written like them, first run after round 36 (blind once; read in round 37)
  tongling, dazhou, maoming — a ninety-ninth to hundred-and-first city (安徽 铜陵市, 四川 达州市,
            广东 茂名市), written like them, first run after round 37 (blind once; read in round 38)
  huaian, xinyang, jiamusi — a hundred-and-second to hundred-and-fourth city (江苏 淮安市, 河南 信阳市,
            黑龙江 佳木斯市), written like them, first run after round 38 (blind once; read in round 39)
  qinzhou, liaocheng, wuwei — a hundred-and-fifth to hundred-and-seventh city (广西 钦州市, 山东 聊城市,
            甘肃 武威市), written like them, first run after round 39 (blind once; read in round 40)
  nanping, baiyin, ankang — a hundred-and-eighth to hundred-and-tenth city (福建 南平市, 甘肃 白银市,
            陕西 安康市), written like them, first run after round 40 (blind once; read in round 41)
  shaoyang, wuzhou, yingkou — a hundred-and-eleventh to hundred-and-thirteenth city (湖南 邵阳市, 广西 梧州市,
            辽宁 营口市), written like them, first run after round 41 (blind once; read in round 42)
  hengshui, yichun, deyang — a hundred-and-fourteenth to hundred-and-sixteenth city (河北 衡水市, 江西 宜春市,
            四川 德阳市), written like them, first run after round 42 (blind once; read in round 43)
  datong, lianyungang, leshan — a hundred-and-seventeenth to hundred-and-nineteenth city (山西 大同市,
            江苏 连云港市, 四川 乐山市), written like them, first run after round 43 (blind once; read in round 44)
  anshan, shiyan, zhaoqing — a hundred-and-twentieth to hundred-and-twenty-second city (辽宁 鞍山市,
            湖北 十堰市, 广东 肇庆市), written like them, first run after round 44 (blind once; read in round 45)
  zhoukou, taian, zhangzhou — a hundred-and-twenty-third to hundred-and-twenty-fifth city (河南 周口市,
            山东 泰安市, 福建 漳州市), written like them, first run after round 45 (blind once; read in round 46)
  hulunbuir, weinan, hengyang — a hundred-and-twenty-sixth to hundred-and-twenty-eighth city (内蒙古 呼伦贝尔市,
            陕西 渭南市, 湖南 衡阳市), written like them, first run after round 46 (blind once; read in round 47)
  jingzhou, heze, qingyuan — a hundred-and-twenty-ninth to hundred-and-thirty-first city (湖北 荆州市,
            山东 菏泽市, 广东 清远市), written like them, first run after round 47 (blind once; read in round 48)
  daqing, guigang, wuhu — a hundred-and-thirty-second to hundred-and-thirty-fourth city (黑龙江 大庆市,
            广西 贵港市, 安徽 芜湖市), written like them, first run after round 48 (blind once; read in round 49)
  anyang, shaoxing, suining — a hundred-and-thirty-fifth to hundred-and-thirty-seventh city (河南 安阳市,
            浙江 绍兴市, 四川 遂宁市), written like them, first run after round 49 (blind once; read in round 50)
  luzhou, zibo, shantou — a hundred-and-thirty-eighth to hundred-and-fortieth city (四川 泸州市, 山东 淄博市,
            广东 汕头市), written like them, first run after round 50 (blind once; read in round 51)
  handan, nantong, xiaogan, meishan, qinhuangdao, chenzhou, xuancheng, jixi — a hundred-and-forty-first
            to hundred-and-forty-eighth city (河北 邯郸市, 江苏 南通市, 湖北 孝感市, 四川 眉山市, 河北 秦皇岛市,
            湖南 郴州市, 安徽 宣城市, 黑龙江 鸡西市), written like them, first run after round 51 and the
            plate prefixes (blind once; read in round 52)
  bengbu, changzhou, langfang, zigong, baoshan, huanggang, yiyang, linyi — a hundred-and-forty-ninth to
            hundred-and-fifty-sixth city (安徽 蚌埠市, 江苏 常州市, 河北 廊坊市, 四川 自贡市, 云南 保山市, 湖北 黄冈市,
            湖南 益阳市, 山东 临沂市), written like them, first run after round 52 (blind once; read in round 53)
  shanwei, fuzhoujx, guangyuan, xuchang, zaozhuang, fuxin, xianyang, lijiang — a hundred-and-fifty-seventh
            to hundred-and-sixty-fourth city (广东 汕尾市, 江西 抚州市, 四川 广元市, 河南 许昌市, 山东 枣庄市,
            辽宁 阜新市, 陕西 咸阳市, 云南 丽江市), written like them, first run after round 53 (blind once; read in
            round 54)
  hegang, liaoyuan, shuozhou, chizhou, zhangjiajie, laibin, bijie, dingxi — a hundred-and-sixty-fifth to
            hundred-and-seventy-second city (黑龙江 鹤岗市, 吉林 辽源市, 山西 朔州市, 安徽 池州市, 湖南 张家界市,
            广西 来宾市, 贵州 毕节市, 甘肃 定西市), written like them, first run after round 54 (blind once; read in
            round 55)
  heihe, baicheng, jincheng, suzhouah, xiangtan, fangchenggang, puer, longnan — a hundred-and-seventy-third to
            hundred-and-eightieth city (黑龙江 黑河市, 吉林 白城市, 山西 晋城市, 安徽 宿州市, 湖南 湘潭市, 广西 防城港市,
            云南 普洱市, 甘肃 陇南市), written like them, first run after round 55 (blind once; read in round 56)
  qitaihe, songyuan, yangquan, huaibei, pingxiang, hezhou, lincang, jinchang — a hundred-and-eighty-first to
            hundred-and-eighty-eighth city (黑龙江 七台河市, 吉林 松原市, 山西 阳泉市, 安徽 淮北市, 江西 萍乡市, 广西 贺州市,
            云南 临沧市, 甘肃 金昌市), written like them, first run after round 56 (blind once; round 57 read
            qitaihe, round 58 the other seven)
  tongchuan, ezhou, xinyu, lvliang, yangjiang, chuzhou, jiaozuo, panjin — a hundred-and-eighty-ninth to
            hundred-and-ninety-sixth city (陕西 铜川市, 湖北 鄂州市, 江西 新余市, 山西 吕梁市, 广东 阳江市, 安徽 滁州市,
            河南 焦作市, 辽宁 盘锦市), written like them, first run after round 58 (blind once; read in rounds 59–60)
  shangluo, suizhou, yingtan, heyuan, bozhou, puyang, huludao, wuhai — a hundred-and-ninety-seventh to
            two-hundred-and-fourth city (陕西 商洛市, 湖北 随州市, 江西 鹰潭市, 广东 河源市, 安徽 亳州市, 河南 濮阳市,
            辽宁 葫芦岛市, 内蒙古 乌海市), written like them, first run after round 59 (blind once; read in round 60)
  qingyang, guyuan, guangan, chongzuo, sanmenxia, fushun, shuangyashan, chaozhou — a two-hundred-and-fifth to
            two-hundred-and-twelfth city (甘肃 庆阳市, 宁夏 固原市, 四川 广安市, 广西 崇左市, 河南 三门峡市, 辽宁 抚顺市,
            黑龙江 双鸭山市, 广东 潮州市), written like them, first run after round 60 (blind once; round 61 read
            sanmenxia and guangan, round 62 the other six)
  jinzhong, bayannur, zhongwei, yunfu, maanshan, dongying, cangzhou, neijiang — a two-hundred-and-thirteenth to
            two-hundred-and-twentieth city (山西 晋中市, 内蒙古 巴彦淖尔市, 宁夏 中卫市, 广东 云浮市, 安徽 马鞍山市,
            山东 东营市, 河北 沧州市, 四川 内江市), written like them, first run after round 62 (blind once; round 63
            read jinzhong, bayannur, zhongwei and dongying, round 64 the other four)
  weihai, baoding, panzhihua, pingdingshan, huainan, turpan, jiangmen, zhoushan — a two-hundred-and-twenty-first to
            two-hundred-and-twenty-eighth city (山东 威海市, 河北 保定市, 四川 攀枝花市, 河南 平顶山市, 安徽 淮南市,
            新疆 吐鲁番市, 广东 江门市, 浙江 舟山市), written like them, first run after round 63 (blind once; round 64
            read weihai, baoding, panzhihua and pingdingshan, round 65 the other four)
  yaan, yantai, zhumadian, huzhou, chaoyang, taizhoujs, huizhou, linzhi — a two-hundred-and-twenty-ninth to
            two-hundred-and-thirty-sixth city (四川 雅安市, 山东 烟台市, 河南 驻马店市, 浙江 湖州市, 辽宁 朝阳市,
            江苏 泰州市, 广东 惠州市, 西藏 林芝市), written like them, first run after round 64 (blind once; round 65
            read yaan, chaoyang and huizhou, round 67 the others)
  ziyang, xinxiang, tieling, yangzhou, yulinsx, yichunhlj, jinhua, tangshan — a two-hundred-and-thirty-seventh to
            two-hundred-and-forty-fourth city (四川 资阳市, 河南 新乡市, 辽宁 铁岭市, 江苏 扬州市, 陕西 榆林市,
            黑龙江 伊春市, 浙江 金华市, 河北 唐山市), written like them, first run after round 65 (blind once; round 66
            read xinxiang, yulinsx, yichunhlj and tangshan, round 67 the others)
  benxi, xuzhou, jiaxing, shigatse, jilin, luoyang, foshan, zhuhai — a two-hundred-and-forty-fifth to
            two-hundred-and-fifty-second city (辽宁 本溪市, 江苏 徐州市, 浙江 嘉兴市, 西藏 日喀则市, 吉林 吉林市,
            河南 洛阳市, 广东 佛山市, 广东 珠海市), written like them, first run after round 66 (blind once; round
            67 read them)
  liaoyang, dali, enshi, honghe, qiandongnan, chuxiong, yanbian, xiangxi — a two-hundred-and-fifty-third to
            two-hundred-and-sixtieth (辽宁 辽阳市, 云南 大理白族自治州, 湖北 恩施土家族苗族自治州, 云南 红河哈尼族彝族自治州,
            贵州 黔东南苗族侗族自治州, 云南 楚雄彝族自治州, 吉林 延边朝鲜族自治州, 湖南 湘西土家族苗族自治州), written like
            them, first run after round 67 (blind once; round 68 read them)
  wenshan, liangshan, qiannan, yili, kashi, xilingol, yinchuan, xining — a two-hundred-and-sixty-first to
            two-hundred-and-sixty-eighth (云南 文山壮族苗族自治州, 四川 凉山彝族自治州, 贵州 黔南布依族苗族自治州, 新疆
            伊犁哈萨克自治州, 新疆 喀什地区, 内蒙古 锡林郭勒盟, 宁夏 银川市, 青海 西宁市), written like them, first run
            after round 68 (blind once; round 69 read xining, xilingol, kashi and yili, round 70 the others)
  xishuangbanna, dehong, qianxinan, ganzi, aba, linxia, aksu, hohhot — a two-hundred-and-sixty-ninth to
            two-hundred-and-seventy-sixth (云南 西双版纳傣族自治州, 云南 德宏傣族景颇族自治州, 贵州 黔西南布依族苗族自治州,
            四川 甘孜藏族自治州, 四川 阿坝藏族羌族自治州, 甘肃 临夏回族自治州, 新疆 阿克苏地区, 内蒙古 呼和浩特市), written
            like them, first run after round 69 (blind once; round 70 read them)
  nanning, guiyang, lanzhou, kunming, changji, bayingolin, haixi, nujiang — a two-hundred-and-seventy-seventh to
            two-hundred-and-eighty-fourth (广西 南宁市, 贵州 贵阳市, 甘肃 兰州市, 云南 昆明市, 新疆 昌吉回族自治州, 新疆
            巴音郭楞蒙古自治州, 青海 海西蒙古族藏族自治州, 云南 怒江傈僳族自治州), written like them, first run after
            round 70 (blind once; round 71 read lanzhou, kunming, nanning, bayingolin and haixi, round 72 the others)
  taiyuan, nanchang, hefei, hotan, shannan, qamdo, diqing, alxa — a two-hundred-and-eighty-fifth to
            two-hundred-and-ninety-second (山西 太原市, 江西 南昌市, 安徽 合肥市, 新疆 和田地区, 西藏 山南市, 西藏 昌都市,
            云南 迪庆藏族自治州, 内蒙古 阿拉善盟), written like them, first run after round 71 (blind once; round 72
            read them)
  dongguan, zhongshan, jiayuguan, hinggan, bortala, tacheng, haikou, gannan — a two-hundred-and-ninety-third to
            three-hundredth (广东 东莞市, 广东 中山市, 甘肃 嘉峪关市, 内蒙古 兴安盟, 新疆 博尔塔拉蒙古自治州, 新疆 塔城地区,
            海南 海口市, 甘肃 甘南藏族自治州), written like them, first run after round 72 (blind once; round 73 read them)
  urumqi, shijiazhuang, jinan, zhengzhou, xian, kizilsu, haibei, golog — a three-hundred-and-first to
            three-hundred-and-eighth (新疆 乌鲁木齐市, 河北 石家庄市, 山东 济南市, 河南 郑州市, 陕西 西安市, 新疆
            克孜勒苏柯尔克孜自治州, 青海 海北藏族自治州, 青海 果洛藏族自治州), written like them, first run after round 73
            (blind once; round 74 read them)
  daxinganling, altay, nagqu, huangnan, yushu, wenzhou, changchun, xiamen — a three-hundred-and-ninth to
            three-hundred-and-sixteenth (黑龙江 大兴安岭地区, 新疆 阿勒泰地区, 西藏 那曲市, 青海 黄南藏族自治州, 青海
            玉树藏族自治州, 浙江 温州市, 吉林 长春市, 福建 厦门市), written like them, first run after round 74 (blind
            once; round 75 read xiamen, changchun, yushu and nagqu; round 76 the others)
  nanjing, harbin, dalian, ningbo, guangzhou, chengdu, wuxi, hangzhou — a three-hundred-and-seventeenth to
            three-hundred-and-twenty-fourth (江苏 南京市, 黑龙江 哈尔滨市, 辽宁 大连市, 浙江 宁波市, 广东 广州市, 四川
            成都市, 江苏 无锡市, 浙江 杭州市), written like them, first run after round 76 (blind once; round 77 read them)
  wuhan, shenyang, hainanzhou, shenzhen, fuzhoufj, suzhoujs, changsha, ngari — a three-hundred-and-twenty-fifth to
            three-hundred-and-thirty-second (湖北 武汉市, 辽宁 沈阳市, 青海 海南藏族自治州, 广东 深圳市, 福建 福州市, 江苏
            苏州市, 湖南 长沙市, 西藏 阿里地区), written like them, first run after round 77 (blind once; round 78 read
            them)
  qingdao — a three-hundred-and-thirty-third (山东 青岛市), written like them, first run after round 78 (blind
            once; round 79 read it)
  beijing, shanghai, tianjin, chongqing — the four municipalities (北京市, 上海市, 天津市, 重庆市: `divisions:` names
            the province-level division), and kunshan, yiwu, jinjiang, shenmu — four county-level cities watched by
            their own office (江苏 苏州市 昆山市, 浙江 金华市 义乌市, 福建 泉州市 晋江市, 陕西 榆林市 神木市: the
            prefecture's other districts and counties are other places), a three-hundred-and-thirty-fourth to
            three-hundred-and-forty-first, written like them, first run after round 78 (blind once; round 79 read
            beijing, chongqing, yiwu, jinjiang and shenmu, round 80 the other three)
  chaoyangbj, pudong, wanzhou, nanshan, changxing, peixian, liuyang, dujiangyan — offices below a prefecture: districts
            (北京 朝阳区, 上海 浦东新区, 重庆 万州区, 深圳 南山区), counties (湖州 长兴县, 徐州 沛县) and county-level
            cities (长沙 浏阳市, 成都 都江堰市), a three-hundred-and-forty-second to -forty-ninth, written like them,
            first run after round 79 (blind once; round 80 read them)
  xihuhz, jiangxia, jiangyin, renhuai, caoxian, dalishi, yanta, yangshuo — eight more: districts (杭州 西湖区, 武汉 江夏区,
            西安 雁塔区), counties (菏泽 曹县, 桂林 阳朔县) and county-level cities (无锡 江阴市, 遵义 仁怀市, 大理州 大理市),
            a three-hundred-and-fiftieth to -fifty-seventh, written like them while round 80 was written, run once on
            round 80's start code and once after it (blind; round 81 read them)
  shunde, jiangning, jinshui, zhungeer, anxi, xichang, yueqing, linquan — eight more: districts (佛山 顺德区, 南京
            江宁区, 郑州 金水区), a banner (鄂尔多斯 准格尔旗), counties (泉州 安溪县, 阜阳 临泉县) and county-level cities
            (凉山州 西昌市, 温州 乐清市), a three-hundred-and-fifty-eighth to -sixty-fifth, written like them while round
            81 was written, run once on round 81's start code and once after it (blind; round 82 read them)
  tianhe, yuelu, huangdao, hunnan, tengchong, dunhuang, zhengding, wuyuan — eight more: districts (广州 天河区, 长沙
            岳麓区, 青岛 黄岛区, 沈阳 浑南区), counties (石家庄 正定县, 上饶 婺源县) and county-level cities (保山 腾冲市,
            酒泉 敦煌市), a three-hundred-and-sixty-sixth to -seventy-third, written like them while round 82 was
            written, run once on round 82's start code and once after it (blind; round 83 read them)
  shushan, guandu, xiaodian, xingqing, anji, kaili, ruijin, shouguang — eight more: districts (合肥 蜀山区, 昆明
            官渡区, 太原 小店区, 银川 兴庆区), a county (湖州 安吉县) and county-level cities (黔东南 凯里市, 赣州
            瑞金市, 潍坊 寿光市), a three-hundred-and-seventy-fourth to -eighty-first, written like them while round 83
            was written, run once on round 83's start code and once after it (blind; round 84 read them)
  wuhou, luanchuan, changshu, yiling, qingxiu, fuqing, pingyao, daoli — eight more: districts (成都 武侯区, 宜昌
            夷陵区, 南宁 青秀区, 哈尔滨 道里区), counties (洛阳 栾川县, 晋中 平遥县) and county-level cities (苏州 常熟市,
            福州 福清市), a three-hundred-and-eighty-second to -eighty-ninth, written like them while round 84 was
            written, run once on round 84's start code and once after it (blind; round 85 read them)
  xiaoshan, panyu, jiangbeicq, fenghuang, qufu, zhangjiagang, manzhouli, langzhong — eight more: districts (杭州
            萧山区, 广州 番禺区, 重庆 江北区), a county (湘西 凤凰县) and county-level cities (济宁 曲阜市, 苏州
            张家港市, 呼伦贝尔 满洲里市, 南充 阆中市), a three-hundred-and-ninetieth to -ninety-seventh, written like
            them while round 85 was written, run once on round 85's start code and once after it (blind; round 86
            read them)
  yixing, nanhai, lintong, ningxiang, chishui, jimo, zhuji, zhuozhou — eight more: districts (佛山 南海区, 西安
            临潼区, 青岛 即墨区) and county-level cities (无锡 宜兴市, 长沙 宁乡市, 遵义 赤水市, 绍兴 诸暨市, 保定
            涿州市), a three-hundred-and-ninety-eighth to four-hundred-and-fifth, written like them while round 86 was
            written, run once on round 86's start code and once after it (blind; round 87 read them)
  shuangliu, huangpi, binhai, xinzheng, shishi, ruian, jimei, emeishan — eight more: districts (成都 双流区, 武汉
            黄陂区, 天津 滨海新区, 厦门 集美区) and county-level cities (郑州 新郑市, 泉州 石狮市, 温州 瑞安市, 乐山
            峨眉山市), a four-hundred-and-sixth to -thirteenth, written while round 87 was written, run once on its
            start code and once after its first part (blind; round 87 then read them too)
  huadu, yuhang, wujiang, baoan, fuling, longkou, sanhe, feixi — eight more: districts (广州 花都区, 杭州 余杭区,
            苏州 吴江区, 深圳 宝安区, 重庆 涪陵区), county-level cities (烟台 龙口市, 廊坊 三河市) and a county (合肥
            肥西县), a four-hundred-and-fourteenth to -twenty-first, written like them while round 87 was written,
            run once on round 87's start code and once after it (blind; round 88 read them)
  haidian, songjiang, pukou, cixi, changle, liling, pidu, qingxu — eight more: districts (北京 海淀区, 上海 松江区,
            南京 浦口区, 福州 长乐区, 成都 郫都区), county-level cities (宁波 慈溪市, 株洲 醴陵市) and a county (太原
            清徐县), a four-hundred-and-twenty-second to -twenty-ninth, written like them while round 88 was written,
            run once on round 87's start code and once after round 88 (blind; round 89 read them)
  minhang, baiyungz, yongchuan, taicang, wenling, zhangqiu, gongyi, wuan — eight more: districts (上海 闵行区, 广州
            白云区, 重庆 永川区, 济南 章丘区) and county-level cities (苏州 太仓市, 台州 温岭市, 郑州 巩义市, 邯郸
            武安市), a four-hundred-and-thirtieth to -thirty-seventh, written like them while round 89 was written,
            run once on round 89's start code and once after it (blind; round 90 read them)
  wuqing, taishan, haimen, dongyang, longhai, zaoyang, jiangyou, fengxiang — eight more: districts (天津 武清区,
            南通 海门区, 漳州 龙海区, 宝鸡 凤翔区) and county-level cities (江门 台山市, 金华 东阳市, 襄阳 枣阳市, 绵阳
            江油市), a four-hundred-and-thirty-eighth to -forty-fifth, written like them while round 89 was written,
            run once on round 89's start code and once after round 90 (blind; round 91 read them)
  tongzhoubj, longgang, wangcheng, jinxian, qingzhou, yanshi, lipu, qianxi — eight more: districts (北京 通州区, 深圳
            龙岗区, 长沙 望城区, 洛阳 偃师区), a county (南昌 进贤县) and county-level cities (潍坊 青州市, 桂林 荔浦市,
            毕节 黔西市), a four-hundred-and-forty-sixth to -fifty-third, written like them while round 90 was written,
            run once on round 89's start code and once after round 91 (blind, unread)
Half of each set are traps: look-alike places, other cities, figurative uses, drills.

Figures: relevance F1 (relevant = positive class); topics exact = share of posts whose topic set
equals the label (an irrelevant post's is empty), over all posts and over the relevant ones;
negativity accuracy over all posts.

    .venv/bin/python bench/analysis_heldout.py [--set NAME|all] [--verbose] [--no-aliases]
"""
from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.process import Pipeline  # noqa: E402
from pipeline.topics import load_topics  # noqa: E402

SETS = ROOT / "bench" / "analysis_sets"
# qingxi uses the shipped config; every other set carries its operator's topics.yaml.
CONFIGS = {"qingxi": ROOT / "config" / "topics.yaml",
           **{d.name: d / "topics.yaml" for d in sorted(SETS.iterdir()) if (d / "topics.yaml").is_file()}}


def _config(name: str, aliases: bool, current_example: bool) -> Path:
    path = CONFIGS[name]
    if aliases and not current_example:
        return path
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not aliases:
        data["locality"].pop("aliases", None)  # for a product version that has no `aliases:`
    if current_example:  # the operator's locality with the example topics as shipped now
        data["topics"] = yaml.safe_load(CONFIGS["qingxi"].read_text(encoding="utf-8"))["topics"]
    tmp = Path(tempfile.mkdtemp()) / "topics.yaml"
    tmp.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp


def evaluate(name: str, *, verbose: bool, aliases: bool, current_example: bool = False) -> dict[str, float]:
    pipeline = Pipeline(load_topics(_config(name, aliases, current_example)))
    rows = list(csv.DictReader((SETS / name / "posts.tsv").open(encoding="utf-8"), delimiter="\t"))
    tp = fp = fn = exact = exact_rel = n_rel = neg_ok = 0
    for row in rows:
        got = pipeline.analyze({"id": row["id"], "title": row["title"], "text": row["text"]})
        want_rel = row["relevant"] == "1"
        want_topics = set(filter(None, row["topics"].split(",")))
        got_topics = set(got.topics) if got.relevant else set()
        tp += got.relevant and want_rel
        fp += got.relevant and not want_rel
        fn += want_rel and not got.relevant
        exact += got_topics == want_topics
        if want_rel:
            n_rel += 1
            exact_rel += got_topics == want_topics
        neg_ok += got.negative == (row["negative"] == "1")
        if verbose and (got.relevant != want_rel or got_topics != want_topics
                        or got.negative != (row["negative"] == "1")):
            print(f"  {row['id']} rel {int(got.relevant)}/{row['relevant']} topics {sorted(got_topics)}/"
                  f"{sorted(want_topics)} neg {int(got.negative)}/{row['negative']} loc {list(got.locality)} "
                  f"| {row['title']}")
    precision = tp / max(tp + fp, 1)
    recall = tp / max(tp + fn, 1)
    return {"posts": len(rows), "relevance_f1": 2 * precision * recall / max(precision + recall, 1e-9),
            "precision": precision, "recall": recall, "topics_exact": exact / len(rows),
            "topics_exact_relevant": exact_rel / max(n_rel, 1), "negativity": neg_ok / len(rows)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", choices=(*CONFIGS, "all"), default="all")
    ap.add_argument("--verbose", action="store_true", help="list every post with a wrong figure")
    ap.add_argument("--no-aliases", action="store_true", help="drop `aliases:` from the configs")
    ap.add_argument("--current-example", action="store_true",
                    help="replace a city set's topics (copied from the example when the set was written) "
                         "by the example topics of config/topics.yaml as shipped now")
    args = ap.parse_args()
    for name in (tuple(CONFIGS) if args.set == "all" else (args.set,)):
        r = evaluate(name, verbose=args.verbose, aliases=not args.no_aliases, current_example=args.current_example)
        print(f"{name}: {r['posts']} posts  relevance F1 {r['relevance_f1']:.3f} (P {r['precision']:.3f} "
              f"R {r['recall']:.3f})  topics exact {r['topics_exact']:.3f} (relevant posts "
              f"{r['topics_exact_relevant']:.3f})  negativity {r['negativity']:.3f}")


if __name__ == "__main__":
    main()
