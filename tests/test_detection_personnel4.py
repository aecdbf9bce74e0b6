"""Fourth round of personnel families (issue 9): internal personnel-work constructs without markers.

Written from public procedure texts only (干部选拔任用工作条例, 监督执纪工作规则 on 谈话函询/
初步核实, 党政领导干部交流工作规定 and 轮岗 rules, 公务员职级晋升 rules, 村“两委”换届 schemes,
谈心谈话制度 explainers): each family is an undecided or unpublished step of personnel work, a
sensitive form and a public look-alike each. None is taken from ``benchmarks/detection/``; the
blind2 split was not read.
"""

from __future__ import annotations

import io

import pytest

from gateway.service import Gateway
from tests.fixtures_extract import zip_of
from tests.fixtures_smtp import Sink
from tests.support.scans import held_then_relayed, scan_files
from tests.test_detection_families import _attach, docx, mail


def pptx(slides: list[tuple[str, list[str]]]) -> bytes:
    from pptx import Presentation

    presentation = Presentation()
    for title, lines in slides:
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = "\n".join(lines)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


#: family → (file name, content): each must be held under ``personnel``
SENSITIVE: dict[str, tuple[str, bytes]] = {
    "undecided vacancy discussion": (
        "kongque.eml",
        mail(
            "碰头",
            "书记碰头会记录\n一、交通局局长缺位两个多月，人选有两个考虑：副局长姚承泽熟悉业务，"
            "柳溪镇党委书记卢嘉明年轻有冲劲，两位书记意见不完全一致，下次再碰。\n"
            "二、统计局副局长空缺，倾向在局内产生，不从外单位调。",
        ),
    ),
    "考察 that raised problems": (
        "kaocha.eml",
        mail(
            "回复",
            "部长，龚立新那边的考察有问题：谈话时两个人反映他和中标的施工方来往密切，考察组建议"
            "先暂缓，这个人选搁置一下，等核实清楚再上会。",
        ),
    ),
    "ranking sheet with the department's remarks": (
        "paiming.csv",
        (
            "排名,姓名,现职级,拟晋升职级,任职年限,科室意见\n"
            "1,宁思远,一级主任科员,四级调研员,6年,建议本次晋升\n"
            "2,鲍晓岚,一级主任科员,四级调研员,5年,建议本次晋升\n"
            "3,贺子墨,二级主任科员,一级主任科员,4年,职数不够时可缓\n"
        ).encode("gbk"),
    ),
    "a cadre withdrawn under a 纪委 初核": (
        "chehui.docx",
        docx(
            [
                "关于滕志杰同志有关情况的说明",
                "县纪委监委正在对反映滕志杰同志的问题进行初步核实，我局原报送的推荐材料予以撤回，"
                "初核结论出来前不再考虑其使用。",
                "县水利局党组",
                "2026年12月2日",
            ]
        ),
    ),
    "a 函询 holding back a promotion": (
        "hanxun.eml",
        mail(
            "情况",
            "报送的三个人里，隋宏刚今年10月被纪委函询过，回复还没有了结，他这次先不报了，其余两人照常。",
        ),
    ),
    "轮岗 pre-agreement": (
        "lungang.eml",
        mail(
            "转发：轮岗",
            "转发局长意见：财务股长凌晓峰和审批股长祁远航年后对调轮岗，已分别谈过，两人本人同意。"
            "党组会前暂不公开，不要和其他股室的人讲。",
        ),
    ),
    "谈心谈话 record": (
        "tanxin.docx",
        docx(
            ["谈心谈话记录"],
            [
                ["谈话对象", "庞玉洁（综合科副科长）"],
                ["谈话人", "副局长 闵国栋"],
                ["主要内容", "对去年没有晋升有些想法，思想动态不太稳定。"],
                ["本人诉求", "希望调到业务科室，表示明年再解决不了就考虑遴选到市里。"],
            ],
        ),
    ),
    "notes after a talk with the 组织部长": (
        "shouji.eml",
        mail(
            "记一下",
            "今天和组织部长谈的几点：办公室主任这个位置先空着，部长说人选不急；我们报的柏青松，"
            "部长意见再看看，年底前再考虑；副局长职数已满，明年有人到龄再说。",
        ),
    ),
    "村两委换届 汇报提纲": (
        "tigang.docx",
        docx(
            [
                "村“两委”换届人选情况汇报提纲",
                "东岭村：现任书记年龄偏大，初步意见是这届不再提名，人选考虑村委委员韦海涛。",
                "西岭村：两名候选人意见分歧较大，镇党委倾向先做工作再定。",
            ]
        ),
    ),
    # second batch, written after the first rules and scanned before they were tuned (2/9 held)
    "vacancies still open, a preference stated": (
        "chuque.eml",
        mail(
            "碰头",
            "两个位置的事：农业农村局一把手出缺，城关镇镇长也空了半年。组织部的想法是从乡镇书记里挑，"
            "我偏向让石磊过去，你看怎么样，周五前定。",
        ),
    ),
    "考察 that did not pass, in a chat": (
        "weixin.eml",
        mail(
            "微信",
            "[微信] 周科长：蒋文博考察没通过，民主测评不理想，还有人说他在乡镇时作风粗暴。\n"
            "[微信] 李部长：那先停下来，这次不上常委会了。",
        ),
    ),
    "考察 report: not fit this time": (
        "kaochabaogao.docx",
        docx(
            [
                "关于柯志远同志考察情况的报告",
                "考察中，有3名同志反映其工作作风简单，考察组经研究认为不宜作为本次提拔人选。",
            ]
        ),
    ),
    "考察 stopped under a 初核": (
        "zhongzhi.docx",
        docx(
            [
                "情况说明",
                "区纪委已对霍建平同志反映的问题立案前初步核实，根据有关规定，终止对其考察，"
                "取消考察对象资格。",
                "区住建局党委",
            ]
        ),
    ),
    "廉政意见 holding a name back": (
        "lianzheng.eml",
        mail(
            "说明",
            "常委会前收到纪委的廉政意见，反映严正阳的信访件正在核查中，建议这次不再提交讨论。",
        ),
    ),
    "交流 agreed before the order": (
        "jiaoliu.eml",
        mail(
            "Fw: 交流",
            "转发组织科意见：办公室主任江涛交流到信访局，已征求本人意见，无异议。调令下来前先别声张。",
        ),
    ),
    "谈话记录 with a wish to move": (
        "tanhua.docx",
        docx(
            [
                "谈话记录（张诗涵）",
                "谈话人：党组书记 孟建业",
                "谈话内容：该同志表示孩子在县城上学，希望组织考虑调回城区工作；对今年考核等次有意见。",
            ]
        ),
    ),
    "the 部长's view after a visit": (
        "bumen.eml",
        mail(
            "手记",
            "下午去组织部见了部长。部长的意思是副局长人选等换届后再说，让我们先把推荐名单压一压，"
            "老周的事他心里有数。",
        ),
    ),
    "测评 ranking with the 党组's remarks": (
        "paixu.csv",
        (
            "序号,姓名,职级,测评得分,排序,党组意见\n"
            "1,钟晓明,二级主任科员,92,1,同意推荐\n"
            "2,聂文静,二级主任科员,88,2,同意推荐\n"
            "3,龙浩,三级主任科员,85,3,年限不够暂不推荐\n"
        ).encode("gbk"),
    ),
    # fourth batch, other formats (slides, a zip of records, a sheet), scanned before tuning: 2/6
    "换届 slides on who steps down": (
        "huibao.pptx",
        pptx(
            [
                ("青石镇村“两委”换届工作汇报", ["汇报人：镇党委副书记"]),
                (
                    "人选分析",
                    [
                        "上坪村：书记何长贵连任意愿强，但群众评价一般，镇里意见是做通工作让其退下来。",
                        "下坪村：暂无合适人选，考虑从在外能人中回引。",
                    ],
                ),
            ]
        ),
    ),
    "谈心谈话 records in a zip": (
        "tanhua.zip",
        zip_of(
            [
                (
                    "tanhua1.docx",
                    docx(
                        [
                            "年轻干部谈心谈话情况",
                            "谈话对象：欧阳倩，经发办科员。",
                            "本人谈到在乡镇已满五年，想争取到县直部门，家里老人需要照顾。",
                        ]
                    ),
                ),
                (
                    "tanhua2.docx",
                    docx(
                        [
                            "年轻干部谈心谈话情况",
                            "谈话对象：温子涵，党政办科员。",
                            "思想动态：工作积极，但对这次没有进入后备名单有些失落。",
                        ]
                    ),
                ),
            ]
        ),
    ),
    "晋升 sheet with the 组织人事科's remarks": (
        "jinsheng.xlsx",
        xlsx(
            [
                ["序号", "姓名", "单位", "拟晋升职级", "排序", "组织人事科意见"],
                [1, "彭立新", "法规股", "一级主任科员", 1, "同意"],
                [2, "万小雨", "审批股", "一级主任科员", 2, "同意"],
                [3, "詹明", "财务股", "二级主任科员", 3, "本轮职数用完，下轮优先"],
            ]
        ),
    ),
    "考察 rumours reported back from the 组织部长": (
        "yilun.eml",
        mail(
            "Re: 谈话",
            "老李，今天我去和组织部长汇报了，你那个副县长的考察情况部长说听到了一些议论，暂时不往上报，"
            "让我们先稳住，别到处打听。",
        ),
    ),
    "晋升 held back while 纪委 checks": (
        "hecha.eml",
        mail(
            "情况",
            "局党组：经与县纪委沟通，宋宏伟同志因被反映问题尚在核实，本次职级晋升暂不考虑，"
            "待核实结束后按程序办理。请勿外传。",
        ),
    ),
    "下派 agreed with two 科长": (
        "xiapai.eml",
        mail(
            "Fw: Fw: 交流方案",
            "---- 转发 ----\n关于下派两名科长到乡镇的事，书记已经找孙岩、魏冬梅谈过话，两人都愿意去，"
            "正式文件年后发，目前只限班子成员知道。",
        ),
    ),
}

