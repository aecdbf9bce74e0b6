"""Third round of researched word families (issue 9): the families of the retired blind split's misses.

The first blind split was retired to tuning; for each of its misses the *family* was named (what
kind of internal document, what construct makes it sensitive) and researched in public procedure
texts (扫黑除恶 clue rules, 生产安全事故报告和调查处理条例, 土地管理法实施条例 on the 预公告,
年轻干部储备库 rules, 保守工作秘密 markings). These samples are fresh wording of those families, a
sensitive form and a public look-alike each; none is taken from ``benchmarks/detection/``.
"""

from __future__ import annotations

import pytest

from gateway.service import Gateway
from gateway.store.cases import case_with_timeline
from matchers.builtin import DETECTORS
from tests.fixtures_smtp import Sink, submit
from tests.support.addresses import EXTERNAL, SENDER
from tests.support.scans import scan_files
from tests.test_detection_families import _attach, docx, mail

#: family → (file name, content, category id): each must be held under that category
SENSITIVE: dict[str, tuple[str, bytes, str]] = {
    "land: survey under another name before the 预公告": (
        "mingyi.eml",
        mail(
            "安排",
            "各组长：东湾片区的征收范围还没报批，下周入户测量统一以“地质灾害隐患排查”名义进行，"
            "群众问起就说是例行排查，不要主动解释。测量数据直接报指挥部。",
        ),
        "land",
    ),
    "land: suspension whose real reason is kept back": (
        "zanhuan.docx",
        docx(
            [
                "关于暂缓受理东湾村建房申请的情况说明",
                "暂缓的真实原因是东湾村将整体纳入高铁站前片区征收，窗口对外答复统一为系统升级。",
                "县自然资源局办公室",
                "2026年12月1日",
            ]
        ),
        "land",
    ),
    "land: attachments negotiation tally": (
        "tanpan.csv",
        (
            "户主,项目,标准补偿（元）,开价（元）,拟同意（元）,备注\n"
            "章立群,鱼塘,18000,50000,26000,可以再让一点\n"
            "莫晓燕,果树,9600,30000,14000,先按标准谈\n"
            "姬文涛,简易棚,4200,12000,6000,同意\n"
            "超出标准部分另行列支，不在公示名单中体现。\n"
        ).encode("gbk"),
        "land",
    ),
    "land: asking prices against what the group will concede": (
        "yaojia.eml",
        mail(
            "台账",
            "青苗清点后各户的情况：钱光辉要价8万，我们最多让到4.5万；陶秀英开价3万，按标准只有1.2万，"
            "拟同意1.8万。这个数只在指挥部内部掌握。",
        ),
        "land",
    ),
    "personnel: 年轻干部储备库 roster": (
        "chubeiku.docx",
        docx(
            ["优秀年轻干部储备库入库人员名册（第二批）", "备注：名单不公开，实行动态调整。"],
            [
                ["姓名", "现职", "层次", "意见"],
                ["邵明轩", "水务局办公室主任", "副科后备", "可先到乡镇任职"],
                ["蔡婉清", "团县委副书记", "正科后备", "群众基础好"],
                ["冉志远", "招商局综合股股长", "副科后备", "需补基层经历"],
            ],
        ),
        "personnel",
    ),
    "personnel: 后备 levels in a mail": (
        "houbei.eml",
        mail(
            "人选",
            "部长：这次动态调整拟新增正职后备3人、副职后备5人，名单附后，请审阅。",
        ),
        "personnel",
    ),
    "public security: 扫黑 clue summary with names": (
        "saohei.eml",
        mail(
            "线索梳理",
            "县扫黑办本月收到举报4件，其中3件指向码头装卸的郝金宝团伙，涉嫌强揽工程、殴打外地车主。"
            "建议先调取码头周边卡口记录和郝金宝的银行流水，再决定是否立案。",
        ),
        "public-security",
    ),
    "public security: evidence plan on a gang lead": (
        "diaozheng.eml",
        mail(
            "研判意见",
            "关于举报西街菜市场强收摊位费一事：涉恶线索基本可信，拟调取市场管理方近一年的银行流水"
            "和收费人员的通话记录，暂不接触举报人所说的柯姓管理员。",
        ),
        "public-security",
    ),
    "public security: accident bulletin with the agreed line": (
        "koujing.eml",
        mail(
            "通报",
            "关于东湾大桥施工坍塌事故情况的内部通报：事故造成2人死亡、3人受伤。对外发布口径为"
            "“1人受伤送医”，待善后协议签订后再逐级报送，各单位不得接受采访。",
        ),
        "public-security",
    ),
    "public security: late report kept out of the published figures": (
        "chibao.docx",
        docx(
            [
                "关于南湖冷库“12·1”氨泄漏事故的情况通报",
                "事故造成4人死亡。企业迟报6小时，对外发布口径为2人死亡，其余待家属签字后续报。",
                "县安委会办公室",
                "2026年12月2日",
            ]
        ),
        "public-security",
    ),
    "work secret: statement marking in a footer": (
        "yejiao3.docx",
        docx(
            ["2027年县本级财政收支平衡测算", "一、收入缺口约3.2亿元。"],
            footer="本报告系工作秘密 用后交回",
        ),
        "work-secret",
    ),
    "work secret: statement marking on its own line": (
        "zhuangbiao.eml",
        mail(
            "测算",
            "本材料属工作秘密\n关于城投公司到期债务的兑付安排\n一、2027年一季度到期8.6亿元。",
        ),
        "work-secret",
    ),
}

