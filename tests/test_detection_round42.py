"""Round 42 of issue 9: evaluation records, papers before their sitting, and what the state keeps.

- Work secret by kind: the judges' own scores, judge by judge (评委1 … 评委4 as columns); a first
  round's results and proposed grades in a workbook (初评结果, 拟定等级); an interview question
  book sent before its sitting (题本 … 评分要点 … 下周四); a purchase plan's ceiling beside the
  brands it means to buy (最高限价 … 意向品牌); figures final only after a step still to come (初步
  汇总 … 才能定稿); a results table whose grade column is tagged as proposed (等次（拟）); a
  complaint forwarded to the firm complained of, with 别让他知道.
- Internal evidence: stage tags ((初步), (拟), (稿)), a line still to be set (等您定了口径), a fact
  kept out of a meeting with the other side (磋商时不提), publication put off (待…通过后再公示).
- State secret by content: a monitoring network's marks with their descriptions (观测墩 … 点位说明),
  border posts and barriers (界河 … 观察哨 … 拦阻设施), a national exam's papers' escort and secure
  room (押运 … 出发时间, 保密室 … 双门双锁).
- Public forms that pass: a review result notice with totals only, a map-use guide that names
  control point results as managed data, news of exam papers delivered, a tender notice with its
  ceiling, a past paper with its answers, a statistics bulletin's preliminary figures.

Samples written for this module; none is taken from ``benchmarks/``.
"""

from __future__ import annotations

import pytest

from gateway.service import Gateway
from matchers.context import internal_markers, put_off
from matchers.normalize import fold
from tests.fixtures_smtp import Sink
from tests.support.scans import (
    Public,
    Sensitive,
    as_mails,
    evidence_test,
    family_tests,
    held_then_relayed,
    marker_words,
)
from tests.test_detection_families import _attach, mail
from tests.test_detection_personnel4 import xlsx


def csv(rows: list[list[object]]) -> bytes:
    return "\r\n".join(",".join(str(cell) for cell in row) for row in rows).encode("gbk")


