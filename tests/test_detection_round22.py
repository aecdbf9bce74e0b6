"""Rounds 22-25 of issue 9 (after blind21-blind26 and the training corpus were read): what a
single wrong character, a few rows or a colleague's plain words must not hide.

- An ID number or bank card in a column labelled as such counts with a wrong check character.
- A few rows of *sensitive* personal information (a disability grade, an illness, a prison
  term, a relief status, a child's class beside the person's identifier) hold like a long list.
- A document that states its own classification in words, a marking closing a title in
  brackets, a 密级 cell of an approval form; a classified file photographed for a colleague.
- A table's head of the style model counts on internal evidence alone (``model_marked``): the
  note that says who gets the post and not to tell anyone, in words no table lists.
- Keeping quiet until a decision, 走漏, a demolition's 布控, a petition being organised.
- Published forms read by structure: a work report's aggregate figures, an explainer under a
  forwarding subject, a warning case; a job title (维稳信息员) is not the matter it names.
- Round 24: 秘密等级 as a form field, exam setters before the exam, a case to be filed down, a
  petitioner to be found before Beijing; a draft published for comment, a reply naming the
  drafts it withholds and a duty roster's standard instruction are public or harmless.
- Round 25: room to give in a negotiation, a valuer's figures kept from the village, notes on a
  duty roster (a dawn demolition, a couple to be watched), a 纪要 stating it is a work secret; a
  hearing announced and a spokesman on a scheme still at 征求意见稿 are public.

Samples written for this module; none is taken from ``benchmarks/``.
"""

from __future__ import annotations

import pytest

from gateway.service import Gateway
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


def _mistyped(first17: str) -> str:
    """An ID number whose province and birth date are right and whose check character is not."""
    valid = resident_id(first17)
    wrong = "0" if valid[-1] != "0" else "1"
    return valid[:17] + wrong


MISTYPED = [_mistyped(f"45213019580312{n}15") for n in range(5)]  # five residents of one township
IDS = [resident_id(f"33010219760501{n}22") for n in range(3)]

