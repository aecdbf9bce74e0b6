"""Round 32 of issue 9 (after blind39 and blind40 were read): what a few rows, a title line, a
column heading or a colleague's aside says, and the published forms that share their words.

- Personal data: three residents' ID numbers each beside an address or a mobile (a whole
  identity record, not just a number).
- State secret: a level bracketed on a table's title line (…分配（机密）); a classified paper
  relayed from a briefing with a word not to pass it on.
- Personnel: a reserve sheet with a level column and the organisation's view of each person.
- Work secret: inspection findings told before the report is written up.
- Public security: a clue handed over with the instruction not to alert the subject.
- Land: the ceiling a negotiator may go to and the first step he may offer.
- Public or harmless: a reply to an information request whose lines wrap like a PDF page's, a
  duty sheet asking for stability reports on time, an audit results announcement, a title with
  a level in the middle of its words.

Round 33 (after blind41, blind42 and the traino corpus were read): a marking read out with a
word to keep it quiet, one resident's record looked up for someone, a few residents' bank cards, an exam paper in plain words, a petitioner watched at
her door, survey maps without their technical processing, audit findings kept from the audited.
Public or harmless: a published tender with its ceiling price, a colleague saying there is no
need to call ahead.

Rounds 34-35 (after blind43, blind44 and the trainp corpus were read): a shadowing log, a 密级
field with its level after a space, a passage copied with the original's marking, a
conscription quota not to be passed down, a post deleted and its poster summoned, a control
price passed to a bidder's friend, a resident named in a sentence and looked up, residents'
data handed to an insurer; with the personal-data head of the model, a resident's whereabouts
and mobile passed to a relative and a boy's class, home and father's phone. Public: a hearing
notice on a draft compensation scheme, an annual disclosure report counting its refusals in a
table, a class teacher's phone in a parents' meeting notice.

Samples written for this module; none is taken from ``benchmarks/``.
"""

from __future__ import annotations

import pytest

from gateway.service import Gateway
from tests.fixtures_extract import zip_of
from tests.fixtures_matchers import resident_id
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
from tests.test_detection_personnel4 import xlsx

CARDS = ["6217 9955 8000 1234 560", "6228 4808 6612 0397 315", "6230 5211 7000 9652 014"]
IDS = [resident_id(f"3302241979{n + 3:02d}0{n + 1}41{n}") for n in range(4)]

