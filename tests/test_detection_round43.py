"""Round 43 of issue 9: a committee's votes, who is not told until it is decided, the inside note.

- Work secret by kind: a review committee's record with a split vote and a case put off (表决5:2 …
  核实后再议); votes counted name by name in a sheet's columns (同意 | 不同意 | 弃权); the judges'
  own scores under 评委甲 … 评委丁 with the award proposed (拟定奖次).
- Work secret by kind, second pair: a tender desk telling one bidder who else has bid (只能说到这,
  你自己掌握), a negotiation's ceiling confided (交个底, 最高能接受 … 上限), an inspection report not
  yet shown to those inspected (尚未与被暗访单位见面).
- Work secret by kind, third pair: a paper with its key and its sitting (题本 … 评分要点 … 面试日期),
  a tender's ceilings of which only the total will be posted (内部汇总, 挂网时只放), a sheet of
  marks whose posting waits for a signature (后再上网, 只在…内部核对; a sheet's rows are no longer
  joined as if they were a wrapped line).
- Work secret by kind, fifth pair: a disciplinary decision's draft proposing the sanction (拟给予
  … 处分), a panel's vote told in its result (表决结果：合格2票), findings not yet fed back (尚未反馈),
  a paper not to be known by those it is for (不要给学生知道); an exam's own paper is no lesson.
- Internal evidence: a case put to a later meeting (报领导小组再议, 下周再议); nobody told until the step that settles it (定之前不跟家长说, 审定前不得向
  考核对象透露); the inside note beside what is said outside (拟答 … （内部说明：…）, a ledger's
  内部处理意见 column).
- The residual table: a complaint's handling kept quiet (别外传) where another head reads a little
  higher, and no table holds the message, is work secret (``marked_residual``).
- The head's cut where the table's words reach its cap (``cap_cut``, work secret 0.25).
- Public forms that pass: a village's published resolution with its vote count, an award's
  published results, an exam discipline's rule, a published press conference, a bulletin that
  finds a project was not explained (未与群众充分沟通), a training slide listing the three levels
  (绝密★、机密★、秘密★ on a line of its own: no paper has three).

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
from matchers.style import Judgement
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
from tests.test_detection_round42 import csv

SCOPE = Path(__file__).resolve().parent.parent / "config" / "scope"

#: family → (category, file name, content): each must be held under its category
SENSITIVE: Sensitive = {
    "a review committee's record: a split vote, a case put off": (
        "work_secret",
        "rending.eml",
        mail(
            "认定会记录",
            "高层次人才认定委员会第3次会议记录\n时间：12月2日\n"
            "1. 宏远电子 彭思哲：委员意见不一，表决5:2，暂按C类，报领导小组审定。\n"
            "2. 县人民医院 简玉洁：论文署名单位有疑问，需核实后再议。\n"
            "3. 青溪农业 罗成：同意认定D类。\n人才办 秘书组",
        ),
    ),
    "votes counted name by name in a sheet's columns": (
        "work_secret",
        "piaoshu.xlsx",
        xlsx(
            [
                ["申请人", "单位", "申报类别", "同意", "不同意", "弃权", "结果"],
                ["彭思哲", "宏远电子", "B类", 5, 2, 0, "降为C类"],
                ["罗成", "青溪农业", "D类", 7, 0, 0, "通过"],
                ["温可欣", "县职业中专", "C类", 3, 3, 1, "暂缓"],
                ["说明", "温可欣票数持平，报领导小组再议", "", "", "", "", ""],
            ]
        ),
    ),
    "the judges' scores under 评委甲 … 评委丁 with the award proposed": (
        "work_secret",
        "xinwenjiang.csv",
        csv(
            [
                [
                    "编号",
                    "作品",
                    "报送单位",
                    "评委甲",
                    "评委乙",
                    "评委丙",
                    "评委丁",
                    "平均分",
                    "拟定奖次",
                ],
                ["A01", "《渡口人家》", "县融媒体中心", 91, 87, 90, 88, 89.0, "一等奖"],
                ["A02", "《茶山三月》", "青溪镇", 85, 88, 82, 86, 85.25, "二等奖"],
                ["A03", "《老街的灯》", "城关街道", 74, 79, 70, 76, 74.75, "三等奖"],
            ]
        ),
    ),
    "a selection kept from the parents until the board decides": (
        "work_secret",
        "jixun.xlsx",
        xlsx(
            [
                ["姓名", "性别", "项目", "测试成绩", "教练组意见"],
                ["严子墨", "男", "100米自由泳", "53.80", "入选"],
                ["唐若溪", "女", "200米蛙泳", "2:41.20", "入选"],
                ["付一帆", "男", "400米自由泳", "4:21.66", "待定"],
                ["说明", "名单报局党组定，定之前不跟家长说结果。", "", "", ""],
            ]
        ),
    ),
    "a press conference's answers with the inside notes": (
        "work_secret",
        "koujing.eml",
        mail(
            "发布会问答再过一遍",
            "陆科长：\n明天的发布会问答我先拟了，请对着事实再改一遍，今晚九点前回我。\n"
            "问1：有多少学生身体不适？\n拟答：共有17名学生就诊，均已返校。\n"
            "（内部说明：另有6人在私人诊所就诊，未计入。记者追问时不主动解释。）\n"
            "问2：配餐公司有无资质问题？\n拟答：证照齐全，已暂停供餐。\n"
            "（内部说明：许可证上月已过期，续办材料还在审。）\n县委宣传部 新闻科",
        ),
    ),
    "a message-board ledger with the inside handling beside the public reply": (
        "work_secret",
        "liuyan.xlsx",
        xlsx(
            [
                ["编号", "留言主题", "转办单位", "拟公开答复", "内部处理意见"],
                [
                    "LY-0412",
                    "卫生院多收费",
                    "县卫健局",
                    "已责成退还多收费用",
                    "院长与乡里关系特殊，卫健局不愿深查，请督查室跟进",
                ],
                [
                    "LY-0417",
                    "夜市扰民",
                    "县城管局",
                    "将调整经营时间",
                    "夜市是招商项目，不关，只调时间",
                ],
                ["LY-0421", "拖欠工程款", "白沙镇", "年底前结清", "镇里没钱，先不答复具体时间"],
            ]
        ),
    ),
    "a complaint's handling kept quiet, its matter unsure": (
        "work_secret",
        "tousu.eml",
        mail(
            "那个饭店",
            "老周：上周投诉的那个饭店，执法队去看了，确实有问题，但老板是人大代表，局里意思先批评"
            "教育，不罚款。这个处理别外传，投诉人问起来就说还在调查。",
        ),
    ),
    "a tender desk telling one bidder who else has bid": (
        "work_secret",
        "toubiao.eml",
        mail(
            "回复：装修标",
            "周工：\n你问的那个，到现在一共四家递交了投标文件：你们、江北建工、恒达装饰，还有一家外省的"
            "幕墙公司，今天上午才送来。\n截止时间是后天上午九点，后面还会不会有人来不好说。"
            "我这边只能说到这，你自己掌握。\n交易中心 小吴",
        ),
    ),
    "a negotiation's ceiling confided to the other side": (
        "work_secret",
        "xieyijia.eml",
        mail(
            "明年协议价",
            "蒋总：\n上次谈完回来跟主任汇报了，给你交个底：标间我们原来报的240元含早，主任的意思"
            "最高能接受到270元，再高就超住宿费标准的上限，财政审不过。\n明年的两个大会基本定在你们那里。"
            "下周正式谈的时候我们还是从240开口。\n接待办 孙",
        ),
    ),
    "an inspection report not yet shown to the units inspected": (
        "work_secret",
        "anfang.eml",
        mail(
            "暗访情况报告",
            "全县政务服务窗口暗访情况报告\n一、发现的问题\n1. 县不动产登记中心：上午有2个窗口无人，"
            "工作人员在后台玩手机。\n2. 青山镇便民服务中心：午休时间大门锁闭。\n"
            "二、拟处理意见：对不动产登记中心2名工作人员建议诫勉。\n本报告尚未与被暗访单位见面。",
        ),
    ),
    "a crop estimate given to a reporter before its release": (
        "work_secret",
        "chanliang.eml",
        mail(
            "粮食总产初步数",
            "范记者：\n你要的数我先给你，只是让你心里有底，稿子里暂时不能用，统计局要等上级公告后才发"
            "县里的数。\n全县今年粮食初步测算总产19.6万吨，比去年减产2.8%，主要是两个乡镇受旱。\n"
            "这个减产的数领导还在斟酌怎么讲，你到时候以统计局正式发布的为准。\n农业农村局 统计股",
        ),
    ),
    "a disciplinary decision's draft proposing the sanction": (
        "work_secret",
        "chufen.eml",
        mail(
            "处分决定（代拟稿）",
            "关于给予司马某政务警告处分的决定（代拟稿）\n司马某，我院骨科主治医师。经查，其于2025年"
            "收受器械经销商购物卡共计1.2万元，已全部退缴。经院纪委研究，拟给予司马某政务警告处分，"
            "调离临床岗位一年。\n（本稿拟提交院党委会审议）\n中共某市中心医院纪律检查委员会",
        ),
    ),
    "a degree programme's review with the panel's vote": (
        "work_secret",
        "xuewei.eml",
        mail(
            "学位点评估专家意见",
            "公共管理硕士学位授权点专项评估专家意见汇总\n1. 师资队伍：实务教师比例偏低。\n"
            "2. 培养质量：论文抽检有1篇存在问题。\n专家组表决结果：合格2票，限期整改3票。\n"
            "建议结论：限期整改，两年后复评。以上情况尚未反馈学院。\n研究生院 学位办",
        ),
    ),
    "an interview question book with its key and its date": (
        "work_secret",
        "tiben.eml",
        mail(
            "面试题本",
            "2026年县属事业单位公开招聘面试题本（第一组）\n面试日期：12月19日\n"
            "第一题：群众到窗口办事，材料不齐又情绪激动，你怎么办？\n"
            "评分要点：先安抚情绪（5分）；一次性告知所缺材料（5分）；提供容缺或帮办（5分）。\n"
            "第二题：谈谈你对“高效办成一件事”的理解。\n评分要点：理解准确，结合实际。",
        ),
    ),
    "a tender's ceilings, of which only the total will be posted": (
        "work_secret",
        "kongzhijia.eml",
        mail(
            "控制价请复核",
            "陶工：\n供水管网改造两个标段的控制价我们内部汇总好了，一标段986.20万元，二标段742.35万元，"
            "分项单价见下表，麻烦周一前复核。招标公告下周三挂网，挂网时只放两个标段的总价。\n"
            "项目,单位,工程量,综合单价（元）\nPE管DN160敷设,米,6200,365.00\n路面恢复,平方米,8400,246.00\n"
            "水务集团 招采部",
        ),
    ),
    "a sheet of marks whose posting waits for a signature": (
        "work_secret",
        "chengji.xlsx",
        xlsx(
            [
                ["准考证号", "姓名", "报考岗位", "笔试成绩", "岗位排名"],
                ["2612010103", "鲁思琪", "社保中心会计", 78.5, 1],
                ["2612010117", "程嘉木", "社保中心会计", 77.0, 2],
                ["问题", "处理建议", "", "", ""],
                ["第2、3名差0.5分", "复核答题卡后再定", "", "", ""],
                ["公示时间", "等局长签字后再上网，目前只在考试中心内部核对", "", "", ""],
            ]
        ),
    ),
}

#: family → (file name, content): each must pass
PUBLIC: Public = {
    "a village's published resolution with its vote count": (
        "jueyi.eml",
        mail(
            "决议公告",
            "石门村村民代表会议决议公告\n2026年12月1日，石门村召开村民代表会议，应到45人，实到41人。"
            "经表决，同意38人，不同意2人，弃权1人，通过《石门村集体鱼塘承包方案》。\n"
            "公告期：2026年12月2日至12月8日。\n石门村村民委员会\n2026年12月2日",
        ),
    ),
    "an award's published results": (
        "jieguo.eml",
        mail(
            "评选结果公示",
            "第十二届县新闻奖评选结果公示\n经初评、终评，拟授予以下作品县新闻奖：\n"
            "一等奖：《渡口人家》（县融媒体中心）\n二等奖：《茶山三月》（青溪镇）\n"
            "公示期：2026年12月8日至12月14日。监督电话：0736-5821203\n县新闻奖评选委员会办公室",
        ),
    ),
    "an exam discipline's rule": (
        "jilv.eml",
        mail(
            "考务纪律",
            "考务工作纪律：阅卷人员在成绩公布前不得向考生透露评分情况。",
        ),
    ),
    "a published press conference": (
        "fabuhui.eml",
        mail(
            "新闻发布会",
            "县政府新闻办举行学校食品安全工作新闻发布会\n问：事件发生后采取了哪些措施？\n"
            "答：已暂停涉事配餐公司供餐，市场监管部门已立案调查，结果将及时向社会公布。\n"
            "问：学生身体情况如何？\n答：就诊学生均已返校。\n县人民政府新闻办公室\n2026年12月3日",
        ),
    ),
    "a published bulletin that finds a project was not explained to the villagers": (
        "tongbao.eml",
        mail(
            "调查处理通报",
            "中共青山镇委员会关于群众反映问题的调查处理通报\n经调查，该项目在实施过程中未与群众充分"
            "沟通，引发部分群众不满。镇党委对相关责任人进行了批评教育。\n中共青山镇委员会\n2026年11月20日",
        ),
    ),
    "a campaign's deck that shows the format of a marking": (
        "geshi_ppt.eml",
        mail(
            "认识密级标志",
            "认识密级标志\n县农业农村局保密宣传月\n格式示例：机密★5年、秘密★6个月\n"
            "“内部资料”不是国家秘密标志，但这类材料同样不能随意外发。",
        ),
    ),
    "a training slide that lists the three levels": (
        "baomi_ppt.eml",
        mail(
            "保密宣传月展板",
            "保密在身边——2026年保密宣传月\n记住这几个标志\n绝密★、机密★、秘密★ 后面跟保密期限\n"
            "看到这类标志的文件，不上网、不拍照、不外借",
        ),
    ),
}

scanned, test_sensitive_family_is_held, test_public_form_passes = family_tests(
    "round43", SENSITIVE, PUBLIC
)

#: family → the evidence the officer reads in the held category's sum (what round 43 added)
EVIDENCE = {
    "a review committee's record: a split vote, a case put off": "表决比分（模式） 50",
    "votes counted name by name in a sheet's columns": "逐人表决票数（模式） 50",
    "the judges' scores under 评委甲 … 评委丁 with the award proposed": (
        "评委甲+评委乙+评委丙（邻近组合） 100"
    ),
    "a selection kept from the parents until the board decides": "内部交代“定之前不跟家长说”",
    "a press conference's answers with the inside notes": "内部文件标记“内部说明”",
    "a message-board ledger with the inside handling beside the public reply": (
        "内部文件标记“内部处理意见”"
    ),
    "a complaint's handling kept quiet, its matter unsure": "内部交代“别外传”",
    "a tender desk telling one bidder who else has bid": "内部交代“只能说到这”",
    "a negotiation's ceiling confided to the other side": "最高能接受+上限（邻近组合） 100",
    "an inspection report not yet shown to the units inspected": (
        "内部交代“尚未与被暗访单位见面”（内部文件） 60"
    ),
    "an interview question book with its key and its date": "+评分要点+面试日期（邻近组合） 100",
    "a tender's ceilings, of which only the total will be posted": "内部文件标记“内部汇总”",
    "a crop estimate given to a reporter before its release": "内部交代“稿子里暂时不能用”",
    "a disciplinary decision's draft proposing the sanction": "拟给予+警告（邻近组合） 50",
    "a degree programme's review with the panel's vote": "表决比分（模式） 50",
    # the rows of a sheet are not one wrapped line: its header is no lesson's title
    "a sheet of marks whose posting waits for a signature": "内部交代“只在考试中心内部核对”",
}


test_the_officer_reads_why = evidence_test(SENSITIVE, EVIDENCE)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("名单报局党组定，定之前不跟家长说结果。", "定之前不跟家长说"),
        ("结果在县委常委会审定前不得向考核对象透露。", "审定前不得向考核对象透露"),
        ("何镇长的去向基本定了，公示前别跟镇里讲。", "公示前别跟镇里讲"),
        ("分配方案定下来之前不能向工会透露比例。", "定下来之前不能向工会透露"),
        ("拟答：均为轻症。（内部说明：实际就诊31人）", "内部说明"),
        ("拟公开答复,内部处理意见", "内部处理意见"),
        ("温可欣票数持平，报领导小组再议", "再议"),
        ("两个方案意见不一，下周再议。", "下周再议"),
        ("本报告尚未与被暗访单位见面。", "尚未与被暗访单位见面"),
        ("以上问题还没跟医院交换意见。", "还没跟医院交换意见"),
        ("城投接盘的方案没通过，先不对业主讲。", "先不对业主讲"),
        ("给你交个底：最高270元。", "交个底"),
        ("我这边只能说到这，你自己掌握。", "你自己掌握"),
        ("考核结果本人确认前不要在网格员群里公布。", "确认前不要在网格员群里公布"),
        ("第二轮报价，尚未最终确定。", "尚未最终确定"),
        ("考官使用，面试结束后随评分表一并收回。", "考官使用"),
        ("招标公告下周三挂网，挂网时只放两个标段的总价。", "挂网时只放"),
        ("公示时间等局长签字后再上网。", "等局长签字后再上网"),
        ("目前只在考试中心内部核对。", "只在考试中心内部核对"),
        ("你要的数我先给你，稿子里暂时不能用。", "稿子里暂时不能用"),
        ("每位考生抽两道，题目不要给学生知道。", "不要给学生知道"),
        ("以下问题为各检查组现场发现，尚未反馈科室。", "尚未反馈"),
    ],
)
def test_who_is_not_told_and_the_inside_note_are_evidence(text: str, found: str) -> None:
    assert found in marker_words(text)


@pytest.mark.parametrize(
    "text",
    [
        "请按规定前往窗口办理，不跟团的游客自行购票。",  # 规定前往: no step settles anything
        "考务工作纪律：阅卷人员在成绩公布前不得向考生透露评分情况。",  # a discipline's rule
        "评标工作须知：评标结果公示前，评标委员会成员不得向投标人透露评审情况。",
        "该项目在实施过程中未与群众充分沟通。",  # a published bulletin's finding
        "信息不对称的问题说明如下。",
        "具体开班时间尚未确定，请关注后续通知。",
        "工作秘密例如巡察审计中尚未反馈的情况。",  # a kind of matter, named in a lesson
    ],
)
def test_what_is_not_a_limit(text: str) -> None:
    assert list(internal_markers(fold(text).text)) == []


def test_an_exams_own_paper_is_no_lesson() -> None:
    # a title with 考试 names the exam's own papers and marks (not a quiz: 知识, 试题, 培训 say
    # that), so a limit inside one of its sentences is the paper's own
    text = "2026年度遴选考试阅卷情况汇报\n各科成绩已合成，未经领导小组审定，请勿外传。"
    assert "请勿外传" in marker_words(text)
    quiz = "保密知识考试题\n1. 标有“请勿外传”的材料能否发到微信群？"
    assert "请勿外传" not in marker_words(quiz)


def test_a_pattern_is_named_for_the_officer() -> None:
    # the officer reads 表决比分, not the regular expression
    work = next(c for c in load_scope(SCOPE).categories if c.id == "work-secret")
    names = {p.name for p in work.patterns if p.regex is not None}
    assert {"表决比分", "逐人表决票数", "评审组逐人意见"} <= names


class _Reads:
    """A model that reads every text the same way: the real model's reading of a short note
    is hard to place at a chosen value, and the rule under test is about that value."""

    def __init__(self, work_secret: float, internal: float) -> None:
        topics = {"work-secret": work_secret, "personnel": 0.1, "land": 0.05}
        self.judgement = Judgement(internal, ("打分",), topics, {"work-secret": ("打分",)})

    def judge(self, text: str, cues: int = 3) -> Judgement:
        return self.judgement


@pytest.mark.parametrize(("head", "held"), [(0.27, True), (0.22, False)])
def test_a_head_counts_from_a_lower_cut_where_the_tables_words_reach_their_cap(
    monkeypatch: pytest.MonkeyPatch, head: float, held: bool
) -> None:
    # (cap_cut) 打分汇总 and 初评结果 reach work secret's cap of 80: a head 0.27 sure (below the
    # table's model_cut, 0.3) counts beside writing 0.85 internal; 0.22 does not
    monkeypatch.setattr(engine_module, "default_model", lambda: _Reads(head, 0.85))
    engine = Engine.compile(load_scope(SCOPE))
    text = "各位：考评组的打分汇总和初评结果附后，请各单位核对本单位得分，周五前反馈。"
    decision = engine.decide([Segment(location="正文", text=text)])
    scores = {c.id: c.score for c in decision.categories}
    assert scores["work-secret"] == (180 if held else 80)
    assert (decision.verdict.value == "quarantine") is held


@pytest.mark.slow
async def test_families_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    families = [
        "votes counted name by name in a sheet's columns",
        "a message-board ledger with the inside handling beside the public reply",
    ]
    held = as_mails(SENSITIVE, families, _attach)
    news = _attach(*PUBLIC["an award's published results"])
    await held_then_relayed(smtp_gateway, upstream, held, news)
