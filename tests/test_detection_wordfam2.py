"""Second round of researched word families (issue 9): land, public security, work-secret look-alikes.

Written as a fresh batch *before* the tables were tuned on it (the first run's figures are in
docs/detection-benchmark.md), from the public procedure texts cited in the tables' comments
(国有土地上房屋征收与补偿条例, 土地管理法实施条例, 招标拍卖挂牌出让国有建设用地使用权规定,
生产安全事故报告和调查处理条例, 信访工作条例, 保守工作秘密 rules and 保密培训 material): the
sensitive messages are what units write before a matter is public, the public ones are the published
forms and the teaching texts that quote markings. None is taken from ``benchmarks/detection/``.
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
    "land: per-household compensation detail": (
        "fenhu.eml",
        mail(
            "明细",
            "南塘片区分户补偿汇总（截至12月3日）\n户主 合法面积 评估单价 补偿小计\n"
            "龚建军 186㎡ 6850元 127.4万元\n薛丽萍 142㎡ 6850元 97.3万元\n"
            "鲁海东 210㎡ 7020元 147.4万元\n汪秋菊 96㎡ 6850元 65.8万元\n"
            "卞志明 158㎡ 7020元 110.9万元",
        ),
        "land",
    ),
    "land: signing progress report of the work group": (
        "jindu.eml",
        mail(
            "进度",
            "拆迁工作组第12期工作简报：南塘片区共涉及148户，已签约121户，签约率81.8%。未签约27户中，"
            "嫌补偿低的15户、家庭内部矛盾的8户、另有诉求的4户。下周重点攻坚鲁海东等4户。",
        ),
        "land",
    ),
    "land: 安置房 allocation order draft": (
        "xuanfang.docx",
        docx(
            ["南塘安置小区选房顺序（初排，未公示）"],
            [
                ["顺序号", "户主", "签约日期", "安置面积"],
                ["1", "龚建军", "2026-09-02", "120㎡"],
                ["2", "薛丽萍", "2026-09-02", "90㎡"],
                ["3", "汪秋菊", "2026-09-05", "75㎡"],
            ],
        ),
        "land",
    ),
    "land: appraisal results before publication": (
        "pinggu.eml",
        mail(
            "评估",
            "评估公司已报来南塘片区住宅评估初步结果，均价每平方米6900元左右，比周边二手房均价低约"
            "12%，估计群众意见会比较大。正式结果公示前请各组长掌握，统一做好解释准备。",
        ),
        "land",
    ),
    "land: court-ordered demolition planning": (
        "qiangzhi.eml",
        mail(
            "执行",
            "关于南塘片区3户申请法院强制执行的工作安排：法院已裁定准予执行，拟于12月15日凌晨组织"
            "实施，需协调公安、城管、供电等约120人，医疗救护车2辆；执行前一天对外不发布消息。",
        ),
        "land",
    ),
    "land: 土地报批 material with unpublished parcels": (
        "baopi.eml",
        mail(
            "报批",
            "2027年第一批次城镇建设用地报批材料：拟征收北岗村、石桥村集体土地共计42.6公顷，其中耕地"
            "31.2公顷，地块编号BG-01至BG-06，勘测定界报告和社会稳定风险评估报告随后补齐。",
        ),
        "land",
    ),
    "land: 出让 base price before the announcement": (
        "diji.eml",
        mail(
            "底价",
            "经集体决策，LJ2027-05号地块挂牌出让底价确定为每亩385万元，起始价按底价的95%设置。"
            "底价在成交前严格保密。",
        ),
        "land",
    ),
    "land: funding need of a resettlement project": (
        "zijin.eml",
        mail(
            "资金",
            "南塘片区征收项目总投资测算：货币补偿约4.2亿元，安置房建设约2.6亿元，目前到位资金3.1亿元，"
            "还差3.7亿元，拟申请专项债解决。",
        ),
        "land",
    ),
    "public security: internal accident investigation findings": (
        "diaocha.eml",
        mail(
            "调查",
            "11·28塌方事故调查组初步意见：施工单位未按方案放坡，监理未履职，镇安监站检查流于形式，"
            "建议对镇分管副镇长给予政务警告处分。调查报告待区政府常务会研究后再行公布。",
        ),
        "public-security",
    ),
    "public security: 个人极端 control list": (
        "jiduan.eml",
        mail(
            "管控",
            "个人极端风险人员排查情况：本月新排查出3人，龚某某（因离婚纠纷扬言报复）、薛某某（欠薪"
            "多次到工地闹事）、鲁某某（精神障碍，监护缺失），均已落实专人每日见面。",
        ),
        "public-security",
    ),
    "public security: 涉稳 risk ledger": (
        "taizhang.eml",
        mail(
            "台账",
            "12月涉稳风险排查台账：1. 南塘片区拆迁，27户未签约，存在集体上访苗头；2. 东溪建材厂欠薪"
            "46人，约210万元，工人扬言到区政府讨薪。请各责任单位逐项化解，每周报告进展。",
        ),
        "public-security",
    ),
    "public security: response plan with police deployment": (
        "bushu.eml",
        mail(
            "预案",
            "南塘片区强制执行当日的现场处置：公安分局出动警力80人，特警一个中队在外围待命，"
            "对阻挠执行人员依法带离，便衣民警负责现场录像取证。",
        ),
        "public-security",
    ),
    "public security: 舆情 guidance plan": (
        "yindao.eml",
        mail(
            "舆情",
            "关于南塘事故的舆情引导方案：由区融媒体中心发布权威信息，组织网评员在本地论坛正面跟帖，"
            "对炒作死亡人数的帖文及时联系平台处置，重点关注家属的微博动态。",
        ),
        "public-security",
    ),
    "work secret: statement marking on its own line": (
        "biaozhu.eml",
        mail(
            "情况",
            "本件属工作秘密\n关于南塘片区征收工作的情况汇报\n一、基本情况：涉及148户，已签约121户。",
        ),
        "work-secret",
    ),
    "work secret: 内部资料 footer": (
        "yejiao.docx",
        docx(
            ["2026年第四季度镇村干部工作考核情况", "一、总体情况：参加考核38人。"],
            footer="内部资料 请勿外传",
        ),
        "work-secret",
    ),
    # second batch, written after the first was tuned, before tuning on it
    "land: nail households handling plan": (
        "dingzi.eml",
        mail(
            "难点户",
            "西岗片区还有6户钉子户，其中周某要价是评估价的两倍。拟由街道主任带队逐户上门，做通子女工作后再谈，谈不拢的下月报区政府作出补偿决定。",
        ),
        "land",
    ),
    "land: 安置房 allocation draft with names": (
        "anzhifang.eml",
        mail(
            "分配",
            "西岗安置房分配方案（草案）：按签约先后确定选房顺序，前20户优先选择朝南户型；对提前搬迁的奖励5万元，此方案待指挥部会议通过后再公示。",
        ),
        "land",
    ),
    "land: 储备地块 starting price before announcement": (
        "qishijia.eml",
        mail(
            "出让",
            "XG-03储备地块拟于明年3月挂牌，评估楼面价每平方米4200元，建议出让起始价按每亩260万元设置，请在出让公告发布前严格控制知悉范围。",
        ),
        "land",
    ),
    "land: funding gap in a report to the leadership": (
        "quekou2.eml",
        mail(
            "汇报",
            "西岗片区征收补偿资金需求约3.2亿元，目前区财政只能安排1.1亿元，缺口2.1亿元，建议通过土地出让收入提前调度解决。",
        ),
        "land",
    ),
    "land: signing figures of the 指挥部": (
        "zhihuibu.eml",
        mail(
            "日报",
            "西岗征迁指挥部签约日报：今日新签8户，累计签约203户，签约率76%。未签约户主要诉求为增加安置面积，明日由副指挥长带队分片攻坚。",
        ),
        "land",
    ),
    "public security: accident internal bulletin": (
        "shigu2.eml",
        mail(
            "内部通报",
            "关于西岗工地高坠事故的情况：12月2日下午一名工人从脚手架坠落死亡，施工方已与家属初步达成赔偿意向。事故原因尚未查清，各单位不得对外发布信息，统一由区应急局回应。",
        ),
        "public-security",
    ),
    "public security: 重点人员 control during a holiday": (
        "jiejiari.eml",
        mail(
            "管控",
            "元旦期间，对辖区12名重点人员逐人落实管控责任人，其中周某某、吴某某两人有进京苗头，实行每日见面、每日报告。",
        ),
        "public-security",
    ),
    "public security: 舆情 handling of a video": (
        "shipin.eml",
        mail(
            "舆情",
            "网传西岗拆迁打人视频已联系平台删除，发布者已查明系被征收户亲属，由派出所约谈并要求其不得再发布。",
        ),
        "public-security",
    ),
    # third batch, written after the second was tuned, before tuning on it
    "land: 补偿 results per household before 公示": (
        "hezhun.eml",
        mail(
            "核准",
            "河湾片区分户评估报告已初审，最高一户为许某某的厂房评估值412万元，最低一户为6.3万元。分户评估结果公示前请各组核对面积，不要向被征收人透露具体数额。",
        ),
        "land",
    ),
    "land: 钉子户 list with strategy": (
        "celue.eml",
        mail(
            "策略",
            "河湾片区剩余未签约户一户一策：许某（要价过高，由其在区教育局工作的女儿做工作）；孔某（户内兄弟分家矛盾，先调解再谈）；曹某（外出务工，安排专人到杭州上门）。",
        ),
        "land",
    ),
    "land: 拆迁 work group 内部 report on incidents": (
        "qingkuang.eml",
        mail(
            "情况",
            "拆迁工作组内部情况报告：12月4日晚，被征收户严某在自家屋顶拉横幅，并扬言如强拆就点火。工作组已连夜安排人员值守，建议暂缓对其房屋的拆除。",
        ),
        "land",
    ),
    "land: 储备 parcel list with prices": (
        "chubei.eml",
        mail(
            "储备",
            "2027年拟供应储备地块初步计划：HW-01 商住 38亩 预估底价每亩420万元；HW-02 工业 60亩 预估底价每亩45万元。计划未经区政府常务会审定，不得对外提供。",
        ),
        "land",
    ),
    "land: 安置 funding shortfall": (
        "anzhizijin.eml",
        mail(
            "资金",
            "河湾安置房项目因拆迁补偿款拨付不足，已拖欠施工方工程款2800万元，施工方扬言停工，请财政局研究能否先调度土地出让金垫付。",
        ),
        "land",
    ),
    "public security: case investigation internal bulletin": (
        "anjian.eml",
        mail(
            "案件",
            "关于河湾片区纵火案的内部通报：犯罪嫌疑人许某已于昨晚被刑事拘留，其供述系因拆迁补偿不满报复。案件正在侦办中，各单位不得对外透露案情。",
        ),
        "public-security",
    ),
    "public security: 重点人员 during a meeting": (
        "huiyi.eml",
        mail(
            "保障",
            "区两会期间安保方案：对列管的18名重点人员实行一人一档，其中3人由派出所民警和社区干部双人盯控；发现异动第一时间报区维稳办。",
        ),
        "public-security",
    ),
    "public security: 舆情 guidance on a case": (
        "yindao2.eml",
        mail(
            "舆情",
            "纵火案舆情应对：由公安分局发布简短警情通报，不提及拆迁背景；组织属地网格员在业主群内做好解释；对自媒体炒作文章及时协调平台下架。",
        ),
        "public-security",
    ),
    # fourth batch, written after the third was tuned, before tuning on it
    "land: 土地报批 unpublished parcels in a table": (
        "baopi2.docx",
        docx(
            ["2027年度第二批次农用地转用和土地征收报批情况（送区政府）"],
            [
                ["地块", "位置", "面积（公顷）", "进度"],
                ["LQ-07", "柳桥村三组", "8.2", "勘测定界已完成，稳评报告待批"],
                ["LQ-08", "柳桥村五组", "5.6", "预公告未发布"],
            ],
        ),
        "land",
    ),
    "land: 签约 rewards plan to be kept secret": (
        "jiangli.eml",
        mail(
            "奖励",
            "柳桥片区签约奖励调整：前30天签约的每户奖励8万元，之后每户只奖励3万元。此调整只向已签约户口头说明，不出书面文件，避免未签约户攀比。",
        ),
        "land",
    ),
    "land: 安置 selection order with names before 公示": (
        "xuanfang2.eml",
        mail(
            "选房",
            "柳桥安置区选房顺序号已抽签产生，柴某某第1号、任某某第2号、房某某第3号……共86户。名单先不公示，待区里审定后再张贴。",
        ),
        "land",
    ),
    "land: 拆除 plan of illegal buildings during expropriation": (
        "chaiweijian.eml",
        mail(
            "拆违",
            "对柳桥片区拒不签约的6户，先以违法建筑名义由城管执法局组织拆除其附属用房，拆除前不告知具体时间，由派出所配合维持秩序。",
        ),
        "land",
    ),
    "public security: 信访 risk ledger with names": (
        "xinfangtaizhang.eml",
        mail(
            "台账",
            "12月信访稳定风险排查：任某某（征地补偿诉求，多次到市上访，春节前有进京可能）、房某某（工伤赔偿，扬言自杀）。以上2人由镇综治办列为重点，逐人落实包案领导。",
        ),
        "public-security",
    ),
    "public security: internal bulletin on a fight": (
        "douou.eml",
        mail(
            "通报",
            "关于柳桥村斗殴事件的情况：12月6日晚两家因宅基地纠纷发生斗殴，1人重伤。两家均有亲属在外地，可能聚集闹事。派出所已刑拘2人，请镇村做好两家稳控，暂不对外通报。",
        ),
        "public-security",
    ),
    "public security: deployment for a gathering": (
        "juji.eml",
        mail(
            "部署",
            "明日上午柳桥村部分村民可能到区政府聚集，请信访局、公安分局提前在区政府周边部署警力40人，便衣民警在人群中摄录，对带头人事后依法处理。",
        ),
        "public-security",
    ),
}

#: public forms and teaching texts: none may be held
PUBLIC: dict[str, tuple[str, bytes]] = {
    "保密 training notice quoting markings": (
        "peixun.eml",
        mail(
            "培训",
            "关于开展保密知识培训的通知\n各科室：为提高干部保密意识，定于12月10日举办保密知识培训。"
            "培训内容包括：工作秘密的确定和标注，如在文件首页左上角标注“工作秘密”，不公开的文件"
            "标注“此件不公开”；内部资料应当标注“内部资料 请勿外传”。请各科室派员参加。",
        ),
    ),
    "保密 quiz with marking options": (
        "ceshi.eml",
        mail(
            "测试",
            "保密知识测试题\n1. 属于工作秘密的文件，应当如何标注？\nA. 本件属工作秘密  B. 绝密★  "
            "C. 不标注  D. 内部资料 请勿外传\n2. 对不公开的政府信息，公文应注明（  ）。\n"
            "A. 此件不公开  B. 此件公开  C. 依申请公开\n答案：1.A、D  2.A",
        ),
    ),
    "工作秘密 rules explainer": (
        "jiedu.eml",
        mail(
            "解读",
            "《保守工作秘密规定》学习解读\n工作秘密应当在文件上作出标注，例如标注为本件属工作秘密、"
            "内部资料等。标注此件不公开的文件，不得在政府网站公开。工作人员应当严格控制知悉范围。",
        ),
    ),
    "征收决定公告": (
        "jueding.eml",
        mail(
            "公告",
            "临江区人民政府房屋征收决定公告\n因南塘片区旧城区改建需要，区人民政府决定对南塘片区范围内"
            "国有土地上房屋实施征收。征收补偿方案已经公开征求意见并修改完善，现予以公告。\n"
            "被征收人对征收决定不服的，可自公告之日起60日内申请行政复议。\n"
            "临江区人民政府\n2026年11月20日",
        ),
    ),
    "安置房分配公示": (
        "fenpei.eml",
        mail(
            "公示",
            "南塘安置小区选房结果公示\n根据选房规则，现将第一批选房结果公示如下：\n"
            "1号 龚某军 3幢201室\n2号 薛某萍 3幢202室\n3号 汪某菊 5幢101室\n"
            "公示期：2026年12月10日至12月16日。监督电话：0571-86011234\n临江区房屋征收管理办公室",
        ),
    ),
    "补偿安置方案公告": (
        "anzhi.eml",
        mail(
            "公告",
            "北岗村征地补偿安置方案公告\n根据《土地管理法实施条例》规定，现将北岗村征地补偿安置方案公告"
            "如下：一、征收范围：北岗村一组、二组集体土地。二、补偿标准：区片综合地价每亩6.8万元，"
            "青苗补偿按实计算。三、安置方式：货币安置和社会保障相结合。\n公告期限：30日。\n"
            "临江区人民政府\n2026年12月1日",
        ),
    ),
    "安全生产 事故通报 (published)": (
        "tongbao.eml",
        mail(
            "通报",
            "关于11·28塌方事故的通报\n各镇（街道）、区级有关部门：11月28日，南塘片区某工地发生一起"
            "塌方事故，造成1人死亡。经初步调查，事故系施工单位违规作业所致。现就有关事项通报如下："
            "一、深刻汲取事故教训；二、开展安全生产大排查。\n临江区安全生产委员会办公室\n2026年12月1日",
        ),
    ),
    "扫黑 宣传": (
        "saohei2.eml",
        mail(
            "宣传",
            "【扫黑除恶 人人参与】对强揽工程、暴力讨债、欺行霸市的黑恶势力，欢迎广大群众积极举报。"
            "举报电话：0571-86010110。公安机关对举报人信息严格保密。",
        ),
    ),
    # second batch
    "补偿安置方案 explainer": (
        "jiedu2.eml",
        mail(
            "解读",
            "征地补偿安置方案怎么定？根据《土地管理法实施条例》，县级以上地方人民政府在预公告后组织开展现状调查和风险评估，拟定征地补偿安置方案并公告不少于三十日，多数被征地的农村集体经济组织成员认为不符合规定的，应当组织听证。",
        ),
    ),
    "出让公告": (
        "churang2.eml",
        mail(
            "出让",
            "临江区国有建设用地使用权挂牌出让公告\n经区人民政府批准，决定以挂牌方式出让XG-03地块国有建设用地使用权。起始价每亩260万元，竞买保证金3000万元。挂牌时间：2027年3月1日至3月15日。\n特此公告。\n临江区自然资源局\n2027年2月1日",
        ),
    ),
    "征收土地预公告": (
        "yugonggao2.eml",
        mail(
            "预公告",
            "临江区人民政府征收土地预公告\n因实施西岗片区城市更新，拟征收西岗村集体土地12.6公顷。现将有关事项预公告如下：一、征收范围：西岗村一组、三组。二、自公告之日起，拟征收范围内暂停办理分户和房屋翻建。三、公告期限十个工作日。\n临江区人民政府\n2026年12月3日",
        ),
    ),
    "征迁 news with signing rate": (
        "xinwen2.eml",
        mail(
            "新闻",
            "本报讯 西岗片区征迁工作自11月启动以来，累计签约203户，签约率76%。征迁指挥部坚持阳光征收，分片攻坚，群众满意度持续提升。",
        ),
    ),
    "反诈宣传": (
        "fanzha2.eml",
        mail(
            "宣传",
            "【反诈宣传】近期刷单返利诈骗高发，民警提醒：凡是要求先垫付资金的都是诈骗。如遇可疑情况，请拨打96110或到就近派出所咨询。",
        ),
    ),
    "安全生产 published bulletin": (
        "anquan.eml",
        mail(
            "通报",
            "关于西岗工地高坠事故的通报\n12月2日，西岗片区某工地发生一起高处坠落事故，造成1人死亡。事故调查组已成立，调查报告经批复后将依法向社会公布。请各单位立即开展隐患排查。\n临江区安全生产委员会办公室\n2026年12月3日",
        ),
    ),
    "信访条例 explainer": (
        "xinfang2.eml",
        mail(
            "学习",
            "《信访工作条例》学习要点：各级机关应当建立健全信访工作责任制，对重复信访、越级上访要依法依规处理；对扬言实施极端行为的，应当及时报告公安机关依法处置。",
        ),
    ),
    "保密 self-test with marking options": (
        "zice.eml",
        mail(
            "自测",
            "保密知识自测题\n3. 下列哪一项是正确的工作秘密标注？\nA. 本件属工作秘密\nB. 此件不公开\nC. 内部资料 注意保存\nD. 以上都可以\n答案：D",
        ),
    ),
    "保密 regulation text quoting statements": (
        "guiding.eml",
        mail(
            "规定",
            "某局保守工作秘密管理办法\n第八条 工作秘密文件应当在首页标注“工作秘密”字样。\n第九条 不予公开的公文，应当在标题下方注明（此件不公开）。\n第十条 内部资料应当标注“内部资料 请勿外传”。",
        ),
    ),
    "generic procurement mail": (
        "caigou.eml",
        mail(
            "采购",
            "本月合同签约率已达90%，剩余几家供应商下周重点攻坚。设备评估结果在公示前请先核对。强制执行合同条款的情况凌晨前报我。",
        ),
    ),
    # third batch
    "分户评估结果公示": (
        "gongshi3.eml",
        mail(
            "公示",
            "河湾片区房屋分户评估结果公示\n根据《国有土地上房屋征收与补偿条例》规定，现将河湾片区被征收房屋分户评估结果予以公示。被征收人对评估结果有异议的，可自收到评估报告之日起10日内申请复核评估。\n公示时间：2026年12月10日至12月19日。\n临江区房屋征收管理办公室\n2026年12月9日",
        ),
    ),
    "征收补偿条例 training deck": (
        "kejian3.eml",
        mail(
            "课件",
            "房屋征收业务培训\n一、评估：房屋价值由具有资质的评估机构按市场价评估，分户评估结果向被征收人公示。\n二、强制执行：被征收人在法定期限内不申请复议、不诉讼又不搬迁的，由政府依法申请人民法院强制执行。\n三、资金：征收补偿费用应当足额到位、专户存储、专款专用。",
        ),
    ),
    "警情通报 arson": (
        "jingqing3.eml",
        mail(
            "警情通报",
            "警情通报\n12月5日凌晨，河湾片区一民房发生火灾。经公安机关侦查，犯罪嫌疑人许某（男，52岁）有重大作案嫌疑，已被依法刑事拘留。案件正在进一步侦办中。\n临江区公安分局\n2026年12月5日",
        ),
    ),
    "安全生产 月 宣传": (
        "anquanyue.eml",
        mail(
            "宣传",
            "安全生产月活动通知\n各单位要开展安全隐患排查整治，建立隐患台账，逐项整改销号，对发现的重大隐患挂牌督办。",
        ),
    ),
    "保密 training exam": (
        "kaoshi.eml",
        mail(
            "考试",
            "2026年度保密知识考试\n判断题：1. 标注“此件不公开”的文件可以上传政府网站。（  ）\n2. 内部资料 请勿外传 是内部资料常用的标注方式。（  ）\n单选题：3. 工作秘密的标注一般为（  ）A. 工作秘密 B. 秘密★ C. 绝密★",
        ),
    ),
    "保密 news": (
        "baomixinwen.eml",
        mail(
            "新闻",
            "本报讯 区保密局近日开展保密检查，发现个别单位将标有本件属工作秘密的文件存放在互联网计算机上，已责令整改。",
        ),
    ),
    # fourth batch
    "签约奖励 published policy": (
        "jianglizhengce.eml",
        mail(
            "公告",
            "柳桥片区房屋征收签约奖励办法\n一、在签约期限内签约并搬迁的，每户给予搬迁奖励8万元。\n二、奖励标准全片区统一，公开透明。\n三、咨询电话：0571-86013456\n临江区房屋征收管理办公室\n2026年12月1日",
        ),
    ),
    "选房规则 公告": (
        "xuanfangguize.eml",
        mail(
            "公告",
            "柳桥安置区选房规则公告\n选房顺序按签约搬迁先后确定，同一天签约的抽签决定。选房结果现场公示，接受群众监督。\n特此公告。\n临江区房屋征收管理办公室\n2026年12月2日",
        ),
    ),
    "拆违 news": (
        "chaiwei.eml",
        mail(
            "新闻",
            "本报讯 区城管执法局近日依法拆除柳桥片区违法建筑12处，面积2300平方米。执法人员事先多次上门宣传，群众普遍支持。",
        ),
    ),
    "平安 建设 report": (
        "pingan.eml",
        mail(
            "总结",
            "2026年平安建设工作总结\n全年排查化解矛盾纠纷1260件，调解成功率98%；开展信访积案化解，越级上访同比下降30%；深入开展扫黑除恶常态化斗争，社会治安持续稳定。",
        ),
    ),
    "工作秘密 regulation article text": (
        "tiaowen.eml",
        mail(
            "规定",
            "保守工作秘密规定\n第一条 为保守工作秘密，制定本规定。\n第二条 工作秘密应当标注，标注为“工作秘密”。\n第三条 标注此件不公开的公文，不得公开发布。\n第四条 内部资料应当注明内部资料 注意保存。",
        ),
    ),
}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Every sample through one ``dlp-gateway scan --format json`` run, by file name."""
    samples = (*SENSITIVE.values(), *PUBLIC.values())
    directory = tmp_path_factory.mktemp("wordfam2")
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


