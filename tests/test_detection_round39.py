"""Round 39 of issue 9: a paper's own notice, said the ways clerks say it.

- Work secret: an exam's own paper keeps its notice (题本由考务组封存，开考前不得复制、外传), even
  though its title names 试题 or 题本 as a lesson's would; a step before which nothing may leak,
  with any modal and a clause between (评标报告经招标人确认前，打分和排名严禁泄露); a rule's
  draft not yet approved (本草案未经县政府常务会议审定), even though its title names 办法 as a
  published rule's would.
- State secret: aerial imagery asked for before it is declassified (还没做脱密处理).
- A marker opens a table's head beside the table's own words too: a reply line kept inside
  (此口径仅内部掌握: 内部掌握 is also one of work secret's words) is held on the head's reading
  beside the marker, as it would be without the word.
- Work secret by content: a tender's closed steps (评标专家, 潜在投标人, 评标结果 …) and an exam's
  answers and raw scores (面试题本, 参考答案, 原始成绩 …) are topic words, held beside internal evidence
  (评标专家名单（开标前保密）).
- An exam paper with its answers before the exam (试题及参考答案（考前）) is not a lesson's title
  nor a published past paper: its topic words are not discounted as public.
- Internal evidence: a fact said to be not yet published (两个数统计局还没发布) and a plain request
  to keep it (请严格保密), shown to the officer as an instruction.
- Guards: a notice of a tender's candidates (中标候选人公示), a statistics release (数据在正式发布前按规定严格保密: a rule's gap, not a limit), a secrecy quiz (保密知识测试题: 考前不得向考生透露试题 is a question), a tender notice
  quoting the law (开标前不得向他人透露), a lesson naming unpublished matters (尚未公布的人事
  安排), an anti-fraud notice (验证码注意保密), a public consultation on a draft, and a
  drafting explainer that names a consultation draft in book-title marks.

Samples written for this module; none is taken from ``benchmarks/``.
"""

from __future__ import annotations

import pytest

from gateway.service import Gateway
from matchers.context import marker_label
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