#: public look-alikes of the same families: each must pass
PUBLIC: dict[str, tuple[str, bytes]] = {
    "征收土地预公告 announcing the survey openly": (
        "yugonggao.eml",
        mail(
            "预公告",
            "东湾村征收土地预公告\n为了公共利益的需要，县人民政府拟征收东湾村部分集体土地。"
            "自本公告发布之日起，县政府组织有关部门开展土地现状调查，入户测量结果与权利人共同确认。"
            "公告期内暂停办理分户和建房审批。\n监督电话：0731-5550123\n县人民政府\n2026年12月1日",
        ),
    ),
    "青苗和地上附着物补偿标准 table": (
        "biaozhun.eml",
        mail(
            "标准",
            "县地上附着物和青苗补偿标准（2026年修订）\n果树：每株按树龄50元至150元补偿。\n"
            "鱼塘：每亩3000元。\n简易棚：每平方米40元。\n本标准自公布之日起施行，现予公布。"
            "\n咨询电话：0731-5550188",
        ),
    ),
    "年轻干部 training news": (
        "peixunban.eml",
        mail(
            "新闻",
            "本报讯 12月3日，全县优秀年轻干部培训班开班，来自县直单位和乡镇的60名年轻干部参加。"
            "培训为期两周，围绕基层治理、乡村振兴和应急处置开展专题教学。",
        ),
    ),
    "扫黑办 call for clues": (
        "zhengji.eml",
        mail(
            "通告",
            "关于征集黑恶势力违法犯罪线索的通告\n为深入推进扫黑除恶常态化，欢迎群众举报黑恶势力"
            "违法犯罪线索，县扫黑办对举报人信息严格保密。\n举报电话：0731-5551100\n"
            "县扫黑除恶专项斗争领导小组办公室\n2026年11月20日",
        ),
    ),
    "published accident report": (
        "diaochabaogao.eml",
        mail(
            "报告",
            "东湾大桥“10·8”施工坍塌事故调查报告（摘要）\n事故造成2人死亡、3人受伤，直接经济损失"
            "约420万元。经调查，施工单位存在迟报问题，对其处以罚款。现将调查结果予以公布。\n"
            "县应急管理局\n2026年12月2日",
        ),
    ),
    "征收土地预公告 posted in the village": (
        "zhangtiegonggao.docx",
        docx(
            [
                "西岭村土地征收预公告",
                "县人民政府拟征收西岭村部分集体土地，现将有关事项预公告如下：",
                "一、自本公告发布之日起暂停办理拟征收范围内的户口迁入、分户和建房审批。",
                "二、本公告在西岭村村委会予以张贴，并在县政府门户网站公开。",
                "县人民政府",
                "2026年12月1日",
            ]
        ),
    ),
    "事故信息发布 rules": (
        "fabuguiding.eml",
        mail(
            "规定",
            "县生产安全事故信息发布办法\n第一条 事故发生后，由县政府新闻办统一发布事故信息。\n"
            "第二条 发生死亡事故的，应当在事故发生后及时公布伤亡人数和救援进展。\n"
            "第三条 各单位不得擅自对外发布事故信息，不得迟报、瞒报。\n县人民政府办公室\n2026年11月1日",
        ),
    ),
    "保密 reminder with 阅后交回 and 不得复制": (
        "tixing.eml",
        mail(
            "提醒",
            "保密提醒\n涉密文件阅后交回，不得复制，不得带回家中。\n县保密局\n2026年11月2日",
        ),
    ),
    "征收 explanation giving its 实际原因": (
        "shuoming.eml",
        mail(
            "说明",
            "关于北郊片区土地征收成片开发方案的说明\n方案征求意见结束后报省政府批准。调整的实际原因"
            "是工业用地不足，征收范围详见附图。",
        ),
    ),
    "征收 Q&A asking under what name the survey runs": (
        "wenda.eml",
        mail(
            "问答",
            "关于北郊片区房屋征收的问答\n问：入户测量是以什么名义进行的？\n答：入户测量是房屋征收"
            "调查登记的法定程序，调查结果将在片区内公布。",
        ),
    ),
    "published accident report describing a false line": (
        "weibao.eml",
        mail(
            "报告",
            "南湖冷库事故调查报告（摘要）\n经调查，企业对外发布口径与实际伤亡情况不一致，存在瞒报"
            "行为，依法予以处罚。现予公布。\n县应急管理局\n2026年12月3日",
        ),
    ),
    "保密 training quoting the statement marking": (
        "biaozhupeixun.eml",
        mail(
            "培训",
            "保密工作培训要点\n各科室：工作秘密文件应在首页标注，例如页脚写“本材料属工作秘密”，"
            "用后应按规定交回。请在12月15日前完成自查。",
        ),
    ),
    "village notice asking to post the compensation rules": (
        "zhangtie.eml",
        mail(
            "通知",
            "关于张贴征地补偿标准的通知\n各村：请将县政府公布的征地补偿标准在村务公开栏张贴，"
            "方便群众查询。\n县自然资源局\n2026年12月3日",
        ),
    ),
}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Every sample through one ``dlp-gateway scan --format json`` run, by file name."""
    samples = (*SENSITIVE.values(), *PUBLIC.values())
    directory = tmp_path_factory.mktemp("wordfam3")
    return scan_files(directory, ((v[0], v[1]) for v in samples))


def test_file_names_are_distinct() -> None:
    names = [v[0] for v in (*SENSITIVE.values(), *PUBLIC.values())]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("family", list(SENSITIVE))
def test_sensitive_family_is_held(scanned: dict[str, dict], family: str) -> None:
    name, _, category = SENSITIVE[family]
    result = scanned[name]
    reached = [c["id"] for c in result["categories"] if c["score"] >= c["threshold"]]
    assert result["verdict"] == "quarantine", (family, result["categories"])
    assert category in reached, (family, result["categories"])


@pytest.mark.parametrize("family", list(PUBLIC))
def test_public_form_passes(scanned: dict[str, dict], family: str) -> None:
    name, _ = PUBLIC[family]
    result = scanned[name]
    assert result["verdict"] == "pass", (family, result["categories"])


#: statement markings with other nouns (本材料, 本报告, 此文件 …): each must be found
MARKINGS = {
    "本材料 in a footer": ("work_secret_statement", "本材料属工作秘密，请妥善保管"),
    "本报告系 on its own line": ("work_secret_statement", "本报告系工作秘密\n一、基本情况"),
    "此文件不予公开 under a title": ("work_secret_statement", "情况汇报\n此文件不予公开\n一、"),
    "不张贴 as a circulation limit": ("circulation_marker", "本说明不张贴，不形成书面告知。"),
}
#: the same forms quoted as examples: none may be found
EXAMPLES = {
    "quoted 本材料属工作秘密": (
        "work_secret_statement",
        "通知\n工作秘密文件应在页脚标注“本材料属工作秘密”。",
    ),
    "after 例如标注为": ("work_secret_statement", "通知\n例如标注为本报告系工作秘密。"),
    "an agreed line is not a circulation limit": (
        "circulation_marker",
        "广告审查提示：医疗广告不得提及治愈率，对外口径与备案信息一致。",
    ),
}


@pytest.mark.parametrize("case", list(MARKINGS))
def test_marking_on_a_document_is_found(case: str) -> None:
    detector, text = MARKINGS[case]
    assert list(DETECTORS[detector](text)), case


@pytest.mark.parametrize("case", list(EXAMPLES))
def test_marking_quoted_in_a_teaching_text_is_not_found(case: str) -> None:
    detector, text = EXAMPLES[case]
    assert not list(DETECTORS[detector](text)), case


@pytest.mark.slow
async def test_one_of_each_family_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    picks = [
        "land: suspension whose real reason is kept back",
        "land: attachments negotiation tally",
        "personnel: 年轻干部储备库 roster",
        "public security: 扫黑 clue summary with names",
        "public security: accident bulletin with the agreed line",
        "work secret: statement marking in a footer",
    ]
    assert smtp_gateway.sessionmaker is not None
    for family in picks:
        name, data, category = SENSITIVE[family]
        raw = data if name.endswith(".eml") else _attach(name, data)
        answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], raw)
        assert answer.code == 250 and answer.text.startswith("2.6.0 held for review"), (
            family,
            answer,
        )
        case = await case_with_timeline(smtp_gateway.sessionmaker, answer.text.rsplit(" ", 1)[1])
        assert case is not None
        assert category in {f["category"] for f in case.findings}, (family, case.findings)
    public = [
        "征收土地预公告 announcing the survey openly",
        "扫黑办 call for clues",
        "village notice asking to post the compensation rules",
    ]
    for family in public:
        _, data = PUBLIC[family]
        answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], data)
        assert (answer.code, answer.text.startswith("2.0.0")) == (250, True), (family, answer)
    await smtp_gateway.wait_background()
    assert len(upstream.to(EXTERNAL)) == len(public)  # the look-alikes, nothing else