#: family → (category, file name, content): each must be held under its category
SENSITIVE: Sensitive = {
    "the judges' own scores, judge by judge": (
        "work_secret",
        "dafen.csv",
        csv(
            [
                ["作品", "报送单位", "评委1", "评委2", "评委3", "评委4", "平均分", "名次"],
                ["乡村振兴短视频《稻田里的夏天》", "青塘镇", 88, 91, 86, 90, 88.75, 1],
                ["《老街新貌》", "城南街道", 84, 85, 80, 87, 84.0, 2],
                ["《渡口》", "白鹭乡", 79, 76, 82, 78, 78.75, 3],
            ]
        ),
    ),
    "a first round's results and proposed grades": (
        "work_secret",
        "chuping.eml",
        mail(
            "绩效考评初评结果",
            "各位：\n考评组打分汇总后的初评结果和拟定等级如下，请各自核对本单位得分，"
            "有出入的周五前反馈给我。\n县交通运输局 83.7 优秀\n县文化旅游局 80.4 良好\n"
            "县供销社 65.6 一般\n县档案馆 61.3 较差\n档案馆和供销社连续两年靠后，书记的意思是要约谈。\n"
            "县绩效办 柯",
        ),
    ),
    "an interview question book sent before its sitting": (
        "work_secret",
        "mianshi.eml",
        mail(
            "面试题请把关",
            "许老师：\n下周四的社区工作者招聘面试，题本附在下面，请您看看难度，周一前回我。\n"
            "第一题：居民反映楼道堆物影响消防通道，你入户劝说被拒，怎么办？\n"
            "评分要点：依法依规说明危害（3分），耐心沟通并联系物业协同（4分），跟进回访（3分）。\n"
            "第二题：谈谈你对“网格化服务”的理解。\n评分要点：概念准确，结合实际。\n县民政局 邱",
        ),
    ),
    "a purchase plan's ceiling beside the brands it means to buy": (
        "work_secret",
        "caigou.xlsx",
        xlsx(
            [
                ["县中医院2027年设备采购计划"],
                ["设备", "数量", "拟设最高限价（万元）", "意向品牌", "方式"],
                ["数字化X线摄影系统", 1, 138, "万东/联影", "公开招标"],
                ["电子胃肠镜", 2, 86, "开立", "公开招标"],
                ["备注：请贵司按附件参数核对，有出入尽快告知我们调整。"],
            ]
        ),
    ),
    "figures final only after a step still to come": (
        "work_secret",
        "yongdian.eml",
        mail(
            "前三季度用电量",
            "王总：\n各行业用电量初步汇总如下，规上工业同比下降4.6%，其中建材下降12.1%，"
            "与省统计局对数后才能定稿，先给你们做个参考。\n市发改委 能源科 章",
        ),
    ),
    "a results table whose grade column is tagged as proposed": (
        "work_secret",
        "kaohe.csv",
        csv(
            [
                ["排名", "单位", "考核得分", "等次（拟）", "备注"],
                [1, "和平社区", 92.5, "优秀", ""],
                [2, "东风社区", 88.0, "优秀", ""],
                [3, "红旗社区", 71.5, "合格", "台账不全"],
                [4, "新村社区", 58.0, "不合格", "书记年中调整"],
            ]
        ),
    ),
    "a complaint forwarded to the firm complained of": (
        "work_secret",
        "gongdan.eml",
        mail(
            "转：投诉工单",
            "鑫达砂石场刘经理：\n又来单子了，还是河湾村那户。投诉人：宁秀英，住河湾村四组，"
            "反映你们夜里运砂车噪音大、扬尘重，已经是这个月第三次打热线。\n"
            "局里这单按“已现场核查、企业已整改”回复，你们这周晚上九点后必须停运。\n"
            "你们环评批复里有夜间禁运这一条，她还没注意到，别让她知道。\n区生态环境分局 投诉组",
        ),
    ),
    "a monitoring network's marks with their descriptions": (
        "state_secret",
        "jiance.xlsx",
        xlsx(
            [
                ["点号", "X（米）", "Y（米）", "高程（米）", "点位说明"],
                ["QT-01", 3021456.218, 39487122.604, 156.331, "左岸坝肩观测墩"],
                ["QT-02", 3021389.775, 39487560.912, 154.907, "右岸坝肩观测墩"],
                ["QT-03", 3021612.403, 39486988.150, 131.226, "下游水准基点"],
            ]
        ),
    ),
    "border posts and barriers": (
        "state_secret",
        "bianfang.eml",
        mail(
            "明年河段的安排",
            "老聂：\n明年界河上游段的安排跟边防碰过了：在沙湾、石嘴两处设固定观察哨，"
            "你们站房顶让出来架设监控；沙湾浅滩加设拦阻设施，位置在站房下游500米。"
            "联合巡河每月两次，时间临时通知。\n水文局 乔",
        ),
    ),
    "a national exam's papers' escort and secure room": (
        "state_secret",
        "yayun.xlsx",
        xlsx(
            [
                ["2027年高考试卷押运与保管安排"],
                ["日期", "环节", "出发时间", "路线", "人员"],
                ["6月5日", "市考试院领卷", "05:40", "县城—S218—市区", "梁建国、乔丹丹，巡特警2名"],
                ["6月5日", "入县保密室", "预计11:30", "原路返回，不停车", "同上"],
                ["保密室", "教育局一楼东侧，双门双锁，钥匙由局长和考试中心主任分持", "", "", ""],
            ]
        ),
    ),
    "recruits listed with the units they are to join": (
        "state_secret",
        "xinbing.csv",
        csv(
            [
                ["序号", "姓名", "村（社区）", "体检结论", "政考结论", "拟分配部队代号", "兵种"],
                [1, "葛子轩", "东门社区", "合格", "合格", "61537部队", "空军"],
                [2, "盛宇航", "下洲村", "合格", "合格", "73052部队", "陆军"],
                [3, "滕家乐", "石桥村", "合格", "合格", "73052部队", "陆军"],
            ]
        ),
    ),
    "a letter's writer named to the one it is about": (
        "work_secret",
        "laixin.eml",
        mail(
            "有人写信反映你们村",
            "蔡书记：\n县里转来一封信，说村里的砂场承包款没进村账。写信人署名是你们村二组的蔡永福，"
            "留的电话是139 0736 2218。你先跟他沟通一下，让他别再往上写了。\n镇信访办",
        ),
    ),
    "an accident kept from the press": (
        "public_security",
        "futi.eml",
        mail(
            "扶梯事故情况",
            "各县区：\n12月4日晚，城南商场扶梯梯级下陷，一名顾客腿部卷入受伤，伤者已送医。"
            "市委宣传部要求暂不发布通稿，商场对外按设备故障解释。请各地立即开展扶梯排查。\n市商务局",
        ),
    ),
    "what the report will say, told to those it is about": (
        "work_secret",
        "anfang.eml",
        mail(
            "暗访情况",
            "开发区管委会：\n上月暗访发现的问题清单附后，市里的通报要月底才发，先给你们，"
            "能改的抓紧改，到时候通报里可以写“已整改”。\n市营商办",
        ),
    ),
    "a budget's control figures in their second round": (
        "work_secret",
        "yusuan.eml",
        mail(
            "明年控制数",
            "各位：\n2027年部门预算支出控制数（第二轮）如下，教育压减4%，城管压减12%，"
            "收支缺口2.6亿元拟调入国资收益弥补，请各部门据此调整。\n市财政局 预算科",
        ),
    ),
    "a lettered paper with its sitting, its key elsewhere": (
        "work_secret",
        "shijuan.eml",
        mail(
            "卷子",
            "2027年市直机关公开遴选公务员笔试试卷（B卷）\n考试时间：2027年1月10日 9:00—11:30\n"
            "一、案例分析题（30分）\n某街道推进老旧小区加装电梯，居民对费用分摊有分歧，请提出化解办法。\n"
            "二、公文写作题（40分）\n以市政府办公室名义起草一份通知，不超过1200字。",
        ),
    ),
    "a review board's votes, person by person": (
        "work_secret",
        "toupiao.csv",
        csv(
            [
                ["申报人", "单位", "申报资格", "评委人数", "同意票", "不同意票", "弃权", "结果"],
                ["童雅琴", "县一中", "高级教师", 15, 12, 2, 1, "通过"],
                ["晏志强", "县实验小学", "高级教师", 15, 8, 6, 1, "未通过"],
                ["符佳慧", "县职教中心", "高级讲师", 15, 13, 2, 0, "通过"],
            ]
        ),
    ),
    "a panel's split, head by head": (
        "work_secret",
        "rencai.eml",
        mail(
            "人才认定评审意见",
            "有争议人选：\n庞思远（市职业学院）：申报B类，专家组7人中4人同意、3人不同意，建议降为C类。\n"
            "下一步：提交领导小组审议。\n市人才办",
        ),
    ),
    "an unannounced check's scores, its sequel waiting for a meeting": (
        "work_secret",
        "anfang_pdf.eml",
        mail(
            "暗访情况",
            "社区服务站规范化建设暗访情况\n暗访时间：11月10日至21日\n"
            "新桥社区 在岗 台账完整 95\n和平村 不在岗 台账缺失 61\n石门村 无人 35\n"
            "和平村、石门村去年已评为示范站，拟建议取消示范称号，需局长办\n公会研究。",
        ),
    ),
}

