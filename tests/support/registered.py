"""Documents and rosters for the registered-secrets tests: one secret report with its unit's
boilerplate, its leaked forms (PDF, excerpt, reordered, traditional, scan), and look-alikes."""

from __future__ import annotations

import io
import random
from pathlib import Path

from tests.fixtures_matchers import resident_id

HEADER = "某某县人民政府办公室文件"
FOOTER = (
    "抄送：县委办公室，县人大常委会办公室，县政协办公室，县纪委监委，县人民法院，县人民检察院。\n"
    "某某县人民政府办公室　　　　　　　　　　　　　　　　　　　2026年3月2日印发"
)
TITLE = "关于北部片区旧城改造安置资金缺口及应对措施的报告"
PARAGRAPHS = [
    "经县财政局会同县住建局逐户核算，北部片区旧城改造项目涉及被征收房屋一千二百四十六户，"
    "安置房建设和货币补偿合计需要资金九亿八千六百万元，截至二月底已到位资金六亿一千万元，"
    "缺口约三亿七千六百万元，其中二〇二六年上半年须支付的过渡费和奖励金约一亿四千万元。",
    "资金缺口的主要原因是土地出让收入较年初预算减少四成，原定由县城投公司发行的专项债券"
    "因评级下调暂缓发行，部分被征收户对评估价格提出异议后签约进度滞后于计划约三个月。",
    "为避免出现集中信访，建议采取以下措施：一是由县城投公司以在建安置房项目抵押向县农商银行"
    "申请过桥贷款两亿元，期限一年；二是将东湖路地块的出让时间提前至五月，底价不低于每亩"
    "三百八十万元；三是对已签约未领取奖励金的二百一十三户分两批兑付，先兑付年龄七十岁以上"
    "和低保家庭。",
    "上述措施中过桥贷款和提前出让地块两项需经县政府常务会议研究，请县委主要领导审定后"
    "提交常务会议。在正式决定作出前，请各相关单位不得对外透露资金缺口的具体数额和拟采取的"
    "融资方式，以免影响签约进度和银行授信。",
    "县财政局负责牵头测算分月资金需求，县住建局负责每周报送签约和腾空进度，县信访局负责"
    "梳理已登记的一百零七件信访事项并逐件明确包案领导，各项工作进展于每周五下午报县政府办公室。",
]
SECRET_TEXT = "\n".join([HEADER, TITLE, *PARAGRAPHS, FOOTER])
#: One sentence of the secret, for searching the database file.
SECRET_SENTENCE = "缺口约三亿七千六百万元"

#: A standard paragraph the unit puts in many ordinary mails too (a 保密提示), not a secret. It is
#: long enough (over 80 squeezed characters) that, whatever the key, a mail carrying it alone
#: shares a run of more than DEFAULT_MIN_RUN characters with a document carrying it.
STANDARD = (
    "温馨提示：本邮件及附件仅供收件人工作使用，请妥善保管，未经发件单位同意不得转发、复制或"
    "在互联网上传播；如您误收本邮件，请立即删除并电话告知县政府办公室综合科，谢谢配合。"
    "本提示不构成对邮件内容密级的判断。"
)

#: Another report on the same topic (旧城改造), written independently.
SAME_TOPIC = (
    "关于北部片区旧城改造项目进展情况的通报\n"
    "今年以来，全县上下认真贯彻落实县委县政府关于旧城改造工作的决策部署，北部片区项目"
    "总体进展顺利。项目指挥部坚持阳光征收，评估结果全部张榜公示，群众满意度较高。\n"
    "下一步，各成员单位要继续加强协调配合，加快安置房建设进度，确保被征收群众早日回迁，"
    "同时做好政策解释工作，及时化解矛盾纠纷，维护社会大局稳定。\n"
    "县财政局要积极争取上级资金支持，县住建局要加强工程质量监管，确保安置房质量安全。"
)
ORDINARY = (
    "各位同事：\n下周二上午九点在三楼会议室召开季度工作例会，请各科室负责人准时参加，"
    "并提前准备本科室一季度工作小结和二季度工作计划。\n办公室"
)
_FILLER = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下"
    "过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都"
    "两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重"
)


def other_report(seed: int) -> str:
    """Another registered document of the same unit: own body, the same boilerplate."""
    rng = random.Random(seed)
    body = ["".join(rng.choice(_FILLER) for _ in range(60)) + "。" for _ in range(6)]
    return "\n".join([HEADER, *body, FOOTER])


def traditional(text: str) -> str:
    import opencc

    return str(opencc.OpenCC("s2t").convert(text))


def docx_of(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def _lines(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += [paragraph[i : i + width] for i in range(0, len(paragraph), width)] or [""]
    return lines


def pdf_of(text: str) -> bytes:
    """The text as a PDF with a text layer, lines reflowed at 34 characters (like a print)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("wqy", str(FONT), subfontIndex=0))
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setFont("wqy", 14)
    y = 800
    for line in _lines(text, 34):
        page.drawString(50, y, line)
        y -= 22
        if y < 60:
            page.showPage()
            page.setFont("wqy", 14)
            y = 800
    page.save()
    return out.getvalue()


def scan_png(text: str) -> bytes:
    """The text printed and scanned: a 150 dpi page image (PIL + wqy-zenhei), for OCR."""
    from PIL import Image, ImageDraw, ImageFont

    lines = _lines(text, 30)
    image = Image.new("RGB", (1240, 120 + 48 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 34)
    for number, line in enumerate(lines):
        draw.text((80, 60 + 48 * number), line, font=font, fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


ROSTER_HEADER = ["姓名", "身份证号", "手机号", "住址"]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"


def roster(seed: int, count: int = 20) -> list[list[str]]:
    """A 低保 roster: names, ID numbers (valid check digits), mobiles and addresses (synthetic)."""
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        name = rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN)
        born = f"19{rng.randrange(40, 99)}{rng.randrange(1, 13):02d}{rng.randrange(1, 28):02d}"
        ident = resident_id(f"4301{rng.randrange(10, 99)}{born}{rng.randrange(100, 999)}")
        mobile = f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}"
        address = f"东湖街道{rng.choice('一二三四五六')}组{n + 1}号"
        rows.append([name, ident, mobile, address])
    return rows


def csv_of(rows: list[list[str]]) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ROSTER_HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