#: family → (category, file name, content): each must be held under its category
SENSITIVE: Sensitive = {
    "an interview paper's own notice": (
        "work_secret",
        "tiben.eml",
        mail(
            "结构化面试题本",
            "2027年县卫健系统公开招聘结构化面试题本（B卷）\n"
            "第一题：乡镇卫生院接到群众投诉候诊时间过长，你作为院办工作人员怎么处理？\n"
            "第二题：谈谈你对“健康守门人”的理解。\n"
            "第三题：同事把工作推给你，你怎么处理？\n"
            "面试日期：1月9日。题本由考务组封存，开考前不得复制、外传。",
        ),
    ),
    "bid scores kept until the client confirms them": (
        "work_secret",
        "pingbiao.eml",
        mail(
            "评标情况",
            "各位：\n县城区雨污分流改造工程（三标段）评标委员会打分已汇总：\n"
            "某水利建设有限公司 平均分91.3 排名第一\n"
            "某市政工程有限公司 平均分88.6 排名第二\n"
            "某建工集团有限公司 平均分84.2 排名第三\n"
            "评标报告经招标人确认前，打分和排名严禁泄露，请各位评委注意。",
        ),
    ),
    "a charges rule's draft not yet approved": (
        "work_secret",
        "caoan.eml",
        mail(
            "办法（草案）",
            "县城区公共停车场收费管理办法（草案）\n"
            "第一条 城区一类区域白天首小时收费由3元调整为5元，之后每小时4元。\n"
            "第二条 夜间20时至次日8时按次收费，每次5元。\n"
            "第三条 新能源车辆首小时免费。\n"
            "说明：本草案未经县政府常务会议审定，各方意见分歧较大，暂在局内和城投公司范围内讨论。",
        ),
    ),
    "aerial imagery asked for before it is declassified": (
        "state_secret",
        "yingxiang.eml",
        mail(
            "影像数据",
            "县自然资源局：\n我公司承担县城地下管网普查项目，需要使用今年的0.1米分辨率航摄原始影像，"
            "全县范围。\n我们了解这批影像还没做脱密处理，请直接拷给我们的项目人员，"
            "我们会注意只在项目内使用。\n某测绘技术有限公司",
        ),
    ),
    "a reply line kept inside, beside the table's own marker word": (
        "work_secret",
        "koujing.eml",
        mail(
            "关于业主投诉的处理口径",
            "物业科：\n锦绣家园业主投诉开发商车库渗水、绿化缩水一事，经局务会研究处理口径如下：\n"
            "1. 开发商在建的二期是县重点项目，领导要求稳妥处理，不要激化；\n"
            "2. 质监站检测已确认车库防水层施工不合格，检测报告暂不向业主提供，先由开发商自行维修；\n"
            "3. 绿化面积由规划股复核后再答复。\n牵头的三位业主已请社区做好沟通。此口径仅内部掌握。",
        ),
    ),
    "an exam paper with its answers, before the exam": (
        "work_secret",
        "kaoshi.eml",
        mail(
            "考试试题",
            "村级后备干部选拔考试试题及参考答案（考前）\n一、单选题（每题2分）\n"
            "1. 村民委员会每届任期为（ ）年。参考答案：C\n"
            "2. 村级重大事项决策实行“四议两公开”，“两公开”指的是……参考答案：B\n"
            "二、案例分析（40分）：某村土地流转收益分配引发矛盾，请提出处理思路。评分要点另附。",
        ),
    ),
    "a tender's evaluation experts, kept until the opening": (
        "work_secret",
        "zhuanjia.eml",
        mail(
            "评标专家名单",
            "县妇幼保健院迁建项目评标专家已于今日上午抽取完成，名单如下（开标前保密）：\n"
            "序号\t姓名\t专业\t单位\n1\t柯文涛\t工程造价\t市某造价咨询公司\n"
            "2\t阮小静\t建筑设计\t省某设计院\n3\t仇兆麟\t给排水\t退休\n"
            "4\t宁佩佩\t工程管理\t某高校\n5\t欧阳航\t电气\t市某供电公司\n"
            "请通知专家于1月9日8:30前到交易中心三楼评标室报到。",
        ),
    ),
}

