"""Round 41 of issue 9: limits said in passing, papers by their kind, and lessons that show.

- Internal evidence said in passing: names kept out of what is written (企业名字别出现), a matter
  kept off the phone or the official mailbox (不要打电话说; 别回我这个邮箱), a result not yet posted (中标候选人尚未公示), a paper for a
  few only (参考答案（仅阅卷组使用）), figures kept back until their release (发布前这些数不能写进
  材料, 先内部用), nobody told beforehand (不要提前跟任何人说), a paper taken back after the exam
  (题本考后收回销毁), a meeting that reached no view (会议未形成意见). A results sheet's title
  (考试成绩（未发布）) names an exam's paper, not a lesson, so its tag counts.
- A printed limit and a second in words (请勿扩散，勿在工作群转发) are two limits.
- Work secret by kind: a party group's minutes, inspection targets before the visit, an
  informant's identity told to the one reported, an inspection ledger sent to be read and deleted.
- Personnel: a disciplinary talk's record that puts a promotion on hold until it is checked
  (核实前对其提拔考察暂缓), a copy kept off the shared drive (电子版别存在共享盘).
- Work secret by content: a tender's control price told to a bidder (你们报价时注意), an exam
  paper with its key and its sitting (A卷 … 考试时间 … 参考答案; a quiz's key is no sitting).
- State secret by content: a leader's visit route with its traffic control, emergency reserves'
  stores and quantities, militia weapons and where they are kept, mobilisation potential by firm,
  conscription tasks by town, a meeting held without phones and relayed from memory.
- Public security: a network attack kept inside while it is investigated, a correction case kept
  from the press.
- Round 41's last tuning splits: a hospital's minutes not yet passed on (暂不在科室层面传达), a
  dispute's bottom line told to the family (说是我说的, 不要转述, 赔偿控制在), an outbreak table
  waiting for the line (等卫健委定口径), a prosecutor's report said to be internal (本报告为内部),
  border posts and their blind spots.
- Round 41's ninth and tenth tuning splits: an exam paper two have seen (只有我们两个人看过, 别存在
  单位电脑上), coordinate transformation parameters with their values; a lesson deck that lists
  the levels (密级：绝密、机密、秘密) and a published case of money held back under a pretext
  (以“工作经费”名义截留) pass.
- Round 41's last tuning splits: a county exam's final paper sent to the printer (统考卷终稿),
  inspection targets tipped off (双随机名单 … 你那两家都在里面), figures not to be quoted before
  their release (不要提前对外引用), and labels of a step not yet taken (（核查处置前）, 暂未告知).
- Lessons and notices: a lesson deck whose slides name internal papers as examples, a marking
  under a heading that calls it an example, and a notice with one public signal that the style
  model reads as published (strong topic evidence counts half there, as in a notice).

Samples written for this module; none is taken from ``benchmarks/``.
"""

from __future__ import annotations

import pytest

from gateway.service import Gateway
from matchers.context import circulation_markers, internal_markers, put_off
from matchers.normalize import fold
from tests.fixtures_smtp import Sink
from tests.support.scans import (
    Public,
    Sensitive,
    as_mails,
    family_tests,
    held_then_relayed,
    marker_words,
)
from tests.test_detection_families import _attach, docx, mail
from tests.test_detection_personnel4 import pptx, xlsx

