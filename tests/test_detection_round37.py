"""Round 37 of issue 9: the model's reading counts on its own (``model_alone``).

Four training files written by new helpers in new voices (a city's bureaus in one-line chats,
long working papers, village cadres, specialised offices) showed where the words stop: most of
the notes the tables missed had none of a table's words at all, yet the internal head read them
as working papers and a table's head read their matter first. Those notes are now held:

- Personnel, land, public security, work secret, state secret and personal data: a working
  paper on the matter in words no table lists, and no marker (the head at least 0.2 sure and
  the first of the heads, the internal head at least 0.75).
- A weak word of the table (上会) never makes the model's reading harder to count than no word.
- State secret has a head of its own (the militia's depot and what is in it).
- Guards: a one-line remark reads as surely as a page but is not a working paper (under 40
  ideographs the head never counts alone); a routine meeting notice, a parents' meeting moved,
  a published conscription notice and one customer's phone and street are relayed.

Samples written for this module; none is taken from ``benchmarks/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gateway.service import Gateway
from matchers.scope import ScopeError, load_scope
from matchers.style import _codes, _grams, features
from tests.fixtures_smtp import Sink
from tests.support.scans import Public, Sensitive, as_mails, family_tests, held_then_relayed
from tests.test_detection_families import _attach, docx, mail

#: family → (category, file name, content): each must be held under its category
SENSITIVE: Sensitive = {
    "who takes whose post, told in a colleague's words": (
        "personnel",
        "diaodong.eml",
        mail(
            "说一下",
            "老周：东岭镇的何建新准备去县农业农村局，他现在的位置由县委办的罗晓波接，"
            "下周组织部分别找两人谈一次，具体时间另行通知你。",
        ),
    ),
    "which fields go into the park, at what price per mu": (
        "land",
        "beipo.docx",
        docx(
            [
                "王主任：北坡村三组、四组一共二百六十亩要划进产业园，每亩按六万二算，"
                "房子按评估价再上浮一成，下个月初再跟村民讲，到时候你们村里配合一下。"
            ]
        ),
    ),
    "a woman to be followed from tonight": (
        "public_security",
        "qingshi.eml",
        mail(
            "明天",
            "刘所：明天上午省里的检查组到青石镇，镇上那个老是往外跑的陈玉兰大概率又要去拦车，"
            "请安排两个人从今晚起在她家附近盯着，她一出门就跟上。",
        ),
    ),
    "the militia's depot and what is in it": (
        "state_secret",
        "minbing.eml",
        mail(
            "编组",
            "各位：人武部转来的下半年民兵应急连编组情况，一共三个排，装备放在县武装部后院二号库，"
            "库里现有的数量和型号附后，请各乡镇武装部长核对。",
        ),
    ),
    "an audit's first finding, before the report is final": (
        "work_secret",
        "shuiwu.eml",
        mail(
            "水务",
            "小赵：下周审计局对水务公司的报告初步意见出来了，挪用专项资金一千二百万，"
            "涉及两个副总，报告还要再改一稿，你先按这个数准备说明材料。",
        ),
    ),
    "new patients' names and addresses sent on": (
        "personal_data",
        "jiehe.eml",
        mail(
            "名单",
            "张科：县医院上个月新确诊的十一个结核病人名单发你，包括姓名、住址、工作单位和联系方式，"
            "你们疾控那边按这个去走访一下密切接触者。",
        ),
    ),
}

#: family → (file name, content): published or harmless; none may be held
PUBLIC: Public = {
    "a one-line remark about someone leaving quietly": (
        "laoliu.eml",
        mail("", "老刘那天悄悄从后门走了，谁也没惊动，第二天才知道他去了外地。"),
    ),
    "a routine meeting notice": (
        "lihui.eml",
        mail(
            "例会",
            "各科室：本周五下午三点在三楼会议室召开安全生产工作例会，请各科室负责人准时参加，"
            "会后领取新的值班表和消防器材检查记录本。如有事不能参加，请提前向办公室请假。",
        ),
    ),
    "a parents' meeting moved to another room": (
        "jiazhang.eml",
        mail(
            "家长会",
            "王老师，下周三的家长会改到阶梯教室，请您提前通知班上的家长，带上孩子这学期的作业本，"
            "会后各班分组座谈，时间大约一个半小时，谢谢配合。",
        ),
    ),
    "a published conscription notice": (
        "zhengbing.docx",
        docx(
            [
                "青川县2027年度征兵公告",
                "凡年满十八周岁至二十二周岁的男性青年，均可在网上报名。报名时间为1月1日至6月30日，"
                "体检和政治考核合格者，由县征兵办公室审批定兵。",
                "咨询电话：0838-1234567",
            ]
        ),
    ),
    "one customer's phone and street": (
        "kehu.eml",
        mail("", "客户的联系电话是13912345678，住在新华路，明天上午上门安装宽带。"),
    ),
}

scanned, test_sensitive_family_is_held, test_public_form_passes = family_tests(
    "round37", SENSITIVE, PUBLIC
)

#: the families held by the model's reading alone (no word of the table scored); not shuiwu.eml
#: since the fortieth round: its audit report's 初步意见 is a paper's stage, and the marker speaks
ALONE = (
    "diaodong.eml",
    "beipo.docx",
    "qingshi.eml",
    "minbing.eml",
    "jiehe.eml",
)


@pytest.mark.parametrize("name", ALONE)
def test_the_model_alone_is_the_evidence_shown(scanned: dict[str, Any], name: str) -> None:
    """The officer sees why: the model's reading, the matter's cues and that it stood alone."""
    rules = [f["rule"] for f in scanned[name]["findings"] if f["kind"] == "model"]
    assert any("模型单独判断" in rule and "内部文风" in rule for rule in rules), rules


def test_the_models_input_holds_each_character_group_once() -> None:
    """Presence, not counts: a group written five times weighs as once (the reading is
    unchanged by the faster way of dropping repeats)."""
    text = "征收补偿，征收补偿。征收补偿\n征收补偿、征收补偿"
    buckets = features(text)
    assert len(buckets) == len(set(buckets.tolist()))
    assert set(buckets.tolist()) == set(np.unique(_grams(_codes(text))[0]).tolist())


@pytest.mark.parametrize(("key", "value"), [("model_alone", "1.5"), ("alone_style", "0.3")])
def test_a_bad_alone_setting_is_one_clear_line(tmp_path: Path, key: str, value: str) -> None:
    (tmp_path / "t.toml").write_text(
        'id = "t"\nname = "测试"\n[context]\nmodel = 100\n'
        f"{key} = {value}\n"
        '[[terms]]\nwords = ["测试词"]\nweight = 40\n',
        encoding="utf-8",
    )
    with pytest.raises(ScopeError) as error:
        load_scope(tmp_path)
    assert key in str(error.value) and "\n" not in str(error.value)


@pytest.mark.slow
async def test_families_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    families = [
        "which fields go into the park, at what price per mu",
        "new patients' names and addresses sent on",
        "an audit's first finding, before the report is final",
    ]
    held = as_mails(SENSITIVE, families, _attach)
    await held_then_relayed(smtp_gateway, upstream, held, PUBLIC["a routine meeting notice"][1])
