"""Round 46 of issue 9: limits asked for in words, a training's errands, lessons known by their
outline, grain reserves' real stock, an interview's examiner grid.

- Spoken limits: asked to keep it (请各中队严格保密), no talk in a chat group (不要在家族群里讨论,
  群里不要讨论), kept out of the story (这些你别写), nor said in the public script (主持词里也别念), not told outside (对外先不说), for one leader
  (只报张局), by no channel (任何渠道都不能出去), not told to those who asked (我们没透露), those
  concerned not told yet (还没通知家长), the press kept out until the release (统一发布前…不接受
  媒体采访), and a longer reach for 先别跟…讲; paper tags awaiting a decision (（待审定）), kept for
  oneself (（自己整理用）) or a body's first findings (（内部审计初步结果）); a column of the
  disposal proposed (拟处置方式, 处理建议（待审定）). Put off: options left to a leader (请县长定夺,
  倾向方案), a step still to come (尚需经区城管委审定).
- A training's errand (the subject 周五培训会场地, 宣传周物料和几件事) is a mail about the meeting,
  not a lesson: what its sentences tell (先别跟…讲) is its own limit. A sign-in sheet is known by
  its title or header, not by a sentence that mentions one (签到表打40份).
- A marker's paragraph read on its own counts for work secret's head from 0.3 (other heads 0.5).
- A lesson is also known by its outline: headings that ask at their end (工作秘密是什么, 密级标志
  怎么认), name the usual faults (常见失误, 易发问题) or set a case (案例讨论).
- A practice course (…实务) is a lesson by its title.
- A past exam paper published for study keeps its header (绝密★启用前): spent, once the document
  says it has been published since. A grain reserve's real stock needs its tonnage to be one.
- Inspection targets matched with their inspectors before the visit (计划检查日期 beside 执法人员);
  the public line beside the actual situation (对外已发布“系统升级”告示。实际情况是…).
- More tags and spoken limits: a draft sheet (（草表）), not issued before its step (审定前不下发), not
  to be sent on (（勿报）), a ledger's inside column (内部备注), the explanation set for a check
  (统一解释为), the line for a follow-up (按“…”口径回复), what those asked are to say (问…的时候统一说),
  not to be posted in a group (不要发群里), the one looked into not alerted (不打草惊蛇), nothing left
  in writing (别留文字), figures marked as not given out (（…数据，未对外）), a leader who has had a
  word (副县长已打招呼).
- Public forms that pass: a glossary of the levels (绝密★：最重要的国家秘密), a catalogue of what a
  body publishes (不予公开事项), a news release that says 守住保密底线 (a slogan, not a land
  negotiation's bottom line).

Samples written for this module; none is taken from ``benchmarks/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import matchers.engine as engine_module
from gateway.service import Gateway
from matchers.context import internal_markers, public_signals, put_off, training_errand
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
from tests.test_detection_families import _attach, docx, mail
from tests.test_detection_personnel4 import pptx
from tests.test_detection_round42 import csv

SCOPE = Path(__file__).resolve().parent.parent / "config" / "scope"

#: family → (category, file name, content): each must be held under its category
SENSITIVE: Sensitive = {
    "a training's errand mail that also tells a ranking": (
        "work_secret",
        "peixun.eml",
        mail(
            "下周二培训会场",
            "小蒲：\n下周二的网格员培训改在三楼报告厅，签到表打50份，茶水找后勤要。话筒上次有杂音，"
            "你提前调一下。\n另外说一句，市里三季度平安建设考核我们初排第12（倒数第三），主要是"
            "信访那块扣的，书记还在找市里沟通，先别跟各村和站所里其他人讲。\n闵华",
        ),
    ),
    "a night check's targets told to the squads": (
        "work_secret",
        "yecha.eml",
        mail(
            "周四夜查安排",
            "各中队：\n经大队研究，定于12月17日（周四）21:30起开展夜查，检查对象出发前由带队领导"
            "宣布。\n拟查：1.星河KTV；2.和顺大酒店；3.东岸家具城仓库。\n上回有场所提前清场，"
            "这次请各中队严格保密，微信群里不要讨论。\n防火监督科",
        ),
    ),
    "an interview's examiner grid before the day": (
        "work_secret",
        "kaoguan.csv",
        csv(
            [
                ["考场", "日期", "主考官", "考官2", "考官3", "考官4", "监督员"],
                ["第一考场", "2026-12-20", "岑立民", "戈素梅", "景海涛", "乐佳", "邝明"],
                ["第二考场", "2026-12-20", "凤志刚", "伍秋霞", "佘光辉", "晏敏", "邝明"],
            ]
        ),
    ),
    "a meeting's record kept for oneself": (
        "work_secret",
        "jilu.eml",
        mail(
            "周一办公会记录",
            "（自己整理用）\n12月7日局长办公会，议预算压减。\n何局：财政要求压12%，救助资金不能动。"
            "\n庞局：公用经费先压，车辆运行费再砍两成。\n何局最后说：先按去年数报，缺口找财政局"
            "单独汇报，对外先不说缺口的事。\n待办：计财科周五前出缺口说明，只报何局。",
        ),
    ),
    "a county's grain reserve stock reported": (
        "state_secret",
        "liangku.eml",
        mail(
            "储备粮库存情况",
            "粮食股：\n按要求报告：截至11月30日，城南粮库实有稻谷1.06万吨、小麦0.52万吨；江口"
            "直属库小麦0.64万吨。城南2号仓稻谷已存满4年。\n粮油公司 储运部",
        ),
    ),
    "an accident's agreed first release": (
        "public_security",
        "shigu.docx",
        docx(
            [
                "关于“12·2”闪爆事故有关情况的说明",
                "一、12月2日10时，城投建材公司搅拌站检修时发生闪爆，造成2人死亡、3人重伤。",
                "二、经与应急、宣传部门商定，首次发布的口径为“1人死亡、4人受伤”，后续由应急管理局"
                "统一发布。",
                "三、家属已安排专人陪护，赔偿谈判正在进行。",
            ]
        ),
    ),
    "a note on the real reason behind a public notice": (
        "work_secret",
        "shuoming.docx",
        docx(
            [
                "关于不动产登记大厅暂停部分业务的情况说明",
                "县政府办：",
                "12月1日起大厅暂停办理抵押登记，对外已发布“系统升级”告示。实际情况是：市局核查发现我县"
                "有9宗抵押登记材料存在代签，涉及1名窗口人员，目前正在调查。",
                "县不动产登记中心",
            ]
        ),
    ),
    "inspection targets matched with their inspectors": (
        "work_secret",
        "shuangsuiji.csv",
        csv(
            [
                ["序号", "抽查对象", "抽查事项", "执法人员", "计划检查日期"],
                [1, "南溪县佳美超市", "食品销售", "褚亮、房小雨", "1月8日"],
                [2, "南溪县顺发加油站", "计量器具", "褚亮、房小雨", "1月9日"],
                [3, "龙口镇福满楼酒家", "餐饮服务", "池文、戈丽", "1月12日"],
            ]
        ),
    ),
    "a campaign week's errand mail with an unannounced visit": (
        "work_secret",
        "pufa.eml",
        mail(
            "宪法宣传周展板和几件事",
            "邵所：\n1. 宣传周展板周二送到各所，你们20块，够不够回个话。\n2. 另外提醒一下，市局上周"
            "暗访，东湖、南塘两个所上午10点都没人，照片已经拍了，通报还没下，局长正在跟市局"
            "解释，你把值班落实了，这事先别在所长群里说。\n普法科",
        ),
    ),
}

#: family → (file name, content): published or harmless, each must pass
PUBLIC: Public = {
    "a deck on work secrets whose outline asks and warns": (
        "shiwu.pptx",
        pptx(
            [
                ("机关工作秘密管理实务", ["新录用人员初任培训 第三讲"]),
                (
                    "一、工作秘密是什么",
                    ["履职中产生、泄露后会影响工作的事项", "如未公开的考核排名、内部讨论记录"],
                ),
                (
                    "二、常见标注",
                    ["“工作秘密”“内部资料”“内部掌握”“请勿外传”", "未标注的讨论稿同样要管"],
                ),
                ("三、易发问题", ["把纪要发到个人邮箱", "提前向考核对象透风"]),
            ]
        ),
    ),
    "a secrecy campaign deck glossing the levels": (
        "baomiyue.pptx",
        pptx(
            [
                ("守住保密底线", ["县水利局2026年保密宣传月"]),
                (
                    "密级标志怎么认",
                    ["绝密★：最重要的国家秘密", "机密★：重要的国家秘密", "秘密★：一般的国家秘密"],
                ),
                ("案例警示", ["某地干部用微信传送涉密文件照片被处分"]),
            ]
        ),
    ),
    "a PR lecture deck on handling online opinion": (
        "yuqing.pptx",
        pptx(
            [
                ("网络舆情应对实务", ["县属国企宣传骨干培训班"]),
                ("一、基本原则", ["快速反应、实事求是", "删帖压帖不是应对，只会引发次生舆情"]),
                ("二、常见失误", ["对发帖人简单约谈、施压，激化矛盾"]),
                ("三、案例讨论", ["某企业欠薪网帖：先核实、后回应"]),
            ]
        ),
    ),
    "a practice course's deck naming a bottom line among its rules": (
        "zhaoshang.pptx",
        pptx(
            [
                ("招商工作保密实务", ["——面向项目服务岗位"]),
                ("什么是工作秘密", ["例如尚未公布的考核结果、正在研究的扶持政策"]),
                ("常见失误", ["对外交流时透露谈判底线和尚未审定的支持政策"]),
            ]
        ),
    ),
    "a past exam paper published with its header": (
        "zhenti.docx",
        docx(
            [
                "2026年南溪市初中学业水平考试 数学试题",
                "（本试题已于考试结束后由市教育考试院公开发布，供教学研究使用）",
                "一、选择题（每小题3分，共30分）",
                "1. -7 的绝对值是（　　）",
            ],
            header="绝密★启用前",
        ),
    ),
    "a lesson naming a grain reserve's stock as a kind of secret": (
        "zhaibian.eml",
        mail(
            "保密法规学习摘编",
            "保密法律法规学习摘编（供干部自学）\n一、密级分为绝密、机密、秘密三级。\n二、农业领域常见"
            "涉密事项：未公布的重大动物疫情、储备粮实际库存等，应按保密事项范围确定密级。\n机关党委",
        ),
    ),
    "a catalogue of what a commission publishes": (
        "mulu.csv",
        csv(
            [
                ["序号", "公开事项", "公开内容", "公开方式"],
                [1, "巡察公告", "巡察对象、时间、联系方式", "网站"],
                [2, "审查调查信息", "县管干部党纪政务处分信息", "网站"],
                [3, "不予公开事项", "问题线索、内部讨论等过程性信息", "—"],
            ]
        ),
    ),
    "a news release on a secrecy inspection": (
        "xinwen.eml",
        mail(
            "网站稿：县国资委开展保密专项检查",
            "县国资委开展保密工作专项检查\n近日，县国资委会同县保密局对3家县属企业开展保密专项"
            "检查，发现个别企业存在非涉密计算机存储内部资料等问题，已督促整改。\n委负责同志表示，"
            "各企业要切实守住保密底线。\n（供稿：委办公室）",
        ),
    ),
}

scanned, test_sensitive_family_is_held, test_public_form_passes = family_tests(
    "round46", SENSITIVE, PUBLIC
)

#: family → the evidence the officer reads in the held category's sum (what round 46 added)
EVIDENCE = {
    "a training's errand mail that also tells a ranking": "内部文件标记“初排”",
    "a night check's targets told to the squads": "内部交代“请各中队严格保密”",
    "an interview's examiner grid before the day": "主考官+考官2（邻近组合） 100",
    "a meeting's record kept for oneself": "(自己整理用)",
    "a county's grain reserve stock reported": "储备粮的实际库存（吨数）（模式） 100",
    "inspection targets matched with their inspectors": "计划检查日期+执法人员（邻近组合） 100",
    "a note on the real reason behind a public notice": "对外已发布+实际情况是（邻近组合） 100",
    "an accident's agreed first release": "发布的口径（邻近组合）",
}

test_the_officer_reads_why = evidence_test(SENSITIVE, EVIDENCE)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("这次请各中队严格保密。", "请各中队严格保密"),
        ("预公告之前，不要在家族群里讨论。", "不要在家族群里讨论"),
        ("微信群里不要讨论。", "群里不要讨论"),
        ("排名还没定，先别跟乡镇和股室里其他人讲。", "先别跟乡镇和股室里其他人讲"),
        ("教育局那边还没通知家长，请协调。", "还没通知家长"),
        ("在区里统一发布前，学校不接受媒体采访。", "发布前,学校不接受媒体采访"),
        ("跟你说实话，是验收没过。这些你别写。", "这些你别写"),
        ("对外先不说超支的事。", "对外先不说"),
        ("周五前出一个说明，只报张局。", "只报张局"),
        ("结果没出来之前，任何渠道都不能出去。", "任何渠道都不能出去"),
        ("三家公司都在打听分数，我们没透露。", "我们没透露"),
        ("还没谈拢，主持词里也别念投资额。", "主持词里也别念"),
        ("职称评审初评得分（评委会审议前）", "(评委会审议前)"),
        ("养殖场是扶贫项目，县里要求缓公告。", "缓公告"),
        ("这个你那边先别提。", "这个你那边先别提"),
        ("只派分管副局长，避免被问执法情况。", "避免被问"),
        ("便民服务中心作风暗访情况（未通报）", "(未通报)"),
        ("大厅那边如果有人问，一律说升级。", "有人问,一律说"),
        ("对外公告就按“系统升级维护”发。", "就按“系统升级维护”发"),
        ("具体条数先不报，等网安给结论。", "先不报"),
        ("压实度不合格，结果暂不上报市质监站。", "暂不上报"),
        ("断供的事不要往市里报。", "不要往市里报"),
        ("样本\t检测结果\t上报状态\nHSG-01\t阳性\t暂缓上报", "暂缓上报"),
        ("向县长汇报就业工作的提纲（12月9日）", "汇报就业工作的提纲"),
        ("关于社区减负情况的调研报告（底稿）", "(底稿)"),
        ("启用前 注意保管\n县社会救助中心招聘笔试试卷（A卷）", "启用前"),
        ("2026年度乡镇道路交通安全工作考核（草表）", "(草表)"),
        ("此表县安委会审定前不下发。", "审定前不下发"),
        ("考核组内部讨论意见（勿报）", "(勿报)"),
        ("建议号\t承办单位\t内部备注\n第12号\t卫健局\t已从计划中拿掉", "内部备注"),
        ("如考核办核查，统一解释为统计口径调整。", "统一解释为"),
        ("代表如追问，按“择址论证中”口径回复。", "按“择址论证中”口径回复"),
        ("问收入的时候统一说一年一万二以上。", "问收入的时候统一说"),
        ("用电话说，不要发群里。", "不要发群里"),
        ("有偿陪侍的线索暂不打草惊蛇，等专案组。", "不打草惊蛇"),
        ("查到了直接微信告诉我，别留文字。", "别留文字"),
        ("空置率为什么高达58%？（民政局数据，未对外）", "未对外"),
        ("颐养中心问题涉及前任镇长，副县长已打招呼。", "县长已打招呼"),
        ("主题：区委督查室暗访反馈（通报前）", "(通报前)"),
        ("排名还没发，通报出来之前你先别写。", "先别写"),
        ("缺口我去找分管区长，这个不上纪要正式文本。", "不上纪要"),
        ("三、初步结论（尚未定性）", "尚未定性"),
        ("（以上内容尚未经调查组全体成员讨论）", "未经调查组全体成员讨论"),
        ("部门绩效考核排名（待审定）", "(待审定)"),
        ("12月4日党委会记录（自己整理用）", "(自己整理用)"),
        ("案款清理问题台账（内部审计初步结果）", "(内部审计初步结果)"),
        ("企业\t净利润\t拟处置方式\t备注\n甲公司\t-320\t关停\t—", "拟处置方式"),
        ("单位\t结果\t处理建议（待审定）\n甲宾馆\t不合格\t立案", "处理建议(待审定)"),
    ],
)
def test_spoken_limits_are_evidence(text: str, found: str) -> None:
    assert found in marker_words(text)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("局党组倾向方案（三），请县长定夺。", "请县长定夺"),
        ("局党组倾向方案（三），请县长定夺。", "倾向方案"),
        ("本次为初核得分，尚需经区城管委审定。", "尚需经区城管委审定"),
    ],
)
def test_a_step_still_to_come_is_put_off(text: str, word: str) -> None:
    # they corroborate the table's words; they do not say who may know
    assert word in marker_words(text)
    assert put_off(word)


@pytest.mark.parametrize(
    "text",
    [
        "三、不予公开事项：问题线索、案件进展。",  # a class of matters in a catalogue
        "名字这个别写错。",  # care, not a limit
        "我没说错吧？",  # no one asked and refused
        "（待定）",  # a schedule's open place
        "对举报人信息严格保密。",  # a published promise, not asked of the reader
        "压实责任，避免被问责。",  # accountability, not a question dodged
        "群众问起来统一说以公告为准。",  # sent to the notice, no line of one's own
        "已按常委会审定稿删节，明天见报。",  # the text approved, no step to come
        "请把汇报的提纲和要点发我，谢谢。",  # a sentence, not a paper's title
        "绝密★启用前",  # the marking detector's, not a limit in words
    ],
)
def test_what_is_not_evidence(text: str) -> None:
    assert list(internal_markers(fold(text).text)) == []


def test_a_sentence_about_a_sign_in_sheet_is_no_sheet() -> None:
    mailed = "各位：\n周五培训改到二楼，签到表打40份，矿泉水找办公室领。"
    assert "签到表" not in public_signals(mailed, "周五培训会场地")
    assert "签到表" in public_signals("2026年网格员业务培训签到表\n序号\t姓名\t单位\t签到时间")


@pytest.mark.parametrize(
    ("title", "errand"),
    [
        ("周五培训会场地", True),
        ("宪法宣传周物料和几件事", True),
        ("周五面试工作人员培训，8点半到", True),
        ("保密知识培训课件", False),
    ],
)
def test_a_training_errand_is_not_a_lesson(title: str, errand: bool) -> None:
    assert training_errand("各位：\n事项如下。", title) is errand


class _ByPassage:
    """A model that reads the whole mail as routine and the paragraph with the limit as
    ``table`` at ``head`` (the real model's reading is hard to place at a chosen value)."""

    def __init__(self, table: str, head: float) -> None:
        self.table, self.head = table, head

    def judge(self, text: str, cues: int = 3) -> Judgement:
        if "装订" in text:  # the whole mail
            topics = {"work-secret": 0.04, "personnel": 0.03, "land": 0.01}
            return Judgement(0.45, ("样式",), topics, {})
        topics = {"work-secret": 0.05, "personnel": 0.04, "land": 0.01, self.table: self.head}
        return Judgement(0.9, ("内部",), topics, {self.table: ("不合格",)})


@pytest.mark.parametrize(
    ("table", "head", "held"),
    [
        ("work-secret", 0.35, True),  # the residual table's cut on a paragraph: 0.3
        ("work-secret", 0.25, False),
        ("personnel", 0.35, False),  # every other table's: 0.5
        ("personnel", 0.55, True),
    ],
)
def test_a_paragraph_counts_for_work_secret_from_a_lower_head(
    monkeypatch: pytest.MonkeyPatch, table: str, head: float, held: bool
) -> None:
    monkeypatch.setattr(engine_module, "default_model", lambda: _ByPassage(table, head))
    engine = Engine.compile(load_scope(SCOPE))
    text = (
        "年检材料装订按去年的样式就行，封面统一用蓝色，一式三份，周五前送到局二楼，装订前再核对"
        "一遍页码。\n另外跟你说一下，今年年检有三所不合格，启明、博文和小天鹅，局里还没发文，名单"
        "先内部掌握，你帮忙看看启明的材料。\n民办教育科"
    )
    decision = engine.decide([Segment(location="正文", text=text)])
    assert (decision.verdict.value == "quarantine") is held


@pytest.mark.slow
async def test_families_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    families = [
        "a training's errand mail that also tells a ranking",
        "an accident's agreed first release",
    ]
    held = as_mails(SENSITIVE, families, _attach)
    release = PUBLIC["a news release on a secrecy inspection"][1]
    await held_then_relayed(smtp_gateway, upstream, held, release)
