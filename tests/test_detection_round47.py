"""Round 47 of issue 9: a training's matter to see to, defence orders and deliveries, lessons and
published lists known by their form, and what one does not know told apart from who is not told.

- A mail named after a training as a matter to see to (周三培训的事) is about the meeting, not
  a lesson: what its sentences say to keep quiet (别跟村里讲是我说的) is its own limit.
- A defence supplier's orders and deliveries (军方追加订货, 交付节点, 配装某旅, 定型试验) are a
  state secret by content.
- A lesson is also known by headings that name the common secrets (常见工作秘密) or how a marking
  is made (标注方式), and by the title of an office's study session (业务学习) or a lesson on the
  rules of secrecy (保密知识).
- A list titled as published (…责任人名单（向社会公布）) is a public text by its title.
- What the writer does not know (还不知道咋回事, 自己也不知道何时…, 为何自己不知道的？), one not let
  into a world (不让她进入) or not roused (提不起兴趣) is no one kept uninformed.

Samples written for this module; none is taken from ``benchmarks/``.
"""

from __future__ import annotations

import pytest

from gateway.service import Gateway
from matchers.context import public_signals, training_errand
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
from tests.test_detection_personnel4 import pptx
from tests.test_detection_round42 import csv

#: family → (category, file name, content): each must be held under its category
SENSITIVE: Sensitive = {
    "a training's matter mail that also tells an unannounced visit": (
        "work_secret",
        "anfang.eml",
        mail(
            "周三培训的事",
            "小郁：\n周三下午两点县残联四楼的康复服务规范培训，你们镇来一个人，带上去年的台账。"
            "\n另外私下跟你说，市里的暗访组下周一去你们镇，重点看阳光家园的开放时间和签到记录，"
            "心里有数就行，别跟站里讲是我说的。\n严慧",
        ),
    ),
    "a defence supplier's orders forwarded to a home mailbox": (
        "state_secret",
        "jungong.eml",
        mail(
            "周末在家看",
            "转给自己周末改报告。\n青禾精密：某型雷达天线座，军方追加订货24套，交付节点为3月"
            "和9月各12套，配装南部战区某旅，验收由驻厂军代室负责。\n远拓材料：复合材料壳体的"
            "定型试验推迟到明年5月，任务书指标还差一截。",
        ),
    ),
    "a sheet of scores with the handling proposed for each row": (
        "work_secret",
        "pingfen.csv",
        csv(
            [
                ["名次", "社区", "网格长", "走访户数", "上报事件", "得分", "拟处理"],
                [1, "东桥社区", "韦志刚", 412, 23, 95.0, "拟评优秀"],
                [2, "柳塘社区", "宁海燕", 388, 19, 92.5, "拟评优秀"],
                [3, "石门社区", "包德明", 301, 11, 84.0, ""],
                [4, "枣林社区", "费红梅", 150, 3, 66.5, "走访记录疑似补录，核实中"],
                [5, "南湖社区", "晏建波", 97, 0, 58.0, "拟扣发网格补贴，待街道反馈"],
            ]
        ),
    ),
    "a reporter's answer set and the real reason kept back": (
        "work_secret",
        "koujing.eml",
        mail(
            "领导微信里交代的",
            "刘科长，主任刚在微信里说的，我转给你，明天答复记者用：\n记者问为什么体育馆迟迟不开放，"
            "就说“消防设施还在调试”。\n真实原因别说，是验收时发现看台有裂缝，设计单位和施工方还在"
            "扯皮，局里也没定谁出钱。\n办公室 钟敏",
        ),
    ),
}

