"""The families of issue 9, with the default tables: held where sensitive, passed where public.

These samples are written for the tests and are not part of the evaluation set
(``benchmarks/detection/``), which the tables are measured on and never tuned to here. Each
family is checked through ``dlp-gateway scan`` (documents and messages) and at least one per
family over real SMTP.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.service import Gateway
from matchers.detectors import luhn
from tests.fixtures_smtp import Sink, submit
from tests.support.addresses import EXTERNAL, SENDER

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国志强秀英丽华海涛红梅国庆文静明轩子涵雨欣俊杰春燕德明玉兰"


def resident_id(rng: random.Random) -> str:
    born = f"{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = f"330106{born}{rng.randint(0, 999):03d}"
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def bank_card(rng: random.Random) -> str:
    body = "6222" + "".join(str(rng.randint(0, 9)) for _ in range(11))
    return next(body + d for d in "0123456789" if luhn(body + d))


def person(rng: random.Random) -> str:
    given = rng.randint(0, len(GIVEN) // 2 - 1)
    return rng.choice(SURNAMES) + GIVEN[2 * given : 2 * given + 2]


def grouped(number: str, sizes: tuple[int, ...]) -> str:
    out, at = [], 0
    for size in sizes:
        out.append(number[at : at + size])
        at += size
    return " ".join(out)


def roster_csv(rows: int, column: str, seed: int) -> str:
    rng = random.Random(seed)
    lines = [f"序号,姓名,{column},住址"]
    for i in range(1, rows + 1):
        if column == "银行卡号":
            value = grouped(bank_card(rng), (4, 4, 4, 4))
        else:
            value = f"13{rng.randint(5, 9)}{rng.randint(10_000_000, 99_999_999)}"
        lines.append(f"{i},{person(rng)},{value},东岗村{rng.randint(1, 9)}组{i}号")
    return "\n".join(lines) + "\n"


def docx(
    paragraphs: list[str], rows: list[list[str]] | None = None, footer: str = "", header: str = ""
) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if rows:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    if footer:
        document.sections[0].footer.paragraphs[0].text = footer
    if header:
        document.sections[0].header.paragraphs[0].text = header
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def mail(subject: str, body: str) -> bytes:
    return (
        f"From: <{SENDER}>\r\nTo: <{EXTERNAL}>\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + body.replace("\n", "\r\n")
        + "\r\n"
    ).encode()


rng = random.Random(9)
IDS_WRAPPED = [
    ["序号", "姓名", "身份证号码"],
    *[
        [str(i), person(rng), grouped(resident_id(rng), (6, 8, 4)).replace(" ", "\n")]
        for i in range(1, 7)
    ],
]
IDS_GROUPED = [
    ["序号", "姓名", "身份证号码"],
    *[[str(i), person(rng), grouped(resident_id(rng), (6, 4, 4, 4))] for i in range(1, 7)],
]
HOUSEHOLDS = [
    ["户主", "被征收面积（平方米）", "补偿金额（元）"],
    *[[person(rng), f"{rng.randint(80, 300)}.5", f"{rng.randint(100, 999)},{rng.randint(100, 999)}.00"] for _ in range(8)],
]  # fmt: skip

#: family → (file name, content, expected category id); every one of these must be held
SENSITIVE: dict[str, tuple[str, bytes, str]] = {
    "personnel: who replaces whom, pending a meeting": (
        "draft.eml",
        mail(
            "班子调整初步意见",
            "经初步酝酿，拟由李建国同志接替王海涛同志任东岗镇党委书记，王海涛同志另有任用；"
            "副镇长人选在张丽华、陈志强两位同志中考虑。以上待常委会研究。",
        ),
        "personnel",
    ),
    "land: household list with compensation amounts": (
        "households.docx",
        docx(["东岗村征迁户补偿金额汇总"], HOUSEHOLDS),
        "land",
    ),
    "land: 红线 draft before the 预公告": (
        "redline.eml",
        mail(
            "征收范围",
            "东岗片区征收红线范围（初稿）已经划定，涉及三个村民小组，预公告发布前请勿外传。",
        ),
        "land",
    ),
    "public security: 舆情 handling with a summoned poster": (
        "yuqing.eml",
        mail(
            "舆情处置情况",
            "网民发帖反映东岗村拆迁问题，已联系平台删除相关帖文12条；发帖人赵海涛已由派出所约谈，"
            "其同村的孙德明也参与转发。情况仅供内部掌握。",
        ),
        "public-security",
    ),
    "work secret: 此件为内部资料，仅供参阅，请勿外传": (
        "ref.eml",
        mail("参阅", "关于今年重点工作的几点考虑\n此件为内部资料，仅供参阅，请勿外传。"),
        "work-secret",
    ),
    "work secret: 本件属工作秘密 in a footer": (
        "footer.docx",
        docx(
            ["关于调整镇村两级值班安排的意见", "各村、各办：现将值班安排调整如下。"],
            footer="本件属工作秘密",
        ),
        "work-secret",
    ),
    "work secret: 仅供领导参阅 and 请勿转发": (
        "lead.eml",
        mail("情况汇报", "仅供领导参阅\n关于上半年几项工作的情况汇报\n请勿转发"),
        "work-secret",
    ),
    "roster: ID numbers wrapped across lines in cells": (
        "wrapped.docx",
        docx(["参保人员名单"], IDS_WRAPPED),
        "personal-data",
    ),
    "roster: ID numbers grouped 6-4-4-4": (
        "grouped.docx",
        docx(["参保人员名单"], IDS_GROUPED),
        "personal-data",
    ),
    "roster: 20 residents' bank cards": (
        "cards.csv",
        roster_csv(20, "银行卡号", 1).encode("gbk"),
        "personal-data",
    ),
    "roster: 25 residents' mobiles and addresses": (
        "mobiles.csv",
        roster_csv(25, "联系电话", 2).encode(),
        "personal-data",
    ),
    "evasion: 新闻稿 beside an internal draft's title": (
        "evasion1.eml",
        mail("稿件", "新闻稿\n附件：东岗村征地拆迁补偿方案（内部讨论稿）"),
        "land",
    ),
    "evasion: 现予以公示 after a personnel plan": (
        "evasion2.eml",
        mail("调整", "干部调整方案如下，现予以公示。\n李建国任东岗镇党委书记。"),
        "personnel",
    ),
}

#: published texts that use the same vocabulary: none of these may be held
PUBLIC: dict[str, tuple[str, bytes]] = {
    "任前公示 (现将……予以公示, 公示时间：)": (
        "gongshi.eml",
        mail(
            "干部任前公示",
            "干部任前公示\n根据《党政领导干部选拔任用工作条例》，经区委研究，现将李建国同志拟任职情况"
            "予以公示：\n李建国，男，1975年3月生，现任东岗镇镇长，拟任东岗镇党委书记。\n"
            "公示时间：2026年12月1日至12月7日。\n对公示对象有异议的，可向区委组织部反映。"
            "监督电话：0571-12345678\n中共临江区委组织部\n2026年11月30日",
        ),
    ),
    "published 征地补偿安置公告": (
        "gonggao.docx",
        docx(
            [
                "临江区征地补偿安置公告",
                "根据《中华人民共和国土地管理法》及其实施条例，现将东岗村征地补偿安置方案公告如下：",
                "一、征收范围：东岗村3、4组集体土地12.5公顷。",
                "二、补偿标准：执行省政府公布的区片综合地价；地上附着物和青苗补偿按区定标准执行。",
                "三、安置方式：货币安置与产权调换，由被征收人选择。拆迁补偿方案另行公布。",
                "被征地农村集体经济组织成员有异议的，可在公告之日起三十日内申请听证。",
                "监督电话：0571-87654321",
                "临江区人民政府",
                "2026年11月20日",
            ]
        ),
    ),
    "law text on land expropriation": (
        "law.eml",
        mail(
            "条例学习",
            "第二十六条 需要征收土地的，县级以上地方人民政府应当开展拟征收土地现状调查和社会稳定"
            "风险评估，并发布征收土地预公告。\n第二十七条 拟征收土地的补偿标准、安置方式应当公告。\n"
            "第二十八条 征地补偿安置方案拟定后，应当在拟征收土地所在的乡镇和村公告。",
        ),
    ),
    "training quiz with 秘密★1年 as an answer": (
        "quiz.eml",
        mail(
            "保密知识测试",
            "保密知识测试题\n1. 某文件密级为秘密、保密期限一年，应标注为：\nA. 秘密★1年\nB. 秘密1年\n"
            "C. ★秘密一年\n2. 工作秘密可以在互联网上传递吗？",
        ),
    ),
}


def scan(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes) -> dict:
    path = tmp_path / name
    path.write_bytes(data)
    main(["scan", "--format", "json", str(path)])
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("family", list(SENSITIVE))
def test_sensitive_families_are_held(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], family: str
) -> None:
    name, data, category = SENSITIVE[family]
    result = scan(tmp_path, capsys, name, data)
    reached = [c["id"] for c in result["categories"] if c["score"] >= c["threshold"]]
    assert result["verdict"] == "quarantine", (family, result["categories"])
    assert category in reached, (family, result["categories"])


@pytest.mark.parametrize("family", list(PUBLIC))
def test_public_look_alikes_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], family: str
) -> None:
    name, data = PUBLIC[family]
    result = scan(tmp_path, capsys, name, data)
    assert result["verdict"] == "pass", (family, result["categories"])


def test_public_context_is_reported_as_suppressed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, data = PUBLIC["published 征地补偿安置公告"]
    result = scan(tmp_path, capsys, name, data)
    reasons = {s["suppressed_by"] for s in result["suppressed"]}
    assert any(r.startswith("公开文本（") and "监督电话" in r for r in reasons), reasons


def test_internal_evidence_beats_public_context(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, data = PUBLIC["published 征地补偿安置公告"]
    name, _ = "draft.docx", None
    from docx import Document

    document = Document(io.BytesIO(data))
    document.paragraphs[0].text = "临江区征地补偿安置公告（征求意见稿）"
    out = io.BytesIO()
    document.save(out)
    result = scan(tmp_path, capsys, name, out.getvalue())
    assert result["verdict"] == "quarantine", result["categories"]
    kinds = {f["kind"] for f in result["findings"]}
    assert "internal" in kinds


def test_roster_is_counted_by_rows_and_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, data, _ = SENSITIVE["roster: 25 residents' mobiles and addresses"]
    result = scan(tmp_path, capsys, name, data)
    rows = [f for f in result["findings"] if f["kind"] == "detector" and f["rule"] == "roster"]
    assert len({(f["location"], f["start"]) for f in rows}) == 25  # one per row
    category = next(c for c in result["categories"] if c["id"] == "personal-data")
    assert "roster" in category["explain"]


@pytest.mark.slow
async def test_one_of_each_family_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    picks = [
        "personnel: who replaces whom, pending a meeting",
        "land: household list with compensation amounts",
        "public security: 舆情 handling with a summoned poster",
        "work secret: 此件为内部资料，仅供参阅，请勿外传",
        "roster: 20 residents' bank cards",
        "evasion: 新闻稿 beside an internal draft's title",
    ]
    held = []
    for family in picks:
        name, data, _ = SENSITIVE[family]
        raw = data if name.endswith(".eml") else _attach(name, data)
        answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], raw)
        assert answer.code == 250, (family, answer)
        held.append(answer.text.startswith("2.6.0 held for review"))
    for family in PUBLIC:
        name, data = PUBLIC[family]
        raw = data if name.endswith(".eml") else _attach(name, data)
        answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], raw)
        assert (answer.code, answer.text.startswith("2.0.0")) == (250, True), (family, answer)
    await smtp_gateway.wait_background()
    assert all(held), list(zip(picks, held, strict=True))
    assert len(upstream.to(EXTERNAL)) == len(PUBLIC)  # the public texts, nothing else


def _attach(name: str, data: bytes) -> bytes:
    from email.message import EmailMessage
    from email.policy import SMTP

    message = EmailMessage(policy=SMTP)
    message["From"] = SENDER
    message["To"] = EXTERNAL
    message["Subject"] = "材料"
    message.set_content("请查收附件。")
    message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return message.as_bytes()
