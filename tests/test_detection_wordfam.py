"""The researched word families of issue 9 (personnel, land, public security), default tables.

Every sample here was written for this test from the public procedure texts the tables cite in
their comments (干部选拔任用工作条例 and 考察材料 writing guides, 职级晋升 and 村（社区）“两委”换届
rules, 土地管理法实施条例 and published 预公告, the 信访 and 扫黑 notices, 事故信息发布 rules):
the sensitive ones are what units write *before* a matter is public, the public ones are the
published forms of the same matter. None is taken from the evaluation set (``benchmarks/
detection/``). All are scanned with one ``dlp-gateway scan`` run; one of each family goes over
real SMTP, with the held ones found in the quarantine under the expected category.
"""

from __future__ import annotations

import pytest

from gateway.service import Gateway
from gateway.store.cases import case_with_timeline
from tests.fixtures_smtp import Sink, submit
from tests.support.addresses import EXTERNAL, SENDER
from tests.support.scans import scan_files
from tests.test_detection_families import _attach, docx, mail

#: family → (file name, content, category id): each must be held under that category
SENSITIVE: dict[str, tuple[str, bytes, str]] = {
    "personnel: 考察材料 on one named cadre": (
        "kaocha.docx",
        docx(
            [
                "钱文斌同志考察材料",
                "钱文斌，男，1981年6月生，汉族，大学学历，2004年8月参加工作，现任区交通运输局副局长。",
                "该同志政治立场坚定，熟悉交通项目管理，牵头完成农村公路提升工程，协调能力较强。",
                "主要缺点和不足：工作方法有时较急，对年轻干部传帮带不够。",
                "民主测评：参加测评42人，优秀票31张，称职票10张。",
                "考察组：区委组织部干部一科",
            ]
        ),
        "personnel",
    ),
    "personnel: who replaces whom, a request for instructions": (
        "qingshi.eml",
        mail(
            "请示",
            "部长：住建局局长一职，倾向由副局长柴志远接任，原局长冉建平转任区人大城建环资工委"
            "主任。妥否，请示。",
        ),
        "personnel",
    ),
    "personnel: 职级晋升 order of precedence": (
        "jinsheng.eml",
        mail(
            "晋升",
            "关于一级主任科员晋升的初步考虑：韦国平、甘秋萍两人任职年限都已满足，职数只有一个，"
            "建议本季度先晋升韦国平，甘秋萍明年再议。",
        ),
        "personnel",
    ),
    "personnel: 村两委 next term, in a table": (
        "liangwei.docx",
        docx(
            ["东溪片各村下届班子初步意见"],
            [
                ["村", "现任书记", "意见"],
                ["东溪村", "滕长春", "年龄偏大，期满后不再提名，拟由村委委员卜晓燕接任书记"],
                ["西溪村", "邬海平", "群众评价较好，考虑连任"],
            ],
        ),
        "personnel",
    ),
    "personnel: 后备干部 candidates": (
        "houbei.eml",
        mail(
            "后备",
            "经单位推荐，初步确定以下同志作为科级后备干部重点培养对象：邬海平（局办公室副主任）、"
            "巫晓梅（规划科科长）。请在下周部务会上讨论。",
        ),
        "personnel",
    ),
    "land: negotiation room on the appraisal": (
        "koujing.eml",
        mail("口径", "对剩余8户，最高可在评估价基础上再上浮15%，这是底牌，谈判时先按10%谈。"),
        "land",
    ),
    "land: 收储 parcels before announcement": (
        "shouchu.eml",
        mail(
            "收储",
            "拟收储地块清单：东溪村老砖厂地块35亩、粮站地块12亩，收储补偿按评估价的九折谈，"
            "年内完成收储后再对外公布。",
        ),
        "land",
    ),
    "land: suspension of approvals with a cover story": (
        "zanting.eml",
        mail(
            "通知",
            "即日起暂停东溪村宅基地审批和分户登记，群众问起就说是政策调整，不要提征收的事。",
        ),
        "land",
    ),
    "land: 勘测定界 before the 预公告": (
        "kance.eml",
        mail(
            "范围",
            "东溪村征收地块的勘测定界图已经出来了，涉及4个组约260亩，等区里定了再发预公告，"
            "先别让村里知道范围。",
        ),
        "land",
    ),
    "land: unsigned households with appraisal and asking price": (
        "yaojia.eml",
        mail(
            "未签约户",
            "东溪村3组未签约户情况：\n滕长春 评估86.5万元 要价120万元\n卜晓燕 评估71.2万元 要价95万元\n"
            "邬海平 评估64.0万元 要价80万元\n巫晓梅 评估58.3万元 要价70万元\n"
            "柴志远 评估92.1万元 要价130万元",
        ),
        "land",
    ),
    "public security: 舆情 video suppressed, poster warned": (
        "yuqing.eml",
        mail(
            "处置",
            "关于某小区业主维权视频的处置：视频已在短视频平台做沉底处理，相关话题已屏蔽；"
            "发布者姜海波已由辖区派出所训诫。",
        ),
        "public-security",
    ),
    "public security: accident bulletin before the public one": (
        "shigu.eml",
        mail(
            "事故",
            "11月30日东溪路口渣土车与电动车相撞，造成2人死亡。死者家属情绪激动，已安排镇村干部"
            "陪同；赔偿协议尚在谈，对外只说1人受伤送医，待家属签字后再发警情通报。",
        ),
        "public-security",
    ),
    "public security: 涉恶 clue, to be handed over": (
        "xiansuo.eml",
        mail(
            "线索",
            "线索核查情况：反映东溪村原村主任滕某强揽工程、暴力讨债的问题，经初查具有恶势力特征，"
            "拟移交区公安分局刑侦大队立案侦查；其亲属在村委任职，暂不惊动。",
        ),
        "public-security",
    ),
    "public security: 非访 fetched back": (
        "feifang.eml",
        mail(
            "赴京",
            "冉建平昨晚乘火车赴京，已通知驻京工作组在接待场所外接返，返回后由派出所训诫，"
            "其家属由村干部做工作。",
        ),
        "public-security",
    ),
    "public security: 包保 of 重点人员 during a meeting": (
        "baobao.eml",
        mail(
            "包保",
            "会议期间，对余某等5名重点人员实行包保责任制，每人落实2名包保干部，每日两次见面，"
            "动向异常立即报告。",
        ),
        "public-security",
    ),
    "personnel: 人选 to be chosen among two": (
        "bipei.eml",
        mail(
            "建议",
            "关于区财政局领导班子配备的建议：局长江海峰明年3月到龄，建议提前安排退出；副局长人选"
            "建议从预算科科长谭晓梅和国库科科长吕明中择优。",
        ),
        "personnel",
    ),
    "personnel: what colleagues said in the 考察": (
        "fanying.eml",
        mail(
            "考察",
            "对秦海涛同志的考察中，个别谈话有3人反映其工作作风简单粗暴，民主测评称职票偏低，"
            "建议暂缓提拔。",
        ),
        "personnel",
    ),
    "personnel: a 换届 incumbent to be talked out": (
        "quantui.eml",
        mail(
            "换届",
            "关于石门村换届的风险：现任主任郑某与书记长期不和，可能组织拉票；拟由包村领导提前谈话，"
            "引导其不再参选。",
        ),
        "personnel",
    ),
    "land: numbered draft of a 征收补偿方案": (
        "digao.eml",
        mail(
            "方案",
            "东溪村房屋征收补偿方案（第二稿）\n一、补偿标准：主房按评估价，附房按评估价八折。",
        ),
        "land",
    ),
    "land: refusing households and the enforcement plan": (
        "jujian.eml",
        mail(
            "签约",
            "截至昨日，滨江片区签约率91%，剩余17户中有5户明确拒签。下一步对这5户逐户落实包户干部，"
            "必要时启动裁决程序。",
        ),
        "land",
    ),
    "land: funding gap of an expropriation": (
        "quekou.eml",
        mail("资金", "东片区块涉及拆迁户63户，预计补偿总额1.8亿，资金缺口6000万。"),
        "land",
    ),
    "public security: 24-hour watch on 信访人员": (
        "kanhu.eml",
        mail(
            "敏感日",
            "明日为敏感日，请各村落实对本辖区重点信访人员的24小时看护，发现外出立即报告。",
        ),
        "public-security",
    ),
    "public security: a gathering dispersed": (
        "julian.eml",
        mail(
            "情况",
            "今天上午，西岭村十余名村民因征地补偿问题在镇政府门口拉横幅，派出所已到场，目前已劝离。",
        ),
        "public-security",
    ),
    "public security: a pending arrest": (
        "pibu.eml",
        mail(
            "案件",
            "关于何某某涉嫌聚众扰乱社会秩序一案，拟于下周提请批捕，请做好其家属的稳控工作。",
        ),
        "public-security",
    ),
    "public security: a covert investigation": (
        "mimi.eml",
        mail(
            "线索",
            "根据群众举报，金沙村村霸严某涉嫌强迫交易、寻衅滋事，目前正在秘密调查取证，严禁向任何人"
            "透露调查情况。",
        ),
        "public-security",
    ),
}

