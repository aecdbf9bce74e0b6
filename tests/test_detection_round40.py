"""Round 40 of issue 9: a paper's stage in plain words, rural records, and content the state keeps.

- A preliminary view, plan, list or ranking (考核优秀等次初步意见, 干部调整初步方案) is a paper's
  stage before a body decides: internal evidence, as 初稿 is. Not where a procedure is described
  (承办科室提出初步意见后报分管领导), nor in a warning case told of an unnamed unit (某镇将考核初步
  排名提前透露).
- A meeting's line that nothing is said outside (对外不作任何宣传, 对外不作表态) is an instruction.
- State secret by content: a survey base station's or control point's precise coordinates and
  observation data (CORS基准站 … 精确坐标), and the weak points of a weapons store (武器库 …
  报警探头失灵, 账物不相符).
- Work secret: an exam paper said to be final (试卷A卷已定稿) is one about to be used.
- Personal data: an identity record written the rural way (住桥头村八组: a village group in words)
  is a record; one's own ID and card sent for a lecture fee (把本人信息发一下) is not someone
  else's, and a price formula in quotes (按“每页扫描+著录”报一个单价) is not a line to report by.
  An ID number is not a bank card because its first 16 digits pass the Luhn check.

Samples written for this module; none is taken from ``benchmarks/``.
"""

from __future__ import annotations

import pytest

from gateway.service import Gateway
from matchers.context import cited_as_example, internal_markers
from matchers.normalize import fold
from matchers.roster import roster_record, roster_sensitive
from tests.fixtures_matchers import resident_id
from tests.fixtures_smtp import Sink
from tests.support.scans import (
    Public,
    Sensitive,
    as_mails,
    family_tests,
    held_then_relayed,
    marker_words,
)
from tests.test_detection_families import _attach, mail

#: three residents of one village, with valid ID numbers
_IDS = [
    resident_id(first) for first in ("43052319680412301", "43052319751103262", "43052319590827451")
]

#: family → (category, file name, content): each must be held under its category
SENSITIVE: Sensitive = {
    "a preliminary view on who is rated excellent": (
        "personnel",
        "youxiu.eml",
        mail(
            "优秀等次",
            "局机关年度考核优秀等次初步意见\n"
            "科室\t名额\t推荐\t备注\n"
            "办公室\t1\t邝敏\t—\n"
            "财务股\t1\t柴立新\t—\n"
            "执法大队\t2\t韦建华、蒙志刚\t蒙志刚年内有一次诫勉，需再议\n"
            "请各位分管领导周四前反馈。",
        ),
    ),
    "three residents' IDs with their village groups sent to a builder": (
        "personal_data",
        "weifang.eml",
        mail(
            "身份证信息",
            "黎师傅：\n改厕合同要三户户主签字，名单如下：\n"
            f"1. 覃永福 {_IDS[0]} 住石桥村五组\n"
            f"2. 韦秀英 {_IDS[1]} 住石桥村二组\n"
            f"3. 蒙大军 {_IDS[2]} 住石桥村七组\n"
            "周五前把合同带到村部。",
        ),
    ),
    "a troop transit relayed with a line that nothing is publicised": (
        "state_secret",
        "guojing.eml",
        mail(
            "会议精神",
            "昨天市里的电视电话会议，主要是三件事：\n"
            "一、明年春季有部队机动训练经过我区，区里负责部队过境期间的油料和食宿保障；\n"
            "二、宿营点初步考虑区职校和物流园仓库；\n"
            "三、会议要求对外不作任何宣传。\n请交通、教育、商务按分工先摸底。",
        ),
    ),
    "a base station's precise coordinates sent to a survey firm": (
        "state_secret",
        "cors.eml",
        mail(
            "基准站参数",
            "王工：\n你们要接入的CORS基准站参数如下：\n站点：区规划局大楼楼顶\n"
            "精确坐标：B 27°51′20.1183″ L 112°54′07.6620″ 大地高 61.305\n"
            "原始观测数据按小时打包，下周拷给你。",
        ),
    ),
    "a weapons store's weak points after an inspection": (
        "state_secret",
        "wuqiku.eml",
        mail(
            "检查情况",
            "乡武装部武器库检查情况：\n一、值班室夜间有两晚一人值班；\n"
            "二、北侧窗户防护栏有一根焊点开裂，报警探头失灵未报修；\n"
            "三、弹药账物不相符，差两箱，待查。\n请于月底前整改完毕。",
        ),
    ),
    "an exam paper said to be final": (
        "work_secret",
        "shijuan.eml",
        mail(
            "试卷",
            "区直机关遴选笔试试卷B卷已定稿，共四题：\n"
            "一、根据材料一，归纳社区治理中的三个难点（15分）。\n"
            "二、分析材料二中街道做法的可取之处（20分）。\n"
            "三、拟写一份倡议书（25分）。\n四、议论文（40分）。\n考试时间1月17日上午。",
        ),
    ),
}