#: family → (category, file name, content): each must be held under its category
SENSITIVE: Sensitive = {
    "an exam's results tagged as not yet released": (
        "work_secret",
        "chengji.xlsx",
        xlsx(
            [
                ["全县乡镇应急管理业务知识考试成绩（未发布）"],
                ["名次", "姓名", "单位", "成绩", "备注"],
                [1, "邓伟杰", "石桥镇", 96, ""],
                [2, "胡晓雅", "云溪镇", 93, ""],
                [3, "程磊", "城关镇", 88, ""],
                [4, "蒋国强", "荷塘乡", 61, ""],
                [5, "曾宏", "白沙乡", 55, "不及格，需补考"],
            ]
        ),
    ),
    "an interview question book taken back after the exam": (
        "work_secret",
        "tiben.eml",
        mail(
            "面试题本",
            "2027年县直事业单位招聘结构化面试题本（C卷）\n启用时间：1月9日上午\n"
            "1. 群众到窗口办事材料不全又很着急，你怎么处理？\n"
            "2. 单位安排你牵头组织一次防汛演练，你如何开展？\n"
            "3. 谈谈你对“干部要经得起表扬也要经得起批评”的理解。\n"
            "题本由考务组于开考前半小时启封，考后收回销毁。",
        ),
    ),
    "inspection targets nobody is to be told of beforehand": (
        "work_secret",
        "choujian.eml",
        mail(
            "下月抽检",
            "检测公司采样组：\n下月抽检的门店定了，一共42家，名单见下：\n"
            "1. 乐购超市（河西店）\n2. 鑫旺生鲜（南门店）\n3. 老周卤菜\n"
            "名单不要提前跟任何人说，采样当天早上再告诉你们路线。",
        ),
    ),
    "a party group's minutes with matters left undecided": (
        "work_secret",
        "jiyao.docx",
        docx(
            [
                "中共青岚县交通运输局党组会议纪要",
                "2026年11月28日，局党组书记、局长主持召开党组会议。",
                "一、关于城北客运站搬迁补偿的问题。会议讨论认为，补偿金额分歧较大，暂不作决定。",
                "二、关于局属两个事业单位合并的问题。会议未形成意见，下次会议再研究。",
            ]
        ),
    ),
    "an informant's identity told to the one reported": (
        "work_secret",
        "jubao.eml",
        mail(
            "有人举报",
            "周老板：\n中心今天收到一封举报信，说你们厂晚上偷排废水。举报人是你们厂后面那排住户，"
            "姓彭，家住河堤路，你们心里有个数。下周我们会来一趟。\n小吴",
        ),
    ),
    "a tender's control price told to a bidder": (
        "work_secret",
        "biaodi.eml",
        mail(
            "那个标",
            "钱总：\n河堤加固那个标的控制价是1538万，财评刚定，下周一挂网。"
            "你们报价时注意，土方单价别压太低，下浮做在措施费里。这个事不要打电话说，见面聊。",
        ),
    ),
    "firms' tax figures with their names to be kept out of the report": (
        "work_secret",
        "shuiyuan.eml",
        mail(
            "税源数据",
            "李老师：\n写形势报告要的重点税源数据附后，报告里只用总量，企业名字别出现。\n"
            "企业\t2025年入库税收（万元）\t今年1-11月\n青岚水泥有限公司\t7420\t2980\n"
            "河口矿业有限公司\t3810\t1150\n税源管理股",
        ),
    ),
    "a lettered paper with its key and its sitting": (
        "work_secret",
        "shijuan_a.docx",
        docx(
            [
                "2026年全县统计业务技能竞赛理论试卷（A卷）",
                "考试时间：12月22日 9:00-10:30",
                "一、单项选择题",
                "1. 统计调查对象拒绝提供统计资料的，由谁责令改正？ A.统计机构 B.公安机关 C.法院",
                "参考答案及评分标准",
                "1.A",
            ]
        ),
    ),
    "a disciplinary talk's record, the promotion put on hold": (
        "personnel",
        "tanhua.eml",
        mail(
            "谈话记录",
            "小周：\n上午县纪委派驻纪检组找王海东谈话，记录整理如下，打印一份给局长，电子版别存在共享盘。\n"
            "谈话对象：王海东\n事由：有群众来信反映其在农机补贴审核中收受购机户土特产。\n"
            "本人陈述：只收过两箱橘子，已退回。\n"
            "纪检组意见：本人一周内写出书面说明，核实前对其提拔考察暂缓，此事不要扩散。",
        ),
    ),
    "an inspection ledger with what was covered up": (
        "work_secret",
        "taizhang.eml",
        mail(
            "迎检",
            "刘姐：\n市里督查组下周到你们县，我们的整改台账挑几条发你参考，看看就删了吧。\n"
            "1. 垃圾填埋场渗滤液：台账写“已整改”，实际还在外溢，迎检那天临时抽了一次；\n"
            "2. 农民工欠薪：台账写“已清零”，有一个项目是让施工方先打了欠条。\n"
            "提前让村里打好招呼。",
        ),
    ),
    "a hospital's minutes not yet passed on to the wards": (
        "work_secret",
        "yuanban.docx",
        docx(
            [
                "县中医院第9次院长办公会纪要",
                "一、关于康复科与针灸科合并的问题。意见分歧较大，会议未形成决定，下次再议。"
                "合并的事暂不在科室层面传达。",
                "二、关于与外地医疗公司合作建透析中心的问题。分成模式有合规风险，暂不签约。",
            ]
        ),
    ),
    "a dispute's bottom line told to the patient's family": (
        "work_secret",
        "jiufen.eml",
        mail(
            "那件事",
            "老周：\n你问的事我说一下，你自己知道就行，千万不能说是我说的。\n"
            "院里讨论下来，认为术后观察确实不到位，想尽量调解，赔偿打算控制在四十万以内。"
            "你让家属别急着签二十万的协议。这些话你不要转述。",
        ),
    ),
    "an outbreak table waiting for the line": (
        "work_secret",
        "yiqing.csv",
        "日期,乡镇,机构,新增病例,累计病例,是否已报告,对外发布\n"
        "12月1日,河口镇,向阳幼儿园,5,5,是,否\n12月2日,河口镇,向阳幼儿园,4,9,是,否\n"
        "12月3日,城关镇,实验小学,3,12,是,否，等卫健委定口径\n".encode("gbk"),
    ),
    "a prosecutor's report said to be internal": (
        "work_secret",
        "shencha.eml",
        mail(
            "审查报告",
            "给自己发一份，周末改。\n刘某非法集资案审查报告（提请检察委员会讨论）\n"
            "承办人意见：具有非法占有目的，应定集资诈骗罪。\n量刑建议设想：十年左右。\n"
            "本报告为内部讨论材料。",
        ),
    ),
    "a correction case kept from the press": (
        "public_security",
        "jiaozheng.eml",
        mail(
            "情况通报",
            "各司法所：\n社区矫正对象胡某11月起未按规定报到，脱管9天后因盗窃被抓获。"
            "检察院已介入调查是否存在监管失职，请各所不要对外谈论，媒体询问一律转局办公室。\n县司法局",
        ),
    ),
    "border posts and their blind spots": (
        "state_secret",
        "bianjing.xlsx",
        xlsx(
            [
                ["点位", "位置", "值守力量", "巡逻时段"],
                ["A-01", "界河渡口南岸", "护边员4人", "全天"],
                ["A-02", "老鹰岩便道", "无人值守，红外监控", "每日两次"],
                ["薄弱环节", "A-02以西约2公里为监控盲区，枯水期可涉水通过"],
            ]
        ),
    ),
    "an exam paper two have seen, kept off the office computer": (
        "work_secret",
        "juanzi.eml",
        mail(
            "卷子和答案",
            "小林：\n周日全县统计业务考试的A卷和参考答案在下面，你帮我核一下第二大题的答案。"
            "考试前这套卷子只有我们两个人看过，改完发回我，别存在单位电脑上。\n"
            "一、单选题 1. 统计调查对象拒报统计资料的，可处以（ ）。A.警告 B.罚款 答案：B",
        ),
    ),
    "coordinate transformation parameters with their values": (
        "state_secret",
        "canshu.eml",
        mail(
            "转换参数",
            "你好，平台对接要的坐标转换参数如下（2000坐标到本市城建坐标的七参数）：\n"
            "ΔX（米）\t-102.5531\nΔY（米）\t87.1204\nΔZ（米）\t36.9917\n"
            "旋转ωx（秒）\t1.90372\n尺度m（ppm）\t-3.88105\n先用着，别在系统里明文显示。",
        ),
    ),
    "a county exam's final paper sent to the printer": (
        "work_secret",
        "tongkao.eml",
        mail(
            "期末统考卷",
            "王经理：\n八年级语文期末统考卷终稿和参考答案在下面，请按A3排版，全县印4800份，1月8日前送教研室。"
            "\n一、积累与运用（20分）1. 下列加点字注音全对的一项是（ ）\n参考答案：1.B",
        ),
    ),
    "inspection targets tipped off to a relative": (
        "work_secret",
        "biaoge.eml",
        mail(
            "名单",
            "表哥：下个月的双随机名单今天刚摇出来，检查组8号开始下去。你那两家都在里面，"
            "特种设备那块让厂里提前弄好，检验报告找出来。",
        ),
    ),
    "figures not to be quoted before their release": (
        "work_secret",
        "hesuan.eml",
        mail(
            "一季度数据",
            "刘科长：\n省局反馈了一季度地区生产总值初步核算结果，先发各县核对，请不要提前对外引用。"
            "\n全市增长4.1%，贵县增长2.6%，列全市倒数第二。",
        ),
    ),
    "a leader's visit route with its traffic control": (
        "state_secret",
        "luxian.eml",
        mail(
            "保障方案",
            "各组：\n本周四上级领导来县调研，行程初定：9点半从高速北出口下，先看新能源产业园，"
            "再到东湖社区，午饭在迎宾馆，下午看水稻示范基地，3点半离开。\n"
            "沿线由交警实施临时管制，车队通过前后各十分钟。具体行程只告知各组组长。",
        ),
    ),
    "emergency reserves' stores and quantities": (
        "state_secret",
        "chubei.csv",
        "储备点,地址,品种,储备量,动用权限\n"
        "一号储备点,青岚县城东物流园,帐篷,1200顶,县指挥部\n"
        "一号储备点,青岚县城东物流园,发电机,40台,县指挥部\n"
        "二号储备点,河口镇粮站旧库,医用防护服,8000套,市指挥部\n".encode("gbk"),
    ),
    "conscription tasks by town": (
        "state_secret",
        "zhengbing.csv",
        "单位,男兵任务,其中大学生,女兵任务,补充去向\n"
        "城关镇,16,10,1,陆军、武警\n河口镇,9,5,0,海军\n合计,25,15,1,\n".encode("gbk"),
    ),
    "a meeting without phones, relayed from memory": (
        "state_secret",
        "huiyi.eml",
        mail(
            "会议内容",
            "老陈：\n今天上午市里开的那个会不让带手机不让记，我凭记忆整理几条：\n"
            "一是明年春季有一次专项行动，我县是重点县；二是工作对象名单下周走机要下发。\n看完删了吧。",
        ),
    ),
    "a network attack kept inside while it is investigated": (
        "public_security",
        "bingdu.eml",
        mail(
            "情况通报",
            "县人民医院：\n你院收费系统12月3日遭受勒索病毒攻击，入侵途径为运维账号弱口令，"
            "约20GB数据外传，正在核实。\n该事件目前尚未对外发布，对外统一口径为“系统升级维护”。\n"
            "请于12月9日前提交整改报告。\n县公安局网安大队",
        ),
    ),
    "mobilisation potential by firm": (
        "state_secret",
        "qianli.csv",
        "类别,单位,项目,数量,可动员时限\n"
        "运输,青岚客运公司,大客车,64,24小时（可运兵）\n"
        "医疗,县中医院,战伤救治床位,80,12小时\n"
        "机械,路桥公司,挖掘机,15,48小时\n".encode("gbk"),
    ),
}