#: public look-alikes of the same families: each must pass
PUBLIC: dict[str, tuple[str, bytes]] = {
    "任前公示": (
        "renqian.eml",
        mail(
            "公示",
            "干部任前公示\n经县委研究，拟任命以下同志职务，现予以公示：\n卢嘉明，男，1985年生，"
            "拟任县交通局局长。\n公示期：2026年12月3日至12月9日。\n监督电话：0731-5556601\n"
            "中共××县委组织部",
        ),
    ),
    "职级晋升公示": (
        "zhijigongshi.eml",
        mail(
            "公示",
            "关于公务员职级晋升的公示\n根据职级晋升工作安排，经局党组研究，拟晋升宁思远为四级调研员、"
            "鲍晓岚为四级调研员，现予公示。公示时间为5个工作日。\n监督电话：0731-5556620\n"
            "县水利局\n2026年12月3日",
        ),
    ),
    "谈心谈话制度 explainer": (
        "zhidu.eml",
        mail(
            "学习",
            "谈心谈话制度要点\n一、谈话对象：班子成员、中层干部和一般干部。\n二、谈话内容：了解"
            "谈话对象的思想动态、工作表现和本人诉求，听取意见建议。\n三、谈话人应做好记录，"
            "谈话中反映的问题及时向党组汇报。\n县委组织部",
        ),
    ),
    "纪委 通报 of concluded cases": (
        "tongbao.eml",
        mail(
            "通报",
            "县纪委监委通报3起违反中央八项规定精神问题\n1. 县水务公司原副经理单某某违规收受礼金。"
            "经初步核实后立案审查，给予其党内严重警告处分。\n2. 某镇干部违规公款吃喝，"
            "经谈话函询后给予诫勉处理。\n县纪委监委\n2026年12月1日",
        ),
    ),
    "监督执纪 explainer on 问题线索": (
        "xiansuo.eml",
        mail(
            "知识",
            "问题线索怎么处置？按照监督执纪工作规则，纪检监察机关对问题线索按谈话函询、初步核实、"
            "暂存待查、予以了结四类方式处置。函询后本人应当如实说明，不再提拔使用的情形由组织部门"
            "依规把握。",
        ),
    ),
    "轮岗交流规定 text": (
        "guiding.eml",
        mail(
            "规定",
            "机关重要岗位工作人员交流轮岗办法\n第四条 在同一重要岗位工作满5年的，应当交流轮岗。\n"
            "第六条 交流轮岗前，由组织人事部门与本人谈话沟通，听取本人意见。\n"
            "县人力资源和社会保障局\n2026年11月1日",
        ),
    ),
    "考察 training news": (
        "peixun.eml",
        mail(
            "新闻",
            "本报讯 12月2日，县委组织部举办干部考察工作业务培训，讲解考察谈话中发现问题的核实、"
            "对反映问题的处理和暂缓任用的情形，全县50名组工干部参加。",
        ),
    ),
    "换届 implementation scheme": (
        "fangan.eml",
        mail(
            "方案",
            "村“两委”换届工作实施方案（摘要）\n一、人选条件：政治素质好、群众公认。\n二、对受过刑事"
            "处罚、存在村霸问题的，不得提名为候选人。\n三、人选考虑年龄结构，倾向推选年轻干部。\n"
            "镇党委\n2026年11月15日",
        ),
    ),
    "公开选调公告 naming a vacancy": (
        "xuandiao.eml",
        mail(
            "公告",
            "县统计局公开选调工作人员公告\n因工作需要，县统计局副局长职位空缺，现面向全县公开选调"
            "人选1名。报名时间：12月5日至12月12日。\n咨询电话：0731-5556633\n中共××县委组织部\n"
            "2026年12月4日",
        ),
    ),
    "轮岗 rule requiring consent": (
        "jingbenren.eml",
        mail(
            "办法",
            "干部交流轮岗实施细则\n第八条 跨单位交流轮岗的，应当经本人同意，由党组研究后统一宣布。"
            "\n第九条 交流轮岗人员应当按时到岗。\n县委组织部\n2026年11月20日",
        ),
    ),
    "sales mail with a 部长 and a ranking": (
        "xiaoshou.eml",
        mail(
            "周报",
            "本周门店销售排名：东区第一，西区第二。建议优先补货东区。新品上市的事部长说再看看，"
            "促销方案待定。",
        ),
    ),
    "纪委 通报 ending a 考察 (concluded)": (
        "tongbao2.eml",
        mail(
            "通报",
            "关于2起违纪违法典型问题的通报\n1. 某局原副局长蒋某某，经立案审查，给予开除党籍处分。\n"
            "2. 某镇党委原书记，经初步核实，终止其考察并给予诫勉。\n县纪委监委\n2026年12月1日",
        ),
    ),
    "交流轮岗 Q&A": (
        "wenda.eml",
        mail(
            "知识",
            "干部交流轮岗常见问答\n问：交流前是否征求本人意见？\n答：交流前组织部门与本人谈话，"
            "本人有异议的可以提出。\n县委组织部",
        ),
    ),
    "谈心谈话记录 blank form": (
        "moban.eml",
        mail(
            "记录模板",
            "谈心谈话记录表（模板）\n谈话人：\n谈话对象：\n谈话内容：了解思想、工作、生活情况，"
            "听取本人意见和诉求。\n县委组织部",
        ),
    ),
    # ordinary business mail built from the rules' words: each must pass
    "company vacancy with two candidates": (
        "qiye.eml",
        mail(
            "招聘",
            "王总：市场部经理岗位空缺一个月了，人选有两个考虑，内部提拔或者外部招聘，倾向先内部竞聘，"
            "下周例会再碰。",
        ),
    ),
    "customer-service rota": (
        "kefu.eml",
        mail(
            "HR",
            "各位：客服组下月开始轮岗，已沟通过的同事名单见附件，排班表暂不公开，以免大家提前换班。",
        ),
    ),
    "failed job interview": (
        "mianshi.eml",
        mail("面试", "候选人二面没通过，技术考察不理想，先放一放，这个岗位人选明年再说。"),
    ),
    "sales ranking with pay remarks": (
        "jixiao.eml",
        mail("绩效", "本季度绩效排名出来了，前三名建议本次调薪，第8名可缓。"),
    ),
    "谈心谈话 work news": (
        "xinwen.eml",
        mail(
            "新闻",
            "本报讯 县委组织部近日召开干部工作会议，部署年轻干部谈心谈话工作，要求谈话人了解谈话对象"
            "的思想动态，对希望调整岗位的合理诉求及时回应。",
        ),
    ),
    "纪委 clearing a cadre after 初核": (
        "chengqing.eml",
        mail(
            "通报",
            "县纪委监委通报：经初核，举报反映的问题不属实，依规予以了结，并为其澄清正名。\n"
            "县纪委监委\n2026年12月2日",
        ),
    ),
    "换届 training slides": (
        "peixun.pptx",
        pptx(
            [
                ("村“两委”换届工作培训", ["主讲：县委组织部"]),
                (
                    "换届程序",
                    [
                        "一、摸底调研，掌握人选情况。",
                        "二、资格联审，不符合条件的不得提名。",
                        "三、依法选举。",
                    ],
                ),
            ]
        ),
    ),
    "谈心谈话 notice": (
        "tongzhi.eml",
        mail(
            "通知",
            "关于开展年轻干部谈心谈话的通知\n各单位：请于12月底前完成与年轻干部的谈心谈话，了解思想动态"
            "和实际困难，谈话记录归档备查。\n县委组织部\n2026年12月1日",
        ),
    ),
    "职级晋升人员公示 naming two": (
        "jinshenggongshi.eml",
        mail(
            "公示",
            "职级晋升人员公示\n经研究，拟晋升彭立新、万小雨为一级主任科员，现予公示，公示期5个工作日。\n"
            "监督电话：0731-5556611\n县市场监管局\n2026年12月4日",
        ),
    ),
    "a study trip agreed with the 科长": (
        "xuexi.eml",
        mail(
            "学习", "下周去市局交流学习两天，已和科长谈过话，手头的工作交给小王，大家都愿意帮忙。"
        ),
    ),
    "换届 training notice for village 书记": (
        "peixuntongzhi.eml",
        mail(
            "通知",
            "各乡镇：村“两委”换届培训下周举行，请各村书记参加，做通工作、提前安排好农忙。",
        ),
    ),
    "reply about 考察 training slides": (
        "kejian.eml",
        mail(
            "回复",
            "县委组织部干部科：关于考察工作的培训课件已收到，个别地方有一些议论不够准确，我们修改后再报。",
        ),
    ),
}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Every sample through one ``dlp-gateway scan --format json`` run, by file name."""
    samples = (*SENSITIVE.values(), *PUBLIC.values())
    directory = tmp_path_factory.mktemp("personnel4")
    return scan_files(directory, ((v[0], v[1]) for v in samples))


def test_file_names_are_distinct() -> None:
    names = [v[0] for v in (*SENSITIVE.values(), *PUBLIC.values())]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("family", list(SENSITIVE))
def test_sensitive_family_is_held(scanned: dict[str, dict], family: str) -> None:
    name, _ = SENSITIVE[family]
    result = scanned[name]
    reached = [c["id"] for c in result["categories"] if c["score"] >= c["threshold"]]
    assert result["verdict"] == "quarantine", (family, result["categories"])
    assert "personnel" in reached, (family, result["categories"])


@pytest.mark.parametrize("family", list(PUBLIC))
def test_public_form_passes(scanned: dict[str, dict], family: str) -> None:
    name, _ = PUBLIC[family]
    result = scanned[name]
    assert result["verdict"] == "pass", (family, result["categories"])


@pytest.mark.slow
async def test_families_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    assert smtp_gateway.sessionmaker is not None
    held = {}
    for family in ["a cadre withdrawn under a 纪委 初核", "轮岗 pre-agreement"]:
        name, data = SENSITIVE[family]
        held[family] = data if name.endswith(".eml") else _attach(name, data)
    published = PUBLIC["纪委 通报 of concluded cases"][1]
    await held_then_relayed(smtp_gateway, upstream, held, published)