#: family → (category, file name, content): each must be held under its category
SENSITIVE: Sensitive = {
    "ID numbers in a labelled column, each with a wrong check digit": (
        "personal_data",
        "hucha.xlsx",
        xlsx(
            [["姓名", "身份证号", "住址"]]
            + [
                [name, number, f"荻港村{n + 1}组"]
                for n, (name, number) in enumerate(
                    zip(["韦春生", "覃美兰", "莫永福", "黎小燕", "蒙德厚"], MISTYPED, strict=True)
                )
            ]
        ),
    ),
    "three residents' disability grades beside their IDs": (
        "personal_data",
        "canji.eml",
        mail(
            "名单先发你",
            "这几户你先核一下：\n"
            f"龚秀英 {IDS[0]} 13907716624 二级肢体残疾\n"
            f"甘德明 {IDS[1]} 15877162208 一级视力残疾\n"
            f"罗翠兰 {IDS[2]} 18376614409 三级精神残疾\n其余的晚上整理完再发。",
        ),
    ),
    "two people released from prison, with their phones": (
        "personal_data",
        "bangjiao.eml",
        mail(
            "帮教对象",
            "所里转来两个，请网格员这周上门：\n蓝志刚 13977125561 盗窃 上月刑满 住东门巷8号\n"
            "谭小军 15107713348 涉毒 本周刑满 暂住河西出租屋",
        ),
    ),
    "a report that states its own classification": (
        "state_secret",
        "renfang.docx",
        docx(
            [
                "城区人防指挥工程改造情况汇报",
                "指挥工程拟迁至行政中心地下二层，面积约三千平方米，明年一季度开工。",
                "（本汇报定为机密级，保密期限二十年，只发领导小组成员）",
            ]
        ),
    ),
    "a marking closing the title in brackets": (
        "state_secret",
        "chubei.eml",
        mail(
            "分布表",
            "县级应急物资储备点分布（秘密★5年）\n点位 名称 库容\n1 北郊粮库 3000吨\n"
            "2 河口仓库 1200吨",
        ),
    ),
    "a classification field of an approval form": (
        "state_secret",
        "dingmi.xlsx",
        xlsx(
            [
                ["国家秘密事项定密审批表"],
                ["事项名称", "县域重要目标防护方案"],
                ["拟定密级", "秘密"],
                ["保密期限", "5年"],
            ]
        ),
    ),
    "a classified file photographed for a colleague": (
        "work_secret",
        "paizhao.eml",
        mail(
            "你看看",
            "昨天机要员送来的那个机密件，讲的就是明年那几个项目，我拍了几张发你，你看完删掉。",
        ),
    ),
    "who gets the post, told in confidence (model on internal evidence)": (
        "personnel",
        "weizi.eml",
        mail(
            "跟你说个事",
            "老冯，昨晚会上定了，办公室那个位子给小谭，老葛去档案馆。周一才宣布，你知道就行，"
            "先别跟老葛说。",
        ),
    ),
    "a demolition at dawn that must not leak": (
        "land",
        "chaiwei.eml",
        mail(
            "领导意见",
            "县领导批示：沿江那排违法建筑下周二早上统一行动，公安在两头路口布控，事前别走漏风声。",
        ),
    ),
    "a grid worker's report of a petition being organised": (
        "public_security",
        "jielong.eml",
        mail(
            "网格上报",
            "社区书记：小区群里有人组织业主周一一起去区政府，已经有30多人接龙，牵头的是5栋的柯某，"
            "还说要拉横幅。要不要报街道？",
        ),
    ),
    "a long-term petitioner watched by his nephew": (
        "public_security",
        "changqi.eml",
        mail(
            "今日动态",
            "所长：长期访的熊某某昨晚去火车站打听去北京的车次，没买票。已交代他侄子盯住，明天我再上门。",
        ),
    ),
    "标识 | 工作秘密 under an empty 密级 row": (
        "work_secret",
        "gaozhi.xlsx",
        xlsx(
            [
                ["发文稿纸"],
                ["标题", "关于调整村级包保责任分工的通知"],
                ["密级", ""],
                ["标识", "工作秘密"],
                ["拟稿人", "覃某"],
            ]
        ),
    ),
    "a form's 秘密等级 field": (
        "work_secret",
        "dengji.xlsx",
        xlsx(
            [["发文稿纸"], ["标题", "关于调整园区企业包保联系人的通知"], ["秘密等级", "工作秘密"]]
        ),
    ),
    "exam setters and their closed-door dates": (
        "work_secret",
        "mingti.eml",
        mail(
            "命题安排",
            "王股：今年中考命题教师9人，名单发你了，别转。12月10日入闱，对学校只说是外出学习。",
        ),
    ),
    "a case to be filed as an ordinary one": (
        "public_security",
        "dingxing.eml",
        mail(
            "所长意见",
            "昨晚那起斗殴先按一般治安案件办，不要报成涉恶线索，伤者那边村里先去做工作。",
        ),
    ),
    "a petitioner to be found before he reaches Beijing": (
        "public_security",
        "luodi.eml",
        mail(
            "走访简记",
            "上午到文某家，不在，邻居说去了省城亲戚家，电话关机，已报所里。所长交代进京前要落地，"
            "明天一早再去。",
        ),
    ),
    "room to give in a negotiation": (
        "land",
        "xieshang.eml",
        mail(
            "协商记录",
            "承包地收回协商未达成一致。会后领导交代：大棚设施补偿按残值算，残值可以松到八成，"
            "不要当场承诺。",
        ),
    ),
    "a valuer's figures kept from the village": (
        "land",
        "pinggu.eml",
        mail(
            "评估初步数据",
            "王主任：河湾片区第一批52户评估初步结果出来了，砖混均价2480元每平方，比预算高了5%左右，"
            "有3户面积先按保守算了。这个数先不要给到村里，公示前还要调。",
        ),
    ),
    "a duty roster's note on a dawn demolition": (
        "land",
        "zhiban2.eml",
        mail(
            "下周值班",
            "各位：下周值班如下。周一 段某 周二 侯某 周三 全员\n备注：周三凌晨4点集合，拆除河西路"
            "违建6处，事先不通知当事人，不要在朋友圈发。",
        ),
    ),
    "a duty roster's note on a couple to be watched": (
        "public_security",
        "zhiban3.eml",
        mail(
            "综治中心值班表",
            "周一 龚某 周二 钟某 周三 邹某\n另：柳塘镇的郑某某夫妇这周可能去市里，镇里派了两个人跟着，"
            "每晚核一下在不在家，日志里只写“已核”。",
        ),
    ),
    "a 纪要 stating it is a work secret in its footer": (
        "work_secret",
        "jiyao.docx",
        docx(
            ["县长办公会议纪要", "会议同意将水务公司股权作价划转，用于置换到期贷款。"],
            footer="本纪要属于工作秘密，仅限参会人员阅知",
        ),
    ),
}