#: work-secret statements and markings as they stand on real documents: each must be found
MARKINGS = {
    "statement on its own line": (
        "work_secret_statement",
        "本件属工作秘密\n关于南塘片区的情况汇报",
    ),
    "statement under the title": (
        "work_secret_statement",
        "关于南塘片区的情况汇报\n（此件不公开）\n一、",
    ),
    "form cells": ("work_secret_statement", "发文稿纸\n密级 | 工作秘密\n拟稿人：李明"),
    "own line in a training plan": (
        "work_secret_statement",
        "2027年保密培训工作计划\n本件属工作秘密\n一、培训对象：全体干部。",
    ),
    "内部资料 footer line": ("work_secret_marking", "情况汇报\n一、基本情况。\n内部资料 请勿外传"),
    "bracketed 工作秘密": ("work_secret_marking", "【工作秘密】\n南塘片区签约进度"),
}
#: the same words quoted in teaching texts: none may be found
EXAMPLES = {
    "quoted in a sentence": (
        "work_secret_statement",
        "各科室：不公开的文件应标注“此件不公开”，送审前请核对。",
    ),
    "after 例如标注为": (
        "work_secret_statement",
        "通知\n工作秘密应当作出标注，例如标注为本件属工作秘密。",
    ),
    "after 注明 with brackets": (
        "work_secret_statement",
        "通知\n不予公开的公文，应当在标题下方注明（此件不公开）。",
    ),
    "quiz option": (
        "work_secret_statement",
        "单位通知\n1. 如何标注？\nA. 本件属工作秘密  B. 不标注",
    ),
    "teaching text body": (
        "work_secret_statement",
        "保密知识问答\n问：标注此件不公开的文件能否上网？答：不能。",
    ),
    "内部资料 inside quotes": (
        "work_secret_marking",
        "通知\n内部资料应当标注“内部资料 请勿外传”，并妥善保管。",
    ),
    "内部资料 as a quiz option": ("work_secret_marking", "测验\nD. 内部资料 注意保存"),
    "circulation limits in a regulation": (
        "circulation_marker",
        "某局保守工作秘密管理办法\n第五条 不予公开的公文不得在网站发布，内部资料请勿外传。",
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
        "land: court-ordered demolition planning",
        "land: 安置房 allocation order draft",
        "public security: 涉稳 risk ledger",
        "work secret: statement marking on its own line",
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
        "保密 training notice quoting markings",
        "保密 quiz with marking options",
        "安置房分配公示",
    ]
    for family in public:
        _, data = PUBLIC[family]
        answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], data)
        assert (answer.code, answer.text.startswith("2.0.0")) == (250, True), (family, answer)
    await smtp_gateway.wait_background()
    assert len(upstream.to(EXTERNAL)) == len(public)  # the look-alikes, nothing else