#: family → (file name, content): published or harmless; none may be held
PUBLIC: Public = {
    "a lesson deck naming internal papers as examples": (
        "peixun.pptx",
        pptx(
            [
                ("机关保密知识培训", ["办公室 2026年12月"]),
                (
                    "近期发现的问题",
                    [
                        "有的同志在微信群里转发内部资料",
                        "有的把会议纪要讨论稿发到外网邮箱",
                        "有的在考核排名公布前对外透露",
                    ],
                ),
                ("下一步要求", ["涉密文件一律走机要渠道", "工作秘密不上互联网"]),
            ]
        ),
    ),
    "a marking under a heading that calls it an example": (
        "dingmi.pptx",
        pptx(
            [
                ("保密工作基础知识", ["县保密办 2026年"]),
                ("密级怎么确定", ["按保密事项范围目录确定", "拿不准的先拟定，报上级确定"]),
                ("标志示例", ["秘密★5年"]),
            ]
        ),
    ),
    "a notice with a 公示期, written as published": (
        "gongshi.eml",
        mail(
            "干部任前情况",
            "根据工作需要，经研究，县政府办公室领导班子调整人选如下：\n"
            "李明，男，1980年5月生，大学学历，拟任县政府办公室副主任。\n"
            "公示期为2026年12月8日至12月14日。对公示对象有异议的，请以书面形式反映。",
        ),
    ),
    "news of a new reserve store": (
        "chubei_xw.eml",
        mail(
            "新闻",
            "本报讯 近日，我县新建的应急物资储备库投入使用，储备库面积2000平方米，可满足全县群众应急需要。"
            "县应急局有关负责人表示，将定期开展物资轮换。",
        ),
    ),
    "a complaints notice that promises secrecy": (
        "jubao_gk.eml",
        mail(
            "举报须知",
            "举报须知\n一、举报人可以通过来信、来电、网络等方式举报。\n"
            "二、对举报人的姓名、住址和举报内容严格保密。\n三、举报电话：0731-8823456\n县生态环境局",
        ),
    ),
    "news of recruits seen off": (
        "huansong.eml",
        mail(
            "欢送新兵",
            "12月5日，我县举行新兵入伍欢送仪式。县领导为新兵佩戴大红花，勉励他们在部队刻苦训练。"
            "今年全县共有46名青年光荣入伍，其中大学生32名，他们将奔赴驻地开启军旅生涯。",
        ),
    ),
    "a quiz on secrecy with its answers": (
        "jingsai.eml",
        mail(
            "保密知识竞赛",
            "机关保密知识竞赛试题（A卷）\n一、单选题\n1. 工作秘密可以通过哪种方式传递？ A.互联网邮箱 B.机要渠道 C.微信群\n"
            "参考答案：1.B\n欢迎大家踊跃参加。",
        ),
    ),
    "a lesson deck that lists the levels": (
        "miji.pptx",
        pptx(
            [
                ("国家秘密的密级", ["保密培训 第一讲"]),
                (
                    "密级和期限",
                    ["密级：绝密、机密、秘密", "未标期限的按绝密30年、机密20年、秘密10年认定"],
                ),
            ]
        ),
    ),
    "a published case of money held back under a pretext": (
        "tongbao.eml",
        mail(
            "典型问题通报",
            "县纪委监委通报两起侵害群众利益典型问题\n一、某村原党支部书记在发放征地补偿款中，以“工作经费”名义截留"
            "补偿款6万元，受到开除党籍处分。\n二、某村原会计虚报青苗面积骗取补偿款，受到留党察看处分。",
        ),
    ),
    "a traffic control notice": (
        "guanzhi.eml",
        mail(
            "交通管制通告",
            "因重要活动需要，12月10日8时至12时，对迎宾大道至高速北出口路段实施临时交通管制，"
            "请过往车辆提前选择其他路线绕行。特此通告。",
        ),
    ),
}

