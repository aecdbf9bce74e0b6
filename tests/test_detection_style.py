"""Internal style (issue 9, fifteenth to eighteenth rounds): a working paper read by how it is
written, and the families the rounds after blind13-blind16 added.

The style model (:mod:`matchers.style`) corroborates a table's topic words the way an internal
marker does, only where it is sure (``[context] style_cut``) and only where the table already
has topic hits: an internal chat with no topic word is not held for its style, a published
notice with the same word is not held for it either. A list of people in a text that reads as
published, or a staff list (值班安排, 签到表), does not name people as a matter's subjects.
Samples written for this module; none is taken from ``benchmarks/detection/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.service import Gateway
from matchers.context import circulation_markers, in_sentence, reads_published
from matchers.engine import Engine
from matchers.model import Segment, Verdict
from matchers.scope import ScopeError, load_scope
from matchers.style import StyleModel, default_model, features
from tests.fixtures_smtp import Sink
from tests.support.scans import Public, Sensitive, family_tests, held_then_relayed
from tests.test_detection_families import _attach, docx, mail
from tests.test_detection_personnel4 import pptx, xlsx
from tests.test_detection_set import runner_module

ROOT = Path(__file__).resolve().parent.parent

#: family → (category, file name, content): each must be held under its category
SENSITIVE: Sensitive = {
    # -- held by a table's own head (learnt topic and style) on one weak word of the table
    "a move arranged between colleagues (model)": (
        "personnel",
        "laoshan.eml",
        mail(
            "老单的事",
            "部长：老单明年到龄，书记的意思是让他先去政协过渡，位置给小邹，小邹那边我还没跟他谈，"
            "你们先摸一下他本人的想法。",
        ),
    ),
    "a household holding out (model)": (
        "land",
        "bujian.eml",
        mail(
            "今天的情况",
            "蒲塘村今天又签了两户，还剩九户。老卞家还是那句话，不给两套安置房不签。他侄子在区里"
            "上班，明天我找他单位领导聊聊。",
        ),
    ),
    "a reserve list marked at its head": (
        "work_secret",
        "houbei.eml",
        mail(
            "后备干部储备名单",
            "内部掌握　请勿外传\n年轻干部储备名单：邹立新（区财政局）、单秀英（区发改委）",
        ),
    ),
    # -- the rounds' families (fresh wording)
    "a footer limiting the paper to the meeting": (
        "work_secret",
        "yiti.docx",
        docx(
            [
                "区政府专题会议材料：关于区属平台公司薪酬总额调整的意见",
                "拟将平台公司薪酬总额压减12%。",
            ],
            footer="本方案仅供会议讨论使用，会后收回",
        ),
    ),
    "内部资料 stamped before a deck's title": (
        "work_secret",
        "huibao.pptx",
        pptx([("内部资料　　全县债务化解进展汇报", ["一、存量债务", "二、下一步打算"])]),
    ),
    "a nomination not settled, in a chat": (
        "personnel",
        "liaotian.eml",
        mail(
            "明天",
            "组织科工作群\n甲：明天找伍志强谈话吗？\n乙：先不谈，他那个副镇长的提名还没定，"
            "部长说再等等。另外柏某的降职材料周五前要报上去。",
        ),
    ),
    "an online rumour with a drafted public line": (
        "public_security",
        "yuqing2.eml",
        mail(
            "关于一起网络舆情的情况报告",
            "县委网信办：\n网民在本地论坛发帖称中学食堂食材过期。经核实系个别批次牛奶临期。"
            "拟对外口径：“已责令整改，相关人员已处理。”涉事供应商名称暂不公布。",
        ),
    ),
    "a planned detention before it is decided": (
        "public_security",
        "banli.eml",
        mail(
            "办理情况",
            "局领导：\n关于园区门口聚集一事，已传唤6人，其中2人为组织者，拟以扰乱单位秩序对其行政拘留"
            "7日，其余人员教育后放回。对外暂不通报。\n治安大队",
        ),
    ),
    "a demolition operation at dawn": (
        "land",
        "xingdong.eml",
        mail(
            "周四行动",
            "各组：周四凌晨4点对河滩三处违建实施集中拆除，公安40人（含特警一个中队）配合，"
            "供电所先行断电，4点在镇政府集合，手机统一上交。",
        ),
    ),
    "a petitioner followed to the capital": (
        "public_security",
        "dongxiang.eml",
        mail(
            "老韦的动向",
            "所长：名单上的韦秋生今天说要去北京，已经让村里两个人跟上了，到了站就报位置，"
            "你跟驻京组说一声，接到人先劝回。",
        ),
    ),
    "a sale plan with a buyer lined up": (
        "land",
        "churang.pptx",
        pptx(
            [
                ("2027年经营性用地出让计划（汇报稿）", ["计划出让9宗"]),
                ("重点地块", ["东湖-02 住宅 拟起始价560万元/亩 意向单位：区属国企保底"]),
            ]
        ),
    ),
    "a leader's instruction on a candidate, transcribed": (
        "personnel",
        "pishi.eml",
        mail(
            "书记批示",
            "部长：\n书记在《关于区文旅局主要负责人人选的请示》上批了：同意，但要把审计的事了解清楚；"
            "另一位这次不考虑。批示件原件在我处。",
        ),
    ),
    "an appraisal ranking with a demotion planned": (
        "personnel",
        "cepingpaiming.xlsx",
        xlsx(
            [
                ["区水利局领导班子成员测评得分排名"],
                ["排名", "姓名", "职务", "综合得分"],
                [1, "郎志远", "局长", 94.1],
                [2, "詹秀梅", "副局长", 71.5],
                ["备注：詹秀梅连续两年末位，拟进行组织调整，结果暂不反馈本人"],
            ]
        ),
    ),
    "a risk grading of named psychiatric patients": (
        "public_security",
        "fengxian.eml",
        mail(
            "11月风险评估",
            "各社区：本月严重精神障碍患者风险评估结果如下，请落实监护：\n"
            "覃立国 精神分裂症 风险等级3级 监护人：父亲 管控措施：民警每周联系\n"
            "龙海燕 双相障碍 风险等级4级 监护人：丈夫 管控措施：民警每日联系",
        ),
    ),
    "a stake-out kept from the township": (
        "public_security",
        "dunshou.eml",
        mail(
            "进展",
            "教导员：变压器被盗案有进展，嫌疑人有盗窃前科。今晚起在收购站蹲守，发现销赃就抓现行，"
            "行动前别让镇里知道。",
        ),
    ),
    "a household's asking price against our figure": (
        "land",
        "tanpan.eml",
        mail(
            "今天情况",
            "今天又签了3户，剩5户。老冉家咬死要160万，我们测算是128万，指挥部的口子最多到140，"
            "明天再上门一次，这个数先别松口。",
        ),
    ),
    "a side payment kept from the other households": (
        "land",
        "sixia.eml",
        mail(
            "做工作的情况",
            "镇里：三组的詹家我去了两次，本人还是嫌钱少，我说私下能再给个搬家奖，他说考虑。"
            "钱的事没跟其他户说，怕攀比。",
        ),
    ),
    "a valuation adjusted with the town before issue": (
        "land",
        "pinggu.eml",
        mail(
            "评估价格",
            "镇长：评估公司的初评单价砖混主房2980元，经沟通拟上调到3200元，调整后总额控制在"
            "9000万以内，正式报告待镇里确认后出具。",
        ),
    ),
    "votes steered before a recommendation meeting": (
        "personnel",
        "yinpiao.eml",
        mail(
            "明天的会",
            "小朱：明天开推荐会，你提前跟几个村书记打个招呼，票往蒋立军身上引一下，别到时候难看。",
        ),
    ),
    "a payment under another heading": (
        "land",
        "mingyi.eml",
        mail(
            "谈的情况",
            "镇长：组里要求每亩补到7万，区片价只有5.2万。我私下跟组长讲了，镇里最多能以产业扶持的"
            "名义再给每亩6000，下次谈之前请镇里先定个底。",
        ),
    ),
    "a drafting form with its 密级/标识 field": (
        "work_secret",
        "gaozhi.xlsx",
        xlsx(
            [
                ["发文稿纸"],
                ["文件标题", "关于调整部分事业单位编制的请示"],
                ["密级/标识", "工作秘密"],
                ["核稿", "秦"],
            ]
        ),
    ),
    "a village secretary's ideas for the election": (
        "personnel",
        "huanjie.eml",
        mail(
            "村里换届",
            "钟委员：村里换届的想法我说一下。现在的主任年纪大了，这次不提她了；想让蒙志刚进来当主任。"
            "村里还没开会，千万别传出去。",
        ),
    ),
}

#: family → (file name, content): published or ordinary texts that must pass
PUBLIC: Public = {
    "an internal chat with no topic word (style alone)": (
        "huiyishi.eml",
        mail(
            "会议室",
            "小蒙：\n周四下午那个会改到三楼小会议室了，你跟老杨说一声，投影仪我上午先去试一下，"
            "材料还是按上回那样每人一份。",
        ),
    ),
    "a published relocation notice with the same word": (
        "anzhigonggao.eml",
        mail(
            "公告",
            "东关片区安置房分配结果公告\n根据《东关片区房屋征收补偿方案》，现将安置房分配结果公告如下。"
            "公告期为7日，监督电话：0571-8862310。\n特此公告。\n东关街道办事处\n2026年12月1日",
        ),
    ),
    "a draft published for comment": (
        "zhengqiu.docx",
        docx(
            [
                "南郊片区征收补偿方案（征求意见稿）公告",
                "现将征收补偿方案征求意见稿予以公布，征求意见期限30日。",
                "意见可书面提交至区房屋征收办公室。",
            ]
        ),
    ),
    "a reply refusing disclosure of a valuation": (
        "dafu.docx",
        docx(
            [
                "政府信息公开申请答复书",
                "申请人：",
                "其他被征收户的分户评估结果涉及个人信息，根据《政府信息公开条例》第十五条，不予公开。",
                "整体评估报告尚在复核中，属于过程性信息，暂不公开。",
                "如不服本答复，可在60日内申请行政复议或在6个月内提起行政诉讼。",
            ]
        ),
    ),
    "a press conference saying the draft is online": (
        "fabuhui.eml",
        mail(
            "发布会答问整理（可公开）",
            "物流园项目新闻发布会答问整理\n问：补偿标准如何确定？\n答：补偿标准按区片综合地价执行，"
            "方案征求意见稿已在县政府网站公开。\n问：是否会强拆？\n答：协商不成的依法作出补偿决定，"
            "由法院审查后执行，不存在强拆。",
        ),
    ),
    "a lesson from leak cases": (
        "jingshi.docx",
        docx(
            [
                "泄露工作秘密典型案例警示教育材料",
                "案例一：某街道干部将征迁补偿测算表拍照发到家庭群，受到警告处分。",
                "案例二：某单位误将内部讨论稿上传政府网站，负责人被诫勉谈话。",
                "请各单位组织学习，引以为戒。",
            ]
        ),
    ),
    "a village's published payout table": (
        "cunwu.xlsx",
        xlsx(
            [
                ["竹园村征地补偿款分配村务公开表"],
                ["序号", "户主", "分配金额（元）"],
                [1, "覃立新", 52000],
                [2, "龙桂英", 39000],
                ["以上分配方案经村民代表会议通过，公开期7天，有异议请向村监委反映。"],
            ]
        ),
    ),
    "a course notice for newly promoted cadres": (
        "peixun.eml",
        mail(
            "关于举办新任科级干部培训班的通知",
            "各单位：\n县委组织部定于12月15日举办新任科级干部任职培训班，今年新提拔的科级干部均应参训，"
            "名单以任职通知为准。请于12月10日前报送回执。\n联系人：蒙老师 0578-6623015",
        ),
    ),
    "an ordinary note that reads like a colleague's (no word of the table)": (
        "baoshang.eml",
        mail("材料", "主任：那个项目的材料我改好了，您看一下，没问题我就报上去。"),
    ),
    "a press conference describing what is kept inside": (
        "shilu.eml",
        mail(
            "区政府新闻发布会实录",
            "主持人：请记者提问。\n记者：后备干部名单会公开吗？\n区委组织部副部长：年轻干部储备名单"
            "属于组织内部掌握的工作信息，不对外公布；提拔任用时一律进行任前公示。",
        ),
    ),
    "a news report on the relocation work": (
        "xinwengao.eml",
        mail(
            "征迁工作推进会召开",
            "近日，我区召开征迁工作推进会。会议通报了各项目签约进度，要求各街道严格执行补偿标准，"
            "依法依规推进征收工作，切实维护群众合法权益。",
        ),
    ),
    "a reply to 您申请公开 refusing the details": (
        "dafu2.eml",
        mail(
            "关于您的政府信息公开申请的答复",
            "申请人：\n您申请公开“片区全部被征收户补偿金额明细”。该信息涉及其他被征收人的个人隐私，"
            "依据《政府信息公开条例》第十五条不予公开；“征收补偿测算底稿”属于过程性信息，依据第十六条"
            "不予公开。已公开的补偿安置方案可在政府网站查询。",
        ),
    ),
    "a duty roster of the relocation office": (
        "zhiban.eml",
        mail(
            "元旦期间征迁办值班安排",
            "各位：元旦值班安排如下。\n12月31日 詹国强（带班） 龙秀梅\n1月1日 覃志远（带班） 韦晓东\n"
            "值班地点：征迁指挥部一楼。涉及补偿政策的按已公布的方案解释。",
        ),
    ),
}


scanned, test_sensitive_family_is_held, test_public_form_passes = family_tests(
    "style", SENSITIVE, PUBLIC
)


CHAT = (
    "安置房的事，老杨家还是不肯签，说别人给的多。我们算的是96万，他要120万。明天我再去一趟，"
    "你先把他儿子单位那边联系一下。"
)


def _table(directory: Path, cut: float) -> Engine:
    """One table with a weak word and the internal-style evidence from ``cut``."""
    (directory / "t.toml").write_text(
        'id = "land"\nname = "征地拆迁"\nthreshold = 100\n[context]\ninternal_min = 40\n'
        f"style = 60\nstyle_cut = {cut}\n"
        '[[terms]]\nwords = ["安置房"]\nweight = 40\n',
        encoding="utf-8",
    )
    return Engine.compile(load_scope(directory))


def test_the_style_corroborates_a_topic_word_where_the_model_is_sure(tmp_path: Path) -> None:
    probability = default_model().judge(CHAT).probability
    assert 0.6 < probability < 0.99  # a chat between colleagues, read as a working paper
    sure = _table(tmp_path, round(probability - 0.05, 2)).decide([Segment("正文", CHAT)])
    assert sure.verdict is Verdict.QUARANTINE
    style = [f for f in sure.findings if f.kind == "style"]
    # 内部文风（模型评分 0.90：“情况”“那边”“一下”）: the score and the groups that weighed most
    assert len(style) == 1 and style[0].rule.startswith("内部文风（模型评分 0."), sure.findings
    assert "：“" in style[0].rule and style[0].weight == 60
    unsure = _table(tmp_path, round(probability + 0.01, 2)).decide([Segment("正文", CHAT)])
    assert unsure.verdict is Verdict.PASS and not [f for f in unsure.findings if f.kind == "style"]
    # the model never holds on its own: the same chat without the table's word
    alone = _table(tmp_path, 0.51).decide([Segment("正文", CHAT.replace("安置房", "那件"))])
    assert alone.verdict is Verdict.PASS and alone.categories == ()


def test_the_officer_sees_the_table_head_and_its_cues(scanned: dict[str, dict]) -> None:
    for name in ("laoshan.eml", "bujian.eml"):
        model = [f for f in scanned[name]["findings"] if f["kind"] == "model"]
        assert len(model) == 1, scanned[name]["findings"]
        # 范围模型（本类事项 0.64：“…”“…”；内部文风 0.87）
        assert model[0]["rule"].startswith("范围模型（本类事项 0."), model[0]["rule"]
        assert "；内部文风 0." in model[0]["rule"]


def test_a_text_that_reads_as_published_has_its_topic_words_discounted(
    scanned: dict[str, dict],
) -> None:
    suppressed = scanned["xinwengao.eml"]["suppressed"]
    assert suppressed and all(
        s["suppressed_by"].startswith("公开文风（模型评分 0.") for s in suppressed
    ), suppressed


def test_circulation_words_in_a_published_sentence_are_a_description() -> None:
    transcript = (
        "主持人：请记者提问。\n记者：名单会公开吗？\n副部长：名单属于组织内部掌握的工作信息，"
        "不对外公布，请大家理解。\n今天的发布会到此结束。"
    )
    assert reads_published(transcript)
    assert list(circulation_markers(transcript)) == []
    marked = "内部掌握　请勿外传\n年轻干部储备名单：邹立新、单秀英"
    assert [word for *_, word in circulation_markers(marked)] == ["内部掌握", "请勿外传"]
    # a heading's bracketed tail is not a sentence: 公告（征求意见稿） keeps its marker
    title = "临江区征地补偿安置公告（征求意见稿）"
    assert not in_sentence(title, title.index("征求"), title.index("）"))


def test_a_staff_list_names_no_subjects(scanned: dict[str, dict]) -> None:
    findings = scanned["zhiban.eml"]["findings"]
    assert not [f for f in findings if f["kind"] == "named"], findings


def test_the_model_never_saw_an_unread_split() -> None:
    runner = runner_module()
    trained = default_model().meta["splits"]
    assert isinstance(trained, list) and "dev" in trained
    evaluation = {split for split in trained if not split.startswith("training/")}
    assert evaluation <= {*runner.LISTED, *runner.RETIRED}, trained
    assert not evaluation & (set(runner.BLIND_SPLITS) - set(runner.RETIRED))


def test_character_groups_do_not_cross_punctuation() -> None:
    assert set(features("征收，补偿")) == set(features("征收")) | set(features("补偿"))
    assert set(features("征收补偿")) > set(features("征收")) | set(features("补偿"))


def test_a_style_cut_outside_its_range_is_refused(tmp_path: Path) -> None:
    (tmp_path / "t.toml").write_text(
        'id = "t"\nname = "测试"\nthreshold = 100\n[context]\nstyle = 60\nstyle_cut = 1.5\n'
        '[[terms]]\nwords = ["测试词"]\nweight = 40\n',
        encoding="utf-8",
    )
    with pytest.raises(ScopeError) as error:
        load_scope(tmp_path)
    assert "style_cut" in str(error.value) and "\n" not in str(error.value)


@pytest.mark.slow
async def test_families_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    held = {}
    for family in [
        "a move arranged between colleagues (model)",
        "a sale plan with a buyer lined up",
    ]:
        _, name, data = SENSITIVE[family]
        held[family] = data if name.endswith(".eml") else _attach(name, data)
    published = PUBLIC["a published relocation notice with the same word"][1]
    await held_then_relayed(smtp_gateway, upstream, held, published)


def test_a_broken_model_file_is_a_one_line_scope_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import matchers.engine
    import matchers.style

    broken = tmp_path / "style.npz"
    broken.write_bytes(b"not a model")
    monkeypatch.setattr(matchers.engine, "default_model", lambda: StyleModel.load(broken))
    with pytest.raises(ScopeError) as error:
        Engine.compile(load_scope(ROOT / "config" / "scope"))
    assert "style model" in str(error.value) and "reinstall" in str(error.value)
    assert "\n" not in str(error.value)
    assert matchers.style.MODEL.exists()  # the shipped one is untouched
