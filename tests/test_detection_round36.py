"""Round 36 of issue 9 (after blind45 … blind48 and the trainr corpus were read): what a grid
worker, a clerk or a bureau chief writes in a few lines, and the published forms that share
their words.

- Work secret: an exam paper whose page header is its marking (工作秘密 and a notice with its
  own time); a cut-off score passed on before it is published; an inquiry's finding reported
  upward as something else; inspectors given another story
  and not the raw data; a tender written to one bidder's specification.
- Public security: a petitioner's ticket and the police told; a known petitioner followed; a
  raid planned with a word not to tell the landlords.
- Personnel: a leader's words reported in quotes, the list kept off the agenda.
- Land: a promise kept off paper; a compensation calculation not yet through the meeting.
- Personal data: a list described by its columns and sent out, with a word not to pass it on.
- State secret: where a wartime command post stands; mobilisation potential with its figures;
  a telegram copied into a mail.
- Public or harmless: a police anti-fraud warning about fake compensation calls, a lecture deck
  on work secrets, a quiz whose title opens with 工作秘密, a duty roster naming the stability
  duty room, a privacy reminder listing the columns never to publish, a colleague's train
  ticket to a meeting in Beijing.

Samples written for this module; none is taken from ``benchmarks/``.
"""

from __future__ import annotations

import pytest

from gateway.service import Gateway
from tests.fixtures_smtp import Sink
from tests.support.scans import (
    Public,
    Sensitive,
    as_mails,
    detectors_of,
    family_tests,
    held_then_relayed,
)
from tests.test_detection_families import _attach, docx, mail
from tests.test_detection_personnel4 import pptx

#: family → (category, file name, content): each must be held under its category
SENSITIVE: Sensitive = {
    "an exam paper whose page header is its marking": (
        "work_secret",
        "shiti.docx",
        docx(
            [
                "2026年青川县事业单位公开招聘笔试试题（B卷）",
                "一、材料分析题：某社区在老旧小区改造中遇到居民意见分歧，请提出工作思路。",
                "参考答案：①入户听取意见；②公开改造清单；③成立居民议事会。每点10分。",
            ],
            header="工作秘密\u3000考试结束前严禁外传",
        ),
    ),
    "a cut-off score passed on before it is published": (
        "work_secret",
        "fenshu.eml",
        mail(
            "线",
            "老郑，会刚散，今年职高的录取线定在455，局长已签，后天上午才公布。"
            "你侄子450，差一点，可以走补录。这个千万别发亲戚群。",
        ),
    ),
    "inspectors given another story and not the raw data": (
        "work_secret",
        "ducha.eml",
        mail(
            "周三检查",
            "刘站长：督察组周三上午到垃圾填埋场，对外就讲渗滤液处理设备在调试。"
            "那半年的监测台账先别拿出来，只给他们看十月以后的，陪同的几个人说法要一致。",
        ),
    ),
    "an inquiry's finding reported upward as something else": (
        "work_secret",
        "diaocha.eml",
        mail(
            "调查",
            "院长：这次食堂集体腹泻的院内调查结论是凉菜间消毒不到位，三名员工未持健康证。"
            "区里那边我们目前报的是“个别肠胃不适”，这份调查材料请不要转出院办。",
        ),
    ),
    "a tender written to one bidder's specification": (
        "work_secret",
        "canshu.eml",
        mail(
            "参数",
            "钱总，学校录播系统的采购文件我在弄，技术参数按你们那款写的，挂网大概下周二，你们先准备着。",
        ),
    ),
    "a petitioner's ticket and the police told": (
        "public_security",
        "maipiao.eml",
        mail(
            "急",
            "主任，桐坪村的邹桂香刚在12306买了后天一早去省城的车票，她儿媳妇告诉我的。"
            "我现在在她家路口守着，派出所那边要不要先说一下？小葛",
        ),
    ),
    "a raid planned, the landlords not to be told": (
        "public_security",
        "qingcha.eml",
        mail(
            "本周安排",
            "各位，周五凌晨三点全所对火车站片区群租房集中清查，名单我单独发，事前不能跟房东透露。"
            "其余照常值班。",
        ),
    ),
    "a known petitioner followed": (
        "public_security",
        "fanghu.eml",
        mail(
            "情况",
            "书记，老访户严德旺今天上午又出门了，提着个包往镇上走，我让网格员跟着，已经通知派出所了。小蒲",
        ),
    ),
    "a leader's words reported in quotes": (
        "personnel",
        "koushu.eml",
        mail(
            "部长交代的",
            "小马，书记在车上说了几句，我照原话记下：\n"
            "“东岭的武志刚在那干了七年了，该动一动，我看放到青石去，青石那个书记抓项目不行。”\n"
            "“这几个人的名单先不要上会，你们部里先排个方案给我看。”\n你先按这个准备。",
        ),
    ),
    "a promise kept off paper": (
        "land",
        "zhimian.eml",
        mail(
            "转一下",
            "各位包户干部：补偿标准一分不能加，加了全部要重来。"
            "对最后那几户，可以私下答应安排一个保洁岗，这个不写在纸面上。本月底前要全部签完。",
        ),
    ),
    "a compensation calculation not yet through the meeting": (
        "land",
        "cesuan.eml",
        mail(
            "测算",
            "领导，按三个档测了：低档每平方米3900元，总补偿约2.6亿；中档4100元，约2.75亿；"
            "高档4300元，约2.9亿。\n今年财政能拿出来的最多2.4亿，低档也有缺口。"
            "建议按低档公告，高档留作谈判空间。这张表还没上会。",
        ),
    ),
    "a list described by its columns and sent out": (
        "personal_data",
        "mingdan.eml",
        mail(
            "表",
            "严经理：按你说的，把社区六十岁以上老人的登记表整理好了，含身份证号、手机号和住址，"
            "一共143人，附件Excel，发你了。你们做完活动就删，别再转给别人。",
        ),
    ),
    "where a wartime command post stands": (
        "state_secret",
        "zhihuisuo.eml",
        mail(
            "两个点",
            "主任，战时的基本指挥所定在溪口镇原茶厂仓库地下，预备指挥所在北山林场场部后面的坑道，下周要去看一下。",
        ),
    ),
    "mobilisation potential with its figures": (
        "state_secret",
        "qianli.eml",
        mail(
            "潜力数据",
            "武装部：我乡国防动员潜力调查数据报上来了：基干民兵84人，可征用大客车11辆、"
            "挖掘机6台，卫生院床位40张。请核对。",
        ),
    ),
    "a telegram copied into a mail": (
        "state_secret",
        "dianbao.eml",
        mail(
            "摘要",
            "局长，上午那份明传电报我抄了要点，发到您邮箱，路上可以看：上级要求年底前完成重点"
            "目标防护摸底，我县列了两座水厂和一座变电站。",
        ),
    ),
}

