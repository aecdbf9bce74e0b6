"""Round 48 of issue 9: a step kept from outsiders in a heading, a negotiation's floor, a sheet
read on its own, a decision awaited in a cell, a footer's 内部使用, and lessons known by their
answers and headings.

- A heading's bracket that keeps the step from outsiders (行动时间（不对外）) is a limit, as the
  sentence form (时间不对外。) already was.
- A sheet that sets a floor beside the price asked or paid now (现合同单价 | 目标价 | 底线价) is a
  negotiation's own line (work secret, near rule).
- A spreadsheet with no prose and none of the table's words (a measure of each hospital's budget)
  is read by work secret's head on its own, more surely than prose (``sheet_alone``).
- A body's decision still awaited, closing a cell (待党组定, 待县安委会审定), is a decision put off.
- A footer's 内部使用 limits circulation.
- A raid told before it happens to those it would catch (统一行动要去端 … 你们也别去) is a public
  security matter leaked (near rule).
- Everyday mail that keeps a fishing spot or a surprise quiet (千万保密，别让小邱知道) reads low on
  every head: work secret's head beside such a marker must read 0.15 (``model_marked``), unless
  another head reads its matter clearly (the residual's ``RESIDUAL_MATTER``).
- A quiz's answer in brackets after its question (…属于什么？（工作秘密）) is no marking; a deck on
  secrecy's common sense (保密常识) is a lesson; headings that ask which (哪些不能发) or tell a case
  (案例) are a lesson's outline, and a draft named in its list is taught, not the deck's own.

Samples written for this module; none is taken from ``benchmarks/``.
"""

from __future__ import annotations

import pytest

from gateway.service import Gateway
from matchers.context import public_signals
from matchers.detectors import work_secret_marking
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
from tests.test_detection_personnel4 import pptx, xlsx
from tests.test_detection_round42 import csv

#: family → (category, file name, content): each must be held under its category
SENSITIVE: Sensitive = {
    "an unannounced check's deck with its timing kept from outsiders": (
        "work_secret",
        "yecha.pptx",
        pptx(
            [
                ("城区渣土车夜间专项整治", ["局务会汇报材料"]),
                ("工作思路", ["城管、交警、住建三家联合", "不提前打招呼，直接到工地出入口"]),
                (
                    "行动时间（不对外）",
                    [
                        "11月18日晚10点 东环路三个在建工地",
                        "11月21日凌晨1点 高铁站片区消纳场",
                        "每次出发前20分钟才通知带队人员",
                    ],
                ),
                ("力量编组", ["每组城管队员3人、交警1人，执法记录仪全程开启"]),
            ]
        ),
    ),
    "a negotiation's sheet with the target and the floor": (
        "work_secret",
        "yijia.xlsx",
        xlsx(
            [
                [
                    "服务项目",
                    "面积(平方米)",
                    "现合同单价(元/月·平方米)",
                    "目标价",
                    "底线价",
                    "对方不让步时",
                ],
                ["机关大院物业", 18600, 3.20, 2.70, 2.95, "重新招标"],
                ["档案馆物业", 4200, 3.60, 3.00, 3.25, "缩减保洁频次"],
                ["职工食堂外包", 900, 52.0, 45.0, 48.0, "改为自营"],
            ]
        ),
    ),
    "a measure of each hospital's budget, in cells only": (
        "work_secret",
        "cesuan.csv",
        csv(
            [
                ["医院", "本年总额（万元）", "明年测算（万元）", "增减", "备注"],
                ["县第一人民医院", 8650, 8920, "+3.1%", "外转病人多，压外转后可加"],
                ["县中医院", 3980, 3700, "-7.0%", "飞行检查发现串换项目，扣"],
                ["康宁骨科医院", 1620, 0, "-100%", "准备解除服务协议，先不分"],
                ["城关镇卫生院", 760, 730, "-3.9%", "分解住院"],
                ["合计", 15010, 13350, "", "测算稿，还没和医院谈"],
            ]
        ),
    ),
    "a tax office's cross-check list taken home, its footer 内部使用": (
        "work_secret",
        "xiecha.eml",
        mail(
            "协查材料，周末弄",
            "周末在家把这三户的进项核一遍，周一股里碰头要用。\n"
            "编号 受票企业 开票企业 份数 金额（元）\n"
            "HC-0411 临川县广源建材有限公司 某商贸公司 22 1986000.00\n"
            "HC-0415 临川县恒泰机电有限公司 某商贸公司 9 804500.00\n"
            "HC-0419 临川县天宇物资有限公司 某贸易公司 31 2750300.00\n"
            "协查信息 内部使用",
        ),
    ),
    "a raid told to a relative before it happens": (
        "public_security",
        "tongfeng.eml",
        mail(
            "牌就别打了",
            "姐夫：\n福满楼那个棋牌室这阵子别去了，下周二晚上所里统一行动要去端，被抓到要罚款，"
            "还要通报单位。你那几个牌友也都别去。",
        ),
    ),
}

