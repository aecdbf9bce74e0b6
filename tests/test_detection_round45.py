"""Round 45 of issue 9: one paragraph of routine mail read on its own, figures given to the press
before their release, the public line beside the real reason, a case review committee's split.

- A routine mail (a meeting moved, lunch in the canteen) with one paragraph that tells results
  before the notice and says to keep them quiet: the model reads that paragraph on its own, and
  must read it surely (a few sentences read less surely than a paper).
- Spoken limits: not to be printed yet (现在不能见报), kept out of the story (这个你千万别写,
  千万别提要调整), usable once published (等统计局发布了你才能用), the public line named (对外发布
  的口径为“…”, 对外继续沿用“…”的说法), those concerned not told (a cell 未告知企业, 尚未告知本人。),
  no look around beforehand (也别提前去摸情况); put off: findings not yet put to the leader
  (督查组的意见还没有报县委主要领导).
- Work secret's words: a case review committee (案审会, 案件审理委员会), an interview's chief
  examiner (主考官), an inspection team's findings (督查组反馈, 督查组意见), a surprise check (突查).
- A lesson's document (its title or subtitle names the training) teaches the circulation limits
  its sentences name (…的文件不得上传互联网, 讨论情况不得对外透露): they are not its own marks.
- A court's and a land table's procedural words: a private hearing (不公开审理) and judgments not
  put online (不公开文书) are no limit on a paper (the bare 不公开 left the near rules).
- A lecture's items that open with a marker (内部资料、征求意见稿…都要按规定管理) or give an instruction
  (对外发布以正式公开文件为准) are what it teaches; a list of declassified papers gives their former
  level (原密级 | 秘密), no marking; a form's note (这一栏先不填等次) is no limit.
- Public forms that pass: a volunteers' sign-up chain (在群里接龙 … 门口集合: 接龙 is a sign-up,
  not a petition's organiser, unless it goes with a trip to the government or a banner), a
  secrecy lesson's table of where markings go (a 示例 column with 密级：秘密 in a lesson: an
  example, as the marking detector already held), a published penalty decision that says the
  committee discussed it, a review's finding that files did not tell the parties their rights.

Samples written for this module; none is taken from ``benchmarks/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import matchers.engine as engine_module
from gateway.service import Gateway
from matchers.context import internal_markers, put_off
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

GRADES = (
    "另外，这次年度考核局里初步定的优秀是财务科龚丽、审批科冉志强和执法队熊斌，党组会还没研究，"
    "下周才公示，你先别跟任何人讲，尤其审批科老谭一直觉得该轮到他。"
)

#: an HTML mail whose table cells become lines of their own (the 原密级 column's 秘密 cells)
DECLASSIFIED = (
    "From: <a@unit.example>\r\nTo: <b@outside.example>\r\nSubject: list\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    "<html><body><p>卢科长：</p><p>经县保密局审核，以下文件保密期限已满，已解密，请在政府信息公开目录"
    "中补录：</p><table><tr><td>文号</td><td>标题</td><td>原密级</td><td>解密日期</td></tr>"
    "<tr><td>青政办发〔2014〕31号</td><td>关于做好土地调查成果应用的通知</td><td>秘密</td>"
    "<td>2026年11月</td></tr><tr><td>青政办发〔2015〕8号</td><td>关于印发森林防火应急预案的通知</td>"
    "<td>秘密</td><td>2026年11月</td></tr></table><p>政务公开办</p></body></html>\r\n"
).encode()

#: family → (category, file name, content): each must be held under its category
SENSITIVE: Sensitive = {
    "a routine mail with one paragraph of grades told before the notice": (
        "personnel",
        "kewuhui.eml",
        mail(
            "下周一科务会",
            "各位：\n下周一上午的科务会改到二楼小会议室，九点开始，请各科带上本月工作台账。投影仪"
            f"的转接线在办公室，需要的提前来拿。\n{GRADES}\n周日可能要加班，有事打我电话。\n庹敏",
        ),
    ),
    "figures given to a reporter before their release": (
        "work_secret",
        "jizhe.eml",
        mail(
            "数",
            "小谭：前三季度规上工业增加值增长4.1%，比上半年回落1.6个百分点。统计局下旬发布了你"
            "才能用，现在不能见报。",
        ),
    ),
    "a note on the real reason behind a public line": (
        "work_secret",
        "tingshui.docx",
        docx(
            [
                "关于城北片区停水的情况说明",
                "县政府办：",
                "一、自12月2日起城北片区间歇性停水，对外发布的口径为“管网例行维护”，实际是城北"
                "水厂一号取水泵房进水，两台机组损坏，维修需要进口配件。",
                "二、目前靠临时泵维持日供水1.1万吨，缺口约四成，水厂提出请县财政垫付设备款680"
                "万元。",
                "三、建议在配件到货前对外继续沿用“管网维护”的说法，同时协调应急供水车。",
                "县水务局",
                "2026年12月6日",
            ]
        ),
    ),
    "a case review committee's split views put to an outside lawyer": (
        "work_secret",
        "anshen.eml",
        mail(
            "请教一个处罚的问题",
            "钟律师：\n您好！我们支队上月查处的一起无证经营成品油案，货值约6万元。上周案审会上意见"
            "分歧很大：承办人主张顶格罚款并移送公安，分管领导说当事人是县里引进的企业，建议只没收"
            "违法所得。目前还没有定，下周再上会。想请您从法律上看看“首违不罚”能不能适用。\n"
            "县交通运输综合执法支队 法制科 柴",
        ),
    ),
}

#: family → (file name, content): published or harmless, each must pass
PUBLIC: Public = {
    "a volunteers' sign-up chain with a meeting point": (
        "zhiyuan.eml",
        mail(
            "周六去福利院做志愿服务",
            "大家好：\n本周六局青年志愿服务队去县社会福利院陪老人过冬至，包汤圆、表演节目。早上八点"
            "在单位门口集合，统一坐车前往。\n想参加的在群里接龙，限20人。\n团支部 戚晓雯",
        ),
    ),
    "a secrecy lesson's table of where markings go": (
        "jiangyi.docx",
        docx(
            ["保密工作实务讲义（机关新任保密员培训）", "一、国家秘密标志的标注位置"],
            rows=[
                ["载体", "标注位置", "示例"],
                ["纸质公文", "首页左上角", "秘密★1年"],
                ["电子表格", "表头上方", "密级：秘密"],
                ["演示文稿", "每页页眉", "机密★5年"],
            ],
        ),
    ),
    "a published penalty decision discussed by the committee": (
        "chufa.eml",
        mail(
            "行政处罚决定书（公开）",
            "行政处罚决定书\n当事人：县恒通商贸有限公司\n经查，当事人销售不合格电线电缆，货值金额"
            "2.3万元。经本局案件审理委员会集体讨论，依据《产品质量法》第四十九条，决定没收违法产品"
            "并处货值金额三倍罚款。\n当事人如不服本决定，可在六十日内申请行政复议。\n"
            "县市场监督管理局\n2026年12月1日",
        ),
    ),
    "a review's finding that files did not tell the parties": (
        "pingcha.eml",
        mail(
            "全县行政执法案卷评查结果通报",
            "关于2026年度行政执法案卷评查情况的通报\n本次共评查案卷120卷，优秀38卷，合格67卷，"
            "不合格15卷。存在的主要问题：部分案卷未告知当事人陈述申辩权利，部分文书说理不充分。\n"
            "县司法局\n2026年12月3日",
        ),
    ),
    "a deck on work secrets whose subtitle names the training": (
        "kejian.pptx",
        pptx(
            [
                ("工作秘密的识别与管理", ["区法院保密办　干警培训"]),
                ("什么是工作秘密", ["例如：审委会讨论记录、合议庭评议情况、未公布的考评结果"]),
                ("管理要求", ["标注“工作秘密”的文件不得上传互联网", "审委会讨论情况不得对外透露"]),
                ("典型问题", ["把仅供参阅的简报拍照发到同学群", "与当事人私下谈论合议情况"]),
            ]
        ),
    ),
    "a court's hearing schedule with a private hearing": (
        "paiqi.csv",
        csv(
            [
                ["开庭日期", "时间", "法庭", "案由", "审判长"],
                ["2026-12-15", "09:00", "第一法庭", "民间借贷纠纷", "程佳"],
                ["2026-12-16", "14:30", "第二法庭", "房屋征收补偿决定", "付春燕"],
                ["2026-12-17", "09:30", "第三法庭", "离婚纠纷（不公开审理）", "邢文静"],
                ["2026-12-18", "10:00", "石渠法庭", "金融借款合同纠纷", "陆青禾"],
            ]
        ),
    ),
    "a court's published caseload with its unpublished judgments counted": (
        "shuju.csv",
        csv(
            [
                ["指标", "数值", "说明"],
                ["新收案件", "2634件", "含旧存"],
                ["审结案件", "2419件", ""],
                ["裁判文书上网数", "1863篇", "不公开文书按规定另行说明"],
            ]
        ),
    ),
    "a lecture deck whose items open with markers": (
        "jiangzuo.pptx",
        pptx(
            [
                ("守住小口子 筑牢保密防线", ["县档案馆机关保密知识讲座"]),
                (
                    "国家秘密与工作秘密",
                    [
                        "工作秘密：不属于国家秘密，泄露会影响工作的事项",
                        "内部资料、征求意见稿、考核初评结果都要按规定管理",
                    ],
                ),
                ("身边的风险", ["把未公布的考核排名截图发到家庭群", "用私人邮箱传工作文件"]),
                ("怎么做", ["对外发布以正式公开文件为准", "工作秘密不进私人邮箱"]),
            ]
        ),
    ),
    "a list of papers declassified with their former levels": ("jiemi.eml", DECLASSIFIED),
    "a reminder to leave the grade column blank": (
        "kaohebiao.eml",
        mail(
            "转：报送年度考核登记表",
            "各社区：\n请于12月25日前将社区工作者《年度考核登记表》纸质版送组织办，电子版发本邮箱。\n"
            "注意：本人签字栏要签全；考核等次由社区初评后报街道统一审核，社区这一栏先不填等次。\n"
            "组织办",
        ),
    ),
}

scanned, test_sensitive_family_is_held, test_public_form_passes = family_tests(
    "round45", SENSITIVE, PUBLIC
)

#: family → the evidence the officer reads in the held category's sum (what round 45 added)
EVIDENCE = {
    "a routine mail with one paragraph of grades told before the notice": "据交代所在段落",
    "figures given to a reporter before their release": "内部交代“发布了你才能用”",
    "a note on the real reason behind a public line": "内部交代“对外发布的口径为”",
    "a case review committee's split views put to an outside lawyer": "案审会 50",
}

test_the_officer_reads_why = evidence_test(SENSITIVE, EVIDENCE)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("数据月底发布，现在不能见报。", "不能见报"),
        ("这个你千万别写。", "千万别写"),
        ("家长来问就说按招生简章执行，千万别提要调整。", "千万别提"),
        ("等统计局月底发布了你才能用。", "发布了你才能用"),
        ("对外发布的口径为“例行检修”，实际是欠费限气。", "对外发布的口径为"),
        ("建议对外继续沿用“水系修复”的说法。", "对外继续沿用“水系修复”的说法"),
        ("序号\t企业\t核查发现\t状态\n1\t锦程置业\t挪用预售资金\t未告知企业", "未告知企业"),
        ("以上建议尚未告知本人。", "尚未告知本人"),
        ("下周三突查，也别提前去摸情况。", "别提前去摸情况"),
        ("督查组的意见目前还没有报县委主要领导。", "还没有报县委主要领导"),
        ("对外宣传稿里写“各项指标全面达标”。", "对外宣传稿里写"),
        ("公开说法为“订单季节性下滑”。", "公开说法为"),
        (
            "对外维持“企业经营调整、管委会积极协调”口径。",
            "对外维持“企业经营调整、管委会积极协调”口径",
        ),
        ("对外我们说的是“系统数据迁移造成的个别差错”。", "对外我们说的是"),
        ("最终排名下周一再定，先别公布。", "先别公布"),
        ("名单先不公布。", "先不公布"),
        ("对外及医院告示张贴的理由为“系统升级”。", "对外及医院告示张贴的理由为"),
        ("经与公安商量，暂以系统升级名义停止结算。", "暂以系统升级名义"),
        ("主任要求大家不要议论，谁在外面说出去谁负责。", "大家不要议论"),
        ("主任要求大家不要议论，谁在外面说出去谁负责。", "谁在外面说出去谁负责"),
        ("关于部分学员违反纪律情况的通报（拟稿）\n经校委会研究", "(拟稿)"),
        ("试块强度不合格，先别出正式报告，我明天汇报。", "先别出正式报告"),
        ("死亡人数和无证生产这些一律不写。", "一律不写"),
    ],
)
def test_spoken_limits_are_evidence(text: str, found: str) -> None:
    assert found in marker_words(text)


@pytest.mark.parametrize("word", ["还没有报县委主要领导", "下周一再定"])
def test_a_step_not_yet_taken_is_put_off(word: str) -> None:
    # it corroborates the table's words; it does not say who may know
    assert word in marker_words(f"督查组的意见{word}。")
    assert put_off(word)


@pytest.mark.parametrize(
    "text",
    [
        "部分案卷未告知当事人陈述申辩权利。",  # a review's finding
        "名字千万别写错。",  # care, not a limit
        "对外开放的口径进一步扩大。",  # no public line named
        "发布会后才能进入会场。",  # no figures held back
        "犯罪嫌疑人身份暂不公布。",  # what a police notice tells the public
        "费用下个月再报。",  # an expense claim put off
        "以“工作经费”名义截留补助资金。",  # a published case's pretext, no instruction
    ],
)
def test_what_is_not_evidence(text: str) -> None:
    assert list(internal_markers(fold(text).text)) == []


class _ByPassage:
    """A model that reads the whole mail as routine (its logistics) and its paragraph on the
    grades as ``personnel`` sure: the real model's reading of a paragraph is hard to place at a
    chosen value, and the rule under test is about that value."""

    def __init__(self, personnel: float) -> None:
        self.personnel = personnel

    def judge(self, text: str, cues: int = 3) -> Judgement:
        if "会议室" in text:  # the whole mail
            topics = {"personnel": 0.12, "work-secret": 0.02, "land": 0.01}
            return Judgement(0.43, ("研究",), topics, {"personnel": ("优秀",)})
        topics = {"personnel": self.personnel, "work-secret": 0.1, "land": 0.01}
        return Judgement(0.94, ("先别",), topics, {"personnel": ("优秀",)})


@pytest.mark.parametrize(("personnel", "held"), [(0.6, True), (0.45, False)])
def test_the_paragraph_that_says_to_keep_quiet_is_read_on_its_own(
    monkeypatch: pytest.MonkeyPatch, personnel: float, held: bool
) -> None:
    # the whole mail reads 0.12 personnel: the paragraph with the limit counts where its head
    # reads 0.5 or more (PASSAGE_CUT), beside writing 0.8 internal (PASSAGE_STYLE)
    monkeypatch.setattr(engine_module, "default_model", lambda: _ByPassage(personnel))
    engine = Engine.compile(load_scope(SCOPE))
    text = (
        "下周一的科务会改到二楼小会议室，九点开始，请各科带上本月工作台账。投影仪的转接线在办公"
        f"室，需要的提前来拿。\n{GRADES}\n周日可能要加班，有事打我电话。\n庹敏"
    )
    decision = engine.decide([Segment(location="正文", text=text)])
    scores = {c.id: c.score for c in decision.categories}
    assert scores.get("personnel", 0) == (100 if held else 0)
    assert (decision.verdict.value == "quarantine") is held


def test_a_short_mail_is_its_own_paragraph(monkeypatch: pytest.MonkeyPatch) -> None:
    # nothing to read apart: the whole text is the paragraph (its reading already failed)
    monkeypatch.setattr(engine_module, "default_model", lambda: _ByPassage(0.9))
    engine = Engine.compile(load_scope(SCOPE))
    decision = engine.decide([Segment(location="正文", text=f"会议室的事另说。{GRADES}")])
    assert decision.verdict.value == "pass"


@pytest.mark.slow
async def test_families_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    families = [
        "a routine mail with one paragraph of grades told before the notice",
        "a note on the real reason behind a public line",
    ]
    held = as_mails(SENSITIVE, families, _attach)
    volunteers = PUBLIC["a volunteers' sign-up chain with a meeting point"][1]
    await held_then_relayed(smtp_gateway, upstream, held, volunteers)
