"""Built-in validated detectors: each accepts real values and refuses near misses."""

from __future__ import annotations

import unicodedata

import pytest

from matchers.detectors import (
    bank_card,
    cn_mobile,
    cn_resident_id,
    cn_uscc,
    luhn,
    secrecy_marking,
    valid_bank_card,
    valid_resident_id,
    valid_uscc,
    work_secret_marking,
)
from tests.fixtures_matchers import resident_id


def values(detector, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [value for _, _, value in detector(text)]


@pytest.mark.parametrize(
    "value",
    ["11010519491231002X", resident_id("44030419901224789"), resident_id("62010219820505321")],
)
def test_resident_id_valid(value: str) -> None:
    assert valid_resident_id(value)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("110105194912310021", "wrong check digit"),
        ("990105194912310021", "unknown province 99"),
        (resident_id("11010519490231002"), "31 February"),
        (resident_id("11010520991231002"), "born in the future"),
        (resident_id("11010518991231002"), "born before 1900"),
        ("11010519491231002", "17 digits"),
    ],
)
def test_resident_id_invalid(value: str, why: str) -> None:
    assert not valid_resident_id(value), why


def test_resident_id_in_text_lower_x_spaced_and_bounded() -> None:
    text = "身份证：11010519491231002x；另 110105 19491231 002X；订单 911010519491231002X"
    assert values(cn_resident_id, text) == ["11010519491231002X", "11010519491231002X"]


def test_uscc() -> None:
    assert valid_uscc("91350100M000100Y43")
    assert not valid_uscc("91350100M000100Y44")
    assert not valid_uscc("91350100M000100YI3")  # I is not in the GB 32100 character set
    assert values(cn_uscc, "代码：91350100m000100y43。") == ["91350100M000100Y43"]


def test_bank_card() -> None:
    assert luhn("4111111111111111")
    assert valid_bank_card("6222020200001234562")
    assert not valid_bank_card("6222020200001234563")  # Luhn fails
    assert not valid_bank_card("1111111111111117")  # passes Luhn, no known IIN
    assert values(bank_card, "卡号 6222 0202 0000 1234 562 与 4556-1234-5678-9015") == [
        "6222020200001234562",
        "4556123456789015",
    ]


def test_bank_card_skips_gansu_id_numbers() -> None:
    gansu = next(
        v
        for seq in range(100, 1000)
        if (v := resident_id(f"62010219820505{seq}")).isdigit() and luhn(v)
    )
    assert valid_resident_id(gansu)
    assert values(bank_card, f"身份证 {gansu}") == []


def test_mobile() -> None:
    text = "电话13812345678，+86 139 1234 5678，座机 0571-88888888，编号 213812345678"
    assert values(cn_mobile, text) == ["13812345678", "13912345678"]
    assert values(cn_mobile, "12812345678") == []  # 12x is not a mobile prefix


@pytest.mark.parametrize(
    "text",
    ["绝密★长期", "机密★10年", "秘密★6个月", "秘密☆", "机密⭐5年", "秘密✩", "机密✪", "秘密*1年",
     "秘 密 ★ 长期",
     # a bare level word where markings stand: a line of its own (a slide's or page's corner)
     "边境管控形势通报\n秘密", "近期情况\n【机密】\n正文", "绝密\r\n关于……的报告"],
)  # fmt: skip
def test_secrecy_marking_fires(text: str) -> None:
    assert len(list(secrecy_marking(text))) == 1


@pytest.mark.parametrize(
    "text",
    [
        "心机密布",
        "他秘密地走了",
        "商业秘密",
        "机密文件",
        "保守国家秘密",
        "A. 秘密",
        "这是一个秘密\n",
    ],
)
def test_secrecy_marking_ignores_prose(text: str) -> None:
    assert list(secrecy_marking(text)) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("工作秘密\n正文", "工作秘密"),
        ("某某局\r\n工作秘密\r\n正文", "工作秘密"),
        ("关于【工作秘密】事项", "工作秘密"),
        ("工 作 秘 密", "工作秘密"),
        ("  工作秘密  编号：12", "工作秘密"),
        ("【工作秘密】值班表", "工作秘密"),
        ("(工作秘密)", "工作秘密"),
        ("工作秘密★", "工作秘密"),
        ("内部资料 注意保存", "内部资料注意保存"),
        ("内部资料，请勿外传", "内部资料，请勿外传"),
        ("工作秘密　严禁上传互联网", "工作秘密"),  # a page header with an ideographic space
        ("工作秘密 不得转发", "工作秘密"),
    ],
)
def test_work_secret_marking_fires(text: str, value: str) -> None:
    assert values(work_secret_marking, text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "关于保守工作秘密的培训",
        "工作秘密事项范围表（已公开）",
        "请大家保守工作秘密。",
        "工作秘密不得在互联网上存储、处理、传输",
        "内部资料室搬迁",
    ],
)
def test_work_secret_marking_ignores_prose(text: str) -> None:
    assert list(work_secret_marking(text)) == []


@pytest.mark.parametrize(
    "shaped",
    [
        "110105 1949 1231 002X",  # 6-4-4-4
        "110105-19491231-002X",  # 6-8-4
        "1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 X",  # every digit spaced
        "1101051949\n1231002X",  # wrapped in a narrow table cell
        "１１０１０５１９４９１２３１００２Ｘ",  # full width (folded by NFKC first)
    ],
)
def test_resident_id_grouped_spaced_and_wrapped(shaped: str) -> None:
    text = f"| 1 | 张三 | {unicodedata.normalize('NFKC', shaped)} | 石桥村 |"
    assert values(cn_resident_id, text) == ["11010519491231002X"]


def test_resident_id_row_number_before_id_does_not_hide_it() -> None:
    assert values(cn_resident_id, "1 11010519491231002X\n12 110105 1949 1231 002X") == [
        "11010519491231002X",
        "11010519491231002X",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "2. 秘密级文件的标志写法是（ ）。\nA. 秘密★1年　B. 秘密1年★",  # quiz answer option
        "下列标志中规范的是：\n（B）机密★10年",
        "某县工作人员将标有“机密★”的文件拍照后发到微信群",  # quoted example
        "标志由密级和保密期限组成，如「秘密★5年」。",
    ],
)
def test_secrecy_marking_ignores_quoted_examples_and_quiz_options(text: str) -> None:
    assert values(secrecy_marking, text) == []


@pytest.mark.parametrize(
    "text", ["秘密★3年", "关于储备粮轮换的请示\n机密★10年\n", "密级：绝密★长期", "CBA. 机密★"]
)
def test_secrecy_marking_still_counts_where_markings_stand(text: str) -> None:
    assert len(values(secrecy_marking, text)) == 1
