"""Fourth round (issue 9): keeping a matter quiet is internal evidence, and markers survive PDF wraps.

A draft rarely says 内部 or 讨论稿, but colleagues who pass an undecided matter to each other say
how it must be handled: not passed on (别外传, 本人暂不告知, 不要在群里说), told to outsiders as
something else (问起来就说…, 对外表述为“…”, 以“…”名义办理), or put off to a meeting (部务会研究后
定, 等…后再定). Published texts forbid disclosure too, but in other ways: the modal of a rule
(不得泄露), advice about the reader's own data (切勿将验证码告知他人), a hearing's rules (请勿拍照
录像), a 通报 telling how an official took money under a pretext. Samples written for this module;
none is taken from ``benchmarks/detection/``.
"""

from __future__ import annotations

import pytest

from gateway.service import Gateway
from matchers.context import hush_markers, internal_markers
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
from tests.test_detection_personnel4 import xlsx

# "暂不告" ends the first 34-character line of the PDF, "知" starts the second
_WRAPPED = "关于东岗村物流园项目选址的情况：项目拟征地约两百亩，目前对村里暂不告" + (
    "知，等县里批复以后由镇里统一组织入户。"
)
assert _WRAPPED.index("暂不告") + 3 == 34

#: family → (category, file name, content): each must be held under its category
SENSITIVE: Sensitive = {
    "a cover story for a land survey": (
        "land",
        "liangdi.eml",
        mail(
            "东岗村那片",
            "老周：\n东岗村物流园那片征地的事，张主任的意思是先按每亩9.8万谈，谈不拢再加。"
            "村民要是问起为什么来量地，就说是做确权复核。\n这个数先别外传。\n小林",
        ),
    ),
    "a pretext for a land-use quota gap": (
        "land",
        "zhibiao.docx",
        docx(
            [
                "冷链产业园用地情况汇报",
                "园区二期需用地86亩，用地指标目前只有40亩，缺口部分向市里争取。",
                "企业催着动工，建议先以“设施农业用地”名义办理，指标到位后再转。",
            ]
        ),
    ),
    "a wrapped instruction in a printed note": ("land", "xuanzhi.pdf", pdf_of(_WRAPPED)),
    "a rotation list with attitudes, decided later": (
        "personnel",
        "lungang.xlsx",
        xlsx(
            [
                ["姓名", "现岗位", "拟去向", "本人态度"],
                ["卢晓岚", "办公室副主任", "财政所", "同意"],
                ["葛建平", "规划股股长", "城建办", "有顾虑"],
                ["谭慧", "党建办干事", "留任", "—"],
                ["备注：轮岗方案等书记碰头后再定，名单先不要在大群里说。", "", "", ""],
            ]
        ),
    ),
    "an accident told to outsiders as something else": (
        "public_security",
        "tadiao.eml",
        mail(
            "工地情况",
            "主任：\n今天上午城北安置小区工地塔吊倒塌，2名工人遇难、1人重伤，已送市一院。\n"
            "区里意见：对外表述为“一起施工意外，伤者正在救治”，遇难人数等家属安顿好后再报。",
        ),
    ),
    "a poster to be traced, his employer not told": (
        "public_security",
        "xiecha.docx",
        docx(
            [
                "协查函",
                "区公安分局：",
                "微博账号“北河人家”近日连续发布涉我街道旧改的负面内容，请协助查明该账号注册人的"
                "实名信息和联系方式。此事暂不告知其单位，查明后由街道约其见面。",
            ]
        ),
    ),
}