#: family → (category, file name, content): each must be held under its category
SENSITIVE: Sensitive = {
    "three residents' ID numbers each beside a home address": (
        "personal_data",
        "buzhu.eml",
        mail(
            "补报名单",
            "社保所：\n下面三户麻烦帮忙录系统：\n"
            f"1\t鲍海涛\t{IDS[0]}\t溪口镇茶坪村4组12号\n"
            f"2\t邝秀兰\t{IDS[1]}\t溪口镇茶坪村6组3号\n"
            f"3\t尹德福\t{IDS[2]}\t县城迎宾路88号2幢501室\n"
            "谢谢",
        ),
    ),
    "a level bracketed on a table's title line": (
        "state_secret",
        "renwu.csv",
        "2027年度民兵预备役编组任务（机密）\n单位,编组数,重点专业,备注\n"
        "东坑镇,3,通信,\n西岭乡,2,防化,\n".encode("gb18030"),
    ),
    "a classified paper relayed from a briefing": (
        "state_secret",
        "chuanda.eml",
        mail(
            "跟你说一声",
            "老邝，上午县里开会传达的机密文件说明年要在咱们乡北边建个部队营区，"
            "大概要用四百亩，你先别往外说，等正式通知。",
        ),
    ),
    "a reserve sheet's level column and the organisation's view": (
        "personnel",
        "houbei.xlsx",
        xlsx(
            [
                ["序号", "姓名", "现任职务", "后备层级", "组织意见"],
                [1, "甘晓东", "发改局综合股股长", "副科级", "近期可用"],
                [2, "苗佳琪", "团县委办公室主任", "副科级", "放乡镇锻炼"],
                [3, "路振宇", "财政局预算股副股长", "正科级", "重点培养"],
            ]
        ),
    ),
    "inspection findings told before the report is written up": (
        "work_secret",
        "xuncha.eml",
        mail(
            "溪口那边的情况",
            "老甘：\n我们组在溪口镇巡察，这几天查出镇里用土地出让金给机关食堂装修，二十多万。\n"
            "报告尚未定稿，先跟你通个气。",
        ),
    ),
    "a clue handed over with the instruction not to alert the subject": (
        "public_security",
        "yijiao.docx",
        docx(
            [
                "关于移交问题线索的函",
                "县纪委监委：",
                "我局在侦办一起电信诈骗案中发现，某镇财政所工作人员涉嫌为他人违规提供账户，"
                "现将有关问题线索和转账记录函告贵委，请按程序处理。",
                "核查前请勿惊动当事人。",
                "县公安局",
            ]
        ),
    ),
    "the ceiling a negotiator may go to and his first step": (
        "land",
        "tanpan.eml",
        mail(
            "周五谈判",
            "小路：\n周五跟养殖场老板谈，按评估补偿是310万。"
            "镇里允许最高到380万，第一次只松到340万，别一次说完。",
        ),
    ),
    "a marking read out with a word to keep it quiet": (
        "state_secret",
        "kandao.eml",
        mail(
            "你知道就行",
            "哥，今天在办公室看到份文件，右上角印的机密★5年，说的是明年要在北山修一条军用公路，"
            "征用咱们村一百多亩。这事千万别跟别人讲。",
        ),
    ),
    "one resident's record looked up for someone": (
        "personal_data",
        "chazhao.eml",
        mail(
            "你要的",
            f"查到了，苗春燕，身份证{IDS[3]}，现住城南街道桂园小区5栋2单元301，"
            "别说是从我这儿查的。",
        ),
    ),
    "a few residents' bank cards": (
        "personal_data",
        "kahao.eml",
        mail(
            "卡号核对",
            f"会计：\n打不进去的三户卡号重新核了：\n覃长贵 {CARDS[0]}\n"
            f"邝桂英 {CARDS[1]}\n尹秋生 {CARDS[2]}\n明天一起重报。",
        ),
    ),
    "an exam paper in plain words": (
        "work_secret",
        "juanzi.eml",
        mail(
            "",
            "老甘，下周统考的语文卷子我放你柜子里了，谁问都说还在印，别让哪个学校先拿到。",
        ),
    ),
    "a petitioner watched at her door": (
        "public_security",
        "shouzhe.eml",
        mail(
            "报告",
            "所长，5栋那个邝老太这两天又说要去省里讨说法，我在她楼下守着，她一出门我就给您打电话。",
        ),
    ),
    "survey maps without their technical processing": (
        "state_secret",
        "dixingtu.eml",
        mail(
            "图",
            "甘工，你要的1:5000地形图是没做过技术处理的，坐标都在，我压缩了发你，用完别往别处拷。",
        ),
    ),
    "audit findings kept from the audited": (
        "work_secret",
        "jingze.eml",
        mail(
            "水务局那笔钱",
            "科长，经责审计这几天看下来，水务局前任局长任上有一笔300万的资金转到了一家合作社。"
            "报告还没出，先别跟被审计单位透这一步。",
        ),
    ),
    "a shadowing log": (
        "public_security",
        "genzong.eml",
        mail(
            "今天情况",
            "所长\n0720 鲍某 在家 车在院里\n0940 出门去镇上 小甘跟到信用社门口 见了一个外地人 拍了\n"
            "1300 回家\n明天还跟不跟，等您话",
        ),
    ),
    "a 密级 field with its level after a space": (
        "state_secret",
        "chulidan.eml",
        mail(
            "处理单",
            "文件处理单\n来文单位 市人防办\n密级 机密\n保密期限 5年\n标题 关于调整重要目标防护等级的通知",
        ),
    ),
    "a passage copied with the original's marking": (
        "state_secret",
        "chaolu.eml",
        mail(
            "抄的几段",
            "你要的我给你抄了几段：\n“明年我县民兵应急分队扩编至120人，集结点设在县武装部后院。”\n"
            "（原件标注：机密★5年，你看完删掉）",
        ),
    ),
    "a conscription quota not to be passed down": (
        "state_secret",
        "zhengbing.eml",
        mail(
            "",
            "小鲍，今年县里的征兵任务数定了，一共164人，这个数还没下文，你先别往村里传，等正式通知。",
        ),
    ),
    "a post deleted and its poster summoned": (
        "public_security",
        "shantie.eml",
        mail(
            "",
            "那个说城管打人的帖子已经联系平台删了，发帖的叫尹某，住桂园小区，明天叫到所里谈一下。",
        ),
    ),
    "a control price passed to a bidder's friend": (
        "work_secret",
        "kongzhijia.eml",
        mail(
            "",
            "敬老院改造那个项目控制价是312万，你跟你那个朋友说报290上下基本稳，别低于280。",
        ),
    ),
    "a resident named in a sentence and looked up": (
        "personal_data",
        "jiaoshenme.eml",
        mail(
            "查到了",
            f"你要查的那个人叫苗海燕，身份证{IDS[0]}，现在住在城南街道17号，电话13807715523，"
            "别说是我查的。",
        ),
    ),
    "residents' data handed to an insurer": (
        "personal_data",
        "baoxian.eml",
        mail(
            "名单",
            "甘总，你们保险公司要的那几个小区七十岁以上老人的名单我整理好了，姓名、电话、住址都有，"
            "一共九十多个，别说是从我这出去的。",
        ),
    ),
    "a resident's whereabouts and mobile passed to a relative": (
        "personal_data",
        "biaojie.eml",
        mail(
            "回复：你问的那个人",
            "表姐，你托我问的那个人我在系统里看了，叫鲍文杰，住城东花园5栋2单元，手机13807714426，"
            "去年离的婚，现在跟他妈住。",
        ),
    ),
    "a boy's class, home and father's phone": (
        "personal_data",
        "nanhai.eml",
        mail(
            "你要的",
            "刘哥，你侄女说的那个男孩叫甘子轩，三中初二（4）班的，家住桂园小区3栋，他爸在供电局上班，"
            "电话13977012345。",
        ),
    ),
}