#: family → (file name, content): published or harmless; none may be held
PUBLIC: Public = {
    "one's own ID and card for a lecture fee": (
        "jiangke.eml",
        mail(
            "讲课费",
            "刘老师您好：\n上周给贵局讲的“基层社会救助实务”一课，按要求把本人信息发您，用于发放讲课费：\n"
            f"姓名：覃永福\n身份证号：{_IDS[0]}\n开户行：建设银行石桥支行\n"
            "卡号：6217002870012345678\n谢谢！",
        ),
    ),
    "a quote asked for in a formula": (
        "saomiao.eml",
        mail(
            "扫描报价",
            "您好，我局2019年以来的征地档案约900卷需要数字化，"
            "请贵公司按“每页扫描+著录+挂接”报一个单价，须在局档案室现场作业，不得带出。",
        ),
    ),
    "a warning case told of an unnamed town": (
        "jingshi.eml",
        mail(
            "保密培训",
            "机关保密知识培训\n典型案例\n"
            "某局干部将会议纪要拍照发到亲属群，受到警告处分\n"
            "某镇将考核初步排名提前透露，造成工作被动\n"
            "要求：不在互联网邮箱、微信群传递内部文件",
        ),
    ),
    "a service guide that describes its procedure": (
        "zhinan.eml",
        mail(
            "办事指南",
            "年度考核等次确定办事指南\n一、办理流程：各科室报送人选，承办科室提出初步意见后报分管领导审核，"
            "局党组研究确定后在局内公示5个工作日。\n二、咨询电话：0731-5512345\n区人社局\n2026年12月1日",
        ),
    ),
    "a base station service notice": (
        "cors_gk.eml",
        mail(
            "服务公告",
            "关于区CORS基准站提供定位服务的公告\n区卫星定位基准站已建成运行，可为测绘、规划、农业等用户提供实时"
            "厘米级定位服务。需要使用的单位可携带营业执照和申请表到区自然资源局窗口办理。\n特此公告。\n"
            "区自然资源局\n2026年11月20日",
        ),
    ),
}

scanned, test_sensitive_family_is_held, test_public_form_passes = family_tests(
    "round40", SENSITIVE, PUBLIC
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("干部调整初步方案\n拟对以下同志进行调整", "初步方案"),
        ("会议明确：对外不作表态，由教育局做好个别工作。", "对外不作表态"),
        ("此为内部初报，伤亡数字对外发布以区政府通稿为准。", "此为内部"),
        ("题本在面试开始前封存，由两人共同押运。", "开始前封存"),
        ("行动前一律不准跟任何人说。", "不准跟任何人说"),
    ],
)
def test_a_preliminary_paper_and_a_meetings_line_are_evidence(text: str, found: str) -> None:
    assert found in marker_words(text)


@pytest.mark.parametrize(
    "text",
    [
        "承办科室提出初步意见后报分管领导审核。",
        "请按“每页扫描+著录+挂接”报一个单价。",
        "成绩对外发布时间以市考试院通知为准。",
    ],
)
def test_a_procedure_and_a_price_are_not(text: str) -> None:
    assert list(internal_markers(fold(text).text)) == []


def test_a_warning_case_names_another_units_paper() -> None:
    text = fold("典型案例\n某镇将考核初步排名提前透露，造成工作被动。").text
    [(start, _, word)] = internal_markers(text)
    assert word == "初步排名" and cited_as_example(text, start)
    mine = fold("考核初步排名如下，请审阅。").text
    [(start, _, _)] = internal_markers(mine)
    assert not cited_as_example(mine, start)


def test_an_id_is_not_read_as_a_card_and_a_village_group_is_an_address() -> None:
    """The first 16 digits of one of these IDs pass the Luhn check (a card number, once): a
    list of IDs and village groups says nothing of anyone's bank account."""
    rows = "".join(
        f"{n}. {name} {number} 住石桥村{group}组\n"
        for n, name, number, group in zip(
            (1, 2, 3), ("覃永福", "韦秀英", "蒙大军"), _IDS, "五二七", strict=True
        )
    )
    assert list(roster_sensitive(rows)) == []
    assert len(list(roster_record(rows))) == 3


@pytest.mark.slow
async def test_families_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    families = ["a preliminary view on who is rated excellent", "an exam paper said to be final"]
    held = as_mails(SENSITIVE, families, _attach)
    await held_then_relayed(
        smtp_gateway, upstream, held, PUBLIC["one's own ID and card for a lecture fee"][1]
    )
