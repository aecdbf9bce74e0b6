"""Fifth round (issue 9): what kind of document a text is, beyond its topic words.

A request to a superior (妥否，请批示), a file sent by the confidential courier (走机要交通), a step
kept from outsiders (时间不对外, 不发公告, 本人还不知道, 仅限部长知道) and a text dense with one
table's vocabulary are internal; a quiz on the rules, a reply refusing a request for government
information (决定不予公开) and a published judgment are public, whatever words they use. A
work-secret notice may share the marking's brackets (（工作秘密 阅后删除）) or be a sentence
(本材料涉及工作秘密). Samples written for this module; none is taken from ``benchmarks/detection/``.
"""

from __future__ import annotations

import pytest

from gateway.service import Gateway
from matchers.context import circulation_markers, internal_markers, public_signals
from tests.fixtures_smtp import Sink
from tests.support.registered import pdf_of
from tests.support.scans import (
    Public,
    Sensitive,
    assert_held,
    held_then_relayed,
    scan_families,
)
from tests.test_detection_families import _attach, docx, mail
from tests.test_detection_personnel4 import pptx, xlsx

#: family → (category, file name, content): each must be held under its category
SENSITIVE: Sensitive = {
    "a request upward on candidates": (
        "personnel",
        "qingshi.docx",
        docx(
            [
                "关于街道办事处副主任推荐人选的请示",
                "区委组织部：",
                "经街道党工委研究，推荐人选为城管科科长郝明远，备选人选为社区办主任伍佳琪。"
                "郝明远同志群众基础好；伍佳琪同志任职时间稍短。",
                "妥否，请批示。",
                "南湖街道党工委",
            ]
        ),
    ),
    "a case file sent by the confidential courier": (
        "public_security",
        "jiyao.eml",
        mail(
            "材料",
            "秦局：\n“9·21”专案组这周的情况：嫌疑人已刑事拘留4人，另有2人在逃。"
            "证据材料原件走机要交通报市局，电子版就不发群里了。",
        ),
    ),
    "a demolition timetable kept from outsiders": (
        "land",
        "paiqi.xlsx",
        xlsx(
            [
                ["日期", "户主", "违建情况", "是否签约", "备注"],
                ["12月9日", "邬建新", "违法建筑 彩钢房", "未签约", "清晨进场拆除"],
                ["12月11日", "柯玉梅", "加盖一层", "未签约", "同上"],
                ["说明：拆除时间不对外，不发拆除公告，只送达通知书。", "", "", "", ""],
            ]
        ),
    ),
    "a move the person concerned does not know of": (
        "personnel",
        "pingdiao.eml",
        mail(
            "记一下",
            "鲍部：\n书记的意思，城关镇镇长房志刚平调到县供销社，他本人还不知道；接任的人从县管副职里"
            "出，范围仅限您和我知道。",
        ),
    ),
    "a daily watch report dense with its vocabulary": (
        "public_security",
        "yuqing.eml",
        mail(
            "今日舆情",
            "今日舆情（12月4日）\n1. 抖音有视频称某小区业主维权，已协调平台限流，发帖人已找到，"
            "同意删帖。\n2. 三名带头人已落实稳控，明日敏感节点前每日见面。\n"
            "3. 舆情专报另报。",
        ),
    ),
    "a marking with its notice in the brackets": (
        "work_secret",
        "yuehoushanchu.eml",
        mail(
            "明天的材料",
            "（工作秘密 阅后删除）\n小葛：明天专题会的压减方案先发你，晚上帮我顺一遍。",
        ),
    ),
    "a statement that the material involves work secrets": (
        "work_secret",
        "shemi.pdf",
        pdf_of(
            "2027年项目资金安排\n续建项目资金缺口拟通过城投融资解决。\n"
            "本材料涉及工作秘密，不得公开或者转发。"
        ),
    ),
    # sixth round: kept from those concerned, the few who know, no document, raid told to nobody
    "appraisal figures not to be shown yet": (
        "land",
        "pinggu.eml",
        mail(
            "评估",
            "葛总：\n评估公司的初稿到了，住宅按每平4100报的。指挥部的意思先别给村民代表看，"
            "等再调一轮出正式报告。",
        ),
    ),
    "listing conditions written for one developer": (
        "land",
        "guapai.eml",
        mail(
            "地块",
            "庞主任：\n北湖那块地的挂牌条件按对方要求加了两条业绩门槛，起始价按楼面价2100报。"
            "容积率调整不单独发文，挂牌前就我们几个知道。",
        ),
    ),
    "who the department now leans to": (
        "personnel",
        "qingxiang.eml",
        mail(
            "位置",
            "部里现在倾向让石桥街道的郁海峰去青林乡当乡长，原先报的人先放一放。"
            "下周专题会才定，先别跟本人讲。",
        ),
    ),
    "a raid told to nobody beforehand": (
        "public_security",
        "qingcha.eml",
        mail(
            "今晚",
            "今晚十点清查河西两家麻将馆，特警支援六人，不开警车。不提前讲，家里人也别说。",
        ),
    ),
    # seventh round: kept out of the record, locked before a lottery, allocations and cuts not yet
    # told, a falsified return record, an inspection hidden, posts named in an appraisal
    "a share deal kept out of the contract": (
        "land",
        "rugu.xlsx",
        xlsx(
            [
                ["项目", "内容", "备注"],
                ["入股土地", "白鹭村集体土地约540亩", "尚未表决"],
                ["代持", "村支书名下代持6%", "不写进合同正本"],
            ]
        ),
    ),
    "flats locked before the lottery": (
        "land",
        "fangyuan.xlsx",
        xlsx(
            [
                ["房号", "面积", "拟安置户", "原因"],
                ["2-1-801", "110", "柴永刚", "带头签约"],
                ["2-1-802", "110", "詹秀兰", "领导交办"],
                ["说明：以上房源摇号前先行锁定，本表仅限征收办主任掌握。", "", "", ""],
            ]
        ),
    ),
    "a graduate allocation draft": (
        "personnel",
        "xuandiao.xlsx",
        xlsx(
            [
                ["姓名", "拟分配单位", "备注"],
                ["诸葛文", "青林乡", "本人想回城，做工作"],
                ["蓝思琪", "县委办跟班", "先挂名乡镇"],
                ["说明：选调生初排，部领导未审定，请勿向本人透露。", "", ""],
            ]
        ),
    ),
    "a staffing cut not yet shown to those moved": (
        "personnel",
        "bianzhi.eml",
        mail(
            "编制",
            "编制调整方案里超编人员分流名单先定了三个人，编委会定之前不与本人见面。",
        ),
    ),
    "a return record to be written otherwise": (
        "public_security",
        "jiefang.eml",
        mail(
            "接回来了",
            "书记：两名上访人员今天在省城被我们接到，先送派出所训诫。登记表上写“自行返回”，"
            "别写“劝返”。",
        ),
    ),
    "an inspection to be hidden": (
        "land",
        "weipian.eml",
        mail(
            "图斑",
            "卫片执法下发的两处图斑是园区先建后批的厂房，督察来之前用绿网覆盖，先补办临时用地手续。",
        ),
    ),
    "posts named in a leadership appraisal": (
        "personnel",
        "yanpan.csv",
        "单位,评价,调整建议\n西岭镇,一般,镇长俞志明：交流到县直单位\n"
        "东岭镇,较差,书记鲍国庆：改任非领导职务；主任科员以下暂不动\n".encode("gbk"),
    ),
    # eighth round: a leak traced, the household not told, a favour from above, posing as the
    # public, a clue-transfer form, a drafting form's fields
    "a leak to be traced": (
        "land",
        "loule.eml",
        mail(
            "今天谈的",
            "主任：下午又去了钱家，过渡费我按你说的提到了18个月，搬家奖励再加五千。"
            "他说邻居家听说要多给一套，这消息哪漏出去的得查一下。",
        ),
    ),
    "the household not told beforehand": (
        "land",
        "chaiwei.eml",
        mail(
            "周日安排",
            "周日早上6点进场拆河湾村那排违建，挖机两台，派出所出6人。提前别通知当事人。",
        ),
    ),
    "a favour from above in the reserve pool": (
        "personnel",
        "houbeiku.eml",
        mail(
            "群里说的",
            "后备库这次东乡报了4个，有一个年龄超了，但他是县领导打过招呼的，先留着，等部长定。",
        ),
    ),
    "posing as members of the public": (
        "public_security",
        "shenfen.eml",
        mail(
            "视频的事",
            "网信办：那条拆违视频的发帖人已上门约谈，删了。评论区说打人的，我们找几个人"
            "以群众身份解释一下，官方先不出面。",
        ),
    ),
    "a clue-transfer form": (
        "public_security",
        "yijiaohan.docx",
        docx(
            ["问题线索移交函"],
            rows=[
                ["移交单位", "县公安局经侦大队", "接收单位", "县纪委监委"],
                ["线索来源", "办理专案中发现", "涉及人员", "县住建局 一名干部"],
            ],
        ),
    ),
    "a drafting form's fields": (
        "work_secret",
        "gaozhi.xlsx",
        xlsx(
            [
                ["发文稿纸"],
                ["文件标题", "关于调整议事协调机构的通知"],
                ["属性", "工作秘密"],
                ["公开方式", "不予公开"],
            ]
        ),
    ),
    # ninth round: lips kept tight, nothing done before the matter is settled, not told in the
    # office, a pretext after 拿, our side's floor price, a clue letter, no public response yet
    "lips kept tight": (
        "land",
        "zuijin.eml",
        mail("排期", "拆违专班：周三早6点拆河口村沿河两处厂房。那栋是村主任亲戚的，大家嘴紧点。"),
    ),
    "nothing done before the scope is settled": (
        "land",
        "bixuan.eml",
        mail(
            "比选",
            "站前片区征收范围两个方案，倾向扩大的那个。范围确定前不做入户调查，防止抢栽抢建。",
        ),
    ),
    "not told inside the office": (
        "personnel",
        "weitongbao.eml",
        mail(
            "推荐",
            "组织部：副局长推荐人选为单志强，排第二的是乔慧兰。以上意见未在局内通报，请部里掌握。",
        ),
    ),
    "a pretext after 拿": (
        "land",
        "fushuwu.eml",
        mail(
            "昨晚谈的",
            "主任：过渡费先付12个月，果树标准85，最多拿“其他附属物”名义补到150。没签。",
        ),
    ),
    "our side's floor price": (
        "land",
        "dijia.eml",
        mail("指标", "节余指标对方报价每亩40万，我方底价每亩45万，低于这个数不出手。"),
    ),
    "a clue letter": (
        "public_security",
        "yisonghan.eml",
        mail(
            "函",
            "线索移交函\n县公安局：我委在审查调查中发现一名村干部亲属涉嫌强揽工程，现移交你局。",
        ),
    ),
    "no public response yet": (
        "public_security",
        "huiying.eml",
        mail(
            "今日舆情",
            "今日舆情：论坛帖子说征地款被截留，已删，发帖人在县城，网警在查；微博旧视频暂不回应。",
        ),
    ),
    # tenth round: a header marking with a return notice, 注意保管, the two not told, hold still,
    # a clue handed to 你室
    "a header marking with a return notice": (
        "work_secret",
        "huihoushouhui.docx",
        docx(["县政府常务会议纪要", "会议议定事项如下。"], header="工作秘密　会后收回"),
    ),
    "an internal-material notice to keep safe": (
        "work_secret",
        "baoguan.eml",
        mail("材料", "内部资料　注意保管\n2027年财政收支形势分析：短收约1.2亿元。"),
    ),
    "a swap the two do not know of": (
        "personnel",
        "duidiao.eml",
        mail("记的几条", "周局：东乡乡长到龄要动；西乡书记和南乡书记对调，两个人都还不知道。"),
    ),
    "hold still tonight": (
        "public_security",
        "xianbiedong.eml",
        mail("摸排", "所长：出租屋住了4个外地人，像两卡或者跑分的，网安查手机号前今晚先别动。"),
    ),
    "a clue handed to the discipline office": (
        "public_security",
        "nishi.eml",
        mail(
            "线索",
            "县纪委第二监督检查室：我所办理一起寻衅滋事案中发现一名站长收受工程款的聊天记录，"
            "按规定移交你室，原始数据已封存。",
        ),
    ),
    # eleventh round: villagers unaware, a meeting still to decide, our offer, a huddle after the
    # talks, an arrangement made quietly
    "a reserve plan villagers do not know of": (
        "land",
        "shouchu.eml",
        mail(
            "收储",
            "城西两宗地收储测算：A地块已征未供，起拍价每亩200万。村民尚不知晓，上会前不对外。",
        ),
    ),
    "a quota sale for a meeting to decide": (
        "land",
        "shenyi.eml",
        mail(
            "指标",
            "增减挂钩节余指标出让方案（报县政府专题会审议）：先报价每亩45万，最低不低于36万。",
        ),
    ),
    "our offer and a huddle after the talks": (
        "land",
        "tanpan.eml",
        mail(
            "谈判记录",
            "养殖场征收补偿谈判：对方要460万。我方出价按评估结果312万。会后内部碰头：上限380万。",
        ),
    ),
    "a petitioner's trip arranged quietly": (
        "public_security",
        "dazhaohu.eml",
        mail(
            "位置",
            "所长：老汤早上坐大巴去省城了，已跟车站那边打了招呼，到站接回。开会期间继续盯紧。",
        ),
    ),
    # twelfth round: a 密级 column, 内部资料 alone on a cover, names before 同志, a figure released
    # another way, a buyer not named outside
    "a register with a secrecy-level column": (
        "state_secret",
        "shouwen.xlsx",
        xlsx(
            [
                ["收文日期", "来文单位", "标题", "密级", "份数"],
                ["12月1日", "省委办公厅", "关于重大风险研判的通知", "机密", "1"],
                ["12月3日", "市委组织部", "关于年度考核工作的通知", "非密", "2"],
            ]
        ),
    ),
    "internal material alone on a cover slide": (
        "work_secret",
        "fengmian.pptx",
        pptx([("内部资料", ["县审计局 预算执行审计发现问题汇报"]), ("主要问题", ["挪用专项资金"])]),
    ),
    "candidates named before 同志": (
        "personnel",
        "tongzhi.eml",
        mail(
            "推荐意见",
            "局党组研究，推荐韩晓燕同志为副科级领导职务人选，排序第一；推荐章立群同志为备选人选。",
        ),
    ),
    "an accident figure released another way": (
        "public_security",
        "koujing.eml",
        mail(
            "事故情况",
            "值班室：货车与三轮车相撞，死亡4人、重伤2人。对外发布按“死亡3人”分步发布，"
            "避免达到较大事故报告口径。",
        ),
    ),
    "a buyer not named outside": (
        "land",
        "shourang.eml",
        mail("指标", "节余指标拟挂牌转让400亩，底价每亩38万元；挂牌前不对外透露意向受让方。"),
    ),
    # thirteenth round: valuation before the report, a demolition operation table, a ceiling not
    # shown, a petitioner kept home
    "valuation figures before the report": (
        "land",
        "chengxinlv.eml",
        mail(
            "评估", "王局：评估公司初步数出来了，想让他们再对一下成新率把均价拉低一点。数先别外发。"
        ),
    ),
    "a demolition operation table": (
        "land",
        "chaiweibiao.xlsx",
        xlsx(
            [
                ["日期", "对象", "性质", "警力", "机械"],
                ["12月3日", "黄某", "违建厂房", "派出所12人", "挖机2台"],
                ["12月5日", "覃家三户", "加层部分", "派出所15人", "破碎锤1台"],
            ]
        ),
    ),
    "a ceiling not shown this round": (
        "land",
        "buliangdi.eml",
        mail(
            "谈判", "搬迁补偿谈判记录：企业要3600万。我方按评估值2280万，上限2800万，本轮不亮底。"
        ),
    ),
    "a petitioner kept home": (
        "public_security",
        "kanzhu.eml",
        mail("维稳群", "明天市里来人，各包保责任人把人看住。榆荚那几个明天上午别让出门。"),
    ),
    # fourteenth round: a workaround kept out of the plan, kept inside, discussed again later
    "a workaround kept out of the plan": (
        "land",
        "biantong.eml",
        mail(
            "周报",
            "征迁指挥部周报：未签约31户。超面积部分拟按每平方米500元“奖励”变通处理，不写入方案文本。",
        ),
    ),
    "a candidate request kept inside": (
        "personnel",
        "kuosan.eml",
        mail(
            "电话记录",
            "组织部干部一科来电：拟调整街道办事处主任人选，请周五前报推荐人选，不得在街道内部扩散。",
        ),
    ),
    "a post discussed again once views are in": (
        "personnel",
        "zaiyi.eml",
        mail(
            "动议记录",
            "书记专题会研究财政局局长人选：现任局长到龄，初步人选两名，请组织部谈话调研，"
            "意见汇总后再议。",
        ),
    ),
}