#: family → (file name, content): each must pass
PUBLIC: Public = {
    "a police warning against fraud, forwarded": (
        "fanzha.eml",
        mail(
            "转：警方提醒",
            "转发派出所的提醒：\n近期冒充快递客服的诈骗又多了，接到自称理赔的电话要小心点，不要点"
            "陌生链接，不要开屏幕共享。\n公安机关不会通过电话要求转账。\n市公安局反诈中心",
        ),
    ),
    "a fishing spot kept from a friend": (
        "diaoyu.eml",
        mail(
            "周六钓鱼",
            "老万：\n周六还去上次那个河湾？那地方半天上了十来条鲫鱼，千万保密，别让小邱知道，他一"
            "知道整个钓友群都知道了。\n我六点到你楼下，饵料我带，你带马扎和保温壶。",
        ),
    ),
    "a quiz whose answers stand in brackets after the questions": (
        "ceshi.eml",
        mail(
            "保密知识测试题",
            "各位同事：\n周四下午的保密知识测试，题目先发给大家：\n"
            "1. 工作秘密是否属于国家秘密？（不属于）\n"
            "2. 标注“内部资料”的文件能否用个人邮箱传送？（不能）\n"
            "3. 尚未公布的考核结果属于什么？（工作秘密）\n"
            "4. 已依法公开的处罚决定还属于工作秘密吗？（不属于）\n办公室",
        ),
    ),
    "a deck on secrecy's common sense": (
        "changshi.pptx",
        pptx(
            [
                ("机关保密常识：这些事别踩线", ["县卫健委办公室 2026年11月"]),
                (
                    "什么是工作秘密",
                    [
                        "履职中产生、不属于国家秘密、泄露后会使工作被动的事项",
                        "例：未公布的考核结果、内部督查发现、评标信息",
                    ],
                ),
                ("标注", ["首页左上角标注“工作秘密”或“内部资料”", "不能写“★”，不得与密级标志混用"]),
                ("常见错误", ["用个人邮箱传送工作文件", "把标有内部资料的材料拍照发家庭群"]),
            ]
        ),
    ),
    "a deck whose headings ask which papers may not go out": (
        "shenhe.pptx",
        pptx(
            [
                ("对外发布前的保密审核", ["区住建局办公室"]),
                ("谁审核", ["谁发布谁负责，涉及其他部门的先会签"]),
                (
                    "哪些不能发",
                    [
                        "讨论稿、征求意见稿（依法公开征求意见的除外）",
                        "尚未审定的考核排名",
                        "未办结案件的细节、举报人信息",
                    ],
                ),
                ("案例", ["某地把未审定的年度考核初评结果误发到网站，后撤回并被通报"]),
            ]
        ),
    ),
}

scanned, test_sensitive_family_is_held, test_public_form_passes = family_tests(
    "round48", SENSITIVE, PUBLIC
)

#: family → the evidence the officer reads in the held category's sum (what round 48 added)
EVIDENCE = {
    "an unannounced check's deck with its timing kept from outsiders": "内部交代“不对外”",
    "a negotiation's sheet with the target and the floor": "底线价+",
    "a measure of each hospital's budget, in cells only": "模型单独判断",
    "a tax office's cross-check list taken home, its footer 内部使用": "内部文件标记“内部使用”",
    "a raid told to a relative before it happens": "统一行动+都别去（邻近组合） 100",
}

test_the_officer_reads_why = evidence_test(SENSITIVE, EVIDENCE)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("行动时间（不对外）\n11月18日晚10点", "不对外"),
        ("| 财务股股长 | 谭小燕 | 29 | 待党组定 |", "待党组定"),
        ("| 4 | 锦华大酒店 | 县政府挂牌 | 待县安委会审定 |", "待县安委会审定"),
        ("协查信息 内部使用", "内部使用"),
    ],
)
def test_a_limit_or_a_decision_awaited(text: str, found: str) -> None:
    assert found in marker_words(text)


@pytest.mark.parametrize(
    "text",
    [
        "规划待市政府审定后实施。",  # the step a published plan names
        "| 领导讲话稿 | 秘书科 | 待审定 |",  # a meeting checklist's state
        "演出时间待定，请关注公众号。",
    ],
)
def test_a_step_ahead_is_not_a_limit(text: str) -> None:
    assert marker_words(text) == []


def test_an_answer_in_brackets_is_no_marking() -> None:
    # (the detector reads folded text, as the engine gives it: （ becomes ()
    answer = fold("3. 尚未公布的考核结果属于什么？（工作秘密）").text
    assert list(work_secret_marking(answer)) == []
    # the document's own bracketed marking still counts
    assert list(work_secret_marking(fold("（工作秘密）\n关于调整考核办法的意见").text))


def test_headings_that_ask_which_or_tell_a_case_outline_a_lesson() -> None:
    outline = "哪些不能发\n讨论稿、征求意见稿\n案例\n某地误发考核结果"
    assert "讲授提纲" in public_signals(outline)
    # an exam's case-analysis part is not a lesson's heading
    assert "讲授提纲" not in public_signals("哪些情形应当回避\n三、案例分析\n第1题")


@pytest.mark.slow
async def test_families_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    held = as_mails(SENSITIVE, ["a measure of each hospital's budget, in cells only"], _attach)
    release = PUBLIC["a quiz whose answers stand in brackets after the questions"][1]
    await held_then_relayed(smtp_gateway, upstream, held, release)