#: family → (file name, content): published or ordinary, each must pass
PUBLIC: Public = {
    "a leak case told as a warning": (
        "jingshi.eml",
        mail(
            "保密警示教育案例",
            "案例：某局干部将一份机密件拍照后通过微信发给亲友，造成泄密，被给予党内严重警告处分。"
            "警示：涉密文件不得带回家，严禁拍照、扫描后通过互联网传递。",
        ),
    ),
    "a quiz on how a classification is stated": (
        "ceshi.eml",
        mail(
            "保密知识测试题",
            "单选题：某单位起草文件时写明“本报告定为秘密级”，下列关于保密期限的说法正确的是？\n"
            "A. 秘密级一般不超过10年\nB. 秘密级一般不超过20年",
        ),
    ),
    "a staff phone list with no sensitive attribute": (
        "tongxunlu.eml",
        mail(
            "征迁办通讯录",
            "征迁办工作人员通讯录：\n龚立新 13907716001 综合组\n甘秀梅 15877160002 测绘组\n"
            "罗志强 18376610003 协调组",
        ),
    ),
    "a retirement present kept as a surprise": (
        "tuixiu.eml",
        mail(
            "凑份子",
            "老周下周退休，大家凑份子给他买个纪念品，先别告诉他，周五下午欢送会上再拿出来。",
        ),
    ),
    "a year's work report in aggregate figures": (
        "baogao.eml",
        mail(
            "2026年区政府工作报告（节选）",
            "全年选派驻村干部64名，交流轮岗干部57名，提拔重用基层一线干部31名；落实“凡提四必”，"
            "对5名拟提拔人选暂缓任用，办理干部信访举报12件次。",
        ),
    ),
    "an explainer of the 凡提四必 rule, forwarded": (
        "weike.eml",
        mail(
            "转发",
            "【组工小课堂】什么是“凡提四必”？对拟提拔干部，档案必审、个人有关事项报告必核、"
            "纪检监察机关意见必听、信访举报必查。请转发学习。",
        ),
    ),
    "a warning case about internal material in a chat group": (
        "anli.eml",
        mail(
            "警示案例：内部资料进了家庭群",
            "某街道干部将一份注明内部资料的会议材料拍照发到家庭微信群，被转发扩散，受到政务警告处分，"
            "所在单位负责人被约谈。提醒广大干部：内部资料不进群、不上网。",
        ),
    ),
    "a town's reply naming its 维稳信息员 for a training": (
        "xinxiyuan.eml",
        mail(
            "回复：培训报名",
            "收到，我镇参加维稳信息员培训的是综治办的小韦和网格站的老黄，两个人都能全程参加。",
        ),
    ),
    "a draft compensation scheme published for comment": (
        "zhengqiu.eml",
        mail(
            "河西片区房屋征收补偿方案（征求意见稿）公开征求意见",
            "现将河西片区房屋征收补偿方案征求意见稿予以公布，征求意见期限30日。\n"
            "住宅房屋按评估价补偿，搬迁费每户2000元，临时安置费每月每平方米15元。",
        ),
    ),
    "a reply naming the valuation drafts it withholds": (
        "dafu.eml",
        mail(
            "政府信息公开申请答复书",
            "您提出的政府信息公开申请收悉。您申请公开的“全部被征收户评估报告初稿”中，您户的分户评估"
            "报告已送达；评估初稿属于过程性信息，依据《政府信息公开条例》第十六条不予公开。\n"
            "如不服本答复，可依法申请行政复议或者提起行政诉讼。",
        ),
    ),
    "a duty roster's standard instruction": (
        "paiban.eml",
        mail(
            "综治中心值班表",
            "12月值班：1日 韦某 2日 黄某 3日 蒙某\n值班要求：24小时在岗，遇重大情况、重点人员动态"
            "第一时间报告带班领导。",
        ),
    ),
    "a hearing announced on a compensation scheme": (
        "tingzheng.eml",
        mail(
            "关于河湾片区征收补偿方案听证会的公告",
            "河湾片区房屋征收补偿方案征求意见稿已于11月5日公布。因多数被征收人认为方案不符合条例"
            "规定，区政府决定组织听证。\n时间：12月8日上午9时\n地点：区政务服务中心\n"
            "河湾区人民政府 2026年11月25日",
        ),
    ),
    "a spokesman on a scheme still at 征求意见稿": (
        "fabuhui.eml",
        mail(
            "河湾片区征迁工作新闻发布会实录",
            "主持人：请记者提问。\n记者：二期什么时候启动？\n副指挥长：二期补偿方案正在编制，目前是"
            "征求意见稿阶段，成熟后依法公告。一期签约率已达86%，补偿款全部直达被征收人账户。",
        ),
    ),
    "a published notice of a demolition operation": (
        "tonggao.eml",
        mail(
            "关于依法拆除沿江违法建筑的通告",
            "关于依法拆除沿江违法建筑的通告\n沿江路一带违法建筑已依法作出限期拆除决定，当事人逾期"
            "未自行拆除。县综合执法局定于2026年12月15日起统一组织拆除，请相关当事人配合。\n"
            "监督电话：0771-1234567\n县综合行政执法局\n2026年12月1日",
        ),
    ),
}


scanned, test_sensitive_family_is_held, test_public_form_passes = family_tests(
    "round22", SENSITIVE, PUBLIC
)


def test_the_officer_sees_the_marker_that_let_the_model_count(scanned: dict[str, dict]) -> None:
    result = scanned["weizi.eml"]
    model = [f for f in result["findings"] if f["kind"] == "model"]
    # 范围模型（本类事项 0.41：…；内部文风 0.93；内部交代“先别跟老葛说”…）
    assert len(model) == 1 and model[0]["rule"].startswith("范围模型（本类事项 0."), model
    assert "内部交代" in model[0]["rule"], model


def test_a_few_sensitive_rows_are_reported_as_such(scanned: dict[str, dict]) -> None:
    assert "roster_sensitive" in detectors_of(scanned["canji.eml"])


@pytest.mark.slow
async def test_families_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    families = [
        "three residents' disability grades beside their IDs",
        "who gets the post, told in confidence (model on internal evidence)",
        "ID numbers in a labelled column, each with a wrong check digit",
    ]
    held = as_mails(SENSITIVE, families, _attach)
    published = PUBLIC["a retirement present kept as a surprise"][1]
    await held_then_relayed(smtp_gateway, upstream, held, published)
