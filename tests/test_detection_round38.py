"""Round 38 of issue 9: keep-quiet instructions in a colleague's voice, one paper on one matter,
a table's cells not read as prose.

- Work secret: a working note that says the copy is to be destroyed once used (核对完就把这封邮件
  从邮箱里删掉), that nothing leaves the room (会上的东西一律不外发), that a matter stays among a
  few (只在我们几个人之间; 只有造价公司和我们知道) or that the route must not be leaked to
  acquaintances (不要把路线泄露给任何熟人) is held, and the officer sees that instruction.
- One paper, one matter: a personnel plan marked as a draft and not to be passed on is a
  personnel matter; the work-secret head does not add itself unless it reads its matter clearly
  before personnel's (``RIVAL_LEAD``).
- A CSV row is cells, not a sentence: a published list of relief households with masked names
  is relayed (the model alone counts only on prose).
- Guards: a privacy policy (使用完毕后删除), a mail disclaimer (误收到本邮件，请…删除), a law
  quoted (条例规定：…开标前不得泄露), an anti-fraud notice (不要把验证码泄露给任何人), a
  colleague's birthday surprise kept among a few, a reimbursement notice (节前不能发放), an audit
  report published after the people's congress deliberated it (人大常委会审议后…已公开: neither
  the congress's public deliberation nor one already held is a decision put off).

Samples written for this module; none is taken from ``benchmarks/``.
"""

from __future__ import annotations

from typing import Any

import pytest

from gateway.service import Gateway
from gateway.settings import default_scope_dir
from matchers.engine import load_engine
from matchers.model import Segment
from tests.fixtures_smtp import Sink
from tests.support.scans import Public, Sensitive, as_mails, family_tests, held_then_relayed
from tests.test_detection_families import _attach, mail

#: family → (category, file name, content): each must be held under its category
SENSITIVE: Sensitive = {
    "a subsidy split, the mail to be deleted once checked": (
        "work_secret",
        "buzhu.eml",
        mail(
            "分配",
            "老孟：局里初步定了明年给三家民营医院的补助分配，仁和医院一百二十万、康宁医院八十万、"
            "惠民医院五十万，还没上局务会，你核对完数字就把这封邮件从邮箱里删掉。",
        ),
    ),
    "a merger talked over, nothing to leave the meeting": (
        "work_secret",
        "hebing.eml",
        mail(
            "下午开会",
            "各位：下午开会主要是商量国资公司合并重组，新公司名称和班子人选都还在谈，"
            "会上的东西一律不外发，纸质材料会后统一收回。",
        ),
    ),
    "a loan's terms, kept among a few": (
        "work_secret",
        "daikuan.eml",
        mail(
            "贷款",
            "柏总：和银行谈的条件基本定了，两亿元贷款，期限三年，年利率百分之五点二，"
            "由县财政出具承诺函。这事只在我们几个人之间，其他银行先不要说。",
        ),
    ),
    "a project budget known only to the cost firm and us": (
        "work_secret",
        "yusuan.eml",
        mail(
            "预算",
            "小唐：城北污水管网改造的工程预算审定是三千八百六十万，下周才挂网，现在只有造价公司"
            "和我们知道，你那边有施工单位来打听就说还没出来。",
        ),
    ),
    "an unannounced inspection's route, not to be leaked": (
        "work_secret",
        "mingcha.eml",
        mail(
            "下周",
            "各组：下周三开始对全县窗口单位作风进行明察暗访，分三路，每路两人，不穿制服不开公车，"
            "请大家不要把路线泄露给任何熟人。",
        ),
    ),
}

