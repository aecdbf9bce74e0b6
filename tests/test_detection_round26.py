"""Round 26 of issue 9 (after blind27-blind30 and the traing/trainh corpus were read): what a
duty log, a leader's spoken words, a colleague's forward or a table's column says, and the
published forms that share their words.

- A petitioner watched until a meeting is over (每天见面一次, 会前不能让他出区); a report to be
  written to a line (材料先按“……”写); a reserve roster's 成熟度 column; a leader's spoken choice
  of candidate (人选我倾向…, 这次一定要动) with the people he names; a ledger's hold-outs to be
  taken to court.
- Work secret by content, corroborated by internal evidence: an unannounced inspection's route,
  an inspection team's entry before it is announced, a restricted bulletin passed on (只发到…,
  看完就删), the part of a speech that is not published (（以下内容不公开）).
- Personal data: a list titled by what its people share (精神障碍患者名单); state secret: a
  record's classified pages, the marking of a file read out to a colleague.
- Public or harmless: a training sign-up sheet, an appointment notice after the trial period,
  an explainer naming drafts as examples, a checklist of what not to mail, a reply headed
  （不予公开）, a press-conference transcript quoting an allegation, a published statistics
  table withholding petitioners' names, a training notice on 维稳信息报送, results slides with a
  draft sent round for comment.

Rounds 27-28 (after the traing/trainh corpus and blind31/blind32 were read): a petitioner
taken away while inspectors visit or booked on a train, a night log's planned detention, a
hold-out's price and the town's room, money outside the scheme, plainclothes at a measurement,
relatives pressed through their employers, the line a report keeps to; exam questions seen
before the exam, a surprise discipline check nobody is to hear of. Public: a routine reminder,
a news report on unannounced inspectors, a court's published case digest.

Round 29 (after blind33/blind34 were read): a household's figures not to be let slip, a ranking
of projects before the executive meeting, a control price and the bidder it was set for, draft
minutes to be returned after reading, a defence site's coordinates photographed. Public: a
published disciplinary bulletin forwarded for study, interview practice questions.

Round 30 (after blind35/blind36 were read): hold-outs' weak points kept out of the write-up,
inspection findings before the feedback, a list titled by a medical finding, a photographed
marked notice typed out. Public: contacts kept on file, a police notice on deposits taken
under a pretext.

Round 31 (after blind37/blind38 were read): money promised by word of mouth, a reshuffle sheet
with the secretary's view and a militia assembly point passed on by phone.

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

IDS = [resident_id(f"4115231967{n + 1:02d}12{n}23") for n in range(3)]

#: family → (category, file name, content): each must be held under its category
SENSITIVE: Sensitive = {
    "a petitioner watched until the meeting is over (duty log)": (
        "public_security",
        "zhiban.eml",
        mail(
            "周二值班情况",
            "教导员，昨天情况：\n19:30 网格员说 桐湾 龚某 在群里说要去省里讨说法\n"
            "21:00 打电话给他弟弟，说人在家\n22:15 小蒋上门见到本人，劝住了\n"
            "龚某这周每天见面一次，会前不能让他出县。\n值班 蒋",
        ),
    ),
    "a report to be written to a line after a substitution in a medical": (
        "public_security",
        "tijian.eml",
        mail(
            "替检的事",
            "部长：\n征兵体检替检一事已查清，梓岭乡应征青年申某由其堂兄顶替参加体检，公安已立案。\n"
            "意见是先不公开到人，报上去的材料先按“个别体检程序不规范”写。",
        ),
    ),
    "a reserve roster with a maturity column": (
        "personnel",
        "chubei.csv",
        "序号,姓名,出生年,现岗,方向,成熟度,备注\n1,韩梓涵,1992,县商务局科员,乡镇副职,近期,\n"
        "2,柏俊峰,1990,县委办秘书,部门副职,成熟,领导熟悉\n3,穆欣然,1994,岭南乡团委,乡镇副职,培养,\n".encode(
            "gbk"
        ),
    ),
    "a leader's spoken choice of candidate, with the people he names": (
        "personnel",
        "koutou.eml",
        mail(
            "书记交代（整理）",
            "书记原话：\n“交通局长那个位置这次一定要动。人选我倾向于从乡镇党委书记里面出，"
            "范晓东那个同志可以考虑。\n卫家那个（指卫建平）这次都不考虑，你们先做个方案。”",
        ),
    ),
    "a ledger's hold-outs to be taken to court": (
        "land",
        "taizhang.xlsx",
        xlsx(
            [
                ["菖蒲片区征收进度（截至11月30日）", "", "", "", ""],
                ["地块", "户数", "已签", "未签", "卡点"],
                ["C1", "56", "53", "3", "3户要价高，拟走司法程序"],
                ["C2", "41", "41", "0", ""],
            ]
        ),
    ),
    "an unannounced inspection's route, kept from the towns": (
        "work_secret",
        "anfang.eml",
        mail(
            "",
            "小贺，下周暗访的点定了：周一去梅岭镇两个养老院，周三去城东农贸市场，不提前通知，"
            "直接去。镇里那边千万别漏风。",
        ),
    ),
    "an inspection team's entry before it is announced": (
        "work_secret",
        "xuncha.eml",
        mail(
            "转一下群消息",
            "第三轮巡察下周二进驻，对象是县水利局和两个乡。进驻前不通知被巡察单位，"
            "这个事周二前就在我们群里说。",
        ),
    ),
    "a restricted bulletin passed on and to be deleted once read": (
        "work_secret",
        "tongbao.eml",
        mail(
            "你要的",
            "市里那个通报我给你打几句：我们县营商环境考核排倒数第三，还点名了开发区两个项目。"
            "通报只发到县领导和部门一把手，你看完就删了。",
        ),
    ),
    "the part of a speech that is not published": (
        "work_secret",
        "jianghua.eml",
        mail(
            "讲话整理（二）",
            "县长，公开稿已给融媒体中心，下面是不公开的部分：\n（以下内容不公开）\n"
            "“今年土地出让差得很远，年底前城南那块地一定要挂出去，财政这个数大家心里要有数。”",
        ),
    ),
    "a list titled by the illness its people share": (
        "personal_data",
        "jingshen.eml",
        mail(
            "名单",
            "严重精神障碍患者随访名单\n"
            + "\n".join(
                f"{name} {number} 柳溪社区{n + 3}栋"
                for n, (name, number) in enumerate(zip(["甄德全", "姚翠萍"], IDS, strict=False))
            ),
        ),
    ),
    "a record's classified pages": (
        "state_secret",
        "jilu.eml",
        mail(
            "会议记录",
            "会议记录（第3页起为秘密级内容）\n1. 听取防汛准备情况汇报。\n2. 人防工程情况（略）。",
        ),
    ),
    "the marking of a scanned file read out to a colleague": (
        "state_secret",
        "saomiao.eml",
        mail(
            "扫描件",
            "小严，扫描件看不清，我把要点打出来：原件右上角盖着“机密★5年”，是市里关于民兵"
            "应急分队调整的通知，我们镇分队从40人增到60人。",
        ),
    ),
}

# Round 27 (after the traing/trainh corpus was read): colloquial words of the trade.
SENSITIVE.update(
    {
        "a couple taken away while the inspectors visit": (
            "public_security",
            "yingjian.eml",
            mail(
                "",
                "小郑，后天市里督查组下来，柯家那两个你带去县城宾馆住两天，费用乡里报。"
                "手机让他们关了，督查组走了再送回来。",
            ),
        ),
        "a hold-out's price and the town's room, kept from him": (
            "land",
            "dijia.eml",
            mail(
                "",
                "老钟，上塘组那几户我摸了，褚德旺家最难，他女婿放话少于八十万不签。镇里给的口子是"
                "六十五，你先别跟他透底，周五再去。",
            ),
        ),
        "money outside the scheme, paid by the developer": (
            "land",
            "fangan.eml",
            mail(
                "柯家的补偿",
                "柯永年家最后谈下来：房屋38.6万，装修5.2万。比方案多出来的那部分由开发公司直接付，"
                "不进镇财政。",
            ),
        ),
        "plainclothes officers at a measurement": (
            "land",
            "zhangliang.eml",
            mail(
                "周四丈量",
                "周四去柯家湾丈量，柯大海上次把测量员赶出来了。已跟派出所说好先派便衣跟着，"
                "再闹就直接带走。",
            ),
        ),
        "the line a report keeps to about farmland taken out": (
            "land",
            "tuban.eml",
            mail(
                "",
                "基本农田调出的那几个图斑是给产业园腾的，上报材料统一写“现状耕地质量差”，这个说法"
                "大家统一口径。",
            ),
        ),
    }
)

# Round 28 (after blind31/blind32 were read).
SENSITIVE.update(
    {
        "a night log: a gathering, a talk, detention if need be": (
            "public_security",
            "yeban.eml",
            mail(
                "12.9夜",
                "21:40 接报 东塘三组闵某家 十来人聚集 商量明天去堵机器\n22:20 到场做工作 散了\n"
                "建议明晚约谈闵某父子 必要时先留置\n值班 小叶",
            ),
        ),
        "a petitioner's train ticket to the provincial capital": (
            "public_security",
            "piao.eml",
            mail(
                "今天动向",
                "所长：\n09:10 蒯德生 手机信号到了县城火车站附近，让网格员去看了，是去接孙子。\n"
                "11:30 房桂英 买了后天去省城的高铁票，已报分局，明天安排人到她家坐坐。",
            ),
        ),
        "exam questions seen before the exam, passed to a friend": (
            "work_secret",
            "kaoti.eml",
            mail(
                "",
                "小雯，我今天在考试中心帮忙，看到周六遴选笔试的题了，材料题是写乡村养老的。"
                "千万别跟别人说是我说的，看完删了。",
            ),
        ),
        "a surprise discipline check, nobody to be told": (
            "work_secret",
            "jilv.eml",
            mail(
                "明早",
                "明早8点楼下集合，去查上班纪律：县交通局、县水利局、城关镇便民中心。"
                "交通局那个副局长有人反映天天迟到，重点看他。这个谁也别说，包括你们科长。",
            ),
        ),
        "relatives in public employment pressed to sign": (
            "land",
            "qinshu.eml",
            mail(
                "",
                "剩下的十几户，凡是在财政供养单位有亲属的，列个名单，压到单位去，做不通的先停岗。"
                "以上不要发工作群。",
            ),
        ),
    }
)

# Round 29 (after blind33/blind34 were read).
SENSITIVE.update(
    {
        "a household's figures the others must not hear": (
            "land",
            "hushu.eml",
            mail(
                "几户的数",
                "刘主任：\n褚长林 主房126平 补偿合计79.4万\n褚长福 主房90平+附房24平 合计58.1万\n"
                "褚长福那户按困难户多给了2万，别家不知道，别说漏了。",
            ),
        ),
        "a ranking of projects before the executive meeting": (
            "work_secret",
            "paixu.eml",
            mail(
                "专项债排序",
                "局长定了，明年只报前4个，这个排序还没上常务会。卫健局那个项目这轮不报，"
                "先不要告诉卫健局。",
            ),
        ),
        "a control price and the bidder it was set for": (
            "work_secret",
            "kongzhijia.eml",
            mail(
                "",
                "城西小学改造控制价1650万，意向单位是华岳建工，参数按他家的定。挂网前严格控制知悉范围。",
            ),
        ),
        "draft minutes to be returned after reading": (
            "work_secret",
            "jiyao.eml",
            mail(
                "纪要送审稿",
                "专题会议纪要（送审稿）\n一、城投公司到期债务由财政先垫付1.2亿元，其余展期，不对外披露。\n"
                "此件为送审稿，阅后请退回县政府办，不得翻印。",
            ),
        ),
        "a defence site's coordinates photographed": (
            "state_secret",
            "zuobiao.eml",
            mail(
                "图",
                "姐，柜子里那份红头的我拍了几页，全县几个备用指挥所的坐标都在上面，你帮我排成表，"
                "照片弄完删了。",
            ),
        ),
    }
)

# Round 30 (after blind35/blind36 were read).
SENSITIVE.update(
    {
        "hold-outs' weak points, kept out of the write-up": (
            "land",
            "ruanlei.eml",
            mail(
                "剩下的3户",
                "1 殷家 开口要两套房加60万，女儿在区供电所上班，可以让单位找她\n"
                "2 老喻 给多少都不走\n这几条别写进材料里",
            ),
        ),
        "inspection findings before the feedback, the street not to know": (
            "work_secret",
            "fankui.eml",
            mail(
                "先报你",
                "这轮查下来问题三个：项目拆分发包规避招标，食堂招待超标，副主任亲属承揽绿化。"
                "反馈稿我还在改，下周才过会，现在别跟街道漏口风。",
            ),
        ),
        "a list titled by a medical finding": (
            "personal_data",
            "tijian.csv",
            (
                "职工体检异常名单\n姓名,身份证号,结论\n"
                + "\n".join(
                    f"{n},{i},复查" for n, i in zip(["苗春生", "祁玉兰"], IDS, strict=False)
                )
            ).encode("gbk"),
        ),
        "a photographed marked notice typed out for a colleague": (
            "state_secret",
            "dazi.eml",
            mail(
                "群里的图",
                "群里那张照片太糊，我打成字了：秘密★1年 关于做好重点人员排查的通知，名单由公安每日推送。",
            ),
        ),
    }
)

# Round 31 (after blind37/blind38 were read).
SENSITIVE.update(
    {
        "money promised by word of mouth beside the agreement": (
            "land",
            "koutou.csv",
            "户主,协议金额,口头另加,方式\n严春生,398200,20000,以种养补助\n邬桂香,276500,15000,待定\n".encode(
                "gbk"
            ),
        ),
        "a station heads' reshuffle sheet with the secretary's view": (
            "personnel",
            "zhansuo.xlsx",
            xlsx(
                [
                    ["序号", "姓名", "现岗", "拟岗", "书记意见"],
                    ["1", "庞立新", "农技站站长", "综治中心主任", "同意"],
                    ["2", "闵德顺", "综治中心主任", "退居二线", "再谈一次"],
                ]
            ),
        ),
        "a militia assembly point passed on by phone": (
            "state_secret",
            "yanlian.eml",
            mail(
                "演练",
                "书记，人武部刚电话通知，应急分队下周二拉动，集结点改在水库北边林场。"
                "这个是机密，只能口头通知到排长，不能进群。",
            ),
        ),
    }
)

#: family → (file name, content): published or ordinary mail that must pass
PUBLIC: Public = {
    "a sign-up note whose contacts stay on file": (
        "baoming2.eml",
        mail(
            "重阳活动报名",
            "文体科：重阳节活动报名共18人，按楼栋统计。需要大巴一辆，午餐18份。联系方式在社区留存，不对外。",
        ),
    ),
    "a police notice on deposits taken under a pretext": (
        "jingqing2.eml",
        mail(
            "警情通报",
            "我局破获一起以“康养基地”名义非法吸收公众存款案，犯罪嫌疑人已被依法刑事拘留，"
            "涉案账户已冻结。请投资人到经侦大队登记。",
        ),
    ),
    "a published disciplinary bulletin forwarded for study": (
        "tongbao2.eml",
        mail(
            "转发：县纪委监委关于违反组织人事纪律问题的通报",
            "各科室：现转发县纪委监委公开通报，请组织学习。\n1. 原县交通局副局长某某在干部民主推荐前"
            "为他人打招呼说情，受到党内严重警告处分。\n2. 某乡工作人员泄露干部动议名单，受到警告处分。\n"
            "各单位要引以为戒。",
        ),
    ),
    "interview practice questions on a reshuffle": (
        "mianshi.docx",
        docx(
            [
                "结构化面试模拟题（第二套）",
                "1. 单位正在进行干部调整，同事向你打听调整名单，你会怎么处理？",
                "参考要点：遵守组织人事纪律，不透露酝酿中的人选。",
                "2. 领导让你起草干部交流轮岗方案，你如何开展？",
            ]
        ),
    ),
    "a court's published digest of an expropriation case": (
        "yaozhi.eml",
        mail(
            "房屋征收决定案判决要旨",
            "【基本案情】区政府作出某片区房屋征收决定，原告以补偿方案未充分征求意见为由诉请撤销。\n"
            "【裁判结果】法院认为补偿方案已公布征求意见，补偿资金测算足额到位，判决驳回诉讼请求。\n"
            "【典型意义】征收补偿测算属于内部过程材料，被告已在庭审中出示。",
        ),
    ),
    "a reminder not to be reported again for lateness": (
        "chaoqi.eml",
        mail("办件提醒", "各位，本周有3件信访件快到期了，抓紧办结，别超期了又被通报。"),
    ),
    "a news report on inspectors who came unannounced": (
        "ducha.eml",
        mail(
            "市督查组来我县督导安全生产",
            "本报讯 12月2日，市督查组采取“四不两直”方式，不打招呼、直奔现场，检查了我县"
            "3家企业，对发现的问题当场反馈、限期整改。（记者 柯文）",
        ),
    ),
    "a training sign-up sheet of compensation staff": (
        "baoming.csv",
        "序号,单位,姓名,职务,培训科目,联系电话\n1,城关镇征迁办,祝文海,主任,集体土地征收程序,"
        "0000-5511201\n2,南岭乡征迁办,伍丽娟,科员,补偿安置协议,0000-5511202\n"
        "3,北塘街道征迁办,鲁国栋,副主任,房屋征收评估,0000-5511203\n".encode("gbk"),
    ),
    "an appointment notice after the trial period": (
        "renzhi.docx",
        docx(
            [
                "关于祝文海等同志试用期满正式任职的通知",
                "各乡镇党委，县直各单位：",
                "经县委研究，祝文海等3名同志试用期已满，经考核合格，正式任职：",
                "祝文海　城关镇党委副书记",
                "伍丽娟　南岭乡副乡长",
                "鲁国栋　县交通局副局长",
                "中共蓼川县委组织部",
                "2026年11月20日",
            ]
        ),
    ),
    "an explainer naming drafts as examples": (
        "changshi.eml",
        mail(
            "什么是工作秘密",
            "工作秘密是机关在履行职责中产生的、不属于国家秘密但泄露后会影响工作的事项，比如尚未"
            "公开的会议讨论情况、考核排名初稿、检查计划等。——保密常识之三",
        ),
    ),
    "a checklist of what must not be mailed": (
        "tixing.eml",
        mail(
            "保密提醒｜这些材料别用外网邮箱发",
            "✘ 会议纪要讨论稿、讲话未定稿\n✘ 考核排名、督查暗访安排\n✘ 案件线索、执法检查计划\n"
            "以上材料请通过内网或纸质传递。——县委保密办",
        ),
    ),
    "a reply to a request for information headed （不予公开）": (
        "dafu.eml",
        mail(
            "政府信息公开申请答复书（不予公开）",
            "某某：\n你申请公开的“县政府常务会议关于老城改造的讨论记录”属于内部讨论记录，依据"
            "《中华人民共和国政府信息公开条例》第十六条，不予公开。\n"
            "如不服本答复，可依法申请行政复议或者提起行政诉讼。\n蓼川县人民政府办公室\n2026年11月3日",
        ),
    ),
    "a press-conference transcript quoting an allegation": (
        "shilu.docx",
        docx(
            [
                "蓼川县违法建筑整治新闻发布会实录",
                "主持人：请县综合执法局介绍整治情况。",
                "县综合执法局局长：今年共拆除违法建筑86处，其中依法强制拆除6处。",
                "记者问：有网友说强制拆除是凌晨进行的，是否属实？",
                "答：不属实。每一处强制拆除都依法催告、公告，全程记录。",
            ]
        ),
    ),
    "a published statistics table that withholds petitioners' names": (
        "tongji.xlsx",
        xlsx(
            [
                ["2026年1—9月信访事项办理情况（主动公开）", "", "", ""],
                ["月份", "受理量", "按期办结率", "主要问题"],
                ["3月", "160", "98.2%", "征地补偿"],
                ["6月", "171", "99.0%", "物业管理"],
                ["说明", "涉及个人隐私的信访人信息不予公开", "", ""],
            ]
        ),
    ),
    "a training notice on reporting stability information": (
        "peixun.eml",
        mail(
            "平安建设信息员培训通知",
            "各村（社区）：\n乡综治中心定于12月10日举办信息员培训，内容是矛盾纠纷排查和信访"
            "维稳信息报送。每村报1名，周四前报姓名和办公电话。\n乡综治中心",
        ),
    ),
    "results slides with a draft sent round for comment": (
        "kaohe.eml",
        mail(
            "年度考核表彰大会材料",
            "2025年度目标考核结果（已经镇党委会议审定并公示）\n优秀：东湾村、西岭村\n良好：南塘村\n"
            "下一步要求：2026年考核办法征求意见稿已发各村，请于12月20日前反馈。",
        ),
    ),
}


scanned, test_sensitive_family_is_held, test_public_form_passes = family_tests(
    "round26", SENSITIVE, PUBLIC
)


def test_a_list_under_an_illness_title_is_sensitive_rows(scanned: dict[str, dict]) -> None:
    assert "roster_sensitive" in detectors_of(scanned["jingshen.eml"])


def test_the_speech_part_is_held_as_a_marking(scanned: dict[str, dict]) -> None:
    assert "work_secret_statement" in detectors_of(scanned["jianghua.eml"])


@pytest.mark.slow
async def test_families_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    families = [
        "a petitioner watched until the meeting is over (duty log)",
        "an unannounced inspection's route, kept from the towns",
        "a ledger's hold-outs to be taken to court",
    ]
    held = as_mails(SENSITIVE, families, _attach)
    published = PUBLIC["a training sign-up sheet of compensation staff"][1]
    await held_then_relayed(smtp_gateway, upstream, held, _attach("baoming.csv", published))
