"""Round 44 of issue 9: what is proposed for each row, breaches told apart from drafts, the lines
prepared for a press conference, control points by their rows.

- Internal evidence by a table's columns: findings or cases with the handling proposed for each
  (序号 问题 金额 拟处理; 问题 认定情况 处理建议) and scores with the grade proposed (总分 名次
  拟定等次, 初定等次) — before it is decided. A published list of grades (a 公示) shows the column
  too: there it does not count.
- A sheet's header row is no lesson's title (执业规范（30） is a column, not a rule's name).
- Spoken limits: not to be passed on (材料别转给律所其他人), not brought up unasked (另2人不主动
  提及), a word ahead of the official one (先跟律协通个气), a paper not yet checked (尚未经市局复核).
- Not limits: a breach an audit found (（二）补助资金分配未经集体研究；, 5项工程未经党委会研究), what a
  reply says will be studied (将会同财政局研究, 将研究处理情况书面报告), proposals left for later
  (需今后研究解决的55件), advice on one's own data (验证码不要发给别人).
- The lines prepared for a press conference (…发布会答问口径, with the inside notes): not the
  conference's published transcript.
- Work secret's head where its words reach the cap: writing that leans internal (``cap_style``).
- State secret: control points' rows (X, Y and a height to the millimetre, three points).
- Public security: a report of a gang's grip passed on to 扫黑办, its sources kept back.
- Public forms that pass: an audit's published results, a congress's published opinion, a
  state firm's annual meeting news, a published grade list, a call for clues, a land notice with
  its parcel's corners, anti-fraud advice, a report on proposals handled.

Samples written for this module; none is taken from ``benchmarks/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import matchers.engine as engine_module
from gateway.service import Gateway
from matchers.context import internal_markers
from matchers.engine import Engine
from matchers.model import Segment
from matchers.normalize import fold
from matchers.scope import load_scope
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
from tests.test_detection_families import _attach, docx, mail
from tests.test_detection_personnel4 import xlsx
from tests.test_detection_round42 import csv
from tests.test_detection_round43 import _Reads

SCOPE = Path(__file__).resolve().parent.parent / "config" / "scope"

#: family → (category, file name, content): each must be held under its category
SENSITIVE: Sensitive = {
    "a checklist of findings with the handling proposed for each": (
        "work_secret",
        "wenti.xlsx",
        xlsx(
            [
                ["定点药店专项检查问题清单"],
                ["药店", "检查发现的问题", "涉及金额（元）", "拟处理"],
                ["康和大药房", "串换药品，将保健品记为医保药品", 18640, "追回并暂停结算三个月"],
                ["仁济堂", "进销存对不上", 6210, "约谈"],
                ["益民药店", "冒用他人医保卡", 3380, "移交公安"],
                ["同心药房", "无", 0, "—"],
            ]
        ),
    ),
    "a ranking with the grade proposed for each unit": (
        "work_secret",
        "dengci.csv",
        csv(
            [
                [
                    "排名",
                    "单位",
                    "依法行政（40）",
                    "执法监督（30）",
                    "普法（30）",
                    "总分",
                    "初定等次",
                ],
                [1, "城关镇", 38, 27, 28, 93, "优秀"],
                [2, "桃源乡", 33, 24, 25, 82, "良好"],
                [3, "石门镇", 27, 19, 20, 66, "一般"],
                [4, "龙泉乡", 22, 15, 16, 53, "较差"],
            ]
        ),
    ),
    "a firms' rating whose header names a norm": (
        "work_secret",
        "lvsuo.xlsx",
        xlsx(
            [
                [
                    "事务所",
                    "执业规范（30）",
                    "业务质量（40）",
                    "内部管理（30）",
                    "总分",
                    "拟定等次",
                ],
                ["正元律师事务所", 27, 36, 25, 88, "合格"],
                ["恒信律师事务所", 19, 25, 16, 60, "基本合格（待定）"],
                ["明德律师事务所", 12, 20, 11, 43, "不合格"],
            ]
        ),
    ),
    "a quality review told to the bar association ahead of the notice": (
        "work_secret",
        "fayuan.eml",
        mail(
            "法援质量评估的情况",
            "韩会长：\n专家组对今年的法律援助案件质量评估打完分了，正式通报要等局务会定，先跟律协"
            "通个气。\n评为不合格的案件有4件，涉及两名律师：正元所 邵俊 3件，会见记录缺失；恒信所 "
            "黎芳 1件，代理词与案情不符。\n按办法要暂停指派一年。材料别转给律所其他人。\n法援中心 "
            "郑",
        ),
    ),
    "the lines prepared for a press conference with the inside notes": (
        "public_security",
        "koujing.eml",
        mail(
            "发布会口径",
            "“11·28”仓库火情新闻发布会答问口径\n问：有没有人员伤亡？\n答：一名员工轻微烫伤，已"
            "送医。\n（注：实际受伤3人，其中1人骨折，另2人不主动提及。）\n问：企业有没有违规？\n答：原因"
            "正在调查。\n（注：消防验收未通过即投用，发布会上不提。）",
        ),
    ),
    "a survey's control points, row by row": (
        "state_secret",
        "kongzhidian.xlsx",
        xlsx(
            [
                ["点号", "X（m）", "Y（m）", "H（m）", "等级", "位置"],
                ["QX-01", "3215408.217", "39502861.334", "58.216", "D级", "县政府楼顶"],
                ["QX-02", "3218822.905", "39507113.620", "61.047", "D级", "水厂院内"],
                ["QX-03", "3211376.448", "39498206.151", "112.583", "D级", "北山顶"],
                ["QX-04", "3220045.012", "39495390.877", "47.930", "D级", "货运站西侧"],
            ]
        ),
    ),
    "a gang's grip on a market passed on to 扫黑办": (
        "public_security",
        "saohei.eml",
        mail(
            "转：砂石运输的情况",
            "刘主任：\n商会几家会员企业反映的情况转给您，请转扫黑办。\n据他们讲，河湾镇一带运砂车"
            "要给“周老四”一伙交钱，每车200元，不交就拦车。去年有司机被打伤，最后调解了事。\n"
            "企业要求绝对不能透露是谁说的，他们还要在那边做生意。",
        ),
    ),
    "a report on a complaint's preliminary check, its source a petitions office": (
        "work_secret",
        "chuhe.docx",
        docx(
            [
                "关于反映青石镇副镇长周某某问题的初核情况",
                "来源：县信访局转办件（编号XF2026-0931），实名举报人：青石镇石桥村村民",
                "反映问题：周某某在村道硬化工程中指定其表弟承包。",
                "初核情况：经调取合同，承包方确为周某某表弟，是否存在利益输送需进一步核实。",
                "下一步：建议立案审查。",
            ]
        ),
    ),
}

#: family → (file name, content): published or ordinary texts that must pass
PUBLIC: Public = {
    "an audit's published results naming a breach": (
        "shenji.eml",
        mail(
            "请发布审计结果公告",
            "请于今日在政府网站发布。\n\n县审计局关于农机购置补贴资金专项审计结果的公告\n"
            "县审计局对县农业农村局2025年度农机购置补贴资金进行了专项审计。\n"
            "一、审计发现的主要问题：\n（一）部分补贴机具未核验即兑付，涉及资金12.6万元；\n"
            "（二）补贴资金分配未经集体研究；\n（三）档案资料不全。\n"
            "二、整改情况：县农业农村局已追回资金12.6万元，修订了分配办法。\n县审计局\n2027年1月10日",
        ),
    ),
    "a congress's published opinion asking for a report": (
        "yijian.eml",
        mail(
            "审议意见",
            "市人大常委会关于城区棚户区改造工作情况报告的审议意见\n常委会组成人员认为，棚改安置房"
            "建设总体有序。建议加快安置房交付，依法公开评估结果和补偿明细。\n请市政府在六个月内将"
            "研究处理情况书面报告市人大常委会。\n市人大常委会办公室\n2026年12月1日",
        ),
    ),
    "a report on proposals handled": (
        "tian.eml",
        mail(
            "建议办理情况",
            "关于代表建议办理情况的报告\n今年交办代表建议412件，已经解决或基本解决的186件；列入"
            "计划逐步解决的171件；因条件限制需今后研究解决的55件。以下为部分建议答复全文的公开目录。",
        ),
    ),
    "a state firm's annual meeting news": (
        "xinwen.eml",
        mail(
            "集团年度工作会议召开",
            "1月8日，县城投集团召开2026年度工作会议。会议指出，2025年集团完成投资38.2亿元，"
            "城南棚改安置房一期等一批民生项目顺利完工，全年新增融资26亿元，综合融资成本下降0.3个"
            "百分点。会上还表彰了先进集体和先进个人。（集团党委办公室）",
        ),
    ),
    "a published list of the grades proposed": (
        "gongshi.eml",
        mail(
            "年度考核优秀等次公示",
            "关于2026年度考核拟定优秀等次人员的公示\n经考核委员会研究，现将拟定为优秀等次人员名单"
            "予以公示。\n| 序号 | 姓名 | 科室 | 拟定等次 |\n| 1 | 黄立 | 办公室 | 优秀 |\n"
            "| 2 | 唐敏 | 法制科 | 优秀 |\n公示时间：12月8日至12月12日。监督电话：0731-5550123。\n"
            "县司法局\n2026年12月7日",
        ),
    ),
    "a call for clues naming 扫黑办": (
        "zhengji.eml",
        mail(
            "线索征集",
            "关于征集涉黑涉恶违法犯罪线索的通告\n欢迎群众举报欺行霸市、强揽工程等违法犯罪线索。"
            "举报方式：来信寄至县扫黑办（县委政法委），或拨打0731-5551100。对举报人信息严格保密。\n"
            "县扫黑除恶斗争领导小组办公室\n2026年12月1日",
        ),
    ),
    "a land notice with its parcel's corners": (
        "guaidian.eml",
        mail(
            "征收土地预公告",
            "征收土地预公告\n因县城污水处理厂扩建需要，拟征收东湖村集体土地，范围拐点坐标如下：\n"
            "| 点号 | X | Y |\n| J1 | 3215408.21 | 39502861.33 |\n| J2 | 3215822.90 | 39503113.62 |\n"
            "| J3 | 3215376.44 | 39503206.15 |\n自本公告发布之日起，不得在拟征收范围内抢栽抢建。\n"
            "县人民政府\n2026年12月1日",
        ),
    ),
    "a staffing change published as the committee decided it": (
        "bianzhi.eml",
        mail(
            "请公示机构编制事项",
            "市政务公开办：\n经市委编委会审定，以下事项请在市政府门户网站“机构编制”栏目公示，公示期"
            "5个工作日：\n1. 市档案馆加挂市地方志研究室牌子；\n2. 市园林绿化中心事业编制由86名核减为"
            "81名。\n公示期间如有意见，请向市委编办反映。\n市委编办\n2026年12月4日",
        ),
    ),
    "a reply that findings are not out yet": (
        "xuncha.eml",
        mail(
            "回复：巡察情况",
            "您好：\n市委巡察工作开展以来，各轮巡察反馈和整改情况均已在网站公布。第三轮巡察目前处于"
            "反馈阶段，具体问题尚未反馈，请以后续官方发布为准。\n市委巡察办综合科",
        ),
    ),
    "a self-check template with its secrecy rule": (
        "zicha.xlsx",
        xlsx(
            [
                ["涉密载体清查自查表（模板）"],
                ["序号", "载体名称", "密级", "份数", "存放位置", "清查结果"],
                [1, "", "", "", "", ""],
                [
                    "填表说明：清查结果填写在位、已销毁、已移交；表内如有涉密内容须走机要渠道，不得用邮箱发送"
                ],
            ]
        ),
    ),
    "a training's sign-in sheet with the cadres' posts": (
        "qiandao.csv",
        csv(
            [
                ["序号", "姓名", "单位", "职务", "签到时间"],
                [1, "邬建平", "甘露乡", "乡长", "8:42"],
                [2, "柏文涛", "县城管局", "局长", "8:45"],
                [3, "匡小丽", "县财政局", "副局长", "8:47"],
                [4, "舒红梅", "望江镇", "副镇长", "8:50"],
                [5, "卢晓峰", "柳溪乡纪委", "副书记", "8:53"],
            ]
        ),
    ),
    "anti-fraud advice on one's own codes": (
        "fanzha.eml",
        mail(
            "防骗提醒",
            "反诈提醒：收到的短信验证码不要发给别人，任何自称客服要验证码的都是骗子。",
        ),
    ),
}

scanned, test_sensitive_family_is_held, test_public_form_passes = family_tests(
    "round44", SENSITIVE, PUBLIC
)

#: family → the evidence the officer reads in the held category's sum (what round 44 added)
EVIDENCE = {
    "a checklist of findings with the handling proposed for each": "内部文件标记“拟处理”",
    "a ranking with the grade proposed for each unit": "内部文件标记“初定等次”",
    "a firms' rating whose header names a norm": "内部文件标记“拟定等次”",
    "a quality review told to the bar association ahead of the notice": "通个气",
    "the lines prepared for a press conference with the inside notes": "内部交代“不主动提及”",
    "a survey's control points, row by row": "控制点坐标（X、Y、高程）（模式） 100",
    "a gang's grip on a market passed on to 扫黑办": "扫黑办 40",
    # its source is a petitions office, not a news agency: the report does not read as published
    "a report on a complaint's preliminary check, its source a petitions office": (
        "初核情况+反映（邻近组合） 100"
    ),
}

test_the_officer_reads_why = evidence_test(SENSITIVE, EVIDENCE)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("序号\t问题\t金额（万元）\t拟处理\n1\t未招标直接发包\t860\t移送纪委", "拟处理"),
        ("问题\t认定情况\t处理建议\n事后补签\t属实\t诫勉谈话", "处理建议"),
        ("排名,单位,总分,拟定等次\n1,城关镇,93,优秀", "拟定等次"),
        ("姓名 科室 综合得分 初定等次\n覃立 办公室 92.3 优秀", "初定等次"),
        ("材料您看完请不要转给其他人。", "不要转给其他人"),
        ("你看完就行，别给所里其他人。", "别给所里其他人"),
        ("另2人不主动提及。", "不主动提及"),
        ("正式通报要等局务会定，先跟律协通个气。", "通个气"),
        ("评查结果出来了，先在科里通一下气。", "通一下气"),
        ("序号\t村\t问题描述\t责任人\t拟扣分\n1\t杏坪村\t垃圾堆放\t饶某\t2", "拟扣分"),
        ("本材料仅供考核委员会会议使用，会后收回。", "会后收回"),
        ("本名单为系统初评结果，尚未经市局复核。", "未经市局复核"),
        ("名单未经集体审议，企业尚不知情。", "未经集体审议"),
        ("本稿未经部务会研究，请勿转发。", "未经部务会研究"),
        ("下周召开的会议将研究考察对象。", "会议将研究"),
        ("水位超出预估，事后复盘将另行研究是否追责。", "将另行研究"),
        ("排名须经县委常委会审定。", "常委会审定"),
        ("正式件走机要交通。", "走机要"),
    ],
)
def test_proposals_and_spoken_limits_are_evidence(text: str, found: str) -> None:
    assert found in marker_words(text)


@pytest.mark.parametrize(
    "text",
    [
        "（二）补助资金分配未经集体研究；",  # an audit's finding
        "2025年有5项工程未经党委会研究，由分管领导签字后直接发包。",  # a count of breaches
        "该局长未经集体研究，擅自调整中层干部7名。",  # a step taken without the meeting
        "旗委组织部将会同财政局研究具体办法。",  # what a reply says will be studied
        "请市政府在六个月内将研究处理情况书面报告市人大常委会。",
        "因条件限制需今后研究解决的55件。",
        "收到的验证码不要发给别人。",  # advice on one's own data
        "| 受理日期 | 2026年10月9日 |\n| 处理意见 | 经调查，您户补偿按标准足额发放 |",  # a form
        "信访人对处理意见不服的,可以请求复查。",  # a sentence, not a column
        "经市委编委会审定，以下事项请在门户网站公示。",  # a deliberation told as done
        "具体问题尚未反馈，请以后续官方发布为准。",  # told to the public
        "表内如有涉密内容须走机要渠道，不得用邮箱发送。",  # a template's rule
        "请带笔记本，会上发整改任务分解表，会后收回。",  # a meeting's papers, handed out there
    ],
)
def test_what_is_not_evidence(text: str) -> None:
    assert list(internal_markers(fold(text).text)) == []


@pytest.mark.parametrize(("internal", "held"), [(0.6, True), (0.4, False)])
def test_writing_that_leans_internal_counts_where_the_tables_words_reach_their_cap(
    monkeypatch: pytest.MonkeyPatch, internal: float, held: bool
) -> None:
    # (cap_style) 试卷, A卷 and 参考答案 reach work secret's cap of 80: its head 0.3 sure counts
    # beside writing 0.6 internal (below model_style, 0.75); beside 0.4 it does not
    monkeypatch.setattr(engine_module, "default_model", lambda: _Reads(0.3, internal))
    engine = Engine.compile(load_scope(SCOPE))
    text = "马老板：附件是周六笔试的试卷（A卷）和参考答案，试卷印300份，答案不用印，周五我来监印。"
    decision = engine.decide([Segment(location="正文", text=text)])
    scores = {c.id: c.score for c in decision.categories}
    assert scores["work-secret"] == (180 if held else 80)
    assert (decision.verdict.value == "quarantine") is held


def test_work_secret_sets_its_cap_rules() -> None:
    work = next(c for c in load_scope(SCOPE).categories if c.id == "work-secret")
    assert (work.context.cap_cut, work.context.cap_style) == (0.25, 0.5)


@pytest.mark.slow
async def test_families_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    families = [
        "a checklist of findings with the handling proposed for each",
        "a gang's grip on a market passed on to 扫黑办",
    ]
    held = as_mails(SENSITIVE, families, _attach)
    news = PUBLIC["an audit's published results naming a breach"][1]
    await held_then_relayed(smtp_gateway, upstream, held, news)