#: family → (file name, content): published or harmless; none may be held
PUBLIC: Public = {
    "a police anti-fraud warning about fake compensation calls": (
        "fanzha.docx",
        docx(
            [
                "接到“征收办”要手续费的电话？是骗子！",
                "近日，有不法分子冒充征收部门，称被征收人须先交“保证金”才能领取补偿款。",
                "警方提醒：",
                "一、补偿款由征收部门直接拨付，不收取任何费用。",
                "二、不要向陌生人透露身份证号码和验证码。",
                "三、如遇可疑来电，请拨打110或96110咨询。",
                "青川县公安局反诈中心",
            ]
        ),
    ),
    "a lecture deck on work secrets": (
        "jiangzuo.pptx",
        pptx(
            [
                ("保守工作秘密知识讲座", ["县委保密办", "2026年12月"]),
                ("什么是工作秘密", ["例如：尚未公开的考试试题、尚未公布的考核结果"]),
                ("常见泄露途径", ["在微信群里转发内部材料", "把标底、控制价提前告诉他人"]),
            ]
        ),
    ),
    "a duty roster naming the stability duty room": (
        "zhiban.eml",
        mail(
            "元旦值班初排，有冲突的找我",
            "元旦三天：一号一组，二号二组，三号三组。\n社区民警片区不变，维稳值班室每天留一人接电话。\n"
            "换班的自己找好人。",
        ),
    ),
    "a privacy reminder listing the columns never to publish": (
        "tixing.eml",
        mail(
            "低保公示提醒",
            "各村：公示低保名单时只公开姓名（隐去一字）、户数和金额，"
            "身份证号、手机号、住址一律不得公开，电子名单不得发到微信群。民政办",
        ),
    ),
    "a quiz whose title opens with the words 工作秘密": (
        "jingsai.docx",
        docx(
            [
                "工作秘密\u3000知识竞赛试题",
                "一、单选题：下列哪一项属于工作秘密？A. 已公布的招聘公告 B. 尚未公布的考核结果",
                "二、判断题：工作秘密可以通过个人微信传递。（ ）",
            ]
        ),
    ),
    "a colleague's train ticket to a meeting in Beijing": (
        "chuchai.eml",
        mail(
            "出差",
            "王科，周四去北京开培训会，我在12306买了票，早上七点高铁站见，报到材料我带着。",
        ),
    ),
}

scanned, test_sensitive_family_is_held, test_public_form_passes = family_tests(
    "round36", SENSITIVE, PUBLIC
)


def test_the_page_header_marking_is_found(scanned: dict[str, dict]) -> None:
    assert "work_secret_marking" in detectors_of(scanned["shiti.docx"])


@pytest.mark.slow
async def test_families_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    families = [
        "a petitioner's ticket and the police told",
        "a list described by its columns and sent out",
        "a promise kept off paper",
    ]
    held = as_mails(SENSITIVE, families, _attach)
    published = PUBLIC["a police anti-fraud warning about fake compensation calls"][1]
    await held_then_relayed(smtp_gateway, upstream, held, _attach("fanzha.docx", published))