#: family → (file name, content): each must pass
PUBLIC: Public = {
    "a published list of reservoir safety chiefs": (
        "zerenren.eml",
        mail(
            "水库责任人名单",
            "桐川县2027年度小型水库防汛责任人名单（向社会公布）\n"
            "水库名称 所在乡镇 行政责任人 职务 技术责任人\n"
            "青岩水库 青岩乡 祁卫东 青岩乡副乡长 贾明\n"
            "白沙山塘 白沙镇 伍立平 白沙镇副镇长 卢俊\n"
            "枫木水库 枫木镇 龙建国 枫木镇党委书记 方杰",
        ),
    ),
    "a deck on work secrets for an office's study session": (
        "kejian.pptx",
        pptx(
            [
                ("工作秘密管理知识", ["县农业农村局机关 业务学习"]),
                ("什么是工作秘密", ["机关在公务活动和内部管理中产生、一旦泄露会使工作被动的事项"]),
                (
                    "常见工作秘密",
                    ["尚未决定的方案和招标控制价（公布前）", "未发布的统计数据、审计发现"],
                ),
                ("标注方式", ["首页标注“工作秘密”或“内部资料”，未标注的也按知悉范围管理"]),
            ]
        ),
    ),
}

scanned, test_sensitive_family_is_held, test_public_form_passes = family_tests(
    "round47", SENSITIVE, PUBLIC
)

#: family → the evidence the officer reads in the held category's sum (what round 47 added)
EVIDENCE = {
    "a training's matter mail that also tells an unannounced visit": "内部交代",
    "a defence supplier's orders forwarded to a home mailbox": "军方+追加订货（邻近组合） 100",
    "a sheet of scores with the handling proposed for each row": "内部文件标记“拟处理”",
    "a reporter's answer set and the real reason kept back": "内部交代“记者问",
}

test_the_officer_reads_why = evidence_test(SENSITIVE, EVIDENCE)


@pytest.mark.parametrize(
    "text",
    [
        "可怜的车主，还不知道咋回事。",
        "女孩子自己也不知道何时心里不对口。",
        "爱一个人，为何自己不知道的？",
        "儿子的世界不让她进入的话，她没有办法理解。",
        "没有测试代码，我甚至不能提起兴趣去用它。",
        "咦？我好像还不知道它的名字！",
        "我们还不知道结果。",
        "群众问起来统一说以公告为准。",
    ],
)
def test_what_one_does_not_know_is_not_a_limit(text: str) -> None:
    assert marker_words(text) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("他本人还不知道要调整，先别说。", "本人还不知道"),
        ("这几天盯紧点，别让他进京。", "别让他进"),
        ("名单定了，本人都不知道。", "本人都不知道"),
        ("村民们还不知道要拆。", "还不知道"),
        ("记者问为什么推迟，就说“正在核实”。", "记者问为什么推迟,就说"),
        ("媒体问一律说不清楚。", "媒体问一律说"),
        ("真实原因别说，是钱没到位。", "真实原因别说"),
    ],
)
def test_who_is_not_told_still_is(text: str, found: str) -> None:
    assert found in marker_words(text)


@pytest.mark.parametrize(
    ("title", "errand"),
    [("周三培训的事", True), ("保密知识培训的要点", False), ("机关业务学习课件", False)],
)
def test_a_training_matter_is_an_errand(title: str, errand: bool) -> None:
    assert training_errand("各位：\n事项如下。", title) is errand


def test_a_lesson_is_known_by_its_headings() -> None:
    outline = "常见工作秘密\n未公开的考核结果\n标注方式\n首页标注"
    assert "讲授提纲" in public_signals(outline)
    assert "讲授提纲" not in public_signals("常见工作秘密\n未公开的考核结果")


def test_a_list_titled_as_published_has_a_title() -> None:
    assert "标题" in public_signals("县防汛责任人名单（向社会公布）\n姓名 职务")
    assert "标题" not in public_signals("县防汛责任人名单（初稿）\n姓名 职务")


@pytest.mark.slow
async def test_families_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    # (the state-secret family is rejected, 550, not held: the table's action)
    held = as_mails(
        SENSITIVE, ["a training's matter mail that also tells an unannounced visit"], _attach
    )
    release = PUBLIC["a published list of reservoir safety chiefs"][1]
    await held_then_relayed(smtp_gateway, upstream, held, release)