PUBLIC: Public = {
    "a reply to an information request whose lines wrap like a PDF page's": (
        "dafu.eml",
        mail(
            "政府信息公开申请答复书",
            "政府信息公开申请答复书\n申请人鲍某：\n"
            "本机关收到您要求获取东坑村地块征收补偿明细的申请。经审查，该地块征收补偿安置方案已\n"
            "公告，现予提供；其他被征收人的补偿明细涉及个人隐私，依据《中华人民共和国政府信息\n"
            "公开条例》第十五条，不予公开；评估报告尚在出具中，暂不公开。\n"
            "如不服本答复，可在收到之日起60日内申请行政复议，或在6个月内依法提起行政\n"
            "诉讼。\n县自然资源局",
        ),
    ),
    "a duty sheet asking for stability reports on time": (
        "zhiban.xlsx",
        xlsx(
            [
                ["春节期间政法委机关值班表"],
                ["日期", "带班领导", "值班人员", "备注"],
                ["2月1日", "邝书记", "甘立军", "24小时在岗"],
                ["2月2日", "苗副书记", "尹佳", "信访维稳信息及时报送"],
            ]
        ),
    ),
    "an audit results announcement": (
        "shenji.docx",
        docx(
            [
                "东坑县审计局关于县水务集团财务收支情况的审计结果公告",
                "审计发现的主要问题：一是部分工程结算审核不严；二是往来款清理不及时，涉及资金800万元。",
                "对审计发现的问题，县水务集团已整改到位，有关问题线索已移送相关部门处理。",
            ]
        ),
    ),
    "a published tender with its ceiling price": (
        "zhaobiao.eml",
        mail(
            "招标公告",
            "北山县城北学校建设项目施工招标公告\n一、项目概况：建设规模约2.1万平方米。\n"
            "二、最高投标限价：4870万元。\n三、投标人资格要求：具有建筑工程施工总承包二级及以上资质。\n"
            "四、招标文件获取时间：2026年12月8日至12月14日。\n特此公告。\n北山县公共资源交易中心",
        ),
    ),
    "a colleague saying there is no need to call ahead": (
        "dazhaohu.eml",
        mail(
            "表格",
            "小苗，表我放门卫室了，你路过直接拿，不用打招呼。征迁办那边的签字我下午去补。",
        ),
    ),
    "a hearing notice on a draft compensation scheme": (
        "tingzheng.eml",
        mail(
            "听证公告",
            "关于桂园片区房屋征收补偿方案听证的公告\n"
            "因部分被征收人对征收补偿方案（征求意见稿）提出异议，本机关决定举行听证会。\n"
            "一、时间：下月10日上午9时。\n二、地点：桂园社区居委会会议室。\n"
            "三、参加人员：被征收人代表12名，人大代表、政协委员各2名。\n听证会公开举行。\n县房屋征收办公室",
        ),
    ),
    "an annual disclosure report counting its refusals in a table": (
        "nianbao.zip",
        zip_of(
            [
                (
                    "年度报告.docx",
                    docx(
                        [
                            "东坑县自然资源局2026年政府信息公开工作年度报告",
                            "一、总体情况：全年主动公开政府信息280条，其中征收土地预公告12件、"
                            "补偿安置方案公告8件。",
                            "二、依申请公开：收到申请40件，予以公开25件，部分公开6件，不予公开9件。",
                        ]
                    ),
                ),
                ("附表.csv", "项目,数量\n主动公开,280\n依申请,40\n不予公开,9\n".encode()),
            ]
        ),
    ),
    "a class teacher's phone in a parents' meeting notice": (
        "jiazhanghui.eml",
        mail(
            "家长会通知",
            "各位家长：本周五下午三点召开家长会，请准时参加。如有事请联系班主任刘老师，电话13977012345。",
        ),
    ),
    "a title with a level in the middle of its words": (
        "qingcha.eml",
        mail(
            "清查通知",
            "关于开展（秘密）载体清查工作的通知\n各科室：请于本周五前自查本科室保管的涉密载体，"
            "填写清查表后交办公室。",
        ),
    ),
}

scanned, test_sensitive_family_is_held, test_public_form_passes = family_tests(
    "round32", SENSITIVE, PUBLIC
)


def test_the_records_are_found_as_whole_records(scanned: dict[str, dict]) -> None:
    assert "roster_record" in detectors_of(scanned["buzhu.eml"])


def test_the_title_level_is_a_marking(scanned: dict[str, dict]) -> None:
    assert "secrecy_marking" in detectors_of(scanned["renwu.csv"])


@pytest.mark.slow
async def test_families_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    families = [
        "three residents' ID numbers each beside a home address",
        "inspection findings told before the report is written up",
        "the ceiling a negotiator may go to and his first step",
    ]
    held = as_mails(SENSITIVE, families, _attach)
    published = PUBLIC["an audit results announcement"][1]
    await held_then_relayed(smtp_gateway, upstream, held, _attach("shenji.docx", published))