scanned, test_sensitive_family_is_held, test_public_form_passes = family_tests(
    "round41", SENSITIVE, PUBLIC
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("中标候选人尚未公示，评标报告待采购人确认。", "尚未公示"),
        ("复赛B卷参考答案（仅阅卷组使用）", "(仅阅卷组使用)"),
        ("正式发布前这些数不能写进你们的材料。", "发布前这些数不能写进"),
        ("你们先内部用，材料里写“预计平稳”。", "先内部用"),
        ("名单不要提前跟任何人说。", "不要提前跟任何人说"),
        ("题本考后收回销毁。", "考后收回"),
        ("电子版别存在共享盘。", "别存在共享盘"),
        ("这套卷子只有我们两个人看过。", "只有我们两个人看过"),
        ("电子稿排完请删除。", "排完请删除"),
        ("参考答案及评分要点（阅卷组专用）", "(阅卷组专用)"),
        ("不合格样品情况（核查处置前）", "(核查处置前)"),
        ("恒达包装来电询问得分，暂未告知。", "暂未告知"),
        ("合并的事暂不在科室层面传达。", "暂不在科室层面传达"),
        ("你自己知道就行，千万不能说是我说的。", "说是我说的"),
        ("这些话你不要转述。", "不要转述"),
        ("对外发布：否，等卫健委定口径", "等卫健委定口径"),
        ("本报告为内部讨论材料。", "本报告为内部"),
        ("参考答案及评分标准（阅卷组使用）", "(阅卷组使用)"),
        ("台账挑几条发你参考，看看就删了吧。", "看看就删了"),
    ],
)
def test_limits_said_in_passing_are_evidence(text: str, found: str) -> None:
    assert found in marker_words(text)