#: family → (file name, content): published or ordinary text, must pass
PUBLIC: Public = {
    "a quiz on the cadre rules": (
        "ceshi.docx",
        docx(
            [
                "干部选拔任用工作知识测试题",
                "一、单项选择题",
                "1. 民主推荐包括哪两种方式？A. 会议推荐和谈话调研推荐 B. 个人自荐",
                "2. 考察对象确定后应当听取哪个机关的意见？A. 纪检监察机关 B. 审计机关",
                "二、判断题",
                "3. 干部任免审批表可以不填任免理由。（ ）",
                "4. 动议环节应当听取有关方面意见。（ ）",
                "参考答案：1.A 2.A 3.错 4.对",
            ]
        ),
    ),
    "a reply refusing a request for government information": (
        "dafu.eml",
        mail(
            "政府信息公开申请答复书",
            "政府信息公开申请答复书\n申请人：何某某\n你申请公开的“城东片区征收补偿测算资料”系"
            "行政机关内部研究过程中的材料，属于过程性信息，本机关决定不予公开。不予公开的理由："
            "该信息尚在研究论证中。\n如不服本答复，可依法申请行政复议或提起行政诉讼。\n"
            "区人民政府办公室\n2026年11月30日",
        ),
    ),
    "a published judgment summary": (
        "panjue.eml",
        mail(
            "判决书摘要",
            "刑事判决书（摘要）\n被告人郑某某以高息为诱饵非法集资，案发后在逃，后被抓获并刑事拘留。"
            "本院认为，被告人的行为已构成非法吸收公众存款罪。判决如下：判处有期徒刑五年。\n"
            "审判长 韦某\n区人民法院\n2026年10月12日",
        ),
    ),
    "an office mail about a meeting room": (
        "huiyishi.eml",
        mail(
            "消防演练",
            "各科室：\n周四上午消防演练，来访群众由信访接待室引导在室外等候。三楼会议室当天上午不对外"
            "预约，原定的约谈会改到下午。\n后勤中心",
        ),
    ),
    "a reply to a deputy's proposal": (
        "daibiao.docx",
        docx(
            [
                "关于县人大十八届三次会议第12号建议的答复",
                "郑立群代表：",
                "您提出的关于整治国道沿线违法建设的建议收悉，现答复如下：对征收范围内的违法建设"
                "一律不予补偿，并在征收补偿方案中予以明确。感谢您对我县工作的关心和支持。",
                "县城市管理局",
                "2026年11月3日",
            ]
        ),
    ),
    "a consultation on a compensation rule": (
        "zhengqiu.eml",
        mail(
            "征求意见",
            "《集体土地征收补偿安置办法（征求意见稿）》起草说明\n区片综合地价调整后，土地补偿费"
            "的分配比例相应修改。\n征求意见时间：12月1日至12月30日。意见可发送至县自然资源局。",
        ),
    ),
    "a press conference on an open case": (
        "fabuhui.eml",
        mail(
            "发布会实录",
            "“10·12”案件新闻发布会实录\n公安局负责人：专案组已抓获犯罪嫌疑人7名，刑事拘留6名，"
            "另有1名在逃。\n记者（县融媒体中心）：案件是否涉及公职人员？\n负责人：涉及案件细节暂不"
            "公开，发现的问题线索已移送纪检监察机关。",
        ),
    ),
    "a court report urging people to report gangs": (
        "yianshifa.eml",
        mail(
            "以案释法",
            "以案释法：某恶势力团伙案一审宣判\n法院审理查明，被告人以暴力手段垄断砂石运输，"
            "实施强迫交易。法官提示：群众发现涉黑涉恶线索，可通过12337平台举报。",
        ),
    ),
    "a meeting-room booking for an appraisal vote": (
        "ceping.eml",
        mail(
            "借会议室",
            "会务组：\n周三下午干部科要借三楼会议室做年度民主测评，请准备两个投票箱。\n谢谢！\n"
            "干部科 卜文涛",
        ),
    ),
    "a reward notice for reporting gangs": (
        "jiangli.eml",
        mail(
            "举报奖励",
            "扫黑除恶线索举报奖励办法（宣传版）\n举报范围：村霸、沙霸、黑恶势力“保护伞”。\n"
            "线索经查证属实的，给予1万至10万元奖励。举报人信息严格保密。\n举报方式\n"
            "电话：0737-6219110",
        ),
    ),
    "a press conference withholding details": (
        "fayanren.eml",
        mail(
            "发布会",
            "专项行动新闻发布会实录\n新闻发言人：跑分团伙一案仍在侦办，部分细节因涉及侦查工作"
            "暂不公开。在逃人员已上网追逃。\n欢迎群众举报，举报电话0571-8811110。",
        ),
    ),
    "an annual information-disclosure report": (
        "nianbao.eml",
        mail(
            "年报",
            "县自然资源局2026年政府信息公开工作年度报告（节选）\n主动公开征地信息 46条\n"
            "收到依申请公开 38件，不予公开（过程性信息、涉及个人隐私）9件。",
        ),
    ),
    "a reply refusing cadre appraisal files": (
        "kaochadafu.eml",
        mail(
            "答复书",
            "政府信息公开申请答复书\n你要求公开的副科级干部考察材料及民主测评得票情况，属于内部"
            "管理信息，依法不予公开。\n如不服，可在收到之日起60日内申请行政复议，或在6个月内提起"
            "行政诉讼。",
        ),
    ),
    "a summary of replies to deputies": (
        "daibiaohuizong.eml",
        mail(
            "建议办理",
            "区人大代表建议办理情况汇总（已答复）\n12号 单桂芳 关于延长拆迁过渡费发放期限的建议："
            "过渡费按实际过渡期限发放\n19号 乔振东 关于公开分户评估结果的建议：评估结果分户送达",
        ),
    ),
    "a published appraisal notice": (
        "kaochayugao.eml",
        mail(
            "考察预告",
            "干部考察预告\n县委决定对下列同志进行考察，现予以预告：单志强，现任县住建局副局长，"
            "拟作为乡镇党政正职人选考察；乔慧兰，现任县教育局科长。\n考察预告期为12月1日至12月5日。"
            "考察组联系电话：0579-8812345",
        ),
    ),
    "a police incident bulletin": (
        "jingqing.eml",
        mail(
            "警情通报",
            "警情通报\n我局依法打掉一个以何某某为首的涉恶团伙，抓获犯罪嫌疑人9名，该团伙长期强迫交易。"
            "欢迎群众继续举报涉黑涉恶线索，举报电话：0736-110。\n某县公安局\n2027年3月21日",
        ),
    ),
    "a judgment news report": (
        "huoxing.eml",
        mail(
            "获刑",
            "砂石码头涉恶团伙9人获刑\n县人民法院近日公开宣判何某某等9人强迫交易一案，判处何某某"
            "有期徒刑十年。对涉及证人个人信息的部分依法不公开。",
        ),
    ),
    "press conference slides with questions and answers": (
        "wenda.pptx",
        pptx(
            [
                ("县公安局新闻发布会", ["破获刑事案件326起"]),
                (
                    "答记者问",
                    ["问：案件涉及的公职人员是否处理？", "答：线索已依法移交，具体情况暂不公开。"],
                ),
            ]
        ),
    ),
    "a published division of leaders' work": (
        "fengong.eml",
        mail(
            "分工",
            "县人民政府关于县政府领导同志工作分工的通知\n县长韩晓东：主持全面工作。\n副县长章立新："
            "负责自然资源、征地拆迁工作。\n副县长柯慧：负责教育工作。\n某县人民政府\n"
            "2026年11月25日\n（此件公开发布）",
        ),
    ),
    "a press conference on cadre selection": (
        "xuanren.eml",
        mail(
            "发布会实录",
            "主持人：请组织部负责同志回答记者提问。\n记者：如何防止带病提拔？\n答：考察对象的个人"
            "有关事项都要核查，酝酿阶段的名单按纪律要求不对外透露，最终人选履行任前公示。",
        ),
    ),
    "a news report of a lawful demolition": (
        "chaiweixinwen.eml",
        mail(
            "新闻",
            "本报讯（记者 韦岚）12月3日，某街道依法拆除违建厂房3处，出动执法人员和派出所民警"
            "30余人、挖机2台，现场秩序良好。",
        ),
    ),
    "a reply to a deputy on cadre rotation": (
        "lungangdafu.eml",
        mail(
            "答复",
            "关于县人大十八届三次会议第27号建议的答复\n您提出的关于加大年轻干部交流轮岗力度的建议"
            "收悉。具体交流人选需按程序酝酿、考察后确定。感谢您对组织工作的关心和支持。",
        ),
    ),
    "a disclosure statistics table": (
        "gongkaitongji.eml",
        mail(
            "年报",
            "项目\t予以公开\t部分公开\t不予公开\n干部任免信息\t9\t2\t1\n公务员招录\t30\t0\t0",
        ),
    ),
}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Every sample through one ``dlp-gateway scan --format json`` run, by file name."""
    return scan_families(tmp_path_factory.mktemp("genre"), SENSITIVE, PUBLIC)


@pytest.mark.parametrize("family", list(SENSITIVE))
def test_sensitive_family_is_held(scanned: dict[str, dict], family: str) -> None:
    category, name, _ = SENSITIVE[family]
    assert_held(scanned[name], category, family)


@pytest.mark.parametrize("family", list(PUBLIC))
def test_public_form_passes(scanned: dict[str, dict], family: str) -> None:
    name, _ = PUBLIC[family]
    result = scanned[name]
    assert result["verdict"] == "pass", (family, result["categories"])


def test_a_refusal_to_disclose_is_not_a_marking() -> None:
    reply = "本机关决定不予公开。不予公开的理由：属于过程性信息。"
    assert list(internal_markers(reply)) == list(circulation_markers(reply)) == []
    marked = "（不予公开）\n关于城东片区征收补偿的测算"
    assert [word for _, _, word in circulation_markers(marked)] == ["不予公开"]


def test_amounts_and_gang_names_are_not_people() -> None:
    from matchers.roster import named_people

    assert named_people(["给予1万至10万元奖励。村霸、沙霸。周三下午借会议室，谢谢！"]) == set()
    assert named_people(["书记郝建明：较强；镇长万志成：一般"]) == {"郝建明", "万志成"}


def test_a_quiz_reads_as_public() -> None:
    quiz = "保密知识测试题\n一、判断题\n1. 工作秘密可以在微信群里讨论。（ ）\n参考答案：1.错"
    assert public_signals(quiz) == ["培训标题", "试题"]


@pytest.mark.slow
async def test_families_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    held = {}
    for family in [
        "a request upward on candidates",
        "a daily watch report dense with its vocabulary",
    ]:
        _, name, data = SENSITIVE[family]
        held[family] = data if name.endswith(".eml") else _attach(name, data)
    published = PUBLIC["a reply refusing a request for government information"][1]
    await held_then_relayed(smtp_gateway, upstream, held, published)