#: family → (file name, content): published or ordinary text, must pass
PUBLIC: Public = {
    "anti-fraud advice": (
        "fanzha.eml",
        mail(
            "防范电信诈骗提示",
            "各位居民：\n近期冒充公安机关、以“退款理赔”名义进行诈骗的案件多发。切勿将验证码告知他人，"
            "不要点击陌生链接，更不要向所谓“安全账户”转账。如有疑问请拨打110或96110。\n"
            "城北派出所\n2026年11月20日",
        ),
    ),
    "a published discipline report": (
        "tongbao.eml",
        mail(
            "区纪委监委通报三起典型问题",
            "区纪委监委通报3起违反中央八项规定精神典型问题：\n"
            "一、区某局原副局长刘某某在干部调整、工程发包中以“咨询费”名义收受他人财物，为避免被发现，"
            "让亲属代收。刘某某受到开除党籍处分。\n"
            "二、某镇原党委委员以“调研”名义进行公款旅游，受到党内警告处分。\n"
            "（来源：区纪委监委网站）",
        ),
    ),
    "a hearing notice for an expropriation": (
        "tingzheng.eml",
        mail(
            "房屋征收补偿方案听证公告",
            "城北片区房屋征收补偿方案听证公告\n区人民政府定于12月15日上午9时在区政务中心三楼"
            "举行听证会，听取被征收人对征收补偿方案的意见。旁听人员请遵守会场纪律，请勿拍照录像，"
            "不要在会场内大声喧哗。\n特此公告。\n区房屋征收办公室\n2026年12月1日",
        ),
    ),
    "an accident news release": (
        "xinwen.eml",
        mail(
            "通稿",
            "本报讯（记者 韩露）11月28日上午，城北一在建工地发生塔吊倒塌事故，造成2人遇难、1人重伤。"
            "事故发生后，区应急管理局等部门立即开展搜救，事故原因正在调查中。",
        ),
    ),
    "a promotion announcement": (
        "jinsheng.eml",
        mail(
            "职级晋升公示",
            "现将拟晋升职级人员情况公示如下：卢晓岚，拟晋升一级主任科员；葛建平，拟晋升二级主任科员。"
            "公示时间：2026年12月2日至12月8日。监督电话：0571-86001234。\n区委组织部\n2026年12月1日",
        ),
    ),
    "secrecy training (what not to do)": (
        "peixun.eml",
        mail(
            "保密知识培训",
            "保密知识培训要点\n一、不要在微信群里说工作秘密，不得在朋友圈晒会议材料。\n"
            "二、涉及干部调整、征地拆迁的材料，公开前别外传。",
        ),
    ),
    "an ordinary office mail that puts something off": (
        "baoxiao.eml",
        mail(
            "报销",
            "小王：\n上次培训的报销单我看了，发票抬头不对，年底再说吧。会议室的事不要在大群里说了，"
            "我跟行政那边讲好了。",
        ),
    ),
}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Every sample through one ``dlp-gateway scan --format json`` run, by file name."""
    return scan_families(tmp_path_factory.mktemp("hush"), SENSITIVE, PUBLIC)


@pytest.mark.parametrize("family", list(SENSITIVE))
def test_sensitive_family_is_held(scanned: dict[str, dict], family: str) -> None:
    category, name, _ = SENSITIVE[family]
    assert_held(scanned[name], category, family)


@pytest.mark.parametrize("family", list(PUBLIC))
def test_public_form_passes(scanned: dict[str, dict], family: str) -> None:
    name, _ = PUBLIC[family]
    result = scanned[name]
    assert result["verdict"] == "pass", (family, result["categories"])


def test_the_officer_sees_the_instruction_as_evidence(scanned: dict[str, dict]) -> None:
    """The case's explanation names what made the text internal."""
    text = str(scanned["liangdi.eml"])
    assert "内部交代“问起为什么来量地,就说”" in text


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("名单一个字都不要在科室里说。", "不要在科室里说"),
        ("方案下周部务会研究后定。", "部务会研究后定"),
        ("等核查结果出来后再定。", "等核查结果出来后再定"),
        ("他要是问到进度，就说还在走程序。", "问到进度，就说"),
        ("对外统一发布为“系统维护”。", "对外统一发布为“"),
        ("先拖一拖，年底再说。", "先拖一拖"),
    ],
)
def test_hush_markers(text: str, marker: str) -> None:
    assert marker in [found for _, _, found in hush_markers(text)]


@pytest.mark.parametrize(
    "text",
    [
        "工作人员不得泄露举报人信息。",
        "切勿将短信验证码告知他人。",
        "以“高额返利”名义实施诈骗。",
        "以“借款”名义收受财物。",
        "为避免被发现，他让亲属代收。",
        "常委会定期听取工作汇报。",
        "“此事别外传”是常见的错误说法。",
    ],
)
def test_public_wording_is_not_a_hush_marker(text: str) -> None:
    assert list(hush_markers(text)) == []


def test_markers_are_read_through_line_wraps() -> None:
    text = "请于周五前报送。此件仅供参\n阅，其本人暂不告\r\n知。"
    found = {(text[start:end], word) for start, end, word in internal_markers(text)}
    assert found == {("仅供参\n阅", "仅供参阅"), ("暂不告\r\n知", "暂不告知")}


@pytest.mark.slow
async def test_families_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    held = {}
    for family in ["a cover story for a land survey", "a wrapped instruction in a printed note"]:
        _, name, data = SENSITIVE[family]
        held[family] = data if name.endswith(".eml") else _attach(name, data)
    await held_then_relayed(smtp_gateway, upstream, held, PUBLIC["anti-fraud advice"][1])