#: family → (file name, content): each must pass
PUBLIC: Public = {
    "a secrecy quiz": (
        "ceshi.eml",
        mail(
            "保密知识测试题",
            "保密知识测试题（机关干部）\n"
            "1. 国家教育考试的试题在启用前属于（　）A.绝密 B.机密 C.秘密\n"
            "2. 判断：考前不得向考生透露试题内容。（　）\n"
            "3. 工作秘密应当标注（　）A.工作秘密 B.内部 C.不标注",
        ),
    ),
    "a tender notice quoting the law": (
        "zhaobiao.eml",
        mail(
            "招标公告",
            "某县体育馆维修工程招标公告\n一、项目概况：维修面积3200平方米，最高投标限价268万元。\n"
            "二、投标人资格：具备建筑工程施工总承包三级及以上资质。\n"
            "三、根据《招标投标法》第二十二条规定，招标人在开标前不得向他人透露已获取招标文件的"
            "潜在投标人的名称、数量。\n四、联系人：乔工，电话0736-5512345。\n"
            "某县公共资源交易中心\n2026年12月1日",
        ),
    ),
    "a lesson naming unpublished matters": (
        "changshi.eml",
        mail(
            "工作秘密常识",
            "工作秘密常识\n工作秘密是指机关在履职中产生的、不属于国家秘密但泄露后会影响工作的事项，"
            "例如尚未公布的人事安排、尚未发布的统计数据、未经审议的方案。\n"
            "机关工作人员应当增强保密意识，做好保密工作。",
        ),
    ),
    "an anti-fraud notice": (
        "fanzha.eml",
        mail(
            "反诈提醒",
            "反诈提醒\n近期有不法分子冒充客服索要验证码。银行卡密码、验证码注意保密，切勿告诉他人。\n"
            "如有疑问请拨打96110。\n县公安局反诈中心",
        ),
    ),
    "a public consultation on a draft": (
        "zhengqiu.eml",
        mail(
            "公开征求意见",
            "关于公开征求《县城区公共停车场收费管理办法（草案）》意见的公告\n"
            "为提高立法质量，现将《县城区公共停车场收费管理办法（草案）》全文公布，"
            "公开征求社会各界意见。\n第一条 城区一类区域白天首小时收费5元，之后每小时4元。\n"
            "第二条 夜间20时至次日8时按次收费，每次5元。\n"
            "公众可在2027年1月10日前通过电子邮件或信函反馈意见，监督电话0736-5510000。\n"
            "县发展和改革局\n2026年12月10日",
        ),
    ),
    "a drafting explainer naming a consultation draft": (
        "qicao.eml",
        mail(
            "起草说明",
            "《县集体土地征收补偿安置办法（征求意见稿）》起草说明\n"
            "一、为什么修订：现行办法2019年施行，区片综合地价已由省政府调整。\n"
            "二、主要变化：一类区片每亩6.2万元，二类每亩5.6万元，较上一轮平均提高约12%。\n"
            "三、征求意见时间：2026年11月25日至12月24日，意见可发送至县自然资源局政策法规股。",
        ),
    ),
    "a statistics release that says figures are kept until released": (
        "tongji.eml",
        mail(
            "统计发布",
            "全县前三季度经济运行情况\n前三季度全县地区生产总值212.6亿元，同比增长5.1%；"
            "社会消费品零售总额97.4亿元，增长4.2%。\n"
            "统计数据在正式发布前按规定严格保密，本稿为正式公开数据，欢迎引用。\n县统计局\n2026年10月28日",
        ),
    ),
    "a notice of the tender's candidates": (
        "gongshi.eml",
        mail(
            "中标候选人公示",
            "县妇幼保健院迁建项目中标候选人公示\n"
            "第一中标候选人：某建设集团有限公司，投标报价8612.35万元；\n"
            "第二中标候选人：某建工有限公司，投标报价8701.20万元。\n"
            "公示期：2027年1月12日至1月14日。对评标结果有异议的，可在公示期内向招标人提出。\n"
            "监督电话：0736-5510086\n县公共资源交易中心\n2027年1月11日",
        ),
    ),
}

scanned, test_sensitive_family_is_held, test_public_form_passes = family_tests(
    "round39", SENSITIVE, PUBLIC
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("报告里两个数统计局还没发布，稿子只发到班子成员。", "还没发布"),
        ("面试成绩尚未公布，先别告诉考生。", "尚未公布"),
        ("举报人为同村村民（身份信息见附件，请严格保密）。", "请严格保密"),
    ],
)
def test_not_yet_published_and_keep_it_are_evidence(text: str, found: str) -> None:
    assert found in marker_words(text)


@pytest.mark.parametrize(
    "text",
    [
        "工作秘密包括尚未公布的人事安排和尚未发布的统计数据。",
        "银行卡密码、验证码注意保密，切勿告诉他人。",
    ],
)
def test_a_kind_of_matter_and_ones_own_codes_are_not(text: str) -> None:
    words = marker_words(text)
    assert not {"尚未公布", "尚未发布", "注意保密"} & set(words), words


def test_a_request_to_keep_it_is_shown_as_an_instruction() -> None:
    assert marker_label("请严格保密") == "内部交代“请严格保密”"
    assert marker_label("尚未公布") == "内部文件标记“尚未公布”"


@pytest.mark.slow
async def test_families_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    families = ["an interview paper's own notice", "a charges rule's draft not yet approved"]
    held = as_mails(SENSITIVE, families, _attach)
    await held_then_relayed(smtp_gateway, upstream, held, PUBLIC["a secrecy quiz"][1])