#: family → (file name, content): published or ordinary text on the same matters must pass
PUBLIC: Public = {
    "a review result notice with totals only": (
        "pingshen_gs.eml",
        mail(
            "评审结果公示",
            "2026年度县级科技计划项目评审结果公示\n经专家评审，拟立项项目如下：\n"
            "1. 山地茶园水肥一体化示范，县农科所，总分86.5\n2. 稻渔综合种养技术推广，青塘镇农技站，总分82.0\n"
            "公示期：2026年12月8日至12月14日。如有异议，请在公示期内向县科技局反映。\n"
            "监督电话：0736-5821001\n县科学技术局\n2026年12月7日",
        ),
    ),
    "a map-use guide that names control point results": (
        "ditu.eml",
        mail(
            "规范使用地图",
            "规范使用地图小贴士\n一、对外展示地图应使用标准地图并标注审图号。\n"
            "二、高精度坐标、控制点成果等测绘成果按规定管理，对外提供须经审批。\n"
            "三、不得在公开地图上标注军事设施。\n县自然资源局 宣",
        ),
    ),
    "news of exam papers delivered": (
        "shijuan_xw.eml",
        mail(
            "新闻",
            "本报讯 6月5日，我县高考试卷在公安干警护送下安全押运抵达县保密室，"
            "保密室实行24小时值班值守和视频监控。县招考办负责人表示，各考点已做好各项准备。",
        ),
    ),
    "a tender notice with its ceiling": (
        "zhaobiao.eml",
        mail(
            "招标公告",
            "县中医院医疗设备采购项目招标公告\n一、项目编号：ZYY-2026-031\n"
            "二、采购内容：数字化X线摄影系统1台，最高限价138万元。\n三、投标人资格要求：具有相应医疗器械经营许可。\n"
            "四、获取招标文件时间：2026年12月8日至12月14日。\n采购人：县中医院\n2026年12月7日",
        ),
    ),
    "a past paper with its answers": (
        "zhenti.eml",
        mail(
            "往年真题",
            "2025年社区工作者招聘考试真题（A卷）及参考答案\n1. 居民委员会的性质是（ ） A.基层政权 "
            "B.基层群众性自治组织 C.事业单位\n参考答案：B\n供大家复习参考。",
        ),
    ),
    "a study deck on promotion rules": (
        "xuexi.eml",
        mail(
            "职级晋升政策学习",
            "公务员职级晋升政策学习\n镇党委办 机关周五学习会\n"
            "晋升程序：党委研究提出人选方案—考察—确定拟晋升人选—公示（不少于5个工作日）—审批备案。\n"
            "不得晋升的情形：受处分期间、被立案审查未结案等。",
        ),
    ),
    "a published report on an inspection's follow-up": (
        "zhenggai.eml",
        mail(
            "巡察整改进展",
            "中共青塘镇委员会关于巡察整改进展情况的通报\n按照党务公开原则，现将整改进展情况予以公布：\n"
            "一、修订议事规则，凡50万元以上项目一律上会研究。\n二、巡察组移交的问题线索已按程序办理。\n"
            "监督电话：0736-5230016\n中共青塘镇委员会\n2026年10月15日",
        ),
    ),
    "a grades list posted with where objections go": (
        "youxiu.csv",
        csv(
            [
                ["序号", "单位", "姓名", "职务（职级）", "拟定等次"],
                [1, "县水利局", "乔振华", "一级主任科员", "优秀"],
                [2, "县水利局", "闵丽娟", "三级主任科员", "优秀"],
                [3, "县水文站", "贝宏亮", "工程师", "优秀"],
                ["备注", "公示期2027年1月8日至1月14日，异议请联系局人事股0736-6630011", "", "", ""],
            ]
        ),
    ),
    "a statistics bulletin's preliminary figures": (
        "tongji.eml",
        mail(
            "统计公报",
            "2026年前三季度全县经济运行情况\n根据地区生产总值统一核算结果，前三季度全县地区生产总值"
            "初步核算数为186.4亿元，同比增长5.2%。\n县统计局\n2026年10月28日",
        ),
    ),
}