#: the published forms of the same matters: none may be held
PUBLIC: dict[str, tuple[str, bytes]] = {
    "职级晋升公示": (
        "zhiji.eml",
        mail(
            "公示",
            "关于公务员晋升职级的公示\n经局党组研究，拟晋升下列同志职级，现予公示：\n"
            "韦国平，拟晋升一级主任科员；\n甘秋萍，拟晋升二级主任科员。\n"
            "公示期：2026年12月1日至12月5日。监督电话：0571-86012380\n临江区司法局\n2026年11月30日",
        ),
    ),
    "两委换届 实施方案": (
        "fangan.eml",
        mail(
            "方案",
            "桐溪镇村（社区）“两委”换届工作实施方案\n一、人选条件。对受过刑事处罚、存在“村霸”和"
            "涉黑涉恶问题的，不得确定为候选人；年龄一般不超过60周岁。\n二、工作步骤。换届前开展"
            "村级班子分析研判，严格人选资格联审，推行书记、主任一肩挑，选好书记人选。\n"
            "三、换届纪律。严禁拉票贿选，对违反纪律的严肃处理。",
        ),
    ),
    "职务任免通知": (
        "renmian.eml",
        mail(
            "任免",
            "临江区人民政府关于钱文斌等同志职务任免的通知\n各镇人民政府、街道办事处，区政府各部门：\n"
            "经区政府研究决定：\n任命钱文斌为区交通运输局局长；\n免去冉建平的区交通运输局局长职务。\n"
            "临江区人民政府\n2026年12月1日",
        ),
    ),
    "考察材料 writing guide": (
        "xiezuo.eml",
        mail(
            "培训",
            "干部考察材料怎么写\n考察材料一般包括：标题；基本情况（姓名、性别、出生年月、学历、现任职务）；"
            "德能勤绩廉方面的主要表现；不足之处；民主推荐的参加人数、得票数和得票率；考察人。",
        ),
    ),
    "征收土地预公告 with its 暂停办理": (
        "yugonggao.eml",
        mail(
            "预公告",
            "临江区人民政府征收土地预公告\n因城镇建设需要，拟征收东溪村集体土地17.3公顷，现将有关"
            "事项预公告如下：\n一、拟征收土地范围见附图，勘测定界工作同步开展。\n二、自本公告发布"
            "之日起，在拟征收土地范围内暂停办理户口迁入、分户、宅基地审批和房屋翻建，不得抢栽抢建。\n"
            "三、公告期限：2026年12月5日至12月18日。\n临江区人民政府\n2026年12月5日",
        ),
    ),
    "出让公告 naming the 收储 body": (
        "churang.eml",
        mail(
            "出让",
            "临江区国有建设用地使用权挂牌出让公告\n经区政府批准，区自然资源局决定以挂牌方式出让"
            "LJ2027-02号地块国有建设用地使用权，该地块由区土地储备中心收储，起始价12,500万元。\n"
            "挂牌时间：2027年1月10日至1月20日。咨询电话：0571-86019876\n特此公告。\n"
            "临江区自然资源局\n2026年12月20日",
        ),
    ),
    "征迁 news": (
        "xinwen.eml",
        mail(
            "新闻",
            "本报讯 记者近日从桐溪镇获悉，东溪村旧村改造征迁工作进展顺利，已签约312户，签约率达"
            "95%，镇里坚持一户一策、阳光征收，补偿标准全部公开。",
        ),
    ),
    "信访秩序 通告": (
        "tonggao.eml",
        mail(
            "通告",
            "关于依法维护信访秩序的通告\n为维护信访秩序，根据《信访工作条例》等规定，特通告如下：\n"
            "一、信访人应当逐级反映诉求，不得越级走访。\n二、对缠访、闹访、在非信访接待场所聚集的，"
            "予以劝阻、批评教育；经劝阻无效的，由公安机关予以警告、训诫；违反治安管理处罚法的，"
            "依法予以拘留。\n特此通告。\n临江区公安分局\n2026年12月1日",
        ),
    ),
    "published 警情通报 of an accident": (
        "jingqing.eml",
        mail(
            "警情通报",
            "警情通报\n11月30日10时许，东溪路口发生一起渣土车与电动车相撞的交通事故，造成2人死亡。"
            "肇事司机已被警方控制，事故原因正在调查中，善后工作有序进行。\n"
            "临江区公安分局交通警察大队\n2026年11月30日",
        ),
    ),
    "网信 news on accounts": (
        "wangxin.eml",
        mail(
            "新闻",
            "本报讯 区委网信办今年以来依法处置违法违规账号320个，清理网络谣言和有害信息1.2万条，"
            "约谈属地网站平台负责人6次，网络生态持续向好。",
        ),
    ),
    "published rumour 通报 naming the poster": (
        "piyao.eml",
        mail(
            "通报",
            "近日，网传视频称东溪村有人被打。经核查，该视频系外地旧视频。警方依法传唤发帖人姜某，"
            "其对编造事实的行为供认不讳，已被依法行政拘留。请广大网民不信谣、不传谣。",
        ),
    ),
    "扫黑 judgment news": (
        "saohei.eml",
        mail(
            "新闻",
            "本报讯 近日，区人民法院对滕某等6人恶势力犯罪集团案作出一审判决。该团伙在东溪村强揽"
            "工程、暴力讨债，案件线索由群众举报，经公安机关核查后立案侦查。",
        ),
    ),
    "反诈宣传 mentioning 抓捕": (
        "fanzha.eml",
        mail(
            "反诈",
            "【反诈提醒】近期冒充公检法诈骗高发。骗子自称民警，称您涉嫌洗钱、即将实施抓捕，要求把钱"
            "转入安全账户。公安机关不会电话办案，如遇可疑情况请拨打96110。",
        ),
    ),
    "generic mail near the new rules' words": (
        "generic.eml",
        mail(
            "周报",
            "宣传片视频已下架重做；供应商报价最高可到12万元，这是底线。产业聚集区的项目已落地。"
            "防汛期间对重点对象落实包保责任人，老师全程陪同受伤学生就医。进京参加培训的同志带回了"
            "先进经验。考虑到可能产生的风险，系统暂停服务，对外统一口径。",
        ),
    ),
    "征收 training courseware": (
        "kejian.eml",
        mail(
            "培训",
            "征地拆迁业务培训课件\n一、征收程序：预公告、现状调查、风险评估、补偿安置方案公告、听证、"
            "签订协议、报批。\n二、常见问题：被征收户对评估结果有异议的，可申请复核评估。\n"
            "三、工作纪律：严禁暴力强拆，严禁泄露被征收户个人信息。",
        ),
    ),
    "房屋征收条例 study notes": (
        "tiaoli.eml",
        mail(
            "学习",
            "房屋征收与补偿条例学习要点\n第一，征收国有土地上的房屋，应当给予公平补偿。\n"
            "第二，征收部门拟定征收补偿方案，由政府组织论证、公布并征求公众意见。\n"
            "第三，被征收房屋的价值由评估机构评估确定。",
        ),
    ),
    "信访工作条例 training": (
        "xinfang.eml",
        mail(
            "学习",
            "信访工作条例解读\n一、信访工作坚持属地管理、分级负责。\n二、对到非信访场所上访的，"
            "由属地做好劝返和教育疏导工作。\n三、对重点信访人员要落实包案化解，防止矛盾激化。",
        ),
    ),
    "信访窗口 public commitment": (
        "chengnuo.eml",
        mail(
            "承诺",
            "区信访局实行24小时值班，群众上访反映的问题落实专人跟踪办理，做到件件有回音。",
        ),
    ),
    "平安提醒 on gatherings": (
        "tixing.eml",
        mail(
            "提醒",
            "【平安提醒】国庆期间外出旅游，请看管好随身财物，遇到纠纷请理性维权，不要聚集围堵，"
            "有困难请拨打110。",
        ),
    ),
}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Every sample through one ``dlp-gateway scan --format json`` run, by file name."""
    samples = (*SENSITIVE.values(), *PUBLIC.values())
    directory = tmp_path_factory.mktemp("wordfam")
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


@pytest.mark.slow
async def test_one_of_each_family_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    picks = [
        "personnel: 考察材料 on one named cadre",
        "personnel: who replaces whom, a request for instructions",
        "land: suspension of approvals with a cover story",
        "land: negotiation room on the appraisal",
        "public security: 舆情 video suppressed, poster warned",
        "public security: 非访 fetched back",
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
    public = ["职级晋升公示", "征收土地预公告 with its 暂停办理", "信访秩序 通告"]
    for family in public:
        _, data = PUBLIC[family]
        answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], data)
        assert (answer.code, answer.text.startswith("2.0.0")) == (250, True), (family, answer)
    await smtp_gateway.wait_background()
    assert len(upstream.to(EXTERNAL)) == len(public)  # the published texts, nothing else