def test_a_meeting_without_a_view_puts_its_decision_off() -> None:
    words = marker_words("会议未形成意见，下次会议再研究。")
    assert words == ["未形成意见", "下次会议再研究"]
    words += marker_words("会议未形成决定。")
    assert all(put_off(word) for word in words)


@pytest.mark.parametrize(
    "text",
    [
        "尚未公示的人选由组织部另行通知。",
        "招标公告发布前，不得发布变更。",
        "这个停车场只供内部使用",
        "（春节前）安全提示",
    ],
)
def test_what_is_not_a_limit(text: str) -> None:
    assert list(internal_markers(fold(text).text)) == []


def test_a_printed_limit_and_one_in_words_are_two() -> None:
    two = fold("方案还要报县委编委会，请勿扩散，勿在工作群转发。").text
    assert [word for *_, word in circulation_markers(two)] == ["请勿扩散", "勿在工作群转发"]
    once = fold("请勿外传给他人。").text  # one limit, however it is read
    assert [word for *_, word in circulation_markers(once)] == ["请勿外传"]


@pytest.mark.slow
async def test_families_over_smtp(smtp_gateway: Gateway, upstream: Sink) -> None:
    families = [
        "an exam's results tagged as not yet released",
        "inspection targets nobody is to be told of beforehand",
    ]
    held = as_mails(SENSITIVE, families, _attach)
    lesson = _attach(*PUBLIC["a lesson deck naming internal papers as examples"])
    await held_then_relayed(smtp_gateway, upstream, held, lesson)