#: family → (file name, content): published or harmless; none may be held
PUBLIC: Public = {
    "a privacy policy": (
        "yinsi.eml",
        mail(
            "隐私政策",
            "隐私政策：我们仅在实现处理目的所必需的期限内保存您的信息，使用完毕后删除相关记录，"
            "您也可以申请注销账号。",
        ),
    ),
    "a mail disclaimer": (
        "mianze.eml",
        mail(
            "回复：会议室",
            "会议室已经订好了。\n此致\n本邮件及其附件仅供指定收件人使用，如果您误收到本邮件，"
            "请立即通知发件人并删除本邮件，谢谢。",
        ),
    ),
    "a tendering rule quoted": (
        "tiaoli.eml",
        mail(
            "学习",
            "招标投标法实施条例规定：招标人设有标底的，标底必须保密，开标前不得泄露；"
            "投标人不得相互串通投标报价。",
        ),
    ),
    "an anti-fraud notice": (
        "fanzha.eml",
        mail(
            "提醒",
            "反诈提醒：银行工作人员不会索要验证码，请不要把验证码泄露给任何人，"
            "接到可疑电话请拨打96110。",
        ),
    ),
    "a colleague's birthday surprise": (
        "shengri.eml",
        mail(
            "凑份子",
            "各位：下周三是刘姐五十岁生日，我们凑份子订个蛋糕，这事只在我们几个人之间，"
            "先别告诉她，到时候给她一个惊喜。",
        ),
    ),
    "reimbursements moved past the holiday": (
        "baoxiao.eml",
        mail(
            "报销",
            "财务科通知：因年底结账，节前不能发放的差旅报销统一顺延到一月十日，"
            "请大家把票据按月份整理好交到三楼。",
        ),
    ),
    "an audit report published after the people's congress deliberated it": (
        "juesuan.eml",
        mail(
            "转发：决算报告",
            "县人大常委会审议后的2025年度县本级财政决算和审计工作报告已在县政府网站公开，"
            "转发给各科室学习。\n附件：关于2025年度县本级预算执行和其他财政收支的审计工作报告\n"
            "审计发现的主要问题：一是部分专项资金拨付滞后，涉及资金2180万元；二是个别单位政府采购"
            "程序不规范。\n对审计发现的问题，有关单位已制定整改措施，整改结果将向县人大常委会专题报告。",
        ),
    ),
    "a published relief list with masked names, as CSV": (
        "dibao.csv",
        (
            "序号,乡镇,村（社区）,户主姓名,保障人口,保障类别,致困原因\r\n"
            "1,城关镇,东门社区居委会,周某明,3,一类保障对象,因病致困\r\n"
            "2,城关镇,西街社区居委会,冯某兰,2,二类保障对象,因残致困\r\n"
            "3,青山镇,青山村民委员会,钱某山,1,二类保障对象,缺乏劳动力\r\n"
            "4,青山镇,红星村民委员会,孙某英,4,一类保障对象,因病致困\r\n"
            "5,河口乡,河东社区居委会,李某华,2,三类保障对象,因学致困\r\n"
        ).encode(),
    ),
}

scanned, test_sensitive_family_is_held, test_public_form_passes = family_tests(
    "round38", SENSITIVE, PUBLIC
)

#: file → the instruction the officer must see among the findings
SHOWN = {
    "buzhu.eml": "核对完数字就把这封邮件从邮箱里删掉",
    "hebing.eml": "一律不外发",
    "daikuan.eml": "只在我们几个人之间",
    "yusuan.eml": "只有造价公司和我们知道",
    "mingcha.eml": "不要把路线泄露",
}


@pytest.mark.parametrize(("name", "said"), SHOWN.items())
def test_the_instruction_is_shown(scanned: dict[str, Any], name: str, said: str) -> None:
    rules = [f["rule"] for f in scanned[name]["findings"]]
    assert any(f"内部交代“{said}”" in rule for rule in rules), rules


@pytest.mark.parametrize(
    "text",
    [
        "各位领导：附件是本次干部调整方案（征求意见稿），请于周五前反馈意见，暂勿扩散。",
        "幹部調整方案（草稿），請勿轉發。",
    ],
)
def test_a_marked_personnel_plan_is_one_matter(text: str) -> None:
    """Held as personnel, not also as work secret: its own words name its matter."""
    decision = load_engine(default_scope_dir()).decide([Segment("正文", text)])
    assert [c.id for c in decision.triggered] == ["personnel"]


@pytest.mark.slow
async def test_families_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    families = [
        "a loan's terms, kept among a few",
        "a project budget known only to the cost firm and us",
    ]
    held = as_mails(SENSITIVE, families, _attach)
    await held_then_relayed(
        smtp_gateway, upstream, held, PUBLIC["a colleague's birthday surprise"][1]
    )