scanned, test_sensitive_family_is_held, test_public_form_passes = family_tests(
    "round42", SENSITIVE, PUBLIC
)

#: family → the evidence the officer reads in the held category's sum (what round 42 added)
EVIDENCE = {
    "the judges' own scores, judge by judge": "评委1+评委2+评委3（邻近组合） 100",
    "a first round's results and proposed grades": "初评结果 50",
    "an interview question book sent before its sitting": "题本+评分要点+下周四（邻近组合） 100",
    "a purchase plan's ceiling beside the brands it means to buy": "最高限价+意向品牌（邻近组合） 100",
    "figures final only after a step still to come": "内部文件标记“才能定稿”（内部文件） 60",
    "a results table whose grade column is tagged as proposed": "内部文件标记“(拟)”（内部文件） 60",
    "a monitoring network's marks with their descriptions": "观测墩+点位说明（邻近组合） 100",
    "border posts and barriers": "界河+观察哨（邻近组合） 100",
    "a national exam's papers' escort and secure room": "押运+出发时间（邻近组合） 100",
    "recruits listed with the units they are to join": "拟分配部队+体检结论（邻近组合） 100",
    "a letter's writer named to the one it is about": "写信人+署名是（邻近组合） 100",
    "an accident kept from the press": "伤者+暂不发布（邻近组合） 100",
    "what the report will say, told to those it is about": "内部交代“通报里可以写”",
    "a budget's control figures in their second round": "内部文件标记“(第二轮)”",
    "a lettered paper with its sitting, its key elsewhere": "B卷+考试时间（邻近组合） 100",
    "a review board's votes, person by person": "同意票+弃权（邻近组合） 100",
    # a title with 规范化建设 is not a norm's lesson; the pending step reads through the wrap
    "an unannounced check's scores, its sequel waiting for a meeting": (
        "内部文件标记“需局长办公会研究”（内部文件） 60"
    ),
}


test_the_officer_reads_why = evidence_test(SENSITIVE, EVIDENCE)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("2026中考各校成绩统计（初步）", "(初步)"),
        ("排名,单位,得分,等次（拟）", "(拟)"),
        ("检察建议书（稿）", "(稿)"),
        ("等您定了口径，我们再做正式报告。", "等您定了口径"),
        ("相关线索已移送县纪委，磋商时不提。", "磋商时不提"),
        ("与统计局对数后才能定稿。", "才能定稿"),
        ("名单待院长办公会通过后再公示。", "待院长办公会通过后再公示"),
        ("到时候通报里可以写“已整改”。", "通报里可以写"),
        ("2027年部门预算支出控制数（第二轮）", "(第二轮)"),
        ("开发商那边先不要答复。", "先不要答复"),
        ("报告里先不要引用具体数字。", "先不要引用"),
        ("笔试成绩（阅卷组12月6日合成，未审核）", ",未审核)"),
        ("面试考官分组（考官不得提前知悉）", "不得提前知悉"),
        ("拟建议取消示范称号，需局长办公会研究。", "需局长办公会研究"),
        ("您看是否要调整。审定后再印发通报。", "审定后再印发"),
    ],
)
def test_stages_and_limits_said_in_passing_are_evidence(text: str, found: str) -> None:
    assert found in marker_words(text)


def test_publication_put_off_is_a_decision_put_off() -> None:
    words = marker_words("名单待局务会通过后再公布。")
    assert words == ["待局务会通过后再公布"]
    assert put_off(words[0])


@pytest.mark.parametrize(
    "text",
    [
        "与群众沟通时不说伤人的话。",  # a manner of speaking, not a fact kept back
        "谈话时不提倡打断对方。",
        "凡50万元以上项目一律上会研究。",  # a rule every such matter follows
        "工程变更单笔超过200万元的须提交党委会前置研究。",
        "考官不得提前知悉考生信息。",  # a rule's sentence, not a paper's tag
        "考察对象需经党组织研究确定。",  # a procedure's rule
        "各项目均需上会研究。",
        # a catalogue of opened archives: the listed paper's stage, not this one's
        "档号,题名,形成年份,开放状态\nSL-1986-009,清溪流域综合规划（送审稿）,1986,已开放",
        "收到即可，不用答复。",
    ],
)
def test_what_is_not_a_limit(text: str) -> None:
    assert list(internal_markers(fold(text).text)) == []


@pytest.mark.slow
async def test_families_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    families = [
        "the judges' own scores, judge by judge",
        "a purchase plan's ceiling beside the brands it means to buy",
    ]
    held = as_mails(SENSITIVE, families, _attach)
    news = _attach(*PUBLIC["a review result notice with totals only"])
    await held_then_relayed(smtp_gateway, upstream, held, news)
